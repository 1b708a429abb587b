"""The rule of :mod:`rmsprop.rule`, compiled: its own functions, with Numba's versions of its primitives.

Numba compiles the step of :func:`rmsprop.rule.step.make_step` and the arithmetic pieces
from their own code: each is a copy of the function whose global names are looked up in
:data:`namespace`, where the primitives are the compiled ones, and is inlined where it is
called, so that the spec's constants (the step closure's) fold away before typing. Only
the primitives of :mod:`rmsprop.rule.primitives` have a compiled version of their own
(the namespace is made by :func:`rmsprop.rule.copies.rule_namespace`), each with the same
bits as its NumPy version:

* ``fma``: LLVM's ``llvm.fma`` (correctly rounded, a real FMA instruction on x86-64);
* ``abs_sq``, ``clip``, ``clamp_at_zero``, ``lerp`` (ATen's two-sided form) and ``reciprocal``:
  :mod:`rmsprop.rule.scalar_primitives`, written once over real scalars, compiled with
  Numba's ``like`` (:func:`rmsprop._compiled.numpy_semantics.like`) and the ``fma`` above;
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

import numba
import numpy as np
from numba.extending import intrinsic

from ..rule import arithmetic, copies, primitives, scalar_primitives
from ..rule import step as step_module
from ..rule.copies import copy_function, rule_namespace
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
    return numba.njit(inline="always")(copy_function(function, namespace))


#: The scalar primitives (:mod:`rmsprop.rule.scalar_primitives`), compiled with Numba's ``like`` and ``fma``.
_scalar_namespace = {"like": like, "fma": _fma}
#: The rule's names, compiled: the primitives, the constants and the compiled copies of the rule's functions.
namespace: dict = rule_namespace(
    {
        "fma": _fma,
        "sqrt": np.sqrt,
        "power": power,
        **{
            name: compiled_copy(getattr(scalar_primitives, name), _scalar_namespace)
            for name in scalar_primitives.PRIMITIVES
        },
    },
    numba.njit(inline="always"),
)
clip = namespace["clip"]
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
    return copy_function(function, {**function.__globals__, "step": step_for(spec), **others})


def _source_hash() -> str:
    here = sys.modules[__name__]
    sources = [
        inspect.getsource(module)
        for module in (primitives, scalar_primitives, copies, arithmetic, step_module, numpy_semantics, here)
    ]
    return hashlib.sha256("\n".join(sources).encode()).hexdigest()[:16]


#: Changes with any source of the rule (see the module's docstring).
RULE_SOURCE_HASH = _source_hash()
