"""Random networks and inputs for exactness checks (``python -m spikelib check``, the tests).

The generator aims at hard cases for the conversions: strong inputs that cross several
thresholds in one step, inhibitory weights, delays, lateral synapses, leaky and non-leaky
neurons, and budgets from 1 to 16.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Layer, Network, Readout


@dataclass(frozen=True)
class RandomCase:
    """One random network with a batch of inputs, and a text that describes it."""

    network: Network
    inputs: np.ndarray
    description: str


def random_layer(
    rng: np.random.Generator,
    n: int,
    n_in: int,
    *,
    max_spikes: int,
    reset: str,
    tau_m: float | None,
    with_delays: bool,
    with_lateral: bool,
    input_scale: float,
) -> Layer:
    """Return a layer with mostly excitatory random weights (about a fifth inhibitory)."""
    weights = rng.uniform(0.0, 1.0, size=(n, n_in)) * input_scale
    inhibitory = rng.random((n, n_in)) < 0.2
    weights[inhibitory] *= -1.5
    delays = rng.integers(0, 4, size=(n, n_in)) if with_delays else None
    lateral = None
    if with_lateral and n > 1:
        lateral = np.tril(rng.normal(0.0, 0.3, size=(n, n)), k=-1)
    return Layer(
        weights=weights,
        threshold=rng.uniform(0.5, 1.5, size=n),
        max_spikes=max_spikes,
        tau_m=tau_m,
        reset=reset,
        bias=rng.normal(0.0, 0.05, size=n),
        delays=delays,
        lateral=lateral,
    )


def random_case(
    rng: np.random.Generator,
    *,
    reset: str | None = None,
    max_budget: int = 16,
    n_samples: int = 3,
) -> RandomCase:
    """Draw a random network (one or two hidden layers) with a read-out and a batch of inputs.

    ``reset`` fixes the reset kind (random when None). Inputs are either spike counts
    (0, 1 or 2 spikes per step, so one step can carry a large jump) or currents.
    """
    reset = reset if reset is not None else str(rng.choice(["leaky", "nonleaky"]))
    n_layers = int(rng.integers(1, 3))
    n_inputs = int(rng.integers(1, 5))
    n_steps = int(rng.integers(10, 40))
    dt = 1.0
    spike_inputs = bool(rng.random() < 0.5)

    layers = []
    n_in = n_inputs
    parts = []
    for _ in range(n_layers):
        n = int(rng.integers(1, 5))
        tau_m = None if rng.random() < 0.3 else float(rng.uniform(2.0, 20.0))
        budget = int(rng.integers(1, max_budget + 1))
        layer = random_layer(
            rng,
            n,
            n_in,
            max_spikes=budget,
            reset=reset,
            tau_m=tau_m,
            with_delays=bool(rng.random() < 0.4),
            with_lateral=bool(rng.random() < 0.3),
            input_scale=float(rng.uniform(0.3, 3.0)),
        )
        layers.append(layer)
        parts.append(f"{n}x(N_s={budget}, tau_m={tau_m if tau_m is None else round(tau_m, 2)})")
        n_in = n

    readout = Readout(weights=rng.normal(0.0, 1.0, size=(2, n_in)))
    network = Network(layers=tuple(layers), readout=readout, dt=dt)

    if spike_inputs:
        inputs = rng.choice([0.0, 1.0, 2.0], p=[0.6, 0.3, 0.1], size=(n_samples, n_steps, n_inputs))
    else:
        inputs = rng.uniform(0.0, 1.5, size=(n_samples, n_steps, n_inputs))
    kind = "spike" if spike_inputs else "current"
    description = (
        f"reset={reset}, {kind} inputs, {n_inputs} inputs, {n_steps} steps, layers "
        + " -> ".join(parts)
    )
    return RandomCase(network=network, inputs=inputs, description=description)
