"""Shared fixtures: the book, built once per test session with every chapter executed."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD_HTML = ROOT / "_build" / "html"


def chapter_files() -> list[str]:
    """Return the toc entries (``book/...`` without suffix) in reading order."""
    entries = []
    for line in (ROOT / "_toc.yml").read_text().splitlines():
        line = line.strip()
        if line.startswith("root:") or line.startswith("- file:"):
            entries.append(line.split(":", 1)[1].strip())
    return entries


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the book into ``_build/html`` (the README's book command does the same)."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    completed = subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "-W", "--keep-going"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if completed.returncode != 0:
        pytest.fail(
            "jupyter-book build failed:\n" + completed.stdout[-6000:] + completed.stderr[-4000:]
        )
    return BUILD_HTML
