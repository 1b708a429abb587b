"""The fused array kernel: the step of :func:`rmsprop.rule.step.make_step` over every element, in one pass over memory.

RMSprop is memory-bound: per parameter it reads ``x``, ``g`` and ``e`` (and ``m``, ``b``
when centered or with momentum) and writes back all but ``g``. The NumPy form makes one
pass per line and an N-sized temporary for each; this kernel makes a single pass, with
every line of the rule for one element in registers, over contiguous 1-D views, parallel
over the cores where asked.

Each kernel is specialised for one spec (:meth:`rmsprop.Settings.spec`): the spec is a
constant of the closure, so the branches that are off fold away and LLVM vectorises what
is left (the compiled loops use packed ``vsqrtp*``/``vdivp*``). The scalars arrive rounded
to the arrays' dtype, as NumPy 2 rounds a Python float, so the kernel gives the NumPy
form's bits; the libraries' fused multiply-adds are real ``fma`` instructions here, where
the NumPy form emulates them exactly.

Kernels are compiled on first use, never at import, and cached on disk (``cache=True``;
Numba keys the cache on the closure's constants, which include the rule's source hash).
"""

from __future__ import annotations

import functools

import numba
from numba.np.unsafe.ndarray import to_fixed_tuple

from ..rule.step import CENTERED, MOMENTUM_SPEC, OFF, SCALARS
from .announce import watch
from .numpy_semantics import JIT
from .rule import RULE_SOURCE_HASH, with_step

__all__ = ["kernel"]


@functools.cache
def kernel(spec: tuple[int, ...], in_place: bool, parallel: bool):
    """The compiled kernel for ``spec``: ``kernel(x, g, e, m, b, e_out, m_out, b_out, out, s)``.

    All arrays are 1-D, contiguous, of one real dtype and one length; ``s`` holds
    :data:`rmsprop.rule.step.SCALARS` in that dtype (an array: Numba dispatches on it in
    half the time of a tuple; the kernel copies it into a tuple before the loop, since an
    array the loop reads might alias the others, and LLVM would not vectorise). ``e, m, b`` are read and ``e_out,
    m_out, b_out`` written; ``m``, ``b`` and their outputs are ignored unless the spec uses
    them, ``x`` unless the step reads it. ``out`` receives the update ``u``. With
    ``in_place`` the step writes ``x + u`` into ``x`` and the new ``e, m, b`` over the old,
    and leaves the output arguments alone: a loop that reads and writes one array
    vectorises, while two arguments that share memory defeat LLVM's overlap check and
    leave the loop scalar.

    Parameters
    ----------
    spec : tuple of int
        The step's spec (:meth:`rmsprop.Settings.spec`).
    in_place : bool
        Write the new ``x, e, m, b`` over the old instead of into the outputs.
    parallel : bool
        Split the loop over the cores (``numba.prange``).

    Returns
    -------
    numba.core.registry.CPUDispatcher
        The kernel, compiled on its first call (and cached on disk); one per arguments,
        kept for the process.

    Examples
    --------
    The seed's first step from ``x = -4`` on four elements; ``g`` and ``u`` stand in for
    the arrays this spec does not use:

    >>> import numpy as np
    >>> from rmsprop import Settings
    >>> from rmsprop.rule.step import scalars
    >>> settings = Settings(learning_rate=0.1)
    >>> spec, s = settings.spec(np.float64), scalars(settings, 0.1, 1.0, None, None, np.float64)
    >>> step = kernel(spec, False, False)
    >>> step is kernel(spec, False, False)
    True
    >>> g, e, e_out, u = np.full(4, -40.0), np.zeros(4), np.empty(4), np.empty(4)
    >>> step(g, g, e, g, g, e_out, u, u, u, np.array(s))
    >>> float(u[0]), float(e_out[0])
    (0.31622776600695585, 159.99999999999997)
    """
    # The loop itself is a constant of the closure too: Numba's disk cache tells kernels apart by their
    # closures, not by the parallel= option, so a flag outside the body would let them share one entry.
    loop = numba.prange if parallel else range
    rule_version = RULE_SOURCE_HASH
    # Where a spec has no m or b, other arrays stand in for them: they are never written.
    centered, momentum = spec[CENTERED] != 0, spec[MOMENTUM_SPEC] != OFF
    count = len(SCALARS)

    def rmsprop_kernel(x, g, e, m, b, e_out, m_out, b_out, out, s):
        spec, rule_version  # noqa: B018 - closure constants: the disk cache's key follows the spec and the rule
        numbers = to_fixed_tuple(s, count)
        for i in loop(g.size):
            xi = x[i]
            u, ei, mi, bi = step(g[i], xi, e[i], m[i], b[i], numbers)  # noqa: F821 - the compiled step of spec
            if in_place:
                e[i] = ei
                if centered:
                    m[i] = mi
                if momentum:
                    b[i] = bi
                x[i] = xi + u
            else:
                e_out[i] = ei
                if centered:
                    m_out[i] = mi
                if momentum:
                    b_out[i] = bi
                out[i] = u

    compiled = numba.njit(parallel=parallel, **JIT)(with_step(rmsprop_kernel, spec))
    return watch(compiled, "fused step", "the fused step over arrays (rmsprop() and RMSprop on large arrays)")
