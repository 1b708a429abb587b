"""The numbers behind one view of the playground: the grid, the runs, their losses and step sizes.

:func:`compute` is a pure function of a checked :class:`~._state.View`: it keeps
nothing between calls, so concurrent users cannot see each other's work. Its
work is bounded: a grid of :data:`RESOLUTION` squared points, at most
``1 + len(BASELINES)`` runs of at most ``MAX_ITERATIONS`` steps, and a wall-clock
budget of :data:`MAX_SECONDS` that stops the runs (status 99, as a SciPy callback's
``StopIteration``) should a typed formula be slow to evaluate. The grid and its levels are
kept per objective and window (:func:`surface`, a cache of :data:`SURFACES`), so that a view
that changes only the runs (the start, a setting) does not sample f again.

An online problem (:data:`._problems.PROBLEMS`, 1-D) has no grid: its picture holds the runs,
each projected on the problem's box after every step, with ``f_t(x_t)`` and the average
regret ``R_t / t`` along them.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
from typing import Any

import numpy as np

from .. import baselines
from .._minimize import minimize
from ..plot import contour_grid, contour_levels, effective_steps, settings_label
from ._loading import takes_compiled_loop
from ._state import View, ViewError
from ._state import objective as objective_of
from ._state import problem as problem_of

#: Grid points per side of the contour.
RESOLUTION = 100
#: Wall-clock seconds one view may spend running its optimizers.
MAX_SECONDS = 10.0
#: The grids (with their levels) kept, one per objective and window.
SURFACES = 32

STATUS_TEXT = {
    0: "converged (gradient 0)",
    1: "ran every iteration",
    3: "diverged: a non-finite value appeared",
    99: f"stopped: over the {MAX_SECONDS:g} s budget",
}


@dataclasses.dataclass(frozen=True)
class Run:
    """One optimizer's run: its path ``x`` (shape ``(nit + 1, 2)``, finite) and what the table shows.

    Parameters
    ----------
    name : str
        ``"RMSprop"`` or the baseline's name.
    label : str
        Its settings (:func:`rmsprop.plot.settings_label`).
    x : numpy.ndarray, shape (n, 2)
        The path up to its last finite point (the start at least).
    fun : numpy.ndarray, shape (n,)
        f along it.
    status : int
        The result's status: 0 converged, 1 ran every iteration, 3 diverged, 99 over the
        time budget.
    nit : int
        The iterations run.
    distance : float
        From the end to the nearest known minimum; NaN when none is known.
    steps : numpy.ndarray or None
        The effective per-coordinate step, shape ``(nit, 2)``, for RMSprop's run only.
    regret : numpy.ndarray or None
        On an online problem, the average regret ``R_t / t`` along the path, shape ``(n,)``;
        else None.

    Examples
    --------
    >>> from rmsprop.playground._compute import compute
    >>> from rmsprop.playground._state import View
    >>> picture = compute(View(baselines=("adam",)))
    >>> run = picture.runs[0]
    >>> run.name, run.label, run.nit, run.status_text, run.x.shape, run.steps.shape
    ('RMSprop', 'rmsprop lr=0.1 decay=0.9', 50, 'ran every iteration', (51, 2), (50, 2))
    """

    name: str
    label: str
    x: np.ndarray
    fun: np.ndarray
    status: int
    nit: int
    distance: float
    steps: np.ndarray | None  # the effective per-coordinate step, RMSprop's run only
    regret: np.ndarray | None = None  # R_t / t, on an online problem

    @property
    def status_text(self) -> str:
        """The status in words, for the table (:data:`STATUS_TEXT`, or the number)."""
        return STATUS_TEXT.get(self.status, str(self.status))


@dataclasses.dataclass(frozen=True)
class Picture:
    """The contour grid (``level`` is the index-valued position between contour levels) and the runs.

    For an online problem (``problem`` set), the grid is empty and ``window`` is that of the
    figure of ``x_t`` against ``t``: ``((0, maxiter), (lo, hi))``.

    Parameters
    ----------
    view : View
        The view drawn.
    title : str
        The objective's name, and its formula where that differs.
    window : tuple of (float, float)
        ``((x1_lo, x1_hi), (x2_lo, x2_hi))``.
    xs, ys : numpy.ndarray
        The grid's coordinates, :data:`RESOLUTION` each.
    level : numpy.ndarray
        f on the grid mapped onto ``0 .. len(levels) - 1`` (piecewise linear between the
        levels; NaN where f is not finite), so that evenly spaced contours of it are
        the levels of f.
    levels : numpy.ndarray
        The contour levels of f (:func:`rmsprop.plot.contour_levels`).
    scale : str
        ``"log"`` or ``"linear"``.
    minima : numpy.ndarray, shape (k, 2)
        The known minima.
    min_value : float
        f*, or NaN or ``-inf``.
    runs : tuple of Run
        RMSprop's run, then the baselines'.
    problem : OnlineObjective or None, optional
        The online problem the runs ran on; default None, a surface.

    Examples
    --------
    >>> from rmsprop.playground._compute import compute
    >>> from rmsprop.playground._state import View
    >>> picture = compute(View(baselines=("adam",)))
    >>> picture.title, picture.window, picture.scale, picture.level.shape
    ('seed: 5*x1**2 + 7*x2**2', ((-5.0, 5.0), (-5.0, 5.0)), 'linear', (100, 100))
    >>> [run.name for run in picture.runs]
    ['RMSprop', 'adam']
    """

    view: View
    title: str
    window: tuple[tuple[float, float], tuple[float, float]]
    xs: np.ndarray
    ys: np.ndarray
    level: np.ndarray
    levels: np.ndarray
    scale: str
    minima: np.ndarray
    min_value: float
    runs: tuple[Run, ...]
    problem: Any = None


def window(objective, start) -> tuple[tuple[float, float], tuple[float, float]]:
    """Return the objective's domain, grown to hold the start with a 5 % margin.

    Parameters
    ----------
    objective : Objective
        A 2-D objective.
    start : sequence of float
        The start ``(x1, x2)``.

    Returns
    -------
    tuple of (float, float)
        ``((x1_lo, x1_hi), (x2_lo, x2_hi))``.

    Examples
    --------
    >>> from rmsprop import objectives
    >>> window(objectives.get("seed"), (-4.0, 3.0)), window(objectives.get("seed"), (8.0, 3.0))
    (((-5.0, 5.0), (-5.0, 5.0)), ((-5.0, 8.65), (-5.0, 5.0)))
    """
    bounds = []
    for (lo, hi), s in zip(objective.domain, start):
        margin = 0.05 * (max(hi, s) - min(lo, s))
        bounds.append((min(lo, s - margin), max(hi, s + margin)))
    x1_bounds, x2_bounds = bounds  # the playground's objectives and starts are 2-D
    return x1_bounds, x2_bounds


def grid(objective, bounds, resolution: int = RESOLUTION):
    """Sample f on a grid, as :mod:`rmsprop.plot` draws contours.

    Parameters
    ----------
    objective : Objective
        A 2-D objective.
    bounds : tuple of (float, float)
        The window.
    resolution : int, optional
        Points per side; default :data:`RESOLUTION`.

    Returns
    -------
    xs, ys : numpy.ndarray
        The grid's coordinates along x1 and x2.
    Z : numpy.ndarray
        f on the grid, shape ``(len(ys), len(xs))``, NaN where it is not finite.

    Raises
    ------
    ViewError
        If f has no finite value in the window.

    Examples
    --------
    >>> from rmsprop import objectives
    >>> xs, ys, Z = grid(objectives.get("seed"), ((-1, 1), (-1, 1)), resolution=3)
    >>> xs, Z[0]
    (array([-1.,  0.,  1.]), array([12.,  7., 12.]))
    """
    try:
        X, Y, Z = contour_grid(objective, bounds, resolution)
    except ValueError:  # no finite value
        raise ViewError(f"{objective.name} has no finite value in the window; pick another function") from None
    return X[0], Y[:, 0], Z


def level_coordinate(Z, levels: np.ndarray) -> np.ndarray:
    """Map f's values piecewise-linearly onto ``0 .. len(levels) - 1``, so that evenly spaced contours are the levels.

    The contour and the 3-D surface draw f in this coordinate: the (possibly log-spaced)
    ``levels`` become evenly spaced, one unit apart; values beyond the last level are held at
    its ends, NaN stays NaN.

    Parameters
    ----------
    Z : array_like
        Values of f (the grid's, or along a path).
    levels : numpy.ndarray
        Increasing contour levels (:func:`rmsprop.plot.contour_levels`).

    Returns
    -------
    numpy.ndarray
        The coordinate, of ``Z``'s shape.

    Examples
    --------
    >>> level_coordinate([1.0, 10.0, 55.0, 1000.0, float("nan")], np.array([1.0, 10.0, 100.0]))
    array([0. , 1. , 1.5, 2. , nan])
    """
    Z = np.asarray(Z, dtype=float)
    coordinate = np.interp(np.nan_to_num(Z, nan=levels[0]), levels, np.arange(len(levels), dtype=float))
    return np.where(np.isnan(Z), np.nan, coordinate)


@functools.lru_cache(maxsize=SURFACES)
def surface(objective, bounds) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]:
    """Sample f on the window and place it between its contour levels; kept per objective and window.

    The objective is the one :func:`._state.build_objective` keeps for its text (one object
    per text), so the cache is keyed by the text and the window. The arrays are read-only.

    Parameters
    ----------
    objective : Objective
        A 2-D objective.
    bounds : tuple of (float, float)
        The window (:func:`window`).

    Returns
    -------
    tuple
        ``(xs, ys, level, levels, scale)``: the grid's coordinates (:func:`grid`), f on it
        as :func:`level_coordinate`, the levels and their scale
        (:func:`rmsprop.plot.contour_levels`).

    Raises
    ------
    ViewError
        If f has no finite value in the window.

    Examples
    --------
    >>> from rmsprop import objectives
    >>> seed = objectives.get("seed")
    >>> xs, ys, level, levels, scale = surface(seed, ((-5.0, 5.0), (-5.0, 5.0)))
    >>> level.shape, scale, surface(seed, ((-5.0, 5.0), (-5.0, 5.0)))[2] is level
    ((100, 100), 'linear', True)
    """
    xs, ys, Z = grid(objective, bounds)
    levels, scale = contour_levels(Z, objective.min_value)
    arrays = (xs, ys, level_coordinate(Z, levels), np.asarray(levels, dtype=float))
    for array in arrays:
        array.setflags(write=False)
    return (*arrays, scale)


def _run(objective, view: View, name: str, optimizer, deadline: float, with_steps: bool, problem=None) -> Run:
    """One run on ``objective``, or on the online ``problem`` (1-D, projected on its box) where one is given."""

    def budget(intermediate_result):
        if time.perf_counter() > deadline:
            raise StopIteration

    start = np.array(view.start[:1] if problem is not None else view.start, dtype=float)
    bounds = problem.domain if problem is not None else None
    # A run in minimize's compiled loop takes microseconds a step, and a callback would send it to the Python
    # loop; a loop not made yet is made off the request while this run takes the Python loop, with its budget.
    compiled = problem is None and takes_compiled_loop(
        objective, optimizer, start, view.maxiter, view.noise_arguments()
    )
    with np.errstate(all="ignore"):
        result = minimize(
            problem if problem is not None else objective,
            start,
            maxiter=view.maxiter,
            gtol=0,
            optimizer=optimizer,
            callback=None if compiled else budget,
            bounds=bounds,
            **view.noise_arguments(),
        )
    x = np.asarray(result.path_x, dtype=float)
    fun = np.asarray(result.path_fun, dtype=float)
    finite = np.isfinite(x).all(axis=1) & np.isfinite(fun)
    keep = len(x) if finite.all() else max(1, int(np.argmin(finite)))  # the start is always drawn
    steps = None
    if with_steps and result.nit > 0:
        with np.errstate(all="ignore"):
            steps = effective_steps(result)
    regret = None
    if problem is not None:
        distance = float(np.abs(result.x - problem.comparator).max())
        with np.errstate(all="ignore"):
            regret = problem.regret(x[:keep]) / np.arange(1, keep + 1)
    else:
        distance = objective.nearest_minimum_distance(result.x) if len(objective.minima) else math.nan
    label = settings_label(result.settings) if "settings" in result else name
    return Run(
        name=name,
        label=label,
        x=x[:keep],
        fun=fun[:keep],
        status=int(result.status),
        nit=int(result.nit),
        distance=float(distance),
        steps=steps,
        regret=regret,
    )


def _runs(view: View, objective, problem=None) -> list[Run]:
    """RMSprop's run, then each baseline's with the view's learning rate (and schedule), within :data:`MAX_SECONDS`."""
    deadline = time.perf_counter() + MAX_SECONDS
    runs = [_run(objective, view, "RMSprop", view.optimizer(), deadline, True, problem)]
    for name in view.baselines:
        optimizer = baselines.get(name, learning_rate=view.lr())
        runs.append(_run(objective, view, name, optimizer, deadline, False, problem))
    return runs


def _notes(view: View) -> str:
    """What the title says of the schedule and the noise: ``" (lr 0.1/√(t+1), gradient noise 1, seed 0)"``."""
    notes = [view.schedule_text()] if view.schedule != "constant" else []
    if view.noise > 0:
        notes.append(f"gradient noise {view.noise:g}{' × |g|' if view.relative else ''}, seed {view.seed}")
    return f" ({', '.join(notes)})" if notes else ""


def _online(view: View) -> Picture:
    """The picture of an online problem: its runs from ``x_0``, no grid."""
    problem = problem_of(view)
    runs = _runs(view, None, problem)
    comparator = problem.comparator if problem.comparator is not None else np.empty(0)
    empty = np.empty((0,))
    return Picture(
        view=view,
        title=f"{problem.name}: {problem.formula}{_notes(view)}",
        window=((0.0, float(view.maxiter)), problem.domain[0]),
        xs=empty,
        ys=empty,
        level=np.empty((0, 0)),
        levels=empty,
        scale="",
        minima=np.asarray(comparator, dtype=float).reshape(-1, 1),
        min_value=math.nan,
        runs=tuple(runs),
        problem=problem,
    )


def compute(view: View) -> Picture:
    """Compute everything the page draws for ``view`` (a checked view: see :func:`._state.check`).

    Parameters
    ----------
    view : View
        A checked view.

    Returns
    -------
    Picture
        The grid, the levels and the runs (RMSprop's, then each baseline's, with the
        view's learning rate and schedule), within :data:`MAX_SECONDS` of running; for an
        online problem, its runs and no grid.

    Raises
    ------
    ViewError
        If the objective cannot be built or has no finite value in the window, or an
        optimizer refuses the view's settings.

    Examples
    --------
    >>> from rmsprop.playground._compute import compute
    >>> from rmsprop.playground._state import View
    >>> picture = compute(View(baselines=("adam",)))
    >>> [(run.name, run.nit, round(run.distance, 4)) for run in picture.runs]
    [('RMSprop', 50, 0.1036), ('adam', 50, 0.2853)]
    >>> [float(v) for v in picture.runs[0].x[-1]]   # the seed's experiment, bit for bit
    [-0.10352260359924752, 0.0025296212056016548]
    """
    if view.online:
        return _online(view)
    objective = objective_of(view)
    bounds = window(objective, view.start)
    xs, ys, level, levels, scale = surface(objective, bounds)
    runs = _runs(view, objective)
    title = objective.name if objective.name == objective.formula else f"{objective.name}: {objective.formula}"
    return Picture(
        view=view,
        title=title + _notes(view),
        window=bounds,
        xs=xs,
        ys=ys,
        level=level,
        levels=levels,
        scale=scale,
        minima=objective.minima,
        min_value=objective.min_value,
        runs=tuple(runs),
    )
