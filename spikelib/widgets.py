"""Notebook helpers: live figures driven by ipywidgets, and sliders that work without a kernel.

:class:`LiveFigure` keeps one matplotlib figure per widget and redraws it in place when a
control changes. The figure is shown as an ordinary display output (with a display id),
so the built HTML contains it at the default values, and a running kernel replaces that
same output on every move: no figure piles up, and nothing depends on widget state being
saved in the page. An exception raised while drawing after a control change is shown as a
message next to the controls, and the controls stay usable. An exception at the default
values is raised, so that a chapter build fails instead of showing an error figure.

:func:`static_slider` renders a figure for each value of a small grid and returns HTML with
a range input that switches between the pre-rendered frames in the browser, so a reader of
the static book can move the main slider with no kernel.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import HTML, display

_slider_ids = itertools.count()
logger = logging.getLogger(__name__)


class LiveFigure:
    """One figure redrawn in place by ``draw(fig, **values)`` whenever a control changes.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values)`` draws into the (cleared) figure; ``values`` maps each
        control name to its current value. Whatever it returns is kept as ``self.last``.
    controls : mapping of str to ipywidget
        The controls, in display order; each must have a ``value`` trait.
    figsize : (float, float)
        Figure size in inches.

    Attributes
    ----------
    redraw_seconds : list of float
        Wall-clock time of every redraw (simulation and drawing), for benchmarks.
    error : str or None
        The message of the last failed redraw, None after a successful one.

    Raises
    ------
    Exception
        Whatever ``draw`` raises at the default control values, with a note naming them.
    """

    def __init__(
        self,
        draw: Callable,
        controls: Mapping[str, widgets.Widget],
        figsize: tuple[float, float] = (9.0, 4.0),
    ) -> None:
        self.draw = draw
        self.controls = dict(controls)
        self.figure = plt.figure(figsize=figsize)
        # Closed for pyplot, so the inline backend does not show it a second time; the
        # figure object stays usable and is displayed through a display handle instead.
        plt.close(self.figure)
        self.message = widgets.HTML()
        self.redraw_seconds: list[float] = []
        self.error: str | None = None
        self.last = None
        self._handle = None
        self._exception: Exception | None = None
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.redraw()
        if self._exception is not None:
            self._exception.add_note(
                f"LiveFigure: draw failed at the default control values {self.values()}"
            )
            raise self._exception

    def values(self) -> dict:
        """Return the current value of every control."""
        return {name: control.value for name, control in self.controls.items()}

    def redraw(self) -> None:
        """Clear the figure and draw it again with the current control values.

        Any exception from ``draw`` is caught and shown (``self.error``, the message line and
        the figure text) instead of escaping into the widget callback, where ipywidgets would
        only write it to the browser log and leave the old figure in place.
        """
        start = time.perf_counter()
        self.figure.clear()
        self._exception = None
        try:
            self.last = self.draw(self.figure, **self.values())
        except Exception as error:
            self._exception = error
            self.error = f"{type(error).__name__}: {error}"
            logger.warning("LiveFigure draw failed with %s: %s", self.values(), self.error)
            self.message.value = (
                f'<div style="color:#b00020"><b>Cannot draw with these values.</b> '
                f"{html.escape(self.error)}</div>"
            )
            self.figure.clear()
            self.figure.text(0.5, 0.5, self.error, ha="center", va="center", wrap=True)
        else:
            self.error = None
            self.message.value = ""
        self.redraw_seconds.append(time.perf_counter() - start)
        if self._handle is not None:
            self._handle.update(self.figure)

    def _on_change(self, change) -> None:
        self.redraw()

    def show(self) -> None:
        """Display the controls, the message line and the figure."""
        display(widgets.VBox([widgets.HBox(list(self.controls.values()), layout=_wrap()), self.message]))
        self._handle = display(self.figure, display_id=True)


def _wrap() -> widgets.Layout:
    return widgets.Layout(flex_flow="row wrap")


def figure_to_png(figure, dpi: int = 80) -> bytes:
    """Return the PNG bytes of a matplotlib figure."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def static_slider(
    values: Sequence,
    make_figure: Callable,
    label: str,
    initial=None,
    dpi: int = 80,
) -> HTML:
    """Pre-render ``make_figure(value)`` for each value and return HTML with a range input.

    The frame of ``initial`` (the first value when None) is visible without JavaScript; the
    range input switches frames with a few lines of inline JavaScript and no network. Every
    figure is closed after rendering. The HTML size grows with the number of frames and
    ``dpi``; ``len(result.data)`` gives it in bytes.
    """
    values = list(values)
    if not values:
        raise ValueError("values must contain at least one value, got an empty sequence")
    if initial is not None and initial not in values:
        raise ValueError(f"initial must be one of values {values}, got {initial!r}")
    initial_index = 0 if initial is None else values.index(initial)
    slider_id = f"spikelib-static-slider-{next(_slider_ids)}-{int(time.time() * 1000) % 100000}"

    frames = []
    for index, value in enumerate(values):
        figure = make_figure(value)
        encoded = base64.b64encode(figure_to_png(figure, dpi=dpi)).decode("ascii")
        plt.close(figure)
        hidden = "" if index == initial_index else ' style="display:none"'
        frames.append(
            f'<img class="spikelib-frame" data-index="{index}"{hidden} '
            f'alt="{html.escape(label)} = {html.escape(str(value))}" '
            f'src="data:image/png;base64,{encoded}"/>'
        )

    # A JavaScript array literal of the plain labels: textContent shows them as they are,
    # and the whole script is escaped once more for the attribute below.
    labels = json.dumps([str(v) for v in values])
    script = (
        "var box=this.parentElement.parentElement;"
        "box.querySelectorAll('img.spikelib-frame').forEach(function(f){"
        "f.style.display=(f.dataset.index===this.value)?'':'none';},this);"
        f"box.querySelector('.spikelib-value').textContent={labels}[this.value];"
    )
    markup = (
        f'<div class="spikelib-static-slider" id="{slider_id}">'
        f'<label>{html.escape(label)}: '
        f'<input type="range" min="0" max="{len(values) - 1}" step="1" value="{initial_index}" '
        f'oninput="{html.escape(script)}"/> '
        f'<span class="spikelib-value">{html.escape(str(values[initial_index]))}</span>'
        "</label><div>"
        + "".join(frames)
        + "</div></div>"
    )
    return HTML(markup)
