"""Serving the playground: Werkzeug's threaded server on one host and port, until Ctrl-C or SIGTERM.

Each request runs in its own thread; the app keeps no state between requests
(see :mod:`._app`), so the threads share nothing but read-only caches.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
from collections.abc import Callable


def _stop(signum, frame):
    raise KeyboardInterrupt


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

    family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, protocol) as listener:
        if os.name != "nt":
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(128)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        return werkzeug_server(host, port, create_app().server, threaded=True, fd=listener.fileno())


def serve(host: str = "127.0.0.1", port: int = 8050, *, announce: Callable[[str], None] = print) -> None:
    """Serve the playground on ``host:port`` until Ctrl-C (SIGINT) or SIGTERM, then close the socket.

    Must run in the main thread (it installs a SIGTERM handler, and puts the previous
    one back at the end).

    Parameters
    ----------
    host : str, optional
        The address to listen on; default ``"127.0.0.1"``.
    port : int, optional
        The port; 0 for any free one. Default 8050.
    announce : callable, optional
        ``announce(line)`` is told the page's address once the socket is bound, and
        ``"Stopped."`` at the end; default :func:`print`.

    Raises
    ------
    OSError
        If the host is unknown or the port is taken.

    Examples
    --------
    Here ``announce`` presses Ctrl-C as soon as the server is up:

    >>> def announce(line):
    ...     print(line)
    ...     if line.startswith("RMSprop playground on"):
    ...         raise KeyboardInterrupt
    >>> serve(port=0, announce=announce)
    RMSprop playground on http://127.0.0.1:.../ (Ctrl-C to stop)
    Stopped.
    """
    server = make_server(host, port)
    shown = f"[{host}]" if ":" in host else host
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        announce(f"RMSprop playground on http://{shown}:{server.port}/ (Ctrl-C to stop)")
        sys.stdout.flush()
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        signal.signal(signal.SIGTERM, previous)
    announce("Stopped.")
