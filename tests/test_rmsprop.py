"""The functional update rule against the plain-Python reference of tests/reference.py."""

import math

import numpy as np
import pytest
from reference import SEED_X1, SEED_X2, rmsprop_loop

import rmsprop
from rmsprop import schedules

RNG = np.random.default_rng(20261127)
A = RNG.standard_normal((4, 4))
A = A @ A.T + 0.5 * np.eye(4)
B = RNG.standard_normal(4)
X0 = np.array([1.5, -2.0, 0.75, 3.0])


def problem_grad(x):
    """Gradient of 0.5 x'Ax - b'x + 0.025 sum x^4: a smooth, non-quadratic test problem."""
    x = np.asarray(x, dtype=float)
    return A @ x - B + 0.1 * x**3


# Labelled variants, in the manner of PyTorch's optimizer tests.
VARIANTS = [
    ("seed defaults", {}),
    ("eps outside sqrt", {"eps_in_sqrt": False}),
    ("initial_scale 1 (TF1)", {"initial_scale": 1.0, "eps": 1e-10}),
    ("centered", {"centered": True}),
    ("centered, eps outside", {"centered": True, "eps_in_sqrt": False}),
    ("momentum", {"momentum": 0.9}),
    ("nesterov", {"momentum": 0.9, "nesterov": True}),
    ("momentum, lr inside", {"momentum": 0.9, "lr_inside_momentum": True}),
    ("nesterov, lr inside", {"momentum": 0.5, "nesterov": True, "lr_inside_momentum": True}),
    ("coupled weight decay", {"weight_decay": 0.1}),
    ("decoupled weight decay", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("maximize", {"maximize": True}),
    ("bias correction", {"bias_correction": True}),
    ("centered, bias correction", {"centered": True, "bias_correction": True}),
    ("clip by value", {"clip_value": 0.5}),
    (
        "everything",
        {
            "centered": True,
            "momentum": 0.8,
            "nesterov": True,
            "weight_decay": 0.01,
            "bias_correction": True,
            "clip_value": 3.0,
            "eps_in_sqrt": False,
        },
    ),
    ("step schedule", {"schedule": schedules.step_decay(0.05, step_size=7, gamma=0.5)}),
    (
        "cosine schedule, lr inside momentum",
        {"schedule": schedules.cosine_decay(0.05, 20, alpha=0.1), "momentum": 0.9, "lr_inside_momentum": True},
    ),
]
NORM_VARIANTS = [
    ("clip by norm", {"clip_norm": 1.0}),
    ("clip by global norm", {"global_clip_norm": 2.0}),
]


def run_ours(steps, lr=0.02, decay=0.9, eps=1e-8, dtype=np.float64, **options):
    schedule = options.pop("schedule", None)
    opt = rmsprop.rmsprop(schedule if schedule is not None else lr, decay, eps, **options)
    x = X0.astype(dtype)
    state = opt.init(x)
    path = [x]
    for _ in range(steps):
        updates, state = opt.update(problem_grad(x).astype(dtype), state, x)
        x = rmsprop.apply_updates(x, updates)
        path.append(x)
    return np.array(path), state


def run_reference(steps, lr=0.02, decay=0.9, eps=1e-8, **options):
    return np.array(rmsprop_loop(lambda xs: problem_grad(xs).tolist(), X0, steps, lr, decay, eps, **options))


@pytest.mark.parametrize("desc, options", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_every_option_equals_reference_bit_for_bit(desc, options):
    ours, _ = run_ours(40, **dict(options))
    expected = run_reference(40, **dict(options))
    assert np.isfinite(ours).all()
    np.testing.assert_array_equal(ours, expected)


@pytest.mark.parametrize("desc, options", NORM_VARIANTS, ids=[v[0] for v in NORM_VARIANTS])
def test_norm_clipping_equals_reference(desc, options):
    # The norm is a sum: NumPy's pairwise sum and math.fsum may differ in the last bit.
    ours, _ = run_ours(40, **options)
    expected = run_reference(40, **options)
    np.testing.assert_allclose(ours, expected, rtol=1e-13, atol=0)
    assert not np.array_equal(run_ours(40)[0], ours), "the clipping must have acted"


@pytest.mark.parametrize("desc, options", VARIANTS[:12], ids=[v[0] for v in VARIANTS[:12]])
def test_float32_stays_float32_and_tracks_reference(desc, options):
    ours, state = run_ours(10, dtype=np.float32, **dict(options))
    assert ours.dtype == np.float32
    for leaf in (state.e, state.m, state.b):
        assert leaf is None or leaf.dtype == np.float32
    expected = run_reference(10, **dict(options))
    np.testing.assert_allclose(ours, expected, rtol=2e-5, atol=2e-6)


def test_seed_run_through_the_functional_api():
    opt = rmsprop.rmsprop(0.1, decay=0.9, eps=1e-8)
    x = np.array([-4.0, 3.0])
    state = opt.init(x)
    for _ in range(50):
        updates, state = opt.update(np.array([10.0 * x[0], 14.0 * x[1]]), state)
        x = rmsprop.apply_updates(x, updates)
    assert x[0] == SEED_X1 and x[1] == SEED_X2
    assert state.count == 50 and state.m is None and state.b is None


def test_update_is_pure():
    opt = rmsprop.rmsprop(0.1, centered=True, momentum=0.9)
    x = np.array([1.0, -2.0])
    state = opt.init(x)
    g = np.array([0.5, 0.25])
    _, state = opt.update(g, state, x)
    snapshot = [a.copy() for a in (state.e, state.m, state.b, g, x)]
    first, _ = opt.update(g, state, x)
    second, _ = opt.update(g, state, x)
    for before, after in zip(snapshot, (state.e, state.m, state.b, g, x)):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(first, second)


def test_state_fields_take_the_rules_letters_and_the_old_names_warn():
    opt = rmsprop.rmsprop(0.1, centered=True, momentum=0.9)
    state = opt.init(np.array([1.0, -2.0]))
    assert state._fields == ("count", "e", "m", "b")
    for old, new in (("nu", "e"), ("mu", "m"), ("momentum", "b")):
        with pytest.warns(DeprecationWarning, match=f"RMSpropState.{old} is deprecated; use RMSpropState.{new}"):
            assert getattr(state, old) is getattr(state, new)
    with pytest.warns(DeprecationWarning, match="RMSpropState.nu is deprecated"):
        built = rmsprop.RMSpropState(count=1, nu=state.e, m=state.m, b=state.b)
    assert built == (1, state.e, state.m, state.b) and type(built) is rmsprop.RMSpropState
    with pytest.raises(TypeError, match="both 'e' and its deprecated alias 'nu'"), pytest.warns(DeprecationWarning):
        rmsprop.RMSpropState(count=1, e=state.e, nu=state.e, m=None, b=None)
    # a state built with the old names steps on as one built by init
    with pytest.warns(DeprecationWarning):
        old = rmsprop.RMSpropState(count=0, nu=state.e.copy(), mu=state.m.copy(), momentum=state.b.copy())
    g = np.array([0.5, 0.25])
    np.testing.assert_array_equal(opt.update(g, old)[0], opt.update(g, state)[0])


def test_trees_of_arrays_are_updated_leaf_by_leaf():
    params = {"w": np.ones((2, 3)), "b": [np.zeros(3), np.full((), 2.0)]}
    grads = {"w": np.full((2, 3), 0.5), "b": [np.arange(3.0), np.full((), -1.0)]}
    opt = rmsprop.rmsprop(0.1)
    state = opt.init(params)
    updates, state = opt.update(grads, state)
    new = rmsprop.apply_updates(params, updates)
    assert set(new) == {"w", "b"} and isinstance(new["b"], list)
    for p, g, out in [
        (params["w"], grads["w"], new["w"]),
        (params["b"][0], grads["b"][0], new["b"][0]),
        (params["b"][1], grads["b"][1], new["b"][1]),
    ]:
        expected = [p_ - 0.1 * g_ / math.sqrt((1 - 0.9) * (g_ * g_) + 1e-8) for p_, g_ in zip(p.ravel(), g.ravel())]
        np.testing.assert_array_equal(out.ravel(), expected)
        assert out.shape == p.shape
    assert isinstance(rmsprop.apply_updates((np.ones(1),), (np.ones(1),)), tuple)


def test_global_norm_spans_all_arrays():
    params = [np.array([3.0]), np.array([4.0])]
    opt = rmsprop.rmsprop(0.1, global_clip_norm=1.0)
    state = opt.init(params)
    _, state = opt.update([np.array([3.0]), np.array([4.0])], state)
    # The global norm is 5, so the gradients become 0.6 and 0.8 before they are squared.
    np.testing.assert_allclose([state.e[0][0], state.e[1][0]], [0.1 * 0.36, 0.1 * 0.64], rtol=1e-15)


def test_complex_parameters_use_squared_modulus():
    opt = rmsprop.rmsprop(0.1)
    x = np.array([1.0 + 1.0j], dtype=np.complex64)
    state = opt.init(x)
    assert state.e.dtype == np.float32
    updates, state = opt.update(np.array([3.0 + 4.0j], dtype=np.complex64), state)
    assert updates.dtype == np.complex64
    np.testing.assert_allclose(state.e, [0.1 * 25.0], rtol=1e-6)
    np.testing.assert_allclose(updates, [-0.1 * (3 + 4j) / math.sqrt(2.5 + 1e-8)], rtol=1e-6)


def test_empty_and_zero_dimensional_arrays():
    opt = rmsprop.rmsprop(0.1)
    for x in (np.zeros((0, 3)), np.array(2.0)):
        state = opt.init(x)
        updates, state = opt.update(np.ones_like(x), state)
        assert updates.shape == x.shape


def test_gradient_in_other_precision_is_cast_to_the_state():
    opt = rmsprop.rmsprop(0.1)
    state = opt.init(np.ones(3, dtype=np.float32))
    updates, state = opt.update(np.ones(3, dtype=np.float64), state)
    assert updates.dtype == np.float32 and state.e.dtype == np.float32


def test_settings_are_recorded():
    opt = rmsprop.rmsprop(0.1, centered=True)
    assert opt.settings["learning_rate"] == 0.1 and opt.settings["centered"] is True


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"learning_rate": -1.0}, ValueError, "Invalid learning rate: -1.0; allowed: [0, inf)"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate must be finite"),
        ({"learning_rate": "0.1"}, TypeError, "learning_rate must be a real number"),
        ({"learning_rate": 0.1, "decay": 1.0}, ValueError, "Invalid decay: 1.0; allowed: [0, 1)"),
        ({"learning_rate": 0.1, "decay": -0.1}, ValueError, "Invalid decay"),
        ({"learning_rate": 0.1, "eps": 0.0}, ValueError, "Invalid eps: 0.0; allowed: (0, inf)"),
        ({"learning_rate": 0.1, "eps": -1e-8, "initial_scale": 1.0}, ValueError, "allowed: [0, inf)"),
        ({"learning_rate": 0.1, "momentum": 1.0}, ValueError, "Invalid momentum"),
        ({"learning_rate": 0.1, "nesterov": True}, ValueError, "nesterov=True needs momentum > 0"),
        ({"learning_rate": 0.1, "decoupled_weight_decay": True}, ValueError, "needs weight_decay > 0"),
        ({"learning_rate": 0.1, "weight_decay": -0.1}, ValueError, "Invalid weight_decay"),
        ({"learning_rate": 0.1, "clip_norm": 0.0}, ValueError, "Invalid clip_norm"),
        ({"learning_rate": 0.1, "centered": "yes"}, TypeError, "centered must be True or False"),
        ({"learning_rate": 0.1, "centred": True}, TypeError, "centred"),
    ],
)
def test_bad_hyperparameters(kwargs, error, words):
    with pytest.raises(error, match=None) as info:
        rmsprop.rmsprop(**kwargs)
    assert words in str(info.value)
    assert "\n" not in str(info.value)


def test_bad_params_and_grads():
    opt = rmsprop.rmsprop(0.1)
    with pytest.raises(TypeError, match="floating-point"):
        opt.init(np.array([1, 2]))
    with pytest.raises(ValueError, match="empty"):
        opt.init([])
    state = opt.init([np.ones(2), np.ones(3)])
    with pytest.raises(ValueError, match=r"grads\[1\] has shape \(2,\) but its parameter has shape \(3,\)"):
        opt.update([np.ones(2), np.ones(2)], state)
    with pytest.raises(ValueError, match="structure"):
        opt.update([np.ones(2)], state)
    decayed = rmsprop.rmsprop(0.1, weight_decay=0.1)
    with pytest.raises(ValueError, match="weight_decay needs the parameters"):
        decayed.update(np.ones(2), decayed.init(np.ones(2)))
    with pytest.raises(ValueError, match="same structure"):
        rmsprop.apply_updates([np.ones(2)], (np.ones(2),))


def test_schedule_that_returns_a_bad_rate():
    opt = rmsprop.rmsprop(lambda t: -0.1)
    with pytest.raises(ValueError, match="learning rate from the schedule at step 0"):
        opt.update(np.ones(1), opt.init(np.ones(1)))
