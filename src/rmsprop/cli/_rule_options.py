"""The rule's flags, derived from the fields of :class:`rmsprop.Settings`.

Every field is a flag ``--name-with-dashes`` with the field's one-line ``help``; its type
follows the field's ``kind`` and its default is ``None``, "not given", so that the rule's
(or the flavor's) own default applies. Adding a field to ``Settings`` adds a flag here.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

import typer

from ..rule.settings import Settings

#: Flags spelt otherwise than ``--name-with-dashes``.
FLAG_NAMES = {"learning_rate": "--lr", "eps_in_sqrt": "--eps-in-sqrt/--eps-outside-sqrt"}
#: Fields that are not flags: how the lines are rounded is the flavors' business.
NOT_FLAGS = frozenset({"arithmetic"})
#: The Python type of a flag's value, by the field's ``kind``.
TYPES = {"number": float, "rate": float, "limit": float, "flag": bool, "choice": str}


def rule_fields() -> list[dataclasses.Field]:
    """The fields of :class:`Settings` that are flags, in their order."""
    return [field for field in dataclasses.fields(Settings) if field.name not in NOT_FLAGS]


def flag_name(name: str) -> str:
    """The flag of the field ``name`` (its first spelling): ``learning_rate`` -> ``--lr``."""
    field = {field.name: field for field in dataclasses.fields(Settings)}[name]
    return _declaration(field).split("/")[0]


def _declaration(field: dataclasses.Field) -> str:
    if field.name in FLAG_NAMES:
        return FLAG_NAMES[field.name]
    flag = "--" + field.name.replace("_", "-")
    if field.metadata.get("kind") == "flag" and field.default is True:  # a switch that is on: give the off too
        return f"{flag}/--no-{flag[2:]}"
    return flag


def rule_parameters() -> list[inspect.Parameter]:
    """One keyword parameter per flag, its default a ``typer.Option`` that defaults to ``None``."""
    return [
        inspect.Parameter(field.name, inspect.Parameter.KEYWORD_ONLY, annotation=TYPES[field.metadata.get("kind",
                                                                                                             "number")],
                          default=typer.Option(None, _declaration(field), help=field.metadata["help"]))
        for field in rule_fields()
    ]


def with_rule_options(after: str) -> Callable:
    """A decorator: the command takes the rule's flags after its own parameter ``after``.

    The command is written ``def command(own..., **rule)``; its ``__signature__``, which Typer reads,
    lists its own parameters with the rule's flags put after ``after``.
    """

    def decorate(command: Callable) -> Callable:
        own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
               for p in inspect.signature(command).parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
        at = [p.name for p in own].index(after) + 1
        command.__signature__ = inspect.Signature(own[:at] + rule_parameters() + own[at:])
        return command

    return decorate


def given_settings(rule: dict[str, Any]) -> dict[str, Any]:
    """The rule's settings the user gave: ``{field name: value}`` without those left ``None``."""
    return {field.name: rule[field.name] for field in rule_fields() if rule.get(field.name) is not None}
