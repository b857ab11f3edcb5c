"""Target functions for the approximation experiments, and the point sets they are measured on.

Every target maps the unit cube ``[0, 1]^d`` to the real numbers and takes points of shape
(B, d). The four targets differ in regularity, which decides how fast a network's error
can fall with its size: a smooth sine, a kink ``|x - 1/2|``, a jump at ``x = sqrt(2) - 1``
and a smooth 2-D product of sines. The jump sits at an irrational point. Grid points and the
staircase steps of the structured hidden layer of :mod:`spikelib.approximation` are
rational, so no network size places a step exactly on the jump by luck.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .validation import finite_array


@dataclass(frozen=True)
class Target:
    """A target function on ``[0, 1]^dim``.

    Attributes
    ----------
    name : str
        Key in :data:`TARGETS`.
    dim : int
        Input dimension ``d``.
    function : callable
        Maps points of shape (B, d) to values of shape (B,).
    formula : str
        The formula in LaTeX, for plot legends.
    regularity : str
        "smooth", "kink" (continuous, not differentiable) or "jump" (discontinuous).
    """

    name: str
    dim: int
    function: Callable[[np.ndarray], np.ndarray]
    formula: str
    regularity: str

    def __call__(self, x) -> np.ndarray:
        return self.function(check_points(x, self.dim))


def _sine(x: np.ndarray) -> np.ndarray:
    return np.sin(2.0 * np.pi * x[:, 0])


def _kink(x: np.ndarray) -> np.ndarray:
    return np.abs(x[:, 0] - 0.5)


JUMP_AT = math.sqrt(2.0) - 1.0


def _jump(x: np.ndarray) -> np.ndarray:
    return (x[:, 0] >= JUMP_AT).astype(np.float64)


def _sine_product(x: np.ndarray) -> np.ndarray:
    return np.sin(np.pi * x[:, 0]) * np.sin(np.pi * x[:, 1])


TARGETS: dict[str, Target] = {
    "sine": Target("sine", 1, _sine, r"$\sin(2\pi x)$", "smooth"),
    "kink": Target("kink", 1, _kink, r"$|x - 1/2|$", "kink"),
    "step": Target("step", 1, _jump, r"$[x \geq \sqrt{2} - 1]$", "jump"),
    "sine2d": Target("sine2d", 2, _sine_product, r"$\sin(\pi x_1)\sin(\pi x_2)$", "smooth"),
}


def get_target(name: str) -> Target:
    """Return the target called ``name`` (a key of :data:`TARGETS`)."""
    if not isinstance(name, str) or name not in TARGETS:
        raise ValueError(f"target must be one of {tuple(TARGETS)}, got {name!r}")
    return TARGETS[name]


def check_points(x, dim: int) -> np.ndarray:
    """Return ``x`` as a float64 array of shape (B, dim) after checking it lies in ``[0, 1]^dim``."""
    points = finite_array("x", x)
    if points.ndim == 1 and dim == 1:
        points = points[:, None]
    if points.ndim != 2 or points.shape[1] != dim or points.shape[0] == 0:
        raise ValueError(f"x must have shape (B, {dim}) with B >= 1, got shape {points.shape}")
    if np.any((points < 0) | (points > 1)):
        bad = points[(points < 0) | (points > 1)][0]
        raise ValueError(f"x must lie in [0, 1]^{dim}, got a coordinate {bad!r}")
    return points


def _check_count(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def midpoint_grid(dim: int, size: int) -> np.ndarray:
    """Return the cell midpoints ``(j + 1/2) / size`` of a uniform grid on ``[0, 1]^dim``.

    The result has shape (size**dim, dim). Its mean of squared errors is the midpoint rule
    for the squared L2 norm on the cube.
    """
    dim = _check_count("dim", dim, 1)
    size = _check_count("size", size, 1)
    axis = (np.arange(size) + 0.5) / size
    mesh = np.meshgrid(*([axis] * dim), indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)




def training_points(dim: int, count: int, seed: int) -> np.ndarray:
    """Return ``count`` points drawn uniformly from ``[0, 1]^dim`` with ``numpy`` seed ``seed``."""
    dim = _check_count("dim", dim, 1)
    count = _check_count("count", count, 1)
    seed = _check_count("seed", seed, 0)
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=(count, dim))
