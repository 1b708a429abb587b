"""``rmsprop playground``: the rule in the browser (needs the ``playground`` extra, Dash)."""

from __future__ import annotations

import typer

from ._app import app, examples, fail


@app.command(
    epilog=examples(
        "rmsprop playground",
        "rmsprop playground --port 8080",
        "rmsprop playground --host 0.0.0.0",
        "rmsprop playground --workers 4",
    ),
)
def playground(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8050, "--port", help="Port to listen on (0: any free port)."),
    workers: int | None = typer.Option(
        None,
        "--workers",
        help="Processes answering requests (default: one per CPU). Over 1 needs gunicorn (Unix); "
        "1 serves from this process.",
        show_default=False,
    ),
) -> None:
    """Open RMSprop in the browser: click a start point, move the sliders, watch the paths.
    \f

    A Typer command: its options are documented by their ``help`` (``rmsprop playground --help``).
    It serves until interrupted, so the examples show only the checks of its options.

    Examples
    --------
    >>> from typer.testing import CliRunner
    >>> result = CliRunner().invoke(app, ["playground", "--port", "70000"])
    >>> result.exit_code, result.stderr
    (2, 'Error: --port must be between 0 and 65535; got 70000\\n')
    >>> CliRunner().invoke(app, ["playground", "--workers", "0"]).stderr
    'Error: --workers must be at least 1; got 0\\n'
    """
    if not 0 <= port <= 65535:
        fail(f"--port must be between 0 and 65535; got {port}")
    if workers is not None and workers < 1:
        fail(f"--workers must be at least 1; got {workers}")
    import importlib.util

    if importlib.util.find_spec("dash") is None:
        fail("the playground needs Dash; install it with: python -m pip install 'rmsprop[playground]'")
    from ..playground import can_fork_workers, serve

    if workers is not None and workers > 1 and not can_fork_workers():
        fail(f"--workers {workers} needs gunicorn, on Unix: python -m pip install 'rmsprop[playground]'")
    try:
        serve(host, port, workers=workers, announce=typer.echo)
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}")
    except RuntimeError as error:
        fail(str(error))
