"""Multi-spike to single-spike: the threshold ladder.

A multi-spike neuron ``M`` with threshold ``theta`` and budget ``N_s`` is replaced by
single-spike neurons ``n_1 .. n_{N_s}``. Neuron ``n_k`` receives the afferent synapses of
``M`` and has threshold ``k * theta``; each efferent synapse of ``M`` (weight ``w``, delay
``d``) becomes ``N_s`` synapses ``n_k -> target`` with the same weight and delay. With
leaky reset, ``n_k`` also receives from every ``n_j`` with ``j < k`` a lateral synapse of
weight ``theta`` and kernel ``1 - rho``; with non-leaky reset (or a non-leaky neuron,
``beta = 1``) that kernel is zero and no lateral synapse is added.

Exactness: ``n_k`` fires in exactly the step of ``M``'s k-th spike. If ``m`` ladder neurons
have fired before step ``t``, every later one sits at ``v[t] + m * theta``, where ``v[t]`` is
``M``'s potential, so it crosses ``k * theta`` exactly when ``M``'s count reaches ``k``. The
construction needs no condition on the input; it assumes the spike-count convention of
:mod:`spikelib.network` (all threshold crossings of one step fire in that step). Outputs
agree up to float64 summation order, and spike steps agree except when a potential lands
within rounding distance of a threshold multiple.
"""

from __future__ import annotations

import numpy as np

from .network import Layer, Network, Readout
from .validation import check_budget


MAX_DENSE_ENTRIES = 2**26
"""Most entries (512 MiB of float64) that one weight or lateral matrix of a conversion may hold.

The converted networks store dense matrices, and building and simulating a layer briefly
keeps several copies of each, so a larger matrix could exhaust the memory of an ordinary
machine (the ladder of one leaky neuron with budget 8192 is the largest that passes).
"""


def check_dense_size(where: str, rows: int, columns: int, cause: str) -> None:
    """Raise ValueError when a converted ``rows`` x ``columns`` matrix is too large to build."""
    entries = rows * columns
    if entries > MAX_DENSE_ENTRIES:
        raise ValueError(
            f"{where} of the converted network would be a dense {rows} x {columns} matrix "
            f"({entries * 8 / 2**30:.3g} GiB of float64), more than MAX_DENSE_ENTRIES = "
            f"{MAX_DENSE_ENTRIES} entries; {cause}"
        )


def require_network(network) -> Network:
    """Return ``network`` after checking that it is a :class:`~spikelib.network.Network`.

    A bare Layer is the likeliest mistake, so the message shows how to wrap it.
    """
    if isinstance(network, Layer):
        raise ValueError(
            "network must be a Network, got a Layer; wrap it as Network(layers=(layer,))"
        )
    if not isinstance(network, Network):
        raise ValueError(f"network must be a Network, got {type(network).__name__}")
    return network


def _check_index(name: str, value, low: int, high: int | None = None) -> int:
    """Return ``value`` as int after checking that it is an integer in ``[low, high]``."""
    valid = f">= {low}" if high is None else f"in [{low}, {high}]"
    is_integer = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if not is_integer or value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be an integer {valid}, got {value!r}")
    return int(value)


def ladder_index(neuron: int, rung: int, max_spikes: int) -> int:
    """Return the index, in the converted layer, of ladder neuron ``rung`` (1-based) of ``neuron``.

    ``neuron`` must be >= 0 and ``rung`` in ``[1, max_spikes]``; other values would name a
    ladder neuron of a different original neuron, or none.
    """
    max_spikes = check_budget("max_spikes", max_spikes)
    neuron = _check_index("neuron", neuron, 0)
    rung = _check_index("rung", rung, 1, max_spikes)
    return neuron * max_spikes + rung - 1


def _repeat_columns(array, factor: int):
    if array is None or factor == 1:
        return array
    return np.repeat(array, factor, axis=1)


def _ladder_layer(layer: Layer, input_factor: int, beta: float) -> Layer:
    """Return the ladder of ``layer``, whose inputs were already expanded by ``input_factor``."""
    weights = _repeat_columns(layer.weights, input_factor)
    delays = _repeat_columns(layer.delays, input_factor)
    budget = layer.max_spikes

    if budget == 1:
        return Layer(
            weights=weights,
            threshold=layer.threshold,
            max_spikes=1,
            tau_m=layer.tau_m,
            reset=layer.reset,
            bias=layer.bias,
            delays=delays,
            lateral=layer.lateral,
        )

    rungs = np.arange(1, budget + 1, dtype=np.float64)
    threshold = np.repeat(layer.threshold, budget) * np.tile(rungs, layer.n)

    lateral = None
    if layer.lateral is not None:
        # Every ladder neuron of j reaches every ladder neuron of k > j with the same weight.
        lateral = np.kron(layer.lateral, np.ones((budget, budget)))
    needs_ladder_synapses = layer.reset == "leaky" and beta != 1.0
    if needs_ladder_synapses:
        if lateral is None:
            lateral = np.zeros((layer.n * budget, layer.n * budget))
        block = np.tril(np.ones((budget, budget)), k=-1)
        for neuron in range(layer.n):
            start = neuron * budget
            lateral[start : start + budget, start : start + budget] = (
                layer.threshold[neuron] * block
            )

    return Layer(
        weights=np.repeat(weights, budget, axis=0),
        threshold=threshold,
        max_spikes=1,
        tau_m=layer.tau_m,
        reset=layer.reset,
        bias=np.repeat(layer.bias, budget),
        delays=None if delays is None else np.repeat(delays, budget, axis=0),
        lateral=lateral,
    )


def to_single_spike(network: Network) -> Network:
    """Convert every multi-spike layer of ``network`` into single-spike neurons (threshold ladder).

    Each neuron with budget ``N_s`` becomes ``N_s`` single-spike neurons with thresholds
    ``theta, 2 theta, ..., N_s theta``, stored consecutively: ladder neuron ``k`` of neuron
    ``i`` has index ``i * N_s + k - 1`` (see :func:`ladder_index`). Layers that are already
    single-spike are kept as they are. Both reset kinds are exact; leaky reset adds
    ``N_s (N_s - 1) / 2`` lateral synapses per neuron (module docstring).

    Returns a new network; ``network`` is not changed. The result's ``converted_from``
    records the conversion and the original budgets.
    """
    require_network(network)
    betas = network.leak_factors()
    cause = "lower max_spikes, or use fewer neurons"
    input_factor = 1
    for index, (layer, beta) in enumerate(zip(network.layers, betas)):
        rows = layer.n * layer.max_spikes
        check_dense_size(f"the weights of layers[{index}]", rows, layer.n_in * input_factor, cause)
        leaky_ladder = layer.max_spikes > 1 and layer.reset == "leaky" and beta != 1.0
        if layer.lateral is not None or leaky_ladder:
            check_dense_size(f"the lateral weights of layers[{index}]", rows, rows, cause)
        input_factor = layer.max_spikes
    if network.readout is not None:
        check_dense_size("the read-out weights", network.readout.n, network.readout.n_in * input_factor, cause)

    layers = []
    input_factor = 1
    for layer, beta in zip(network.layers, betas):
        layers.append(_ladder_layer(layer, input_factor, beta))
        input_factor = layer.max_spikes

    readout = network.readout
    if readout is not None:
        readout = Readout(
            weights=_repeat_columns(readout.weights, input_factor),
            bias=readout.bias,
            tau_m=readout.tau_m,
            delays=_repeat_columns(readout.delays, input_factor),
        )

    budgets = ", ".join(str(layer.max_spikes) for layer in network.layers)
    record = f"to_single_spike of a network with max_spikes per layer ({budgets})"
    return Network(
        layers=tuple(layers),
        readout=readout,
        dt=network.dt,
        converted_from=network.converted_from + (record,),
    )
