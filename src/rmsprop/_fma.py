"""A correctly rounded fused multiply-add, ``fma(a, b, c) = round(a * b + c)``, in plain NumPy.

NumPy has no ``fma`` ufunc, but the compiled kernels of some libraries use one
(PyTorch's CPU ``addcmul``, ``lerp`` and ``add(..., alpha=)`` do), and their
results differ from ``a * b + c`` in the last bit. To reproduce them exactly we
emulate the fused operation with error-free transformations:

1. ``a * b = uh + ul`` exactly (Dekker's product with Veltkamp's splitting);
2. ``c + uh = th + tl`` exactly (Knuth's two-sum);
3. ``v = RO(tl + ul)``, the sum rounded to odd (two-sum, then the last bit forced to 1
   when the sum was inexact);
4. ``fma = RN(th + v)``.

This is the algorithm of Boldo & Melquiond, "Emulation of FMA and correctly rounded
sums: proved algorithms using rounding to odd", IEEE Trans. Computers 57(4), 2008
(Algorithm 5.4 / Theorem 5.5). It is exact for float32 and float64 as long as no
intermediate overflows (``|a|, |b|`` below about 1e300 for float64, 1e37 for float32)
or underflows (products above about 1e-290 for float64, 1e-30 for float32 in size,
or exactly zero); the tests check it against exact rational arithmetic.
"""

from __future__ import annotations

import numpy as np

__all__ = ["fma"]

_SPLITTER = {np.dtype(np.float64): 2.0**27 + 1.0, np.dtype(np.float32): 2.0**12 + 1.0}
_BITS = {np.dtype(np.float64): np.int64, np.dtype(np.float32): np.int32}


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a + b = s + e`` exactly (Knuth)."""
    s = a + b
    b_virtual = s - a
    a_virtual = s - b_virtual
    return s, (a - a_virtual) + (b - b_virtual)


def _split(a: np.ndarray, splitter: float) -> tuple[np.ndarray, np.ndarray]:
    """``a = hi + lo`` with each half short enough that products of halves are exact (Veltkamp)."""
    scaled = splitter * a
    hi = scaled - (scaled - a)
    return hi, a - hi


def _two_product(a: np.ndarray, b: np.ndarray, splitter: float) -> tuple[np.ndarray, np.ndarray]:
    """``a * b = p + e`` exactly (Dekker)."""
    p = a * b
    a_hi, a_lo = _split(a, splitter)
    b_hi, b_lo = _split(b, splitter)
    e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return p, e


def _add_round_to_odd(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a + b`` rounded to odd: exact sums as they are, inexact ones to the neighbour with an odd last bit."""
    s, e = _two_sum(a, b)
    even = (s.view(_BITS[s.dtype]) & 1) == 0
    toward = np.where(e > 0, np.inf, -np.inf).astype(s.dtype)
    return np.where((e != 0) & even, np.nextafter(s, toward), s)


def fma(a, b, c) -> np.ndarray:
    """``round(a * b + c)`` with one rounding, elementwise.

    The dtype is that of the array arguments; Python numbers take it on, as in
    NumPy's own arithmetic (a Python float times a float32 array is float32).

    Parameters
    ----------
    a, b, c : float or numpy.ndarray
        The factors and the addend; they broadcast together.

    Returns
    -------
    numpy.ndarray
        ``a * b + c`` rounded once, in the arguments' dtype (float64 for Python numbers);
        a 0-d array for scalars.

    Raises
    ------
    TypeError
        If the arrays' dtype is not float32 or float64.

    Examples
    --------
    ``0.1 * 10`` rounds to exactly 1, so two roundings lose what one keeps:

    >>> import numpy as np
    >>> fma(0.1, 10.0, -1.0), 0.1 * 10.0 - 1.0
    (array(5.55111512e-17), 0.0)
    >>> fma(np.float32(0.1), np.float32(10), np.float32(-1))
    array(1.4901161e-08, dtype=float32)
    >>> fma(np.arange(3), 2, 1)
    Traceback (most recent call last):
    ...
    TypeError: fma works on float32 and float64 arrays; got int64
    """
    arrays = [v for v in (a, b, c) if isinstance(v, (np.ndarray, np.generic))]
    dtype = np.result_type(*arrays) if arrays else np.dtype(np.float64)
    if dtype not in _SPLITTER:
        raise TypeError(f"fma works on float32 and float64 arrays; got {dtype}")
    a, b, c = np.broadcast_arrays(*(np.asarray(v, dtype=dtype) for v in (a, b, c)))
    with np.errstate(over="ignore", invalid="ignore"):
        uh, ul = _two_product(a, b, _SPLITTER[dtype])
        th, tl = _two_sum(c, uh)
        result = th + _add_round_to_odd(tl, ul)
        # Where an input is not finite or a product is exactly representable, the plain form is exact.
        plain = uh + c
    simple = (ul == 0) | ~np.isfinite(result)
    return np.where(simple, plain, result)
