"""Saying, once per kind of kernel, that a call compiles: a cache miss costs seconds, and the user should know why.

A kernel found in Numba's disk cache loads in a fraction of a second; one that is not
(the first run after an install, after an upgrade, or with an empty ``NUMBA_CACHE_DIR``)
compiles for seconds. Every factory of a kernel hands the new dispatcher to :func:`watch`,
once. One listener of Numba's ``numba:compile`` event, which Numba fires just before it
compiles, on a cache miss only (a cache hit loads without it), then says so when a watched
dispatcher compiles: before the wait, never on a cache hit, and nothing is added to the calls.

The message goes to the ``rmsprop`` logger at ``INFO``: a compilation is the package working
as it should, not something to act on (``WARNING``, which Python's last-resort handler
prints where nobody configured logging, is for that), and a library does not print. A
program shows it with ``logging.basicConfig(level=logging.INFO)``; the command line shows it
on stderr (:func:`rmsprop.cli.main` configures the handler).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from numba.core import event

__all__ = ["logger", "watch"]

#: The package's logger; compilations are announced on it at ``INFO``.
logger = logging.getLogger("rmsprop")

_said: set[str] = set()  # the kinds announced in this process
_watched: dict[Any, tuple[str, str]] = {}  # dispatcher -> (kind, what), until its kind is announced
_lock = threading.Lock()
_listening = False


class _CompileListener(event.Listener):
    """On the first compilation of a watched dispatcher of a kind, log the message (once per kind)."""

    def on_start(self, event_: event.Event) -> None:
        dispatcher = event_.data["dispatcher"]
        with _lock:
            kind, what = _watched.get(dispatcher, (None, ""))
            if kind is None or kind in _said:
                return
            _said.add(kind)
            for other in [d for d, (k, _) in _watched.items() if k == kind]:
                del _watched[other]
        where = dispatcher.stats.cache_path
        logger.info("compiling kernels for %s, once; %s", what, f"cached in {where}" if where else "not cached")

    def on_end(self, event_: event.Event) -> None:
        pass


def watch(dispatcher: Any, kind: str, what: str) -> Any:
    """Announce the first compilation (a cache miss) of ``dispatcher``, unless its ``kind`` was announced before.

    The message, on the ``rmsprop`` logger at ``INFO``: ``compiling kernels for <what>, once;
    cached in <Numba's cache folder>``, logged when Numba starts compiling, from the thread
    that compiles. One message per ``kind`` and process.

    Parameters
    ----------
    dispatcher : numba.core.registry.CPUDispatcher
        A kernel, as its factory makes it (before its first call).
    kind : str
        The kind of kernel (``"minimize_many"``, ``"fused step"``, ...): one message per kind and process.
    what : str
        What is compiled, for the message: ``"minimize_many on seed"``.

    Returns
    -------
    numba.core.registry.CPUDispatcher
        ``dispatcher``, to be returned by the factory.

    Examples
    --------
    >>> import logging, numba, sys
    >>> shown = logging.StreamHandler(sys.stdout)
    >>> logger.addHandler(shown), logger.setLevel(logging.INFO)
    (None, None)
    >>> tenfold = watch(numba.njit(lambda v: 10 * v), "doctest", "ten times a number")
    >>> tenfold(4.0)  # compiled (not cached): said once
    compiling kernels for ten times a number, once; not cached
    40.0
    >>> tenfold(5)  # compiled again, for another type: said already
    50
    >>> logger.removeHandler(shown), logger.setLevel(logging.NOTSET)
    (None, None)
    """
    global _listening
    with _lock:
        if kind in _said:
            return dispatcher
        _watched[dispatcher] = (kind, what)
        if not _listening:
            event.register("numba:compile", _CompileListener())
            _listening = True
    return dispatcher
