"""Bad parameters and inputs raise ValueError naming the parameter, the value and the valid range.

Each case builds the object or starts the run with one bad value. The message is matched
against a pattern that contains all three parts. A missing check fails the test, and so
does a message that drops one of the parts.
"""

import math

import numpy as np
import pytest

from spikelib import Layer, Network, Readout, run


def one_layer(**layer_options) -> Network:
    options = {"weights": [[1.0]], "threshold": 1.0, "max_spikes": 2}
    options.update(layer_options)
    return Network(layers=(Layer(**options),))


BUDGET_RANGE = r"an integer in \[1, 2147483647\]"
POSITIVE = r"a finite number > 0"
FINITE = r"must contain only finite numbers \(not NaN or infinite\)"

# (case id, call that must raise, pattern with parameter name, range and value)
LAYER_CASES = [
    ("threshold_zero", lambda: Layer(weights=[[1.0]], threshold=0.0),
     r"threshold must be > 0 for every neuron, got 0\.0 for neuron 0"),
    ("threshold_negative_second", lambda: Layer(weights=[[1.0], [1.0]], threshold=[1.0, -2.0]),
     r"threshold must be > 0 for every neuron, got -2\.0 for neuron 1"),
    ("threshold_nan", lambda: Layer(weights=[[1.0]], threshold=math.nan),
     rf"threshold {FINITE}, got nan"),
    ("tau_m_zero", lambda: Layer(weights=[[1.0]], tau_m=0.0),
     rf"tau_m must be {POSITIVE}, got 0\.0"),
    ("tau_m_negative", lambda: Layer(weights=[[1.0]], tau_m=-3.0),
     rf"tau_m must be {POSITIVE}, got -3\.0"),
    ("tau_m_nan", lambda: Layer(weights=[[1.0]], tau_m=math.nan),
     rf"tau_m must be {POSITIVE}, got nan"),
    ("tau_m_infinite", lambda: Layer(weights=[[1.0]], tau_m=math.inf),
     rf"tau_m must be {POSITIVE}, got inf"),
    ("tau_m_text", lambda: Layer(weights=[[1.0]], tau_m="fast"),
     rf"tau_m must be {POSITIVE}, got 'fast'"),
    ("budget_zero", lambda: Layer(weights=[[1.0]], max_spikes=0),
     rf"max_spikes must be {BUDGET_RANGE}, got 0"),
    ("budget_negative", lambda: Layer(weights=[[1.0]], max_spikes=-4),
     rf"max_spikes must be {BUDGET_RANGE}, got -4"),
    ("budget_fractional", lambda: Layer(weights=[[1.0]], max_spikes=2.5),
     rf"max_spikes must be {BUDGET_RANGE}, got 2\.5"),
    ("budget_above_int32", lambda: Layer(weights=[[1.0]], max_spikes=2**31),
     rf"max_spikes must be {BUDGET_RANGE}, got 2147483648"),
    ("budget_bool", lambda: Layer(weights=[[1.0]], max_spikes=True),
     rf"max_spikes must be {BUDGET_RANGE}, got True"),
    ("weights_nan", lambda: Layer(weights=[[1.0, math.nan]]),
     rf"weights {FINITE}, got nan at index \(0, 1\)"),
    ("weights_infinite", lambda: Layer(weights=[[-math.inf]]),
     rf"weights {FINITE}, got -inf at index \(0, 0\)"),
    ("weights_text", lambda: Layer(weights=[["1.0"]]),
     r"weights must be an array of real finite numbers, got \[\['1\.0'\]\]"),
    ("weights_complex", lambda: Layer(weights=np.array([[1 + 2j]])),
     r"weights must be an array of real finite numbers, got array\(\[\[1\.\+2\.j\]\]\)"),
    ("weights_ragged", lambda: Layer(weights=[[1.0, 2.0], [3.0]]),
     r"weights must be an array of real finite numbers, got \[\[1\.0, 2\.0\], \[3\.0\]\]"),
    ("weights_one_dimensional", lambda: Layer(weights=[1.0, 2.0]),
     r"weights must be a 2-D array of shape \(n, n_in\), got shape \(2,\)"),
    ("weights_no_rows", lambda: Layer(weights=np.zeros((0, 3))),
     r"weights must have at least one row and column, got \(0, 3\)"),
    ("bias_nan", lambda: Layer(weights=[[1.0]], bias=math.nan),
     rf"bias {FINITE}, got nan"),
    ("bias_infinite_entry", lambda: Layer(weights=[[1.0], [1.0]], bias=[0.0, math.inf]),
     rf"bias {FINITE}, got inf at index \(1,\)"),
    ("bias_wrong_length", lambda: Layer(weights=[[1.0], [1.0]], bias=[0.0, 0.0, 0.0]),
     r"bias must be a scalar or have shape \(2,\), got shape \(3,\)"),
    ("threshold_wrong_length", lambda: Layer(weights=[[1.0], [1.0]], threshold=[1.0, 1.0, 1.0]),
     r"threshold must be a scalar or have shape \(2,\), got shape \(3,\)"),
    ("delays_wrong_shape", lambda: Layer(weights=[[1.0, 1.0]], delays=[[1]]),
     r"delays must have shape \(1, 2\), got shape \(1, 1\)"),
    ("delays_negative", lambda: Layer(weights=[[1.0, 1.0]], delays=[[0, -1]]),
     r"delays must be whole numbers of steps in \[0, 2147483647\], got -1\.0 at index \(0, 1\)"),
    ("delays_fractional", lambda: Layer(weights=[[1.0]], delays=[[1.5]]),
     r"delays must be whole numbers of steps in \[0, 2147483647\], got 1\.5 at index \(0, 0\)"),
    ("delays_beyond_int64", lambda: Layer(weights=[[1.0]], delays=[[1e20]]),
     r"delays must be whole numbers of steps in \[0, 2147483647\], got 1e\+20 at index \(0, 0\)"),
    ("lateral_above_diagonal", lambda: Layer(weights=[[1.0], [1.0]], lateral=[[0.0, 0.5], [0.0, 0.0]]),
     r"lateral must be strictly lower-triangular .*got 0\.5 at index \(0, 1\)"),
    ("lateral_on_diagonal", lambda: Layer(weights=[[1.0], [1.0]], lateral=[[0.0, 0.0], [0.0, 2.0]]),
     r"lateral must be strictly lower-triangular .*got 2\.0 at index \(1, 1\)"),
    ("lateral_wrong_shape", lambda: Layer(weights=[[1.0], [1.0]], lateral=np.zeros((3, 3))),
     r"lateral must have shape \(2, 2\), got shape \(3, 3\)"),
    ("reset_unknown", lambda: Layer(weights=[[1.0]], reset="hard"),
     r"reset must be one of \('leaky', 'nonleaky'\), got 'hard'"),
]


@pytest.mark.parametrize("build, pattern", [c[1:] for c in LAYER_CASES], ids=[c[0] for c in LAYER_CASES])
def test_layer_rejects_bad_parameter(build, pattern):
    with pytest.raises(ValueError, match=pattern):
        build()


GOOD_LAYER = Layer(weights=[[1.0, 0.5]], threshold=1.0, max_spikes=2)

NETWORK_CASES = [
    ("dt_zero", lambda: Network(layers=(GOOD_LAYER,), dt=0.0),
     rf"dt must be {POSITIVE}, got 0\.0"),
    ("dt_negative", lambda: Network(layers=(GOOD_LAYER,), dt=-0.5),
     rf"dt must be {POSITIVE}, got -0\.5"),
    ("dt_nan", lambda: Network(layers=(GOOD_LAYER,), dt=math.nan),
     rf"dt must be {POSITIVE}, got nan"),
    ("dt_infinite", lambda: Network(layers=(GOOD_LAYER,), dt=math.inf),
     rf"dt must be {POSITIVE}, got inf"),
    ("dt_bool", lambda: Network(layers=(GOOD_LAYER,), dt=True),
     rf"dt must be {POSITIVE}, got True"),
    ("no_layers", lambda: Network(layers=()),
     r"layers must contain at least one Layer, got an empty sequence"),
    ("single_layer_not_wrapped", lambda: Network(layers=GOOD_LAYER),
     r"layers must be a sequence of Layer objects, got a single Layer; pass layers=\(layer,\)"),
    ("layer_of_wrong_type", lambda: Network(layers=(GOOD_LAYER, "dense")),
     r"layers\[1\] must be a Layer, got str"),
    ("layer_sizes_do_not_fit", lambda: Network(layers=(GOOD_LAYER, Layer(weights=np.ones((2, 3))))),
     r"layers\[1\] expects 3 inputs but layers\[0\] has 1 neurons"),
    ("readout_size_does_not_fit", lambda: Network(layers=(GOOD_LAYER,), readout=Readout(weights=np.ones((1, 4)))),
     r"readout expects 4 inputs but the last layer has 1 neurons"),
    ("readout_of_wrong_type", lambda: Network(layers=(GOOD_LAYER,), readout=np.ones((1, 1))),
     r"readout must be a Readout, got ndarray"),
    ("readout_tau_m_nan", lambda: Readout(weights=[[1.0]], tau_m=math.nan),
     rf"tau_m must be {POSITIVE}, got nan"),
    ("readout_weights_nan", lambda: Readout(weights=[[math.nan]]),
     rf"readout weights {FINITE}, got nan at index \(0, 0\)"),
    ("readout_weights_empty", lambda: Readout(weights=np.zeros((0, 2))),
     r"readout weights must be a non-empty 2-D array of shape \(n_out, n_in\), got shape \(0, 2\)"),
    ("readout_bias_infinite", lambda: Readout(weights=[[1.0]], bias=math.inf),
     rf"readout bias {FINITE}, got inf"),
    ("readout_delays_negative", lambda: Readout(weights=[[1.0]], delays=[[-2]]),
     r"readout delays must be whole numbers of steps in \[0, 2147483647\], got -2\.0"),
]


@pytest.mark.parametrize("build, pattern", [c[1:] for c in NETWORK_CASES], ids=[c[0] for c in NETWORK_CASES])
def test_network_rejects_bad_parameter(build, pattern):
    with pytest.raises(ValueError, match=pattern):
        build()


RUN_NETWORK = Network(layers=(GOOD_LAYER,), readout=Readout(weights=[[1.0]]))

RUN_CASES = [
    ("zero_steps", np.zeros((0, 2)), r"inputs must cover at least 1 step, got 0 steps"),
    ("zero_samples", np.zeros((0, 5, 2)), r"inputs must contain at least 1 sample, got 0 samples"),
    ("too_few_columns", np.zeros((5, 1)),
     r"inputs must have 2 columns \(the network's n_inputs\), got 1"),
    ("one_dimensional", np.zeros(5),
     r"inputs must have shape \(T, n_inputs\) or \(B, T, n_inputs\), got shape \(5,\)"),
    ("four_dimensional", np.zeros((1, 1, 5, 2)),
     r"inputs must have shape \(T, n_inputs\) or \(B, T, n_inputs\), got shape \(1, 1, 5, 2\)"),
    ("nan_in_last_step", np.vstack([np.zeros((9, 2)), [[0.0, math.nan]]]),
     rf"inputs {FINITE}, got nan at index \(9, 1\)"),
    ("infinite_entry", np.array([[math.inf, 0.0]]), rf"inputs {FINITE}, got inf at index \(0, 0\)"),
    ("text", [["0", "1"]], r"inputs must be an array of real finite numbers"),
]


@pytest.mark.parametrize("inputs, pattern", [c[1:] for c in RUN_CASES], ids=[c[0] for c in RUN_CASES])
def test_run_rejects_bad_inputs(inputs, pattern):
    with pytest.raises(ValueError, match=pattern):
        run(RUN_NETWORK, inputs)


def test_run_rejects_overflowing_potential():
    # 1e300 * 1e300 overflows, and with opposite weights inf - inf gives a NaN potential. A
    # NaN never reaches threshold, so without the check the neuron would stay silent.
    network = Network(layers=(Layer(weights=[[1e300, -1e300]], max_spikes=3),))

    with pytest.raises(ValueError, match=r"layers\[0\]: the potential of neuron 0 can reach inf"):
        run(network, np.full((4, 2), 1e300))


def test_run_rejects_overflow_in_second_layer():
    # The second layer gets at most 2**31 - 1 spikes from each presynaptic neuron, and
    # 1e300 * 2**31 is beyond float64.
    first = Layer(weights=[[1.0]], max_spikes=2**31 - 1)
    second = Layer(weights=[[1e300]], max_spikes=1)

    with pytest.raises(ValueError, match=r"layers\[1\]: the potential of neuron 0 can reach inf"):
        run(Network(layers=(first, second)), np.ones((3, 1)))


def test_run_rejects_overflow_in_readout():
    layer = Layer(weights=[[1.0]], max_spikes=2**31 - 1)
    network = Network(layers=(layer,), readout=Readout(weights=[[1e300]]))

    with pytest.raises(ValueError, match=r"readout: the potential of neuron 0 can reach inf"):
        run(network, np.ones((3, 1)))


def test_run_accepts_large_finite_potential():
    # 1e300 per step for 10 steps stays below the accepted bound of about 4.5e307.
    network = one_layer(max_spikes=5)

    result = run(network, np.full((10, 1), 1e300))

    assert result.spike_totals[0][0] == 5


def test_layer_keeps_copy_of_caller_array():
    weights = np.array([[1.0, 2.0]])
    layer = Layer(weights=weights)

    weights[0, 0] = 99.0

    assert layer.weights[0, 0] == 1.0
