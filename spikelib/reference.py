"""A slow, literal pure-Python simulator, used to test the numba kernels.

It evaluates the model formulas of :mod:`spikelib.network` as written, with explicit sums
over earlier spikes, instead of the running state that the kernels keep:

    v[t] = V[t] - theta * sum_s rho[t - s] c[s] + sum_j lateral[k, j] sum_s (1 - rho[t - s]) c_j[s].

The spike condition (``v >= theta``) and the count convention are the same as in the
kernels. Use it only for small networks and short runs: its cost grows with the square of
the number of steps.
"""

from __future__ import annotations

import math

import numpy as np

from .network import Network, leak_factor


def _count(v: float, theta: float, remaining: int) -> int:
    """Return the spike count of potential ``v``, by the rule of ``kernels._spike_count``."""
    if remaining <= 0 or not v >= theta:
        return 0
    ratio = v / theta
    count = remaining if ratio >= remaining else max(1, math.floor(ratio))
    if count > 1 and v - count * theta < 0.0:
        count -= 1
    elif count < remaining and v - count * theta >= theta:
        count += 1
    return int(count)


def reference_run(network: Network, inputs) -> tuple[list[np.ndarray], np.ndarray | None]:
    """Simulate one sample; return per-layer counts (T, n) and read-out potentials (T, n_out)."""
    x = np.asarray(inputs, dtype=np.float64)
    n_steps = x.shape[0]
    presynaptic = x
    all_counts = []
    for layer, beta in zip(network.layers, network.leak_factors()):
        rho = [beta**age if layer.reset == "leaky" else 1.0 for age in range(n_steps + 1)]
        delays = np.zeros(layer.weights.shape, np.int64) if layer.delays is None else layer.delays
        lateral = np.zeros((layer.n, layer.n)) if layer.lateral is None else layer.lateral
        counts = np.zeros((n_steps, layer.n), np.int64)
        drive = np.zeros(layer.n)
        for t in range(n_steps):
            for i in range(layer.n):
                current = layer.bias[i]
                for j in range(layer.n_in):
                    if delays[i, j] <= t:
                        current += layer.weights[i, j] * presynaptic[t - delays[i, j], j]
                drive[i] = beta * drive[i] + current
            for i in range(layer.n):
                theta = layer.threshold[i]
                v = drive[i]
                for s in range(t):
                    v -= theta * rho[t - s] * counts[s, i]
                    for j in range(i):
                        v += lateral[i, j] * (1.0 - rho[t - s]) * counts[s, j]
                spent = int(counts[:t, i].sum())
                counts[t, i] = _count(v, theta, layer.max_spikes - spent)
        all_counts.append(counts)
        presynaptic = counts

    output = None
    if network.readout is not None:
        readout = network.readout
        beta = leak_factor(readout.tau_m, network.dt)
        delays = np.zeros(readout.weights.shape, np.int64) if readout.delays is None else readout.delays
        output = np.zeros((n_steps, readout.n))
        u = np.zeros(readout.n)
        for t in range(n_steps):
            for i in range(readout.n):
                current = readout.bias[i]
                for j in range(readout.n_in):
                    if delays[i, j] <= t:
                        current += readout.weights[i, j] * presynaptic[t - delays[i, j], j]
                u[i] = beta * u[i] + current
            output[t] = u
    return all_counts, output
