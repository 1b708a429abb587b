"""The catalogue's objectives, compiled, operation for operation as :mod:`rmsprop.objectives._catalogue`.

The compiled batch engine (:mod:`rmsprop._compiled.batch`) evaluates these. Each formula
performs NumPy's operations on one run's coordinates in the single run's order and
precision (see :mod:`rmsprop._compiled.numpy_semantics`): ``f`` takes float64
coordinates (``Objective.__call__`` converts), the gradient takes and returns the data's
dtype. Rastrigin and Ackley are not here: NumPy's SIMD ``exp``, ``sin`` and ``cos`` are
not the C library's, so their batches run on the NumPy engine.
"""

from __future__ import annotations

import numba
import numpy as np

from .numpy_semantics import JIT, like, numpy_sum, scalar_pow

__all__ = ["OBJECTIVES", "objective2", "rosenbrock", "rosenbrock_grad"]

#: The catalogue objectives compiled here; a run passes the index of its objective.
OBJECTIVES = ("seed", "rosenbrock", "beale", "booth", "himmelblau", "goldstein_price", "matyas",
              "three_hump_camel", "saddle", "ill_conditioned", "rotated")
(SEED, ROSENBROCK, BEALE, BOOTH, HIMMELBLAU, GOLDSTEIN_PRICE, MATYAS, THREE_HUMP_CAMEL, SADDLE, ILL_CONDITIONED,
 ROTATED) = range(len(OBJECTIVES))

# --------------------------------------------------------------------------------------
# The catalogue's formulas, operation for operation (see rmsprop.objectives._catalogue).
# f takes float64 coordinates; the gradient takes and returns the data's dtype.
# --------------------------------------------------------------------------------------


@numba.njit(**JIT)
def _seed(x1, x2):
    return 5.0 * (x1 * x1) + 7.0 * (x2 * x2)


@numba.njit(**JIT)
def _seed_grad(x1, x2):
    return like(10.0, x1) * x1, like(14.0, x1) * x2


@numba.njit(**JIT)
def _rosenbrock2(x1, x2):
    """2-D Rosenbrock: ``np.sum`` of the one term (``0.0 + term``); squares of arrays are ``v * v``."""
    valley = x2 - x1 * x1
    rest = 1.0 - x1
    return 0.0 + (100.0 * (valley * valley) + rest * rest)


@numba.njit(**JIT)
def _rosenbrock2_grad(x1, x2):
    valley = x2 - x1 * x1
    zero = like(0.0, x1)
    return (zero + ((like(-400.0, x1) * x1) * valley - like(2.0, x1) * (like(1.0, x1) - x1)),
            zero + like(200.0, x1) * valley)


@numba.njit(**JIT)
def _beale(x1, x2):
    return (scalar_pow((1.5 - x1) + x1 * x2, 2.0) + scalar_pow((2.25 - x1) + x1 * scalar_pow(x2, 2.0), 2.0)) + scalar_pow(
        (2.625 - x1) + x1 * scalar_pow(x2, 3.0), 2.0)


@numba.njit(**JIT)
def _beale_grad(x1, x2):
    y2 = scalar_pow(x2, 2.0)
    y3 = scalar_pow(x2, 3.0)
    t1 = (like(1.5, x1) - x1) + x1 * x2
    t2 = (like(2.25, x1) - x1) + x1 * y2
    t3 = (like(2.625, x1) - x1) + x1 * y3
    two, one = like(2.0, x1), like(1.0, x1)
    return (((two * t1) * (x2 - one) + (two * t2) * (y2 - one)) + (two * t3) * (y3 - one),
            ((two * t1) * x1 + ((like(4.0, x1) * t2) * x1) * x2) + ((like(6.0, x1) * t3) * x1) * y2)


@numba.njit(**JIT)
def _booth(x1, x2):
    return scalar_pow((x1 + 2.0 * x2) - 7.0, 2.0) + scalar_pow((2.0 * x1 + x2) - 5.0, 2.0)


@numba.njit(**JIT)
def _booth_grad(x1, x2):
    a = (x1 + like(2.0, x1) * x2) - like(7.0, x1)
    b = (like(2.0, x1) * x1 + x2) - like(5.0, x1)
    return like(2.0, x1) * a + like(4.0, x1) * b, like(4.0, x1) * a + like(2.0, x1) * b


@numba.njit(**JIT)
def _himmelblau(x1, x2):
    return scalar_pow((scalar_pow(x1, 2.0) + x2) - 11.0, 2.0) + scalar_pow((x1 + scalar_pow(x2, 2.0)) - 7.0, 2.0)


@numba.njit(**JIT)
def _himmelblau_grad(x1, x2):
    a = (scalar_pow(x1, 2.0) + x2) - like(11.0, x1)
    b = (x1 + scalar_pow(x2, 2.0)) - like(7.0, x1)
    return (like(4.0, x1) * x1) * a + like(2.0, x1) * b, like(2.0, x1) * a + (like(4.0, x1) * x2) * b


@numba.njit(**JIT)
def _goldstein_p(x1, x2):
    """``19 - 14x + 3x^2 - 14y + 6xy + 3y^2``, left to right."""
    return (((((like(19.0, x1) - like(14.0, x1) * x1) + like(3.0, x1) * scalar_pow(x1, 2.0)) - like(14.0, x1) * x2)
             + (like(6.0, x1) * x1) * x2) + like(3.0, x1) * scalar_pow(x2, 2.0))


@numba.njit(**JIT)
def _goldstein_q(x1, x2):
    """``18 - 32x + 12x^2 + 48y - 36xy + 27y^2``, left to right."""
    return (((((like(18.0, x1) - like(32.0, x1) * x1) + like(12.0, x1) * scalar_pow(x1, 2.0)) + like(48.0, x1) * x2)
             - (like(36.0, x1) * x1) * x2) + like(27.0, x1) * scalar_pow(x2, 2.0))


@numba.njit(**JIT)
def _goldstein_price(x1, x2):
    left = 1.0 + scalar_pow((x1 + x2) + 1.0, 2.0) * _goldstein_p(x1, x2)
    right = 30.0 + scalar_pow(2.0 * x1 - 3.0 * x2, 2.0) * _goldstein_q(x1, x2)
    return left * right


@numba.njit(**JIT)
def _goldstein_price_grad(x1, x2):
    s = (x1 + x2) + like(1.0, x1)
    p = _goldstein_p(x1, x2)
    t = like(2.0, x1) * x1 - like(3.0, x1) * x2
    q = _goldstein_q(x1, x2)
    left = like(1.0, x1) + scalar_pow(s, 2.0) * p
    right = like(30.0, x1) + scalar_pow(t, 2.0) * q
    dleft = (like(2.0, x1) * s) * p + scalar_pow(s, 2.0) * ((like(6.0, x1) * x1 + like(6.0, x1) * x2) - like(14.0, x1))
    dright_dx = (like(4.0, x1) * t) * q + scalar_pow(t, 2.0) * ((like(24.0, x1) * x1 - like(36.0, x1) * x2) - like(32.0, x1))
    dright_dy = (like(-6.0, x1) * t) * q + scalar_pow(t, 2.0) * ((like(54.0, x1) * x2 - like(36.0, x1) * x1) + like(48.0, x1))
    return dleft * right + left * dright_dx, dleft * right + left * dright_dy


@numba.njit(**JIT)
def _matyas(x1, x2):
    return 0.26 * (scalar_pow(x1, 2.0) + scalar_pow(x2, 2.0)) - (0.48 * x1) * x2


@numba.njit(**JIT)
def _matyas_grad(x1, x2):
    return like(0.52, x1) * x1 - like(0.48, x1) * x2, like(0.52, x1) * x2 - like(0.48, x1) * x1


@numba.njit(**JIT)
def _three_hump_camel(x1, x2):
    return (((2.0 * scalar_pow(x1, 2.0) - 1.05 * scalar_pow(x1, 4.0)) + scalar_pow(x1, 6.0) / 6.0) + x1 * x2) + scalar_pow(x2, 2.0)


@numba.njit(**JIT)
def _three_hump_camel_grad(x1, x2):
    return ((like(4.0, x1) * x1 - like(4.2, x1) * scalar_pow(x1, 3.0)) + scalar_pow(x1, 5.0)) + x2, x1 + like(2.0, x1) * x2


@numba.njit(**JIT)
def _saddle(x1, x2):
    return scalar_pow(x1, 2.0) - scalar_pow(x2, 2.0)


@numba.njit(**JIT)
def _saddle_grad(x1, x2):
    return like(2.0, x1) * x1, like(-2.0, x1) * x2


@numba.njit(**JIT)
def _ill_conditioned(x1, x2):
    return 0.1 * scalar_pow(x1, 2.0) + 2.0 * scalar_pow(x2, 2.0)


@numba.njit(**JIT)
def _ill_conditioned_grad(x1, x2):
    return like(0.2, x1) * x1, like(4.0, x1) * x2


@numba.njit(**JIT)
def _rotated(x1, x2):
    return 0.1 * scalar_pow(x1 + x2, 2.0) + 2.0 * scalar_pow(x1 - x2, 2.0)


@numba.njit(**JIT)
def _rotated_grad(x1, x2):
    plus = x1 + x2
    minus = x1 - x2
    return like(0.2, x1) * plus + like(4.0, x1) * minus, like(0.2, x1) * plus - like(4.0, x1) * minus


@numba.njit(inline="always", **JIT)
def objective2(code, x1, x2):
    """``(f, g1, g2)`` of a 2-D objective: ``f`` in float64 from the coordinates converted to float64
    (as ``Objective.__call__`` does), the gradient in the coordinates' dtype."""
    y1, y2 = np.float64(x1), np.float64(x2)
    if code == SEED:
        f, g = _seed(y1, y2), _seed_grad(x1, x2)
    elif code == ROSENBROCK:
        f, g = _rosenbrock2(y1, y2), _rosenbrock2_grad(x1, x2)
    elif code == BEALE:
        f, g = _beale(y1, y2), _beale_grad(x1, x2)
    elif code == BOOTH:
        f, g = _booth(y1, y2), _booth_grad(x1, x2)
    elif code == HIMMELBLAU:
        f, g = _himmelblau(y1, y2), _himmelblau_grad(x1, x2)
    elif code == GOLDSTEIN_PRICE:
        f, g = _goldstein_price(y1, y2), _goldstein_price_grad(x1, x2)
    elif code == MATYAS:
        f, g = _matyas(y1, y2), _matyas_grad(x1, x2)
    elif code == THREE_HUMP_CAMEL:
        f, g = _three_hump_camel(y1, y2), _three_hump_camel_grad(x1, x2)
    elif code == SADDLE:
        f, g = _saddle(y1, y2), _saddle_grad(x1, x2)
    elif code == ILL_CONDITIONED:
        f, g = _ill_conditioned(y1, y2), _ill_conditioned_grad(x1, x2)
    else:
        f, g = _rotated(y1, y2), _rotated_grad(x1, x2)
    return f, g[0], g[1]


@numba.njit(**JIT)
def rosenbrock(x, work):
    """``np.sum(100 (tail - head**2)**2 + (1 - head)**2)`` in float64 for ``x`` (1-D, any length)."""
    n = x.size - 1
    for i in range(n):
        head = np.float64(x[i])
        valley = np.float64(x[i + 1]) - head * head
        rest = 1.0 - head
        work[i] = 100.0 * (valley * valley) + rest * rest
    return numpy_sum(work, n)


@numba.njit(**JIT)
def rosenbrock_grad(x, g):
    """Rosenbrock's gradient into ``g``: zeros, then ``g[:-1] += ...``, then ``g[1:] += ...``."""
    for i in range(x.size):
        g[i] = like(0.0, x[0])
    for i in range(x.size - 1):
        valley = x[i + 1] - x[i] * x[i]
        g[i] = g[i] + ((like(-400.0, x[i]) * x[i]) * valley - like(2.0, x[i]) * (like(1.0, x[i]) - x[i]))
    for i in range(x.size - 1):
        valley = x[i + 1] - x[i] * x[i]
        g[i + 1] = g[i + 1] + like(200.0, x[i]) * valley
