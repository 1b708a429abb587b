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


def main() -> None:
    """Entry point of the ``rmsprop`` command and ``python -m rmsprop``."""
    app(prog_name="rmsprop")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
