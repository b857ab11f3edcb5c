"""LiveFigure under hostile inputs and move sequences: state left over, errors that escape.

Each test moves real ipywidgets controls, which calls the LiveFigure observer synchronously,
as a kernel does when a reader releases a slider. The reference for "what the reader should
see" is a fresh figure of the same size, drawn once with the same values and the same
margins: a live figure after any sequence of moves must look exactly like it.
"""

import io
import math
import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import numpy as np  # noqa: E402
import PIL.Image  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import LogLocator  # noqa: E402

import spikelib.widgets  # noqa: E402
from spikelib.widgets import LiveFigure  # noqa: E402

BOOK = Path(__file__).resolve().parent.parent / "book"
FIGSIZE = (4.0, 3.0)
DPI = 50


def gain_slider(value=1.0) -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=0.0, max=5.0)


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB"))


def fresh_pixels(live: LiveFigure, draw) -> np.ndarray:
    """Draw ``draw`` once into a new figure with the live figure's size and margins."""
    figure = Figure(figsize=live.figure.get_size_inches(), dpi=live.figure.dpi)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(**live._margins)
    draw(figure, **live.values())
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[:, :, :3]


def differing_pixels(live: LiveFigure, draw) -> int:
    return int(np.any(pixels(live.png) != fresh_pixels(live, draw), axis=2).sum())


# reuse_axes: nothing of an earlier draw may survive a move


def draw_default_colors(fig, gain):
    """Plot two lines and a scatter with matplotlib's default colours."""
    ax = fig.axes[0] if fig.axes else fig.add_subplot()
    ax.plot([0, 1], [0, gain])
    ax.plot([0, 1], [gain, 0])
    ax.scatter([0.5], [gain / 2])


def test_reuse_restarts_color_cycle():
    slider = gain_slider()
    live = LiveFigure(draw_default_colors, {"gain": slider}, reuse_axes=True)

    slider.value = 2.0

    # A fresh Axes gives its first line the first colour of the rcParams cycle, "C0".
    first_line = live.figure.axes[0].lines[0]
    assert matplotlib.colors.same_color(first_line.get_color(), "C0")


def test_reuse_color_cycle_pixels_match():
    slider = gain_slider()
    live = LiveFigure(draw_default_colors, {"gain": slider}, figsize=FIGSIZE, dpi=DPI, reuse_axes=True)

    slider.value = 2.0
    slider.value = 3.0

    assert differing_pixels(live, draw_default_colors) == 0


def test_reuse_forgets_axis_inversion():
    calls = []

    def draw(fig, gain):
        ax = fig.axes[0] if fig.axes else fig.add_subplot()
        if not calls:
            ax.set_ylim(10, 0)
        calls.append(gain)
        ax.plot([0, 1], [0, gain])

    slider = gain_slider()
    live = LiveFigure(draw, {"gain": slider}, reuse_axes=True)

    slider.value = 2.0

    assert not live.figure.axes[0].yaxis_inverted()


def test_reuse_log_axis_gets_log_ticks():
    # The scale is set once, when the Axes is created; the tick reset must not put linear
    # ticks on a log axis.
    def draw(fig, gain):
        ax = fig.axes[0] if fig.axes else fig.add_subplot(yscale="log")
        ax.plot([1, 2, 3], [1, 10**gain, 100])

    slider = gain_slider()
    live = LiveFigure(draw, {"gain": slider}, reuse_axes=True)

    slider.value = 3.0

    assert isinstance(live.figure.axes[0].yaxis.get_major_locator(), LogLocator)


def test_reuse_resets_minor_ticks():
    calls = []

    def draw(fig, gain):
        ax = fig.axes[0] if fig.axes else fig.add_subplot()
        if not calls:
            ax.set_xticks([0.25, 0.75], minor=True)
        calls.append(gain)
        ax.plot([0, 1], [0, gain])

    slider = gain_slider()
    live = LiveFigure(draw, {"gain": slider}, reuse_axes=True)

    slider.value = 2.0

    assert list(live.figure.axes[0].get_xticks(minor=True)) == []


def draw_figure_artists(fig, gain):
    """Draw one panel with a figure-level text, legend and title, all set on every call."""
    ax = fig.axes[0] if fig.axes else fig.add_subplot()
    ax.plot([0, 1], [0, gain], label="line")
    fig.text(0.01, 0.01, f"gain = {gain}")
    fig.legend(loc="upper right")
    fig.suptitle(f"title {gain}")


def figure_texts(live: LiveFigure) -> list[str]:
    return [text.get_text() for text in live.figure.texts if text.get_text()]


def test_reuse_removes_figure_texts():
    slider = gain_slider()
    live = LiveFigure(draw_figure_artists, {"gain": slider}, reuse_axes=True)

    slider.value = 2.0
    slider.value = 3.0

    assert sorted(figure_texts(live)) == ["gain = 3.0", "title 3.0"]


def test_reuse_removes_figure_legends():
    slider = gain_slider()
    live = LiveFigure(draw_figure_artists, {"gain": slider}, reuse_axes=True)

    slider.value = 2.0
    slider.value = 3.0

    assert len(live.figure.legends) == 1


def test_reuse_figure_artists_pixels_match():
    slider = gain_slider()
    live = LiveFigure(draw_figure_artists, {"gain": slider}, figsize=FIGSIZE, dpi=DPI, reuse_axes=True)

    slider.value = 2.0
    slider.value = 3.0

    assert differing_pixels(live, draw_figure_artists) == 0


def test_reuse_suptitle_not_set_is_empty():
    # A fresh figure has no title, so a draw that sets one only for some values must not
    # leave it standing after a move to other values.
    def draw(fig, gain):
        ax = fig.axes[0] if fig.axes else fig.add_subplot()
        ax.plot([0, gain])
        if gain > 2:
            fig.suptitle("large gain")

    slider = gain_slider(value=3.0)
    live = LiveFigure(draw, {"gain": slider}, reuse_axes=True)

    slider.value = 1.0

    assert figure_texts(live) == []


def test_reuse_twin_axes_pixels_match():
    def draw(fig, gain):
        if fig.axes:
            ax, twin = fig.axes
        else:
            ax = fig.add_subplot()
            twin = ax.twinx()
        ax.plot([0, 1], [0, gain])
        twin.plot([0, 1], [0, 10 * gain])
        twin.set_ylabel("right")

    slider = gain_slider()
    live = LiveFigure(draw, {"gain": slider}, figsize=FIGSIZE, dpi=DPI, reuse_axes=True)

    slider.value = 3.0

    assert differing_pixels(live, draw) == 0


# Display


class RecordingHandle:
    """Record every object passed to update, in place of IPython's DisplayHandle."""

    def __init__(self):
        self.updates = []

    def update(self, obj):
        self.updates.append(obj)


def test_shown_twice_updates_both(monkeypatch):
    handles = []

    def fake_display(obj, display_id=None):
        if display_id:
            handles.append(RecordingHandle())
            return handles[-1]
        return None

    monkeypatch.setattr(spikelib.widgets, "display", fake_display)
    slider = gain_slider()
    live = LiveFigure(draw_default_colors, {"gain": slider})
    live.show()
    live.show()

    slider.value = 2.0

    assert len(handles) == 2
    assert handles[0].updates[-1].data == live.png
    assert handles[1].updates[-1].data == live.png


# Draws that change controls


def test_draw_changing_control_shows_final_values():
    # The draw lowers the maximum of the "k" slider to n, which clamps k: ipywidgets then
    # calls the observer from inside the running draw.
    count = widgets.IntSlider(value=5, min=1, max=10)
    k_slider = widgets.IntSlider(value=3, min=1, max=5)

    def draw(fig, n, k):
        k_slider.max = n
        ax = fig.axes[0] if fig.axes else fig.add_subplot()
        ax.plot(range(n), range(n))
        ax.set_title(f"n = {n}, k = {k}")

    live = LiveFigure(draw, {"n": count, "k": k_slider}, reuse_axes=True)

    count.value = 2

    ax = live.figure.axes[0]
    assert ax.get_title() == "n = 2, k = 2"
    assert len(ax.lines) == 1


def test_draw_changing_control_forever_stops():
    slider = widgets.IntSlider(value=0, min=0, max=1000)

    def draw(fig, step):
        fig.add_subplot().plot([0, step])
        slider.value = step + 1

    with pytest.raises(RuntimeError, match="draw changed a control in each of 11 draws in a row"):
        LiveFigure(draw, {"step": slider})


def draw_with_inset(fig, gain):
    """Draw one line and an inset Axes with another, making the inset on every call."""
    ax = fig.axes[0] if fig.axes else fig.add_subplot()
    ax.plot([0, gain])
    inset = ax.inset_axes([0.6, 0.1, 0.3, 0.3])
    inset.plot([gain, 0])


def test_reuse_removes_old_insets():
    slider = gain_slider()
    live = LiveFigure(draw_with_inset, {"gain": slider}, reuse_axes=True)

    slider.value = 2.0
    slider.value = 3.0

    assert len(live.figure.axes[0].child_axes) == 1


def test_reuse_inset_pixels_match():
    slider = gain_slider()
    live = LiveFigure(draw_with_inset, {"gain": slider}, figsize=FIGSIZE, dpi=DPI, reuse_axes=True)

    slider.value = 2.0
    slider.value = 3.0

    assert differing_pixels(live, draw_with_inset) == 0


def test_reuse_added_axes_logged(caplog):
    # fig.colorbar(image, ax=ax) makes a new colorbar Axes on every call.
    def draw(fig, gain):
        ax = fig.axes[0] if fig.axes else fig.add_subplot()
        image = ax.imshow(np.arange(6.0).reshape(2, 3) * gain)
        fig.colorbar(image, ax=ax)

    slider = gain_slider()
    live = LiveFigure(draw, {"gain": slider}, reuse_axes=True)

    slider.value = 2.0

    assert len(live.figure.axes) == 3
    assert "draw added Axes to a figure that had 2, now 3" in caplog.text


def test_reuse_colorbar_cax_pixels_match(caplog):
    def draw(fig, gain):
        ax, cax = fig.axes or fig.subplots(1, 2, width_ratios=[10, 1])
        image = ax.imshow(np.arange(12.0).reshape(3, 4) * gain)
        fig.colorbar(image, cax=cax)

    slider = gain_slider()
    live = LiveFigure(draw, {"gain": slider}, figsize=FIGSIZE, dpi=DPI, reuse_axes=True)

    slider.value = 3.0

    assert differing_pixels(live, draw) == 0
    assert "draw added Axes" not in caplog.text


def test_reuse_raise_halfway_pixels_match():
    # The draw fills the first panel and raises before the second for gain > 4.
    def draw(fig, gain):
        top, bottom = fig.axes or fig.subplots(2)
        top.plot([0, gain])
        top.set_yticks([0, gain])
        if gain > 4:
            raise ValueError(f"gain must be at most 4, got {gain}")
        bottom.bar([0, 1], [gain, 1])

    slider = gain_slider()
    live = LiveFigure(draw, {"gain": slider}, figsize=FIGSIZE, dpi=DPI, reuse_axes=True)

    slider.value = 5.0
    slider.value = 3.0

    assert live.error is None
    assert differing_pixels(live, draw) == 0


# Layout


def test_layout_engine_redraws_without_warning():
    def draw(fig, gain):
        fig.set_layout_engine("constrained")
        fig.add_subplot().plot([0, gain])

    slider = gain_slider()
    live = LiveFigure(draw, {"gain": slider})

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        slider.value = 2.0

    assert live.error is None


def test_margins_fitted_after_empty_default():
    # At the default value the draw returns before creating Axes, so there is nothing to
    # fit yet. The first draw with Axes must get tight_layout margins, because matplotlib's
    # default left margin of 0.125 cuts the three-line label.
    def draw(fig, count):
        if count == 0:
            return
        ax = fig.add_subplot()
        ax.set_ylabel("a long label\non three\nlines")
        ax.plot([0, count])

    slider = widgets.IntSlider(value=0, min=0, max=5)
    live = LiveFigure(draw, {"count": slider})

    slider.value = 3

    assert live.figure.subplotpars.left != pytest.approx(0.125)


def test_margins_kept_after_error():
    # Figure.clear after a failed draw resets the margins; the fitted ones must come back.
    def draw(fig, gain):
        if gain > 4:
            raise ValueError(f"gain must be at most 4, got {gain}")
        ax = fig.axes[0] if fig.axes else fig.add_subplot()
        ax.set_ylabel("a long label\non three\nlines")
        ax.plot([0, gain])

    slider = gain_slider()
    live = LiveFigure(draw, {"gain": slider}, reuse_axes=True)
    fitted = live.figure.subplotpars.left

    slider.value = 5.0
    slider.value = 2.0

    assert live.figure.subplotpars.left == fitted


# A move that widens the tick labels would push the axis label out of margins fitted to
# the first draw; LiveFigure fits again when a rendered artist reaches past the edge.


def test_margins_fit_wider_tick_labels():
    def draw(fig, gain):
        ax = fig.axes[0] if fig.axes else fig.add_subplot()
        ax.set_ylabel("potential")
        ax.plot([0, 1], [0, gain])

    slider = widgets.FloatSlider(value=1.0, min=-20000.0, max=20000.0)
    live = LiveFigure(draw, {"gain": slider}, reuse_axes=True)

    slider.value = -12345.0

    renderer = live.figure.canvas.get_renderer()
    assert live.figure.axes[0].yaxis.label.get_window_extent(renderer).x0 >= 0


# Errors while rendering


def draw_titled(fig, label):
    ax = fig.axes[0] if fig.axes else fig.add_subplot()
    ax.set_title(label)
    ax.plot([0, 1])


def test_render_error_does_not_escape():
    # matplotlib parses mathtext only when the figure is rendered, after draw has returned.
    text = widgets.Text(value="$x$")
    live = LiveFigure(draw_titled, {"label": text}, reuse_axes=True)

    text.value = r"$\frac{$"

    assert live.error is not None
    assert "frac" in live.error


def test_render_error_updates_png():
    text = widgets.Text(value="$x$")
    live = LiveFigure(draw_titled, {"label": text}, reuse_axes=True)
    before = live.png

    text.value = r"$\frac{$"

    assert live.png != before
    assert any("frac" in line for line in figure_texts(live))


def test_render_error_then_valid_recovers():
    text = widgets.Text(value="$x$")
    live = LiveFigure(draw_titled, {"label": text}, reuse_axes=True)
    text.value = r"$\frac{$"

    text.value = "$y$"

    assert live.error is None
    assert live.figure.axes[0].get_title() == "$y$"


def test_render_error_at_default_raises():
    with pytest.raises(ValueError) as caught:
        LiveFigure(draw_titled, {"label": widgets.Text(value=r"$\frac{$")})

    assert any("default control values" in note for note in caught.value.__notes__)


def test_error_message_with_dollars_shown():
    # The message is plain text: two dollar signs in it must not be parsed as mathtext.
    def draw(fig, gain):
        if gain > 1:
            raise ValueError(r"gain must be at most $\frac{1}$, got " + str(gain))
        fig.add_subplot().plot([0, gain])

    slider = gain_slider()
    live = LiveFigure(draw, {"gain": slider})
    before = live.png

    slider.value = 2.0

    assert live.error.startswith("ValueError: gain must be at most")
    assert live.png != before


# Constructor arguments


def test_control_without_value_rejected():
    with pytest.raises(TypeError, match=r"controls\['go'\] must have a value trait, got Button"):
        LiveFigure(lambda fig, go: None, {"go": widgets.Button()})


def test_control_not_widget_rejected():
    with pytest.raises(TypeError, match=r"controls\['gain'\] must have a value trait, got float"):
        LiveFigure(lambda fig, gain: None, {"gain": 1.0})


@pytest.mark.parametrize("figsize", [(0.0, 4.0), (9.0, -1.0), (math.nan, 4.0), (9.0, math.inf), (9.0,)])
def test_invalid_figsize_rejected(figsize):
    with pytest.raises(ValueError, match=r"figsize must be two finite numbers > 0"):
        LiveFigure(lambda fig, gain: None, {"gain": gain_slider()}, figsize=figsize)


@pytest.mark.parametrize("dpi", [0.0, -5.0, math.nan, math.inf])
def test_invalid_dpi_rejected(dpi):
    with pytest.raises(ValueError, match=r"dpi must be a finite number > 0"):
        LiveFigure(lambda fig, gain: None, {"gain": gain_slider()}, dpi=dpi)


# The book's live figures after move sequences

CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def chapter_namespace(chapter: str, stop: str) -> dict:
    """Execute a chapter's code cells up to the first one that contains ``stop``."""
    namespace: dict = {}
    for cell in CODE_CELL.findall((BOOK / chapter).read_text()):
        if stop in cell:
            break
        source = "\n".join(line for line in cell.splitlines() if not line.startswith(":tags:"))
        exec(source, namespace)
    return namespace


def float_slider(value, low, high):
    return widgets.FloatSlider(value=value, min=low, max=high, step=0.1)


def neuron_case():
    namespace = chapter_namespace("spiking_neurons.md", "neuron_figure = LiveFigure(")
    controls = {
        "strength": float_slider(1.0, 0.0, 3.0),
        "threshold": float_slider(1.0, 0.0, 3.0),
        "tau_m": float_slider(20.0, 1.0, 100.0),
        "budget": widgets.IntText(value=6),
        "reset": widgets.Dropdown(options=["leaky", "nonleaky"], value="leaky"),
    }
    moves = [("strength", 3.0), ("budget", 1), ("threshold", 0.0), ("budget", 10), ("threshold", 0.4),
             ("reset", "nonleaky"), ("budget", 0), ("budget", 2)]
    return namespace["draw_neuron"], controls, moves, (9, 6)


def ladder_case():
    namespace = chapter_namespace("many_to_one.md", "ladder_figure = LiveFigure(")
    controls = {
        "budget": widgets.IntSlider(value=6, min=1, max=10),
        "threshold": float_slider(1.0, 0.0, 3.0),
        "tau_m": float_slider(20.0, 1.0, 100.0),
        "strength": float_slider(1.0, 0.0, 3.0),
        "reset": widgets.Dropdown(options=["leaky", "nonleaky"], value="leaky"),
    }
    moves = [("budget", 10), ("budget", 1), ("threshold", 0.0), ("budget", 3), ("threshold", 1.0),
             ("strength", 3.0), ("reset", "nonleaky"), ("budget", 2)]
    return namespace["draw_ladder"], controls, moves, (9, 7)


def emulation_case():
    namespace = chapter_namespace("one_to_many.md", "budget = DEFAULTS")
    controls = {
        "budget": widgets.IntSlider(value=6, min=1, max=12),
        "threshold": float_slider(1.0, 0.0, 3.0),
        "strength": float_slider(1.0, 0.0, 2.5),
    }
    moves = [("budget", 12), ("budget", 1), ("threshold", 0.0), ("threshold", 1.0), ("strength", 2.5),
             ("budget", 3)]
    return namespace["draw_emulation"], controls, moves, (9, 8)


@pytest.mark.book
@pytest.mark.parametrize("case", [neuron_case, ladder_case, emulation_case], ids=lambda case: case.__name__)
def test_chapter_moves_match_fresh_figure(case):
    draw, controls, moves, figsize = case()
    live = LiveFigure(draw, controls, figsize=figsize, dpi=DPI, reuse_axes=True)

    for name, value in moves:
        controls[name].value = value

    assert live.error is None
    assert differing_pixels(live, draw) == 0


@pytest.mark.book
def test_ladder_labels_inside_after_moves():
    # Chapter "many_to_one": N_s = 10 and input strength 3 give tick labels such as 12.5,
    # wider than those at the default values that the margins were fitted to.
    draw, controls, _, figsize = ladder_case()
    live = LiveFigure(draw, controls, figsize=figsize, dpi=DPI, reuse_axes=True)

    controls["budget"].value = 10
    controls["strength"].value = 3.0

    renderer = live.figure.canvas.get_renderer()
    lefts = [ax.yaxis.label.get_window_extent(renderer).x0 for ax in live.figure.axes]
    assert min(lefts) >= 0
