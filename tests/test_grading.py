"""`./book grade` (scripts/grade.py) grades a folder of submissions with nbgrader, in each student's language.

The submissions are made from the built student notebooks of chapter 2 (four exercises): the answers of the
full notebook's solutions, wrong answers, a crash, an endless loop, a truncated file and a file that is not a
notebook. nbgrader really runs them (once, in a module-scoped fixture, two at a time).
"""

import ast
import csv
import json
import re

import pytest

import grade
from conftest import LANGUAGES, SITE

PAGE = "chapters/02-hidden-state"
NUMBERS = ["2.1", "2.2", "2.3", "2.4"]
CELL_TIMEOUT = 10


def notebook(lang: str, kind: str = "exercises") -> dict:
    path = SITE / lang / "notebooks" / f"{PAGE}{'-exercises' if kind == 'exercises' else ''}.ipynb"
    if not path.exists():
        pytest.fail(f"no student notebook {path}: run ./book build first")
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def correct_answers(lang: str) -> dict[str, str]:
    """Exercise number → an answer cell made from the full notebook's solution.

    The solution's code cells end with the checker call; the answer keeps the code before it and names the values
    the call was given as the check cell expects them (`ch02.check_counter(0.5, 1.0, 0.5)` → `W_xh = 0.5`, …)."""
    checks = {
        c["metadata"]["hidden_state"]["exercise"]: (c["metadata"]["hidden_state"]["number"], source(c))
        for c in notebook(lang)["cells"]
        if "check" in c["metadata"].get("tags", [])
    }
    solutions: dict[str, list[str]] = {}
    for cell in notebook(lang, "full")["cells"]:
        match = re.fullmatch(r"solution-(ex-[\w-]+)-\d+", cell.get("id", ""))
        if cell["cell_type"] == "code" and match:
            solutions.setdefault(match[1], []).append(source(cell))
    assert set(solutions) == set(checks), "every exercise of chapter 2 has a solution"
    answers = {}
    for exercise, (number, check) in checks.items():
        code = "\n".join(solutions[exercise])
        *before, call = ast.parse(code).body
        lines = [ast.get_source_segment(code, statement) for statement in before]
        for wanted, given in zip(ast.parse(check).body[-1].value.args, call.value.args, strict=True):
            if ast.unparse(wanted) != ast.unparse(given):
                lines.append(f"{ast.unparse(wanted)} = {ast.get_source_segment(code, given)}")
        answers[number] = "\n".join(lines)
    return answers


def student_notebook(lang: str, answers: dict[str, str], checks: dict[str, str] | None = None) -> str:
    nb = notebook(lang)
    for cell in nb["cells"]:
        number = cell["metadata"].get("hidden_state", {}).get("number")
        tags = cell["metadata"].get("tags", [])
        if "answer" in tags and number in answers:
            cell["source"] = answers[number]
        if "check" in tags and number in (checks or {}):
            cell["source"] = checks[number]
    return json.dumps(nb, ensure_ascii=False, indent=1)


@pytest.fixture(scope="module")
def graded(site, tmp_path_factory):
    """Six submissions graded by one run of the grader: (CSV rows by student, folder written)."""
    submissions = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("graded")
    en, ru = correct_answers("en"), correct_answers("ru")
    (submissions / "alice.ipynb").write_text(student_notebook("en", en), encoding="utf-8")
    # in Russian: a wrong counter, a stub left as it was, and a check cell "fixed" to pass (nbgrader restores it)
    # and an answer cell that turns strict mode off, hoping a ✗ then passes (each check cell turns it on again)
    cheat = 'import os\n\nos.environ["RNNBOOK_STRICT"] = "0"\nW_xh = 1.0\nW_hh = 1.0\nb_h = 0.0'
    # ... and a stub whose cell replaces its checker with one that always passes (the grader reloads the checkers)
    patched = "from rnnbook.exercises import ch02\n\nch02.check_stacked_weights = lambda f: True\n\n\n"
    wrong = {**ru, "2.3": cheat, "2.4": patched + "def stack(W_xh, W_hh):\n    ..."}
    boris = student_notebook("ru", wrong, checks={"2.4": 'print("✓")'})
    (submissions / "boris.ipynb").write_text(boris, encoding="utf-8")
    # a crash in the answer to 2.2, in a student folder with a notebook of any name
    (submissions / "carol").mkdir()
    crashing = {**en, "2.2": 'raise RuntimeError("not finished")\n' + en["2.2"]}
    (submissions / "carol" / "notebook (1).ipynb").write_text(student_notebook("en", crashing), encoding="utf-8")
    looping = {**en, "2.3": "while True:\n    pass"}
    (submissions / "dan.ipynb").write_text(student_notebook("en", looping), encoding="utf-8")
    japanese = student_notebook("ja", correct_answers("ja"))
    (submissions / "eve.ipynb").write_text(japanese[: len(japanese) // 2], encoding="utf-8")  # truncated JSON
    (submissions / "frank.ipynb").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    # in Chinese: 2.1 computed by rnnbook's parameter count in the answer cell, 2.2 handing the step to
    # rnnbook's rnn_step through a module alias (called while the checker runs it); 2.4 uses rnnbook only to
    # seed, which is no shortcut
    shortcuts = {
        **correct_answers("zh_CN"),
        "2.1": "from rnnbook.params import rnn_param_count\n\nanswer = rnn_param_count(8, 32)",
        "2.2": "import rnnbook.rnn as ref\n\n\ndef my_rnn_step(X_t, H_prev, W_xh, W_hh, b_h):\n"
        "    return ref.rnn_step(X_t, H_prev, W_xh, W_hh, b_h)",
    }
    shortcuts["2.4"] = "import rnnbook\n\nrnnbook.seed_everything(0)\n" + shortcuts["2.4"]
    (submissions / "grace.ipynb").write_text(student_notebook("zh_CN", shortcuts), encoding="utf-8")
    students = grade.grade(submissions, out, cell_timeout=CELL_TIMEOUT, jobs=2, site=site)
    assert [s.name for s in students] == ["alice", "boris", "carol", "dan", "eve", "frank", "grace"]
    with (out / "grades.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return {row["student"]: row for row in rows}, out


def feedback(out, student: str) -> str:
    return (out / "feedback" / f"{student}.md").read_text(encoding="utf-8")


def row(report: str, number: str) -> str:
    return next(line for line in report.splitlines() if line.startswith(f"| {number} |"))


def test_csv_has_a_column_per_exercise_then_total_and_max(graded):
    rows, out = graded
    header = (out / "grades.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "student," + ",".join(NUMBERS) + ",total,max,calls_reference"
    points = {name: [row[n] for n in [*NUMBERS, "total", "max"]] for name, row in rows.items()}
    assert points == {
        "alice": ["1", "1", "1", "1", "4", "4"],
        "boris": ["1", "1", "0", "0", "2", "4"],  # the check cell he edited was restored from the source
        "carol": ["1", "0", "1", "1", "3", "4"],  # the crash costs 2.2 only: the later cells still ran
        "dan": ["1", "1", "0", "1", "3", "4"],  # the loop was interrupted; 2.4 after it still ran
        "eve": ["0", "0", "0", "0", "0", "4"],
        "frank": ["0", "0", "0", "0", "0", "4"],
        "grace": ["1", "1", "1", "1", "4", "4"],  # shortcuts keep their points, for the instructor to decide
    }
    assert {name: row["calls_reference"] for name, row in rows.items()} == {
        **{name: "" for name in ("alice", "boris", "carol", "dan", "eve", "frank")},
        "grace": "2.1: rnnbook.params.rnn_param_count; 2.2: rnnbook.rnn.rnn_step",
    }


def test_answers_that_call_the_books_own_implementation_are_flagged_in_the_students_language(graded):
    _, out = graded
    report = feedback(out, "grace")
    assert "- 练习 2.1：你的答案直接调用了本书自带的实现（rnnbook.params.rnn_param_count）" in report
    assert "- 练习 2.2：你的答案直接调用了本书自带的实现（rnnbook.rnn.rnn_step）" in report
    assert "2.3" not in report.split("##")[-1] and "2.4" not in report.split("##")[-1]
    assert "[hidden-state]" not in report  # the grader's marker line is not a checker message


def test_all_correct_report_in_english(graded):
    _, out = graded
    report = feedback(out, "alice")
    assert report.startswith("# Feedback on your exercises\n")
    for number in NUMBERS:
        assert f"| {number} | ✓ | 1 / 1 | ✓ " in report
    assert "| **Total** | | **4 / 4** | |" in report
    assert "Your notebook ran without problems." in report
    assert (out / "notebooks" / "alice.ipynb").exists()  # the autograded notebook, for the instructor


def test_wrong_answers_reported_in_russian_with_the_checkers_messages(graded):
    _, out = graded
    report = feedback(out, "boris")
    assert report.startswith("# Результаты проверки упражнений\n")
    assert "| Упражнение | Результат | Баллы | Сообщение функции проверки |" in report
    assert "| **Итого** | | **2 / 4** | |" in report
    for number in ("2.3", "2.4"):
        line = row(report, number)
        assert line.startswith(f"| {number} | ✗ | 0 / 1 | ✗ ")
        assert re.search(r"[а-яё]{4}", line), f"the checker's ✗ message in Russian: {line}"
    assert row(report, "2.1").startswith("| 2.1 | ✓ | 1 / 1 | ✓ ")
    assert not re.search(r"Exercise|Points|Total|Problems", report)
    assert '<html lang="ru">' in (out / "feedback" / "boris.html").read_text(encoding="utf-8")


def test_a_crash_costs_its_exercise_and_is_a_line_of_the_report(graded):
    _, out = graded
    report = feedback(out, "carol")
    assert row(report, "2.2").startswith("| 2.2 | ✗ | 0 / 1 | NameError")
    assert "- Exercise 2.2: your answer cell stopped with an error: RuntimeError: not finished" in report


def test_an_endless_loop_is_stopped_after_the_cell_timeout(graded):
    _, out = graded
    report = feedback(out, "dan")
    assert row(report, "2.3").startswith("| 2.3 | ✗ | 0 / 1 | ")
    assert f"- Exercise 2.3: your answer cell ran longer than {CELL_TIMEOUT} s and was stopped." in report
    assert row(report, "2.4").startswith("| 2.4 | ✓ | 1 / 1 | ✓ ")


def test_a_truncated_notebook_is_reported_in_its_language(graded):
    _, out = graded
    report = feedback(out, "eve")
    assert report.startswith("# 演習の採点結果\n")
    assert "- ファイル eve.ipynb は壊れている（JSON が不完全か不正な）ため、採点できませんでした。" in report
    assert "| **合計** | | **0 / 4** | |" in report
    html = (out / "feedback" / "eve.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in html and "演習の採点結果" in html


def test_a_file_that_is_not_a_notebook_gets_zero_and_a_line(graded):
    _, out = graded
    report = feedback(out, "frank")
    assert "- The file frank.ipynb is not a Jupyter notebook, so it could not be graded" in report
    assert not (out / "notebooks" / "frank.ipynb").exists()


def test_labels_are_complete_in_every_language():
    assert set(grade.LABELS) == set(LANGUAGES)
    for lang, words in grade.LABELS.items():
        assert words.keys() == grade.LABELS["en"].keys(), lang
        for key, text in words.items():
            assert re.findall(r"\{\w+\}", text) == re.findall(r"\{\w+\}", grade.LABELS["en"][key]), (lang, key)


def test_command_line_errors(tmp_path):
    assert grade.main([str(tmp_path / "missing")]) == 2
    assert grade.main([str(tmp_path), "--site", str(tmp_path)]) == 2
    assert grade.main([str(tmp_path), "--site", str(SITE), "--out", str(tmp_path / "out")]) == 1


def test_the_books_own_solutions_call_no_reference_implementation_of_their_exercise():
    """The grader flags an answer that calls its exercise's reference implementation in rnnbook
    (rnnbook.exercises._watch.REFERENCES); a student who writes the book's own solution must not be."""
    from conftest import ROOT, notebook_pages
    from rnnbook.exercises._watch import REFERENCES

    checked = 0
    for page in notebook_pages():
        text = (ROOT / f"{page}.md").read_text(encoding="utf-8")
        for block in re.finditer(r"```\{exercise\}\n:label: (\S+)\n.*?```\{solution-end\}", text, re.S):
            code = "\n".join(re.findall(r"```\{code-cell\} ipython3\n(.*?)```", block.group(0), re.S))
            tree = ast.parse(code)
            used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
            for module, check in re.findall(r"\b(ch\d\d)\.(check_\w+)\(", code):
                references = REFERENCES[f"{module}.{check}"]
                assert not [r for r in references if r.rsplit(".", 1)[1] in used], (block[1], references)
                checked += 1
    assert checked >= 27
