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
from .digits import DigitsClassifier, DigitsExperiment, load_digits_split  # noqa: E402
from .ladder import ladder_index, to_single_spike  # noqa: E402
from .moebius import (  # noqa: E402
    DriveViolation,
    ExactnessReport,
    MultiSpikeExactnessError,
    MultiSpikeExactnessWarning,
    SpikeMismatch,
    check_multi_spike_exactness,
    free_drive,
    moebius_index,
    moebius_sum,
    moebius_terms,
    to_multi_spike,
)
from .network import Layer, Network, Readout, leak_factor  # noqa: E402
from .numbertheory import (  # noqa: E402
    alpha,
    alpha_bound,
    alpha_bound_large,
    mobius,
    squarefree_count,
    squarefree_counts,
    squarefree_numbers,
)
from .simulate import RunResult, run  # noqa: E402
from .targets import TARGETS, get_target  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "DriveViolation",
    "ExactnessReport",
    "MultiSpikeExactnessError",
    "MultiSpikeExactnessWarning",
    "SpikeMismatch",
    "alpha",
    "alpha_bound",
    "alpha_bound_large",
    "check_multi_spike_exactness",
    "free_drive",
    "mobius",
    "moebius_index",
    "moebius_sum",
    "moebius_terms",
    "squarefree_count",
    "squarefree_counts",
    "squarefree_numbers",
    "to_multi_spike",
    "Approximation",
    "ApproximationRun",
    "ConversionMismatchError",
    "DigitsClassifier",
    "DigitsExperiment",
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
    "load_digits_split",
    "network_cost",
    "run",
    "run_cost",
    "to_single_spike",
]
