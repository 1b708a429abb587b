"""What the playground shows, as one value: :class:`View`, read from the controls and checked.

A view's defaults are the seed's experiment: 50 iterations from (-4, 3) on 5 x1^2 + 7 x2^2
with lr 0.1, decay 0.9, eps 1e-8. Its URL query, to share and reload it, is :mod:`._url`'s.

Every value is checked here, with a one-line message naming the control, and the
work a view asks for is capped (:data:`MAX_ITERATIONS`, the formula caps of
:func:`rmsprop.objectives.from_expression`, :data:`MAX_ABS_START`).
"""

from __future__ import annotations

import dataclasses
import functools
import warnings

from .. import compat, objectives
from ..rule.settings import parameters_doc
from . import _problems as problems
from . import _rule_controls as rule
from . import _values as values
from ._limits import (
    BASELINES,
    DISPLAYS,
    EPS_RANGE,
    FLAVORS,
    LR_RANGE,
    MAX_ABS_START,
    MAX_ITERATIONS,
    OBJECTIVES,
    OWN_RULE,
    SCHEDULES,
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
    "DISPLAYS",
    "SCHEDULES",
    "ViewError",
    "View",
    "DEFAULT",
    "build_objective",
    "suggested_start",
    "objective",
    "problem",
    "from_controls",
    "check",
]


def _with_rule_options(cls: type) -> type:
    """Add to ``cls``, before it is made a dataclass, a keyword-only field per option the page shows.

    The fields are those of :data:`._rule_controls.SHOWN`, in its order, typed as in
    :class:`rmsprop.Settings`, with the defaults of :data:`._rule_controls.DEFAULTS`.
    """
    from ..rule.settings import FIELDS

    annotations = cls.__dict__["__annotations__"]
    for name in rule.SHOWN:
        annotations[name] = FIELDS[name].type
        setattr(cls, name, rule.DEFAULTS[name])
    return cls


@dataclasses.dataclass(frozen=True)
@_with_rule_options
class View:
    """Everything one picture of the playground depends on. The defaults are the seed's experiment.

    A frozen dataclass; :func:`from_controls` and :func:`._url.from_query` make checked ones. Its
    fields are the playground's own, then one keyword-only field per option of the rule that
    the page shows (:data:`._rule_controls.SHOWN`); their entries below are made from
    :class:`rmsprop.Settings`' fields.

    Parameters
    ----------
    objective : str, optional
        A catalogue name of two variables, a formula in ``x, y`` or ``x1, x2``, or an online
        problem of :data:`._problems.PROBLEMS` (1-D); default ``"seed"``.
    start : tuple of float, optional
        The start ``(x1, x2)`` (``(x, 0.0)`` for an online problem); default ``(-4.0, 3.0)``.
    maxiter : int, optional
        The iterations of every run; default 50.
    flavor : str, optional
        ``"rmsprop"`` (this package's rule, every option) or a name of
        :data:`rmsprop.compat.FLAVORS`; default ``"rmsprop"``.
    baselines : tuple of str, optional
        Baselines drawn beside RMSprop, with the same learning rate (:data:`BASELINES`);
        default none.
    noise : float, optional
        The scale of the gradient noise every run sees (``noise=`` of :func:`rmsprop.minimize`,
        absolute); default 0, none.
    seed : int, optional
        The noise's seed (every run draws the same numbers); default 0.
    relative : bool, optional
        Whether the noise is relative to the gradient, ``g + noise * |g| * z``
        (:class:`rmsprop.GradientNoise`); default False, absolute.
    schedule : str, optional
        The learning rate's schedule, for every run (:data:`SCHEDULES`): ``"constant"``,
        ``"sqrt"`` (:class:`rmsprop.schedules.inverse_sqrt_decay`, ``lr / sqrt(t + 1)``) or
        ``"exp"`` (:class:`rmsprop.schedules.exponential_decay`, ``lr * rate ** t``); default
        ``"constant"``.
    rate : float, optional
        The exponential schedule's factor per step, in (0, 1]; default 0.99.
    c : float, optional
        ``C`` of Reddi et al.'s Theorem 1 problem, > 2; default 3.
    display : str, optional
        How a surface is drawn (:data:`DISPLAYS`): ``"contour"`` or ``"3d"``; default
        ``"contour"``. An online problem has no surface: its display is always ``"contour"``
        (its figure is ``x_t`` against ``t``), whatever is given.
    iterations : int, optional
        Deprecated: the old name of ``maxiter`` (a :class:`DeprecationWarning`).
    RULE_OPTIONS

    Raises
    ------
    TypeError
        If both ``maxiter`` (other than its default) and ``iterations`` are given.

    Examples
    --------
    >>> View()
    View(objective='seed', start=(-4.0, 3.0), maxiter=50, flavor='rmsprop', baselines=(), noise=0.0, seed=0,
         relative=False, schedule='constant', rate=0.99, c=3.0, display='contour', learning_rate=0.1, decay=0.9, eps=1e-08, centered=False, nesterov=False, momentum=0.0, eps_in_sqrt=True)
    >>> View(objective="booth", momentum=0.5).settings()
    {'learning_rate': 0.1, 'decay': 0.9, 'eps': 1e-08, 'centered': False, 'nesterov': False, 'momentum': 0.5,
     'eps_in_sqrt': True}
    """

    objective: str = "seed"
    start: tuple[float, float] = (-4.0, 3.0)
    maxiter: int = 50
    flavor: str = OWN_RULE
    baselines: tuple[str, ...] = ()
    noise: float = 0.0
    seed: int = 0
    relative: bool = False
    schedule: str = "constant"
    rate: float = 0.99
    c: float = 3.0
    display: str = "contour"
    _: dataclasses.KW_ONLY
    iterations: dataclasses.InitVar[int | None] = None

    def __post_init__(self, iterations: int | None) -> None:
        if iterations is not None:
            if self.maxiter != View.__dataclass_fields__["maxiter"].default:
                raise TypeError(
                    "View() got both maxiter and iterations; iterations is maxiter's old name: give maxiter"
                )
            warnings.warn("View(iterations=...) is deprecated; use maxiter", DeprecationWarning, stacklevel=3)
            object.__setattr__(self, "maxiter", iterations)
        if problems.is_problem(self.objective) and self.start[1] != 0.0:
            object.__setattr__(self, "start", (self.start[0], 0.0))  # a 1-D problem's start is (x, 0.0)
        if problems.is_problem(self.objective) and self.display != "contour":
            object.__setattr__(self, "display", "contour")  # a 1-D problem has no surface: x_t against t only

    def settings(self) -> dict:
        """Return the optimizer's settings, named as in :func:`rmsprop.rmsprop`: the ones this view sets.

        For the own rule, every option the page shows. For a library flavor, the main
        settings (:data:`._rule_controls.MAIN`) and the options that differ from their
        default, so that the flavor keeps its own defaults for the others; an option the
        flavors decide themselves (``own_rule_only``) is never passed to them.

        Returns
        -------
        dict
            ``learning_rate``, ``decay``, ``eps``, then the options, in the page's order.
        """
        settings = {name: getattr(self, name) for name in rule.SHOWN}
        if self.flavor == OWN_RULE:
            return settings
        return {
            name: value
            for name, value in settings.items()
            if name in rule.MAIN or (not rule.SHOWN[name].own_rule_only and value != rule.DEFAULTS[name])
        }

    def noise_arguments(self) -> dict:
        """Return the ``noise`` and ``seed`` arguments of :func:`rmsprop.minimize` for this view's runs.

        Returns
        -------
        dict
            ``{}`` without noise, else ``{"noise": scale, "seed": seed}`` (the scale a
            :class:`rmsprop.GradientNoise` where the noise is relative).

        Examples
        --------
        >>> View().noise_arguments(), View(noise=0.5, seed=3).noise_arguments()
        ({}, {'noise': 0.5, 'seed': 3})
        >>> View(noise=0.5, relative=True).noise_arguments()
        {'noise': GradientNoise(scale=0.5, relative=True), 'seed': 0}
        """
        if self.noise == 0:
            return {}
        from .. import GradientNoise

        return {"noise": GradientNoise(self.noise, relative=True) if self.relative else self.noise, "seed": self.seed}

    @property
    def online(self) -> bool:
        """Whether the view runs an online problem (1-D) rather than a surface.

        Returns
        -------
        bool

        Examples
        --------
        >>> View().online, View(objective="reddi2018-theorem1").online
        (False, True)
        """
        return problems.is_problem(self.objective)

    def lr(self):
        """Return the learning rate every run takes: the number, or its schedule (:mod:`rmsprop.schedules`).

        Returns
        -------
        float or schedule
            ``learning_rate`` for ``"constant"``, else ``inverse_sqrt_decay(learning_rate)`` or
            ``exponential_decay(learning_rate, rate, 1)``.

        Examples
        --------
        >>> View().lr(), View(schedule="sqrt").lr(), View(schedule="exp", rate=0.9).lr()
        (0.1, inverse_sqrt_decay(init_value=0.1),
         exponential_decay(init_value=0.1, decay_rate=0.9, decay_steps=1, staircase=False))
        """
        from .. import schedules

        lr = self.settings()["learning_rate"]
        if self.schedule == "sqrt":
            return schedules.inverse_sqrt_decay(lr)
        if self.schedule == "exp":
            return schedules.exponential_decay(lr, decay_rate=self.rate, decay_steps=1)
        return lr

    def schedule_text(self) -> str:
        """The schedule in words, for the figure's title: ``""`` for a constant rate.

        Returns
        -------
        str

        Examples
        --------
        >>> View().schedule_text(), View(schedule="sqrt").schedule_text(), View(schedule="exp").schedule_text()
        ('', 'lr 0.1/√(t+1)', 'lr 0.1·0.99^t')
        """
        lr = self.settings()["learning_rate"]
        if self.schedule == "sqrt":
            return f"lr {lr:g}/√(t+1)"
        if self.schedule == "exp":
            return f"lr {lr:g}·{self.rate:g}^t"
        return ""

    def optimizer(self):
        """Build the :class:`~rmsprop.GradientTransformation` this view runs, or raise :class:`ViewError`.

        Returns
        -------
        GradientTransformation
            :func:`rmsprop.rmsprop`, or :func:`rmsprop.compat.configure` of the flavor,
            with :meth:`settings` and the learning rate's schedule (:meth:`lr`).

        Raises
        ------
        ViewError
            If the rule or flavor refuses the settings (the message is theirs).
        """
        from .. import rmsprop

        settings = {**self.settings(), "learning_rate": self.lr()}
        try:
            if self.flavor == OWN_RULE:
                return rmsprop(**settings)
            return compat.configure(self.flavor, **settings)
        except (ValueError, TypeError) as error:
            raise ViewError(str(error)) from None


# The Parameters of the rule's options, made from Settings' fields (the playground's defaults).
View.__doc__ = (View.__doc__ or "").replace(
    "    RULE_OPTIONS\n", parameters_doc(indent="    ", names=rule.SHOWN, defaults=rule.DEFAULTS) + "\n", 1
)

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


def problem(view: View):
    """Return the online problem of a view (:data:`._problems.PROBLEMS`), built with its ``C``.

    Parameters
    ----------
    view : View
        A view whose objective is an online problem (:attr:`View.online`).

    Returns
    -------
    OnlineObjective
        1-D, with its comparator and the box it is projected on (its ``domain``).

    Raises
    ------
    ViewError
        If the view's objective is not an online problem, or ``C`` is out of its range.

    Examples
    --------
    >>> problem(View(objective="reddi2018-theorem1", c=5.0)).name
    'Reddi et al. Theorem 1, C=5'
    >>> problem(View(objective="reddi2018-theorem1", c=1.0))
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: C must be in (2, 1000]; got 1
    """
    if not view.online:
        raise ViewError(f"{values.short(view.objective)} is not an online problem")
    return problems.build(view.objective, values.constant_c(view.c))


# ----------------------------------------------------------------------------------------------
# whole views: from the controls, checked


def from_controls(
    *,
    objective_text,
    x1,
    x2,
    flavor,
    baselines_,
    maxiter=None,
    iterations=None,
    noise=None,
    seed=None,
    relative=False,
    schedule="constant",
    rate=0.99,
    c=3.0,
    display="contour",
    **options,
) -> View:
    """Make a checked :class:`View` from the page's controls; :class:`ViewError` names the first bad one.

    Parameters
    ----------
    objective_text : str
        The function: a catalogue name, a formula (white space runs collapsed) or an online
        problem's name.
    x1, x2 : str or float
        The start, as typed (``x2`` is not read for an online problem: its start is ``(x1, 0.0)``).
    flavor : str
        One of :data:`FLAVORS`.
    baselines_ : list of str or str
        Names of :data:`BASELINES`, or one comma-separated string.
    maxiter : str or float
        A whole number from 1 to :data:`MAX_ITERATIONS`.
    iterations : str or float, optional
        Deprecated: the old name of ``maxiter`` (a :class:`DeprecationWarning`).
    noise : str or float, optional
        The gradient noise's scale, in :data:`NOISE_RANGE`; default none.
    seed : str or int, optional
        The noise's seed, a whole number in [0, :data:`MAX_SEED`]; default 0.
    relative : bool or str, optional
        Whether the noise is relative to the gradient (read as a flag); default False.
    schedule : str, optional
        A key of :data:`SCHEDULES`; default ``"constant"``.
    rate : str or float, optional
        The exponential schedule's factor per step, in (0, 1]; default 0.99.
    c : str or float, optional
        ``C`` of Reddi et al.'s Theorem 1, in (2, 1000]; default 3.
    display : str, optional
        A key of :data:`DISPLAYS`; default ``"contour"``.
    **options
        The rule's options the page shows (:data:`._rule_controls.SHOWN`), by name, as
        :func:`._rule_controls.read` reads them: the learning rate in :data:`LR_RANGE`, eps
        in :data:`EPS_RANGE`, the others as :class:`rmsprop.Settings` takes them; flags as
        ``True``/``False`` or ``"1"``/``"0"``, ``"on"``/``"off"``, ... An option left
        out keeps its default.

    Returns
    -------
    View
        The view, checked by :func:`check`.

    Raises
    ------
    ViewError
        If a value is empty, not a number, out of range or unknown, or the view does
        not pass :func:`check`.
    TypeError
        For an option the page does not show, or both ``maxiter`` and ``iterations``.

    Examples
    --------
    >>> controls = dict(objective_text="booth", x1="1", x2="2", learning_rate=0.05, decay=0.9, eps=1e-8,
    ...                 maxiter=30, flavor="rmsprop", centered=False, momentum=0.0, nesterov=False,
    ...                 eps_in_sqrt=True, baselines_=["adam"])
    >>> view = from_controls(**controls)
    >>> view.objective, view.start, view.maxiter, view.baselines
    ('booth', (1.0, 2.0), 30, ('adam',))
    >>> from_controls(**{**controls, "x1": "one"})
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: start x1 must be a number; got 'one'
    """
    if iterations is not None:
        if maxiter is not None:
            raise TypeError("from_controls() got both maxiter and iterations; iterations is maxiter's old name")
        warnings.warn("from_controls(iterations=...) is deprecated; use maxiter", DeprecationWarning, stacklevel=2)
        maxiter = iterations
    unknown = [name for name in options if name not in rule.SHOWN]
    if unknown:
        raise TypeError(f"from_controls() got options the page does not show: {', '.join(unknown)}")
    if flavor not in FLAVORS:
        raise ViewError(f"unknown flavor {values.short(flavor)}; choose one of: {', '.join(FLAVORS)}")
    text = values.objective_text(objective_text)
    view = View(
        objective=text,
        start=(values.start(x1, 0.0)[0], 0.0) if problems.is_problem(text) else values.start(x1, x2),
        maxiter=values.maxiter(maxiter),
        flavor=flavor,
        baselines=values.baseline_names(baselines_),
        noise=values.noise(noise),
        seed=values.seed(seed),
        relative=values.flag(relative, "relative noise"),
        schedule=values.choice(schedule, "schedule", SCHEDULES),
        rate=values.rate(rate),
        c=values.constant_c(c),
        display=values.choice(display, "view", DISPLAYS),
        **{name: rule.read(name, value) for name, value in options.items()},
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
        If the objective or the online problem cannot be built (see :func:`objective`,
        :func:`problem`), or the rule or the flavor refuses the settings (their message:
        :class:`rmsprop.Settings` checks the options that must go together).

    Examples
    --------
    >>> check(View(objective="rosenbrock", learning_rate=0.01)).objective
    'rosenbrock'
    >>> check(View(nesterov=True))
    Traceback (most recent call last):
    ...
    rmsprop.playground._limits.ViewError: nesterov=True needs momentum > 0; set momentum (e.g. 0.9) or nesterov=False
    """
    if view.online:
        problem(view)
    else:
        objective(view)
    view.optimizer()
    return view
