"""The floor: a hand-written numba loop that does only the arithmetic of the workload.

It has no budget, no delays, no lateral input, no first-spike record and no checks: one
leaky integrate-and-fire layer with leaky subtractive reset and the spike-count convention
(``floor(v / theta)`` spikes when ``v >= theta``). It reads the same dense input as
spikelib, shape (B, T, n_in), and returns the spike total of every neuron. What spikelib
spends above this is the price of its generality.
"""

import math

import numpy as np
from numba import njit, prange


@njit(cache=True)
def _one_sample(x, weights_t, beta, theta, totals):
    n_steps, n_in = x.shape
    n = weights_t.shape[1]
    potential = np.zeros(n)

    for t in range(n_steps):
        for i in range(n):
            potential[i] *= beta
        for j in range(n_in):
            if x[t, j] != 0.0:
                value = x[t, j]
                for i in range(n):
                    potential[i] += weights_t[j, i] * value
        for i in range(n):
            if potential[i] >= theta:
                count = math.floor(potential[i] / theta)
                potential[i] -= count * theta
                totals[i] += int(count)


@njit(cache=True)
def floor_serial(x, weights_t, beta, theta):
    """Simulate the samples of ``x`` one after the other; return totals of shape (B, n)."""
    totals = np.zeros((x.shape[0], weights_t.shape[1]), np.int64)
    for b in range(x.shape[0]):
        _one_sample(x[b], weights_t, beta, theta, totals[b])
    return totals


@njit(cache=True, parallel=True)
def floor_parallel(x, weights_t, beta, theta):
    """Simulate the samples of ``x`` in parallel over samples; return totals of shape (B, n)."""
    totals = np.zeros((x.shape[0], weights_t.shape[1]), np.int64)
    for b in prange(x.shape[0]):
        _one_sample(x[b], weights_t, beta, theta, totals[b])
    return totals
