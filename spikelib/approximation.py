"""Function approximation with multi-spike networks and their single-spike conversions.

A network approximates a target ``f`` on ``[0, 1]^d`` in four steps. An input encoder turns
``x`` into per-step inputs (:func:`encode`). A hidden layer of spiking neurons with fixed
weights and biases responds (:func:`ramp_layer`, :func:`random_layer`). A read-out turns the
run into one feature per hidden neuron (:func:`readout_features`), and linear least squares
fits the read-out weights (:func:`fit_readout`). For the "potential" and "counts" read-outs
the fitted weights go into a :class:`~spikelib.network.Readout`, so the network's read-out
potential at the final step is the approximation itself.

:func:`convert_approximation` applies :func:`~spikelib.ladder.to_single_spike` to that
fitted network and keeps its read-out weights. The ladder copies each efferent weight onto
the ``N_s`` ladder neurons, and nothing is refitted. Because the threshold ladder is exact, the
converted network has the same output for every input and therefore the same error on
every test set. :func:`approximate_target` and :func:`sweep` check this on every network
they build and raise :class:`ConversionMismatchError` (or warn, on request) when it fails.

Model conventions: the spike-count convention of :mod:`spikelib.network` (all threshold
crossings of a step fire in that step, at most ``N_s`` spikes per neuron) and either reset
kind. With ``tau_m=None`` the neurons are non-leaky (``beta = 1``) and the two reset kinds
coincide. A non-leaky neuron driven by the constant current ``a x + b`` for ``T`` steps emits
``min(N_s, floor(max(0, a x + b) T / theta))`` spikes, a quantised ReLU; the structured
layer of :func:`ramp_layer` places these staircases so that their steps cover ``[0, 1]``.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from .check import outputs_agree
from .cost import network_cost, run_cost
from .encoders import encode_current, encode_latency
from .ladder import ladder_index, to_single_spike
from .network import Layer, Network, Readout, leak_factor
from .simulate import RunResult, run
from .targets import Target, check_points, get_target, midpoint_grid, training_points
from .validation import check_budget, check_positive_finite, check_reset, finite_array

logger = logging.getLogger(__name__)

ENCODERS = ("current", "latency")
READOUT_KINDS = ("potential", "counts", "first_spike")
LAYER_KINDS = ("ramp", "random")
MISMATCH_ACTIONS = ("raise", "warn")
DEFAULT_STEPS = {"current": 16, "latency": 257}
ERROR_RTOL = 1e-12
# Points per simulator call are limited so that the per-step counts of one call, an array
# of shape (points, T, neurons), stay near this many entries (about 32 MB as float64).
CHUNK_ENTRIES = 2**22


class ConversionMismatchError(RuntimeError):
    """A converted network gave other outputs or errors than the network it came from."""


class ConversionMismatchWarning(UserWarning):
    """Warning category for a conversion mismatch when ``on_mismatch="warn"``."""


def _check_choice(name: str, value, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def _check_int(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_tau(name: str, value) -> float | None:
    return None if value is None else check_positive_finite(name, value)


def _steps_for(encoder: str, n_steps) -> int:
    if n_steps is None:
        return DEFAULT_STEPS[encoder]
    minimum = 2 if encoder == "latency" else 1
    return _check_int("n_steps", n_steps, minimum)


def drive_gain(tau_m: float | None, n_steps: int, dt: float = 1.0) -> float:
    """Return ``sum_{k < T} beta**k``: the free drive after ``T`` steps of a unit current.

    With ``beta = exp(-dt / tau_m)``, or ``T`` for a non-leaky neuron.
    """
    tau_m = _check_tau("tau_m", tau_m)
    n_steps = _check_int("n_steps", n_steps, 0)
    beta = leak_factor(tau_m, check_positive_finite("dt", dt))
    if beta == 1.0:
        return float(n_steps)
    return (1.0 - beta**n_steps) / (1.0 - beta)


def encode(x, encoder: str, n_steps: int) -> np.ndarray:
    """Encode points ``x`` in ``[0, 1]^d`` (shape (B, d)) as network inputs of shape (B, T, d).

    ``"current"`` applies the current ``x_j`` to input ``j`` in every step; ``"latency"`` sends
    one spike of height 1 at step ``round((1 - x_j) (T - 1))`` (see :mod:`spikelib.encoders`).
    """
    encoder = _check_choice("encoder", encoder, ENCODERS)
    points = finite_array("x", x)
    dim = points.shape[1] if points.ndim == 2 else 1
    points = check_points(points, dim)
    n_steps = _steps_for(encoder, n_steps)
    if encoder == "current":
        return encode_current(points, n_steps)
    return encode_latency(points, n_steps)


def _chunks(points: np.ndarray, network: Network, n_steps: int):
    """Yield consecutive slices of ``points`` small enough for one simulator call."""
    widest = max(max(layer.n for layer in network.layers), network.n_outputs)
    size = max(1, CHUNK_ENTRIES // (n_steps * widest))
    for start in range(0, points.shape[0], size):
        yield points[start : start + size]


def _latency_ramp(starts: np.ndarray, rate: float, t_in: int) -> tuple[np.ndarray, np.ndarray]:
    """Return input weights (n, 1) and biases (n,) of latency-coded ramps that start at ``starts``.

    The input spike arrives at step s = round((1 - x) t_in), and the negative bias has pulled
    the potential down by rate * (s + 1) by then. So the peak potential
    weight - rate * (s + 1) grows by one threshold for every threshold / rate steps of s.
    """
    weights = (rate * ((1.0 - starts) * t_in + 1.5))[:, None]
    bias = np.full(starts.shape[0], -rate)
    return weights, bias


def ramp_layer(
    n: int,
    max_spikes: int,
    *,
    encoder: str = "current",
    n_steps: int | None = None,
    tau_m: float | None = None,
    reset: str = "leaky",
    threshold: float = 1.0,
) -> Layer:
    """Return a structured 1-D hidden layer of ``n`` staircases whose steps cover ``[0, 1]``.

    Neuron ``i`` (0-based) is silent below ``c_i = i N_s h`` and gains one spike each time
    ``x`` passes ``c_i + k h``, ``k = 1 .. N_s``, with ``h = 1 / (n N_s + 1)``. All ``n N_s``
    steps together sit on the uniform grid ``j / (n N_s + 1)``, ``j = 1 .. n N_s``; the
    threshold ladder of neuron ``i`` has its Heaviside steps exactly there.

    The placement is exact for non-leaky neurons, and for leaky neurons with non-leaky
    reset under the current encoder (the drive is scaled by :func:`drive_gain`). Under the
    latency encoder a step falls between two latency levels, so its position is exact only
    to ``1 / (T - 1)``. With a leaky membrane and latency coding, or with leaky reset, the
    steps move (leaky reset lets a neuron fire more spikes for the same drive), but the
    staircase stays monotone in ``x``. ``tau_m`` is in steps: the placement assumes a
    network with ``dt = 1``.

    Spike-count convention: counts per step as in :mod:`spikelib.network`; the layer uses
    the given ``reset`` kind.
    """
    n = _check_int("n", n, 1)
    max_spikes = check_budget("max_spikes", max_spikes)
    encoder = _check_choice("encoder", encoder, ENCODERS)
    n_steps = _steps_for(encoder, n_steps)
    tau_m = _check_tau("tau_m", tau_m)
    reset = check_reset(reset)
    threshold = check_positive_finite("threshold", threshold)

    h = 1.0 / (n * max_spikes + 1)
    starts = np.arange(n) * max_spikes * h

    if encoder == "current":
        slope = threshold / (drive_gain(tau_m, n_steps) * h)
        weights = np.full((n, 1), slope)
        bias = -slope * starts
    else:
        t_in = n_steps - 1
        weights, bias = _latency_ramp(starts, threshold / (h * t_in), t_in)

    return Layer(
        weights=weights,
        threshold=threshold,
        max_spikes=max_spikes,
        tau_m=tau_m,
        reset=reset,
        bias=bias,
    )


def random_layer(
    n: int,
    max_spikes: int,
    dim: int,
    *,
    encoder: str = "current",
    n_steps: int | None = None,
    tau_m: float | None = None,
    reset: str = "leaky",
    threshold: float = 1.0,
    width: float = 0.5,
    seed: int = 0,
) -> Layer:
    """Return a hidden layer of ``n`` neurons with random ramps on ``[0, 1]^dim``.

    Current encoder: neuron ``i`` has a random unit direction ``u_i`` and a random start
    ``c_i``; its drive per step is proportional to ``u_i . x - c_i``, scaled so that ``N_s``
    spikes are reached after ``width`` times the range of ``u_i . x`` on the cube (exactly
    so for non-leaky reset). Latency encoder: the input weights are a random convex
    combination scaled like the 1-D latency ramp of :func:`ramp_layer`, with a negative
    bias. The peak potential is reached at one of the input spikes, so it is a piecewise
    linear function of the spike steps rather than a ramp along one direction of ``x``.
    As in :func:`ramp_layer`, ``tau_m`` is in steps (a network with ``dt = 1``).

    Spike-count convention: counts per step as in :mod:`spikelib.network`; the layer uses
    the given ``reset`` kind.
    """
    n = _check_int("n", n, 1)
    max_spikes = check_budget("max_spikes", max_spikes)
    dim = _check_int("dim", dim, 1)
    encoder = _check_choice("encoder", encoder, ENCODERS)
    n_steps = _steps_for(encoder, n_steps)
    tau_m = _check_tau("tau_m", tau_m)
    reset = check_reset(reset)
    threshold = check_positive_finite("threshold", threshold)
    width = check_positive_finite("width", width)
    seed = _check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)

    if encoder == "current":
        directions = rng.normal(size=(n, dim))
        directions /= np.linalg.norm(directions, axis=1, keepdims=True)
        low = np.minimum(directions, 0.0).sum(axis=1)
        high = np.maximum(directions, 0.0).sum(axis=1)
        ramp = width * (high - low)
        starts = rng.uniform(low - ramp, high)
        slope = max_spikes * threshold / (drive_gain(tau_m, n_steps) * ramp)
        weights = slope[:, None] * directions
        bias = -slope * starts
    else:
        mix = rng.uniform(0.0, 1.0, size=(n, dim))
        mix /= mix.sum(axis=1, keepdims=True)
        starts = rng.uniform(-width, 1.0, size=n)
        t_in = n_steps - 1
        weights, bias = _latency_ramp(starts, max_spikes * threshold / (width * t_in), t_in)
        weights = weights * mix

    return Layer(
        weights=weights,
        threshold=threshold,
        max_spikes=max_spikes,
        tau_m=tau_m,
        reset=reset,
        bias=bias,
    )


def readout_features(result: RunResult, kind: str) -> np.ndarray:
    """Return the read-out features of a run, shape (B, n) (one column per neuron).

    Parameters
    ----------
    result : RunResult
        A run of the hidden network. For ``kind="potential"`` the network must have had a
        read-out (one read-out neuron per feature, usually the identity on the last layer).
    kind : {"potential", "counts", "first_spike"}
        ``"potential"``: read-out potentials at the final step. ``"counts"``: spikes per
        neuron of the last spiking layer over the run. ``"first_spike"``: the step of each
        neuron's first spike in the last spiking layer.

    Notes
    -----
    A neuron that never fired gets the first-spike step ``T`` (the number of simulated
    steps), as if it fired one step after the window closed. This keeps the feature
    finite for least squares and monotone in the drive, since a weaker drive means a later
    spike. It is also the same in a network and its threshold ladder, because the first
    ladder neuron fires exactly when the original neuron does.
    """
    kind = _check_choice("kind", kind, READOUT_KINDS)
    if not isinstance(result, RunResult):
        raise ValueError(f"result must be a RunResult, got {type(result).__name__}")

    if kind == "potential":
        if result.output is None:
            raise ValueError(
                "result has no read-out potentials; kind='potential' needs a run of a "
                "network with a read-out"
            )
        features = result.final_output
    elif kind == "counts":
        features = result.spike_totals[-1].astype(np.float64)
    else:
        steps = result.first_spike[-1]
        features = np.where(steps < 0, result.n_steps, steps).astype(np.float64)
    return features if result.batched else features[None]


@dataclass(frozen=True, eq=False)
class Approximation:
    """A network with fitted read-out weights, and how to feed it and read it.

    Attributes
    ----------
    network : Network
        Hidden layers plus, for the "potential" and "counts" read-outs, the fitted
        :class:`~spikelib.network.Readout`; its potential at the final step is the output.
        For "first_spike" the network has no read-out.
    kind : str
        Read-out kind, one of :data:`READOUT_KINDS`.
    encoder : str
        Input encoder, one of :data:`ENCODERS`.
    n_steps : int
        Simulated steps ``T``.
    decoder_weights : array of shape (n_last,) or None
        For "first_spike" only: the fitted weight of each neuron's first-spike step. A
        read-out neuron integrates spikes, and a first-spike step is not a linear function
        of the spike train, so this weighted sum is computed after the run, outside the
        network.
    decoder_intercept : float
        For "first_spike" only: the fitted constant.
    """

    network: Network
    kind: str
    encoder: str
    n_steps: int
    decoder_weights: np.ndarray | None = None
    decoder_intercept: float = 0.0

    def run(self, x) -> RunResult:
        """Encode ``x`` (shape (B, d)) and simulate the network on it in one call.

        The simulator keeps per-step counts of shape (B, T, n) for every layer, so a large
        batch needs a lot of memory; :meth:`evaluate` splits it.
        """
        return run(self.network, encode(x, self.encoder, self.n_steps), record_counts=False)

    def output(self, result: RunResult) -> np.ndarray:
        """Return the approximation, shape (B,), from a run of :attr:`network`."""
        if self.kind == "first_spike":
            features = readout_features(result, "first_spike")
            return features @ self.decoder_weights + self.decoder_intercept
        final = result.final_output
        return final[:, 0] if result.batched else final[None, 0]

    def predict(self, x) -> np.ndarray:
        """Return the approximation at the points ``x``, shape (B,)."""
        return self.evaluate(x)[0]

    def evaluate(self, x) -> tuple[np.ndarray, float]:
        """Return the approximation at ``x`` and the mean number of hidden spikes per point.

        The points are simulated in chunks of about :data:`CHUNK_ENTRIES` count entries
        (at least one point per chunk).
        """
        points = check_points(x, self.network.n_inputs)
        outputs = []
        spikes = 0.0
        for chunk in _chunks(points, self.network, self.n_steps):
            result = self.run(chunk)
            outputs.append(self.output(result))
            spikes += run_cost(self.network, result).spikes_per_sample * chunk.shape[0]
        return np.concatenate(outputs), spikes / points.shape[0]


def _hidden_layers(hidden) -> tuple[tuple[Layer, ...], float]:
    if isinstance(hidden, Layer):
        return (hidden,), 1.0
    if isinstance(hidden, Network):
        if hidden.readout is not None:
            raise ValueError("hidden must be a network without read-out; fit_readout adds one")
        return hidden.layers, hidden.dt
    raise ValueError(f"hidden must be a Layer or a Network, got {type(hidden).__name__}")


def fit_readout(
    hidden,
    x,
    y,
    *,
    encoder: str = "current",
    n_steps: int | None = None,
    kind: str = "counts",
    readout_tau_m: float | None = None,
) -> Approximation:
    """Fit read-out weights by linear least squares and return the fitted network.

    Parameters
    ----------
    hidden : Layer or Network
        The hidden layers with fixed weights (a Network must have no read-out).
    x : array of shape (B, d)
        Training points in ``[0, 1]^d``.
    y : array of shape (B,)
        Target values at ``x``.
    encoder : {"current", "latency"}
    n_steps : int, optional
        Simulated steps ``T``; defaults to :data:`DEFAULT_STEPS` of the encoder.
    kind : {"potential", "counts", "first_spike"}
        Which read-out the weights act on (see :func:`readout_features`).
    readout_tau_m : float, optional
        Membrane time constant of the read-out neuron for ``kind="potential"`` (None: a
        perfect integrator, which makes "potential" equal to "counts"). Must be None for
        the other kinds.

    Returns
    -------
    Approximation
        For "potential" and "counts" the read-out weight of neuron ``i`` is the fitted
        coefficient ``w_i`` and the read-out bias is the fitted constant divided by
        :func:`drive_gain` of the read-out, since the bias is added in every step. The
        network's read-out potential at the final step then equals the least-squares fit.

    Notes
    -----
    The fit minimises ``sum_b (c + sum_i w_i F_bi - y_b)^2`` over ``w`` and ``c`` with
    :func:`numpy.linalg.lstsq`, where ``F`` are the features of the training run.
    """
    layers, dt = _hidden_layers(hidden)
    encoder = _check_choice("encoder", encoder, ENCODERS)
    n_steps = _steps_for(encoder, n_steps)
    kind = _check_choice("kind", kind, READOUT_KINDS)
    readout_tau_m = _check_tau("readout_tau_m", readout_tau_m)
    if readout_tau_m is not None and kind != "potential":
        raise ValueError(
            f"readout_tau_m applies to kind='potential' only, got readout_tau_m={readout_tau_m!r} "
            f"with kind={kind!r}"
        )
    points = check_points(x, layers[0].n_in)
    values = np.asarray(y, dtype=np.float64)
    if values.shape != (points.shape[0],):
        raise ValueError(f"y must have shape ({points.shape[0]},) to match x, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("y must contain only finite numbers")

    n_last = layers[-1].n
    probe_readout = None
    if kind == "potential":
        probe_readout = Readout(weights=np.eye(n_last), tau_m=readout_tau_m)
    probe = Network(layers=layers, readout=probe_readout, dt=dt)
    features = np.concatenate(
        [
            readout_features(run(probe, encode(chunk, encoder, n_steps), record_counts=False), kind)
            for chunk in _chunks(points, probe, n_steps)
        ]
    )

    design = np.hstack([features, np.ones((features.shape[0], 1))])
    coefficients, *_ = np.linalg.lstsq(design, values, rcond=None)
    weights, intercept = coefficients[:-1], float(coefficients[-1])

    if kind == "first_spike":
        return Approximation(
            network=Network(layers=layers, dt=dt),
            kind=kind,
            encoder=encoder,
            n_steps=n_steps,
            decoder_weights=weights,
            decoder_intercept=intercept,
        )

    tau = readout_tau_m if kind == "potential" else None
    readout = Readout(
        weights=weights[None, :], bias=intercept / drive_gain(tau, n_steps, dt), tau_m=tau
    )
    return Approximation(
        network=Network(layers=layers, readout=readout, dt=dt),
        kind=kind,
        encoder=encoder,
        n_steps=n_steps,
    )


def convert_approximation(approximation: Approximation) -> Approximation:
    """Return the single-spike version of a fitted network, with its read-out weights kept.

    The network goes through :func:`~spikelib.ladder.to_single_spike`, which copies each
    read-out weight ``w_i`` onto the ``N_s`` ladder neurons of neuron ``i``; nothing is
    refitted. For "first_spike" the decoder weight ``w_i`` moves to the first ladder neuron
    of neuron ``i`` (it fires at the original neuron's first spike) and the other ladder
    neurons get weight 0. The conversion is exact for both reset kinds under the
    spike-count convention of :mod:`spikelib.network`.
    """
    if not isinstance(approximation, Approximation):
        raise ValueError(f"approximation must be an Approximation, got {type(approximation).__name__}")
    converted = to_single_spike(approximation.network)
    decoder = None
    if approximation.kind == "first_spike":
        last = approximation.network.layers[-1]
        budget = last.max_spikes
        decoder = np.zeros(last.n * budget)
        for neuron in range(last.n):
            decoder[ladder_index(neuron, 1, budget)] = approximation.decoder_weights[neuron]
    return Approximation(
        network=converted,
        kind=approximation.kind,
        encoder=approximation.encoder,
        n_steps=approximation.n_steps,
        decoder_weights=decoder,
        decoder_intercept=approximation.decoder_intercept,
    )


def approximation_errors(prediction, y) -> tuple[float, float]:
    """Return the sup-norm and L2 errors ``(max |p - y|, sqrt(mean (p - y)^2))`` on a point set.

    On the uniform grid of :func:`~spikelib.targets.midpoint_grid` the second is the midpoint
    rule for the L2 norm on ``[0, 1]^d``.
    """
    prediction = np.asarray(prediction, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if prediction.shape != y.shape or prediction.ndim != 1:
        raise ValueError(
            f"prediction and y must be 1-D arrays of one shape, got {prediction.shape} and {y.shape}"
        )
    difference = prediction - y
    return float(np.max(np.abs(difference))), float(np.sqrt(np.mean(difference**2)))


def errors_agree(first: float, second: float, rtol: float = ERROR_RTOL) -> bool:
    """Return whether two errors agree to ``rtol`` relative (exactly, when one is 0)."""
    return abs(first - second) <= rtol * max(abs(first), abs(second))


@dataclass(frozen=True, eq=False)
class ApproximationRun:
    """A fitted multi-spike network, its single-spike conversion, and both on a test grid.

    ``output`` and ``single_output`` are the two networks' outputs at ``x_test``;
    ``errors`` and ``single_errors`` are (sup, L2) pairs; ``spikes`` and ``single_spikes``
    are the mean spikes per test point of the hidden layers; ``agree`` says whether outputs
    agree to 1e-12 relative and both errors to :data:`ERROR_RTOL` relative.
    """

    target: Target
    approximation: Approximation
    single: Approximation
    x_test: np.ndarray
    y_test: np.ndarray
    output: np.ndarray
    single_output: np.ndarray
    errors: tuple[float, float]
    single_errors: tuple[float, float]
    spikes: float
    single_spikes: float
    agree: bool
    max_output_difference: float


def _report_mismatch(message: str, on_mismatch: str) -> None:
    logger.error(message)
    if on_mismatch == "raise":
        raise ConversionMismatchError(message)
    warnings.warn(message, ConversionMismatchWarning, stacklevel=3)


def approximate_target(
    target,
    n: int,
    max_spikes: int,
    *,
    encoder: str = "current",
    reset: str = "leaky",
    tau_m: float | None = None,
    kind: str = "counts",
    readout_tau_m: float | None = None,
    layer: str | None = None,
    n_steps: int | None = None,
    n_train: int | None = None,
    grid_size: int | None = None,
    seed: int = 0,
    on_mismatch: str = "raise",
) -> ApproximationRun:
    """Fit a multi-spike network to ``target``, convert it, and measure both on a test grid.

    Parameters
    ----------
    target : str or Target
        A key of :data:`~spikelib.targets.TARGETS` or a :class:`~spikelib.targets.Target`.
    n, max_spikes : int
        Hidden neurons and their spike budget ``N_s``.
    encoder, reset, tau_m, kind, readout_tau_m, n_steps
        As in :func:`ramp_layer` and :func:`fit_readout`. With ``tau_m=None`` the neurons
        are non-leaky and both reset kinds behave the same.
    layer : {"ramp", "random"}, optional
        Hidden layer (:func:`ramp_layer` needs a 1-D target); default "ramp" in 1-D,
        "random" otherwise. The random layer is drawn with ``seed``.
    n_train : int, optional
        Training points drawn uniformly with ``seed``; default the larger of 256 per input
        dimension and ``4 n N_s``, so that every step of the staircases sees several points.
    grid_size : int, optional
        Test grid points per axis (:func:`~spikelib.targets.midpoint_grid`); default 400 in
        1-D and 40 in 2-D or more.
    seed : int
        Seed of the training points and of the random layer.
    on_mismatch : {"raise", "warn"}
        What to do when the converted network's outputs or errors differ from the
        original's: raise :class:`ConversionMismatchError`, or warn with
        :class:`ConversionMismatchWarning` and return ``agree=False``. Both log an error.
    """
    if not isinstance(target, Target):
        target = get_target(target)
    n = _check_int("n", n, 1)
    max_spikes = check_budget("max_spikes", max_spikes)
    encoder = _check_choice("encoder", encoder, ENCODERS)
    reset = check_reset(reset)
    kind = _check_choice("kind", kind, READOUT_KINDS)
    on_mismatch = _check_choice("on_mismatch", on_mismatch, MISMATCH_ACTIONS)
    seed = _check_int("seed", seed, 0)
    n_steps = _steps_for(encoder, n_steps)
    if layer is None:
        layer = "ramp" if target.dim == 1 else "random"
    layer = _check_choice("layer", layer, LAYER_KINDS)
    if layer == "ramp" and target.dim != 1:
        raise ValueError(f"layer='ramp' needs a 1-D target, got target {target.name!r} of dim {target.dim}")
    if n_train is None:
        n_train = max(256 * target.dim, 4 * n * max_spikes)
    n_train = _check_int("n_train", n_train, 1)
    if grid_size is None:
        grid_size = 400 if target.dim == 1 else 40
    grid_size = _check_int("grid_size", grid_size, 1)

    common = dict(encoder=encoder, n_steps=n_steps, tau_m=tau_m, reset=reset)
    if layer == "ramp":
        hidden = ramp_layer(n, max_spikes, **common)
    else:
        hidden = random_layer(n, max_spikes, target.dim, seed=seed, **common)

    x_train = training_points(target.dim, n_train, seed)
    approximation = fit_readout(
        hidden,
        x_train,
        target(x_train),
        encoder=encoder,
        n_steps=n_steps,
        kind=kind,
        readout_tau_m=readout_tau_m,
    )
    single = convert_approximation(approximation)

    x_test = midpoint_grid(target.dim, grid_size)
    y_test = target(x_test)
    output, spikes = approximation.evaluate(x_test)
    single_output, single_spikes = single.evaluate(x_test)
    errors = approximation_errors(output, y_test)
    single_errors = approximation_errors(single_output, y_test)

    difference = float(np.max(np.abs(output - single_output)))
    agree = (
        outputs_agree(output, single_output)
        and errors_agree(errors[0], single_errors[0])
        and errors_agree(errors[1], single_errors[1])
    )
    if not agree:
        _report_mismatch(
            f"the single-spike conversion of a network with n={n}, max_spikes={max_spikes} "
            f"(target {target.name!r}, encoder {encoder!r}, reset {reset!r}, kind {kind!r}) "
            f"changed the output by up to {difference:.3e}: errors (sup, L2) {errors} before "
            f"and {single_errors} after",
            on_mismatch,
        )

    return ApproximationRun(
        target=target,
        approximation=approximation,
        single=single,
        x_test=x_test,
        y_test=y_test,
        output=output,
        single_output=single_output,
        errors=errors,
        single_errors=single_errors,
        spikes=spikes,
        single_spikes=single_spikes,
        agree=agree,
        max_output_difference=difference,
    )


def sweep(
    target,
    ns,
    budgets,
    *,
    progress: bool = False,
    **options,
) -> list[dict]:
    """Run :func:`approximate_target` for every hidden size in ``ns`` and budget in ``budgets``.

    Parameters
    ----------
    target : str or Target
    ns : sequence of int
        Hidden sizes ``n``.
    budgets : sequence of int
        Spike budgets ``N_s``.
    progress : bool
        Show a tqdm progress bar.
    **options
        Passed on to :func:`approximate_target` (encoder, reset, tau_m, kind, seed,
        on_mismatch, ...). Every row uses the same seed, so the table is reproducible.

    Returns
    -------
    list of dict
        One row per ``(n, N_s)``, in the order of ``ns`` then ``budgets``, with the keys
        ``target, encoder, reset, kind, n, max_spikes, neurons, synapses, spikes,
        sup_error, l2_error`` for the multi-spike network, ``single_neurons,
        single_synapses, single_spikes, single_sup_error, single_l2_error`` for its
        conversion, and ``agree`` and ``max_output_difference`` for the comparison.
        ``spikes`` are mean spikes per test point in the hidden layers; ``synapses`` count
        non-zero weights including lateral and read-out synapses.
    """
    ns = [_check_int("ns entries", value, 1) for value in _non_empty("ns", ns)]
    budgets = [check_budget("budgets entries", value) for value in _non_empty("budgets", budgets)]
    if not isinstance(target, Target):
        target = get_target(target)

    rows = []
    pairs = [(n, budget) for n in ns for budget in budgets]
    for n, budget in tqdm(pairs, desc=f"sweep {target.name}", disable=not progress):
        outcome = approximate_target(target, n, budget, **options)
        cost = network_cost(outcome.approximation.network)
        single_cost = network_cost(outcome.single.network)
        rows.append(
            {
                "target": target.name,
                "encoder": outcome.approximation.encoder,
                "reset": outcome.approximation.network.layers[0].reset,
                "kind": outcome.approximation.kind,
                "n": n,
                "max_spikes": budget,
                "neurons": cost.neurons,
                "synapses": cost.synapses,
                "spikes": outcome.spikes,
                "sup_error": outcome.errors[0],
                "l2_error": outcome.errors[1],
                "single_neurons": single_cost.neurons,
                "single_synapses": single_cost.synapses,
                "single_spikes": outcome.single_spikes,
                "single_sup_error": outcome.single_errors[0],
                "single_l2_error": outcome.single_errors[1],
                "agree": outcome.agree,
                "max_output_difference": outcome.max_output_difference,
            }
        )
        logger.info(
            "sweep %s: n=%d, N_s=%d, sup error %.4g, L2 error %.4g, conversion agrees: %s",
            target.name, n, budget, outcome.errors[0], outcome.errors[1], outcome.agree,
        )
    return rows


def _non_empty(name: str, values) -> list:
    values = list(np.atleast_1d(values))
    if not values:
        raise ValueError(f"{name} must contain at least one value, got an empty sequence")
    return values


def column(rows: list[dict], key: str) -> np.ndarray:
    """Return one column of a sweep table as a numpy array."""
    if not rows:
        raise ValueError("rows must contain at least one row, got an empty list")
    if key not in rows[0]:
        raise ValueError(f"key must be one of {tuple(rows[0])}, got {key!r}")
    return np.array([row[key] for row in rows])


def format_table(rows: list[dict], keys) -> str:
    """Return the given columns of a sweep table as aligned plain text (floats to 4 digits)."""
    keys = list(keys)
    for key in keys:
        column(rows, key)

    def cell(value) -> str:
        if isinstance(value, (float, np.floating)):
            return f"{value:.4g}"
        return str(value)

    cells = [[cell(row[key]) for key in keys] for row in rows]
    widths = [max(len(key), *(len(line[i]) for line in cells)) for i, key in enumerate(keys)]
    lines = ["  ".join(key.rjust(w) for key, w in zip(keys, widths))]
    lines += ["  ".join(text.rjust(w) for text, w in zip(line, widths)) for line in cells]
    return "\n".join(lines)
