"""The Typer app, :func:`fail` (one line on stderr, exit status 2), :func:`examples` and :func:`main`, the entry point."""

from __future__ import annotations

import atexit
import gc
import logging
import sys
from typing import NoReturn

import typer

#: The widest example in a command's help: 80 columns less the help's margins.
EXAMPLE_WIDTH = 78
#: The help panels that group the commands' options.
PROBLEM, RULE, FLAVOR, OPTIMIZERS, STOPPING = "Problem", "Rule", "Flavor", "Optimizers", "Stopping"
OUTPUT, CHECKPOINTS, CLUSTER = "Output", "Checkpoints", "Cluster"
#: What the exit status says, in ``rmsprop --help``.
EXIT_STATUSES = (
    "Exit status: 0 done (converged or at --maxiter); 1 a run that cannot start "
    "(f not finite at the start) or diverges; 2 bad input; 130 interrupted."
)


def _show_switches(command) -> None:
    """Show the flags of ``command`` and its subcommands as switches in their help: no type after them.

    Typer 0.29 shows a flag as ``--centered <bool>``, which reads as if it took a value; a flag
    takes none, so its (empty) metavar says so.
    """
    params = [*command.params, command.get_help_option(typer.Context(command))]
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    for subcommand in getattr(command, "commands", {}).values():
        _show_switches(subcommand)


app = typer.Typer(
    name="rmsprop",
    help="RMSprop, the reference implementation: run it, check it, see it.",
    epilog=EXIT_STATUSES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def examples(*lines: str) -> str:
    """The epilog of a command's help: its examples, one per line, each short enough for 80 columns.

    Parameters
    ----------
    *lines : str
        The examples, each a whole command line of at most :data:`EXAMPLE_WIDTH` characters.

    Returns
    -------
    str
        ``Examples:`` (in bold) and the lines, with Rich's markup escaped.

    Raises
    ------
    ValueError
        For an example too long to stay on one line at 80 columns.

    Examples
    --------
    >>> print(examples("rmsprop functions", "rmsprop flavors --lr 0.05"))
    [bold]Examples:[/bold]
    rmsprop functions
    rmsprop flavors --lr 0.05
    """
    from rich.markup import escape

    too_long = [line for line in lines if len(line) > EXAMPLE_WIDTH]
    if too_long:
        raise ValueError(f"an example longer than {EXAMPLE_WIDTH} characters wraps at 80 columns: {too_long[0]!r}")
    return "\n".join(["[bold]Examples:[/bold]", *map(escape, lines)])


def fail(message: str) -> NoReturn:
    """Print ``message`` as one line on stderr and exit with status 2.

    Parameters
    ----------
    message : str
        What is wrong and what is allowed, printed after ``Error:``.

    Raises
    ------
    typer.Exit
        Always, with ``exit_code`` 2.

    Examples
    --------
    >>> import contextlib, sys, typer
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     try:
    ...         fail("--steps must be between 1 and 100000; got 0")
    ...     except typer.Exit as stop:
    ...         print("exit status", stop.exit_code)
    Error: --steps must be between 1 and 100000; got 0
    exit status 2
    """
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


def _print_version(given: bool) -> None:
    if given:
        typer.echo(f"rmsprop {package_version()}")
        raise typer.Exit()


def package_version() -> str:
    """The installed package's version (``importlib.metadata``), or ``"unknown"`` when it is not installed.

    Returns
    -------
    str
        The version, e.g. ``"0.1.0"``.

    Examples
    --------
    >>> package_version().count(".") >= 1
    True
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rmsprop")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """RMSprop, the reference implementation: run it, check it, see it."""


class _ToStderr(logging.Handler):
    """The package's messages (a compilation that takes seconds) as lines on stderr, where the errors go too.

    It writes to the ``sys.stderr`` of the moment, so that a command run in a test's captured
    streams writes there.
    """

    def emit(self, record: logging.LogRecord) -> None:
        typer.echo(self.format(record), err=True)


def _show_messages() -> None:
    """Show the ``rmsprop`` logger's ``INFO`` messages on stderr (once per process)."""
    logger = logging.getLogger("rmsprop")
    if not any(isinstance(handler, _ToStderr) for handler in logger.handlers):
        logger.addHandler(_ToStderr())
        logger.setLevel(logging.INFO)


def main(args: list[str] | None = None) -> None:
    """Entry point of the ``rmsprop`` command and ``python -m rmsprop``; ``args`` default to ``sys.argv[1:]``.

    Click's own usage errors (a bad number, an unknown option) become one line on
    stderr and exit status 2, like every other error here. The package's messages
    (``compiling kernels for ..., once; cached in ...`` before a compilation that takes
    seconds) go to stderr too. Always ends in ``SystemExit``.

    Parameters
    ----------
    args : list of str, optional
        The command line after ``rmsprop``; default ``sys.argv[1:]``.

    Raises
    ------
    SystemExit
        Always: status 0 on success (and for plain ``rmsprop``, which prints the help),
        1 for a run that cannot start or diverges, 2 after an error, 130 when aborted.

    Examples
    --------
    >>> try:
    ...     main(["run", "--objective", "seed", "--x0=-4,3", "--lr", "0.1", "--maxiter", "50", "--gtol", "0",
    ...           "--json"])
    ... except SystemExit as done:
    ...     print("exit status", done.code)
    {"x": [-0.10352260359924752, 0.0025296212056016548], "fun": 0.05362944016394148, "nit": 50,
     "success": false, "status": 1, "message": "Maximum number of iterations has been exceeded."}
    exit status 0

    A usage error is one line on stderr:

    >>> import contextlib, sys
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     try:
    ...         main(["run", "--lr", "fast"])
    ...     except SystemExit as done:
    ...         print("exit status", done.code)
    Error: Invalid value for '--lr': ... (see 'rmsprop run --help')
    exit status 2
    """
    try:
        from typer._click import exceptions  # Typer 0.2x carries its own copy of Click
    except ImportError:  # pragma: no cover - older Typer, on Click itself
        from click import exceptions  # type: ignore[no-redef]  # the same module, from Click itself

    _show_messages()
    command = typer.main.get_command(app)
    _show_switches(command)
    if args is None:  # this process is the command, and it ends with it
        # The collector's last passes at exit would walk every object Numba and Typer made,
        # only to free memory that the process is about to return anyway; freezing them
        # skips those passes (objects are still freed, and atexit hooks still run).
        atexit.register(gc.freeze)
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
