"""The rule on Python floats: the step of a few float64 numbers without NumPy's cost per call.

On an array of two numbers, each NumPy operation of the step costs about as much as the
whole step does on Python floats, so a small float64 array steps faster one element at a time.
:func:`step_for` is :func:`rmsprop.rule.step.make_step` run on Python floats: a copy of the
step whose primitives are :mod:`rmsprop.rule.scalar_primitives` and :func:`math.sqrt`
(:mod:`rmsprop.rule.copies`). Python floats are IEEE float64 and ``math.sqrt`` is correctly
rounded, as NumPy's float64 operations are, so it gives the NumPy form's bits, float64 only.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

from . import scalar_primitives
from . import step as step_module
from .copies import copy_function, rule_namespace

__all__ = ["step_for", "namespace"]


_primitive_namespace = {"like": scalar_primitives.like, "fma": scalar_primitives.fma}

#: The rule's names on Python floats: the scalar primitives, ``math.sqrt`` and ``math.pow``.
namespace = rule_namespace(
    {
        "fma": scalar_primitives.fma,
        "sqrt": math.sqrt,
        "power": math.pow,
        **{
            name: copy_function(getattr(scalar_primitives, name), _primitive_namespace)
            for name in scalar_primitives.PRIMITIVES
        },
    },
    lambda function: function,
)


@functools.cache
def step_for(spec: tuple[int, ...]) -> Callable[..., tuple[Any, Any, Any, Any]]:
    """:func:`rmsprop.rule.step.make_step` of ``spec`` on Python floats (float64, real).

    Parameters
    ----------
    spec : tuple of int
        The step's spec (:meth:`rmsprop.Settings.spec` of float64).

    Returns
    -------
    callable
        ``step(g, x, e, m, b, s) -> (u, e, m, b)`` on floats, ``s`` the step's scalars as floats.

    Examples
    --------
    The seed's first step from ``x = -4``, the numbers of the NumPy form:

    >>> import numpy as np
    >>> from rmsprop import Settings
    >>> from rmsprop.rule.step import scalars
    >>> settings = Settings(learning_rate=0.1)
    >>> s = tuple(map(float, scalars(settings, 0.1, 1.0, None, None, np.float64)))
    >>> step_for(settings.spec(np.float64))(-40.0, None, 0.0, None, None, s)
    (0.31622776600695585, 159.99999999999997, None, None)
    """
    return copy_function(step_module.make_step(spec), namespace)
