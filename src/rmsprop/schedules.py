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
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np

from ._validate import flag, in_range, real_number

__all__ = [
    "Schedule",
    "constant",
    "exponential_decay",
    "step_decay",
    "cosine_decay",
    "linear_warmup",
    "inverse_sqrt_decay",
    "as_schedule",
]

Schedule = Callable[[int], float]
LearningRate = float | Schedule


def _count(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


@dataclass(frozen=True)
class constant:
    """A constant rate: ``lr(t) = value``.

    Parameters
    ----------
    value : float
        The rate, ``>= 0``.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is negative or not finite.

    Examples
    --------
    >>> lr = constant(0.1)
    >>> lr, lr(0), lr(1000)
    (constant(value=0.1), 0.1, 0.1)
    >>> lr == constant(0.1)
    True
    """

    value: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", in_range("learning rate", self.value, 0.0))

    def __call__(self, t: int) -> float:
        return self.value


@dataclass(frozen=True)
class exponential_decay:
    """Exponential decay: ``lr(t) = init_value * decay_rate ** (t / decay_steps)``.

    With ``staircase=True`` the exponent is ``floor(t / decay_steps)``. This is the
    formula of Keras's ``ExponentialDecay`` and Optax's ``exponential_decay`` (without
    its transition-begin and end-value extras), evaluated in float64; both libraries
    evaluate it in float32 (Optax even with float64 enabled), so their rates differ
    from these in the 8th digit.

    Parameters
    ----------
    init_value : float
        The rate at ``t = 0``, ``>= 0``.
    decay_rate : float
        The factor per ``decay_steps`` steps, ``> 0`` (above 1 the rate grows; where
        it overflows it is ``inf``, which :func:`evaluate` refuses).
    decay_steps : int
        The steps over which the rate is multiplied by ``decay_rate``, ``>= 1``.
    staircase : bool, optional
        Whether the rate drops in steps, every ``decay_steps``; default False.

    Raises
    ------
    TypeError
        If a rate is not a real number or ``staircase`` not a bool.
    ValueError
        If a value is outside its range.

    Examples
    --------
    >>> lr = exponential_decay(0.1, decay_rate=0.5, decay_steps=10)
    >>> [lr(t) for t in (0, 5, 10, 20)]
    [0.1, 0.07071067811865477, 0.05, 0.025]
    >>> stairs = exponential_decay(0.1, decay_rate=0.5, decay_steps=10, staircase=True)
    >>> [stairs(t) for t in (0, 5, 10, 20)]
    [0.1, 0.1, 0.05, 0.025]
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
    """Step decay: ``lr(t) = init_value * gamma ** floor(t / step_size)`` (PyTorch's ``StepLR``).

    Parameters
    ----------
    init_value : float
        The rate at ``t = 0``, ``>= 0``.
    step_size : int
        The steps between two drops, ``>= 1``.
    gamma : float, optional
        The factor of each drop, ``>= 0``; default 0.1.

    Raises
    ------
    TypeError
        If a rate is not a real number.
    ValueError
        If a value is outside its range.

    Examples
    --------
    >>> lr = step_decay(1.0, step_size=10, gamma=0.5)
    >>> [lr(t) for t in (0, 9, 10, 25)]
    [1.0, 1.0, 0.5, 0.25]
    """

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

    Parameters
    ----------
    init_value : float
        The rate at ``t = 0``, ``>= 0``.
    decay_steps : int
        ``T``, the steps of the descent, ``>= 1``.
    alpha : float, optional
        The final rate as a fraction of ``init_value``, in ``[0, 1]``; default 0.

    Raises
    ------
    TypeError
        If a rate is not a real number.
    ValueError
        If a value is outside its range.

    Examples
    --------
    >>> lr = cosine_decay(0.1, decay_steps=100, alpha=0.1)
    >>> [round(lr(t), 6) for t in (0, 50, 100, 200)]
    [0.1, 0.055, 0.01, 0.01]
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

    Parameters
    ----------
    then : float or callable
        The schedule after the warm-up, or a constant rate (made :class:`constant`).
    warmup_steps : int
        The steps of the warm-up, ``>= 1``.
    init_value : float, optional
        The rate at ``t = 0``, ``>= 0``; default 0.

    Raises
    ------
    TypeError
        If ``then`` is neither callable nor a real number, or ``init_value`` not a
        real number.
    ValueError
        If a value is outside its range.

    Examples
    --------
    >>> lr = linear_warmup(0.1, warmup_steps=10)
    >>> [lr(t) for t in (0, 5, 10, 20)]
    [0.0, 0.05, 0.1, 0.1]
    >>> lr
    linear_warmup(then=constant(value=0.1), warmup_steps=10, init_value=0.0)
    >>> into_cosine = linear_warmup(cosine_decay(0.1, decay_steps=100), warmup_steps=10)
    >>> [round(into_cosine(t), 6) for t in (0, 5, 10, 60, 110)]
    [0.0, 0.05, 0.1, 0.05, 0.0]
    """

    then: LearningRate
    warmup_steps: int
    init_value: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "then", as_schedule(self.then, name="then"))
        object.__setattr__(self, "init_value", in_range("init_value", self.init_value, 0.0))
        object.__setattr__(self, "warmup_steps", _count("warmup_steps", self.warmup_steps, 1))

    def __call__(self, t: int) -> float:
        then = cast(Schedule, self.then)  # made a schedule by __post_init__
        if t < self.warmup_steps:
            peak = then(0)
            return self.init_value + (peak - self.init_value) * t / self.warmup_steps
        return then(t - self.warmup_steps)


@dataclass(frozen=True)
class inverse_sqrt_decay:
    r"""The step size of online learning: ``lr(t) = init_value / sqrt(t + 1)``.

    This is ``alpha_t = alpha / sqrt(t)`` of Reddi, Kale & Kumar (2018), "On the convergence
    of Adam and beyond", ICLR: Theorems 1-3 and 4 (AMSGrad's regret bound) take
    ``alpha_t = alpha / sqrt(t)`` with ``t = 1, 2, ...`` counting the steps from 1, and so do
    the experiments of their Section 5 (Figure 1). Here the first step is ``t = 0``, so
    ``lr(t)`` is the paper's ``alpha_{t+1}``: ``lr(0) = alpha``, ``lr(3) = alpha / 2``. It is
    also the rate of online gradient descent with ``O(sqrt(T))`` regret (Zinkevich 2003).
    Computed as ``init_value / math.sqrt(t + 1)``, correctly rounded at each operation.

    Parameters
    ----------
    init_value : float
        ``alpha``, the rate of the first step, ``>= 0``.

    Raises
    ------
    TypeError
        If ``init_value`` is not a real number.
    ValueError
        If ``init_value`` is negative or not finite.

    Examples
    --------
    >>> lr = inverse_sqrt_decay(0.5)
    >>> [lr(t) for t in (0, 3, 99)]
    [0.5, 0.25, 0.05]
    >>> lr
    inverse_sqrt_decay(init_value=0.5)
    """

    init_value: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "init_value", in_range("init_value", self.init_value, 0.0))

    def __call__(self, t: int) -> float:
        return self.init_value / math.sqrt(t + 1)


def _power(base: float, exponent: float) -> float:
    """``base ** exponent``, or ``inf`` where Python's float power overflows (a rate that grows without bound)."""
    try:
        return base**exponent
    except OverflowError:
        return math.inf


def as_schedule(learning_rate: LearningRate, name: str = "learning_rate") -> Schedule:
    """Return a callable schedule from a number (made :class:`constant`) or a callable (kept).

    Parameters
    ----------
    learning_rate : float or callable
        A rate ``>= 0``, or a schedule ``t -> rate`` (returned as it is).
    name : str, optional
        The name of the argument, for the messages; default ``"learning_rate"``.

    Returns
    -------
    callable
        ``schedule(t) -> rate``.

    Raises
    ------
    TypeError
        If ``learning_rate`` is neither callable nor a real number.
    ValueError
        If the number is negative or not finite.

    Examples
    --------
    >>> as_schedule(0.1)
    constant(value=0.1)
    >>> decay = step_decay(0.1, step_size=10)
    >>> as_schedule(decay) is decay
    True
    >>> as_schedule("0.1")
    Traceback (most recent call last):
    ...
    TypeError: learning_rate must be a real number; got '0.1' of type str
    """
    if callable(learning_rate):
        return learning_rate
    return constant(real_number(name, learning_rate))


def evaluate(schedule: Schedule, t: int) -> float:
    """Return ``schedule(t)`` as a finite, non-negative Python float, or a clear error.

    Parameters
    ----------
    schedule : callable
        ``schedule(t) -> rate``.
    t : int
        The step count.

    Returns
    -------
    float
        The rate: a real number, or a 0-d array of one (a NumPy scalar, a library's
        tensor), as a Python float.

    Raises
    ------
    TypeError
        If the schedule gives something other than a real number (a string, a bool,
        an array of several values).
    ValueError
        If the rate is negative or not finite.

    Examples
    --------
    >>> import numpy as np
    >>> evaluate(constant(0.1), 3)
    0.1
    >>> evaluate(lambda t: np.float32(0.5), 0)
    0.5
    >>> evaluate(lambda t: 0.1 - 0.01 * t, 20)
    Traceback (most recent call last):
    ...
    ValueError: Invalid learning rate from the schedule at step 20: -0.1; allowed: [0, inf)
    """
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
