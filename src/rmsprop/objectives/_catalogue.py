"""The catalogue of test objectives: NumPy functions made from the formulas, minima, registry.

The formulas and their analytic gradients, with their sources, are written once in
:mod:`rmsprop.objectives.formulas`; this module makes each objective's NumPy ``f`` and
``grad`` from them (:data:`FORMULAS`), taking ``x`` with the coordinates on the leading
axis (``x[0]`` is x1, ``x[1]`` is x2, ...) and broadcasting over the trailing axes, see
:mod:`rmsprop.objectives._objective`, and registers each with its minima, window and
start.  Constants are Python floats so that NumPy 2 keeps float32 input in float32.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from functools import update_wrapper, wraps
from typing import NamedTuple

import numpy as np

from . import formulas
from ._coordinates import coordinates
from ._objective import Objective

_VLSE = (
    "Surjanovic & Bingham (2013), Virtual Library of Simulation Experiments, "
    "https://www.sfu.ca/~ssurjano/optimization.html"
)
_JY13 = (
    'Jamil & Yang (2013), "A literature survey of benchmark functions for global '
    'optimisation problems", Int. J. Math. Modelling & Numerical Optimisation 4(2):150-194'
)


# --------------------------------------------------------------------------------------
# Input checking
# --------------------------------------------------------------------------------------


def _checked(formula: Callable[[np.ndarray], np.ndarray], name: str, dim: int):
    """Wrap ``formula`` so that it first checks and converts its argument."""

    @wraps(formula)
    def checked(x):
        return formula(coordinates(x, name, dim))

    return checked


def _alternating(dim: int, even: float, odd: float) -> np.ndarray:
    """The point (even, odd, even, odd, ...) in R^dim."""
    return np.where(np.arange(dim) % 2 == 0, even, odd).astype(np.float64)


# --------------------------------------------------------------------------------------
# The NumPy functions of the formulas
# --------------------------------------------------------------------------------------


def _pair(f: Callable, grad: Callable) -> tuple[Callable, Callable]:
    """NumPy's ``f(x)`` and ``grad(x)`` of a 2-D formula: x1 = ``x[0]``, x2 = ``x[1]``, the gradient stacked."""

    def pair_f(x):
        return f(x[0], x[1])

    def pair_grad(x):
        return np.stack(grad(x[0], x[1]))

    return update_wrapper(pair_f, f), update_wrapper(pair_grad, grad)


def _chain(term: Callable, term_grad: Callable) -> tuple[Callable, Callable]:
    """NumPy's ``f(x)`` and ``grad(x)`` of a chain ``sum_i term(x_i, x_{i+1})``, on the arrays ``x[:-1]``, ``x[1:]``:
    ``np.sum`` over the leading axis; the gradient is zeros, then ``g[:-1] +=`` each term's first part, then
    ``g[1:] +=`` its second."""

    def chain_f(x):
        return np.sum(term(x[:-1], x[1:]), axis=0)

    def chain_grad(x):
        head, tail = term_grad(x[:-1], x[1:])
        g = np.zeros_like(x)
        g[:-1] += head
        g[1:] += tail
        return g

    return update_wrapper(chain_f, term), update_wrapper(chain_grad, term_grad)


class Functions(NamedTuple):
    """An objective's NumPy ``f`` and ``grad``, unchecked: coordinates on the leading axis."""

    f: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]


#: name -> the NumPy ``f`` and ``grad`` of every catalogue objective, made from
#: :mod:`rmsprop.objectives.formulas`; each :class:`Objective` of :func:`get` wraps these very functions.
FORMULAS: dict[str, Functions] = {
    **{name: Functions(*_pair(*pair)) for name, pair in formulas.PAIRS.items()},
    **{name: Functions(*_chain(*chain)) for name, chain in formulas.CHAINS.items()},
    **{name: Functions(*functions) for name, functions in formulas.NUMPY_ONLY.items()},
}


# Himmelblau's minimisers to full double precision: Newton's method on grad f = 0,
# run offline in 60-digit decimal arithmetic (Python's `decimal`) from the
# published 6-decimal points until the step vanished, then rounded to the nearest
# double; f there is < 1e-117 in that arithmetic.
_HIMMELBLAU_MINIMA = [
    [3.0, 2.0],
    [-2.805118086952745, 3.131312518250573],
    [-3.779310253377747, -3.2831859912861696],
    [3.5844283403304917, -1.8481265269644036],
]


# --------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------


def _objective(name, dim, minima, min_value, domain, start, formula, reference) -> Objective:
    """Build the :class:`Objective` ``name`` from :data:`FORMULAS`, its ``f`` and ``grad`` checking their input."""
    functions = FORMULAS[name]
    return Objective(
        name=name,
        f=_checked(functions.f, name, dim),
        grad=_checked(functions.grad, name, dim),
        dim=dim,
        minima=np.asarray(minima, dtype=np.float64).reshape(-1, dim),
        min_value=min_value,
        domain=tuple(domain),
        start=start,
        formula=formula,
        reference=reference,
    )


def _build_seed(dim):
    return _objective(
        "seed",
        dim,
        minima=[[0.0, 0.0]],
        min_value=0.0,
        domain=[(-5.0, 5.0)] * 2,
        start=[-4.0, 3.0],
        formula="5*x1**2 + 7*x2**2",
        reference="Convex quadratic, the seed problem of this project; minimum by inspection",
    )


def _build_rosenbrock(dim):
    # The classic 2-D window; in n-D every coordinate gets (-2, 2).
    domain = [(-2.0, 2.0), (-1.0, 3.0)] if dim == 2 else [(-2.0, 2.0)] * dim
    return _objective(
        "rosenbrock",
        dim,
        minima=[np.ones(dim)],
        min_value=0.0,
        domain=domain,
        start=_alternating(dim, -1.2, 1.0),
        formula="sum_{i=1}^{n-1} [100*(x_{i+1} - x_i**2)**2 + (1 - x_i)**2]",
        reference="Rosenbrock (1960), The Computer Journal 3(3):175-184; n-D form: " + _VLSE,
    )


def _build_beale(dim):
    return _objective(
        "beale",
        dim,
        minima=[[3.0, 0.5]],
        min_value=0.0,
        domain=[(-4.5, 4.5)] * 2,
        start=[1.0, 1.5],
        formula="(1.5 - x1 + x1*x2)**2 + (2.25 - x1 + x1*x2**2)**2 + (2.625 - x1 + x1*x2**3)**2",
        reference="Beale (1958), Tech. Rep. 25, Statistical Techniques Research Group, Princeton; " + _VLSE,
    )


def _build_booth(dim):
    return _objective(
        "booth",
        dim,
        minima=[[1.0, 3.0]],
        min_value=0.0,
        domain=[(-10.0, 10.0)] * 2,
        start=[-8.0, 8.0],
        formula="(x1 + 2*x2 - 7)**2 + (2*x1 + x2 - 5)**2",
        reference=_VLSE + "; " + _JY13,
    )


def _build_himmelblau(dim):
    return _objective(
        "himmelblau",
        dim,
        minima=_HIMMELBLAU_MINIMA,
        min_value=0.0,
        domain=[(-5.0, 5.0)] * 2,
        start=[0.0, 0.0],
        formula="(x1**2 + x2 - 11)**2 + (x1 + x2**2 - 7)**2",
        reference="Himmelblau (1972), Applied Nonlinear Programming, McGraw-Hill; " + _JY13,
    )


def _build_rastrigin(dim):
    return _objective(
        "rastrigin",
        dim,
        minima=[np.zeros(dim)],
        min_value=0.0,
        domain=[(-5.12, 5.12)] * dim,
        start=_alternating(dim, -3.2, 2.7),
        formula="10*n + sum_i [x_i**2 - 10*cos(2*pi*x_i)]",
        reference="Rastrigin (1974), Systems of Extremal Control, Nauka; " + _VLSE,
    )


def _build_ackley(dim):
    # Plotting window (-5, 5)^n; the usual search domain is (-32.768, 32.768)^n [VLSE].
    return _objective(
        "ackley",
        dim,
        minima=[np.zeros(dim)],
        min_value=0.0,
        domain=[(-5.0, 5.0)] * dim,
        start=_alternating(dim, -3.2, 2.7),
        formula="-20*exp(-0.2*sqrt(mean_i x_i**2)) - exp(mean_i cos(2*pi*x_i)) + 20 + e",
        reference="Ackley (1987), A Connectionist Machine for Genetic Hillclimbing, Kluwer; " + _VLSE,
    )


def _build_goldstein_price(dim):
    return _objective(
        "goldstein_price",
        dim,
        minima=[[0.0, -1.0]],
        min_value=3.0,
        domain=[(-2.0, 2.0)] * 2,
        start=[0.5, 0.5],
        formula=(
            "(1 + (x1 + x2 + 1)**2 * (19 - 14*x1 + 3*x1**2 - 14*x2 + 6*x1*x2 + 3*x2**2))"
            " * (30 + (2*x1 - 3*x2)**2 * (18 - 32*x1 + 12*x1**2 + 48*x2 - 36*x1*x2 + 27*x2**2))"
        ),
        reference="Goldstein & Price (1971), Mathematics of Computation 25(115):569-574; " + _VLSE,
    )


def _build_matyas(dim):
    return _objective(
        "matyas",
        dim,
        minima=[[0.0, 0.0]],
        min_value=0.0,
        domain=[(-10.0, 10.0)] * 2,
        start=[-8.0, 6.0],
        formula="0.26*(x1**2 + x2**2) - 0.48*x1*x2",
        reference=_VLSE + "; " + _JY13,
    )


def _build_three_hump_camel(dim):
    # Plotting window (-2, 2)^2 shows the three humps; the usual search domain is (-5, 5)^2 [VLSE].
    return _objective(
        "three_hump_camel",
        dim,
        minima=[[0.0, 0.0]],
        min_value=0.0,
        domain=[(-2.0, 2.0)] * 2,
        start=[-1.5, 1.5],
        formula="2*x1**2 - 1.05*x1**4 + x1**6/6 + x1*x2 + x2**2",
        reference=_VLSE + "; " + _JY13,
    )


def _build_saddle(dim):
    return _objective(
        "saddle",
        dim,
        minima=np.empty((0, 2)),
        min_value=-math.inf,
        domain=[(-2.0, 2.0)] * 2,
        start=[-1.5, 0.01],
        formula="x1**2 - x2**2",
        reference="Dauphin et al. (2014), Identifying and attacking the saddle point problem, NeurIPS 27",
    )


def _build_ill_conditioned(dim):
    return _objective(
        "ill_conditioned",
        dim,
        minima=[[0.0, 0.0]],
        min_value=0.0,
        domain=[(-5.0, 5.0)] * 2,
        start=[-4.0, 3.0],
        formula="0.1*x1**2 + 2*x2**2",
        reference="Nocedal & Wright (2006), Numerical Optimization, 2nd ed., Springer, sec. 3.3",
    )


def _build_rotated(dim):
    return _objective(
        "rotated",
        dim,
        minima=[[0.0, 0.0]],
        min_value=0.0,
        domain=[(-5.0, 5.0)] * 2,
        start=[-4.0, 3.0],
        formula="0.1*(x1 + x2)**2 + 2*(x1 - x2)**2",
        reference="Nocedal & Wright (2006), Numerical Optimization, 2nd ed., Springer, sec. 3.3",
    )


# name -> (builder, default dim, whether other dims are allowed); in names() order.
_REGISTRY: dict[str, tuple[Callable[[int], Objective], int, bool]] = {
    "seed": (_build_seed, 2, False),
    "rosenbrock": (_build_rosenbrock, 2, True),
    "beale": (_build_beale, 2, False),
    "booth": (_build_booth, 2, False),
    "himmelblau": (_build_himmelblau, 2, False),
    "rastrigin": (_build_rastrigin, 2, True),
    "ackley": (_build_ackley, 2, True),
    "goldstein_price": (_build_goldstein_price, 2, False),
    "matyas": (_build_matyas, 2, False),
    "three_hump_camel": (_build_three_hump_camel, 2, False),
    "saddle": (_build_saddle, 2, False),
    "ill_conditioned": (_build_ill_conditioned, 2, False),
    "rotated": (_build_rotated, 2, False),
}


#: The most coordinates ``get(name, dim=...)`` builds (the record keeps a plotting window per coordinate,
#: as Python floats: ten million take seconds and gigabytes).
MAX_DIM = 10_000_000


def names() -> tuple[str, ...]:
    """The catalogue's objective names, in catalogue order."""
    return tuple(_REGISTRY)


def get(name: str, dim: int | None = None) -> Objective:
    """Return the catalogue objective ``name``.

    Parameters
    ----------
    name : str
        One of :func:`names`; ``'-'`` may be written for ``'_'``
        (``"three-hump-camel"``).
    dim : int, optional
        Number of coordinates, from 2 to :data:`MAX_DIM`, for ``rosenbrock``, ``rastrigin`` and
        ``ackley`` (default 2); the other objectives are 2-dimensional and
        accept only ``dim=None`` or ``dim=2``.

    Raises
    ------
    TypeError
        If ``name`` is not a str or ``dim`` is not an int.
    ValueError
        If ``name`` is unknown or ``dim`` is not allowed.
    """
    if not isinstance(name, str):
        raise TypeError(f"objective name must be a str, got {type(name).__name__}")
    key = name.replace("-", "_")
    if key not in _REGISTRY:
        raise ValueError(f"unknown objective {name!r}; choose one of: {', '.join(_REGISTRY)}")
    build, default_dim, any_dim = _REGISTRY[key]
    if dim is None:
        return build(default_dim)
    if isinstance(dim, bool):
        raise TypeError(f"dim must be an int, got {dim!r}")
    try:
        dim = operator.index(dim)
    except TypeError:
        raise TypeError(f"dim must be an int, got {type(dim).__name__}") from None
    if any_dim and not 2 <= dim <= MAX_DIM:
        raise ValueError(f"objective {key!r} needs dim >= 2 and dim <= {MAX_DIM}; dim={dim} is not allowed")
    if not any_dim and dim != default_dim:
        raise ValueError(f"objective {key!r} is {default_dim}-dimensional; dim={dim} is not allowed")
    return build(dim)
