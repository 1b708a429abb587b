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
    """``round(a * b + c)`` with one rounding: LLVM's ``llvm.fma`` in ``c``'s type.

    A Numba intrinsic: compiled code calls it as ``fma(a, b, c)``.

    Parameters
    ----------
    typingctx : numba.core.typing.Context
        Numba's typing context (Numba passes it; callers do not).
    a, b, c : numba.types.Type
        The types of the arguments; ``a`` and ``b`` are cast to ``c``'s.

    Returns
    -------
    signature : numba.core.typing.templates.Signature
        ``c(c, c, c)``.
    codegen : callable
        Emits the ``llvm.fma``.

    Examples
    --------
    ``0.1 * 10`` rounds to exactly 1, so two roundings lose what one keeps
    (:func:`rmsprop._fma.fma` gives the same number in NumPy):

    >>> import numba
    >>> numba.njit(lambda a, b, c: fma(a, b, c))(0.1, 10.0, -1.0)
    5.551115123125783e-17
    """
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
    """``g * g`` (real scalars).

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


@numba.njit(inline="always")
def clip(g, limit):
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


@numba.njit(inline="always")
def clamp_at_zero(v):
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


@numba.njit(inline="always")
def lerp(a, b, weight):
    """ATen's ``lerp``: from the nearer end, with ``1`` in the weight's precision.

    Parameters
    ----------
    a, b : float
        The two ends.
    weight : float
        The weight of ``b``.

    Returns
    -------
    float
        ``a + weight * (b - a)`` with one rounding, as :func:`rmsprop.rule.primitives.lerp`.

    Examples
    --------
    >>> lerp(0.0, 3.0, 0.01), lerp(0.0, 3.0, 0.75)
    (0.03, 2.25)
    """
    if abs(weight) < like(0.5, weight):
        return fma(weight, b - a, a)
    return fma(weight - like(1.0, weight), b - a, b)


@numba.njit(inline="always")
def power(a, b):
    """The C library's ``pow``.

    Parameters
    ----------
    a, b : float
        The base and the exponent.

    Returns
    -------
    float

    Examples
    --------
    >>> power(0.9, 2.0)
    0.81
    """
    return libm_pow(a, b)


@numba.njit(inline="always")
def reciprocal(c):
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
    >>> import numpy as np
    >>> reciprocal(np.float32(0.6)), reciprocal(0.6)
    (1.6666666269302368, 1.6666666666666667)
    """
    return like(1.0, c) / c


def compiled_copy(function, namespace: dict):
    """``function`` with its globals looked up in ``namespace``, compiled to be inlined where it is called.

    Parameters
    ----------
    function : function
        A Python function (its code, defaults and closure are kept).
    namespace : dict
        The globals its names are looked up in.

    Returns
    -------
    numba.core.registry.CPUDispatcher
        The copy, ``numba.njit(inline="always")``.

    Examples
    --------
    >>> import numba
    >>> def double(v):
    ...     return twice(v)
    >>> compiled_copy(double, {"twice": numba.njit(lambda v: 2 * v)})(2.0)
    4.0
    """
    copy = pytypes.FunctionType(
        function.__code__, namespace, function.__name__, function.__defaults__, function.__closure__
    )
    copy.__qualname__ = function.__qualname__
    return numba.njit(inline="always")(copy)


#: The rule's names, compiled: the primitives above, the constants and the compiled copies of the rule's functions.
namespace: dict = {**vars(arithmetic), **vars(step_module)}
namespace.update(
    fma=_fma,
    sqrt=np.sqrt,
    abs_sq=abs_sq,
    clip=clip,
    clamp_at_zero=clamp_at_zero,
    lerp=lerp,
    reciprocal=reciprocal,
    power=power,
)
for _module, _names in ((arithmetic, arithmetic.PIECES), (step_module, ("bias_correction", "clip_factor"))):
    for _name in _names:
        namespace[_name] = compiled_copy(getattr(_module, _name), namespace)

bias_correction = namespace["bias_correction"]
clip_factor = namespace["clip_factor"]


@functools.cache
def step_for(spec: tuple[int, ...]):
    """The compiled :func:`rmsprop.rule.step.make_step` of ``spec``, to be inlined where it is called.

    Parameters
    ----------
    spec : tuple of int
        The step's spec (:meth:`rmsprop.Settings.spec`).

    Returns
    -------
    numba.core.registry.CPUDispatcher
        ``step(g, x, e, m, b, s) -> (u, e, m, b)`` on scalars; one per spec, kept for the process.

    Examples
    --------
    The seed's first step from ``x = -4``, the numbers of the NumPy form:

    >>> import numpy as np
    >>> from rmsprop import Settings
    >>> from rmsprop.rule.step import scalars
    >>> settings = Settings(learning_rate=0.1)
    >>> s = scalars(settings, 0.1, 1.0, None, None, np.float64)
    >>> step_for(settings.spec(np.float64))(-40.0, 0.0, 0.0, 0.0, 0.0, s)
    (0.31622776600695585, 159.99999999999997, 0.0, 0.0)
    """
    return compiled_copy(step_module.make_step(spec), namespace)


def with_step(function, spec: tuple[int, ...], **others):
    """``function`` (a closure that keeps ``spec`` among its constants) calling the compiled step of ``spec``.

    The compiled step (and ``others``, compiled functions by name) go into a copy of
    ``function``'s globals, not into its closure: Numba's disk cache keys on the closure's
    values, and a compiled function has no stable value.

    Parameters
    ----------
    function : function
        The Python function to compile, calling ``step`` (and ``others``) as globals.
    spec : tuple of int
        The step's spec.
    **others
        More compiled functions, by the names ``function`` calls them.

    Returns
    -------
    function
        A copy of ``function`` with those globals, for ``numba.njit``.

    Examples
    --------
    >>> import numba, numpy as np
    >>> from rmsprop import Settings
    >>> from rmsprop.rule.step import scalars
    >>> settings = Settings(learning_rate=0.1)
    >>> def first_update(g, s):
    ...     return step(g, 0.0, 0.0, 0.0, 0.0, s)[0]
    >>> s = scalars(settings, 0.1, 1.0, None, None, np.float64)
    >>> numba.njit(with_step(first_update, settings.spec(np.float64)))(-40.0, s)
    0.31622776600695585
    """
    namespace_ = {**function.__globals__, "step": step_for(spec), **others}
    copy = pytypes.FunctionType(
        function.__code__, namespace_, function.__name__, function.__defaults__, function.__closure__
    )
    copy.__qualname__ = function.__qualname__
    return copy


def _source_hash() -> str:
    here = sys.modules[__name__]
    sources = [inspect.getsource(module) for module in (primitives, arithmetic, step_module, numpy_semantics, here)]
    return hashlib.sha256("\n".join(sources).encode()).hexdigest()[:16]


#: Changes with any source of the rule (see the module's docstring).
RULE_SOURCE_HASH = _source_hash()
