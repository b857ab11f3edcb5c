"""The benchmark's workload builder and agreement check, on a tiny size (no timing)."""

import sys
from pathlib import Path

import numpy as np
import pytest

import spikelib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from floor import floor_serial  # noqa: E402
from workloads import (  # noqa: E402
    Workload,
    agreement,
    make_inputs,
    make_weights,
    numpy_run,
    spike_lists,
)

TINY = Workload(n_inputs=12, n_neurons=30, n_steps=400, max_weight=0.6)


def test_inputs_shape_and_rate():
    inputs = make_inputs(Workload(n_steps=2000), n_samples=2)

    assert inputs.shape == (2, 2000, 200)
    assert set(np.unique(inputs)) <= {0.0, 1.0}
    # 50 Hz at 0.1 ms is p = 0.005; 800,000 Bernoulli draws give 4000 +- 63 spikes.
    assert abs(inputs.sum() - 4000) < 400


def test_spike_lists_round_trip():
    inputs = make_inputs(TINY)[0]
    indices, steps = spike_lists(inputs)
    rebuilt = np.zeros_like(inputs)
    rebuilt[steps, indices] = 1.0

    np.testing.assert_array_equal(rebuilt, inputs)
    assert np.all(np.diff(steps) >= 0)


def test_tiny_workload_totals_agree():
    weights = make_weights(TINY)
    inputs = make_inputs(TINY)
    layer = spikelib.Layer(
        weights=weights, threshold=1.0, max_spikes=2**31 - 1, tau_m=TINY.tau_m, reset="leaky"
    )
    network = spikelib.Network(layers=(layer,), dt=TINY.dt)
    totals = {
        "spikelib": int(spikelib.run(network, inputs, record_counts=False).spike_totals[0].sum()),
        "numpy": int(numpy_run(weights, inputs[0], TINY).sum()),
        "floor": int(floor_serial(inputs, np.ascontiguousarray(weights.T), TINY.beta, 1.0).sum()),
    }
    report = agreement(totals, "spikelib")

    assert totals["spikelib"] > 0
    assert report["numpy"]["agrees"]
    assert report["floor"]["agrees"]


def test_agreement_flags_three_percent():
    report = agreement({"a": 1000, "b": 1030, "c": 985}, "a")

    assert not report["b"]["agrees"]
    assert report["c"]["agrees"]
    assert report["b"]["relative_difference"] == pytest.approx(0.03)


def test_agreement_rejects_unknown_reference():
    with pytest.raises(ValueError, match="reference must be one of"):
        agreement({"a": 10}, "b")
