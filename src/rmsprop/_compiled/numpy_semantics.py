"""NumPy's scalar arithmetic in compiled code, so that compiled runs give NumPy's bits.

* Python floats meet NumPy arrays and scalars in their dtype (NumPy 2's weak scalars);
  :func:`like` rounds a constant to the dtype of a value the same way.
* A NumPy *scalar* ``v ** y`` calls the C library's ``pow`` (``powf`` in float32), which is
  not always ``v * v`` for ``y = 2`` (about 1 square in 1500 differs in the last bit).
  :func:`libm_pow` calls that very ``pow``, marked ``nobuiltin`` so that LLVM does not
  rewrite ``pow(x, 2.0)`` as ``x * x``.
* ``np.sum`` of a 1-D float64 array is NumPy's pairwise sum; :func:`numpy_sum` repeats it.
"""

from __future__ import annotations

from typing import Literal, TypedDict

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, overload

__all__ = ["JIT", "libm_pow", "like", "scalar_pow", "numpy_sum"]


class _JitOptions(TypedDict):
    cache: bool
    error_model: Literal["python", "numpy"]
    nogil: bool


#: The options of every compiled function here: cached on disk, NumPy's error model, no GIL.
JIT: _JitOptions = {"cache": True, "error_model": "numpy", "nogil": True}


@intrinsic
def libm_pow(typingctx, x, y):
    """``pow(x, y)`` of the C library (``powf`` for float32), as NumPy's scalar ``x ** y`` calls it.

    A Numba intrinsic: compiled code calls it as ``libm_pow(x, y)`` with two floats of one type.

    Parameters
    ----------
    typingctx : numba.core.typing.Context
        Numba's typing context (Numba passes it; callers do not).
    x, y : numba.types.Float
        The types of the base and the exponent, one float type.

    Returns
    -------
    signature : numba.core.typing.templates.Signature or None
        ``x(x, y)``, or ``None`` (no match) for other types.
    codegen : callable
        Emits the call to ``pow``/``powf``.

    Examples
    --------
    >>> import numba, numpy as np
    >>> numba.njit(lambda x, y: libm_pow(x, y))(2.0, 0.5), float(np.float64(2.0) ** 0.5)
    (1.4142135623730951, 1.4142135623730951)
    """
    if not (isinstance(x, types.Float) and x == y):
        return None
    signature = x(x, y)

    def codegen(context, builder, sig, args):
        value_type = context.get_value_type(sig.return_type)
        name = "powf" if sig.return_type == types.float32 else "pow"
        function = cgutils.get_or_insert_function(builder.module, ir.FunctionType(value_type, [value_type] * 2), name)
        function.attributes.add("nobuiltin")  # a call, never LLVM's own pow(x, 2.0) -> x * x
        return builder.call(function, args)

    return signature, codegen


def like(value, of):
    """The Python float ``value`` rounded to the dtype of ``of`` (NumPy 2's weak scalar); compiled only.

    Parameters
    ----------
    value : float
        A Python float.
    of : float
        A value whose dtype (float32, or float64 otherwise) ``value`` takes.

    Returns
    -------
    numpy.float32 or numpy.float64
        ``value`` rounded.

    Raises
    ------
    NotImplementedError
        When called from Python: compiled code calls its Numba overload.

    Examples
    --------
    >>> import numba, numpy as np
    >>> tenth = numba.njit(lambda of: like(0.1, of))
    >>> tenth(np.float32(1.0)), tenth(1.0)
    (0.10000000149011612, 0.1)
    >>> like(0.1, 1.0)
    Traceback (most recent call last):
    ...
    NotImplementedError: only for compiled code
    """
    raise NotImplementedError("only for compiled code")


@overload(like)
def _like_compiled(value, of):
    if isinstance(of, types.Float) and of.bitwidth == 32:
        return lambda value, of: np.float32(value)
    return lambda value, of: np.float64(value)


@numba.njit(**JIT)
def scalar_pow(v, exponent):
    """NumPy's ``v ** exponent`` for a scalar ``v`` and a Python float ``exponent``.

    Parameters
    ----------
    v : float
        A float32 or float64 scalar.
    exponent : float
        A Python float, rounded to ``v``'s dtype first.

    Returns
    -------
    float
        The C library's ``pow`` (``powf`` for float32).

    Examples
    --------
    >>> import numpy as np
    >>> scalar_pow(np.float32(3.0), 2.0), scalar_pow(2.0, 0.5)
    (9.0, 1.4142135623730951)
    """
    return libm_pow(v, like(exponent, v))


@numba.njit(**JIT)
def _pairwise_block(a, lo, n):
    """NumPy's pairwise sum of ``a[lo:lo + n]`` for ``n <= 128``: in order below 8, else 8 running sums."""
    if n < 8:
        res = -0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - n % 8:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@numba.njit(**JIT)
def _pairwise(a, n):
    """NumPy's pairwise sum of ``a[:n]`` (``pairwise_sum`` in ``loops_utils.h.src``).

    Above 128 terms NumPy sums the two halves (the first a multiple of 8 long) and adds
    them; the recursion is unrolled here with a stack (Numba cannot cache recursive code).
    """
    if n <= 128:
        return _pairwise_block(a, 0, n)
    starts = np.empty(128, np.int64)
    lengths = np.empty(128, np.int64)
    combine = np.empty(128, np.bool_)
    sums = np.empty(128, np.float64)
    top, count = 1, 0
    starts[0], lengths[0], combine[0] = 0, n, False
    while top > 0:
        top -= 1
        lo, m = starts[top], lengths[top]
        if combine[top]:  # both halves are summed: the left below the right
            count -= 1
            sums[count - 1] = sums[count - 1] + sums[count]
        elif m <= 128:
            sums[count] = _pairwise_block(a, lo, m)
            count += 1
        else:
            half = m // 2
            half -= half % 8
            starts[top], lengths[top], combine[top] = lo, m, True
            starts[top + 1], lengths[top + 1], combine[top + 1] = lo + half, m - half, False
            starts[top + 2], lengths[top + 2], combine[top + 2] = lo, half, False
            top += 3
    return sums[0]


@numba.njit(**JIT)
def numpy_sum(a, n):
    """``np.sum(a[:n])`` for a float64 array: the reduction's identity plus the pairwise sum.

    Parameters
    ----------
    a : numpy.ndarray
        A 1-D float64 array.
    n : int
        The terms summed, ``a[:n]``.

    Returns
    -------
    float
        The sum, bit for bit NumPy's.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.arange(1000.0) / 7
    >>> numpy_sum(a, 1000), float(np.sum(a))
    (71357.14285714286, 71357.14285714286)
    """
    return 0.0 + _pairwise(a, n)
