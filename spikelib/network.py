"""Feedforward networks of integrate-and-fire neurons with spike budgets.

The model is the discrete-time neuron of Dold and Petersen, "Equivalence of approximation
by networks of single- and multi-spike neurons" (arXiv:2603.13478). Each neuron has a free
drive ``V[t] = beta * V[t-1] + I[t]`` with leak factor ``beta = exp(-dt / tau_m)``
(``beta = 1`` when ``tau_m`` is None: the non-leaky integrate-and-fire neuron). Its
potential before the spikes of step ``t`` are emitted is

    v[t] = V[t] - theta * sum over earlier spikes s of rho[t - s] + lateral input,

where the reset kernel is ``rho[n] = beta**n`` for ``reset="leaky"`` (the reset decays with
the membrane) and ``rho[n] = 1`` for ``reset="nonleaky"`` (the subtracted threshold
persists).

Spike-count convention: in step ``t`` a neuron emits
``c[t] = min(remaining budget, floor(v[t] / theta))`` spikes when ``v[t] >= theta`` and
none otherwise; every emitted spike subtracts ``theta``. A synapse of weight ``w`` and delay
``d`` delivers ``w * c[t]`` to its target in step ``t + d``. Lateral synapses inside a layer
run strictly from a lower to a higher neuron index; a spike of neuron ``j`` adds
``lateral[k, j] * (1 - rho[n])`` to the potential of neuron ``k``, ``n`` steps later (zero in
the step of the spike).

The read-out layer does not spike: its potentials ``u[t] = beta * u[t-1] + I[t]`` are the
network output.

All objects here are immutable: their arrays are read-only copies, and the conversions
build new networks.

Floating-point notes: potentials are float64, and the spike condition ``v >= theta`` is
tested on rounded values. Sums of multiples of a power of two are exact, so four inputs of
0.25 reach threshold 1 in the fourth step (step 3). Other fractions can miss: a non-leaky
neuron with threshold 1 and input ``1/n`` in every step fires first in step ``n - 1``
(0-based) only when the float64 sum of ``n`` copies of ``1/n`` reaches 1. It does for
``n = 3`` (exactly 1.0) and ``n = 40`` (1.0000000000000004); for ``n = 7`` and ``n = 10`` it
stops one rounding error short (0.9999999999999998 and 0.9999999999999999), and the first
spike comes one step late:

    n     first spike step
    3     2
    7     7
    10    10
    40    39

Where ``v / theta`` rounds across an integer, the spike count is corrected by one so that
the leftover ``v - c * theta`` of a step lies in [0, theta) whenever the budget does not
cap the count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .validation import (
    MAX_DELAY,
    check_budget,
    check_positive_finite,
    check_reset,
    finite_array,
    per_neuron,
)


def _frozen(array: np.ndarray) -> np.ndarray:
    """Return a read-only view of ``array`` whose write flag cannot be switched back on.

    numpy lets the owner of a buffer become writable again, but not a view of a read-only
    owner, so ``layer.weights.flags.writeable = True`` raises ValueError.
    """
    array.flags.writeable = False
    view = array.view()
    view.flags.writeable = False
    return view


def _check_delays(name: str, delays, shape: tuple[int, int]) -> np.ndarray | None:
    """Return delays as a read-only int64 array, or None when there are none."""
    if delays is None:
        return None
    raw = np.asarray(delays)
    if raw.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got shape {raw.shape}")
    values = finite_array(name, raw, shape)
    invalid = (values < 0) | (values > MAX_DELAY) | (values != np.round(values))
    if np.any(invalid):
        where = tuple(int(i) for i in np.argwhere(invalid)[0])
        raise ValueError(
            f"{name} must be whole numbers of steps in [0, {MAX_DELAY}], "
            f"got {float(values[where])!r} at index {where}"
        )
    as_int = values.astype(np.int64)
    if not np.any(as_int):
        return None
    return _frozen(as_int)


def leak_factor(tau_m: float | None, dt: float) -> float:
    """Return ``beta = exp(-dt / tau_m)``, or 1.0 for a non-leaky neuron (``tau_m`` None)."""
    if tau_m is None:
        return 1.0
    return math.exp(-dt / tau_m)


@dataclass(frozen=True, eq=False)
class Layer:
    """A layer of spiking neurons with subtractive reset and a spike budget.

    Parameters
    ----------
    weights : array of shape (n, n_in)
        Afferent weights; ``weights[i, j]`` connects input ``j`` to neuron ``i``.
    threshold : float or array of shape (n,)
        Firing thresholds ``theta`` (> 0), per neuron.
    max_spikes : int
        Spike budget ``N_s`` of every neuron in the layer; 1 means single-spike.
    tau_m : float or None
        Membrane time constant in the units of the network's ``dt``; None gives the
        non-leaky integrate-and-fire neuron (``beta = 1``).
    reset : {"leaky", "nonleaky"}
        Reset kernel ``rho[n] = beta**n`` (leaky) or ``rho[n] = 1`` (non-leaky).
    bias : float or array of shape (n,)
        Bias current added to the input in every step.
    delays : int array of shape (n, n_in), optional
        Synaptic delays in whole steps (0 means the same step).
    lateral : array of shape (n, n), optional
        Lateral weights; ``lateral[k, j]`` with ``j < k`` connects neuron ``j`` to neuron
        ``k`` through the kernel ``1 - rho``. Entries on or above the diagonal must be 0.
    reset_self_synapses : bool
        Marks a layer of leaky-reset LIF neurons that each carry a self-synapse of weight
        ``-theta`` and kernel ``1 - rho``. Leaky reset plus that self-synapse subtracts
        ``theta * sum rho c + theta * sum (1 - rho) c = theta * sum c``, which is non-leaky
        reset, so such a layer is simulated as ``reset="nonleaky"`` (required) and the flag
        only makes the cost accounting count one self-synapse per neuron.
        :func:`spikelib.to_multi_spike` sets it; it needs ``tau_m`` (a leak).

    Notes
    -----
    The spike condition is ``v >= theta``; the count convention and both reset kinds are
    described in the module docstring of :mod:`spikelib.network`.
    """

    weights: np.ndarray
    threshold: np.ndarray | float = 1.0
    max_spikes: int = 1
    tau_m: float | None = None
    reset: str = "leaky"
    bias: np.ndarray | float = 0.0
    delays: np.ndarray | None = None
    lateral: np.ndarray | None = None
    reset_self_synapses: bool = False

    def __post_init__(self) -> None:
        weights = finite_array("weights", self.weights)
        if weights.ndim != 2:
            raise ValueError(
                f"weights must be a 2-D array of shape (n, n_in), got shape {weights.shape}"
            )
        n, n_in = weights.shape
        if n == 0 or n_in == 0:
            raise ValueError(f"weights must have at least one row and column, got {weights.shape}")

        threshold = per_neuron("threshold", self.threshold, n)
        if np.any(threshold <= 0):
            neuron = int(np.argmax(threshold <= 0))
            raise ValueError(
                f"threshold must be > 0 for every neuron, got {float(threshold[neuron])!r} "
                f"for neuron {neuron}"
            )

        tau_m = None if self.tau_m is None else check_positive_finite("tau_m", self.tau_m)
        lateral = self.lateral
        if lateral is not None:
            lateral = finite_array("lateral", lateral, (n, n))
            if np.any(np.triu(lateral) != 0):
                where = tuple(int(i) for i in np.argwhere(np.triu(lateral) != 0)[0])
                raise ValueError(
                    "lateral must be strictly lower-triangular (synapses from a lower to a "
                    f"higher neuron index only), got {float(lateral[where])!r} at index {where}"
                )
            lateral = _frozen(lateral) if np.any(lateral) else None

        object.__setattr__(self, "weights", _frozen(weights))
        object.__setattr__(self, "threshold", _frozen(threshold))
        object.__setattr__(self, "max_spikes", check_budget("max_spikes", self.max_spikes))
        object.__setattr__(self, "tau_m", tau_m)
        object.__setattr__(self, "reset", check_reset(self.reset))
        object.__setattr__(self, "bias", _frozen(per_neuron("bias", self.bias, n)))
        object.__setattr__(self, "delays", _check_delays("delays", self.delays, (n, n_in)))
        object.__setattr__(self, "lateral", lateral)

        if not isinstance(self.reset_self_synapses, (bool, np.bool_)):
            raise ValueError(
                f"reset_self_synapses must be True or False, got {self.reset_self_synapses!r}"
            )
        if self.reset_self_synapses and (self.reset != "nonleaky" or tau_m is None):
            raise ValueError(
                "reset_self_synapses=True needs reset='nonleaky' and a tau_m (it marks leaky "
                f"reset turned non-leaky by self-synapses), got reset={self.reset!r}, "
                f"tau_m={tau_m!r}"
            )
        object.__setattr__(self, "reset_self_synapses", bool(self.reset_self_synapses))

    @property
    def n(self) -> int:
        """Number of neurons."""
        return self.weights.shape[0]

    @property
    def n_in(self) -> int:
        """Number of afferent inputs per neuron."""
        return self.weights.shape[1]

    def __repr__(self) -> str:
        leak = "non-leaky IF" if self.tau_m is None else f"LIF tau_m={self.tau_m:g}"
        extras = []
        if self.delays is not None:
            extras.append(f"delays up to {int(self.delays.max())}")
        if self.lateral is not None:
            extras.append(f"{int(np.count_nonzero(self.lateral))} lateral synapses")
        if self.reset_self_synapses:
            extras.append("leaky reset made non-leaky by self-synapses")
        extra = (", " + ", ".join(extras)) if extras else ""
        return (
            f"Layer(n={self.n}, n_in={self.n_in}, max_spikes={self.max_spikes}, {leak}, "
            f"reset={self.reset!r}{extra})"
        )


@dataclass(frozen=True, eq=False)
class Readout:
    """A non-spiking linear read-out layer whose potentials are the network output.

    Parameters
    ----------
    weights : array of shape (n_out, n_in)
        Weights from the last spiking layer (or the inputs) to the read-out neurons.
    bias : float or array of shape (n_out,)
        Bias current added in every step.
    tau_m : float or None
        Membrane time constant; None makes the read-out a perfect integrator.
    delays : int array of shape (n_out, n_in), optional
        Synaptic delays in whole steps.
    """

    weights: np.ndarray
    bias: np.ndarray | float = 0.0
    tau_m: float | None = None
    delays: np.ndarray | None = None

    def __post_init__(self) -> None:
        weights = finite_array("readout weights", self.weights)
        if weights.ndim != 2 or 0 in weights.shape:
            raise ValueError(
                "readout weights must be a non-empty 2-D array of shape (n_out, n_in), "
                f"got shape {weights.shape}"
            )
        n_out, n_in = weights.shape
        tau_m = None if self.tau_m is None else check_positive_finite("tau_m", self.tau_m)
        object.__setattr__(self, "weights", _frozen(weights))
        object.__setattr__(self, "bias", _frozen(per_neuron("readout bias", self.bias, n_out)))
        object.__setattr__(self, "tau_m", tau_m)
        object.__setattr__(
            self, "delays", _check_delays("readout delays", self.delays, (n_out, n_in))
        )

    @property
    def n(self) -> int:
        """Number of read-out neurons."""
        return self.weights.shape[0]

    @property
    def n_in(self) -> int:
        """Number of inputs per read-out neuron."""
        return self.weights.shape[1]

    def __repr__(self) -> str:
        return f"Readout(n_out={self.n}, n_in={self.n_in})"


@dataclass(frozen=True, eq=False)
class Network:
    """A feedforward network: spiking layers, then an optional non-spiking read-out.

    Parameters
    ----------
    layers : sequence of Layer
        Spiking layers in order; layer ``l`` takes the spikes of layer ``l - 1`` (the network
        inputs for ``l = 0``) as its inputs.
    readout : Readout, optional
        Non-spiking read-out on the last spiking layer.
    dt : float
        Time step, in the same unit as every ``tau_m``.
    converted_from : tuple of str
        A record of the conversions that produced this network, oldest first, for example
        ``("multi-spike network, max_spikes=4 -> to_single_spike",)``. Shown by ``repr``.
    """

    layers: tuple[Layer, ...]
    readout: Readout | None = None
    dt: float = 1.0
    converted_from: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if isinstance(self.layers, Layer):
            raise ValueError(
                "layers must be a sequence of Layer objects, got a single Layer; "
                "pass layers=(layer,)"
            )
        try:
            layers = tuple(self.layers)
        except TypeError:
            raise ValueError(
                f"layers must be a sequence of Layer objects, got {type(self.layers).__name__}"
            ) from None
        if not layers:
            raise ValueError("layers must contain at least one Layer, got an empty sequence")
        for index, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise ValueError(f"layers[{index}] must be a Layer, got {type(layer).__name__}")
        for index in range(1, len(layers)):
            if layers[index].n_in != layers[index - 1].n:
                raise ValueError(
                    f"layers[{index}] expects {layers[index].n_in} inputs but "
                    f"layers[{index - 1}] has {layers[index - 1].n} neurons"
                )
        if self.readout is not None:
            if not isinstance(self.readout, Readout):
                raise ValueError(f"readout must be a Readout, got {type(self.readout).__name__}")
            if self.readout.n_in != layers[-1].n:
                raise ValueError(
                    f"readout expects {self.readout.n_in} inputs but the last layer has "
                    f"{layers[-1].n} neurons"
                )
        object.__setattr__(self, "layers", layers)
        object.__setattr__(self, "dt", check_positive_finite("dt", self.dt))
        records = self.converted_from
        if isinstance(records, str):
            # tuple("abc") would split one record into letters.
            raise ValueError(
                f"converted_from must be a tuple of str (one per conversion), got the str {records!r}"
            )
        object.__setattr__(self, "converted_from", tuple(records))

    @property
    def n_inputs(self) -> int:
        """Number of network inputs."""
        return self.layers[0].n_in

    @property
    def n_outputs(self) -> int:
        """Number of read-out neurons (0 without a read-out)."""
        return 0 if self.readout is None else self.readout.n

    @property
    def n_neurons(self) -> int:
        """Number of spiking neurons (read-out neurons are not counted)."""
        return sum(layer.n for layer in self.layers)

    def leak_factors(self) -> list[float]:
        """Return the leak factor ``beta`` of every spiking layer."""
        return [leak_factor(layer.tau_m, self.dt) for layer in self.layers]

    def __repr__(self) -> str:
        lines = [f"Network(dt={self.dt:g}, n_inputs={self.n_inputs},"]
        lines += [f"  {layer!r}," for layer in self.layers]
        if self.readout is not None:
            lines.append(f"  {self.readout!r},")
        for record in self.converted_from:
            lines.append(f"  converted from: {record},")
        lines.append(")")
        return "\n".join(lines)
