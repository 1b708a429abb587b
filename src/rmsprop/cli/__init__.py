"""The ``rmsprop`` command line (Typer + Rich).

Every failure the user can cause ends with one line on stderr and exit status 2,
never a traceback. One module per idea: :mod:`._app` the Typer app, :func:`fail` and
:func:`main`; :mod:`._inputs` the parsing of objectives, starts and outputs;
:mod:`._rule_options` the rule's flags, derived from :class:`rmsprop.Settings`;
:mod:`._tables` the Rich tables; one module per command group.
"""

# ruff: noqa: I001  (the commands register in the order of the help)
from __future__ import annotations

# Importing a command module registers its commands, in this order in the help.
from . import _catalogue, _run, _compare, _animate, _sweep, _reproduce, _playground  # noqa: F401
from ._app import app, fail, main

__all__ = ["app", "fail", "main"]
