"""The ``rmsprop`` command line (Typer + Rich).

Every failure the user can cause ends with one line on stderr and exit status 2,
never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

app = typer.Typer(
    name="rmsprop",
    help="RMSprop, the reference implementation: run it, check it, see it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str) -> None:
    """Print ``message`` as one line on stderr and exit with status 2."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


@app.callback()
def _root() -> None:
    """RMSprop, the reference implementation: run it, check it, see it."""


@app.command(
    epilog="Example:  rmsprop demo --out figures/",
)
def demo(
    out: Path = typer.Option(Path("rmsprop-demo"), "--out", help="Folder for the two PNG figures."),
) -> None:
    """Reproduce the seed: 50 RMSprop steps from (-4, 3) on 5*x1**2 + 7*x2**2, and its figures."""
    from .demo import run_seed, save_seed_figures, seed_lines

    if out.exists() and not out.is_dir():
        fail(f"--out {out} is a file; give a folder (it is created if missing)")
    result = run_seed()
    for line in seed_lines(result):
        typer.echo(line)
    try:
        paths = save_seed_figures(result, out)
    except OSError as error:
        fail(f"cannot write the figures to {out}: {error.strerror or error}")
    for path in paths:
        typer.echo(f"Wrote {path}")


@app.command(
    epilog="Example:  rmsprop flavors --lr 0.05 --steps 100",
)
def flavors(
    lr: float = typer.Option(0.1, "--lr", help="Learning rate given to every flavour."),
    steps: int = typer.Option(50, "--steps", help="Steps on the seed's problem from (-4, 3)."),
) -> None:
    """How the libraries' RMSprops differ, and where each takes the seed's problem."""
    import math

    from rich.console import Console
    from rich.table import Table

    from .compat import FLAVOR_COLUMNS, FLAVOR_FACTS, seed_comparison

    if not math.isfinite(lr) or lr <= 0:
        fail(f"--lr must be a finite number > 0; got {lr}")
    if not 1 <= steps <= 100_000:
        fail(f"--steps must be between 1 and 100000; got {steps}")
    console = Console()
    facts = Table(title="RMSprop flavours (* configurable; lr '-': no default)")
    for column in FLAVOR_COLUMNS[:1] + FLAVOR_COLUMNS[2:]:  # the library is named in the second table
        facts.add_column(column, overflow="fold")
    for name, row in FLAVOR_FACTS.items():
        facts.add_row(name, *("-" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
                              for value in row[1:]))
    console.print(facts)
    results = seed_comparison(lr, steps)
    x1_seed, x2_seed, _ = results["seed"]
    runs = Table(title=f"The seed's problem, {steps} steps from (-4, 3), lr={lr}, each flavour's other defaults")
    for column in ("flavour", "library", "x1", "x2", "f(x)", "from seed"):
        runs.add_column(column, justify="left" if column in ("flavour", "library") else "right")
    for name, (x1, x2, f) in results.items():
        distance = math.hypot(x1 - x1_seed, x2 - x2_seed)
        runs.add_row(name, FLAVOR_FACTS[name][0], f"{x1:.12g}", f"{x2:.12g}", f"{f:.6g}", f"{distance:.3g}")
    console.print(runs)


def main() -> None:
    """Entry point of the ``rmsprop`` command and ``python -m rmsprop``."""
    app(prog_name="rmsprop")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
