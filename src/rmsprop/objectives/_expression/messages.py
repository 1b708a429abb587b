"""The one-line ``expression rejected: ...`` error and the pieces its messages are made of."""

from __future__ import annotations

PREFIX = "expression rejected: "
EXAMPLE = "5*x1**2 + 7*x2**2"


def reject(message: str):
    """Raise the one-line ValueError for a rejected expression."""
    raise ValueError(PREFIX + " ".join(message.split("\n")))


def show(piece: str, limit: int = 60) -> str:
    """``piece`` quoted on one line (``repr`` escapes newlines), shortened past ``limit``."""
    if len(piece) > limit:
        piece = piece[: limit - 3] + "..."
    return repr(piece)


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of ``text[index]``."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def location(text: str, index: int) -> str:
    """Where ``text[index]`` is, for a message: ``at column c``, or ``at line l, column c`` in a text of several lines."""
    line, column = _position(text, index)
    return f"at column {column}" if "\n" not in text else f"at line {line}, column {column}"
