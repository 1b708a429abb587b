"""The Typer app, :func:`fail` (one line on stderr, exit status 2) and :func:`main`, the entry point."""

from __future__ import annotations

import sys

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


def main(args: list[str] | None = None) -> None:
    """Entry point of the ``rmsprop`` command and ``python -m rmsprop``; ``args`` default to ``sys.argv[1:]``.

    Click's own usage errors (a bad number, an unknown option) become one line on
    stderr and exit status 2, like every other error here. Always ends in ``SystemExit``.
    """
    try:
        from typer._click import exceptions  # Typer 0.2x carries its own copy of Click
    except ImportError:  # pragma: no cover - older Typer, on Click itself
        from click import exceptions

    command = typer.main.get_command(app)
    try:
        code = command.main(args=args, prog_name="rmsprop", standalone_mode=False)
    except exceptions.UsageError as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # plain 'rmsprop': the help was printed
            sys.exit(0)
        hint = f" (see 'rmsprop {error.ctx.info_name} --help')" if error.ctx and error.ctx.parent else ""
        typer.echo(f"Error: {error.format_message()}{hint}".replace("\n", " "), err=True)
        sys.exit(2)
    except typer.Abort:  # Ctrl-C or end of input inside a command (not an attribute of typer._click.exceptions)
        typer.echo("Aborted.", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
