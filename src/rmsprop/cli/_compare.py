"""``rmsprop compare``: RMSprop and the baselines from one start, each at its best learning rate."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import typer

from . import _tables as tables
from ._app import OPTIMIZERS, OUTPUT, PROBLEM, STOPPING, app, examples, fail
from ._inputs import (
    GTOL_HELP,
    OBJECTIVE_HELP,
    X0_HELP,
    check_counts,
    check_plot,
    check_rate,
    did_you_mean,
    distance,
    objective_and_start,
    output,
    progress,
    save_figure,
)
from ._noise_options import NOISE_HELP, RELATIVE_HELP, SEED_HELP, noise_arguments

#: Learning rates tried for each optimizer when --lr is not given (log-spaced, 1e-4 .. 1).
LEARNING_RATE_GRID = tuple(10.0 ** (k / 3) for k in range(-12, 1))
ONE_RATE_HELP = "One learning rate for all (default: each its best of 1e-4..1)."


def compare_runs(objective, start, names: list[str], lr: float | None, maxiter: int, gtol: float, **noise: Any) -> dict:
    """One run per optimizer: at ``lr``, or at the rate of the grid that ends lowest (a fair comparison).

    The grid is :data:`LEARNING_RATE_GRID`; a progress bar shows on stderr for long work.

    Parameters
    ----------
    objective : Objective
        The objective.
    start : list of float
        The start.
    names : list of str
        Optimizers of :mod:`rmsprop.baselines`.
    lr : float or None
        One learning rate for all, or ``None`` for each its best of the grid.
    maxiter : int
        Iterations at most, per run.
    gtol : float
        Stop a run when the largest ``|gradient component|`` is at most this.
    **noise
        ``noise`` and ``seed`` of :func:`rmsprop.minimize` (every run sees the same draws), or nothing.

    Returns
    -------
    dict
        ``{name: OptimizeResult}`` of :func:`rmsprop.minimize`, in the order of ``names``.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), when an optimizer
        refuses its settings.

    Examples
    --------
    >>> from rmsprop import objectives
    >>> seed = objectives.get("seed")
    >>> runs = compare_runs(seed, [-4.0, 3.0], ["rmsprop", "sgd"], 0.1, 50, 1e-5)
    >>> {name: (result.nit, float(result.fun)) for name, result in runs.items()}
    {'rmsprop': (50, 0.05362944016394148), 'sgd': (17, 1.859431802629939e-12)}
    >>> runs = compare_runs(seed, [-4.0, 3.0], ["rmsprop"], None, 50, 1e-5)
    >>> runs["rmsprop"].settings["learning_rate"], runs["rmsprop"].nit
    (0.4641588833612779, 22)
    """
    from .. import baselines
    from .._minimize import minimize

    runs = {}
    rates = [lr] if lr is not None else list(LEARNING_RATE_GRID)
    context, advance = progress(len(names) * len(rates) * maxiter, "runs")
    with context:
        for name in names:
            best = None
            for rate in rates:
                try:
                    optimizer = baselines.get(name, learning_rate=rate)
                    with np.errstate(all="ignore"):
                        result = minimize(objective, start, maxiter=maxiter, gtol=gtol, optimizer=optimizer, **noise)
                except (ValueError, TypeError) as error:
                    fail(str(error))
                if advance is not None:
                    advance(maxiter)
                score = result.fun if math.isfinite(result.fun) else math.inf
                if best is None or score < best[0]:
                    best = (score, result)
            assert best is not None  # rates is never empty
            runs[name] = best[1]
    return runs


def optimizer_names(text: str) -> list[str]:
    """The names of ``--optimizers``, each known and none twice, or a one-line error.

    Parameters
    ----------
    text : str
        Names separated by commas.

    Returns
    -------
    list of str
        The names, stripped.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), when ``text`` names
        none, an unknown optimizer or one twice.

    Examples
    --------
    >>> optimizer_names("rmsprop, adam")
    ['rmsprop', 'adam']
    """
    from .. import baselines

    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        fail("--optimizers is empty; give names separated by commas, e.g. rmsprop,sgd,adam")
    unknown = [name for name in names if name not in baselines.names()]
    if unknown:
        hint = did_you_mean(unknown[0], baselines.names())
        fail(f"unknown optimizer {unknown[0]!r}{hint}; choose from: {', '.join(baselines.names())}")
    if len(set(names)) != len(names):
        fail(f"--optimizers names one optimizer twice: {text!r}")
    return names


@app.command(
    epilog=examples(
        "rmsprop compare --objective rosenbrock --plot compare.png",
        "rmsprop compare --optimizers rmsprop,sgd,momentum,adam --maxiter 2000",
        "rmsprop compare --objective seed --lr 0.1 --maxiter 50",
        "rmsprop compare --objective seed --lr 0.1 --maxiter 200 --noise 2 --seed 1",
    ),
)
def compare(
    objective: str = typer.Option("rosenbrock", "--objective", rich_help_panel=PROBLEM, help=OBJECTIVE_HELP),
    x0: str = typer.Option(None, "--x0", rich_help_panel=PROBLEM, help=X0_HELP),
    optimizers: str = typer.Option(
        "rmsprop,sgd,momentum,adam",
        "--optimizers",
        rich_help_panel=OPTIMIZERS,
        help="Comma-separated: rmsprop, sgd, momentum, nesterov, adagrad, adadelta, adam, amsgrad.",
    ),
    lr: float = typer.Option(None, "--lr", rich_help_panel=OPTIMIZERS, help=ONE_RATE_HELP),
    maxiter: int = typer.Option(1000, "--maxiter", rich_help_panel=STOPPING, help="Iterations at most, per run."),
    gtol: float = typer.Option(1e-5, "--gtol", rich_help_panel=STOPPING, help=GTOL_HELP),
    plot: Path = typer.Option(
        None, "--plot", rich_help_panel=OUTPUT, help="Draw every path on one contour into this PNG/SVG/PDF."
    ),
    noise: float = typer.Option(None, "--noise", rich_help_panel=PROBLEM, help=NOISE_HELP),
    noise_relative: bool = typer.Option(False, "--noise-relative", rich_help_panel=PROBLEM, help=RELATIVE_HELP),
    seed: int = typer.Option(None, "--seed", rich_help_panel=PROBLEM, help=SEED_HELP),
) -> None:
    """Run RMSprop and the baselines from one start, and compare where they end.
    \f

    A Typer command: its options are documented by their ``help`` (``rmsprop compare --help``).

    Examples
    --------
    >>> from typer.testing import CliRunner
    >>> arguments = ["compare", "--objective", "seed", "--optimizers", "rmsprop,sgd", "--lr", "0.1",
    ...              "--maxiter", "50"]
    >>> print(CliRunner().invoke(app, arguments, env={"COLUMNS": "100"}).stdout)
              seed from (-4, 3), 50 iterations at most
     optimizer   lr      final f  iterations  status  to minimum
     rmsprop    0.1    0.0536294          50       1       0.104
     sgd        0.1  1.85943e-12          17       0    5.15e-07
    <BLANKLINE>
    """
    check_counts(maxiter, gtol)
    names = optimizer_names(optimizers)
    objective_, start = objective_and_start(objective, x0)
    plot = output(plot, "--plot", (".png", ".svg", ".pdf"))
    check_plot(plot, objective_)
    check_rate(lr)
    noisy = noise_arguments(noise, noise_relative, seed)
    runs = compare_runs(objective_, start, names, lr, maxiter, gtol, **noisy)
    if plot is not None:
        from .. import plot as plots

        save_figure(lambda path: plots.paths(objective_, list(runs.values()), save=path), plot)
    distances = {name: distance(objective_, result.x) for name, result in runs.items()}
    tables.print_tables(
        tables.comparison(objective_, start, maxiter, runs, distances), *([f"Wrote {plot}"] if plot is not None else [])
    )
