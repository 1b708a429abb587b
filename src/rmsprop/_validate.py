"""Checks of hyperparameters, with messages that say what is wrong and what is allowed."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

__all__ = [
    "real_number",
    "in_range",
    "flag",
    "positive_or_none",
    "check_option_names",
    "vector_norm_order",
    "random_seed",
]


def vector_norm_order(norm: Any) -> Any:
    """Check that ``norm`` is the order of a vector norm (``np.linalg.norm``'s ``ord``).

    Parameters
    ----------
    norm : object
        The order to check, e.g. ``numpy.inf``, ``2`` or ``1``.

    Returns
    -------
    object
        ``norm`` itself.

    Raises
    ------
    ValueError
        If ``np.linalg.norm`` refuses ``norm`` as the order of a vector norm.

    Examples
    --------
    >>> import math
    >>> vector_norm_order(math.inf)
    inf
    >>> vector_norm_order("two")
    Traceback (most recent call last):
    ...
    ValueError: norm must be the order of a vector norm (np.linalg.norm's ord), e.g. inf or 2; got 'two'
    """

    try:
        np.linalg.norm(np.ones(2), ord=norm)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"norm must be the order of a vector norm (np.linalg.norm's ord), e.g. inf or 2; got {norm!r}"
        ) from error
    return norm


def real_number(name: str, value: Any) -> float:
    """Return ``value`` as a finite Python float, or a clear error.

    Parameters
    ----------
    name : str
        The name of the setting, for the message.
    value : object
        The value to check: a real number (``bool`` is refused).

    Returns
    -------
    float
        ``float(value)``.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (a string, ``None``, a bool, a complex number).
    ValueError
        If ``value`` is ``inf`` or ``nan``.

    Examples
    --------
    >>> real_number("learning_rate", 1)
    1.0
    >>> real_number("learning_rate", "0.1")
    Traceback (most recent call last):
    ...
    TypeError: learning_rate must be a real number; got '0.1' of type str
    """
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
    """Return ``value`` as a float inside the interval from ``low`` to ``high``.

    Parameters
    ----------
    name : str
        The name of the setting, for the message.
    value : object
        The value to check: a finite real number.
    low : float
        The lower end of the interval.
    high : float, optional
        The upper end of the interval; default ``inf``.
    low_open : bool, optional
        Whether ``low`` itself is refused; default False (``[low, ...``).
    high_open : bool, optional
        Whether ``high`` itself is refused; default True (``..., high)``). An infinite
        ``high`` is always open.

    Returns
    -------
    float
        ``float(value)``.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (see :func:`real_number`).
    ValueError
        If ``value`` is not finite or lies outside the interval; the message shows the
        interval allowed.

    Examples
    --------
    >>> in_range("decay", 0.9, 0.0, 1.0)
    0.9
    >>> in_range("decay", 1.0, 0.0, 1.0)
    Traceback (most recent call last):
    ...
    ValueError: Invalid decay: 1.0; allowed: [0, 1)
    >>> in_range("eps", 0.0, 0.0, low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: Invalid eps: 0.0; allowed: (0, inf)
    """
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
    """Return ``value`` as a bool; strings and numbers other than bools are refused.

    Parameters
    ----------
    name : str
        The name of the setting, for the message.
    value : object
        The value to check: ``True`` or ``False`` (Python's or NumPy's).

    Returns
    -------
    bool
        ``value``.

    Raises
    ------
    TypeError
        If ``value`` is not a bool (``1``, ``"yes"``, ``None``, ...).

    Examples
    --------
    >>> flag("centered", True), flag("centered", np.True_)
    (True, True)
    >>> flag("centered", 1)
    Traceback (most recent call last):
    ...
    TypeError: centered must be True or False; got 1
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be True or False; got {value!r}")


def positive_or_none(name: str, value: Any) -> float | None:
    """Return ``None`` (off) or ``value`` as a float > 0.

    Parameters
    ----------
    name : str
        The name of the setting, for the message.
    value : float or None
        ``None`` to switch the setting off, or a finite number > 0.

    Returns
    -------
    float or None
        ``None``, or ``float(value)``.

    Raises
    ------
    TypeError
        If ``value`` is neither ``None`` nor a real number.
    ValueError
        If ``value`` is not finite or not > 0.

    Examples
    --------
    >>> positive_or_none("clip_norm", None) is None
    True
    >>> positive_or_none("clip_norm", 2)
    2.0
    """
    if value is None:
        return None
    return in_range(name, value, 0.0, low_open=True)


def check_option_names(given: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    """Refuse keyword options that ``where`` does not know.

    Parameters
    ----------
    given : dict
        The keyword options given, name -> value.
    allowed : tuple of str
        The names ``where`` accepts.
    where : str
        What was called, for the message, e.g. ``"get('adam')"``.

    Raises
    ------
    TypeError
        If a name in ``given`` is not in ``allowed``; the message names the first unknown
        one (in sorted order) and lists those allowed.

    Examples
    --------
    >>> check_option_names({"decay": 0.9}, ("learning_rate", "decay"), "rmsprop()")
    >>> check_option_names({"lr": 0.1}, ("learning_rate", "decay"), "rmsprop()")
    Traceback (most recent call last):
    ...
    TypeError: rmsprop() got unknown option 'lr'; allowed: decay, learning_rate
    """
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise TypeError(f"{where} got unknown option {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}")


def random_seed(value: Any, seeds: str | None = None) -> int:
    """A random generator's seed, checked: an integer ``>= 0``; ``None`` is 0 (every run reproducible).

    Parameters
    ----------
    value : int or None
        The seed given.
    seeds : str, optional
        What it would seed where that is off (``"the gradient noise, which is off; give noise=
        too"``): a seed given then is refused, as it would do nothing. ``None``: it is on.

    Returns
    -------
    int
        The seed.

    Raises
    ------
    TypeError
        If ``value`` is not an integer.
    ValueError
        If ``value`` is negative, or given where ``seeds`` says it would do nothing.

    Examples
    --------
    >>> random_seed(None), random_seed(7)
    (0, 7)
    >>> random_seed(7, "the noise, which is off; give noise= too")
    Traceback (most recent call last):
    ...
    ValueError: seed=7 seeds the noise, which is off; give noise= too, or leave seed unset
    """
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"seed must be an integer >= 0; got {type(value).__name__} {value!r:.40}")
    if value < 0:
        raise ValueError(f"seed must be an integer >= 0; got {value}")
    if seeds is not None:
        raise ValueError(f"seed={value} seeds {seeds}, or leave seed unset")
    return int(value)
