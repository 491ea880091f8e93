"""The environment the build and the tests run in: subprocesses, kernels' settings, Chromium for
the browser tests, and the simulated Colab's venv."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .config import BUILD, ROOT


def run(cmd: list[str], **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True, **kwargs)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    env.setdefault("PYTHONHASHSEED", "0")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "_ext"), env.get("PYTHONPATH")]))
    env["IPYTHONDIR"] = str(quiet_ipython_profile())
    return env


def quiet_ipython_profile() -> Path:
    """An IPython profile for the build's kernels: no user start-up files, and ipykernel's notice
    about unencrypted local TCP (the kernels only talk to this process) kept out of the logs."""
    path = BUILD / "ipython"
    config = path / "profile_default" / "ipython_kernel_config.py"
    # and no history database: each chapter's kernel lives for one run (a little less start-up)
    wanted = 'c.IPKernelApp.log_level = "ERROR"\nc.HistoryManager.enabled = False\n'
    if not config.exists() or config.read_text(encoding="utf-8") != wanted:
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(wanted, encoding="utf-8")
    return path


def revision() -> str:
    """The commit the site is built from; Colab installs rnnbook at the same one."""
    if os.environ.get("HS_REVISION"):
        return os.environ["HS_REVISION"]
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return "main"


def is_release() -> bool:
    """Whether this build is a released edition: HEAD carries the tag v<hs_edition> (CI checks the
    tag out). HS_RELEASE=1 or 0 decides instead (the release test builds an edition untagged)."""
    from .config import release_tag

    if os.environ.get("HS_RELEASE") in ("0", "1"):
        return os.environ["HS_RELEASE"] == "1"
    try:
        out = subprocess.run(
            ["git", "tag", "--points-at", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (subprocess.CalledProcessError, FileNotFoundError):
        return False
    return release_tag() in out.stdout.split()


def ensure_chromium() -> None:
    """The browser tests drive Debian's Chromium (Playwright cannot download its own here)."""
    if shutil.which("chromium"):
        return
    if os.geteuid() != 0:
        sys.exit("the browser tests need Chromium: sudo apt-get install chromium fonts-noto-cjk")
    print("Installing Chromium and CJK fonts for the browser tests (apt-get)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


COLAB_CONSTRAINTS = ROOT / "tests" / "colab-constraints.txt"


def colab_venv() -> Path:
    """The simulated Colab's environment (tests/test_colab_simulation.py): Colab's library versions in
    a venv of their own, made once per version of tests/colab-constraints.txt and kept in _build/."""
    digest = hashlib.sha256(COLAB_CONSTRAINTS.read_bytes() + sys.version.encode()).hexdigest()[:12]
    venv = BUILD / f"colab-venv-{digest}"
    done = venv / ".installed"
    if done.exists():
        return venv
    for old in BUILD.glob("colab-venv-*"):
        shutil.rmtree(old, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    log = BUILD / "colab-venv.log"
    with log.open("w", encoding="utf-8") as out:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True, stdout=out, stderr=out)
        python = venv / "bin" / "python"
        subprocess.run(
            [python, "-m", "pip", "install", "-q", "-r", COLAB_CONSTRAINTS], check=True, stdout=out, stderr=out
        )
    done.write_text(COLAB_CONSTRAINTS.read_text(encoding="utf-8"), encoding="utf-8")
    return venv
