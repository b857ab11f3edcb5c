"""Edge cases of the model and the simulator: exact thresholds, rounding, huge values, long runs.

Expected values come from hand computations, closed-form solutions or plain Python float
sums, never from the simulator's own output. Where the numba kernels have two loops (a fast
one without delays or recorded potentials, a general one), cases run on both, and the
literal simulator of :mod:`spikelib.reference` is checked on the same cases.
"""

import math
import re

import numpy as np
import pytest

import spikelib.network
import spikelib.reference
from spikelib import Layer, Network, Readout, run, to_multi_spike, to_single_spike
from spikelib.check import compare_ladder
from spikelib.reference import reference_run

# Run options that send a single-neuron network through each kernel loop: recording the
# potentials needs the general loop.
KERNEL_PATHS = {"fast_loop": False, "general_loop": True}


def single_neuron(**layer_options) -> Network:
    options = {"weights": [[1.0]], "threshold": 1.0, "max_spikes": 1}
    options.update(layer_options)
    return Network(layers=(Layer(**options),))


def kernel_counts(network: Network, inputs, general: bool) -> np.ndarray:
    """Return the first layer's per-step counts of one sample, shape (T, n)."""
    return run(network, inputs, record_potentials=general).counts[0]


# Time step larger than the membrane time constant


@pytest.mark.parametrize("ratio", [0.1, 1.0, 3.0])
def test_leak_factor_stays_inside_unit_interval(ratio):
    network = Network(layers=(Layer(weights=[[1.0]], tau_m=1.0),), dt=ratio)

    beta = network.leak_factors()[0]

    assert 0.0 < beta < 1.0
    assert beta == math.exp(-ratio)


@pytest.mark.parametrize("ratio", [0.1, 1.0, 3.0])
def test_subthreshold_trace_matches_closed_form(ratio):
    # Without spikes V[t] = sum_{s <= t} beta**(t - s) I[s]. The threshold is out of reach.
    rng = np.random.default_rng(17)
    inputs = rng.uniform(-1.0, 1.0, size=(30, 1))
    layer = Layer(weights=[[1.0]], threshold=1e6, tau_m=2.0)
    network = Network(layers=(layer,), dt=2.0 * ratio)
    beta = math.exp(-ratio)

    result = run(network, inputs, record_potentials=True)

    steps = np.arange(30)
    powers = np.where(steps[:, None] >= steps[None, :], beta ** (steps[:, None] - steps[None, :]), 0.0)
    expected = powers @ inputs[:, 0]
    np.testing.assert_allclose(result.v_pre[0][:, 0], expected, rtol=1e-12, atol=1e-14)
    assert result.spike_totals[0][0] == 0


def test_tiny_tau_m_gives_memoryless_neuron():
    # dt / tau_m = 1000 makes beta underflow to 0.0, so each potential is that step's input.
    network = single_neuron(tau_m=1e-3, max_spikes=10)

    result = run(network, np.array([[0.75], [0.75], [1.5]]), record_potentials=True)

    assert network.leak_factors()[0] == 0.0
    assert result.v_pre[0][:, 0].tolist() == [0.75, 0.75, 1.5]


# Spike condition v >= theta


@pytest.mark.parametrize("path", KERNEL_PATHS)
def test_exact_threshold_fires_in_kernel(path):
    # 0.25 is a power of two, so four of them sum to exactly 1.0 = theta in step 3.
    network = single_neuron(reset="nonleaky")

    counts = kernel_counts(network, np.full((6, 1), 0.25), KERNEL_PATHS[path])

    assert counts[:, 0].tolist() == [0, 0, 0, 1, 0, 0]


def test_exact_threshold_fires_in_reference():
    network = single_neuron(reset="nonleaky")

    counts, _ = reference_run(network, np.full((6, 1), 0.25))

    assert counts[0][:, 0].tolist() == [0, 0, 0, 1, 0, 0]


@pytest.mark.parametrize("path", KERNEL_PATHS)
def test_just_below_threshold_stays_silent(path):
    below = math.nextafter(1.0, 0.0)
    network = single_neuron(reset="nonleaky")

    counts = kernel_counts(network, np.array([[below], [0.0]]), KERNEL_PATHS[path])

    assert counts.sum() == 0


@pytest.mark.parametrize("path", KERNEL_PATHS)
def test_exact_multiple_fires_all_spikes(path):
    # v = 3.0 with theta = 0.5 is exactly six levels: six spikes, leftover 0.
    network = single_neuron(threshold=0.5, max_spikes=10, reset="nonleaky")

    counts = kernel_counts(network, np.array([[3.0]]), KERNEL_PATHS[path])

    assert counts[0, 0] == 6


# Accumulated rounding of 1/n


def first_step_reaching_one(n: int) -> int:
    """Return the 0-based step in which a Python float sum of 1/n first reaches 1."""
    total = 0.0
    step = -1
    while total < 1.0:
        total += 1.0 / n
        step += 1
    return step


@pytest.mark.parametrize("n", [3, 7, 10, 40])
@pytest.mark.parametrize("path", KERNEL_PATHS)
def test_fraction_input_first_spike_step(n, path):
    network = single_neuron(reset="nonleaky")

    counts = kernel_counts(network, np.full((n + 5, 1), 1.0 / n), KERNEL_PATHS[path])

    assert int(np.argmax(counts[:, 0])) == first_step_reaching_one(n)


@pytest.mark.parametrize("n", [3, 7, 10, 40])
def test_fraction_input_reference_first_spike(n):
    counts, _ = reference_run(single_neuron(reset="nonleaky"), np.full((n + 5, 1), 1.0 / n))

    assert int(np.argmax(counts[0][:, 0])) == first_step_reaching_one(n)


def test_fraction_table_in_docstring_is_true():
    table = re.findall(r"^\s+(\d+)\s+(\d+)\s*$", spikelib.network.__doc__, flags=re.MULTILINE)
    documented = {int(n): int(step) for n, step in table}

    assert sorted(documented) == [3, 7, 10, 40]
    for n, step in documented.items():
        assert step == first_step_reaching_one(n), f"n = {n}"


# Several threshold crossings in one step


@pytest.mark.parametrize("path", KERNEL_PATHS)
def test_count_rounded_up_is_corrected(path):
    # v is one ulp below 1.0 = 3 * (1/3), but v / (1/3) rounds to 3.0: floor gives 3 spikes
    # and a leftover below 0. Two spikes leave v - 2/3, which lies in [0, theta).
    theta = 1.0 / 3.0
    v = math.nextafter(1.0, 0.0)
    assert 3 * theta == 1.0
    assert v / theta == 3.0
    network = single_neuron(threshold=theta, max_spikes=10, reset="nonleaky")

    result = run(network, np.array([[v]]), record_potentials=KERNEL_PATHS[path])

    assert result.counts[0][0, 0] == 2


@pytest.mark.parametrize("path", KERNEL_PATHS)
def test_count_rounded_down_is_corrected(path):
    # 13 * 0.37 is 4.81 in float64, so v sits exactly on the 13th level, but 4.81 / 0.37
    # rounds to 12.999999999999998: floor gives 12 spikes and a leftover >= theta.
    theta = 0.37
    assert 13 * theta == 4.81
    assert 4.81 / theta < 13
    network = single_neuron(threshold=theta, max_spikes=20, reset="nonleaky")

    result = run(network, np.array([[4.81]]), record_potentials=KERNEL_PATHS[path])

    assert result.counts[0][0, 0] == 13


@pytest.mark.parametrize("v, theta", [(math.nextafter(1.0, 0.0), 1.0 / 3.0), (4.81, 0.37)])
def test_rounding_corrected_count_in_reference(v, theta):
    network = single_neuron(threshold=theta, max_spikes=20, reset="nonleaky")
    kernel = run(network, np.array([[v]])).counts[0]

    counts, _ = reference_run(network, np.array([[v]]))

    assert counts[0][0, 0] == kernel[0, 0]


@pytest.mark.parametrize("v, theta", [(math.nextafter(1.0, 0.0), 1.0 / 3.0), (4.81, 0.37)])
def test_ladder_exact_at_rounding_ties(v, theta):
    # Ladder neuron k fires when v >= k * theta; the original must count the same levels.
    network = Network(
        layers=(Layer(weights=[[1.0]], threshold=theta, max_spikes=20, reset="nonleaky"),),
        readout=Readout(weights=[[1.0]]),
    )

    assert compare_ladder(network, np.array([[[v], [0.0]]])) == []


def test_leftover_after_multiple_crossings():
    rng = np.random.default_rng(23)
    thetas = rng.uniform(0.05, 2.0, size=200)
    jumps = rng.uniform(0.0, 40.0, size=(12, 200))
    layer = Layer(weights=np.eye(200), threshold=thetas, max_spikes=10**6, reset="nonleaky")

    result = run(Network(layers=(layer,)), jumps, record_potentials=True)

    # One spike per step (the other convention) would leave leftovers of many thresholds.
    leftover = result.v_post[0]
    assert result.counts[0].max() >= 100
    assert np.all(leftover >= 0.0)
    assert np.all(leftover < thetas)


# Huge values and integer widths


@pytest.mark.parametrize("path", KERNEL_PATHS)
def test_huge_input_spends_int32_budget(path):
    # 1e300 / theta is far beyond 2**63; numba's int64 floor wrapped it to a negative count.
    budget = 2**31 - 1
    network = single_neuron(max_spikes=budget)

    result = run(network, np.full((3, 1), 1e300), record_potentials=KERNEL_PATHS[path])

    assert result.counts[0][:, 0].tolist() == [budget, 0, 0]
    assert result.spike_totals[0][0] == budget


def test_huge_input_in_reference():
    budget = 2**31 - 1
    counts, _ = reference_run(single_neuron(max_spikes=budget), np.full((3, 1), 1e300))

    assert counts[0][:, 0].tolist() == [budget, 0, 0]


def test_count_arrays_have_wide_types():
    result = run(single_neuron(max_spikes=5), np.ones((3, 1)))

    assert result.counts[0].dtype == np.int32
    assert result.spike_totals[0].dtype == np.int64
    assert result.first_spike[0].dtype == np.int64


def test_budget_spread_over_steps_sums_exactly():
    # 2**29 spikes per step: the fourth step reaches the budget 2**31 - 1 one spike early.
    # The read-out adds the counts in float64 and must receive every spike.
    budget = 2**31 - 1
    layer = Layer(weights=[[1.0]], threshold=1.0, max_spikes=budget, reset="nonleaky")
    downstream = Readout(weights=[[1.0]])
    network = Network(layers=(layer,), readout=downstream)

    result = run(network, np.full((5, 1), float(2**29)))

    assert result.counts[0][:, 0].tolist() == [2**29, 2**29, 2**29, 2**29 - 1, 0]
    assert result.spike_totals[0][0] == budget
    assert result.output[-1, 0] == float(budget)


def test_huge_count_drives_next_layer():
    first = Layer(weights=[[1.0]], threshold=1.0, max_spikes=2**31 - 1)
    second = Layer(weights=[[1e-9]], threshold=2.0, max_spikes=1)
    network = Network(layers=(first, second))

    result = run(network, np.array([[1e300], [0.0]]))

    # 2147483647 * 1e-9 = 2.147... >= 2, so the second neuron fires in step 0.
    assert result.first_spike[1][0] == 0


# Long runs


@pytest.fixture(scope="module")
def long_run():
    # Neuron 0: one input spike every 7 steps (weight 1, theta 1). Neuron 1: bias 0.25, a
    # power of two, so it reaches theta exactly every 4th step, ending on the final step.
    n_steps = 10**7
    inputs = np.zeros((n_steps, 1))
    inputs[3::7, 0] = 1.0
    layer = Layer(
        weights=[[1.0], [0.0]],
        threshold=1.0,
        bias=[0.0, 0.25],
        max_spikes=2**31 - 1,
        reset="nonleaky",
    )
    network = Network(layers=(layer,))
    return network, inputs, run(network, inputs)


def test_long_run_spike_steps_are_integers(long_run):
    _, _, result = long_run
    steps = np.flatnonzero(result.counts[0][:, 1])

    assert steps.dtype.kind == "i"
    assert steps[-1] == 10**7 - 1
    assert len(steps) == 10**7 // 4


def test_long_run_gaps_constant_to_end(long_run):
    _, _, result = long_run
    gaps = np.diff(np.flatnonzero(result.counts[0][:, 0]))

    assert gaps[:100].tolist() == [7] * 100
    assert gaps[-100:].tolist() == [7] * 100
    assert np.all(gaps == 7)


def test_long_run_without_counts_keeps_totals(long_run):
    network, inputs, _ = long_run

    result = run(network, inputs, record_counts=False)

    assert result.spike_totals[0].tolist() == [len(range(3, 10**7, 7)), 10**7 // 4]
    assert result.counts[0].shape == (0, 2)


def test_long_leaky_run_gaps_constant():
    # A leaky neuron with constant drive settles into a fixed period; rounding must not
    # shift it over 10**7 steps. Leaky reset folds into the drive, so after each spike the
    # potential repeats, and the gaps after the first spike are all equal.
    layer = Layer(weights=[[0.0]], threshold=1.0, bias=0.3, tau_m=4.0, max_spikes=2**31 - 1)
    result = run(Network(layers=(layer,)), np.zeros((10**7, 1)))

    gaps = np.diff(np.flatnonzero(result.counts[0][:, 0]))

    assert gaps[1:100].tolist() == [gaps[1]] * 99
    assert gaps[-100:].tolist() == [gaps[1]] * 100


# Recording alignment


@pytest.mark.parametrize("batched", [False, True])
def test_final_step_spike_recorded(batched):
    network = Network(
        layers=(Layer(weights=[[1.0]], threshold=1.0, max_spikes=3, delays=[[1]]),),
        readout=Readout(weights=[[2.0]]),
    )
    inputs = np.zeros((6, 1))
    inputs[4, 0] = 1.0  # arrives after one step of delay, in the final step 5
    if batched:
        inputs = inputs[None]

    result = run(network, inputs, record_potentials=True)
    pick = (lambda a: a[0]) if batched else (lambda a: a)

    assert pick(result.counts[0])[:, 0].tolist() == [0, 0, 0, 0, 0, 1]
    assert pick(result.spike_totals[0])[0] == 1
    assert pick(result.first_spike[0])[0] == 5
    assert pick(result.v_pre[0])[-1, 0] == 1.0
    assert pick(result.v_post[0])[-1, 0] == 0.0
    assert pick(result.output)[-1, 0] == 2.0


def test_recorded_arrays_have_equal_length():
    rng = np.random.default_rng(31)
    layer = Layer(weights=rng.uniform(0, 1, (3, 2)), threshold=0.8, max_spikes=4, tau_m=5.0)
    network = Network(layers=(layer,), readout=Readout(weights=np.ones((1, 3))))

    result = run(network, rng.uniform(0, 1, (4, 17, 2)), record_potentials=True)

    assert result.counts[0].shape == (4, 17, 3)
    assert result.v_pre[0].shape == (4, 17, 3)
    assert result.v_post[0].shape == (4, 17, 3)
    assert result.output.shape == (4, 17, 1)


def test_post_reset_potential_subtracts_counts():
    rng = np.random.default_rng(37)
    thresholds = np.array([0.5, 1.0, 2.0])
    layer = Layer(weights=rng.uniform(0, 2, (3, 2)), threshold=thresholds, max_spikes=5, tau_m=3.0)

    result = run(Network(layers=(layer,)), rng.uniform(0, 1, (25, 2)), record_potentials=True)

    expected = result.v_pre[0] - result.counts[0] * thresholds
    np.testing.assert_array_equal(result.v_post[0], expected)


# Single-spike neurons and fresh state


@pytest.mark.parametrize("reset", ["leaky", "nonleaky"])
@pytest.mark.parametrize("path", KERNEL_PATHS)
def test_single_spike_fires_once_under_huge_input(reset, path):
    network = single_neuron(tau_m=3.0, reset=reset, max_spikes=1)

    counts = kernel_counts(network, np.full((1000, 1), 1e300), KERNEL_PATHS[path])

    assert counts.sum() == 1


def test_second_run_starts_from_rest():
    # The first run leaves the neuron at 0.75; a carried-over state would fire at 0.75 + 0.25.
    network = single_neuron(max_spikes=2, reset="nonleaky")
    run(network, np.array([[0.75]]))

    result = run(network, np.array([[0.25]]))

    assert result.spike_totals[0][0] == 0


def test_spent_budget_not_carried_over():
    network = single_neuron(max_spikes=1)
    first = run(network, np.array([[1.0]]))

    second = run(network, np.array([[1.0]]))

    assert first.spike_totals[0][0] == 1
    assert second.spike_totals[0][0] == 1


# Empty input


@pytest.mark.parametrize("with_extras", [False, True])
def test_zero_input_gives_zero_output(with_extras):
    extras = {}
    if with_extras:
        extras = {"delays": np.ones((3, 2), int), "lateral": np.tril(np.ones((3, 3)), k=-1), "tau_m": 2.0}
    layer = Layer(weights=np.ones((3, 2)), threshold=1.0, max_spikes=4, **extras)
    network = Network(layers=(layer, Layer(weights=np.ones((2, 3)))), readout=Readout(weights=np.ones((1, 2))))

    result = run(network, np.zeros((2, 15, 2)), record_potentials=with_extras)

    assert result.spike_totals[0].sum() == 0
    assert result.spike_totals[1].sum() == 0
    assert np.all(result.first_spike[0] == -1)
    assert result.output.shape == (2, 15, 1)
    assert not np.any(result.output)


# Conversions: immutability and records


def test_layer_arrays_reject_writes():
    layer = Layer(weights=[[1.0, 2.0]], delays=[[0, 2]], lateral=None)

    with pytest.raises(ValueError, match="read-only"):
        layer.weights[0, 0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        layer.threshold[0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        layer.delays[0, 0] = 1


def test_layer_write_flag_cannot_be_restored():
    layer = Layer(weights=[[1.0, 2.0]])

    with pytest.raises(ValueError, match="WRITEABLE"):
        layer.weights.flags.writeable = True


def test_ladder_output_arrays_reject_writes():
    network = Network(
        layers=(Layer(weights=[[1.0], [0.5]], max_spikes=3, tau_m=4.0),),
        readout=Readout(weights=[[1.0, 1.0]]),
    )

    converted = to_single_spike(network)

    with pytest.raises(ValueError, match="read-only"):
        converted.layers[0].lateral[1, 0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        converted.readout.weights[0, 0] = 0.0


def test_ladder_record_names_budgets():
    network = Network(
        layers=(
            Layer(weights=[[1.0]], max_spikes=4),
            Layer(weights=[[1.0]], max_spikes=3),
        )
    )

    converted = to_single_spike(network)

    assert "to_single_spike" in repr(converted)
    assert "(4, 3)" in repr(converted)
    assert network.converted_from == ()


def test_moebius_output_arrays_reject_writes():
    network = Network(
        layers=(Layer(weights=[[1.0], [0.5]], max_spikes=1, tau_m=4.0),),
        readout=Readout(weights=[[1.0, -1.0]]),
    )

    converted = to_multi_spike(network, 6)

    with pytest.raises(ValueError, match="read-only"):
        converted.layers[0].weights[0, 0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        converted.layers[0].threshold[0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        converted.readout.weights[0, 0] = 0.0


def test_moebius_record_names_budget():
    network = Network(layers=(Layer(weights=[[1.0]], max_spikes=1),))

    converted = to_multi_spike(network, 6)

    assert "to_multi_spike with max_spikes=6" in repr(converted)
    assert network.converted_from == ()


def test_spike_condition_documented():
    assert "``v >= theta``" in Layer.__doc__
    assert "v >= theta" in spikelib.reference.__doc__
