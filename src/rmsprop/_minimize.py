"""``minimize``: run an optimizer on ``fun`` from ``x0``, the SciPy way.

The result is an :class:`~rmsprop._result.OptimizeResult` (SciPy's container: a dict
whose keys are attributes, without importing SciPy) with SciPy's fields and the whole
trajectory. The function is also a custom ``method`` for
:func:`scipy.optimize.minimize`, which calls it as
``method(fun, x0, args=args, jac=jac, hess=hess, hessp=hessp, bounds=bounds,
constraints=constraints, callback=callback, **options)``.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _checkpoint, objectives
from ._base import GradientTransformation
from ._bounds import Box, box_of
from ._differences import central_difference
from ._float_run import float_steps, optimizer_steps
from ._minimize_compiled import Outcome, compiled_run
from ._minimize_compiled import run as run_compiled
from ._noise import GradientNoise, NoiseStream, checked_seed, noise_of, perturbed
from ._result import OptimizeResult
from ._rmsprop import resolve_optimizer
from ._status import FINITE_DIFFERENCE_NOTE, STATUS_MESSAGES, Status, Stop, stop_note
from ._validate import in_range, vector_norm_order
from .objectives import OnlineObjective

__all__ = ["minimize", "STATUS_MESSAGES"]

#: Vectors up to this length are checked and measured as Python floats (quicker than NumPy's calls).
_SHORT = 16


def minimize(
    fun: Callable[..., Any],
    x0: Any,
    args: tuple = (),
    jac: Callable[..., Any] | bool | None = None,
    callback: Callable[..., Any] | None = None,
    *,
    learning_rate: Any = None,
    decay: float | None = None,
    eps: float | None = None,
    maxiter: int = 1000,
    gtol: float | None = None,
    norm: float = math.inf,
    optimizer: GradientTransformation | None = None,
    hess: Any = None,
    hessp: Any = None,
    bounds: Any = None,
    constraints: Any = (),
    tol: float | None = None,
    checkpoint: Any = None,
    checkpoint_every: int | None = None,
    resume: Any = None,
    noise: float | GradientNoise | None = None,
    seed: int | None = None,
    **options: Any,
):
    r"""Minimize ``fun(x, *args)`` with RMSprop.

    Each iteration evaluates ``f(x_k)`` and ``g = grad f(x_k)``, stops when
    ``||g||_norm <= gtol``, and otherwise takes one optimizer step (then, with ``bounds``,
    projects onto the box: :mod:`rmsprop._bounds`). With
    ``maxiter=50``, ``learning_rate=0.1``, ``decay=0.9``, ``eps=1e-8`` and ``gtol=0``
    from ``(-4, 3)`` on the seed's objective it is the seed's run, bit for bit.

    A catalogue objective with a compiled formula, with its own gradient, this package's
    rule, ``norm=inf``, no callback and ``maxiter`` of at least 20,000 (where compiled code pays
    for starting Numba) runs in compiled code where Numba is installed (and
    ``RMSPROP_DISABLE_JIT`` is not ``1``), with the Python loop's result bit for bit, every
    field (:mod:`rmsprop._minimize_compiled`); everything else runs the Python loop.

    An online objective (:class:`rmsprop.objectives.OnlineObjective`, ``f_k`` changing with the
    iteration) is evaluated as ``f_k(x_k)`` and ``grad f_k(x_k)`` at iteration ``k = 0, 1, ...``:
    ``fun``, ``path_fun`` and ``jac`` are those of the iteration's own ``f_k`` (the losses of
    online learning; :meth:`~rmsprop.objectives.OnlineObjective.regret` sums them into the
    regret), and without ``gtol`` (or ``tol``) there is no gradient test there: all ``maxiter``
    steps run, since one ``f_k``'s small (even zero) gradient says nothing of the next.

    Parameters
    ----------
    fun : callable or OnlineObjective
        ``fun(x, *args) -> float``; with ``jac=True`` it returns ``(f, grad)``.
        A catalogue objective (:func:`rmsprop.objectives.get`) brings its own gradient, and
        so does an online one (no ``jac``, no ``args``).
    x0 : array_like
        Start, flattened to 1-D; float32 stays float32, anything else becomes float64.
    args : tuple, optional
        Extra arguments of ``fun`` and ``jac`` (one that is not a tuple is made one).
    jac : callable, bool or None, optional
        ``jac(x, *args) -> grad``, ``True``, or ``None`` for central finite differences
        (the result's message says so).
    callback : callable, optional
        ``callback(intermediate_result)`` (an ``OptimizeResult`` with ``x``, ``fun``,
        ``nit``) or the legacy ``callback(xk)``, after every step; raising
        ``StopIteration`` ends the run with status 99.
    learning_rate, decay, eps, **options : optional
        The settings of :func:`rmsprop.rmsprop` (``learning_rate`` may be a schedule);
        unset, they are 0.01 (PyTorch's default rate), 0.9 and 1e-8.
    maxiter : int, optional
        Steps at most (default 1000).
    gtol : float, optional
        Stop when the gradient's norm is at most this (default ``1e-5``, as SciPy's
        BFGS; ``tol`` is taken when ``gtol`` is not given; ``0`` runs all ``maxiter``
        unless a gradient is 0). An online objective has no default: it runs all ``maxiter``.
    norm : float, optional
        Order of the gradient norm (``inf``: largest absolute component, as SciPy's BFGS).
    optimizer : GradientTransformation, optional
        Any gradient transformation to use instead of the RMSprop settings.
    bounds : scipy.optimize.Bounds or sequence of (low, high), optional
        A box: after each step ``x <- clip(x, low, high)``, the Euclidean projection
        (Reddi et al. 2018's projected update); a start outside is projected first, as
        SciPy's bounded methods do. ``None`` in a pair: no bound on that side. Bounded runs
        take the Python loop. See :mod:`rmsprop._bounds`.
    hess, hessp, constraints : optional
        Accepted for SciPy's calling convention; RMSprop uses none of them.
    tol : float, optional
        SciPy's generic tolerance: ``gtol`` when that is not given.
    checkpoint : str or path-like, optional
        A ``.npz`` file to save the run's whole state to (atomically) every
        ``checkpoint_every`` iterations (default 1000) and at the end; the format is
        described in :mod:`rmsprop._checkpoint`. A non-finite iterate is never saved.
    checkpoint_every : int, optional
        Iterations between checkpoints, ``>= 1`` (default 1000); needs ``checkpoint``.
    resume : str or path-like, optional
        A checkpoint to continue from, instead of starting at ``x0``: the run must be
        the same (objective, ``x0``, dtype, optimizer settings, ``gtol``, ``norm``).
        ``nit`` goes on from the checkpoint's and ``maxiter`` is the total; the result
        is bit for bit the one of a run never interrupted (the callback is called for
        the resumed iterations only). A checkpoint at a stop for the gradient norm,
        ``maxiter`` or a non-finite step gives the same result at once; a stop by the
        callback (status 99) goes on. It may name the ``checkpoint`` file.
    noise : float or GradientNoise, optional
        Stochastic gradients: each step is given ``g + scale * z`` (a float is that absolute
        ``scale``) or, with ``GradientNoise(scale, relative=True)``, ``g + scale * |g| * z``,
        with ``z ~ N(0, I)`` drawn anew per step (:mod:`rmsprop._noise`). The stopping test,
        ``jac``, ``fun`` and the paths are the objective's own, noiseless values; the result
        has ``noise``, ``{"scale", "relative", "seed"}``. Default ``None`` (and ``0``): none.
    seed : int, optional
        The seed of the noise, ``>= 0``: the draws are ``numpy.random.default_rng(seed)``'s, so
        a run is the same run after run, on every engine, resumed or not. Default 0; only with ``noise``.

    Returns
    -------
    OptimizeResult
        ``x, fun, jac, nit, nfev, njev, status, success, message`` and the trajectory:
        ``path_x`` (shape ``(nit + 1, d)``, the start first), ``path_fun``,
        ``path_jac`` (the gradient at each iterate), ``path_grad_norm``; ``state``,
        the optimizer's final state; and ``settings``, the optimizer's settings
        (for legends and saving).
        ``status`` is a key of :data:`STATUS_MESSAGES`. A finite sum
        (:class:`rmsprop.objectives.FiniteSum`, whose ``fun`` and ``path_fun`` are the batches'
        losses) adds ``path_full_fun``, the full objective at every iterate, ``full_fun``, its last
        value, and ``batches_per_epoch`` (iteration ``k`` is epoch ``k / batches_per_epoch``).

    Raises
    ------
    TypeError
        If ``fun`` or ``callback`` is not callable, ``x0`` or a value of ``fun`` or
        ``jac`` is not real, ``jac`` is of another kind, a setting is unknown or of
        the wrong type, or ``noise`` or ``seed`` is of the wrong type.
    ValueError
        If ``x0`` is empty or not finite, a setting, ``maxiter``, ``gtol``, ``norm`` or
        ``checkpoint_every`` is out of range, ``hess``, ``hessp`` or ``constraints`` is
        given, ``bounds`` are not a box of ``x0``'s dimension (:func:`rmsprop._bounds.box_of`),
        both ``optimizer`` and settings are, ``resume`` is not a checkpoint of this run, or
        ``noise`` or ``seed`` is out of range (a seed without noise).

    Examples
    --------
    The seed's run, bit for bit: 50 steps from ``(-4, 3)`` on ``5 x1^2 + 7 x2^2``.

    >>> import numpy as np
    >>> f = lambda x: 5 * x[0] ** 2 + 7 * x[1] ** 2
    >>> grad = lambda x: np.array([10 * x[0], 14 * x[1]])
    >>> result = minimize(f, [-4.0, 3.0], jac=grad, learning_rate=0.1, maxiter=50, gtol=0)
    >>> result.x.tolist(), result.nit, result.status, result.path_x.shape
    ([-0.10352260359924752, 0.0025296212056016548], 50, <Status.MAXITER: 1>, (51, 2))
    >>> result.message
    'Maximum number of iterations has been exceeded.'

    A catalogue objective brings its gradient; with the default ``gtol`` the run stops early:

    >>> from rmsprop import objectives
    >>> result = minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1)
    >>> result.nit, result.success
    (77, True)

    It is a ``method`` for SciPy too:

    >>> import scipy.optimize
    >>> seed = objectives.get("seed")
    >>> result = scipy.optimize.minimize(seed, [-4.0, 3.0], jac=seed.grad, method=minimize,
    ...                                  options=dict(learning_rate=0.1, maxiter=50, gtol=0))
    >>> result.x.tolist()
    [-0.10352260359924752, 0.0025296212056016548]

    With a box, the start and each step are projected onto it (the start ``x1 = -4`` is
    outside ``[-3, 3]``; ``x2`` stops at its lower bound 0.5):

    >>> result = minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0, bounds=[(-3, 3), (0.5, None)])
    >>> result.path_x[0].tolist(), result.x.tolist()
    ([-3.0, 3.0], [-0.0025296212079047335, 0.5])

    With noisy gradients, the same seed gives the same run:

    >>> noisy = [minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=50, noise=1.0, seed=3)
    ...          for _ in range(2)]
    >>> noisy[0].x.tolist() == noisy[1].x.tolist(), noisy[0].noise
    (True, {'scale': 1.0, 'relative': False, 'seed': 3})
    """
    optimizer = resolve_optimizer(optimizer, "minimize", learning_rate, decay, eps, **options)
    if hess is not None or hessp is not None:
        raise ValueError("RMSprop uses no Hessian; leave hess and hessp as None")
    if constraints is not None and len(constraints) > 0:
        raise ValueError("RMSprop takes bounds (a box) but no other constraints; leave constraints unset")
    if isinstance(maxiter, bool) or not isinstance(maxiter, (int, np.integer)) or maxiter < 0:
        raise ValueError(f"maxiter must be an integer >= 0; got {maxiter!r}")
    if gtol is None:
        gtol = tol if tol is not None else -math.inf if isinstance(fun, OnlineObjective) else 1e-5
    if gtol != -math.inf:  # -inf: an online objective's run without a gradient test
        gtol = in_range("gtol", gtol, 0.0)
    vector_norm_order(norm)
    if not isinstance(args, tuple):
        args = (args,)
    seed = checked_seed(seed, noise)
    noise = noise_of(noise)

    x = _start(x0)
    box = box_of(bounds, x.size)
    if box is not None:
        x = box.project(x)
    value_and_grad, counts = _evaluator(fun, jac, args, x.size)
    if checkpoint_every is not None and checkpoint is None:
        raise ValueError("checkpoint_every needs checkpoint, the file to write")
    every = 0
    if checkpoint is not None:
        checkpoint = _checkpoint.checkpoint_target(checkpoint)
        every = _checkpoint.DEFAULT_EVERY if checkpoint_every is None else checkpoint_every
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
            raise ValueError(f"checkpoint_every must be an integer >= 1; got {checkpoint_every!r}")
    run = None
    if checkpoint is not None or resume is not None:
        run = _checkpoint.describe_run(fun, x, optimizer.settings, gtol, norm, counts["finite_differences"])
        if box is not None:
            run["bounds"] = box.describe()
        if noise is not None:
            run["noise"] = {**noise.describe(), "seed": seed}
    stream = NoiseStream(noise, seed, x.size) if noise is not None else None

    compiled = None if box is not None else compiled_run(fun, jac, args, callback, norm, optimizer, x, maxiter)
    notify = _callback_caller(callback)
    with np.errstate(all="ignore"):  # a diverging run is a status, not a warning
        if resume is None:
            f, g = value_and_grad(x, 0)
            start = _checkpoint.Progress(
                0, counts["nfev"], counts["njev"], optimizer.init(x), [x.copy()], [f], [g.copy()], [_norm(g, norm)]
            )
        else:
            assert run is not None  # described above, as resume is given
            start = _checkpoint.load(resume, run, optimizer.init(x), x, maxiter)
        if compiled is not None:
            end = run_compiled(compiled, start, maxiter, gtol, checkpoint, every, run, stream)
        else:
            counts["nfev"], counts["njev"] = start.nfev, start.njev
            end = _python_loop(
                start,
                optimizer,
                value_and_grad,
                counts,
                notify,
                maxiter,
                gtol,
                norm,
                checkpoint,
                every,
                run,
                box,
                stream,
            )

    message = STATUS_MESSAGES[end.status] + end.note
    if counts["finite_differences"]:
        message += " " + FINITE_DIFFERENCE_NOTE
    result = OptimizeResult(
        x=end.x,
        fun=end.f,
        jac=end.g,
        nit=end.nit,
        nfev=end.nfev,
        njev=end.njev,
        status=end.status,
        success=end.status == 0,
        message=message,
        path_x=end.path_x,
        path_fun=end.path_fun,
        path_jac=end.path_jac,
        path_grad_norm=end.path_grad_norm,
        state=end.state,
        settings=dict(optimizer.settings),
    )
    if noise is not None:
        result.noise = {**noise.describe(), "seed": seed}
    if isinstance(fun, OnlineObjective) and isinstance(
        fun, objectives.FiniteSum
    ):  # (loaded for online runs only)  # the full loss beside the batches' losses, after the run (vectorised)
        result.path_full_fun = fun.full_losses(end.path_x)
        result.full_fun, result.batches_per_epoch = float(result.path_full_fun[-1]), fun.batches_per_epoch
    return result


def _python_loop(
    start: _checkpoint.Progress,
    optimizer: GradientTransformation,
    value_and_grad: Callable,
    counts: dict,
    notify: Callable | None,
    maxiter: int,
    gtol: float,
    norm: Any,
    checkpoint: Any,
    every: int,
    run: Any,
    box: Box | None = None,
    stream: NoiseStream | None = None,
) -> Outcome:
    """The run from ``start``, one Python iteration at a time: any objective, optimizer, callback and box.

    ``value_and_grad(x, k)`` is called with the iteration ``k`` of ``x`` (an online objective's step).
    With a noise ``stream``, each step is given the noisy gradient; the rest sees the objective's own.
    """
    nit, state = start.nit, start.state
    path_x, path_fun, path_jac, path_grad_norm = (list(path) for path in start[4:])
    x, f, g = path_x[-1].copy(), path_fun[-1], path_jac[-1].copy()
    finite = _finite(f, g)
    status = Status.SUCCESS if finite else Status.NONFINITE
    note = "" if finite else stop_note(Stop.START, 0)
    # A step on Python floats where the optimizer is the rule's own and x a few float64 numbers.
    floats = float_steps(optimizer, state, x)
    if floats is None:
        (step, to_state), state = optimizer_steps(optimizer), state
    else:
        step, to_state, state = floats
    # What a checkpoint saves: the state and counts at x (a failed step below changes them).
    state_at_x, counts_at_x, saved_at = state, None, None

    def save_checkpoint() -> int:
        nfev, njev = counts_at_x or (counts["nfev"], counts["njev"])
        progress = _checkpoint.Progress(
            nit, nfev, njev, to_state(state_at_x), path_x, path_fun, path_jac, path_grad_norm
        )
        _checkpoint.save(checkpoint, run, progress)
        return nit

    while status == 0 and path_grad_norm[-1] > gtol:
        if nit >= maxiter:
            status = Status.MAXITER
            break
        seen = g if stream is None else perturbed(g, stream.row(nit), stream.noise.relative)
        x_next, state = step(seen, state_at_x, x)
        if box is not None:
            x_next = box.project(x_next)
        if not _all_finite(x_next):
            status, note = Status.NONFINITE, stop_note(Stop.STEP, nit)
            break
        evaluations = counts["nfev"], counts["njev"]
        f_next, g_next = value_and_grad(x_next, nit + 1)
        if not (math.isfinite(f_next) and _all_finite(g_next)):
            status, note = Status.NONFINITE, stop_note(Stop.EVALUATION, nit + 1)
            counts_at_x = evaluations
            break
        x, f, g, state_at_x = x_next, f_next, g_next, state
        nit += 1
        path_x.append(x)  # a new array of the step's, which no one else holds (fun and jac get copies)
        path_fun.append(f)
        path_jac.append(g.copy())
        path_grad_norm.append(_norm(g, norm))
        if notify is not None:
            try:
                notify(OptimizeResult(x=x.copy(), fun=f, jac=g.copy(), nit=nit))
            except StopIteration:
                status = Status.CALLBACK
        if checkpoint is not None and nit % every == 0:
            saved_at = save_checkpoint()
    # The end of the run, unless just saved; never a non-finite start (the last good checkpoint stays).
    if checkpoint is not None and saved_at != nit and finite:
        save_checkpoint()
    return Outcome(
        x,
        f,
        g,
        nit,
        counts["nfev"],
        counts["njev"],
        status,
        note,
        np.array(path_x),
        np.array(path_fun),
        np.array(path_jac),
        np.array(path_grad_norm),
        to_state(state),
    )


def _norm(g: np.ndarray, order: Any) -> float:
    """``float(np.linalg.norm(g, ord=order))``, quicker for the orders +-inf of a short vector (the same number)."""
    if g.size <= _SHORT and (order == math.inf or order == -math.inf):
        values = map(abs, g.tolist())  # a float32 converts exactly; the largest absolute value is exact in any order
        return max(values) if order > 0 else min(values)
    return float(np.linalg.norm(g, ord=order)) if g.size else 0.0


def _all_finite(a: np.ndarray) -> bool:
    """Whether every element of ``a`` is finite (``np.isfinite(a).all()``, quicker for a short vector)."""
    if a.size <= _SHORT:
        return all(map(math.isfinite, a.tolist()))
    return bool(np.isfinite(a).all())


def _start(x0: Any) -> np.ndarray:
    try:
        x = np.array(x0, copy=True)
    except (TypeError, ValueError) as error:
        raise ValueError(f"x0 must be a sequence of numbers; got {x0!r}") from error
    if x.dtype.kind not in "biuf":
        raise TypeError(f"x0 must hold real numbers; got dtype {x.dtype}")
    x = x.astype(np.float32 if x.dtype == np.float32 else np.float64).ravel()
    if x.size == 0:
        raise ValueError("x0 is empty; give at least one coordinate")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"x0 must be finite; got {x.tolist()}")
    return x


def _finite(f: float, g: np.ndarray) -> bool:
    return math.isfinite(f) and _all_finite(g)


def _evaluator(fun: Callable, jac: Any, args: tuple, size: int):
    """``value_and_grad(x, k) -> (float f, ndarray g)`` at iteration ``k``, and the evaluation counts it keeps.

    ``k`` chooses an online objective's ``f_k``; any other objective ignores it.

    The caller sets NumPy's floating-point errors to be ignored while it evaluates: an
    overflowing objective is a status of the run, not a warning.
    """
    if isinstance(fun, OnlineObjective):
        return _online_evaluator(fun, jac, args)
    if not callable(fun):
        raise TypeError(f"fun must be callable; got {type(fun).__name__}")
    grad = getattr(fun, "grad", None) if jac is None else None
    if callable(grad):
        jac = grad  # a catalogue objective knows its gradient
    counts = {"nfev": 0, "njev": 0, "finite_differences": False}

    def value(x: np.ndarray) -> float:
        counts["nfev"] += 1
        return _scalar(fun(x.copy(), *args), "fun")

    def gradient(out: Any, x: np.ndarray) -> np.ndarray:
        if type(out) is np.ndarray and out.dtype == x.dtype and out.shape == x.shape:
            return out  # the usual case, as it is
        g = np.asarray(out)
        if g.size != x.size:
            raise ValueError(f"the gradient must have the shape of x, {x.shape}; got {g.shape}")
        g = g.reshape(x.shape)
        if g.dtype.kind not in "biuf":
            raise TypeError(f"the gradient must be real; got dtype {g.dtype}")
        return g.astype(x.dtype, copy=False)

    if jac is True:

        def value_and_grad(x, k=0):
            counts["nfev"] += 1
            counts["njev"] += 1
            out = fun(x.copy(), *args)
            if not (isinstance(out, tuple) and len(out) == 2):
                raise ValueError("with jac=True, fun must return a pair (f, grad)")
            return _scalar(out[0], "fun"), gradient(out[1], x)

    elif callable(jac):

        def value_and_grad(x, k=0):
            counts["nfev"] += 1
            counts["njev"] += 1
            f, g = fun(x.copy(), *args), jac(x.copy(), *args)
            if not (type(g) is np.ndarray and g.dtype == x.dtype and g.shape == x.shape):  # else as it is
                g = gradient(g, x)
            return (f if type(f) is float else _scalar(f, "fun")), g

    elif jac is None or jac is False or jac in ("2-point", "3-point", "cs"):
        counts["finite_differences"] = True

        def value_and_grad(x, k=0):
            return value(x), central_difference(value, x)

    else:
        raise TypeError(f"jac must be a callable, True or None; got {jac!r}")
    return value_and_grad, counts


def _online_evaluator(fun: OnlineObjective, jac: Any, args: tuple):
    """:func:`_evaluator` for an online objective: ``f_k(x)`` and ``grad f_k(x)`` at iteration ``k``."""
    if jac is not None:
        raise ValueError("an online objective brings its gradient grad(x, t); leave jac unset")
    if args:
        raise ValueError("an online objective takes (x, t) only; leave args unset")
    counts = {"nfev": 0, "njev": 0, "finite_differences": False}

    def value_and_grad(x, k):
        counts["nfev"] += 1
        counts["njev"] += 1
        g = np.asarray(fun.grad(x.copy(), k))
        if g.shape != x.shape:
            raise ValueError(
                f"online objective {fun.name!r}: grad(x, t) must have the shape of x, {x.shape}; got {g.shape}"
            )
        if g.dtype.kind not in "biuf":
            raise TypeError(f"online objective {fun.name!r}: grad(x, t) must be real; got dtype {g.dtype}")
        return _scalar(fun.f(x.copy(), k), "fun"), g.astype(x.dtype)

    return value_and_grad, counts


def _scalar(out: Any, what: str) -> float:
    if type(out) is float or type(out) is np.float64:
        return float(out)  # the usual cases, at once
    array = np.asarray(out)
    if array.size != 1:
        raise ValueError(f"{what} must return a scalar; got shape {array.shape}")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{what} must return a real number; got {array.dtype}")
    return float(array.reshape(()))


def _callback_caller(callback: Callable | None) -> Callable | None:
    """Call ``callback(intermediate_result=res)`` or the legacy ``callback(xk)``, as SciPy decides."""
    if callback is None:
        return None
    if not callable(callback):
        raise TypeError(f"callback must be callable; got {type(callback).__name__}")
    try:
        parameters = set(inspect.signature(callback).parameters)
    except (TypeError, ValueError):
        parameters = set()
    errors = np.geterr()  # the caller's; the loop ignores floating-point errors, the callback gets the caller's

    def notify(result: Any) -> Any:
        with np.errstate(**errors):
            if parameters == {"intermediate_result"}:
                return callback(intermediate_result=result)
            return callback(np.copy(result.x))

    return notify
