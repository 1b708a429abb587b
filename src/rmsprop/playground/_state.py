"""What the playground shows, as one value: :class:`View`, read from controls or a URL and checked.

The whole view lives in the page's URL query, so that a view can be shared and
reloaded as it was::

    ?f=rosenbrock&x0=-1.5,2&lr=0.01&decay=0.9&eps=1e-08&n=500&flavor=rmsprop&momentum=0.9&vs=adam,sgd

Keys: ``f`` (a catalogue name or a formula in x, y or x1, x2), ``x0`` (the start),
``lr``, ``decay``, ``eps``, ``n`` (iterations), ``flavor`` (``rmsprop``, this
package's rule with every option, or a library's flavor from :mod:`rmsprop.compat`),
the options ``centered``, ``momentum``, ``nesterov`` and ``sqrt`` (``in``: sqrt(e + eps),
``out``: sqrt(e) + eps), and ``vs`` (baselines drawn beside RMSprop). Keys left out
take the defaults (without ``x0``, a catalogue function's suggested start), which are the seed's experiment: 50 iterations from (-4, 3) on
5 x1^2 + 7 x2^2 with lr 0.1, decay 0.9, eps 1e-8.

Every value is checked here, with a one-line message naming the control, and the
work a view asks for is capped (:data:`MAX_ITERATIONS`, the formula caps of
:func:`rmsprop.objectives.from_expression`, :data:`MAX_ABS_START`).
"""

from __future__ import annotations

import dataclasses
import functools
from urllib.parse import parse_qs, urlencode

from .. import compat, objectives
from . import _values as values
from ._limits import (
    BASELINES,
    EPS_RANGE,
    FLAVORS,
    LR_RANGE,
    MAX_ABS_START,
    MAX_ITERATIONS,
    OBJECTIVES,
    OWN_RULE,
    ViewError,
)

__all__ = [
    "BASELINES",
    "EPS_RANGE",
    "FLAVORS",
    "LR_RANGE",
    "MAX_ABS_START",
    "MAX_ITERATIONS",
    "OBJECTIVES",
    "OWN_RULE",
    "ViewError",
    "View",
    "DEFAULT",
    "build_objective",
    "suggested_start",
    "objective",
    "from_controls",
    "check",
    "to_query",
    "from_query",
]


@dataclasses.dataclass(frozen=True)
class View:
    """Everything one picture of the playground depends on. The defaults are the seed's experiment.

    A frozen dataclass; :func:`from_controls` and :func:`from_query` make checked ones.

    Parameters
    ----------
    objective : str, optional
        A catalogue name of two variables, or a formula in ``x, y`` or ``x1, x2``;
        default ``"seed"``.
    start : tuple of float, optional
        The start ``(x1, x2)``; default ``(-4.0, 3.0)``.
    learning_rate : float, optional
        Default 0.1.
    decay : float, optional
        Default 0.9.
    eps : float, optional
        Default 1e-8.
    iterations : int, optional
        The iterations of every run; default 50.
    flavor : str, optional
        ``"rmsprop"`` (this package's rule, every option) or a name of
        :data:`rmsprop.compat.FLAVORS`; default ``"rmsprop"``.
    centered : bool, optional
        Default False.
    momentum : float, optional
        Default 0.
    nesterov : bool, optional
        Default False.
    eps_in_sqrt : bool, optional
        ``sqrt(e + eps)`` when True (default), ``sqrt(e) + eps`` otherwise.
    baselines : tuple of str, optional
        Baselines drawn beside RMSprop, with the same learning rate (:data:`BASELINES`);
        default none.

    Examples
    --------
    >>> View()
    View(objective='seed', start=(-4.0, 3.0), learning_rate=0.1, decay=0.9, eps=1e-08, iterations=50,
         flavor='rmsprop', centered=False, momentum=0.0, nesterov=False, eps_in_sqrt=True, baselines=())
    >>> View(objective="booth", momentum=0.5).settings()
    {'learning_rate': 0.1, 'decay': 0.9, 'eps': 1e-08, 'centered': False, 'momentum': 0.5, 'nesterov': False,
     'eps_in_sqrt': True}
    """

    objective: str = "seed"
    start: tuple[float, float] = (-4.0, 3.0)
    learning_rate: float = 0.1
    decay: float = 0.9
    eps: float = 1e-8
    iterations: int = 50
    flavor: str = OWN_RULE
    centered: bool = False
    momentum: float = 0.0
    nesterov: bool = False
    eps_in_sqrt: bool = True
    baselines: tuple[str, ...] = ()

    def settings(self) -> dict:
        """Return the optimizer's settings, named as in :func:`rmsprop.rmsprop`: the ones this view sets.

        For a library flavor, the options left at their off value are not passed, so
        the flavor keeps its own defaults for them.

        Returns
        -------
        dict
            ``learning_rate``, ``decay``, ``eps``, then the options: all of them for the
            own rule, those not off for a flavor.
        """
        settings = {"learning_rate": self.learning_rate, "decay": self.decay, "eps": self.eps}
        if self.flavor == OWN_RULE:
            settings.update(
                centered=self.centered, momentum=self.momentum, nesterov=self.nesterov, eps_in_sqrt=self.eps_in_sqrt
            )
            return settings
        for name, value, off in (
            ("centered", self.centered, False),
            ("momentum", self.momentum, 0.0),
            ("nesterov", self.nesterov, False),
        ):
            if value != off:
                settings[name] = value
        return settings

    def optimizer(self):
        """Build the :class:`~rmsprop.GradientTransformation` this view runs, or raise :class:`ViewError`.

        Returns
        -------
        GradientTransformation
            :func:`rmsprop.rmsprop`, or :func:`rmsprop.compat.configure` of the flavor,
            with :meth:`settings`.

        Raises
        ------
        ViewError
            If the rule or flavor refuses the settings (the message is theirs).
        """
        from .. import rmsprop

        try:
            if self.flavor == OWN_RULE:
                return rmsprop(**self.settings())
            return compat.configure(self.flavor, **self.settings())
        except (ValueError, TypeError) as error:
            raise ViewError(str(error)) from None


DEFAULT = View()


@functools.lru_cache(maxsize=256)
def build_objective(text: str):
    """Build the playground's objective from the function box: a catalogue name or a formula in two variables.

    Cached, failures too: building a formula is the costly part of a request.

    Parameters
    ----------
    text : str
        A catalogue name of a 2-D objective, or a formula (see :func:`rmsprop.objectives.from_expression`).

    Returns
    -------
    tuple
        ``(objective, None)``, or ``(None, message)`` with a one-line reason.

    Examples
    --------
    >>> build_objective("seed")[0].name
    'seed'
    >>> build_objective("x1 + x2 + x3")[1]
    'the playground draws functions of two variables (x, y or x1, x2); this formula has 3'
    """
    try:
        if text in OBJECTIVES:
            return objectives.get(text), None
        if text.replace("-", "_") in objectives.names():
            return None, f"{text!r} is not a function of two variables; pick one from the list"
        objective = objectives.from_expression(text)
    except (ValueError, TypeError) as error:
        return None, str(error).splitlines()[0]
    if objective.dim != 2:
        return None, (
            f"the playground draws functions of two variables (x, y or x1, x2); this formula has {objective.dim}"
        )
    return objective, None


def suggested_start(name: str) -> tuple[float, ...]:
    """Return the catalogue's suggested start for objective ``name`` (the seed's is (-4, 3)).

    Parameters
    ----------
    name : str
        A catalogue name.

    Returns
    -------
    tuple of float
        ``objectives.get(name).start`` as Python floats.

    Raises
    ------
    ValueError
        If ``name`` is not in the catalogue.

    Examples
    --------
    >>> suggested_start("seed"), suggested_start("rosenbrock")
    ((-4.0, 3.0), (-1.2, 1.0))
    """
    return tuple(float(v) for v in objectives.get(name).start)


def objective(view: View):
    """Return the :class:`~rmsprop.objectives.Objective` of a view, or raise :class:`ViewError`.

    Built once per text (a cache of 256, failures included).

    Parameters
    ----------
    view : View
        The view.

    Returns
    -------
    Objective
        The catalogue objective or the typed formula, of two variables.

    Raises
    ------
    ViewError
        If the text is a catalogue name of another dimension, a formula that is
        rejected, or a formula not of two variables.

    Examples
    --------
    >>> objective(View(objective="x**2 + 3*y**2"))
    Objective(name='x**2 + 3*y**2', dim=2, formula='x**2 + 3*y**2')
    >>> objective(View(objective="x**2 + z"))
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: the playground draws functions of two variables (x, y or x1, x2);
    this formula has 3
    """
    built, message = build_objective(view.objective)
    if built is None:
        raise ViewError(message)
    return built


# ----------------------------------------------------------------------------------------------
# whole views: from the controls, from a URL, to a URL


def from_controls(
    *,
    objective_text,
    x1,
    x2,
    learning_rate,
    decay,
    eps,
    iterations,
    flavor,
    centered,
    momentum,
    nesterov,
    eps_in_sqrt,
    baselines_,
) -> View:
    """Make a checked :class:`View` from the page's controls; :class:`ViewError` names the first bad one.

    Parameters
    ----------
    objective_text : str
        The function: a catalogue name or a formula (white space runs collapsed).
    x1, x2 : str or float
        The start, as typed.
    learning_rate : str or float
        In :data:`LR_RANGE`.
    decay : str or float
        In ``[0, 1)``.
    eps : str or float
        In :data:`EPS_RANGE`.
    iterations : str or float
        A whole number from 1 to :data:`MAX_ITERATIONS`.
    flavor : str
        One of :data:`FLAVORS`.
    centered, nesterov, eps_in_sqrt : bool or str
        Flags (``True``/``False``, or ``"1"``/``"0"``, ``"on"``/``"off"``, ...).
    momentum : str or float
        In ``[0, 1)``.
    baselines_ : list of str or str
        Names of :data:`BASELINES`, or one comma-separated string.

    Returns
    -------
    View
        The view, checked by :func:`check`.

    Raises
    ------
    ViewError
        If a value is empty, not a number, out of range or unknown, or the view does
        not pass :func:`check`.

    Examples
    --------
    >>> controls = dict(objective_text="booth", x1="1", x2="2", learning_rate=0.05, decay=0.9, eps=1e-8,
    ...                 iterations=30, flavor="rmsprop", centered=False, momentum=0.0, nesterov=False,
    ...                 eps_in_sqrt=True, baselines_=["adam"])
    >>> view = from_controls(**controls)
    >>> view.objective, view.start, view.iterations, view.baselines
    ('booth', (1.0, 2.0), 30, ('adam',))
    >>> from_controls(**{**controls, "x1": "one"})
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: start x1 must be a number; got 'one'
    """
    if flavor not in FLAVORS:
        raise ViewError(f"unknown flavor {values.short(flavor)}; choose one of: {', '.join(FLAVORS)}")
    view = View(
        objective=values.objective_text(objective_text),
        start=values.start(x1, x2),
        learning_rate=values.in_range(values.number(learning_rate, "learning rate"), "learning rate", *LR_RANGE),
        decay=values.in_range(values.number(decay, "decay"), "decay", 0.0, 1.0, hi_open=True),
        eps=values.in_range(values.number(eps, "eps"), "eps", *EPS_RANGE),
        iterations=values.iterations(iterations),
        flavor=flavor,
        centered=values.flag(centered, "centered"),
        momentum=values.in_range(values.number(momentum, "momentum"), "momentum", 0.0, 1.0, hi_open=True),
        nesterov=values.flag(nesterov, "nesterov"),
        eps_in_sqrt=values.flag(eps_in_sqrt, "eps placement"),
        baselines=values.baseline_names(baselines_),
    )
    check(view)
    return view


def check(view: View) -> View:
    """Return ``view`` if its objective builds and its optimizer accepts its settings; else raise :class:`ViewError`.

    Parameters
    ----------
    view : View
        The view.

    Returns
    -------
    View
        ``view`` itself.

    Raises
    ------
    ViewError
        If the objective cannot be built (see :func:`objective`), ``nesterov`` is on
        without momentum, or the optimizer refuses the settings.

    Examples
    --------
    >>> check(View(objective="rosenbrock", learning_rate=0.01)).objective
    'rosenbrock'
    >>> check(View(learning_rate=-1.0))
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: ...
    """
    objective(view)
    if view.nesterov and view.momentum == 0:
        raise ViewError("nesterov needs momentum > 0")
    view.optimizer()
    return view


_KEYS = ("f", "x0", "lr", "decay", "eps", "n", "flavor", "centered", "momentum", "nesterov", "sqrt", "vs")


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
    '?f=booth&x0=-4.0,3.0&lr=0.1&decay=0.9&eps=1e-08&n=50&flavor=rmsprop&momentum=0.5&vs=adam'
    >>> from_query(query) == (View(objective="booth", momentum=0.5, baselines=("adam",)), [])
    True
    """
    query = {
        "f": view.objective,
        "x0": f"{view.start[0]!r},{view.start[1]!r}",
        "lr": repr(view.learning_rate),
        "decay": repr(view.decay),
        "eps": repr(view.eps),
        "n": str(view.iterations),
        "flavor": view.flavor,
    }
    if view.centered:
        query["centered"] = "1"
    if view.momentum:
        query["momentum"] = repr(view.momentum)
    if view.nesterov:
        query["nesterov"] = "1"
    if not view.eps_in_sqrt:
        query["sqrt"] = "out"
    if view.baselines:
        query["vs"] = ",".join(view.baselines)
    return "?" + urlencode(query, safe=",")


def from_query(search: str | None) -> tuple[View, list[str]]:
    """Read the view a URL query describes, and a message for each value that was bad (it keeps its default).

    Unknown keys are reported; repeated keys take their last value. Without ``x0``, a
    catalogue function starts at its suggested start. A view that fails :func:`check`
    as a whole is brought back to the closest valid one (the objective, then the
    rule's settings, reset to the defaults).

    Parameters
    ----------
    search : str or None
        The query, with or without its ``?``; ``None`` or ``""`` for the defaults.

    Returns
    -------
    view : View
        A checked view.
    problems : list of str
        One message per bad or unknown value, in the order of the keys.

    Examples
    --------
    >>> view, problems = from_query("?f=booth&lr=0.02&n=80&vs=sgd,adam&bogus=1")
    >>> view.objective, view.start, view.learning_rate, view.iterations, view.baselines
    ('booth', (-8.0, 8.0), 0.02, 80, ('sgd', 'adam'))
    >>> problems
    ["unknown URL key 'bogus' ignored"]
    >>> from_query("?lr=abc&n=0")[1]
    ["URL lr: learning rate must be a number; got 'abc'", 'URL n: iterations must be in [1, 2000]; got 0']
    """
    problems: list[str] = []
    raw = {key: values[-1] for key, values in parse_qs((search or "").lstrip("?"), keep_blank_values=True).items()}
    for key in raw:
        if key not in _KEYS:
            problems.append(f"unknown URL key {values.short(key)} ignored")
    fields = {}

    def take(field, key, read):
        if key in raw:
            try:
                fields[field] = read(raw[key])
            except ViewError as error:
                problems.append(f"URL {key}: {error}")

    take("objective", "f", values.objective_text)
    take(
        "start",
        "x0",
        lambda text: (
            values.start(*(text.split(",") + ["", ""])[:2])
            if text.count(",") == 1
            else _raise(f"start must be two numbers 'x1,x2'; got {values.short(text)}")
        ),
    )
    take(
        "learning_rate", "lr", lambda v: values.in_range(values.number(v, "learning rate"), "learning rate", *LR_RANGE)
    )
    take("decay", "decay", lambda v: values.in_range(values.number(v, "decay"), "decay", 0.0, 1.0, hi_open=True))
    take("eps", "eps", lambda v: values.in_range(values.number(v, "eps"), "eps", *EPS_RANGE))
    take("iterations", "n", values.iterations)
    take("flavor", "flavor", lambda v: v if v in FLAVORS else _raise(f"unknown flavor {values.short(v)}"))
    take("centered", "centered", lambda v: values.flag(v, "centered"))
    take(
        "momentum",
        "momentum",
        lambda v: values.in_range(values.number(v, "momentum"), "momentum", 0.0, 1.0, hi_open=True),
    )
    take("nesterov", "nesterov", lambda v: values.flag(v, "nesterov"))
    take(
        "eps_in_sqrt",
        "sqrt",
        lambda v: (
            {"in": True, "out": False}.get(v)
            if v in ("in", "out")
            else _raise(f"sqrt must be 'in' or 'out'; got {values.short(v)}")
        ),
    )
    take("baselines", "vs", values.baseline_names)
    if "start" not in fields and fields.get("objective", DEFAULT.objective) in OBJECTIVES:
        fields["start"] = suggested_start(fields.get("objective", DEFAULT.objective))
    view = View(**fields)
    try:
        check(view)
    except ViewError as error:
        problems.append(f"URL: {error}")
        view = _closest_valid(view)
    return view, problems


def _closest_valid(view: View) -> View:
    """``view`` with the parts that made it fail reset to the defaults: the objective, then the rule."""
    try:
        objective(view)
    except ViewError:
        view = dataclasses.replace(view, objective=DEFAULT.objective)
    rule = {
        field.name: getattr(DEFAULT, field.name)
        for field in dataclasses.fields(View)
        if field.name not in ("objective", "start", "iterations", "baselines")
    }
    for reset in ({}, {"nesterov": False}, {"flavor": OWN_RULE}, rule):
        view = dataclasses.replace(view, **reset)
        try:
            return check(view)
        except ViewError:
            continue
    return DEFAULT


def _raise(message: str):
    raise ViewError(message)
