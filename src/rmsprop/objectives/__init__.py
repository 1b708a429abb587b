"""Test objectives for optimisers: functions, analytic gradients and known minima.

Each objective is an :class:`Objective`; fetch one by name with :func:`get`
and list the catalogue with :func:`names`, or type one as a formula with
:func:`from_expression` (parsed safely, differentiated by SymPy).  ``f`` and ``grad`` take the
coordinates on the leading axis, ``x`` of shape ``(dim, ...)``, and broadcast
over the rest (a point is shape ``(dim,)``, a grid ``np.stack([X, Y])``).

Catalogue (global minima; "any dim" objectives accept ``get(name, dim=n)``, n >= 2):

================  =============================================================  =====================
name              f                                                              minimum
================  =============================================================  =====================
seed              5 x1^2 + 7 x2^2                                                f(0, 0) = 0
rosenbrock        sum 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, any dim             f(1, ..., 1) = 0
beale             (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2  f(3, 0.5) = 0
booth             (x + 2y - 7)^2 + (2x + y - 5)^2                                f(1, 3) = 0
himmelblau        (x^2 + y - 11)^2 + (x + y^2 - 7)^2                             four points, f = 0
rastrigin         10 n + sum x_i^2 - 10 cos(2 pi x_i), any dim                   f(0) = 0
ackley            -20 exp(-0.2 sqrt(mean x^2)) - exp(mean cos 2 pi x) + 20 + e    f(0) = 0
goldstein_price   Goldstein-Price polynomial                                     f(0, -1) = 3
matyas            0.26 (x^2 + y^2) - 0.48 xy                                     f(0, 0) = 0
three_hump_camel  2x^2 - 1.05x^4 + x^6/6 + xy + y^2                              f(0, 0) = 0
saddle            x^2 - y^2                                                      none, inf f = -inf
ill_conditioned   0.1 x1^2 + 2 x2^2                                              f(0, 0) = 0
rotated           0.1 (x1 + x2)^2 + 2 (x1 - x2)^2                                f(0, 0) = 0
================  =============================================================  =====================

Online objectives, ``f_t`` changing with the step (:class:`OnlineObjective`: :func:`online`,
:func:`periodic`, :func:`linear`), run in :func:`rmsprop.minimize` and :func:`rmsprop.minimize_many`
one ``f_t`` per iteration; see :mod:`rmsprop.objectives._online`.

Finite sums over data, taken a shuffled minibatch per step (:class:`FiniteSum`, an online
objective whose :attr:`~FiniteSum.full` is the full objective): :func:`least_squares`,
:func:`logistic_regression`, and data for them: :func:`synthetic_regression`,
:func:`synthetic_classification` and scikit-learn's digits (:func:`digits_data`, :func:`digits`);
see :mod:`rmsprop.objectives._finite_sum`.

Formulas, gradients and sources are in :mod:`rmsprop.objectives.formulas`, written once for
NumPy and compiled code over the operations of :mod:`rmsprop.objectives.primitives`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._catalogue import get, names
from ._objective import Objective
from ._online import OnlineObjective, linear, online, periodic

if TYPE_CHECKING:  # imported on first use (below): ``import rmsprop`` does not need them
    from ._datasets import digits, digits_data, synthetic_classification, synthetic_regression
    from ._expression import from_expression
    from ._finite_sum import FiniteSum
    from ._models import least_squares, logistic_regression

#: The names whose modules load on first use, and those modules: typed formulas and finite sums.
_LAZY = {
    "from_expression": "._expression",
    "FiniteSum": "._finite_sum",
    "least_squares": "._models",
    "logistic_regression": "._models",
    "digits": "._datasets",
    "digits_data": "._datasets",
    "synthetic_classification": "._datasets",
    "synthetic_regression": "._datasets",
}

__all__ = [
    "FiniteSum",
    "Objective",
    "OnlineObjective",
    "digits",
    "digits_data",
    "from_expression",
    "get",
    "least_squares",
    "linear",
    "logistic_regression",
    "names",
    "online",
    "periodic",
    "synthetic_classification",
    "synthetic_regression",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
