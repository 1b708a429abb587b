"""The playground's limits and choices, and the error of a value it cannot show."""

from __future__ import annotations

from .. import baselines, compat, objectives

__all__ = [
    "MAX_ITERATIONS",
    "MAX_ABS_START",
    "LR_RANGE",
    "EPS_RANGE",
    "OWN_RULE",
    "FLAVORS",
    "BASELINES",
    "OBJECTIVES",
    "ViewError",
]

#: Iterations per run at most: with every baseline on, a view is 7 runs of this many steps.
MAX_ITERATIONS = 2000
#: The start's coordinates are at most this large in magnitude.
MAX_ABS_START = 1e6
#: The slider ranges; values typed into the URL may lie anywhere inside the checked ranges below.
LR_RANGE = (1e-6, 10.0)
EPS_RANGE = (1e-16, 1.0)
#: This package's own rule, with every option; the other flavors are :data:`rmsprop.compat.FLAVORS`.
OWN_RULE = "rmsprop"
FLAVORS = (OWN_RULE, *compat.FLAVORS)
#: The baselines that can be drawn beside RMSprop.
BASELINES = tuple(name for name in baselines.names() if name != "rmsprop")
#: Catalogue objectives of two variables, for the dropdown.
OBJECTIVES = tuple(name for name in objectives.names() if objectives.get(name).dim == 2)


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
    rmsprop.playground._limits.ViewError: nesterov needs momentum > 0
    >>> issubclass(ViewError, ValueError)
    True
    """
