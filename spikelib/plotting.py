"""matplotlib helpers for spike trains and membrane potentials, shared by the book chapters.

Every helper draws into an ``Axes`` that the caller owns and returns the artists it added,
so a chapter can lay out its own figure and restyle or test what was drawn. The helpers
take the arrays of a :class:`~spikelib.simulate.RunResult` as they are:

- per-step spike counts (``result.counts[layer]``, shape (T, n)). Under spikelib's count
  convention a neuron emits ``min(remaining budget, floor(v / theta))`` spikes in one
  step, so a step can hold several spikes. The raster shows them with a larger marker
  and a count label, never as a single spike.
- potentials before and after the reset of each step (``result.v_pre[layer]`` and
  ``result.v_post[layer]``, from ``run(..., record_potentials=True)``). The helpers draw
  what they are given and do not depend on the reset kind (leaky or non-leaky).

The x axis is the step index times ``dt`` (``dt=1`` gives steps).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.text import Text

from .validation import check_positive_finite, finite_array

__all__ = [
    "PotentialArtists",
    "RasterArtists",
    "plot_potential",
    "plot_raster",
    "plot_thresholds",
]

SPIKE_COLOR = "#c0392b"


@dataclass
class RasterArtists:
    """Artists of one spike raster.

    Attributes
    ----------
    markers : PathCollection
        One marker per (step, neuron) with at least one spike; marker area grows with the
        count of that step.
    count_labels : list of Text
        One label per (step, neuron) with two or more spikes, showing the count.
    """

    markers: PathCollection
    count_labels: list[Text] = field(default_factory=list)


@dataclass
class PotentialArtists:
    """Artists of one potential trace.

    Attributes
    ----------
    trace : Line2D
        The potential over time. With post-reset values it is a sawtooth: at every step it
        rises to the pre-reset value and drops to the post-reset value at the same x.
    pre_markers : Line2D
        Filled markers at the pre-reset potentials.
    post_markers : Line2D or None
        Open markers at the post-reset potentials of spiking steps (None without
        ``v_post`` or ``counts``).
    spike_markers : PathCollection or None
        Spike markers above the pre-reset potential of every spiking step (None without
        ``counts``).
    count_labels : list of Text
        Count labels of steps with two or more spikes.
    thresholds : list of Line2D
        Horizontal threshold lines.
    """

    trace: Line2D
    pre_markers: Line2D
    post_markers: Line2D | None = None
    spike_markers: PathCollection | None = None
    count_labels: list[Text] = field(default_factory=list)
    thresholds: list[Line2D] = field(default_factory=list)


def _spike_counts(counts, name: str = "counts") -> np.ndarray:
    """Return ``counts`` as a 2-D int64 array (T, n) after checking it is whole and >= 0."""
    array = finite_array(name, counts)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape (T,) or (T, n), got shape {array.shape}")
    if np.any(array < 0) or np.any(array != np.round(array)):
        bad = array[(array < 0) | (array != np.round(array))].flat[0]
        raise ValueError(f"{name} must contain whole numbers >= 0 (spikes per step), got {bad!r}")
    return array.astype(np.int64)


def plot_raster(
    ax: Axes,
    counts,
    *,
    dt: float = 1.0,
    rows: Sequence[float] | None = None,
    labels: Sequence[str] | None = None,
    color: str = "black",
    marker: str = "|",
    size: float = 60.0,
    label_counts: bool = True,
) -> RasterArtists:
    """Draw a spike raster from per-step spike counts.

    Parameters
    ----------
    ax : Axes
    counts : array of shape (T,) or (T, n)
        Spikes per step and neuron, as in ``RunResult.counts[layer]``. Several spikes in
        one step (the count convention) get a marker of area ``size * count`` and, when
        ``label_counts`` is set, a label with the count.
    dt : float
        Time step; marker x positions are ``step * dt``.
    rows : sequence of float, optional
        y position of each neuron's row; defaults to ``0, 1, ..., n - 1``.
    labels : sequence of str, optional
        Tick labels of the rows; the default labels are the neuron indices.
    color, marker, size : matplotlib marker style.
    label_counts : bool
        Write the count next to every marker of two or more spikes.

    Returns
    -------
    RasterArtists
    """
    spikes = _spike_counts(counts)
    dt = check_positive_finite("dt", dt)
    size = check_positive_finite("size", size)
    n_neurons = spikes.shape[1]
    if rows is None:
        row_positions = np.arange(n_neurons, dtype=np.float64)
    else:
        row_positions = finite_array("rows", rows)
    if row_positions.shape != (n_neurons,):
        raise ValueError(
            f"rows must have one entry per neuron ({n_neurons}), got shape {row_positions.shape}"
        )
    if labels is not None and len(labels) != n_neurons:
        raise ValueError(f"labels must have one entry per neuron ({n_neurons}), got {len(labels)}")

    steps, neurons = np.nonzero(spikes)
    step_counts = spikes[steps, neurons]
    x = steps * dt
    y = row_positions[neurons]
    markers = ax.scatter(x, y, s=size * step_counts, c=color, marker=marker, linewidths=1.5)

    count_labels = []
    if label_counts:
        for x_value, y_value, count in zip(x, y, step_counts):
            if count > 1:
                count_labels.append(
                    ax.annotate(
                        f"{count}",
                        (x_value, y_value),
                        xytext=(4, 3),
                        textcoords="offset points",
                        fontsize=8,
                        color=color,
                    )
                )

    ax.set_yticks(row_positions)
    ax.set_yticklabels([str(i) for i in range(n_neurons)] if labels is None else list(labels))
    if n_neurons:
        ax.set_ylim(row_positions.min() - 0.7, row_positions.max() + 0.7)
    ax.set_xlim(-dt, spikes.shape[0] * dt)
    return RasterArtists(markers=markers, count_labels=count_labels)


def plot_thresholds(
    ax: Axes,
    levels,
    *,
    labels: Sequence[str] | None = None,
    colors: Sequence[str] | str = "grey",
    linestyle: str = "--",
) -> list[Line2D]:
    """Draw one horizontal line per threshold level and return the lines.

    ``labels`` (one per level) are written at the right end of each line. ``colors`` is a
    single color or one per level.
    """
    values = finite_array("levels", levels)
    values = values.reshape(-1)
    if labels is not None and len(labels) != values.size:
        raise ValueError(f"labels must have one entry per level ({values.size}), got {len(labels)}")
    color_list = [colors] * values.size if isinstance(colors, str) else list(colors)
    if len(color_list) != values.size:
        raise ValueError(
            f"colors must be one color or one per level ({values.size}), got {len(color_list)}"
        )

    lines = []
    for index, level in enumerate(values):
        line = ax.axhline(level, color=color_list[index], linestyle=linestyle, linewidth=1.0)
        lines.append(line)
        if labels is not None:
            ax.annotate(
                labels[index],
                (1.0, level),
                xycoords=("axes fraction", "data"),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color=color_list[index],
            )
    return lines


def plot_potential(
    ax: Axes,
    v_pre,
    v_post=None,
    *,
    counts=None,
    thresholds=None,
    dt: float = 1.0,
    color: str = "tab:blue",
    label: str | None = None,
    spike_color: str = SPIKE_COLOR,
) -> PotentialArtists:
    """Draw one neuron's potential with its resets, spikes and threshold lines.

    Parameters
    ----------
    ax : Axes
    v_pre : array of shape (T,)
        Potential before the spikes of each step are emitted (``RunResult.v_pre``).
    v_post : array of shape (T,), optional
        Potential after the reset of each step (``RunResult.v_post``). When given, the
        trace drops from ``v_pre[t]`` to ``v_post[t]`` at the x of step ``t``, and spiking
        steps get an open marker at the post-reset value.
    counts : array of shape (T,), optional
        Spikes per step. Spiking steps get a triangle above the pre-reset potential, with
        the count written next to it when it is two or more.
    thresholds : float or array, optional
        Threshold level(s) drawn as dashed lines, e.g. ``theta`` or ``k * theta``.
    dt : float
        Time step; the x position of step ``t`` is ``t * dt``.
    color, label, spike_color : matplotlib style of the trace and of the spike markers.

    Returns
    -------
    PotentialArtists
    """
    pre = finite_array("v_pre", v_pre)
    if pre.ndim != 1:
        raise ValueError(f"v_pre must have shape (T,), got shape {pre.shape}")
    dt = check_positive_finite("dt", dt)
    n_steps = pre.shape[0]
    x = np.arange(n_steps) * dt

    post = None
    if v_post is not None:
        post = finite_array("v_post", v_post, (n_steps,))
    spikes = None
    if counts is not None:
        spikes = _spike_counts(counts)
        if spikes.shape != (n_steps, 1):
            raise ValueError(
                f"counts must have shape ({n_steps},) to match v_pre, got shape {np.shape(counts)}"
            )
        spikes = spikes[:, 0]

    if post is None:
        trace_x, trace_y = x, pre
    else:
        # Sawtooth: (t, v_pre[t]) -> (t, v_post[t]) -> (t + 1, v_pre[t + 1]) -> ...
        trace_x = np.repeat(x, 2)
        trace_y = np.column_stack([pre, post]).reshape(-1)
    (trace,) = ax.plot(trace_x, trace_y, color=color, linewidth=1.2, label=label)
    (pre_markers,) = ax.plot(x, pre, linestyle="none", marker=".", markersize=4, color=color)
    artists = PotentialArtists(trace=trace, pre_markers=pre_markers)

    if spikes is not None:
        spiking = np.nonzero(spikes)[0]
        if post is not None:
            (artists.post_markers,) = ax.plot(
                x[spiking],
                post[spiking],
                linestyle="none",
                marker="o",
                markersize=4,
                markerfacecolor="white",
                color=color,
            )
        artists.spike_markers = ax.scatter(
            x[spiking], pre[spiking], marker="^", s=36, color=spike_color, zorder=3
        )
        for step in spiking:
            if spikes[step] > 1:
                artists.count_labels.append(
                    ax.annotate(
                        f"{spikes[step]}",
                        (x[step], pre[step]),
                        xytext=(4, 4),
                        textcoords="offset points",
                        fontsize=8,
                        color=spike_color,
                    )
                )

    if thresholds is not None:
        artists.thresholds = plot_thresholds(ax, thresholds)
    return artists
