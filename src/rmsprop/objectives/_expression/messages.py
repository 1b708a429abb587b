"""The one-line ``expression rejected: ...`` error and the pieces its messages are made of."""

from __future__ import annotations

PREFIX = "expression rejected: "
EXAMPLE = "5*x1**2 + 7*x2**2"


def reject(message: str):
    """Raise the one-line ValueError for a rejected expression.

    Parameters
    ----------
    message : str
        What is wrong and where; its line breaks become spaces.

    Raises
    ------
    ValueError
        Always: ``"expression rejected: " + message``, on one line.

    Examples
    --------
    >>> reject("'x1 ^ 2' at column 1 is not allowed;\\nwrite x1**2")
    Traceback (most recent call last):
    ...
    ValueError: expression rejected: 'x1 ^ 2' at column 1 is not allowed; write x1**2
    """
    raise ValueError(PREFIX + " ".join(message.split("\n")))


def show(piece: str, limit: int = 60) -> str:
    """Quote ``piece`` on one line (``repr`` escapes newlines), shortened past ``limit``.

    Parameters
    ----------
    piece : str
        A piece of the formula.
    limit : int, optional
        The most characters shown before quoting; a longer piece is cut and ends in
        ``...``. Default 60.

    Returns
    -------
    str
        ``repr`` of the (shortened) piece.

    Examples
    --------
    >>> print(show("x1 +\\n x2"))
    'x1 +\\n x2'
    >>> show("x1 + " * 20, limit=12)
    "'x1 + x1 ...'"
    """
    if len(piece) > limit:
        piece = piece[: limit - 3] + "..."
    return repr(piece)


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of ``text[index]``."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def location(text: str, index: int) -> str:
    """Say where ``text[index]`` is: ``at column c``, or ``at line l, column c`` in a text of several lines.

    Parameters
    ----------
    text : str
        The formula as typed.
    index : int
        A position in ``text`` (0-based).

    Returns
    -------
    str
        The 1-based column (and line, when ``text`` has several).

    Examples
    --------
    >>> location("x1 + * x2", 5)
    'at column 6'
    >>> location("x1 +\\n  * x2", 7)
    'at line 2, column 3'
    """
    line, column = _position(text, index)
    return f"at column {column}" if "\n" not in text else f"at line {line}, column {column}"
