"""The playground's controls: their ids, and the view they show, both ways (controls to a view, a view to controls).

The rule's controls are those of :mod:`._rule_controls` (derived from :class:`rmsprop.Settings`):
the main settings' sliders, then ``maxiter`` and the flavor, then the options.
"""

from __future__ import annotations

import math
from typing import Any

from . import _rule_controls as rule
from . import _state
from ._limits import EPS_SLIDER, LR_SLIDER, SLIDERS
from ._state import OBJECTIVES, View

__all__ = [
    "FORMULA",
    "LR_SLIDER",
    "EPS_SLIDER",
    "MAIN_IDS",
    "OPTION_IDS",
    "CONTROLS",
    "RELATIVE",
    "from_log",
    "log10",
    "number_text",
    "view_from_controls",
    "controls_from_view",
]

FORMULA = "__formula__"  # the dropdown's entry for a typed formula


def _ids(names) -> tuple[str, ...]:
    """The controls of the rule's options ``names``, each once (the check boxes share one), in order."""
    return tuple(dict.fromkeys(rule.control_id(name) for name in names))


#: The ids of the rule's controls: the main settings' (above ``maxiter``), then the options'.
MAIN_IDS, OPTION_IDS = _ids(rule.MAIN), _ids(rule.OPTIONS)
#: The controls, in the page's order, the order the callbacks take them: (component id, property).
CONTROLS = tuple(
    (id_, "value")
    for id_ in (
        "objective",
        "formula",
        "x1",
        "x2",
        "C",
        *MAIN_IDS,
        "schedule",
        "rate",
        "maxiter",
        "noise",
        "relative",
        "seed",
        "flavor",
        *OPTION_IDS,
        "baselines",
        "display",
    )
)
#: The value of the ``relative`` checklist's one box.
RELATIVE = "relative"


def from_log(value, digits: int = 6) -> float | None:
    """10 ** value to ``digits`` significant digits (so 10 ** -1 is 0.1 and 10 ** log10(x) is x).

    Parameters
    ----------
    value : float or None
        A slider's value: ``log10`` of a rate (``None``: unset).
    digits : int, optional
        The significant digits kept; default 6.

    Returns
    -------
    float or None
        The rate, or ``None`` if ``value`` is ``None``.

    Examples
    --------
    >>> from_log(-1)
    0.1
    >>> from_log(0.5), from_log(0.5, digits=3)
    (3.16228, 3.16)
    >>> from_log(log10(0.003))
    0.003
    >>> from_log(None) is None
    True
    """
    if value is None:
        return None
    return float(f"{10.0 ** float(value):.{digits}g}")


def log10(value: float) -> float:
    """A rate's position on a logarithmic slider: ``log10(value)`` (the inverse of :func:`from_log`).

    Parameters
    ----------
    value : float
        The rate, > 0.

    Returns
    -------
    float
        Its base-10 logarithm.

    Raises
    ------
    ValueError
        If ``value`` is not > 0 (:func:`math.log10`'s error).

    Examples
    --------
    >>> log10(0.01), log10(1e-8)
    (-2.0, -8.0)
    """
    return math.log10(value)


def number_text(value: float) -> str:
    """A start's coordinate as the text of its field: a whole number without ``.0``, any other as ``repr``.

    Parameters
    ----------
    value : float
        The coordinate.

    Returns
    -------
    str
        ``"3"`` for 3.0, ``"0.25"`` for 0.25; numbers of 1e16 and more in magnitude as
        ``repr`` (``"1e+16"``).

    Examples
    --------
    >>> number_text(3.0), number_text(-4), number_text(0.25), number_text(2.5e-7), number_text(1e16)
    ('3', '-4', '0.25', '2.5e-07', '1e+16')
    """
    return repr(float(value)) if value != int(value) or abs(value) >= 1e16 else str(int(value))


def view_from_controls(*values) -> View:
    """Return the checked :class:`View` the controls describe (:class:`ViewError` names the bad control).

    Parameters
    ----------
    *values
        The controls' values, in the order of :data:`CONTROLS`: the function dropdown (a
        catalogue name, an online problem, or :data:`FORMULA` for the typed one), the formula,
        the start's two fields, ``C``, the main settings' sliders (``log10`` of the value on a
        log slider), the schedule and its rate, ``maxiter``, the noise's slider, whether it is
        relative (the checklist's value) and its seed, the flavor, the options' controls (the
        checked boxes of :data:`._rule_controls.FLAGS`, the sliders, a choice's key), the
        checked baselines and the display (contour or 3-D).

    Returns
    -------
    View
        The view, checked.

    Raises
    ------
    ViewError
        If a control is bad (see :func:`._state.from_controls`).

    Examples
    --------
    >>> from rmsprop.playground import _state
    >>> controls = controls_from_view(_state.View(objective="booth", learning_rate=0.01))
    >>> view_from_controls(*controls) == _state.View(objective="booth", learning_rate=0.01)
    True
    """
    named = dict(zip((id_ for id_, _ in CONTROLS), values))
    checked = named[rule.FLAGS] or []
    options = {}
    for name, shown in rule.SHOWN.items():
        value = named[rule.control_id(name)]
        if shown.control == "check":
            value = name in checked
        elif value is None and name in rule.OPTIONS:
            continue  # an option's control that sends nothing leaves the option at its default
        elif shown.control == "slider" and SLIDERS[name].log and value is not None:
            value = from_log(value)
        options[name] = value
    return _state.from_controls(
        objective_text=named["formula"] if named["objective"] == FORMULA else named["objective"],
        x1=named["x1"],
        x2=named["x2"],
        maxiter=named["maxiter"],
        noise=named["noise"],
        seed=named["seed"],
        relative=RELATIVE in (named["relative"] or []),
        schedule=named["schedule"],
        rate=named["rate"],
        c=named["C"],
        display=named["display"],
        flavor=named["flavor"],
        baselines_=named["baselines"] or [],
        **options,
    )


def controls_from_view(view: View, formula_text: str | None = None) -> list:
    """Return the control values that show ``view`` (in the order of :data:`CONTROLS`).

    Parameters
    ----------
    view : View
        The view.
    formula_text : str, optional
        What the formula field keeps when the view is a catalogue function.

    Returns
    -------
    list
        One value per control: the dropdown's entry (:data:`FORMULA` for a formula),
        the formula, the start as text, ``C`` as text, the main settings' sliders (``log10``
        on a log slider), the schedule and its rate, ``maxiter``, the noise, the relative
        box, its seed, the flavor, the options' controls (the checked boxes, the sliders, a
        choice's key), the baselines and the display.

    Examples
    --------
    >>> from rmsprop.playground import _state
    >>> controls_from_view(_state.DEFAULT)
    ['seed', '', '-4', '3', '3', -1.0, 0.9, -8.0, 'constant', '0.99', 50, 0.0, [], 0, 'rmsprop', [], 0.0, 'in', [],
     'contour']
    >>> controls_from_view(_state.View(objective="x**2 + y**2", centered=True))[:2]
    ['__formula__', 'x**2 + y**2']
    """
    is_catalogue = view.objective in OBJECTIVES or view.online
    named: dict[str, Any] = {
        "objective": view.objective if is_catalogue else FORMULA,
        "formula": (formula_text or "") if is_catalogue else view.objective,
        "x1": number_text(view.start[0]),
        "x2": number_text(view.start[1]),
        "maxiter": view.maxiter,
        "C": number_text(view.c),
        "schedule": view.schedule,
        "rate": number_text(view.rate),
        "noise": view.noise,
        "relative": [RELATIVE] if view.relative else [],
        "seed": view.seed,
        "flavor": view.flavor,
        "baselines": list(view.baselines),
        "display": view.display,
        rule.FLAGS: [],
    }
    for name, shown in rule.SHOWN.items():
        value = getattr(view, name)
        if shown.control == "check":
            if value:
                named[rule.FLAGS].append(name)
        elif shown.control == "choice":
            named[shown.key] = rule.url_text(name, value)
        else:
            named[shown.key] = log10(value) if SLIDERS[name].log else value
    return [named[id_] for id_, _ in CONTROLS]
