"""The texts on the figures: legends named by an optimizer's settings, numbers, titles."""

from __future__ import annotations

import dataclasses
import inspect
import numbers
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ..objectives import Objective

__all__ = ["format_number", "format_value", "objective_title", "settings_label"]

_RATE_KEYS = ("learning_rate", "lr", "step_size", "base_lr")
_DECAY_KEYS = ("decay", "alpha", "rho", "gamma", "rms_decay")
_ALWAYS_KEYS = ("b1", "b2", "beta1", "beta2")  # Adam's decays: shown even at their defaults
_EPS_KEYS = ("eps", "epsilon", "delta")


def format_number(value: float, digits: int = 4) -> str:
    text = f"{float(value):.{digits}g}"
    return re.sub(r"e([+-])0*(\d)", lambda m: "e" + ("-" if m.group(1) == "-" else "") + m.group(2), text)


def format_value(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return format_number(value)
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

    if name == "rmsprop":
        constructor = rmsprop_rule
    else:
        constructor = compat.FLAVORS.get(name)
        if constructor is None:
            constructor = baselines.OPTIMIZERS.get(name)
    if not callable(constructor):
        return None
    return {
        p.name: p.default for p in inspect.signature(constructor).parameters.values() if p.default is not p.empty
    }


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b or (a in (0, False) and b is None) or (b in (0, False) and a is None)
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - arrays, odd objects
        return False


def settings_label(settings: Mapping[str, Any]) -> str:
    """A short legend text for an optimizer's ``settings`` (``result.settings``).

    The name, then the learning rate as ``lr=`` and the decay of the average of
    squares under its own name, then every other setting that differs from the
    constructor's default (flags that are on appear by name)::

        >>> settings_label({"name": "rmsprop", "learning_rate": 0.1, "decay": 0.9, "eps": 1e-8})
        'rmsprop lr=0.1 decay=0.9'

    For optimizers this package does not know, settings that are ``None``, ``False``
    or 0 and the epsilon are left out.
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
        elif value is None or value is False or key in _EPS_KEYS or (
            isinstance(value, numbers.Number) and not isinstance(value, bool) and value == 0
        ):
            continue
        parts.append(key if value is True else f"{key}={format_value(value)}")
    return " ".join(parts)


def objective_title(objective: Objective, limit: int = 40) -> str:
    formula = objective.formula
    return f"{objective.name}: f = {formula}" if len(formula) <= limit else objective.name
