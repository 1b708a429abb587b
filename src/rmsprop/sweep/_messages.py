"""Error messages on one line."""

from __future__ import annotations

__all__ = ["one_line"]


def one_line(error: BaseException) -> str:
    """The error's text on one line: every run of white space, newlines included, one space."""
    return " ".join(str(error).split())
