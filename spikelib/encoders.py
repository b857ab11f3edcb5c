"""Input encoders: turn values in [0, 1] into per-step network inputs.

Both encoders take ``x`` of shape (B, d) (or (d,) for one sample) and return inputs of
shape (B, T, d) (or (T, d)) for :func:`spikelib.run`:

- constant current: input ``j`` receives the current ``gain * x_j`` in every one of the
  ``n_steps`` steps (a rate-like code: a non-leaky neuron driven this way fires a number of
  spikes that grows linearly with ``x``);
- latency: input ``j`` emits one spike, at step ``round((1 - x_j) * t_in)``, so larger
  values spike earlier. ``t_in`` defaults to ``n_steps - 1``; Python's ``round`` (half to
  even) is replaced by ``floor(v + 1/2)`` so that the mapping is monotone.
"""

from __future__ import annotations

import numpy as np

from .validation import check_positive_finite, finite_array


def _values(x) -> tuple[np.ndarray, bool]:
    values = finite_array("x", x)
    if values.ndim not in (1, 2):
        raise ValueError(f"x must have shape (d,) or (B, d), got shape {values.shape}")
    batched = values.ndim == 2
    return (values if batched else values[None]), batched


def _check_steps(n_steps) -> int:
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 1:
        raise ValueError(f"n_steps must be an integer >= 1, got {n_steps!r}")
    return int(n_steps)


def encode_current(x, n_steps: int, gain: float = 1.0) -> np.ndarray:
    """Return constant input currents ``gain * x`` repeated over ``n_steps`` steps."""
    values, batched = _values(x)
    n_steps = _check_steps(n_steps)
    gain_array = finite_array("gain", gain)
    if gain_array.ndim != 0:
        raise ValueError(f"gain must be a single real number, got shape {gain_array.shape}")
    gain = float(gain_array)
    inputs = np.repeat((gain * values)[:, None, :], n_steps, axis=1)
    return inputs if batched else inputs[0]


def latency_steps(x, t_in: int) -> np.ndarray:
    """Return the spike step ``floor((1 - x) * t_in + 1/2)`` of each value in [0, 1].

    ``t_in`` is a whole number of steps >= 0, so every step lies in ``[0, t_in]``.
    """
    if isinstance(t_in, (bool, np.bool_)) or not isinstance(t_in, (int, np.integer)) or t_in < 0:
        raise ValueError(f"t_in must be an integer >= 0, got {t_in!r}")
    values = finite_array("x", x)
    if np.any((values < 0) | (values > 1)):
        bad = values[(values < 0) | (values > 1)].flat[0]
        raise ValueError(f"x must lie in [0, 1] for latency coding, got {bad!r}")
    return np.floor((1.0 - values) * t_in + 0.5).astype(np.int64)


def encode_latency(x, n_steps: int, t_in: int | None = None, amplitude: float = 1.0) -> np.ndarray:
    """Return one input spike of height ``amplitude`` per input, at step ``round((1 - x) * t_in)``.

    ``t_in`` must be in [0, n_steps - 1]; it defaults to ``n_steps - 1``.
    """
    values, batched = _values(x)
    n_steps = _check_steps(n_steps)
    if t_in is None:
        t_in = n_steps - 1
    if isinstance(t_in, bool) or not isinstance(t_in, (int, np.integer)) or not 0 <= t_in < n_steps:
        raise ValueError(f"t_in must be an integer in [0, {n_steps - 1}], got {t_in!r}")
    amplitude = check_positive_finite("amplitude", amplitude)

    steps = latency_steps(values, int(t_in))
    inputs = np.zeros((values.shape[0], n_steps, values.shape[1]))
    samples, dims = np.indices(values.shape)
    inputs[samples, steps, dims] = amplitude
    return inputs if batched else inputs[0]
