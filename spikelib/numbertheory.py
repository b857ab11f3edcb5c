"""Number theory behind the single- to multi-spike conversion: Moebius function and squarefree counts.

The Moebius function is ``mu(1) = 1``, ``mu(n) = (-1)**k`` when ``n`` is a product of ``k``
distinct primes, and ``mu(n) = 0`` when a square of a prime divides ``n``. It gives the
identity ``sum_{d <= L} mu(d) * floor(L / d) = 1`` for every ``L >= 1``, on which the
Moebius construction of :mod:`spikelib.moebius` rests. ``Q(n)`` counts the squarefree
integers in ``1..n`` (those with ``mu != 0``), and ``alpha(n) = Q(n) / n`` is the number of
multi-spike neurons per single-spike neuron and per unit of budget that the construction
needs. ``alpha(n) -> 6 / pi**2``; Dold and Petersen, "Equivalence of approximation by
networks of single- and multi-spike neurons" (arXiv:2603.13478), bound it by
``min(1, 6/pi**2 + 1/sqrt(n))`` for ``n >= 1`` and by ``6/pi**2 + 1/(2 sqrt(n))`` for
``n >= 8``.

The sieves are numba kernels (linear sieve for ``mu``; ``Q(n)`` from
``sum_{d <= sqrt(n)} mu(d) * floor(n / d**2)``, which needs ``mu`` up to ``sqrt(n)`` only).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

MAX_SIEVE = 10**9
"""Largest ``n`` accepted by the sieves; the linear sieve for ``mu`` keeps about 2n bytes."""

LIMIT_DENSITY = 6.0 / math.pi**2
"""``6 / pi**2``, the density of the squarefree integers and the limit of ``alpha(n)``."""


def _check_integer(name: str, value, low: int, high: int = MAX_SIEVE) -> int:
    """Return ``value`` as int after checking that it is an integer in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    number = int(value)
    if not low <= number <= high:
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return number


@njit(cache=True)
def _mobius_sieve(n):
    """Return mu(0..n) as int8 by a linear sieve (each composite is marked once)."""
    mu = np.zeros(n + 1, np.int8)
    if n >= 1:
        mu[1] = 1
    composite = np.zeros(n + 1, np.bool_)
    # pi(n) < 1.26 n / ln(n) for n > 1 (Rosser and Schoenfeld); 16 covers small n.
    capacity = 16 + int(1.26 * n / math.log(max(n, 2)))
    primes = np.empty(capacity, np.int64)
    n_primes = 0

    for i in range(2, n + 1):
        if not composite[i]:
            primes[n_primes] = i
            n_primes += 1
            mu[i] = -1
        for k in range(n_primes):
            p = primes[k]
            multiple = i * p
            if multiple > n:
                break
            composite[multiple] = True
            if i % p == 0:
                # p**2 divides i * p, so mu(i * p) stays 0; every later prime is
                # reached through a larger i.
                break
            mu[multiple] = -mu[i]

    return mu


@njit(cache=True)
def _squarefree_count(n, mu):
    """Return Q(n) = sum_{d <= sqrt(n)} mu(d) floor(n / d**2); ``mu`` covers 0..isqrt(n)."""
    total = 0
    d = 1
    while d * d <= n:
        if mu[d] != 0:
            total += mu[d] * (n // (d * d))
        d += 1
    return total


@njit(cache=True)
def _squarefree_cumulative(mu):
    """Return Q(0..n) from mu(0..n): the running count of non-zero mu."""
    counts = np.zeros(mu.shape[0], np.int64)
    running = 0
    for i in range(mu.shape[0]):
        if mu[i] != 0:
            running += 1
        counts[i] = running
    return counts


def mobius(n: int) -> np.ndarray:
    """Compute the Moebius function ``mu(0), mu(1), ..., mu(n)`` with a linear sieve.

    Parameters
    ----------
    n : int
        Largest argument, in ``[0, MAX_SIEVE]``.

    Returns
    -------
    numpy.ndarray of int8, shape (n + 1,)
        ``mu[k]`` for ``k = 0..n``. ``mu[0]`` is 0 by convention (0 is divisible by every
        square), so that index ``k`` is ``mu(k)``.

    Notes
    -----
    Runs in O(n) time and takes about ``2 n`` bytes besides the result.
    """
    n = _check_integer("n", n, 0)
    return _mobius_sieve(n)


def squarefree_count(n: int) -> int:
    """Count the squarefree integers in ``1..n``, ``Q(n)`` (OEIS A013928).

    Uses ``Q(n) = sum_{d <= sqrt(n)} mu(d) * floor(n / d**2)``, with ``mu`` sieved up to
    ``sqrt(n)``. ``Q(0) = 0``.

    Parameters
    ----------
    n : int
        In ``[0, MAX_SIEVE]``.
    """
    n = _check_integer("n", n, 0)
    mu = _mobius_sieve(math.isqrt(n))
    return int(_squarefree_count(n, mu))


def squarefree_counts(n: int) -> np.ndarray:
    """Return ``Q(0), Q(1), ..., Q(n)`` as an int64 array, from one sieve of ``mu`` up to ``n``.

    ``squarefree_counts(n)[1:] / numpy.arange(1, n + 1)`` is ``alpha(1..n)``.
    """
    n = _check_integer("n", n, 0)
    return _squarefree_cumulative(_mobius_sieve(n))


def squarefree_numbers(n: int) -> np.ndarray:
    """Return the squarefree integers in ``1..n`` in increasing order, as int64."""
    n = _check_integer("n", n, 0)
    mu = _mobius_sieve(n)
    return np.flatnonzero(mu).astype(np.int64)


def alpha(n: int) -> float:
    """Return ``alpha(n) = Q(n) / n``, multi-spike neurons per single-spike neuron and per unit of budget.

    Parameters
    ----------
    n : int
        Spike budget ``N_s``, in ``[1, MAX_SIEVE]``.
    """
    n = _check_integer("n", n, 1)
    return squarefree_count(n) / n


def _integer_array(name: str, value, low: int) -> tuple[np.ndarray, bool]:
    """Return ``value`` as a float64 array of integers >= ``low``, and whether it was a scalar."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 2**53:
        # numpy stores an int beyond uint64 as an object. A float64 is exact enough for a bound.
        try:
            value = float(value)
        except OverflowError:
            raise ValueError(
                f"{name} must be an integer >= {low} within the float64 range, got {value!r}"
            ) from None
    array = np.asarray(value)
    scalar = array.ndim == 0
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{name} must be an integer >= {low} (or an array of them), got {value!r}")
    as_float = array.astype(np.float64)
    bad = ~np.isfinite(as_float) | (as_float != np.round(as_float)) | (as_float < low)
    if np.any(bad):
        first = as_float[bad].flat[0] if not scalar else value
        raise ValueError(
            f"{name} must be an integer >= {low} (or an array of them), got {first!r}"
        )
    return as_float, scalar


def alpha_bound(n) -> float | np.ndarray:
    """Return the bound ``min(1, 6/pi**2 + 1/sqrt(n))`` on ``alpha(n)``, valid for every ``n >= 1``.

    ``n`` is an integer or an array of integers ``>= 1``; the result has the same shape.
    """
    values, scalar = _integer_array("n", n, 1)
    bound = np.minimum(1.0, LIMIT_DENSITY + 1.0 / np.sqrt(values))
    return float(bound) if scalar else bound


def alpha_bound_large(n) -> float | np.ndarray:
    """Return the bound ``6/pi**2 + 1/(2 sqrt(n))`` on ``alpha(n)``, valid for ``n >= 8``.

    The inequality ``alpha(n) < 6/pi**2 + 1/(2 sqrt(n))`` fails at ``n = 2, 3, 6, 7``
    (for example ``alpha(7) = 6/7``), so ``n < 8`` raises ``ValueError``.
    """
    values, scalar = _integer_array("n", n, 8)
    bound = LIMIT_DENSITY + 0.5 / np.sqrt(values)
    return float(bound) if scalar else bound
