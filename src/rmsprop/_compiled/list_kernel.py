"""The fused kernel over a list of arrays: one call steps every array of one dtype, wherever each lies in memory.

:mod:`.array_kernel` steps one array per call. A model has many parameter tensors
(GPT-2 small has 148), each with its gradient and state, allocated apart; copying them
into one flat buffer would cost a pass over memory per step, and a call per tensor costs
a dispatch each. This kernel takes a *table* instead: one row per tensor with the
addresses of its ``x, g, e, m, b`` (``int64``, as ``tensor.data_ptr()`` gives them), and a
list of *chunks* ``(row, start, stop)`` that cut every tensor into pieces of at most
:data:`CHUNK` elements. The loop over chunks is split over the cores, so small and large
tensors share the work; within a chunk the loop is the same as :mod:`.array_kernel`'s,
the step of :func:`rmsprop.rule.step.make_step` compiled for one spec
(:func:`rmsprop._compiled.rule.with_step`), which LLVM vectorises.

The addresses must point at contiguous memory of the scalars' dtype, each holding at
least the largest ``stop`` of its row's chunks, and stay valid for the call; the caller
(:mod:`rmsprop.torch`) keeps the tensors alive and checks their layouts. Where a spec has
no ``m`` or ``b`` the row repeats ``x``'s address: the kernel never touches them.
"""

from __future__ import annotations

import functools

import numba
import numpy as np
from numba import types
from numba.extending import intrinsic
from numba.np.unsafe.ndarray import to_fixed_tuple

from ..rule.step import CENTERED, MOMENTUM_SPEC, OFF, SCALARS
from .numpy_semantics import JIT
from .rule import RULE_SOURCE_HASH, with_step

__all__ = ["CHUNK", "COLUMNS", "kernel", "chunks", "address_as_pointer"]

#: The most elements of one chunk: the unit of work a core takes.
CHUNK = 1 << 16
#: The columns of the table of addresses, in order.
COLUMNS = ("x", "g", "e", "m", "b")


@intrinsic
def address_as_pointer(typingctx, address, like):
    """The integer ``address`` as a pointer to elements of ``like``'s dtype (an array).

    A Numba intrinsic: compiled code calls it as ``address_as_pointer(address, like)`` and
    gives the pointer to ``numba.carray``.

    Parameters
    ----------
    typingctx : numba.core.typing.Context
        Numba's typing context (Numba passes it; callers do not).
    address : numba.types.Integer
        The address, an integer.
    like : numba.types.Array
        An array of the elements' dtype.

    Returns
    -------
    signature : numba.core.typing.templates.Signature
        ``CPointer(like.dtype)(address, like)``.
    codegen : callable
        Emits the ``inttoptr``.

    Examples
    --------
    >>> import numba, numpy as np
    >>> @numba.njit
    ... def first(address, like):
    ...     return numba.carray(address_as_pointer(address, like), 1)[0]
    >>> a = np.array([2.5, 1.0])
    >>> first(a.ctypes.data, a)
    2.5
    """
    pointer = types.CPointer(like.dtype)
    signature = pointer(address, like)

    def codegen(context, builder, sig, args):
        return builder.inttoptr(args[0], context.get_value_type(pointer))

    return signature, codegen


@functools.cache
def kernel(spec: tuple[int, ...], parallel: bool):
    """The compiled kernel for ``spec``: ``kernel(addresses, chunks, s)`` steps every array of the table in place.

    ``addresses`` is an ``int64`` array of shape ``(rows, 5)``, one row per array with the
    addresses of its ``x, g, e, m, b`` (:data:`COLUMNS`); ``chunks`` an ``int64`` array of
    shape ``(k, 3)`` of ``(row, start, stop)`` (:func:`chunks` makes it); ``s`` the scalars
    (:data:`rmsprop.rule.step.SCALARS`) in the arrays' dtype, which is the dtype the kernel
    reads and writes. Each element becomes ``x + u`` and its ``e, m, b`` the step's new
    ones, as :func:`rmsprop._compiled.array_kernel.kernel` writes them in place.

    Parameters
    ----------
    spec : tuple of int
        The step's spec (:meth:`rmsprop.Settings.spec`).
    parallel : bool
        Split the chunks over the cores (``numba.prange``).

    Returns
    -------
    numba.core.registry.CPUDispatcher
        The kernel, compiled on its first call (and cached on disk); one per arguments,
        kept for the process.

    Examples
    --------
    The seed's first step from ``x = -4`` on two arrays of two sizes, in one call (``x``
    stands in for ``m`` and ``b``, which this spec has not got):

    >>> import numpy as np
    >>> from rmsprop import Settings
    >>> from rmsprop.rule.step import scalars
    >>> settings = Settings(learning_rate=0.1)
    >>> spec, s = settings.spec(np.float64), scalars(settings, 0.1, 1.0, None, None, np.float64)
    >>> arrays = [(np.full(n, -4.0), np.full(n, -40.0), np.zeros(n)) for n in (3, 5)]
    >>> table = np.array([[a.ctypes.data for a in (x, g, e, x, x)] for x, g, e in arrays])
    >>> kernel(spec, False)(table, chunks([3, 5]), np.array(s))
    >>> float(arrays[1][0][4]), float(arrays[1][2][4])
    (-3.6837722339930443, 159.99999999999997)
    """
    # As in array_kernel: the loop is a constant of the closure, so that the disk cache tells the two apart.
    loop = numba.prange if parallel else range
    rule_version = RULE_SOURCE_HASH
    centered, momentum = spec[CENTERED] != 0, spec[MOMENTUM_SPEC] != OFF
    count = len(SCALARS)

    def rmsprop_list_kernel(addresses, chunks, s):
        spec, rule_version  # noqa: B018 - closure constants: the disk cache's key follows the spec and the rule
        numbers = to_fixed_tuple(s, count)
        size = s.itemsize
        for c in loop(chunks.shape[0]):
            # Arrays of the chunk alone, from its first element: an index from 0 needs no wraparound test,
            # which would keep LLVM from vectorising the loop.
            row, offset, n = chunks[c, 0], chunks[c, 1] * size, chunks[c, 2] - chunks[c, 1]
            x = numba.carray(address_as_pointer(addresses[row, 0] + offset, s), n)
            g = numba.carray(address_as_pointer(addresses[row, 1] + offset, s), n)
            e = numba.carray(address_as_pointer(addresses[row, 2] + offset, s), n)
            m = numba.carray(address_as_pointer(addresses[row, 3] + offset, s), n)
            b = numba.carray(address_as_pointer(addresses[row, 4] + offset, s), n)
            for i in range(n):
                xi = x[i]
                u, ei, mi, bi = step(g[i], xi, e[i], m[i], b[i], numbers)  # noqa: F821 - the compiled step of spec
                e[i] = ei
                if centered:
                    m[i] = mi
                if momentum:
                    b[i] = bi
                x[i] = xi + u

    return numba.njit(parallel=parallel, **JIT)(with_step(rmsprop_list_kernel, spec))


def chunks(sizes: list[int], chunk: int = CHUNK) -> np.ndarray:
    """The chunks ``(row, start, stop)`` that cut arrays of ``sizes`` elements into pieces of at most ``chunk``.

    Parameters
    ----------
    sizes : list of int
        The number of elements of each row's arrays.
    chunk : int, optional
        The largest piece (default :data:`CHUNK`).

    Returns
    -------
    numpy.ndarray
        ``int64``, shape ``(k, 3)``; an array of no elements has no chunk.

    Examples
    --------
    >>> chunks([5, 0, 2], chunk=3).tolist()
    [[0, 0, 3], [0, 3, 5], [2, 0, 2]]
    """
    rows = [(row, start, min(start + chunk, size)) for row, size in enumerate(sizes) for start in range(0, size, chunk)]
    return np.array(rows, dtype=np.int64).reshape(-1, 3)
