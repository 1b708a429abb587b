"""Checks of hyperparameters, with messages that say what is wrong and what is allowed."""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = [
    "real_number",
    "in_range",
    "flag",
    "positive_or_none",
    "check_option_names",
    "vector_norm_order",
]


def vector_norm_order(norm: Any) -> Any:
    """``norm`` if it is the order of a vector norm (``np.linalg.norm``'s ``ord``), or a clear error."""
    import numpy as np

    try:
        np.linalg.norm(np.ones(2), ord=norm)
    except (TypeError, ValueError) as error:
        raise ValueError(f"norm must be the order of a vector norm (np.linalg.norm's ord), e.g. inf or 2; "
                         f"got {norm!r}") from error
    return norm


def real_number(name: str, value: Any) -> float:
    """``value`` as a finite Python float, or a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} of type {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite; got {number}")
    return number


def in_range(
    name: str,
    value: Any,
    low: float,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = True,
) -> float:
    """``value`` as a float inside the interval from ``low`` to ``high``."""
    number = real_number(name, value)
    too_low = number <= low if low_open else number < low
    too_high = number >= high if high_open else number > high
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open or high == math.inf else "]"
        upper = "inf" if high == math.inf else f"{high:g}"
        raise ValueError(f"Invalid {name}: {value!r}; allowed: {left}{low:g}, {upper}{right}")
    return number


def flag(name: str, value: Any) -> bool:
    """``value`` as a bool; strings and numbers other than bools are refused."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    raise TypeError(f"{name} must be True or False; got {value!r}")


def positive_or_none(name: str, value: Any) -> float | None:
    """``None`` (off) or a float > 0."""
    if value is None:
        return None
    return in_range(name, value, 0.0, low_open=True)


def check_option_names(given: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    """Refuse keyword options that ``where`` does not know."""
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise TypeError(
            f"{where} got unknown option {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}"
        )
