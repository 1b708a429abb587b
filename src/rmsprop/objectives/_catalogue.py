"""The catalogue of test objectives: formulas, analytic gradients, minima, registry.

Every formula below takes ``x`` with the coordinates on the leading axis
(``x[0]`` is x1, ``x[1]`` is x2, ...) and broadcasts over the trailing axes,
see :mod:`rmsprop.objectives._objective`.  Constants are Python floats so that
NumPy 2 keeps float32 input in float32.

Sources
-------
[VLSE]   Surjanovic, S. & Bingham, D. (2013).  Virtual Library of Simulation
         Experiments: Test Functions and Datasets.
         https://www.sfu.ca/~ssurjano/optimization.html
[JY13]   Jamil, M. & Yang, X.-S. (2013).  A literature survey of benchmark
         functions for global optimisation problems.  Int. J. Mathematical
         Modelling and Numerical Optimisation 4(2), 150-194.
         arXiv:1308.4008.
Further original sources are cited in each formula's docstring.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from functools import wraps

import numpy as np

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

_TWO_PI = 2.0 * math.pi


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
# Formulas and gradients
# --------------------------------------------------------------------------------------


def _seed(x):
    """f(x) = 5 x1^2 + 7 x2^2; minimum f(0, 0) = 0.

    Written with products, not powers, to be bit-identical to the reference
    program (libm ``pow`` is not correctly rounded for squares on every machine).
    """
    return 5.0 * (x[0] * x[0]) + 7.0 * (x[1] * x[1])


def _seed_grad(x):
    """grad f = (10 x1, 14 x2)."""
    return np.stack([10.0 * x[0], 14.0 * x[1]])


def _rosenbrock(x):
    """f(x) = sum_{i=1}^{n-1} [100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2]; minimum f(1, ..., 1) = 0.

    Rosenbrock, H. H. (1960).  An automatic method for finding the greatest or
    least value of a function.  The Computer Journal 3(3), 175-184 (n = 2);
    the sum over i is the n-dimensional form given in [VLSE].
    """
    head, tail = x[:-1], x[1:]
    return np.sum(100.0 * (tail - head**2) ** 2 + (1.0 - head) ** 2, axis=0)


def _rosenbrock_grad(x):
    """df/dx_i = -400 x_i (x_{i+1} - x_i^2) - 2 (1 - x_i)  [term i]
              + 200 (x_i - x_{i-1}^2)                       [term i-1]."""
    head, tail = x[:-1], x[1:]
    valley = tail - head**2
    g = np.zeros_like(x)
    g[:-1] += -400.0 * head * valley - 2.0 * (1.0 - head)
    g[1:] += 200.0 * valley
    return g


def _beale(x):
    """f(x, y) = (1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2;
    minimum f(3, 0.5) = 0.

    Beale, E. M. L. (1958).  On an iterative method for finding a local minimum of
    a function of more than one variable.  Tech. Rep. 25, Statistical Techniques
    Research Group, Princeton University.  See also [VLSE], [JY13].
    """
    x1, x2 = x[0], x[1]
    return (
        (1.5 - x1 + x1 * x2) ** 2
        + (2.25 - x1 + x1 * x2**2) ** 2
        + (2.625 - x1 + x1 * x2**3) ** 2
    )


def _beale_grad(x):
    """With t_k = c_k - x + x y^k (c = 1.5, 2.25, 2.625):
    df/dx = sum_k 2 t_k (y^k - 1),  df/dy = sum_k 2 t_k k x y^(k-1)."""
    x1, x2 = x[0], x[1]
    t1 = 1.5 - x1 + x1 * x2
    t2 = 2.25 - x1 + x1 * x2**2
    t3 = 2.625 - x1 + x1 * x2**3
    return np.stack(
        [
            2.0 * t1 * (x2 - 1.0) + 2.0 * t2 * (x2**2 - 1.0) + 2.0 * t3 * (x2**3 - 1.0),
            2.0 * t1 * x1 + 4.0 * t2 * x1 * x2 + 6.0 * t3 * x1 * x2**2,
        ]
    )


def _booth(x):
    """f(x, y) = (x + 2 y - 7)^2 + (2 x + y - 5)^2; minimum f(1, 3) = 0.  [VLSE], [JY13]."""
    x1, x2 = x[0], x[1]
    return (x1 + 2.0 * x2 - 7.0) ** 2 + (2.0 * x1 + x2 - 5.0) ** 2


def _booth_grad(x):
    """With a = x + 2y - 7, b = 2x + y - 5: grad f = (2a + 4b, 4a + 2b)."""
    x1, x2 = x[0], x[1]
    a = x1 + 2.0 * x2 - 7.0
    b = 2.0 * x1 + x2 - 5.0
    return np.stack([2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b])


def _himmelblau(x):
    """f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2; four minima with f = 0.

    Himmelblau, D. M. (1972).  Applied Nonlinear Programming.  McGraw-Hill.
    Minima as listed in [JY13] (to 6 decimals): (3, 2), (-2.805118, 3.131312),
    (-3.779310, -3.283186), (3.584428, -1.848126).
    """
    x1, x2 = x[0], x[1]
    return (x1**2 + x2 - 11.0) ** 2 + (x1 + x2**2 - 7.0) ** 2


def _himmelblau_grad(x):
    """With a = x^2 + y - 11, b = x + y^2 - 7: grad f = (4 x a + 2 b, 2 a + 4 y b)."""
    x1, x2 = x[0], x[1]
    a = x1**2 + x2 - 11.0
    b = x1 + x2**2 - 7.0
    return np.stack([4.0 * x1 * a + 2.0 * b, 2.0 * a + 4.0 * x2 * b])


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


def _rastrigin(x):
    """f(x) = A n + sum_i [x_i^2 - A cos(2 pi x_i)], A = 10; minimum f(0) = 0.

    Rastrigin, L. A. (1974).  Systems of Extremal Control.  Nauka, Moscow;
    n-dimensional form as in [VLSE].
    """
    n = x.shape[0]
    return 10.0 * n + np.sum(x**2 - 10.0 * np.cos(_TWO_PI * x), axis=0)


def _rastrigin_grad(x):
    """df/dx_i = 2 x_i + 2 pi A sin(2 pi x_i)."""
    return 2.0 * x + _TWO_PI * 10.0 * np.sin(_TWO_PI * x)


def _ackley(x):
    """f(x) = -20 exp(-0.2 sqrt(mean_i x_i^2)) - exp(mean_i cos(2 pi x_i)) + 20 + e;
    minimum f(0) = 0.

    Ackley, D. H. (1987).  A Connectionist Machine for Genetic Hillclimbing.
    Kluwer; n-dimensional form with a = 20, b = 0.2, c = 2 pi as in [VLSE].
    """
    radius = np.sqrt(np.mean(x**2, axis=0))
    return -20.0 * np.exp(-0.2 * radius) - np.exp(np.mean(np.cos(_TWO_PI * x), axis=0)) + 20.0 + math.e


def _ackley_grad(x):
    """With r = sqrt(mean x^2) and n coordinates:
    df/dx_i = 4 exp(-0.2 r) x_i / (n r) + (2 pi / n) exp(mean cos(2 pi x)) sin(2 pi x_i).

    The first term has no limit at the origin (f has a cone-shaped kink
    there, so f is not differentiable at 0); it is returned as 0 where r = 0,
    which makes grad f(0) = 0 -- a subgradient -- without a division warning.
    """
    n = x.shape[0]
    radius = np.sqrt(np.mean(x**2, axis=0))
    x_over_r = np.divide(x, radius, out=np.zeros_like(x), where=radius > 0.0)
    cone = (4.0 / n) * np.exp(-0.2 * radius) * x_over_r
    ripple = (_TWO_PI / n) * np.exp(np.mean(np.cos(_TWO_PI * x), axis=0)) * np.sin(_TWO_PI * x)
    return cone + ripple


def _goldstein_price(x):
    """f(x, y) = [1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)]
               * [30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)];
    minimum f(0, -1) = 3.

    Goldstein, A. A. & Price, J. F. (1971).  On descent from local minima.
    Mathematics of Computation 25(115), 569-574.  See also [VLSE].
    """
    x1, x2 = x[0], x[1]
    left = 1.0 + (x1 + x2 + 1.0) ** 2 * (
        19.0 - 14.0 * x1 + 3.0 * x1**2 - 14.0 * x2 + 6.0 * x1 * x2 + 3.0 * x2**2
    )
    right = 30.0 + (2.0 * x1 - 3.0 * x2) ** 2 * (
        18.0 - 32.0 * x1 + 12.0 * x1**2 + 48.0 * x2 - 36.0 * x1 * x2 + 27.0 * x2**2
    )
    return left * right


def _goldstein_price_grad(x):
    """Product rule on f = L R with L = 1 + s^2 p, R = 30 + t^2 q, where
    s = x + y + 1, p = 19 - 14x + 3x^2 - 14y + 6xy + 3y^2,
    t = 2x - 3y,   q = 18 - 32x + 12x^2 + 48y - 36xy + 27y^2:
    dL/dx = dL/dy = 2 s p + s^2 (6x + 6y - 14),
    dR/dx = 4 t q + t^2 (24x - 36y - 32),  dR/dy = -6 t q + t^2 (54y - 36x + 48)."""
    x1, x2 = x[0], x[1]
    s = x1 + x2 + 1.0
    p = 19.0 - 14.0 * x1 + 3.0 * x1**2 - 14.0 * x2 + 6.0 * x1 * x2 + 3.0 * x2**2
    t = 2.0 * x1 - 3.0 * x2
    q = 18.0 - 32.0 * x1 + 12.0 * x1**2 + 48.0 * x2 - 36.0 * x1 * x2 + 27.0 * x2**2
    left = 1.0 + s**2 * p
    right = 30.0 + t**2 * q
    dleft = 2.0 * s * p + s**2 * (6.0 * x1 + 6.0 * x2 - 14.0)
    dright_dx = 4.0 * t * q + t**2 * (24.0 * x1 - 36.0 * x2 - 32.0)
    dright_dy = -6.0 * t * q + t**2 * (54.0 * x2 - 36.0 * x1 + 48.0)
    return np.stack([dleft * right + left * dright_dx, dleft * right + left * dright_dy])


def _matyas(x):
    """f(x, y) = 0.26 (x^2 + y^2) - 0.48 x y; minimum f(0, 0) = 0.  [VLSE], [JY13]."""
    x1, x2 = x[0], x[1]
    return 0.26 * (x1**2 + x2**2) - 0.48 * x1 * x2


def _matyas_grad(x):
    """grad f = (0.52 x - 0.48 y, 0.52 y - 0.48 x)."""
    x1, x2 = x[0], x[1]
    return np.stack([0.52 * x1 - 0.48 * x2, 0.52 * x2 - 0.48 * x1])


def _three_hump_camel(x):
    """f(x, y) = 2 x^2 - 1.05 x^4 + x^6 / 6 + x y + y^2; global minimum f(0, 0) = 0.

    Two further local minima near (+-1.7476, -+0.8738) with f ~ 0.2986 are
    not listed in ``minima``.  [VLSE], [JY13].
    """
    x1, x2 = x[0], x[1]
    return 2.0 * x1**2 - 1.05 * x1**4 + x1**6 / 6.0 + x1 * x2 + x2**2


def _three_hump_camel_grad(x):
    """grad f = (4 x - 4.2 x^3 + x^5 + y, x + 2 y)."""
    x1, x2 = x[0], x[1]
    return np.stack([4.0 * x1 - 4.2 * x1**3 + x1**5 + x2, x1 + 2.0 * x2])


def _saddle(x):
    """f(x, y) = x^2 - y^2; a saddle at the origin, unbounded below (inf f = -inf).

    The model saddle of Dauphin, Y. et al. (2014).  Identifying and attacking the
    saddle point problem in high-dimensional non-convex optimization.  NeurIPS 27.
    """
    x1, x2 = x[0], x[1]
    return x1**2 - x2**2


def _saddle_grad(x):
    """grad f = (2 x, -2 y)."""
    return np.stack([2.0 * x[0], -2.0 * x[1]])


def _ill_conditioned(x):
    """f(x) = 0.1 x1^2 + 2 x2^2; minimum f(0, 0) = 0.

    An axis-aligned quadratic with Hessian diag(0.2, 4), condition number 20:
    the setting where steepest descent zig-zags (Nocedal, J. & Wright, S. J.
    (2006), Numerical Optimization, 2nd ed., Springer, sec. 3.3) and a
    per-coordinate step size such as RMSProp's helps.
    """
    return 0.1 * x[0] ** 2 + 2.0 * x[1] ** 2


def _ill_conditioned_grad(x):
    """grad f = (0.2 x1, 4 x2)."""
    return np.stack([0.2 * x[0], 4.0 * x[1]])


def _rotated(x):
    """f(x) = 0.1 (x1 + x2)^2 + 2 (x1 - x2)^2; minimum f(0, 0) = 0.

    The ill-conditioned quadratic turned by 45 degrees: Hessian
    [[4.2, -3.8], [-3.8, 4.2]] with eigenvalues 0.4 and 8 (condition number 20)
    along the diagonals, so a per-coordinate (diagonal) step size cannot undo the
    conditioning.  Quadratic model as in Nocedal & Wright (2006), sec. 3.3.
    """
    x1, x2 = x[0], x[1]
    return 0.1 * (x1 + x2) ** 2 + 2.0 * (x1 - x2) ** 2


def _rotated_grad(x):
    """grad f = (0.2 (x1 + x2) + 4 (x1 - x2), 0.2 (x1 + x2) - 4 (x1 - x2))."""
    x1, x2 = x[0], x[1]
    return np.stack([0.2 * (x1 + x2) + 4.0 * (x1 - x2), 0.2 * (x1 + x2) - 4.0 * (x1 - x2)])


# --------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------


def _objective(name, f, grad, dim, minima, min_value, domain, start, formula, reference) -> Objective:
    """Build an :class:`Objective` whose ``f`` and ``grad`` check their input."""
    return Objective(
        name=name,
        f=_checked(f, name, dim),
        grad=_checked(grad, name, dim),
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
        "seed", _seed, _seed_grad, dim,
        minima=[[0.0, 0.0]], min_value=0.0,
        domain=[(-5.0, 5.0)] * 2, start=[-4.0, 3.0],
        formula="5*x1**2 + 7*x2**2",
        reference="Convex quadratic, the seed problem of this project; minimum by inspection",
    )


def _build_rosenbrock(dim):
    # The classic 2-D window; in n-D every coordinate gets (-2, 2).
    domain = [(-2.0, 2.0), (-1.0, 3.0)] if dim == 2 else [(-2.0, 2.0)] * dim
    return _objective(
        "rosenbrock", _rosenbrock, _rosenbrock_grad, dim,
        minima=[np.ones(dim)], min_value=0.0,
        domain=domain, start=_alternating(dim, -1.2, 1.0),
        formula="sum_{i=1}^{n-1} [100*(x_{i+1} - x_i**2)**2 + (1 - x_i)**2]",
        reference="Rosenbrock (1960), The Computer Journal 3(3):175-184; n-D form: " + _VLSE,
    )


def _build_beale(dim):
    return _objective(
        "beale", _beale, _beale_grad, dim,
        minima=[[3.0, 0.5]], min_value=0.0,
        domain=[(-4.5, 4.5)] * 2, start=[1.0, 1.5],
        formula="(1.5 - x1 + x1*x2)**2 + (2.25 - x1 + x1*x2**2)**2 + (2.625 - x1 + x1*x2**3)**2",
        reference="Beale (1958), Tech. Rep. 25, Statistical Techniques Research Group, Princeton; " + _VLSE,
    )


def _build_booth(dim):
    return _objective(
        "booth", _booth, _booth_grad, dim,
        minima=[[1.0, 3.0]], min_value=0.0,
        domain=[(-10.0, 10.0)] * 2, start=[-8.0, 8.0],
        formula="(x1 + 2*x2 - 7)**2 + (2*x1 + x2 - 5)**2",
        reference=_VLSE + "; " + _JY13,
    )


def _build_himmelblau(dim):
    return _objective(
        "himmelblau", _himmelblau, _himmelblau_grad, dim,
        minima=_HIMMELBLAU_MINIMA, min_value=0.0,
        domain=[(-5.0, 5.0)] * 2, start=[0.0, 0.0],
        formula="(x1**2 + x2 - 11)**2 + (x1 + x2**2 - 7)**2",
        reference="Himmelblau (1972), Applied Nonlinear Programming, McGraw-Hill; " + _JY13,
    )


def _build_rastrigin(dim):
    return _objective(
        "rastrigin", _rastrigin, _rastrigin_grad, dim,
        minima=[np.zeros(dim)], min_value=0.0,
        domain=[(-5.12, 5.12)] * dim, start=_alternating(dim, -3.2, 2.7),
        formula="10*n + sum_i [x_i**2 - 10*cos(2*pi*x_i)]",
        reference="Rastrigin (1974), Systems of Extremal Control, Nauka; " + _VLSE,
    )


def _build_ackley(dim):
    # Plotting window (-5, 5)^n; the usual search domain is (-32.768, 32.768)^n [VLSE].
    return _objective(
        "ackley", _ackley, _ackley_grad, dim,
        minima=[np.zeros(dim)], min_value=0.0,
        domain=[(-5.0, 5.0)] * dim, start=_alternating(dim, -3.2, 2.7),
        formula="-20*exp(-0.2*sqrt(mean_i x_i**2)) - exp(mean_i cos(2*pi*x_i)) + 20 + e",
        reference="Ackley (1987), A Connectionist Machine for Genetic Hillclimbing, Kluwer; " + _VLSE,
    )


def _build_goldstein_price(dim):
    return _objective(
        "goldstein_price", _goldstein_price, _goldstein_price_grad, dim,
        minima=[[0.0, -1.0]], min_value=3.0,
        domain=[(-2.0, 2.0)] * 2, start=[0.5, 0.5],
        formula=(
            "(1 + (x1 + x2 + 1)**2 * (19 - 14*x1 + 3*x1**2 - 14*x2 + 6*x1*x2 + 3*x2**2))"
            " * (30 + (2*x1 - 3*x2)**2 * (18 - 32*x1 + 12*x1**2 + 48*x2 - 36*x1*x2 + 27*x2**2))"
        ),
        reference="Goldstein & Price (1971), Mathematics of Computation 25(115):569-574; " + _VLSE,
    )


def _build_matyas(dim):
    return _objective(
        "matyas", _matyas, _matyas_grad, dim,
        minima=[[0.0, 0.0]], min_value=0.0,
        domain=[(-10.0, 10.0)] * 2, start=[-8.0, 6.0],
        formula="0.26*(x1**2 + x2**2) - 0.48*x1*x2",
        reference=_VLSE + "; " + _JY13,
    )


def _build_three_hump_camel(dim):
    # Plotting window (-2, 2)^2 shows the three humps; the usual search domain is (-5, 5)^2 [VLSE].
    return _objective(
        "three_hump_camel", _three_hump_camel, _three_hump_camel_grad, dim,
        minima=[[0.0, 0.0]], min_value=0.0,
        domain=[(-2.0, 2.0)] * 2, start=[-1.5, 1.5],
        formula="2*x1**2 - 1.05*x1**4 + x1**6/6 + x1*x2 + x2**2",
        reference=_VLSE + "; " + _JY13,
    )


def _build_saddle(dim):
    return _objective(
        "saddle", _saddle, _saddle_grad, dim,
        minima=np.empty((0, 2)), min_value=-math.inf,
        domain=[(-2.0, 2.0)] * 2, start=[-1.5, 0.01],
        formula="x1**2 - x2**2",
        reference="Dauphin et al. (2014), Identifying and attacking the saddle point problem, NeurIPS 27",
    )


def _build_ill_conditioned(dim):
    return _objective(
        "ill_conditioned", _ill_conditioned, _ill_conditioned_grad, dim,
        minima=[[0.0, 0.0]], min_value=0.0,
        domain=[(-5.0, 5.0)] * 2, start=[-4.0, 3.0],
        formula="0.1*x1**2 + 2*x2**2",
        reference="Nocedal & Wright (2006), Numerical Optimization, 2nd ed., Springer, sec. 3.3",
    )


def _build_rotated(dim):
    return _objective(
        "rotated", _rotated, _rotated_grad, dim,
        minima=[[0.0, 0.0]], min_value=0.0,
        domain=[(-5.0, 5.0)] * 2, start=[-4.0, 3.0],
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
