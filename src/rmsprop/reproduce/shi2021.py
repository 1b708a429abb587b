r"""Shi, Li, Hong & Sun (2021), "RMSprop converges with proper hyper-parameter", ICLR: the phase diagram.

**The statement.** The paper proves that RMSprop converges (to a bounded region; to critical
points when the problem is realizable) once ``beta_2`` is close enough to 1 -- how close depends
on the problem (``1 - beta_2`` of order ``n^{-3.5}`` for ``n`` functions, in its Theorem 4.3 as
Zhang, Chen & Luo's ICLR 2022 blog post "Does Adam converge and when?" restates it) -- and, from
that, conjectures "a critical threshold ``beta_2^*``, such that RMSprop generates reasonably good
results only if ``1 > beta_2 >= beta_2^*``" (abstract). Its Figure 1 (Section 1) plots, on Reddi et
al.'s counterexample, which cells of a grid of ``beta_2`` and the period ``C`` converge; the
statement checked here is that for each ``C`` there is a threshold of ``beta_2`` above which
RMSprop converges, and that it rises with ``C``.

**The experiment, as the authors' code runs it.** The paper's text of Section 1 and Figure 1's
caption were not readable here; the definitions below are those of the authors' script,
``reddiexample.m`` of github.com/soundsinteresting/RMSprop (commit e469949, 2021-01-17, "fixed an
issue pointed out by Juntang"), which the repository's README says gives Figure 1 "by directly
running reddiexample.m in the default setting":

* the losses, for a period ``C``: ``f_k(x) = C x`` when ``k mod C = 1`` and ``-x`` otherwise
  (``k = 1, 2, ...``), on ``F = [-1, 1]`` -- Reddi, Kale & Kumar (2018)'s counterexample with
  the large gradient equal to the period. Each period's gradients sum to ``C - (C - 1) = 1 > 0``,
  so ``x* = -1`` minimizes the sum and ``+1`` is the worst point;
* RMSprop (their Adam with ``beta_1 = 0``): ``v_k = beta_2 v_{k-1} + (1 - beta_2) g_k^2``,
  ``x_{k+1} = Pi_F(x_k - eta g_k / (sqrt(v_k) sqrt(k)))`` with ``eta = 1``, no ``eps``, from
  ``x_1 = 100`` and ``v_0 = 100 C``;
* the grid: ``C = 2, ..., 32`` and ``beta_2 = 1 - 10^{-i/10}``, ``i = 1, ..., 40`` (the figure's
  axes: ``-log10(1 - beta_2)`` from 0.1 to 4, and ``C``); ``10^6`` iterations each;
* the criterion: a run converges when the mean of ``log10 |x_k - x*|`` over the last quarter of
  the iterates is below ``-2`` (the iterate within 0.01 of the optimum, in geometric mean); the
  figure marks converged cells ``o`` and the others ``+``. A converging run is projected onto
  ``-1`` exactly once a period (the step of gradient ``C`` overshoots), where ``log10 0`` is
  ``-inf`` (in MATLAB as in NumPy): the mean is then ``-inf``, so the test says in effect whether
  the iterate reaches the optimum in the last quarter.

No threshold is printed in the paper as a number; :data:`AUTHORS_THRESHOLDS` are the thresholds
that script gives, run in full in NumPy here (``tests/test_reproduce.py`` runs it again, marked
slow), to set beside ours.

**Here.** The family is :func:`counterexample` (one period, a :func:`rmsprop.objectives.linear`
sequence counted from ``t = 0``, so ``k mod C = 1`` is ``t mod C = 0``) and :func:`family`
(one period per run, for :func:`rmsprop.minimize_many`). The whole grid is one
``minimize_many`` call on its NumPy engine: ``decay`` is ``beta_2`` per run,
``learning_rate`` is :class:`rmsprop.schedules.inverse_sqrt_decay` (``1 / sqrt(t + 1)``),
``bounds=[(-1, 1)]``. The criterion is the script's, taken over the iterates ``x_t``,
``t = 3T/4, ..., T``. Three settings differ, and the table says so: :data:`STEPS` iterations,
not ``10^6``; the rule's start ``v_0 = 0`` (every library's) with ``eps = 1e-8`` inside the root,
not the script's ``v_0 = 100 C`` without ``eps`` (a large ``v_0`` slows the runs with
``beta_2`` near 1 for ``1 / (1 - beta_2)`` steps, too many for :data:`STEPS`); and the start
``x_0 = 1``, where the script's first step from 100 lands. (The script's first version, of
2020-10-03, ran ``2 x 10^4`` steps too, on another grid.) With fewer steps a run near the
threshold has had less time to settle, so our thresholds lie at or above the script's.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np

from ._report import Report, Row

__all__ = [
    "PERIODS",
    "EXPONENTS",
    "STEPS",
    "PAPER_STEPS",
    "ALPHA",
    "EPS",
    "LEVEL",
    "AUTHORS_THRESHOLDS",
    "counterexample",
    "family",
    "phase_diagram",
    "thresholds",
    "reproduce",
]

#: The periods ``C`` of the grid.
PERIODS = tuple(range(2, 33))
#: ``-log10(1 - beta_2)`` of the grid: ``beta_2 = 1 - 10^{-e}``.
EXPONENTS = tuple(i / 10 for i in range(1, 41))
#: Iterations of each run here.
STEPS = 20_000
#: Iterations of each run in the authors' script.
PAPER_STEPS = 1_000_000
#: ``eta`` of ``eta / sqrt(k)``.
ALPHA = 1.0
#: ``eps`` inside the root (the script has none; the rule with ``v_0 = 0`` needs one).
EPS = 1e-8
#: The criterion: converged when the mean ``log10 |x_t - x*|`` of the last quarter is below this.
LEVEL = -2.0
#: The threshold ``-log10(1 - beta_2^*)`` per period of the authors' script at its settings
#: (``10^6`` iterations, ``x_1 = 100``, ``v_0 = 100 C``, no ``eps``), run in full in NumPy here;
#: every cell above its period's threshold converges, none below.
AUTHORS_THRESHOLDS = {
    **{2: 0.1, 3: 0.3, 4: 0.6, 5: 0.8, 6: 0.9, 7: 1.1, 8: 1.2, 9: 1.3, 10: 1.4, 11: 1.5, 12: 1.6},
    **{13: 1.7, 14: 1.7, 15: 1.8, 16: 1.9, 17: 1.9, 18: 2.0, 19: 2.0, 20: 2.1, 21: 2.1, 22: 2.2},
    **{23: 2.2, 24: 2.2, 25: 2.3, 26: 2.3, 27: 2.4, 28: 2.4, 29: 2.4, 30: 2.5, 31: 2.5, 32: 2.5},
}


def _period(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"the period must be an int >= 2; got {n!r}")
    return int(n)


def counterexample(n: int):
    """The losses of period ``n`` from ``t = 0``: ``n x``, then ``-x`` for ``n - 1`` steps, repeated.

    The script's ``f_k(x) = C x`` for ``k mod C = 1``, else ``-x`` (``k`` from 1), with ``C = n``.

    Parameters
    ----------
    n : int
        The period, ``>= 2``.

    Returns
    -------
    OnlineObjective
        Of period ``n``, comparator ``x* = -1``, window ``[-1, 1]``.

    Raises
    ------
    ValueError
        If ``n`` is not an int ``>= 2``.

    Examples
    --------
    >>> import numpy as np
    >>> losses = counterexample(3)
    >>> [float(losses.grad(np.zeros(1), t)[0]) for t in range(4)], losses.period
    ([3.0, -1.0, -1.0, 3.0], 3)
    """
    from .. import objectives

    n = _period(n)
    return objectives.linear(
        [float(n)] + [-1.0] * (n - 1),
        name=f"Shi et al. Figure 1, C={n}",
        comparator=[-1.0],
        formula=f"f_t(x) = {n} x for t mod {n} = 1, else -x (t from 1)",
        reference="Shi, Li, Hong & Sun (2021), ICLR, Section 1, Figure 1; Reddi, Kale & Kumar (2018)",
    )


def family(periods: Any):
    """The counterexamples of several periods at once: run ``i`` of a batch sees :func:`counterexample` ``(periods[i])``.

    For :func:`rmsprop.minimize_many` (``f(X.T, t)``, one column per run): a batch of
    ``len(periods)`` runs, in that order. ``minimize_many`` drops a run only when a value is
    not finite, which cannot happen here (``|x| <= 1``, the gradients are ``n`` and ``-1``).

    Parameters
    ----------
    periods : array_like of int
        One period ``>= 2`` per run.

    Returns
    -------
    OnlineObjective
        Comparator ``x* = -1``; no common period (``period`` is ``None``).

    Raises
    ------
    ValueError
        If ``periods`` is empty or holds a period that is not an int ``>= 2``; when evaluated,
        if the batch has not one column per period.

    Examples
    --------
    >>> import numpy as np
    >>> losses = family([2, 3])
    >>> [losses.grad(np.zeros((1, 2)), t)[0].tolist() for t in range(3)]
    [[2.0, 3.0], [-1.0, -1.0], [2.0, -1.0]]
    """
    from .. import objectives

    items = periods.ravel().tolist() if isinstance(periods, np.ndarray) else list(periods)
    ns = np.array([_period(n) for n in items], dtype=np.int64)
    if ns.size == 0:
        raise ValueError("family needs at least one period")
    big = ns.astype(np.float64)

    def gradient(t: int) -> np.ndarray:
        return np.where(t % ns == 0, big, -1.0)

    def check(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        if x.shape != (1, ns.size):
            raise ValueError(f"this family runs as a batch of {ns.size} runs (shape (1, {ns.size})); got {x.shape}")
        return x

    def f(x, t):
        return gradient(t) * check(x)[0]

    def grad(x, t):
        return gradient(t)[None, :] + 0.0 * check(x)

    return objectives.online(
        f,
        grad,
        1,
        name=f"Shi et al. Figure 1, C in {ns.min()}..{ns.max()}",
        comparator=[-1.0],
        formula="f_t(x) = C x for t mod C = 1, else -x (t from 1), C per run",
        reference="Shi, Li, Hong & Sun (2021), ICLR, Section 1, Figure 1",
    )


def phase_diagram(periods: Any = PERIODS, exponents: Any = EXPONENTS, steps: int = STEPS) -> dict:
    """Run RMSprop on every (period, ``beta_2``) of the grid, all at once, and apply the criterion.

    Parameters
    ----------
    periods : sequence of int, optional
        The periods ``C``; default :data:`PERIODS`.
    exponents : sequence of float, optional
        ``-log10(1 - beta_2)``; default :data:`EXPONENTS`.
    steps : int, optional
        Iterations ``T`` of each run, ``>= 4``; default :data:`STEPS`.

    Returns
    -------
    dict
        ``periods`` (P,), ``exponents`` (E,), ``beta2`` (E,), ``score`` (P, E): the mean of
        ``log10 |x_t + 1|`` over ``t = T - T//4, ..., T`` (``-inf`` where a run sat on ``-1``);
        ``converged`` (P, E) bool, ``score < LEVEL``; ``x`` (P, E) the last iterates;
        ``steps``; ``engine``, the engine of ``minimize_many``.

    Raises
    ------
    ValueError
        If a period is not an int ``>= 2``, an exponent is not positive and finite, or
        ``steps < 4``.

    Examples
    --------
    >>> diagram = phase_diagram([2, 8], [0.5, 3.0], steps=2000)
    >>> diagram["converged"].tolist(), diagram["engine"]
    ([[True, True], [False, True]], 'numpy')
    """
    from .._batch import minimize_many
    from ..schedules import inverse_sqrt_decay

    ns = np.array([_period(n) for n in periods], dtype=np.int64)
    es = np.asarray(exponents, dtype=np.float64)
    if es.ndim != 1 or es.size == 0 or not (np.isfinite(es).all() and (es > 0).all()):
        raise ValueError(f"exponents must be positive and finite (beta_2 = 1 - 10^-e); got {exponents!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 4:
        raise ValueError(f"steps must be an int >= 4; got {steps!r}")
    steps = int(steps)
    beta2 = 1.0 - 10.0**-es
    losses = family(np.repeat(ns, es.size))
    first = steps - steps // 4
    total = np.zeros(ns.size * es.size)
    seen: list[int] = []

    def observed(x, t):  # minimize_many evaluates f_t once at each iterate x_t: add the tail's log-distances
        if t >= first:
            with np.errstate(divide="ignore"):
                total[:] += np.log10(np.abs(np.asarray(x)[0] + 1.0))
            seen.append(t)
        return losses.f(x, t)

    from .. import objectives

    tracked = objectives.online(observed, losses.grad, 1, name=losses.name, comparator=[-1.0])
    result = minimize_many(
        tracked,
        np.ones((total.size, 1)),
        learning_rate=inverse_sqrt_decay(ALPHA),
        decay=np.tile(beta2, ns.size),
        eps=EPS,
        maxiter=steps,
        bounds=[(-1.0, 1.0)],
    )
    if seen != list(range(first, steps + 1)) or not (result.nit == steps).all():
        raise RuntimeError("the runs did not each take every step once; the criterion would be wrong")
    score = (total / len(seen)).reshape(ns.size, es.size)
    return {
        "periods": ns,
        "exponents": es,
        "beta2": beta2,
        "score": score,
        "converged": score < LEVEL,
        "x": result.x[:, 0].reshape(ns.size, es.size),
        "steps": steps,
        "engine": result.engine,
    }


def thresholds(converged: Any, exponents: Any) -> list[float | None]:
    """The threshold of each row: the smallest exponent above which every cell converges.

    Parameters
    ----------
    converged : array_like of bool
        ``(P, E)``, exponents increasing along a row.
    exponents : sequence of float
        The ``E`` exponents.

    Returns
    -------
    list of float or None
        Per row, the exponent from which the row converges to its end; ``None`` where its
        last cell does not converge.

    Examples
    --------
    >>> thresholds([[False, True, True], [True, False, True], [False, False, False]], [1.0, 2.0, 3.0])
    [2.0, 3.0, None]
    """
    rows = np.asarray(converged, dtype=bool)
    out: list[float | None] = []
    for row in rows:
        failing = np.flatnonzero(~row)
        start = 0 if failing.size == 0 else int(failing[-1]) + 1
        out.append(None if start == row.size else float(exponents[start]))
    return out


def _monotone(row: np.ndarray) -> bool:
    """Whether a row is ``+ ... + o ... o``: once converged, converged for every larger ``beta_2``."""
    return bool(row.any() and row[int(np.argmax(row)) :].all())


def reproduce(periods: Any = None, exponents: Any = None, steps: int | None = None) -> Report:
    """Run the phase diagram over :data:`PERIODS` x :data:`EXPONENTS` and check the paper's statement.

    Parameters
    ----------
    periods, exponents, steps : optional
        As :func:`phase_diagram` takes them; default (``None``) :data:`PERIODS`,
        :data:`EXPONENTS` and :data:`STEPS`, read when called.

    Returns
    -------
    Report
        A row per period (its threshold, beside the authors' script's) and a row for the
        threshold rising with the period; ``data`` holds :func:`phase_diagram`'s dict and
        ``thresholds``.

    Examples
    --------
    A smaller grid, fewer steps:

    >>> report = reproduce(periods=(2, 4, 8), steps=4000)
    >>> report.agrees, report.data["thresholds"]
    (True, [0.1, 0.6, 1.3])
    """
    periods = PERIODS if periods is None else tuple(periods)
    exponents = EXPONENTS if exponents is None else tuple(exponents)
    steps = STEPS if steps is None else steps
    diagram = phase_diagram(periods, exponents, steps)
    found = thresholds(diagram["converged"], diagram["exponents"])
    rows: list[Row] = []
    for n, row, threshold in zip(periods, diagram["converged"], found):
        ours = "none on the grid" if threshold is None else f"{threshold:.1f}: b2* = {1 - 10**-threshold:.4f}"
        if threshold is not None and not _monotone(row):
            ours += ", not monotone below"
        script = AUTHORS_THRESHOLDS.get(n)
        rows.append(
            Row(
                f"C = {n}",
                "a threshold b2* (Fig. 1)",
                ours,
                threshold is not None and _monotone(row),
                "script: -" if script is None else f"script: {script:.1f}",
            )
        )
    known = [t for t in found if t is not None]
    rising = len(known) == len(found) and all(a <= b for a, b in zip(known, known[1:])) and known[-1] > known[0]
    rows.append(
        Row(
            "b2* vs the period C",
            "rises with C (Fig. 1)",
            "never falls" + (f", {known[0]:.1f} to {known[-1]:.1f}" if known else ""),
            rising,
            "every C has one",
        )
    )
    data = {**diagram, "thresholds": found}

    def draw(path: Path) -> None:
        _draw(path, data)

    return Report(
        "Shi, Li, Hong & Sun 2021: RMSprop's phase diagram over beta_2 and the period C",
        "Shi, Li, Hong & Sun (2021), RMSprop converges with proper hyper-parameter, ICLR: Section 1, Figure 1, "
        "with the settings of the authors' reddiexample.m (commit e469949): f_t = C x (t mod C = 1), else -x, "
        f"on [-1, 1]; beta_2 = 1 - 10^-e; eta / sqrt(t), eta = {ALPHA:g}; converged: mean lg|x - x*| over the "
        f"last quarter < {LEVEL:g}. Thresholds as -lg(1 - b2*). Ours: {diagram['steps']:,} steps, v_0 = 0, eps = {EPS:g}; "
        f"script (its thresholds in the note): {PAPER_STEPS:,} steps, v_0 = 100 C, no eps",
        tuple(rows),
        draw,
        data,
    )


def _draw(path: Path, data: dict) -> None:
    """The phase diagram: ``o`` converged, ``+`` not, over ``-log10(1 - beta_2)`` and ``C``, with the thresholds."""
    from ..plot._figure import begin_figure, finish_figure
    from ..plot._legend import defer_placement

    figure, _, target = begin_figure(None, path, (8.0, 6.0), None)
    ax = figure.subplots()
    es, ns, converged = data["exponents"], data["periods"], data["converged"]
    grid_e, grid_n = np.meshgrid(es, ns)
    ax.scatter(
        grid_e[converged], grid_n[converged], marker="o", s=14, facecolors="none", color="tab:blue", label="converged"
    )
    ax.scatter(grid_e[~converged], grid_n[~converged], marker="+", s=18, color="tab:red", label="not converged")
    half = (es[1] - es[0]) / 2 if es.size > 1 else 0.05
    lines = [
        (data["thresholds"], "-", "black", f"threshold, {data['steps']:,} steps"),
        (
            [AUTHORS_THRESHOLDS.get(int(n)) for n in ns],
            "--",
            "grey",
            f"threshold of the authors' script, {PAPER_STEPS:,} steps",
        ),
    ]
    for found, style, colour, label in lines:
        corners = [(t - half, y) for t, n in zip(found, ns) if t is not None for y in (n - 0.5, n + 0.5)]
        if corners:  # the staircase between the last + and the first o of each row
            ax.plot(*zip(*corners), style, color=colour, linewidth=1.2, label=label)
    ax.set_xlabel("-log10(1 - beta_2)")
    ax.set_ylabel("period C")
    ax.set_title("Shi et al. (2021), Figure 1: RMSprop on f_t = C x (t mod C = 1), else -x")
    every_cell = np.column_stack([grid_e.ravel(), grid_n.ravel()])  # the legend covers none (below the axes)
    defer_placement(figure, ax, functools.partial(ax.legend, fontsize="small"), every_cell)
    finish_figure(figure, target, None)
