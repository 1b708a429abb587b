"""Copies of the rule's functions whose names resolve elsewhere: how one rule becomes many engines.

The rule (:mod:`rmsprop.rule.step`, :mod:`rmsprop.rule.arithmetic`) is plain Python over a
handful of primitives, looked up by name in the module's globals when a function runs. A copy
of a function (:func:`copy_function`) has the same code, defaults and closure, and its own
globals: give it a namespace where ``sqrt`` or ``fma`` are another engine's, and it runs the
same rule there. :func:`rule_namespace` makes that namespace for a whole engine: the rule's
constants and functions, the engine's primitives, and copies of the arithmetic's pieces and
of :func:`~rmsprop.rule.step.bias_correction` and :func:`~rmsprop.rule.step.clip_factor`
that look their own names up in it. The compiled kernels (:mod:`rmsprop._compiled.rule`) and
the step on Python floats (:mod:`rmsprop.rule.floats`) are built this way.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

from . import arithmetic
from . import step as step_module

__all__ = ["copy_function", "rule_namespace"]


def copy_function(function: Callable[..., Any], namespace: dict) -> types.FunctionType:
    """``function`` with its global names looked up in ``namespace``.

    Parameters
    ----------
    function : function
        A Python function; its code, defaults and closure are kept.
    namespace : dict
        The globals of the copy.

    Returns
    -------
    function
        The copy, with ``function``'s name and qualified name.

    Raises
    ------
    TypeError
        If ``function`` is not a Python function.

    Examples
    --------
    >>> def double(v):
    ...     return twice(v)
    >>> copy_function(double, {"twice": lambda v: 2 * v})(2.0)
    4.0
    """
    if not isinstance(function, types.FunctionType):
        raise TypeError(f"only a Python function can be copied; got {type(function).__name__}")
    copy = types.FunctionType(
        function.__code__, namespace, function.__name__, function.__defaults__, function.__closure__
    )
    copy.__qualname__ = function.__qualname__
    return copy


def rule_namespace(primitives: dict[str, Any], finish: Callable[[types.FunctionType], Any]) -> dict[str, Any]:
    """The names the rule's functions run with, on an engine whose primitives are ``primitives``.

    Parameters
    ----------
    primitives : dict
        The engine's versions of the primitives, by name (``fma``, ``sqrt``, ``abs_sq``,
        ``clip``, ``clamp_at_zero``, ``lerp``, ``reciprocal``, ``power``).
    finish : callable
        Applied to each copy of a rule function before it goes into the namespace (a
        compiler, or the identity).

    Returns
    -------
    dict
        The rule's constants and functions, ``primitives``, and the finished copies of the
        arithmetic's pieces, ``bias_correction`` and ``clip_factor``.

    Examples
    --------
    >>> import math
    >>> names = rule_namespace({"power": math.pow}, lambda f: f)
    >>> names["bias_correction"](0.9, 0)
    0.09999999999999998
    """
    namespace: dict[str, Any] = {**vars(arithmetic), **vars(step_module), **primitives}
    for module, names in ((arithmetic, arithmetic.PIECES), (step_module, ("bias_correction", "clip_factor"))):
        for name in names:
            namespace[name] = finish(copy_function(getattr(module, name), namespace))
    return namespace
