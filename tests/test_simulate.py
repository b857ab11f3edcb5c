"""Simulator tests: hand-computed cases, and the numba kernels against the literal reference."""

import math

import numpy as np
import pytest

from spikelib import Layer, Network, Readout, run
from spikelib.random_networks import random_case
from spikelib.reference import reference_run


def single_neuron(**layer_options) -> Network:
    return Network(layers=(Layer(weights=[[1.0]], **layer_options),))


@pytest.mark.parametrize("current, budget", [(0.375, 100), (0.625, 5), (1.0, 3), (2.5, 4)])
def test_nonleaky_constant_current_counts(current, budget):
    # Dyadic currents keep the float64 sums exact. After t + 1 steps the drive is current * (t + 1), so the neuron has
    # fired floor(current * (t + 1) / theta) spikes, until the budget is spent.
    theta = 0.5
    network = single_neuron(threshold=theta, max_spikes=budget, reset="nonleaky")
    n_steps = 40
    result = run(network, np.full((n_steps, 1), current))

    cumulative = np.cumsum(result.counts[0][:, 0])
    expected = [min(budget, math.floor(current * (t + 1) / theta)) for t in range(n_steps)]
    assert cumulative.tolist() == expected


def test_large_jump_fires_in_one_step():
    network = single_neuron(threshold=1.0, max_spikes=10)
    inputs = np.zeros((5, 1))
    inputs[2, 0] = 3.75

    result = run(network, inputs, record_potentials=True)

    assert result.counts[0][:, 0].tolist() == [0, 0, 3, 0, 0]
    assert result.v_post[0][2, 0] == 0.75


def test_budget_caps_spikes_in_one_step():
    network = single_neuron(threshold=1.0, max_spikes=2, reset="nonleaky")
    result = run(network, np.array([[5.5], [5.0]]))

    assert result.counts[0][:, 0].tolist() == [2, 0]
    assert result.spike_totals[0][0] == 2


def test_dyadic_inputs_reach_threshold_exactly():
    # 0.25 four times is exactly 1.0 in float64, and the spike condition is v >= theta.
    network = single_neuron(threshold=1.0, max_spikes=1)
    result = run(network, np.full((6, 1), 0.25))

    assert result.first_spike[0][0] == 3


def test_leaky_reset_decays_with_membrane():
    # Hand trace with theta 1, beta 0.5 and inputs 1.5, 1.0, 0.0.
    beta = 0.5
    network = Network(
        layers=(Layer(weights=[[1.0]], threshold=1.0, max_spikes=5, tau_m=1 / math.log(2)),),
    )
    assert network.leak_factors()[0] == pytest.approx(beta)
    result = run(network, np.array([[1.5], [1.0], [0.0]]), record_potentials=True)

    # step 0: v = 1.5 -> 1 spike, post 0.5; step 1: v = 0.25 + 1.0 = 1.25 -> 1 spike, post
    # 0.25; step 2: v = 0.125 -> no spike.
    assert result.counts[0][:, 0].tolist() == [1, 1, 0]
    np.testing.assert_allclose(result.v_pre[0][:, 0], [1.5, 1.25, 0.125])


def test_nonleaky_reset_keeps_subtracted_threshold():
    # Leaky neuron (beta = 0.5) with non-leaky reset: v = V - theta * spikes so far.
    network = Network(
        layers=(
            Layer(weights=[[1.0]], threshold=1.0, max_spikes=5, tau_m=1 / math.log(2), reset="nonleaky"),
        ),
    )
    result = run(network, np.array([[1.5], [1.0], [0.0]]), record_potentials=True)

    # V = 1.5, 1.75, 0.875; spikes: step 0 one (v = 1.5), step 1 v = 1.75 - 1 = 0.75 none,
    # step 2 v = 0.875 - 1 < 0.
    assert result.counts[0][:, 0].tolist() == [1, 0, 0]
    np.testing.assert_allclose(result.v_pre[0][:, 0], [1.5, 0.75, -0.125])


def test_delay_shifts_input_by_whole_steps():
    network = single_neuron(threshold=1.0, delays=[[3]])
    inputs = np.zeros((8, 1))
    inputs[1, 0] = 1.0

    result = run(network, inputs)

    assert result.first_spike[0][0] == 4


def test_lateral_kernel_is_zero_in_spike_step():
    # Neuron 0 fires in step 0; neuron 1 gets lateral weight 1 with kernel 1 - beta**n.
    beta = 0.5
    layer = Layer(
        weights=[[1.0], [0.0]],
        threshold=[1.0, 10.0],
        max_spikes=1,
        tau_m=1 / math.log(2),
        lateral=[[0.0, 0.0], [1.0, 0.0]],
    )
    result = run(Network(layers=(layer,)), np.array([[1.0], [0.0], [0.0]]), record_potentials=True)

    np.testing.assert_allclose(result.v_pre[0][:, 1], [0.0, 1 - beta, 1 - beta**2])


def test_readout_integrates_weighted_spikes():
    layer = Layer(weights=[[1.0]], threshold=1.0, max_spikes=3, reset="nonleaky")
    network = Network(layers=(layer,), readout=Readout(weights=[[2.0]], bias=0.5))

    result = run(network, np.array([[2.0], [0.0], [1.0]]))

    # spikes: 2, 0, 1 -> u = 0.5 + 4, + 0.5, + 0.5 + 2
    np.testing.assert_allclose(result.output[:, 0], [4.5, 5.0, 7.5])


def test_batch_matches_single_runs():
    case = random_case(np.random.default_rng(3), n_samples=4)
    batched = run(case.network, case.inputs)

    for sample in range(4):
        single = run(case.network, case.inputs[sample])
        for layer in range(len(case.network.layers)):
            np.testing.assert_array_equal(batched.counts[layer][sample], single.counts[layer])
        np.testing.assert_array_equal(batched.output[sample], single.output)


def test_runs_start_from_rest():
    case = random_case(np.random.default_rng(5))
    first = run(case.network, case.inputs)
    second = run(case.network, case.inputs)

    np.testing.assert_array_equal(first.output, second.output)


@pytest.mark.parametrize("seed", range(60))
def test_kernel_matches_reference(seed):
    rng = np.random.default_rng(1000 + seed)
    case = random_case(rng, max_budget=6, n_samples=1)
    result = run(case.network, case.inputs[0])

    reference_counts, reference_output = reference_run(case.network, case.inputs[0])

    for layer, expected in enumerate(reference_counts):
        np.testing.assert_array_equal(result.counts[layer], expected, err_msg=case.description)
    np.testing.assert_allclose(result.output, reference_output, rtol=1e-10, atol=1e-10)


def test_empty_input_gives_no_spikes_and_zero_output():
    layer = Layer(weights=np.ones((3, 2)), threshold=1.0, max_spikes=4)
    network = Network(layers=(layer,), readout=Readout(weights=np.ones((1, 3))))

    result = run(network, np.zeros((20, 2)))

    assert result.spike_totals[0].sum() == 0
    assert not np.any(result.output)


@pytest.mark.parametrize("seed", range(30))
def test_fast_and_general_kernels_agree(seed):
    # Without delays and lateral synapses, and with a reset that decays like the membrane,
    # run() takes the fast kernel. Recording potentials sends the same network through the
    # general kernel. Both do the same float64 operations in the same order, so spikes and
    # read-out must be identical, not just close. A rounding difference alone shows only
    # where it moves a potential across a threshold; what this catches is a kernel that
    # computes something else. Sparse random inputs give steps with no input (bias only),
    # one input and several.
    rng = np.random.default_rng(seed)
    n_inputs, n, n_steps = 7, 12, 60
    layer = Layer(
        weights=rng.normal(0.0, 0.6, (n, n_inputs)),
        bias=rng.normal(0.0, 0.05, n),
        threshold=rng.uniform(0.3, 1.5, n),
        max_spikes=int(rng.integers(1, 6)),
        tau_m=None if seed % 3 == 0 else float(rng.uniform(2.0, 30.0)),
        reset="leaky",
    )
    network = Network(layers=(layer,), readout=Readout(weights=rng.normal(size=(2, n))))
    inputs = rng.uniform(0.0, 1.5, (3, n_steps, n_inputs)) * (rng.random((3, n_steps, n_inputs)) < 0.15)

    fast = run(network, inputs)
    general = run(network, inputs, record_potentials=True)

    np.testing.assert_array_equal(fast.counts[0], general.counts[0])
    np.testing.assert_array_equal(fast.first_spike[0], general.first_spike[0])
    np.testing.assert_array_equal(fast.output, general.output)
    assert fast.spike_totals[0].sum() > 0
