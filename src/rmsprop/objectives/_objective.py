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

from .._differences import central_difference, central_differences
from ._coordinates import coordinates

__all__ = ["Objective", "domain_pairs", "start_point"]


def _one_line(value) -> str:
    return " ".join(repr(value).split())[:80]


def domain_pairs(domain, dim: int) -> tuple[tuple[float, float], ...]:
    """Read a domain: one ``(lo, hi)`` pair for every coordinate, or ``dim`` pairs; ``None`` for ``(-5, 5)``.

    Parameters
    ----------
    domain : (lo, hi) or sequence of dim (lo, hi), or None
        The window.
    dim : int
        The number of coordinates.

    Returns
    -------
    tuple of (float, float)
        ``dim`` pairs of finite floats with ``lo < hi``.

    Raises
    ------
    ValueError
        If ``domain`` is not one or ``dim`` such pairs.

    Examples
    --------
    >>> domain_pairs((-2, 2), 2), domain_pairs(None, 1)
    (((-2.0, 2.0), (-2.0, 2.0)), ((-5.0, 5.0),))
    >>> domain_pairs([(0, 1)], 2)
    Traceback (most recent call last):
    ...
    ValueError: domain must be one (lo, hi) pair or 2 such pairs of finite numbers with lo < hi; got [(0, 1)]
    """
    if domain is None:
        return ((-5.0, 5.0),) * dim
    message = (
        f"domain must be one (lo, hi) pair or {dim} such pairs of finite numbers with lo < hi; got {_one_line(domain)}"
    )
    try:
        pairs = np.array(domain, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if pairs.shape == (2,):
        pairs = np.tile(pairs, (dim, 1))
    if pairs.shape != (dim, 2) or not np.all(np.isfinite(pairs)) or not np.all(pairs[:, 0] < pairs[:, 1]):
        raise ValueError(message)
    return tuple((float(lo), float(hi)) for lo, hi in pairs)


def start_point(start, domain, dim: int) -> np.ndarray:
    """Read a start: ``dim`` finite numbers, or ``None`` for the middle of ``domain``.

    Parameters
    ----------
    start : sequence of float or None
        The start.
    domain : sequence of (lo, hi)
        The window, read by :func:`domain_pairs`.
    dim : int
        The number of coordinates.

    Returns
    -------
    numpy.ndarray
        The start, float64 of shape ``(dim,)``.

    Raises
    ------
    ValueError
        If ``start`` is not ``dim`` finite numbers.

    Examples
    --------
    >>> start_point(None, ((-2.0, 2.0), (-1.0, 3.0)), 2)
    array([0., 1.])
    """
    if start is None:
        return np.array([(lo + hi) / 2.0 for lo, hi in domain])
    message = f"start must be {dim} finite numbers; got {_one_line(start)}"
    try:
        point = np.array(start, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if point.shape != (dim,) or not np.all(np.isfinite(point)):
        raise ValueError(message)
    return point


def _pointwise(function: Callable, x: np.ndarray, shape: tuple[int, ...], stack: bool) -> np.ndarray:
    """``function`` at every point of ``x`` (coordinates on the leading axis), one call per point."""
    flat = x.reshape(x.shape[0], -1)
    outs = [np.asarray(function(flat[:, k].copy()), dtype=float) for k in range(flat.shape[1])]
    if stack:
        return np.stack([out.reshape(x.shape[0]) for out in outs], axis=1).reshape(shape)
    return np.array([float(out.reshape(())) for out in outs]).reshape(shape)


def _broadcasting(function: Callable, name: str, dim: int, gradient: bool) -> Callable[[np.ndarray], np.ndarray]:
    """``function`` made to take points on the leading axis: called on them all, else one point at a time."""

    def broadcast(x):
        x = coordinates(x, name, dim)
        shape = x.shape if gradient else x.shape[1:]
        if x.ndim == 1:
            out = np.asarray(function(x.copy()), dtype=float)
            return out.reshape(shape) if gradient else out.reshape(())[()]
        try:
            with np.errstate(all="ignore"):
                out = np.asarray(function(x), dtype=float)
        except Exception:  # noqa: BLE001 - a function of one point: called point by point below
            out = None
        if out is not None and out.shape == shape:
            return out
        return _pointwise(function, x, shape, gradient)

    return broadcast


def _differences_of(f: Callable[[np.ndarray], np.ndarray], dim: int) -> Callable[[np.ndarray], np.ndarray]:
    """The gradient of ``f`` by central differences: at one point as :func:`rmsprop.minimize` forms it
    (``f`` called per shifted point), on many points at once per row (``f`` called on them all)."""

    def gradient(x):
        x = np.asarray(x, dtype=float)
        if x.ndim == 1:
            return central_difference(lambda point: float(f(point)), x)
        rows = np.ascontiguousarray(x.reshape(dim, -1).T)
        g = central_differences(lambda points: np.asarray(f(points.T), dtype=float).reshape(-1), rows)
        return g.T.reshape(x.shape)

    gradient.__name__ = f"central_differences({getattr(f, '__name__', 'f')})"
    return gradient


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

    @classmethod
    def from_function(
        cls,
        f: Callable,
        grad: Callable | None = None,
        *,
        domain,
        dim: int | None = None,
        name: str | None = None,
        start=None,
        minima=(),
        min_value: float | None = None,
        formula: str = "",
        reference: str = "a function given in Python",
    ) -> Objective:
        """Build an objective from a Python function ``f`` (and, optionally, its gradient).

        ``f(x)`` takes a point ``x``, a 1-D array of ``dim`` numbers (``x[0]`` is x1,
        ``x[1]`` is x2, ...), and returns a number. Given many points at once (the
        coordinates on the leading axis, shape ``(dim, ...)``, as figures do), ``f`` is
        called once on them all when it returns the right shape (NumPy code such as
        ``(1 - x[0])**2 + 100*(x[1] - x[0]**2)**2`` does), and once per point otherwise.
        Without ``grad``, the gradient is estimated by central differences
        (``h = macheps^(1/3) max(1, |x_i|)``): at one point exactly as :func:`rmsprop.minimize`
        forms them when no ``jac`` is given (so a run gives its bits), on many points at once
        (a figure's gradient field) by one call of ``f`` per shift, equal to within rounding.

        Parameters
        ----------
        f : callable
            ``f(x) -> float``.
        grad : callable, optional
            ``grad(x) -> array of dim numbers``; default central differences of ``f``.
        domain : (lo, hi) or sequence of (lo, hi)
            The window of figures and of the default start: one pair per coordinate, or
            one pair for all ``dim`` of them.
        dim : int, optional
            The number of coordinates; default the number of pairs in ``domain`` (2 when
            it is one pair).
        name : str, optional
            Default ``f.__name__`` (``"f"`` for a lambda).
        start : sequence of float, optional
            The suggested start; default the middle of the domain.
        minima : array_like, shape (k, dim), optional
            Known global minimisers, if any; default none (distances to them are then
            unknown, NaN).
        min_value : float, optional
            The infimum f*; default f at the first of ``minima``, or NaN (unknown).
        formula : str, optional
            The function in words, for titles; default none.
        reference : str, optional
            Where it comes from; default ``"a function given in Python"``.

        Returns
        -------
        Objective
            The objective.

        Raises
        ------
        TypeError
            If ``f`` or ``grad`` is not callable.
        ValueError
            If ``domain``, ``dim``, ``start`` or ``minima`` is malformed.

        Examples
        --------
        >>> import numpy as np
        >>> def rosen(x):
        ...     return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        >>> objective = Objective.from_function(rosen, domain=((-2, 2), (-1, 3)), minima=[[1, 1]])
        >>> objective, objective.start, objective.min_value
        (Objective(name='rosen', dim=2, formula=''), array([0., 1.]), 0.0)
        >>> np.allclose(objective.grad([-1.2, 1.0]), [-215.6, -88.0])
        True

        A function of one point at a time is called per point on a grid:

        >>> norm = Objective.from_function(lambda x: float(np.linalg.norm(x)), domain=(-1, 1))
        >>> norm.name, norm(np.zeros((2, 3, 4))).shape, float(norm([3.0, 4.0]))
        ('f', (3, 4), 5.0)
        """
        if not callable(f):
            raise TypeError(f"f must be callable; got {type(f).__name__}")
        if grad is not None and not callable(grad):
            raise TypeError(f"grad must be callable or None; got {type(grad).__name__}")
        if name is None:
            name = getattr(f, "__name__", "f")
            name = "f" if not isinstance(name, str) or name == "<lambda>" else name
        if dim is None:
            try:
                shape = np.shape(np.array(domain, dtype=float))
            except (TypeError, ValueError):
                shape = ()
            dim = shape[0] if len(shape) == 2 else 2
        if not isinstance(dim, int) or isinstance(dim, bool) or dim < 1:
            raise ValueError(f"dim must be a positive int, got {dim!r}")
        pairs = domain_pairs(domain, dim)
        value = _broadcasting(f, name, dim, gradient=False)
        gradient = _broadcasting(grad, name, dim, gradient=True) if grad is not None else _differences_of(value, dim)
        minima = np.array(minima, dtype=np.float64).reshape(-1, dim) if np.size(minima) else np.empty((0, dim))
        if min_value is None:
            min_value = float(value(minima[0])) if len(minima) else math.nan
        return cls(
            name=name,
            f=value,
            grad=gradient,
            dim=dim,
            minima=minima,
            min_value=min_value,
            domain=pairs,
            start=start_point(start, pairs, dim),
            formula=formula,
            reference=reference,
        )

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
        """Return the Euclidean distance to the nearest known minimiser; NaN (unknown) when none is known.

        That is min_j ||x - x*_j|| for a point ``x`` of shape ``(dim,)``.

        Parameters
        ----------
        x : array_like, shape (dim,)
            One point.

        Returns
        -------
        float
            The distance to the nearest row of ``minima``, or NaN when ``minima`` is
            empty: unknown, not infinitely far (a typed formula, a function without
            known minima, or one unbounded below).

        Raises
        ------
        ValueError
            If ``x`` is not of shape ``(dim,)``.
        """
        x = np.asarray(x, float)
        if x.shape != (self.dim,):
            raise ValueError(f"objective {self.name!r} takes a point of shape ({self.dim},), got shape {x.shape}")
        if len(self.minima) == 0:
            return math.nan
        return float(np.min(np.linalg.norm(self.minima - x, axis=1)))
