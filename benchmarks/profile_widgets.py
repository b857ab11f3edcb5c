"""Profile where the time of a widget redraw and of a cold start goes.

    .venv/bin/python benchmarks/profile_widgets.py [CHAPTER ...]

For each chapter (default: every chapter with a LiveFigure), py-spy samples
``book_worker.py`` while it moves the chapter's main widget, and the samples inside a
redraw are sorted into simulation (spikelib and numba), figure building (matplotlib calls
made by the chapter's draw function), rendering (matplotlib's Agg drawing and the PNG
encoding in ``LiveFigure._render``) and the rest. The
cold start is profiled with ``python -X importtime`` (time per top-level import) on
``cold_start.py``. Results go to ``benchmarks/profiles.json``, which the Performance page
reads. py-spy comes from PyPI (``pip install py-spy``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import book_chapters  # noqa: E402

SAMPLING_RATE = 100  # samples per second


def classify(stack: str) -> str | None:
    """Return the phase of one sampled stack, or None when it is outside a redraw."""
    if "redraw (" not in stack:
        return None
    inner = stack.split("redraw (", 1)[1]
    if "_render (" in inner:
        return "PNG rendering"
    if "spikelib/kernels.py" in inner or "spikelib/simulate.py" in inner or "numba/" in inner:
        return "simulation (spikelib, numba)"
    if "matplotlib/" in inner:
        return "figure building (matplotlib)"
    return "other (chapter code, numpy)"


def profile_redraws(chapter: Path, py_spy: str) -> dict:
    """Sample one chapter's widget moves with py-spy; return the share of each phase."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "stacks.txt"
        subprocess.run(
            [py_spy, "record", "--rate", str(SAMPLING_RATE), "--format", "raw", "--output",
             str(output), "--", sys.executable, str(HERE / "book_worker.py"), str(chapter), "2"],
            capture_output=True,
            check=True,
            timeout=600,
        )
        counts = Counter()
        for line in output.read_text().splitlines():
            stack, _, number = line.rpartition(" ")
            phase = classify(stack)
            if phase is not None:
                counts[phase] += int(number)
    total = sum(counts.values())
    return {
        "samples": total,
        "shares": {phase: count / total for phase, count in counts.most_common()} if total else {},
    }


def profile_imports() -> dict:
    """Return the cumulative import time of each top-level import of ``cold_start.py``."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", str(HERE / "cold_start.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    top_level = {}
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, _, cumulative_us, name = _parse(line)
        # Nested imports are indented by two more spaces per level.
        if not name.startswith("  "):
            top_level[name.strip()] = int(cumulative_us) / 1e6
    ordered = dict(sorted(top_level.items(), key=lambda item: -item[1])[:8])
    return {"top_level_imports_seconds": ordered}


def _parse(line: str) -> tuple[str, str, str, str]:
    """Split one ``-X importtime`` line into (label, self us, cumulative us, module name)."""
    label, rest = line.split(":", 1)
    self_us, cumulative_us, name = rest.split("|", 2)
    return label, self_us.strip(), cumulative_us.strip(), name.rstrip()


def main() -> int:
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        print("py-spy not found: pip install py-spy", file=sys.stderr)
        return 1
    names = sys.argv[1:]
    # The Performance page has no live figure of its own.
    chapters = [c for c in book_chapters() if c.stem != "performance" and (not names or c.stem in names)]

    results = {"redraws": {}, "cold_start": profile_imports()}
    for chapter in chapters:
        print(f"profiling {chapter.name}", file=sys.stderr, flush=True)
        results["redraws"][chapter.stem] = profile_redraws(chapter, py_spy)
    (HERE / "profiles.json").write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
