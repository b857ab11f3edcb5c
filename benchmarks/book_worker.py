"""Time the main widget of one book chapter: slider move to finished redraw.

Run by ``benchmarks/run.py`` in a fresh process per chapter:

    python book_worker.py CHAPTER.md MOVES

It reads the chapter's code cells from the MyST Markdown source, executes them one by one
in an IPython shell (matplotlib's Agg backend, output discarded) until the first
:class:`spikelib.widgets.LiveFigure` exists, and stops there: that figure is the chapter's
main widget. Then it moves every slider or selection control of that figure through
``MOVES`` values spread over its range and back to the default, and then through the same
values once more: the first pass fills whatever the chapter caches (the digits chapter
trains a network for each new combination), the second revisits. Each move triggers one
redraw, which ``LiveFigure.redraw_seconds`` times: simulation, drawing and rendering the
PNG that the kernel sends to the browser. The result is printed as one JSON line.
"""

import contextlib
import io
import json
import os
import re
import sys
import time

os.environ.setdefault("MPLBACKEND", "Agg")

CELL_START = re.compile(r"^```\{code-cell\}")


def code_cells(text: str) -> list[str]:
    """Return the source of every ``{code-cell}`` block of a MyST notebook, options removed."""
    cells = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        if not CELL_START.match(lines[index]):
            index += 1
            continue
        index += 1
        body = []
        while index < len(lines) and lines[index].rstrip() != "```":
            body.append(lines[index])
            index += 1
        index += 1
        cells.append("\n".join(_drop_options(body)))
    return cells


def _drop_options(body: list[str]) -> list[str]:
    """Remove a leading ``---`` YAML block or ``:key: value`` lines from a cell body."""
    if body and body[0].strip() == "---":
        end = next((i for i in range(1, len(body)) if body[i].strip() == "---"), 0)
        return body[end + 1 :]
    start = 0
    while start < len(body) and re.match(r"^:\w[\w-]*:", body[start]):
        start += 1
    return body[start:]


def move_values(control, moves: int) -> list:
    """Return up to ``moves`` values spread over a control's range, ending at its default."""
    default = control.value
    if hasattr(control, "options") and control.options:
        options = [option[1] if isinstance(option, tuple) else option for option in control.options]
        values = [value for value in options if value != default][:moves]
    elif hasattr(control, "min") and hasattr(control, "max"):
        low, high = control.min, control.max
        step = getattr(control, "step", None) or 0
        values = []
        for k in range(moves):
            # interior points of the range, as a reader's moves would mostly be
            value = low + (high - low) * (k + 0.5) / moves
            if step:
                value = low + round((value - low) / step) * step
            if isinstance(default, int):
                value = int(round(value))
            values.append(min(max(value, low), high))
        values = [value for value in values if value != default]
    elif isinstance(default, bool):
        values = [not default]
    else:
        return []
    return values + [default]


def main() -> None:
    path, moves = os.path.abspath(sys.argv[1]), int(sys.argv[2])
    chapter_dir = os.path.dirname(os.path.abspath(path))
    os.chdir(chapter_dir)
    with open(path, encoding="utf-8") as handle:
        cells = code_cells(handle.read())

    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    from spikelib.widgets import LiveFigure

    result = {"chapter": os.path.basename(path), "cells": len(cells)}
    start = time.perf_counter()
    figure = None
    figure_name = None
    for number, source in enumerate(cells):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            outcome = shell.run_cell(source, store_history=False)
        if not outcome.success:
            error = outcome.error_in_exec or outcome.error_before_exec
            result["error"] = f"cell {number + 1}: {type(error).__name__}: {error}"
            break
        for name, value in shell.user_ns.items():
            if isinstance(value, LiveFigure) and not name.startswith("_"):
                figure, figure_name = value, name
                break
        if figure is not None:
            result["cells_executed"] = number + 1
            break
    result["setup_seconds"] = time.perf_counter() - start

    if figure is None:
        result.setdefault("error", "no LiveFigure in the chapter")
        print("BOOK-RESULT " + json.dumps(result))
        return

    result["widget"] = figure_name
    result["first_redraw_seconds"] = figure.redraw_seconds[0]
    sequence = [(name, value) for name, control in figure.controls.items()
                for value in move_values(control, moves)]
    errors = []
    for key in ("redraw_seconds", "revisit_seconds"):
        moved = []
        for name, value in sequence:
            before = len(figure.redraw_seconds)
            figure.controls[name].value = value
            if len(figure.redraw_seconds) > before:
                moved.append(figure.redraw_seconds[-1])
                if figure.error:
                    errors.append(f"{name}={value!r}: {figure.error}")
        result[key] = moved
    result["redraw_errors"] = sorted(set(errors))
    print("BOOK-RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
