"""Digits classifiers: exact conversion on the whole test split, accuracy floor, cost by hand."""

import math

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from spikelib import (
    Layer,
    Network,
    Readout,
    check_multi_spike_exactness,
    run,
    to_multi_spike,
    to_single_spike,
)
from spikelib.digits import (
    Encoding,
    convert_classifier,
    cost_row,
    decision_steps,
    emulate_classifier,
    load_digits_split,
    random_hidden_layer,
    spike_features,
    train_classifier,
)

# Measured with these defaults (n = 100 hidden neurons, N_s = 4, leaky reset, 20 steps,
# split seed 0, weight seed 1): 93.1 % test accuracy. Chance is 10 %. The floor sits far
# above chance, so a broken encoder, read-out bias or label order fails, and 8 points below
# the measurement, so another scikit-learn version of the split or the ridge solver does not.
ACCURACY_FLOOR = 0.85


@pytest.fixture(scope="module")
def split():
    return load_digits_split()


def test_split_sizes_and_stratified(split):
    assert len(split.y_train) + len(split.y_test) == 1797
    assert len(split.y_test) == 450
    test_share = np.bincount(split.y_test, minlength=10) / len(split.y_test)
    train_share = np.bincount(split.y_train, minlength=10) / len(split.y_train)
    assert np.max(np.abs(test_share - train_share)) < 0.01


def test_split_pixels_scaled_to_unit(split):
    assert split.x_train.min() == 0.0
    assert split.x_train.max() == 1.0


@pytest.mark.parametrize("reset", ["leaky", "nonleaky"])
def test_ladder_same_predictions_whole_split(split, reset):
    classifier = train_classifier(split, 100, 4, reset=reset)
    converted = convert_classifier(classifier)
    inputs = classifier.encoding.encode(split.x_test)

    original = classifier.run(inputs=inputs)
    ladder = converted.run(inputs=inputs)

    assert converted.network.n_neurons == 400
    assert np.array_equal(
        original.final_output.argmax(axis=1), ladder.final_output.argmax(axis=1)
    )
    scale = np.max(np.abs(original.output))
    assert np.max(np.abs(original.output - ladder.output)) <= 1e-12 * scale
    assert np.array_equal(original.spike_totals[0].sum(axis=1), ladder.spike_totals[0].sum(axis=1))


def test_classifier_accuracy_above_floor(split):
    classifier = train_classifier(split, 100, 4)

    predictions = classifier.predict(split.x_test)

    assert np.mean(predictions == split.y_test) > ACCURACY_FLOOR


def test_readout_equals_ridge_scores(split):
    # The network's final read-out potentials must be the ridge model's scores on spike totals.
    classifier = train_classifier(split, 40, 3, alpha=2.0)
    hidden = Network(layers=(classifier.network.layers[0],))
    train_totals = run(hidden, classifier.encoding.encode(split.x_train)).spike_totals[0]
    test_totals = run(hidden, classifier.encoding.encode(split.x_test)).spike_totals[0]
    ridge = Ridge(alpha=2.0).fit(train_totals, np.eye(10)[split.y_train])

    scores = classifier.run(split.x_test).final_output

    assert np.allclose(scores, ridge.predict(test_totals), rtol=0, atol=1e-9)


def test_leaky_readout_equals_ridge_scores(split):
    # With a leaky read-out, a spike at step s counts beta_r ** (T - 1 - s) at the end.
    encoding = Encoding(n_steps=12)
    classifier = train_classifier(split, 30, 2, encoding=encoding, readout_tau_m=5.0)
    hidden = Network(layers=(classifier.network.layers[0],))
    beta = math.exp(-1.0 / 5.0)
    train_counts = run(hidden, encoding.encode(split.x_train)).counts[0]
    test_counts = run(hidden, encoding.encode(split.x_test)).counts[0]
    weights = beta ** (11 - np.arange(12))
    train_features = np.tensordot(train_counts, weights, axes=([1], [0]))
    test_features = np.tensordot(test_counts, weights, axes=([1], [0]))
    ridge = Ridge(alpha=1.0).fit(train_features, np.eye(10)[split.y_train])

    scores = classifier.run(split.x_test).final_output

    assert np.allclose(scores, ridge.predict(test_features), rtol=0, atol=1e-9)


def test_hidden_layers_share_first_neurons():
    small = random_hidden_layer(5, 2)
    large = random_hidden_layer(12, 2)

    assert np.array_equal(small.weights, large.weights[:5])
    assert np.array_equal(small.bias, large.bias[:5])


def test_spike_features_totals_without_leak():
    counts = np.array([[[1, 0], [2, 1], [0, 1]]])

    assert spike_features(counts, 1.0).tolist() == [[3.0, 2.0]]


def test_decision_steps_by_hand():
    # Sample 0: argmax 1, 0, 0, 0 -> final class 0 from step 1 on.
    # Sample 1: argmax 0, 1, 0, 1 -> the final class 1 holds only from step 3 on.
    # Sample 2: argmax 1 at every step -> decided at step 0.
    output = np.array(
        [
            [[0.0, 1.0], [2.0, 1.0], [3.0, 1.0], [4.0, 1.0]],
            [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]],
            [[0.0, 1.0], [0.0, 2.0], [0.0, 3.0], [0.0, 4.0]],
        ]
    )

    assert decision_steps(output).tolist() == [1, 3, 0]


def tiny_network() -> Network:
    # 2 inputs, 3 hidden LIF neurons with N_s = 2 and leaky reset, 2 read-out neurons.
    hidden = Layer(
        weights=[[2.5, 0.25], [1.5, 0.25], [0.5, 0.25]],
        threshold=1.0,
        max_spikes=2,
        tau_m=10.0,
        reset="leaky",
    )
    readout = Readout(weights=[[1.0, 2.0, 3.0], [-1.0, 1.0, 0.5]])
    return Network(layers=(hidden,), readout=readout)


def tiny_inputs() -> np.ndarray:
    # Image 0: input 0 jumps to 1 in step 0. Neuron 0 sits at 2.5 and fires 2 spikes (its
    # budget), neuron 1 at 1.5 fires 1, neuron 2 at 0.5 fires none; the remainders only decay.
    # Image 1: input 1 jumps to 4 in step 0, so every neuron sits at 1.0 and fires 1 spike.
    inputs = np.zeros((2, 6, 2))
    inputs[0, 0, 0] = 1.0
    inputs[1, 0, 1] = 4.0
    return inputs


def test_cost_multi_spike_tiny_by_hand():
    network = tiny_network()

    row = cost_row("multi", network, run(network, tiny_inputs()))

    assert row.neurons == 3
    assert row.afferent_synapses == 3 * 2
    assert row.efferent_synapses == 2 * 3
    assert row.lateral_synapses == 0
    # 3 spikes in each image.
    assert row.spikes_per_image == 3.0
    # Every spike reaches both read-out neurons: 3 * 2 events per image.
    assert row.synaptic_events_per_image == 6.0
    # Read-out potentials are constant from step 0 on: [4, -1] and [6, 0.5].
    assert row.decision_step == 0.0


def test_cost_ladder_tiny_by_hand():
    network = to_single_spike(tiny_network())

    row = cost_row("ladder", network, run(network, tiny_inputs()))

    assert row.neurons == 3 * 2
    assert row.afferent_synapses == 3 * 2 * 2
    assert row.efferent_synapses == 3 * 2 * 2
    # Per neuron N_s (N_s - 1) / 2 = 1 lateral synapse (rung 1 -> rung 2).
    assert row.lateral_synapses == 3 * 2 * 1 // 2
    assert row.self_synapses == 0
    # The ladder fires the same spikes: image 0 rungs 0_1, 0_2, 1_1; image 1 every rung 1.
    assert row.spikes_per_image == 3.0
    # Image 0: 3 spikes * 2 read-out synapses + lateral from rungs 0_1 and 1_1 = 8.
    # Image 1: 3 * 2 + lateral from rungs 0_1, 1_1, 2_1 = 9. Mean 8.5.
    assert row.synaptic_events_per_image == 8.5
    assert row.decision_step == 0.0


@pytest.mark.parametrize("reset", ["leaky", "nonleaky"])
def test_moebius_same_predictions_whole_split(split, reset):
    classifier = train_classifier(split, 40, 1, reset=reset)
    inputs = classifier.encoding.encode(split.x_test)
    budget = check_multi_spike_exactness(classifier.network, inputs, 2).suggested_budget

    report = check_multi_spike_exactness(classifier.network, inputs, budget)
    emulation = emulate_classifier(classifier, budget)

    assert report.exact
    assert np.array_equal(classifier.predict(inputs=inputs), emulation.predict(inputs=inputs))


def test_moebius_budget_too_small_not_exact(split):
    # With N_s = 2 every free drive must stay below 3 theta, and strong digits drive above it.
    classifier = train_classifier(split, 40, 1)
    inputs = classifier.encoding.encode(split.x_test)

    report = check_multi_spike_exactness(classifier.network, inputs, 2)

    assert not report.condition_holds
    assert report.suggested_budget > 2


def tiny_single_spike_network() -> Network:
    # 2 inputs, 2 single-spike LIF neurons with leaky reset, 2 read-out neurons.
    hidden = Layer(
        weights=[[2.5, 0.25], [0.5, 0.25]], threshold=1.0, max_spikes=1, tau_m=10.0, reset="leaky"
    )
    readout = Readout(weights=[[1.0, 2.0], [-1.0, 1.0]])
    return Network(layers=(hidden,), readout=readout)


def test_cost_moebius_tiny_by_hand():
    # N_s = 3: squarefree d = 1, 2, 3 with mu = 1, -1, -1, so Q(3) = 3 neurons per neuron.
    # Input 0 jumps to 1 in step 0: neuron 0 sits at 2.5 < (3 + 1) theta and fires once,
    # neuron 1 at 0.5 never. Its emulation: M_1 fires floor(2.5) = 2 spikes, M_2 fires
    # floor(2.5 / 2) = 1, M_3 none; 2 - 1 - 0 = 1 is the original spike. The self-synapses
    # make the reset non-leaky, so M_1 stays at 2.5 beta**t - 2 < 1 and fires no more.
    network = to_multi_spike(tiny_single_spike_network(), 3)
    inputs = np.zeros((1, 6, 2))
    inputs[0, 0, 0] = 1.0

    row = cost_row("emulation", network, run(network, inputs))

    assert row.neurons == 2 * 3
    assert row.afferent_synapses == 2 * 3 * 2
    assert row.efferent_synapses == 2 * 3 * 2
    assert row.lateral_synapses == 0
    assert row.self_synapses == 2 * 3
    assert row.spikes_per_image == 3.0
    # Each spike reaches 2 read-out neurons and its own self-synapse: 3 * (2 + 1) events.
    assert row.synaptic_events_per_image == 9.0


def test_encoding_rejects_unknown_kind():
    with pytest.raises(ValueError, match="encoding kind"):
        Encoding(kind="rate")


def test_hidden_layer_rejects_zero_neurons():
    with pytest.raises(ValueError, match="n_hidden"):
        random_hidden_layer(0, 2)
