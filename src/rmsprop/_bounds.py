"""Box constraints: SciPy's ``bounds``, checked, and the projection onto the box after each step.

:func:`rmsprop.minimize` and :func:`rmsprop.minimize_many` take ``bounds`` as
:func:`scipy.optimize.minimize` does: a :class:`scipy.optimize.Bounds` (its ``lb`` and ``ub``,
scalars or one per coordinate; ``keep_feasible`` is not read, every iterate is feasible here) or
a sequence of ``(low, high)`` pairs, one per coordinate, ``None`` for no bound on that side.
The feasible set is the box ``F = [low_1, high_1] x ... x [low_d, high_d]``, and each step is
followed by the Euclidean projection onto it, ``x <- Pi_F(x) = clip(x, low, high)``: the
projected update ``x_{t+1} = Pi_{F, sqrt(V_t)}(x_t - alpha_t m_t / sqrt(v_t))`` of Reddi, Kale &
Kumar (2018), "On the convergence of Adam and beyond", ICLR, Algorithms 1 and 2 (their
Section 2 defines ``Pi_{F,A}(y) = argmin_{x in F} ||A^{1/2} (x - y)||``). For a box and a
diagonal ``A`` the weighted projection is the clip too, one coordinate at a time, so every
diagonal method (RMSprop, Adam, AMSGrad) projects the same way.

A start outside the box is projected onto it first, as SciPy's bounded methods (L-BFGS-B,
TNC, SLSQP) clip ``x0``; the run's ``path_x[0]`` is the projected start. The bounds are
rounded to the iterates' dtype (float32 runs clip to float32 bounds).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

__all__ = ["Box", "box_of"]


class Box(NamedTuple):
    """A box ``[low, high]`` of ``R^d`` (made by :func:`box_of`), and the projection onto it.

    Parameters
    ----------
    low : numpy.ndarray
        ``(d,)`` float64, ``-inf`` where unbounded below.
    high : numpy.ndarray
        ``(d,)`` float64, ``inf`` where unbounded above; ``low <= high``.

    Examples
    --------
    >>> import numpy as np
    >>> box = box_of([(-1, 1), (None, 0.5)], 2)
    >>> box.project(np.array([2.0, 3.0])).tolist(), box.project(np.array([[-5.0, -5.0]])).tolist()
    ([1.0, 0.5], [[-1.0, -5.0]])
    >>> box.describe()
    [[-1.0, 1.0], ['-inf', 0.5]]
    """

    low: np.ndarray
    high: np.ndarray

    def project(self, x: np.ndarray) -> np.ndarray:
        """Return ``clip(x, low, high)`` in ``x``'s dtype, for one point ``(d,)`` or a batch ``(B, d)``.

        Parameters
        ----------
        x : numpy.ndarray
            The point or points, float32 or float64, coordinates on the last axis.

        Returns
        -------
        numpy.ndarray
            A new array: each coordinate moved to the nearest point of its interval (NaN stays NaN).
        """
        return np.clip(x, self.low.astype(x.dtype), self.high.astype(x.dtype))

    def describe(self) -> list:
        """Return the bounds as strict JSON data: ``[[low, high], ...]``, an infinity as ``"inf"`` or ``"-inf"``.

        Returns
        -------
        list of list
            One pair per coordinate (a checkpoint records it, to refuse resuming another box).
        """

        def shown(v: float) -> float | str:
            return v if math.isfinite(v) else ("inf" if v > 0 else "-inf")

        return [[shown(lo), shown(hi)] for lo, hi in zip(self.low.tolist(), self.high.tolist())]


def box_of(bounds: Any, dim: int) -> Box | None:
    """Check SciPy-style ``bounds`` for ``dim`` coordinates; ``None`` when they bound nothing.

    Parameters
    ----------
    bounds : scipy.optimize.Bounds, sequence of (low, high) pairs, or None
        A ``Bounds`` (anything with ``lb`` and ``ub``: scalars or ``dim`` values each), or
        ``dim`` pairs ``(low, high)`` with ``None`` (or an infinity) for no bound.
    dim : int
        The number of coordinates of the run.

    Returns
    -------
    Box or None
        The box, or ``None`` for ``bounds=None`` or bounds that are all infinite.

    Raises
    ------
    TypeError
        If ``bounds`` is neither a ``Bounds`` nor a sequence of pairs, or a bound is not a
        real number.
    ValueError
        If there are not ``dim`` pairs, a pair is not two values, a bound is NaN, ``+inf``
        below or ``-inf`` above, or ``low > high`` somewhere.

    Examples
    --------
    >>> box_of([(-1, 1)], 1)
    Box(low=array([-1.]), high=array([1.]))
    >>> box_of([(None, None), (None, None)], 2) is None
    True
    >>> box_of([(1, -1)], 1)
    Traceback (most recent call last):
    ...
    ValueError: bounds must have low <= high; coordinate 0 has (1.0, -1.0)
    >>> box_of([(0, 1)], 2)
    Traceback (most recent call last):
    ...
    ValueError: bounds must give one (low, high) pair per coordinate, 2; got 1
    """
    if bounds is None:
        return None
    if hasattr(bounds, "lb") and hasattr(bounds, "ub"):
        low = _side(bounds.lb, "bounds.lb", dim, -math.inf)
        high = _side(bounds.ub, "bounds.ub", dim, math.inf)
    else:
        if isinstance(bounds, (str, bytes)) or not hasattr(bounds, "__len__"):
            raise TypeError(
                f"bounds must be scipy.optimize.Bounds or a sequence of (low, high) pairs; got {type(bounds).__name__}"
            )
        if len(bounds) != dim:
            raise ValueError(f"bounds must give one (low, high) pair per coordinate, {dim}; got {len(bounds)}")
        pairs = []
        for i, pair in enumerate(bounds):
            if isinstance(pair, (str, bytes)) or not hasattr(pair, "__len__") or len(pair) != 2:
                raise ValueError(f"bounds[{i}] must be a pair (low, high), None for no bound; got {pair!r}")
            pairs.append((_bound(pair[0], f"bounds[{i}][0]", -math.inf), _bound(pair[1], f"bounds[{i}][1]", math.inf)))
        low = np.array([p[0] for p in pairs], dtype=np.float64)
        high = np.array([p[1] for p in pairs], dtype=np.float64)
    if np.isnan(low).any() or np.isnan(high).any():
        raise ValueError("bounds must not be NaN; give None (or an infinity) for no bound")
    if (low == math.inf).any() or (high == -math.inf).any():
        raise ValueError("bounds must have low < inf and high > -inf (the box would be empty)")
    wrong = np.flatnonzero(low > high)
    if wrong.size:
        i = int(wrong[0])
        raise ValueError(f"bounds must have low <= high; coordinate {i} has ({low[i]}, {high[i]})")
    if np.isinf(low).all() and np.isinf(high).all():
        return None
    low.flags.writeable = high.flags.writeable = False
    return Box(low, high)


def _bound(value: Any, name: str, unbounded: float) -> float:
    """One bound as a float: ``None`` is ``unbounded``; a real number, else a TypeError."""
    if value is None:
        return unbounded
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number or None; got {value!r}")
    return float(value)


def _side(values: Any, name: str, dim: int, unbounded: float) -> np.ndarray:
    """``Bounds.lb`` or ``ub`` as ``(dim,)`` float64 (a scalar spread; ``None`` unbounded)."""
    if values is None:
        return np.full(dim, unbounded)
    array = np.asarray(values)
    if array.dtype.kind not in "biuf" or array.dtype.kind == "b":
        raise TypeError(f"{name} must hold real numbers; got dtype {array.dtype}")
    if array.ndim > 1 or (array.ndim == 1 and array.shape[0] not in (1, dim)):
        raise ValueError(f"{name} must be a scalar or hold one value per coordinate, {dim}; got shape {array.shape}")
    return np.array(np.broadcast_to(array.astype(np.float64), (dim,)))
