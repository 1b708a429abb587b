"""Gradients estimated by central finite differences, one formula for a single point and for rows of points.

``g_i = (f(x + h e_i) - f(x - h e_i)) / (x_i^+ - x_i^-)`` with ``h = macheps^(1/3) * max(1, |x_i|)``
(Nocedal & Wright (2006), Numerical Optimization, 2nd ed., sec. 8.1: the step that balances the
truncation error, of order ``h^2``, against the rounding error, of order ``macheps / h``).
:func:`central_difference` is :func:`rmsprop.minimize`'s gradient when no ``jac`` is given;
:func:`central_differences` is the same per row of a batch (:func:`rmsprop.minimize_many`, and
:meth:`rmsprop.objectives.Objective.from_function` without ``grad``), bit for bit the single
point's on each row.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["central_difference", "central_differences"]


def central_difference(value: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    """The central-difference gradient of ``value`` at one point ``x``.

    Parameters
    ----------
    value : callable
        ``value(x) -> float`` for ``x`` of the shape of ``x``.
    x : numpy.ndarray
        The point, a 1-D float array.

    Returns
    -------
    numpy.ndarray
        ``(f(x + h e_i) - f(x - h e_i)) / (x_i^+ - x_i^-)`` per coordinate, with
        ``h = macheps^(1/3) * max(1, |x_i|)`` in ``x``'s dtype.

    Examples
    --------
    >>> import numpy as np
    >>> g = central_difference(lambda x: float(5 * x[0] ** 2 + 7 * x[1] ** 2), np.array([-4.0, 3.0]))
    >>> np.allclose(g, [-40.0, 42.0], rtol=1e-9)
    True
    """
    g = np.empty_like(x)
    scale = float(np.finfo(x.dtype).eps) ** (1 / 3)
    for i in range(x.size):
        h = scale * max(1.0, abs(float(x[i])))
        forward, backward = x.copy(), x.copy()
        forward[i] += h
        backward[i] -= h
        g[i] = (value(forward) - value(backward)) / float(forward[i] - backward[i])
    return g


def central_differences(values: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """:func:`central_difference` per row of ``x``, ``(runs, d)``: each row's gradient as the single point's.

    ``h`` is formed in float64 and rounded to the data's dtype when it is added; the
    difference of the values is in float64.

    Parameters
    ----------
    values : callable
        ``values(x) -> (runs,)`` array, f of each row.
    x : numpy.ndarray
        The points, shape ``(runs, d)``.

    Returns
    -------
    numpy.ndarray
        The gradients, shape ``(runs, d)``, in ``x``'s dtype.

    Examples
    --------
    >>> import numpy as np
    >>> rows = np.array([[-4.0, 3.0], [1.0, 1.0]])
    >>> f = lambda x: 5 * x[:, 0] ** 2 + 7 * x[:, 1] ** 2
    >>> g = central_differences(f, rows)
    >>> np.allclose(g, [[-40.0, 42.0], [10.0, 14.0]], rtol=1e-9)
    True
    >>> bool((g[0] == central_difference(lambda p: float(f(p[None])[0]), rows[0])).all())
    True
    """
    g = np.empty_like(x)
    scale = float(np.finfo(x.dtype).eps) ** (1 / 3)
    for i in range(x.shape[1]):
        h = (scale * np.maximum(1.0, np.abs(x[:, i].astype(np.float64)))).astype(x.dtype)
        forward, backward = x.copy(), x.copy()
        forward[:, i] = x[:, i] + h
        backward[:, i] = x[:, i] - h
        g[:, i] = (values(forward) - values(backward)) / (forward[:, i] - backward[:, i]).astype(np.float64)
    return g
