"""The :class:`Objective` record: a test function, its gradient and what is known about it.

An objective bundles a scalar function f: R^n -> R with its analytic gradient
grad f: R^n -> R^n and the published facts about it -- the global minimisers
x*, the infimum f* = inf f, a plotting window and a suggested starting point --
so that an optimiser run can be judged by its distance ||x - x*|| to the
nearest known minimiser and its gap f(x) - f*.

Array convention (the one of :func:`scipy.optimize.rosen`): ``f`` and ``grad``
take ``x`` with the n coordinates on the *leading* axis, shape ``(n, ...)``,
and broadcast over the trailing axes; ``f`` returns shape ``(...)`` and
``grad`` returns shape ``(n, ...)``.  A single point is a 1-D array of shape
``(n,)``; a grid of points is ``np.stack([X, Y])`` for a meshgrid ``X, Y``.

The test functions themselves, with their sources, are in
:mod:`rmsprop.objectives.formulas`; :mod:`rmsprop.objectives._catalogue` registers them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def _read_only(array: np.ndarray) -> np.ndarray:
    """Mark ``array`` read-only and return it."""
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class Objective:
    """A differentiable test function f: R^dim -> R together with its known minima.

    Attributes
    ----------
    name : str
        Catalogue name, e.g. ``"rosenbrock"``.
    f : callable
        ``f(x)`` for ``x`` of shape ``(dim, ...)``; returns shape ``(...)``.
    grad : callable
        ``grad(x)`` = (df/dx_1, ..., df/dx_dim) for ``x`` of shape
        ``(dim, ...)``; returns shape ``(dim, ...)``.
    dim : int
        Number of coordinates n.
    minima : numpy.ndarray
        The known global minimisers x* as the rows of a read-only float64
        array of shape ``(k, dim)``; shape ``(0, dim)`` when f has no minimum.
    min_value : float
        The infimum f* = inf_x f(x); ``-inf`` when f is unbounded below, ``nan``
        when it is not known (a typed formula).
    domain : tuple of (float, float)
        One ``(lo, hi)`` window per coordinate: a plotting window that
        contains the minima and the start.
    start : numpy.ndarray
        Suggested starting point x0, read-only float64 of shape ``(dim,)``.
    formula : str
        The function written out in plain text, e.g. ``"5*x1**2 + 7*x2**2"``.
    reference : str
        Where the function and its minima are published.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    dim: int
    minima: np.ndarray
    min_value: float
    domain: tuple[tuple[float, float], ...]
    start: np.ndarray
    formula: str
    reference: str

    def __post_init__(self) -> None:
        if not isinstance(self.dim, int) or isinstance(self.dim, bool) or self.dim < 1:
            raise ValueError(f"dim must be a positive int, got {self.dim!r}")
        minima = np.array(self.minima, dtype=np.float64)
        if minima.size == 0:
            minima = minima.reshape(0, self.dim)
        if minima.ndim != 2 or minima.shape[1] != self.dim:
            raise ValueError(f"minima must have shape (k, {self.dim}), got {minima.shape}")
        start = np.array(self.start, dtype=np.float64)
        if start.shape != (self.dim,):
            raise ValueError(f"start must have shape ({self.dim},), got {start.shape}")
        domain = tuple((float(lo), float(hi)) for lo, hi in self.domain)
        if len(domain) != self.dim or any(not lo < hi for lo, hi in domain):
            raise ValueError(f"domain must be {self.dim} (lo, hi) pairs with lo < hi, got {self.domain!r}")
        object.__setattr__(self, "minima", _read_only(minima))
        object.__setattr__(self, "start", _read_only(start))
        object.__setattr__(self, "domain", domain)
        object.__setattr__(self, "min_value", float(self.min_value))

    def __repr__(self) -> str:
        return f"Objective(name={self.name!r}, dim={self.dim}, formula={self.formula!r})"

    def __call__(self, x) -> np.ndarray:
        """Evaluate f at ``x`` (converted to a float64 array)."""
        return self.f(self._points(x))

    def value_and_grad(self, x) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(f(x), grad f(x))`` for ``x`` converted to a float64 array."""
        x = self._points(x)
        return self.f(x), self.grad(x)

    def _points(self, x) -> np.ndarray:
        """``x`` as a float64 array, or a one-line error: real numbers only (a complex part is not dropped)."""
        try:
            array = np.asarray(x)
        except (TypeError, ValueError):
            array = None
        if array is None or array.dtype.kind not in "biuf":
            got = f"dtype {array.dtype}" if array is not None else type(x).__name__
            raise TypeError(f"objective {self.name!r} takes real numbers, shape ({self.dim}, ...); got {got}")
        return array.astype(float, copy=False)

    def nearest_minimum_distance(self, x) -> float:
        """Euclidean distance min_j ||x - x*_j|| from a point ``x`` of shape ``(dim,)``
        to the nearest known minimiser; ``inf`` when there is none."""
        x = np.asarray(x, float)
        if x.shape != (self.dim,):
            raise ValueError(
                f"objective {self.name!r} takes a point of shape ({self.dim},), got shape {x.shape}"
            )
        if len(self.minima) == 0:
            return math.inf
        return float(np.min(np.linalg.norm(self.minima - x, axis=1)))
