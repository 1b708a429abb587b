"""The rule's primitives on one real number at a time: Python floats here, Numba's scalars compiled.

:mod:`rmsprop.rule.primitives` writes the rule's operations for NumPy arrays. Two engines
run the step one element at a time instead: the compiled kernels (:mod:`rmsprop._compiled.rule`)
and the step of a few float64 numbers on Python floats (:mod:`rmsprop.rule.floats`). Both take
the functions below, written once over real scalars, as copies whose names ``like`` and
``fma`` resolve to their own versions (:func:`rmsprop.rule.copies.copy_function`):

* ``like(value, of)``: the Python float ``value`` in the precision of ``of`` (NumPy 2's weak
  scalar). Here ``of`` is a Python float (float64), so ``value`` is itself; compiled, it
  rounds to float32 where ``of`` is float32.
* ``fma(a, b, c)``: ``round(a * b + c)`` with one rounding. Here it is exact rational
  arithmetic (:func:`fma`); compiled, LLVM's ``llvm.fma``.

Each gives the bits of its NumPy version in :mod:`rmsprop.rule.primitives`, on real numbers;
``tests/test_engines.py`` holds every engine to the plain-Python reference.
"""

from __future__ import annotations

import math
from fractions import Fraction

__all__ = ["PRIMITIVES", "like", "fma", "abs_sq", "clip", "clamp_at_zero", "lerp", "reciprocal"]

#: The primitives written here once for both engines (``like`` and ``fma`` are each engine's own).
PRIMITIVES = ("abs_sq", "clip", "clamp_at_zero", "lerp", "reciprocal")


def like(value: float, of: float) -> float:
    """``value`` in the precision of ``of``: a Python float ``of`` is float64, so ``value`` itself.

    Parameters
    ----------
    value : float
        A Python float.
    of : float
        A Python float.

    Returns
    -------
    float
        ``value``.

    Examples
    --------
    >>> like(0.1, 2.0)
    0.1
    """
    return value


def fma(a: float, b: float, c: float) -> float:
    """``round(a * b + c)`` with one rounding, of Python floats, by exact rational arithmetic.

    The product and sum are exact as fractions, and converting a fraction to a float rounds
    it correctly (to nearest, ties to even), so this is IEEE 754's ``fusedMultiplyAdd``. Where
    the exact result is zero, ``a * b + c`` in floats is exact too and carries IEEE's sign of
    zero; a non-finite operand gives what the floats give, except that a finite ``a * b`` that
    would overflow does not turn ``c = +-inf`` into NaN.

    Parameters
    ----------
    a, b, c : float
        The operands.

    Returns
    -------
    float
        ``a * b + c`` rounded once.

    Examples
    --------
    ``0.1 * 10`` rounds to exactly 1, so two roundings lose what one keeps:

    >>> fma(0.1, 10.0, -1.0), 0.1 * 10.0 - 1.0
    (5.551115123125783e-17, 0.0)
    """
    if not (math.isfinite(a) and math.isfinite(b)):
        return a * b + c
    if not math.isfinite(c):
        return c
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    if exact == 0:
        return a * b + c
    try:
        return float(exact)
    except OverflowError:
        return math.inf if exact > 0 else -math.inf


def abs_sq(g: float) -> float:
    """``g * g``, the square of a real gradient component.

    Parameters
    ----------
    g : float
        A real gradient component.

    Returns
    -------
    float

    Examples
    --------
    >>> abs_sq(-3.0)
    9.0
    """
    return g * g


def clip(g: float, limit: float) -> float:
    """``g`` clipped to ``[-limit, limit]``, NaN kept.

    Parameters
    ----------
    g : float
        A real gradient component.
    limit : float
        The bound, ``> 0``.

    Returns
    -------
    float

    Examples
    --------
    >>> clip(5.0, 2.0), clip(-0.5, 2.0), clip(float("nan"), 2.0)
    (2.0, -0.5, nan)
    """
    if g < -limit:
        return -limit
    if g > limit:
        return limit
    return g


def clamp_at_zero(v: float) -> float:
    """``max(v, 0)``, NaN kept.

    Parameters
    ----------
    v : float
        A real value (the centered variance).

    Returns
    -------
    float
        ``v``, or 0 in ``v``'s precision where ``v < 0``.

    Examples
    --------
    >>> clamp_at_zero(-1e-17), clamp_at_zero(2.0)
    (0.0, 2.0)
    """
    zero = like(0.0, v)
    return zero if v < zero else v


def lerp(a: float, b: float, weight: float) -> float:
    """ATen's ``lerp``: ``a + weight * (b - a)`` with one rounding, from the nearer end.

    ``fma(weight, b - a, a)`` for ``|weight| < 0.5``, else ``fma(weight - 1, b - a, b)``, with
    ``1`` in the weight's precision (``aten/src/ATen/native/Lerp.h``).

    Parameters
    ----------
    a, b : float
        The two ends.
    weight : float
        The weight of ``b``.

    Returns
    -------
    float
        The interpolation, as :func:`rmsprop.rule.primitives.lerp`.

    Examples
    --------
    >>> lerp(0.0, 3.0, 0.01), lerp(0.0, 3.0, 0.75)
    (0.03, 2.25)
    """
    if abs(weight) < like(0.5, weight):
        return fma(weight, b - a, a)
    return fma(weight - like(1.0, weight), b - a, b)


def reciprocal(c: float) -> float:
    """``1 / c`` in ``c``'s precision.

    Parameters
    ----------
    c : float
        The divisor.

    Returns
    -------
    float

    Examples
    --------
    >>> reciprocal(0.6)
    1.6666666666666667
    """
    return like(1.0, c) / c
