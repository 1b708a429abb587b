"""The texts on the figures: legends named by an optimizer's settings, numbers, titles."""

from __future__ import annotations

import dataclasses
import inspect
import numbers
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ..objectives import Objective

__all__ = ["format_number", "format_value", "objective_title", "settings_label", "short_name"]

_RATE_KEYS = ("learning_rate", "lr", "step_size", "base_lr")
_DECAY_KEYS = ("decay", "alpha", "rho", "gamma", "rms_decay")
_ALWAYS_KEYS = ("b1", "b2", "beta1", "beta2")  # Adam's decays: shown even at their defaults
_EPS_KEYS = ("eps", "epsilon", "delta")


def format_number(value: float, digits: int = 4) -> str:
    """Write a number short: ``digits`` significant digits, an exponent without its ``+`` and zeros.

    Parameters
    ----------
    value : float
        The number.
    digits : int, optional
        Significant digits (the ``g`` format's precision); default 4.

    Returns
    -------
    str
        ``f"{value:.{digits}g}"`` with ``e-05`` written ``e-5`` and ``e+07`` ``e7``.

    Examples
    --------
    >>> format_number(1e-5), format_number(0.123456789), format_number(12345678.0)
    ('1e-5', '0.1235', '1.235e7')
    """
    text = f"{float(value):.{digits}g}"
    return re.sub(r"e([+-])0*(\d)", lambda m: "e" + ("-" if m.group(1) == "-" else "") + m.group(2), text)


def format_value(value: Any) -> str:
    """Write a setting's value for a legend: numbers short, schedules by their fields, functions by name.

    Parameters
    ----------
    value : object
        A setting's value: a bool, a number, a dataclass (a schedule), a callable, or
        anything else.

    Returns
    -------
    str
        Bools as ``True``/``False``; integers in full; other numbers by
        :func:`format_number`; a dataclass as ``Name(field, ...)`` with its fields that
        are not ``None`` or ``False``; a callable by its ``__name__``; anything else as
        ``str``, cut to 24 characters.

    Examples
    --------
    >>> import math
    >>> from rmsprop import schedules
    >>> format_value(True), format_value(3), format_value(1e-08), format_value(math.sqrt)
    ('True', '3', '1e-8', 'sqrt')
    >>> format_value(schedules.exponential_decay(0.1, 0.5, 10))
    'exponential_decay(0.1, 0.5, 10)'
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return format_number(float(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        shown = [
            format_value(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if getattr(value, field.name) not in (None, False)
        ]
        return f"{type(value).__name__}({', '.join(shown)})"
    if callable(value):
        return getattr(value, "__name__", type(value).__name__)
    text = str(value)
    return text if len(text) <= 24 else text[:23] + "…"


def _defaults(name: Any) -> dict[str, Any] | None:
    """The keyword defaults of the constructor that made settings named ``name``, if known."""
    from .. import baselines, compat
    from .._rmsprop import rmsprop as rmsprop_rule

    constructor: Callable[..., Any] | None
    if name == "rmsprop":
        constructor = rmsprop_rule
    else:
        constructor = compat.FLAVORS.get(name)
        if constructor is None:
            constructor = baselines.OPTIMIZERS.get(name)
    if not callable(constructor):
        return None
    return {p.name: p.default for p in inspect.signature(constructor).parameters.values() if p.default is not p.empty}


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b or (a in (0, False) and b is None) or (b in (0, False) and a is None)
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - arrays, odd objects
        return False


def settings_label(settings: Mapping[str, Any]) -> str:
    """Write a short legend text for an optimizer's ``settings`` (``result.settings``).

    The name, then the learning rate as ``lr=`` and the decay of the average of
    squares under its own name, then every other setting that differs from the
    constructor's default (flags that are on appear by name). Adam's ``b1`` and ``b2``
    are always shown, and a momentum that is not 0. For optimizers this package does
    not know, settings that are ``None``, ``False`` or 0 and the epsilon are left out.

    Parameters
    ----------
    settings : mapping
        ``{"name": ..., <setting>: <value>, ...}``, e.g. ``result.settings`` or
        ``optimizer.settings``; without ``"name"`` the label starts ``optimizer``.

    Returns
    -------
    str
        The label.

    Raises
    ------
    TypeError
        If ``settings`` is not a mapping.

    Examples
    --------
    >>> settings_label({"name": "rmsprop", "learning_rate": 0.1, "decay": 0.9, "eps": 1e-8})
    'rmsprop lr=0.1 decay=0.9'
    >>> settings_label({"name": "rmsprop", "learning_rate": 0.1, "decay": 0.9, "centered": True, "momentum": 0.5})
    'rmsprop lr=0.1 decay=0.9 centered momentum=0.5'
    >>> settings_label({"name": "adam", "learning_rate": 0.01, "b1": 0.9, "b2": 0.999, "eps": 1e-8})
    'adam lr=0.01 b1=0.9 b2=0.999'
    >>> settings_label({"name": "mine", "lr": 0.1, "eps": 1e-3, "warm": False, "steps": 3})
    'mine lr=0.1 steps=3'
    """
    if not isinstance(settings, Mapping):
        raise TypeError(f"settings must be a mapping (result.settings); got {type(settings).__name__}")
    name = settings.get("name", "optimizer")
    defaults = _defaults(name)
    parts = [str(name)]
    rest = {key: value for key, value in settings.items() if key != "name"}
    for keys, shown_as in ((_RATE_KEYS, "lr"), (_DECAY_KEYS, None)):
        for key in keys:
            if key in rest:
                parts.append(f"{shown_as or key}={format_value(rest.pop(key))}")
                break
    for key, value in rest.items():
        if key in _ALWAYS_KEYS or (key == "momentum" and value not in (None, 0, False)):
            pass
        elif defaults is not None:
            if key in defaults and _same(value, defaults[key]):
                continue
        elif (
            value is None
            or value is False
            or key in _EPS_KEYS
            or (isinstance(value, numbers.Number) and not isinstance(value, bool) and value == 0)
        ):
            continue
        parts.append(key if value is True else f"{key}={format_value(value)}")
    return " ".join(parts)


def objective_title(objective: Objective, limit: int = 40) -> str:
    """Write a figure's title for an objective: its name and formula, each once.

    Parameters
    ----------
    objective : Objective
        The objective.
    limit : int, optional
        The longest formula shown; default 40 characters.

    Returns
    -------
    str
        ``"<name>: f = <formula>"``; ``"<name>"`` when the formula is longer than
        ``limit`` or not known; ``"f = <formula>"`` when the name is the formula (a
        typed one), cut to ``limit`` characters with ``…``.

    Examples
    --------
    >>> from rmsprop import objectives
    >>> objective_title(objectives.get("seed")), objective_title(objectives.get("goldstein_price"))
    ('seed: f = 5*x1**2 + 7*x2**2', 'goldstein_price')
    >>> objective_title(objectives.from_expression("(1 - x)**2 + 100*(y - x**2)**2"))
    'f = (1 - x)**2 + 100*(y - x**2)**2'
    """
    formula = " ".join(objective.formula.split())
    if formula and formula == " ".join(objective.name.split()):
        return "f = " + (formula if len(formula) <= limit else formula[: limit - 1] + "…")
    return f"{objective.name}: f = {formula}" if formula and len(formula) <= limit else objective.name


def short_name(objective: Objective, limit: int = 32) -> str:
    """Write an objective's name for a title, cut to ``limit`` characters with ``…`` (a typed formula's is long).

    Parameters
    ----------
    objective : Objective
        The objective.
    limit : int, optional
        The most characters; default 32.

    Returns
    -------
    str
        The name, whitespace runs as one space, cut when longer than ``limit``.

    Examples
    --------
    >>> from rmsprop import objectives
    >>> short_name(objectives.get("rosenbrock")), short_name(objectives.from_expression("x**2 + " * 8 + "y**2"))
    ('rosenbrock', 'x**2 + x**2 + x**2 + x**2 + x**…')
    """
    name = " ".join(objective.name.split())
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"
