"""The playground's values one at a time: text from a control or the URL in, a checked number or name out.

Each check raises :class:`~rmsprop.playground._state.ViewError` with a one-line message
naming the control.
"""

from __future__ import annotations

import math

from ._limits import BASELINES, C_RANGE, MAX_ABS_START, MAX_ITERATIONS, MAX_SEED, NOISE_RANGE, RATE_RANGE, ViewError

__all__ = [
    "number",
    "short",
    "in_range",
    "flag",
    "maxiter",
    "noise",
    "seed",
    "choice",
    "rate",
    "constant_c",
    "start",
    "baseline_names",
    "objective_text",
]


def number(text, what: str) -> float:
    """A control's value as a finite float: a number as it is, text read as one.

    Parameters
    ----------
    text : str, int, float or None
        The value: a field's text, a number, or ``None`` (what a browser's number field
        sends when it is empty or unreadable).
    what : str
        The control's name, for the message.

    Returns
    -------
    float
        The value.

    Raises
    ------
    ViewError
        If the value is empty, a bool, not a number, or not finite.

    Examples
    --------
    >>> number(" 2.5 ", "start x1"), number(3, "start x1")
    (2.5, 3.0)
    >>> number("abc", "start x1")
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: start x1 must be a number; got 'abc'
    >>> number("inf", "start x1")
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: start x1 must be finite; got 'inf'
    """
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
    """A value quoted for a message: ``repr`` of its text, cut to ``limit`` characters and ``...``.

    Parameters
    ----------
    text : object
        The value (anything: it is shown as ``str(text)``).
    limit : int, optional
        The characters kept; default 40.

    Returns
    -------
    str
        The text in quotes, as ``repr`` writes it.

    Examples
    --------
    >>> short("abc"), short(12)
    ("'abc'", "'12'")
    >>> short("abcdef", limit=3)
    "'abc...'"
    """
    text = str(text)
    return repr(text if len(text) <= limit else text[:limit] + "...")


def in_range(value: float, what: str, lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False) -> float:
    """``value`` if it lies between ``lo`` and ``hi`` (ends included unless open), else an error.

    Parameters
    ----------
    value : float
        The value.
    what : str
        The control's name, for the message.
    lo, hi : float
        The range's ends.
    lo_open, hi_open : bool, optional
        Leave out ``lo``, ``hi``; default both included.

    Returns
    -------
    float
        ``value``, as it is.

    Raises
    ------
    ViewError
        If ``value`` is outside the range.

    Examples
    --------
    >>> in_range(0.5, "decay", 0.0, 1.0, hi_open=True)
    0.5
    >>> in_range(1.0, "decay", 0.0, 1.0, hi_open=True)
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: decay must be in [0, 1); got 1
    """
    if (value <= lo if lo_open else value < lo) or (value >= hi if hi_open else value > hi):
        low, high = ("(" if lo_open else "[") + f"{lo:g}", f"{hi:g}" + (")" if hi_open else "]")
        raise ViewError(f"{what} must be in {low}, {high}; got {value:g}")
    return value


def flag(value, what: str) -> bool:
    """A switch's value as a bool: ``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``/empty.

    Parameters
    ----------
    value : bool, int, str or None
        The value: a bool, 0 or 1, one of those words, or ``""``/``None`` (off).
    what : str
        The switch's name, for the message.

    Returns
    -------
    bool
        The switch's state.

    Raises
    ------
    ViewError
        If ``value`` is none of those.

    Examples
    --------
    >>> flag("1", "centered"), flag("off", "centered"), flag(None, "centered"), flag(True, "centered")
    (True, False, False, True)
    >>> flag("maybe", "centered")
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: centered must be 0 or 1; got 'maybe'
    """
    if isinstance(value, bool):
        return value
    if value in ("1", "true", "yes", "on", 1):
        return True
    if value in ("0", "false", "no", "off", 0, "", None):
        return False
    raise ViewError(f"{what} must be 0 or 1; got {short(value)}")


def maxiter(value) -> int:
    """The ``maxiter`` field's value as a whole number in [1, :data:`MAX_ITERATIONS`].

    Parameters
    ----------
    value : str, int, float or None
        The field's value (read as :func:`number` reads it).

    Returns
    -------
    int
        The iterations of every run at most.

    Raises
    ------
    ViewError
        If the value is not a number, not whole, or out of range.

    Examples
    --------
    >>> maxiter("50"), maxiter(10.0)
    (50, 10)
    >>> maxiter("2.5")
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: maxiter must be a whole number; got 2.5
    >>> maxiter(0)
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: maxiter must be in [1, 2000]; got 0
    """
    count = number(value, "maxiter")
    if count != int(count):
        raise ViewError(f"maxiter must be a whole number; got {count:g}")
    return int(in_range(count, "maxiter", 1, MAX_ITERATIONS))


def noise(value) -> float:
    """The noise slider's value: the scale of the gradient noise, in :data:`NOISE_RANGE` (0: none).

    Parameters
    ----------
    value : str, int, float or None
        The slider's value, or the URL's text (``None``: no noise).

    Returns
    -------
    float
        The scale.

    Raises
    ------
    ViewError
        If the value is not a number or out of range.

    Examples
    --------
    >>> noise("0.5"), noise(None)
    (0.5, 0.0)
    >>> noise(-1)
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: noise must be in [0, 1000]; got -1
    """
    if value is None:
        return 0.0
    return in_range(number(value, "noise"), "noise", *NOISE_RANGE)


def seed(value) -> int:
    """The seed field's value: the seed of the gradient noise, a whole number in [0, :data:`MAX_SEED`].

    Parameters
    ----------
    value : str, int, float or None
        The field's value (``None``: 0).

    Returns
    -------
    int
        The seed.

    Raises
    ------
    ViewError
        If the value is not a number, not whole, or out of range.

    Examples
    --------
    >>> seed("7"), seed(None)
    (7, 0)
    >>> seed("1.5")
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: seed must be a whole number; got 1.5
    """
    if value is None or value == "":
        return 0
    count = number(value, "seed")
    if count != int(count):
        raise ViewError(f"seed must be a whole number; got {count:g}")
    return int(in_range(count, "seed", 0, MAX_SEED))


def choice(value, what: str, allowed) -> str:
    """A radio item's value: one of ``allowed`` (its URL values), or an error that lists them.

    Parameters
    ----------
    value : str or None
        The radio items' value, or the URL's text.
    what : str
        The control's name, for the message.
    allowed : iterable of str
        The values it takes.

    Returns
    -------
    str
        ``value``.

    Raises
    ------
    ViewError
        If ``value`` is not one of ``allowed``.

    Examples
    --------
    >>> choice("3d", "view", ("contour", "3d"))
    '3d'
    >>> choice("4d", "view", ("contour", "3d"))
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: view must be one of contour, 3d; got '4d'
    """
    allowed = tuple(allowed)
    if value not in allowed:
        raise ViewError(f"{what} must be one of {', '.join(allowed)}; got {short(value)}")
    return value


def rate(value) -> float:
    """The exponential schedule's factor per step, in (0, 1] of :data:`RATE_RANGE`: ``lr(t) = lr * rate ** t``.

    Parameters
    ----------
    value : str, int, float or None
        The field's value (read as :func:`number` reads it).

    Returns
    -------
    float
        The factor.

    Raises
    ------
    ViewError
        If the value is not a number or out of range.

    Examples
    --------
    >>> rate("0.99")
    0.99
    >>> rate(0)
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: decay rate must be in (0, 1]; got 0
    """
    return in_range(number(value, "decay rate"), "decay rate", *RATE_RANGE, lo_open=True)


def constant_c(value) -> float:
    """Reddi et al.'s ``C`` of Theorem 1, in (2, 1000] of :data:`C_RANGE` (the theorem needs ``C > 2``).

    Parameters
    ----------
    value : str, int, float or None
        The field's value (read as :func:`number` reads it).

    Returns
    -------
    float
        ``C``.

    Raises
    ------
    ViewError
        If the value is not a number or out of range.

    Examples
    --------
    >>> constant_c("3")
    3.0
    >>> constant_c(2)
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: C must be in (2, 1000]; got 2
    """
    return in_range(number(value, "C"), "C", *C_RANGE, lo_open=True)


def start(x1, x2) -> tuple[float, float]:
    """The start's fields as a point, each coordinate at most :data:`MAX_ABS_START` in magnitude.

    Parameters
    ----------
    x1, x2 : str, int, float or None
        The fields' values (read as :func:`number` reads them).

    Returns
    -------
    tuple of float
        ``(x1, x2)``.

    Raises
    ------
    ViewError
        If a coordinate is not a number or too large, naming it (``start x1``, ``start x2``).

    Examples
    --------
    >>> start("-4", 3)
    (-4.0, 3.0)
    >>> start("1", "2e7")
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: start x2 must be in [-1e+06, 1e+06]; got 2e+07
    """
    first, second = (
        in_range(number(v, f"start {name}"), f"start {name}", -MAX_ABS_START, MAX_ABS_START)
        for v, name in ((x1, "x1"), (x2, "x2"))
    )
    return first, second


def baseline_names(names) -> tuple[str, ...]:
    """The baselines chosen, known ones only, in the order of :data:`BASELINES`.

    Parameters
    ----------
    names : str or list of str
        The names: a list (the checklist's value), or comma-separated text (the URL's).

    Returns
    -------
    tuple of str
        The names, each once, in the order of :data:`BASELINES` whatever their order in
        ``names``.

    Raises
    ------
    ViewError
        If a name is not a baseline.

    Examples
    --------
    >>> baseline_names("adam, sgd"), baseline_names(["adam", "sgd"]), baseline_names("")
    (('sgd', 'adam'), ('sgd', 'adam'), ())
    >>> baseline_names(["lion"])
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: unknown baseline 'lion'; choose from: sgd, momentum, ...
    """
    if isinstance(names, str):
        names = [name.strip() for name in names.split(",") if name.strip()]
    names = names or ()  # an empty checklist may come as None
    unknown = [name for name in names if name not in BASELINES]
    if unknown:
        raise ViewError(f"unknown baseline {short(unknown[0])}; choose from: {', '.join(BASELINES)}")
    return tuple(name for name in BASELINES if name in names)  # one order, whatever the input's


def objective_text(text) -> str:
    """The function's text, a catalogue name or a formula, with its runs of whitespace made one space.

    Parameters
    ----------
    text : str
        The dropdown's value or the formula field's text.

    Returns
    -------
    str
        The text, stripped, each run of whitespace one space (whether it names a
        function is checked later).

    Raises
    ------
    ViewError
        If the text is empty or not a string.

    Examples
    --------
    >>> objective_text("  x**2   +  y**2 ")
    'x**2 + y**2'
    >>> objective_text("  ")
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: the function is empty; pick one from the list or type a formula in x and y
    """
    if not isinstance(text, str) or not text.strip():
        raise ViewError("the function is empty; pick one from the list or type a formula in x and y")
    return " ".join(text.split())
