"""The playground's parts without a browser: the view and its URL, the numbers, the callbacks, the server.

The browser end-to-end tests are in test_playground_browser.py.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from urllib.parse import parse_qs

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("dash")

from rmsprop.playground import (  # noqa: E402
    _app,
    _compute,
    _controls,
    _figures,
    _limits,
    _online_figures,
    _problems,
    _rule_controls,
    _state,
    _url,
)
from rmsprop.playground._loading import wait_for_loads  # noqa: E402
from rmsprop.playground._state import View, ViewError  # noqa: E402

# The seed document's printed result: 50 iterations from (-4, 3), lr 0.1, decay 0.9, eps 1e-8.
SEED_X1, SEED_X2, SEED_F = "-0.10352260359924752", "0.0025296212056016548", "0.05362944016394148"


@pytest.fixture(autouse=True)
def _loops_made_by_the_end_of_each_test():
    """A view whose compiled loop is not made yet starts a thread that makes it; none outlives its test."""
    yield
    assert wait_for_loads(timeout=600), "a thread making a compiled loop still runs after 600 s"


def controls(**changes):
    """The page's control values for the default view, with ``changes`` (by control id)."""
    values = dict(zip((id_ for id_, _ in _app.CONTROLS), _app.controls_from_view(_state.DEFAULT)))
    values.update(changes)
    return [values[id_] for id_, _ in _app.CONTROLS]


# ----------------------------------------------------------------------------------------------
# the view and its URL


def test_default_view_is_the_seed_experiment():
    view = _state.DEFAULT
    assert (view.objective, view.start, view.learning_rate, view.decay, view.eps, view.maxiter) == (
        "seed",
        (-4.0, 3.0),
        0.1,
        0.9,
        1e-8,
        50,
    )


def test_query_round_trip_of_a_full_view():
    view = View(
        objective="(1-x)**2 + 100*(y-x**2)**2",
        start=(-1.25, 0.5),
        learning_rate=0.0123,
        decay=0.95,
        eps=1e-6,
        maxiter=777,
        flavor="rmsprop",
        centered=True,
        momentum=0.9,
        nesterov=True,
        eps_in_sqrt=False,
        baselines=("sgd", "adam"),
    )
    back, problems = _url.from_query(_url.to_query(view))
    assert problems == []
    assert back == view


views = st.builds(
    View,
    objective=st.sampled_from(_state.OBJECTIVES + ("x**2 + 3*y**2", "sin(x1) + x2**2/4") + tuple(_problems.PROBLEMS)),
    start=st.tuples(*[st.floats(-1e3, 1e3, allow_nan=False)] * 2),
    learning_rate=st.floats(*_state.LR_RANGE),
    decay=st.floats(0, 0.999),
    eps=st.floats(*_state.EPS_RANGE),
    maxiter=st.integers(1, _state.MAX_ITERATIONS),
    flavor=st.just("rmsprop"),
    centered=st.booleans(),
    momentum=st.floats(0, 0.99),
    nesterov=st.just(False),
    eps_in_sqrt=st.booleans(),
    baselines=st.lists(st.sampled_from(_state.BASELINES), unique=True).map(
        lambda names: tuple(n for n in _state.BASELINES if n in names)
    ),
    noise=st.sampled_from((0.0, 0.5, 3.0)),
    seed=st.integers(0, _limits.MAX_SEED),
    relative=st.booleans(),
    schedule=st.sampled_from(tuple(_limits.SCHEDULES)),
    rate=st.floats(1e-6, 1.0),
    c=st.floats(2.001, 1e3),
    display=st.sampled_from(tuple(_limits.DISPLAYS)),
).map(lambda view: view if view.noise else dataclasses.replace(view, seed=0))  # the URL has no seed without noise


@settings(max_examples=200, deadline=None)
@given(
    views.map(lambda v: dataclasses.replace(v, c=float(math.ceil(v.c))) if v.objective == "shi2021" else v)
)  # a period
def test_every_checked_view_survives_its_url(view):
    back, problems = _url.from_query(_url.to_query(view))
    assert problems == []
    assert back == view


@pytest.mark.parametrize(
    ("query", "field", "expected", "message"),
    [
        ("?lr=banana", "learning_rate", 0.1, "learning rate must be a number"),
        ("?lr=-1", "learning_rate", 0.1, "learning rate must be in"),
        ("?lr=nan", "learning_rate", 0.1, "must be finite"),
        ("?maxiter=999999", "maxiter", 50, "URL maxiter: maxiter must be in [1, 2000]; got 999999"),
        ("?maxiter=2.5", "maxiter", 50, "maxiter must be a whole number; got 2.5"),
        ("?decay=1", "decay", 0.9, "URL decay: Invalid decay: 1.0; allowed: [0, 1)"),
        ("?momentum=-0.5", "momentum", 0.0, "URL momentum: Invalid momentum: -0.5; allowed: [0, 1)"),
        ("?x0=1", "start", (-4.0, 3.0), "two numbers"),
        ("?x0=1,2,3", "start", (-4.0, 3.0), "two numbers"),
        ("?x0=1e300,0", "start", (-4.0, 3.0), "start x1 must be in"),
        ("?flavor=nope", "flavor", "rmsprop", "unknown flavor"),
        ("?vs=sgd,bogus", "baselines", (), "unknown baseline"),
        ("?sqrt=maybe", "eps_in_sqrt", True, "sqrt must be"),
        ("?centered=2", "centered", False, "centered must be 0 or 1"),
        ("?f=x**", "objective", "seed", "expression rejected"),
        ("?f=x1%2Bx2%2Bx3", "objective", "seed", "two variables"),
        ("?f=__import__('os')", "objective", "seed", "expression rejected"),
        ("?zz=1", "objective", "seed", "unknown URL key 'zz'"),
        ("?view=4d", "display", "contour", "URL view: view must be one of contour, 3d; got '4d'"),
        ("?schedule=cosine", "schedule", "constant", "URL schedule: schedule must be one of constant, sqrt, exp"),
        ("?rate=0", "rate", 0.99, "URL rate: decay rate must be in (0, 1]; got 0"),
        ("?rate=1.5", "rate", 0.99, "URL rate: decay rate must be in (0, 1]; got 1.5"),
        ("?relative=maybe", "relative", False, "URL relative: relative must be 0 or 1; got 'maybe'"),
        ("?C=2", "c", 3.0, "URL C: C must be in (2, 1000]; got 2"),
        ("?C=abc", "c", 3.0, "URL C: C must be a number; got 'abc'"),
        ("?f=reddi2018-theorem1&x0=1,2,3", "start", (0.0, 0.0), "two numbers"),
    ],
)
def test_bad_url_values_keep_their_defaults_and_say_why(query, field, expected, message):
    view, problems = _url.from_query(query)
    assert getattr(view, field) == expected
    assert len(problems) == 1 and message in problems[0], problems
    assert "\n" not in problems[0]


def test_url_view_that_its_rule_refuses_falls_back_to_a_valid_view():
    view, problems = _url.from_query("?f=rosenbrock&flavor=lasagne&momentum=0.9")
    assert view.objective == "rosenbrock"  # the objective was fine: it stays
    assert "has no setting for momentum" in problems[0]
    _state.check(view)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"x1": "abc"}, "start x1 must be a number"),
        ({"x2": ""}, "start x2 is empty"),
        ({"x1": "inf"}, "start x1 must be finite"),
        ({"maxiter": None}, "maxiter is empty or not a number"),
        ({"maxiter": 2001}, "maxiter must be in [1, 2000]; got 2001"),
        ({"maxiter": 0}, "maxiter must be in [1, 2000]; got 0"),
        ({"decay": 1.0}, "Invalid decay: 1.0; allowed: [0, 1)"),
        ({"lr": 2.0}, "learning rate must be in [1e-06, 10]; got 100"),
        ({"objective": _app.FORMULA, "formula": ""}, "the function is empty"),
        ({"objective": _app.FORMULA, "formula": "x**"}, "expression rejected"),
        ({"objective": _app.FORMULA, "formula": "1/0 + x + y"}, "expression rejected"),
        ({"objective": _app.FORMULA, "formula": "x" + "+x" * 600}, "expression rejected"),
        ({"objective": _app.FORMULA, "formula": "x1 + x2 + x3"}, "two variables"),
        ({"flavor": "lasagne", "momentum": 0.9}, "flavor lasagne has no setting for momentum"),
        ({"flags": ["nesterov"]}, "nesterov=True needs momentum > 0"),
        ({"flavor": "evil"}, "unknown flavor"),
        ({"baselines": ["sgd", "rm -rf"]}, "unknown baseline"),
        ({"schedule": "cosine"}, "schedule must be one of constant, sqrt, exp; got 'cosine'"),
        ({"schedule": "exp", "rate": "0"}, "decay rate must be in (0, 1]; got 0"),
        ({"rate": "fast"}, "decay rate must be a number; got 'fast'"),
        ({"C": "2"}, "C must be in (2, 1000]; got 2"),
        ({"objective": "reddi2018-theorem1", "C": ""}, "C is empty"),
        ({"display": "4d"}, "view must be one of contour, 3d; got '4d'"),
        ({"objective": "reddi2018-theorem1", "x1": "one"}, "start x1 must be a number"),
    ],
)
def test_bad_controls_get_one_line_messages(change, message):
    with pytest.raises(ViewError) as error:
        _app.view_from_controls(*controls(**change))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


# ----------------------------------------------------------------------------------------------
# the rule's controls, derived from Settings

OWN_FIELDS = {
    "objective",
    "start",
    "maxiter",
    "noise",
    "seed",
    "relative",
    "schedule",
    "rate",
    "c",
    "display",
    "flavor",
    "baselines",
}
OWN_CONTROLS = {
    "objective",
    "formula",
    "x1",
    "x2",
    "C",
    "schedule",
    "rate",
    "maxiter",
    "noise",
    "relative",
    "seed",
    "flavor",
    "baselines",
    "display",
}


def test_every_field_of_settings_is_shown_or_not_by_a_decision():
    """A new field of Settings fails here until it is put in SHOWN (where) or NOT_SHOWN (why)."""
    from rmsprop.rule.settings import FIELD_NAMES

    shown, not_shown = set(_rule_controls.SHOWN), set(_rule_controls.NOT_SHOWN)
    assert not shown & not_shown
    assert shown | not_shown == set(FIELD_NAMES)
    assert all(reason for reason in _rule_controls.NOT_SHOWN.values())


def test_every_shown_option_has_its_field_control_and_url_key_and_nothing_else_does():
    shown = _rule_controls.SHOWN
    view_fields = {field.name for field in dataclasses.fields(View)}
    assert view_fields - OWN_FIELDS == set(shown)
    control_ids = {id_ for id_, _ in _app.CONTROLS}
    assert control_ids - OWN_CONTROLS == {_rule_controls.control_id(name) for name in shown}
    sliders = {name for name, how in shown.items() if how.control == "slider"}
    assert sliders == set(_limits.SLIDERS)
    # every option off its default is written to the URL under its key, and read back
    changed = {name: not value if isinstance(value, bool) else 0.5 for name, value in _rule_controls.DEFAULTS.items()}
    view = View(**changed)
    query = _url.to_query(view)
    assert {shown[name].key for name in shown} <= set(parse_qs(query[1:]))
    assert _url.from_query(query) == (view, [])
    # and shown by the controls, read back
    assert _app.view_from_controls(*_app.controls_from_view(view)) == view


def test_the_page_has_a_control_labelled_with_each_options_help():
    from rmsprop.rule.settings import FIELDS

    page = _app.layout()
    titles, ids = set(), set()

    def walk(component):
        if isinstance(component, (list, tuple)):
            for child in component:
                walk(child)
            return
        if not hasattr(component, "to_plotly_json"):
            return
        titles.add(getattr(component, "title", None))
        ids.add(getattr(component, "id", None))
        walk(getattr(component, "children", None))
        for option in getattr(component, "options", None) or []:
            walk(option.get("label") if isinstance(option, dict) else None)

    walk(page)
    assert {id_ for id_, _ in _app.CONTROLS} <= ids
    for name in _rule_controls.SHOWN:
        assert FIELDS[name].metadata["help"] in titles, name


def test_the_rule_defaults_are_settings_defaults_but_the_seeds_learning_rate():
    from rmsprop import Settings

    defaults = Settings()
    for name in _rule_controls.SHOWN:
        expected = 0.1 if name == "learning_rate" else getattr(defaults, name)
        assert getattr(_state.DEFAULT, name) == expected, name


@pytest.mark.parametrize(
    ("name", "bad"),
    [(name, bad) for name in ("decay", "momentum") for bad in (-0.5, 1.0, 7.0)],
)
def test_a_bad_option_gets_the_message_of_settings(name, bad):
    from rmsprop import Settings

    with pytest.raises(ValueError) as expected:
        Settings(**{name: bad})
    with pytest.raises(ViewError) as error:
        _rule_controls.read(name, bad)
    assert str(error.value) == str(expected.value)
    view, problems = _url.from_query(f"?{_rule_controls.SHOWN[name].key}={bad}")
    assert problems == [f"URL {_rule_controls.SHOWN[name].key}: {expected.value}"]


def test_the_old_url_key_n_is_read_as_maxiter_and_said_to_be_deprecated():
    view, problems = _url.from_query("?f=booth&n=80")
    assert view.maxiter == 80 and view.objective == "booth"
    assert problems == ["URL key 'n' is deprecated; the URL now says maxiter"]
    assert _url.from_query("?n=0")[1] == [
        "URL key 'n' is deprecated; the URL now says maxiter",
        "URL n: maxiter must be in [1, 2000]; got 0",
    ]
    view, problems = _url.from_query("?n=80&maxiter=70")
    assert view.maxiter == 70 and problems == ["URL key 'n' is deprecated and ignored: maxiter is given"]


def test_loading_an_old_url_says_so_once_and_writes_the_url_with_maxiter(monkeypatch):
    monkeypatch.setattr(_app, "ctx", None)  # a load: no trigger
    out = _app.sync("?f=booth&n=80", *controls(), None)
    named = dict(zip((id_ for id_, _ in _app.CONTROLS), out))
    assert named["maxiter"] == 80
    assert out[-1] == "URL key 'n' is deprecated; the URL now says maxiter"
    written = out[len(_app.CONTROLS)]
    assert "maxiter=80" in written and "n" not in parse_qs(written[1:])
    again = _app.sync(written, *controls(), None)  # the page as the rewritten URL loads it
    assert again[-1] == "" and again[len(_app.CONTROLS)] is _app.no_update


def test_iterations_is_a_deprecated_alias_of_maxiter():
    with pytest.warns(DeprecationWarning, match="use maxiter"):
        assert View(iterations=30) == View(maxiter=30)
    with pytest.raises(TypeError, match="both maxiter and iterations"):
        View(maxiter=20, iterations=30)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # replacing a field does not pass the alias
        assert dataclasses.replace(View(maxiter=30), objective="booth").maxiter == 30
    given = dict(objective_text="seed", x1="1", x2="2", flavor="rmsprop", baselines_=[])
    with pytest.warns(DeprecationWarning, match="use maxiter"):
        assert _state.from_controls(**given, iterations=30).maxiter == 30
    with pytest.raises(TypeError, match="does not show: clip_norm"):
        _state.from_controls(**given, maxiter=30, clip_norm=1.0)


# ----------------------------------------------------------------------------------------------
# the numbers


def test_default_picture_reproduces_the_seed_to_the_last_bit():
    picture = _compute.compute(_state.DEFAULT)
    (row,) = _figures.table_rows(picture)
    assert row[1:4] == (SEED_X1, SEED_X2, SEED_F)
    assert row[4] == "50"


def test_first_steps_match_their_closed_forms():
    """From x0 on 5 x1^2 + 7 x2^2 (g = (10 x1, 14 x2)): RMSprop's first step is lr g / sqrt((1 - decay) g^2 + eps),
    SGD's is lr g, and Adam's (bias-corrected) is lr g / (|g| + eps_adam), about lr in each coordinate."""
    view = dataclasses.replace(
        _state.DEFAULT, start=(1.5, -2.0), learning_rate=0.05, decay=0.8, maxiter=3, baselines=("sgd", "adam")
    )
    picture = _compute.compute(view)
    g = np.array([10 * 1.5, 14 * -2.0])
    rms, sgd, adam = picture.runs
    for run in picture.runs:
        assert tuple(run.x[0]) == view.start
    np.testing.assert_allclose(rms.x[1], view.start - 0.05 * g / np.sqrt(0.2 * g * g + 1e-8), rtol=1e-15)
    np.testing.assert_allclose(sgd.x[1], view.start - 0.05 * g, rtol=1e-15)
    np.testing.assert_allclose(adam.x[1], view.start - 0.05 * np.sign(g), rtol=1e-7)
    # the effective step of the first RMSprop iteration is lr / sqrt(e_1 + eps)
    np.testing.assert_allclose(rms.steps[0], 0.05 / np.sqrt(0.2 * g * g + 1e-8), rtol=1e-12)


def test_a_diverging_run_is_cut_at_its_last_finite_point_and_says_so():
    view = dataclasses.replace(
        _state.DEFAULT,
        objective="rosenbrock",
        start=(-1.5, 2.0),
        learning_rate=0.01,
        maxiter=200,
        baselines=("sgd",),
    )
    picture = _compute.compute(view)
    sgd = picture.runs[1]
    assert sgd.status == 3 and "diverged" in sgd.status_text
    assert np.isfinite(sgd.x).all() and np.isfinite(sgd.fun).all()
    figure = _figures.loss_figure(picture)
    assert figure["layout"]["yaxis"]["type"] == "log"
    low, high = figure["layout"]["yaxis"]["range"]
    assert high < 10  # the divergence (f ~ 1e114) does not set the scale


def test_slow_formulas_stop_at_the_time_budget(monkeypatch):
    monkeypatch.setattr(_compute, "MAX_SECONDS", 0.05)
    view = dataclasses.replace(
        _state.DEFAULT,
        objective="sin(x)*cos(y) + exp(-x**2) + log(1 + y**2)",
        maxiter=_state.MAX_ITERATIONS,
        baselines=_state.BASELINES,
    )
    started = time.perf_counter()
    picture = _compute.compute(view)
    assert time.perf_counter() - started < 2
    assert any(run.status == 99 for run in picture.runs)


def test_a_formula_with_no_finite_value_in_the_window_is_refused():
    view = dataclasses.replace(_state.DEFAULT, objective="log(-(x**2) - y**2 - 1)")
    with pytest.raises(ViewError, match="no finite value"):
        _compute.compute(view)


def test_contour_levels_index_the_log_levels():
    picture = _compute.compute(dataclasses.replace(_state.DEFAULT, objective="rosenbrock", start=(-1.5, 2.0)))
    assert picture.scale == "log"
    figure = _figures.contour_figure(picture)
    contour = figure["data"][0]
    assert contour["contours"] == {"start": 0, "end": len(picture.levels) - 1, "size": 1}
    z = np.array([[np.nan if v is None else v for v in row] for row in contour["z"]])
    assert np.nanmin(z) >= 0 and np.nanmax(z) <= len(picture.levels) - 1
    labels = dict(zip(contour["colorbar"]["tickvals"], contour["colorbar"]["ticktext"]))
    assert labels[0] == f"{picture.levels[0]:.3g}"


# ----------------------------------------------------------------------------------------------
# the callbacks, called as Dash calls them


def test_draw_keeps_the_last_good_figures_on_a_bad_formula():
    out = _app.draw(*controls(objective=_app.FORMULA, formula="sin("))
    assert all(value is _app.no_update for value in out[:-1])
    assert "expression rejected" in out[-1]


def test_draw_outputs_figures_table_and_animation_data():
    contour, loss, steps, table, paths, last, frame, message = _app.draw(*controls(baselines=["adam"]))
    assert message == ""
    assert last == frame == 50
    assert len(paths["paths"]) == 2 and len(paths["paths"][0]["x"]) == 51
    path_traces = [trace for trace in contour["data"] if "path" in trace.get("meta", {})]
    assert [trace["meta"]["path"] for trace in path_traces] == [0, 1]
    assert path_traces[0]["x"][0] == -4.0 and path_traces[0]["y"][0] == 3.0


def test_sync_reads_the_url_into_the_controls(monkeypatch):
    monkeypatch.setattr(_app, "ctx", None)  # the initial call: no trigger
    out = _app.sync("?f=himmelblau&x0=1,-2&lr=0.02&maxiter=80&vs=adam&momentum=0.5", *controls(), None)
    named = dict(zip((id_ for id_, _ in _app.CONTROLS), out))
    assert named["objective"] == "himmelblau" and named["x1"] == "1" and named["x2"] == "-2"
    assert _controls.from_log(named["lr"]) == 0.02 and named["maxiter"] == 80
    assert named["baselines"] == ["adam"] and named["momentum"] == 0.5
    assert out[-1] == ""  # no problems
    assert out[len(_app.CONTROLS)] is _app.no_update  # the URL is left as it is


class _Triggered:
    def __init__(self, trigger):
        self.triggered_id = trigger


def test_sync_writes_a_checked_view_to_the_url(monkeypatch):
    monkeypatch.setattr(_app, "ctx", _Triggered("maxiter"))
    out = _app.sync("", *controls(maxiter=120), None)
    search = out[len(_app.CONTROLS)]
    assert "maxiter=120" in search
    view, problems = _url.from_query(search)
    assert problems == [] and view.maxiter == 120


def test_sync_leaves_the_url_alone_while_a_control_is_bad(monkeypatch):
    monkeypatch.setattr(_app, "ctx", _Triggered("x1"))
    out = _app.sync("?maxiter=70", *controls(x1="oops"), None)
    assert out[len(_app.CONTROLS)] is _app.no_update


def test_sync_takes_a_click_as_the_start(monkeypatch):
    monkeypatch.setattr(_app, "ctx", _Triggered("click-point"))
    out = _app.sync("", *controls(), {"point": [1.23456789, -0.98765], "width": 10.0})
    named = dict(zip((id_ for id_, _ in _app.CONTROLS), out))
    assert (named["x1"], named["x2"]) == ("1.23", "-0.99")  # a thousandth of the window's width 10
    view, _ = _url.from_query(out[len(_app.CONTROLS)])
    assert view.start == (1.23, -0.99)


def test_library_flavors_disable_what_they_cannot_set():
    flags, momentum_disabled, sqrt = _app.rule_options("lasagne")
    assert all(option["disabled"] for option in flags) and momentum_disabled
    assert all(option["disabled"] for option in sqrt)
    flags, momentum_disabled, sqrt = _app.rule_options("torch")
    assert [option["disabled"] for option in flags] == [False, True] and not momentum_disabled
    flags, momentum_disabled, sqrt = _app.rule_options("rmsprop")
    assert not any(option["disabled"] for option in flags + sqrt) and not momentum_disabled


def test_a_library_flavor_runs_as_that_library():
    from rmsprop import compat, minimize, objectives

    view = _app.view_from_controls(*controls(flavor="torch", lr=math.log10(0.01), decay=0.99, maxiter=30))
    picture = _compute.compute(view)
    reference = minimize(
        objectives.get("seed"), [-4.0, 3.0], maxiter=30, gtol=0, optimizer=compat.torch(lr=0.01, alpha=0.99, eps=1e-8)
    )
    np.testing.assert_array_equal(picture.runs[0].x, reference.path_x)


def test_app_layout_and_callbacks_build():
    app = _app.create_app()
    with app.server.test_client() as client:
        page = client.get("/")
        assert page.status_code == 200 and b"RMSprop playground" in page.data
        assert b"http://" not in page.data.replace(b"http://www.w3.org", b"")  # no asset from elsewhere
        script = client.get("/assets/playground.js")
        assert script.status_code == 200 and b"plotly_click" in script.data
        script.close()
        dependencies = client.get("/_dash-dependencies").get_json()
    outputs = " ".join(d["output"] for d in dependencies)
    assert "contour.figure" in outputs and "url.search" in outputs


def test_the_app_has_registered_every_script_of_its_page_before_its_first_request():
    """Dash registers the files it may serve in its set-up on a process's first request, and marks the set-up
    done before it starts: a gunicorn worker's first requests, in several threads at once, got 500s for
    scripts not yet registered (CI's browser test). The app must come set up."""
    import re

    app = _app.create_app()
    registered = {package: set(paths) for package, paths in app.registered_paths.items()}
    with app.server.test_client() as client:
        page = client.get("/").get_data(as_text=True)
        scripts = re.findall(r'<script src="/_dash-component-suites/([^/"]+)/([^"]+)"', page)
        assert len(scripts) >= 5, page
        for package, fingerprinted in scripts:
            path = re.sub(r"\.v[\w-]+m\d+\.", ".", fingerprinted)  # Dash's fingerprint, taken out
            assert path in registered.get(package, set()), (package, path, registered)
            answer = client.get(f"/_dash-component-suites/{package}/{fingerprinted}")
            assert answer.status_code == 200
            answer.close()
    assert {package: set(paths) for package, paths in app.registered_paths.items()} == registered


def test_a_view_whose_compiled_loop_is_not_made_yet_runs_in_the_python_loop_while_a_thread_makes_it(monkeypatch):
    """On a fresh install each new loop compiled while its request waited (up to 30 s under load): now the request
    waits LOAD_WAIT at most, then takes minimize's Python loop (the same bits); a thread makes the loop for the views
    after it. A loop that loads within the wait (from Numba's disk cache) is taken at once."""
    import functools
    import threading

    from rmsprop import _minimize, minimize, objectives, rmsprop
    from rmsprop._compiled import single
    from rmsprop.playground import _loading

    def fresh_loops():  # dispatchers made afresh: none loaded in this process yet
        monkeypatch.setattr(single, "chunk_runner", functools.cache(single.chunk_runner.__wrapped__))

    fresh_loops()
    monkeypatch.setattr(_loading, "_started", {})
    compiling = threading.Event()  # the thread's work waits for it: a compilation that takes long
    make_loop = _loading._make_loop
    monkeypatch.setattr(_loading, "_make_loop", lambda *args: (compiling.wait(600), make_loop(*args)))
    monkeypatch.setattr(_loading, "LOAD_WAIT", 0.05)
    loops_here = []
    python_loop = _minimize._python_loop

    def spy(*args, **kwargs):
        loops_here.append(threading.current_thread() is threading.main_thread())
        return python_loop(*args, **kwargs)

    monkeypatch.setattr(_minimize, "_python_loop", spy)
    view = View(objective="booth", centered=True, momentum=0.5, maxiter=300, noise=0.5, seed=2)
    first = _compute.compute(view)
    assert loops_here == [True]  # the request's run: the Python loop, after LOAD_WAIT
    compiling.set()
    assert _loading.wait_for_loads(timeout=300)
    (made,) = _loading._started.values()
    assert not made.is_alive()
    second = _compute.compute(view)
    assert loops_here == [True]  # now the compiled loop: no Python loop in this thread
    fresh_loops()  # a new process, say, with the loop in Numba's disk cache: loaded within the wait, and taken
    monkeypatch.setattr(_loading, "LOAD_WAIT", 60.0)
    third = _compute.compute(view)
    assert loops_here == [True] and len(_loading._started) == 2
    reference = minimize(
        objectives.get("booth"),
        list(view.start),
        maxiter=300,
        gtol=0,
        optimizer=rmsprop(0.1, decay=0.9, eps=1e-8, centered=True, momentum=0.5),
        noise=0.5,
        seed=2,
    )
    for picture in (first, second, third):
        np.testing.assert_array_equal(picture.runs[0].x, reference.path_x)


def test_a_catalogue_function_starts_at_its_suggested_start():
    view, problems = _url.from_query("?f=rosenbrock")
    assert problems == [] and view.start == (-1.2, 1.0)  # the catalogue's start, not the seed's
    assert _url.from_query("?f=rosenbrock&x0=0.5,0.5")[0].start == (0.5, 0.5)


def test_picking_a_function_from_the_list_moves_the_start_to_its_own(monkeypatch):
    monkeypatch.setattr(_app, "ctx", _Triggered("objective"))
    out = _app.sync("", *controls(objective="booth"), None)
    named = dict(zip((id_ for id_, _ in _app.CONTROLS), out))
    assert (named["x1"], named["x2"]) == ("-8", "8")
    assert _url.from_query(out[len(_app.CONTROLS)])[0].start == (-8.0, 8.0)


# ----------------------------------------------------------------------------------------------
# the server: one process, or gunicorn's workers


def test_serve_checks_its_workers_before_it_binds(monkeypatch):
    from rmsprop.playground import _server

    for bad in (0, -1, 1.5, "2", True):
        with pytest.raises(ValueError, match="workers must be a whole number of at least 1"):
            _server.serve(port=0, workers=bad)
    monkeypatch.setattr(_server, "can_fork_workers", lambda: False)
    with pytest.raises(RuntimeError, match="2 worker processes need gunicorn"):
        _server.serve(port=0, workers=2)


def test_default_workers_are_the_usable_cpus_with_gunicorn_else_one(monkeypatch):
    import os

    from rmsprop.playground import _server

    if _server.can_fork_workers():
        assert _server.default_workers() == len(os.sched_getaffinity(0))
    monkeypatch.setattr(_server, "can_fork_workers", lambda: False)
    assert _server.default_workers() == 1


def _draw_body(callback, values):
    """The body Dash's renderer posts for the draw callback, the controls at ``values`` (by id)."""
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in callback["output"][2:-2].split("...")]
    inputs = [{"id": s["id"], "property": s["property"], "value": values[s["id"]]} for s in callback["inputs"]]
    changed = [f"{callback['inputs'][0]['id']}.value"]
    return {"output": callback["output"], "outputs": outputs, "inputs": inputs, "changedPropIds": changed}


def test_gunicorn_workers_serve_the_page_and_a_view_then_stop_on_ctrl_c():
    """``rmsprop playground --port 0 --workers 2``: the real port, two worker processes, the page and the
    seed's view, bit for bit; Ctrl-C (SIGINT to the process group, as a terminal sends it) stops them all."""
    import json
    import os
    import re
    import signal
    import subprocess
    import sys
    import urllib.request

    from rmsprop.playground import can_fork_workers

    if not can_fork_workers():
        pytest.skip("gunicorn is not installed (or this is not Unix)")
    process = subprocess.Popen(
        [sys.executable, "-m", "rmsprop", "playground", "--port", "0", "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
        start_new_session=True,  # a process group of its own, for the Ctrl-C below
    )
    try:
        line = process.stdout.readline()
        match = re.fullmatch(r"RMSprop playground on (http://127\.0\.0\.1:(\d+)/) \(Ctrl-C to stop\)\n", line)
        assert match and int(match.group(2)) > 0, (line, process.stderr.read() if not line else "")
        url = match.group(1)
        with urllib.request.urlopen(url, timeout=60) as page:
            assert page.status == 200 and b"RMSprop playground" in page.read()
        with urllib.request.urlopen(url + "_dash-dependencies", timeout=60) as answer:
            dependencies = json.loads(answer.read())
        (callback,) = [d for d in dependencies if ".contour.figure..." in d["output"] and "message" in d["output"]]
        values = dict(zip((id_ for id_, _ in _app.CONTROLS), _app.controls_from_view(_state.DEFAULT)))
        request = urllib.request.Request(
            url + "_dash-update-component",
            data=json.dumps(_draw_body(callback, values)).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            response = json.loads(answer.read())["response"]
        assert response["message"]["children"] == ""
        assert f'"{SEED_X1}"' in json.dumps(response["results"]) and f'"{SEED_X2}"' in json.dumps(response["results"])
        assert response["frame"]["max"] == 50
        workers: list[str] = []
        children = f"/proc/{process.pid}/task/{process.pid}/children"
        if os.path.exists(children):  # Linux: the master's child processes are the two workers
            deadline = time.monotonic() + 60
            while len(workers) < 2 and time.monotonic() < deadline:  # gunicorn forks them one by one
                time.sleep(0.1)
                with open(children) as listed:
                    workers = listed.read().split()
            assert len(workers) == 2, workers
    finally:
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert out == "Stopped.\n" and "Traceback" not in err, (out, err)
    for pid in workers:
        assert not os.path.exists(f"/proc/{pid}"), f"worker {pid} still runs"


# ----------------------------------------------------------------------------------------------
# the 3-D view, the schedules, relative noise and the online problems (issue 16)


@pytest.mark.parametrize(
    ("view", "keys"),
    [
        (View(display="3d"), {"view": "3d"}),
        (View(schedule="sqrt"), {"schedule": "sqrt"}),
        (View(schedule="exp", rate=0.9), {"schedule": "exp", "rate": "0.9"}),
        (View(noise=0.5, seed=4, relative=True), {"noise": "0.5", "seed": "4", "relative": "1"}),
        (View(objective="reddi2018-theorem1", start=(0.25, 0.0), c=5.0), {"x0": "0.25", "C": "5.0"}),
        (View(objective="reddi2018-section5", start=(-0.5, 0.0)), {"f": "reddi2018-section5", "x0": "-0.5"}),
    ],
)
def test_each_new_control_round_trips_through_the_url_and_the_controls(view, keys):
    query = _url.to_query(view)
    written = {key: values[-1] for key, values in parse_qs(query[1:]).items()}
    assert keys.items() <= written.items(), written
    assert _url.from_query(query) == (view, [])
    assert _app.view_from_controls(*_app.controls_from_view(view)) == view
    # off their defaults only: the default view's URL does not grow
    assert not {"view", "schedule", "rate", "relative", "C"} & set(parse_qs(_url.to_query(View())[1:]))


def test_an_online_problems_start_is_one_number_and_x2_is_not_read():
    view = _app.view_from_controls(*controls(objective="reddi2018-theorem1", x1="0.5", x2="not read"))
    assert view.start == (0.5, 0.0)
    assert View(objective="reddi2018-theorem1", start=(0.5, 7.0)).start == (0.5, 0.0)
    assert _url.from_query("?f=reddi2018-theorem1")[0].start == (0.0, 0.0)
    assert _url.from_query("?f=reddi2018-theorem1&x0=0.5,9")[0].start == (0.5, 0.0)  # an x2 is dropped


def test_the_surface_has_the_contours_colours_and_the_paths_lie_just_above_it():
    view = View(objective="rosenbrock", start=(-1.5, 2.0), learning_rate=0.01, maxiter=100, display="3d")
    picture = _compute.compute(view)
    contour, surface = _figures.contour_figure(picture), _figures.surface_figure(picture)
    flat, raised = contour["data"][0], surface["data"][0]
    for key in ("colorscale", "reversescale", "z", "x", "y"):
        assert flat[key] == raised[key], key
    assert flat["colorbar"] == raised["colorbar"]
    assert (raised["cmin"], raised["cmax"]) == (0, len(picture.levels) - 1)
    scene = surface["layout"]["scene"]
    assert scene["zaxis"]["tickvals"] == flat["colorbar"]["tickvals"]
    assert scene["zaxis"]["ticktext"] == flat["colorbar"]["ticktext"]
    # RMSprop's path: f along it, independently, in the level coordinate, lifted
    (path,) = [trace for trace in surface["data"] if trace.get("meta") == {"path": 0}]
    x, y = np.array(path["x"]), np.array(path["y"])
    f = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    expected = np.interp(f, picture.levels, np.arange(len(picture.levels))) + _figures.LIFT
    np.testing.assert_allclose(path["z"], expected, rtol=1e-12)
    assert surface["layout"]["meta"] == {"click": "surface"} and contour["layout"]["meta"] == {"click": "plane"}


def test_draw_sends_the_3d_figure_and_the_heights_for_the_animation_only_when_asked():
    main, *_, paths, last, frame, message = _app.draw(*controls(display="3d", baselines=["adam"]))
    assert message == "" and main["data"][0]["type"] == "surface"
    assert [len(path["z"]) for path in paths["paths"]] == [51, 51]
    flat, *_, paths, _, _, _ = _app.draw(*controls())
    assert flat["data"][0]["type"] == "contour" and "z" not in paths["paths"][0]


def test_the_grid_is_sampled_once_per_objective_and_window():
    _compute.surface.cache_clear()
    first = _compute.compute(View(start=(-4.0, 3.0)))
    again = _compute.compute(View(start=(-3.0, 2.0), learning_rate=0.05))  # inside the same window
    assert again.level is first.level
    assert _compute.surface.cache_info().hits >= 1
    with pytest.raises(ValueError):
        first.level[0, 0] = 1.0  # read-only: no view can change another's grid


def test_the_schedules_set_every_runs_learning_rate_step_by_step():
    """Two steps from x0 on 5 x1^2 + 7 x2^2, by hand: RMSprop's and SGD's, with lr(0) = lr and lr(1) = lr / sqrt(2)
    or lr * rate."""
    x0, lr, d, eps = np.array([1.5, -2.0]), 0.05, 0.8, 1e-8

    def grad(x):
        return np.array([10 * x[0], 14 * x[1]])

    for schedule, lr1 in (("constant", lr), ("sqrt", lr / math.sqrt(2)), ("exp", lr * 0.5)):
        view = View(start=tuple(x0), learning_rate=lr, decay=d, maxiter=2, schedule=schedule, rate=0.5)
        picture = _compute.compute(dataclasses.replace(view, baselines=("sgd",)))
        rms, sgd = picture.runs
        g0 = grad(x0)
        e0 = (1 - d) * g0 * g0
        x1 = x0 - lr * g0 / np.sqrt(e0 + eps)
        g1 = grad(x1)
        x2 = x1 - lr1 * g1 / np.sqrt(d * e0 + (1 - d) * g1 * g1 + eps)
        np.testing.assert_allclose(rms.x[2], x2, rtol=1e-13)
        s1 = x0 - lr * g0
        np.testing.assert_allclose(sgd.x[2], s1 - lr1 * grad(s1), rtol=1e-13)
        title = _figures.contour_figure(picture)["layout"]["title"]["text"]
        legend = rms.label
        if schedule == "constant":
            assert "lr 0.05" not in title and legend == "rmsprop lr=0.05 decay=0.8"
        elif schedule == "sqrt":
            assert "(lr 0.05/√(t+1))" in title and "inverse_sqrt_decay(0.05)" in legend
        else:
            assert "(lr 0.05·0.5^t)" in title and "exponential_decay(0.05" in legend


def test_relative_noise_leaves_a_zero_gradient_alone_and_absolute_noise_does_not():
    """From (1, 0) on 5 x1^2 + 7 x2^2, g2 = 14 x2 = 0: relative noise |g2| z2 is 0, so x2 stays 0; absolute noise moves it."""
    on_axis = View(start=(1.0, 0.0), maxiter=5, noise=1.0, seed=3)
    moved = _compute.compute(on_axis).runs[0].x
    still = _compute.compute(dataclasses.replace(on_axis, relative=True)).runs[0].x
    assert np.abs(moved[1:, 1]).min() > 0
    assert not still[:, 1].any() and len(still) == 6 and (still[1:, 0] != still[:-1, 0]).all()
    title = _figures.contour_figure(_compute.compute(dataclasses.replace(on_axis, relative=True)))
    assert "gradient noise 1 × |g|, seed 3" in title["layout"]["title"]["text"]


def _theorem_1_regret(path, c):
    """R_T of Reddi et al.'s Theorem 1 (steps from 0: C x at t = 0, 3, 6, ..., else -x), against x* = -1, by hand."""
    t = np.arange(len(path))
    coefficient = np.where(t % 3 == 0, c, -1.0)
    return np.cumsum(coefficient * path - coefficient * -1.0)


def test_theorem_1_in_the_playground_rmsprop_ends_at_the_worst_point_and_amsgrad_at_the_best():
    """Reddi et al. (2018), Theorem 1 with its settings (picked from the list): RMSprop (Adam with beta_1 = 0 and
    beta_2 = 1 / (1 + C^2)) goes to +1, where R_t / t stays near 2 (C - 2) / 3; AMSGrad goes to -1."""
    view = View(objective="reddi2018-theorem1", **_problems.suggested("reddi2018-theorem1", 3.0))
    assert (view.decay, view.schedule, view.learning_rate, view.baselines) == (0.1, "sqrt", 0.5, ("amsgrad",))
    picture = _compute.compute(_state.check(view))
    rms, ams = picture.runs
    assert rms.x[-1, 0] > 0.95 and ams.x[-1, 0] < -0.95
    for run in picture.runs:
        assert run.x.shape == (view.maxiter + 1, 1)
        assert np.abs(run.x).max() <= 1.0  # projected on [-1, 1]
        expected = _theorem_1_regret(run.x[:, 0], 3.0) / np.arange(1, len(run.x) + 1)
        np.testing.assert_allclose(run.regret, expected, rtol=1e-12, atol=1e-15)
    assert abs(rms.regret[-1] - 2 * (3 - 2) / 3) < 0.05 and ams.regret[-1] < 0.01
    rows = _figures.table_rows(picture)
    assert rows[0][2] == "" and rows[0][1] == repr(float(rms.x[-1, 0]))
    assert rows[1][6] == f"{abs(ams.x[-1, 0] + 1):.4g}"


def test_shi2021_in_the_playground_fails_below_the_periods_threshold_and_converges_above():
    """Shi et al. (2021)'s counterexample of period C = 8 picked from the list (start 1, 1 / sqrt(t)):
    with beta_2 = 0.1 RMSprop stays at the worst point +1; with 0.999, above the period's threshold
    (``rmsprop.reproduce.shi2021``), it goes to the optimum -1."""
    settings = _problems.suggested("shi2021", 8.0)
    assert (settings["start"], settings["learning_rate"], settings["decay"]) == ((1.0, 0.0), 1.0, 0.1)
    below = _compute.compute(_state.check(View(objective="shi2021", c=8.0, **settings)))
    above = _compute.compute(_state.check(View(objective="shi2021", c=8.0, **{**settings, "decay": 0.999})))
    assert below.runs[0].x[-1, 0] > 0.99 and above.runs[0].x[-1, 0] < -0.9
    assert "C=8" in below.problem.name
    with pytest.raises(ViewError, match="whole number"):
        _state.check(View(objective="shi2021", c=8.5))


def test_an_online_problems_figures_are_x_t_and_the_average_regret():
    view = View(objective="reddi2018-theorem1", c=5.0, maxiter=40, baselines=("adam",))
    main, regret, steps, table, paths, last, frame, message = _app.draw(*_app.controls_from_view(view))
    assert message == "" and last == frame == 40
    assert "C=5" in main["layout"]["title"]["text"] and main["layout"]["xaxis"]["title"]["text"] == "t"
    assert "meta" not in main["layout"]  # a click on x_t against t does not move the start
    path = [trace for trace in main["data"] if trace.get("meta") == {"path": 0}][0]
    assert paths["paths"][0] == {"x": path["x"], "y": path["y"]} and path["x"] == list(range(41))
    assert regret["layout"]["title"]["text"] == "average regret R_t / t" and len(regret["data"]) == 2
    assert [line["name"] for line in steps["data"]] == ["x"]
    figure = _online_figures.iterates_figure(_compute.compute(view))
    assert figure["data"][-1]["y"] == [-1.0, -1.0]  # x* = -1


def test_picking_an_online_problem_brings_its_papers_settings(monkeypatch):
    monkeypatch.setattr(_app, "ctx", _Triggered("objective"))
    out = _app.sync("", *controls(objective="reddi2018-theorem1", C="4"), None)
    named = dict(zip((id_ for id_, _ in _app.CONTROLS), out))
    assert (named["x1"], named["schedule"], named["maxiter"], named["baselines"]) == ("0", "sqrt", 1000, ["amsgrad"])
    assert _controls.from_log(named["lr"]) == 0.5 and named["decay"] == 1 / 17
    view, problems = _url.from_query(out[len(_app.CONTROLS)])
    assert problems == [] and (view.objective, view.c, view.decay, view.start) == (
        "reddi2018-theorem1",
        4.0,
        1 / 17,
        (0.0, 0.0),
    )


def test_problem_controls_show_c_and_turn_off_x2_and_3d_for_a_problem():
    assert _app.problem_controls("reddi2018-theorem1")[:2] == ({}, True)
    assert _app.problem_controls("reddi2018-section5")[:2] == ({"display": "none"}, True)
    style, x2_off, display = _app.problem_controls("booth")
    assert style == {"display": "none"} and not x2_off and not any(item["disabled"] for item in display)
    view = _app.view_from_controls(*controls(objective="reddi2018-section5", display="3d"))
    assert _app.draw(*_app.controls_from_view(view))[0]["data"][0]["type"] == "scatter"  # x_t: no surface


def test_an_online_problems_url_never_says_3d():
    """The display was left at 3d when a problem was picked from the 3-D view: the URL said ``view=3d`` of a
    figure that is ``x_t`` against ``t``. A problem's only display is its own; picking one resets the control."""
    assert View(objective="reddi2018-theorem1", display="3d").display == "contour"
    view, problems = _url.from_query("?f=reddi2018-theorem1&view=3d")
    assert problems == [] and view.display == "contour" and "view=" not in _url.to_query(view)
    assert _app.view_from_controls(*controls(objective="shi2021", display="3d")).display == "contour"
    assert View(objective="booth", display="3d").display == "3d"


def test_picking_an_online_problem_in_the_3d_view_goes_back_to_the_plane(monkeypatch):
    monkeypatch.setattr(_app, "ctx", _Triggered("objective"))
    out = _app.sync("", *controls(objective="reddi2018-section5", display="3d"), None)
    named = dict(zip((id_ for id_, _ in _app.CONTROLS), out))
    assert named["display"] == "contour" and "view=" not in out[len(_app.CONTROLS)]


@pytest.mark.parametrize("objective", ["rosenbrock", "reddi2018-theorem1"])
@pytest.mark.parametrize("display", ["contour", "3d"])
def test_the_main_figures_legend_lies_below_the_plot_where_it_hides_nothing(objective, display):
    """Issue 17: a legend inside the axes covered the start and the paths; below the plot it covers nothing."""
    view = View(objective=objective, display=display, baselines=("adam", "sgd"))
    main = _app.draw(*_app.controls_from_view(view))[0]
    legend, margin = main["layout"]["legend"], main["layout"]["margin"]
    assert legend["orientation"] == "h" and legend["yanchor"] == "top" and legend["y"] < 0
    assert margin["b"] >= _figures.LEGEND_ROOM
