"""Handwritten-digit classifiers built from multi-spike neurons, and their conversions.

The data are scikit-learn's bundled 8x8 digits (1797 images, pixel values 0..16, no
download), scaled to [0, 1] and split once into a stratified training and test set with a
fixed seed. A classifier is

1. an input encoder: each pixel becomes a constant current ``gain * x`` for ``n_steps``
   steps (:func:`spikelib.encoders.encode_current`) or one latency-coded input spike
   (:func:`spikelib.encoders.encode_latency`);
2. one hidden layer of integrate-and-fire neurons with spike budget ``N_s``, random fixed
   afferent weights and biases (a random-feature network: only the read-out is trained);
3. a non-spiking read-out (:class:`spikelib.Readout`) whose potentials at the final step
   are the ten class scores; the prediction is their argmax.

The read-out weights are fitted by ridge regression on one-hot targets. For a read-out that
integrates without leak, the final potential is ``n_steps * bias + W @ totals``, where
``totals`` are the hidden spike counts of the whole window, so the ridge model on spike
counts is placed into the read-out unchanged (bias = intercept / n_steps). A leaky read-out
weights a spike at step ``s`` by ``beta_r ** (n_steps - 1 - s)``, so it is fitted on those
decayed counts instead; its bias enters ``(1 - beta_r ** n_steps) / (1 - beta_r)`` times.

The hidden weights stay random because the conversions under study are exact for any
weights: the point is a real task with a real accuracy, and a closed-form read-out keeps
every slider position quick to train. All networks use the spike-count convention of
:mod:`spikelib.network`: all threshold crossings of a step fire in that step. The reset
kind (leaky or non-leaky) is a parameter, and each classifier's network records it.

:class:`DigitsExperiment` caches the encoded inputs and every trained network and test run
per (hidden size, budget), so that a notebook slider redraws from memory after the first
visit.
"""

from __future__ import annotations

import html
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .cost import network_cost, run_cost
from .encoders import encode_current, encode_latency
from .ladder import to_single_spike
from .moebius import to_multi_spike
from .network import Layer, Network, Readout, leak_factor
from .simulate import RunResult, run
from .validation import check_budget, check_positive_finite, check_reset

logger = logging.getLogger(__name__)

N_CLASSES = 10
N_PIXELS = 64
ENCODINGS = ("current", "latency")


# ----------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True, eq=False)
class DigitsSplit:
    """The digits data scaled to [0, 1], split into a training and a test set.

    Attributes
    ----------
    x_train, x_test : float64 arrays, shape (B, 64)
        Pixel intensities divided by 16, one row per image.
    y_train, y_test : int64 arrays, shape (B,)
        Digit labels 0..9.
    test_size : float
        Fraction of the 1797 images in the test set.
    seed : int
        ``random_state`` of the stratified split.
    """

    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    test_size: float
    seed: int

    def test_images(self) -> np.ndarray:
        """Return the test images as an array of shape (B, 8, 8) with values in [0, 1]."""
        return self.x_test.reshape(-1, 8, 8)


def load_digits_split(test_size: float = 0.25, seed: int = 0) -> DigitsSplit:
    """Load scikit-learn's bundled digits, scale them to [0, 1] and split them, stratified.

    Parameters
    ----------
    test_size : float
        Fraction of images in the test set, in (0, 1).
    seed : int
        ``random_state`` of :func:`sklearn.model_selection.train_test_split`.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if not 0.0 < float(test_size) < 1.0:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}")
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an integer in [0, {2**32 - 1}], got {seed!r}")
    pixels, labels = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        pixels / 16.0,
        labels.astype(np.int64),
        test_size=test_size,
        stratify=labels,
        random_state=seed,
    )
    return DigitsSplit(
        x_train=np.ascontiguousarray(x_train),
        x_test=np.ascontiguousarray(x_test),
        y_train=y_train,
        y_test=y_test,
        test_size=float(test_size),
        seed=int(seed),
    )


# ----------------------------------------------------------------------------------------
# Encoding, hidden layer and read-out


@dataclass(frozen=True)
class Encoding:
    """Encoder settings that turn pixel intensities in [0, 1] into network inputs.

    Attributes
    ----------
    kind : {"current", "latency"}
        Constant current ``gain * x`` in every step, or one spike of height ``gain`` at
        step ``round((1 - x) * (n_steps - 1))``.
    n_steps : int
        Length of the simulated window in steps.
    gain : float
        Current per unit intensity, or the height of a latency spike.
    """

    kind: str = "current"
    n_steps: int = 20
    gain: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in ENCODINGS:
            raise ValueError(f"encoding kind must be one of {ENCODINGS}, got {self.kind!r}")
        if isinstance(self.n_steps, bool) or not isinstance(self.n_steps, (int, np.integer)):
            raise ValueError(f"n_steps must be an integer >= 1, got {self.n_steps!r}")
        if self.n_steps < 1:
            raise ValueError(f"n_steps must be an integer >= 1, got {self.n_steps!r}")
        check_positive_finite("gain", self.gain)

    def encode(self, x) -> np.ndarray:
        """Return the inputs of shape (B, n_steps, 64) for images ``x`` of shape (B, 64)."""
        if self.kind == "current":
            return encode_current(x, self.n_steps, self.gain)
        return encode_latency(x, self.n_steps, amplitude=self.gain)


def random_hidden_layer(
    n_hidden: int,
    max_spikes: int,
    *,
    reset: str = "leaky",
    tau_m: float | None = 10.0,
    threshold: float = 1.0,
    weight_scale: float = 0.125,
    bias_scale: float = 0.1,
    n_inputs: int = N_PIXELS,
    seed: int = 1,
) -> Layer:
    """Return a hidden layer with Gaussian random weights and biases.

    Weights are ``weight_scale * N(0, 1)`` and biases ``bias_scale * N(0, 1)``, drawn from
    two generators seeded by ``seed``. The rows are drawn one neuron after another, so the
    layer of ``n_hidden`` neurons is the first ``n_hidden`` neurons of any larger layer with
    the same seed: networks of different sizes share their neurons.

    Parameters
    ----------
    n_hidden : int
        Number of neurons, >= 1.
    max_spikes : int
        Spike budget ``N_s`` of every neuron (spike-count convention of
        :mod:`spikelib.network`).
    reset : {"leaky", "nonleaky"}
        Reset kind.
    tau_m : float or None
        Membrane time constant in steps; None gives the non-leaky IF neuron.
    threshold, weight_scale, bias_scale : float
        Threshold of every neuron and the scales of the random weights and biases.
    n_inputs : int
        Number of inputs (64 pixels).
    seed : int
        Seed of the weights and biases.
    """
    if isinstance(n_hidden, bool) or not isinstance(n_hidden, (int, np.integer)) or n_hidden < 1:
        raise ValueError(f"n_hidden must be an integer >= 1, got {n_hidden!r}")
    check_positive_finite("weight_scale", weight_scale)
    if not math.isfinite(bias_scale) or bias_scale < 0:
        raise ValueError(f"bias_scale must be a finite number >= 0, got {bias_scale!r}")

    weight_rng, bias_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    weights = weight_scale * weight_rng.standard_normal((n_hidden, n_inputs))
    bias = bias_scale * bias_rng.standard_normal(n_hidden)
    return Layer(
        weights=weights,
        threshold=threshold,
        max_spikes=check_budget("max_spikes", max_spikes),
        tau_m=tau_m,
        reset=check_reset(reset),
        bias=bias,
    )


def spike_features(counts: np.ndarray, readout_beta: float) -> np.ndarray:
    """Return what each hidden neuron contributes to a read-out potential at the final step.

    ``counts`` are per-step spike counts of shape (B, T, n). A spike at step ``s`` reaches the
    final step ``T - 1`` scaled by ``readout_beta ** (T - 1 - s)``; with ``readout_beta = 1``
    the feature is the spike total of the window.
    """
    n_steps = counts.shape[1]
    if readout_beta == 1.0:
        return counts.sum(axis=1).astype(np.float64)
    decay = readout_beta ** np.arange(n_steps - 1, -1, -1, dtype=np.float64)
    return np.einsum("btn,t->bn", counts, decay)


def fit_ridge_readout(
    features: np.ndarray,
    labels: np.ndarray,
    n_steps: int,
    *,
    alpha: float = 1.0,
    readout_tau_m: float | None = None,
    dt: float = 1.0,
) -> Readout:
    """Fit a ridge regression on one-hot targets and return it as a read-out layer.

    Parameters
    ----------
    features : array of shape (B, n)
        :func:`spike_features` of the hidden spikes of the training images.
    labels : int array of shape (B,)
        Classes 0..9.
    n_steps : int
        Window length; the intercept is spread over the steps as a constant bias current.
    alpha : float
        Ridge penalty (> 0).
    readout_tau_m : float or None
        Membrane time constant of the read-out; None makes it a perfect integrator.

    Returns
    -------
    Readout
        Its potentials at step ``n_steps - 1`` equal the ridge model's scores (up to
        float64 rounding).
    """
    from sklearn.linear_model import Ridge

    check_positive_finite("alpha", alpha)
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 1:
        raise ValueError(f"n_steps must be an integer >= 1, got {n_steps!r}")
    targets = np.eye(N_CLASSES)[labels]
    model = Ridge(alpha=alpha).fit(features, targets)

    beta = leak_factor(readout_tau_m, dt)
    if beta == 1.0:
        bias_steps = float(n_steps)
    else:
        bias_steps = (1.0 - beta**n_steps) / (1.0 - beta)
    return Readout(weights=model.coef_, bias=model.intercept_ / bias_steps, tau_m=readout_tau_m)


# ----------------------------------------------------------------------------------------
# Classifiers


@dataclass(frozen=True, eq=False)
class DigitsClassifier:
    """A spiking network with a read-out, and the encoding that feeds it.

    The network's read-out potentials at the final step are the class scores; the
    predicted digit is their argmax. The spike-count convention and the reset kind are
    those of ``network`` (see :mod:`spikelib.network`).
    """

    network: Network
    encoding: Encoding
    description: str = ""

    def run(self, x=None, *, inputs=None, record_counts: bool = False) -> RunResult:
        """Run the network on images ``x`` (B, 64), or on already encoded ``inputs``."""
        if inputs is None:
            inputs = self.encoding.encode(x)
        return run(self.network, inputs, record_counts=record_counts)

    def predict(self, x=None, *, inputs=None) -> np.ndarray:
        """Return the predicted digit of each image: argmax of the final read-out potentials."""
        return self.run(x, inputs=inputs).final_output.argmax(axis=1)


def train_classifier(
    split: DigitsSplit,
    n_hidden: int,
    max_spikes: int,
    *,
    encoding: Encoding | None = None,
    reset: str = "leaky",
    tau_m: float | None = 10.0,
    readout_tau_m: float | None = None,
    alpha: float = 1.0,
    seed: int = 1,
    train_inputs: np.ndarray | None = None,
    **layer_options,
) -> DigitsClassifier:
    """Build a random hidden layer and fit the read-out on the training images.

    Parameters
    ----------
    split : DigitsSplit
    n_hidden, max_spikes : int
        Hidden neurons and their spike budget ``N_s``.
    encoding : Encoding, optional
        Defaults to constant currents over 20 steps with gain 1.
    reset : {"leaky", "nonleaky"}
    tau_m : float or None
        Hidden membrane time constant in steps (None: non-leaky IF).
    readout_tau_m : float or None
        Read-out time constant (None: perfect integrator, features are spike totals).
    alpha : float
        Ridge penalty.
    seed : int
        Seed of the hidden weights.
    train_inputs : array, optional
        ``encoding.encode(split.x_train)``, passed in to skip encoding again.
    **layer_options
        Passed to :func:`random_hidden_layer` (threshold, weight_scale, bias_scale).
    """
    encoding = Encoding() if encoding is None else encoding
    if train_inputs is None:
        train_inputs = encoding.encode(split.x_train)

    hidden = random_hidden_layer(
        n_hidden, max_spikes, reset=reset, tau_m=tau_m, seed=seed, **layer_options
    )
    hidden_only = Network(layers=(hidden,))
    counts = run(hidden_only, train_inputs).counts[0]
    features = spike_features(counts, leak_factor(readout_tau_m, hidden_only.dt))
    readout = fit_ridge_readout(
        features,
        split.y_train,
        encoding.n_steps,
        alpha=alpha,
        readout_tau_m=readout_tau_m,
        dt=hidden_only.dt,
    )
    logger.info(
        "trained digits read-out: n_hidden=%d, max_spikes=%d, reset=%s, %.2f spikes per neuron",
        n_hidden,
        max_spikes,
        reset,
        float(features.mean()) if readout_tau_m is None else float(counts.sum(axis=1).mean()),
    )
    network = Network(layers=(hidden,), readout=readout)
    description = f"{n_hidden} hidden neurons, N_s = {max_spikes}, {reset} reset"
    return DigitsClassifier(network=network, encoding=encoding, description=description)


def convert_classifier(classifier: DigitsClassifier) -> DigitsClassifier:
    """Return the classifier with every multi-spike layer replaced by its threshold ladder.

    :func:`spikelib.to_single_spike` is exact for both reset kinds under the spike-count
    convention, so the read-out potentials, and hence the predictions, are unchanged.
    """
    converted = to_single_spike(classifier.network)
    n_neurons = converted.n_neurons
    return DigitsClassifier(
        network=converted,
        encoding=classifier.encoding,
        description=f"threshold ladder of ({classifier.description}): {n_neurons} neurons, N_s = 1",
    )


def emulate_classifier(classifier: DigitsClassifier, max_spikes: int) -> DigitsClassifier:
    """Return the single-spike classifier rebuilt from multi-spike neurons (Moebius cancellation).

    Each single-spike hidden neuron becomes ``Q(max_spikes)`` neurons of budget
    ``max_spikes`` (:func:`spikelib.to_multi_spike`); leaky-reset LIF neurons get a
    self-synapse that makes their reset non-leaky. The predictions are unchanged only where
    the exactness condition holds: every free drive of an original neuron stays below
    ``(max_spikes + 1) * theta``. That depends on the images, so check it with
    :func:`spikelib.check_multi_spike_exactness` on the inputs you use.
    """
    emulation = to_multi_spike(classifier.network, max_spikes)
    return DigitsClassifier(
        network=emulation,
        encoding=classifier.encoding,
        description=(
            f"Moebius emulation of ({classifier.description}) with N_s = {max_spikes}: "
            f"{emulation.n_neurons} neurons"
        ),
    )


def _class_arrays(predictions, labels) -> tuple[np.ndarray, np.ndarray]:
    """Return predictions and labels as int64 arrays after checking they pair up as digits.

    Both must be 1-D, non-empty, of equal length and hold whole numbers in
    ``[0, N_CLASSES - 1]``; numpy would otherwise broadcast unequal lengths and wrap
    negative classes to the last column without an error.
    """
    arrays = []
    for name, value in (("predictions", predictions), ("labels", labels)):
        array = np.asarray(value)
        if array.ndim != 1 or array.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D array, got shape {array.shape}")
        is_whole = np.issubdtype(array.dtype, np.number) and array.dtype != bool
        if not is_whole or np.any(array != np.round(array)):
            raise ValueError(f"{name} must contain whole class numbers, got dtype {array.dtype}")
        if np.any((array < 0) | (array >= N_CLASSES)):
            bad = array[(array < 0) | (array >= N_CLASSES)][0]
            raise ValueError(f"{name} must lie in [0, {N_CLASSES - 1}], got {bad!r}")
        arrays.append(array.astype(np.int64))
    if arrays[0].shape != arrays[1].shape:
        raise ValueError(
            f"predictions and labels must have the same length, got {arrays[0].size} and "
            f"{arrays[1].size}"
        )
    return arrays[0], arrays[1]


def accuracy(predictions: np.ndarray, labels: np.ndarray) -> float:
    """Return the fraction of correct predictions."""
    predicted, true = _class_arrays(predictions, labels)
    return float(np.mean(predicted == true))


def confusion_matrix(predictions: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Return the 10 x 10 matrix whose entry (i, j) counts images of digit i predicted as j."""
    predicted, true = _class_arrays(predictions, labels)
    matrix = np.zeros((N_CLASSES, N_CLASSES), np.int64)
    np.add.at(matrix, (true, predicted), 1)
    return matrix


# ----------------------------------------------------------------------------------------
# Cost


def decision_steps(output: np.ndarray) -> np.ndarray:
    """Return, per sample, the step from which the predicted class no longer changes.

    ``output`` contains the read-out potentials of every step, shape (B, T, n_out). The
    decision step is the first step ``t`` such that the argmax of the potentials equals its
    final value at every step from ``t`` to ``T - 1``; the decision is then available after
    ``t + 1`` steps.
    """
    winners = np.asarray(output).argmax(axis=2)
    n_steps = winners.shape[1]
    differs = winners != winners[:, -1:]
    # Last step at which the argmax differs from the final one; the decision follows it.
    last_different = np.where(differs.any(axis=1), n_steps - 1 - np.argmax(differs[:, ::-1], axis=1), -1)
    return last_different + 1


@dataclass(frozen=True)
class CostRow:
    """Cost of one network on a batch of images (means per image where stated)."""

    name: str
    neurons: int
    afferent_synapses: int
    efferent_synapses: int
    lateral_synapses: int
    self_synapses: int
    spikes_per_image: float
    synaptic_events_per_image: float
    decision_step: float


def cost_row(name: str, network: Network, result: RunResult) -> CostRow:
    """Count neurons, synapses, spikes, synaptic events and the mean decision step.

    Synapses are non-zero weights (:func:`spikelib.network_cost`): afferent synapses are
    those into the spiking layers, efferent synapses those out of them (into the next layer
    or the read-out), lateral synapses those inside a layer, and self-synapses those that
    :func:`spikelib.to_multi_spike` adds to make a leaky reset non-leaky. A synaptic event
    is one spike arriving at one efferent, lateral or self-synapse
    (:func:`spikelib.run_cost`). Input currents are not spikes and cause no events. ``result`` must be a batched run with a
    read-out; ``decision_step`` is the mean of :func:`decision_steps`.
    """
    if result.output is None or not result.batched:
        raise ValueError("result must be a batched run of a network with a read-out")
    structure = network_cost(network)
    activity = run_cost(network, result)
    return CostRow(
        name=name,
        neurons=structure.neurons,
        afferent_synapses=sum(layer.afferent_synapses for layer in structure.layers),
        efferent_synapses=sum(layer.efferent_synapses for layer in structure.layers),
        lateral_synapses=structure.lateral_synapses,
        self_synapses=structure.self_synapses,
        spikes_per_image=activity.spikes_per_sample,
        synaptic_events_per_image=activity.synaptic_events_per_sample,
        decision_step=float(decision_steps(result.output).mean()),
    )


COST_ENTRIES = (
    ("neurons", "neurons", "{:d}"),
    ("afferent synapses", "afferent_synapses", "{:d}"),
    ("efferent synapses", "efferent_synapses", "{:d}"),
    ("lateral synapses", "lateral_synapses", "{:d}"),
    ("self-synapses", "self_synapses", "{:d}"),
    ("spikes per image", "spikes_per_image", "{:.2f}"),
    ("synaptic events per image", "synaptic_events_per_image", "{:.1f}"),
    ("decision step (mean)", "decision_step", "{:.2f}"),
)


def cost_table_html(rows: Sequence[CostRow]) -> str:
    """Return the cost rows as an HTML table with one column per network.

    HTML, because myst-nb renders Markdown cell outputs as CommonMark, which has no tables.
    """
    header = "".join(f"<th>{html.escape(row.name)}</th>" for row in rows)
    lines = ["<table>", f"<thead><tr><th></th>{header}</tr></thead>", "<tbody>"]
    for label, attribute, template in COST_ENTRIES:
        cells = "".join(
            f'<td style="text-align:right">{template.format(getattr(row, attribute))}</td>'
            for row in rows
        )
        lines.append(f"<tr><td>{label}</td>{cells}</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------
# Cached experiment for the book chapter


@dataclass(frozen=True, eq=False)
class TrainedEntry:
    """A classifier with its run on the test images."""

    classifier: DigitsClassifier
    result: RunResult
    predictions: np.ndarray
    accuracy: float


@dataclass(eq=False)
class DigitsExperiment:
    """Trained classifiers and their conversions, cached per (hidden size, budget).

    The encoded training and test inputs are computed once. ``multi(n, N_s)`` trains the
    multi-spike classifier and runs it on the test images; ``single(n, N_s)`` converts it
    with the threshold ladder and runs the conversion. Both are kept, so a second request
    with the same arguments costs only a dictionary look-up.

    Parameters
    ----------
    split : DigitsSplit
    encoding : Encoding
    reset : {"leaky", "nonleaky"}
    tau_m : float or None
        Hidden membrane time constant in steps.
    alpha : float
        Ridge penalty.
    seed : int
        Seed of the hidden weights.
    """

    split: DigitsSplit
    encoding: Encoding = field(default_factory=Encoding)
    reset: str = "leaky"
    tau_m: float | None = 10.0
    alpha: float = 1.0
    seed: int = 1

    def __post_init__(self) -> None:
        check_reset(self.reset)
        self.train_inputs = self.encoding.encode(self.split.x_train)
        self.test_inputs = self.encoding.encode(self.split.x_test)
        self._multi: dict[tuple[int, int], TrainedEntry] = {}
        self._single: dict[tuple[int, int], TrainedEntry] = {}

    def _evaluate(self, classifier: DigitsClassifier) -> TrainedEntry:
        result = classifier.run(inputs=self.test_inputs)
        predictions = result.final_output.argmax(axis=1)
        return TrainedEntry(
            classifier=classifier,
            result=result,
            predictions=predictions,
            accuracy=accuracy(predictions, self.split.y_test),
        )

    def multi(self, n_hidden: int, max_spikes: int) -> TrainedEntry:
        """Return the multi-spike classifier with ``n_hidden`` neurons of budget ``max_spikes``."""
        key = (int(n_hidden), int(max_spikes))
        if key not in self._multi:
            classifier = train_classifier(
                self.split,
                n_hidden,
                max_spikes,
                encoding=self.encoding,
                reset=self.reset,
                tau_m=self.tau_m,
                alpha=self.alpha,
                seed=self.seed,
                train_inputs=self.train_inputs,
            )
            self._multi[key] = self._evaluate(classifier)
        return self._multi[key]

    def single(self, n_hidden: int, max_spikes: int) -> TrainedEntry:
        """Return the threshold-ladder conversion of ``multi(n_hidden, max_spikes)``."""
        key = (int(n_hidden), int(max_spikes))
        if key not in self._single:
            converted = convert_classifier(self.multi(n_hidden, max_spikes).classifier)
            self._single[key] = self._evaluate(converted)
        return self._single[key]

    def cost_rows(self, n_hidden: int, max_spikes: int) -> list[CostRow]:
        """Return the cost rows of the multi-spike classifier and of its conversion."""
        rows = []
        for name, entry in (
            (f"multi-spike (n = {n_hidden}, N_s = {max_spikes})", self.multi(n_hidden, max_spikes)),
            ("single-spike conversion", self.single(n_hidden, max_spikes)),
        ):
            rows.append(cost_row(name, entry.classifier.network, entry.result))
        return rows


# ----------------------------------------------------------------------------------------
# Figures


def draw_raster(
    ax, windows: np.ndarray, *, color: str = "#c0392b", group: int = 1, gap: int = 4
) -> None:
    """Draw the spike rasters of several runs side by side; marker area grows with the count.

    ``windows`` contains per-step counts of shape (E, T, n): run ``e`` is drawn at steps
    ``e * (T + gap)`` to ``e * (T + gap) + T - 1``. Steps with several spikes (the count
    convention) also get a label with the count. ``group`` > 1 shades every other block of
    ``group`` rows, which marks the ladder neurons that replace one multi-spike neuron.
    Only a few rows get a tick, so that redrawing stays fast; labelling hundreds of rows
    (as :func:`spikelib.plotting.plot_raster` does) costs about a second per figure.
    """
    n_runs, n_steps, n = windows.shape
    width = n_runs * (n_steps + gap) - gap
    if group > 1:
        for start in range(0, n, 2 * group):
            ax.axhspan(start - 0.5, start + group - 0.5, color="0.9", lw=0)

    runs, steps, neurons = np.nonzero(windows)
    step_counts = windows[runs, steps, neurons]
    x = runs * (n_steps + gap) + steps
    ax.scatter(x, neurons, s=12.0 * step_counts, c=color, marker="|", linewidths=1.5)
    for x_value, neuron, count in zip(x, neurons, step_counts):
        if count > 1:
            ax.annotate(
                str(count), (x_value, neuron), xytext=(3, 0), textcoords="offset points", fontsize=6
            )
    for run_index in range(1, n_runs):
        ax.axvline(run_index * (n_steps + gap) - gap / 2, color="0.5", lw=0.8)

    ax.set_yticks(np.arange(0, n, group * max(1, n // (4 * group))))
    ticks = [r * (n_steps + gap) + t for r in range(n_runs) for t in (0, n_steps - 1)]
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for _ in range(n_runs) for t in (0, n_steps - 1)])
    ax.set_xlim(-1, width)
    ax.set_ylim(n - 0.5, -0.5)


def draw_examples(
    fig,
    experiment: DigitsExperiment,
    n_hidden: int,
    max_spikes: int,
    examples: Sequence[int] = (0, 1, 2),
    shown_neurons: int = 16,
) -> dict:
    """Draw test digits with the hidden rasters of the multi-spike network and its ladder.

    Top row: the example images with their labels and both predictions. Middle: the raster
    of the first ``shown_neurons`` multi-spike neurons, one window per example. Bottom: the
    raster of their ``shown_neurons * N_s`` ladder neurons. The figure has one axes per
    example and two rasters only, because creating axes dominates the redraw time, and a
    figure that already holds exactly these axes (a
    :class:`~spikelib.widgets.LiveFigure` with ``reuse_axes=True``) is drawn into them
    instead of creating new ones. Returns the test accuracies of both
    networks, whether all their test predictions agree, and the seconds spent on training,
    conversion and simulation (cache look-ups included) as opposed to drawing.
    """
    start = time.perf_counter()
    multi = experiment.multi(n_hidden, max_spikes)
    single = experiment.single(n_hidden, max_spikes)
    examples = list(examples)
    inputs = experiment.test_inputs[examples]
    multi_counts = multi.classifier.run(inputs=inputs, record_counts=True).counts[0]
    single_counts = single.classifier.run(inputs=inputs, record_counts=True).counts[0]
    simulation_seconds = time.perf_counter() - start
    n_shown = min(shown_neurons, n_hidden)

    if len(fig.axes) != len(examples) + 2:
        fig.clear()
        grid = fig.add_gridspec(3, len(examples), height_ratios=[1.0, 1.6, 3.0])
        for column in range(len(examples)):
            fig.add_subplot(grid[0, column])
        fig.add_subplot(grid[1, :])
        fig.add_subplot(grid[2, :])
    *image_axes, multi_ax, single_ax = fig.axes
    images = experiment.split.test_images()
    for image_ax, index in zip(image_axes, examples):
        image_ax.imshow(images[index], cmap="gray_r", vmin=0, vmax=1)
        image_ax.set_xticks([])
        image_ax.set_yticks([])
        image_ax.set_title(
            f"digit {experiment.split.y_test[index]}: predicted "
            f"{multi.predictions[index]} (multi) and {single.predictions[index]} (ladder)",
            fontsize=8,
        )

    draw_raster(multi_ax, multi_counts[:, :, :n_shown])
    multi_ax.set_ylabel("neuron")
    kind = "multi-spike" if max_spikes > 1 else "single-spike (its ladder is itself)"
    multi_ax.set_title(
        f"{kind}, N_s = {max_spikes}: {n_hidden} neurons (first {n_shown} shown), "
        f"test accuracy {multi.accuracy:.1%}",
        fontsize=9,
    )

    draw_raster(
        single_ax, single_counts[:, :, : n_shown * max_spikes], color="#2c6fbb", group=max_spikes
    )
    single_ax.set_ylabel("ladder neuron")
    single_ax.set_xlabel("step, in each example's window")
    single_ax.set_title(
        f"single-spike ladder: {n_hidden * max_spikes} neurons "
        f"(first {n_shown * max_spikes} shown), test accuracy {single.accuracy:.1%}",
        fontsize=9,
    )

    # Fixed margins: tight_layout would measure every label again on each redraw.
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.08, top=0.94, hspace=0.45)
    return {
        "multi_accuracy": multi.accuracy,
        "single_accuracy": single.accuracy,
        "same_predictions": bool(np.array_equal(multi.predictions, single.predictions)),
        "simulation_seconds": simulation_seconds,
    }


def draw_confusion(ax, matrix: np.ndarray, title: str = "") -> None:
    """Draw a confusion matrix (rows: true digit, columns: predicted digit) with counts."""
    ax.imshow(matrix, cmap="Blues")
    for (i, j), value in np.ndenumerate(matrix):
        if value:
            color = "white" if value > matrix.max() / 2 else "black"
            ax.text(j, i, str(value), ha="center", va="center", fontsize=7, color=color)
    ax.set_xticks(range(N_CLASSES))
    ax.set_yticks(range(N_CLASSES))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    if title:
        ax.set_title(title, fontsize=9)


def accuracy_curves(
    experiment: DigitsExperiment,
    hidden_sizes: Sequence[int],
    budgets: Sequence[int],
) -> dict[int, dict[str, np.ndarray]]:
    """Return, per budget, neuron counts and test accuracies of the networks and conversions.

    For each budget ``N_s`` the result contains ``neurons`` (the hidden sizes), ``accuracy`` of
    the multi-spike networks, ``ladder_neurons`` (``N_s * n``) and ``ladder_accuracy`` of
    their threshold ladders (each computed by running the conversion).
    """
    curves: dict[int, dict[str, np.ndarray]] = {}
    for budget in budgets:
        multi = [experiment.multi(n, budget).accuracy for n in hidden_sizes]
        ladder = [experiment.single(n, budget).accuracy for n in hidden_sizes]
        curves[int(budget)] = {
            "neurons": np.asarray(hidden_sizes),
            "accuracy": np.asarray(multi),
            "ladder_neurons": np.asarray(hidden_sizes) * budget,
            "ladder_accuracy": np.asarray(ladder),
        }
    return curves


def draw_accuracy_curves(ax, curves: Mapping[int, Mapping[str, np.ndarray]]) -> None:
    """Plot accuracy against neuron count: multi-spike (solid) and ladders (dashed).

    Budget 1 is drawn as the single-spike networks trained directly (its ladder is itself).
    """
    colors = ["#444444", "#c0392b", "#2c6fbb", "#27ae60", "#8e44ad", "#d35400"]
    ticks = set()
    for index, (budget, curve) in enumerate(sorted(curves.items())):
        color = colors[index % len(colors)]
        if budget == 1:
            label = "N_s = 1: single-spike, trained directly"
        else:
            label = f"N_s = {budget}: multi-spike, n neurons"
        ax.plot(curve["neurons"], curve["accuracy"], "o-", color=color, label=label)
        ticks.update(int(v) for v in curve["neurons"])
        if budget > 1:
            ax.plot(
                curve["ladder_neurons"],
                curve["ladder_accuracy"],
                "s--",
                color=color,
                mfc="white",
                label=f"its ladder: N_s n = {budget} n single-spike neurons",
            )
            ticks.update(int(v) for v in curve["ladder_neurons"])
    ax.set_xscale("log", base=2)
    ax.set_xticks(sorted(ticks))
    ax.set_xticklabels([str(t) for t in sorted(ticks)])
    ax.minorticks_off()
    ax.set_xlabel("spiking neurons")
    ax.set_ylabel("test accuracy")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
