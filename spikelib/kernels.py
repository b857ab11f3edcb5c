"""numba kernels: one spiking layer or one read-out layer over all steps of a batch.

A feedforward network has no loops between layers, so the simulator runs it layer by
layer: each kernel receives the complete per-step input of its layer for every sample and
returns the layer's per-step spike counts. The kernels are pure (no global state) and use
float64 throughout. A batch of two or more samples runs in parallel over samples
(``prange``). A single sample runs in a serial kernel: a ``parallel=True`` kernel would
still hand it to numba's thread pool, which gains nothing and, on a busy 2-core machine
(``benchmarks/run.py``), sometimes took twice as long as the serial loop.

Each step has three phases, in this order:

1. charge: ``I[t] = bias + sum_j w_ij * x_j[t - d_ij]`` and ``V[t] = beta * V[t-1] + I[t]``;
2. fire: ``c[t] = min(budget - spent, floor(v[t] / theta))`` if ``v[t] >= theta``, else 0;
3. reset: subtract ``c[t] * theta``; the subtracted amount then decays with the reset
   kernel (``beta`` per step for leaky reset, not at all for non-leaky reset).

Lateral input from spikes of step ``t`` is added after all neurons of the layer have fired
in step ``t``, because its kernel ``1 - rho`` is zero in the step of the presynaptic spike.

:func:`simulate_layer` picks one of two per-sample loops. The simple loop covers the common
case (no delays, no lateral synapses, a reset kernel that decays like the membrane so that
the reset can be folded into the drive, no potentials recorded) and runs its charge phase
in loops that LLVM vectorises. The general loop handles everything else. Both perform the
same floating-point operations in the same order, so they return identical results.
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


@njit(cache=True, inline="always")
def _charge(x, t, weights_t, delays_t, has_delays, bias, current):
    """Write the input current of step ``t`` into ``current``: bias plus delayed weighted input.

    Shared by the general spiking loop and the read-out, so both sum in the same order.
    """
    n_in, n = weights_t.shape
    for i in range(n):
        current[i] = bias[i]
    if has_delays:
        for j in range(n_in):
            for i in range(n):
                delay = delays_t[j, i]
                if delay <= t:
                    value = x[t - delay, j]
                    if value != 0:
                        current[i] += weights_t[j, i] * value
    else:
        for j in range(n_in):
            value = x[t, j]
            if value != 0:
                for i in range(n):
                    current[i] += weights_t[j, i] * value


@njit(cache=True)
def _simple_sample(
    x, weights_t, bias, threshold, budget, beta, store_counts, counts, first_spike, totals
):
    """Simulate one sample with no delays, no lateral input and the reset folded into the drive.

    ``x`` is (T, n_in); ``counts`` (T or 0, n), ``first_spike`` and ``totals`` (n,) are this
    sample's slices of the output arrays and are filled in place.
    """
    n_steps, n_in = x.shape
    n = weights_t.shape[1]
    drive = np.zeros(n)
    current = np.empty(n)

    for t in range(n_steps):
        # charge: the same sums, in the same order, as the general loop. The first non-zero
        # input writes bias + w * x over the whole vector, which saves a pass that copies the
        # bias, and a step without input adds the bias itself.
        charged = False
        for j in range(n_in):
            value = x[t, j]
            if value != 0:
                if charged:
                    for i in range(n):
                        current[i] += weights_t[j, i] * value
                else:
                    for i in range(n):
                        current[i] = bias[i] + weights_t[j, i] * value
                    charged = True
        source = current if charged else bias
        for i in range(n):
            drive[i] = beta * drive[i] + source[i]

        # fire and reset; the branch is taken only by neurons at or above threshold
        for i in range(n):
            v = drive[i]
            if v >= threshold[i]:
                c = _spike_count(v, threshold[i], budget - totals[i])
                if c > 0:
                    drive[i] -= c * threshold[i]
                    if totals[i] == 0:
                        first_spike[i] = t
                    totals[i] += c
                    if store_counts:
                        counts[t, i] = c


@njit(cache=True)
def _general_sample(
    x,
    weights_t,
    delays_t,
    bias,
    threshold,
    budget,
    beta,
    reset_decay,
    lateral_start,
    lateral_target,
    lateral_weight,
    store_counts,
    store_potentials,
    counts,
    first_spike,
    totals,
    v_pre,
    v_post,
):
    """Simulate one sample of any layer; the output slices are filled in place.

    Lateral synapses come in compressed rows by presynaptic neuron: the synapses of neuron
    ``j`` are ``lateral_target[lateral_start[j]:lateral_start[j + 1]]`` (ascending) with
    weights ``lateral_weight[...]``; ``lateral_start`` has length 0 for a layer without them.
    """
    n_steps, n_in = x.shape
    n = weights_t.shape[1]
    has_delays = delays_t.shape[0] > 0
    has_lateral = lateral_start.shape[0] > 0
    fold_reset = reset_decay == beta

    drive = np.zeros(n)
    reset_sum = np.zeros(n)
    lateral_sum = np.zeros(n)
    lateral_decaying = np.zeros(n)
    current = np.empty(n)
    step_counts = np.zeros(n, np.int64)

    for t in range(n_steps):
        # charge
        _charge(x, t, weights_t, delays_t, has_delays, bias, current)

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

            c = _spike_count(v, threshold[i], budget - totals[i])
            step_counts[i] = c
            if store_potentials:
                v_pre[t, i] = v
                v_post[t, i] = v - c * threshold[i]
            if c > 0:
                any_spike = True
                if fold_reset:
                    drive[i] -= c * threshold[i]
                else:
                    reset_sum[i] += c * threshold[i]
                if totals[i] == 0:
                    first_spike[i] = t
                totals[i] += c
                if store_counts:
                    counts[t, i] = c

        # lateral input from this step's spikes (kernel 1 - rho is 0 in this step). Each
        # target k receives its amounts in ascending order of the presynaptic j.
        if has_lateral and any_spike:
            for j in range(n):
                if step_counts[j] > 0:
                    for s in range(lateral_start[j], lateral_start[j + 1]):
                        k = lateral_target[s]
                        amount = lateral_weight[s] * step_counts[j]
                        lateral_sum[k] += amount
                        lateral_decaying[k] += amount


@njit(cache=True)
def _simple_serial(
    x, weights_t, bias, threshold, budget, beta, store_counts, counts, first_spike, totals
):
    for b in range(x.shape[0]):
        _simple_sample(
            x[b], weights_t, bias, threshold, budget, beta, store_counts,
            counts[b], first_spike[b], totals[b],
        )


@njit(cache=True, parallel=True)
def _simple_parallel(
    x, weights_t, bias, threshold, budget, beta, store_counts, counts, first_spike, totals
):
    for b in prange(x.shape[0]):
        _simple_sample(
            x[b], weights_t, bias, threshold, budget, beta, store_counts,
            counts[b], first_spike[b], totals[b],
        )


@njit(cache=True)
def _general_serial(
    x, weights_t, delays_t, bias, threshold, budget, beta, reset_decay,
    lateral_start, lateral_target, lateral_weight, store_counts, store_potentials,
    counts, first_spike, totals, v_pre, v_post,
):
    for b in range(x.shape[0]):
        _general_sample(
            x[b], weights_t, delays_t, bias, threshold, budget, beta, reset_decay,
            lateral_start, lateral_target, lateral_weight, store_counts, store_potentials,
            counts[b], first_spike[b], totals[b], v_pre[b], v_post[b],
        )


@njit(cache=True, parallel=True)
def _general_parallel(
    x, weights_t, delays_t, bias, threshold, budget, beta, reset_decay,
    lateral_start, lateral_target, lateral_weight, store_counts, store_potentials,
    counts, first_spike, totals, v_pre, v_post,
):
    for b in prange(x.shape[0]):
        _general_sample(
            x[b], weights_t, delays_t, bias, threshold, budget, beta, reset_decay,
            lateral_start, lateral_target, lateral_weight, store_counts, store_potentials,
            counts[b], first_spike[b], totals[b], v_pre[b], v_post[b],
        )


def lateral_rows(lateral: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the non-zero lateral synapses in compressed rows by presynaptic neuron.

    ``lateral[k, j]`` connects neuron ``j`` to neuron ``k``. Returns ``(start, target,
    weight)``: the synapses of neuron ``j`` are at positions ``start[j]:start[j + 1]``, with
    targets in ascending order. An empty matrix (shape (0, 0)) gives three empty arrays.
    Zero weights are left out: adding ``0 * count`` would not change any sum.
    """
    if lateral.shape[0] == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0)
    by_source = lateral.T
    source, target = np.nonzero(by_source)
    start = np.zeros(lateral.shape[0] + 1, np.int64)
    np.cumsum(np.bincount(source, minlength=lateral.shape[0]), out=start[1:])
    weight = np.ascontiguousarray(by_source[source, target], dtype=np.float64)
    return start, target.astype(np.int64), weight


def simulate_layer(
    x: np.ndarray,
    weights_t: np.ndarray,
    delays_t: np.ndarray,
    bias: np.ndarray,
    threshold: np.ndarray,
    budget: int,
    beta: float,
    reset_decay: float,
    lateral: np.ndarray,
    store_counts: bool,
    store_potentials: bool,
):
    """Simulate one spiking layer for a batch.

    Parameters
    ----------
    x : (B, T, n_in) float64
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

    Notes
    -----
    Spike-count convention: all threshold crossings of a step fire in that step, up to the
    budget. Both reset kinds are supported; the reset kind enters only through
    ``reset_decay``. The arrays must be C-contiguous and writable, so that every call hits
    one compiled signature.
    """
    n_samples, n_steps, _ = x.shape
    n = weights_t.shape[1]
    count_steps = n_steps if store_counts else 0
    potential_steps = n_steps if store_potentials else 0

    counts = np.zeros((n_samples, count_steps, n), np.int32)
    first_spike = np.full((n_samples, n), -1, np.int64)
    totals = np.zeros((n_samples, n), np.int64)
    v_pre = np.zeros((n_samples, potential_steps, n))
    v_post = np.zeros((n_samples, potential_steps, n))

    parallel = n_samples > 1
    simple = (
        delays_t.shape[0] == 0
        and lateral.shape[0] == 0
        and reset_decay == beta
        and not store_potentials
    )
    if simple:
        kernel = _simple_parallel if parallel else _simple_serial
        kernel(
            x, weights_t, bias, threshold, budget, beta, store_counts,
            counts, first_spike, totals,
        )
    else:
        lateral_start, lateral_target, lateral_weight = lateral_rows(lateral)
        kernel = _general_parallel if parallel else _general_serial
        kernel(
            x, weights_t, delays_t, bias, threshold, budget, beta, reset_decay,
            lateral_start, lateral_target, lateral_weight, store_counts, store_potentials,
            counts, first_spike, totals, v_pre, v_post,
        )

    return counts, first_spike, totals, v_pre, v_post


@njit(cache=True)
def _readout_sample(x, weights_t, delays_t, bias, beta, potentials):
    n_steps, n_in = x.shape
    n_out = weights_t.shape[1]
    has_delays = delays_t.shape[0] > 0
    u = np.zeros(n_out)
    current = np.empty(n_out)

    for t in range(n_steps):
        _charge(x, t, weights_t, delays_t, has_delays, bias, current)
        for i in range(n_out):
            u[i] = beta * u[i] + current[i]
            potentials[t, i] = u[i]


@njit(cache=True)
def _readout_serial(x, weights_t, delays_t, bias, beta, potentials):
    for b in range(x.shape[0]):
        _readout_sample(x[b], weights_t, delays_t, bias, beta, potentials[b])


@njit(cache=True, parallel=True)
def _readout_parallel(x, weights_t, delays_t, bias, beta, potentials):
    for b in prange(x.shape[0]):
        _readout_sample(x[b], weights_t, delays_t, bias, beta, potentials[b])


def simulate_readout(
    x: np.ndarray, weights_t: np.ndarray, delays_t: np.ndarray, bias: np.ndarray, beta: float
) -> np.ndarray:
    """Integrate the read-out potentials ``u[t] = beta * u[t-1] + I[t]`` for a batch.

    ``x`` is (B, T, n_in), ``weights_t`` is (n_in, n_out), ``delays_t`` is (n_in, n_out) or
    (0, 0). Returns the potentials, shape (B, T, n_out). Read-out neurons do not spike, so
    no count convention or reset applies.
    """
    n_samples, n_steps, _ = x.shape
    potentials = np.zeros((n_samples, n_steps, weights_t.shape[1]))
    kernel = _readout_parallel if n_samples > 1 else _readout_serial
    kernel(x, weights_t, delays_t, bias, beta, potentials)
    return potentials


@njit(cache=True)
def _absolute_sums_sample(x, sums):
    n_steps, n_in = x.shape
    for t in range(n_steps):
        for j in range(n_in):
            sums[j] += abs(x[t, j])


@njit(cache=True)
def _absolute_sums_serial(x, sums):
    for b in range(x.shape[0]):
        _absolute_sums_sample(x[b], sums[b])


@njit(cache=True, parallel=True)
def _absolute_sums_parallel(x, sums):
    for b in prange(x.shape[0]):
        _absolute_sums_sample(x[b], sums[b])


def absolute_input_sums(x: np.ndarray) -> np.ndarray:
    """Return ``sum over t of |x[b, t, j]|`` for every sample and input, shape (B, n_in).

    One pass over ``x`` with no temporary array. A NaN or infinite entry makes its sum NaN
    or infinite, so finite sums prove that every entry is finite.
    """
    sums = np.zeros((x.shape[0], x.shape[2]))
    kernel = _absolute_sums_parallel if x.shape[0] > 1 else _absolute_sums_serial
    kernel(x, sums)
    return sums
