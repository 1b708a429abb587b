"""``minimize``'s compiled path: when it applies, and the run in chunks of compiled iterations, with checkpoints.

:func:`rmsprop.minimize` takes this path when the objective is a catalogue objective with a compiled
formula (:func:`rmsprop._compiled_runs.compiled_objectives_available`) and its own gradient (``jac``
and ``args`` unset), the optimizer is :func:`rmsprop.rmsprop`'s rule (any options, arithmetic and
learning-rate schedule), the norm is of order ``inf``, there is no callback, ``maxiter`` is at
least :data:`MIN_ITERATIONS` or Numba is loaded already (a shorter run ends in the Python loop before
Numba would have started; once it has, a cached loop costs microseconds), and
the compiled runs may run here (Numba, ``RMSPROP_DISABLE_JIT`` not ``1``). Everything else takes the
Python loop.

The compiled loop (:mod:`rmsprop._compiled.single`) takes the iterations of the Python loop with
the same step, objective and stopping test, so the result is the Python loop's bit for bit, every
field. It runs in chunks of rows that grow from :data:`FIRST_CHUNK` to :data:`LAST_CHUNK`
iterations and end at every checkpoint, where the checkpoint is saved as the Python loop saves it.
"""

from __future__ import annotations

import math
import sys
from typing import Any, NamedTuple

import numpy as np

from . import _checkpoint
from . import schedules as _schedules
from ._batch_problem import compiled_name
from ._compiled_runs import compiled_module, step_tables
from ._noise import GradientNoise
from ._rmsprop import RMSpropState, rule_settings
from ._status import RUNNING, Status, Stop, stop_note
from .objectives import Objective
from .rule.settings import Settings

__all__ = [
    "FIRST_CHUNK",
    "LAST_CHUNK",
    "MIN_ITERATIONS",
    "Outcome",
    "CompiledRun",
    "compiled_loop",
    "compiled_run",
    "run",
]

#: The fewest iterations (``maxiter``) that take the compiled path: below, the Python loop ends before Numba
#: would have started (importing and starting Numba and loading a cached loop cost about as much as this
#: many iterations of the Python loop on a 2-D objective; compiling it, several times more).
MIN_ITERATIONS = 20_000

#: Iterations of the first chunk; each next chunk doubles, up to :data:`LAST_CHUNK`.
FIRST_CHUNK = 1024
LAST_CHUNK = 1 << 16


class Outcome(NamedTuple):
    """The end of a run of ``minimize``, as either loop leaves it: what its result reports.

    Parameters
    ----------
    x, f, g : numpy.ndarray, float, numpy.ndarray
        The last accepted iterate, its value and its gradient.
    nit, nfev, njev : int
        Iterations and evaluations.
    status : Status
        Why the run stopped.
    note : str
        Where a non-finite run stopped (:func:`rmsprop._status.stop_note`), else empty.
    path_x, path_fun, path_jac, path_grad_norm : numpy.ndarray
        The trajectory, ``nit + 1`` rows.
    state : object
        The optimizer's state after its last step.
    """

    x: np.ndarray
    f: float
    g: np.ndarray
    nit: int
    nfev: int
    njev: int
    status: Status
    note: str
    path_x: np.ndarray
    path_fun: np.ndarray
    path_jac: np.ndarray
    path_grad_norm: np.ndarray
    state: Any


class CompiledRun(NamedTuple):
    """What the compiled path needs of a run that takes it (made by :func:`compiled_run`).

    Parameters
    ----------
    module : module
        :mod:`rmsprop._compiled`.
    objective : str
        The objective's name, one of :data:`rmsprop._compiled.objectives.OBJECTIVES`.
    settings : Settings
        The rule's settings.
    """

    module: Any
    objective: str
    settings: Settings


def compiled_run(
    fun: Any, jac: Any, args: tuple, callback: Any, norm: Any, optimizer: Any, x: np.ndarray, maxiter: int
):
    """The compiled path for this call of ``minimize``, or ``None`` where the Python loop runs it.

    Parameters
    ----------
    fun, jac, args, callback, norm, optimizer
        ``minimize``'s arguments (the optimizer resolved).
    maxiter : int
        ``minimize``'s; below :data:`MIN_ITERATIONS` the Python loop runs, unless Numba is loaded
        already (the same bits either way).
    x : numpy.ndarray
        The start, 1-D float32 or float64.

    Returns
    -------
    CompiledRun or None
        See the module's docstring for when it applies.

    Examples
    --------
    >>> import math, numpy as np
    >>> from rmsprop import objectives, rmsprop
    >>> x = np.array([-4.0, 3.0])
    >>> compiled_run(objectives.get("seed"), None, (), None, math.inf, rmsprop(0.1), x, 10**6).objective
    'seed'
    >>> compiled_run(objectives.get("seed"), None, (), print, math.inf, rmsprop(0.1), x, 10**6) is None  # a callback
    True
    """
    if callback is not None or jac is not None or args or norm != math.inf:
        return None
    if maxiter < MIN_ITERATIONS and "numba" not in sys.modules:
        return None
    if not isinstance(fun, Objective):
        return None
    settings = rule_settings(optimizer)
    name = compiled_name(fun)
    if settings is None or name is None or fun.dim != x.size or x.size < 2:
        return None
    module = compiled_module()
    if module is None or name not in module.objectives.OBJECTIVES:
        return None
    return CompiledRun(module, name, settings)


def compiled_loop(compiled: CompiledRun, dtype: Any, d: int, noise: GradientNoise | None = None) -> Any:
    """The compiled loop that runs ``compiled`` on a ``d``-vector of ``dtype`` (:func:`rmsprop._compiled.single.chunk_runner`).

    Parameters
    ----------
    compiled : CompiledRun
        From :func:`compiled_run`.
    dtype : numpy.dtype
        The iterate's, float32 or float64.
    d : int
        The iterate's length.
    noise : GradientNoise, optional
        The run's gradient noise; default none.

    Returns
    -------
    numba.core.registry.CPUDispatcher
        The loop; compiled, or loaded from Numba's disk cache, on its first call in this process.

    Examples
    --------
    >>> import math, numpy as np
    >>> from rmsprop import objectives, rmsprop
    >>> x = np.array([-4.0, 3.0])
    >>> compiled = compiled_run(objectives.get("seed"), None, (), None, math.inf, rmsprop(0.1), x, 10**6)
    >>> compiled_loop(compiled, x.dtype, 2) is compiled_loop(compiled, np.float64, 2)
    True
    """
    kind = 0 if noise is None else 2 if noise.relative else 1
    spec = compiled.settings.spec(np.dtype(dtype))
    return compiled.module.single.chunk_runner(spec, compiled.objective, d == 2, kind)


def run(
    compiled: CompiledRun,
    start: _checkpoint.Progress,
    maxiter: int,
    gtol: float,
    checkpoint: Any = None,
    every: int = 0,
    described: Any = None,
    stream: Any = None,
) -> Outcome:
    """The run from ``start`` to its stop, in compiled chunks; checkpoints saved as the Python loop saves them.

    Parameters
    ----------
    compiled : CompiledRun
        From :func:`compiled_run`.
    start : Progress
        The loop at its first iterate (``x0``, or a checkpoint's), as ``minimize`` holds it.
    maxiter : int
        Iterations at most, in all.
    gtol : float
        Stop when the gradient's largest component is at most this.
    checkpoint : pathlib.Path, optional
        The checkpoint file, saved every ``every`` iterations and at the end; default none.
    every : int, optional
        Iterations between checkpoints.
    described : dict, optional
        The run's description (:func:`rmsprop._checkpoint.describe_run`), with ``checkpoint``.
    stream : NoiseStream, optional
        The run's gradient noise (:class:`rmsprop._noise.NoiseStream`), drawn chunk by chunk; default none.

    Returns
    -------
    Outcome
        The Python loop's outcome, bit for bit.

    Examples
    --------
    >>> import math, numpy as np
    >>> from rmsprop import objectives, rmsprop
    >>> from rmsprop._checkpoint import Progress
    >>> seed, x, opt = objectives.get("seed"), np.array([-4.0, 3.0]), rmsprop(0.1)
    >>> f, g = seed.value_and_grad(x)
    >>> start = Progress(0, 1, 1, opt.init(x), [x], [float(f)], [g], [42.0])
    >>> outcome = run(compiled_run(seed, None, (), None, math.inf, opt, x, 10**6), start, 50, 0.0)
    >>> outcome.x.tolist(), outcome.nit, outcome.status
    ([-0.10352260359924752, 0.0025296212056016548], 50, <Status.MAXITER: 1>)
    """
    settings = compiled.settings
    nit, nfev, njev = start.nit, start.nfev, start.njev
    x = np.array(start.path_x[-1])
    dtype, d = x.dtype, x.size
    g = np.array(start.path_jac[-1], dtype).reshape(1, d)
    f = np.array([start.path_fun[-1]], np.float64)
    head = (
        np.array(start.path_x, dtype).reshape(-1, d),
        np.array(start.path_fun, np.float64),
        np.array(start.path_jac, dtype).reshape(-1, d),
        np.array(start.path_grad_norm, np.float64),
    )
    chunks: list[tuple] = [head]
    state = start.state
    e, m, b = _state_arrays(state, x)
    e_next, m_next, b_next = np.empty_like(e), np.empty_like(m), np.empty_like(b)

    finite = math.isfinite(f[0]) and bool(np.isfinite(g).all())
    status = RUNNING if finite else int(Status.NONFINITE)
    note = "" if finite else stop_note(Stop.START, 0)
    if finite and head[3][-1] <= gtol:
        status = int(Status.SUCCESS)
    elif finite and nit >= maxiter:
        status = int(Status.MAXITER)

    chunk = compiled_loop(compiled, dtype, d, None if stream is None else stream.noise)
    no_draws = np.zeros((1, d))
    schedule = settings.learning_rate if callable(settings.learning_rate) else None
    decay64, eps64 = np.array([settings.decay]), np.array([settings.eps])
    tables = step_tables(settings, settings.learning_rate, decay64, eps64, dtype) if schedule is None else None
    limits = np.array([gtol, settings.clip_norm or 0.0, settings.global_clip_norm or 0.0])
    outcome = np.zeros(3, np.int64)
    size, saved_at = FIRST_CHUNK, None

    def progress(count: int, state_at_x: Any, nfev: int, njev: int) -> _checkpoint.Progress:
        paths = _joined(chunks)
        return _checkpoint.Progress(count, nfev, njev, state_at_x, *paths)

    while status == RUNNING:
        steps = min(size, maxiter - nit)
        if checkpoint is not None:
            steps = min(steps, every - nit % every)
        if schedule is not None:
            rates = _rates(schedule, nit, steps)
            steps = len(rates)
            tables = step_tables(settings, np.array(rates), decay64, eps64, dtype)
        assert tables is not None  # made above, for a rate or for this chunk's steps
        rows = (np.empty((steps, d), dtype), np.empty(steps), np.empty((steps, d), dtype), np.empty(steps))
        draws = no_draws if stream is None else stream.take(nit, steps)
        chunk(
            x,
            g,
            f,
            e,
            m,
            b,
            e_next,
            m_next,
            b_next,
            tables.rates,
            schedule is not None,
            tables.per_run,
            tables.shared,
            decay64,
            limits,
            draws,
            nit,
            steps,
            maxiter,
            *rows,
            outcome,
        )
        done, status, kind = (int(v) for v in outcome)
        chunks.append(tuple(row[:done] for row in rows))
        nit, nfev, njev = nit + done, nfev + done, njev + done
        size = min(2 * size, LAST_CHUNK)
        if checkpoint is not None and done and nit % every == 0:
            _checkpoint.save(checkpoint, described, progress(nit, _state(settings, nit, e, m, b), nfev, njev))
            saved_at = nit
        if status == Status.NONFINITE:
            note = stop_note(kind, nit if kind == Stop.STEP else nit + 1)
            state = _state(settings, nit + 1, e_next, m_next, b_next)
            if kind == Stop.EVALUATION:
                nfev, njev = nfev + 1, njev + 1
            evaluations = (nfev - 1, njev - 1) if kind == Stop.EVALUATION else (nfev, njev)
            break
        if done:
            state = _state(settings, nit, e, m, b)
    else:
        evaluations = (nfev, njev)
    if checkpoint is not None and saved_at != nit and finite:
        _checkpoint.save(checkpoint, described, progress(nit, _state_at(settings, nit, e, m, b, start), *evaluations))
    path_x, path_fun, path_jac, path_grad_norm = _joined(chunks)
    return Outcome(
        x,
        float(f[0]),
        g.reshape(d),
        nit,
        nfev,
        njev,
        Status(status),
        note,
        path_x,
        path_fun,
        path_jac,
        path_grad_norm,
        state,
    )


def _rates(schedule: Any, nit: int, steps: int) -> list[float]:
    """The schedule's rates of steps ``nit .. nit + steps - 1``, up to the first it refuses (raised if that is the first).

    The Python loop asks for a rate only when it takes the step, so a rate refused at a later
    step is asked for again there: the run may stop before it.
    """
    rates = []
    for t in range(nit, nit + steps):
        try:
            rates.append(_schedules.evaluate(schedule, t))
        except Exception:
            if not rates:
                raise
            break
    return rates


def _state_arrays(state: RMSpropState, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Copies of the state's ``e``, ``m`` and ``b`` as the compiled loop takes them (zeros for those it lacks)."""
    zeros = np.zeros_like(x)
    copy = lambda a: zeros.copy() if a is None else np.array(a, dtype=x.dtype).reshape(x.size)  # noqa: E731
    return copy(state.e), copy(state.m), copy(state.b)


def _state(settings: Settings, count: int, e: np.ndarray, m: np.ndarray, b: np.ndarray) -> RMSpropState:
    """The state :func:`rmsprop.rmsprop`'s ``update`` would hold: copies of the arrays the rule keeps."""
    return RMSpropState(
        count=count,
        e=e.copy(),
        m=m.copy() if settings.centered else None,
        b=b.copy() if settings.momentum > 0.0 else None,
    )


def _state_at(settings: Settings, nit: int, e, m, b, start: _checkpoint.Progress) -> Any:
    """The state at the last accepted iterate: the start's own when no step was accepted."""
    return start.state if nit == start.nit else _state(settings, nit, e, m, b)


def _joined(chunks: list[tuple]) -> tuple[np.ndarray, ...]:
    """The trajectory's four arrays, the chunks' rows one after another."""
    return tuple(np.concatenate([chunk[i] for chunk in chunks]) for i in range(4))
