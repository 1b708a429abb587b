"""The objective of :func:`rmsprop.minimize_many`, evaluated on all runs at once, and the stopping test.

``evaluate(X, k) -> (F, G)`` at iteration ``k`` (an online objective's ``f_k``; others ignore ``k``) gives float64 values and gradients in the data's dtype for a batch
``X`` of shape ``(n, d)``, with the gradient :func:`rmsprop.minimize` would use: the
objective's own, a given ``jac``, or central differences exactly as the single run forms them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ._differences import central_differences
from .objectives import Objective, OnlineObjective
from .objectives._catalogue import FORMULAS

__all__ = ["Problem", "problem_of", "compiled_name", "finite_rows", "converged", "NORM_RECHECK"]

#: Norms within this relative distance of ``gtol`` are recomputed one run at a time (norm other than inf).
NORM_RECHECK = 1e-3


class Problem(NamedTuple):
    """``evaluate(X, k) -> (F, G)``: float64 values (n,) and gradients (n, d) in X's dtype, C-contiguous."""

    evaluate: Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]
    fun_calls: int  # per evaluation of one run, as minimize counts nfev
    jac_calls: int  # ... and njev
    finite_differences: bool
    compiled_objective: str | None  # the catalogue name, when the formula may be compiled


def problem_of(objective: Any, jac: Any, dim: int) -> Problem:
    """How to evaluate ``objective`` on a batch, with the gradient ``minimize`` would use."""
    if isinstance(objective, OnlineObjective):
        return _online_problem(objective, jac, dim)
    if not callable(objective):
        raise TypeError(f"objective must be callable or a catalogue Objective; got {type(objective).__name__}")
    catalogue = isinstance(objective, Objective)
    if catalogue and objective.dim != dim:
        raise ValueError(f"objective {objective.name!r} takes {objective.dim} coordinates; x0s has {dim} per row")
    if catalogue:

        def values(x):  # Objective.__call__ converts to float64
            return _values(objective.f(x.astype(np.float64).T), x)
    else:

        def values(x):
            return _values(objective(x.copy()), x)

    if jac is None and catalogue:

        def evaluate(x):
            return values(x), _gradients(objective.grad(x.T).T, x)

        return Problem(_quiet(evaluate), 1, 1, False, compiled_name(objective))
    if jac is True:
        if catalogue:
            raise ValueError(
                "with jac=True, fun must return a pair (f, grad); leave jac unset to use the objective's own gradient"
            )

        def evaluate(x):
            out = objective(x.copy())
            if not (isinstance(out, tuple) and len(out) == 2):
                raise ValueError("with jac=True, fun must return a pair (F, G) of shapes (B,) and (B, d)")
            return _values(out[0], x), _gradients(out[1], x)

        return Problem(_quiet(evaluate), 1, 1, False, None)
    if callable(jac):

        def evaluate(x):
            return values(x), _gradients(jac(x.copy()), x)

        return Problem(_quiet(evaluate), 1, 1, False, None)
    if jac is None or jac is False or jac in ("2-point", "3-point", "cs"):

        def evaluate(x):
            return values(x), central_differences(values, x)

        return Problem(_quiet(evaluate), 1 + 2 * dim, 0, True, None)
    raise TypeError(f"jac must be a callable, True or None; got {jac!r}")


def _online_problem(objective: OnlineObjective, jac: Any, dim: int) -> Problem:
    """An online objective on a batch: ``f_k(X.T)`` and ``grad f_k(X.T)`` at iteration ``k``, as ``minimize`` takes them."""
    if objective.dim != dim:
        raise ValueError(
            f"online objective {objective.name!r} takes {objective.dim} coordinates; x0s has {dim} per row"
        )
    if jac is not None:
        raise ValueError("an online objective brings its gradient grad(x, t); leave jac unset")

    def evaluate(x, k):
        with np.errstate(all="ignore"):
            return _values(objective.f(x.T.copy(), k), x), _gradients(np.asarray(objective.grad(x.T.copy(), k)).T, x)

    return Problem(evaluate, 1, 1, False, None)


def _quiet(evaluate: Callable) -> Callable:
    """``evaluate(x, k)``, ignoring ``k``, with NumPy's floating-point warnings off (a diverging run is a status)."""

    def quiet(x, k=0):
        with np.errstate(all="ignore"):
            return evaluate(x)

    return quiet


def _values(out: Any, x: np.ndarray) -> np.ndarray:
    values = np.asarray(out)
    if values.dtype.kind not in "biuf":
        raise TypeError(f"fun must return real numbers; got dtype {values.dtype}")
    if values.shape != (x.shape[0],):
        raise ValueError(f"fun must return one value per run, shape ({x.shape[0]},); got shape {values.shape}")
    return values.astype(np.float64)


def _gradients(out: Any, x: np.ndarray) -> np.ndarray:
    g = np.asarray(out)
    if g.shape != x.shape:
        raise ValueError(f"the gradient must have the shape of the batch, {x.shape}; got {g.shape}")
    if g.dtype.kind not in "biuf":
        raise TypeError(f"the gradient must be real; got dtype {g.dtype}")
    return np.ascontiguousarray(g, dtype=x.dtype)


def compiled_name(objective: Objective) -> str | None:
    """The catalogue name when ``objective`` is the catalogue's formula and gradient, unchanged."""
    functions = FORMULAS.get(objective.name)
    if functions is None or getattr(objective.f, "__wrapped__", None) is not functions.f:
        return None
    if getattr(objective.grad, "__wrapped__", None) is not functions.grad:
        return None
    return objective.name


def finite_rows(f: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Whether ``f`` and every coordinate of ``g`` are finite, per run."""
    finite = np.isfinite(f)
    if finite.all() and np.isfinite(g).all():  # the usual case, without a reduction per row
        return finite
    return finite & np.isfinite(g).all(axis=1)


def _largest(a: np.ndarray, smallest: bool = False) -> np.ndarray:
    """``max |a_ij|`` (or ``min``) over each row, as float64: exact in any order."""
    pick = np.minimum if smallest else np.maximum
    if a.shape[1] > 16:
        return (np.min if smallest else np.max)(np.abs(a), axis=1).astype(np.float64)
    out = np.abs(a[:, 0])
    for i in range(1, a.shape[1]):  # a few columns: faster than NumPy's reduction along short rows
        pick(out, np.abs(a[:, i]), out=out)
    return out.astype(np.float64)


def converged(g: np.ndarray, norm: Any, gtol: float) -> np.ndarray:
    """``||g_i||_norm <= gtol`` per run, decided exactly as ``minimize`` decides it."""
    if g.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    if norm == math.inf or norm == -math.inf:
        return _largest(g, smallest=norm < 0) <= gtol
    with np.errstate(all="ignore"):
        values = np.linalg.norm(g, ord=norm, axis=1).astype(np.float64)
        close = np.abs(values - gtol) <= NORM_RECHECK * np.maximum(gtol, values)
    for i in np.flatnonzero(close):  # a few runs at most: the single run's own sum
        values[i] = float(np.linalg.norm(g[i], ord=norm))
    return values <= gtol
