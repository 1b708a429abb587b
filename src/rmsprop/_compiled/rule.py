"""The rule of :mod:`rmsprop.rule`, compiled: its own functions, with Numba's versions of its primitives.

Numba compiles the step of :func:`rmsprop.rule.step.make_step` and the arithmetic pieces
from their own code: each is a copy of the function whose global names are looked up in
:data:`namespace`, where the primitives are the compiled ones, and is inlined where it is
called, so that the spec's constants (the step closure's) fold away before typing. Only
the primitives of :mod:`rmsprop.rule.primitives` have a compiled version of their own,
each with the same bits as its NumPy version:

* ``fma``: LLVM's ``llvm.fma`` (correctly rounded, a real FMA instruction on x86-64);
* ``abs_sq``, ``clip``, ``clamp_at_zero``: comparisons and one multiplication, on real scalars;
* ``lerp``: ATen's two-sided form, with ``1`` in the weight's precision;
* ``reciprocal``: ``1 / c`` with ``1`` in ``c``'s precision;
* ``power``: the C library's ``pow`` (:func:`rmsprop._compiled.numpy_semantics.libm_pow`).

It is imported by every compiled module here and never by ``import rmsprop``.
:data:`RULE_SOURCE_HASH` changes whenever a source file of the rule or of these compiled
primitives changes: the compiled kernels keep it among their closure's constants, so that
Numba's disk cache, which does not follow calls into other files, never serves a kernel
compiled from an older rule.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import sys
import types as pytypes

import numba
import numpy as np
from numba.extending import intrinsic

from ..rule import arithmetic, primitives
from ..rule import step as step_module
from . import numpy_semantics
from .numpy_semantics import libm_pow, like

__all__ = ["RULE_SOURCE_HASH", "fma", "step_for", "with_step", "bias_correction", "clip_factor", "compiled_copy"]


@intrinsic
def fma(typingctx, a, b, c):
    """``round(a * b + c)`` with one rounding: LLVM's ``llvm.fma`` in ``c``'s type."""
    signature = c(c, c, c)

    def codegen(context, builder, sig, args):
        a_, b_, c_ = (context.cast(builder, value, type_, sig.return_type) for value, type_ in zip(args, sig.args))
        return builder.fma(a_, b_, c_)

    return signature, codegen


@numba.njit(inline="always")
def _fma(a, b, c):
    return fma(a, b, c)


@numba.njit(inline="always")
def abs_sq(g):
    """``g * g`` (real scalars)."""
    return g * g


@numba.njit(inline="always")
def clip(g, limit):
    """``g`` clipped to ``[-limit, limit]``, NaN kept."""
    if g < -limit:
        return -limit
    if g > limit:
        return limit
    return g


@numba.njit(inline="always")
def clamp_at_zero(v):
    """``max(v, 0)``, NaN kept."""
    zero = like(0.0, v)
    return zero if v < zero else v


@numba.njit(inline="always")
def lerp(a, b, weight):
    """ATen's ``lerp``: from the nearer end, with ``1`` in the weight's precision."""
    if abs(weight) < like(0.5, weight):
        return fma(weight, b - a, a)
    return fma(weight - like(1.0, weight), b - a, b)


@numba.njit(inline="always")
def power(a, b):
    """The C library's ``pow``."""
    return libm_pow(a, b)


@numba.njit(inline="always")
def reciprocal(c):
    """``1 / c`` in ``c``'s precision."""
    return like(1.0, c) / c


def compiled_copy(function, namespace: dict):
    """``function`` with its globals looked up in ``namespace``, compiled to be inlined where it is called."""
    copy = pytypes.FunctionType(function.__code__, namespace, function.__name__, function.__defaults__,
                                function.__closure__)
    copy.__qualname__ = function.__qualname__
    return numba.njit(inline="always")(copy)


#: The rule's names, compiled: the primitives above, the constants and the compiled copies of the rule's functions.
namespace: dict = {**vars(arithmetic), **vars(step_module)}
namespace.update(fma=_fma, sqrt=np.sqrt, abs_sq=abs_sq, clip=clip, clamp_at_zero=clamp_at_zero, lerp=lerp,
                 reciprocal=reciprocal, power=power)
for _module, _names in ((arithmetic, arithmetic.PIECES), (step_module, ("bias_correction", "clip_factor"))):
    for _name in _names:
        namespace[_name] = compiled_copy(getattr(_module, _name), namespace)

bias_correction = namespace["bias_correction"]
clip_factor = namespace["clip_factor"]


@functools.lru_cache(maxsize=None)
def step_for(spec: tuple[int, ...]):
    """The compiled :func:`rmsprop.rule.step.make_step` of ``spec``, to be inlined where it is called."""
    return compiled_copy(step_module.make_step(spec), namespace)


def with_step(function, spec: tuple[int, ...], **others):
    """``function`` (a closure that keeps ``spec`` among its constants) calling the compiled step of ``spec``.

    The compiled step (and ``others``, compiled functions by name) go into a copy of
    ``function``'s globals, not into its closure: Numba's disk cache keys on the closure's
    values, and a compiled function has no stable value.
    """
    namespace_ = {**function.__globals__, "step": step_for(spec), **others}
    copy = pytypes.FunctionType(function.__code__, namespace_, function.__name__, function.__defaults__,
                                function.__closure__)
    copy.__qualname__ = function.__qualname__
    return copy


def _source_hash() -> str:
    here = sys.modules[__name__]
    sources = [inspect.getsource(module) for module in (primitives, arithmetic, step_module, numpy_semantics, here)]
    return hashlib.sha256("\n".join(sources).encode()).hexdigest()[:16]


#: Changes with any source of the rule (see the module's docstring).
RULE_SOURCE_HASH = _source_hash()
