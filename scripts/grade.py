"""Grade a folder of submitted student notebooks with nbgrader: `./book grade SUBMISSIONS [--out DIR]`.

SUBMISSIONS holds `<student>.ipynb` files and/or `<student>/<anything>.ipynb` folders: the student notebooks
`P-exercises.ipynb` that `./book build` writes next to each chapter's Colab notebook. For every chapter and
language found among them, the built student notebook of the site is the nbgrader source: its check cells are
the graded (locked) cells, so a student who edited one is graded with the original. Each submission is then
autograded by `nbgrader autograde` in a course directory of its own, in a kernel of this Python (the book's venv)
with RNNBOOK_STRICT=1, so that a ✗ of a checker is a raised CheckFailed, which nbgrader scores 0. nbgrader goes on
after an error or a cell timeout (it interrupts the kernel), so a crash costs only the exercises it breaks.

Written to DIR: grades.csv (a row per student, a column per exercise with its points, total, max),
feedback/<student>.html and .md (a report in the student's language: per exercise ✓/✗, points and the checker's
message; crashes, timeouts and unreadable files as a line each) and notebooks/<student>.ipynb (the autograded
notebook, for the instructor). A broken submission never stops the run.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from book.config import LANGUAGES  # _config.yml's hs_languages
from notebooks import EXERCISES_SUFFIX  # scripts/notebooks.py, which writes the student notebooks
from rnnbook.exercises._watch import MARKER as WATCH_MARKER

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
KERNEL_NAME = "hidden-state-grader"
KERNEL_ENV = {"RNNBOOK_STRICT": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
# Run before each check cell (nbgrader restores locked cells from the source): strict mode on again, and the
# checkers reloaded as shipped (their helpers first), so that an answer cell that set RNNBOOK_STRICT=0 or
# replaced a checker (`ch02.check_rnn_step = lambda f: True`) changes nothing.
STRICT_AGAIN = """\
import importlib, os, sys

import rnnbook.exercises

os.environ["RNNBOOK_STRICT"] = "1"  # graded: a ✗ is a failed test
importlib.reload(sys.modules["rnnbook.exercises._report"])
for _name in sorted(m for m in sys.modules if m.startswith("rnnbook.exercises.ch")):
    importlib.reload(sys.modules[_name])
"""

# Every grading kernel starts by wrapping rnnbook's reference implementations (rnnbook.exercises._watch), so
# that each check can report the ones the answer called; the check cell reports them even when it fails.
WATCH_START = "from rnnbook.exercises import _watch; _watch.install()"
# The check's last expression keeps its value, so that the checker's ✓/✗ line is still displayed.
WATCH_REPORT = "\ntry:\n{body}\nfinally:\n    _watch.report({name!r})\n{shown}"
_CHECK_CALL = re.compile(r"\b(ch\d\d)\.(check_\w+)\(")

NBGRADER_STUDENT = "student"  # every submission has a course directory of its own: nbgrader never sees real ids
CELL_TIMEOUT = 180.0  # seconds per cell; the book's longest takes well under a minute
NOTEBOOK_TIMEOUT = 1800.0

# The report's own words, written for each language (the checkers' messages come in the student's language).
LABELS = {
    "en": {
        "delegates": "Exercise {number}: your answer calls the book's own implementation ({names}) instead of "
        "computing the result itself; your instructor will review it.",
        "title": "Feedback on your exercises",
        "student": "Student",
        "chapter": "Chapter",
        "exercise": "Exercise",
        "result": "Result",
        "points": "Points",
        "message": "Checker’s message",
        "total": "Total",
        "problems": "Problems while running your notebook",
        "no_problems": "Your notebook ran without problems.",
        "no_output": "The checker showed nothing.",
        "not_run": "The check did not run.",
        "crash": "Exercise {number}: your answer cell stopped with an error: {error}",
        "crash_other": "A cell outside the exercises stopped with an error: {error}",
        "timeout": "Exercise {number}: your answer cell ran longer than {seconds} s and was stopped.",
        "timeout_check": "Exercise {number}: the check ran longer than {seconds} s and was stopped.",
        "timeout_other": "A cell outside the exercises ran longer than {seconds} s and was stopped.",
        "notebook_timeout": "The notebook ran longer than {seconds} s in all and was stopped: every exercise gets "
        "0 points.",
        "corrupt": "The file {file} is damaged (its JSON is incomplete or invalid), so it could not be graded: every "
        "exercise gets 0 points. Save the notebook again and resubmit it.",
        "not_notebook": "The file {file} is not a Jupyter notebook, so it could not be graded: every exercise gets "
        "0 points.",
        "unknown_chapter": "The notebook {file} is not a student notebook of this book, so it could not be graded.",
        "no_notebook": "No notebook was found in your submission: every exercise gets 0 points.",
        "duplicate": "Several notebooks were submitted; only {file} was graded.",
        "grader_failed": "The notebook could not be graded ({error}): every exercise gets 0 points.",
    },
    "ru": {
        "delegates": "Упражнение {number}: ваш ответ вызывает готовую реализацию из книги ({names}) вместо того, "
        "чтобы вычислять результат самостоятельно; преподаватель проверит его вручную.",
        "title": "Результаты проверки упражнений",
        "student": "Студент",
        "chapter": "Глава",
        "exercise": "Упражнение",
        "result": "Результат",
        "points": "Баллы",
        "message": "Сообщение функции проверки",
        "total": "Итого",
        "problems": "Проблемы при выполнении блокнота",
        "no_problems": "Блокнот выполнился без проблем.",
        "no_output": "Функция проверки ничего не вывела.",
        "not_run": "Проверка не запускалась.",
        "crash": "Упражнение {number}: ячейка с вашим ответом завершилась ошибкой: {error}",
        "crash_other": "Ячейка вне упражнений завершилась ошибкой: {error}",
        "timeout": "Упражнение {number}: ячейка с вашим ответом выполнялась дольше {seconds} с и была остановлена.",
        "timeout_check": "Упражнение {number}: проверка выполнялась дольше {seconds} с и была остановлена.",
        "timeout_other": "Ячейка вне упражнений выполнялась дольше {seconds} с и была остановлена.",
        "notebook_timeout": "Блокнот выполнялся в целом дольше {seconds} с и был остановлен: за все упражнения "
        "0 баллов.",
        "corrupt": "Файл {file} повреждён (его JSON неполон или некорректен), поэтому проверить его не удалось: за все "
        "упражнения 0 баллов. Сохраните блокнот заново и отправьте его ещё раз.",
        "not_notebook": "Файл {file} не является блокнотом Jupyter, поэтому проверить его не удалось: за все "
        "упражнения 0 баллов.",
        "unknown_chapter": "Блокнот {file} не является блокнотом с упражнениями этой книги, поэтому проверить его "
        "не удалось.",
        "no_notebook": "В вашей работе не найдено ни одного блокнота: за все упражнения 0 баллов.",
        "duplicate": "Отправлено несколько блокнотов; проверен только {file}.",
        "grader_failed": "Блокнот не удалось проверить ({error}): за все упражнения 0 баллов.",
    },
    "zh_CN": {
        "delegates": "练习 {number}：你的答案直接调用了本书自带的实现（{names}），而不是自己计算结果；老师会人工复查。",
        "title": "练习批改结果",
        "student": "学生",
        "chapter": "章节",
        "exercise": "练习",
        "result": "结果",
        "points": "得分",
        "message": "检查函数的提示",
        "total": "总分",
        "problems": "笔记本运行中的问题",
        "no_problems": "笔记本运行时没有出现问题。",
        "no_output": "检查函数没有输出任何内容。",
        "not_run": "检查没有运行。",
        "crash": "练习 {number}：你的答案单元格运行出错：{error}",
        "crash_other": "练习之外的一个单元格运行出错：{error}",
        "timeout": "练习 {number}：你的答案单元格运行超过 {seconds} 秒，已被中止。",
        "timeout_check": "练习 {number}：检查运行超过 {seconds} 秒，已被中止。",
        "timeout_other": "练习之外的一个单元格运行超过 {seconds} 秒，已被中止。",
        "notebook_timeout": "笔记本总运行时间超过 {seconds} 秒，已被中止：所有练习均记 0 分。",
        "corrupt": "文件 {file} 已损坏（其 JSON 不完整或无效），无法批改：所有练习均记 0 分。"
        "请重新保存笔记本后再次提交。",
        "not_notebook": "文件 {file} 不是 Jupyter 笔记本，无法批改：所有练习均记 0 分。",
        "unknown_chapter": "笔记本 {file} 不是本书的练习笔记本，无法批改。",
        "no_notebook": "你提交的内容中没有找到笔记本：所有练习均记 0 分。",
        "duplicate": "提交了多个笔记本，只批改了 {file}。",
        "grader_failed": "笔记本无法批改（{error}）：所有练习均记 0 分。",
    },
    "ja": {
        "delegates": "演習 {number}：あなたの解答は自分で計算する代わりに本書の実装（{names}）を呼び出しています。"
        "担当教員が確認します。",
        "title": "演習の採点結果",
        "student": "学生",
        "chapter": "章",
        "exercise": "演習",
        "result": "結果",
        "points": "得点",
        "message": "チェック関数のメッセージ",
        "total": "合計",
        "problems": "ノートブック実行時の問題",
        "no_problems": "ノートブックは問題なく実行されました。",
        "no_output": "チェック関数は何も表示しませんでした。",
        "not_run": "チェックは実行されませんでした。",
        "crash": "演習 {number}：解答セルの実行中にエラーが発生しました：{error}",
        "crash_other": "演習以外のセルの実行中にエラーが発生しました：{error}",
        "timeout": "演習 {number}：解答セルの実行が {seconds} 秒を超えたため、中断しました。",
        "timeout_check": "演習 {number}：チェックの実行が {seconds} 秒を超えたため、中断しました。",
        "timeout_other": "演習以外のセルの実行が {seconds} 秒を超えたため、中断しました。",
        "notebook_timeout": "ノートブック全体の実行が {seconds} 秒を超えたため、中断しました。"
        "すべての演習が 0 点になります。",
        "corrupt": "ファイル {file} は壊れている（JSON が不完全か不正な）ため、採点できませんでした。"
        "すべての演習が 0 点になります。ノートブックを保存し直して、もう一度提出してください。",
        "not_notebook": "ファイル {file} は Jupyter ノートブックではないため、採点できませんでした。すべての演習が 0 点"
        "になります。",
        "unknown_chapter": "ノートブック {file} は本書の演習用ノートブックではないため、採点できませんでした。",
        "no_notebook": "提出物にノートブックが見つかりませんでした。すべての演習が 0 点になります。",
        "duplicate": "複数のノートブックが提出されたため、{file} だけを採点しました。",
        "grader_failed": "ノートブックを採点できませんでした（{error}）。すべての演習が 0 点になります。",
    },
}

_LANG_IN_SETUP = re.compile(r'RNNBOOK_LANG\\?"\]\s*=\s*\\?"([A-Za-z_]+)\\?"')
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Exercise:
    number: str
    grade_id: str
    max_points: float
    points: float = 0.0
    passed: bool | None = None  # None: the check did not run
    message: str = ""
    delegates_to: list[str] = field(default_factory=list)  # rnnbook's reference implementations it called


@dataclass
class Source:
    """A chapter's student notebook in one language, as built: what nbgrader grades against."""

    page: str
    lang: str
    path: Path
    title: str
    exercises: list[Exercise]

    @property
    def assignment(self) -> str:
        return f"{Path(self.page).name}-{self.lang}"

    @property
    def notebook(self) -> str:
        return self.path.stem


@dataclass
class Student:
    name: str
    files: list[Path]
    lang: str = "en"
    title: str = ""
    notebook: Path | None = None  # the submission to grade
    page: str | None = None
    exercises: dict[str, Exercise] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    graded: Path | None = None  # the autograded notebook
    log: str = ""  # nbgrader's output, for the instructor

    def problem(self, key: str, **values) -> None:
        self.problems.append(LABELS[self.lang][key].format(**values))


def find_submissions(folder: Path) -> list[Student]:
    """`<student>.ipynb` (id: the file's stem) and `<student>/<anything>.ipynb` (id: the folder's name)."""
    files: dict[str, list[Path]] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_dir():
            found = sorted(
                p
                for p in entry.rglob("*.ipynb")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(entry).parts)
            )
            files.setdefault(entry.name, []).extend(found)
        elif entry.is_file():
            files.setdefault(entry.stem, []).append(entry)
    return [Student(name, paths) for name, paths in files.items()]


def _guess_lang(text: str) -> str:
    match = _LANG_IN_SETUP.search(text)
    return match.group(1) if match and match.group(1) in LANGUAGES else "en"


def _read(path: Path) -> tuple[nbformat.NotebookNode | None, str, str | None]:
    """The notebook, its language, and the LABELS key of what is wrong with the file (None if nothing)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None, "en", "not_notebook"
    text = raw.decode("utf-8", errors="replace")
    lang = _guess_lang(text)
    try:
        data = json.loads(text)
    except ValueError:
        return None, lang, "corrupt" if text.lstrip().startswith("{") else "not_notebook"
    if not isinstance(data, dict) or "cells" not in data or "nbformat" not in data:
        return None, lang, "not_notebook"
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception:
        return None, lang, "corrupt"
    meta = nb.metadata.get("hidden_state", {})
    lang = meta.get("lang") if meta.get("lang") in LANGUAGES else lang
    return nb, lang, None


def _page_of(nb: nbformat.NotebookNode, sources: dict[str, list[str]]) -> str | None:
    """The chapter page of a student notebook: from its metadata, else from its graded cells' ids."""
    page = nb.metadata.get("hidden_state", {}).get("page")
    if page:
        return page
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells} - {None}
    matches = [p for p, grade_ids in sources.items() if ids & set(grade_ids)]
    return matches[0] if len(matches) == 1 else None


def _source_notebook(site: Path, page: str, lang: str) -> Path | None:
    for candidate_lang in (lang, "en"):
        path = site / candidate_lang / "notebooks" / f"{page}{EXERCISES_SUFFIX}.ipynb"
        if path.exists():
            return path
    return None


def _exercises_of(nb: nbformat.NotebookNode) -> list[Exercise]:
    exercises = []
    for cell in nb.cells:
        grading = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and grading.get("grade"):
            number = cell.metadata.get("hidden_state", {}).get("number", grading["grade_id"])
            exercises.append(Exercise(number, grading["grade_id"], float(grading.get("points", 0))))
    return exercises


def _number_key(number: str) -> tuple:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"[.\-]", number))


def _all_pages(site: Path) -> dict[str, list[str]]:
    """Every chapter with a student notebook in the site, with its graded cells' ids (to recognise a notebook)."""
    pages = {}
    for path in sorted(site.glob(f"*/notebooks/**/*{EXERCISES_SUFFIX}.ipynb")):
        page = path.relative_to(site / path.relative_to(site).parts[0] / "notebooks").as_posix()
        page = page.removesuffix(f"{EXERCISES_SUFFIX}.ipynb")
        if page in pages:
            continue
        try:
            pages[page] = [e.grade_id for e in _exercises_of(nbformat.read(path, as_version=4))]
        except Exception:
            continue
    return pages


def _write_kernel(jupyter: Path) -> None:
    """A kernelspec running this Python (the book's venv) with the graders' environment."""
    spec = jupyter / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    kernel = {
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            f"--IPKernelApp.exec_lines={WATCH_START}",
        ],
        "display_name": "Hidden State (grading)",
        "language": "python",
        "env": KERNEL_ENV,
    }
    (spec / "kernel.json").write_text(json.dumps(kernel, indent=1), encoding="utf-8")


def _nbgrader_env(work: Path) -> dict[str, str]:
    env = {**os.environ, **KERNEL_ENV}
    # nbgrader runs `alembic` (its gradebook's migrations) from PATH: the one next to this Python
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["JUPYTER_PATH"] = str(work / "jupyter")  # our kernelspec first
    env["JUPYTER_CONFIG_DIR"] = str(work / "jupyter-config")  # no instructor's own nbgrader_config.py
    env.pop("RNNBOOK_LANG", None)  # each notebook's first cell sets the student's language
    return env


def _nbgrader(args: list[str], course: Path, env: dict[str, str], timeout: float | None) -> tuple[int | None, str]:
    """Run one nbgrader command; return its exit code (None after a timeout, all its processes killed) and log."""
    import psutil

    log = course / "nbgrader.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "nbgrader", *args],
            cwd=course,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = None
            try:
                family = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
            except psutil.Error:
                family = []
            for member in family:
                try:
                    member.kill()
                except psutil.Error:
                    pass
            process.wait()
    return code, log.read_text(encoding="utf-8", errors="replace")


def _chapter_timeout(cell_timeout: float) -> int:
    return max(1, round(max(cell_timeout, CELL_TIMEOUT)))


def _config(course: Path, cell_timeout: float) -> None:
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.Execute.kernel_name = {KERNEL_NAME!r}\n"
        # the answer and check cells get cell_timeout; the chapter's own cells, not the students', at least the default
        f"c.Execute.timeout = {_chapter_timeout(cell_timeout)}\n"
        f"c.Execute.timeout_func = lambda cell: {max(1, round(cell_timeout))} if 'nbgrader' in cell.metadata else "
        f"{_chapter_timeout(cell_timeout)}\n"
        "c.Execute.interrupt_on_timeout = True\n"
        # nbgrader fails the whole notebook when output comes 4 s after a cell's reply (kernels under load do that)
        "c.Execute.iopub_timeout = 60\n"
        "c.Execute.raise_on_iopub_timeout = False\n"
        "c.OverwriteCells.add_missing_cells = True\n",
        encoding="utf-8",
    )


def _last_error(log: str) -> str:
    """The last exception in nbgrader's log, as `Name: message` (the kernel died, the notebook could not be read…)."""
    found = re.findall(r"^\s*(?:[\w]+\.)*(\w+(?:Error|Exception|Interrupt)): ?(.*)$", log, re.MULTILINE)
    return (f"{found[-1][0]}: {found[-1][1]}".strip(": ") if found else "nbgrader failed")[:300]


def _watched_check(source: str, name: str) -> str:
    """The check cell's code run inside try/finally, so that _watch reports even when the check fails;
    a last expression is assigned inside and shown after, as the cell would have shown it."""
    import ast

    body = ast.parse(source).body
    lines = source.strip().splitlines()
    shown = ""
    if body and isinstance(body[-1], ast.Expr):
        last = body[-1]
        before = lines[: last.lineno - 1]
        expression = "\n".join(lines[last.lineno - 1 : last.end_lineno])
        lines = [*before, f"_hs_checked = {expression}"]
        shown = "_hs_checked\n"
    indented = "\n".join("    " + line if line else "" for line in lines)
    return WATCH_REPORT.format(body=indented, name=name, shown=shown)


def _prepare(source: Source, work: Path, cell_timeout: float) -> tuple[Path | None, str]:
    """A course directory with the source released by `nbgrader generate_assignment`; copied for each student."""
    course = work / "templates" / source.assignment
    (course / "source" / source.assignment).mkdir(parents=True)
    # Each check cell turns strict mode on again before it runs, so that an answer cell that sets
    # RNNBOOK_STRICT=0 cannot turn a ✗ into a pass: nbgrader restores locked cells from this source.
    nb = nbformat.read(source.path, as_version=4)
    for cell in nb.cells:
        if "check" in cell.metadata.get("tags", []):
            call = _CHECK_CALL.search(cell.source)
            check = cell.source
            if call:
                check = "from rnnbook.exercises import _watch\n" + _watched_check(cell.source, f"{call[1]}.{call[2]}")
            cell.source = STRICT_AGAIN + check
    nbformat.write(nb, course / "source" / source.assignment / source.path.name)
    _config(course, cell_timeout)
    code, log = _nbgrader(["generate_assignment", source.assignment, "--force"], course, _nbgrader_env(work), 600)
    return (course if code == 0 else None), log


def _text_of(outputs: list) -> str:
    parts = []
    for output in outputs:
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif output.get("output_type") in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
    return _ANSI.sub("", "".join(p if isinstance(p, str) else "".join(p) for p in parts)).strip()


def _split_watch(text: str) -> tuple[str, list[str]]:
    """The check's output without rnnbook.exercises._watch's line, and the names that line gives."""
    kept, names = [], []
    for line in text.splitlines():
        if line.startswith(WATCH_MARKER):
            names += [n.strip() for n in line.split(":", 1)[1].split(",") if n.strip()]
        else:
            kept.append(line)
    return "\n".join(kept).strip(), names


def _error_of(outputs: list) -> dict | None:
    """A cell's error; after a timeout nbgrader adds a CellTimeoutError to the kernel's KeyboardInterrupt."""
    errors = [o for o in outputs if o.get("output_type") == "error"]
    timeouts = [o for o in errors if o.get("ename") == "CellTimeoutError"]
    return (timeouts or errors or [None])[0]


def _describe(error: dict) -> str:
    value = _ANSI.sub("", str(error.get("evalue", ""))).strip()
    return f"{error.get('ename', 'Error')}: {value}" if value else str(error.get("ename", "Error"))


def _read_results(student: Student, source: Source, course: Path, cell_timeout: float) -> None:
    """Points from nbgrader's gradebook; ✓/✗ lines and problems from the autograded notebook's outputs."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submitted = gb.find_submission_notebook(source.notebook, source.assignment, NBGRADER_STUDENT)
        scores = {grade.name: grade.score for grade in submitted.grades}
    for exercise in student.exercises.values():
        exercise.points = float(scores.get(exercise.grade_id) or 0)
    graded = nbformat.read(student.graded, as_version=4)
    seconds = f"{cell_timeout:g}"
    by_grade_id = {e.grade_id: e for e in student.exercises.values()}
    for cell in graded.cells:
        if cell.cell_type != "code":
            continue
        grading = cell.metadata.get("nbgrader", {})
        number = cell.metadata.get("hidden_state", {}).get("number")
        error = _error_of(cell.get("outputs", []))
        exercise = by_grade_id.get(grading.get("grade_id"))
        if exercise is not None and grading.get("grade"):
            shown, exercise.delegates_to = _split_watch(_text_of(cell.get("outputs", [])))
            if exercise.delegates_to:
                student.problem("delegates", number=exercise.number, names=", ".join(exercise.delegates_to))
            if cell.get("execution_count") is None and not cell.get("outputs"):
                exercise.passed, exercise.message = False, LABELS[student.lang]["not_run"]
            elif error is None:
                exercise.passed = True
                exercise.message = shown or LABELS[student.lang]["no_output"]
            elif error.get("ename") == "CellTimeoutError":
                exercise.passed = False
                exercise.message = _describe(error)
                student.problem("timeout_check", number=exercise.number, seconds=seconds)
            else:
                exercise.passed = False
                # CheckFailed's message is the checker's own ✗ line, in the student's language
                if error.get("ename") == "CheckFailed":
                    exercise.message = "✗ " + _ANSI.sub("", str(error.get("evalue", ""))).strip().removeprefix("✗ ")
                else:
                    exercise.message = _describe(error)
        elif error is not None:
            timeout = error.get("ename") == "CellTimeoutError"
            if number:
                student.problem(
                    "timeout" if timeout else "crash", number=number, seconds=seconds, error=_describe(error)
                )
            else:
                chapter = f"{_chapter_timeout(cell_timeout):g}"
                student.problem("timeout_other" if timeout else "crash_other", seconds=chapter, error=_describe(error))


def _grade_student(
    student: Student, source: Source, template: Path, work: Path, cell_timeout: float, notebook_timeout: float
) -> None:
    (work / "students").mkdir(exist_ok=True)
    course = Path(tempfile.mkdtemp(dir=work / "students")) / "course"
    shutil.copytree(template, course)
    _config(course, cell_timeout)
    submitted = course / "submitted" / NBGRADER_STUDENT / source.assignment
    submitted.mkdir(parents=True)
    shutil.copy(student.notebook, submitted / f"{source.notebook}.ipynb")
    code, log = _nbgrader(
        ["autograde", source.assignment, "--student", NBGRADER_STUDENT, "--force"],
        course,
        _nbgrader_env(work),
        notebook_timeout,
    )
    graded = course / "autograded" / NBGRADER_STUDENT / source.assignment / f"{source.notebook}.ipynb"
    student.log = log
    if code is None:
        student.problem("notebook_timeout", seconds=f"{notebook_timeout:g}")
    elif code != 0 or not graded.exists():
        student.problem("grader_failed", error=_last_error(log))
    else:
        student.graded = graded
        _read_results(student, source, course, cell_timeout)


def _classify(student: Student, site: Path, known_pages: dict[str, list[str]], sources: dict) -> None:
    """Read a student's files: the notebook to grade, its chapter and language, or the problems that stop it."""
    if not student.files:
        student.problem("no_notebook")
        return
    results = [(path, *_read(path)) for path in student.files]
    readable = [(path, nb, lang, _page_of(nb, known_pages)) for path, nb, lang, problem in results if not problem]
    student.lang = readable[0][2] if readable else results[0][2]
    for path, _, _, problem in results:
        if problem:
            student.problem(problem, file=path.name)
    for path, _, _, page in readable:
        if page is None:
            student.problem("unknown_chapter", file=path.name)
    chapters = [r for r in readable if r[3] is not None]
    if not chapters:
        return
    path, _, _, student.page = chapters[0]
    if len(chapters) > 1:
        student.problem("duplicate", file=path.name)
    student.notebook = path
    key = (student.page, student.lang)
    if key not in sources:
        found = _source_notebook(site, student.page, student.lang)
        sources[key] = None
        if found:
            built = nbformat.read(found, as_version=4)
            sources[key] = Source(
                student.page, student.lang, found, built.metadata.get("title", ""), _exercises_of(built)
            )
    source = sources[key]
    if source is None:
        student.problem("unknown_chapter", file=path.name)
        student.notebook = None
        return
    student.title = source.title
    student.exercises = {e.number: Exercise(e.number, e.grade_id, e.max_points) for e in source.exercises}


def grade(
    submissions: Path,
    out: Path,
    *,
    cell_timeout: float = CELL_TIMEOUT,
    notebook_timeout: float = NOTEBOOK_TIMEOUT,
    jobs: int = 1,
    site: Path = SITE,
    log=print,
) -> list[Student]:
    """Grade every submission in `submissions` with nbgrader; write grades.csv, feedback/ and notebooks/ to `out`."""
    students = find_submissions(submissions)
    known_pages = _all_pages(site)
    sources: dict[tuple[str, str], Source | None] = {}
    for student in students:
        try:
            _classify(student, site, known_pages, sources)
        except Exception as error:  # a broken submission never stops the run
            student.notebook = None
            student.problem("grader_failed", error=f"{type(error).__name__}: {error}")

    to_grade = [s for s in students if s.notebook is not None]
    pages = {s.page for s in to_grade}
    if len(pages) == 1:  # one chapter: an unreadable submission gets 0 in each of its exercises
        (page,) = pages
        for student in students:
            found = _source_notebook(site, page, student.lang)
            if student.notebook is None and not student.exercises and found:
                built = nbformat.read(found, as_version=4)
                student.title = built.metadata.get("title", "")
                student.exercises = {e.number: e for e in _exercises_of(built)}
    for student in students:
        for exercise in student.exercises.values():
            exercise.message = LABELS[student.lang]["not_run"]

    out.mkdir(parents=True, exist_ok=True)
    log(f"grade: {len(students)} submissions, {len(to_grade)} notebooks to run with nbgrader")
    with tempfile.TemporaryDirectory(prefix="hs-grade-") as tmp:
        work = Path(tmp)
        _write_kernel(work / "jupyter")
        (work / "jupyter-config").mkdir()
        templates: dict[tuple[str, str], Path | None] = {}

        def prepare(key: tuple[str, str]) -> None:
            try:
                templates[key], setup_log = _prepare(sources[key], work, cell_timeout)
            except Exception as error:
                templates[key], setup_log = None, f"{type(error).__name__}: {error}"
            if templates[key] is None:
                log(f"grade: nbgrader generate_assignment failed for {sources[key].path}:\n{setup_log}")

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            list(pool.map(prepare, sorted({(s.page, s.lang) for s in to_grade})))
        started = time.monotonic()

        def one(student: Student) -> None:
            template = templates[(student.page, student.lang)]
            if template is None:
                student.problem("grader_failed", error="nbgrader generate_assignment")
                return
            try:
                _grade_student(
                    student, sources[(student.page, student.lang)], template, work, cell_timeout, notebook_timeout
                )
            except Exception as error:  # a broken submission never stops the run
                student.problem("grader_failed", error=f"{type(error).__name__}: {error}")
            log(f"grade: {student.name}: {sum(e.points for e in student.exercises.values()):g} points")

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            list(pool.map(one, to_grade))
        log(f"grade: {len(to_grade)} notebooks executed in {time.monotonic() - started:.0f} s")
        notebooks = out / "notebooks"
        notebooks.mkdir(exist_ok=True)
        for student in students:
            if student.graded is not None:
                shutil.copy(student.graded, notebooks / f"{student.name}.ipynb")
        logs = out / "logs"
        logs.mkdir(exist_ok=True)
        for student in students:
            if student.log:
                (logs / f"{student.name}.log").write_text(student.log, encoding="utf-8")

    write_csv(students, out / "grades.csv")
    feedback = out / "feedback"
    feedback.mkdir(exist_ok=True)
    for student in students:
        (feedback / f"{student.name}.md").write_text(report_markdown(student), encoding="utf-8")
        (feedback / f"{student.name}.html").write_text(report_html(student), encoding="utf-8")
    return students


def _points(value: float) -> str:
    return f"{value:g}"


def write_csv(students: list[Student], path: Path) -> None:
    numbers = sorted({n for s in students for n in s.exercises}, key=_number_key)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["student", *numbers, "total", "max", "calls_reference"])
        for student in students:
            row = [_points(student.exercises[n].points) if n in student.exercises else "" for n in numbers]
            total = sum(e.points for e in student.exercises.values())
            maximum = sum(e.max_points for e in student.exercises.values())
            # exercises whose answer called rnnbook's own implementation: for the instructor to review
            flagged = "; ".join(
                f"{n}: {', '.join(student.exercises[n].delegates_to)}"
                for n in numbers
                if n in student.exercises and student.exercises[n].delegates_to
            )
            writer.writerow(
                [student.name, *row, _points(total), _points(maximum) if student.exercises else "", flagged]
            )


def _rows(student: Student) -> list[tuple[str, str, str, str]]:
    rows = []
    for number in sorted(student.exercises, key=_number_key):
        exercise = student.exercises[number]
        mark = "✓" if exercise.passed else "✗"
        rows.append((number, mark, f"{_points(exercise.points)} / {_points(exercise.max_points)}", exercise.message))
    return rows


def _total(student: Student) -> str:
    total = sum(e.points for e in student.exercises.values())
    return f"{_points(total)} / {_points(sum(e.max_points for e in student.exercises.values()))}"


def report_markdown(student: Student) -> str:
    words = LABELS[student.lang]
    lines = [f"# {words['title']}", "", f"{words['student']}: {student.name}  "]
    if student.title:
        lines.append(f"{words['chapter']}: {student.title}")
    lines += ["", f"| {words['exercise']} | {words['result']} | {words['points']} | {words['message']} |"]
    lines.append("|---|---|---|---|")
    for number, mark, points, message in _rows(student):
        cell = message.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {number} | {mark} | {points} | {cell} |")
    lines += [f"| **{words['total']}** | | **{_total(student)}** | |", "", f"## {words['problems']}", ""]
    lines += [f"- {problem}" for problem in student.problems] or [words["no_problems"]]
    return "\n".join(lines) + "\n"


def report_html(student: Student) -> str:
    words = LABELS[student.lang]
    e = html.escape
    rows = "\n".join(
        f'<tr class="{"pass" if mark == "✓" else "fail"}"><td>{e(number)}</td><td>{mark}</td><td>{e(points)}</td>'
        f"<td>{e(message)}</td></tr>"
        for number, mark, points, message in _rows(student)
    )
    problems = (
        "<ul>" + "".join(f"<li>{e(p)}</li>" for p in student.problems) + "</ul>"
        if student.problems
        else f"<p>{e(words['no_problems'])}</p>"
    )
    chapter = f"<p>{e(words['chapter'])}: {e(student.title)}</p>" if student.title else ""
    return f"""<!DOCTYPE html>
<html lang="{student.lang.replace("_", "-")}">
<head><meta charset="utf-8"><title>{e(words["title"])} — {e(student.name)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:.3em .6em;text-align:left}}.pass td:nth-child(2){{color:#060}}
.fail td:nth-child(2){{color:#a00}}</style></head>
<body>
<h1>{e(words["title"])}</h1>
<p>{e(words["student"])}: {e(student.name)}</p>
{chapter}
<table>
<thead><tr><th>{e(words["exercise"])}</th><th>{e(words["result"])}</th><th>{e(words["points"])}</th>
<th>{e(words["message"])}</th></tr></thead>
<tbody>
{rows}
<tr><th>{e(words["total"])}</th><td></td><th>{e(_total(student))}</th><td></td></tr>
</tbody>
</table>
<h2>{e(words["problems"])}</h2>
{problems}
</body>
</html>
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="book grade", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run(args)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `./book grade`, for scripts/book.py to share."""
    parser.add_argument("submissions", type=Path, help="folder of <student>.ipynb files or <student>/ folders")
    parser.add_argument(
        "--out", type=Path, help="where to write grades.csv and feedback/ (default: SUBMISSIONS-graded)"
    )
    parser.add_argument(
        "--cell-timeout",
        type=float,
        default=CELL_TIMEOUT,
        help="seconds an answer or check cell may run (default: %(default)g; the chapter's cells get at least that)",
    )
    parser.add_argument(
        "--notebook-timeout", type=float, default=NOTEBOOK_TIMEOUT, help="seconds per notebook (default: %(default)g)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="notebooks graded at once (default: %(default)s)")
    parser.add_argument("--site", type=Path, default=SITE, help="the built site with the student notebooks")


def run(args: argparse.Namespace) -> int:
    submissions = args.submissions
    if not submissions.is_dir():
        print(f"grade: {submissions} is not a folder", file=sys.stderr)
        return 2
    if not any((args.site / lang / "notebooks").is_dir() for lang in LANGUAGES):
        print(f"grade: no built site at {args.site}: run ./book build first", file=sys.stderr)
        return 2
    out = args.out or submissions.resolve().with_name(submissions.resolve().name + "-graded")
    students = grade(
        submissions,
        out,
        cell_timeout=args.cell_timeout,
        notebook_timeout=args.notebook_timeout,
        jobs=args.jobs,
        site=args.site,
    )
    if not students:
        print(f"grade: no submissions in {submissions}", file=sys.stderr)
        return 1
    print(f"grade: {len(students)} students; grades in {out / 'grades.csv'}, reports in {out / 'feedback'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
