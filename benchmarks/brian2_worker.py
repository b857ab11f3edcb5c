"""Run the reference workload in Brian2 and print the timings as one JSON object.

This script runs inside its own virtual environment (Brian2 2.9 wants numpy < 2 on
Python 3.11), started by ``benchmarks/run.py``:

    python brian2_worker.py WORKLOAD.npz REPEATS

The .npz file contains the weights (n_neurons, n_inputs), the input spikes as (input index,
step) pairs, and the model constants. The network is one LIF group with leaky subtractive
reset (``v -= theta``, the reset decays with the membrane), fed by a SpikeGeneratorGroup.

Brian2's default schedule checks the threshold before the synapses of the same step
deliver their input. spikelib adds the input of step ``t`` before it checks the threshold,
so the worker moves the group's threshold and reset to after the synapses. Brian2 emits at
most one spike per neuron and step, while spikelib emits ``floor(v / theta)``; with this
input the two differ only in the rare steps where ``v`` reaches ``2 * theta``.

For each code-generation target the first run compiles (Cython) or builds the code
objects; the reported times are of later runs, each on a freshly built network. Every
object has a fixed name, so the generated code, and with it Cython's on-disk cache, is the
same in every run (Brian2 would otherwise number new objects ``neurongroup_1``, ...).
``run_seconds`` is the wall time of ``Network.run`` (``run_cpu_seconds`` its process CPU
time); ``loop_seconds`` is the summed time
of Brian2's code objects from its profiler (the simulation loop without set-up).
"""

import json
import sys
import time

import numpy as np


def build_and_run(data, target: str, profile: bool):
    """Build and run the network for one code-generation target.

    Returns the wall time of ``Network.run``, the network and its spike monitor.
    """
    import brian2 as b2

    b2.prefs.codegen.target = target
    b2.start_scope()
    dt = float(data["dt"]) * b2.ms
    b2.defaultclock.dt = dt

    weights = data["weights"]
    n_neurons, n_inputs = weights.shape
    indices = data["spike_indices"]
    times = data["spike_steps"] * dt

    source = b2.SpikeGeneratorGroup(n_inputs, indices, times, name="poisson_inputs")
    tau = float(data["tau_m"]) * b2.ms
    theta = float(data["threshold"])
    group = b2.NeuronGroup(
        n_neurons,
        "dv/dt = -v / tau : 1",
        threshold=f"v >= {theta!r}",
        reset=f"v -= {theta!r}",
        method="exact",
        namespace={"tau": tau},
        name="lif_neurons",
    )
    group.thresholder["spike"].when = "after_synapses"
    group.resetter["spike"].when = "after_synapses"
    group.resetter["spike"].order = 1

    synapses = b2.Synapses(source, group, "w : 1", on_pre="v_post += w", name="all_to_all")
    synapses.connect()
    # connect() orders synapses by presynaptic, then postsynaptic index.
    synapses.w = weights.T.ravel()

    monitor = b2.SpikeMonitor(group, record=False, name="spike_counter")
    network = b2.Network(source, group, synapses, monitor, name="workload")
    duration = int(data["n_steps"]) * dt

    start = time.perf_counter()
    cpu_start = time.process_time()
    network.run(duration, profile=profile)
    seconds = time.perf_counter() - start
    network.cpu_seconds = time.process_time() - cpu_start
    return seconds, network, monitor


def measure(data, target: str, repeats: int) -> dict:
    """Return run and loop times (medians and all values) and the spike total for one target."""
    import brian2 as b2

    start = time.perf_counter()
    build_and_run(data, target, profile=False)
    first_seconds = time.perf_counter() - start

    run_seconds = []
    run_cpu_seconds = []
    loop_seconds = []
    total = None
    for _ in range(repeats):
        seconds, network, monitor = build_and_run(data, target, profile=True)
        run_seconds.append(seconds)
        run_cpu_seconds.append(network.cpu_seconds)
        loop_seconds.append(sum(float(t / b2.second) for _, t in network.profiling_info))
        total = int(monitor.num_spikes)

    return {
        "target": target,
        "first_run_seconds": first_seconds,
        "run_seconds": run_seconds,
        "loop_seconds": loop_seconds,
        "run_median": float(np.median(run_seconds)),
        "run_cpu_median": float(np.median(run_cpu_seconds)),
        "loop_median": float(np.median(loop_seconds)),
        "total_spikes": total,
    }


def main() -> None:
    path, repeats = sys.argv[1], int(sys.argv[2])
    data = dict(np.load(path))

    import brian2 as b2

    b2.BrianLogger.log_level_warn()
    results = {"brian2_version": b2.__version__, "numpy_version": np.__version__, "targets": []}
    for target in ("numpy", "cython"):
        try:
            results["targets"].append(measure(data, target, repeats))
        except Exception as error:  # report any failure of one target and go on with the next
            message = f"{type(error).__name__}: {error}"
            results["targets"].append({"target": target, "error": message})
    print("BRIAN2-RESULT " + json.dumps(results))


if __name__ == "__main__":
    main()
