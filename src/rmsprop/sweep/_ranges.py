"""The command line's grammar for a list of values: ``1e-3:1:25:log``, ``0:1:11``, ``0.5,0.9,0.99``, ``0.1``."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["parse_range"]


def parse_range(text: str) -> list[float]:
    """A list of floats from the command line's grammar.

    ``"1e-3:1:25:log"``: 25 log-spaced values from 1e-3 to 1 (both ends exact);
    ``"0:1:11"`` or ``"0:1:11:lin"``: 11 evenly spaced values; ``"0.5,0.9,0.99"``: those
    values; ``"0.1"``: one value. Anything else is a one-line ValueError.

    Parameters
    ----------
    text : str
        ``START:STOP:COUNT[:log|lin]``, a comma-separated list, or one number; white
        space around the parts is ignored.

    Returns
    -------
    list of float
        The values, in order.

    Raises
    ------
    TypeError
        If ``text`` is not a str.
    ValueError
        If ``text`` is empty or not of the grammar, a number is not finite, the count is
        not a whole number >= 1 (or 1 for two different ends), or a log range does not
        have START and STOP > 0.

    Examples
    --------
    >>> parse_range("1e-3:1:4:log")
    [0.001, 0.01, 0.1, 1.0]
    >>> parse_range("0:1:5"), parse_range("0.5, 0.9, 0.99"), parse_range("0.1")
    ([0.0, 0.25, 0.5, 0.75, 1.0], [0.5, 0.9, 0.99], [0.1])
    >>> parse_range("0:1")
    Traceback (most recent call last):
    ...
    ValueError: bad range '0:1': write START:STOP:COUNT[:log|lin] (e.g. 1e-3:1:25:log), a list (0.5,0.9,0.99)
    or one number
    """
    if not isinstance(text, str):
        raise TypeError(f"a range must be a str such as '1e-3:1:25:log'; got {type(text).__name__}")
    shown = text.strip()
    usage = "write START:STOP:COUNT[:log|lin] (e.g. 1e-3:1:25:log), a list (0.5,0.9,0.99) or one number"
    if not shown:
        raise ValueError(f"empty range; {usage}")
    if ":" in shown:
        parts = [part.strip() for part in shown.split(":")]
        if len(parts) not in (3, 4):
            raise ValueError(f"bad range {shown!r}: {usage}")
        scale = parts[3].lower() if len(parts) == 4 else "lin"
        if scale not in ("lin", "log"):
            raise ValueError(f"bad range {shown!r}: the spacing must be 'lin' or 'log', not {parts[3]!r}")
        start, stop = _number(parts[0], shown, usage), _number(parts[1], shown, usage)
        try:
            count = int(parts[2])
        except ValueError:
            raise ValueError(f"bad range {shown!r}: the count {parts[2]!r} is not a whole number") from None
        if count < 1:
            raise ValueError(f"bad range {shown!r}: the count must be at least 1; got {count}")
        if count == 1 and start != stop:
            raise ValueError(
                f"bad range {shown!r}: one value cannot run from {start!r} to {stop!r}; "
                "give a count of 2 or more, or one number"
            )
        if scale == "log":
            if start <= 0 or stop <= 0:
                raise ValueError(f"bad range {shown!r}: a log range needs START and STOP > 0")
            values = np.geomspace(start, stop, count)
        else:
            values = np.linspace(start, stop, count)
        return [float(v) for v in values]
    return [_number(part.strip(), shown, usage) for part in shown.split(",")]


def _number(part: str, text: str, usage: str) -> float:
    try:
        value = float(part)
    except ValueError:
        raise ValueError(f"bad range {text!r}: {part!r} is not a number; {usage}") from None
    if not math.isfinite(value):
        raise ValueError(f"bad range {text!r}: {part!r} is not a finite number")
    return value
