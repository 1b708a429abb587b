"""When a step runs on Python floats (:mod:`rmsprop.rule.floats`) instead of as NumPy expressions.

Both run the step of :func:`rmsprop.rule.step.make_step` with the same numbers. On an array
of a few elements NumPy's cost per operation is most of the step, so a real float64 array of
at most :data:`MAX_SIZE` elements steps one element at a time on Python floats. A step that
raises there (Python's floats raise on ``x / 0`` and ``sqrt(-1)`` where NumPy gives inf or
NaN) is taken again in the NumPy form, which gives NumPy's numbers for it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .rule.floats import step_for

__all__ = ["MAX_SIZE", "leaf_update"]

#: The largest array that steps on Python floats.
MAX_SIZE = 4

_FLOAT64 = np.dtype(np.float64)
_steps: dict[tuple, Any] = {}  # step_for's, by spec, without hashing through functools.cache each step


def leaf_update(spec: tuple, s: tuple, g: np.ndarray, x: Any, e: np.ndarray, m: Any, b: Any) -> tuple | None:
    """One array's step on Python floats, ``(u, e, m, b)``, or ``None`` where it does not take them.

    Parameters
    ----------
    spec : tuple of int
        The step's spec (:meth:`rmsprop.Settings.spec`).
    s : tuple of float
        The step's scalars (:func:`rmsprop.rule.step.scalars`), float64.
    g, x, e, m, b : numpy.ndarray or None
        The gradient, parameters (``None`` where the rule does not read them), average of
        squares, average of gradients and momentum buffer (``None`` where off), of one shape.

    Returns
    -------
    tuple or None
        The update and the new ``e, m, b`` as float64 arrays (``m``, ``b`` ``None`` where
        off); ``None`` unless ``g`` and ``e`` are real float64 with at most :data:`MAX_SIZE`
        elements, or when a Python float operation raised.

    Examples
    --------
    The seed's first step from ``x = (-4, 3)``:

    >>> from rmsprop import Settings
    >>> from rmsprop.rule.step import scalars
    >>> settings = Settings(learning_rate=0.1)
    >>> s = scalars(settings, 0.1, 1.0, None, None, np.float64)
    >>> u, e, m, b = leaf_update(settings.spec(np.float64), s, np.array([-40.0, 42.0]), None, np.zeros(2), None, None)
    >>> u, e
    (array([ 0.31622777, -0.31622777]), array([160. , 176.4]))
    """
    if e.size > MAX_SIZE or e.dtype is not _FLOAT64 or g.dtype is not _FLOAT64:
        return None
    step = _steps.get(spec) or _steps.setdefault(spec, step_for(spec))
    shape = e.shape
    if x is not None:
        x = x.ravel().tolist()
    g_, e_ = g.ravel().tolist(), e.ravel().tolist()
    m_ = None if m is None else m.ravel().tolist()
    b_ = None if b is None else b.ravel().tolist()
    u = []
    try:
        for i in range(len(e_)):
            u_i, e_[i], m_i, b_i = step(g_[i], None if x is None else x[i], e_[i], m_ and m_[i], b_ and b_[i], s)
            u.append(u_i)
            if m_ is not None:
                m_[i] = m_i
            if b_ is not None:
                b_[i] = b_i
    except (ArithmeticError, ValueError):  # x / 0, sqrt(-1), overflow: NumPy's numbers, from its form
        return None
    if len(shape) == 1:
        return tuple(None if a is None else np.array(a, dtype=_FLOAT64) for a in (u, e_, m_, b_))
    return tuple(None if a is None else np.array(a, dtype=_FLOAT64).reshape(shape) for a in (u, e_, m_, b_))
