"""Loading ``minimize``'s compiled loops off the request: a view whose loop is not loaded yet waits for nothing.

RMSprop's run in a view takes :func:`rmsprop.minimize`'s compiled loop
(:mod:`rmsprop._minimize_compiled`): microseconds a step. Each loop (one per objective,
combination of the rule's options and kind of noise) is made on its first call in a process:
loaded from Numba's disk cache in a fraction of a second, or compiled where the cache lacks
it (a fresh install, an upgrade), seconds on a busy machine, while the user's request waited.

Here a daemon thread makes the loop, once, by running the same call for one step, and the
request waits for it :data:`LOAD_WAIT` seconds at most: a load from the disk cache ends
within that, and the run takes the loop. A compilation does not: the run takes ``minimize``'s
Python loop instead, which gives the same bits (:mod:`rmsprop._minimize_compiled` holds the
two to that) in milliseconds for the playground's at most 2,000 steps, and the views after it
get the loop once the thread has made it.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Any

import numpy as np

from .._minimize import minimize
from .._minimize_compiled import compiled_loop, compiled_run
from .._noise import noise_of

__all__ = ["LOAD_WAIT", "takes_compiled_loop", "wait_for_loads"]

_logger = logging.getLogger("rmsprop")
_lock = threading.Lock()
_started: dict[Any, threading.Thread] = {}  # loop -> the thread that makes it, in this process

#: Seconds a request waits for the thread that makes its loop: enough to load one from Numba's disk cache (10 to
#: 30 ms on two idle cores), so that a warm server takes the compiled loop from the first view of each loop on;
#: far less than a compilation (seconds).
LOAD_WAIT = 0.3


def takes_compiled_loop(objective: Any, optimizer: Any, start: np.ndarray, maxiter: int, noise_arguments: dict) -> bool:
    """Whether ``minimize`` runs this call in its compiled loop now; where that loop is not made yet, start making it.

    Parameters
    ----------
    objective : Objective
        The view's objective.
    optimizer : GradientTransformation
        The run's optimizer.
    start : numpy.ndarray
        The start.
    maxiter : int
        The run's iterations.
    noise_arguments : dict
        ``noise`` and ``seed`` of :func:`rmsprop.minimize` (:meth:`._state.View.noise_arguments`).

    Returns
    -------
    bool
        True where ``minimize`` (without a callback) takes the compiled path and its loop is
        loaded in this process, or was loaded within :data:`LOAD_WAIT` seconds (from Numba's
        disk cache). False where it would take the Python loop anyway, or its loop is still
        being compiled, by a thread started here (once per loop).

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop import objectives, rmsprop
    >>> takes_compiled_loop(objectives.get("rastrigin"), rmsprop(0.1), np.array([1.0, 2.0]), 50, {})  # no compiled formula
    False
    >>> seed, start = objectives.get("seed"), np.array([-4.0, 3.0])
    >>> first = takes_compiled_loop(seed, rmsprop(0.1, centered=True, momentum=0.5), start, 50, {"noise": 0.25})
    >>> wait_for_loads(timeout=300)
    True
    >>> takes_compiled_loop(seed, rmsprop(0.1, centered=True, momentum=0.5), start, 50, {"noise": 0.25})
    True
    """
    compiled = compiled_run(objective, None, (), None, math.inf, optimizer, start, maxiter)
    if compiled is None:
        return False
    loop = compiled_loop(compiled, start.dtype, start.size, noise_of(noise_arguments.get("noise")))
    if loop.signatures:
        return True
    with _lock:
        thread = _started.get(loop)
        if thread is None:
            thread = threading.Thread(
                target=_make_loop,
                args=(objective, optimizer, start.copy(), noise_arguments),
                name="rmsprop-make-loop",
                daemon=True,
            )
            _started[loop] = thread
            thread.start()
    thread.join(LOAD_WAIT)  # a loop in Numba's disk cache loads within this; one to compile takes seconds
    return bool(loop.signatures)


def _make_loop(objective: Any, optimizer: Any, start: np.ndarray, noise_arguments: dict) -> None:
    """One step of the run, in the compiled loop: Numba loads or compiles it. A failure is logged, not raised."""
    try:
        with np.errstate(all="ignore"):
            minimize(objective, start, maxiter=1, gtol=0, optimizer=optimizer, **noise_arguments)
    except Exception:  # the request's own run, in the Python loop, says what is wrong with the view
        _logger.exception("could not make the compiled loop of %s", getattr(objective, "name", objective))


def wait_for_loads(timeout: float | None = None) -> bool:
    """Wait until the threads started so far have made their loops (for tests and benchmarks).

    Parameters
    ----------
    timeout : float, optional
        Seconds to wait in all; default no limit.

    Returns
    -------
    bool
        True if every thread has ended.

    Examples
    --------
    >>> wait_for_loads(timeout=0) in (True, False)
    True
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    with _lock:
        threads = list(_started.values())
    for thread in threads:
        thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
    return not any(thread.is_alive() for thread in threads)
