"""The rule's flags, derived from the fields of :class:`rmsprop.Settings`.

Every field is a flag ``--name-with-dashes`` with the field's one-line ``help``; its type
follows the field's ``kind`` and its default is ``None``, "not given", so that the rule's
(or the flavor's) own default applies. A switch (``kind`` ``"flag"``) takes no value; one
whose field is on by default is given as its opposite, ``--no-name`` (``--eps-outside-sqrt``
for ``eps_in_sqrt``), so that no flag needs a second spelling. Adding a field to ``Settings``
adds a flag here.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Callable
from typing import Any

import typer

from ..rule.settings import FIELDS, Settings
from ._app import RULE

#: Flags spelt otherwise than ``--name-with-dashes`` (``--no-name-with-dashes`` for a switch on by default).
FLAG_NAMES = {"learning_rate": "--lr", "eps_in_sqrt": "--eps-outside-sqrt"}
#: The help of a switch that turns off a field on by default.
OFF_HELP = "Switch off (on by default): {help}"
#: Fields that are not flags: how the lines are rounded is the flavors' business.
NOT_FLAGS = frozenset({"arithmetic"})
#: The Python type of a flag's value, by the field's ``kind``.
TYPES = {"number": float, "rate": float, "limit": float, "flag": bool, "choice": str}


def rule_fields() -> list[dataclasses.Field]:
    """The fields of :class:`Settings` that are flags, in their order.

    Returns
    -------
    list of dataclasses.Field
        Every field but those of :data:`NOT_FLAGS`.

    Examples
    --------
    >>> [field.name for field in rule_fields()][:4]
    ['learning_rate', 'decay', 'eps', 'eps_in_sqrt']
    >>> "arithmetic" in [field.name for field in rule_fields()]
    False
    """
    return [field for field in dataclasses.fields(Settings) if field.name not in NOT_FLAGS]


def flag_name(name: str) -> str:
    """The flag of the field ``name``: ``learning_rate`` -> ``--lr``.

    Parameters
    ----------
    name : str
        A field of :class:`Settings`.

    Returns
    -------
    str
        The flag, as the user types it.

    Examples
    --------
    >>> flag_name("learning_rate"), flag_name("eps_in_sqrt"), flag_name("weight_decay")
    ('--lr', '--eps-outside-sqrt', '--weight-decay')
    """
    return _declaration(FIELDS[name])


def _switches_off(field: dataclasses.Field) -> bool:
    """Whether the field's flag is a switch that turns the field off (a field on by default)."""
    return field.metadata.get("kind") == "flag" and field.default is True


def _declaration(field: dataclasses.Field) -> str:
    if field.name in FLAG_NAMES:
        return FLAG_NAMES[field.name]
    return ("--no-" if _switches_off(field) else "--") + field.name.replace("_", "-")


def _help(field: dataclasses.Field) -> str:
    from rich.markup import escape  # the help is Rich markup: a '[' must stay a '['

    help = escape(field.metadata["help"])
    return OFF_HELP.format(help=help) if _switches_off(field) else help


def rule_parameters() -> list[inspect.Parameter]:
    """One keyword parameter per flag, its default a ``typer.Option`` that defaults to ``None``.

    Returns
    -------
    list of inspect.Parameter
        Keyword-only, named after the fields, typed by their ``kind`` (:data:`TYPES`).

    Examples
    --------
    >>> first = rule_parameters()[0]
    >>> first.name, first.annotation, first.default.default, first.default.help
    ('learning_rate', <class 'float'>, None, "Learning rate (default 0.01, or the flavor's).")
    """
    return [
        inspect.Parameter(
            field.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=TYPES[field.metadata.get("kind", "number")],
            default=typer.Option(None, _declaration(field), help=_help(field), rich_help_panel=RULE),
        )
        for field in rule_fields()
    ]


def with_rule_options(after: str) -> Callable:
    """A decorator: the command takes the rule's flags after its own parameter ``after``.

    The command is written ``def command(own..., **rule)``; its ``__signature__``, which Typer reads,
    lists its own parameters with the rule's flags put after ``after``.

    Parameters
    ----------
    after : str
        The command's own parameter that the rule's flags follow.

    Returns
    -------
    callable
        The decorator; it returns the command itself, with its new ``__signature__``.

    Examples
    --------
    >>> import inspect
    >>> @with_rule_options(after="objective")
    ... def command(objective: str = "seed", maxiter: int = 10, **rule):
    ...     return given_settings(rule)
    >>> names = list(inspect.signature(command).parameters)
    >>> names[:3], names[-1]
    (['objective', 'learning_rate', 'decay'], 'maxiter')
    """

    def decorate(command: Callable) -> Callable:
        own = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for p in inspect.signature(command).parameters.values()
            if p.kind is not inspect.Parameter.VAR_KEYWORD
        ]
        at = [p.name for p in own].index(after) + 1
        command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # read by inspect and Typer
            own[:at] + rule_parameters() + own[at:]
        )
        return command

    return decorate


def given_settings(rule: dict[str, Any]) -> dict[str, Any]:
    """The rule's settings the user gave: ``{field name: value}`` without those left ``None``.

    A switch that turns a field off (``--eps-outside-sqrt``) gives the field ``False``.

    Parameters
    ----------
    rule : dict
        The rule's flags as the command received them (``None``: not given).

    Returns
    -------
    dict
        The settings given.

    Examples
    --------
    >>> given_settings({"learning_rate": 0.1, "momentum": None, "centered": True, "eps_in_sqrt": True})
    {'learning_rate': 0.1, 'eps_in_sqrt': False, 'centered': True}
    """
    return {
        field.name: (not rule[field.name]) if _switches_off(field) else rule[field.name]
        for field in rule_fields()
        if rule.get(field.name) is not None
    }


def setting_flags() -> dict[str, str]:
    """The flag of every name a setting has in a message: the field's, and its flavors' own (``rho``, ``alpha``).

    Returns
    -------
    dict
        ``{name: flag}``.

    Examples
    --------
    >>> flags = setting_flags()
    >>> flags["decay"], flags["rho"], flags["clipnorm"], flags["nesterov"]
    ('--decay', '--decay', '--clip-norm', '--nesterov')
    """
    from ..compat import SETTING_ALIASES

    flags = {field.name: flag_name(field.name) for field in rule_fields()}
    for setting, aliases in SETTING_ALIASES.items():
        for alias in aliases:
            flags.setdefault(alias, flags[setting])
    return flags


def flag_message(message: str) -> str:
    """A message of :class:`Settings` (or of a flavor) about arguments, said about the flags instead.

    The library's messages name Python arguments (``Invalid decay: 1.5; allowed: [0, 1)``,
    ``nesterov=True needs momentum > 0``); the command line's name its flags, in the style of
    its other errors (``--decay must be in [0, 1); got 1.5``).

    Parameters
    ----------
    message : str
        The library's message.

    Returns
    -------
    str
        The message with every setting's name (and ``name=True``/``name=False``) as its flag.

    Examples
    --------
    >>> flag_message("Invalid rho: 1.5; allowed: [0, 1)")
    '--decay must be in [0, 1); got 1.5'
    >>> flag_message("nesterov=True needs momentum > 0; set momentum (e.g. 0.9) or nesterov=False")
    '--nesterov needs --momentum > 0; set --momentum (e.g. 0.9) or drop --nesterov'
    >>> flag_message("eps must be finite; got nan")
    '--eps must be finite; got nan'
    """
    flags = setting_flags()
    message = re.sub(  # "Invalid decay: 1.5; allowed: [0, 1)" -> "decay must be in [0, 1); got 1.5"
        r"Invalid (\w+): (\S+); allowed: ([\[(][^\])]*[\])])", r"\1 must be in \3; got \2", message
    )
    off = {flag_name(field.name) for field in rule_fields() if _switches_off(field)}

    def as_flag(found: re.Match) -> str:
        flag, value = flags[found[1]], found[2]
        if value is None:
            return flag
        given = (value == "True") != (flag in off)  # a switch that turns its field off is given for False
        return flag if given else f"drop {flag}"

    names = "|".join(sorted(flags, key=len, reverse=True))
    return re.sub(rf"(?<![-\w])({names})(?![-\w])(?:=(True|False)\b)?", as_flag, message)
