"""The playground's page: the controls on the left, the figures, the player and the table on the right."""

from __future__ import annotations

from collections.abc import Callable

from dash import dcc, html

from . import _problems as online
from . import _rule_controls as rule
from . import _state
from ._controls import CONTROLS, FORMULA, MAIN_IDS, OPTION_IDS, RELATIVE, controls_from_view
from ._limits import DISPLAYS, MAX_SEED, NOISE_SLIDER, SCHEDULES, SLIDERS
from ._state import BASELINES, FLAVORS, OBJECTIVES, OWN_RULE, View

__all__ = ["layout", "slider", "labelled", "items", "display_items", "rule_controls"]


def slider(id_, low, high, step, value, marks) -> dcc.Slider:
    """A slider of the controls: it sends its value when the mouse is let go, and takes no typed input.

    Parameters
    ----------
    id_ : str
        The component's id.
    low, high : float
        The slider's range.
    step : float
        The step between its values.
    value : float
        The value it shows first.
    marks : dict
        The labels under it: value -> text.

    Returns
    -------
    dash.dcc.Slider
        The slider.

    Examples
    --------
    >>> lr = slider("lr", -5.0, 1.0, 0.1, -1.0, {-5: "1e-5", 1: "1e1"})
    >>> type(lr).__name__, lr.id, lr.value, lr.updatemode
    ('Slider', 'lr', -1.0, 'mouseup')
    """
    return dcc.Slider(
        id=id_,
        min=low,
        max=high,
        step=step,
        value=value,
        marks=marks,
        updatemode="mouseup",
        allow_direct_input=False,
        className="slider",
    )


def labelled(text, control, value_id=None, help_text=None):
    """A control with its label above it, and a place for the value it shows (a slider's).

    Parameters
    ----------
    text : str
        The label.
    control : dash component
        The control.
    value_id : str, optional
        The id of a span beside the label where a callback writes the control's value;
        default none.
    help_text : str, optional
        The label's tooltip; default none.

    Returns
    -------
    dash.html.Div
        The label and the control, of class ``control``.

    Examples
    --------
    >>> box = labelled("decay", slider("decay", 0.0, 0.999, 0.001, 0.9, {}), "decay-value")
    >>> label, control = box.children
    >>> box.className, label.children[0].children, label.children[1].id, control.id
    ('control', 'decay', 'decay-value', 'decay')
    >>> len(labelled("flavor", control).children[0].children)  # the label alone
    1
    """
    label = [html.Span(text)]
    if value_id:
        label.append(html.Span(id=value_id, className="value"))
    return html.Div([html.Label(label, title=help_text), control], className="control")


def items(id_: str, off: Callable[[str], bool] | None = None) -> list[dict]:
    """The items of a rule's check box list or radio items ``id_``, each ``disabled`` where ``off(option)`` says.

    Parameters
    ----------
    id_ : str
        :data:`._rule_controls.FLAGS`, or the id of a ``"choice"``.
    off : callable, optional
        ``off(name)``: whether the option ``name`` is disabled; default none is.

    Returns
    -------
    list of dict
        Dash's options: ``label`` (a check box's with its field's help as tooltip),
        ``value`` and ``disabled``.

    Examples
    --------
    >>> [(item["value"], item["disabled"]) for item in items("flags", off=lambda name: name == "nesterov")]
    [('centered', False), ('nesterov', True)]
    >>> [item["label"] for item in items("sqrt")]
    [' sqrt(e + eps)', ' sqrt(e) + eps']
    """
    off = off or (lambda name: False)
    if id_ == rule.FLAGS:
        return [
            {"label": html.Span(f" {name}", title=rule.help_text(name)), "value": name, "disabled": off(name)}
            for name, shown in rule.SHOWN.items()
            if shown.control == "check"
        ]
    (name,) = [name for name, shown in rule.SHOWN.items() if shown.key == id_]
    return [{"label": f" {text}", "value": key, "disabled": off(name)} for key, _, text in rule.SHOWN[name].choices]


def display_items(off: bool = False) -> list[dict]:
    """The display's radio items, contour and 3-D surface; the 3-D one disabled where ``off`` (a 1-D problem).

    Parameters
    ----------
    off : bool, optional
        Whether the 3-D surface cannot be drawn; default False.

    Returns
    -------
    list of dict
        Dash's options: ``label``, ``value`` (a key of :data:`._limits.DISPLAYS`) and ``disabled``.

    Examples
    --------
    >>> [(item["value"], item["disabled"]) for item in display_items(off=True)]
    [('contour', False), ('3d', True)]
    """
    return [{"label": f" {text}", "value": key, "disabled": off and key != "contour"} for key, text in DISPLAYS.items()]


def rule_controls(ids, values: dict) -> list:
    """The controls of the rule's options ``ids`` (of :data:`._controls.CONTROLS`), showing ``values``.

    A slider is labelled by its option, with the value it shows beside the label (in the span
    ``<id>-value``) and its field's help as tooltip; the check boxes are one checklist; a
    choice is radio items.

    Parameters
    ----------
    ids : iterable of str
        The controls' ids, in the page's order.
    values : dict
        Each control's value, by id.

    Returns
    -------
    list
        The components.

    Examples
    --------
    >>> [type(control).__name__ for control in rule_controls(["flags", "momentum"], {"flags": [], "momentum": 0.0})]
    ['Checklist', 'Div']
    """
    controls = []
    for id_ in ids:
        if id_ == rule.FLAGS:
            controls.append(
                dcc.Checklist(id=id_, value=values[id_], inline=True, className="flags", options=items(id_))
            )
            continue
        (name,) = [name for name in rule.SHOWN if rule.control_id(name) == id_]
        if rule.SHOWN[name].control == "choice":
            radio = dcc.RadioItems(id=id_, value=values[id_], inline=True, options=items(id_))
            controls.append(labelled(rule.label(name), radio, help_text=rule.help_text(name)))
            continue
        low, high, step, marks, _ = SLIDERS[name]
        control = slider(id_, low, high, step, values[id_], marks)
        controls.append(labelled(rule.label(name), control, f"{id_}-value", rule.help_text(name)))
    return controls


def layout(defaults: View = _state.DEFAULT) -> html.Div:
    """Build the page: the controls on the left, the figures, the player and the table on the right.

    Parameters
    ----------
    defaults : View, optional
        The view the controls show before the URL is read; default the seed's experiment.

    Returns
    -------
    dash.html.Div
        The page, with the URL, the stores and the animation's ticker first.

    Examples
    --------
    >>> page = layout()
    >>> [child.id for child in page.children[:4]]
    ['url', 'click-point', 'paths', 'ticker']
    """
    values = dict(zip((id_ for id_, _ in CONTROLS), controls_from_view(defaults)))
    controls = html.Div(
        [
            html.H1("RMSprop playground"),
            labelled(
                "function",
                dcc.Dropdown(
                    id="objective",
                    clearable=False,
                    value=values["objective"],
                    options=[{"label": name, "value": name} for name in OBJECTIVES]
                    + [{"label": "formula (type it below)", "value": FORMULA}]
                    + [{"label": problem.label, "value": name} for name, problem in online.PROBLEMS.items()],
                ),
            ),
            dcc.Input(
                id="formula",
                type="text",
                debounce=True,
                value=values["formula"],
                maxLength=1000,
                placeholder="formula in x, y, e.g. (1-x)**2 + 100*(y-x**2)**2 (Enter)",
                className="formula",
            ),
            html.Div(
                [
                    labelled("start x1", dcc.Input(id="x1", type="text", debounce=True, value=values["x1"])),
                    labelled("start x2", dcc.Input(id="x2", type="text", debounce=True, value=values["x2"])),
                ],
                className="pair",
                title="or click on the contour",
            ),
            html.Div(
                labelled(
                    "C (Theorem 1)",
                    dcc.Input(id="C", type="text", debounce=True, value=values["C"]),
                    help_text="Reddi et al.'s constant, > 2: f_t(x) = C x once in 3 steps, else -x. "
                    "Its paper's decay is 1 / (1 + C^2).",
                ),
                id="C-control",
                style={"display": "none"},
            ),
            *rule_controls(MAIN_IDS, values),
            labelled(
                "learning-rate schedule",
                dcc.RadioItems(
                    id="schedule",
                    value=values["schedule"],
                    inline=True,
                    options=[{"label": f" {text}", "value": key} for key, text in SCHEDULES.items()],
                ),
                help_text="The learning rate of step t (from 0) of every run: lr, lr / sqrt(t + 1), or lr * rate ** t.",
            ),
            labelled(
                "exponential rate per step",
                dcc.Input(id="rate", type="text", debounce=True, value=values["rate"]),
                help_text="In (0, 1]: the exponential schedule multiplies the rate by it every step.",
            ),
            labelled(
                "maxiter",
                dcc.Input(
                    id="maxiter",
                    type="number",
                    min=1,
                    max=_state.MAX_ITERATIONS,
                    step=1,
                    debounce=True,
                    value=values["maxiter"],
                ),
                help_text="The iterations of every run at most.",
            ),
            labelled(
                "gradient noise",
                dcc.Slider(
                    id="noise",
                    min=NOISE_SLIDER[0],
                    max=NOISE_SLIDER[1],
                    step=0.1,
                    value=values["noise"],
                    marks={0: "0", 5: "5", 10: "10"},
                    updatemode="mouseup",
                    tooltip={"placement": "bottom"},
                    className="slider",
                ),
                help_text="Stochastic gradients: every step of every run sees g + noise * N(0, 1) per coordinate.",
            ),
            dcc.Checklist(
                id="relative",
                value=values["relative"],
                inline=True,
                className="flags",
                options=[
                    {
                        "label": html.Span(" relative to |g|", title="g + noise * |g| * N(0, 1) per coordinate"),
                        "value": RELATIVE,
                    }
                ],
            ),
            labelled(
                "noise seed",
                dcc.Input(id="seed", type="number", min=0, max=MAX_SEED, step=1, debounce=True, value=values["seed"]),
                help_text="The seed of the noise: the same seed draws the same noise.",
            ),
            labelled(
                "flavor",
                dcc.Dropdown(
                    id="flavor",
                    clearable=False,
                    value=values["flavor"],
                    options=[
                        {"label": "rmsprop (every option)" if name == OWN_RULE else name, "value": name}
                        for name in FLAVORS
                    ],
                ),
            ),
            *rule_controls(OPTION_IDS, values),
            labelled(
                "baselines (same learning rate)",
                dcc.Checklist(
                    id="baselines",
                    value=values["baselines"],
                    inline=True,
                    options=[{"label": f" {name}", "value": name} for name in BASELINES],
                ),
            ),
            html.Div(id="message", className="message", role="alert"),
            html.Div(id="url-message", className="message", role="status"),
        ],
        className="controls",
    )
    main = html.Div(
        [
            html.Div(
                [
                    dcc.RadioItems(
                        id="display", value=values["display"], inline=True, className="display", options=display_items()
                    ),
                    dcc.Graph(id="contour", className="contour", config={"displaylogo": False, "responsive": True}),
                    html.Div(
                        [
                            html.Button("Play", id="play", n_clicks=0, className="play"),
                            html.Div(
                                dcc.Slider(
                                    id="frame",
                                    min=0,
                                    max=1,
                                    step=1,
                                    value=1,
                                    marks=None,
                                    updatemode="drag",
                                    allow_direct_input=False,
                                ),
                                className="frame",
                            ),
                            html.Span(id="frame-value", className="value"),
                        ],
                        className="player",
                    ),
                ],
                className="left",
            ),
            html.Div(
                [
                    dcc.Graph(id="loss", className="small", config={"displaylogo": False}),
                    dcc.Graph(id="steps", className="small", config={"displaylogo": False}),
                ],
                className="right",
            ),
            html.Div(id="results", className="results"),
        ],
        className="main",
    )
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="click-point"),
            dcc.Store(id="paths"),
            dcc.Interval(id="ticker", interval=50, disabled=True),
            controls,
            main,
        ],
        className="page",
    )
