"""``minimize_many``: B independent RMSprop runs at once, each exactly the run ``minimize`` makes.

Row ``i`` of the result is ``rmsprop.minimize(objective, x0s[i], learning_rate=lr[i], decay=decay[i], eps=eps[i],
maxiter=..., gtol=..., norm=..., **options)``, bit for bit where the table below says so. Two engines run the batch:

* **numba** -- catalogue objectives with a compiled formula (:data:`rmsprop._compiled.objectives.OBJECTIVES`),
  ``norm=inf`` and jac unset: one compiled run per row, parallel over the cores
  (:mod:`rmsprop._compiled.batch`), any option and any library's arithmetic;
* **numpy** -- everything else: each step is the rule's own step on the ``(n, d)`` arrays of
  the runs still going, with one column of settings per run; runs that stop leave the arrays.

Online objectives (:class:`rmsprop.objectives.OnlineObjective`: every run evaluates ``f_k`` at iteration ``k``) and
box constraints (``bounds``, the projection ``clip(x, low, high)`` after each step) run on the NumPy engine, row by row
the runs of ``minimize`` with the same objective and ``bounds``.

The numba engine is used when Numba can be imported and the environment variable ``RMSPROP_DISABLE_JIT`` is not
``1`` (read at every call); both engines give the same numbers wherever both are bit-exact.

Where the rows are bit-exact (``x, fun, jac, nit, status`` equal to ``minimize``'s), on
this package's test machine (x86-64 with AVX-512, NumPy 2.4, glibc):

=========================================  =======  =============================================
objective                                  numba    numpy
=========================================  =======  =============================================
seed, rosenbrock (any dim)                 exact    exact
rastrigin, ackley (any dim)                --       exact
booth, matyas, saddle, ill_conditioned,    exact    ``x, jac, nit, status`` exact; ``fun`` may
rotated                                             differ in the last bit
himmelblau, beale, goldstein_price,        exact    the last bit of some gradients differs; steps
three_hump_camel                                    can amplify it (measured after 25 float64 steps:
                                                    up to 1e-11 relative for beale; float32: 1e-5)
vectorised callables ``fun(X)``            --       exact when ``fun(X)[i]`` and ``jac(X)[i]`` are
                                                    the single run's values at ``X[i]``
=========================================  =======  =============================================

Why the NumPy engine misses some objectives: in the single run the catalogue formulas see ``x[0]``, a NumPy
*scalar*, and ``scalar ** 2`` calls the C library's ``pow``; on a batch ``x[0]`` is an array, and ``array ** 2`` is
``x * x`` while ``array ** 3`` is NumPy's SIMD ``pow``. Both differ from the C ``pow`` in the last bit for some
inputs (about 1 square in 1500; a few cubes in 100 where NumPy uses SVML). The numba engine calls the C ``pow``.
Rastrigin and Ackley apply NumPy's own ``sin``, ``cos`` and ``exp`` to arrays in the single run too, so the NumPy
engine, which evaluates the batch as ``f(X.T)`` with each run's coordinates contiguous (``np.sum(..., axis=0)`` then
sums each run pairwise, exactly as on one run), is exact for them; the numba engine leaves them to it.

Every option of :func:`rmsprop.rmsprop` and every library arithmetic (``arithmetic="torch"`` etc., set by
:mod:`rmsprop.compat`) is exact on both engines, and learning-rate schedules too (shared by all runs): both engines
run the one step of :func:`rmsprop.rule.step.make_step`. So is every flavor of :mod:`rmsprop.compat` (``flavor=``):
each is the rule with some settings, which the engines run (Keras's clipping aside, refused: its own formulas). Stopping with ``norm=inf`` (the default) or ``-inf`` is
exact; other norms are computed for all runs at once and computed again as ``minimize`` does (``np.linalg.norm`` of
the row) for the runs within 0.1 % of ``gtol``. Central differences (no jac) are ``minimize``'s, per row. The numba
engine also needs ``norm=inf`` and no ``jac``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import objectives
from . import schedules as _schedules
from ._batch_inputs import (
    BatchSettings,
    batch_settings,
    check_trajectory_size,
    checked_starts,
    physical_memory,
    trajectory_error,
)
from ._batch_problem import Problem, converged, finite_rows, problem_of
from ._bounds import Box, box_of
from ._compiled_runs import compiled_module, compiled_objectives_available, step_tables
from ._noise import BatchStreams, GradientNoise, noise_of, perturbed, row_seeds
from ._result import OptimizeResult
from ._status import FINITE_DIFFERENCE_NOTE, RUNNING, STATUS_MESSAGES, Stop, stop_note
from ._validate import flag, in_range, vector_norm_order
from .objectives import OnlineObjective
from .rule.primitives import abs_sq, clip
from .rule.settings import Settings
from .rule.step import bias_correction, clip_factor, make_step, scalars

__all__ = ["minimize_many"]

START, STEP, EVALUATION = Stop.START, Stop.STEP, Stop.EVALUATION


def minimize_many(
    objective: Callable[..., Any] | OnlineObjective,
    x0s: Any,
    *,
    learning_rate: Any = None,
    decay: Any = None,
    eps: Any = None,
    maxiter: int = 1000,
    gtol: float | None = None,
    norm: float = math.inf,
    trajectories: bool = False,
    jac: Callable[..., Any] | bool | None = None,
    flavor: str | None = None,
    bounds: Any = None,
    noise: float | GradientNoise | None = None,
    seed: Any = None,
    **options: Any,
):
    r"""Minimize ``objective`` from each row of ``x0s`` with RMSprop, all runs at once.

    Run ``i`` is :func:`rmsprop.minimize` from ``x0s[i]`` with its own ``learning_rate[i]``,
    ``decay[i]`` and ``eps[i]``: from ``x_0`` it evaluates ``f(x_k)`` and ``g = grad f(x_k)``,
    stops when ``||g||_norm <= gtol`` (status 0), when ``k = maxiter`` (status 1) or when a
    value is not finite (status 3, keeping the last finite iterate), and otherwise steps::

        e <- decay_i * e + (1 - decay_i) * g**2
        x <- x - learning_rate_i * g / sqrt(e + eps_i)

    (with the options of :func:`rmsprop.rmsprop`). A run that stops is frozen; the others go
    on. Per-run settings are rounded to the data's dtype as the single run rounds a Python
    float (``1 - decay`` and ``learning_rate * weight_decay`` are formed in float64 first).
    See the module docstring for which objectives are bit-exact on which engine.

    Parameters
    ----------
    objective : Objective, OnlineObjective or callable
        A catalogue :class:`~rmsprop.objectives.Objective` (coordinates on the leading axis;
        the batch is evaluated as ``f(X.T)`` and ``grad(X.T)``), an online one
        (:class:`~rmsprop.objectives.OnlineObjective`, evaluated as ``f(X.T, k)`` and
        ``grad(X.T, k)`` at iteration ``k``; without ``gtol`` it runs all ``maxiter`` steps), or a vectorised
        callable ``fun(X) -> (B,)`` for ``X`` of shape ``(B, d)``, one run per row.
    x0s : array_like
        Starts, shape ``(B, d)``; float32 stays float32, anything else becomes float64.
    learning_rate, decay, eps : float or array_like, optional
        A scalar for all runs or a 1-D array of length ``B``, one value per run; unset, 0.01, 0.9 and 1e-8.
        ``learning_rate`` may also be a schedule ``t -> rate`` (:mod:`rmsprop.schedules`), shared by all runs.
    maxiter, gtol, norm : optional
        As in :func:`rmsprop.minimize`: at most ``maxiter`` steps; stop when the norm of
        order ``norm`` (default ``inf``: the largest ``|g_i|``) of the gradient is at most
        ``gtol`` (default ``1e-5``; ``0`` runs all ``maxiter`` steps).
    trajectories : bool, optional
        Also return every iterate: ``path_x`` and ``path_fun``.
    jac : callable, bool or None, optional
        ``jac(X) -> (B, d)``, ``True`` (``fun`` returns ``(f, G)``), or ``None``: an objective's own gradient, else
        central differences, per row exactly those of :func:`rmsprop.minimize` (the message says so).
    flavor : str or None, optional
        A library's RMSprop, a name of :data:`rmsprop.compat.FLAVORS`: run ``i`` is then
        ``minimize(..., optimizer=rmsprop.compat.configure(flavor, learning_rate=learning_rate[i],
        decay=decay[i], eps=eps[i], **options))``, and a setting left unset takes the flavor's
        default. Every flavor is the rule with some settings (:attr:`GradientTransformation.rule`)
        and runs on the engines above, bit for bit as the rule does; all but Keras's clipping
        (``clip_norm``, ``clip_value``, ``global_clip_norm`` with ``flavor="keras"``: its own
        formulas, in float32), which is refused. Default ``None``: the rule itself.
    bounds : scipy.optimize.Bounds or sequence of (low, high), optional
        One box for every run, as :func:`rmsprop.minimize` takes it: starts are projected onto
        it, and every step is followed by ``x <- clip(x, low, high)`` (:mod:`rmsprop._bounds`).
    noise : float or GradientNoise, optional
        Noisy gradients, as ``noise`` of :func:`rmsprop.minimize`, shared by all runs, each run
        drawing from its own seed; default ``None``: none.
    seed : int or array_like of int, optional
        The runs' seeds (only with ``noise``): an integer ``s`` gives run ``i`` the seed ``s + i``
        (default 0), or a 1-D array gives one per run. Run ``i`` is then
        ``minimize(..., noise=noise, seed=<its seed>)``, bit for bit, on either engine.
    **options
        The other settings of :func:`rmsprop.rmsprop` (``centered``, ``momentum``,
        ``weight_decay``, ``bias_correction``, ``arithmetic``, ...), shared by all runs;
        checked, with the same messages, as :func:`rmsprop.rmsprop` checks them. With a
        ``flavor``, the flavor's settings, named as in :func:`rmsprop.rmsprop` (as
        :func:`rmsprop.compat.configure` takes them).

    Returns
    -------
    OptimizeResult
        Arrays with one entry per run: ``x`` (B, d), ``fun`` (B,) float64, ``jac`` (B, d), ``nit``, ``nfev``,
        ``njev``, ``status`` (B,) int64 (keys of :data:`rmsprop.STATUS_MESSAGES`; 99 never occurs), ``success`` (B,)
        bool, and ``message``, an object array (B,) holding each run's ``minimize`` message. ``engine`` is
        ``"numba"`` or ``"numpy"``. With ``trajectories=True`` also ``path_x`` (B, maxiter + 1, d) and ``path_fun``
        (B, maxiter + 1): row ``i`` holds the ``nit[i] + 1`` iterates of ``minimize``'s ``path_x`` and ``path_fun``,
        then NaN. With ``noise``, ``noise`` (``{"scale", "relative"}``) and ``seed`` (B,), the runs' seeds.
        A finite sum (:class:`rmsprop.objectives.FiniteSum`; every run takes the same batches, those of
        its seed) adds ``full_fun`` (B,), the full objective at ``x``, ``batches_per_epoch``, and with
        ``trajectories`` ``path_full_fun`` (B, maxiter + 1), the full objective along ``path_x`` (NaN after).

    Raises
    ------
    TypeError, ValueError
        For starts or settings that are not real, not finite, out of range or of another length than B,
        an unknown option or flavor, a flavor the engines cannot run, bounds that are not a box of d coordinates,
        an online objective with a ``jac``, or trajectories that cannot fit in memory.

    Examples
    --------
    >>> fun, jac = lambda X: 5 * X[:, 0] ** 2 + 7 * X[:, 1] ** 2, lambda X: X * [10.0, 14.0]
    >>> result = minimize_many(fun, [[-4.0, 3.0]] * 2, learning_rate=[0.1, 0.01], jac=jac, maxiter=50, gtol=0)
    >>> result.x.tolist(), result.engine
    ([[-0.10352260359924752, 0.0025296212056016548], [-3.418963877860035, 2.4226495081160118]], 'numpy')

    PyTorch's RMSprop (its decay 0.99, eps outside the root, its fused multiply-adds), run
    by run the numbers of ``minimize`` with ``compat.torch``:

    >>> result = minimize_many(fun, [[-4.0, 3.0]] * 2, learning_rate=[0.1, 0.01], jac=jac, maxiter=50, gtol=0,
    ...                        flavor="torch")
    >>> import rmsprop
    >>> single = rmsprop.minimize(lambda x: fun(x[None])[0], [-4.0, 3.0], jac=lambda x: jac(x[None])[0],
    ...                           optimizer=rmsprop.compat.torch(lr=0.1), maxiter=50, gtol=0)
    >>> result.x[0].tolist() == single.x.tolist()
    True

    Noisy gradients, each run its own stream: run ``i`` with ``seed=7`` is the single run with ``seed=7 + i``:

    >>> result = minimize_many(fun, [[-4.0, 3.0]] * 2, learning_rate=0.1, jac=jac, maxiter=50, noise=0.5, seed=7)
    >>> single = rmsprop.minimize(lambda x: fun(x[None])[0], [-4.0, 3.0], jac=lambda x: jac(x[None])[0],
    ...                           learning_rate=0.1, maxiter=50, noise=0.5, seed=8)
    >>> result.x[1].tolist() == single.x.tolist(), result.seed.tolist()
    (True, [7, 8])
    """
    x0 = checked_starts(x0s)
    if isinstance(maxiter, bool) or not isinstance(maxiter, (int, np.integer)) or maxiter < 0:
        raise ValueError(f"maxiter must be an integer >= 0; got {maxiter!r}")
    maxiter = int(maxiter)
    if gtol is None and isinstance(objective, OnlineObjective):
        gtol = -math.inf  # no gradient test: one f_k's small gradient says nothing of the next
    else:
        gtol = in_range("gtol", 1e-5 if gtol is None else gtol, 0.0)
    vector_norm_order(norm)
    trajectories = flag("trajectories", trajectories)
    if trajectories:
        check_trajectory_size(x0.shape[0], x0.shape[1], maxiter, x0.dtype)
    settings = batch_settings(learning_rate, decay, eps, options, x0.shape[0], flavor)
    problem = problem_of(objective, jac, x0.shape[1])
    box = box_of(bounds, x0.shape[1])
    if box is not None:
        x0 = box.project(x0)
    seeds = row_seeds(seed, x0.shape[0], noise)
    noise = noise_of(noise)
    streams = None if noise is None else BatchStreams(noise, seeds, x0.shape[1], max(1, maxiter))

    compiled = None if box is not None else _compiled(problem, settings, norm, maxiter)
    engine = "numba" if compiled is not None else "numpy"
    if compiled is None:
        outcome = _run_numpy(problem, x0, settings, maxiter, gtol, norm, trajectories, box, streams)
    else:
        outcome = _run_compiled(*compiled, x0, settings, maxiter, gtol, trajectories, streams)

    evaluations = outcome.nit + 1 + (outcome.kind == EVALUATION)
    result = OptimizeResult(
        x=outcome.x,
        fun=outcome.f,
        jac=outcome.g,
        nit=outcome.nit,
        nfev=evaluations * problem.fun_calls,
        njev=evaluations * problem.jac_calls,
        status=outcome.status,
        success=outcome.status == 0,
        message=_messages(outcome, maxiter, problem.finite_differences),
        engine=engine,
    )
    if trajectories:
        result.path_x = outcome.path_x
        result.path_fun = outcome.path_f
    if noise is not None:
        result.noise, result.seed = noise.describe(), seeds
    if isinstance(objective, OnlineObjective) and isinstance(
        objective, objectives.FiniteSum
    ):  # the full loss beside the batches' losses, as minimize records it
        result.full_fun, result.batches_per_epoch = objective.full_losses(outcome.x), objective.batches_per_epoch
        if trajectories:
            result.path_full_fun = objective.full_losses(outcome.path_x)
    return result


# --------------------------------------------------------------------------------------
# The runs
# --------------------------------------------------------------------------------------


@dataclass
class _Outcome:
    """The arrays of the result, filled in as the runs end."""

    x: np.ndarray
    f: np.ndarray
    g: np.ndarray
    nit: np.ndarray
    status: np.ndarray
    kind: np.ndarray  # START, STEP or EVALUATION for status 3, else 0
    path_x: np.ndarray | None
    path_f: np.ndarray | None

    @classmethod
    def empty(cls, x0: np.ndarray, maxiter: int, trajectories: bool) -> _Outcome:
        runs, dim = x0.shape
        try:
            path_x = np.full((runs, maxiter + 1, dim), np.nan, dtype=x0.dtype) if trajectories else None
            path_f = np.full((runs, maxiter + 1), np.nan) if trajectories else None
        except MemoryError:
            need = float(runs) * (maxiter + 1) * (dim * x0.dtype.itemsize + 8)
            raise trajectory_error(runs, maxiter, dim, need, physical_memory()) from None
        return cls(
            x0.copy(),
            np.empty(runs),
            np.empty_like(x0),
            np.zeros(runs, np.int64),
            np.full(runs, RUNNING, np.int64),
            np.zeros(runs, np.int8),
            path_x,
            path_f,
        )


class _Rows:
    """Per-run settings of the runs still going, in float64: ``(n, 1)`` columns that broadcast over coordinates.

    ``lr`` is ``None`` with a schedule; ``decay_index`` points into ``decays``, the distinct
    decays, for the bias correction.
    """

    def __init__(self, settings: BatchSettings) -> None:
        lr = settings.learning_rate
        self.lr = None if lr is None else np.asarray(lr)[:, None]
        self.decay = np.asarray(settings.decay)[:, None]
        self.eps = np.asarray(settings.eps)[:, None]
        self.decays, self.decay_index = np.unique(settings.decay, return_inverse=True)

    def take(self, keep: np.ndarray) -> None:
        for name in ("lr", "decay", "eps", "decay_index"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, value[keep])


@dataclass
class _Going:
    """The runs still going: their rows in the batch, iterates, gradients and optimizer state."""

    rows: np.ndarray
    x: np.ndarray
    f: np.ndarray
    g: np.ndarray
    e: np.ndarray
    m: np.ndarray | None
    b: np.ndarray | None
    settings: _Rows

    def stop(self, stopping: np.ndarray, out: _Outcome, status: int, kind: int, nit: int) -> None:
        """Record the runs ``stopping`` at their last accepted iterate ``nit``, and let them go."""
        rows = self.rows[stopping]
        out.x[rows], out.f[rows], out.g[rows] = self.x[stopping], self.f[stopping], self.g[stopping]
        out.nit[rows], out.status[rows], out.kind[rows] = nit, status, kind
        keep = ~stopping
        for name in ("rows", "x", "f", "g", "e", "m", "b"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, value[keep])
        self.settings.take(keep)


def _run_numpy(
    problem: Problem,
    x0: np.ndarray,
    settings: BatchSettings,
    maxiter: int,
    gtol: float,
    norm: Any,
    trajectories: bool,
    box: Box | None = None,
    streams: BatchStreams | None = None,
) -> _Outcome:
    """All runs on the NumPy engine: one vectorised step per iteration over the runs still going (then projected)."""
    rule = settings.rule
    out = _Outcome.empty(x0, maxiter, trajectories)
    f, g = problem.evaluate(x0, 0)
    if trajectories:
        assert out.path_x is not None and out.path_f is not None  # allocated for trajectories
        out.path_x[:, 0], out.path_f[:, 0] = x0, f
    state = _Going(
        np.arange(x0.shape[0]),
        x0,
        f,
        g,
        np.full_like(x0, rule.initial_scale),
        np.zeros_like(x0) if rule.centered else None,
        np.zeros_like(x0) if rule.momentum > 0.0 else None,
        _Rows(settings),
    )
    finite = finite_rows(f, g)
    if not finite.all():
        state.stop(~finite, out, 3, START, 0)
    _stop_converged(state, out, norm, gtol, 0, maxiter)
    step = make_step(rule.spec(x0.dtype))
    for t in range(maxiter):
        if state.rows.size == 0:
            break
        with np.errstate(all="ignore"):  # a diverging run is a status, not a warning
            x = _numpy_step(step, state, rule, settings.schedule, t, streams)
            if box is not None:
                x = box.project(x)
        finite_x = np.isfinite(x).all(axis=1) if not np.isfinite(x).all() else None
        if finite_x is not None:
            state.stop(~finite_x, out, 3, STEP, t)
            x = x[finite_x]
        f, g = problem.evaluate(x, t + 1)
        finite = finite_rows(f, g)
        if not finite.all():
            state.stop(~finite, out, 3, EVALUATION, t)
            x, f, g = x[finite], f[finite], g[finite]
        state.x, state.f, state.g = x, f, g
        if trajectories:
            assert out.path_x is not None and out.path_f is not None  # allocated for trajectories
            out.path_x[state.rows, t + 1], out.path_f[state.rows, t + 1] = x, f
        _stop_converged(state, out, norm, gtol, t + 1, maxiter)
    return out


def _stop_converged(state: _Going, out: _Outcome, norm: Any, gtol: float, nit: int, maxiter: int) -> None:
    """Stop the runs at iterate ``nit`` whose gradient is small enough (status 0), then all at ``maxiter`` (1)."""
    done = converged(state.g, norm, gtol)
    if done.any():
        state.stop(done, out, 0, 0, nit)
    if nit == maxiter and state.rows.size:
        state.stop(np.ones(state.rows.size, dtype=bool), out, 1, 0, nit)


def _clip_factors(g: np.ndarray, rule: Settings) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Each run's clipping factors (``(n, 1)`` float64 columns, or ``None``), as a single run's one array.

    A run's gradient is one array, so its norm and the global norm are the same sum, taken
    over the gradient as clipped so far (by value, then by its norm).
    """
    if rule.clip_norm is None and rule.global_clip_norm is None:
        return None, None
    h = g if rule.clip_value is None else clip(g, rule.clip_value)
    factors: list[np.ndarray | None] = []
    for limit in (rule.clip_norm, rule.global_clip_norm):
        if limit is None:
            factors.append(None)
            continue
        totals = abs_sq(h).astype(np.float64).sum(axis=1)
        factor = np.array([clip_factor(total, limit) for total in totals.tolist()])[:, None]
        h = h * factor.astype(h.dtype)
        factors.append(factor)
    return factors[0], factors[1]


def _numpy_step(
    step: Callable, state: _Going, rule: Settings, schedule: Callable | None, t: int, streams: BatchStreams | None
) -> np.ndarray:
    """One step of every run going, with the rule's own step on ``(n, d)`` arrays; returns the new iterates."""
    rows, x = state.settings, state.x
    g = state.g if streams is None else perturbed(state.g, streams.at(t, state.rows), streams.noise.relative)
    lr = rows.lr if schedule is None else _schedules.evaluate(schedule, t)
    correction: float | np.ndarray = 1.0
    if rule.bias_correction:  # per distinct decay, as the single run's Python float
        correction = np.array([bias_correction(d, t) for d in rows.decays.tolist()])[rows.decay_index][:, None]
    leaf, total = _clip_factors(g, rule)
    s = scalars(rule, lr, correction, leaf, total, x.dtype, decay=rows.decay, eps=rows.eps)
    u, state.e, m, b = step(g, x, state.e, state.m, state.b, s)
    state.m = None if state.m is None else m
    state.b = None if state.b is None else b
    return x + u


def _compiled(
    problem: Problem, settings: BatchSettings, norm: Any, maxiter: int
) -> tuple[str, np.ndarray | None] | None:
    """``(objective's name, schedule rates or None)`` for the compiled engine; ``None`` where it does not apply."""
    name = problem.compiled_objective
    if name is None or norm != math.inf or not compiled_objectives_available(name):
        return None
    rates = None
    if settings.schedule is not None:
        try:  # all rates up front; a schedule that fails at some step runs on the NumPy engine, which fails there
            rates = np.array([_schedules.evaluate(settings.schedule, t) for t in range(maxiter)] or [0.0])
        except Exception:  # noqa: BLE001 - whatever it raises, the NumPy engine raises it at the right step
            return None
    return name, rates


def _run_compiled(
    objective: str,
    rates: np.ndarray | None,
    x0: np.ndarray,
    settings: BatchSettings,
    maxiter: int,
    gtol: float,
    trajectories: bool,
    streams: BatchStreams | None = None,
) -> _Outcome:
    """All runs on the compiled engine (:mod:`rmsprop._compiled.batch`), with the scalars of the rule.

    Without noise, in one call; with noise, a chunk of steps per call, each with the draws of its steps.
    """
    batch = compiled_module().batch
    rule, dtype = settings.rule, x0.dtype
    out = _Outcome.empty(x0, maxiter, trajectories)
    dim = x0.shape[1]
    shared = lambda name, a: a if name in settings.per_run else a[:1]  # noqa: E731
    lr = rates if rates is not None else shared("learning_rate", settings.learning_rate)
    decay, eps = shared("decay", settings.decay), shared("eps", settings.eps)
    if decay.size != eps.size:
        decay, eps = np.broadcast_arrays(decay, eps)
    tables = step_tables(rule, lr, decay, eps, dtype)
    noise = 0 if streams is None else 2 if streams.noise.relative else 1
    run = batch.runner(rule.spec(dtype), noise)
    arguments = (
        objective,
        out.x,
        out.g,
        out.f,
        tables.rates,
        rates is not None,
        tables.per_run,
        decay.size > 1,
        tables.shared,
        np.ascontiguousarray(decay, dtype=np.float64),
        np.array([gtol, rule.clip_norm or 0.0, rule.global_clip_norm or 0.0]),
        dtype.type(rule.initial_scale),
        maxiter,
        trajectories,
        out.nit,
        out.status,
        out.kind,
        out.path_x if trajectories else np.zeros((1, 1, dim), dtype),
        out.path_f if trajectories else np.zeros((1, 1)),
        np.empty_like(x0),  # the state e, m, b of every run, kept between chunks
        np.empty_like(x0),
        np.empty_like(x0),
    )
    if streams is None:
        run(*arguments, np.zeros((1, 1, dim)), 0, maxiter)
        return out
    t = 0
    while True:  # the starts at t = 0, then a chunk of steps of the runs still going per call
        steps = min(streams.steps, maxiter - t)
        run(*arguments, streams.chunk(t, steps, np.flatnonzero(out.status == RUNNING)), t, t + steps)
        t += steps
        if t >= maxiter or not (out.status == RUNNING).any():
            return out


# --------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------


def _messages(out: _Outcome, maxiter: int, finite_differences: bool) -> np.ndarray:
    """Each run's ``minimize`` message, as an object array; equal messages share one string."""
    iteration = np.where(out.kind == STEP, out.nit, np.where(out.kind == EVALUATION, out.nit + 1, 0))
    keys = (out.kind.astype(np.int64) * (maxiter + 2) + iteration) * 4 + np.minimum(out.status, 3)
    unique, inverse = np.unique(keys, return_inverse=True)
    texts = np.empty(unique.size, dtype=object)
    for i, key in enumerate(unique.tolist()):
        status, rest = key % 4, key // 4
        kind, at = divmod(rest, maxiter + 2)
        texts[i] = (
            STATUS_MESSAGES[status] + stop_note(kind, at) + (" " + FINITE_DIFFERENCE_NOTE if finite_differences else "")
        )
    return texts[inverse.reshape(-1)]
