"""Batched simulation of a :class:`~spikelib.network.Network`.

``run`` checks the inputs, then runs the numba kernels of :mod:`spikelib.kernels` layer by
layer: the per-step spike counts of one layer are the per-step input of the next. The
model, the spike condition ``v >= theta`` and the spike-count convention are described in
:mod:`spikelib.network`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import kernels
from .network import Network, leak_factor
from .validation import check_potential_range, finite_array

_NO_DELAYS = np.zeros((0, 0), np.int64)
_NO_LATERAL = np.zeros((0, 0), np.float64)


@dataclass(frozen=True, eq=False)
class RunResult:
    """What a run of a network produced.

    The leading batch axis ``B`` is present when the inputs had one (3-D inputs) and is
    dropped for a single 2-D input. Lists hold one array per spiking layer.

    Attributes
    ----------
    counts : list of int32 arrays, shape (B, T, n)
        Spikes emitted per step and neuron (the count convention allows several per step).
        Empty along the time axis when the run was made with ``record_counts=False``.
    first_spike : list of int64 arrays, shape (B, n)
        Step of each neuron's first spike, -1 for a neuron that never fired.
    spike_totals : list of int64 arrays, shape (B, n)
        Spikes per neuron over the whole run.
    output : float64 array, shape (B, T, n_out), or None
        Read-out potentials ``u[t]`` of every step (None for a network without read-out).
    v_pre, v_post : list of float64 arrays, shape (B, T, n), or None
        Potentials before and after the reset of each step (``record_potentials=True``).
    n_steps : int
        Number of simulated steps.
    """

    counts: list[np.ndarray]
    first_spike: list[np.ndarray]
    spike_totals: list[np.ndarray]
    output: np.ndarray | None
    v_pre: list[np.ndarray] | None
    v_post: list[np.ndarray] | None
    n_steps: int
    batched: bool

    @property
    def final_output(self) -> np.ndarray | None:
        """Read-out potentials at the final step, shape (B, n_out) or (n_out,)."""
        if self.output is None:
            return None
        return self.output[..., -1, :]

    def spike_steps(self, layer: int, neuron: int, sample: int = 0) -> np.ndarray:
        """Return the step of every spike of one neuron, repeated for several spikes per step.

        ``sample`` must be 0 for a run of a single 2-D input, which has no batch axis.
        """
        _check_position("layer", layer, len(self.counts))
        counts = self.counts[layer]
        _check_position("neuron", neuron, counts.shape[-1])
        _check_position("sample", sample, counts.shape[0] if self.batched else 1)
        if counts.shape[-2] == 0:
            raise ValueError("spike_steps needs per-step counts; run with record_counts=True")
        trace = counts[sample, :, neuron] if self.batched else counts[:, neuron]
        return np.repeat(np.arange(trace.shape[0]), trace)


def _check_position(name: str, value, size: int) -> None:
    """Raise ValueError unless ``value`` is an integer index in ``[0, size - 1]``."""
    is_integer = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if not is_integer or not 0 <= value < size:
        raise ValueError(f"{name} must be an integer in [0, {size - 1}], got {value!r}")


def _prepare_inputs(network: Network, inputs) -> tuple[np.ndarray, bool, np.ndarray]:
    """Return the inputs as a C-contiguous (B, T, n_in) float64 array, whether it was batched,
    and the summed ``|x|`` of every sample and input, shape (B, n_in).

    A writable C-contiguous float64 array is used without a copy, because the kernels only
    read it. Finite sums of ``|x|`` prove that every entry is finite. Any other input, and an
    array with a sum that is not finite (a non-finite entry, or an overflow), gets the
    entry-by-entry check and copy of ``finite_array``.
    """
    reusable = (
        isinstance(inputs, np.ndarray)
        and inputs.dtype == np.float64
        and inputs.flags.c_contiguous
        and inputs.flags.writeable
        and inputs.ndim in (2, 3)
        and inputs.size > 0
    )
    sums = None
    if reusable:
        sums = kernels.absolute_input_sums(inputs if inputs.ndim == 3 else inputs[None])
    if reusable and np.all(np.isfinite(sums)):
        array = inputs
    else:
        array = finite_array("inputs", inputs)
        sums = None
    if array.ndim not in (2, 3):
        raise ValueError(
            "inputs must have shape (T, n_inputs) or (B, T, n_inputs), "
            f"got shape {array.shape}"
        )
    batched = array.ndim == 3
    if not batched:
        array = array[None]
    n_samples, n_steps, n_in = array.shape
    if n_in != network.n_inputs:
        raise ValueError(
            f"inputs must have {network.n_inputs} columns (the network's n_inputs), got {n_in}"
        )
    if n_steps == 0:
        raise ValueError("inputs must cover at least 1 step, got 0 steps")
    if n_samples == 0:
        raise ValueError("inputs must contain at least 1 sample, got 0 samples")
    array = np.ascontiguousarray(array)
    if sums is None:
        sums = np.abs(array).sum(axis=1)
    return array, batched, sums


def _kernel_array(array, dtype=np.float64) -> np.ndarray:
    """Return a writable C-contiguous copy, so that every call hits one compiled signature.

    numba compiles a separate version of a kernel for read-only arrays, for other memory
    layouts and for other dtypes, which would multiply compile time and cache size.
    """
    return np.array(array, dtype=dtype, order="C", copy=True)


def _transposed_delays(delays) -> np.ndarray:
    if delays is None:
        return _NO_DELAYS
    return _kernel_array(delays.T, np.int64)


def run(
    network: Network,
    inputs,
    *,
    record_counts: bool = True,
    record_potentials: bool = False,
) -> RunResult:
    """Simulate ``network`` on ``inputs`` and return spike counts and read-out potentials.

    Parameters
    ----------
    network : Network
    inputs : array of shape (T, n_inputs) or (B, T, n_inputs)
        Per-step input to the first layer: input spike counts (delta synapses) or input
        currents; the first layer's weights multiply it in every step. A batch of ``B``
        samples is simulated in one call, in parallel over samples.
    record_counts : bool
        Keep the per-step counts of every layer. Without them only first-spike steps and
        totals are returned, which saves memory on long runs. Layers whose spikes feed a
        later layer are always computed in full.
    record_potentials : bool
        Keep the potentials before and after each step's reset.

    Returns
    -------
    RunResult

    Notes
    -----
    Every run starts from rest (all potentials 0, no spikes): runs do not share state.
    """
    if not isinstance(network, Network):
        raise ValueError(f"network must be a Network, got {type(network).__name__}")
    for name, flag in (("record_counts", record_counts), ("record_potentials", record_potentials)):
        if not isinstance(flag, (bool, np.bool_)):
            raise ValueError(f"{name} must be True or False, got {flag!r}")
    x, batched, input_sums = _prepare_inputs(network, inputs)
    check_potential_range(network, x, input_sums)
    betas = network.leak_factors()

    counts, first_spikes, totals, v_pres, v_posts = [], [], [], [], []
    layer_input = x
    last = len(network.layers) - 1
    for index, (layer, beta) in enumerate(zip(network.layers, betas)):
        store_counts = record_counts or index < last or network.readout is not None
        reset_decay = beta if layer.reset == "leaky" else 1.0
        lateral = _NO_LATERAL if layer.lateral is None else _kernel_array(layer.lateral)
        result = kernels.simulate_layer(
            layer_input,
            _kernel_array(layer.weights.T),
            _transposed_delays(layer.delays),
            _kernel_array(layer.bias),
            _kernel_array(layer.threshold),
            int(layer.max_spikes),
            float(beta),
            float(reset_decay),
            lateral,
            bool(store_counts),
            bool(record_potentials),
        )
        layer_counts, first_spike, total, v_pre, v_post = result
        counts.append(layer_counts)
        first_spikes.append(first_spike)
        totals.append(total)
        v_pres.append(v_pre)
        v_posts.append(v_post)
        # The next kernel takes float64 input only: one compiled signature per kernel.
        layer_input = layer_counts.astype(np.float64) if layer_counts.shape[1] else None

    output = None
    if network.readout is not None:
        readout = network.readout
        output = kernels.simulate_readout(
            layer_input,
            _kernel_array(readout.weights.T),
            _transposed_delays(readout.delays),
            _kernel_array(readout.bias),
            float(leak_factor(readout.tau_m, network.dt)),
        )

    if not record_counts:
        counts = [c[:, :0, :] for c in counts]

    def unbatch(arrays):
        return arrays if batched else [a[0] for a in arrays]

    if output is not None and not batched:
        output = output[0]

    return RunResult(
        counts=unbatch(counts),
        first_spike=unbatch(first_spikes),
        spike_totals=unbatch(totals),
        output=output,
        v_pre=unbatch(v_pres) if record_potentials else None,
        v_post=unbatch(v_posts) if record_potentials else None,
        n_steps=x.shape[1],
        batched=batched,
    )
