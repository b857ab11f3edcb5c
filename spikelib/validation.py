"""Input checks shared by the models, the simulator and the conversions.

Every check raises ``ValueError`` with a message that names the parameter, the value that
was given and the valid range, so that a bad input fails before any simulation starts.
"""

import math
import reprlib

import numpy as np

RESET_KINDS = ("leaky", "nonleaky")
MAX_BUDGET = 2**31 - 1  # per-step spike counts are stored as int32
MAX_DELAY = 2**31 - 1  # keeps ``t - delay`` far from int64 overflow in the kernels
# Largest bound on a potential that run() accepts. The factor 4 leaves room for the reset
# and lateral terms, which the kernels add to and subtract from the drive.
MAX_POTENTIAL_BOUND = np.finfo(np.float64).max / 4


def _describe(value) -> str:
    """Return a short text for a value in an error message."""
    array = np.asarray(value)
    if array.ndim == 0:
        return repr(value)
    return f"array of shape {array.shape}"


def check_positive_finite(name: str, value) -> float:
    """Return ``value`` as float after checking that it is finite and > 0."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
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
    """Return a float64 copy of ``value`` after checking its shape and that it is all finite.

    Text, complex, date and time-span values are rejected instead of being parsed, losing
    their imaginary part or becoming counts of time units. A Python integer beyond the float64
    range is rejected like an infinite value.
    """
    try:
        raw = np.asarray(value)
        if raw.dtype.kind in "USVcMm":
            raise TypeError(f"dtype {raw.dtype} has no lossless float64 value")
        array = np.array(raw, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(
            f"{name} must be an array of real finite numbers, got {reprlib.repr(value)}"
        ) from None
    if shape is not None and array.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        where = tuple(int(i) for i in bad)
        raise ValueError(
            f"{name} must contain only finite numbers (not NaN or infinite), "
            f"got {float(array[where])!r} at index {where}"
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


def check_potential_range(
    network, inputs: np.ndarray, input_sums: np.ndarray | None = None
) -> None:
    """Raise ValueError when a potential of a run of ``network`` could overflow float64.

    ``inputs`` has shape (B, T, n_inputs). With ``beta <= 1`` the drive obeys
    ``|V[t]| <= sum over steps of |I[t]|``, so a neuron of the first layer stays below
    ``T * |b_i| + sum_j |w_ij| * S_j``, where ``S_j`` is the largest summed ``|x_j|`` of a
    sample. A later layer receives spike counts, and a presynaptic neuron ``j`` emits at most
    its budget over the run, so ``S_j`` is that budget. Lateral input adds
    ``sum_j |lateral_ij|`` times the layer's budget. Without this check an overflow turns
    potentials into inf or NaN, and a NaN potential never reaches threshold: the neuron
    would fall silent without an error.

    ``input_sums``, shape (B, n_inputs), may hold the summed ``|x_j|`` of every sample when
    the caller has computed them already; otherwise they are computed here.
    """
    n_steps = inputs.shape[1]
    with np.errstate(over="ignore", invalid="ignore"):
        if input_sums is None:
            input_sums = np.abs(inputs).sum(axis=1)
        presynaptic_sum = input_sums.max(axis=0)
        for index, layer in enumerate(network.layers):
            bound = n_steps * np.abs(layer.bias) + np.abs(layer.weights) @ presynaptic_sum
            if layer.lateral is not None:
                bound = bound + np.abs(layer.lateral).sum(axis=1) * float(layer.max_spikes)
            _check_bound(f"layers[{index}]", bound)
            presynaptic_sum = np.full(layer.n, float(layer.max_spikes))

        readout = network.readout
        if readout is not None:
            bound = n_steps * np.abs(readout.bias) + np.abs(readout.weights) @ presynaptic_sum
            _check_bound("readout", bound)


def _check_bound(where: str, bound: np.ndarray) -> None:
    too_large = ~(bound <= MAX_POTENTIAL_BOUND)
    if np.any(too_large):
        neuron = int(np.argmax(too_large))
        raise ValueError(
            f"{where}: the potential of neuron {neuron} can reach {bound[neuron]:.3g}, beyond "
            f"the float64 range this simulator accepts (at most {MAX_POTENTIAL_BOUND:.3g}); "
            "scale the weights, biases or inputs down"
        )
