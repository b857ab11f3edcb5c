"""Input checks shared by the models, the simulator and the conversions.

Every check raises ``ValueError`` with a message that names the parameter, the value that
was given and the valid range, so that a bad input fails before any simulation starts.
"""

import math

import numpy as np

RESET_KINDS = ("leaky", "nonleaky")
MAX_BUDGET = 2**31 - 1  # per-step spike counts are stored as int32


def _describe(value) -> str:
    """Return a short text for a value in an error message."""
    array = np.asarray(value)
    if array.ndim == 0:
        return repr(value)
    return f"array of shape {array.shape}"


def check_positive_finite(name: str, value) -> float:
    """Return ``value`` as float after checking that it is finite and > 0."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return number


def check_budget(name: str, value) -> int:
    """Return a spike budget as int after checking that it is an integer in [1, 2**31 - 1]."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer in [1, {MAX_BUDGET}], got {value!r}")
    if isinstance(value, (int, np.integer)):
        budget = int(value)
    elif isinstance(value, (float, np.floating)) and float(value).is_integer():
        budget = int(value)
    else:
        raise ValueError(f"{name} must be an integer in [1, {MAX_BUDGET}], got {value!r}")
    if not 1 <= budget <= MAX_BUDGET:
        raise ValueError(f"{name} must be an integer in [1, {MAX_BUDGET}], got {value!r}")
    return budget


def check_reset(value) -> str:
    """Return the reset kind after checking it against the allowed values."""
    if value not in RESET_KINDS:
        raise ValueError(f"reset must be one of {RESET_KINDS}, got {value!r}")
    return value


def finite_array(name: str, value, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Return a float64 copy of ``value`` after checking its shape and that it is all finite."""
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of finite numbers, got {value!r}") from None
    if shape is not None and array.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        where = tuple(int(i) for i in bad)
        raise ValueError(
            f"{name} must contain only finite numbers (not NaN or infinite), "
            f"got {array[where]!r} at index {where}"
        )
    return array


def per_neuron(name: str, value, n: int) -> np.ndarray:
    """Broadcast a scalar or length-n value to a finite float64 array of length n."""
    array = finite_array(name, value)
    if array.ndim == 0:
        array = np.full(n, float(array))
    if array.shape != (n,):
        raise ValueError(f"{name} must be a scalar or have shape ({n},), got shape {array.shape}")
    return array
