"""Moebius function, squarefree counts and the bounds on alpha: published values and identities."""

import math

import numpy as np
import pytest

from spikelib import (
    alpha,
    alpha_bound,
    alpha_bound_large,
    mobius,
    squarefree_count,
    squarefree_counts,
    squarefree_numbers,
)

# OEIS A008683, mu(1..30).
PUBLISHED_MU = [1, -1, -1, 0, -1, 1, -1, 0, 0, 1, -1, 0, -1, 1, 1, 0, -1, 0, -1, 0, 1, 1, -1, 0, 0, 1, 0, 0, -1, -1]


def mu_by_factoring(n: int) -> int:
    """Moebius function by trial division, independent of the sieve."""
    result = 1
    p = 2
    while p * p <= n:
        if n % p == 0:
            n //= p
            if n % p == 0:
                return 0
            result = -result
        p += 1
    if n > 1:
        result = -result
    return result


def test_mobius_matches_oeis_a008683():
    assert mobius(30)[1:].tolist() == PUBLISHED_MU


def test_mobius_zero_by_convention():
    assert mobius(30)[0] == 0


def test_mobius_matches_trial_division():
    mu = mobius(3000)
    expected = [mu_by_factoring(k) for k in range(1, 3001)]

    assert mu[1:].tolist() == expected


def test_mobius_small_arguments():
    assert mobius(0).tolist() == [0]
    assert mobius(1).tolist() == [0, 1]
    assert mobius(2).tolist() == [0, 1, -1]


@pytest.mark.parametrize("n, published", [(10, 7), (100, 61), (1000, 608), (10**6, 607926)])
def test_squarefree_count_oeis_a013928(n, published):
    assert squarefree_count(n) == published


def test_squarefree_count_matches_sieve_count():
    # Two algorithms: sum of mu(d) floor(n / d^2) over d <= sqrt(n), and counting mu != 0.
    cumulative = squarefree_counts(5000)
    direct = [squarefree_count(n) for n in range(5001)]

    assert cumulative.tolist() == direct


def test_squarefree_numbers_up_to_ten():
    assert squarefree_numbers(10).tolist() == [1, 2, 3, 5, 6, 7, 10]


def test_mobius_identity_up_to_1e5():
    # sum_{d <= L} mu(d) floor(L / d) = sum_{m <= L} sum_{d | m} mu(d); the inner sum is 1
    # for m = 1 and 0 otherwise. Accumulate mu(d) at every multiple of d, then cumulate.
    limit = 10**5
    mu = mobius(limit).astype(np.int64)
    divisor_sums = np.zeros(limit + 1, np.int64)
    for d in np.flatnonzero(mu):
        divisor_sums[d::d] += mu[d]

    identity = np.cumsum(divisor_sums)[1:]

    assert np.all(identity == 1)


def test_mobius_identity_direct_small():
    mu = mobius(200)
    for level in range(1, 201):
        total = sum(int(mu[d]) * (level // d) for d in range(1, level + 1))
        assert total == 1, level


def test_alpha_bound_up_to_1e6():
    n = np.arange(1, 10**6 + 1)
    alphas = np.cumsum(mobius(10**6)[1:].astype(np.int64) ** 2) / n

    assert np.all(alphas <= np.minimum(1.0, 6 / math.pi**2 + 1 / np.sqrt(n)))


def test_alpha_bound_large_up_to_1e6():
    n = np.arange(1, 10**6 + 1)
    alphas = np.cumsum(mobius(10**6)[1:].astype(np.int64) ** 2) / n

    assert np.all(alphas[7:] < 6 / math.pi**2 + 1 / (2 * np.sqrt(n[7:])))


def test_alpha_bound_functions_match_formulas():
    n = np.arange(8, 2000)

    np.testing.assert_allclose(alpha_bound(n), np.minimum(1, 6 / math.pi**2 + 1 / np.sqrt(n)))
    np.testing.assert_allclose(alpha_bound_large(n), 6 / math.pi**2 + 0.5 / np.sqrt(n))


def test_alpha_small_values_by_hand():
    # Squarefree numbers up to 8: 1, 2, 3, 5, 6, 7.
    assert alpha(1) == 1.0
    assert alpha(4) == 0.75
    assert alpha(8) == 0.75


def test_alpha_bound_large_fails_below_eight():
    # alpha(7) = 6/7 is above 6/pi^2 + 1/(2 sqrt(7)), which is why that bound starts at 8.
    assert alpha(7) > 6 / math.pi**2 + 1 / (2 * math.sqrt(7))


def test_alpha_bound_scalar_returns_float():
    assert isinstance(alpha_bound(9), float)
    assert alpha_bound(1) == 1.0


@pytest.mark.parametrize(
    "function, value",
    [(mobius, -1), (mobius, 2.5), (mobius, True), (squarefree_count, -3), (alpha, 0), (squarefree_numbers, "7")],
)
def test_number_theory_rejects_bad_n(function, value):
    with pytest.raises(ValueError, match=r"n must be an integer in \[\d+, \d+\], got"):
        function(value)


def test_alpha_bound_large_rejects_small_n():
    with pytest.raises(ValueError, match="n must be an integer >= 8"):
        alpha_bound_large(7)


def test_alpha_bound_rejects_zero_in_array():
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        alpha_bound(np.array([3, 0, 5]))
