"""Loading ``minimize``'s compiled loops off the request: a view whose loop is not loaded yet waits for nothing.

RMSprop's run in a view takes :func:`rmsprop.minimize`'s compiled loop
(:mod:`rmsprop._minimize_compiled`): microseconds a step. Each loop (one per objective,
combination of the rule's options and kind of noise) is made on its first call in a process:
loaded from Numba's disk cache in a fraction of a second, or compiled where the cache lacks
it (a fresh install, an upgrade), seconds on a busy machine, while the user's request waited.

Here a run whose loop is not loaded yet takes ``minimize``'s Python loop instead, which gives
the same bits (:mod:`rmsprop._minimize_compiled` holds the two to that) in a few milliseconds
for the playground's at most 2,000 steps, and a daemon thread makes the loop meanwhile, once,
by running the same call for one step. The views that come after it get the loop.
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

__all__ = ["takes_compiled_loop", "wait_for_loads"]

_logger = logging.getLogger("rmsprop")
_lock = threading.Lock()
_started: set[Any] = set()  # the loops a thread was started for, in this process
_threads: list[threading.Thread] = []


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
        loaded in this process. False where it would take the Python loop anyway, or its
        loop is not loaded: then a thread is making it (started here, once per loop).

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
        if loop in _started:
            return False
        _started.add(loop)
        thread = threading.Thread(
            target=_make_loop,
            args=(objective, optimizer, start.copy(), noise_arguments),
            name="rmsprop-load-loop",
            daemon=True,
        )
        _threads.append(thread)
    thread.start()
    return False


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
        threads = list(_threads)
    for thread in threads:
        thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
    return not any(thread.is_alive() for thread in threads)
