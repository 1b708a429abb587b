"""Compiled batch runs for :func:`rmsprop.minimize_many`: a whole RMSprop run per row, in Numba.

:func:`run` takes B starts and runs each one exactly as :func:`rmsprop.minimize`
would, on one of the catalogue objectives named in :data:`OBJECTIVES`, with the
seed's arithmetic and any of its options. The runs are independent, so the rows are
split over the cores in blocks of :data:`BLOCK`; inside a block the iterations are
the outer loop and the runs the inner one, so that the CPU overlaps the steps of
neighbouring runs instead of waiting on one run's chain of divisions and square
roots, and a block's state lives in arrays of its own.

Bit for bit: every line is the floating-point operation NumPy performs in the
single run, in the same order and precision.

* Python floats meet the arrays in the arrays' dtype (NumPy 2's weak scalars), so
  every constant is rounded to that dtype first (:func:`_k`); derived scalars such
  as ``1 - decay`` or ``lr * weight_decay`` arrive computed in float64 and rounded.
* In the single run ``x[0]`` of a 1-D array is a NumPy *scalar*, and ``scalar ** 2``
  calls the C library's ``pow`` (``powf`` in float32), which is not always ``x * x``
  (about 1 square in 1500 differs in the last bit). :func:`libm_pow` calls that very
  ``pow``, marked ``nobuiltin`` so that LLVM does not rewrite ``pow(x, 2.0)`` as ``x * x``.
  Squares of *arrays* (``head**2`` in Rosenbrock) are ``x * x`` in NumPy, and here.
* ``np.sum`` of a 1-D array is NumPy's pairwise sum; :func:`numpy_sum` repeats it.
* A catalogue objective's value is computed in float64 even for a float32 start
  (``Objective.__call__`` converts), its gradient in the start's dtype.

Rastrigin and Ackley are not here: NumPy's SIMD ``exp``, ``sin`` and ``cos`` are not the
C library's, so :mod:`rmsprop._batch` runs them in NumPy.

Speed: Numba counts references to every array passed to a function that it does not
inline (an atomic operation, contended when threads share the array), so array
arguments appear only in calls made once per block, and everything called per run and
step takes scalars.

Nothing here is imported by ``import rmsprop``; the kernel is compiled on first use
(for float64 and float32 separately) and cached on disk.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, overload

from ._batch import EVALUATION, RUNNING, START, STEP

__all__ = ["OBJECTIVES", "FLAGS", "SCALARS", "LIMITS", "BLOCK", "libm_pow", "numpy_sum", "run"]

#: The catalogue objectives compiled here; a run passes the index of its objective.
OBJECTIVES = ("seed", "rosenbrock", "beale", "booth", "himmelblau", "goldstein_price", "matyas",
              "three_hump_camel", "saddle", "ill_conditioned", "rotated")
(SEED, ROSENBROCK, BEALE, BOOTH, HIMMELBLAU, GOLDSTEIN_PRICE, MATYAS, THREE_HUMP_CAMEL, SADDLE, ILL_CONDITIONED,
 ROTATED) = range(len(OBJECTIVES))

#: The options, as 0/1 in the ``flags`` array ``run`` takes, in this order.
FLAGS = ("eps_in_sqrt", "centered", "momentum", "nesterov", "lr_inside_momentum", "coupled_weight_decay",
         "decoupled_weight_decay", "maximize", "bias_correction", "clip_value", "clip_norm", "global_clip_norm",
         "trajectories")
(EPS_IN_SQRT, CENTERED, MOMENTUM, NESTEROV, LR_INSIDE, COUPLED, DECOUPLED, MAXIMIZE, BIAS_CORRECTION, CLIP_VALUE,
 CLIP_NORM, GLOBAL_CLIP_NORM, TRAJECTORIES) = range(len(FLAGS))
#: Shared scalars in the data's dtype (the ``s`` array).
SCALARS = ("momentum", "weight_decay", "clip_value", "initial_scale")
MOMENTUM_S, WEIGHT_DECAY_S, CLIP_VALUE_S, INITIAL_SCALE_S = range(len(SCALARS))
#: Shared limits in float64 (the ``limits`` array): compared with float64 norms, as in the single run.
LIMITS = ("clip_norm", "global_clip_norm", "gtol")
CLIP_NORM_L, GLOBAL_CLIP_NORM_L, GTOL_L = range(len(LIMITS))

#: Runs per block: one block's runs step together, one block per task of the thread pool.
BLOCK = 256

_JIT = {"cache": True, "error_model": "numpy", "nogil": True}


# --------------------------------------------------------------------------------------
# NumPy's scalar arithmetic
# --------------------------------------------------------------------------------------


@intrinsic
def libm_pow(typingctx, x, y):
    """``pow(x, y)`` of the C library (``powf`` for float32), as NumPy's scalar ``x ** y`` calls it."""
    if not (isinstance(x, types.Float) and x == y):
        return None
    signature = x(x, y)

    def codegen(context, builder, sig, args):
        value_type = context.get_value_type(sig.return_type)
        name = "powf" if sig.return_type == types.float32 else "pow"
        function = cgutils.get_or_insert_function(builder.module, ir.FunctionType(value_type, [value_type] * 2), name)
        function.attributes.add("nobuiltin")  # a call, never LLVM's own pow(x, 2.0) -> x * x
        return builder.call(function, args)

    return signature, codegen


def _k(value, like):
    """The Python float ``value`` rounded to the dtype of ``like`` (NumPy 2's weak scalar)."""
    raise NotImplementedError("only for compiled code")


@overload(_k)
def _k_compiled(value, like):
    if isinstance(like, types.Float) and like.bitwidth == 32:
        return lambda value, like: np.float32(value)
    return lambda value, like: np.float64(value)


@numba.njit(**_JIT)
def _pow(v, exponent):
    """NumPy's ``v ** exponent`` for a scalar ``v``."""
    return libm_pow(v, _k(exponent, v))


@numba.njit(**_JIT)
def _pairwise_block(a, lo, n):
    """NumPy's pairwise sum of ``a[lo:lo + n]`` for ``n <= 128``: in order below 8, else 8 running sums."""
    if n < 8:
        res = -0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - n % 8:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@numba.njit(**_JIT)
def _pairwise(a, n):
    """NumPy's pairwise sum of ``a[:n]`` (``pairwise_sum`` in ``loops_utils.h.src``).

    Above 128 terms NumPy sums the two halves (the first a multiple of 8 long) and adds
    them; the recursion is unrolled here with a stack (Numba cannot cache recursive code).
    """
    if n <= 128:
        return _pairwise_block(a, 0, n)
    starts = np.empty(128, np.int64)
    lengths = np.empty(128, np.int64)
    combine = np.empty(128, np.bool_)
    sums = np.empty(128, np.float64)
    top, count = 1, 0
    starts[0], lengths[0], combine[0] = 0, n, False
    while top > 0:
        top -= 1
        lo, m = starts[top], lengths[top]
        if combine[top]:  # both halves are summed: the left below the right
            count -= 1
            sums[count - 1] = sums[count - 1] + sums[count]
        elif m <= 128:
            sums[count] = _pairwise_block(a, lo, m)
            count += 1
        else:
            half = m // 2
            half -= half % 8
            starts[top], lengths[top], combine[top] = lo, m, True
            starts[top + 1], lengths[top + 1], combine[top + 1] = lo + half, m - half, False
            starts[top + 2], lengths[top + 2], combine[top + 2] = lo, half, False
            top += 3
    return sums[0]


@numba.njit(**_JIT)
def numpy_sum(a, n):
    """``np.sum(a[:n])`` for a float64 array: the reduction's identity plus the pairwise sum."""
    return 0.0 + _pairwise(a, n)


# --------------------------------------------------------------------------------------
# The catalogue's formulas, operation for operation (see rmsprop.objectives._catalogue).
# f takes float64 coordinates; the gradient takes and returns the data's dtype.
# --------------------------------------------------------------------------------------


@numba.njit(**_JIT)
def _seed(x1, x2):
    return 5.0 * (x1 * x1) + 7.0 * (x2 * x2)


@numba.njit(**_JIT)
def _seed_grad(x1, x2):
    return _k(10.0, x1) * x1, _k(14.0, x1) * x2


@numba.njit(**_JIT)
def _rosenbrock2(x1, x2):
    """2-D Rosenbrock: ``np.sum`` of the one term (``0.0 + term``); squares of arrays are ``v * v``."""
    valley = x2 - x1 * x1
    rest = 1.0 - x1
    return 0.0 + (100.0 * (valley * valley) + rest * rest)


@numba.njit(**_JIT)
def _rosenbrock2_grad(x1, x2):
    valley = x2 - x1 * x1
    zero = _k(0.0, x1)
    return (zero + ((_k(-400.0, x1) * x1) * valley - _k(2.0, x1) * (_k(1.0, x1) - x1)),
            zero + _k(200.0, x1) * valley)


@numba.njit(**_JIT)
def _beale(x1, x2):
    return (_pow((1.5 - x1) + x1 * x2, 2.0) + _pow((2.25 - x1) + x1 * _pow(x2, 2.0), 2.0)) + _pow(
        (2.625 - x1) + x1 * _pow(x2, 3.0), 2.0)


@numba.njit(**_JIT)
def _beale_grad(x1, x2):
    y2 = _pow(x2, 2.0)
    y3 = _pow(x2, 3.0)
    t1 = (_k(1.5, x1) - x1) + x1 * x2
    t2 = (_k(2.25, x1) - x1) + x1 * y2
    t3 = (_k(2.625, x1) - x1) + x1 * y3
    two, one = _k(2.0, x1), _k(1.0, x1)
    return (((two * t1) * (x2 - one) + (two * t2) * (y2 - one)) + (two * t3) * (y3 - one),
            ((two * t1) * x1 + ((_k(4.0, x1) * t2) * x1) * x2) + ((_k(6.0, x1) * t3) * x1) * y2)


@numba.njit(**_JIT)
def _booth(x1, x2):
    return _pow((x1 + 2.0 * x2) - 7.0, 2.0) + _pow((2.0 * x1 + x2) - 5.0, 2.0)


@numba.njit(**_JIT)
def _booth_grad(x1, x2):
    a = (x1 + _k(2.0, x1) * x2) - _k(7.0, x1)
    b = (_k(2.0, x1) * x1 + x2) - _k(5.0, x1)
    return _k(2.0, x1) * a + _k(4.0, x1) * b, _k(4.0, x1) * a + _k(2.0, x1) * b


@numba.njit(**_JIT)
def _himmelblau(x1, x2):
    return _pow((_pow(x1, 2.0) + x2) - 11.0, 2.0) + _pow((x1 + _pow(x2, 2.0)) - 7.0, 2.0)


@numba.njit(**_JIT)
def _himmelblau_grad(x1, x2):
    a = (_pow(x1, 2.0) + x2) - _k(11.0, x1)
    b = (x1 + _pow(x2, 2.0)) - _k(7.0, x1)
    return (_k(4.0, x1) * x1) * a + _k(2.0, x1) * b, _k(2.0, x1) * a + (_k(4.0, x1) * x2) * b


@numba.njit(**_JIT)
def _goldstein_p(x1, x2):
    """``19 - 14x + 3x^2 - 14y + 6xy + 3y^2``, left to right."""
    return (((((_k(19.0, x1) - _k(14.0, x1) * x1) + _k(3.0, x1) * _pow(x1, 2.0)) - _k(14.0, x1) * x2)
             + (_k(6.0, x1) * x1) * x2) + _k(3.0, x1) * _pow(x2, 2.0))


@numba.njit(**_JIT)
def _goldstein_q(x1, x2):
    """``18 - 32x + 12x^2 + 48y - 36xy + 27y^2``, left to right."""
    return (((((_k(18.0, x1) - _k(32.0, x1) * x1) + _k(12.0, x1) * _pow(x1, 2.0)) + _k(48.0, x1) * x2)
             - (_k(36.0, x1) * x1) * x2) + _k(27.0, x1) * _pow(x2, 2.0))


@numba.njit(**_JIT)
def _goldstein_price(x1, x2):
    left = 1.0 + _pow((x1 + x2) + 1.0, 2.0) * _goldstein_p(x1, x2)
    right = 30.0 + _pow(2.0 * x1 - 3.0 * x2, 2.0) * _goldstein_q(x1, x2)
    return left * right


@numba.njit(**_JIT)
def _goldstein_price_grad(x1, x2):
    s = (x1 + x2) + _k(1.0, x1)
    p = _goldstein_p(x1, x2)
    t = _k(2.0, x1) * x1 - _k(3.0, x1) * x2
    q = _goldstein_q(x1, x2)
    left = _k(1.0, x1) + _pow(s, 2.0) * p
    right = _k(30.0, x1) + _pow(t, 2.0) * q
    dleft = (_k(2.0, x1) * s) * p + _pow(s, 2.0) * ((_k(6.0, x1) * x1 + _k(6.0, x1) * x2) - _k(14.0, x1))
    dright_dx = (_k(4.0, x1) * t) * q + _pow(t, 2.0) * ((_k(24.0, x1) * x1 - _k(36.0, x1) * x2) - _k(32.0, x1))
    dright_dy = (_k(-6.0, x1) * t) * q + _pow(t, 2.0) * ((_k(54.0, x1) * x2 - _k(36.0, x1) * x1) + _k(48.0, x1))
    return dleft * right + left * dright_dx, dleft * right + left * dright_dy


@numba.njit(**_JIT)
def _matyas(x1, x2):
    return 0.26 * (_pow(x1, 2.0) + _pow(x2, 2.0)) - (0.48 * x1) * x2


@numba.njit(**_JIT)
def _matyas_grad(x1, x2):
    return _k(0.52, x1) * x1 - _k(0.48, x1) * x2, _k(0.52, x1) * x2 - _k(0.48, x1) * x1


@numba.njit(**_JIT)
def _three_hump_camel(x1, x2):
    return (((2.0 * _pow(x1, 2.0) - 1.05 * _pow(x1, 4.0)) + _pow(x1, 6.0) / 6.0) + x1 * x2) + _pow(x2, 2.0)


@numba.njit(**_JIT)
def _three_hump_camel_grad(x1, x2):
    return ((_k(4.0, x1) * x1 - _k(4.2, x1) * _pow(x1, 3.0)) + _pow(x1, 5.0)) + x2, x1 + _k(2.0, x1) * x2


@numba.njit(**_JIT)
def _saddle(x1, x2):
    return _pow(x1, 2.0) - _pow(x2, 2.0)


@numba.njit(**_JIT)
def _saddle_grad(x1, x2):
    return _k(2.0, x1) * x1, _k(-2.0, x1) * x2


@numba.njit(**_JIT)
def _ill_conditioned(x1, x2):
    return 0.1 * _pow(x1, 2.0) + 2.0 * _pow(x2, 2.0)


@numba.njit(**_JIT)
def _ill_conditioned_grad(x1, x2):
    return _k(0.2, x1) * x1, _k(4.0, x1) * x2


@numba.njit(**_JIT)
def _rotated(x1, x2):
    return 0.1 * _pow(x1 + x2, 2.0) + 2.0 * _pow(x1 - x2, 2.0)


@numba.njit(**_JIT)
def _rotated_grad(x1, x2):
    plus = x1 + x2
    minus = x1 - x2
    return _k(0.2, x1) * plus + _k(4.0, x1) * minus, _k(0.2, x1) * plus - _k(4.0, x1) * minus


@numba.njit(inline="always", **_JIT)
def _objective2(code, x1, x2):
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


@numba.njit(**_JIT)
def _rosenbrock(x, work):
    """``np.sum(100 (tail - head**2)**2 + (1 - head)**2)`` in float64 for ``x`` (1-D, any length)."""
    n = x.size - 1
    for i in range(n):
        head = np.float64(x[i])
        valley = np.float64(x[i + 1]) - head * head
        rest = 1.0 - head
        work[i] = 100.0 * (valley * valley) + rest * rest
    return numpy_sum(work, n)


@numba.njit(**_JIT)
def _rosenbrock_grad(x, g):
    """Rosenbrock's gradient into ``g``: zeros, then ``g[:-1] += ...``, then ``g[1:] += ...``."""
    for i in range(x.size):
        g[i] = _k(0.0, x[0])
    for i in range(x.size - 1):
        valley = x[i + 1] - x[i] * x[i]
        g[i] = g[i] + ((_k(-400.0, x[i]) * x[i]) * valley - _k(2.0, x[i]) * (_k(1.0, x[i]) - x[i]))
    for i in range(x.size - 1):
        valley = x[i + 1] - x[i] * x[i]
        g[i + 1] = g[i + 1] + _k(200.0, x[i]) * valley


# --------------------------------------------------------------------------------------
# The rule, one coordinate at a time (the seed's arithmetic, leaf_update's lines)
# --------------------------------------------------------------------------------------


@numba.njit(**_JIT)
def _plain(g, x, e, lr, decay, omd, eps, eps_in_sqrt):
    """The seed's step without options: ``e = decay e + (1 - decay) g^2``, ``x - lr g / sqrt(e + eps)``."""
    e = decay * e + omd * (g * g)
    d = np.sqrt(e + eps) if eps_in_sqrt else np.sqrt(e) + eps
    return x + (-(lr * g) / d), e


@numba.njit(**_JIT)
def _clipped(g, limit, on):
    """``np.clip(g, -limit, limit)`` when ``on``."""
    if on:
        if g < -limit:
            return -limit
        if g > limit:
            return limit
    return g


@numba.njit(**_JIT)
def _norm_factor(total, limit):
    """``clip_factors``' factor: 1 when ``sqrt(total) <= limit``, else ``limit / sqrt(total)`` (float64)."""
    norm = math.sqrt(total)
    return 1.0 if norm <= limit else limit / norm


@numba.njit(**_JIT)
def _coordinate(g, x, e, m, b, lr, neg_lr, lr_wd, decay, omd, eps, correction, leaf, total, clip, weight_decay,
                momentum, options):
    """One coordinate of a step with options, line by line as ``leaf_update``: the new ``x, e, m, b``.

    ``leaf`` and ``total`` are the clipping factors of the run's gradient (see ``_norm_factor``).
    """
    g = _clipped(g, clip, options[CLIP_VALUE])
    if options[CLIP_NORM]:
        g = g * leaf
    if options[GLOBAL_CLIP_NORM]:
        g = g * total
    if options[MAXIMIZE]:
        g = -g
    if options[COUPLED]:
        g = g + weight_decay * x
    e = decay * e + omd * (g * g)
    v = e / correction if options[BIAS_CORRECTION] else e
    if options[CENTERED]:
        m = decay * m + omd * g
        mean = m / correction if options[BIAS_CORRECTION] else m
        v = v - mean * mean
        if v < _k(0.0, v):
            v = _k(0.0, v)
    d = np.sqrt(v + eps) if options[EPS_IN_SQRT] else np.sqrt(v) + eps
    if not options[MOMENTUM]:
        u = -(lr * g) / d
    elif options[LR_INSIDE]:
        direction = (lr * g) / d
        b = momentum * b + direction
        u = -(direction + momentum * b) if options[NESTEROV] else -b
    else:
        direction = g / d
        b = momentum * b + direction
        u = neg_lr * (direction + momentum * b if options[NESTEROV] else b)
    if options[DECOUPLED]:
        u = u - lr_wd * x
    return x + u, e, m, b


# --------------------------------------------------------------------------------------
# One block of runs, to its end
# --------------------------------------------------------------------------------------


@numba.njit(**_JIT)
def _max_abs(v):
    """``np.linalg.norm(v, ord=inf)`` as a float64."""
    largest = np.float64(abs(v[0]))
    for i in range(1, v.size):
        largest = max(largest, np.float64(abs(v[i])))
    return largest


@numba.njit(**_JIT)
def _status(f, g_norm, gtol, nit, maxiter):
    """The status of a run at iterate ``nit`` with value ``f`` (``inf`` when anything is not finite)."""
    if not np.isfinite(f):
        return 3
    if g_norm <= gtol:
        return 0
    if nit >= maxiter:
        return 1
    return RUNNING


@numba.njit(**_JIT)
def _block_2d(code, lo, hi, x, g, f, lr, neg_lr, lr_wd, decay, omd, eps, decay64, options, s, limits, maxiter,
              nit, status, kind, path_x, path_f):
    """Runs ``lo:hi`` of a 2-D objective; the iterations are the outer loop, the runs the inner one.

    The block's state lives in arrays of its own, one per coordinate, and goes back to
    ``x, g, f, status`` at the end. With the plain rule (no options) each iteration first
    steps every run of the block in a loop without branches, which LLVM vectorises, then
    evaluates and checks the runs one by one.
    """
    n = hi - lo
    gtol = limits[GTOL_L]
    momentum, weight_decay, clip, initial = s[MOMENTUM_S], s[WEIGHT_DECAY_S], s[CLIP_VALUE_S], s[INITIAL_SCALE_S]
    one = _k(1.0, momentum)
    plain = not (options[CENTERED] or options[MOMENTUM] or options[COUPLED] or options[DECOUPLED]
                 or options[MAXIMIZE] or options[BIAS_CORRECTION] or options[CLIP_VALUE] or options[CLIP_NORM]
                 or options[GLOBAL_CLIP_NORM])
    per_run_lr, per_step_lr = lr.shape[0] > 1, lr.shape[1] > 1
    per_run_decay, per_run_eps = decay.shape[0] > 1, eps.shape[0] > 1
    x1, x2, g1, g2 = np.empty(n, x.dtype), np.empty(n, x.dtype), np.empty(n, x.dtype), np.empty(n, x.dtype)
    e1, e2 = np.full(n, initial), np.full(n, initial)
    m1, m2, b1, b2 = np.zeros(n, x.dtype), np.zeros(n, x.dtype), np.zeros(n, x.dtype), np.zeros(n, x.dtype)
    values = np.empty(n, np.float64)
    states = np.empty(n, np.int64)
    running = 0
    for k in range(n):
        j = lo + k
        x1[k], x2[k] = x[j, 0], x[j, 1]
        values[k], g1[k], g2[k] = _objective2(code, x1[k], x2[k])
        if options[TRAJECTORIES]:
            path_x[j, 0, 0], path_x[j, 0, 1], path_f[j, 0] = x1[k], x2[k], values[k]
        finite = np.isfinite(g1[k]) and np.isfinite(g2[k])
        states[k] = _status(values[k] if finite else np.inf, max(np.float64(abs(g1[k])), np.float64(abs(g2[k]))),
                            gtol, 0, maxiter)
        kind[j] = START if states[k] == 3 else 0
        nit[j] = 0
        running += states[k] == RUNNING
    # The plain rule's settings, one per run of the block, for the loop that vectorises.
    rates, decays, omds, epss = np.empty(n, x.dtype), np.empty(n, x.dtype), np.empty(n, x.dtype), np.empty(n, x.dtype)
    for k in range(n):
        j = lo + k
        rates[k] = lr[j if per_run_lr else 0, 0]
        decays[k], omds[k] = decay[j if per_run_decay else 0], omd[j if per_run_decay else 0]
        epss[k] = eps[j if per_run_eps else 0]
    steps1, steps2 = np.empty(n, x.dtype), np.empty(n, x.dtype)
    sums1, sums2 = np.empty(n, x.dtype), np.empty(n, x.dtype)
    t = 0
    while running > 0:
        column = t if per_step_lr else 0
        if plain:
            if per_step_lr:
                rates[:] = lr[0, column]
            for k in range(n):  # every run, those that stopped too (their numbers are not used)
                steps1[k], sums1[k] = _plain(g1[k], x1[k], e1[k], rates[k], decays[k], omds[k], epss[k],
                                             options[EPS_IN_SQRT])
                steps2[k], sums2[k] = _plain(g2[k], x2[k], e2[k], rates[k], decays[k], omds[k], epss[k],
                                             options[EPS_IN_SQRT])
        for k in range(n):
            if states[k] != RUNNING:
                continue
            j = lo + k
            row = j if per_run_lr else 0
            jd, je = j if per_run_decay else 0, j if per_run_eps else 0
            if plain:
                n1, n2, e1[k], e2[k] = steps1[k], steps2[k], sums1[k], sums2[k]
            else:
                correction = one
                if options[BIAS_CORRECTION]:  # Python's 1.0 - decay ** (t + 1), then rounded
                    correction = _k(1.0 - libm_pow(decay64[jd], np.float64(t + 1)), one)
                c1, c2 = _clipped(g1[k], clip, options[CLIP_VALUE]), _clipped(g2[k], clip, options[CLIP_VALUE])
                leaf = total = one
                if options[CLIP_NORM]:  # np.sum of the two squares: 0.0 + (a + b)
                    leaf = _k(_norm_factor(0.0 + (np.float64(c1 * c1) + np.float64(c2 * c2)),
                                           limits[CLIP_NORM_L]), one)
                    c1, c2 = c1 * leaf, c2 * leaf
                if options[GLOBAL_CLIP_NORM]:
                    total = _k(_norm_factor(0.0 + (np.float64(c1 * c1) + np.float64(c2 * c2)),
                                            limits[GLOBAL_CLIP_NORM_L]), one)
                arguments = (lr[row, column], neg_lr[row, column], lr_wd[row, column], decay[jd], omd[jd], eps[je],
                             correction, leaf, total, clip, weight_decay, momentum, options)
                n1, e1[k], m1[k], b1[k] = _coordinate(g1[k], x1[k], e1[k], m1[k], b1[k], *arguments)
                n2, e2[k], m2[k], b2[k] = _coordinate(g2[k], x2[k], e2[k], m2[k], b2[k], *arguments)
            if not (np.isfinite(n1) and np.isfinite(n2)):
                states[k], kind[j] = 3, STEP
                running -= 1
                continue
            fn, h1, h2 = _objective2(code, n1, n2)
            if not (np.isfinite(fn) and np.isfinite(h1) and np.isfinite(h2)):
                states[k], kind[j] = 3, EVALUATION
                running -= 1
                continue
            x1[k], x2[k], g1[k], g2[k], values[k] = n1, n2, h1, h2, fn
            nit[j] = t + 1
            if options[TRAJECTORIES]:
                path_x[j, t + 1, 0], path_x[j, t + 1, 1], path_f[j, t + 1] = n1, n2, fn
            states[k] = _status(fn, max(np.float64(abs(h1)), np.float64(abs(h2))), gtol, t + 1, maxiter)
            running -= states[k] != RUNNING
        t += 1
    for k in range(n):
        j = lo + k
        x[j, 0], x[j, 1], g[j, 0], g[j, 1], f[j], status[j] = x1[k], x2[k], g1[k], g2[k], values[k], states[k]


@numba.njit(**_JIT)
def _all_finite(v):
    for i in range(v.size):
        if not np.isfinite(v[i]):
            return False
    return True


@numba.njit(**_JIT)
def _block_nd(code, lo, hi, x, g, f, lr, neg_lr, lr_wd, decay, omd, eps, decay64, options, s, limits, maxiter,
              nit, status, kind, path_x, path_f):
    """Runs ``lo:hi`` of Rosenbrock in ``d != 2`` dimensions (the only such objective here; ``code``
    is unused), one coordinate loop per line, the state in arrays of the block's own."""
    d = x.shape[1]
    e = np.full((hi - lo, d), s[INITIAL_SCALE_S])  # row j - lo is run j's
    m = np.zeros((hi - lo, d), x.dtype)
    b = np.zeros((hi - lo, d), x.dtype)
    gtol = limits[GTOL_L]
    momentum, weight_decay, clip = s[MOMENTUM_S], s[WEIGHT_DECAY_S], s[CLIP_VALUE_S]
    one = _k(1.0, momentum)
    per_run_lr, per_step_lr = lr.shape[0] > 1, lr.shape[1] > 1
    per_run_decay, per_run_eps = decay.shape[0] > 1, eps.shape[0] > 1
    xn = np.empty(d, x.dtype)
    gn = np.empty(d, x.dtype)
    gc = np.empty(d, x.dtype)
    work = np.empty(d, np.float64)
    running = 0
    for j in range(lo, hi):
        for i in range(d):
            xn[i] = x[j, i]
        fj = _rosenbrock(xn, work)
        _rosenbrock_grad(xn, gn)
        for i in range(d):
            g[j, i] = gn[i]
            if options[TRAJECTORIES]:
                path_x[j, 0, i] = xn[i]
        f[j], nit[j] = fj, 0
        if options[TRAJECTORIES]:
            path_f[j, 0] = fj
        status[j] = _status(fj if _all_finite(gn) else np.inf, _max_abs(gn), gtol, 0, maxiter)
        kind[j] = START if status[j] == 3 else 0
        running += status[j] == RUNNING
    t = 0
    while running > 0:
        column = t if per_step_lr else 0
        for j in range(lo, hi):
            if status[j] != RUNNING:
                continue
            row = j if per_run_lr else 0
            jd, je = j if per_run_decay else 0, j if per_run_eps else 0
            correction = one
            if options[BIAS_CORRECTION]:  # Python's 1.0 - decay ** (t + 1), then rounded
                correction = _k(1.0 - libm_pow(decay64[jd], np.float64(t + 1)), one)
            leaf = total = one
            if options[CLIP_NORM] or options[GLOBAL_CLIP_NORM]:
                for i in range(d):
                    gc[i] = _clipped(g[j, i], clip, options[CLIP_VALUE])
                    work[i] = np.float64(gc[i] * gc[i])
                if options[CLIP_NORM]:
                    leaf = _k(_norm_factor(numpy_sum(work, d), limits[CLIP_NORM_L]), one)
                    for i in range(d):
                        gc[i] = gc[i] * leaf
                        work[i] = np.float64(gc[i] * gc[i])
                if options[GLOBAL_CLIP_NORM]:
                    total = _k(_norm_factor(numpy_sum(work, d), limits[GLOBAL_CLIP_NORM_L]), one)
            for i in range(d):
                xn[i], e[j - lo, i], mi, bi = _coordinate(
                    g[j, i], x[j, i], e[j - lo, i], m[j - lo, i] if options[CENTERED] else one,
                    b[j - lo, i] if options[MOMENTUM] else one, lr[row, column], neg_lr[row, column],
                    lr_wd[row, column], decay[jd], omd[jd], eps[je], correction, leaf, total, clip, weight_decay,
                    momentum, options)
                if options[CENTERED]:
                    m[j - lo, i] = mi
                if options[MOMENTUM]:
                    b[j - lo, i] = bi
            if not _all_finite(xn):
                status[j], kind[j] = 3, STEP
                running -= 1
                continue
            fn = _rosenbrock(xn, work)
            _rosenbrock_grad(xn, gn)
            if not (np.isfinite(fn) and _all_finite(gn)):
                status[j], kind[j] = 3, EVALUATION
                running -= 1
                continue
            for i in range(d):
                x[j, i] = xn[i]
                g[j, i] = gn[i]
                if options[TRAJECTORIES]:
                    path_x[j, t + 1, i] = xn[i]
            f[j], nit[j] = fn, t + 1
            if options[TRAJECTORIES]:
                path_f[j, t + 1] = fn
            status[j] = _status(fn, _max_abs(gn), gtol, t + 1, maxiter)
            running -= status[j] != RUNNING
        t += 1


@numba.njit(parallel=True, **_JIT)
def run(code, x, g, f, lr, neg_lr, lr_wd, decay, omd, eps, decay64, flags, s, limits, maxiter, nit, status, kind,
        path_x, path_f):
    """Run every row of ``x`` to its end, in place, blocks of :data:`BLOCK` runs in parallel.

    ``x`` (B, d) holds the starts and receives the last iterates; ``g`` (B, d) and ``f`` (B,)
    the gradients and float64 values there. ``lr``, ``neg_lr``, ``lr_wd`` are ``(B, 1)`` (a
    rate per run), ``(1, S)`` (a schedule's rate per step) or ``(1, 1)``; ``decay``, ``omd``
    (``1 - decay``) and ``eps`` have one entry per run or one for all; all these are in the
    data's dtype, rounded from float64. ``decay64`` is the float64 decay for the bias
    correction (shaped like ``decay``). ``flags``, ``s`` and ``limits`` hold :data:`FLAGS`,
    :data:`SCALARS` and :data:`LIMITS`. Writes ``nit``, ``status``, ``kind`` (``START``,
    ``STEP``, ``EVALUATION`` of :mod:`rmsprop._batch` for status 3, else 0) and, with the
    trajectories flag, ``path_x[j, t]`` and ``path_f[j, t]`` for ``t <= nit[j]``.
    """
    options = (flags[0] != 0, flags[1] != 0, flags[2] != 0, flags[3] != 0, flags[4] != 0, flags[5] != 0,
               flags[6] != 0, flags[7] != 0, flags[8] != 0, flags[9] != 0, flags[10] != 0, flags[11] != 0,
               flags[12] != 0)
    n_runs, d = x.shape
    for block in numba.prange((n_runs + BLOCK - 1) // BLOCK):
        lo = block * BLOCK
        hi = min(lo + BLOCK, n_runs)
        if d == 2:  # every objective but Rosenbrock in other dimensions
            _block_2d(code, lo, hi, x, g, f, lr, neg_lr, lr_wd, decay, omd, eps, decay64, options, s, limits,
                      maxiter, nit, status, kind, path_x, path_f)
        else:
            _block_nd(code, lo, hi, x, g, f, lr, neg_lr, lr_wd, decay, omd, eps, decay64, options, s, limits,
                      maxiter, nit, status, kind, path_x, path_f)
