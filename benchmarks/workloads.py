"""Benchmark workloads: Poisson input into one all-to-all LIF layer, and their reference solvers.

The reference workload is 200 Poisson inputs at 50 Hz, all-to-all onto 1000 leaky
integrate-and-fire neurons (``tau_m`` 20 ms, ``dt`` 0.1 ms, threshold 1, weights uniform in
[0, 0.05]) over 1 s (10,000 steps). Every implementation here follows the discrete-time
model of spikelib: ``v[t] = beta * v[t-1] + sum_j w_ij x_j[t]``, then ``floor(v / theta)``
spikes when ``v >= theta`` (the spike-count convention), each subtracting ``theta`` from
``v`` (leaky subtractive reset: the subtracted amount decays with the membrane). The budget
is unlimited. Simulators that emit at most one spike per step (Brian2) differ from this only
in steps where ``v`` reaches ``2 * theta``, which this input makes rare.

This module needs only numpy and numba, so the Brian2 worker (another virtual environment)
can import the input builder too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Workload:
    """Sizes and constants of the reference workload (times in ms)."""

    n_inputs: int = 200
    n_neurons: int = 1000
    rate_hz: float = 50.0
    tau_m: float = 20.0
    dt: float = 0.1
    threshold: float = 1.0
    max_weight: float = 0.05
    n_steps: int = 10_000

    @property
    def beta(self) -> float:
        """Leak factor per step, ``exp(-dt / tau_m)``."""
        return math.exp(-self.dt / self.tau_m)

    @property
    def spike_probability(self) -> float:
        """Probability that one input spikes in one step (rate times ``dt``)."""
        return self.rate_hz * self.dt * 1e-3


def make_weights(workload: Workload, seed: int = 0) -> np.ndarray:
    """Return weights of shape (n_neurons, n_inputs), uniform in [0, max_weight)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.0, workload.max_weight, (workload.n_neurons, workload.n_inputs))


def make_inputs(workload: Workload, n_samples: int = 1, seed: int = 1) -> np.ndarray:
    """Return Poisson input spikes as float64 of shape (n_samples, n_steps, n_inputs).

    Each input spikes in a step with probability ``rate * dt`` (Bernoulli per step, at most
    one spike per step). Samples are filled one by one, so memory stays at the result array.
    """
    rng = np.random.default_rng(seed)
    shape = (workload.n_steps, workload.n_inputs)
    inputs = np.empty((n_samples,) + shape)
    for sample in range(n_samples):
        inputs[sample] = rng.random(shape) < workload.spike_probability
    return inputs


def spike_lists(inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (input index, step) of every input spike of one sample, ordered by step."""
    steps, indices = np.nonzero(inputs)
    return indices.astype(np.int64), steps.astype(np.int64)


def numpy_run(weights: np.ndarray, inputs: np.ndarray, workload: Workload) -> np.ndarray:
    """Simulate one sample step by step with numpy; return the spike total of every neuron.

    ``inputs`` has shape (n_steps, n_inputs). Only the weight rows of the inputs that spike
    in a step are summed, as an event-driven simulator would do.
    """
    weights_t = np.ascontiguousarray(weights.T)
    beta = workload.beta
    theta = workload.threshold
    potential = np.zeros(weights.shape[0])
    totals = np.zeros(weights.shape[0], np.int64)

    for t in range(inputs.shape[0]):
        active = np.flatnonzero(inputs[t])
        potential *= beta
        if active.size:
            potential += weights_t[active].sum(axis=0)

        fired = potential >= theta
        if fired.any():
            counts = np.floor(potential[fired] / theta)
            potential[fired] -= counts * theta
            totals[fired] += counts.astype(np.int64)

    return totals


def agreement(totals: dict[str, int], reference: str, tolerance: float = 0.02) -> dict:
    """Compare total spike counts with the reference implementation's.

    Returns a dict per name with the relative difference and whether it is within
    ``tolerance`` (0.02 means 2 %).
    """
    if reference not in totals:
        raise ValueError(f"reference must be one of {sorted(totals)}, got {reference!r}")
    base = totals[reference]
    if base <= 0:
        raise ValueError(f"the reference {reference!r} must have fired at least once, got {base}")
    report = {}
    for name, total in totals.items():
        difference = (total - base) / base
        report[name] = {
            "total": int(total),
            "relative_difference": difference,
            "agrees": abs(difference) <= tolerance,
        }
    return report
