"""spikelib: single- and multi-spike neural networks and exact conversions between them.

It accompanies Dominik Dold and Philipp C. Petersen, "Equivalence of approximation by
networks of single- and multi-spike neurons", arXiv:2603.13478 (2026). Networks are built
from :class:`Layer` objects, simulated in batches by :func:`run`, and converted from
multi-spike to single-spike neurons by :func:`to_single_spike` (the threshold ladder).
"""

from ._numba_cache import configure_numba_cache

configure_numba_cache()

from .approximation import (  # noqa: E402
    Approximation,
    ApproximationRun,
    ConversionMismatchError,
    approximate_target,
    convert_approximation,
    fit_readout,
    ramp_layer,
    random_layer,
    readout_features,
    sweep,
)
from .cost import LayerCost, NetworkCost, RunCost, network_cost, run_cost  # noqa: E402
from .ladder import ladder_index, to_single_spike  # noqa: E402
from .network import Layer, Network, Readout, leak_factor  # noqa: E402
from .simulate import RunResult, run  # noqa: E402
from .targets import TARGETS, get_target  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "Approximation",
    "ApproximationRun",
    "ConversionMismatchError",
    "TARGETS",
    "approximate_target",
    "convert_approximation",
    "fit_readout",
    "get_target",
    "ramp_layer",
    "random_layer",
    "readout_features",
    "sweep",
    "Layer",
    "LayerCost",
    "Network",
    "NetworkCost",
    "Readout",
    "RunCost",
    "RunResult",
    "ladder_index",
    "leak_factor",
    "network_cost",
    "run",
    "run_cost",
    "to_single_spike",
]
