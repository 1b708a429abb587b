"""The pieces every compiled run is built from: the step's scalars, the stopping test, the clipping factors.

The batch runs of :mod:`rmsprop._compiled.batch` (``minimize_many``) and the single run of
:mod:`rmsprop._compiled.single` (``minimize``) take one step and decide whether to go on with these
functions, so that both stop, clip and scale exactly as :func:`rmsprop.minimize` does:

* :func:`scalars_at`: the step's numbers (:data:`rmsprop.rule.step.SCALARS`) from the tables the
  Python side builds (:func:`rmsprop._compiled_runs.step_tables`), columns :data:`RATES`,
  :data:`PER_RUN` and :data:`SHARED`;
* :func:`status`, :func:`all_finite`, :func:`max_abs`: ``minimize``'s test after each iterate, with
  the norm of order ``inf`` (``np.linalg.norm(g, ord=inf)``, in float64);
* :func:`clip_scales`: the clipping factors of one run's gradient (the rule's own
  :func:`~rmsprop._compiled.rule.clip_factor` of NumPy's pairwise float64 sums of squares);
* :func:`run_options`: what a run does around the step, read from the spec;
* :func:`noisy`: the noisy gradient of :mod:`rmsprop._noise` (its :func:`~rmsprop._noise.perturb`,
  compiled), and :data:`NOISE_SOURCE_HASH`, for the runs' closures.
"""

from __future__ import annotations

import hashlib
import inspect

import numba
import numpy as np

from .._noise import perturb
from .._status import RUNNING, Status
from ..rule.step import SPEC
from .numpy_semantics import JIT, like, numpy_sum
from .rule import clip, clip_factor

__all__ = [
    "RATES",
    "PER_RUN",
    "SHARED",
    "NOISE_SOURCE_HASH",
    "scalars_at",
    "status",
    "all_finite",
    "max_abs",
    "clip_scales",
    "run_options",
    "noisy",
]

#: The columns of the ``rates`` table (one row per run or per step), the ``per_run`` table and ``shared``,
#: each one of :data:`rmsprop.rule.step.SCALARS`: :func:`scalars_at` reads them in this order.
RATES = ("lr", "neg_lr", "lr_weight_decay", "keras_decay_factor")
PER_RUN = ("decay", "one_minus_decay", "eps")
SHARED = ("momentum", "weight_decay", "clip_value")

#: Changes with the source of :func:`rmsprop._noise.perturb`: a key of the noisy runs' disk cache.
NOISE_SOURCE_HASH = hashlib.sha256(inspect.getsource(perturb).encode()).hexdigest()[:16]

_perturb = numba.njit(inline="always")(perturb)

_SUCCESS, _MAXITER, _NONFINITE = int(Status.SUCCESS), int(Status.MAXITER), int(Status.NONFINITE)


@numba.njit(inline="always")
def scalars_at(rates, i, per_run, j, shared, correction, leaf, total):
    """The step's scalars (:data:`rmsprop.rule.step.SCALARS`, in that order) from the tables' rows.

    Parameters
    ----------
    rates : numpy.ndarray
        The table of :data:`RATES`, one row per step or per run (or one for all).
    i : int
        The row of ``rates``.
    per_run : numpy.ndarray
        The table of :data:`PER_RUN`, one row per run (or one for all).
    j : int
        The row of ``per_run``.
    shared : numpy.ndarray
        :data:`SHARED`, the numbers of every run.
    correction, leaf, total : float
        This step's bias correction and clipping factors, in the runs' precision.

    Returns
    -------
    tuple of float
        The step's scalars.

    Examples
    --------
    >>> import numpy as np
    >>> rates = np.array([[0.1, -0.1, 0.0, 1.0]])  # lr, neg_lr, lr_weight_decay, keras_decay_factor
    >>> per_run = np.array([[0.9, 0.1, 1e-8]])  # decay, one_minus_decay, eps
    >>> scalars_at(rates, 0, per_run, 0, np.zeros(3), 1.0, 1.0, 1.0)
    (0.1, -0.1, 0.9, 0.1, 1e-08, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0)
    """
    return (
        rates[i, 0],
        rates[i, 1],
        per_run[j, 0],
        per_run[j, 1],
        per_run[j, 2],
        correction,
        shared[0],
        shared[1],
        shared[2],
        leaf,
        total,
        rates[i, 2],
        rates[i, 3],
    )


@numba.njit(**JIT)
def status(f, g_norm, gtol, nit, maxiter):
    """The status of a run at iterate ``nit``, as ``minimize`` decides it.

    Parameters
    ----------
    f : float
        The value there; ``inf`` when the value or the gradient is not finite.
    g_norm : float
        The gradient's norm.
    gtol : float
        The tolerance of the norm.
    nit : int
        The iterate's number.
    maxiter : int
        The iterations at most.

    Returns
    -------
    int
        3 (not finite), 0 (``g_norm <= gtol``), 1 (``nit >= maxiter``), or ``RUNNING``.

    Examples
    --------
    >>> status(1.0, 1e-6, 1e-5, 10, 100), status(1.0, 1.0, 1e-5, 100, 100), status(float("inf"), 0.0, 1.0, 0, 1)
    (0, 1, 3)
    """
    if not np.isfinite(f):
        return _NONFINITE
    if g_norm <= gtol:
        return _SUCCESS
    if nit >= maxiter:
        return _MAXITER
    return RUNNING


@numba.njit(**JIT)
def all_finite(v):
    """Whether every element of the 1-D array ``v`` is finite.

    Parameters
    ----------
    v : numpy.ndarray
        A 1-D float array.

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np
    >>> all_finite(np.array([1.0, 2.0])), all_finite(np.array([1.0, np.nan]))
    (True, False)
    """
    for i in range(v.size):
        if not np.isfinite(v[i]):
            return False
    return True


@numba.njit(**JIT)
def max_abs(v):
    """``np.linalg.norm(v, ord=inf)`` of a 1-D array, as a float64.

    Parameters
    ----------
    v : numpy.ndarray
        A 1-D float array, not empty.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> max_abs(np.array([3.0, -4.0]))
    4.0
    """
    largest = np.float64(abs(v[0]))
    for i in range(1, v.size):
        largest = max(largest, np.float64(abs(v[i])))
    return largest


@numba.njit(inline="always")
def clip_scales(g, j, gc, work, clip_value, clip_norm, global_clip_norm, limits, value_limit, one):
    """The clipping factors ``(leaf, total)`` of row ``j`` of ``g``, as ``rmsprop._clip.clip_factors`` forms them.

    The gradient is clipped by value first (where on); each factor is
    :func:`~rmsprop._compiled.rule.clip_factor` of the float64 pairwise sum of the squares of
    the gradient as clipped so far, rounded to the run's precision.

    Parameters
    ----------
    g : numpy.ndarray
        The gradients, one run per row.
    j : int
        The row.
    gc, work : numpy.ndarray
        Scratch rows of ``g``'s length: in ``g``'s dtype, and float64.
    clip_value, clip_norm, global_clip_norm : bool
        Which clippings are on (constants of the caller).
    limits : numpy.ndarray
        ``(gtol, clip_norm, global_clip_norm)`` in float64.
    value_limit : float
        ``clip_value`` in the run's precision.
    one : float
        ``1`` in the run's precision.

    Returns
    -------
    tuple of float
        The factors by norm and by global norm (``one`` where off).

    Examples
    --------
    >>> import numpy as np
    >>> g, work = np.array([[3.0, -4.0]]), np.empty(2)
    >>> clip_scales(g, 0, np.empty(2), work, False, True, False, np.array([0.0, 2.5, 0.0]), 0.0, 1.0)
    (0.5, 1.0)
    """
    d = g.shape[1]
    leaf = total = one
    for i in range(d):
        gc[i] = clip(g[j, i], value_limit) if clip_value else g[j, i]
        work[i] = np.float64(gc[i] * gc[i])
    if clip_norm:
        leaf = like(clip_factor(numpy_sum(work, d), limits[1]), one)
        for i in range(d):
            gc[i] = gc[i] * leaf
            work[i] = np.float64(gc[i] * gc[i])
    if global_clip_norm:
        total = like(clip_factor(numpy_sum(work, d), limits[2]), one)
    return leaf, total


def run_options(spec: tuple[int, ...]) -> tuple[bool, bool, bool, bool]:
    """What a run does around the step: clip by value, by norm, by global norm; bias correction.

    Parameters
    ----------
    spec : tuple of int
        The step's spec (:meth:`rmsprop.Settings.spec`).

    Returns
    -------
    tuple of bool
        ``(clip_value, clip_norm, global_clip_norm, debias)``.

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop import Settings
    >>> run_options(Settings(clip_norm=1.0, bias_correction=True).spec(np.float64))
    (False, True, False, True)
    """
    names = dict(zip(SPEC, spec))
    return (
        bool(names["clip_value"]),
        bool(names["clip_norm"]),
        bool(names["global_clip_norm"]),
        names["debias"] >= 0,
    )


@numba.njit(inline="always")
def noisy(g, w, relative):
    """The gradient component ``g`` with the noise ``w`` (``scale * z``), rounded to ``g``'s precision.

    :func:`rmsprop._noise.perturb` in float64, compiled: the numbers of :func:`rmsprop._noise.perturbed`.

    Parameters
    ----------
    g : float
        A component of the gradient, float32 or float64.
    w : float
        Its draw times the scale, float64.
    relative : bool
        Whether the noise is relative (a constant of the caller).

    Returns
    -------
    float
        ``g + w`` or ``g + w * |g|``, formed in float64, in ``g``'s type.

    Examples
    --------
    >>> import numpy as np
    >>> bool(noisy(np.float32(1.0), 0.1, False) == np.float32(1.1)), noisy(2.0, 0.5, True)
    (True, 3.0)
    """
    return like(_perturb(np.float64(g), w, relative), g)
