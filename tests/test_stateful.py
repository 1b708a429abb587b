"""rmsprop.RMSprop, the in-place optimizer: the seed, the functional API, state_dict and its errors."""

import numpy as np
import pytest
from reference import SEED_X1, SEED_X2, rmsprop_loop

import rmsprop
from rmsprop import schedules
from rmsprop.rule import OPTION_NAMES

# Several arrays of different shapes (a 0-d array among them), updated elementwise.
SHAPES = [(3,), (2, 3), (), (4, 1, 2)]
_RNG = np.random.default_rng(7)
X0 = [_RNG.uniform(-2.0, 2.0, s) for s in SHAPES]
COEF = [_RNG.uniform(0.5, 4.0, s) for s in SHAPES]
SHIFT = [_RNG.uniform(-1.0, 1.0, s) for s in SHAPES]


def grads_for(params):
    """Gradient of sum(0.5 c x^2 + 0.025 x^4 - s x), elementwise, in each parameter's dtype."""
    return [(c * p + 0.1 * (p * p * p) - s).astype(p.dtype) for p, c, s in zip(params, COEF, SHIFT)]


def fresh(dtype=np.float64):
    return [x.astype(dtype) for x in X0]


VARIANTS = [
    ("seed defaults", 0.02, {}),
    ("eps outside sqrt", 0.02, {"eps_in_sqrt": False}),
    ("initial_scale 1", 0.02, {"initial_scale": 1.0, "eps": 1e-10}),
    ("centered", 0.02, {"centered": True}),
    ("momentum", 0.01, {"momentum": 0.9}),
    ("nesterov", 0.01, {"momentum": 0.9, "nesterov": True}),
    ("nesterov, lr inside", 0.01, {"momentum": 0.5, "nesterov": True, "lr_inside_momentum": True}),
    ("coupled weight decay", 0.02, {"weight_decay": 0.1}),
    ("decoupled weight decay", 0.02, {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("centered, bias correction", 0.02, {"centered": True, "bias_correction": True}),
    ("clip by value", 0.02, {"clip_value": 0.5}),
    ("exponential schedule", schedules.exponential_decay(0.03, 0.5, 6), {}),
    (
        "warm-up into cosine, momentum",
        schedules.linear_warmup(schedules.cosine_decay(0.02, 15), 4),
        {"momentum": 0.9, "lr_inside_momentum": True},
    ),
]
IDS = [v[0] for v in VARIANTS]


def with_defaults(options):
    return {"decay": 0.9, "eps": 1e-8, **options}


# --- the seed ------------------------------------------------------------------------------------


def test_seed_run_through_the_class():
    x = np.array([-4.0, 3.0])
    original = x
    opt = rmsprop.RMSprop([x], learning_rate=0.1, decay=0.9, eps=1e-8)
    for _ in range(50):
        assert opt.step([np.array([10.0 * x[0], 14.0 * x[1]])]) is None
    assert x is original and opt.params[0] is x
    assert x[0] == SEED_X1 and x[1] == SEED_X2
    assert x.dtype == np.float64 and x.shape == (2,)
    assert opt.state.count == 50


def test_single_array_params_and_grads():
    x = np.array([-4.0, 3.0])
    opt = rmsprop.RMSprop(x, learning_rate=0.1)
    for _ in range(50):
        opt.step(np.array([10.0 * x[0], 14.0 * x[1]]))
    assert x[0] == SEED_X1 and x[1] == SEED_X2


# --- in place == functional == reference ---------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("desc, lr, options", VARIANTS, ids=IDS)
def test_in_place_equals_functional_api(desc, lr, options, dtype):
    params = fresh(dtype)
    originals = list(params)
    opt = rmsprop.RMSprop(params, lr, **with_defaults(options))
    functional = rmsprop.rmsprop(lr, **with_defaults(options))
    ys = fresh(dtype)
    state = functional.init(ys)
    for _ in range(20):
        grads = grads_for(params)
        opt.step(grads)
        updates, state = functional.update(grads_for(ys), state, ys)
        ys = rmsprop.apply_updates(ys, updates)
        for p, y in zip(params, ys):
            assert p.dtype == dtype and y.dtype == dtype
            np.testing.assert_array_equal(p, y)
    assert all(p is o for p, o in zip(opt.params, originals))
    assert opt.state.count == 20
    assert not np.array_equal(params[0], X0[0].astype(dtype)), "the parameters must have moved"


@pytest.mark.parametrize("desc, lr, options", VARIANTS, ids=IDS)
def test_in_place_equals_plain_python_reference(desc, lr, options):
    params = fresh()
    opt = rmsprop.RMSprop(params, lr, **with_defaults(options))
    got = [np.concatenate([p.ravel() for p in params])]
    for _ in range(20):
        opt.step(grads_for(params))
        got.append(np.concatenate([p.ravel() for p in params]))

    sizes = [int(np.prod(s)) for s in SHAPES]

    def flat_grad(xs):
        arrays, start = [], 0
        for n, s in zip(sizes, SHAPES):
            arrays.append(np.array(xs[start : start + n]).reshape(s))
            start += n
        return np.concatenate([g.ravel() for g in grads_for(arrays)]).tolist()

    kwargs = with_defaults(options)
    if callable(lr):
        kwargs["schedule"] = lr
    expected = rmsprop_loop(flat_grad, got[0].tolist(), 20, None if callable(lr) else lr, **kwargs)
    np.testing.assert_array_equal(np.array(got), np.array(expected))


def test_global_norm_clipping_spans_all_arrays_in_place():
    params = fresh()
    opt = rmsprop.RMSprop(params, 0.02, global_clip_norm=1.0)
    functional = rmsprop.rmsprop(0.02, global_clip_norm=1.0)
    ys = fresh()
    state = functional.init(ys)
    for _ in range(10):
        opt.step(grads_for(params))
        updates, state = functional.update(grads_for(ys), state, ys)
        ys = rmsprop.apply_updates(ys, updates)
    for p, y in zip(params, ys):
        np.testing.assert_array_equal(p, y)
    unclipped = fresh()
    plain = rmsprop.RMSprop(unclipped, 0.02)
    for _ in range(10):
        plain.step(grads_for(unclipped))
    assert not np.array_equal(unclipped[0], params[0]), "the clipping must have acted"


def test_float64_gradients_for_float32_params_keep_float32():
    params = fresh(np.float32)
    opt = rmsprop.RMSprop(params, 0.02, momentum=0.9)
    opt.step([g.astype(np.float64) for g in grads_for(params)])
    assert all(p.dtype == np.float32 for p in params)
    assert opt.state.e[0].dtype == np.float32 and opt.state.b[0].dtype == np.float32


def test_non_contiguous_view_is_updated_in_place():
    base = np.arange(12.0).reshape(3, 4) / 10.0
    view = base[:, ::2]
    expected = view.copy()
    opt = rmsprop.RMSprop([view], 0.1)
    functional = rmsprop.rmsprop(0.1)
    state = functional.init(expected)
    g = np.full(view.shape, 0.5)
    opt.step([g])
    updates, state = functional.update(g, state)
    expected = rmsprop.apply_updates(expected, updates)
    np.testing.assert_array_equal(base[:, ::2], expected)
    np.testing.assert_array_equal(base[:, 1::2], (np.arange(12.0).reshape(3, 4) / 10.0)[:, 1::2])


# --- optimizer= ----------------------------------------------------------------------------------


@pytest.mark.parametrize("desc, lr, options", VARIANTS[::3], ids=IDS[::3])
def test_optimizer_argument_equals_options(desc, lr, options):
    a, b = fresh(), fresh()
    by_options = rmsprop.RMSprop(a, lr, **with_defaults(options))
    by_optimizer = rmsprop.RMSprop(b, optimizer=rmsprop.rmsprop(lr, **with_defaults(options)))
    for _ in range(15):
        by_options.step(grads_for(a))
        by_optimizer.step(grads_for(b))
        for p, q in zip(a, b):
            np.testing.assert_array_equal(p, q)
    # Their state_dicts are interchangeable.
    by_optimizer.load_state_dict(by_options.state_dict())


def test_optimizer_argument_seed():
    x = np.array([-4.0, 3.0])
    opt = rmsprop.RMSprop([x], optimizer=rmsprop.rmsprop(0.1, decay=0.9, eps=1e-8))
    for _ in range(50):
        opt.step([np.array([10.0 * x[0], 14.0 * x[1]])])
    assert x[0] == SEED_X1 and x[1] == SEED_X2


def test_optimizer_and_options_together_are_refused():
    x = np.ones(2)
    with pytest.raises(ValueError, match="either optimizer= or RMSprop settings") as info:
        rmsprop.RMSprop([x], optimizer=rmsprop.rmsprop(0.1), centered=True)
    assert "\n" not in str(info.value)
    with pytest.raises(TypeError, match="GradientTransformation"):
        rmsprop.RMSprop([x], optimizer=(lambda p: None, lambda g, s, p=None: (g, s), {}))
    with pytest.raises(TypeError, match="GradientTransformation"):
        rmsprop.RMSprop([x], optimizer="rmsprop")


@pytest.mark.parametrize(
    "kwargs", [{"learning_rate": 0.5}, {"decay": 0.5}, {"eps": 1e-3}], ids=["learning_rate", "decay", "eps"]
)
def test_optimizer_and_rate_together_are_refused(kwargs):
    with pytest.raises(ValueError, match="either optimizer="):
        rmsprop.RMSprop([np.ones(2)], optimizer=rmsprop.rmsprop(0.1), **kwargs)


# --- state_dict ----------------------------------------------------------------------------------

LOCKSTEP = [
    ("seed defaults", lambda: 0.02, {}, np.float64),
    ("centered", lambda: 0.02, {"centered": True}, np.float64),
    ("momentum", lambda: 0.01, {"momentum": 0.9}, np.float64),
    ("nesterov, lr inside", lambda: 0.01, {"momentum": 0.8, "nesterov": True, "lr_inside_momentum": True}, np.float64),
    (
        "centered, momentum, bias correction",
        lambda: 0.01,
        {"centered": True, "momentum": 0.5, "bias_correction": True},
        np.float64,
    ),
    ("initial_scale 1, eps outside", lambda: 0.02, {"initial_scale": 1.0, "eps_in_sqrt": False}, np.float64),
    ("decoupled weight decay", lambda: 0.02, {"weight_decay": 0.05, "decoupled_weight_decay": True}, np.float64),
    (
        "exponential staircase schedule",
        lambda: schedules.exponential_decay(0.03, 0.5, 3, staircase=True),
        {},
        np.float64,
    ),
    (
        "warm-up into cosine, nesterov",
        lambda: schedules.linear_warmup(schedules.cosine_decay(0.02, 20), 10),
        {"momentum": 0.9, "nesterov": True},
        np.float64,
    ),
    ("step schedule, centered, float32", lambda: schedules.step_decay(0.03, 4, 0.5), {"centered": True}, np.float32),
    ("momentum, float32", lambda: 0.01, {"momentum": 0.9}, np.float32),
]


def _run(opt, params, steps):
    for _ in range(steps):
        opt.step(grads_for(params))


@pytest.mark.parametrize("desc, lr, options, dtype", LOCKSTEP, ids=[v[0] for v in LOCKSTEP])
def test_state_dict_lockstep(desc, lr, options, dtype):
    params = fresh(dtype)
    opt = rmsprop.RMSprop(params, lr(), 0.9, 1e-8, **options)
    _run(opt, params, 7)
    saved = opt.state_dict()

    copies = [p.copy() for p in params]
    # A fresh optimizer with the same settings (schedules: new objects, equal by value).
    resumed = rmsprop.RMSprop(copies, lr(), 0.9, 1e-8, **options)
    resumed.load_state_dict(saved)
    assert resumed.state.count == 7
    # Without the state, a fresh optimizer goes elsewhere: the state is what makes them agree.
    unloaded_params = [p.copy() for p in params]
    unloaded = rmsprop.RMSprop(unloaded_params, lr(), 0.9, 1e-8, **options)

    for _ in range(15):
        grads = grads_for(params)
        opt.step(grads)
        resumed.step([g.copy() for g in grads])
        unloaded.step([g.copy() for g in grads])
        for p, q in zip(params, copies):
            assert q.dtype == dtype
            np.testing.assert_array_equal(p, q)
    assert not all(np.array_equal(p, u) for p, u in zip(params, unloaded_params))


def test_lockstep_can_reuse_one_saved_dict():
    params = fresh()
    opt = rmsprop.RMSprop(params, 0.01, momentum=0.9, centered=True)
    _run(opt, params, 5)
    saved = opt.state_dict()
    start = [p.copy() for p in params]
    ends = []
    for _ in range(2):
        copies = [p.copy() for p in start]
        resumed = rmsprop.RMSprop(copies, 0.01, momentum=0.9, centered=True)
        resumed.load_state_dict(saved)
        _run(resumed, copies, 6)
        ends.append(copies)
    for a, b in zip(*ends):
        np.testing.assert_array_equal(a, b)


def _snapshot(tree):
    if isinstance(tree, dict):
        return {k: _snapshot(v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_snapshot(v) for v in tree)
    return tree.copy() if isinstance(tree, np.ndarray) else tree


def _assert_same(a, b):
    if isinstance(a, dict):
        assert set(a) == set(b)
        for k in a:
            _assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same(x, y)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b


def test_state_dict_is_a_copy():
    params = fresh()
    opt = rmsprop.RMSprop(params, 0.01, momentum=0.9, centered=True)
    _run(opt, params, 4)
    saved = opt.state_dict()
    snapshot = _snapshot(saved)
    assert saved["state"]["count"] == 4

    # Writing into the optimizer's own arrays, and stepping it, leaves the saved dict alone.
    for field in (opt.state.e, opt.state.m, opt.state.b):
        for leaf in field:
            if isinstance(leaf, np.ndarray):  # the 0-d leaf may be kept as a NumPy scalar
                leaf[...] = 123.0
    _run(opt, params, 3)
    _assert_same(saved, snapshot)

    # Writing into the saved dict leaves the optimizer that loaded it alone.
    copies = [p.copy() for p in params]
    twin_copies = [p.copy() for p in params]
    resumed = rmsprop.RMSprop(copies, 0.01, momentum=0.9, centered=True)
    twin = rmsprop.RMSprop(twin_copies, 0.01, momentum=0.9, centered=True)
    resumed.load_state_dict(saved)
    twin.load_state_dict(snapshot)
    for field in ("e", "m", "b"):
        for leaf in saved["state"][field]:
            leaf[...] = -7.0
    for _ in range(5):
        resumed.step(grads_for(copies))
        twin.step(grads_for(twin_copies))
    for a, b in zip(copies, twin_copies):
        np.testing.assert_array_equal(a, b)


def test_state_dict_settings_are_a_copy():
    opt = rmsprop.RMSprop([np.ones(2)], 0.1, centered=True)
    saved = opt.state_dict()
    saved["settings"]["centered"] = False
    assert opt.optimizer.settings["centered"] is True
    assert opt.state_dict()["settings"]["centered"] is True


def test_state_dict_round_trips_through_npz(tmp_path):
    params = fresh(np.float32)
    options = {"centered": True, "momentum": 0.9}
    opt = rmsprop.RMSprop(params, 0.01, **options)
    _run(opt, params, 6)
    saved = opt.state_dict()
    arrays = {"count": np.array(saved["state"]["count"])}
    for field in ("e", "m", "b"):
        for i, leaf in enumerate(saved["state"][field]):
            assert isinstance(leaf, np.ndarray) and leaf.dtype == np.float32
            arrays[f"{field}_{i}"] = leaf
    path = tmp_path / "state.npz"
    np.savez(path, **arrays)
    with np.load(path, allow_pickle=False) as npz:
        state = {
            "count": int(npz["count"]),
            "e": [npz[f"e_{i}"] for i in range(len(SHAPES))],
            "m": [npz[f"m_{i}"] for i in range(len(SHAPES))],
            "b": [npz[f"b_{i}"] for i in range(len(SHAPES))],
        }
    loaded = {"format": saved["format"], "settings": dict(saved["settings"]), "state": state}
    copies = [p.copy() for p in params]
    resumed = rmsprop.RMSprop(copies, 0.01, **options)
    resumed.load_state_dict(loaded)
    for _ in range(8):
        grads = grads_for(params)
        opt.step(grads)
        resumed.step(grads)
        for p, q in zip(params, copies):
            np.testing.assert_array_equal(p, q)


def test_plain_function_schedule_is_not_compared():
    # A plain function cannot be compared by value; the state still loads.
    def warm(t):
        return 0.001 * min(t + 1, 10)

    params = fresh()
    opt = rmsprop.RMSprop(params, warm)
    _run(opt, params, 3)
    copies = [p.copy() for p in params]
    resumed = rmsprop.RMSprop(copies, warm)
    resumed.load_state_dict(opt.state_dict())
    for _ in range(5):
        grads = grads_for(params)
        opt.step(grads)
        resumed.step(grads)
    for p, q in zip(params, copies):
        np.testing.assert_array_equal(p, q)


# --- state_dict errors ---------------------------------------------------------------------------

SETTING_MISMATCHES = [
    ("learning_rate", (0.1, {}), (0.2, {})),
    ("learning_rate", (schedules.exponential_decay(0.1, 0.5, 10), {}), (schedules.exponential_decay(0.1, 0.5, 11), {})),
    ("learning_rate", (schedules.step_decay(0.1, 3), {}), (0.1, {})),
    ("decay", (0.1, {}), (0.1, {"decay": 0.8})),
    ("eps", (0.1, {}), (0.1, {"eps": 1e-6})),
    ("centered", (0.1, {}), (0.1, {"centered": True})),
    ("momentum", (0.1, {"momentum": 0.9}), (0.1, {"momentum": 0.5})),
    ("nesterov", (0.1, {"momentum": 0.9}), (0.1, {"momentum": 0.9, "nesterov": True})),
    ("eps_in_sqrt", (0.1, {}), (0.1, {"eps_in_sqrt": False})),
    ("bias_correction", (0.1, {}), (0.1, {"bias_correction": True})),
    ("weight_decay", (0.1, {"weight_decay": 0.1}), (0.1, {"weight_decay": 0.2})),
    ("clip_value", (0.1, {}), (0.1, {"clip_value": 1.0})),
]


@pytest.mark.parametrize(
    "name, saver, loader", SETTING_MISMATCHES, ids=[f"{m[0]}-{i}" for i, m in enumerate(SETTING_MISMATCHES)]
)
def test_load_from_other_settings_names_the_setting(name, saver, loader):
    (lr_a, opts_a), (lr_b, opts_b) = saver, loader
    kwargs_a = dict(opts_a)
    kwargs_b = dict(opts_b)
    a = rmsprop.RMSprop(fresh(), lr_a, **kwargs_a)
    _run(a, a.params, 2)
    b = rmsprop.RMSprop(fresh(), lr_b, **kwargs_b)
    before = b.state
    with pytest.raises(ValueError) as info:
        b.load_state_dict(a.state_dict())
    message = str(info.value)
    assert f"{name}=" in message and "\n" not in message
    assert b.state is before and b.state.count == 0


def _saved(dtype=np.float64, shapes=None, **options):
    params = [np.ones(s, dtype=dtype) for s in (shapes or SHAPES)]
    opt = rmsprop.RMSprop(params, 0.1, **options)
    opt.step([np.full(s, 0.5, dtype=dtype) for s in (shapes or SHAPES)])
    return opt.state_dict()


def _target(**options):
    return rmsprop.RMSprop(fresh(), 0.1, **options)


def _edit(fn):
    def make():
        sd = _saved()
        fn(sd)
        return sd

    return make


def _set(path, value):
    def fn(sd):
        d = sd
        for key in path[:-1]:
            d = d[key]
        d[path[-1]] = value

    return fn


def _delete(path):
    def fn(sd):
        d = sd
        for key in path[:-1]:
            d = d[key]
        del d[path[-1]]

    return fn


BAD_STATE_DICTS = [
    ("other shapes", lambda: _saved(shapes=[(4,), (2, 3), (), (4, 1, 2)]), "shape"),
    ("other dtype", lambda: _saved(np.float32), "dtype"),
    ("fewer arrays", lambda: _saved(shapes=SHAPES[:3]), "structure"),
    ("more arrays", lambda: _saved(shapes=SHAPES + [(1,)]), "structure"),
    ("centered state into a plain optimizer", lambda: _saved(centered=True), "centered="),
    ("missing format", _edit(_delete(["format"])), "format"),
    ("missing settings", _edit(_delete(["settings"])), "saved with"),
    ("missing state", _edit(_delete(["state"])), "fields"),
    ("missing e", _edit(_delete(["state", "e"])), "fields"),
    ("missing count", _edit(_delete(["state", "count"])), "fields"),
    ("extra field", _edit(_set(["state", "velocity"], None)), "fields"),
    ("wrong format", _edit(_set(["format"], 3)), "format"),
    ("format as text", _edit(_set(["format"], "1")), "format"),
    ("garbage string", lambda: "garbage", "state_dict"),
    ("garbage None", lambda: None, "state_dict"),
    ("garbage list", lambda: [1, 2, 3], "state_dict"),
    ("garbage empty dict", lambda: {}, "format"),
    ("state is text", _edit(_set(["state"], "garbage")), "fields"),
    ("count negative", _edit(_set(["state", "count"], -1)), "count"),
    ("count float", _edit(_set(["state", "count"], 2.5)), "count"),
    ("count text", _edit(_set(["state", "count"], "3")), "count"),
    ("count None", _edit(_set(["state", "count"], None)), "count"),
    ("e a text leaf", _edit(lambda sd: sd["state"]["e"].__setitem__(1, "abc")), "field 'e"),
    ("e a tuple", _edit(lambda sd: sd["state"].__setitem__("e", tuple(sd["state"]["e"]))), "field 'e"),
    ("e None", _edit(_set(["state", "e"], None)), "field 'e"),
    ("e transposed leaf", _edit(lambda sd: sd["state"]["e"].__setitem__(1, sd["state"]["e"][1].T)), "shape"),
    ("m where none is kept", _edit(_set(["state", "m"], [np.zeros(3)])), "field 'm"),
]


@pytest.mark.parametrize("desc, make, words", BAD_STATE_DICTS, ids=[b[0] for b in BAD_STATE_DICTS])
def test_bad_state_dicts(desc, make, words):
    target = _target()
    _run(target, target.params, 1)
    before = target.state
    with pytest.raises(ValueError) as info:
        target.load_state_dict(make())
    message = str(info.value)
    assert words in message, message
    assert "\n" not in message
    assert target.state is before and target.state.count == 1


def test_unexpected_arrays_give_a_one_line_message():
    target = _target()
    sd = _saved()
    sd["state"]["m"] = [np.zeros(s) for s in SHAPES]
    with pytest.raises(ValueError, match="'m'") as info:
        target.load_state_dict(sd)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("garbage", ["garbage", None, [1, 2], 5], ids=["text", "None", "list", "int"])
def test_garbage_settings_raise_value_error(garbage):
    target = _target()
    sd = _saved()
    sd["settings"] = garbage
    with pytest.raises(ValueError, match="settings"):
        target.load_state_dict(sd)


# --- step errors ---------------------------------------------------------------------------------


def _two():
    params = [np.array([1.0, -2.0]), np.array([[0.5], [3.0]])]
    return params, rmsprop.RMSprop(params, 0.1, momentum=0.9)


STEP_ERRORS = [
    ("one gradient for two params", lambda: [np.ones(2)], ValueError, "2 gradient array"),
    (
        "three gradients for two params",
        lambda: [np.ones(2), np.ones((2, 1)), np.ones(1)],
        ValueError,
        "2 gradient array",
    ),
    ("a bare array for two params", lambda: np.ones(2), ValueError, "2 gradient array"),
    ("wrong shape, second", lambda: [np.ones(2), np.ones(2)], ValueError, "grads[1] has shape (2,)"),
    ("wrong shape, first", lambda: [np.ones(3), np.ones((2, 1))], ValueError, "grads[0] has shape (3,)"),
    ("integer gradient", lambda: [np.ones(2, dtype=int), np.ones((2, 1))], TypeError, "floating-point"),
]


@pytest.mark.parametrize("desc, make, error, words", STEP_ERRORS, ids=[s[0] for s in STEP_ERRORS])
def test_step_errors_change_nothing(desc, make, error, words):
    params, opt = _two()
    opt.step([np.array([0.2, 0.3]), np.array([[0.1], [-0.4]])])
    values = [p.copy() for p in params]
    state = opt.state
    with pytest.raises(error) as info:
        opt.step(make())
    assert words in str(info.value) and "\n" not in str(info.value)
    assert opt.state is state
    for p, v in zip(params, values):
        np.testing.assert_array_equal(p, v)


def test_complex_gradient_for_real_param_changes_nothing():
    params, opt = _two()
    values = [p.copy() for p in params]
    with pytest.raises((TypeError, ValueError)):
        opt.step([np.array([0.2, 0.3]), np.array([[0.1 + 1j], [-0.4]])])
    assert opt.state.count == 0
    for p, v in zip(params, values):
        np.testing.assert_array_equal(p, v)


# --- constructor errors --------------------------------------------------------------------------

PARAM_ERRORS = [
    ("a list of floats", lambda: [[1.0, 2.0]], TypeError, "params[0] must be a NumPy array"),
    ("floats", lambda: [1.0, 2.0], TypeError, "params[0] must be a NumPy array"),
    ("a NumPy scalar", lambda: [np.ones(2), np.float64(1.0)], TypeError, "params[1] must be a NumPy array"),
    ("integer array", lambda: [np.array([1, 2])], TypeError, "floating-point"),
    ("bool array", lambda: [np.ones(2), np.array([True])], TypeError, "params[1] must be a floating-point"),
    ("object array", lambda: [np.array([1.0, None])], TypeError, "floating-point"),
    ("no params", lambda: [], ValueError, "at least one"),
]


@pytest.mark.parametrize("desc, make, error, words", PARAM_ERRORS, ids=[p[0] for p in PARAM_ERRORS])
def test_bad_params(desc, make, error, words):
    with pytest.raises(error) as info:
        rmsprop.RMSprop(make(), 0.1)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_read_only_params():
    x = np.ones(3)
    x.flags.writeable = False
    with pytest.raises(ValueError, match=r"params\[1\] is read-only"):
        rmsprop.RMSprop([np.ones(2), x], 0.1)
    y = np.broadcast_to(np.ones(1), (3,))  # a read-only view
    with pytest.raises(ValueError, match="read-only"):
        rmsprop.RMSprop(y, 0.1)


@pytest.mark.parametrize("name", ["centred", "lr", "betas", "nesterov_momentum"])
def test_unknown_option(name):
    with pytest.raises(TypeError) as info:
        rmsprop.RMSprop([np.ones(2)], 0.1, **{name: 0.5})
    message = str(info.value)
    assert repr(name) in message and "\n" not in message
    assert all(option in message for option in OPTION_NAMES)


def test_unknown_option_with_optimizer():
    with pytest.raises(TypeError, match="'centred'"):
        rmsprop.RMSprop([np.ones(2)], optimizer=rmsprop.rmsprop(0.1), centred=True)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"learning_rate": -0.1}, ValueError, "learning rate"),
        ({"decay": 1.0}, ValueError, "decay"),
        ({"eps": 0.0}, ValueError, "eps"),
        ({"nesterov": True}, ValueError, "nesterov"),
        ({"centered": "yes"}, TypeError, "centered"),
    ],
)
def test_bad_option_values(kwargs, error, words):
    with pytest.raises(error, match=words):
        rmsprop.RMSprop([np.ones(2)], **kwargs)


def test_a_format_1_state_dict_with_the_old_field_names_still_loads():
    params = fresh(np.float64)
    opt = rmsprop.RMSprop(params, 0.01, centered=True, momentum=0.9)
    _run(opt, params, 3)
    saved = opt.state_dict()
    renamed = {"count": "count", "e": "nu", "m": "mu", "b": "momentum"}
    old = {"format": 1, "settings": saved["settings"], "state": {renamed[k]: v for k, v in saved["state"].items()}}
    copies, twin_copies = [p.copy() for p in params], [p.copy() for p in params]
    resumed = rmsprop.RMSprop(copies, 0.01, centered=True, momentum=0.9)
    twin = rmsprop.RMSprop(twin_copies, 0.01, centered=True, momentum=0.9)
    resumed.load_state_dict(old)
    twin.load_state_dict(saved)
    for _ in range(3):
        resumed.step(grads_for(copies))
        twin.step(grads_for(twin_copies))
    for a, b in zip(copies, twin_copies):
        np.testing.assert_array_equal(a, b)
