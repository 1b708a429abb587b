"""``rmsprop playground``: the rule in the browser (needs the ``playground`` extra, Dash)."""

from __future__ import annotations

import typer

from ._app import app, fail


@app.command(
    epilog="Examples:  rmsprop playground   rmsprop playground --port 8080   rmsprop playground --host 0.0.0.0",
)
def playground(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8050, "--port", help="Port to listen on (0: any free port)."),
) -> None:
    """Open RMSprop in the browser: click a start point, move the sliders, watch the paths.
    \f

    A Typer command: its options are documented by their ``help`` (``rmsprop playground --help``).
    It serves until interrupted, so the example shows only the check of its port.

    Examples
    --------
    >>> from typer.testing import CliRunner
    >>> result = CliRunner().invoke(app, ["playground", "--port", "70000"])
    >>> result.exit_code, result.stderr
    (2, 'Error: --port must be between 0 and 65535; got 70000\\n')
    """
    if not 0 <= port <= 65535:
        fail(f"--port must be between 0 and 65535; got {port}")
    import importlib.util

    if importlib.util.find_spec("dash") is None:
        fail("the playground needs Dash; install it with: python -m pip install 'rmsprop[playground]'")
    from ..playground import serve

    try:
        serve(host, port, announce=typer.echo)
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}")
