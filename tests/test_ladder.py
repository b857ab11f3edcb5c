"""Threshold ladder (multi to single spike): exactness on random networks and by hand."""

import numpy as np
import pytest

from spikelib import Layer, Network, Readout, ladder_index, network_cost, run, to_single_spike
from spikelib.check import compare_ladder, kth_spike_steps
from spikelib.random_networks import random_case


@pytest.mark.parametrize("reset", ["leaky", "nonleaky"])
def test_ladder_exact_on_random_networks(reset):
    rng = np.random.default_rng(20260304 if reset == "leaky" else 20260305)
    failures = []
    for trial in range(200):
        case = random_case(rng, reset=reset)
        problems = compare_ladder(case.network, case.inputs)
        if problems:
            failures.append(f"trial {trial} ({case.description}): {problems[0]}")
    assert failures == []


def test_random_cases_cover_hard_features():
    # The exactness test above only means something if the random cases include these.
    rng = np.random.default_rng(20260304)
    cases = [random_case(rng, reset="leaky") for _ in range(200)]
    layers = [layer for case in cases for layer in case.network.layers]
    results = [run(case.network, case.inputs) for case in cases]

    assert any(len(case.network.layers) == 2 for case in cases)
    assert any(layer.delays is not None for layer in layers)
    assert any(np.any(layer.weights < 0) for layer in layers)
    assert any(layer.max_spikes == 16 for layer in layers)
    assert any(layer.max_spikes == 1 for layer in layers)
    assert any(layer.tau_m is not None for layer in layers)
    multi_crossings = sum(int((counts >= 2).sum()) for r in results for counts in r.counts)
    assert multi_crossings > 100


def test_ladder_by_hand_nonleaky():
    # Neuron with theta = 1, budget 3 and input 2.5 in step 0, 1.0 in step 2: the original
    # fires 2 spikes in step 0 and its 3rd in step 2 (v = 0.5 + 1.0 = 1.5).
    network = Network(layers=(Layer(weights=[[1.0]], threshold=1.0, max_spikes=3, reset="nonleaky"),))
    ladder = to_single_spike(network)
    inputs = np.array([[2.5], [0.0], [1.0], [0.0]])

    result = run(ladder, inputs)

    assert ladder.layers[0].threshold.tolist() == [1.0, 2.0, 3.0]
    assert ladder.layers[0].lateral is None
    assert result.first_spike[0].tolist() == [0, 0, 2]


def test_ladder_leaky_adds_lateral_synapses():
    layer = Layer(weights=[[1.0], [0.5]], threshold=[1.0, 2.0], max_spikes=4, tau_m=10.0)
    ladder = to_single_spike(Network(layers=(layer,)))

    lateral = ladder.layers[0].lateral
    assert lateral.shape == (8, 8)
    # Ladder of neuron 1 (indices 4..7): rung k gets weight theta = 2 from every lower rung.
    assert lateral[ladder_index(1, 4, 4), ladder_index(1, 1, 4)] == 2.0
    assert np.count_nonzero(lateral) == 2 * 4 * 3 // 2
    assert network_cost(ladder).lateral_synapses == 12


def test_ladder_neuron_count_and_synapses():
    rng = np.random.default_rng(7)
    hidden = Layer(weights=rng.uniform(0.1, 1, (5, 3)), threshold=1.0, max_spikes=4, tau_m=5.0)
    second = Layer(weights=rng.uniform(0.1, 1, (2, 5)), threshold=1.0, max_spikes=3, tau_m=5.0)
    network = Network(layers=(hidden, second), readout=Readout(weights=rng.normal(size=(1, 2))))

    before = network_cost(network)
    after = network_cost(to_single_spike(network))

    assert [layer.neurons for layer in after.layers] == [20, 6]
    assert after.layers[0].afferent_synapses == 4 * 15
    # 5 x 2 synapses between the layers become (5 * 4) x (2 * 3).
    assert after.layers[1].afferent_synapses == 10 * 12
    assert after.readout_synapses == 2 * 3
    assert after.lateral_synapses == 5 * 6 + 2 * 3
    assert before.lateral_synapses == 0


def test_ladder_leaves_input_network_unchanged():
    case = random_case(np.random.default_rng(11))
    weights_before = [layer.weights.copy() for layer in case.network.layers]

    to_single_spike(case.network)

    for layer, before in zip(case.network.layers, weights_before):
        np.testing.assert_array_equal(layer.weights, before)
    assert case.network.converted_from == ()


def test_converted_network_records_origin():
    case = random_case(np.random.default_rng(12))
    converted = to_single_spike(case.network)

    assert "to_single_spike" in converted.converted_from[-1]
    assert "to_single_spike" in repr(converted)


def test_single_spike_network_converts_to_itself():
    layer = Layer(weights=[[1.0, -0.5]], threshold=0.7, max_spikes=1, tau_m=4.0)
    network = Network(layers=(layer,), readout=Readout(weights=[[1.0]]))

    converted = to_single_spike(network)

    np.testing.assert_array_equal(converted.layers[0].weights, layer.weights)
    np.testing.assert_array_equal(converted.layers[0].threshold, layer.threshold)


def test_kth_spike_steps_counts_multiple_spikes_per_step():
    counts = np.array([[[0], [2], [0], [1]]])

    assert kth_spike_steps(counts, 1)[0, 0] == 1
    assert kth_spike_steps(counts, 2)[0, 0] == 1
    assert kth_spike_steps(counts, 3)[0, 0] == 3
    assert kth_spike_steps(counts, 4)[0, 0] == -1


def test_check_command_counts_trials(capsys):
    from spikelib.__main__ import main

    status = main(["check", "--trials", "4", "--seed", "3"])

    assert status == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "4 passed, 0 failed"


def test_check_command_reports_failing_trial(capsys, monkeypatch):
    import spikelib.check
    from spikelib.__main__ import main

    monkeypatch.setattr(spikelib.check, "compare_ladder", lambda network, inputs: ["broken"])

    status = main(["check", "--trials", "2"])

    lines = capsys.readouterr().out.strip().splitlines()
    assert status == 1
    assert lines[-1] == "0 passed, 2 failed"
    assert lines[0].startswith("FAIL trial 0: ladder (")
