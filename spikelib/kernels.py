"""numba kernels: one spiking layer or one read-out layer over all steps of a batch.

A feedforward network has no loops between layers, so the simulator runs it layer by
layer: each kernel receives the complete per-step input of its layer for every sample and
returns the layer's per-step spike counts. The kernels are pure (no global state), use
float64 throughout and run the samples of a batch in parallel (``prange``).

Each step has three phases, in this order:

1. charge: ``I[t] = bias + sum_j w_ij * x_j[t - d_ij]`` and ``V[t] = beta * V[t-1] + I[t]``;
2. fire: ``c[t] = min(budget - spent, floor(v[t] / theta))`` if ``v[t] >= theta``, else 0;
3. reset: subtract ``c[t] * theta``; the subtracted amount then decays with the reset
   kernel (``beta`` per step for leaky reset, not at all for non-leaky reset).

Lateral input from spikes of step ``t`` is added after all neurons of the layer have fired
in step ``t``, because its kernel ``1 - rho`` is zero in the step of the presynaptic spike.
"""

import math

import numpy as np
from numba import njit, prange


@njit(cache=True, inline="always")
def _spike_count(v, theta, remaining):
    """Return the number of spikes for potential ``v``: floor(v / theta), at most ``remaining``.

    The ratio is compared with ``remaining`` before it becomes an integer, because numba's
    ``math.floor`` returns int64, which wraps for ratios beyond 2**63. Where the division
    rounds across an integer, the count is corrected by one, so that the leftover
    ``v - count * theta`` lies in [0, theta) unless the budget caps the count.
    :func:`spikelib.reference._count` applies the same rule.
    """
    if remaining <= 0 or not (v >= theta):
        return 0
    ratio = v / theta
    if ratio >= remaining:
        count = remaining
    else:
        count = max(1, int(math.floor(ratio)))
    if count > 1 and v - count * theta < 0.0:
        count -= 1
    elif count < remaining and v - count * theta >= theta:
        count += 1
    return count


@njit(cache=True, parallel=True)
def simulate_layer(
    x,
    weights_t,
    delays_t,
    bias,
    threshold,
    budget,
    beta,
    reset_decay,
    lateral,
    store_counts,
    store_potentials,
):
    """Simulate one spiking layer for a batch.

    Parameters
    ----------
    x : (B, T, n_in) float64 or int32
        Per-step input of every sample (input spikes, currents, or presynaptic counts).
    weights_t : (n_in, n) float64
        Transposed afferent weights.
    delays_t : (n_in, n) int64, or shape (0, 0) for no delays
    bias, threshold : (n,) float64
    budget : int
        Spike budget per neuron.
    beta : float
        Leak factor of the free drive.
    reset_decay : float
        Per-step factor of the reset kernel: ``beta`` for leaky reset, 1.0 for non-leaky.
    lateral : (n, n) float64, or shape (0, 0) for none
        ``lateral[k, j]`` connects neuron ``j < k`` to neuron ``k`` with kernel ``1 - rho``.
    store_counts, store_potentials : bool
        Whether to keep per-step counts and potentials (otherwise those arrays have length
        0 along the time axis).

    Returns
    -------
    counts : (B, T or 0, n) int32
    first_spike : (B, n) int64, step of the first spike or -1
    totals : (B, n) int64
    v_pre, v_post : (B, T or 0, n) float64, potential before and after the reset of a step
    """
    n_samples, n_steps, n_in = x.shape
    n = weights_t.shape[1]
    count_steps = n_steps if store_counts else 0
    potential_steps = n_steps if store_potentials else 0
    has_delays = delays_t.shape[0] > 0
    has_lateral = lateral.shape[0] > 0
    fold_reset = reset_decay == beta

    counts = np.zeros((n_samples, count_steps, n), np.int32)
    first_spike = np.full((n_samples, n), -1, np.int64)
    totals = np.zeros((n_samples, n), np.int64)
    v_pre = np.zeros((n_samples, potential_steps, n))
    v_post = np.zeros((n_samples, potential_steps, n))

    for b in prange(n_samples):
        drive = np.zeros(n)
        reset_sum = np.zeros(n)
        lateral_sum = np.zeros(n)
        lateral_decaying = np.zeros(n)
        current = np.empty(n)
        step_counts = np.zeros(n, np.int64)

        for t in range(n_steps):
            # charge
            current[:] = bias
            if has_delays:
                for j in range(n_in):
                    for i in range(n):
                        delay = delays_t[j, i]
                        if delay <= t:
                            value = x[b, t - delay, j]
                            if value != 0:
                                current[i] += weights_t[j, i] * value
            else:
                for j in range(n_in):
                    value = x[b, t, j]
                    if value != 0:
                        for i in range(n):
                            current[i] += weights_t[j, i] * value

            # fire and reset
            any_spike = False
            for i in range(n):
                drive[i] = beta * drive[i] + current[i]
                if fold_reset:
                    v = drive[i]
                else:
                    v = drive[i] - reset_sum[i]
                if has_lateral:
                    lateral_decaying[i] *= reset_decay
                    v += lateral_sum[i] - lateral_decaying[i]

                c = _spike_count(v, threshold[i], budget - totals[b, i])
                step_counts[i] = c
                if store_potentials:
                    v_pre[b, t, i] = v
                    v_post[b, t, i] = v - c * threshold[i]
                if c > 0:
                    any_spike = True
                    if fold_reset:
                        drive[i] -= c * threshold[i]
                    else:
                        reset_sum[i] += c * threshold[i]
                    if totals[b, i] == 0:
                        first_spike[b, i] = t
                    totals[b, i] += c
                    if store_counts:
                        counts[b, t, i] = c

            # lateral input from this step's spikes (kernel 1 - rho is 0 in this step)
            if has_lateral and any_spike:
                for j in range(n):
                    if step_counts[j] > 0:
                        for k in range(j + 1, n):
                            amount = lateral[k, j] * step_counts[j]
                            lateral_sum[k] += amount
                            lateral_decaying[k] += amount

    return counts, first_spike, totals, v_pre, v_post


@njit(cache=True, parallel=True)
def simulate_readout(x, weights_t, delays_t, bias, beta):
    """Integrate the read-out potentials ``u[t] = beta * u[t-1] + I[t]`` for a batch.

    ``x`` is (B, T, n_in), ``weights_t`` is (n_in, n_out), ``delays_t`` is (n_in, n_out) or
    (0, 0). Returns the potentials, shape (B, T, n_out).
    """
    n_samples, n_steps, n_in = x.shape
    n_out = weights_t.shape[1]
    has_delays = delays_t.shape[0] > 0
    potentials = np.zeros((n_samples, n_steps, n_out))

    for b in prange(n_samples):
        u = np.zeros(n_out)
        current = np.empty(n_out)
        for t in range(n_steps):
            current[:] = bias
            if has_delays:
                for j in range(n_in):
                    for i in range(n_out):
                        delay = delays_t[j, i]
                        if delay <= t:
                            value = x[b, t - delay, j]
                            if value != 0:
                                current[i] += weights_t[j, i] * value
            else:
                for j in range(n_in):
                    value = x[b, t, j]
                    if value != 0:
                        for i in range(n_out):
                            current[i] += weights_t[j, i] * value
            for i in range(n_out):
                u[i] = beta * u[i] + current[i]
                potentials[b, t, i] = u[i]

    return potentials
