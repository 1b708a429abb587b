"""The operations the catalogue's formulas are written in, as NumPy computes them.

Each formula of :mod:`rmsprop.objectives.formulas` is plain Python over IEEE ``+ - * /``
and the two operations below, each of which has one meaning and two implementations:
this module's, for NumPy scalars and arrays, and a compiled one in
:mod:`rmsprop._compiled.objectives` that Numba substitutes when it compiles the formulas
for the batch engine. The compiled versions give the single run's bits (a single
:func:`rmsprop.minimize` run calls a formula on ``x[0]``, ``x[1]``: NumPy *scalars*).

* ``weak(value, of)``: the Python float ``value`` where it meets ``of``. NumPy 2 treats a
  Python float as a *weak* scalar and rounds it to ``of``'s dtype (float32 stays
  float32), so here it is ``value`` itself; compiled, ``like(value, of)`` rounds it to
  ``of``'s type explicitly.
* ``power(v, exponent)``: NumPy's ``v ** exponent`` for a Python float ``exponent``. On a
  NumPy scalar it is the C library's ``pow`` (``powf`` in float32), which is what the
  compiled version calls; on an array it is NumPy's own power (``v * v`` for 2, SIMD
  ``pow`` otherwise), which the NumPy batch engine gets, see :mod:`rmsprop._batch`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["power", "weak"]


def weak(value: float, of: Any) -> float:
    """The constant ``value`` in ``of``'s precision: NumPy rounds a Python float where it meets ``of``."""
    return value


def power(v: Any, exponent: float) -> Any:
    """NumPy's ``v ** exponent``: the C library's ``pow`` on a NumPy scalar."""
    return v**exponent
