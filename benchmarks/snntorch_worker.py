"""Run the reference workload in snnTorch and print the timings as one JSON object.

This script runs inside its own virtual environment (the CPU build of PyTorch and
snnTorch), started by ``benchmarks/run.py``:

    python snntorch_worker.py WORKLOAD.npz REPEATS THREADS[,THREADS...]

The .npz file, written by ``save_workload``, contains the weights (n_neurons, n_inputs),
the input spikes as (sample, step, input index) triples, and the model constants. The
worker rebuilds the dense input as float64 of shape (n_steps, n_samples, n_inputs), which
is 4.1 GB for the batch of 256 samples, before it starts the clock.

Model: one layer of ``snntorch.Leaky`` neurons in float64 on the CPU, with
``beta = exp(-dt / tau_m)``, threshold ``theta`` and ``reset_mechanism="subtract"``. In
each step the input current is the matrix product of the step's input spikes with the
weights. snnTorch 1.0.0 computes, per step (``Leaky.forward`` and ``_base_sub``)::

    reset = [u[t-1] > theta]                 # from the potential after the last step
    u[t] = beta * u[t-1] + I[t] - reset * theta
    s[t] = [u[t] > theta]
    with reset_delay=False:  u[t] -= (s[t] - reset) * theta

so with ``reset_delay=False`` the net update is ``u[t] = beta * u[t-1] + I[t] - s[t] *
theta``. That is spikelib's leaky subtractive reset with one spike per step, as long as
``u[t-1] < theta``. The default ``reset_delay=True`` subtracts ``theta`` in the step after
the spike, undecayed, so it is not used here. The worker also passes a spike function
that tests ``u >= theta`` (spikelib's rule) in place of snnTorch's ``u > theta``, and that
returns the spikes in the potential's dtype (snnTorch's own returns float32).

Remaining difference: spikelib emits ``floor(v / theta)`` spikes in a step (the spike-count
convention). In a step where ``u`` reaches ``2 * theta``, snnTorch emits one spike and
keeps the excess. While the kept potential stays at or above ``theta``, ``reset`` is 1,
so a further spike needs ``u`` to reach ``2 * theta``. With this input a step that crosses
two thresholds is rare, so the totals differ by far less than the 2 % that ``run.py``
checks.

For each thread count the first run is a warm-up, then ``REPEATS`` runs are timed (wall
and process CPU time). When the warm-up run takes longer than ``LONG_RUN_SECONDS``, it
becomes the only timed run, so that the batch of 256 samples does not take many minutes
per thread count. What a first run costs extra is small next to that: on a 2-core AMD
EPYC machine, the first one-sample run took about 0.3 s longer than the later ones.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import numpy as np

LONG_RUN_SECONDS = 60.0


def save_workload(
    path: Path, weights: np.ndarray, inputs: np.ndarray, dt: float, tau_m: float,
    threshold: float,
) -> None:
    """Write weights, input spikes and model constants to an .npz file for the worker.

    ``inputs`` has shape (n_samples, n_steps, n_inputs) with values 0 or 1, as
    ``workloads.make_inputs`` returns it; only the positions of the ones are stored.
    """
    if inputs.ndim != 3 or inputs.shape[2] != weights.shape[1]:
        raise ValueError(
            f"inputs must have shape (n_samples, n_steps, {weights.shape[1]}) to match the "
            f"weights of shape {weights.shape}, got {inputs.shape}"
        )
    for sample, spikes in enumerate(inputs):
        invalid = spikes[(spikes != 0.0) & (spikes != 1.0)]
        if invalid.size:
            raise ValueError(
                f"inputs must contain only 0 and 1 (at most one spike per input and step), "
                f"got {float(invalid[0])} in sample {sample}"
            )

    samples, steps, indices = np.nonzero(inputs)
    np.savez(
        path,
        weights=weights,
        spike_samples=samples.astype(np.int64),
        spike_steps=steps.astype(np.int64),
        spike_indices=indices.astype(np.int64),
        n_samples=inputs.shape[0],
        n_steps=inputs.shape[1],
        dt=dt,
        tau_m=tau_m,
        threshold=threshold,
    )


def load_workload(path: Path) -> dict:
    """Read a file written by ``save_workload`` and return the weights, dense inputs and constants.

    The dense input has shape (n_steps, n_samples, n_inputs) and dtype float64, so that
    ``inputs[t]`` is the batch of one step.
    """
    with np.load(path) as data:
        weights = np.array(data["weights"], dtype=np.float64)
        n_samples = int(data["n_samples"])
        n_steps = int(data["n_steps"])
        inputs = np.zeros((n_steps, n_samples, weights.shape[1]))
        inputs[data["spike_steps"], data["spike_samples"], data["spike_indices"]] = 1.0
        return {
            "weights": weights,
            "inputs": inputs,
            "dt": float(data["dt"]),
            "tau_m": float(data["tau_m"]),
            "threshold": float(data["threshold"]),
        }


def spike_at_or_above_threshold(shifted):
    """Return 1 where ``u - theta >= 0`` and 0 elsewhere, in the dtype of ``shifted``.

    snnTorch calls its spike function with ``u - theta``. This one replaces snnTorch's
    default (``> 0``, with an arctan surrogate gradient) to test ``>=`` as spikelib does. It
    has no surrogate gradient because the benchmark computes no gradients.
    """
    return (shifted >= 0).to(shifted.dtype)


def make_neuron(beta: float, threshold: float):
    """Return an ``snntorch.Leaky`` with leaky subtractive reset, one spike per step, float64."""
    import snntorch
    import torch

    return snntorch.Leaky(
        beta=torch.tensor(beta, dtype=torch.float64),
        threshold=torch.tensor(threshold, dtype=torch.float64),
        spike_grad=spike_at_or_above_threshold,
        reset_mechanism="subtract",
        reset_delay=False,
    )


def simulate(neuron, weights, inputs):
    """Run all steps; return the spike total of every neuron, shape (n_samples, n_neurons).

    ``weights`` has shape (n_inputs, n_neurons) and ``inputs`` (n_steps, n_samples,
    n_inputs), both float64 tensors.
    """
    import torch

    n_steps, n_samples, _ = inputs.shape
    potential = torch.zeros((n_samples, weights.shape[1]), dtype=torch.float64)
    totals = torch.zeros_like(potential)

    with torch.no_grad():
        for step in range(n_steps):
            current = torch.matmul(inputs[step], weights)
            spikes, potential = neuron(current, potential)
            totals += spikes

    if potential.dtype != torch.float64 or totals.dtype != torch.float64:
        raise RuntimeError(
            f"snnTorch returned a potential of {potential.dtype} and spikes of "
            f"{totals.dtype}, expected torch.float64 for both"
        )
    return totals


def measure(data: dict, repeats: int, threads: int) -> dict:
    """Time the workload on ``threads`` PyTorch threads; return the timings and spike total."""
    import torch

    torch.set_num_threads(threads)
    beta = math.exp(-data["dt"] / data["tau_m"])
    weights = torch.from_numpy(np.ascontiguousarray(data["weights"].T))
    inputs = torch.from_numpy(data["inputs"])
    neuron = make_neuron(beta, data["threshold"])

    start = time.perf_counter()
    cpu_start = time.process_time()
    totals = simulate(neuron, weights, inputs)
    first_seconds = time.perf_counter() - start
    first_cpu_seconds = time.process_time() - cpu_start

    if first_seconds > LONG_RUN_SECONDS:
        wall, cpu = [first_seconds], [first_cpu_seconds]
    else:
        wall, cpu = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            cpu_start = time.process_time()
            totals = simulate(neuron, weights, inputs)
            cpu.append(time.process_time() - cpu_start)
            wall.append(time.perf_counter() - start)

    return {
        "threads": threads,
        "first_run_seconds": first_seconds,
        "run_seconds": wall,
        "run_cpu_seconds": cpu,
        "timed_runs": len(wall),
        "warm_up_timed": first_seconds > LONG_RUN_SECONDS,
        "median": float(np.median(wall)),
        "min": float(min(wall)),
        "cpu_median": float(np.median(cpu)),
        "cores_used": float(np.median(np.array(cpu) / np.array(wall))),
        "total_spikes": int(totals.sum().item()),
    }


def main() -> None:
    path, repeats = Path(sys.argv[1]), int(sys.argv[2])
    thread_counts = [int(value) for value in sys.argv[3].split(",")]
    data = load_workload(path)

    import snntorch
    import torch

    results = {
        "torch_version": torch.__version__,
        "snntorch_version": snntorch.__version__,
        "numpy_version": np.__version__,
        "dtype": "float64",
        "options": {
            "reset_mechanism": "subtract",
            "reset_delay": False,
            "spike_function": "u - threshold >= 0",
        },
        "n_samples": int(data["inputs"].shape[1]),
        "runs": [measure(data, repeats, threads) for threads in thread_counts],
    }
    print("SNNTORCH-RESULT " + json.dumps(results))


if __name__ == "__main__":
    main()
