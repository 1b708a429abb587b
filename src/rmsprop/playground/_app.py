"""The playground's Dash app: the page's layout and the callbacks that tie it to :mod:`._compute`.

Four server callbacks, all pure functions of what the browser sends (no state is
kept on the server, so concurrent users never see each other's views):

- ``sync``: the URL and the controls in one callback. On load (or Back/Forward) the
  URL's query sets every control (and a URL with an old key, ``n``, is written anew
  with ``maxiter``); after a change of a control, the URL is rewritten to the checked
  view, so that the address bar always holds the last good view.
  A click on the contour arrives here as the new start; a function picked from the
  list starts at its suggested start.
- ``draw``: the controls to the figures, the table and the paths for the animation.
  A bad value or formula shows its message and leaves the last good figures as they were.
- ``rule_options``: the options a library flavor has no argument for are disabled.
- ``problem_controls``: the controls an online problem reads or ignores: ``C`` shown for
  the problem that has it, the start's x2 and the 3-D display disabled for a 1-D problem.

The main figure is the contour, the 3-D surface (the display ``3d``) or, for an online
problem, ``x_t`` against ``t``; the loss figure is then the average regret ``R_t / t``.
An online problem picked from the list brings its paper's settings (:func:`._problems.suggested`).

The browser-side parts (the exact data coordinates of a click, the play button and
the step slider cutting the paths) are in ``assets/playground.js``, served with
every other asset from this machine: the page makes no request elsewhere.
"""

from __future__ import annotations

import math
from pathlib import Path

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, html, no_update
from dash.development.base_component import Component

from . import _problems as online
from . import _rule_controls as rule
from . import _state, _url
from ._compute import compute
from ._controls import CONTROLS, FORMULA, OPTION_IDS, controls_from_view, from_log, number_text, view_from_controls
from ._figures import TABLE_COLUMNS, contour_figure, loss_figure, path_heights, steps_figure, surface_figure, table_rows
from ._layout import display_items, items, layout
from ._limits import SLIDERS
from ._loading import wait_for_loads
from ._online_figures import iterates_figure, regret_figure
from ._state import OBJECTIVES, OWN_RULE, ViewError
from ._values import constant_c

ASSETS = Path(__file__).with_name("assets")


#: The sliders of the rule's options, control id -> option, in the page's order; each shows its value by its label.
_SLIDERS = {rule.control_id(name): name for name, shown in rule.SHOWN.items() if shown.control == "slider"}


def _labels(named: dict) -> list[str]:
    """The values the sliders show beside their labels (a log slider's as the value, to 3 digits)."""
    shown = [
        from_log(named[id_], 3) if SLIDERS[name].log and named[id_] is not None else named[id_]
        for id_, name in _SLIDERS.items()
    ]
    return ["" if value is None else f"{value:g}" for value in shown]


def _click_start(point, window_width: float = 10.0) -> tuple[str, ...]:
    """The clicked point as the start's two texts, rounded to a thousandth of the view's width."""
    digits = max(0, 3 - math.floor(math.log10(window_width))) if window_width > 0 else 3
    return tuple(number_text(round(float(v), digits)) for v in point[:2])


def _plain(value):
    """``value`` with every Dash component in it replaced by the dict Dash sends for it (``to_plotly_json``).

    The same JSON, made once here: a response holding a component makes Plotly's
    serializer fall back from one ``orjson.dumps`` to walking every value in Python,
    the figures' 10,000 grid levels included.
    """
    if isinstance(value, Component):
        value = value.to_plotly_json()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _table(picture) -> dict:
    """The result table, as the plain dict of an ``html.Table`` (see :func:`_plain`)."""
    header = html.Tr([html.Th(column) for column in TABLE_COLUMNS])
    rows = [html.Tr([html.Td(cell) for cell in row]) for row in table_rows(picture)]
    return _plain(html.Table([html.Thead(header), html.Tbody(rows)], id="result-table"))


def _paths_data(picture) -> dict:
    """What the animation needs: each path's points, by the index of its traces in the main figure.

    ``(x1, x2)`` on the contour, with the heights ``z`` in 3-D; ``(t, x_t)`` for an online problem.
    """
    if picture.problem is not None:
        paths = [{"x": list(range(len(run.x))), "y": run.x[:, 0].tolist()} for run in picture.runs]
    else:
        paths = [{"x": run.x[:, 0].tolist(), "y": run.x[:, 1].tolist()} for run in picture.runs]
        if picture.view.display == "3d":
            for k, path in enumerate(paths):
                path["z"] = path_heights(picture, k).tolist()
    return {"paths": paths, "steps": max(len(run.x) - 1 for run in picture.runs)}


def _figures(picture) -> tuple[dict, dict, dict]:
    """The main, loss and steps figures of a picture: contour or 3-D surface, or an online problem's."""
    if picture.problem is not None:
        return iterates_figure(picture), regret_figure(picture), steps_figure(picture)
    main = surface_figure(picture) if picture.view.display == "3d" else contour_figure(picture)
    return main, loss_figure(picture), steps_figure(picture)


#: Each control's place in :data:`CONTROLS`.
_INDEX = {id_: k for k, (id_, _) in enumerate(CONTROLS)}
#: The controls an online problem picked from the list sets (:func:`._problems.suggested`).
_SUGGESTED = ("x1", "x2", "lr", "decay", "schedule", "maxiter", "baselines", "display")


# ----------------------------------------------------------------------------------------------
# callbacks


def sync(search, *values):
    """Tie the URL and the controls together (see the module docstring); Dash calls it with its callback context.

    Parameters
    ----------
    search : str
        The URL's query.
    *values
        The controls' values (in the order of :data:`CONTROLS`), then the last click on
        the contour (``{"point": [x1, x2], "width": ...}`` or ``None``).

    Returns
    -------
    tuple
        The controls' new values (``no_update`` where they stay), the URL's new query
        (or ``no_update``), the sliders' value labels, and the note on the URL's bad or old keys.

    Examples
    --------
    Outside the browser, Dash's callback context is set as Dash's own testing guide does:

    >>> from contextvars import copy_context
    >>> from dash._callback_context import context_value
    >>> from dash._utils import AttributeDict
    >>> from rmsprop.playground import _state
    >>> def triggered(prop_id, search, controls, click=None):
    ...     context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop_id, "value": None}]))
    ...     return sync(search, *controls, click)

    The page loads: the URL sets the controls.

    >>> out = copy_context().run(triggered, "url.search", "?f=himmelblau&maxiter=80", controls_from_view(_state.DEFAULT))
    >>> shown = dict(zip([id_ for id_, _ in CONTROLS], out))
    >>> shown["objective"], shown["maxiter"], out[-1]
    ('himmelblau', 80, '')

    An old link's ``n`` is read as ``maxiter``, said once, and the URL is written anew:

    >>> out = copy_context().run(triggered, "url.search", "?f=himmelblau&n=80", controls_from_view(_state.DEFAULT))
    >>> out[len(CONTROLS)], out[-1]
    ('?f=himmelblau&x0=0.0,0.0&lr=0.1&decay=0.9&eps=1e-08&maxiter=80&flavor=rmsprop',
     "URL key 'n' is deprecated; the URL now says maxiter")

    A click on the contour: the start moves there (to a thousandth of the window) and
    the URL follows.

    >>> out = copy_context().run(triggered, "click-point.data", "", controls_from_view(_state.DEFAULT),
    ...                          {"point": [1.23456789, -0.98765], "width": 10.0})
    >>> out[2:4], out[len(CONTROLS)]
    (('1.23', '-0.99'), '?f=seed&x0=1.23,-0.99&lr=0.1&decay=0.9&eps=1e-08&maxiter=50&flavor=rmsprop')
    """
    *controls, click = values
    trigger = ctx.triggered_id if ctx else None
    keep = [no_update] * len(CONTROLS)
    if trigger in (None, "url"):
        view, problems = _url.from_query(search)
        controls_out = controls_from_view(view, formula_text=controls[1])
        shown = dict(zip((id_ for id_, _ in CONTROLS), controls_out))
        url = _url.to_query(view) if _url.uses_old_keys(search) else no_update
        return (*controls_out, url, *_labels(shown), "; ".join(problems))
    named = dict(zip((id_ for id_, _ in CONTROLS), controls))
    if trigger == "click-point" and click:
        named["x1"], named["x2"] = _click_start(click["point"], click.get("width", 10.0))
        keep[2], keep[3] = named["x1"], named["x2"]
    if trigger == "objective" and named["objective"] in OBJECTIVES:  # a new function starts at its own start
        named["x1"], named["x2"] = keep[2], keep[3] = [
            number_text(v) for v in _state.suggested_start(named["objective"])
        ]
    if trigger == "objective" and online.is_problem(named["objective"]):  # a problem: its paper's settings
        try:
            c = constant_c(named["C"])
        except ViewError:
            c = _state.DEFAULT.c
        suggested = _state.View(objective=named["objective"], c=c, **online.suggested(named["objective"], c))
        shown = dict(zip((id_ for id_, _ in CONTROLS), controls_from_view(suggested)))
        for id_ in _SUGGESTED:
            named[id_] = keep[_INDEX[id_]] = shown[id_]
    if trigger == "formula" and named["formula"]:
        named["objective"] = keep[0] = FORMULA
    labels = _labels(named)
    try:
        view = view_from_controls(*named.values())
    except ViewError:
        return (*keep, no_update, *labels, no_update)  # ``draw`` shows the message
    return (*keep, _url.to_query(view), *labels, "")


def draw(*values):
    """Turn the controls into the figures, the table and the animation's data; or the message and the last good figures.

    Parameters
    ----------
    *values
        The controls' values, in the order of :data:`CONTROLS`.

    Returns
    -------
    tuple
        The main figure (the contour, the 3-D surface, or ``x_t`` of an online problem),
        the loss (or average regret) and steps figures, the table, the paths for the
        animation, the frame slider's maximum and value (the longest run's iterations), and
        the message (``""``); on a bad control, ``no_update`` for all but the message.

    Examples
    --------
    >>> from rmsprop.playground import _state
    >>> out = draw(*controls_from_view(_state.View(baselines=("adam",))))
    >>> len(out[4]["paths"]), out[5], out[6], out[7]
    (2, 50, 50, '')
    >>> bad = controls_from_view(_state.View(objective="x**2 + y**2"))
    >>> bad[1] = "sin("
    >>> out = draw(*bad)
    >>> all(value is no_update for value in out[:-1]), out[-1].startswith("expression rejected:")
    (True, True)
    """
    try:
        view = view_from_controls(*values)
        picture = compute(view)
    except ViewError as error:
        return (no_update,) * 5 + (no_update, no_update, str(error))
    data = _paths_data(picture)
    return (
        *_figures(picture),
        _table(picture),
        data,
        data["steps"],
        data["steps"],
        "",
    )


def rule_options(flavor):
    """Disable what flavor ``flavor`` cannot set: the options it has no argument for, or that it decides itself.

    Parameters
    ----------
    flavor : str
        The flavor chosen (one of :data:`FLAVORS`).

    Returns
    -------
    tuple
        Per control of the options (:data:`._controls.OPTION_IDS`, in order): the check
        boxes' and a choice's items, each with its ``disabled``; whether a slider is disabled.

    Examples
    --------
    >>> flags, momentum_off, sqrt = rule_options("rmsprop")
    >>> [flag["disabled"] for flag in flags], momentum_off, [option["disabled"] for option in sqrt]
    ([False, False], False, [False, False])
    >>> [option["disabled"] for option in rule_options("torch")[2]]   # a library's flavor places eps its own way
    [True, True]
    """
    from .. import compat

    def off(name):
        return flavor != OWN_RULE and (rule.SHOWN[name].own_rule_only or not compat.accepts(flavor, name))

    return tuple(off(_SLIDERS[id_]) if id_ in _SLIDERS else items(id_, off) for id_ in OPTION_IDS)


def problem_controls(objective):
    """Show ``C`` for the problem that has it; disable x2 and the 3-D display for an online problem (1-D).

    Parameters
    ----------
    objective : str
        The function list's value.

    Returns
    -------
    tuple
        The style of ``C``'s control (hidden unless the problem takes it), whether the start's
        x2 field is disabled, and the display's radio items.

    Examples
    --------
    >>> style, x2_off, display = problem_controls("reddi2018-theorem1")
    >>> style, x2_off, [item["disabled"] for item in display]
    ({}, True, [False, True])
    >>> problem_controls("seed")[:2]
    ({'display': 'none'}, False)
    """
    problem = online.PROBLEMS.get(objective)
    style = {} if problem is not None and problem.takes_c else {"display": "none"}
    return style, problem is not None, display_items(off=problem is not None)


def warm_up() -> None:
    """Load what the first requests would otherwise import lazily, each in its own thread.

    Python's import lock does not stop a second thread from using a package whose
    ``__init__`` is still running in a first one: matplotlib's ``ticker`` (imported by
    :func:`rmsprop.plot.contour_levels`) raised ``AttributeError: rcParams`` under
    concurrent first requests. Drawing the default view and one typed formula here,
    before the server answers, imports matplotlib, SymPy and Numba's kernels once.
    Numba is loaded first: then the catalogue's runs take ``minimize``'s compiled path
    (microseconds a run, where the Python loop takes milliseconds), with the same bits.

    Examples
    --------
    >>> import sys
    >>> warm_up()
    >>> "matplotlib.ticker" in sys.modules, "sympy" in sys.modules
    (True, True)
    """
    from .._compiled_runs import compiled_module
    from ._state import build_objective

    compiled_module()  # None where Numba is missing or disabled: the Python loop, as before
    compute(_state.DEFAULT)
    wait_for_loads()  # the default view's compiled loop, made here rather than by the first request
    build_objective("x**2 + y**2")


def create_app() -> Dash:
    """Make the playground as a :class:`dash.Dash` app (its Flask server is ``app.server``), warmed up.

    Returns
    -------
    dash.Dash
        The app: its layout, the four server callbacks (:func:`sync`, :func:`draw`,
        :func:`rule_options`, :func:`problem_controls`) and the browser-side ones of
        ``assets/playground.js``, every asset served from this machine.

    Examples
    --------
    >>> app = create_app()
    >>> app.title, app.config.serve_locally
    ('RMSprop playground', True)
    >>> page = app.server.test_client().get("/")
    >>> page.status_code, b"RMSprop playground" in page.data
    (200, True)
    """
    warm_up()
    app = Dash(
        __name__,
        assets_folder=str(ASSETS),
        title="RMSprop playground",
        update_title=None,  # type: ignore[arg-type]  # None turns the title off (Dash's documented value)
        serve_locally=True,
        compress=False,
    )
    app.layout = layout()
    inputs = [Input(id_, prop) for id_, prop in CONTROLS]
    app.callback(
        [Output(id_, prop) for id_, prop in CONTROLS]
        + [Output("url", "search")]
        + [Output(f"{id_}-value", "children") for id_ in _SLIDERS]
        + [Output("url-message", "children")],
        [Input("url", "search"), *inputs, Input("click-point", "data")],
    )(sync)
    app.callback(
        [
            Output("contour", "figure"),
            Output("loss", "figure"),
            Output("steps", "figure"),
            Output("results", "children"),
            Output("paths", "data"),
            Output("frame", "max"),
            Output("frame", "value"),
            Output("message", "children"),
        ],
        inputs,
        prevent_initial_call=True,
    )(draw)
    app.callback(
        [Output(id_, "disabled" if id_ in _SLIDERS else "options") for id_ in OPTION_IDS],
        Input("flavor", "value"),
    )(rule_options)
    app.callback(
        [Output("C-control", "style"), Output("x2", "disabled"), Output("display", "options")],
        Input("objective", "value"),
    )(problem_controls)
    app.clientside_callback(
        ClientsideFunction("rmsprop", "listenForClicks"), Output("contour", "className"), Input("contour", "figure")
    )
    app.clientside_callback(
        ClientsideFunction("rmsprop", "play"),
        [Output("ticker", "disabled"), Output("frame", "value", allow_duplicate=True), Output("play", "children")],
        Input("play", "n_clicks"),
        State("ticker", "disabled"),
        State("frame", "value"),
        State("frame", "max"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("rmsprop", "tick"),
        [
            Output("frame", "value", allow_duplicate=True),
            Output("ticker", "disabled", allow_duplicate=True),
            Output("play", "children", allow_duplicate=True),
        ],
        Input("ticker", "n_intervals"),
        State("frame", "value"),
        State("frame", "max"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("rmsprop", "cutPaths"),
        [Output("contour", "figure", allow_duplicate=True), Output("frame-value", "children")],
        Input("frame", "value"),
        State("contour", "figure"),
        State("paths", "data"),
        prevent_initial_call=True,
    )
    register_page_resources(app)
    return app


def register_page_resources(app: Dash) -> None:
    """Answer one request for the page, so that ``app`` is set up before the server answers any.

    Dash serves a file of ``/_dash-component-suites/`` only once its path is
    registered, and it registers them in its set-up on a process's first request. That
    set-up marks itself done before it starts: under gunicorn, a worker's first
    requests come in several threads at once (the scripts of a page another worker
    rendered), and those that came while one thread was still registering answered 500
    ("dash" is not a registered library); the browser drew nothing. Done here, in the
    process that makes the app (gunicorn's master, before it forks the workers), the
    paths are registered before any request arrives. This is Dash's open issue
    plotly/dash#3971.

    Parameters
    ----------
    app : dash.Dash
        The app, its layout and callbacks set.

    Raises
    ------
    RuntimeError
        If the page does not render (status other than 200).

    Examples
    --------
    :func:`create_app` calls it: the paths of Dash's own scripts are registered before any request.

    >>> "dash" in create_app().registered_paths
    True
    """
    status = app.server.test_client().get("/").status_code
    if status != 200:
        raise RuntimeError(f"the playground's page did not render (HTTP {status})")
