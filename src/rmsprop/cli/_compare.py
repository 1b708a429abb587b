"""``rmsprop compare``: RMSprop and the baselines from one start, each at its best learning rate."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import typer

from . import _tables as tables
from ._app import app, fail
from ._inputs import (
    GTOL_HELP,
    OBJECTIVE_HELP,
    X0_HELP,
    check_counts,
    check_plot,
    check_rate,
    distance,
    objective_and_start,
    output,
    progress,
    save_figure,
)

#: Learning rates tried for each optimizer when --lr is not given (log-spaced, 1e-4 .. 1).
LEARNING_RATE_GRID = tuple(10.0 ** (k / 3) for k in range(-12, 1))
ONE_RATE_HELP = "One learning rate for all (default: each its best of 1e-4..1)."


def compare_runs(objective, start, names: list[str], lr: float | None, maxiter: int, gtol: float) -> dict:
    """One run per optimizer: at ``lr``, or at the rate of the grid that ends lowest (a fair comparison)."""
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
                        result = minimize(objective, start, maxiter=maxiter, gtol=gtol, optimizer=optimizer)
                except (ValueError, TypeError) as error:
                    fail(str(error))
                if advance is not None:
                    advance(maxiter)
                score = result.fun if math.isfinite(result.fun) else math.inf
                if best is None or score < best[0]:
                    best = (score, result)
            runs[name] = best[1]
    return runs


def optimizer_names(text: str) -> list[str]:
    """The names of ``--optimizers``, each known and none twice, or a one-line error."""
    from .. import baselines

    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        fail("--optimizers is empty; give names separated by commas, e.g. rmsprop,sgd,adam")
    unknown = [name for name in names if name not in baselines.names()]
    if unknown:
        fail(f"unknown optimizer {unknown[0]!r}; choose from: {', '.join(baselines.names())}")
    if len(set(names)) != len(names):
        fail(f"--optimizers names one optimizer twice: {text!r}")
    return names


@app.command(
    epilog=(
        "Examples:  rmsprop compare --objective rosenbrock --optimizers rmsprop,sgd,momentum,adam --plot compare.png"
        "   rmsprop compare --objective seed --lr 0.1 --maxiter 50"
    ),
)
def compare(
    objective: str = typer.Option("rosenbrock", "--objective", help=OBJECTIVE_HELP),
    x0: str = typer.Option(None, "--x0", help=X0_HELP),
    optimizers: str = typer.Option("rmsprop,sgd,momentum,adam", "--optimizers",
                                   help="Comma-separated: rmsprop, sgd, momentum, nesterov, adagrad, adadelta, adam."),
    lr: float = typer.Option(None, "--lr", help=ONE_RATE_HELP),
    maxiter: int = typer.Option(1000, "--maxiter", help="Iterations at most, per run."),
    gtol: float = typer.Option(1e-5, "--gtol", help=GTOL_HELP),
    plot: Path = typer.Option(None, "--plot", help="Draw every path on one contour into this PNG/SVG/PDF."),
) -> None:
    """Run RMSprop and the baselines from one start, and compare where they end."""
    check_counts(maxiter, gtol)
    names = optimizer_names(optimizers)
    objective_, start = objective_and_start(objective, x0)
    plot = output(plot, "--plot", (".png", ".svg", ".pdf"))
    check_plot(plot, objective_)
    check_rate(lr)
    runs = compare_runs(objective_, start, names, lr, maxiter, gtol)
    if plot is not None:
        from .. import plot as plots

        save_figure(lambda path: plots.paths(objective_, list(runs.values()), save=path), plot)
    distances = {name: distance(objective_, result.x) for name, result in runs.items()}
    tables.print_tables(tables.comparison(objective_, start, maxiter, runs, distances),
                        *([f"Wrote {plot}"] if plot is not None else []))
