"""Serving the playground: Werkzeug's threaded server on one host and port, until Ctrl-C or SIGTERM.

Each request runs in its own thread; the app keeps no state between requests
(see :mod:`._app`), so the threads share nothing but read-only caches.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable


def _stop(signum, frame):
    raise KeyboardInterrupt


def make_server(host: str = "127.0.0.1", port: int = 8050):
    """A threaded Werkzeug server for the playground, bound (``port=0``: any free port) but not yet serving.

    Raises OSError when the address cannot be bound.
    """
    from werkzeug.serving import make_server as werkzeug_server

    from ._app import create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    return werkzeug_server(host, port, create_app().server, threaded=True)


def serve(host: str = "127.0.0.1", port: int = 8050, *, announce: Callable[[str], None] = print) -> None:
    """Serve the playground on ``host:port`` until Ctrl-C (SIGINT) or SIGTERM, then close the socket."""
    server = make_server(host, port)
    shown = f"[{host}]" if ":" in host else host
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        announce(f"RMSprop playground on http://{shown}:{server.server_port}/ (Ctrl-C to stop)")
        sys.stdout.flush()
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        signal.signal(signal.SIGTERM, previous)
    announce("Stopped.")
