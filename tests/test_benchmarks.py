"""The benchmark's workload builder and agreement check, on a tiny size (no timing)."""

import sys
from pathlib import Path

import numpy as np
import pytest

import spikelib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import run as benchmark_run  # noqa: E402
from floor import floor_serial  # noqa: E402
from snntorch_worker import load_workload, save_workload  # noqa: E402
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


# snnTorch runs in its own virtual environment; these tests need no torch.


class NoVenv:
    """Stand-in for venv.EnvBuilder that creates nothing."""

    def __init__(self, **options):
        self.options = options

    def create(self, path):
        pass


def failing_pip(calls):
    """Return a subprocess.run stand-in that records each command and fails like pip."""

    def run(command, **options):
        calls.append(command)
        raise benchmark_run.subprocess.CalledProcessError(
            1, command, stderr="ERROR: No matching distribution found for torch==2.13.0+cpu\n"
        )

    return run


def test_snntorch_skips_when_pip_fails(tmp_path, monkeypatch):
    calls, messages = [], []
    monkeypatch.setattr(benchmark_run, "SNNTORCH_VENV", tmp_path / "snntorch-venv")
    monkeypatch.setattr(benchmark_run.venv, "EnvBuilder", NoVenv)
    monkeypatch.setattr(benchmark_run.subprocess, "run", failing_pip(calls))
    inputs = make_inputs(TINY)

    report = benchmark_run.run_snntorch(make_weights(TINY), inputs, TINY, 1, [1], messages.append)

    assert set(report) == {"skipped"}
    pip_error = "failed: ERROR: No matching distribution found for torch==2.13.0+cpu."
    assert pip_error in report["skipped"]
    assert messages[-1] == f"snnTorch: skipped. {report['skipped']}"
    assert len(calls) == 1


def test_snntorch_pip_pins_cpu_wheel(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(benchmark_run, "SNNTORCH_VENV", tmp_path / "snntorch-venv")
    monkeypatch.setattr(benchmark_run.venv, "EnvBuilder", NoVenv)
    monkeypatch.setattr(benchmark_run.subprocess, "run", failing_pip(calls))

    benchmark_run.ensure_snntorch_venv(lambda message: None)

    # A bare "torch" pin would let pip take the CUDA build and its NVIDIA packages.
    assert "torch==2.13.0+cpu" in calls[0]
    assert "--only-binary=:all:" in calls[0]
    assert "snntorch==1.0.0" in calls[0]


def test_snntorch_skips_when_venv_fails(tmp_path, monkeypatch):
    class BrokenVenv(NoVenv):
        def create(self, path):
            raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(benchmark_run, "SNNTORCH_VENV", tmp_path / "snntorch-venv")
    monkeypatch.setattr(benchmark_run.venv, "EnvBuilder", BrokenVenv)

    python, reason = benchmark_run.ensure_snntorch_venv(lambda message: None)

    assert python is None
    assert "could not be created" in reason
    assert "Permission denied" in reason


def test_snntorch_worker_failure_reported(tmp_path, monkeypatch):
    fake_python = tmp_path / "python"
    fake_python.write_text("#!/bin/sh\necho 'ModuleNotFoundError: torch' >&2\nexit 3\n")
    fake_python.chmod(0o755)
    monkeypatch.setattr(benchmark_run, "SNNTORCH_VENV", tmp_path / "snntorch-venv")
    monkeypatch.setattr(benchmark_run, "ensure_snntorch_venv", lambda log: (fake_python, ""))
    messages = []

    report = benchmark_run.run_snntorch(
        make_weights(TINY), make_inputs(TINY), TINY, 1, [1], messages.append
    )

    assert report == {
        "error": "the snnTorch worker failed with exit status 3: ModuleNotFoundError: torch"
    }
    assert messages[-1] == f"snnTorch: failed. {report['error']}"
    assert not (tmp_path / "snntorch-workload.npz").exists()


def test_workload_file_round_trip(tmp_path):
    weights = make_weights(TINY)
    inputs = make_inputs(TINY, n_samples=3)
    path = tmp_path / "workload.npz"

    save_workload(path, weights, inputs, TINY.dt, TINY.tau_m, TINY.threshold)
    data = load_workload(path)

    # The worker keeps steps first, so that inputs[t] is the batch of one step.
    np.testing.assert_array_equal(data["inputs"], inputs.transpose(1, 0, 2))
    np.testing.assert_array_equal(data["weights"], weights)
    assert data["inputs"].dtype == np.float64
    assert (data["dt"], data["tau_m"], data["threshold"]) == (TINY.dt, TINY.tau_m, 1.0)


def test_save_workload_rejects_spike_counts(tmp_path):
    inputs = make_inputs(TINY)
    inputs[0, 5, 2] = 2.0

    with pytest.raises(ValueError, match="only 0 and 1 .*got 2.0 in sample 0"):
        save_workload(tmp_path / "w.npz", make_weights(TINY), inputs, 0.1, 20.0, 1.0)


def test_save_workload_rejects_input_width(tmp_path):
    inputs = make_inputs(TINY)[:, :, :5]

    with pytest.raises(ValueError, match=r"inputs must have shape \(n_samples, n_steps, 12\)"):
        save_workload(tmp_path / "w.npz", make_weights(TINY), inputs, 0.1, 20.0, 1.0)


def test_snntorch_rows_mark_single_run():
    run = {"threads": 2, "warm_up_timed": True, "median": 70.0, "min": 70.0,
           "run_seconds": [70.0], "cpu_median": 130.0, "cores_used": 1.86}

    rows = benchmark_run.snntorch_rows({"runs": [run]}, batch=True)

    assert list(rows) == ["snnTorch Leaky, 2 thread(s), 1 timed run (over 60 s)"]
    assert rows[list(rows)[0]]["cpu_median"] == 130.0


def test_snntorch_status_line_gives_reason():
    lines = benchmark_run.snntorch_status_lines({"skipped": "pip install failed"})

    assert lines[-1] == "snnTorch did not run: pip install failed"
    assert benchmark_run.snntorch_status_lines({"runs": []}) == []
