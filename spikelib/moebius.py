"""Single-spike to multi-spike: Moebius cancellation, and the check of its exactness condition.

A single-spike neuron ``S`` (threshold ``theta``, free drive ``V``) is replaced by
multi-spike neurons ``M_d``, one for each squarefree ``d <= N_s``. ``M_d`` receives the
afferent synapses and the bias of ``S`` and has threshold ``d * theta`` and budget
``N_s``. Every efferent synapse of ``S`` (weight ``w``, delay ``k``) becomes a synapse of
``M_d`` with weight ``mu(d) * w`` and the same delay, where ``mu`` is the Moebius function.

Why it works (non-leaky reset, spike-count convention of :mod:`spikelib.network`): once
the running maximum of ``V`` has reached level ``L * theta`` (``L`` a whole number), ``M_d``
has fired ``floor(L / d)`` spikes, and ``sum_{d <= L} mu(d) * floor(L / d) = 1`` for every
``L >= 1``. So in every step the ``mu``-weighted spike counts of the ``M_d`` add up to the
spike count of ``S``, and every downstream input is unchanged.

Exactness condition: the free drive of ``S`` (its potential if it never fired) stays below
``(N_s + 1) * theta`` during the whole run. Beyond that ``M_1`` runs out of budget and the
sum no longer cancels. The condition depends on the inputs, so
:func:`check_multi_spike_exactness` measures it on given inputs instead of assuming it.

Leaky reset (LIF neuron, ``rho[n] = beta**n``): ``M_d`` would not fire at the level
crossings of ``V``, because its subtracted thresholds decay. Each emulating neuron gets a
self-synapse of weight ``-d * theta`` and kernel ``1 - rho``. The leaky reset plus that
self-synapse subtract ``d * theta`` times the spike count, with no decay, which is non-leaky
reset. So :func:`to_multi_spike` builds such layers with ``reset="nonleaky"`` and
``reset_self_synapses=True``, which makes :func:`spikelib.network_cost` count one
self-synapse per emulating neuron. The simulation is exact, not an approximation.
Limitation: a non-leaky-reset layer has no lateral input (its kernel ``1 - rho`` is 0), so
a leaky-reset LIF layer with lateral synapses, such as the threshold ladder of a leaky
multi-spike layer, is rejected with ``ValueError`` for budgets above 1.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .ladder import check_dense_size, require_network
from .network import Layer, Network, Readout
from .numbertheory import MAX_SIEVE, mobius, squarefree_numbers
from .simulate import RunResult, run
from .validation import check_budget, check_positive_finite

logger = logging.getLogger(__name__)

OUTPUT_RTOL = 1e-12
"""Relative tolerance (to the largest output magnitude) for read-out potentials to agree."""

ON_VIOLATION = ("ignore", "warn", "raise")


class MultiSpikeExactnessWarning(UserWarning):
    """Warning: a Moebius conversion was not exact on the inputs it was checked on."""


class MultiSpikeExactnessError(ValueError):
    """Error: a Moebius conversion was not exact on the inputs it was checked on."""


def moebius_terms(max_spikes: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the squarefree ``d <= max_spikes`` (ascending, int64) and ``mu(d)`` (float64).

    These are the emulating neurons ``M_d`` of one single-spike neuron and the signs of
    their efferent weights; their number is ``Q(max_spikes)``.
    """
    budget = check_budget("max_spikes", max_spikes)
    if budget > MAX_SIEVE:
        raise ValueError(
            f"max_spikes must be an integer in [1, {MAX_SIEVE}] for the Moebius conversion "
            f"(the largest budget whose squarefree numbers are sieved), got {max_spikes!r}"
        )
    levels = squarefree_numbers(budget)
    signs = mobius(budget)[levels].astype(np.float64)
    return levels, signs


def moebius_index(neuron: int, d: int, max_spikes: int) -> int:
    """Return the index of ``M_d`` of ``neuron`` in a layer converted by :func:`to_multi_spike`.

    The emulating neurons of neuron ``i`` are stored consecutively, in increasing ``d``:
    the index is ``i * Q(max_spikes) + position of d`` among the squarefree numbers
    ``<= max_spikes``.
    """
    levels, _ = moebius_terms(max_spikes)
    if isinstance(neuron, (bool, np.bool_)) or not isinstance(neuron, (int, np.integer)) or neuron < 0:
        raise ValueError(f"neuron must be an integer >= 0, got {neuron!r}")
    position = np.searchsorted(levels, d)
    if position == len(levels) or levels[position] != d:
        raise ValueError(
            f"d must be a squarefree integer in [1, {max_spikes}] (max_spikes), got {d!r}"
        )
    return int(neuron) * len(levels) + int(position)


def moebius_sum(counts: np.ndarray, max_spikes: int) -> np.ndarray:
    """Return ``sum_d mu(d) * c_d[t]`` per original neuron from the counts of a converted layer.

    ``counts`` has shape (..., T, n * Q) in the neuron order of :func:`to_multi_spike`;
    the result has shape (..., T, n) and equals the spike counts of the single-spike layer
    when the conversion is exact.
    """
    _, signs = moebius_terms(max_spikes)
    counts = np.asarray(counts)
    n_terms = len(signs)
    if counts.shape[-1] % n_terms != 0:
        raise ValueError(
            f"counts must have a multiple of Q({max_spikes}) = {n_terms} neurons in its last "
            f"axis, got shape {counts.shape}"
        )
    grouped = counts.reshape(counts.shape[:-1] + (counts.shape[-1] // n_terms, n_terms))
    return np.rint(grouped @ signs).astype(np.int64)


def _needs_self_synapses(layer: Layer, beta: float, budget: int) -> bool:
    """Return whether the layer has a decaying reset that the conversion must make non-leaky."""
    return budget > 1 and layer.reset == "leaky" and beta != 1.0


def _expand_columns(array: np.ndarray | None, signs: np.ndarray) -> np.ndarray | None:
    """Replace every input column ``j`` by ``Q`` columns ``mu(d) * column j``."""
    if array is None:
        return None
    return np.kron(array, signs[None, :])


def _repeat_columns(array: np.ndarray | None, factor: int) -> np.ndarray | None:
    if array is None or factor == 1:
        return array
    return np.repeat(array, factor, axis=1)


def _moebius_layer(
    layer: Layer, index: int, beta: float, budget: int, input_signs: np.ndarray
) -> Layer:
    """Return the Moebius emulation of one single-spike layer whose inputs carry ``input_signs``."""
    levels, signs = moebius_terms(budget)
    n_terms = len(levels)
    self_synapses = _needs_self_synapses(layer, beta, budget)
    if self_synapses and layer.lateral is not None:
        raise ValueError(
            f"layers[{index}] has leaky reset (tau_m={layer.tau_m:g}) and lateral synapses; "
            f"to_multi_spike with max_spikes={budget} makes the reset non-leaky through "
            "self-synapses, and in a non-leaky-reset layer the lateral kernel 1 - rho is 0, "
            "so the lateral input would be lost. Use max_spikes=1, reset='nonleaky', or a "
            "layer without lateral synapses"
        )

    weights = np.repeat(_expand_columns(layer.weights, input_signs), n_terms, axis=0)
    delays = _repeat_columns(layer.delays, len(input_signs))
    if delays is not None:
        delays = np.repeat(delays, n_terms, axis=0)
    threshold = np.repeat(layer.threshold, n_terms) * np.tile(levels.astype(np.float64), layer.n)

    lateral = None
    if layer.lateral is not None:
        # Block (k, j) sends M_{j,e} to every M_{k,d} with weight mu(e) * lateral[k, j].
        lateral = np.kron(layer.lateral, np.outer(np.ones(n_terms), signs))

    return Layer(
        weights=weights,
        threshold=threshold,
        max_spikes=budget,
        tau_m=layer.tau_m,
        reset="nonleaky" if self_synapses else layer.reset,
        bias=np.repeat(layer.bias, n_terms),
        delays=delays,
        lateral=lateral,
        reset_self_synapses=self_synapses or layer.reset_self_synapses,
    )


def to_multi_spike(network: Network, max_spikes: int) -> Network:
    """Replace every single-spike neuron of ``network`` by Moebius-weighted multi-spike neurons.

    Each neuron ``i`` (threshold ``theta_i``) of every layer becomes ``Q(max_spikes)``
    neurons ``M_d``, one per squarefree ``d <= max_spikes``, with threshold
    ``d * theta_i``, budget ``max_spikes``, the afferent synapses and bias of ``i``, and
    efferent weights ``mu(d) * w`` with unchanged delays. Neuron order: ``M_d`` of neuron
    ``i`` has index ``i * Q(max_spikes) + position of d`` (see :func:`moebius_index`).
    ``max_spikes=1`` gives back a network equal to the original.

    Parameters
    ----------
    network : Network
        Every layer must be single-spike (``max_spikes == 1``).
    max_spikes : int
        Budget ``N_s`` of the emulating neurons, >= 1.

    Returns
    -------
    Network
        A new network (``network`` is not changed) whose ``converted_from`` records the
        conversion.

    Raises
    ------
    ValueError
        For a layer with a budget other than 1, and for a leaky-reset LIF layer with lateral
        synapses when ``max_spikes > 1``.

    Notes
    -----
    Spike-count convention of :mod:`spikelib.network` (all crossings of one step fire in
    that step). Exactness condition: the free drive of every original neuron stays below
    ``(max_spikes + 1) * theta`` on the inputs used; then spike steps agree exactly (the
    ``mu``-weighted counts of each step equal the original count) and read-out potentials
    agree up to float64 summation order. The condition is not checked here, because it
    depends on the inputs: use :func:`check_multi_spike_exactness`.

    Non-leaky reset (and non-leaky neurons, ``tau_m=None``): pure threshold scaling.
    Leaky reset of an LIF neuron with ``max_spikes > 1``: each emulating neuron also gets a
    self-synapse of weight ``-d * theta`` and kernel ``1 - rho``, which makes its reset
    non-leaky; the converted layer is therefore simulated with ``reset="nonleaky"`` and
    marked ``reset_self_synapses=True`` so that :func:`spikelib.network_cost` counts the
    self-synapses. With ``max_spikes = 1`` the reset is kept, because ``M_1`` is ``S``.
    """
    require_network(network)
    budget = check_budget("max_spikes", max_spikes)
    for index, layer in enumerate(network.layers):
        if layer.max_spikes != 1:
            raise ValueError(
                f"layers[{index}] has max_spikes={layer.max_spikes}, but to_multi_spike "
                "converts single-spike layers (max_spikes=1) only; convert it with "
                "to_single_spike first"
            )

    _, signs = moebius_terms(budget)
    n_terms = len(signs)
    cause = f"lower max_spikes (Q({budget}) = {n_terms} emulating neurons per neuron)"
    columns_per_input = 1
    for index, layer in enumerate(network.layers):
        rows = layer.n * n_terms
        check_dense_size(f"the weights of layers[{index}]", rows, layer.n_in * columns_per_input, cause)
        if layer.lateral is not None:
            check_dense_size(f"the lateral weights of layers[{index}]", rows, rows, cause)
        columns_per_input = n_terms
    if network.readout is not None:
        check_dense_size("the read-out weights", network.readout.n, network.readout.n_in * columns_per_input, cause)

    layers = []
    input_signs = np.ones(1)
    for index, (layer, beta) in enumerate(zip(network.layers, network.leak_factors())):
        layers.append(_moebius_layer(layer, index, beta, budget, input_signs))
        input_signs = signs

    readout = network.readout
    if readout is not None:
        readout = Readout(
            weights=_expand_columns(readout.weights, input_signs),
            bias=readout.bias,
            tau_m=readout.tau_m,
            delays=_repeat_columns(readout.delays, len(input_signs)),
        )

    made_nonleaky = [
        index
        for index, (layer, beta) in enumerate(zip(network.layers, network.leak_factors()))
        if _needs_self_synapses(layer, beta, budget)
    ]
    record = (
        f"to_multi_spike with max_spikes={budget}: {len(signs)} emulating neurons per "
        "single-spike neuron"
    )
    if made_nonleaky:
        record += f"; leaky reset made non-leaky by self-synapses in layers {made_nonleaky}"
    logger.info("%s", record)
    return Network(
        layers=tuple(layers),
        readout=readout,
        dt=network.dt,
        converted_from=network.converted_from + (record,),
    )


def drives_from_run(network: Network, result: RunResult) -> list[np.ndarray]:
    """Reconstruct the free drive of every neuron from a run with ``record_potentials=True``.

    The free drive is the potential a neuron would have if it never fired. It is the
    potential before the spikes of a step plus the thresholds that earlier spikes
    subtracted, each decayed by the reset kernel (``beta**n`` for leaky reset, 1 for
    non-leaky reset). Lateral input is part of the drive. Works for any budget.

    Returns one float64 array per layer with the shape of ``result.v_pre[layer]``.
    """
    if result.v_pre is None:
        raise ValueError("result must come from run(..., record_potentials=True) to give drives")
    drives = []
    for index, (layer, beta) in enumerate(zip(network.layers, network.leak_factors())):
        v_pre = result.v_pre[index]
        counts = result.counts[index]
        if counts.shape[-2] != v_pre.shape[-2]:
            raise ValueError("result must contain per-step counts (run with record_counts=True)")
        decay = beta if layer.reset == "leaky" else 1.0

        subtracted = np.zeros_like(v_pre)
        running = np.zeros(v_pre.shape[:-2] + v_pre.shape[-1:])
        for step in range(1, v_pre.shape[-2]):
            running = decay * (running + layer.threshold * counts[..., step - 1, :])
            subtracted[..., step, :] = running
        drives.append(v_pre + subtracted)
    return drives


def free_drive(network: Network, inputs) -> list[np.ndarray]:
    """Run ``network`` on ``inputs`` and return the free drive of every neuron, per layer.

    Shapes follow :func:`spikelib.run`: (B, T, n) for batched inputs, (T, n) otherwise.
    """
    return drives_from_run(network, run(network, inputs, record_potentials=True))


def smallest_exact_budget(peak_drive: float, threshold: float) -> int:
    """Return the smallest ``N_s >= 1`` with ``peak_drive < (N_s + 1) * threshold``.

    ``peak_drive`` must be finite and ``threshold`` finite and > 0. The result is
    ``floor(peak_drive / threshold)`` in exact arithmetic (at least 1), moved by the few
    steps in which the float64 product ``(N_s + 1) * threshold`` rounds across
    ``peak_drive``. Beyond ``2**53`` the product can no longer separate neighbouring
    budgets, so the exact quotient is returned; it is far above any budget a layer accepts.
    """
    threshold = check_positive_finite("threshold", threshold)
    if isinstance(peak_drive, (bool, np.bool_)) or not math.isfinite(peak_drive):
        raise ValueError(f"peak_drive must be a finite number, got {peak_drive!r}")
    peak_drive = float(peak_drive)

    budget = max(1, math.floor(Fraction(peak_drive) / Fraction(threshold)))
    if budget >= 2**53:
        return budget
    while budget > 1 and peak_drive < budget * threshold:
        budget -= 1
    while not peak_drive < (budget + 1) * threshold:
        budget += 1
    return budget


@dataclass(frozen=True)
class DriveViolation:
    """One (layer, neuron, sample) whose free drive reached ``(max_spikes + 1) * theta``."""

    layer: int
    neuron: int
    sample: int
    step: int
    """Step of the peak drive."""
    peak_drive: float
    threshold: float
    limit: float
    """``(max_spikes + 1) * threshold``: the drive must stay below it."""
    needed_budget: int
    """Smallest budget for which this neuron meets the condition on this sample."""

    @property
    def excess(self) -> float:
        """How far the peak drive reached above the limit (>= 0)."""
        return self.peak_drive - self.limit

    def __str__(self) -> str:
        return (
            f"layer {self.layer}, neuron {self.neuron}, sample {self.sample}: free drive "
            f"{self.peak_drive:.6g} at step {self.step} is {self.excess:.6g} above the limit "
            f"{self.limit:.6g} = (max_spikes + 1) * theta (theta = {self.threshold:.6g})"
        )


@dataclass(frozen=True)
class SpikeMismatch:
    """One step where the ``mu``-weighted counts of the emulation differ from the original count."""

    layer: int
    neuron: int
    sample: int
    step: int
    original: int
    weighted_sum: int

    def __str__(self) -> str:
        return (
            f"layer {self.layer}, neuron {self.neuron}, sample {self.sample}, step {self.step}: "
            f"original fired {self.original}, weighted sum of the emulation is {self.weighted_sum}"
        )


@dataclass(frozen=True, eq=False)
class ExactnessReport:
    """Result of :func:`check_multi_spike_exactness`.

    Attributes
    ----------
    max_spikes : int
        Budget of the conversion that was checked.
    n_samples : int
        Number of input samples.
    peak_drive : tuple of float64 arrays, shape (B, n)
        Maximum free drive over the window, per layer, sample and original neuron.
    thresholds : tuple of float64 arrays, shape (n,)
        Thresholds of the original neurons, per layer.
    violations : tuple of DriveViolation
        Every (layer, neuron, sample) that breaks the condition, in that order.
    mismatches : tuple of SpikeMismatch
        Every step whose weighted emulation count differs from the original count.
    output_difference : float or None
        Largest absolute difference of the read-out potentials (None without read-out).
    outputs_agree : bool
        Read-out potentials agree to ``OUTPUT_RTOL`` relative (True without read-out).
    suggested_budget : int
        Smallest budget for which the condition holds for every neuron on these inputs.
    """

    max_spikes: int
    n_samples: int
    peak_drive: tuple[np.ndarray, ...]
    thresholds: tuple[np.ndarray, ...]
    violations: tuple[DriveViolation, ...]
    mismatches: tuple[SpikeMismatch, ...]
    output_difference: float | None
    outputs_agree: bool
    suggested_budget: int

    @property
    def condition_holds(self) -> bool:
        """Whether every free drive stayed below ``(max_spikes + 1) * theta``."""
        return not self.violations

    @property
    def spikes_agree(self) -> bool:
        """Whether the weighted spike counts equal the original counts in every step."""
        return not self.mismatches

    @property
    def exact(self) -> bool:
        """Whether the condition is met and spikes and read-out agree.

        A run that agrees although the condition fails is reported as not exact, because
        the agreement is then not guaranteed for other inputs.
        """
        return self.condition_holds and self.spikes_agree and self.outputs_agree

    def condition_by_neuron(self, layer: int) -> np.ndarray:
        """Return, per original neuron of ``layer``, whether the condition held on every sample."""
        limit = (self.max_spikes + 1) * self.thresholds[layer]
        return np.all(self.peak_drive[layer] < limit, axis=0)

    def worst_violation(self) -> DriveViolation | None:
        """Return the violation with the largest drive relative to its threshold, or None."""
        if not self.violations:
            return None
        return max(self.violations, key=lambda v: v.peak_drive / v.threshold)

    def summary(self) -> str:
        """Return one line: exact or not, and the main reason."""
        if self.exact:
            return f"exact with max_spikes={self.max_spikes} on {_plural(self.n_samples, 'sample')}"
        if self.violations:
            worst = self.worst_violation()
            return (
                f"not exact with max_spikes={self.max_spikes}: {worst}; "
                f"{_budget_advice(self.suggested_budget)}"
            )
        if self.mismatches:
            return f"not exact with max_spikes={self.max_spikes}: {self.mismatches[0]}"
        return (
            f"not exact with max_spikes={self.max_spikes}: read-out potentials differ by "
            f"{self.output_difference:.3e}"
        )

    def __str__(self) -> str:
        status = "exact" if self.exact else "NOT exact"
        cases = sum(drive.size for drive in self.peak_drive)
        lines = [
            f"Moebius conversion with max_spikes={self.max_spikes} on "
            f"{_plural(self.n_samples, 'sample')}: {status}"
        ]
        largest = max(
            float(np.max(drive / theta)) for drive, theta in zip(self.peak_drive, self.thresholds)
        )
        if self.violations:
            lines.append(
                f"  condition free drive < (max_spikes + 1) * theta violated in "
                f"{len(self.violations)} of {_plural(cases, '(layer, neuron, sample) case')}"
            )
            lines.append(f"  worst: {self.worst_violation()}")
        else:
            lines.append(
                "  condition free drive < (max_spikes + 1) * theta holds in all "
                f"{_plural(cases, '(layer, neuron, sample) case')}; largest drive {largest:.4g} theta, limit "
                f"{self.max_spikes + 1} theta"
            )
        if self.mismatches:
            lines.append(
                "  weighted spike counts differ from the original in "
                f"{_plural(len(self.mismatches), 'step')}; first: {self.mismatches[0]}"
            )
        else:
            lines.append("  weighted spike counts equal the original counts in every step")
        if self.output_difference is not None:
            verdict = "agree" if self.outputs_agree else "differ"
            lines.append(
                f"  read-out potentials {verdict} (largest difference "
                f"{self.output_difference:.3e})"
            )
        if self.suggested_budget <= MAX_SIEVE:
            lines.append(
                f"  smallest budget meeting the condition on these inputs: max_spikes="
                f"{self.suggested_budget}"
            )
        else:
            lines.append(f"  {_budget_advice(self.suggested_budget)}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"ExactnessReport(exact={self.exact}, max_spikes={self.max_spikes}, "
            f"violations={len(self.violations)}, mismatches={len(self.mismatches)}, "
            f"outputs_agree={self.outputs_agree}, suggested_budget={self.suggested_budget})"
        )


def _budget_advice(budget: int) -> str:
    """Return the budget advice of a report, or a message that no budget a layer accepts is enough."""
    if budget <= MAX_SIEVE:
        return f"use max_spikes >= {budget} for these inputs"
    return (
        f"no max_spikes up to {MAX_SIEVE} (the largest budget to_multi_spike accepts) meets "
        f"the condition on these inputs; it needs about {float(budget):.3g}"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _batched(array: np.ndarray, batched: bool) -> np.ndarray:
    return array if batched else array[None]


def check_multi_spike_exactness(
    network: Network,
    inputs,
    max_spikes: int,
    *,
    on_violation: str = "ignore",
) -> ExactnessReport:
    """Convert ``network`` with :func:`to_multi_spike`, run both, and report whether it was exact.

    The check measures the exactness condition (free drive of every original neuron below
    ``(max_spikes + 1) * theta`` over the whole run, on every sample) and compares the
    runs: the ``mu``-weighted spike counts of the emulating neurons against the original
    counts in every step and layer, and the read-out potentials (relative
    ``OUTPUT_RTOL``). Free drives are reconstructed from the original run
    (:func:`drives_from_run`).

    Parameters
    ----------
    network : Network
        Single-spike network (every layer ``max_spikes == 1``).
    inputs : array of shape (T, n_inputs) or (B, T, n_inputs)
    max_spikes : int
        Budget of the conversion to check.
    on_violation : {"ignore", "warn", "raise"}
        When the conversion is not exact: return the report only, also emit a
        :class:`MultiSpikeExactnessWarning`, or raise :class:`MultiSpikeExactnessError`.

    Returns
    -------
    ExactnessReport
        ``report.exact`` is the verdict; ``str(report)`` explains it and names the worst
        (layer, neuron, sample) and the smallest budget that would meet the condition.
    """
    if on_violation not in ON_VIOLATION:
        raise ValueError(f"on_violation must be one of {ON_VIOLATION}, got {on_violation!r}")
    budget = check_budget("max_spikes", max_spikes)
    converted = to_multi_spike(network, budget)
    original_run = run(network, inputs, record_potentials=True)
    converted_run = run(converted, inputs)
    batched = original_run.batched

    drives = [_batched(d, batched) for d in drives_from_run(network, original_run)]
    peaks, violations = [], []
    suggested = 1
    for index, (layer, drive) in enumerate(zip(network.layers, drives)):
        peak = drive.max(axis=1)
        peak_step = drive.argmax(axis=1)
        peaks.append(peak)
        limit = (budget + 1) * layer.threshold
        for sample, neuron in zip(*np.nonzero(~(peak < limit))):
            theta = float(layer.threshold[neuron])
            violations.append(
                DriveViolation(
                    layer=index,
                    neuron=int(neuron),
                    sample=int(sample),
                    step=int(peak_step[sample, neuron]),
                    peak_drive=float(peak[sample, neuron]),
                    threshold=theta,
                    limit=float(limit[neuron]),
                    needed_budget=smallest_exact_budget(float(peak[sample, neuron]), theta),
                )
            )
        layer_needs = max(
            smallest_exact_budget(float(value), float(theta))
            for value, theta in zip(peak.max(axis=0), layer.threshold)
        )
        suggested = max(suggested, layer_needs)
    violations.sort(key=lambda v: (v.layer, v.neuron, v.sample))

    mismatches = []
    for index in range(len(network.layers)):
        original = _batched(original_run.counts[index], batched)
        weighted = moebius_sum(_batched(converted_run.counts[index], batched), budget)
        for sample, step, neuron in zip(*np.nonzero(original != weighted)):
            mismatches.append(
                SpikeMismatch(
                    layer=index,
                    neuron=int(neuron),
                    sample=int(sample),
                    step=int(step),
                    original=int(original[sample, step, neuron]),
                    weighted_sum=int(weighted[sample, step, neuron]),
                )
            )

    difference, agree = None, True
    if network.readout is not None:
        expected, actual = original_run.output, converted_run.output
        difference = float(np.max(np.abs(expected - actual)))
        scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
        agree = difference <= OUTPUT_RTOL * scale

    report = ExactnessReport(
        max_spikes=budget,
        n_samples=drives[0].shape[0],
        peak_drive=tuple(peaks),
        thresholds=tuple(layer.threshold for layer in network.layers),
        violations=tuple(violations),
        mismatches=tuple(mismatches),
        output_difference=difference,
        outputs_agree=agree,
        suggested_budget=suggested,
    )
    if not report.exact:
        logger.info("%s", report.summary())
        if on_violation == "warn":
            warnings.warn(report.summary(), MultiSpikeExactnessWarning, stacklevel=2)
        elif on_violation == "raise":
            raise MultiSpikeExactnessError(report.summary())
    return report
