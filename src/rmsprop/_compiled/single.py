"""Compiled single runs for :func:`rmsprop.minimize`: one run, a chunk of iterations per call, its path recorded.

:func:`chunk_runner` gives, for one spec (:meth:`rmsprop.Settings.spec`), a compiled loop that
takes up to ``steps`` iterations of one run from iterate ``t0`` exactly as ``minimize``'s Python
loop takes them: the rule's own step (:func:`rmsprop._compiled.rule.step_for`), the catalogue
objective's compiled formula (:mod:`rmsprop._compiled.objectives`), and the stopping test and
clipping factors of :mod:`rmsprop._compiled.run_parts`, the batch engine's. It writes each new
iterate, its value, its gradient and the gradient's norm into the rows of the arrays it is given,
and stops early at a stop of the run. The caller (:mod:`rmsprop._minimize_compiled`) hands it
chunks of rows, so a long run with an early stop never holds rows it does not fill, and saves
checkpoints between chunks.
"""

from __future__ import annotations

import functools

import numba
import numpy as np

from .._status import RUNNING, Status, Stop
from .announce import watch
from .numpy_semantics import JIT, like
from .objectives import OBJECTIVES_SOURCE_HASH, objective2, rosenbrock, rosenbrock_grad
from .rule import RULE_SOURCE_HASH, bias_correction, with_step
from .run_parts import NOISE_SOURCE_HASH, all_finite, clip_scales, max_abs, noisy, run_options, scalars_at, status

__all__ = ["chunk_runner"]

_NONFINITE = int(Status.NONFINITE)
_STEP, _EVALUATION = int(Stop.STEP), int(Stop.EVALUATION)


@functools.cache
def chunk_runner(spec: tuple[int, ...], objective: str, two: bool, noise: int = 0):
    """The compiled loop of ``spec`` on ``objective``: ``chunk(x, g, f, e, m, b, e_next, m_next, b_next, ...)``.

    Its arguments, in order: the iterate ``x`` (d,), its gradient ``g``
    (1, d) and value ``f`` (1,) float64, all updated in place; the state at ``x``, ``e, m, b``
    (d,), updated in place, and ``e_next, m_next, b_next`` (d,), which receive the state of a
    step that fails; the tables ``rates`` (one row, or one per step of the chunk when
    ``per_step``), ``per_run`` and ``shared`` (:func:`rmsprop._compiled_runs.step_tables`);
    ``decay64`` (1,) and ``limits`` ``(gtol, clip_norm, global_clip_norm)`` in float64; ``w``
    (steps, d) float64, the noise's draws times its scale for the chunk's steps (read with
    ``noise`` only: the step is given :func:`~rmsprop._compiled.run_parts.noisy` of the
    gradient, as :mod:`rmsprop._noise` defines it); ``t0``,
    the iterate's number; ``steps``, the iterations at most in this chunk; ``maxiter``; the rows
    ``path_x`` (steps, d), ``path_f`` (steps,) float64, ``path_g`` (steps, d) and ``path_norm``
    (steps,) float64, the trajectory's order; and
    ``outcome`` (3,) int64, which receives the iterations taken, the status (``RUNNING`` when
    the chunk ends with the run going) and, for status 3, the stop's kind.

    Parameters
    ----------
    spec : tuple of int
        The step's spec (:meth:`rmsprop.Settings.spec`).
    objective : str
        The objective's name, one of :data:`~rmsprop._compiled.objectives.OBJECTIVES`: its formulas only are compiled.
    two : bool
        Whether the objective is 2-D (any of them), else Rosenbrock in another dimension.
    noise : int, optional
        0: no noise (default); 1: absolute noise; 2: relative noise.

    Returns
    -------
    numba.core.registry.CPUDispatcher
        The loop, compiled on its first call and cached on disk.

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop import Settings
    >>> spec = Settings(learning_rate=0.1).spec(np.float64)
    >>> chunk_runner(spec, "seed", True) is chunk_runner(spec, "seed", True)
    True
    """
    chunk = _make_chunk(spec, objective, two, noise)
    loop = numba.njit(**JIT)(with_step(chunk, spec, objective2=objective2(objective)))
    return watch(loop, "minimize", f"minimize on {objective}" + (" with noise" if noise else ""))


def _make_chunk(spec, objective, two, noise):
    rule_version, objectives_version = RULE_SOURCE_HASH, OBJECTIVES_SOURCE_HASH
    noise_version = NOISE_SOURCE_HASH if noise else ""
    relative = noise == 2
    clip_value, clip_norm, global_clip_norm, debias = run_options(spec)

    def chunk(
        x,
        g,
        f,
        e,
        m,
        b,
        e_next,
        m_next,
        b_next,
        rates,
        per_step,
        per_run,
        shared,
        decay64,
        limits,
        w,
        t0,
        steps,
        maxiter,
        path_x,
        path_f,
        path_g,
        path_norm,
        outcome,
    ):
        """Up to ``steps`` iterations of one run from iterate ``t0``; see :func:`chunk_runner`."""
        spec, objective, rule_version, objectives_version, two, noise, noise_version  # noqa: B018 - keys of the disk cache
        d = x.size
        gtol = limits[0]
        one = like(1.0, x[0])
        x_next = np.empty(d, x.dtype)
        g_next = np.empty(d, x.dtype)
        gc = np.empty(d, x.dtype)
        work = np.empty(d, np.float64)
        given = np.empty((1, d), x.dtype)  # the noisy gradient
        value = f[0]
        done, state, kind = 0, RUNNING, 0
        while done < steps:
            t = t0 + done
            correction = one
            if debias:  # Python's 1.0 - decay ** (t + 1), then rounded
                correction = like(bias_correction(decay64[0], t), one)
            seen = g
            if noise:
                for i in range(d):
                    given[0, i] = noisy(g[0, i], w[done, i], relative)
                seen = given
            leaf = total = one
            if clip_norm or global_clip_norm:
                leaf, total = clip_scales(
                    seen, 0, gc, work, clip_value, clip_norm, global_clip_norm, limits, shared[2], one
                )
            s = scalars_at(rates, done if per_step else 0, per_run, 0, shared, correction, leaf, total)
            for i in range(d):
                u, e_next[i], m_next[i], b_next[i] = step(seen[0, i], x[i], e[i], m[i], b[i], s)  # noqa: F821
                x_next[i] = x[i] + u
            if not all_finite(x_next):
                state, kind = _NONFINITE, _STEP
                break
            if two:
                fn, g_next[0], g_next[1] = objective2(x_next[0], x_next[1])  # noqa: F821 - the run's
            else:
                fn = rosenbrock(x_next, work)
                rosenbrock_grad(x_next, g_next)
            if not (np.isfinite(fn) and all_finite(g_next)):
                state, kind = _NONFINITE, _EVALUATION
                break
            norm = max_abs(g_next)
            for i in range(d):
                x[i], g[0, i], e[i], m[i], b[i] = x_next[i], g_next[i], e_next[i], m_next[i], b_next[i]
                path_x[done, i], path_g[done, i] = x_next[i], g_next[i]
            path_f[done], path_norm[done] = fn, norm
            value = fn
            done += 1
            state = status(fn, norm, gtol, t + 1, maxiter)
            if state != RUNNING:
                break
        f[0] = value
        outcome[0], outcome[1], outcome[2] = done, state, kind

    return chunk
