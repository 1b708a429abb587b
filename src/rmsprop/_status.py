"""Why a run stopped: the status codes of ``OptimizeResult.status`` and their messages, in one place.

The codes are SciPy's for :func:`scipy.optimize.minimize` (0 success, 1 the iteration
limit, 3 a non-finite value, 99 a callback's ``StopIteration``); :class:`Status` names
them, each with its message, as SciPy keeps its messages in one table.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Status", "Stop", "STATUS_MESSAGES", "FINITE_DIFFERENCE_NOTE", "RUNNING", "stop_note"]


class Status(IntEnum):
    """The status of a finished run; an ``int``, so ``result.status == 0`` keeps working.

    Its members are SciPy's codes: ``SUCCESS`` (0, the gradient norm reached ``gtol``),
    ``MAXITER`` (1), ``NONFINITE`` (3, a value that is not finite; the last finite iterate
    is returned) and ``CALLBACK`` (99, the callback raised ``StopIteration``).

    Examples
    --------
    >>> Status(3).message
    'Stopped: a non-finite value appeared; the last finite iterate is returned.'
    >>> Status.SUCCESS == 0
    True
    """

    SUCCESS = 0
    MAXITER = 1
    NONFINITE = 3
    CALLBACK = 99

    @property
    def message(self) -> str:
        """The message of this status, as ``OptimizeResult.message`` begins."""
        return STATUS_MESSAGES[self]


#: The meaning of ``OptimizeResult.status``; one table, as in SciPy.
STATUS_MESSAGES = {
    Status.SUCCESS: "Optimization terminated successfully: the gradient norm is at most gtol.",
    Status.MAXITER: "Maximum number of iterations has been exceeded.",
    Status.NONFINITE: "Stopped: a non-finite value appeared; the last finite iterate is returned.",
    Status.CALLBACK: "`callback` raised `StopIteration`.",
}

#: Added to the message when the gradient was estimated.
FINITE_DIFFERENCE_NOTE = "The gradient was estimated by central finite differences (no jac was given)."

#: The status of a run that goes on (never returned).
RUNNING = -1


class Stop(IntEnum):
    """Where a run stopped with :attr:`Status.NONFINITE` (``NONE`` for the other statuses).

    ``START``: the objective or gradient at ``x0``; ``STEP``: the step from an iterate
    overflowed; ``EVALUATION``: the objective or gradient at the new iterate.

    Examples
    --------
    >>> Stop(2).name, stop_note(Stop(2), 7)
    ('STEP', ' The step from iteration 7 overflowed.')
    """

    NONE = 0
    START = 1  # the objective or gradient at x0
    STEP = 2  # the step from an iterate overflowed
    EVALUATION = 3  # the objective or gradient at the new iterate


def stop_note(where: int, iteration: int) -> str:
    """The sentence that says where a run with status 3 stopped (empty for ``Stop.NONE``).

    Parameters
    ----------
    where : int
        A :class:`Stop`.
    iteration : int
        The iteration it names (that of the step, or of the new iterate).

    Returns
    -------
    str
        The sentence, with a leading space, to append to the status's message.

    Examples
    --------
    >>> stop_note(Stop.STEP, 7)
    ' The step from iteration 7 overflowed.'
    """
    if where == Stop.START:
        return " The objective or gradient at x0 is not finite."
    if where == Stop.STEP:
        return f" The step from iteration {iteration} overflowed."
    if where == Stop.EVALUATION:
        return f" The objective or gradient became non-finite at iteration {iteration}."
    return ""
