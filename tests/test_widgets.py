"""Notebook helpers: LiveFigure error handling and figure reuse, static_slider, numba in chapters.

The tests run on matplotlib's Agg backend with real ipywidgets controls. Setting a
control's value calls the LiveFigure observer synchronously, as a kernel does when a
reader moves a slider.
"""

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

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
    assert sum(obj is live.figure for obj in displayed) == 1
    assert live._handle.updates == [live.figure, live.figure]


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
