"""Compiled batch runs for :func:`rmsprop.minimize_many`: a whole RMSprop run per row.

:func:`runner` gives, for one spec (:meth:`rmsprop.Settings.spec`), a compiled function
that takes B starts and runs each exactly as :func:`rmsprop.minimize` would, on one of
the catalogue objectives of :mod:`rmsprop._compiled.objectives`, with the rule's own step
(:func:`rmsprop._compiled.rule.step_for`), so every option and every library's arithmetic
runs here. The runs are independent, so the rows are split over the cores (Python threads,
each running a compiled loop without the GIL), in blocks of :data:`BLOCK`; inside a block the iterations are the outer loop and the runs the inner
one, so that the CPU overlaps the steps of neighbouring runs instead of waiting on one
run's chain of divisions and square roots, and LLVM vectorises the steps of the block.

Bit for bit: the step's numbers are :func:`rmsprop.rule.step.scalars`' (the engine in
:mod:`rmsprop._batch` builds them), the bias correction and the clipping factors are the
rule's own functions, and the objectives are NumPy's operations in NumPy's order.

Speed: Numba counts references to every array passed to a function that it does not
inline (an atomic operation, contended when threads share the array), so array
arguments appear only in calls made once per block, and everything called per run and
step takes scalars.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from .._status import RUNNING, Status, Stop
from .announce import watch
from .numpy_semantics import JIT, like
from .objectives import OBJECTIVES_SOURCE_HASH, objective2, rosenbrock, rosenbrock_grad
from .rule import RULE_SOURCE_HASH, bias_correction, clip, clip_factor, with_step
from .run_parts import NOISE_SOURCE_HASH, all_finite, clip_scales, max_abs, noisy, run_options, scalars_at
from .run_parts import status as _status

__all__ = ["BLOCK", "runner"]

#: Runs per block: one block's runs step together, one block per task of the thread pool.
BLOCK = 256

_NONFINITE = int(Status.NONFINITE)
_START, _STEP, _EVALUATION = int(Stop.START), int(Stop.STEP), int(Stop.EVALUATION)


@functools.cache
def runner(spec: tuple[int, ...], noise: int = 0):
    """The compiled batch run of ``spec``: ``run(objective, x, g, f, rates, per_run, shared, decay64, limits, ...)``.

    See :mod:`rmsprop._batch` (``_run_compiled``) for the arguments; the spec's options are constants of the
    compiled code, and a spec is compiled once, on its first use, and cached on disk. The last six
    arguments are the runs' state ``e, m, b`` (B, d), kept between calls; ``w`` (B, steps, d)
    float64, the noise's draws times its scale (read with ``noise`` only); and the steps
    ``t0 .. t1 - 1`` to take: a call with ``t0 = 0`` starts the runs, a later one goes on from
    where the last left them.

    Parameters
    ----------
    spec : tuple of int
        The step's spec (:meth:`rmsprop.Settings.spec`).
    noise : int, optional
        0: no noise (default); 1: absolute noise; 2: relative noise (:mod:`rmsprop._noise`).

    Returns
    -------
    callable
        ``run(...)``: runs every row of ``x`` in place, over threads; it compiles the loop
        it needs (2-D objectives, or Rosenbrock in other dimensions) on its first call.

    Examples
    --------
    Nothing compiles until a run:

    >>> import numpy as np
    >>> from rmsprop import Settings
    >>> spec = Settings(learning_rate=0.1).spec(np.float64)
    >>> runner(spec) is runner(spec)
    True
    """
    return _make_run(spec, noise)


def _compile(spec, objective, two, noise):
    """The compiled loop of ``spec`` over blocks of runs: of the 2-D ``objective``, or of Rosenbrock in ``d != 2``."""
    if two:
        block = _make_block_2d(spec, objective, noise)
        loop = numba.njit(**JIT)(with_step(block, spec, objective2=objective2(objective)))
    else:
        loop = numba.njit(**JIT)(with_step(_make_block_nd(spec, noise), spec))
    what = f"minimize_many on {objective}" + ("" if two else " in d != 2 dimensions") + (" with noise" if noise else "")
    return watch(loop, "minimize_many", what)


def _make_block_2d(spec, objective, noise):
    rule_version, objectives_version = RULE_SOURCE_HASH, OBJECTIVES_SOURCE_HASH
    noise_version = NOISE_SOURCE_HASH if noise else ""
    relative = noise == 2
    clip_value, clip_norm, global_clip_norm, debias = run_options(spec)

    def block_2d(
        start,
        stop,
        x,
        g,
        f,
        rates,
        per_step,
        per_run,
        per_run_rows,
        shared,
        decay64,
        limits,
        initial,
        maxiter,
        trajectories,
        nit,
        status,
        kind,
        path_x,
        path_f,
        e,
        m,
        b,
        w,
        t0,
        t1,
    ):
        """Runs ``start:stop`` of a 2-D objective, :data:`BLOCK` at a time, steps ``t0 .. t1 - 1``; in a block the
        iterations are the outer loop, the runs the inner one."""
        spec, objective, rule_version, objectives_version, noise, noise_version  # noqa: B018 - keys of the disk cache
        for lo in range(start, stop, BLOCK):
            hi = min(lo + BLOCK, stop)
            n = hi - lo
            gtol, clip_limit, global_limit = limits[0], limits[1], limits[2]
            # Only np.empty, of the arrays' own dtypes, filled below: on a cold cache, each of np.full, np.zeros
            # and each way of naming a dtype compiles one more function.
            x1, x2, g1, g2 = np.empty(n, x.dtype), np.empty(n, x.dtype), np.empty(n, x.dtype), np.empty(n, x.dtype)
            e1, e2, m1, m2 = np.empty(n, x.dtype), np.empty(n, x.dtype), np.empty(n, x.dtype), np.empty(n, x.dtype)
            b1, b2, n1, n2 = np.empty(n, x.dtype), np.empty(n, x.dtype), np.empty(n, x.dtype), np.empty(n, x.dtype)
            values = np.empty(n, f.dtype)
            states = np.empty(n, status.dtype)
            one, zero = like(1.0, initial), like(0.0, initial)
            running = 0
            for k in range(n):
                j = lo + k
                x1[k], x2[k] = x[j, 0], x[j, 1]
                if t0 > 0:  # going on from the last call
                    e1[k], e2[k], m1[k], m2[k], b1[k], b2[k] = e[j, 0], e[j, 1], m[j, 0], m[j, 1], b[j, 0], b[j, 1]
                    g1[k], g2[k], values[k], states[k] = g[j, 0], g[j, 1], f[j], status[j]
                    running += states[k] == RUNNING
                    continue
                e1[k], e2[k], m1[k], m2[k], b1[k], b2[k] = initial, initial, zero, zero, zero, zero
                values[k], g1[k], g2[k] = objective2(x1[k], x2[k])  # noqa: F821 - the run's
                if trajectories:
                    path_x[j, 0, 0], path_x[j, 0, 1], path_f[j, 0] = x1[k], x2[k], values[k]
                finite = np.isfinite(g1[k]) and np.isfinite(g2[k])
                nit[j] = 0
                states[k] = _status(
                    values[k] if finite else np.inf,
                    max(np.float64(abs(g1[k])), np.float64(abs(g2[k]))),
                    gtol,
                    nit[j],  # not the constant 0: a literal argument compiles _status once more
                    maxiter,
                )
                kind[j] = _START if states[k] == _NONFINITE else 0
                running += states[k] == RUNNING
            t = t0
            while running > 0 and t < t1:
                column = t if per_step else 0
                for k in range(n):  # every run, those that stopped too (their numbers are not used): it vectorises
                    j = lo + k
                    row = j if per_run_rows else 0
                    correction = one
                    if debias:  # Python's 1.0 - decay ** (t + 1), then rounded
                        correction = like(bias_correction(decay64[row], t), one)
                    s1, s2 = g1[k], g2[k]  # the gradient the step is given
                    if noise:
                        s1, s2 = noisy(s1, w[j, t - t0, 0], relative), noisy(s2, w[j, t - t0, 1], relative)
                    leaf = total = one
                    if clip_norm or global_clip_norm:
                        c1, c2 = s1, s2
                        if clip_value:
                            c1, c2 = clip(c1, shared[2]), clip(c2, shared[2])
                        if clip_norm:  # np.sum of the two squares: 0.0 + (a + b)
                            leaf = like(clip_factor(0.0 + (np.float64(c1 * c1) + np.float64(c2 * c2)), clip_limit), one)
                            c1, c2 = c1 * leaf, c2 * leaf
                        if global_clip_norm:
                            total = like(
                                clip_factor(0.0 + (np.float64(c1 * c1) + np.float64(c2 * c2)), global_limit), one
                            )
                    s = scalars_at(
                        rates,
                        column if per_step else (j if rates.shape[0] > 1 else 0),
                        per_run,
                        row,
                        shared,
                        correction,
                        leaf,
                        total,
                    )
                    u1, e1[k], m1[k], b1[k] = step(s1, x1[k], e1[k], m1[k], b1[k], s)  # noqa: F821 - spec's step
                    u2, e2[k], m2[k], b2[k] = step(s2, x2[k], e2[k], m2[k], b2[k], s)  # noqa: F821
                    n1[k], n2[k] = x1[k] + u1, x2[k] + u2
                for k in range(n):
                    if states[k] != RUNNING:
                        continue
                    j = lo + k
                    if not (np.isfinite(n1[k]) and np.isfinite(n2[k])):
                        states[k], kind[j] = _NONFINITE, _STEP
                        running -= 1
                        continue
                    fn, h1, h2 = objective2(n1[k], n2[k])  # noqa: F821
                    if not (np.isfinite(fn) and np.isfinite(h1) and np.isfinite(h2)):
                        states[k], kind[j] = _NONFINITE, _EVALUATION
                        running -= 1
                        continue
                    x1[k], x2[k], g1[k], g2[k], values[k] = n1[k], n2[k], h1, h2, fn
                    nit[j] = t + 1
                    if trajectories:
                        path_x[j, t + 1, 0], path_x[j, t + 1, 1], path_f[j, t + 1] = n1[k], n2[k], fn
                    states[k] = _status(fn, max(np.float64(abs(h1)), np.float64(abs(h2))), gtol, t + 1, maxiter)
                    running -= states[k] != RUNNING
                t += 1
            for k in range(n):
                j = lo + k
                x[j, 0], x[j, 1], g[j, 0], g[j, 1], f[j], status[j] = x1[k], x2[k], g1[k], g2[k], values[k], states[k]
                e[j, 0], e[j, 1], m[j, 0], m[j, 1], b[j, 0], b[j, 1] = e1[k], e2[k], m1[k], m2[k], b1[k], b2[k]

    return block_2d


def _make_block_nd(spec, noise):
    rule_version, objectives_version = RULE_SOURCE_HASH, OBJECTIVES_SOURCE_HASH
    noise_version = NOISE_SOURCE_HASH if noise else ""
    relative = noise == 2
    clip_value, clip_norm, global_clip_norm, debias = run_options(spec)

    def block_nd(
        start,
        stop,
        x,
        g,
        f,
        rates,
        per_step,
        per_run,
        per_run_rows,
        shared,
        decay64,
        limits,
        initial,
        maxiter,
        trajectories,
        nit,
        status,
        kind,
        path_x,
        path_f,
        e,
        m,
        b,
        w,
        t0,
        t1,
    ):
        """Runs ``start:stop`` of Rosenbrock in ``d != 2`` dimensions, one run at a time, steps ``t0 .. t1 - 1``."""
        spec, rule_version, objectives_version, noise, noise_version  # noqa: B018 - keys of the disk cache
        for lo in range(start, stop, BLOCK):
            hi = min(lo + BLOCK, stop)
            d = x.shape[1]
            gtol = limits[0]
            one = like(1.0, initial)
            zero = like(0.0, initial)
            xn = np.empty(d, x.dtype)
            gn = np.empty(d, x.dtype)
            gc = np.empty(d, x.dtype)
            seen = np.empty((1, d), x.dtype)  # the gradient the step is given
            work = np.empty(d, np.float64)
            running = 0
            for j in range(lo, hi):
                if t0 > 0:  # going on from the last call
                    running += status[j] == RUNNING
                    continue
                for i in range(d):
                    e[j, i], m[j, i], b[j, i] = initial, zero, zero
                for i in range(d):
                    xn[i] = x[j, i]
                fj = rosenbrock(xn, work)
                rosenbrock_grad(xn, gn)
                for i in range(d):
                    g[j, i] = gn[i]
                    if trajectories:
                        path_x[j, 0, i] = xn[i]
                f[j], nit[j] = fj, 0
                if trajectories:
                    path_f[j, 0] = fj
                status[j] = _status(fj if all_finite(gn) else np.inf, max_abs(gn), gtol, nit[j], maxiter)
                kind[j] = _START if status[j] == _NONFINITE else 0
                running += status[j] == RUNNING
            t = t0
            while running > 0 and t < t1:
                column = t if per_step else 0
                for j in range(lo, hi):
                    if status[j] != RUNNING:
                        continue
                    row = j if per_run_rows else 0
                    correction = one
                    if debias:
                        correction = like(bias_correction(decay64[row], t), one)
                    for i in range(d):
                        seen[0, i] = noisy(g[j, i], w[j, t - t0, i], relative) if noise else g[j, i]
                    leaf = total = one
                    if clip_norm or global_clip_norm:
                        leaf, total = clip_scales(
                            seen, 0, gc, work, clip_value, clip_norm, global_clip_norm, limits, shared[2], one
                        )
                    s = scalars_at(
                        rates,
                        column if per_step else (j if rates.shape[0] > 1 else 0),
                        per_run,
                        row,
                        shared,
                        correction,
                        leaf,
                        total,
                    )
                    for i in range(d):
                        u, e[j, i], m[j, i], b[j, i] = step(seen[0, i], x[j, i], e[j, i], m[j, i], b[j, i], s)  # noqa: F821
                        xn[i] = x[j, i] + u
                    if not all_finite(xn):
                        status[j], kind[j] = _NONFINITE, _STEP
                        running -= 1
                        continue
                    fn = rosenbrock(xn, work)
                    rosenbrock_grad(xn, gn)
                    if not (np.isfinite(fn) and all_finite(gn)):
                        status[j], kind[j] = _NONFINITE, _EVALUATION
                        running -= 1
                        continue
                    for i in range(d):
                        x[j, i] = xn[i]
                        g[j, i] = gn[i]
                        if trajectories:
                            path_x[j, t + 1, i] = xn[i]
                    f[j], nit[j] = fn, t + 1
                    if trajectories:
                        path_f[j, t + 1] = fn
                    status[j] = _status(fn, max_abs(gn), gtol, t + 1, maxiter)
                    running -= status[j] != RUNNING
                t += 1

    return block_nd


def _make_run(spec, noise):
    """The run of ``spec``: rows split over threads, each a compiled loop over its blocks (``nogil``)."""
    compiled = {}

    def run(
        objective,
        x,
        g,
        f,
        rates,
        per_step,
        per_run,
        per_run_rows,
        shared,
        decay64,
        limits,
        initial,
        maxiter,
        trajectories,
        nit,
        status,
        kind,
        path_x,
        path_f,
        e,
        m,
        b,
        w,
        t0,
        t1,
    ):
        two = x.shape[1] == 2  # every objective but Rosenbrock in other dimensions
        key = objective if two else None
        if key not in compiled:  # compile only the loop this call needs
            compiled[key] = _compile(spec, objective, two, noise)
        blocks = compiled[key]
        arguments = (
            x,
            g,
            f,
            rates,
            per_step,
            per_run,
            per_run_rows,
            shared,
            decay64,
            limits,
            initial,
            maxiter,
            trajectories,
            nit,
            status,
            kind,
            path_x,
            path_f,
            e,
            m,
            b,
            w,
            t0,
            t1,
        )
        n_runs = x.shape[0]
        threads = min(numba.config.NUMBA_NUM_THREADS, (n_runs + BLOCK - 1) // BLOCK)
        if threads <= 1:
            blocks(0, n_runs, *arguments)
            return
        per_thread = (n_runs + BLOCK - 1) // BLOCK // threads * BLOCK or BLOCK
        bounds = list(range(0, n_runs, per_thread)) + [n_runs]
        with ThreadPoolExecutor(threads) as pool:
            for done in [pool.submit(blocks, lo, hi, *arguments) for lo, hi in zip(bounds, bounds[1:])]:
                done.result()

    return run
