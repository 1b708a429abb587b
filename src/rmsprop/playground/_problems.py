r"""The online problems of :mod:`rmsprop.reproduce` that the playground runs: 1-D, on ``[-1, 1]``, ``f_t`` changing with ``t``.

They are entries of the function list beside the 2-D objectives. A 1-D problem has no
surface: the page draws ``x_t`` against ``t`` and the average regret ``R_t / t``
(:meth:`rmsprop.objectives.OnlineObjective.regret`), for the page's runs (RMSprop and the
baselines), each projected on the problem's box after every step (``bounds=`` of
:func:`rmsprop.minimize`). Picked from the list, a problem brings the settings its paper runs
with (:func:`suggested`): the start 0, ``alpha_t = alpha / sqrt(t)`` with ``alpha = 0.5``,
RMSprop's decay the paper's ``beta_2``, and AMSGrad (and Adam) beside it.

Reddi, Kale & Kumar (2018), "On the convergence of Adam and beyond", ICLR:

- ``reddi2018-theorem1``: Theorem 1, ``f_t(x) = C x`` for ``t mod 3 = 1``, else ``-x``
  (:func:`rmsprop.reproduce.reddi2018.theorem_1`), with ``beta_2 = 1 / (1 + C^2)``: RMSprop goes
  to ``+1``, the worst point; AMSGrad to ``-1``.
- ``reddi2018-section5``: Section 5's online problem, ``1010 x`` once in 101 steps, else
  ``-10 x`` (:func:`rmsprop.reproduce.reddi2018.section_5`), ``beta_2 = 0.99``.

Shi, Li, Hong & Sun (2021), "RMSprop converges with proper hyper-parameter", ICLR:

- ``shi2021``: the counterexample of period ``C`` behind Figure 1's phase diagram, ``C x``
  once in ``C`` steps, else ``-x`` (:func:`rmsprop.reproduce.shi2021.counterexample`), from
  ``x = 1`` with ``alpha_t = 1 / sqrt(t)``, as the authors' script runs it. Picked from the
  list it starts with ``beta_2 = 0.1``, below every period's threshold: RMSprop stays near
  ``+1``; raising the decay past the period's threshold (``rmsprop reproduce shi2021``) makes
  it converge to ``-1``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

from ._limits import ViewError

__all__ = ["Problem", "PROBLEMS", "LEARNING_RATE", "is_problem", "build", "suggested"]

#: ``alpha`` of ``alpha_t = alpha / sqrt(t)``, as :mod:`rmsprop.reproduce.reddi2018` runs it.
LEARNING_RATE = 0.5


def _theorem_1(c: float):
    from ..reproduce import reddi2018

    return reddi2018.theorem_1(c)


def _section_5(c: float):
    from ..reproduce import reddi2018

    return reddi2018.section_5()


def _shi2021(c: float):
    from ..reproduce import shi2021

    if c != int(c):
        raise ViewError(f"C is the period of Shi et al.'s problem, a whole number; got {c:g}")
    return shi2021.counterexample(int(c))


@dataclasses.dataclass(frozen=True)
class Problem:
    """One online problem of the function list: how to build it, and the settings its paper runs with.

    Parameters
    ----------
    label : str
        Its entry in the list.
    make : callable
        ``make(c)``: the :class:`~rmsprop.objectives.OnlineObjective` (``c``: the page's ``C``,
        ignored unless ``takes_c``).
    takes_c : bool
        Whether the problem has the constant ``C`` (the page's ``C`` field).
    decay : callable
        ``decay(c)``: the paper's ``beta_2``, RMSprop's decay.
    baselines : tuple of str
        The baselines drawn beside RMSprop when it is picked.
    maxiter : int
        The iterations when it is picked.
    learning_rate : float
        ``alpha`` of ``alpha_t = alpha / sqrt(t)`` when it is picked.
    start : float
        The start when it is picked.

    Examples
    --------
    >>> problem = PROBLEMS["reddi2018-theorem1"]
    >>> problem.takes_c, problem.decay(3.0), problem.baselines
    (True, 0.1, ('amsgrad',))
    """

    label: str
    make: Callable[[float], Any]
    takes_c: bool
    decay: Callable[[float], float]
    baselines: tuple[str, ...]
    maxiter: int
    learning_rate: float = LEARNING_RATE
    start: float = 0.0


#: The online problems, by their name in the function list and the URL (``f=``).
PROBLEMS = {
    "reddi2018-theorem1": Problem(
        "Reddi et al. 2018, Theorem 1 (online, 1-D)",
        _theorem_1,
        True,
        lambda c: 1.0 / (1.0 + c * c),
        ("amsgrad",),
        1000,
    ),
    "reddi2018-section5": Problem(
        "Reddi et al. 2018, Section 5 (online, 1-D)", _section_5, False, lambda c: 0.99, ("adam", "amsgrad"), 2000
    ),
    "shi2021": Problem(
        "Shi et al. 2021, period C (online, 1-D)", _shi2021, True, lambda c: 0.1, ("amsgrad",), 2000, 1.0, 1.0
    ),
}


def is_problem(text: str) -> bool:
    """Whether ``text``, the function's text, names an online problem of :data:`PROBLEMS`.

    Parameters
    ----------
    text : str
        The function list's value or the URL's ``f``.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_problem("reddi2018-theorem1"), is_problem("seed")
    (True, False)
    """
    return text in PROBLEMS


@functools.lru_cache(maxsize=64)
def build(name: str, c: float):
    """Build online problem ``name`` with the constant ``c`` (cached).

    Parameters
    ----------
    name : str
        A key of :data:`PROBLEMS`.
    c : float
        ``C`` (a checked value: see :func:`._values.constant_c`); ignored where the problem has none.

    Returns
    -------
    OnlineObjective
        1-D, with its comparator ``x*`` and its window (the box it is projected on).

    Examples
    --------
    >>> problem = build("reddi2018-theorem1", 3.0)
    >>> problem.dim, problem.period, problem.domain, problem.comparator.tolist()
    (1, 3, ((-1.0, 1.0),), [-1.0])
    """
    return PROBLEMS[name].make(c)


def suggested(name: str, c: float) -> dict:
    """The view's fields that problem ``name`` is run with in its paper: set when it is picked from the list.

    Parameters
    ----------
    name : str
        A key of :data:`PROBLEMS`.
    c : float
        ``C``, for the decay ``1 / (1 + C^2)`` of Theorem 1.

    Returns
    -------
    dict
        ``start``, ``schedule``, ``learning_rate``, ``decay``, ``maxiter`` and ``baselines``.

    Examples
    --------
    >>> suggested("reddi2018-theorem1", 3.0)
    {'start': (0.0, 0.0), 'schedule': 'sqrt', 'learning_rate': 0.5, 'decay': 0.1, 'maxiter': 1000,
     'baselines': ('amsgrad',)}
    """
    problem = PROBLEMS[name]
    return {
        "start": (problem.start, 0.0),
        "schedule": "sqrt",
        "learning_rate": problem.learning_rate,
        "decay": problem.decay(c),
        "maxiter": problem.maxiter,
        "baselines": problem.baselines,
    }
