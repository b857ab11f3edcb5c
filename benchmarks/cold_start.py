"""Time a cold start: import spikelib and make its first calls, in a fresh interpreter.

Run by ``benchmarks/run.py`` as a subprocess, after one warm-up process has filled numba's
on-disk cache, so the kernels load from the cache instead of compiling. Prints one JSON
line with the time of each phase, measured from the first line of this script (the
parent adds the interpreter's own start-up).
"""

import json
import time

start = time.perf_counter()

import numpy as np  # noqa: E402

import spikelib  # noqa: E402

imported = time.perf_counter()

rng = np.random.default_rng(0)
weights = rng.uniform(0, 0.5, (20, 5))
layer = spikelib.Layer(weights=weights, threshold=1.0, max_spikes=4, tau_m=10.0)
readout = spikelib.Readout(weights=rng.normal(size=(1, 20)))
network = spikelib.Network(layers=(layer,), readout=readout)
inputs = rng.uniform(0, 1, (100, 5))
spikelib.run(network, inputs)
first_run = time.perf_counter()

# The ladder of a leaky layer has lateral synapses, so this loads the general kernel too.
spikelib.run(spikelib.to_single_spike(network), inputs)
first_ladder_run = time.perf_counter()

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

figure, axes = plt.subplots()
axes.plot(inputs[:, 0])
figure.canvas.draw()
first_figure = time.perf_counter()

print(
    "COLD-RESULT "
    + json.dumps(
        {
            "import_seconds": imported - start,
            "first_run_seconds": first_run - imported,
            "first_ladder_run_seconds": first_ladder_run - first_run,
            "first_figure_seconds": first_figure - first_ladder_run,
            "total_seconds": first_figure - start,
        }
    )
)
