"""Notebook helpers: LiveFigure error handling and figure reuse, static_slider, numba in chapters.

The tests run on matplotlib's Agg backend with real ipywidgets controls. Setting a
control's value calls the LiveFigure observer synchronously, as a kernel does when a
reader moves a slider.
"""

import base64
import re
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from IPython.display import Image  # noqa: E402

import spikelib.widgets  # noqa: E402
from spikelib import Layer, Network, run  # noqa: E402
from spikelib.widgets import LiveFigure, static_slider  # noqa: E402

BOOK = Path(__file__).resolve().parent.parent / "book"


def draw_membrane(fig, tau_m):
    """Draw the potential of one LIF neuron; spikelib rejects tau_m <= 0 with ValueError."""
    network = Network(layers=(Layer(weights=[[1.0]], threshold=1.0, tau_m=tau_m, max_spikes=3),))
    result = run(network, np.full((20, 1), 0.4), record_potentials=True)
    ax = fig.add_subplot()
    ax.plot(result.v_pre[0][:, 0])
    return result


def tau_slider(value=5.0) -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=-2.0, max=20.0)


class FakeHandle:
    """Stands in for IPython's DisplayHandle and keeps every object passed to update."""

    def __init__(self):
        self.updates = []

    def update(self, obj):
        self.updates.append(obj)


@pytest.fixture
def displayed(monkeypatch):
    """Replace spikelib.widgets.display by a recorder; return the list of displayed objects."""
    displayed_objects = []

    def fake_display(obj, display_id=None):
        displayed_objects.append(obj)
        return FakeHandle() if display_id else None

    monkeypatch.setattr(spikelib.widgets, "display", fake_display)
    return displayed_objects


# LiveFigure: invalid values


def test_invalid_value_shows_message():
    slider = tau_slider()
    live = LiveFigure(draw_membrane, {"tau_m": slider})

    slider.value = -1.0

    assert live.error.startswith("ValueError: tau_m must be a finite number > 0, got -1.0")
    assert "tau_m must be a finite number &gt; 0" in live.message.value


def test_invalid_value_drawn_as_text():
    slider = tau_slider()
    live = LiveFigure(draw_membrane, {"tau_m": slider})

    slider.value = -1.0

    texts = [text.get_text() for text in live.figure.texts]
    assert any("tau_m must be a finite number > 0" in text for text in texts)
    assert live.figure.axes == []


def test_valid_value_after_error_redraws():
    slider = tau_slider()
    live = LiveFigure(draw_membrane, {"tau_m": slider})
    slider.value = -1.0

    slider.value = 3.0

    assert live.error is None
    assert live.message.value == ""
    assert live.figure.texts == []
    assert len(live.figure.axes) == 1
    assert len(live.figure.axes[0].lines) == 1


def test_other_exception_does_not_escape():
    # A KeyError would otherwise propagate out of the slider's observer and leave the old
    # figure on screen.
    labels = {2: "two"}

    def draw(fig, count):
        fig.add_subplot().set_title(labels[count])

    slider = widgets.IntSlider(value=2, min=0, max=10)
    live = LiveFigure(draw, {"count": slider})

    slider.value = 3

    assert live.error == "KeyError: 3"


def test_failing_default_raises():
    with pytest.raises(ValueError, match="tau_m must be a finite number > 0") as caught:
        LiveFigure(draw_membrane, {"tau_m": tau_slider(value=-1.0)})

    assert any("default control values" in note for note in caught.value.__notes__)


# LiveFigure: one figure, updated in place


def test_two_moves_keep_one_figure(displayed):
    figures_before = len(plt.get_fignums())
    received = []

    def draw(fig, tau_m):
        received.append(fig)
        return draw_membrane(fig, tau_m)

    slider = tau_slider()
    live = LiveFigure(draw, {"tau_m": slider})
    live.show()

    slider.value = 2.0
    slider.value = 8.0

    assert len(plt.get_fignums()) == figures_before
    assert len(received) == 3
    assert all(fig is live.figure for fig in received)
    assert len(live.figure.axes) == 1


def test_moves_update_display_not_add(displayed):
    slider = tau_slider()
    live = LiveFigure(draw_membrane, {"tau_m": slider})
    live.show()
    displayed_after_show = list(displayed)

    slider.value = 2.0
    slider.value = 8.0

    assert displayed == displayed_after_show
    images = [obj for obj in displayed if isinstance(obj, Image)]
    assert len(images) == 1
    assert len(live._handles[-1].updates) == 2
    assert live._handles[-1].updates[-1].data == live.png


def test_displayed_png_is_the_current_figure(displayed):
    slider = tau_slider()
    live = LiveFigure(draw_membrane, {"tau_m": slider}, figsize=(4.0, 3.0), dpi=50)
    live.show()
    first = live.png

    slider.value = 2.0

    displayed_png = live._handles[-1].updates[-1].data
    assert displayed_png == live.png
    assert displayed_png != first
    # 4 x 3 inches at 50 dots per inch; the PNG header stores width and height at bytes 16-24
    assert displayed_png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(displayed_png[16:20], "big") == 200
    assert int.from_bytes(displayed_png[20:24], "big") == 150


def test_redraw_time_includes_rendering(monkeypatch):
    slider = tau_slider()
    live = LiveFigure(draw_membrane, {"tau_m": slider})
    pause = 0.05

    def slow_render():
        time.sleep(pause)
        return b"png"

    monkeypatch.setattr(live, "_render", slow_render)
    slider.value = 2.0

    assert live.png == b"png"
    assert live.redraw_seconds[-1] >= pause


def test_margins_fitted_once_and_kept():
    def draw(fig, tau_m):
        ax = fig.add_subplot()
        ax.set_ylabel("a long label\non two lines")
        ax.plot([0, tau_m])

    # Tick labels 0.00 ... 2.00 at the fit, narrower ones (0 ... 8) after the move, so no
    # label reaches past the edge and nothing calls for a new fit.
    slider = tau_slider(value=2.0)
    live = LiveFigure(draw, {"tau_m": slider})
    fitted = live.figure.subplotpars.left

    slider.value = 8.0

    # tight_layout moved the left margin away from matplotlib's default 0.125 for the
    # two-line label, and the next draw starts from the same margins.
    assert fitted != pytest.approx(0.125)
    assert live.figure.subplotpars.left == fitted


def test_own_margins_are_kept():
    def draw(fig, tau_m):
        fig.add_subplot().plot([0, tau_m])
        fig.subplots_adjust(left=0.3)

    live = LiveFigure(draw, {"tau_m": tau_slider()})

    assert live.figure.subplotpars.left == pytest.approx(0.3)


def test_sliders_update_on_release():
    # ipywidgets sliders default to continuous_update=True; a Dropdown has no such trait.
    slider = tau_slider()
    selection = widgets.SelectionSlider(options=[1, 2, 3], value=2)
    dropdown = widgets.Dropdown(options=["a", "b"])
    controls = {"tau_m": slider, "count": selection, "kind": dropdown}

    LiveFigure(lambda fig, tau_m, count, kind: None, controls)

    assert slider.continuous_update is False
    assert selection.continuous_update is False


def test_continuous_update_can_be_kept():
    slider = tau_slider()

    LiveFigure(draw_membrane, {"tau_m": slider}, continuous_update=True)

    assert slider.continuous_update is True


# LiveFigure: reuse_axes


def draw_two_panels(fig, tau_m):
    """Draw into two stacked axes, taken from the figure when it already has them."""
    top, bottom = fig.axes or fig.subplots(2, 1, sharex=True)
    top.plot(np.arange(5), np.full(5, tau_m), label="level")
    top.legend()
    top.set_ylabel(f"tau {tau_m}")
    bottom.scatter([1, 2], [tau_m, 2 * tau_m])
    bottom.annotate("note", (1, tau_m))
    bottom.set_yticks([0, tau_m])
    bottom.set_yticklabels(["zero", "tau"])
    return fig.axes


def test_reuse_axes_keeps_axes_objects():
    slider = tau_slider()
    live = LiveFigure(draw_two_panels, {"tau_m": slider}, reuse_axes=True)
    axes_before = list(live.figure.axes)

    slider.value = 8.0

    assert live.figure.axes == axes_before
    top, bottom = live.figure.axes
    assert len(top.lines) == 1
    assert len(bottom.collections) == 1
    assert len(bottom.texts) == 1
    assert top.get_ylabel() == "tau 8.0"


def test_reuse_axes_resets_limits_and_ticks():
    slider = tau_slider(value=20.0)
    live = LiveFigure(draw_two_panels, {"tau_m": slider}, reuse_axes=True)

    slider.value = 1.0

    top, _ = live.figure.axes
    # autoscaling ignores the data of the previous draw (a flat line at 20)
    low, high = top.get_ylim()
    assert low < 1.0 < high < 20.0


def test_reuse_axes_empties_what_draw_does_not_set():
    calls = []

    def draw(fig, tau_m):
        ax = fig.axes[0] if fig.axes else fig.add_subplot()
        if not calls:
            ax.set_title("first only")
            ax.set_xticks([0, 1])
            ax.set_xlim(0, 1)
        calls.append(tau_m)
        ax.plot([0, 10], [0, tau_m])

    slider = tau_slider()
    live = LiveFigure(draw, {"tau_m": slider}, reuse_axes=True)
    slider.value = 3.0

    ax = live.figure.axes[0]
    assert ax.get_title() == ""
    assert ax.get_xlim()[1] >= 10
    assert len(ax.get_xticks()) > 2


def test_reuse_axes_after_error_starts_again():
    slider = tau_slider()

    def draw(fig, tau_m):
        axes = draw_two_panels(fig, tau_m)
        draw_membrane(fig, tau_m) if tau_m < 0 else None
        return axes

    live = LiveFigure(draw, {"tau_m": slider}, reuse_axes=True)
    slider.value = -1.0
    assert live.error is not None

    slider.value = 4.0

    assert live.error is None
    assert live.figure.texts == []
    assert len(live.figure.axes) == 2


# static_slider


def test_static_slider_closes_frames():
    figures_before = len(plt.get_fignums())

    def make_figure(value):
        fig, ax = plt.subplots()
        ax.plot([0, value])
        return fig

    markup = static_slider([1, 2, 3], make_figure, label="gain", initial=2)

    assert len(plt.get_fignums()) == figures_before
    assert markup.data.count("<img") == 3


def test_static_slider_rejects_unknown_initial():
    with pytest.raises(ValueError, match=r"initial must be one of values \[1, 2, 3\], got 5"):
        static_slider([1, 2, 3], lambda value: plt.figure(), label="gain", initial=5)


# Chapters define no numba functions

NUMBA_IN_CELL = re.compile(r"^\s*(@\s*(numba\.)?(njit|jit|vectorize|guvectorize|cfunc)\b|(import|from)\s+numba\b)", re.MULTILINE)
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def numba_lines(markdown: str) -> list[str]:
    """Return the numba decorators and imports found in the code cells of a MyST notebook."""
    found = []
    for cell in CODE_CELL.findall(markdown):
        found += [match.group(0).strip() for match in NUMBA_IN_CELL.finditer(cell)]
    return found


def test_numba_scan_finds_decorators():
    sample = "\n".join(
        [
            "Text with @njit in prose is fine.",
            "```{code-cell} ipython3",
            "import numpy as np",
            "@njit(cache=True)",
            "def f(x):",
            "    return x",
            "```",
            "```{code-cell} ipython3",
            "from numba import jit",
            "@numba.jit",
            "def g(x):",
            "    return x",
            "```",
        ]
    )

    assert numba_lines(sample) == ["@njit", "from numba", "@numba.jit"]


def test_chapters_found_for_numba_scan():
    assert len(list(BOOK.glob("*.md"))) >= 1


@pytest.mark.parametrize("chapter", sorted(p.name for p in BOOK.glob("*.md")))
def test_chapter_cells_define_no_numba(chapter):
    # numba's on-disk cache keys compiled code by source file; a notebook cell has none that
    # lasts, so cache=True functions belong in spikelib modules.
    assert numba_lines((BOOK / chapter).read_text()) == []


def test_static_slider_frames_same_size():
    # Tight bounding boxes differ with the width of the tick labels: 0 ... 1 against
    # -100000 ... 100000.
    def make_figure(value):
        fig, ax = plt.subplots(figsize=(3.0, 2.0))
        ax.plot([0, value])
        return fig

    markup = static_slider([1, -100000], make_figure, label="gain")

    sizes = set()
    for encoded in re.findall(r'src="data:image/png;base64,([^"]+)"', markup.data):
        png = base64.b64decode(encoded)
        sizes.add((int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")))
    assert len(sizes) == 1
