"""Notebook helpers: live figures driven by ipywidgets, and sliders that work without a kernel.

:class:`LiveFigure` keeps one matplotlib figure per widget and redraws it in place when a
control changes. The figure is shown as an ordinary PNG display output (with a display
id), so the built HTML contains it at the default values, and a running kernel replaces
that same output on every move: no figure piles up, and nothing depends on widget state
being saved in the page. An exception raised while drawing after a control change is shown as a
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
import math
import time
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
import PIL.Image
from IPython.display import HTML, Image, display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure, SubplotParams

_slider_ids = itertools.count()
logger = logging.getLogger(__name__)

# A draw that changes a control on every call would otherwise redraw forever.
MAX_FOLLOW_UP_DRAWS = 10


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
    dpi : float
        Resolution of the PNG sent to the page, in dots per inch (default 100, the
        resolution of a figure shown by IPython).
    reuse_axes : bool
        Keep the figure's Axes from one draw to the next instead of clearing the figure.
        Before each draw every Axes is emptied: its lines, collections, patches, images,
        texts, legend and inset Axes are removed, and its labels and title set to "". Its
        major and minor tick locators and formatters go back to the defaults of its scale,
        an inverted axis is turned back, its colour cycle restarts and autoscaling is
        switched back on. The figure's own texts, legends, images and artists are removed
        too, and its ``suptitle``, ``supxlabel`` and ``supylabel`` set to "". The scale,
        grid, aspect, tick parameters and spines stay as the draw left them. The draw then
        takes its Axes from ``fig.axes`` when the list is not empty (write
        ``ax1, ax2 = fig.axes or fig.subplots(2)``) and must set everything else that it
        changes between calls. Axes that it adds on every call with ``ax.twinx()`` or
        ``fig.colorbar(image, ax=ax)`` pile up, so create them together with the others
        and take them from ``fig.axes`` as well (``fig.colorbar(image, cax=cax)``). A draw
        that returns early leaves the emptied Axes standing. Creating Axes and their ticks
        is a large part of a matplotlib redraw: in this book's figures of three or four
        panels, reusing them cut the time of a slider move by about a third. After a failed
        draw the figure is cleared, and the next draw creates its Axes again.
    continuous_update : bool
        Value given to the ``continuous_update`` trait of every control that has one
        (sliders and text fields). The default False redraws when the reader releases a
        slider. A redraw takes on the order of a tenth of a second, while a dragged
        slider sends a new value many times per second. Redrawing for each value would
        queue redraws, and the reader would wait for all of them after the release.

    Attributes
    ----------
    redraw_seconds : list of float
        Wall-clock time of every redraw, for benchmarks: simulation, drawing and rendering
        the PNG that the page shows, that is all the kernel does for one slider move.
    png : bytes
        The PNG of the current figure, as sent to the page.
    error : str or None
        The message of the last failed redraw, None after a successful one.

    Raises
    ------
    TypeError
        If a control has no ``value`` trait.
    ValueError
        If ``figsize`` is not two finite numbers > 0 or ``dpi`` not a finite number > 0.
    Exception
        Whatever ``draw`` or rendering raises at the default control values, with a note
        naming them.

    Notes
    -----
    Three choices keep a redraw fast. First, the figure has its own Agg canvas and is
    never registered with pyplot, so the canvas, its renderer and matplotlib's cache of
    parsed mathtext survive from one move to the next. A figure that is closed for pyplot
    and displayed by IPython is printed through a new canvas each time, which parses every
    mathtext label again. Second, the layout is computed with ``tight_layout`` after the
    first successful draw, and its margins are applied to every later draw. It is computed
    again only when a label of a later draw reaches past the figure's edge. A tight
    bounding box instead would draw the figure twice on every render. Third, the PNG is
    encoded with fast zlib compression.
    """

    def __init__(
        self,
        draw: Callable,
        controls: Mapping[str, widgets.Widget],
        figsize: tuple[float, float] = (9.0, 4.0),
        dpi: float = 100.0,
        reuse_axes: bool = False,
        continuous_update: bool = False,
    ) -> None:
        self.draw = draw
        self.reuse_axes = reuse_axes
        self.controls = dict(controls)
        for name, control in self.controls.items():
            if not (isinstance(control, widgets.Widget) and control.has_trait("value")):
                raise TypeError(
                    f"controls[{name!r}] must have a value trait, got {type(control).__name__}; "
                    "pass an ipywidgets control such as FloatSlider or Dropdown"
                )
        _check_size(figsize, dpi)
        for control in self.controls.values():
            if control.has_trait("continuous_update"):
                control.continuous_update = continuous_update
        self.figure = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self.figure)
        self.message = widgets.HTML()
        self.redraw_seconds: list[float] = []
        self.error: str | None = None
        self.last = None
        self.png = b""
        self._margins: dict | None = None
        self._fitted = False
        # Display handles of every shown copy, newest last.
        self._handles: list = []
        self._exception: Exception | None = None
        self._drawing = False
        self._pending = False
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
        """Clear the figure, draw it again with the current control values and render it.

        Any exception from ``draw``, from the first layout or from rendering the PNG (where
        matplotlib parses mathtext) is caught and shown (``self.error``, the message line and
        the figure text) instead of escaping into the widget callback, where ipywidgets would
        only write it to the browser log and leave the old figure in place.

        A control that ``draw`` changes itself, for example by setting the maximum of another
        slider below its value, starts no second draw inside the running one. The figure is
        drawn again after it with the new values, up to ``MAX_FOLLOW_UP_DRAWS`` times.
        """
        if self._drawing:
            self._pending = True
            return
        self._drawing = True
        try:
            self._redraw_once()
            follow_ups = 0
            while self._pending and follow_ups < MAX_FOLLOW_UP_DRAWS:
                self._pending = False
                follow_ups += 1
                self._redraw_once()
            if self._pending:
                self._show_error(
                    RuntimeError(
                        f"draw changed a control in each of {follow_ups + 1} draws in a row, "
                        f"so the figure cannot show the current values {self.values()}; "
                        "draw must stop changing controls once they are consistent"
                    )
                )
                self._publish()
        finally:
            self._drawing = False
            self._pending = False

    def _redraw_once(self) -> None:
        start = time.perf_counter()
        if self.reuse_axes and self.error is None:
            _empty_figure(self.figure)
        else:
            self.figure.clear()
        engine = self.figure.get_layout_engine()
        if self._margins is not None and (engine is None or engine.adjust_compatible):
            # Figure.clear resets the margins, and a draw that sets its own still overrides
            # them. Figure.clear keeps a layout engine such as "constrained", which places the
            # Axes itself and warns on subplots_adjust.
            self.figure.subplots_adjust(**self._margins)
        self._exception = None
        axes_before = len(self.figure.axes)
        try:
            result = self.draw(self.figure, **self.values())
            if self.reuse_axes and 0 < axes_before < len(self.figure.axes):
                logger.warning(
                    "LiveFigure with reuse_axes: draw added Axes to a figure that had %d, now %d; "
                    "Axes made on every call pile up, so take them from fig.axes",
                    axes_before,
                    len(self.figure.axes),
                )
            margins = self._margins if self._margins is not None else self._layout_once()
            # matplotlib parses mathtext and checks the image size only when it renders, so
            # an error there is a failed draw as well.
            self.png = self._render()
            if self._fitted and self._outside_figure():
                # Wider tick labels than at the fit, for example: fit again, once per
                # move that needs it, so that no label is cut off at the figure's edge.
                self.figure.tight_layout()
                margins = self._current_margins()
                self.png = self._render()
        except Exception as error:
            self._show_error(error)
        else:
            self.last = result
            self._margins = margins
            self.error = None
            self.message.value = ""
        self.redraw_seconds.append(time.perf_counter() - start)
        self._publish()

    def _show_error(self, error: Exception) -> None:
        """Store ``error``, show it in the message line and render it as the figure."""
        self._exception = error
        self.error = f"{type(error).__name__}: {error}"
        logger.warning("LiveFigure draw failed with %s: %s", self.values(), self.error)
        self.message.value = (
            f'<div style="color:#b00020"><b>Cannot draw with these values.</b> '
            f"{html.escape(self.error)}</div>"
        )
        self.figure.clear()
        # The message is plain text, so its dollar signs are escaped: a pair of them would
        # start mathtext. parse_math=False is not enough in matplotlib 3.11, because the
        # line wrapping measures the text as mathtext all the same.
        literal = self.error.replace("$", r"\$")
        self.figure.text(0.5, 0.5, literal, ha="center", va="center", wrap=True)
        self.png = self._render()

    def _layout_once(self) -> dict | None:
        """Fit the margins to the first successful draw that has Axes and return them.

        A draw that set margins or a layout engine of its own keeps them. Returns None when
        the draw left the figure without Axes and with matplotlib's margins, so that the
        next draw is fitted instead.
        """
        default = SubplotParams()
        params = self.figure.subplotpars
        untouched = all(getattr(params, name) == getattr(default, name) for name in MARGIN_NAMES)
        if untouched and self.figure.get_layout_engine() is None:
            if not self.figure.axes:
                return None
            self.figure.tight_layout()
            self._fitted = True
        return self._current_margins()

    def _current_margins(self) -> dict:
        return {name: getattr(self.figure.subplotpars, name) for name in MARGIN_NAMES}

    def _outside_figure(self) -> bool:
        """Return whether a text of the rendered figure reaches past the figure's edges.

        Checks the texts that a layout moves or that sit outside the Axes: axis labels,
        titles, texts and annotations, and figure-level texts. An axis label sits beyond
        the tick labels, so wider tick labels show in its position. Reads the extents that
        the last render laid out, which costs far less than ``Figure.get_tightbbox``.
        """
        renderer = self.figure.canvas.get_renderer()
        width, height = self.figure.canvas.get_width_height(physical=True)
        texts = list(self.figure.texts)
        for ax in self.figure.axes:
            texts += [ax.xaxis.label, ax.yaxis.label, ax.title, *ax.texts]
        for text in texts:
            if not text.get_visible() or not text.get_text():
                continue
            box = text.get_window_extent(renderer)
            if box.x0 < 0 or box.y0 < 0 or box.x1 > width or box.y1 > height:
                return True
        return False

    def _render(self) -> bytes:
        # One draw on the figure's own canvas: Figure.savefig would draw twice once a
        # layout has been computed, and on a temporary renderer the first time.
        # The figure is opaque, so dropping the alpha channel loses nothing and saves a
        # quarter of the bytes to compress.
        canvas = self.figure.canvas
        canvas.draw()
        width, height = canvas.get_width_height(physical=True)
        image = PIL.Image.frombuffer(
            "RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        )
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def _image(self) -> Image:
        return Image(data=self.png, format="png")

    def _on_change(self, change) -> None:
        self.redraw()

    def show(self) -> None:
        """Display the controls, the message line and the figure.

        Every copy shown by an earlier call is updated as well, so none of them goes stale.
        """
        display(widgets.VBox([widgets.HBox(list(self.controls.values()), layout=_wrap()), self.message]))
        self._handles.append(display(self._image(), display_id=True))

    def _publish(self) -> None:
        """Replace every displayed copy of the figure with the current PNG."""
        for handle in self._handles:
            handle.update(self._image())


MARGIN_NAMES = ("left", "right", "bottom", "top", "wspace", "hspace")


def _check_size(figsize, dpi) -> None:
    """Raise ValueError unless figsize is two finite numbers > 0 and dpi a finite number > 0."""
    sizes = tuple(figsize)
    if len(sizes) != 2 or not all(math.isfinite(size) and size > 0 for size in sizes):
        raise ValueError(f"figsize must be two finite numbers > 0 (inches), got {figsize!r}")
    if not (math.isfinite(dpi) and dpi > 0):
        raise ValueError(f"dpi must be a finite number > 0, got {dpi!r}")


def _empty_figure(figure: Figure) -> None:
    """Remove the figure-level artists of a draw and empty every Axes, keeping the Axes."""
    sup_labels = [getattr(figure, name, None) for name in ("_suptitle", "_supxlabel", "_supylabel")]
    for text in list(figure.texts):
        if any(text is label for label in sup_labels):
            # Figure.suptitle and its kin reuse their Text, which must stay in figure.texts.
            text.set_text("")
        else:
            text.remove()
    for group in (figure.legends, figure.images, figure.artists):
        for artist in list(group):
            artist.remove()
    for ax in figure.axes:
        _empty_axes(ax)


def _empty_axes(ax) -> None:
    """Remove what a draw put into ``ax`` and reset its labels, ticks, limits and colours."""
    for group in (ax.lines, ax.collections, ax.patches, ax.images, ax.texts, ax.artists, ax.tables):
        for artist in list(group):
            artist.remove()
    ax.containers.clear()
    # Inset Axes are not in figure.axes, so a draw cannot take them from there: it makes
    # them again on every call.
    for child in list(ax.child_axes):
        child.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    for axis in (ax.xaxis, ax.yaxis):
        # The scale's own defaults, major and minor, so a log axis keeps log ticks.
        # NOTE: matplotlib 3.11 has no public getter for the scale object of an Axis.
        axis._scale.set_default_locators_and_formatters(axis)
        axis.set_inverted(False)
    ax.set_prop_cycle(None)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title("")
    ax.relim()
    ax.autoscale(True)


def _wrap() -> widgets.Layout:
    return widgets.Layout(flex_flow="row wrap")


def figure_to_png(figure, dpi: int = 80) -> bytes:
    """Return the PNG bytes of a matplotlib figure."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def _same_size(images: list[bytes]) -> list[bytes]:
    """Return the PNGs padded with white at the right and bottom to the largest width and height.

    A tight bounding box gives each frame its own size, for example when tick labels differ
    in width, and a page would shift its layout as the slider switches frames.
    """
    opened = [PIL.Image.open(io.BytesIO(png)) for png in images]
    width = max(image.width for image in opened)
    height = max(image.height for image in opened)
    if all(image.size == (width, height) for image in opened):
        return images
    padded = []
    for image in opened:
        canvas = PIL.Image.new("RGB", (width, height), "white")
        canvas.paste(image.convert("RGB"), (0, 0))
        buffer = io.BytesIO()
        canvas.save(buffer, format="png")
        padded.append(buffer.getvalue())
    return padded


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

    images = []
    for value in values:
        figure = make_figure(value)
        images.append(figure_to_png(figure, dpi=dpi))
        plt.close(figure)
    images = _same_size(images)

    frames = []
    for index, (value, png) in enumerate(zip(values, images)):
        encoded = base64.b64encode(png).decode("ascii")
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
