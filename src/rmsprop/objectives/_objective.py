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

    The constructor's arguments are the record's attributes, checked and stored as
    described; ``minima`` and ``start`` are stored as read-only float64 copies. Fetch a
    catalogue objective with :func:`rmsprop.objectives.get`, or build one from a formula
    with :func:`rmsprop.objectives.from_expression`.

    Parameters
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
    minima : array_like, shape (k, dim)
        The known global minimisers x* as the rows of a read-only float64
        array of shape ``(k, dim)``; shape ``(0, dim)`` when f has no minimum
        (an empty sequence is reshaped so).
    min_value : float
        The infimum f* = inf_x f(x); ``-inf`` when f is unbounded below, ``nan``
        when it is not known (a typed formula).
    domain : tuple of (float, float)
        One ``(lo, hi)`` window per coordinate: a plotting window that
        contains the minima and the start.
    start : array_like, shape (dim,)
        Suggested starting point x0, read-only float64 of shape ``(dim,)``.
    formula : str
        The function written out in plain text, e.g. ``"5*x1**2 + 7*x2**2"``.
    reference : str
        Where the function and its minima are published.

    Raises
    ------
    ValueError
        If ``dim`` is not a positive int, ``minima`` is not ``(k, dim)``, ``start`` not
        ``(dim,)``, or ``domain`` not ``dim`` pairs ``(lo, hi)`` with ``lo < hi``.

    Examples
    --------
    >>> import numpy as np
    >>> seed = Objective(name="seed", f=lambda x: 5 * x[0] ** 2 + 7 * x[1] ** 2,
    ...                  grad=lambda x: np.stack([10 * x[0], 14 * x[1]]), dim=2, minima=[[0, 0]],
    ...                  min_value=0, domain=[(-5, 5), (-5, 5)], start=[-4, 3],
    ...                  formula="5*x1**2 + 7*x2**2", reference="the seed document")
    >>> seed
    Objective(name='seed', dim=2, formula='5*x1**2 + 7*x2**2')
    >>> float(seed([-4, 3])), seed.grad(seed.start), seed.minima.flags.writeable
    (143.0, array([-40.,  42.]), False)

    ``f`` and ``grad`` broadcast over a grid of points, the coordinates first:

    >>> X, Y = np.meshgrid([0.0, 1.0], [0.0, 2.0])
    >>> seed(np.stack([X, Y]))
    array([[ 0.,  5.],
           [28., 33.]])
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
        """Return ``(f(x), grad f(x))`` for ``x`` converted to a float64 array.

        Parameters
        ----------
        x : array_like, shape (dim, ...)
            One point, or points with the coordinates on the leading axis; real numbers
            only.

        Returns
        -------
        value : numpy.ndarray or numpy.float64
            ``f(x)``, shape ``(...)``.
        gradient : numpy.ndarray
            ``grad f(x)``, shape ``(dim, ...)``.

        Raises
        ------
        TypeError
            If ``x`` does not hold real numbers (a complex part is not dropped).
        """
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
        """Return the Euclidean distance to the nearest known minimiser; ``inf`` when there is none.

        That is min_j ||x - x*_j|| for a point ``x`` of shape ``(dim,)``.

        Parameters
        ----------
        x : array_like, shape (dim,)
            One point.

        Returns
        -------
        float
            The distance to the nearest row of ``minima``, or ``inf`` when ``minima`` is
            empty.

        Raises
        ------
        ValueError
            If ``x`` is not of shape ``(dim,)``.
        """
        x = np.asarray(x, float)
        if x.shape != (self.dim,):
            raise ValueError(f"objective {self.name!r} takes a point of shape ({self.dim},), got shape {x.shape}")
        if len(self.minima) == 0:
            return math.inf
        return float(np.min(np.linalg.norm(self.minima - x, axis=1)))
