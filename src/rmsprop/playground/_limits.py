"""The playground's limits and choices, and the error of a value it cannot show."""

from __future__ import annotations

from typing import NamedTuple

from .. import baselines, compat, objectives

__all__ = [
    "MAX_ITERATIONS",
    "MAX_ABS_START",
    "NOISE_RANGE",
    "NOISE_SLIDER",
    "MAX_SEED",
    "LR_RANGE",
    "EPS_RANGE",
    "RANGES",
    "LR_SLIDER",
    "EPS_SLIDER",
    "Slider",
    "SLIDERS",
    "OWN_RULE",
    "FLAVORS",
    "BASELINES",
    "OBJECTIVES",
    "DISPLAYS",
    "SCHEDULES",
    "RATE_RANGE",
    "C_RANGE",
    "ViewError",
]

#: ``maxiter`` at most: with every baseline on, a view is 7 runs of this many steps.
MAX_ITERATIONS = 2000
#: The start's coordinates are at most this large in magnitude.
MAX_ABS_START = 1e6
#: The gradient noise's scale (:class:`rmsprop.GradientNoise`, absolute): checked range, and the slider's.
NOISE_RANGE = (0.0, 1e3)
NOISE_SLIDER = (0.0, 10.0)
#: The noise's seed at most.
MAX_SEED = 2**32 - 1
#: The slider ranges; values typed into the URL may lie anywhere inside the checked ranges below.
LR_RANGE = (1e-6, 10.0)
EPS_RANGE = (1e-16, 1.0)
#: The rule's options whose values the playground holds to a narrower range than :class:`rmsprop.Settings` does.
RANGES = {"learning_rate": LR_RANGE, "eps": EPS_RANGE}
LR_SLIDER = (-5.0, 1.0)  # log10 of the learning rate
EPS_SLIDER = (-16.0, 0.0)  # log10 of eps


class Slider(NamedTuple):
    """A rule option's slider: its range, its step and its labels, on a log10 scale where ``log``.

    Parameters
    ----------
    low, high : float
        The ends (``log10`` of the value where ``log``).
    step : float
        The step between two positions.
    marks : dict
        The labels under it: position -> text.
    log : bool, optional
        Whether a position is ``log10`` of the value; default False.

    Examples
    --------
    >>> SLIDERS["learning_rate"].low, SLIDERS["learning_rate"].log, SLIDERS["decay"].high
    (-5.0, True, 0.999)
    """

    low: float
    high: float
    step: float
    marks: dict
    log: bool = False


#: The sliders of the rule's options, by the option's name.
SLIDERS = {
    "learning_rate": Slider(*LR_SLIDER, 0.1, {k: f"1e{k}" for k in range(-5, 2)}, log=True),
    "decay": Slider(0.0, 0.999, 0.001, {0: "0", 0.5: "0.5", 0.9: "0.9", 0.99: ".99"}),
    "eps": Slider(*EPS_SLIDER, 1.0, {k: f"1e{k}" for k in range(-16, 1, 4)}, log=True),
    "momentum": Slider(0.0, 0.99, 0.01, {0: "0", 0.5: "0.5", 0.9: "0.9"}),
}
#: This package's own rule, with every option; the other flavors are :data:`rmsprop.compat.FLAVORS`.
OWN_RULE = "rmsprop"
FLAVORS = (OWN_RULE, *compat.FLAVORS)
#: The baselines that can be drawn beside RMSprop.
BASELINES = tuple(name for name in baselines.names() if name != "rmsprop")
#: Catalogue objectives of two variables, for the dropdown.
OBJECTIVES = tuple(name for name in objectives.names() if objectives.get(name).dim == 2)
#: How the main figure draws a surface: its URL value -> the radio item's text.
DISPLAYS = {"contour": "contour", "3d": "3-D surface"}
#: The learning-rate schedules of every run: URL value -> text (:mod:`rmsprop.schedules`).
SCHEDULES = {"constant": "constant", "sqrt": "α/√(t+1)", "exp": "exponential"}
#: The exponential schedule's factor per step, in (0, 1]: lr(t) = lr * rate ** t.
RATE_RANGE = (0.0, 1.0)
#: Reddi et al.'s C of Theorem 1, in (2, 1000]: the theorem needs C > 2.
C_RANGE = (2.0, 1e3)


class ViewError(ValueError):
    """A control or URL value that cannot be shown; its message is one line for the page.

    A :class:`ValueError`.

    Parameters
    ----------
    message : str
        What is wrong, naming the control.

    Examples
    --------
    >>> from rmsprop.playground._state import View, check
    >>> check(View(nesterov=True))
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: nesterov=True needs momentum > 0; set momentum (e.g. 0.9) or nesterov=False
    >>> issubclass(ViewError, ValueError)
    True
    """
