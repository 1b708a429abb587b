"""Error messages on one line."""

from __future__ import annotations

__all__ = ["one_line"]


def one_line(error: BaseException) -> str:
    """Return the error's text on one line: every run of white space, newlines included, one space.

    Parameters
    ----------
    error : BaseException
        The error.

    Returns
    -------
    str
        ``str(error)`` with its white space collapsed.

    Examples
    --------
    >>> one_line(ValueError("cannot reach\\n   the scheduler"))
    'cannot reach the scheduler'
    """
    return " ".join(str(error).split())
