"""Plotting helpers: what they draw for hand-made spike counts and potentials (Agg backend)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from spikelib.plotting import plot_potential, plot_raster, plot_thresholds  # noqa: E402


@pytest.fixture
def ax():
    figure, axes = plt.subplots()
    yield axes
    plt.close(figure)


# Two neurons over 6 steps: neuron 0 fires 1 spike in step 1 and 3 in step 4,
# neuron 1 fires 2 spikes in step 2. Three spiking (step, neuron) pairs, two with count >= 2.
COUNTS = np.array([[0, 0], [1, 0], [0, 2], [0, 0], [3, 0], [0, 0]])


def test_raster_one_marker_per_spiking_step(ax):
    artists = plot_raster(ax, COUNTS)

    assert len(artists.markers.get_offsets()) == 3


def test_raster_marker_positions(ax):
    artists = plot_raster(ax, COUNTS, dt=0.5)

    positions = sorted(map(tuple, np.asarray(artists.markers.get_offsets()).tolist()))
    assert positions == [(0.5, 0.0), (1.0, 1.0), (2.0, 0.0)]


def test_raster_marker_area_grows_with_count(ax):
    artists = plot_raster(ax, COUNTS, size=10.0)

    positions = map(tuple, np.asarray(artists.markers.get_offsets()).tolist())
    sizes = dict(zip(positions, artists.markers.get_sizes()))
    assert sizes[(1.0, 0.0)] == 10.0
    assert sizes[(4.0, 0.0)] == 30.0


def test_raster_labels_multi_spike_steps(ax):
    artists = plot_raster(ax, COUNTS)

    assert sorted(label.get_text() for label in artists.count_labels) == ["2", "3"]


def test_raster_rows_and_labels(ax):
    plot_raster(ax, COUNTS, rows=[1, 2], labels=["k=1", "k=2"])

    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["k=1", "k=2"]
    assert list(ax.get_yticks()) == [1.0, 2.0]


def test_raster_accepts_one_neuron(ax):
    artists = plot_raster(ax, np.array([0, 2, 0, 1]))

    assert len(artists.markers.get_offsets()) == 2


def test_raster_rejects_negative_counts(ax):
    with pytest.raises(ValueError, match="counts must contain whole numbers >= 0"):
        plot_raster(ax, np.array([0, -1, 2]))


def test_raster_rejects_wrong_row_count(ax):
    with pytest.raises(ValueError, match="rows must have one entry per neuron"):
        plot_raster(ax, COUNTS, rows=[0, 1, 2])


def test_thresholds_one_line_per_level(ax):
    lines = plot_thresholds(ax, [1.0, 2.0, 3.0], labels=["θ", "2θ", "3θ"])

    assert [line.get_ydata()[0] for line in lines] == [1.0, 2.0, 3.0]


def test_thresholds_rejects_label_mismatch(ax):
    with pytest.raises(ValueError, match="labels must have one entry per level"):
        plot_thresholds(ax, [1.0, 2.0], labels=["θ"])


# One neuron, threshold 1: v_pre 0.5, 2.3, 0.4 gives 2 spikes in step 1 (post 0.3).
V_PRE = np.array([0.5, 2.3, 0.4])
V_POST = np.array([0.5, 0.3, 0.4])
STEP_COUNTS = np.array([0, 2, 0])


def test_potential_sawtooth_drops_at_reset(ax):
    artists = plot_potential(ax, V_PRE, V_POST)

    assert artists.trace.get_xdata().tolist() == [0, 0, 1, 1, 2, 2]
    assert artists.trace.get_ydata().tolist() == [0.5, 0.5, 2.3, 0.3, 0.4, 0.4]


def test_potential_marks_spiking_steps(ax):
    artists = plot_potential(ax, V_PRE, V_POST, counts=STEP_COUNTS, thresholds=1.0)

    assert np.asarray(artists.spike_markers.get_offsets()).tolist() == [[1.0, 2.3]]
    assert artists.post_markers.get_ydata().tolist() == [0.3]
    assert [label.get_text() for label in artists.count_labels] == ["2"]
    assert len(artists.thresholds) == 1


def test_potential_without_post_is_plain_line(ax):
    artists = plot_potential(ax, V_PRE)

    assert artists.trace.get_ydata().tolist() == V_PRE.tolist()
    assert artists.spike_markers is None


def test_potential_rejects_count_length_mismatch(ax):
    with pytest.raises(ValueError, match=r"counts must have shape \(3,\)"):
        plot_potential(ax, V_PRE, counts=np.array([0, 1]))


def test_potential_rejects_post_length_mismatch(ax):
    with pytest.raises(ValueError, match="v_post must have shape"):
        plot_potential(ax, V_PRE, np.array([0.0, 1.0]))
