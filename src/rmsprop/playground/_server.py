"""Serving the playground on one host and port until Ctrl-C or SIGTERM: one process per CPU, or one process.

- Several workers (the default where gunicorn is installed: one per usable CPU):
  gunicorn's master forks them after the app is made (:mod:`._gunicorn`), and each
  answers one request at a time on a core of its own.
- One worker (``workers=1``, or no gunicorn: Windows, or the extra not installed):
  Werkzeug's threaded server in this process, each request in its own thread,
  all of them under one interpreter lock.

The app keeps no state between requests (see :mod:`._app`), so neither the workers
nor the threads share anything but read-only caches.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable

#: The socket's queue of connections not yet accepted (gunicorn's own default).
BACKLOG = 2048


def _stop(signum, frame):
    raise KeyboardInterrupt


def can_fork_workers() -> bool:
    """Whether gunicorn can serve here: it is installed, and this is Unix.

    Returns
    -------
    bool
        True where :func:`serve` can run several worker processes.

    Examples
    --------
    >>> can_fork_workers() in (True, False)
    True
    """
    return os.name == "posix" and importlib.util.find_spec("gunicorn") is not None


def default_workers() -> int:
    """One worker per CPU this process may run on, where gunicorn can serve; else 1.

    Returns
    -------
    int
        The CPUs usable by this process (its affinity; ``os.cpu_count()`` where that is
        unknown), or 1 without gunicorn.

    Examples
    --------
    >>> default_workers() >= 1
    True
    """
    if not can_fork_workers():
        return 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, usable or 1)


def listen(host: str = "127.0.0.1", port: int = 8050) -> socket.socket:
    """Bind a TCP socket to ``host:port`` (``port=0``: any free port) and listen on it.

    Parameters
    ----------
    host : str, optional
        The address; default ``"127.0.0.1"``.
    port : int, optional
        The port; 0 for any free one. Default 8050.

    Returns
    -------
    socket.socket
        The listening socket (``getsockname()[1]`` is the port bound); the caller closes it.

    Raises
    ------
    OSError
        If the host is unknown or the port is taken.

    Examples
    --------
    >>> with listen(port=0) as listener:
    ...     listener.getsockname()[1] > 0
    True
    """
    family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listener = socket.socket(family, kind, protocol)
    try:
        if os.name != "nt":
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(BACKLOG)
    except BaseException:
        listener.close()
        raise
    return listener


def make_server(host: str = "127.0.0.1", port: int = 8050):
    """A threaded Werkzeug server for the playground, bound (``port=0``: any free port) but not yet serving.

    The socket is bound here, so that a bad host or a port in use raises OSError
    (Werkzeug would print its own message and exit).

    Parameters
    ----------
    host : str, optional
        The address to listen on; default ``"127.0.0.1"`` (this machine only).
    port : int, optional
        The port; 0 for any free one. Default 8050.

    Returns
    -------
    werkzeug.serving.BaseWSGIServer
        The server, threaded, serving :func:`create_app`'s Flask app once its
        ``serve_forever`` is called; ``server.port`` is the port bound. The caller
        closes it (``server.server_close()``).

    Raises
    ------
    OSError
        If the host is unknown or the port is taken.

    Examples
    --------
    >>> server = make_server(port=0)
    >>> type(server).__name__, server.host, server.port > 0
    ('ThreadedWSGIServer', '127.0.0.1', True)
    >>> server.server_close()
    """
    from werkzeug.serving import make_server as werkzeug_server

    from ._app import create_app

    with listen(host, port) as listener:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        return werkzeug_server(host, port, create_app().server, threaded=True, fd=listener.fileno())


def serve(
    host: str = "127.0.0.1",
    port: int = 8050,
    *,
    workers: int | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the playground on ``host:port`` until Ctrl-C (SIGINT) or SIGTERM, then close the socket.

    Must run in the main thread (it installs signal handlers, and puts the previous
    ones back at the end). With several workers it forks them (see the module's
    docstring); only this, the first process, returns.

    Parameters
    ----------
    host : str, optional
        The address to listen on; default ``"127.0.0.1"``.
    port : int, optional
        The port; 0 for any free one. Default 8050.
    workers : int, optional
        Processes answering requests: 1 serves from this process (Werkzeug's threaded
        server), more through gunicorn. Default :func:`default_workers`.
    announce : callable, optional
        ``announce(line)`` is told the page's address once the socket is bound, and
        ``"Stopped."`` at the end; default :func:`print`.

    Raises
    ------
    ValueError
        If ``workers`` is not a whole number of at least 1.
    RuntimeError
        If ``workers`` is over 1 and gunicorn cannot serve here, or its workers failed.
    OSError
        If the host is unknown or the port is taken.

    Examples
    --------
    Here ``announce`` presses Ctrl-C as soon as the server is up:

    >>> def announce(line):
    ...     print(line)
    ...     if line.startswith("RMSprop playground on"):
    ...         raise KeyboardInterrupt
    >>> serve(port=0, workers=1, announce=announce)
    RMSprop playground on http://127.0.0.1:.../ (Ctrl-C to stop)
    Stopped.
    """
    if workers is None:
        workers = default_workers()
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a whole number of at least 1; got {workers!r}")
    if workers > 1 and not can_fork_workers():
        raise RuntimeError(
            f"{workers} worker processes need gunicorn, on Unix: python -m pip install 'rmsprop[playground]'"
        )
    shown = f"[{host}]" if ":" in host else host

    def ready(bound: int) -> None:
        announce(f"RMSprop playground on http://{shown}:{bound}/ (Ctrl-C to stop)")
        sys.stdout.flush()

    if workers > 1:
        from ._app import create_app
        from ._gunicorn import serve_forked

        with listen(host, port) as listener:
            try:
                serve_forked(create_app().server, listener, workers, ready)
            except KeyboardInterrupt:  # before gunicorn took the signals over
                pass
        announce("Stopped.")
        return
    server = make_server(host, port)
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        ready(server.port)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        signal.signal(signal.SIGTERM, previous)
    announce("Stopped.")
