"""Serving the playground from several processes: gunicorn's master and one forked worker per CPU.

The app is made once, in the master, before the workers are forked (gunicorn's
``preload_app``): every worker starts with Dash, NumPy, SymPy and matplotlib
imported and the default view drawn (:func:`._app.warm_up`), so its first request
is as quick as its hundredth. Each worker is a process of its own, with its own
interpreter lock, so the workers compute on as many cores at once; within a worker a
few threads take turns (:data:`WORKER_CLASS`). The socket is
bound by the caller (:func:`._server.listen`) and handed over by its descriptor,
so a taken port is the caller's error, and ``port=0`` has its real port before
gunicorn starts. Needs gunicorn, which needs Unix (``fork``).
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from collections.abc import Callable

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.sock import close_sockets

#: Each worker answers up to :data:`THREADS` requests at once (gunicorn's ``gthread`` class). They compute
#: under the worker's interpreter lock, one at a time, but a thread sending a 100 kB answer to a slow
#: reader does not hold the worker up: with 50 clients on 2 cores ``sync`` workers (one request each)
#: sat idle in ``send`` and served half the requests per second (benchmarks/playground.py).
WORKER_CLASS = "gthread"
#: Threads per worker: enough to keep its core busy while some answers are sent.
THREADS = 4
#: Seconds a worker may be silent (one request far over the playground's caps) before the master restarts it.
WORKER_TIMEOUT = 60
#: The signals gunicorn's master takes over; put back as they were when it stops.
MASTER_SIGNALS = (*Arbiter.SIGNALS, signal.SIGCHLD)


def _leave_ctrl_c_to_the_master(worker) -> None:
    """In a worker: ignore SIGINT. Ctrl-C in a terminal reaches every process of the group;
    the master then stops each worker with SIGQUIT, and a worker that took SIGINT too could
    be in gthread's handler (holding its thread pool's lock) when SIGQUIT runs the handler
    again, and wait for that lock until the master kills it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class PlaygroundApplication(BaseApplication):
    """gunicorn's application for the playground: its configuration in code, its WSGI app already made.

    Parameters
    ----------
    wsgi : callable
        The WSGI app (the playground's Flask server, ``create_app().server``).
    fd : int
        The descriptor of a bound, listening socket; gunicorn owns it from here on.
    workers : int
        The number of worker processes, at least 1.
    ready : callable
        ``ready(port)`` is called once the master listens (before the workers are
        forked; connections wait in the socket's queue meanwhile).

    Examples
    --------
    >>> application = PlaygroundApplication(lambda environ, start: [], fd=-1, workers=2, ready=print)
    >>> application.cfg.workers, application.cfg.threads, application.cfg.preload_app, application.cfg.worker_class_str
    (2, 4, True, 'gthread')
    """

    def __init__(self, wsgi, *, fd: int, workers: int, ready: Callable[[int], None]) -> None:
        self.application = wsgi
        self.options = {
            "bind": [f"fd://{fd}"],
            "workers": workers,
            "worker_class": WORKER_CLASS,
            "threads": THREADS,
            "preload_app": True,
            "timeout": WORKER_TIMEOUT,
            "loglevel": "warning",  # gunicorn's start and stop lines are not the playground's output
            "proc_name": "rmsprop-playground",
            "control_socket_disable": True,  # gunicorn >= 25 would open a control socket in the home folder
            "when_ready": lambda arbiter: ready(arbiter.LISTENERS[0].sock.getsockname()[1]),
            "post_worker_init": _leave_ctrl_c_to_the_master,
        }
        super().__init__()

    def load_config(self) -> None:
        """Set the options gunicorn knows (an older gunicorn lacks ``control_socket_disable``)."""
        for key, value in self.options.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        """The WSGI app, made before gunicorn started."""
        return self.application


def serve_forked(wsgi, listener: socket.socket, workers: int, ready: Callable[[int], None]) -> None:
    """Serve ``wsgi`` on ``listener`` from ``workers`` forked processes until SIGINT or SIGTERM, then return.

    Runs gunicorn's master in this process (in the main thread). SIGINT stops the
    workers at once, SIGTERM lets them finish their requests first; either way the
    master returns here, with its signal handlers put back as they were. In a worker
    process this never returns: the worker exits when it is done.

    Parameters
    ----------
    wsgi : callable
        The WSGI app.
    listener : socket.socket
        A bound, listening TCP socket; closed here (gunicorn takes it over).
    workers : int
        The number of worker processes, at least 1.
    ready : callable
        ``ready(port)``, called once the master listens on ``port``.

    Raises
    ------
    RuntimeError
        If gunicorn stopped with an error (a worker could not boot).

    Examples
    --------
    Only in a process of its own (it forks), so not run here::

        serve_forked(create_app().server, listen("127.0.0.1", 0), 2, ready=print)
    """
    application = PlaygroundApplication(wsgi, fd=listener.detach(), workers=workers, ready=ready)
    master = os.getpid()
    previous = {number: signal.getsignal(number) for number in MASTER_SIGNALS}
    arbiter = Arbiter(application)
    status: object = 1
    try:
        arbiter.run()  # ends in SystemExit: gunicorn's halt, or a worker leaving its loop
    except SystemExit as stop:
        status = stop.code
    finally:
        if os.getpid() != master:  # a worker: never back into the caller's code (a CLI, a test runner)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status if isinstance(status, int) else 1)
        close_sockets(arbiter.LISTENERS)  # left open only when the start itself failed
        for number, handler in previous.items():
            signal.signal(number, handler)
    if status not in (0, None):
        raise RuntimeError(f"the playground's server stopped with gunicorn's status {status} (see above)")
