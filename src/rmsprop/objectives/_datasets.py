"""Data for the finite sums: small synthetic sets from a seed, and scikit-learn's handwritten digits.

The synthetic sets are drawn by ``numpy.random.default_rng(seed)``, so a seed is a data set.
The digits (1797 images of 8x8 pixels, shipped with scikit-learn, no download; Alpaydin &
Kaynak 1998, the UCI "Optical Recognition of Handwritten Digits" set) need the ``data`` extra,
``pip install 'rmsprop[data]'``, and are imported only when asked for.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._finite_sum import FiniteSum
from ._models import logistic_regression

__all__ = ["synthetic_regression", "synthetic_classification", "digits_data", "digits"]


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1; got {value!r:.40}")
    return int(value)


def _seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0; got {seed!r:.40}")
    return int(seed)


def _features(generator: np.random.Generator, n: int, d: int, correlation: float) -> np.ndarray:
    """``n`` rows of ``d`` standard normal features, each pair of columns correlated by ``correlation``."""
    if isinstance(correlation, bool) or not isinstance(correlation, (int, float, np.integer, np.floating)):
        raise TypeError(f"correlation must be a real number; got {type(correlation).__name__}")
    if not (math.isfinite(correlation) and 0.0 <= correlation < 1.0):
        raise ValueError(f"correlation must be in [0, 1); got {correlation!r}")
    covariance = (1.0 - correlation) * np.eye(d) + correlation * np.ones((d, d))
    return generator.standard_normal((n, d)) @ np.linalg.cholesky(covariance).T


def _scale(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be finite and >= 0; got {value!r}")
    return float(value)


def synthetic_regression(
    n: int = 200, d: int = 2, *, noise: float = 0.5, correlation: float = 0.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A linear model with Gaussian noise: ``b = A w + noise * e``, drawn from a seed.

    From ``numpy.random.default_rng(seed)``, in this order: the coefficients ``w``
    (``d`` numbers uniform in ``[-3, 3)``), the features ``A`` (``n x d`` standard normals, then mixed so
    that every two columns have the correlation ``correlation``), the noise ``e`` (``n``
    standard normals).

    Parameters
    ----------
    n : int, optional
        Examples, ``>= 1``; default 200.
    d : int, optional
        Features, ``>= 1``; default 2 (a contour to draw).
    noise : float, optional
        The noise's standard deviation, ``>= 0``; default 0.5.
    correlation : float, optional
        The features' correlation, in ``[0, 1)``; default 0. Near 1 the problem is ill
        conditioned, a long valley.
    seed : int, optional
        The seed, ``>= 0``; default 0.

    Returns
    -------
    A : numpy.ndarray
        ``(n, d)`` features.
    b : numpy.ndarray
        ``(n,)`` targets.
    w : numpy.ndarray
        ``(d,)`` the coefficients they were drawn with.

    Raises
    ------
    TypeError
        If ``noise`` or ``correlation`` is not a real number.
    ValueError
        If a count or the seed is not a positive integer, or ``noise`` or ``correlation`` is
        out of range.

    Examples
    --------
    >>> A, b, w = synthetic_regression(100, 3, noise=0.0, seed=1)
    >>> A.shape, b.shape, bool(np.allclose(A @ w, b))
    ((100, 3), (100,), True)
    """
    n, d, noise = _count("n", n), _count("d", d), _scale("noise", noise)
    generator = np.random.default_rng(_seed(seed))
    w = generator.uniform(-3.0, 3.0, d)
    A = _features(generator, n, d, correlation)
    return A, A @ w + noise * generator.standard_normal(n), w


def synthetic_classification(
    n: int = 200, d: int = 2, *, noise: float = 0.5, correlation: float = 0.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two classes split by a plane with noise: ``y = 1`` where ``X w + noise * e > 0``, else 0.

    Drawn as :func:`synthetic_regression` draws ``A, w, e`` (the same numbers for the same
    arguments), then thresholded at 0; with ``noise > 0`` some labels fall on the wrong side, so
    the classes overlap and the logistic loss has a minimizer even without an L2 term.

    Parameters
    ----------
    n : int, optional
        Examples, ``>= 1``; default 200.
    d : int, optional
        Features, ``>= 1``; default 2.
    noise : float, optional
        The standard deviation of the noise on the margin, ``>= 0``; default 0.5.
    correlation : float, optional
        The features' correlation, in ``[0, 1)``; default 0.
    seed : int, optional
        The seed, ``>= 0``; default 0.

    Returns
    -------
    X : numpy.ndarray
        ``(n, d)`` features.
    y : numpy.ndarray
        ``(n,)`` int64 labels, 0 or 1.
    w : numpy.ndarray
        ``(d,)`` the plane's normal they were drawn with.

    Raises
    ------
    TypeError
        If ``noise`` or ``correlation`` is not a real number.
    ValueError
        If a count or the seed is not a positive integer, or ``noise`` or ``correlation`` is
        out of range.

    Examples
    --------
    >>> X, y, w = synthetic_classification(50, 2, noise=0.0, seed=3)
    >>> sorted(set(y.tolist())), bool(((X @ w > 0) == (y == 1)).all())
    ([0, 1], True)
    """
    X, margin, w = synthetic_regression(n, d, noise=noise, correlation=correlation, seed=seed)
    return X, (margin > 0).astype(np.int64), w


def digits_data(classes: Any = (0, 1)) -> tuple[np.ndarray, np.ndarray]:
    """Two classes of scikit-learn's digits, standardised: the features and the labels 0 and 1.

    The images of the two digits, in scikit-learn's order; each of the 64 pixels is centred and
    divided by its standard deviation over those images (a pixel that is constant there is
    left at 0). The label is 1 for ``classes[1]``, 0 for ``classes[0]``.

    Parameters
    ----------
    classes : pair of int, optional
        Two different digits, 0 to 9; default ``(0, 1)``.

    Returns
    -------
    X : numpy.ndarray
        ``(n, 64)`` float64.
    y : numpy.ndarray
        ``(n,)`` int64, 0 or 1.

    Raises
    ------
    ImportError
        If scikit-learn is not installed (the ``data`` extra).
    ValueError
        If ``classes`` is not two different digits.

    Examples
    --------
    >>> import sklearn  # the data extra
    >>> X, y = digits_data((3, 8))
    >>> X.shape, int(y.sum()), bool(np.allclose(X.mean(axis=0), 0.0))
    ((357, 64), 174, True)
    """
    pair = tuple(classes) if isinstance(classes, (tuple, list)) else ()
    if (
        len(pair) != 2
        or any(isinstance(c, bool) or not isinstance(c, (int, np.integer)) or not 0 <= c <= 9 for c in pair)
        or pair[0] == pair[1]
    ):
        raise ValueError(f"classes must be two different digits 0 to 9; got {classes!r:.60}")
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError("the digits come with scikit-learn: pip install 'rmsprop[data]'") from None
    images, targets = load_digits(return_X_y=True)
    keep = np.isin(targets, pair)
    X, y = images[keep].astype(np.float64), (targets[keep] == pair[1]).astype(np.int64)
    spread = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(spread > 0, spread, 1.0), y


def digits(
    classes: Any = (0, 1),
    *,
    l2: float = 1e-2,
    batch_size: int | None = None,
    seed: int | None = None,
    intercept: bool = True,
) -> FiniteSum:
    """Logistic regression on two classes of scikit-learn's digits (:func:`digits_data`), 64 pixels.

    Parameters
    ----------
    classes : pair of int, optional
        The two digits, label 0 then label 1; default ``(0, 1)``.
    l2 : float, optional
        The weight of the L2 term, ``>= 0``; default ``1e-2``.
    batch_size : int or None, optional
        Images per step; default ``None``: all of them.
    seed : int, optional
        The seed of the shuffling (only with ``batch_size``); default 0.
    intercept : bool, optional
        Fit an intercept, the 65th coordinate (not penalized); default True.

    Returns
    -------
    FiniteSum
        :func:`rmsprop.objectives.logistic_regression` of the digits, named ``"digits 0 vs 1"``.

    Raises
    ------
    ImportError
        If scikit-learn is not installed (the ``data`` extra).
    ValueError
        If ``classes`` is not two different digits, or an option is out of range.

    Examples
    --------
    >>> import sklearn  # the data extra
    >>> problem = digits((0, 1), batch_size=10)
    >>> problem.examples, problem.dim, problem.batches_per_epoch
    (360, 65, 36)
    """
    X, y = digits_data(classes)
    first, second = tuple(classes)
    return logistic_regression(
        X, y, l2=l2, batch_size=batch_size, seed=seed, intercept=intercept, name=f"digits {first} vs {second}"
    )
