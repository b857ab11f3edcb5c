"""Moebius cancellation (single to multi spike): hand cases, random networks, the exactness report."""

import math
import warnings

import numpy as np
import pytest

from spikelib import (
    Layer,
    MultiSpikeExactnessError,
    MultiSpikeExactnessWarning,
    Network,
    Readout,
    check_multi_spike_exactness,
    free_drive,
    moebius_index,
    moebius_sum,
    network_cost,
    run,
    to_multi_spike,
    to_single_spike,
)
from spikelib.check import compare_moebius, random_single_spike_case
from spikelib.moebius import smallest_exact_budget
from spikelib.random_networks import random_case

HALF_LIFE_ONE_STEP = 1 / math.log(2)  # tau_m that gives beta = 0.5 with dt = 1


def one_neuron(**layer_options) -> Network:
    layer = Layer(weights=[[1.0]], threshold=1.0, max_spikes=1, **layer_options)
    return Network(layers=(layer,), readout=Readout(weights=[[1.0]]))


def reference_drives(network: Network, inputs: np.ndarray) -> list[np.ndarray]:
    """Free drives computed layer by layer with a threshold that no drive reaches.

    Each layer runs alone on the spikes that the layer before it fired in the original
    network. Lateral synapses are left out, which is exact for the networks used here:
    their kernel 1 - rho is 0 with non-leaky reset or without leak.
    """
    original = run(network, inputs)
    drives = []
    layer_input = inputs
    for index, layer in enumerate(network.layers):
        silent = Layer(
            weights=layer.weights,
            threshold=1e12,
            max_spikes=1,
            tau_m=layer.tau_m,
            reset=layer.reset,
            bias=layer.bias,
            delays=layer.delays,
        )
        result = run(Network(layers=(silent,), dt=network.dt), layer_input, record_potentials=True)
        drives.append(result.v_pre[0])
        layer_input = original.counts[index].astype(np.float64)
    return drives


def test_ramp_to_three_and_a_half_by_hand():
    # Drive 1, 2, 3, 3.5 with theta 1 and N_s = 4: M_1 fires at levels 1, 2, 3, M_2 at 2,
    # M_3 at 3 (4 is not squarefree, so there is no M_4). Weighted: 3 - 1 - 1 = 1.
    converted = to_multi_spike(one_neuron(reset="nonleaky"), 4)
    inputs = np.array([[1.0], [1.0], [1.0], [0.5]])

    result = run(converted, inputs)

    assert converted.layers[0].threshold.tolist() == [1.0, 2.0, 3.0]
    assert result.spike_totals[0].tolist() == [3, 1, 1]
    assert converted.readout.weights.tolist() == [[1.0, -1.0, -1.0]]
    assert moebius_sum(result.counts[0], 4)[:, 0].tolist() == [1, 0, 0, 0]
    assert result.output[:, 0].tolist() == [1.0, 1.0, 1.0, 1.0]


def test_jump_to_three_and_a_half_by_hand():
    # The same levels crossed in one step: M_1 emits 3 spikes in step 0, M_2 and M_3 one each.
    converted = to_multi_spike(one_neuron(reset="nonleaky"), 4)

    result = run(converted, np.array([[3.5], [0.0]]))

    assert result.counts[0][0].tolist() == [3, 1, 1]
    assert moebius_sum(result.counts[0], 4)[:, 0].tolist() == [1, 0]


def test_budget_one_returns_original():
    rng = np.random.default_rng(3)
    layer = Layer(
        weights=rng.uniform(-1, 1, (3, 2)),
        threshold=rng.uniform(0.5, 1.5, 3),
        max_spikes=1,
        tau_m=5.0,
        reset="leaky",
        bias=0.1,
        delays=rng.integers(0, 3, (3, 2)),
        lateral=np.tril(rng.normal(size=(3, 3)), k=-1),
    )
    network = Network(layers=(layer,), readout=Readout(weights=rng.normal(size=(1, 3))))

    converted = to_multi_spike(network, 1)
    same = converted.layers[0]

    np.testing.assert_array_equal(same.weights, layer.weights)
    np.testing.assert_array_equal(same.threshold, layer.threshold)
    np.testing.assert_array_equal(same.delays, layer.delays)
    np.testing.assert_array_equal(same.lateral, layer.lateral)
    np.testing.assert_array_equal(converted.readout.weights, network.readout.weights)
    assert same.reset == "leaky"
    assert same.max_spikes == 1


def test_neuron_order_and_signs():
    # Squarefree d <= 6: 1, 2, 3, 5, 6 with mu = 1, -1, -1, -1, 1.
    layer = Layer(weights=[[1.0], [0.5]], threshold=[1.0, 2.0], max_spikes=1, reset="nonleaky")
    network = Network(layers=(layer,), readout=Readout(weights=[[3.0, 4.0]]))

    converted = to_multi_spike(network, 6)

    assert converted.layers[0].threshold.tolist() == [1, 2, 3, 5, 6, 2, 4, 6, 10, 12]
    assert converted.readout.weights.tolist() == [[3, -3, -3, -3, 3, 4, -4, -4, -4, 4]]
    assert moebius_index(1, 5, 6) == 8
    assert converted.layers[0].weights[:, 0].tolist() == [1.0] * 5 + [0.5] * 5


def test_second_layer_weights_get_signs_of_first():
    first = Layer(weights=[[1.0]], threshold=1.0, max_spikes=1, reset="nonleaky")
    second = Layer(weights=[[2.0]], threshold=1.0, max_spikes=1, reset="nonleaky", delays=[[2]])
    converted = to_multi_spike(Network(layers=(first, second)), 3)

    # Every M_d of the second layer receives 2 * mu(e) from M_e of the first, delay 2.
    assert converted.layers[1].weights.tolist() == [[2.0, -2.0, -2.0]] * 3
    assert converted.layers[1].delays.tolist() == [[2, 2, 2]] * 3


def test_moebius_index_rejects_non_squarefree():
    with pytest.raises(ValueError, match="d must be a squarefree integer in \\[1, 8\\]"):
        moebius_index(0, 4, 8)


def test_rejects_multi_spike_layer():
    network = Network(layers=(Layer(weights=[[1.0]], max_spikes=3),))

    with pytest.raises(ValueError, match=r"layers\[0\] has max_spikes=3"):
        to_multi_spike(network, 4)


def test_rejects_bad_budget():
    with pytest.raises(ValueError, match="max_spikes must be an integer"):
        to_multi_spike(one_neuron(), 0)


def test_rejects_leaky_reset_with_lateral():
    layer = Layer(weights=[[1.0], [1.0]], max_spikes=1, tau_m=5.0, lateral=[[0, 0], [0.5, 0]])

    with pytest.raises(ValueError, match=r"layers\[0\] has leaky reset .* lateral synapses"):
        to_multi_spike(Network(layers=(layer,)), 2)


def test_leaves_input_network_unchanged():
    case, budget = random_single_spike_case(np.random.default_rng(8))
    weights_before = [layer.weights.copy() for layer in case.network.layers]

    to_multi_spike(case.network, budget)

    for layer, before in zip(case.network.layers, weights_before):
        np.testing.assert_array_equal(layer.weights, before)
    assert case.network.converted_from == ()


def test_conversion_recorded_in_repr():
    converted = to_multi_spike(one_neuron(tau_m=4.0), 5)

    assert "to_multi_spike with max_spikes=5" in converted.converted_from[-1]
    assert "to_multi_spike with max_spikes=5" in repr(converted)


def test_leaky_reset_becomes_nonleaky():
    converted = to_multi_spike(one_neuron(tau_m=HALF_LIFE_ONE_STEP, reset="leaky"), 2)

    assert converted.layers[0].reset == "nonleaky"
    assert converted.layers[0].reset_self_synapses


def test_leaky_reset_by_hand():
    # beta = 0.5, theta = 1, inputs 1.5, 1.0, 0.0: drive V = 1.5, 1.75, 0.875, so S fires in
    # step 0. With the self-synapse (non-leaky reset) M_1 sees 1.5, 0.75, -0.125 and fires
    # once; M_2 (threshold 2) never fires.
    network = one_neuron(tau_m=HALF_LIFE_ONE_STEP, reset="leaky")
    inputs = np.array([[1.5], [1.0], [0.0]])

    result = run(to_multi_spike(network, 2), inputs)

    assert result.counts[0][:, 0].tolist() == [1, 0, 0]
    assert moebius_sum(result.counts[0], 2)[:, 0].tolist() == [1, 0, 0]


def test_plain_scaling_wrong_for_leaky_reset():
    # Without the self-synapse, M_1 keeps its leaky reset: 1.5 -> spike, then
    # 0.5 * 0.5 + 1.0 = 1.25 -> a second spike, which nothing cancels (M_2 stays silent).
    plain = Layer(weights=[[1.0], [1.0]], threshold=[1.0, 2.0], max_spikes=2, tau_m=HALF_LIFE_ONE_STEP)
    network = Network(layers=(plain,))

    result = run(network, np.array([[1.5], [1.0], [0.0]]))

    assert moebius_sum(result.counts[0], 2)[:, 0].tolist() == [1, 1, 0]


def test_cost_counts_self_synapses():
    layer = Layer(weights=np.ones((3, 2)), max_spikes=1, tau_m=5.0, reset="leaky")
    network = Network(layers=(layer,), readout=Readout(weights=np.ones((1, 3))))

    cost = network_cost(to_multi_spike(network, 10))

    # Q(10) = 7 emulating neurons per neuron, each with one self-synapse.
    assert cost.self_synapses == 21
    assert cost.synapses == 21 * 2 + 21 + 21


def test_cost_nonleaky_has_no_self_synapses():
    layer = Layer(weights=np.ones((3, 2)), max_spikes=1, reset="nonleaky")

    cost = network_cost(to_multi_spike(Network(layers=(layer,)), 10))

    assert cost.self_synapses == 0


def test_cost_growth_two_layers():
    # Squarefree d <= 8: 1, 2, 3, 5, 6, 7, so Q(8) = 6. Synapses between converted layers grow by Q * Q, into the read-out by Q.
    rng = np.random.default_rng(4)
    first = Layer(weights=rng.uniform(0.1, 1, (4, 3)), max_spikes=1, reset="nonleaky")
    second = Layer(weights=rng.uniform(0.1, 1, (2, 4)), max_spikes=1, reset="nonleaky")
    network = Network(layers=(first, second), readout=Readout(weights=rng.normal(size=(1, 2))))

    cost = network_cost(to_multi_spike(network, 8))

    assert [layer.neurons for layer in cost.layers] == [24, 12]
    assert cost.layers[0].afferent_synapses == 6 * 12
    assert cost.layers[1].afferent_synapses == 36 * 8
    assert cost.readout_synapses == 6 * 2
    assert [layer.max_spikes for layer in cost.layers] == [8, 8]


def test_free_drive_matches_silent_reference():
    rng = np.random.default_rng(21)
    for trial in range(40):
        case, _ = random_single_spike_case(rng, reset="leaky" if trial % 2 else "nonleaky")
        drives = free_drive(case.network, case.inputs)
        expected = reference_drives(case.network, case.inputs)
        for drive, reference in zip(drives, expected):
            np.testing.assert_allclose(drive, reference, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reset", ["leaky", "nonleaky"])
def test_exact_on_random_networks(reset):
    rng = np.random.default_rng(20260403 if reset == "leaky" else 20260404)
    failures = []
    for trial in range(110):
        case, budget = random_single_spike_case(rng, reset=reset)
        problems = compare_moebius(case.network, case.inputs, budget)
        if problems:
            failures.append(f"trial {trial} ({case.description}): {problems[0]}")
    assert failures == []


def test_random_single_spike_cases_cover_hard_features():
    rng = np.random.default_rng(20260403)
    drawn = [random_single_spike_case(rng, reset="leaky") for _ in range(110)]
    layers = [layer for case, _ in drawn for layer in case.network.layers]
    budgets = [budget for _, budget in drawn]

    assert any(len(case.network.layers) == 2 for case, _ in drawn)
    assert any(layer.delays is not None for layer in layers)
    assert any(np.any(layer.weights < 0) for layer in layers)
    assert any(layer.tau_m is not None for layer in layers)
    assert all(layer.max_spikes == 1 for layer in layers)
    assert sum(budget >= 8 for budget in budgets) > 20


def test_violation_report_names_neurons():
    rng = np.random.default_rng(99)
    checked = 0
    while checked < 30:
        case, budget = random_single_spike_case(rng, extra_budget=0)
        if budget < 2:
            continue
        drives = reference_drives(case.network, case.inputs)
        too_small = budget - 1

        report = check_multi_spike_exactness(case.network, case.inputs, too_small)

        expected_cases = set()
        expected_budget = 1
        for index, (layer, drive) in enumerate(zip(case.network.layers, drives)):
            peak = drive.max(axis=1)
            for sample, neuron in zip(*np.nonzero(peak >= (too_small + 1) * layer.threshold)):
                expected_cases.add((index, int(neuron), int(sample)))
            for value, theta in zip(peak.max(axis=0), layer.threshold):
                expected_budget = max(expected_budget, max(1, math.floor(value / theta)))
        named = {(v.layer, v.neuron, v.sample) for v in report.violations}
        assert not report.exact, case.description
        assert named == expected_cases, case.description
        assert report.suggested_budget == expected_budget, case.description
        checked += 1


def test_violation_by_hand():
    # theta = 1, budget 4 (M_1, M_2, M_3), drive rising by 1 per step to 6.25. At level 6,
    # M_1 is capped at 4 spikes while M_2 has 3 and M_3 has 2: 4 - 3 - 2 = -1. In step 5
    # M_2 and M_3 each fire once more and M_1 cannot, so the weighted count is -2.
    network = one_neuron(reset="nonleaky")
    inputs = np.array([[1.0], [1.0], [1.0], [1.0], [1.0], [1.25]])

    report = check_multi_spike_exactness(network, inputs, 4)
    violation = report.violations[0]

    assert (violation.layer, violation.neuron, violation.sample, violation.step) == (0, 0, 0, 5)
    assert violation.excess == 1.25
    assert report.suggested_budget == 6
    assert report.mismatches[0].step == 5
    assert report.mismatches[0].weighted_sum == -2
    assert "layer 0, neuron 0, sample 0" in str(report)
    assert "max_spikes=6" in str(report)
    assert not report.condition_by_neuron(0)[0]


def test_violation_with_lucky_agreement():
    # Drive 5.25 with budget 4: M_1 capped at 4, M_2 2, M_3 1, and 4 - 2 - 1 = 1 still. The
    # runs agree by coincidence; the report is still not exact because the condition fails.
    network = one_neuron(reset="nonleaky")
    inputs = np.array([[1.0], [1.0], [1.0], [1.0], [1.25]])

    report = check_multi_spike_exactness(network, inputs, 4)

    assert report.spikes_agree
    assert not report.condition_holds
    assert not report.exact


def test_drive_on_limit_is_violation():
    # The condition is strict: a drive of exactly (N_s + 1) * theta breaks it.
    report = check_multi_spike_exactness(one_neuron(reset="nonleaky"), np.array([[3.0]]), 2)

    assert not report.condition_holds
    assert report.suggested_budget == 3


def test_exact_report_for_safe_drive():
    report = check_multi_spike_exactness(one_neuron(reset="nonleaky"), np.array([[2.75]]), 2)

    assert report.exact
    assert report.suggested_budget == 2
    assert "exact" in repr(report)


def test_violation_warns_when_asked():
    with pytest.warns(MultiSpikeExactnessWarning, match="use max_spikes >= 7"):
        check_multi_spike_exactness(one_neuron(), np.array([[7.5]]), 3, on_violation="warn")


def test_violation_raises_when_asked():
    with pytest.raises(MultiSpikeExactnessError, match="layer 0, neuron 0, sample 0"):
        check_multi_spike_exactness(one_neuron(), np.array([[7.5]]), 3, on_violation="raise")


def test_violation_silent_by_default():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = check_multi_spike_exactness(one_neuron(), np.array([[7.5]]), 3)

    assert not report.exact


def test_check_rejects_unknown_on_violation():
    with pytest.raises(ValueError, match="on_violation must be one of"):
        check_multi_spike_exactness(one_neuron(), np.array([[1.0]]), 3, on_violation="loud")


def test_smallest_exact_budget_values():
    assert smallest_exact_budget(0.5, 1.0) == 1
    assert smallest_exact_budget(2.0, 1.0) == 2
    assert smallest_exact_budget(3.5, 1.0) == 3
    assert smallest_exact_budget(-1.0, 1.0) == 1


@pytest.mark.parametrize("reset", ["leaky", "nonleaky"])
def test_round_trip_single_multi_single(reset):
    rng = np.random.default_rng(31 if reset == "leaky" else 32)
    for _ in range(30):
        case, budget = random_single_spike_case(rng, reset=reset, max_budget=20)
        back = to_single_spike(to_multi_spike(case.network, budget))

        expected = run(case.network, case.inputs).output
        actual = run(back, case.inputs).output

        np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-12 * max(1, np.abs(expected).max()))


def test_round_trip_multi_single_multi_nonleaky():
    rng = np.random.default_rng(33)
    for _ in range(30):
        case = random_case(rng, reset="nonleaky", max_budget=6)
        single = to_single_spike(case.network)
        drives = free_drive(single, case.inputs)
        budget = max(
            smallest_exact_budget(float(drive.max(axis=(0, 1))[i]), float(layer.threshold[i]))
            for layer, drive in zip(single.layers, drives)
            for i in range(layer.n)
        )
        if budget > 30:
            continue
        multi = to_multi_spike(single, budget)

        expected = run(case.network, case.inputs).output
        actual = run(multi, case.inputs).output

        np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-12 * max(1, np.abs(expected).max()))


def test_round_trip_multi_single_multi_leaky_rejected():
    # The ladder of a leaky LIF layer has lateral synapses, which the Moebius step rejects.
    layer = Layer(weights=[[1.0]], threshold=1.0, max_spikes=3, tau_m=5.0, reset="leaky")
    single = to_single_spike(Network(layers=(layer,)))

    with pytest.raises(ValueError, match="lateral synapses"):
        to_multi_spike(single, 3)


def test_cost_round_trip_growth():
    # n single-spike neurons -> n * Q(N_s) multi-spike -> n * Q(N_s) * N_s single-spike.
    layer = Layer(weights=np.ones((5, 2)), max_spikes=1, reset="nonleaky")
    network = Network(layers=(layer,))

    there = network_cost(to_multi_spike(network, 12))
    back = network_cost(to_single_spike(to_multi_spike(network, 12)))

    # Squarefree numbers up to 12: 1, 2, 3, 5, 6, 7, 10, 11.
    assert there.neurons == 5 * 8
    assert back.neurons == 5 * 8 * 12
