"""The playground's values one at a time: text from a control or the URL in, a checked number or name out.

Each check raises :class:`~rmsprop.playground._state.ViewError` with a one-line message
naming the control.
"""

from __future__ import annotations

import math

from ._limits import BASELINES, MAX_ABS_START, MAX_ITERATIONS, ViewError

__all__ = ["number", "short", "in_range", "flag", "iterations", "start", "baseline_names", "objective_text"]


def number(text, what: str) -> float:
    if isinstance(text, bool):
        raise ViewError(f"{what} must be a number; got {text!r}")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        if text is None:  # what a browser's number field sends for an empty or unreadable entry
            raise ViewError(f"{what} is empty or not a number; give a number")
        if not isinstance(text, str) or not text.strip():
            raise ViewError(f"{what} is empty; give a number")
        try:
            value = float(text.strip())
        except ValueError:
            raise ViewError(f"{what} must be a number; got {short(text)}") from None
    if not math.isfinite(value):
        raise ViewError(f"{what} must be finite; got {short(text)}")
    return value


def short(text, limit: int = 40) -> str:
    text = str(text)
    return repr(text if len(text) <= limit else text[:limit] + "...")


def in_range(value: float, what: str, lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False) -> float:
    if (value <= lo if lo_open else value < lo) or (value >= hi if hi_open else value > hi):
        low, high = ("(" if lo_open else "[") + f"{lo:g}", f"{hi:g}" + (")" if hi_open else "]")
        raise ViewError(f"{what} must be in {low}, {high}; got {value:g}")
    return value


def flag(value, what: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("1", "true", "yes", "on", 1):
        return True
    if value in ("0", "false", "no", "off", 0, "", None):
        return False
    raise ViewError(f"{what} must be 0 or 1; got {short(value)}")


def iterations(value) -> int:
    count = number(value, "iterations")
    if count != int(count):
        raise ViewError(f"iterations must be a whole number; got {count:g}")
    return int(in_range(count, "iterations", 1, MAX_ITERATIONS))


def start(x1, x2) -> tuple[float, float]:
    first, second = (
        in_range(number(v, f"start {name}"), f"start {name}", -MAX_ABS_START, MAX_ABS_START)
        for v, name in ((x1, "x1"), (x2, "x2"))
    )
    return first, second


def baseline_names(names) -> tuple[str, ...]:
    if isinstance(names, str):
        names = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in names or () if name not in BASELINES]
    if unknown:
        raise ViewError(f"unknown baseline {short(unknown[0])}; choose from: {', '.join(BASELINES)}")
    return tuple(name for name in BASELINES if name in names)  # one order, whatever the input's


def objective_text(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ViewError("the function is empty; pick one from the list or type a formula in x and y")
    return " ".join(text.split())
