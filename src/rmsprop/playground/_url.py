"""The playground's view in the page's URL query, so that a view can be shared and reloaded as it was::

    ?f=rosenbrock&x0=-1.5,2&lr=0.01&decay=0.9&eps=1e-08&maxiter=500&flavor=rmsprop&momentum=0.9&vs=adam,sgd

Keys: ``f`` (a catalogue name, a formula in x, y or x1, x2, or an online problem of
:data:`._problems.PROBLEMS`), ``x0`` (the start; one number for an online problem),
the rule's main settings ``lr``, ``decay`` and ``eps``, ``schedule`` (``sqrt``: lr / sqrt(t + 1),
``exp``: lr * rate ** t) and ``rate``, ``maxiter`` (the iterations of
every run), ``noise`` and ``seed`` (the gradient noise of every run and its seed, written
when the noise is on) and ``relative`` (the noise relative to |g|), ``flavor`` (``rmsprop``, this package's rule with every option, or a
library's flavor from :mod:`rmsprop.compat`), the options ``centered``, ``nesterov``,
``momentum`` and ``sqrt`` (``in``: sqrt(e + eps), ``out``: sqrt(e) + eps), and ``vs``
(baselines drawn beside RMSprop), ``C`` (Reddi et al.'s constant of Theorem 1) and ``view``
(``3d``: the surface in 3-D). ``schedule``, ``rate``, ``relative``, ``C`` and ``view`` are
written when they differ from their default. The rule's keys and values are those of
:mod:`._rule_controls`, derived from :class:`rmsprop.Settings`. Keys left out take the
defaults of :class:`._state.View` (without ``x0``, a catalogue function's suggested start).
The key ``n`` of older links is read as ``maxiter``, with a note that it is deprecated.
Every value is checked as the controls' are, with a one-line message naming the key.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

from . import _problems as online
from . import _rule_controls as rule
from . import _values as values
from ._limits import DISPLAYS, FLAVORS, OBJECTIVES, SCHEDULES, ViewError
from ._state import DEFAULT, View, check, objective, suggested_start

__all__ = ["OLD_KEYS", "to_query", "from_query", "uses_old_keys"]

#: URL keys of older links, read as their new names, with a note: ``n`` is ``maxiter``.
OLD_KEYS = {"n": "maxiter"}
_KEYS = (
    "f",
    "x0",
    *(rule.SHOWN[name].key for name in rule.MAIN),
    "schedule",
    "rate",
    "maxiter",
    "noise",
    "seed",
    "relative",
    "flavor",
    *(rule.SHOWN[name].key for name in rule.OPTIONS),
    "vs",
    "C",
    "view",
)
#: The view's fields written only off their default: field -> (URL key, how the URL writes the value).
_WHEN_SET: dict[str, tuple[str, Callable[[Any], str]]] = {
    "schedule": ("schedule", str),
    "rate": ("rate", repr),
    "relative": ("relative", lambda value: "1" if value else "0"),
    "c": ("C", repr),
    "display": ("view", str),
}


def to_query(view: View) -> str:
    """Write the URL query (with its ``?``) that reads back as ``view``: the main settings always, the options when set.

    Parameters
    ----------
    view : View
        The view.

    Returns
    -------
    str
        The query; numbers as ``repr``, so that they read back exactly.

    Examples
    --------
    >>> query = to_query(View(objective="booth", momentum=0.5, baselines=("adam",)))
    >>> query
    '?f=booth&x0=-4.0,3.0&lr=0.1&decay=0.9&eps=1e-08&maxiter=50&flavor=rmsprop&momentum=0.5&vs=adam'
    >>> from_query(query) == (View(objective="booth", momentum=0.5, baselines=("adam",)), [])
    True
    """
    x0 = repr(view.start[0]) if view.online else f"{view.start[0]!r},{view.start[1]!r}"
    query = {"f": view.objective, "x0": x0}
    query.update({rule.SHOWN[name].key: rule.url_text(name, getattr(view, name)) for name in rule.MAIN})
    query["maxiter"] = str(view.maxiter)
    if view.noise > 0:
        query.update(noise=repr(view.noise), seed=str(view.seed))
    query["flavor"] = view.flavor
    for name in rule.OPTIONS:
        value = getattr(view, name)
        if value != rule.DEFAULTS[name]:
            query[rule.SHOWN[name].key] = rule.url_text(name, value)
    if view.baselines:
        query["vs"] = ",".join(view.baselines)
    for field, (key, text) in _WHEN_SET.items():
        if getattr(view, field) != getattr(DEFAULT, field):
            query[key] = text(getattr(view, field))
    return "?" + urlencode({key: query[key] for key in _KEYS if key in query}, safe=",")


def uses_old_keys(search: str | None) -> bool:
    """Whether a URL query uses a key of :data:`OLD_KEYS`: the page then writes the URL anew, with the new keys.

    Parameters
    ----------
    search : str or None
        The query, with or without its ``?``.

    Returns
    -------
    bool

    Examples
    --------
    >>> uses_old_keys("?f=booth&n=80"), uses_old_keys("?f=booth&maxiter=80"), uses_old_keys(None)
    (True, False, False)
    """
    return any(key in OLD_KEYS for key in parse_qs((search or "").lstrip("?"), keep_blank_values=True))


def from_query(search: str | None) -> tuple[View, list[str]]:
    """Read the view a URL query describes, and a message for each value that was bad (it keeps its default).

    Unknown keys are reported; repeated keys take their last value. A key of
    :data:`OLD_KEYS` is read as its new name (unless that is given too) and reported as
    deprecated. Without ``x0``, a catalogue function starts at its suggested start. A view
    that fails :func:`check` as a whole is brought back to the closest valid one (the
    objective, then the rule's settings, reset to the defaults).

    Parameters
    ----------
    search : str or None
        The query, with or without its ``?``; ``None`` or ``""`` for the defaults.

    Returns
    -------
    view : View
        A checked view.
    problems : list of str
        One message per bad, unknown or deprecated key, in the order of the keys.

    Examples
    --------
    >>> view, problems = from_query("?f=booth&lr=0.02&maxiter=80&vs=sgd,adam&bogus=1")
    >>> view.objective, view.start, view.learning_rate, view.maxiter, view.baselines
    ('booth', (-8.0, 8.0), 0.02, 80, ('sgd', 'adam'))
    >>> problems
    ["unknown URL key 'bogus' ignored"]
    >>> from_query("?lr=abc&maxiter=0")[1]
    ["URL lr: learning rate must be a number; got 'abc'", 'URL maxiter: maxiter must be in [1, 2000]; got 0']
    >>> view, problems = from_query("?n=80")
    >>> view.maxiter, problems
    (80, ["URL key 'n' is deprecated; the URL now says maxiter"])
    """
    problems: list[str] = []
    raw = {key: values[-1] for key, values in parse_qs((search or "").lstrip("?"), keep_blank_values=True).items()}
    for key in raw:
        if key not in _KEYS and key not in OLD_KEYS:
            problems.append(f"unknown URL key {values.short(key)} ignored")
    given: dict[str, str] = {}  # each new key: the key it was given by
    for key in raw:
        new = OLD_KEYS.get(key, key)
        if key != new and new in raw:
            problems.append(f"URL key {key!r} is deprecated and ignored: {new} is given")
        elif key != new:
            problems.append(f"URL key {key!r} is deprecated; the URL now says {new}")
            given[new] = key
        else:
            given[new] = key
    fields: dict[str, Any] = {}

    def take(field, key, read):
        if key in given:
            try:
                fields[field] = read(raw[given[key]])
            except ViewError as error:
                problems.append(f"URL {given[key]}: {error}")

    def take_rule(names):
        for name in names:
            take(name, rule.SHOWN[name].key, functools.partial(rule.read, name))

    take("objective", "f", values.objective_text)
    is_online = online.is_problem(fields.get("objective", DEFAULT.objective))

    def start(text):
        if is_online and text.count(",") == 0:
            return values.start(text, 0.0)
        if text.count(",") == 1:
            return values.start(*text.split(","))
        return _raise(f"start must be two numbers 'x1,x2'; got {values.short(text)}")

    take("start", "x0", start)
    take_rule(rule.MAIN)
    take("schedule", "schedule", lambda v: values.choice(v, "schedule", SCHEDULES))
    take("rate", "rate", values.rate)
    take("maxiter", "maxiter", values.maxiter)
    take("noise", "noise", values.noise)
    take("seed", "seed", values.seed)
    take("relative", "relative", lambda v: values.flag(v, "relative"))
    take("flavor", "flavor", lambda v: v if v in FLAVORS else _raise(f"unknown flavor {values.short(v)}"))
    take_rule(rule.OPTIONS)
    take("baselines", "vs", values.baseline_names)
    take("c", "C", values.constant_c)
    take("display", "view", lambda v: values.choice(v, "view", DISPLAYS))
    if "start" not in fields and fields.get("objective", DEFAULT.objective) in OBJECTIVES:
        fields["start"] = suggested_start(fields.get("objective", DEFAULT.objective))
    if "start" not in fields and is_online:
        fields["start"] = (0.0, 0.0)
    view = View(**fields)
    try:
        check(view)
    except ViewError as error:
        problems.append(f"URL: {error}")
        view = _closest_valid(view)
    return view, problems


def _closest_valid(view: View) -> View:
    """``view`` with the parts that made it fail reset to the defaults: the objective, then the rule.

    The first reset that gives a valid view is kept: the flavor, else the schedule, else each
    option alone (in the page's order), else every setting of the rule.
    """
    try:
        if not view.online:  # a problem's name and C are checked as they are read
            objective(view)
    except ViewError:
        view = dataclasses.replace(view, objective=DEFAULT.objective)
    everything = {"flavor": DEFAULT.flavor, "schedule": DEFAULT.schedule, **rule.DEFAULTS}
    resets: list[dict[str, Any]] = [
        {},
        {"flavor": DEFAULT.flavor},
        {"schedule": DEFAULT.schedule},
        *({name: rule.DEFAULTS[name]} for name in rule.OPTIONS),
        everything,
    ]
    for reset in resets:
        try:
            return check(dataclasses.replace(view, **reset))
        except ViewError:
            continue
    return DEFAULT


def _raise(message: str):
    raise ViewError(message)
