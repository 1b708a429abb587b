"""The floating-point operations the rule is written in, as NumPy computes them on arrays.

The rule (:mod:`rmsprop.rule.step`) is one Python function of one element; it runs on
whole NumPy arrays as it is, and Numba compiles it for the kernels. Its arithmetic is
IEEE ``+ - * /`` plus the handful of operations below, each of which has one meaning
and two implementations: this module's, for NumPy arrays and scalars, and a compiled one
in :mod:`rmsprop._compiled.rule` that Numba substitutes when it compiles the rule.
Each compiled version gives the same bits as its NumPy version here; the tests hold them
to it.

* ``fma(a, b, c)``: ``round(a * b + c)`` with one rounding (emulated exactly in NumPy,
  :mod:`rmsprop._fma`; LLVM's ``llvm.fma`` when compiled).
* ``sqrt(v)``: the correctly rounded square root.
* ``abs_sq(g)``: ``|g|^2``: ``g * g``, or ``re^2 + im^2`` for complex ``g`` (Optax's choice).
* ``clip(g, c)``: ``g`` clipped to ``[-c, c]`` (real and imaginary parts apart).
* ``clamp_at_zero(v)``: ``max(v, 0)``, NaN kept.
* ``lerp(a, b, w)``: ``torch.lerp``: ``fma(w, b - a, a)`` for ``|w| < 0.5``, else
  ``fma(w - 1, b - a, b)`` (``b - (b - a) * (1 - w)``), from the nearer end as ATen's
  ``lerp`` does (``aten/src/ATen/native/Lerp.h``), ``w`` in the arrays' precision.
* ``reciprocal(c)``: ``1 / c`` in ``c``'s precision.
* ``power(a, b)``: the C library's ``pow`` of two floats (Python's ``a ** b`` on floats).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._fma import fma

__all__ = ["fma", "sqrt", "abs_sq", "clip", "clamp_at_zero", "lerp", "reciprocal", "power"]

sqrt = np.sqrt


def abs_sq(g: Any) -> Any:
    """``|g|^2`` elementwise: ``g * g`` for real ``g``, ``re^2 + im^2`` for complex ``g``.

    Parameters
    ----------
    g : float, complex or numpy.ndarray
        The gradient, real or complex.

    Returns
    -------
    float or numpy.ndarray
        ``|g|^2``, real, in ``g``'s (real) precision.

    Examples
    --------
    >>> import numpy as np
    >>> abs_sq(np.array([3.0, -2.0])), abs_sq(np.array([3 + 4j]))
    (array([9., 4.]), array([25.]))
    """
    if np.iscomplexobj(g):
        return g.real * g.real + g.imag * g.imag
    return g * g


def clip(g: Any, limit: Any) -> Any:
    """``g`` clipped to ``[-limit, limit]``; complex ``g`` part by part.

    Parameters
    ----------
    g : float, complex or numpy.ndarray
        The gradient.
    limit : float
        The bound, ``> 0``.

    Returns
    -------
    float, complex or numpy.ndarray
        ``g`` clipped: the real and imaginary parts each to ``[-limit, limit]``.

    Examples
    --------
    >>> import numpy as np
    >>> clip(np.array([-5.0, 0.5, 5.0]), 1.0)
    array([-1. ,  0.5,  1. ])
    >>> clip(np.array([3 - 0.5j]), 1.0)
    array([1.-0.5j])
    """
    if np.iscomplexobj(g):
        return np.clip(g.real, -limit, limit) + 1j * np.clip(g.imag, -limit, limit)
    return np.clip(g, -limit, limit)


def clamp_at_zero(v: Any) -> Any:
    """``max(v, 0)`` elementwise; NaN stays NaN.

    Parameters
    ----------
    v : float or numpy.ndarray
        Real values (the centered variance ``e - m^2``).

    Returns
    -------
    float or numpy.ndarray
        ``v`` where it is ``>= 0`` or NaN, else 0.

    Examples
    --------
    >>> import numpy as np
    >>> clamp_at_zero(np.array([-1e-17, 2.0, np.nan]))
    array([ 0.,  2., nan])
    """
    return np.maximum(v, 0.0)


def lerp(a: Any, b: Any, weight: Any) -> Any:
    """``torch.lerp(a, b, weight)``: ``a + weight * (b - a)`` with one rounding, from the nearer end.

    ``fma(weight, b - a, a)`` for ``|weight| < 0.5``, else ``fma(weight - 1, b - a, b)``, as
    ATen's ``lerp`` (``aten/src/ATen/native/Lerp.h``).

    Parameters
    ----------
    a, b : float or numpy.ndarray
        The two ends, float32 or float64.
    weight : float or numpy.ndarray
        The weight of ``b``, in the arrays' precision.

    Returns
    -------
    numpy.ndarray
        The interpolation, in the arrays' dtype.

    Examples
    --------
    PyTorch's centered mean, ``m.lerp_(g, 1 - alpha)``, from ``m = 0`` with ``g = 3``:

    >>> import numpy as np
    >>> float(lerp(np.float64(0.0), np.float64(3.0), 0.01)), float(lerp(np.float64(0.0), np.float64(3.0), 0.75))
    (0.03, 2.25)
    """
    near = np.abs(weight) < 0.5
    if np.ndim(near) == 0:
        return fma(weight, b - a, a) if near else fma(weight - 1.0, b - a, b)
    return np.where(near, fma(weight, b - a, a), fma(weight - 1.0, b - a, b))


def reciprocal(c: Any) -> Any:
    """``1 / c``, in ``c``'s precision.

    Parameters
    ----------
    c : float or numpy.ndarray
        The divisor (a bias correction ``1 - decay^(t+1)``).

    Returns
    -------
    float or numpy.ndarray
        ``1 / c`` in ``c``'s precision (a float32 stays float32).

    Examples
    --------
    >>> import numpy as np
    >>> reciprocal(np.float32(0.1))
    np.float32(10.0)
    """
    return 1.0 / c


def power(a: float, b: float) -> float:
    """``a ** b`` of two Python floats: the C library's ``pow``.

    Parameters
    ----------
    a, b : float
        The base and the exponent.

    Returns
    -------
    float
        ``math.pow(a, b)``, the number Python's ``a ** b`` gives for floats.

    Examples
    --------
    >>> power(0.9, 2.0), 0.9 ** 2.0
    (0.81, 0.81)
    """
    return math.pow(a, b)
