"""Cost accounting: neurons and synapses of a network, spikes and synaptic events of a run.

A synapse is a non-zero weight. Afferent synapses of a layer come from the previous layer
(or the inputs), efferent synapses go to the next layer or the read-out, and lateral
synapses connect neurons inside a layer. A synaptic event is one spike arriving at one
synapse, so a neuron's spikes cause ``spikes * (efferent + outgoing lateral synapses)``
events.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .ladder import require_network
from .network import Network
from .simulate import RunResult


@dataclass(frozen=True)
class LayerCost:
    """Neuron and synapse counts of one spiking layer."""

    neurons: int
    afferent_synapses: int
    efferent_synapses: int
    lateral_synapses: int
    max_spikes: int
    self_synapses: int = 0
    """Self-synapses that turn leaky reset into non-leaky reset (``Layer.reset_self_synapses``)."""


@dataclass(frozen=True)
class NetworkCost:
    """Neuron and synapse counts of a network, per layer and in total."""

    layers: tuple[LayerCost, ...]
    readout_neurons: int
    readout_synapses: int

    @property
    def neurons(self) -> int:
        """Spiking neurons (read-out neurons are listed separately)."""
        return sum(layer.neurons for layer in self.layers)

    @property
    def synapses(self) -> int:
        """All synapses: afferent of every layer, lateral, self-synapses and those into the read-out."""
        afferent = sum(layer.afferent_synapses for layer in self.layers)
        lateral = sum(layer.lateral_synapses for layer in self.layers)
        return afferent + lateral + self.self_synapses + self.readout_synapses

    @property
    def self_synapses(self) -> int:
        """Self-synapses in all layers (one per neuron of a layer with ``reset_self_synapses``)."""
        return sum(layer.self_synapses for layer in self.layers)

    @property
    def lateral_synapses(self) -> int:
        """Lateral synapses in all layers."""
        return sum(layer.lateral_synapses for layer in self.layers)

    def as_rows(self) -> list[dict]:
        """Return one dict per layer, for printing as a table."""
        return [{"layer": index, **asdict(layer)} for index, layer in enumerate(self.layers)]


def _efferent_weights(network: Network, index: int):
    if index + 1 < len(network.layers):
        return network.layers[index + 1].weights
    if network.readout is not None:
        return network.readout.weights
    return None


def network_cost(network: Network) -> NetworkCost:
    """Count the neurons and synapses of every layer of ``network``."""
    require_network(network)
    layers = []
    for index, layer in enumerate(network.layers):
        efferent = _efferent_weights(network, index)
        layers.append(
            LayerCost(
                neurons=layer.n,
                afferent_synapses=int(np.count_nonzero(layer.weights)),
                efferent_synapses=0 if efferent is None else int(np.count_nonzero(efferent)),
                lateral_synapses=0 if layer.lateral is None else int(np.count_nonzero(layer.lateral)),
                max_spikes=layer.max_spikes,
                self_synapses=layer.n if layer.reset_self_synapses else 0,
            )
        )
    readout_synapses = 0
    if network.readout is not None:
        readout_synapses = int(np.count_nonzero(network.readout.weights))
    return NetworkCost(
        layers=tuple(layers),
        readout_neurons=network.n_outputs,
        readout_synapses=readout_synapses,
    )


def out_degrees(network: Network, index: int) -> np.ndarray:
    """Return, per neuron of layer ``index``, its efferent, outgoing lateral and self-synapses."""
    layer = network.layers[index]
    degrees = np.zeros(layer.n, np.int64)
    efferent = _efferent_weights(network, index)
    if efferent is not None:
        degrees += np.count_nonzero(efferent, axis=0)
    if layer.lateral is not None:
        degrees += np.count_nonzero(layer.lateral, axis=0)
    if layer.reset_self_synapses:
        degrees += 1
    return degrees


@dataclass(frozen=True)
class RunCost:
    """Spikes and synaptic events of a run, as means per input sample."""

    spikes_per_sample: float
    synaptic_events_per_sample: float
    spikes_per_layer: tuple[float, ...]
    events_per_layer: tuple[float, ...]


def run_cost(network: Network, result: RunResult) -> RunCost:
    """Count the spikes and synaptic events of ``result``, a run of ``network``."""
    require_network(network)
    if not isinstance(result, RunResult):
        raise ValueError(f"result must be a RunResult, got {type(result).__name__}")
    run_sizes = [totals.shape[-1] for totals in result.spike_totals]
    network_sizes = [layer.n for layer in network.layers]
    if run_sizes != network_sizes:
        raise ValueError(
            f"result must be a run of network: its layers have {run_sizes} neurons, the "
            f"network's have {network_sizes}"
        )
    spikes, events = [], []
    for index, totals in enumerate(result.spike_totals):
        per_sample = totals if result.batched else totals[None]
        spikes.append(float(per_sample.sum(axis=1).mean()))
        events.append(float((per_sample @ out_degrees(network, index)).mean()))
    return RunCost(
        spikes_per_sample=sum(spikes),
        synaptic_events_per_sample=sum(events),
        spikes_per_layer=tuple(spikes),
        events_per_layer=tuple(events),
    )
