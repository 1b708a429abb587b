"""The rule's options on the page, derived from the fields of :class:`rmsprop.Settings`.

Every field of ``Settings`` is either shown (:data:`SHOWN`: its URL key and its kind of
control, in the page's order) or not (:data:`NOT_SHOWN`, with why); ``tests/test_playground.py``
checks that each field is in exactly one of them, so a new option asks for that decision and
nothing else. The rest comes from the field: a shown option's label is its name in words,
its tooltip the field's ``help``, its default the field's default, its value is checked by
``Settings`` itself (or by the playground's narrower range, :data:`._limits.RANGES`), and it
is a field of :class:`._state.View`, a key of the URL and a control of the page.

The fields that are not options of :data:`rmsprop.OPTION_NAMES` (the learning rate, the decay
and eps) are the main settings (:data:`MAIN`): sliders above ``maxiter`` and the flavor,
always in the URL and always given to a flavor. The others (:data:`OPTIONS`) come below, are
in the URL when they differ from their default, and go to a library's flavor only then.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..rule.settings import FIELDS, OPTION_NAMES, Settings
from . import _values as values
from ._limits import RANGES, ViewError

__all__ = [
    "Shown",
    "SHOWN",
    "NOT_SHOWN",
    "FLAGS",
    "MAIN",
    "OPTIONS",
    "DEFAULTS",
    "control_id",
    "label",
    "help_text",
    "read",
    "url_text",
]

_FIELDS_OWN = object()  # the default of Shown.default: the field's own

#: The id of the checklist that holds every option shown as a check box.
FLAGS = "flags"


@dataclasses.dataclass(frozen=True)
class Shown:
    """How one option of the rule is shown: its URL key, its kind of control, and what differs from the field.

    Parameters
    ----------
    key : str
        Its URL key, and its control's id (a ``"check"`` is a box of the :data:`FLAGS` checklist).
    control : {"slider", "check", "choice"}
        A slider (its range in :data:`._limits.SLIDERS`), a check box, or radio items.
    label : str, optional
        The label on the page; default the field's name in words.
    choices : tuple, optional
        A ``"choice"``'s items, ``(URL and control value, option value, text)`` each.
    default : object, optional
        The playground's default where it is not the field's (the learning rate: the seed's).
    own_rule_only : bool, optional
        The library flavors decide it themselves: it is disabled for them and not passed to
        them; default False.

    Examples
    --------
    >>> SHOWN["learning_rate"].key, SHOWN["centered"].control, control_id("centered"), label("eps_in_sqrt")
    ('lr', 'check', 'flags', 'eps placement')
    """

    key: str
    control: str
    label: str | None = None
    choices: tuple[tuple[str, Any, str], ...] = ()
    default: Any = _FIELDS_OWN
    own_rule_only: bool = False


#: The options the page shows, in its order (the main settings first, then the options).
SHOWN = {
    "learning_rate": Shown("lr", "slider", default=0.1),  # the seed's; Settings' own is 0.01
    "decay": Shown("decay", "slider"),
    "eps": Shown("eps", "slider"),
    "centered": Shown("centered", "check"),
    "nesterov": Shown("nesterov", "check"),
    "momentum": Shown("momentum", "slider"),
    "eps_in_sqrt": Shown(
        "sqrt",
        "choice",
        label="eps placement",
        choices=(("in", True, "sqrt(e + eps)"), ("out", False, "sqrt(e) + eps")),
        own_rule_only=True,
    ),
}

#: The fields of :class:`rmsprop.Settings` the page does not show, each with why.
NOT_SHOWN = {
    "initial_scale": "TF1's start of the average, 1; the tf1 flavor starts there",
    "lr_inside_momentum": "the same path as outside while the learning rate is constant, as it is here",
    "weight_decay": "a regulariser of the objective; the page draws the objective as given",
    "decoupled_weight_decay": "needs weight_decay, which is not shown",
    "maximize": "the page minimizes",
    "bias_correction": "Adam's unbiasing; Adam is drawn as a baseline",
    "clip_value": "clipping is for noisy gradients; the catalogue's are exact",
    "clip_norm": "clipping is for noisy gradients; the catalogue's are exact",
    "global_clip_norm": "clipping is for noisy gradients; the catalogue's are exact",
    "arithmetic": "how the lines are rounded: the flavor sets it",
}

#: The main settings, above ``maxiter`` and the flavor: always in the URL, always given to a flavor.
MAIN = tuple(name for name in SHOWN if name not in OPTION_NAMES)
#: The options, below them: in the URL, and given to a flavor, when they differ from their default.
OPTIONS = tuple(name for name in SHOWN if name in OPTION_NAMES)
#: The default of each shown option: the field's, or the playground's where :class:`Shown` gives one.
DEFAULTS = {
    name: FIELDS[name].default if shown.default is _FIELDS_OWN else shown.default for name, shown in SHOWN.items()
}


def control_id(name: str) -> str:
    """The id of the control that shows option ``name``: its URL key, or :data:`FLAGS` for a check box.

    Parameters
    ----------
    name : str
        A key of :data:`SHOWN`.

    Returns
    -------
    str
        The component's id.

    Examples
    --------
    >>> [control_id(name) for name in SHOWN]
    ['lr', 'decay', 'eps', 'flags', 'flags', 'momentum', 'sqrt']
    """
    shown = SHOWN[name]
    return FLAGS if shown.control == "check" else shown.key


def label(name: str) -> str:
    """The label of option ``name`` on the page: the :class:`Shown` label, or the field's name in words.

    Parameters
    ----------
    name : str
        A key of :data:`SHOWN`.

    Returns
    -------
    str
        The label, also the name in the option's messages.

    Examples
    --------
    >>> label("learning_rate"), label("eps_in_sqrt")
    ('learning rate', 'eps placement')
    """
    return SHOWN[name].label or name.replace("_", " ")


def help_text(name: str) -> str:
    """The tooltip of option ``name``: its field's one-line ``help``, as ``rmsprop run --help`` shows it.

    Parameters
    ----------
    name : str
        A key of :data:`SHOWN`.

    Returns
    -------
    str
        The help.

    Examples
    --------
    >>> help_text("momentum")
    'Heavy-ball momentum in [0, 1).'
    """
    return FIELDS[name].metadata["help"]


def read(name: str, value: Any) -> Any:
    """Option ``name``'s value from its control or the URL, checked; :class:`ViewError` says what is wrong.

    A check box's value is read by :func:`._values.flag`, a choice's by its items (or as the
    option's value itself); a number by :func:`._values.number`, then held to the playground's
    range where :data:`._limits.RANGES` has one, else checked by :class:`rmsprop.Settings`
    alone (options that must go together are checked with the whole view).

    Parameters
    ----------
    name : str
        A key of :data:`SHOWN`.
    value : str, float, bool or None
        The control's value or the URL's text.

    Returns
    -------
    float or bool
        The option's value.

    Raises
    ------
    ViewError
        If the value is not one the option takes, with a one-line message.

    Examples
    --------
    >>> read("momentum", "0.5"), read("centered", "1"), read("eps_in_sqrt", "out")
    (0.5, True, False)
    >>> read("decay", 1)
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: Invalid decay: 1.0; allowed: [0, 1)
    >>> read("learning_rate", 100)
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: learning rate must be in [1e-06, 10]; got 100
    """
    shown = SHOWN[name]
    if shown.control == "check":
        return values.flag(value, label(name))
    if shown.control == "choice":
        for key, option, _ in shown.choices:
            if value == key or (isinstance(value, bool) and value is option):
                return option
        allowed = " or ".join(repr(key) for key, _, _ in shown.choices)
        raise ViewError(f"{shown.key} must be {allowed}; got {values.short(value)}")
    number = values.number(value, label(name))
    if name in RANGES:
        return values.in_range(number, label(name), *RANGES[name])
    try:
        given: dict[str, Any] = {name: number}
        Settings(**given)
    except (TypeError, ValueError) as error:
        raise ViewError(str(error)) from None
    return number


def url_text(name: str, value: Any) -> str:
    """Option ``name``'s value as the URL writes it, so that :func:`read` gives it back exactly.

    Parameters
    ----------
    name : str
        A key of :data:`SHOWN`.
    value : float or bool
        The option's value.

    Returns
    -------
    str
        ``"1"``/``"0"`` for a check box, the item's key for a choice, ``repr`` for a number.

    Examples
    --------
    >>> url_text("learning_rate", 0.1), url_text("centered", True), url_text("eps_in_sqrt", False)
    ('0.1', '1', 'out')
    """
    shown = SHOWN[name]
    if shown.control == "check":
        return "1" if value else "0"
    if shown.control == "choice":
        return next(key for key, option, _ in shown.choices if option == value)
    return repr(value)
