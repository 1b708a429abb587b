"""The floating-point operations the rule is written in, as NumPy computes them on arrays.

The rule (:mod:`rmsprop.rule.step`) is one Python function of one element; it runs on
whole NumPy arrays as it is, and Numba compiles it for the kernels. Its arithmetic is
IEEE ``+ - * /`` plus the handful of operations below, each of which has one meaning
and two implementations: this module's, for NumPy arrays and scalars, and a compiled one
in :mod:`rmsprop._compiled.primitives` that Numba substitutes when it compiles the rule.
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
    """``|g|^2`` elementwise: ``g * g`` for real ``g``, ``re^2 + im^2`` for complex ``g``."""
    if np.iscomplexobj(g):
        return g.real * g.real + g.imag * g.imag
    return g * g


def clip(g: Any, limit: Any) -> Any:
    """``g`` clipped to ``[-limit, limit]``; complex ``g`` part by part."""
    if np.iscomplexobj(g):
        return np.clip(g.real, -limit, limit) + 1j * np.clip(g.imag, -limit, limit)
    return np.clip(g, -limit, limit)


def clamp_at_zero(v: Any) -> Any:
    """``max(v, 0)`` elementwise; NaN stays NaN."""
    return np.maximum(v, 0.0)


def lerp(a: Any, b: Any, weight: Any) -> Any:
    """``torch.lerp(a, b, weight)``: ``a + weight * (b - a)`` with one rounding, from the nearer end."""
    near = np.abs(weight) < 0.5
    if np.ndim(near) == 0:
        return fma(weight, b - a, a) if near else fma(weight - 1.0, b - a, b)
    return np.where(near, fma(weight, b - a, a), fma(weight - 1.0, b - a, b))


def reciprocal(c: Any) -> Any:
    """``1 / c``, in ``c``'s precision."""
    return 1.0 / c


def power(a: float, b: float) -> float:
    """``a ** b`` of two Python floats: the C library's ``pow``."""
    return math.pow(a, b)
