"""``minimize``'s steps on Python floats: the rule's optimizer on a few float64 numbers, state kept as floats.

:func:`rmsprop.minimize`'s Python loop takes one step per iteration with
``optimizer.update`` and ``apply_updates``. On two or three numbers that machinery (the state's
checks, its arrays, the tree of updates) costs more than the step itself. Where the optimizer
is the rule's own (:func:`rmsprop._rmsprop.rule_settings`) and ``x`` is a real float64 vector
of at most :data:`rmsprop._float_step.MAX_SIZE` numbers, :func:`float_steps` gives the loop a
step that keeps the state as tuples of Python floats and runs the step of
:mod:`rmsprop.rule.floats` on them: the same numbers as ``update`` (which takes that step for
such arrays too) followed by ``x + u``, with the state made an :class:`~rmsprop.RMSpropState`
only where the loop hands it out (a checkpoint, the result).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from . import _float_step
from ._base import GradientTransformation, apply_updates
from ._clip import clip_factors
from ._rmsprop import RMSpropState, rule_settings
from ._step_numbers import StepNumbers
from .rule.floats import step_for

__all__ = ["FloatState", "float_steps", "optimizer_steps"]

_FLOAT64 = np.dtype(np.float64)

_new_float_state = tuple.__new__

Step = Callable[[np.ndarray, Any, np.ndarray], tuple[np.ndarray, Any]]


class FloatState(NamedTuple):
    """An :class:`~rmsprop.RMSpropState` of one vector, its arrays as tuples of Python floats."""

    t: int  # RMSpropState's count (a NamedTuple field cannot be named count)
    e: tuple
    m: tuple | None
    b: tuple | None


def optimizer_steps(optimizer: GradientTransformation) -> tuple[Step, Callable[[Any], Any]]:
    """``step(g, state, x) -> (x_next, state)`` by ``optimizer.update`` and ``apply_updates``, and the identity.

    Parameters
    ----------
    optimizer : GradientTransformation
        Any optimizer.

    Returns
    -------
    step : callable
        One step of ``optimizer`` from ``x`` with the gradient ``g``.
    to_state : callable
        The optimizer's state as :meth:`GradientTransformation.init` gives it: here the identity.

    Examples
    --------
    >>> import rmsprop
    >>> opt = rmsprop.rmsprop(0.1)
    >>> step, to_state = optimizer_steps(opt)
    >>> x = np.array([-4.0, 3.0])
    >>> x_next, state = step(np.array([-40.0, 42.0]), opt.init(x), x)
    >>> x_next.tolist(), to_state(state).count
    ([-3.6837722339930443, 2.6837722339921255], 1)
    """
    update = optimizer.update

    def step(g: np.ndarray, state: Any, x: np.ndarray) -> tuple[np.ndarray, Any]:
        updates, state = update(g, state, x)
        return apply_updates(x, updates), state

    return step, lambda state: state


def float_steps(optimizer: GradientTransformation, state: Any, x: np.ndarray) -> tuple[Step, Callable, Any] | None:
    """The loop's step on Python floats, where it applies: ``(step, to_state, state)``, else ``None``.

    Parameters
    ----------
    optimizer : GradientTransformation
        The run's optimizer; it applies when it is :func:`rmsprop.rmsprop`'s own.
    state : RMSpropState
        The state at ``x`` (from ``init``, or a checkpoint).
    x : numpy.ndarray
        The iterate, a real float64 vector.

    Returns
    -------
    tuple or None
        ``step(g, state, x) -> (x_next, state)`` on :class:`FloatState` states, ``to_state``
        (a :class:`FloatState` back to an :class:`~rmsprop.RMSpropState` of arrays) and
        ``state`` as a :class:`FloatState`; ``None`` where the optimizer is another, or ``x``
        is not a float64 vector of at most :data:`rmsprop._float_step.MAX_SIZE` numbers.

    Examples
    --------
    The seed's first step, as ``update`` and ``apply_updates`` give it:

    >>> import rmsprop
    >>> opt = rmsprop.rmsprop(0.1)
    >>> x = np.array([-4.0, 3.0])
    >>> step, to_state, state = float_steps(opt, opt.init(x), x)
    >>> x_next, state = step(np.array([-40.0, 42.0]), state, x)
    >>> x_next.tolist(), to_state(state).e
    ([-3.6837722339930443, 2.6837722339921255], array([160. , 176.4]))
    """
    settings = rule_settings(optimizer)
    if (
        settings is None
        or type(state) is not RMSpropState
        or x.dtype != _FLOAT64
        or x.ndim != 1
        or x.size > _float_step.MAX_SIZE
        or any(a is not None and (a.dtype != _FLOAT64 or a.shape != x.shape) for a in state[1:])
    ):
        return None
    numbers = StepNumbers(settings)
    uses_params, clips = settings.uses_params, settings.clips
    fallback, _ = optimizer_steps(optimizer)

    def to_state(state: FloatState) -> RMSpropState:
        e, m, b = (None if a is None else np.array(a, dtype=_FLOAT64) for a in state[1:])
        return RMSpropState(state.t, e, m, b)

    kept: list = [None, None, None]  # the last step's (numbers, scalars, rule step): a constant rate repeats them
    # The same numbers every step: a constant rate, no bias correction, no clipping factors.
    fixed = not (callable(settings.learning_rate) or settings.bias_correction or clips)

    def step(g: np.ndarray, state: FloatState, x: np.ndarray) -> tuple[np.ndarray, FloatState]:
        t = state.t
        if not (fixed and kept[0] is not None):
            lr, correction = settings.step_numbers(t)
            leaf_scale = global_scale = None
            if clips:
                leaf_scales, global_scale = clip_factors(
                    [g], settings.clip_value, settings.clip_norm, settings.global_clip_norm
                )
                leaf_scale = None if leaf_scales is None else leaf_scales[0]
            key = (lr, correction, leaf_scale, global_scale)
            if key != kept[0]:
                spec, s = numbers.get(_FLOAT64, uses_params, lr, correction, leaf_scale, global_scale)
                kept[:] = key, s, step_for(spec)
        _, s, rule_step = kept
        x_, g_ = x.tolist(), g.tolist()
        e, m, b = state.e, state.m, state.b
        try:
            rows = [
                rule_step(g_[i], x_[i] if uses_params else None, e[i], m and m[i], b and b[i], s)
                for i in range(len(x_))
            ]
        except (ArithmeticError, ValueError):  # where Python's floats raise: the NumPy form's numbers
            x_next, new = fallback(g, to_state(state), x)
            return x_next, _float_state(new)
        u, e, m_new, b_new = zip(*rows)
        x_next = np.array([xi + ui for xi, ui in zip(x_, u)])  # Python floats: float64
        # FloatState's fields, without its keyword-checking constructor (a third of a microsecond)
        return x_next, _new_float_state(
            FloatState, (t + 1, e, None if m is None else m_new, None if b is None else b_new)
        )

    return step, to_state, _float_state(state)


def _float_state(state: RMSpropState) -> FloatState:
    m, b = (None if a is None else tuple(a.tolist()) for a in (state.m, state.b))
    return FloatState(state.count, tuple(state.e.tolist()), m, b)
