"""Function approximation: exact conversions, falling errors, the quantised-ReLU picture."""

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest

import spikelib.approximation as approximation_module
from spikelib import Layer, Network, Readout, run, to_single_spike
from spikelib.approximation import (
    DEFAULT_STEPS,
    ConversionMismatchError,
    ConversionMismatchWarning,
    approximate_target,
    column,
    convert_approximation,
    encode,
    fit_readout,
    ramp_layer,
    random_layer,
    readout_features,
    sweep,
)
from spikelib.targets import TARGETS, check_points, get_target, midpoint_grid, training_points


def relative_difference(first: float, second: float) -> float:
    return abs(first - second) / max(abs(first), abs(second))


def hand_errors(prediction: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    difference = prediction - y
    return float(np.max(np.abs(difference))), float(np.sqrt(np.mean(difference**2)))


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("encoder", ["current", "latency"])
@pytest.mark.parametrize("reset", ["leaky", "nonleaky"])
def test_conversion_keeps_errors(target, encoder, reset):
    # Leaky neurons (tau_m = 4 T), so that the two reset kinds give different networks.
    tau_m = 4.0 * DEFAULT_STEPS[encoder]
    for kind, readout_tau_m in [("counts", None), ("potential", 20.0), ("first_spike", None)]:
        outcome = approximate_target(
            target, 6, 3, encoder=encoder, reset=reset, tau_m=tau_m, kind=kind,
            readout_tau_m=readout_tau_m, grid_size=60 if TARGETS[target].dim == 1 else 12,
        )
        original = hand_errors(outcome.approximation.predict(outcome.x_test), outcome.y_test)
        converted = hand_errors(outcome.single.predict(outcome.x_test), outcome.y_test)

        assert outcome.single.network.layers[0].n == 18, kind
        assert outcome.single.network.layers[0].max_spikes == 1, kind
        assert original[0] > 1e-6, kind
        assert relative_difference(original[0], converted[0]) <= 1e-12, kind
        assert relative_difference(original[1], converted[1]) <= 1e-12, kind
        assert outcome.agree, kind


def test_conversion_keeps_readout_weights():
    outcome = approximate_target("sine", 5, 4, tau_m=64.0)
    original = outcome.approximation.network.readout
    converted = outcome.single.network.readout

    assert np.array_equal(converted.weights, np.repeat(original.weights, 4, axis=1))
    assert np.array_equal(converted.bias, original.bias)


def test_leaky_reset_changes_network():
    # Guards the reset parametrisation above: with tau_m set, the reset kind matters.
    leaky = approximate_target("sine", 6, 3, tau_m=64.0, reset="leaky")
    nonleaky = approximate_target("sine", 6, 3, tau_m=64.0, reset="nonleaky")

    assert leaky.single.network.layers[0].lateral is not None
    assert nonleaky.single.network.layers[0].lateral is None
    assert leaky.errors[0] != nonleaky.errors[0]


def test_sweep_sine_error_falls():
    rows = sweep("sine", [2, 64], [4], tau_m=64.0)

    assert rows[1]["sup_error"] <= 0.5 * rows[0]["sup_error"]
    assert rows[1]["l2_error"] <= 0.5 * rows[0]["l2_error"]


def test_sweep_rows_count_neurons():
    rows = sweep("kink", [3, 5], [1, 4], tau_m=64.0)

    assert column(rows, "n").tolist() == [3, 3, 5, 5]
    assert column(rows, "single_neurons").tolist() == [3, 12, 5, 20]
    # Read-out synapses: one per neuron (n_in = 1 afferent each, plus one efferent).
    assert column(rows, "synapses").tolist() == [6, 6, 10, 10]
    assert column(rows, "spikes").tolist() == column(rows, "single_spikes").tolist()
    assert all(column(rows, "agree"))


def test_sweep_reproducible_from_seed():
    first = sweep("sine2d", [4], [2], seed=7, grid_size=8)
    second = sweep("sine2d", [4], [2], seed=7, grid_size=8)
    other = sweep("sine2d", [4], [2], seed=8, grid_size=8)

    assert first == second
    assert first[0]["sup_error"] != other[0]["sup_error"]


def test_mismatch_raises(monkeypatch):
    def broken_ladder(network):
        converted = to_single_spike(network)
        readout = converted.readout
        shifted = Readout(weights=readout.weights, bias=readout.bias + 1e-3, tau_m=readout.tau_m)
        return Network(layers=converted.layers, readout=shifted, dt=converted.dt)

    monkeypatch.setattr(approximation_module, "to_single_spike", broken_ladder)

    with pytest.raises(ConversionMismatchError):
        approximate_target("sine", 4, 2)


def test_mismatch_warns_on_request(monkeypatch):
    def broken_ladder(network):
        converted = to_single_spike(network)
        readout = converted.readout
        shifted = Readout(weights=readout.weights * 1.01, bias=readout.bias, tau_m=readout.tau_m)
        return Network(layers=converted.layers, readout=shifted, dt=converted.dt)

    monkeypatch.setattr(approximation_module, "to_single_spike", broken_ladder)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outcome = approximate_target("sine", 4, 2, on_mismatch="warn")

    assert not outcome.agree
    assert any(issubclass(w.category, ConversionMismatchWarning) for w in caught)


# The quantised ReLU: dyadic slopes, offsets, inputs and thresholds keep every float sum exact.
SLOPES = [Fraction(1, 2), Fraction(3, 4), Fraction(5, 4), Fraction(-1, 2), Fraction(2)]
OFFSETS = [Fraction(-1, 8), Fraction(0), Fraction(1, 4), Fraction(1, 2), Fraction(-1, 4)]
THRESHOLDS = [Fraction(1), Fraction(1, 2), Fraction(3, 4), Fraction(1), Fraction(1, 4)]
POINTS = [Fraction(k, 8) for k in range(9)]
STEPS = 8
BUDGET = 5


def staircase_by_hand(a: Fraction, b: Fraction, x: Fraction, theta: Fraction) -> int:
    drive = max(Fraction(0), a * x + b) * STEPS
    return min(BUDGET, math.floor(drive / theta))


def quantised_relu_network(reset: str) -> Network:
    layer = Layer(
        weights=np.array([[float(a)] for a in SLOPES]),
        threshold=np.array([float(t) for t in THRESHOLDS]),
        max_spikes=BUDGET,
        tau_m=None,
        reset=reset,
        bias=np.array([float(b) for b in OFFSETS]),
    )
    return Network(layers=(layer,))


@pytest.mark.parametrize("reset", ["leaky", "nonleaky"])
def test_spike_counts_quantised_relu(reset):
    inputs = encode(np.array([[float(x)] for x in POINTS]), "current", STEPS)
    totals = run(quantised_relu_network(reset), inputs).spike_totals[0]
    expected = [
        [staircase_by_hand(a, b, x, t) for a, b, t in zip(SLOPES, OFFSETS, THRESHOLDS)]
        for x in POINTS
    ]

    assert totals.tolist() == expected
    # The table must contain saturated, silent and intermediate neurons.
    assert np.any(totals == BUDGET)
    assert np.any(totals == 0)
    assert np.any((totals > 0) & (totals < BUDGET))


@pytest.mark.parametrize("reset", ["leaky", "nonleaky"])
def test_ladder_neurons_heaviside_steps(reset):
    inputs = encode(np.array([[float(x)] for x in POINTS]), "current", STEPS)
    fired = run(to_single_spike(quantised_relu_network(reset)), inputs).spike_totals[0]

    for neuron, (a, b, t) in enumerate(zip(SLOPES, OFFSETS, THRESHOLDS)):
        for k in range(1, BUDGET + 1):
            expected = [int((a * x + b) * STEPS >= k * t) for x in POINTS]
            assert fired[:, neuron * BUDGET + k - 1].tolist() == expected, (neuron, k)
        staircase = [staircase_by_hand(a, b, x, t) for x in POINTS]
        assert fired[:, neuron * BUDGET : (neuron + 1) * BUDGET].sum(axis=1).tolist() == staircase


@pytest.mark.parametrize("tau_m", [None, 40.0])
def test_ramp_layer_steps_on_grid(tau_m):
    # Non-leaky reset: neuron i counts the grid points j / (n N_s + 1) in (c_i, x], up to N_s.
    n, budget = 5, 3
    layer = ramp_layer(n, budget, tau_m=tau_m, reset="nonleaky")
    x = midpoint_grid(1, 96)  # (2j + 1) / 192 is never k / 16: no point on a staircase step
    totals = run(Network(layers=(layer,)), encode(x, "current", DEFAULT_STEPS["current"])).spike_totals[0]
    passed = np.floor(x[:, 0] * (n * budget + 1)).astype(int)
    expected = np.clip(passed[:, None] - budget * np.arange(n)[None, :], 0, budget)

    assert totals.tolist() == expected.tolist()


def test_latency_ramp_layer_steps_near_grid():
    # Latency quantises x to steps of 1 / (T - 1): a staircase step may move by that much.
    n, budget, steps = 4, 2, 129
    layer = ramp_layer(n, budget, encoder="latency", n_steps=steps, reset="nonleaky")
    x = midpoint_grid(1, 200)
    totals = run(Network(layers=(layer,)), encode(x, "latency", steps)).spike_totals[0]
    passed = np.floor(x[:, 0] * (n * budget + 1)).astype(int)
    expected = np.clip(passed[:, None] - budget * np.arange(n)[None, :], 0, budget)
    breakpoints = np.arange(1, n * budget + 1) / (n * budget + 1)
    far = np.min(np.abs(x[:, 0:1] - breakpoints[None, :]), axis=1) > 1.0 / (steps - 1)

    assert totals[far].tolist() == expected[far].tolist()


def test_fit_recovers_staircase_exactly():
    n, budget = 4, 3
    layer = ramp_layer(n, budget, reset="nonleaky")
    x = training_points(1, 300, seed=1)
    count_1 = np.clip(np.floor(x[:, 0] * (n * budget + 1)) - budget, 0, budget)
    y = 2.0 + 3.0 * count_1

    fitted = fit_readout(layer, x, y)

    assert np.allclose(fitted.predict(x), y, rtol=0, atol=1e-12)
    assert fitted.network.readout.bias[0] == pytest.approx(2.0 / DEFAULT_STEPS["current"])


def test_fit_constant_leaky_readout():
    # Bias b added in every step of a read-out with leak beta gives b (1 - beta^T) / (1 - beta).
    layer = ramp_layer(3, 2)
    x = training_points(1, 50, seed=2)

    fitted = fit_readout(layer, x, np.full(50, 5.0), kind="potential", readout_tau_m=10.0)

    beta = math.exp(-1.0 / 10.0)
    steps = DEFAULT_STEPS["current"]
    assert fitted.network.readout.bias[0] == pytest.approx(5.0 * (1 - beta) / (1 - beta**steps))
    assert np.allclose(fitted.predict(x), 5.0, rtol=0, atol=1e-12)


def test_first_spike_never_fired_is_T():
    layer = Layer(weights=[[1.0], [0.0]], threshold=1.0, max_spikes=2, bias=[0.0, -1.0])
    result = run(Network(layers=(layer,)), encode([[0.5]], "current", 6))

    features = readout_features(result, "first_spike")

    assert features.tolist() == [[1.0, 6.0]]


def test_first_spike_decoder_on_first_rung():
    outcome = approximate_target("kink", 3, 4, kind="first_spike")
    converted = convert_approximation(outcome.approximation)

    assert converted.decoder_weights[[0, 4, 8]].tolist() == outcome.approximation.decoder_weights.tolist()
    assert np.count_nonzero(converted.decoder_weights) <= 3


@pytest.mark.parametrize(
    "call, parameter",
    [
        (lambda: approximate_target("cosine", 4, 2), "target"),
        (lambda: approximate_target("sine", 0, 2), "n"),
        (lambda: approximate_target("sine", 4, 0), "max_spikes"),
        (lambda: approximate_target("sine", 4, 2, encoder="rate"), "encoder"),
        (lambda: approximate_target("sine", 4, 2, reset="hard"), "reset"),
        (lambda: approximate_target("sine", 4, 2, kind="rate"), "kind"),
        (lambda: approximate_target("sine", 4, 2, layer="grid"), "layer"),
        (lambda: approximate_target("sine2d", 4, 2, layer="ramp"), "layer"),
        (lambda: approximate_target("sine", 4, 2, grid_size=0), "grid_size"),
        (lambda: approximate_target("sine", 4, 2, n_train=0), "n_train"),
        (lambda: approximate_target("sine", 4, 2, seed=-1), "seed"),
        (lambda: approximate_target("sine", 4, 2, tau_m=-1.0), "tau_m"),
        (lambda: approximate_target("sine", 4, 2, on_mismatch="ignore"), "on_mismatch"),
        (lambda: approximate_target("sine", 4, 2, encoder="latency", n_steps=1), "n_steps"),
        (lambda: sweep("sine", [], [2]), "ns"),
        (lambda: sweep("sine", [2], [0]), "budgets"),
        (lambda: fit_readout(ramp_layer(2, 2), [[0.5]], [1.0, 2.0]), "y"),
        (lambda: fit_readout(ramp_layer(2, 2), [[1.5]], [1.0]), "x"),
        (lambda: fit_readout(ramp_layer(2, 2), [[0.5]], [1.0], readout_tau_m=5.0), "readout_tau_m"),
        (lambda: fit_readout("layer", [[0.5]], [1.0]), "hidden"),
        (lambda: random_layer(3, 2, 2, width=0.0), "width"),
        (lambda: encode([[0.5]], "current", 0), "n_steps"),
        (lambda: check_points([[0.5, 0.5]], 1), "x"),
        (lambda: get_target("sin"), "target"),
        (lambda: midpoint_grid(1, 0), "size"),
    ],
)
def test_bad_input_names_parameter(call, parameter):
    with pytest.raises(ValueError, match=parameter):
        call()


def test_readout_features_potential_needs_readout():
    result = run(Network(layers=(ramp_layer(2, 2),)), encode([[0.5]], "current", 4))

    with pytest.raises(ValueError, match="read-out"):
        readout_features(result, "potential")


def test_evaluate_chunks_match_one_run(monkeypatch):
    outcome = approximate_target("kink", 5, 3, tau_m=64.0)
    fitted = outcome.approximation
    x = midpoint_grid(1, 50)
    whole = fitted.run(x)
    whole_spikes = whole.spike_totals[0].sum() / 50

    # 16 steps * 5 neurons = 80 entries per point, so chunks of 3 points.
    monkeypatch.setattr(approximation_module, "CHUNK_ENTRIES", 240)
    prediction, spikes = fitted.evaluate(x)

    assert np.array_equal(prediction, fitted.output(whole))
    assert spikes == pytest.approx(whole_spikes, rel=1e-12)


def test_fit_constant_readout_dt():
    # With dt = 0.5 the read-out leak is exp(-0.5 / tau_r) per step.
    hidden = Network(layers=(ramp_layer(3, 2),), dt=0.5)
    x = training_points(1, 40, seed=3)

    fitted = fit_readout(hidden, x, np.full(40, -2.0), kind="potential", readout_tau_m=4.0)

    beta = math.exp(-0.5 / 4.0)
    steps = DEFAULT_STEPS["current"]
    assert fitted.network.readout.bias[0] == pytest.approx(-2.0 * (1 - beta) / (1 - beta**steps))
    assert np.allclose(fitted.predict(x), -2.0, rtol=0, atol=1e-12)
