"""Shared fixtures: the book, built once per test session with every chapter executed."""

import os
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


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        "fresh_env: installs requirements.txt into a new virtual environment and builds the "
        "book there (slow; deselect with -m 'not fresh_env')",
    )


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the book into ``_build/html`` (the README's book command does the same).

    For development, set ``SPIKELIB_BOOK_HTML`` to the ``html`` folder of a book that was
    already built (for example with ``--path-output``). The tests then use that folder and
    build nothing.
    """
    prebuilt = os.environ.get("SPIKELIB_BOOK_HTML")
    if prebuilt:
        html_dir = Path(prebuilt).resolve()
        if not (html_dir / "index.html").is_file():
            pytest.fail(
                f"SPIKELIB_BOOK_HTML={prebuilt!r} has no index.html: point it at the html "
                "folder of a built book, or unset it to build the book"
            )
        return html_dir

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
