r"""Reddi, Kale & Kumar (2018), "On the convergence of Adam and beyond", ICLR: where RMSprop and Adam fail.

**Theorem 1.** On ``F = [-1, 1]`` the online losses ``f_t(x) = C x`` for ``t mod 3 = 1`` and
``f_t(x) = -x`` otherwise (``C > 2``; ``t = 1, 2, ...``) are minimized in sum by ``x = -1``
(each period costs ``C - 2`` there), yet Adam with ``beta_1 = 0`` and
``beta_2 = 1 / (1 + C^2)`` -- RMSprop with that decay -- and ``alpha_t = alpha / sqrt(t)``
converges to ``x = +1``, the worst point, with average regret that does not go to 0. AMSGrad
(their Algorithm 2), which divides by the largest average of squares so far, goes to ``-1``.

**Section 5, synthetic experiment (Figure 1).** ``f_t(x) = 1010 x`` for ``t mod 101 = 1`` and
``-10 x`` otherwise, on ``F = [-1, 1]``, with ``beta_1 = 0.9``, ``beta_2 = 0.99`` and
``alpha_t = alpha / sqrt(t)``; and its stochastic version, ``f_t(x) = 1010 x`` with probability
0.01 and ``-10 x`` otherwise (expected gradient ``10.1 - 9.9 = 0.2 > 0``, so the optimum is
``-1`` again). Adam goes to ``+1``, AMSGrad to ``-1``; Adam's average regret ``R_t / t`` stays
above 0 (at ``x = +1`` each period of 101 steps costs ``20``: ``R_t / t -> 20/101``),
AMSGrad's goes to 0. The paper runs 5 million iterations and picks ``alpha`` by grid search.

Here: the problems are :func:`rmsprop.objectives.linear` sequences counted from ``t = 0``
(so "``t mod 3 = 1``" is step ``0, 3, 6, ...``), ``alpha_t`` is
:class:`rmsprop.schedules.inverse_sqrt_decay` (``alpha / sqrt(t + 1)`` from step 0), ``F`` is
``bounds=[(-1, 1)]`` (the projection ``Pi_F``), the start is ``x = 0``, and ``alpha = 0.5``
(:data:`ALPHA`). RMSprop is this package's rule with ``decay = beta_2`` (eps 1e-8 inside the
root: the paper's Adam with ``beta_1 = 0`` has none), Adam is :func:`rmsprop.baselines.adam`
(Kingma & Ba, with bias correction) and AMSGrad is :func:`rmsprop.baselines.amsgrad` (the
paper's Algorithm 2, ``eps = 0``). Theorem 1 takes ``C = 3`` and :data:`THEOREM_STEPS` steps;
Section 5 takes :data:`STEPS` steps, not 5 million: the statements already show (Adam at
``+1``, AMSGrad's regret falling), and the table says how far each run got.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ._report import Report, Row

__all__ = [
    "C",
    "ALPHA",
    "THEOREM_STEPS",
    "STEPS",
    "PAPER_STEPS",
    "SEED",
    "theorem_1",
    "section_5",
    "stochastic",
    "reproduce",
]

#: Theorem 1's constant (any C > 2).
C = 3.0
#: alpha of alpha_t = alpha / sqrt(t).
ALPHA = 0.5
#: Steps of the Theorem 1 runs.
THEOREM_STEPS = 3000
#: Steps of the Section 5 runs (the paper: :data:`PAPER_STEPS`).
STEPS = 20_000
#: The paper's iterations in Section 5.
PAPER_STEPS = 5_000_000
#: The random stream of the stochastic version.
SEED = 2018


def theorem_1(c: float = C):
    """Theorem 1's losses from ``t = 0``: ``C x``, ``-x``, ``-x``, repeated (their ``t mod 3 = 1`` first).

    Parameters
    ----------
    c : float, optional
        ``C > 2``; default :data:`C`.

    Returns
    -------
    OnlineObjective
        Of period 3, comparator ``x* = -1``, window ``[-1, 1]``.

    Raises
    ------
    ValueError
        If ``c <= 2`` (then ``-1`` is not the unique best point).

    Examples
    --------
    >>> import numpy as np
    >>> [float(theorem_1().f(np.array([1.0]), t)) for t in range(4)]
    [3.0, -1.0, -1.0, 3.0]
    """
    from .. import objectives

    if not c > 2:
        raise ValueError(f"Theorem 1 needs C > 2; got {c!r}")
    return objectives.linear(
        [c, -1.0, -1.0],
        name=f"Reddi et al. Theorem 1, C={c:g}",
        comparator=[-1.0],
        formula=f"f_t(x) = {c:g} x for t mod 3 = 1, else -x (t from 1)",
        reference="Reddi, Kale & Kumar (2018), ICLR, Theorem 1",
    )


def section_5():
    """Section 5's online losses: ``1010 x`` at steps ``0, 101, 202, ...`` (their ``t mod 101 = 1``), else ``-10 x``.

    Returns
    -------
    OnlineObjective
        Of period 101, comparator ``x* = -1``.

    Examples
    --------
    >>> section_5().period
    101
    """
    from .. import objectives

    return objectives.linear(
        [1010.0] + [-10.0] * 100,
        name="Reddi et al. Section 5, online",
        comparator=[-1.0],
        formula="f_t(x) = 1010 x for t mod 101 = 1, else -10 x (t from 1)",
        reference="Reddi, Kale & Kumar (2018), ICLR, Section 5, Figure 1",
    )


def stochastic(steps: int = STEPS, seed: int = SEED):
    """Section 5's stochastic losses: ``1010 x`` with probability 0.01, else ``-10 x``, drawn for ``steps + 1`` steps.

    Parameters
    ----------
    steps : int, optional
        The steps of the run (one draw more: the last iterate's loss); default :data:`STEPS`.
    seed : int, optional
        The seed of :func:`numpy.random.default_rng`; default :data:`SEED`.

    Returns
    -------
    OnlineObjective
        Comparator ``x* = -1`` (the minimizer of the expected loss ``0.2 x``).

    Examples
    --------
    >>> import numpy as np
    >>> losses = stochastic(999, seed=0)
    >>> losses.period, sorted({float(losses.grad(np.zeros(1), t)[0]) for t in range(1000)})
    (1000, [-10.0, 1010.0])
    """
    from .. import objectives

    draws = np.random.default_rng(seed).random(steps + 1) < 0.01
    return objectives.linear(
        np.where(draws, 1010.0, -10.0),
        name="Reddi et al. Section 5, stochastic",
        comparator=[-1.0],
        formula="f_t(x) = 1010 x with probability 0.01, else -10 x",
        reference="Reddi, Kale & Kumar (2018), ICLR, Section 5, Figure 1",
    )


def _optimizers(b1: float, b2: float) -> dict:
    from .. import baselines
    from .._rmsprop import rmsprop
    from ..schedules import inverse_sqrt_decay

    lr = inverse_sqrt_decay(ALPHA)
    return {
        "RMSprop": rmsprop(lr, decay=b2, eps=1e-8),
        "Adam": baselines.adam(lr, b1=b1, b2=b2),
        "AMSGrad": baselines.amsgrad(lr, b1=b1, b2=b2, eps=0.0),
    }


def _runs(problem: Any, steps: int, b1: float, b2: float) -> dict:
    """Each optimizer on ``problem`` from 0 in ``[-1, 1]``: ``{name: (x_t, R_t / t)}``."""
    from .._minimize import minimize

    out = {}
    for name, optimizer in _optimizers(b1, b2).items():
        result = minimize(problem, [0.0], optimizer=optimizer, maxiter=steps, bounds=[(-1.0, 1.0)])
        regret = problem.regret(result.path_x)
        out[name] = (result.path_x[:, 0], regret / np.arange(1, regret.size + 1))
    return out


def reproduce() -> Report:
    """Run Theorem 1 and Section 5 (online and stochastic) with RMSprop, Adam and AMSGrad.

    Returns
    -------
    Report
        One row per statement checked; ``data`` holds ``{"theorem 1", "online",
        "stochastic"} -> {optimizer: (x_t, R_t / t)}``.

    Examples
    --------
    >>> report = reproduce()
    >>> report.agrees, [round(float(report.data["theorem 1"][name][0][-1]), 2) for name in ("Adam", "AMSGrad")]
    (True, [1.0, -0.99])
    """
    theorem = _runs(theorem_1(), THEOREM_STEPS, 0.0, 1.0 / (1.0 + C * C))
    online = _runs(section_5(), STEPS, 0.9, 0.99)
    noisy = _runs(stochastic(), STEPS, 0.9, 0.99)
    rows: list[Row] = []
    limit_theorem, limit_online = 2 * (C - 2) / 3, 20 / 101
    steps_note = f"{STEPS:,} of the paper's {PAPER_STEPS:,} iterations"
    for name in ("RMSprop", "Adam"):
        x, average = theorem[name]
        rows.append(Row(f"Theorem 1: {name}'s x_T", "-> +1 (the worst point)", f"{x[-1]:.4f}", x[-1] > 0.95))
        rows.append(
            Row(
                f"Theorem 1: {name}'s R_T/T",
                f"does not go to 0 (at +1: 2(C-2)/3 = {limit_theorem:.3f})",
                f"{average[-1]:.3f}",
                average[-1] > 0.9 * limit_theorem,
                f"C = {C:g}, T = {THEOREM_STEPS:,}",
            )
        )
    x, average = theorem["AMSGrad"]
    rows.append(Row("Theorem 1: AMSGrad's x_T", "-> -1 (the optimum)", f"{x[-1]:.4f}", x[-1] < -0.95))
    rows.append(Row("Theorem 1: AMSGrad's R_T/T", "-> 0", f"{average[-1]:.3f}", average[-1] < 0.1))
    x, average = online["Adam"]
    rows.append(Row("Section 5 online: Adam's x_T", "-> +1", f"{x[-1]:.4f}", x[-1] > 0.95, steps_note))
    rows.append(
        Row(
            "Section 5 online: Adam's R_T/T",
            f"does not go to 0 (at +1: 20/101 = {limit_online:.3f})",
            f"{average[-1]:.3f}",
            average[-1] > limit_online,
        )
    )
    x, average = online["AMSGrad"]
    falling = average[-1] < 0.5 * average[STEPS // 10]
    rows.append(Row("Section 5 online: AMSGrad's x_T", "-> -1", f"{x[-1]:.4f}", x[-1] < -0.8, steps_note))
    rows.append(
        Row(
            "Section 5 online: AMSGrad's R_T/T",
            "-> 0",
            f"{average[-1]:.3f} (at T/10: {average[STEPS // 10]:.3f})",
            falling and average[-1] < online["Adam"][1][-1],
            "falling, below Adam's",
        )
    )
    tail = STEPS // 10
    adam_x, ams_x = noisy["Adam"][0], noisy["AMSGrad"][0]
    rows.append(
        Row(
            "Section 5 stochastic: Adam's x_T",
            "-> +1",
            f"{adam_x[-tail:].mean():.3f} (mean of the last {tail:,})",
            bool(adam_x[-tail:].mean() > 0.5),
            "in the worse half, toward +1",
        )
    )
    rows.append(
        Row(
            "Section 5 stochastic: AMSGrad's x_T",
            "-> -1",
            f"{ams_x[-tail:].mean():.3f} (mean of the last {tail:,})",
            bool(ams_x[-tail:].mean() < -0.5),
            steps_note,
        )
    )

    def draw(path: Path) -> None:
        _draw(path, theorem, online, noisy)

    return Report(
        "Reddi, Kale & Kumar 2018: RMSprop and Adam on convex online problems, and AMSGrad",
        "Reddi, Kale & Kumar (2018), On the convergence of Adam and beyond, ICLR: Theorem 1, Section 5 (Figure 1)",
        tuple(rows),
        draw,
        {"theorem 1": theorem, "online": online, "stochastic": noisy},
    )


def _draw(path: Path, theorem: dict, online: dict, noisy: dict) -> None:
    """Four panels: Theorem 1's x_t; Section 5's R_t/t and x_t (online); x_t (stochastic)."""
    from ..plot._figure import begin_figure, finish_figure
    from ..plot._legend import defer_placement

    figure, _, target = begin_figure(None, path, (11.0, 7.5), None)
    axes = figure.subplots(2, 2)
    colours = {"RMSprop": "tab:blue", "Adam": "tab:orange", "AMSGrad": "tab:green"}
    panels = [
        (axes[0, 0], theorem, 0, f"Theorem 1 (C = {C:g}): x_t", "x_t"),
        (axes[0, 1], online, 1, "Section 5, online: R_t / t", "R_t / t"),
        (axes[1, 0], online, 0, "Section 5, online: x_t", "x_t"),
        (axes[1, 1], noisy, 0, "Section 5, stochastic: x_t", "x_t"),
    ]
    for ax, runs, which, title, label in panels:
        drawn = []
        for name, series in runs.items():
            values = series[which]
            ax.plot(np.arange(values.size), values, label=name, color=colours[name], linewidth=1.0)
            drawn.append(np.column_stack([np.arange(values.size), values]))
        ax.set_title(title)
        ax.set_xlabel("t")
        ax.set_ylabel(label)
        if which == 1:
            ax.set_yscale("log")
        else:
            ax.set_ylim(-1.1, 1.1)
        defer_placement(figure, ax, ax.legend, np.concatenate(drawn))  # where it covers no curve
    figure.suptitle("Reddi, Kale & Kumar (2018): alpha_t = alpha / sqrt(t), F = [-1, 1]")
    finish_figure(figure, target, None)
