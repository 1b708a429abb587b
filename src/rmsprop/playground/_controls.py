"""The playground's controls: their ids, and the view they show, both ways (controls to a view, a view to controls)."""

from __future__ import annotations

import math

from . import _state
from ._state import OBJECTIVES, View

__all__ = [
    "FORMULA",
    "LR_SLIDER",
    "EPS_SLIDER",
    "CONTROLS",
    "from_log",
    "log10",
    "number_text",
    "view_from_controls",
    "controls_from_view",
]

FORMULA = "__formula__"  # the dropdown's entry for a typed formula
LR_SLIDER = (-5.0, 1.0)  # log10 of the learning rate
EPS_SLIDER = (-16.0, 0.0)  # log10 of eps

#: The controls, in the order the callbacks take them: (component id, property).
CONTROLS = (
    ("objective", "value"),
    ("formula", "value"),
    ("x1", "value"),
    ("x2", "value"),
    ("lr", "value"),
    ("decay", "value"),
    ("eps", "value"),
    ("iterations", "value"),
    ("flavor", "value"),
    ("flags", "value"),
    ("momentum", "value"),
    ("sqrt", "value"),
    ("baselines", "value"),
)


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


def view_from_controls(
    objective, formula, x1, x2, lr, decay, eps, iterations, flavor, flags, momentum, sqrt, baselines
) -> View:
    """Return the checked :class:`View` the controls describe (:class:`ViewError` names the bad control).

    Parameters
    ----------
    objective : str
        The dropdown's value: a catalogue name, or :data:`FORMULA` for the typed one.
    formula : str
        The formula field.
    x1, x2 : str
        The start's fields.
    lr : float
        The learning-rate slider: ``log10`` of the rate.
    decay : float
        The decay slider.
    eps : float
        The eps slider: ``log10`` of eps.
    iterations : int
        The iterations field.
    flavor : str
        The flavor dropdown.
    flags : list of str
        The checked flags: ``"centered"``, ``"nesterov"``.
    momentum : float
        The momentum slider.
    sqrt : str
        ``"in"`` (``sqrt(e + eps)``) or ``"out"`` (``sqrt(e) + eps``).
    baselines : list of str
        The checked baselines.

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
    flags = flags or []
    return _state.from_controls(
        objective_text=formula if objective == FORMULA else objective,
        x1=x1,
        x2=x2,
        learning_rate=from_log(lr) if lr is not None else None,
        decay=decay,
        eps=from_log(eps) if eps is not None else None,
        iterations=iterations,
        flavor=flavor,
        centered="centered" in flags,
        momentum=momentum if momentum is not None else 0.0,
        nesterov="nesterov" in flags,
        eps_in_sqrt=sqrt != "out",
        baselines_=baselines or [],
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
        the formula, the start as text, the sliders (rates as ``log10``), the
        iterations, the flavor, the flags, the momentum, ``"in"``/``"out"`` and the
        baselines.

    Examples
    --------
    >>> from rmsprop.playground import _state
    >>> controls_from_view(_state.DEFAULT)
    ['seed', '', '-4', '3', -1.0, 0.9, -8.0, 50, 'rmsprop', [], 0.0, 'in', []]
    >>> controls_from_view(_state.View(objective="x**2 + y**2", centered=True))[:2]
    ['__formula__', 'x**2 + y**2']
    """
    is_catalogue = view.objective in OBJECTIVES
    return [
        view.objective if is_catalogue else FORMULA,
        (formula_text or "") if is_catalogue else view.objective,
        number_text(view.start[0]),
        number_text(view.start[1]),
        log10(view.learning_rate),
        view.decay,
        log10(view.eps),
        view.iterations,
        view.flavor,
        [flag for flag in ("centered", "nesterov") if getattr(view, flag)],
        view.momentum,
        "in" if view.eps_in_sqrt else "out",
        list(view.baselines),
    ]
