"""requirements.txt alone sets up an environment that executes every chapter.

This is what Binder (repo2docker) and a reader who follows the README do: create a virtual
environment, ``pip install -r requirements.txt`` from the repository root (the file ends
with ``-e .``, which pip resolves against the current folder) and run the chapters. The
test does it in a temporary folder and builds the whole book there with the new
environment's ``jupyter-book`` (``-W --keep-going``, every chapter executed). pip's
download cache is used, so a second run installs from the cache.

It takes several minutes (the install plus a full book build). Deselect it with
``-m "not fresh_env"``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, chapter_files

pytestmark = [pytest.mark.fresh_env, pytest.mark.book]

INSTALL_TIMEOUT_SECONDS = 1800
BUILD_TIMEOUT_SECONDS = 3600


def _run(command: list[str], env: dict[str, str], timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _tail(completed: subprocess.CompletedProcess) -> str:
    return completed.stdout[-6000:] + "\n" + completed.stderr[-4000:]


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory):
    """Create a virtual environment from requirements.txt and return (venv, environment)."""
    base = tmp_path_factory.mktemp("fresh-env")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)

    # Nothing from the calling environment may leak in: no PYTHONPATH, no user site, and
    # Jupyter looks for kernels only in the new environment and an empty data folder.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR"}
    }
    env.update(
        {
            "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "VIRTUAL_ENV": str(venv),
            "PYTHONNOUSERSITE": "1",
            "JUPYTER_DATA_DIR": str(base / "jupyter-data"),
            "IPYTHONDIR": str(base / "ipython"),
            "MPLCONFIGDIR": str(base / "matplotlib"),
        }
    )

    start = time.perf_counter()
    completed = _run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-r", "requirements.txt"],
        env,
        INSTALL_TIMEOUT_SECONDS,
    )
    print(f"pip install -r requirements.txt: {time.perf_counter() - start:.0f} s")
    if completed.returncode != 0:
        pytest.fail("pip install -r requirements.txt failed:\n" + _tail(completed))
    return venv, env


def test_fresh_env_kernel_is_its_own(fresh_env):
    venv, env = fresh_env
    completed = _run([str(venv / "bin" / "jupyter"), "kernelspec", "list", "--json"], env, 300)
    specs = json.loads(completed.stdout)["kernelspecs"]

    assert "python3" in specs
    assert Path(specs["python3"]["resource_dir"]).is_relative_to(venv)


def test_fresh_env_builds_every_chapter(fresh_env, tmp_path):
    venv, env = fresh_env
    start = time.perf_counter()
    completed = _run(
        [
            str(venv / "bin" / "jupyter-book"),
            "build",
            str(ROOT),
            "--path-output",
            str(tmp_path),
            "-W",
            "--keep-going",
        ],
        env,
        BUILD_TIMEOUT_SECONDS,
    )
    print(f"jupyter-book build in the fresh environment: {time.perf_counter() - start:.0f} s")
    html = tmp_path / "_build" / "html"

    assert completed.returncode == 0, _tail(completed)
    for entry in chapter_files():
        page = html / f"{entry}.html"
        assert page.is_file(), entry
        assert "Traceback (most recent call last)" not in page.read_text(encoding="utf-8"), entry
