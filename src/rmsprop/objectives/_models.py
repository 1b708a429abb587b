r"""Two classic finite sums over data: least squares and L2-regularised logistic regression.

Both are :class:`~rmsprop.objectives.FiniteSum` objectives, the mean over the examples (so a
minibatch's loss is an unbiased estimate of the full loss), with the batches of
:mod:`rmsprop.objectives._finite_sum`. Each example's margin ``a_i . x`` is summed over the
coordinates and each mean over the examples, pairwise, one point at a time (the same numbers
for one point and for a batch of points).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._finite_sum import FiniteSum, data_digest, over_points

__all__ = ["least_squares", "logistic_regression"]


def _data(value: Any, name: str, ndim: int) -> np.ndarray:
    """A finite float64 array of ``ndim`` dimensions, read-only, or a one-line error."""
    try:
        array = np.array(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be an array of numbers; got {type(value).__name__}") from error
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers; got dtype {array.dtype}")
    if array.ndim != ndim or array.size == 0:
        shape = "(n, d) with n, d >= 1" if ndim == 2 else "(n,) with n >= 1"
        raise ValueError(f"{name} must have shape {shape}; got shape {array.shape}")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite; it holds {int((~np.isfinite(array)).sum())} NaN or inf")
    array.flags.writeable = False
    return array


def _pair(features: np.ndarray, targets: np.ndarray, names: str) -> None:
    if len(targets) != len(features):
        raise ValueError(f"{names} must have one row per example; got {len(features)} rows and {len(targets)} targets")


class _Rows:
    """The data of a batch: the features ``(m, d)`` and their transpose ``(d, m)``, both contiguous, and targets."""

    def __init__(self, features: np.ndarray, targets: np.ndarray) -> None:
        self.features, self.targets = features, targets
        self.columns = np.ascontiguousarray(features.T)

    def take(self, rows: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if rows is None:
            return self.features, self.columns, self.targets
        return self.features[rows], np.ascontiguousarray(self.columns[:, rows]), self.targets[rows]


def least_squares(
    A: Any,
    b: Any,
    *,
    batch_size: int | None = None,
    seed: int | None = None,
    l2: float = 0.0,
    name: str = "least squares",
    domain: Any = None,
) -> FiniteSum:
    r"""Least squares, the mean of the squared residuals: ``f(x) = ||A x - b||^2 / (2n) + (l2/2) ||x||^2``.

    With rows ``a_i`` of ``A``, ``l_i(x) = (a_i . x - b_i)^2 / 2``; a batch ``B_t`` gives
    ``f_t(x) = sum_{i in B_t} l_i(x) / |B_t| + (l2/2) ||x||^2`` and
    ``grad f_t(x) = A_B^T (A_B x - b_B) / |B_t| + l2 x``. The mean (not the sum) makes every
    batch's loss an unbiased estimate of ``f`` and keeps one learning rate meaningful across batch
    sizes. The minimizer is known in closed form and recorded: ``numpy.linalg.lstsq(A, b)`` (the
    least-norm one) without the L2 term, else the ridge solution
    ``x* = (A^T A / n + l2 I)^{-1} A^T b / n``.

    Parameters
    ----------
    A : array_like
        ``(n, d)`` real, finite: one example per row.
    b : array_like
        ``(n,)`` real, finite: the targets.
    batch_size : int or None, optional
        Examples per step, ``1 <= batch_size <= n``; default ``None``: the full batch (see
        :mod:`rmsprop.objectives._finite_sum`).
    seed : int, optional
        The seed of the shuffling (only with ``batch_size``); default 0.
    l2 : float, optional
        The weight of the L2 term, ``>= 0``; default 0.
    name : str, optional
        A name, for legends; default ``"least squares"``.
    domain : sequence of (float, float), optional
        A window per coordinate for figures; default one holding 0 and ``x*``.

    Returns
    -------
    FiniteSum
        With ``full`` the full objective, its minimum ``x*`` and ``min_value = f(x*)``.

    Raises
    ------
    TypeError
        If ``A`` or ``b`` is not real.
    ValueError
        If the shapes do not fit, the data are not finite, or an option is out of range (as
        :class:`~rmsprop.objectives.FiniteSum` checks them).

    Examples
    --------
    >>> import numpy as np
    >>> import rmsprop
    >>> A = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0], [2.0, 0.0]])
    >>> problem = least_squares(A, [1.0, 2.0, 2.0, 2.0], batch_size=2)
    >>> problem.full.minima.round(12).tolist(), problem.batches_per_epoch
    ([[1.0, 1.0]], 2)

    200 epochs of 2 steps with a decaying step size; the result has the full loss beside the batches':

    >>> lr = rmsprop.schedules.inverse_sqrt_decay(0.1)
    >>> result = rmsprop.minimize(problem, [0.0, 0.0], learning_rate=lr, maxiter=problem.iterations(200))
    >>> result.x.round(2).tolist(), float(result.path_full_fun[0]), result.full_fun - problem.full.min_value < 1e-5
    ([1.0, 1.0], 1.625, True)
    """
    A, b = _data(A, "A", 2), _data(b, "b", 1)
    _pair(A, b, "A and b")
    n, d = A.shape
    data = _Rows(A, b)

    def residuals(points: np.ndarray, features: np.ndarray, targets: np.ndarray) -> np.ndarray:
        return (points[:, None, :] * features).sum(-1) - targets

    def loss(x: Any, rows: Any) -> Any:
        features, _, targets = data.take(rows)
        m = len(targets)
        return over_points(lambda p: (lambda r: (r * r).sum(-1) / (2 * m))(residuals(p, features, targets)), x, m * d)

    def grad(x: Any, rows: Any) -> Any:
        features, columns, targets = data.take(rows)
        m = len(targets)

        def compute(p: np.ndarray) -> np.ndarray:
            r = residuals(p, features, targets)
            return (r[:, None, :] * columns).sum(-1) / m

        return np.moveaxis(over_points(compute, x, 2 * m * d), -1, 0)

    if l2 > 0:
        minimum = np.linalg.solve(A.T @ A / n + l2 * np.eye(d), A.T @ b / n)
    else:
        minimum = np.linalg.lstsq(A, b, rcond=None)[0]
    return FiniteSum(
        name,
        loss,
        grad,
        n,
        d,
        batch_size=batch_size,
        seed=seed,
        l2=l2,
        minimum=minimum,
        domain=domain,
        formula=f"||A x - b||^2 / (2n), A {n}x{d} (data {data_digest(A, b)})",
        reference="Legendre (1805), Gauss (1809); minibatches: Bottou, Curtis & Nocedal (2018), Section 4",
    )


def logistic_regression(
    X: Any,
    y: Any,
    *,
    l2: float = 1e-2,
    batch_size: int | None = None,
    seed: int | None = None,
    intercept: bool = False,
    name: str = "logistic regression",
    domain: Any = None,
) -> FiniteSum:
    r"""Binary logistic regression, the mean log-loss plus an L2 term, labels 0 and 1.

    With the margin ``z_i = x . a_i`` (plus ``x_{d+1}`` with an intercept) and the label
    ``y_i`` in ``{0, 1}``, ``s_i = 2 y_i - 1``:

    .. math::

        f(x) = \frac{1}{n} \sum_i \log(1 + e^{-s_i z_i}) + \frac{\lambda}{2} \|w\|^2 ,
        \qquad
        \nabla f(x) = \frac{1}{n} \sum_i -s_i \sigma(-s_i z_i)\, a_i + \lambda w ,

        \sigma(u) = 1 / (1 + e^{-u}),

    the negative log-likelihood of ``P(y = 1 | a) = sigma(z)`` (Hastie, Tibshirani & Friedman,
    "The Elements of Statistical Learning", 2nd ed., Section 4.4), with ``w`` the weights (the
    intercept is not penalized, as scikit-learn does not penalize it). Each term is computed
    without overflow: ``log(1 + e^u) = logaddexp(0, u)`` and ``sigma(-u) = exp(-logaddexp(0, u))``.
    This is scikit-learn's ``LogisticRegression(C=1 / (n l2))`` objective divided by ``C n``, so
    the two have one minimizer. The minimum is not recorded (no closed form).

    Parameters
    ----------
    X : array_like
        ``(n, d)`` real, finite: one example per row.
    y : array_like
        ``(n,)`` labels, each 0 or 1 (bool, int or float).
    l2 : float, optional
        ``lambda >= 0``; default ``1e-2`` (with ``0`` and data that a plane separates, ``f``
        has no minimizer and the weights grow without end).
    batch_size : int or None, optional
        Examples per step, ``1 <= batch_size <= n``; default ``None``: the full batch.
    seed : int, optional
        The seed of the shuffling (only with ``batch_size``); default 0.
    intercept : bool, optional
        Add an intercept, the coordinate ``d + 1`` (a column of ones, not penalized); default False.
    name : str, optional
        A name, for legends; default ``"logistic regression"``.
    domain : sequence of (float, float), optional
        A window per coordinate for figures; default ``(-1, 1)`` each.

    Returns
    -------
    FiniteSum
        Of dimension ``d`` (``d + 1`` with the intercept, the intercept last).

    Raises
    ------
    TypeError
        If ``X`` or ``y`` is not real, or ``intercept`` not a bool.
    ValueError
        If the shapes do not fit, the data are not finite, a label is not 0 or 1, or an option
        is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> problem = logistic_regression([[1.0, 2.0], [-1.0, 0.5], [0.5, -2.0]], [1, 0, 1], l2=0.1)
    >>> problem
    FiniteSum(name='logistic regression', examples=3, dim=2, batch_size=None, seed=0, l2=0.1)
    >>> bool(problem.full(np.zeros(2)) == np.log(2.0))
    True
    """
    X, labels = _data(X, "X", 2), _data(y, "y", 1)
    _pair(X, labels, "X and y")
    values = np.unique(labels)
    if not np.isin(values, (0.0, 1.0)).all():
        raise ValueError(f"labels y must be 0 or 1 (binary); got the values {values[:6].tolist()}")
    if not isinstance(intercept, (bool, np.bool_)):
        raise TypeError(f"intercept must be True or False; got {intercept!r:.40}")
    n, d = X.shape
    features = np.hstack([X, np.ones((n, 1))]) if intercept else X
    signs = 2.0 * labels - 1.0
    signs.flags.writeable = False
    dim = features.shape[1]
    data = _Rows(features, signs)

    def margins(points: np.ndarray, rows_x: np.ndarray, s: np.ndarray) -> np.ndarray:
        return s * (points[:, None, :] * rows_x).sum(-1)

    def loss(x: Any, rows: Any) -> Any:
        rows_x, _, s = data.take(rows)
        m = len(s)
        return over_points(lambda p: np.logaddexp(0.0, -margins(p, rows_x, s)).sum(-1) / m, x, m * dim)

    def grad(x: Any, rows: Any) -> Any:
        rows_x, columns, s = data.take(rows)
        m = len(s)

        def compute(p: np.ndarray) -> np.ndarray:
            weight = -s * np.exp(-np.logaddexp(0.0, margins(p, rows_x, s)))
            return (weight[:, None, :] * columns).sum(-1) / m

        return np.moveaxis(over_points(compute, x, 2 * m * dim), -1, 0)

    return FiniteSum(
        name,
        loss,
        grad,
        n,
        dim,
        batch_size=batch_size,
        seed=seed,
        l2=l2,
        penalized=[True] * d + [False] * (dim - d),
        domain=domain,
        formula=f"log(1 + exp(-s z)), X {n}x{d}{' + intercept' if intercept else ''} (data {data_digest(X, labels)})",
        reference="Hastie, Tibshirani & Friedman, The Elements of Statistical Learning (2009), Section 4.4",
    )
