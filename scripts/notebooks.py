"""The two notebooks of a chapter, per language: the full one and the student's.

sphinx-tojupyter writes one notebook per chapter and language, with each solution right under its
exercise, headed by a broken Markdown link ("## [Solution to Exercise 3.2](#ex-srnn-forward)").
From it, :func:`split` makes

* the **full notebook**: the chapter as the site shows it, each exercise a ``###`` section and its
  solution a ``####`` section that opens collapsed: Colab reads the notebook's
  ``metadata.colab.collapsed_sections``, JupyterLab and Notebook 7 the heading cell's
  ``jp-MarkdownHeadingCollapsed``, and the solution's own cells are marked ``source_hidden``;
* the **student notebook**: the same chapter without a line of any solution. Each exercise gets an
  answer cell with a stub (the solution's functions and classes reduced to their signatures, its
  answers to ``name = ...``) and a locked check cell with the checker call. Both carry nbgrader's cell
  metadata, so that an instructor can grade collected notebooks as they are (``./book grade``).
"""

from __future__ import annotations

import ast
import copy
import json
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKERS = ROOT / "code" / "rnnbook" / "exercises"
EXERCISES_SUFFIX = "-exercises"  # chapters/03-simple-rnn.ipynb -> chapters/03-simple-rnn-exercises.ipynb

SOLUTION_HEADING = re.compile(r"^## \[(?P<title>.+)\]\(#(?P<label>[\w-]+)\)\s*$")
CHECK_CALL = re.compile(r"^ch\d\d$")


def cell_source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def _first_line(cell: dict) -> str:
    return cell_source(cell).split("\n", 1)[0]


def _markdown(source: str, cell_id: str, metadata: dict | None = None) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": metadata or {}, "source": source}


def _code(source: str, cell_id: str, metadata: dict) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": metadata,
        "outputs": [],
        "source": source,
    }


def exercise_heading(exercise_format: str) -> re.Pattern:
    """ "## Exercise 3.2" in the notebook's language (``exercise_format`` is e.g. "演習 %s")."""
    number = r"(?P<number>\d+\.\d+)"
    return re.compile("^## " + re.escape(exercise_format).replace(re.escape("%s"), number) + r"\s*$")


@cache
def checker_parameters(module: str, name: str) -> tuple[str, ...]:
    """The parameter names of ``rnnbook.exercises.<module>.<name>``, read from its source."""
    tree = ast.parse((CHECKERS / f"{module}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return tuple(a.arg for a in node.args.posonlyargs + node.args.args)
    raise ValueError(f"rnnbook.exercises.{module} has no checker {name}")


def _skeleton(node: ast.FunctionDef | ast.ClassDef, method: bool = False) -> ast.stmt:
    """A function or class reduced to its signature (and docstring), its body ``...``.

    A function keeps only the parameters the exercise asks for: those with a default are the
    solution's own choices (``units=16``). A method keeps them all (the exercise names them)."""
    node = copy.deepcopy(node)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not method:
        args = node.args
        kept = len(args.posonlyargs) + len(args.args) - len(args.defaults)
        positional = (args.posonlyargs + args.args)[:kept]
        args.posonlyargs, args.args = positional[: len(args.posonlyargs)], positional[len(args.posonlyargs) :]
        args.defaults = []
        args.kwonlyargs = [a for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None]
        args.kw_defaults = [None] * len(args.kwonlyargs)
    body = []
    if ast.get_docstring(node) is not None:
        body.append(node.body[0])
    if isinstance(node, ast.ClassDef):
        body += [_skeleton(n, True) for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if not body or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        body.append(ast.Expr(ast.Constant(...)))
    node.body = body
    return node


def _placeholder(value: ast.expr) -> str:
    """``...`` in place of an answer; a dict of answers keeps its keys."""
    if isinstance(value, ast.Dict) and all(isinstance(k, ast.Constant) for k in value.keys):
        items = "".join(f"    {json.dumps(k.value)}: ...,\n" for k in value.keys)
        return "{\n" + items + "}"
    return "..."


def _checker_call(node: ast.stmt) -> ast.Call | None:
    """``chNN.check_x(...)`` as a statement of its own, else None."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return None
    func = node.value.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and CHECK_CALL.match(func.value.id):
        return node.value if func.attr.startswith("check_") else None
    return None


def stub(solution_code: list[str]) -> tuple[str, str]:
    """(answer cell, check cell) for a solution's code cells; no statement of the solution's body survives."""
    answer: list[tuple[str, str]] = []  # (kind, code): "value" lines or "definition" blocks
    checks: list[str] = []
    modules: list[str] = []
    for code in solution_code:
        for node in ast.parse(code).body:
            call = _checker_call(node)
            if call is not None:
                module, name = call.func.value.id, call.func.attr
                parameters = checker_parameters(module, name)
                args = []
                for i, arg in enumerate(call.args):
                    if isinstance(arg, ast.Name):
                        args.append(arg.id)
                    else:  # a value written in the call: the student names it in the answer cell
                        answer.append(("value", f"{parameters[i]} = {_placeholder(arg)}"))
                        args.append(parameters[i])
                if call.keywords:
                    raise ValueError(f"keyword arguments in a solution's checker call: {ast.unparse(call)}")
                checks.append(f"{module}.{name}({', '.join(args)})")
                if module not in modules:
                    modules.append(module)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                # ast.unparse puts a blank line under "class X:"; a skeleton reads better without it
                answer.append(("definition", re.sub(r":\n\n(\s+def )", r":\n\1", ast.unparse(_skeleton(node)))))
            elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
                targets = " = ".join(t.id for t in node.targets)
                answer.append(("value", f"{targets} = {_placeholder(node.value)}"))
            # imports, prints and the solution's other statements: not part of a stub
    if not checks:
        raise ValueError("a solution without a checker call:\n" + "\n".join(solution_code))
    imports = "".join(f"from rnnbook.exercises import {m}\n" for m in modules)
    text = ""
    for k, (kind, code) in enumerate(answer):
        if k:
            text += "\n" if kind == answer[k - 1][0] == "value" else "\n\n\n"
        text += code
    return text + "\n", imports + "\n" + "\n".join(checks) + "\n"


def split(nb: dict, exercise_format: str, lang: str, page: str) -> tuple[dict, dict]:
    """(full notebook, student notebook) from a notebook written by sphinx-tojupyter."""
    exercise = exercise_heading(exercise_format)
    full_cells: list[dict] = []
    student_cells: list[dict] = []
    collapsed: list[str] = []
    cells = nb["cells"]
    number = None
    i = 0
    while i < len(cells):
        cell = cells[i]
        head = _first_line(cell) if cell["cell_type"] == "markdown" else ""
        found = exercise.match(head)
        if found:
            number = found["number"]
            cell = {**cell, "source": "#" + cell_source(cell)}  # "### Exercise 3.2": a section of "Exercises"
            full_cells.append(cell)
            student_cells.append(cell)
            i += 1
            continue
        solution = SOLUTION_HEADING.match(head)
        if not solution:
            full_cells.append(cell)
            student_cells.append(cell)
            i += 1
            continue
        # The solution runs up to the next heading (the next exercise, or the end of the chapter).
        end = i + 1
        while end < len(cells) and not (
            cells[end]["cell_type"] == "markdown" and _first_line(cells[end]).startswith("#")
        ):
            end += 1
        label, title = solution["label"], solution["title"]
        if number is None:
            raise ValueError(f"{lang}/{page}: solution {label} before any exercise")
        heading_id = f"solution-{label}"
        full_cells.append(
            _markdown(f"#### {title}", heading_id, {"jp-MarkdownHeadingCollapsed": True, "tags": ["solution"]})
        )
        collapsed.append(heading_id)
        hidden = {"jupyter": {"source_hidden": True}, "tags": ["solution"]}
        rest = cell_source(cell).split("\n", 1)[1].strip() if "\n" in cell_source(cell) else ""
        if rest:
            full_cells.append(_markdown(rest, f"{heading_id}-text", copy.deepcopy(hidden)))
        code = []
        for k, body in enumerate(cells[i + 1 : end], start=1):
            body = copy.deepcopy(body)
            body["metadata"] = {**body.get("metadata", {}), **copy.deepcopy(hidden)}
            body["metadata"].pop("hide-output", None)
            body["id"] = f"{heading_id}-{k}"
            full_cells.append(body)
            if body["cell_type"] == "code":
                code.append(cell_source(body))
        answer, check = stub(code)
        about = {"exercise": label, "number": number}
        nbgrader = {"schema_version": 3, "task": False}
        student_cells.append(
            _code(
                answer,
                f"answer-{label}",
                {
                    "tags": ["answer"],
                    "hidden_state": about,
                    "nbgrader": {
                        **nbgrader,
                        "solution": True,
                        "grade": False,
                        "locked": False,
                        "grade_id": f"answer-{label}",
                    },
                },
            )
        )
        student_cells.append(
            _code(
                check,
                f"check-{label}",
                {
                    "tags": ["check"],
                    "hidden_state": about,
                    "editable": False,
                    "deletable": False,
                    "nbgrader": {
                        **nbgrader,
                        "solution": False,
                        "grade": True,
                        "locked": True,
                        "points": 1,
                        "grade_id": label,
                    },
                },
            )
        )
        i = end
    full = {**nb, "cells": full_cells, "metadata": copy.deepcopy(nb.get("metadata", {}))}
    student = {**nb, "cells": student_cells, "metadata": copy.deepcopy(nb.get("metadata", {}))}
    full["metadata"].setdefault("colab", {})["collapsed_sections"] = collapsed
    full["metadata"]["hidden_state"] = {"lang": lang, "page": page, "kind": "full"}
    student["metadata"]["hidden_state"] = {"lang": lang, "page": page, "kind": "exercises"}
    return full, student
