"""Exactness checks of the conversions on random networks (``python -m spikelib check``).

Each check runs a network and its conversion on the same inputs and returns a list of
mismatches, empty when the conversion was exact: equal spike steps neuron by neuron, equal
spike counts, and read-out potentials equal to 1e-12 relative.
"""

from __future__ import annotations

import numpy as np

from .ladder import ladder_index, to_single_spike
from .network import Network
from .random_networks import random_case
from .simulate import run

OUTPUT_RTOL = 1e-12


def kth_spike_steps(counts: np.ndarray, k: int) -> np.ndarray:
    """Return, per sample and neuron, the step of the k-th spike (1-based), or -1.

    ``counts`` has shape (B, T, n); several spikes in one step count separately.
    """
    cumulative = np.cumsum(counts, axis=1)
    reached = cumulative >= k
    steps = np.argmax(reached, axis=1)
    return np.where(reached.any(axis=1), steps, -1)


def outputs_agree(expected: np.ndarray, actual: np.ndarray, rtol: float = OUTPUT_RTOL) -> bool:
    """Return whether two output arrays agree to ``rtol`` relative to their largest magnitude."""
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    return bool(np.all(np.abs(expected - actual) <= rtol * scale))


def compare_ladder(network: Network, inputs: np.ndarray) -> list[str]:
    """Run ``network`` and its threshold ladder on a batch of inputs; return the mismatches."""
    converted = to_single_spike(network)
    original_run = run(network, inputs)
    converted_run = run(converted, inputs)
    problems = []

    for index, layer in enumerate(network.layers):
        budget = layer.max_spikes
        expected_neurons = layer.n * budget
        if converted.layers[index].n != expected_neurons:
            problems.append(
                f"layer {index}: {converted.layers[index].n} ladder neurons, "
                f"expected {expected_neurons}"
            )
            continue
        counts = original_run.counts[index]
        ladder_first = converted_run.first_spike[index]
        for rung in range(1, budget + 1):
            expected = kth_spike_steps(counts, rung)
            columns = [ladder_index(i, rung, budget) for i in range(layer.n)]
            actual = ladder_first[:, columns]
            if not np.array_equal(expected, actual):
                sample, neuron = np.argwhere(expected != actual)[0]
                problems.append(
                    f"layer {index}, neuron {neuron}, rung {rung}, sample {sample}: ladder "
                    f"neuron fired at step {actual[sample, neuron]}, spike {rung} of the "
                    f"original at step {expected[sample, neuron]}"
                )
        original_total = int(original_run.spike_totals[index].sum())
        converted_total = int(converted_run.spike_totals[index].sum())
        if original_total != converted_total:
            problems.append(
                f"layer {index}: {converted_total} spikes after conversion, {original_total} before"
            )

    if network.readout is not None and not outputs_agree(original_run.output, converted_run.output):
        difference = float(np.max(np.abs(original_run.output - converted_run.output)))
        problems.append(f"read-out potentials differ by up to {difference:.3e}")
    return problems


def run_checks(trials: int, seed: int) -> tuple[int, list[str]]:
    """Check the conversions on ``trials`` random networks; return (passed, failure lines)."""
    rng = np.random.default_rng(seed)
    passed = 0
    failures = []
    for trial in range(trials):
        reset = "leaky" if trial % 2 == 0 else "nonleaky"
        case = random_case(rng, reset=reset)
        problems = compare_ladder(case.network, case.inputs)
        if problems:
            failures.append(f"FAIL ladder trial {trial} ({case.description}): {problems[0]}")
        else:
            passed += 1
    return passed, failures
