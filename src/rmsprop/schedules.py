"""Learning-rate schedules: callables from the step count ``t = 0, 1, 2, ...`` to a rate.

Any callable ``schedule(t) -> float`` can be passed as ``learning_rate``; the
step that moves from iterate ``t`` to ``t + 1`` uses ``schedule(t)``, so the
first step uses ``schedule(0)`` (as Optax's ``scale_by_schedule`` and PyTorch's
``LRScheduler`` do). The schedules here are small frozen dataclasses, so they
print their settings and compare by value.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Callable, Union

import numpy as np

from ._validate import flag, in_range, real_number

__all__ = [
    "Schedule",
    "constant",
    "exponential_decay",
    "step_decay",
    "cosine_decay",
    "linear_warmup",
    "as_schedule",
]

Schedule = Callable[[int], float]
LearningRate = Union[float, Schedule]


def _count(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


@dataclass(frozen=True)
class constant:
    """``lr(t) = value``."""

    value: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", in_range("learning rate", self.value, 0.0))

    def __call__(self, t: int) -> float:
        return self.value


@dataclass(frozen=True)
class exponential_decay:
    """``lr(t) = init_value * decay_rate ** (t / decay_steps)``.

    With ``staircase=True`` the exponent is ``floor(t / decay_steps)``. This is the
    formula of Keras's ``ExponentialDecay`` and Optax's ``exponential_decay`` (without
    its transition-begin and end-value extras), evaluated in float64; both libraries
    evaluate it in float32 (Optax even with float64 enabled), so their rates differ
    from these in the 8th digit.
    """

    init_value: float
    decay_rate: float
    decay_steps: int
    staircase: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "init_value", in_range("init_value", self.init_value, 0.0))
        object.__setattr__(self, "decay_rate", in_range("decay_rate", self.decay_rate, 0.0, low_open=True))
        object.__setattr__(self, "decay_steps", _count("decay_steps", self.decay_steps, 1))
        object.__setattr__(self, "staircase", flag("staircase", self.staircase))

    def __call__(self, t: int) -> float:
        exponent = t // self.decay_steps if self.staircase else t / self.decay_steps
        return self.init_value * _power(self.decay_rate, exponent)


@dataclass(frozen=True)
class step_decay:
    """``lr(t) = init_value * gamma ** floor(t / step_size)`` (PyTorch's ``StepLR``)."""

    init_value: float
    step_size: int
    gamma: float = 0.1

    def __post_init__(self) -> None:
        object.__setattr__(self, "init_value", in_range("init_value", self.init_value, 0.0))
        object.__setattr__(self, "gamma", in_range("gamma", self.gamma, 0.0))
        object.__setattr__(self, "step_size", _count("step_size", self.step_size, 1))

    def __call__(self, t: int) -> float:
        return self.init_value * _power(self.gamma, t // self.step_size)


@dataclass(frozen=True)
class cosine_decay:
    """Cosine annealing (Loshchilov & Hutter 2017, SGDR), as Optax's ``cosine_decay_schedule``.

    ``lr(t) = init_value * ((1 - alpha) * 0.5 * (1 + cos(pi * min(t, T) / T)) + alpha)``
    with ``T = decay_steps``: from ``init_value`` down to ``alpha * init_value``, then flat.
    """

    init_value: float
    decay_steps: int
    alpha: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "init_value", in_range("init_value", self.init_value, 0.0))
        object.__setattr__(self, "alpha", in_range("alpha", self.alpha, 0.0, 1.0, high_open=False))
        object.__setattr__(self, "decay_steps", _count("decay_steps", self.decay_steps, 1))

    def __call__(self, t: int) -> float:
        progress = min(t, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
        return self.init_value * ((1.0 - self.alpha) * cosine + self.alpha)


@dataclass(frozen=True)
class linear_warmup:
    """Linear warm-up into another schedule (Goyal et al. 2017, "Accurate, large minibatch SGD").

    For ``t < warmup_steps``: ``lr(t) = init_value + (peak - init_value) * t / warmup_steps``
    with ``peak = then(0)``; afterwards ``lr(t) = then(t - warmup_steps)``.
    ``then`` is a schedule or a constant rate.
    """

    then: LearningRate
    warmup_steps: int
    init_value: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "then", as_schedule(self.then, name="then"))
        object.__setattr__(self, "init_value", in_range("init_value", self.init_value, 0.0))
        object.__setattr__(self, "warmup_steps", _count("warmup_steps", self.warmup_steps, 1))

    def __call__(self, t: int) -> float:
        if t < self.warmup_steps:
            peak = self.then(0)
            return self.init_value + (peak - self.init_value) * t / self.warmup_steps
        return self.then(t - self.warmup_steps)


def _power(base: float, exponent: float) -> float:
    """``base ** exponent``, or ``inf`` where Python's float power overflows (a rate that grows without bound)."""
    try:
        return base**exponent
    except OverflowError:
        return math.inf


def as_schedule(learning_rate: LearningRate, name: str = "learning_rate") -> Schedule:
    """A callable schedule from a number (made :class:`constant`) or a callable (kept)."""
    if callable(learning_rate):
        return learning_rate
    return constant(real_number(name, learning_rate))


def evaluate(schedule: Schedule, t: int) -> float:
    """``schedule(t)`` as a finite, non-negative Python float, or a clear error."""
    value = schedule(t)
    name = f"learning rate from the schedule at step {t}"
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        return in_range(name, value, 0.0)
    # 0-d arrays of real numbers (NumPy's, and the libraries' tensors) are real numbers too; nothing else is.
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, RuntimeError):
        array = None
    if array is None or array.shape != () or array.dtype.kind not in "iuf":
        shown = f"{type(value).__name__} {' '.join(repr(value).split())[:60]}"
        raise TypeError(f"{name} must be a real number (a float >= 0); got {shown}")
    return in_range(name, float(array), 0.0)
