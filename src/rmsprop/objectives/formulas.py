"""The catalogue's formulas and analytic gradients, each written once for every engine.

A formula is plain Python over IEEE ``+ - * /`` and the operations of
:mod:`rmsprop.objectives.primitives`: ``weak(c, v)``, the constant ``c`` in ``v``'s
precision, and ``power(v, p)``, NumPy's ``v ** p``. So one function serves both engines:

* NumPy runs it as it is, on scalars or on arrays that broadcast
  (:mod:`rmsprop.objectives._catalogue` makes each :class:`~rmsprop.objectives.Objective`'s
  ``f`` and ``grad`` from it, with the coordinates on the leading axis);
* Numba compiles a copy of the very function whose primitives are compiled ones
  (:mod:`rmsprop._compiled.objectives`), for the compiled batch engine, with the bits of
  the single run: the operations, and their order, are the same code.

The tables at the end say how each formula takes its coordinates:

* :data:`PAIRS`: 2-D objectives, ``f(x1, x2)`` and ``grad(x1, x2) -> (df/dx1, df/dx2)``;
* :data:`CHAINS`: n-D sums ``f(x) = sum_{i=1}^{n-1} term(x_i, x_{i+1})``, with
  ``term_grad(x_i, x_{i+1}) -> (d term/dx_i, d term/dx_{i+1})``;
* :data:`NUMPY_ONLY`: written on the whole ``x`` (coordinates on the leading axis) with
  NumPy's ``sin``, ``cos`` and ``exp``. These are NumPy's SIMD functions, not the C
  library's, so compiled code would not give their bits and they are not compiled.

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

import numpy as np

from .primitives import power, weak

__all__ = ["CHAINS", "NUMPY_ONLY", "PAIRS"]

_TWO_PI = 2.0 * math.pi


# --------------------------------------------------------------------------------------
# 2-D objectives: f(x1, x2) and grad(x1, x2) -> (df/dx1, df/dx2)
# --------------------------------------------------------------------------------------


def seed(x1, x2):
    """f(x) = 5 x1^2 + 7 x2^2; minimum f(0, 0) = 0.

    Written with products, not powers, to be bit-identical to the reference
    program (libm ``pow`` is not correctly rounded for squares on every machine).
    """
    return weak(5.0, x1) * (x1 * x1) + weak(7.0, x2) * (x2 * x2)


def seed_grad(x1, x2):
    """grad f = (10 x1, 14 x2)."""
    return weak(10.0, x1) * x1, weak(14.0, x2) * x2


def beale(x1, x2):
    """f(x, y) = (1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2;
    minimum f(3, 0.5) = 0.

    Beale, E. M. L. (1958).  On an iterative method for finding a local minimum of
    a function of more than one variable.  Tech. Rep. 25, Statistical Techniques
    Research Group, Princeton University.  See also [VLSE], [JY13].
    """
    return (
        power(weak(1.5, x1) - x1 + x1 * x2, 2.0)
        + power(weak(2.25, x1) - x1 + x1 * power(x2, 2.0), 2.0)
        + power(weak(2.625, x1) - x1 + x1 * power(x2, 3.0), 2.0)
    )


def beale_grad(x1, x2):
    """With t_k = c_k - x + x y^k (c = 1.5, 2.25, 2.625):
    df/dx = sum_k 2 t_k (y^k - 1),  df/dy = sum_k 2 t_k k x y^(k-1)."""
    y2, y3 = power(x2, 2.0), power(x2, 3.0)
    t1 = weak(1.5, x1) - x1 + x1 * x2
    t2 = weak(2.25, x1) - x1 + x1 * y2
    t3 = weak(2.625, x1) - x1 + x1 * y3
    two, one = weak(2.0, x1), weak(1.0, x1)
    return (
        two * t1 * (x2 - one) + two * t2 * (y2 - one) + two * t3 * (y3 - one),
        two * t1 * x1 + weak(4.0, x1) * t2 * x1 * x2 + weak(6.0, x1) * t3 * x1 * y2,
    )


def booth(x1, x2):
    """f(x, y) = (x + 2 y - 7)^2 + (2 x + y - 5)^2; minimum f(1, 3) = 0.  [VLSE], [JY13]."""
    two = weak(2.0, x1)
    return power(x1 + two * x2 - weak(7.0, x1), 2.0) + power(two * x1 + x2 - weak(5.0, x1), 2.0)


def booth_grad(x1, x2):
    """With a = x + 2y - 7, b = 2x + y - 5: grad f = (2a + 4b, 4a + 2b)."""
    two, four = weak(2.0, x1), weak(4.0, x1)
    a = x1 + two * x2 - weak(7.0, x1)
    b = two * x1 + x2 - weak(5.0, x1)
    return two * a + four * b, four * a + two * b


def himmelblau(x1, x2):
    """f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2; four minima with f = 0.

    Himmelblau, D. M. (1972).  Applied Nonlinear Programming.  McGraw-Hill.
    Minima as listed in [JY13] (to 6 decimals): (3, 2), (-2.805118, 3.131312),
    (-3.779310, -3.283186), (3.584428, -1.848126).
    """
    return power(power(x1, 2.0) + x2 - weak(11.0, x1), 2.0) + power(x1 + power(x2, 2.0) - weak(7.0, x1), 2.0)


def himmelblau_grad(x1, x2):
    """With a = x^2 + y - 11, b = x + y^2 - 7: grad f = (4 x a + 2 b, 2 a + 4 y b)."""
    two, four = weak(2.0, x1), weak(4.0, x1)
    a = power(x1, 2.0) + x2 - weak(11.0, x1)
    b = x1 + power(x2, 2.0) - weak(7.0, x1)
    return four * x1 * a + two * b, two * a + four * x2 * b


def goldstein_p(x1, x2):
    """p = 19 - 14x + 3x^2 - 14y + 6xy + 3y^2, left to right."""
    return (
        weak(19.0, x1)
        - weak(14.0, x1) * x1
        + weak(3.0, x1) * power(x1, 2.0)
        - weak(14.0, x1) * x2
        + weak(6.0, x1) * x1 * x2
        + weak(3.0, x1) * power(x2, 2.0)
    )


def goldstein_q(x1, x2):
    """q = 18 - 32x + 12x^2 + 48y - 36xy + 27y^2, left to right."""
    return (
        weak(18.0, x1)
        - weak(32.0, x1) * x1
        + weak(12.0, x1) * power(x1, 2.0)
        + weak(48.0, x1) * x2
        - weak(36.0, x1) * x1 * x2
        + weak(27.0, x1) * power(x2, 2.0)
    )


def goldstein_price(x1, x2):
    """f(x, y) = [1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)]
               * [30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)];
    minimum f(0, -1) = 3.

    Goldstein, A. A. & Price, J. F. (1971).  On descent from local minima.
    Mathematics of Computation 25(115), 569-574.  See also [VLSE].
    """
    one = weak(1.0, x1)
    left = one + power(x1 + x2 + one, 2.0) * goldstein_p(x1, x2)
    right = weak(30.0, x1) + power(weak(2.0, x1) * x1 - weak(3.0, x1) * x2, 2.0) * goldstein_q(x1, x2)
    return left * right


def goldstein_price_grad(x1, x2):
    """Product rule on f = L R with L = 1 + s^2 p, R = 30 + t^2 q, where
    s = x + y + 1, p = 19 - 14x + 3x^2 - 14y + 6xy + 3y^2,
    t = 2x - 3y,   q = 18 - 32x + 12x^2 + 48y - 36xy + 27y^2:
    dL/dx = dL/dy = 2 s p + s^2 (6x + 6y - 14),
    dR/dx = 4 t q + t^2 (24x - 36y - 32),  dR/dy = -6 t q + t^2 (54y - 36x + 48)."""
    s = x1 + x2 + weak(1.0, x1)
    p = goldstein_p(x1, x2)
    t = weak(2.0, x1) * x1 - weak(3.0, x1) * x2
    q = goldstein_q(x1, x2)
    left = weak(1.0, x1) + power(s, 2.0) * p
    right = weak(30.0, x1) + power(t, 2.0) * q
    dleft = weak(2.0, x1) * s * p + power(s, 2.0) * (weak(6.0, x1) * x1 + weak(6.0, x1) * x2 - weak(14.0, x1))
    dright_dx = weak(4.0, x1) * t * q + power(t, 2.0) * (weak(24.0, x1) * x1 - weak(36.0, x1) * x2 - weak(32.0, x1))
    dright_dy = weak(-6.0, x1) * t * q + power(t, 2.0) * (weak(54.0, x1) * x2 - weak(36.0, x1) * x1 + weak(48.0, x1))
    return dleft * right + left * dright_dx, dleft * right + left * dright_dy


def matyas(x1, x2):
    """f(x, y) = 0.26 (x^2 + y^2) - 0.48 x y; minimum f(0, 0) = 0.  [VLSE], [JY13]."""
    return weak(0.26, x1) * (power(x1, 2.0) + power(x2, 2.0)) - weak(0.48, x1) * x1 * x2


def matyas_grad(x1, x2):
    """grad f = (0.52 x - 0.48 y, 0.52 y - 0.48 x)."""
    return weak(0.52, x1) * x1 - weak(0.48, x1) * x2, weak(0.52, x1) * x2 - weak(0.48, x1) * x1


def three_hump_camel(x1, x2):
    """f(x, y) = 2 x^2 - 1.05 x^4 + x^6 / 6 + x y + y^2; global minimum f(0, 0) = 0.

    Two further local minima near (+-1.7476, -+0.8738) with f ~ 0.2986 are
    not listed in ``minima``.  [VLSE], [JY13].
    """
    return (
        weak(2.0, x1) * power(x1, 2.0)
        - weak(1.05, x1) * power(x1, 4.0)
        + power(x1, 6.0) / weak(6.0, x1)
        + x1 * x2
        + power(x2, 2.0)
    )


def three_hump_camel_grad(x1, x2):
    """grad f = (4 x - 4.2 x^3 + x^5 + y, x + 2 y)."""
    return (
        weak(4.0, x1) * x1 - weak(4.2, x1) * power(x1, 3.0) + power(x1, 5.0) + x2,
        x1 + weak(2.0, x1) * x2,
    )


def saddle(x1, x2):
    """f(x, y) = x^2 - y^2; a saddle at the origin, unbounded below (inf f = -inf).

    The model saddle of Dauphin, Y. et al. (2014).  Identifying and attacking the
    saddle point problem in high-dimensional non-convex optimization.  NeurIPS 27.
    """
    return power(x1, 2.0) - power(x2, 2.0)


def saddle_grad(x1, x2):
    """grad f = (2 x, -2 y)."""
    return weak(2.0, x1) * x1, weak(-2.0, x2) * x2


def ill_conditioned(x1, x2):
    """f(x) = 0.1 x1^2 + 2 x2^2; minimum f(0, 0) = 0.

    An axis-aligned quadratic with Hessian diag(0.2, 4), condition number 20:
    the setting where steepest descent zig-zags (Nocedal, J. & Wright, S. J.
    (2006), Numerical Optimization, 2nd ed., Springer, sec. 3.3) and a
    per-coordinate step size such as RMSProp's helps.
    """
    return weak(0.1, x1) * power(x1, 2.0) + weak(2.0, x2) * power(x2, 2.0)


def ill_conditioned_grad(x1, x2):
    """grad f = (0.2 x1, 4 x2)."""
    return weak(0.2, x1) * x1, weak(4.0, x2) * x2


def rotated(x1, x2):
    """f(x) = 0.1 (x1 + x2)^2 + 2 (x1 - x2)^2; minimum f(0, 0) = 0.

    The ill-conditioned quadratic turned by 45 degrees: Hessian
    [[4.2, -3.8], [-3.8, 4.2]] with eigenvalues 0.4 and 8 (condition number 20)
    along the diagonals, so a per-coordinate (diagonal) step size cannot undo the
    conditioning.  Quadratic model as in Nocedal & Wright (2006), sec. 3.3.
    """
    return weak(0.1, x1) * power(x1 + x2, 2.0) + weak(2.0, x1) * power(x1 - x2, 2.0)


def rotated_grad(x1, x2):
    """grad f = (0.2 (x1 + x2) + 4 (x1 - x2), 0.2 (x1 + x2) - 4 (x1 - x2))."""
    plus, minus = x1 + x2, x1 - x2
    return weak(0.2, x1) * plus + weak(4.0, x1) * minus, weak(0.2, x1) * plus - weak(4.0, x1) * minus


# --------------------------------------------------------------------------------------
# Chained n-D objectives: f(x) = sum_{i=1}^{n-1} term(x_i, x_{i+1})
# --------------------------------------------------------------------------------------


def rosenbrock_term(head, tail):
    """f(x) = sum_{i=1}^{n-1} [100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2]; minimum f(1, ..., 1) = 0.

    The term of ``head = x_i``, ``tail = x_{i+1}``. Its squares are products: the
    single run computes them on the arrays ``x[:-1]``, ``x[1:]``, where NumPy's
    ``v ** 2`` is ``v * v``.

    Rosenbrock, H. H. (1960).  An automatic method for finding the greatest or
    least value of a function.  The Computer Journal 3(3), 175-184 (n = 2);
    the sum over i is the n-dimensional form given in [VLSE].
    """
    valley = tail - head * head
    rest = weak(1.0, head) - head
    return weak(100.0, head) * (valley * valley) + rest * rest


def rosenbrock_term_grad(head, tail):
    """df/dx_i = -400 x_i (x_{i+1} - x_i^2) - 2 (1 - x_i)  [term i]
              + 200 (x_i - x_{i-1}^2)                       [term i-1];
    returns term i's two parts, (d/dx_i, d/dx_{i+1})."""
    valley = tail - head * head
    return (
        weak(-400.0, head) * head * valley - weak(2.0, head) * (weak(1.0, head) - head),
        weak(200.0, head) * valley,
    )


# --------------------------------------------------------------------------------------
# NumPy only: x with the coordinates on the leading axis, NumPy's sin, cos and exp
# --------------------------------------------------------------------------------------


def rastrigin(x):
    """f(x) = A n + sum_i [x_i^2 - A cos(2 pi x_i)], A = 10; minimum f(0) = 0.

    Rastrigin, L. A. (1974).  Systems of Extremal Control.  Nauka, Moscow;
    n-dimensional form as in [VLSE].
    """
    n = x.shape[0]
    return 10.0 * n + np.sum(x**2 - 10.0 * np.cos(_TWO_PI * x), axis=0)


def rastrigin_grad(x):
    """df/dx_i = 2 x_i + 2 pi A sin(2 pi x_i)."""
    return 2.0 * x + _TWO_PI * 10.0 * np.sin(_TWO_PI * x)


def ackley(x):
    """f(x) = -20 exp(-0.2 sqrt(mean_i x_i^2)) - exp(mean_i cos(2 pi x_i)) + 20 + e;
    minimum f(0) = 0.

    Ackley, D. H. (1987).  A Connectionist Machine for Genetic Hillclimbing.
    Kluwer; n-dimensional form with a = 20, b = 0.2, c = 2 pi as in [VLSE].
    """
    radius = np.sqrt(np.mean(x**2, axis=0))
    return -20.0 * np.exp(-0.2 * radius) - np.exp(np.mean(np.cos(_TWO_PI * x), axis=0)) + 20.0 + math.e


def ackley_grad(x):
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


# --------------------------------------------------------------------------------------
# The tables: name -> (formula, gradient)
# --------------------------------------------------------------------------------------

#: The 2-D objectives: ``f(x1, x2)`` and ``grad(x1, x2) -> (df/dx1, df/dx2)``.
PAIRS = {
    "seed": (seed, seed_grad),
    "beale": (beale, beale_grad),
    "booth": (booth, booth_grad),
    "himmelblau": (himmelblau, himmelblau_grad),
    "goldstein_price": (goldstein_price, goldstein_price_grad),
    "matyas": (matyas, matyas_grad),
    "three_hump_camel": (three_hump_camel, three_hump_camel_grad),
    "saddle": (saddle, saddle_grad),
    "ill_conditioned": (ill_conditioned, ill_conditioned_grad),
    "rotated": (rotated, rotated_grad),
}

#: The chained n-D objectives: ``term(x_i, x_{i+1})`` and ``term_grad(x_i, x_{i+1})``.
CHAINS = {"rosenbrock": (rosenbrock_term, rosenbrock_term_grad)}

#: Written for NumPy only, ``f(x)`` and ``grad(x)`` with the coordinates on the leading axis (see above).
NUMPY_ONLY = {"rastrigin": (rastrigin, rastrigin_grad), "ackley": (ackley, ackley_grad)}
