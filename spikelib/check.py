"""Exactness checks of the conversions on random networks (``python -m spikelib check``).

Each check runs a network and its conversion on the same inputs and returns a list of
mismatches, empty when the conversion was exact. Threshold ladder (multi to single spike):
equal spike steps neuron by neuron, equal spike counts, and read-out potentials equal to
1e-12 relative. Moebius cancellation (single to multi spike): the exactness condition
holds, the ``mu``-weighted counts of the emulating neurons equal the original counts in
every step, and read-out potentials agree to 1e-12 relative.
"""

from __future__ import annotations

import numpy as np

from .ladder import ladder_index, to_single_spike
from .moebius import check_multi_spike_exactness, free_drive, smallest_exact_budget
from .network import Network, Readout
from .random_networks import RandomCase, random_case, random_layer
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


def compare_moebius(network: Network, inputs: np.ndarray, max_spikes: int) -> list[str]:
    """Run a single-spike ``network`` and its Moebius emulation; return the mismatches.

    Returns an empty list when the exactness condition is met and spike counts and read-out
    agree (see :func:`spikelib.check_multi_spike_exactness`).
    """
    report = check_multi_spike_exactness(network, inputs, max_spikes)
    problems = [f"exactness condition violated: {v}" for v in report.violations]
    problems += [f"spike counts differ: {m}" for m in report.mismatches]
    if not report.outputs_agree:
        problems.append(f"read-out potentials differ by up to {report.output_difference:.3e}")
    return problems


def random_single_spike_case(
    rng: np.random.Generator,
    *,
    reset: str | None = None,
    n_samples: int = 3,
    extra_budget: int = 2,
    max_budget: int = 64,
) -> tuple[RandomCase, int]:
    """Draw a random single-spike network and a budget for which the Moebius condition holds.

    The network has one or two layers with ``max_spikes=1``, about a fifth inhibitory
    weights, delays in some layers, leaky (LIF) and non-leaky neurons, and a read-out; the
    inputs are spike counts or currents. Lateral synapses appear only where the Moebius
    conversion accepts them (non-leaky reset or non-leaky neurons). The budget is the
    smallest one that meets the condition on the drawn inputs, measured from the free
    drives, plus 0 to ``extra_budget``; networks that would need more than ``max_budget``
    are drawn again.
    """
    reset = reset if reset is not None else str(rng.choice(["leaky", "nonleaky"]))
    while True:
        n_layers = int(rng.integers(1, 3))
        n_inputs = int(rng.integers(1, 5))
        n_steps = int(rng.integers(10, 30))
        spike_inputs = bool(rng.random() < 0.5)

        layers, parts = [], []
        n_in = n_inputs
        for _ in range(n_layers):
            n = int(rng.integers(1, 5))
            tau_m = None if rng.random() < 0.3 else float(rng.uniform(2.0, 20.0))
            lateral_allowed = reset == "nonleaky" or tau_m is None
            layers.append(
                random_layer(
                    rng,
                    n,
                    n_in,
                    max_spikes=1,
                    reset=reset,
                    tau_m=tau_m,
                    with_delays=bool(rng.random() < 0.4),
                    with_lateral=lateral_allowed and bool(rng.random() < 0.3),
                    input_scale=float(rng.uniform(0.3, 2.0)),
                )
            )
            parts.append(f"{n}x(tau_m={tau_m if tau_m is None else round(tau_m, 2)})")
            n_in = n
        network = Network(layers=tuple(layers), readout=Readout(weights=rng.normal(size=(2, n_in))))

        if spike_inputs:
            inputs = rng.choice([0.0, 1.0, 2.0], p=[0.6, 0.3, 0.1], size=(n_samples, n_steps, n_inputs))
        else:
            inputs = rng.uniform(0.0, 1.0, size=(n_samples, n_steps, n_inputs))

        needed = 1
        for layer, drive in zip(network.layers, free_drive(network, inputs)):
            peaks = drive.max(axis=(0, 1))
            for peak, theta in zip(peaks, layer.threshold):
                needed = max(needed, smallest_exact_budget(float(peak), float(theta)))
        if needed <= max_budget:
            break

    budget = needed + int(rng.integers(0, extra_budget + 1))
    kind = "spike" if spike_inputs else "current"
    description = (
        f"reset={reset}, {kind} inputs, {n_inputs} inputs, {n_steps} steps, max_spikes="
        f"{budget}, layers " + " -> ".join(parts)
    )
    return RandomCase(network=network, inputs=inputs, description=description), budget


def run_checks(trials: int, seed: int) -> tuple[int, list[str]]:
    """Check both conversions on ``trials`` random trials; return (passed, failure lines).

    Every trial checks one threshold ladder (multi to single spike) and one Moebius
    emulation (single to multi spike) and passes only when both are exact. A failing trial
    gives one line that names each failing direction, so ``passed + len(failures) ==
    trials``. The reset kind alternates between leaky and non-leaky from trial to trial.
    """
    for name, value, low in (("trials", trials, 1), ("seed", seed, 0)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    rng = np.random.default_rng(seed)
    # A separate stream keeps the ladder cases the same as before the Moebius check existed.
    moebius_rng = np.random.default_rng([seed, 1])
    passed = 0
    failures = []
    for trial in range(trials):
        reset = "leaky" if trial % 2 == 0 else "nonleaky"
        problems = []

        case = random_case(rng, reset=reset)
        ladder_problems = compare_ladder(case.network, case.inputs)
        if ladder_problems:
            problems.append(f"ladder ({case.description}): {ladder_problems[0]}")

        single_case, budget = random_single_spike_case(moebius_rng, reset=reset)
        moebius_problems = compare_moebius(single_case.network, single_case.inputs, budget)
        if moebius_problems:
            problems.append(f"moebius ({single_case.description}): {moebius_problems[0]}")

        if problems:
            failures.append(f"FAIL trial {trial}: " + "; ".join(problems))
        else:
            passed += 1
    return passed, failures
