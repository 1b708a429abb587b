"""The commands that show what there is: ``demo`` (the seed), ``flavors`` and ``functions``."""

from __future__ import annotations

import math
from pathlib import Path

import typer

from . import _tables as tables
from ._app import app, examples, fail


@app.command(epilog=examples("rmsprop demo", "rmsprop demo --out figures/"))
def demo(
    out: Path = typer.Option(Path("rmsprop-demo"), "--out", help="Folder for the two PNG figures."),
) -> None:
    """Reproduce the seed: 50 RMSprop steps from (-4, 3) on 5*x1**2 + 7*x2**2, and its figures.
    \f

    A Typer command: its options are documented by their ``help`` (``rmsprop demo --help``).

    Examples
    --------
    >>> import tempfile
    >>> from typer.testing import CliRunner
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     result = CliRunner().invoke(app, ["demo", "--out", folder])
    >>> print(result.stdout)
    The optimal value of x1 is: -0.10352260359924752
    The optimal value of x2 is: 0.0025296212056016548
    The optimal value of y is: 0.05362944016394148
    Wrote .../surface_and_contour.png
    Wrote .../path_on_contour.png
    """
    from ..demo import run_seed, save_seed_figures, seed_lines

    if out.exists() and not out.is_dir():
        fail(f"--out {out} is a file; give a folder (it is created if missing)")
    result = run_seed()
    try:
        paths = save_seed_figures(result, out)
    except OSError as error:
        fail(f"cannot write the figures to {out}: {error.strerror or error}")
    except ValueError as error:
        fail(str(error))
    for line in seed_lines(result):  # after the figures: a failure prints nothing on stdout
        typer.echo(line)
    for path in paths:
        typer.echo(f"Wrote {path}")


@app.command(epilog=examples("rmsprop flavors", "rmsprop flavors --lr 0.05 --steps 100"))
def flavors(
    lr: float = typer.Option(0.1, "--lr", help="Learning rate given to every flavor."),
    steps: int = typer.Option(50, "--steps", help="Steps on the seed's problem from (-4, 3)."),
) -> None:
    """How the libraries' RMSprops differ, and where each takes the seed's problem.
    \f

    A Typer command: its options are documented by their ``help`` (``rmsprop flavors --help``).

    Examples
    --------
    >>> from typer.testing import CliRunner
    >>> result = CliRunner().invoke(app, ["flavors", "--steps", "3"], env={"COLUMNS": "80"})
    >>> result.exit_code
    0
    >>> print(*(line for line in result.stdout.splitlines() if line.startswith(" torch ")))
     torch           -1.96272185927     1.0689948969     27.2606        1.8
    """
    from ..compat import seed_comparison

    if not math.isfinite(lr) or lr <= 0:
        fail(f"--lr must be a finite number > 0; got {lr}")
    if not 1 <= steps <= 100_000:
        fail(f"--steps must be between 1 and 100000; got {steps}")
    tables.print_tables(tables.flavor_facts())
    tables.print_tables(tables.flavor_runs(seed_comparison(lr, steps), lr, steps))


@app.command(epilog=examples("rmsprop functions", "rmsprop functions | less"))
def functions() -> None:
    """The catalogue of objectives: formula, dimension, minima and window.
    \f

    A Typer command without options (``rmsprop functions --help``).

    Examples
    --------
    >>> from typer.testing import CliRunner
    >>> result = CliRunner().invoke(app, ["functions"], env={"COLUMNS": "80"})
    >>> print(result.stdout[:200])
    Objectives (use the name with --objective; or type a formula)
    seed
      dim: 2, formula: 5*x1**2 + 7*x2**2, minimum f: 0, minimisers: (0, 0), window:
      [-5, 5] x [-5, 5], start: (-4, 3)
    rosenbrock
    ...
    """
    tables.print_tables(tables.catalogue())
