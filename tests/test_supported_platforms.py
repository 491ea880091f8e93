"""README's set-up claims, checked (README.md, "Set up from scratch" and "For maintainers"):

- requirements.txt is exactly what the command in its header compiles requirements.in to;
- it resolves, to wheels that exist on PyPI, for Linux x86-64 and macOS on Apple silicon, on every
  Python that ./book accepts, and pins everything pip will install there (but torch's CUDA
  libraries, which the compile command leaves out on purpose, and which the lock must never carry),
  the same versions of the libraries that matter everywhere;
- rnnbook installs with pip from its folder (what Colab does from GitHub) on the oldest and the
  newest Python it supports, needs only NumPy and Matplotlib, and passes its tests there.

These need PyPI (uv's cache keeps repeated runs to seconds) and, for rnnbook, Python interpreters
other than the book's own: one that cannot be found is a skip here, and a failure where
HS_EVERY_PYTHON=1 (.ci/run sets it, since CI's machines have them all).
"""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from conftest import ROOT

LOCK = ROOT / "requirements.txt"


def book_pythons() -> list[str]:
    """Every Python that ./book accepts, from the two numbers it checks against."""
    found = re.search(r"^oldest=(\d+) newest=(\d+)", (ROOT / "book").read_text(), re.M)
    return [f"3.{minor}" for minor in range(int(found[1]), int(found[2]) + 1)]


def rnnbook_pythons() -> list[str]:
    """The oldest and newest Python 3 that code/pyproject.toml's requires-python admits."""
    spec = SpecifierSet(
        re.search(r'^requires-python = "(.+)"', (ROOT / "code" / "pyproject.toml").read_text(), re.M)[1]
    )
    minors = [minor for minor in range(30) if spec.contains(f"3.{minor}.0")]
    return [f"3.{minors[0]}", f"3.{minors[-1]}"]


# uv's name for each platform README claims, with the markers pip sees there. Linux: glibc 2.28 or
# newer (torch's wheels are manylinux_2_28); macOS: 14 or newer (torch's arm64 wheels need it).
PLATFORMS = {
    "linux-x86_64": ("x86_64-manylinux_2_28", {"sys_platform": "linux", "platform_machine": "x86_64"}),
    "macos-arm64": ("aarch64-apple-darwin", {"sys_platform": "darwin", "platform_machine": "arm64"}),
}
MACOS_VERSION = "14.0"
SOURCE_ONLY = {"jieba"}  # pure Python, published as a source archive only: pip builds it anywhere


def compile_command() -> list[str]:
    """The compile command, as requirements.txt's header states it."""
    header = LOCK.read_text(encoding="utf-8").splitlines()[:3]
    line = next(line for line in header if line.startswith("#    uv pip compile "))
    return shlex.split(line.removeprefix("#"))


def left_out() -> set[str]:
    """Packages the compile command keeps out of the lock (torch's CUDA libraries)."""
    command = compile_command()
    names = command[command.index("--no-emit-package") + 1]
    return {canonicalize_name(n) for n in names.split(",")}


def pins(path: Path, environment: dict | None = None) -> dict[str, str]:
    """name -> version of a requirements file, keeping only the lines whose marker holds there."""
    result = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        requirement = Requirement(line)
        if environment is None or requirement.marker is None or requirement.marker.evaluate(environment):
            result[canonicalize_name(requirement.name)] = str(requirement.specifier).removeprefix("==")
    return result


def uv(*args, cwd: Path, **env) -> subprocess.CompletedProcess:
    """uv from the book's .venv: from its cache alone first (a pinned release's files do not change,
    and this takes a fraction of a second), then asking PyPI when the cache is missing something."""
    environment = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_CONFIG": "1", **env}
    for offline in ("true", "false"):  # by environment: an --offline would show in the lock's header
        out = subprocess.run(
            [sys.executable, "-m", "uv", *args],
            cwd=cwd,
            env={**environment, "UV_OFFLINE": offline},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if out.returncode == 0:
            break
    return out


def recompile(folder: Path) -> subprocess.CompletedProcess:
    shutil.copy(ROOT / "requirements.in", folder / "requirements.in")
    shutil.copy(LOCK, folder / "requirements.txt")  # today's pins are uv's preferences, as for a maintainer
    return uv(*compile_command()[1:], "--quiet", cwd=folder)


def resolve(folder: Path, platform: str, python: str) -> tuple[subprocess.CompletedProcess, Path]:
    """Resolve the lock alone for one platform and Python: wheels only, but for SOURCE_ONLY."""
    binary = ",".join(sorted(set(pins(LOCK)) - SOURCE_ONLY))
    out = folder / f"{platform}-{python}.txt"
    target = PLATFORMS[platform][0]
    args = ["pip", "compile", LOCK, "--python-platform", target, "--python-version", python]
    args += ["--only-binary", binary, "--no-header", "--no-annotate", "--quiet", "-o", out]
    return uv(*args, cwd=folder, MACOSX_DEPLOYMENT_TARGET=MACOS_VERSION), out


def find_python(version: str) -> str | None:
    """An interpreter of this version that runs: on PATH, or installed by pyenv but not active."""
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(glob.glob(str(pyenv / "versions" / f"{version}.*" / "bin" / f"python{version}")))
    candidates += [f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    for candidate in filter(None, candidates):
        try:
            out = subprocess.run(
                [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True,
                text=True,
                timeout=30,
            )
        except OSError:
            continue
        if out.returncode == 0 and out.stdout.strip() == version:
            return candidate
    return None


# What rnnbook requires (extras aside), which frameworks came with it, and where it was imported from
RNNBOOK_CHECK = """
import importlib.metadata, importlib.util, json, re, rnnbook
needs = sorted(re.match(r"[\\w.-]+", r)[0] for r in importlib.metadata.requires("rnnbook") if "extra ==" not in r)
frameworks = [n for n in ("keras", "tensorflow", "torch", "statsmodels") if importlib.util.find_spec(n)]
print(json.dumps([needs, frameworks, "site-packages" in rnnbook.__file__]))
"""


def install_and_test_rnnbook(folder: Path, version: str) -> str | None:
    """pip install rnnbook from a copy of code/ into a fresh venv on this Python, then run its tests
    with NumPy and Matplotlib only. Returns None when all went well, else what went wrong."""
    python = find_python(version)
    if python is None:
        return f"skip: no Python {version} here"
    ignore = shutil.ignore_patterns("build", "*.egg-info", "__pycache__", ".pytest_cache")
    shutil.copytree(ROOT / "code", folder / "code", ignore=ignore)  # pip builds in the folder it is given
    venv = folder / "venv"
    here = venv / "bin" / "python"
    # The book's own (recent) pip installs into it, running on that Python: as fast as pip gets
    pip = [sys.executable, "-m", "pip", "--python", here, "install", "--quiet", "--no-compile"]
    steps = [
        [python, "-m", "venv", "--without-pip", venv],
        [*pip, folder / "code", "pytest"],
        [here, "-c", RNNBOOK_CHECK],
        [here, "-m", "pytest", "-q", "-p", "no:cacheprovider", folder / "code" / "tests"],
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["RNNBOOK_TESTS_FRAMEWORKS"] = "optional"
    for step in steps:
        out = subprocess.run(step, cwd=folder, env=env, capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            return f"{' '.join(map(str, step))} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
        if step[1] == "-c" and json.loads(out.stdout) != [["matplotlib", "numpy"], [], True]:
            return f"rnnbook should need NumPy and Matplotlib only, and come from site-packages: {out.stdout}"
    return None


@pytest.fixture(scope="module")
def checks(tmp_path_factory):
    """Every check at once (they wait on the network and on pip, not on the processor)."""
    jobs = {"compile": (recompile, tmp_path_factory.mktemp("compile"))}
    for platform in PLATFORMS:
        for python in book_pythons():
            jobs[platform, python] = (resolve, tmp_path_factory.mktemp("resolve"), platform, python)
    for python in rnnbook_pythons():
        jobs["rnnbook", python] = (install_and_test_rnnbook, tmp_path_factory.mktemp(f"rnnbook-{python}"), python)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {key: pool.submit(job[0], *job[1:]) for key, job in jobs.items()}
        yield {key: (future, jobs[key][1]) for key, future in futures.items()}


def test_lock_is_what_requirements_in_compiles_to(checks):
    future, folder = checks["compile"]
    out = future.result()
    assert out.returncode == 0, out.stderr
    compiled = (folder / "requirements.txt").read_text(encoding="utf-8")
    if compiled != LOCK.read_text(encoding="utf-8"):
        old, new = pins(LOCK), pins(folder / "requirements.txt")
        changed = sorted(
            f"{n}: {old.get(n)} -> {new.get(n)}" for n in old.keys() | new.keys() if old.get(n) != new.get(n)
        )
        what = changed or "same pins, other markers or comments"
        command = shlex.join(compile_command())
        pytest.fail(f"requirements.txt is not what requirements.in compiles to ({what}); run\n{command}")


@pytest.mark.parametrize("python", book_pythons())
@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_lock_resolves_and_pins_everything(checks, platform, python):
    future, _ = checks[platform, python]
    out, resolved = future.result()
    assert out.returncode == 0, f"requirements.txt does not resolve for {platform}, Python {python}:\n{out.stderr}"
    environment = {**PLATFORMS[platform][1], "python_version": python, "python_full_version": f"{python}.0"}
    locked = pins(LOCK, environment)
    needed = {name: version for name, version in pins(resolved).items() if name not in left_out()}
    assert needed == locked, "pip would install other versions than requirements.txt pins, or unpinned packages"


@pytest.mark.parametrize("python", rnnbook_pythons())
def test_rnnbook_installs_with_pip_and_passes_its_tests(checks, python):
    future, _ = checks["rnnbook", python]
    problem = future.result()
    if problem and problem.startswith("skip:"):
        if os.environ.get("HS_EVERY_PYTHON") == "1":
            pytest.fail(f"no Python {python} on this machine, so rnnbook's claim to support it goes unchecked")
        pytest.skip(problem.removeprefix("skip: "))
    assert problem is None, problem


def test_readmes_state_the_checked_pythons():
    book, rnnbook = book_pythons(), rnnbook_pythons()
    assert f"Python {book[0]}–{book[-1]}" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Python {rnnbook[0]}–{rnnbook[-1]}" in (ROOT / "code" / "README.md").read_text(encoding="utf-8")
    assert f"Python {book[0]}–{book[-1]}" in (ROOT / "requirements.in").read_text(encoding="utf-8")


KEY_LIBRARIES = ("numpy", "keras", "torch", "matplotlib", "statsmodels", "jupyter-book", "sphinx", "myst-nb")


@pytest.mark.parametrize("python", book_pythons())
@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_key_libraries_are_pinned_alike_everywhere(platform, python):
    """README: every supported platform and Python gets the versions the book is built and tested with."""
    tested = pins(LOCK, {**PLATFORMS["linux-x86_64"][1], "python_version": "3.11", "python_full_version": "3.11.7"})
    here = pins(LOCK, {**PLATFORMS[platform][1], "python_version": python, "python_full_version": f"{python}.0"})
    for name in KEY_LIBRARIES:
        assert here[name] == tested[name], f"{name} {here[name]} on {platform} with {python}, {tested[name]} tested"
    assert here.get("tensorflow", here.get("tensorflow-cpu")) == tested["tensorflow-cpu"]


def test_lock_carries_no_cuda_library():
    """A CPU build of torch needs none; PyPI's Linux build brings its own (README, the compile command)."""
    cuda = sorted(n for n in pins(LOCK) if n.startswith(("nvidia-", "cuda-")) or n == "triton")
    assert not cuda, f"add {','.join(cuda)} to --no-emit-package in the compile command (README), then run it"
