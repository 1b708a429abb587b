"""The baseline optimizers against their published equations (tests/reference_baselines.py) and PyTorch."""

import numpy as np
import problems
import pytest
import reference_baselines as reference

import rmsprop
from rmsprop import baselines, schedules

RNG = np.random.default_rng(20261127)
A = RNG.standard_normal((4, 4))
A = A @ A.T + 0.5 * np.eye(4)
B = RNG.standard_normal(4)
X0 = np.array([1.5, -2.0, 0.75, 3.0])
STEPS = 100


def problem_grad(x):
    """Gradient of 0.5 x'Ax - b'x + 0.025 sum x^4: a smooth, non-quadratic test problem."""
    x = np.asarray(x, dtype=float)
    return A @ x - B + 0.1 * x**3


# (label, name, library settings, reference settings); every case moves x0 by more than 1 in 100 steps.
VARIANTS = [
    ("sgd", "sgd", {"learning_rate": 0.02}, {"lr": 0.02}),
    ("momentum", "momentum", {"learning_rate": 0.01}, {"lr": 0.01}),
    ("momentum 0.5", "momentum", {"learning_rate": 0.02, "momentum": 0.5}, {"lr": 0.02, "mu": 0.5}),
    ("nesterov", "nesterov", {"learning_rate": 0.01}, {"lr": 0.01}),
    ("nesterov 0.5", "nesterov", {"learning_rate": 0.02, "momentum": 0.5}, {"lr": 0.02, "mu": 0.5}),
    ("adagrad", "adagrad", {"learning_rate": 0.3}, {"lr": 0.3}),
    (
        "adagrad, s0 = 0.1, eps = 0",
        "adagrad",
        {"learning_rate": 0.3, "initial_accumulator_value": 0.1, "eps": 0.0},
        {"lr": 0.3, "initial_accumulator_value": 0.1, "eps": 0.0},
    ),
    ("adadelta defaults", "adadelta", {}, {}),
    ("adadelta", "adadelta", {"learning_rate": 0.5, "rho": 0.95, "eps": 1e-4}, {"lr": 0.5, "rho": 0.95, "eps": 1e-4}),
    ("adam", "adam", {"learning_rate": 0.05}, {"lr": 0.05}),
    (
        "adam b1 = 0",
        "adam",
        {"learning_rate": 0.05, "b1": 0.0, "b2": 0.99, "eps": 1e-6},
        {"lr": 0.05, "b1": 0.0, "b2": 0.99, "eps": 1e-6},
    ),
    ("amsgrad", "amsgrad", {"learning_rate": 0.05}, {"lr": 0.05}),
    (
        "amsgrad, the paper's eps = 0, b2 = 0.5",
        "amsgrad",
        {"learning_rate": 0.05, "b1": 0.5, "b2": 0.5, "eps": 0.0},
        {"lr": 0.05, "b1": 0.5, "b2": 0.5, "eps": 0.0},
    ),
    (
        "amsgrad, PyTorch's bias correction",
        "amsgrad",
        {"learning_rate": 0.05, "b2": 0.99, "bias_correction": True},
        {"lr": 0.05, "b2": 0.99, "bias_correction": True},
    ),
    (
        "amsgrad, inverse sqrt schedule",
        "amsgrad",
        {"learning_rate": schedules.inverse_sqrt_decay(0.2), "b1": 0.0, "b2": 0.99},
        {"lr": schedules.inverse_sqrt_decay(0.2), "b1": 0.0, "b2": 0.99},
    ),
    (
        "sgd, step schedule",
        "sgd",
        {"learning_rate": schedules.step_decay(0.03, step_size=7, gamma=0.5)},
        {"lr": schedules.step_decay(0.03, step_size=7, gamma=0.5)},
    ),
    (
        "momentum, cosine schedule",
        "momentum",
        {"learning_rate": schedules.cosine_decay(0.02, 60, alpha=0.1)},
        {"lr": schedules.cosine_decay(0.02, 60, alpha=0.1)},
    ),
    (
        "adam, warmup",
        "adam",
        {"learning_rate": schedules.linear_warmup(0.1, 10)},
        {"lr": schedules.linear_warmup(0.1, 10)},
    ),
    (
        "adadelta, exponential decay",
        "adadelta",
        {"learning_rate": schedules.exponential_decay(2.0, 0.5, 50), "eps": 1e-4},
        {"lr": schedules.exponential_decay(2.0, 0.5, 50), "eps": 1e-4},
    ),
]
IDS = [v[0] for v in VARIANTS]


def run_ours(opt, steps=STEPS, dtype=np.float64):
    x = X0.astype(dtype)
    state = opt.init(x)
    path = [x]
    for _ in range(steps):
        updates, state = opt.update(problem_grad(x).astype(dtype), state, x)
        x = rmsprop.apply_updates(x, updates)
        path.append(x)
    return np.array(path), state


def run_reference(name, steps=STEPS, **settings):
    return np.array(getattr(reference, name)(lambda xs: problem_grad(xs).tolist(), X0, steps, **settings))


@pytest.mark.parametrize("label, name, ours, theirs", VARIANTS, ids=IDS)
def test_each_baseline_equals_its_equations_bit_for_bit(label, name, ours, theirs):
    path, state = run_ours(baselines.get(name, **ours))
    expected = run_reference(name, **theirs)
    assert np.isfinite(path).all() and np.abs(path[-1] - X0).max() > 0.3, "the run must go somewhere"
    np.testing.assert_array_equal(path, expected)
    assert state.count == STEPS


@pytest.mark.parametrize("label, name, ours, theirs", VARIANTS[:15], ids=IDS[:15])
def test_float32_stays_float32_and_tracks_the_equations(label, name, ours, theirs):
    path, state = run_ours(baselines.get(name, **ours), steps=10, dtype=np.float32)
    assert path.dtype == np.float32
    for tree in state[1:]:
        assert tree.dtype == np.float32
    updates, _ = baselines.get(name, **ours).update(np.ones(4, np.float32), state, path[-1])
    assert updates.dtype == np.float32
    np.testing.assert_allclose(path, run_reference(name, steps=10, **theirs), rtol=1e-5, atol=1e-5)


# (label, name, our settings, torch optimizer and its arguments); rates keep 100 steps on problems.py tame.
TORCH_CASES = [
    ("sgd", "sgd", {"learning_rate": 1e-3}, "SGD", {}),
    ("momentum", "momentum", {"learning_rate": 1e-4, "momentum": 0.9}, "SGD", {"momentum": 0.9}),
    ("nesterov", "nesterov", {"learning_rate": 1e-4, "momentum": 0.9}, "SGD", {"momentum": 0.9, "nesterov": True}),
    ("adagrad", "adagrad", {"learning_rate": 0.05}, "Adagrad", {}),
    (
        "adagrad s0=0.1",
        "adagrad",
        {"learning_rate": 0.05, "eps": 1e-8, "initial_accumulator_value": 0.1},
        "Adagrad",
        {"eps": 1e-8, "initial_accumulator_value": 0.1},
    ),
    ("adadelta", "adadelta", {"learning_rate": 1.0}, "Adadelta", {}),
    (
        "adadelta rho=0.95",
        "adadelta",
        {"learning_rate": 0.5, "rho": 0.95, "eps": 1e-5},
        "Adadelta",
        {"rho": 0.95, "eps": 1e-5},
    ),
    ("adam", "adam", {"learning_rate": 0.01}, "Adam", {}),
    (
        "adam b1=0.8",
        "adam",
        {"learning_rate": 0.01, "b1": 0.8, "b2": 0.99, "eps": 1e-6},
        "Adam",
        {"betas": (0.8, 0.99), "eps": 1e-6},
    ),
    ("amsgrad", "amsgrad", {"learning_rate": 0.01, "bias_correction": True}, "Adam", {"amsgrad": True}),
    (
        "amsgrad b1=0.8",
        "amsgrad",
        {"learning_rate": 0.01, "b1": 0.8, "b2": 0.99, "eps": 1e-6, "bias_correction": True},
        "Adam",
        {"betas": (0.8, 0.99), "eps": 1e-6, "amsgrad": True},
    ),
]


@pytest.mark.parametrize("schedule", ["constant", "step"])
@pytest.mark.parametrize("label, name, ours, torch_name, theirs", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_against_torch(label, name, ours, torch_name, theirs, schedule):
    torch = pytest.importorskip("torch")
    ours = dict(ours)
    lr = ours.pop("learning_rate")
    params = [torch.tensor(a, dtype=torch.float64) for a in problems.start(np.float64)]
    opt = getattr(torch.optim, torch_name)(params, lr=lr, **theirs)
    scheduler, rate = None, lr
    if schedule == "step":
        scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=30, gamma=0.5)
        rate = schedules.step_decay(lr, step_size=30, gamma=0.5)
    flavor = baselines.get(name, learning_rate=rate, **ours)
    x = problems.start(np.float64)
    state = flavor.init(x)
    worst = 0.0
    for _ in range(STEPS):
        for p, g in zip(params, problems.grads([p.numpy() for p in params])):
            p.grad = torch.from_numpy(g)
        opt.step()
        if scheduler is not None:
            scheduler.step()
        updates, state = flavor.update(problems.grads(x), state, x)
        x = rmsprop.apply_updates(x, updates)
        worst = max(worst, problems.relative_deviation(x, [p.numpy() for p in params]))
    assert problems.relative_deviation(x, problems.start()) > 0.1, "the run must go somewhere"
    assert worst <= 1e-12, f"relative deviation {worst:.3g}"


@pytest.mark.parametrize("name", baselines.names())
def test_every_optimizer_works_through_minimize_and_the_stateful_class(name):
    opt = baselines.get(name, learning_rate=0.01)
    seed = rmsprop.objectives.get("seed")
    result = rmsprop.minimize(seed, [-4.0, 3.0], optimizer=opt, maxiter=30, gtol=0)
    assert result.nit == 30 and result.settings == dict(opt.settings) and result.settings["name"] == name
    # The stateful class steps in lockstep with the functional run, in place.
    x = np.array([-4.0, 3.0])
    stateful = rmsprop.RMSprop([x], optimizer=opt)
    for _ in range(30):
        stateful.step([seed.grad(x)])
    np.testing.assert_array_equal(x, result.x)
    # ... and it can be saved and resumed.
    saved = stateful.state_dict()
    y = x.copy()
    resumed = rmsprop.RMSprop([y], optimizer=baselines.get(**opt.settings))
    resumed.load_state_dict(saved)
    for _ in range(5):
        stateful.step([seed.grad(x)])
        resumed.step([seed.grad(y)])
    np.testing.assert_array_equal(x, y)


def test_minimize_with_adam_as_in_the_docs():
    result = rmsprop.minimize(rmsprop.objectives.get("seed"), [-4.0, 3.0], optimizer=baselines.adam(0.1), maxiter=500)
    assert result.success and result.settings["name"] == "adam"
    assert isinstance(result.state, baselines.AdamState) and result.state.count == result.nit


@pytest.mark.parametrize("opt", [baselines.momentum(1e-3, 0.9), baselines.adam(0.1)], ids=["momentum", "adam"])
def test_rosenbrock_is_minimised_from_the_classic_start(opt):
    result = rmsprop.minimize(rmsprop.objectives.get("rosenbrock"), [-1.2, 1.0], optimizer=opt, maxiter=2000)
    assert result.fun < 1e-4
    np.testing.assert_allclose(result.x, [1.0, 1.0], atol=0.02)


@pytest.mark.parametrize("name", baselines.names())
def test_trees_step_leaf_by_leaf(name):
    """The rules are elementwise: a tree steps exactly as the concatenation of its leaves."""
    opt = baselines.get(name, learning_rate=0.05)
    params = {"w": np.linspace(-1.0, 1.0, 6).reshape(2, 3), "b": [np.array([0.5, -0.25, 2.0]), np.array(1.5)]}
    flat = np.concatenate([params["b"][0], params["b"][1].ravel(), params["w"].ravel()])  # dict keys in sorted order
    tree_state, flat_state = opt.init(params), opt.init(flat)
    for _ in range(5):
        grads = {"w": params["w"] ** 3, "b": [np.sin(params["b"][0]), params["b"][1] - 1.0]}
        updates, tree_state = opt.update(grads, tree_state, params)
        params = rmsprop.apply_updates(params, updates)
        flat_grads = np.concatenate([np.sin(flat[:3]), flat[3:4] - 1.0, flat[4:] ** 3])
        flat_updates, flat_state = opt.update(flat_grads, flat_state, flat)
        flat = rmsprop.apply_updates(flat, flat_updates)
    assert set(params) == {"w", "b"} and isinstance(params["b"], list) and params["b"][1].shape == ()
    np.testing.assert_array_equal(np.concatenate([params["b"][0], params["b"][1].ravel(), params["w"].ravel()]), flat)


@pytest.mark.parametrize("name", list(baselines.BASELINES))
def test_update_is_pure(name):
    opt = baselines.get(name, learning_rate=0.1)
    x = np.array([1.0, -2.0])
    g = np.array([0.5, 0.25])
    _, state = opt.update(g, opt.init(x), x)
    snapshot = [np.copy(a) for a in (*state[1:], g, x)]
    first, _ = opt.update(g, state, x)
    second, _ = opt.update(g, state, x)
    for before, after in zip(snapshot, (*state[1:], g, x)):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(first, second)


def test_settings_name_the_optimizer_and_its_arguments():
    assert baselines.sgd(0.1).settings == {"name": "sgd", "learning_rate": 0.1}
    assert baselines.momentum(0.1).settings == {"name": "momentum", "learning_rate": 0.1, "momentum": 0.9}
    assert baselines.nesterov(0.1, 0.5).settings == {"name": "nesterov", "learning_rate": 0.1, "momentum": 0.5}
    assert baselines.adagrad(0.1).settings == {
        "name": "adagrad",
        "learning_rate": 0.1,
        "eps": 1e-10,
        "initial_accumulator_value": 0.0,
    }
    assert baselines.adadelta().settings == {"name": "adadelta", "learning_rate": 1.0, "rho": 0.9, "eps": 1e-6}
    assert baselines.adam().settings == {"name": "adam", "learning_rate": 0.001, "b1": 0.9, "b2": 0.999, "eps": 1e-8}
    assert baselines.amsgrad(eps=0).settings == {
        "name": "amsgrad",
        "learning_rate": 0.001,
        "b1": 0.9,
        "b2": 0.999,
        "eps": 0.0,
        "bias_correction": False,
    }
    schedule = schedules.cosine_decay(0.1, 10)
    assert baselines.adam(schedule).settings["learning_rate"] is schedule


def test_registry():
    assert baselines.names() == ("rmsprop", "sgd", "momentum", "nesterov", "adagrad", "adadelta", "adam", "amsgrad")
    assert tuple(baselines.BASELINES) == baselines.names()[1:]
    assert baselines.OPTIMIZERS["rmsprop"] is rmsprop.rmsprop
    for name in baselines.names():
        opt = baselines.get(name, learning_rate=0.1)
        assert opt.settings["name"] == name
        assert baselines.get(**opt.settings).settings == opt.settings
    assert baselines.get("adadelta").settings["learning_rate"] == 1.0
    with pytest.raises(TypeError):
        baselines.BASELINES["mine"] = baselines.sgd  # read-only


@pytest.mark.parametrize(
    "call, error, words",
    [
        (
            lambda: baselines.get("adamw"),
            ValueError,
            "unknown optimizer 'adamw'; choose one of: rmsprop, sgd, momentum, nesterov, adagrad, adadelta, adam, amsgrad",
        ),
        (lambda: baselines.get(3), TypeError, "optimizer name must be a str"),
        (
            lambda: baselines.get("adam", lr=0.1),
            TypeError,
            "get('adam') got unknown option 'lr'; allowed: b1, b2, eps, learning_rate",
        ),
        (lambda: baselines.get("sgd"), TypeError, "get('sgd') needs learning_rate"),
        (lambda: baselines.sgd(-0.1), ValueError, "Invalid learning rate: -0.1; allowed: [0, inf)"),
        (lambda: baselines.sgd("0.1"), TypeError, "learning_rate must be a real number"),
        (lambda: baselines.adam(float("nan")), ValueError, "learning_rate must be finite"),
        (lambda: baselines.momentum(0.1, 1.0), ValueError, "Invalid momentum: 1.0; allowed: [0, 1)"),
        (lambda: baselines.nesterov(0.1, -0.1), ValueError, "Invalid momentum: -0.1; allowed: [0, 1)"),
        (lambda: baselines.momentum(0.1, True), TypeError, "momentum must be a real number"),
        (lambda: baselines.adagrad(0.1, eps=0.0), ValueError, "Invalid eps: 0.0; allowed: (0, inf)"),
        (
            lambda: baselines.adagrad(0.1, eps=-1.0, initial_accumulator_value=0.1),
            ValueError,
            "Invalid eps: -1.0; allowed: [0, inf)",
        ),
        (
            lambda: baselines.adagrad(0.1, initial_accumulator_value=-0.1),
            ValueError,
            "Invalid initial_accumulator_value: -0.1; allowed: [0, inf)",
        ),
        (lambda: baselines.adadelta(rho=1.0), ValueError, "Invalid rho: 1.0; allowed: [0, 1)"),
        (lambda: baselines.adadelta(eps=0.0), ValueError, "Invalid eps: 0.0; allowed: (0, inf)"),
        (lambda: baselines.adam(b1=1.0), ValueError, "Invalid b1: 1.0; allowed: [0, 1)"),
        (lambda: baselines.adam(b2=-0.5), ValueError, "Invalid b2: -0.5; allowed: [0, 1)"),
        (lambda: baselines.adam(eps=0.0), ValueError, "Invalid eps: 0.0; allowed: (0, inf)"),
        (lambda: baselines.adam(b1=None), TypeError, "b1 must be a real number"),
        (lambda: baselines.amsgrad(b2=1.0), ValueError, "Invalid b2: 1.0; allowed: [0, 1)"),
        (lambda: baselines.amsgrad(eps=-1e-8), ValueError, "Invalid eps: -1e-08; allowed: [0, inf)"),
        (lambda: baselines.amsgrad(bias_correction=1), TypeError, "bias_correction"),
    ],
)
def test_bad_arguments(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
    assert "\n" not in str(info.value)


def test_bad_params_grads_and_states():
    opt = baselines.adam(0.1)
    with pytest.raises(TypeError, match="floating-point"):
        opt.init(np.array([1, 2]))
    with pytest.raises(ValueError, match="empty"):
        opt.init([])
    with pytest.raises(TypeError, match=r"adam takes real parameters; params\[0\] is complex128"):
        opt.init(np.ones(2, dtype=complex))
    state = opt.init([np.ones(2), np.ones(3)])
    with pytest.raises(ValueError, match=r"grads\[1\] has shape \(2,\) but its parameter has shape \(3,\)"):
        opt.update([np.ones(2), np.ones(2)], state)
    with pytest.raises(ValueError, match="structure"):
        opt.update([np.ones(2)], state)
    with pytest.raises(TypeError, match=r"grads\[0\] is complex but its parameter is real"):
        opt.update([np.ones(2, dtype=complex), np.ones(3)], state)
    with pytest.raises(TypeError, match="adam's update needs the AdamState made by its init; got MomentumState"):
        opt.update(np.ones(2), baselines.momentum(0.1).init(np.ones(2)))
    with pytest.raises(ValueError, match="learning rate from the schedule at step 0"):
        bad = baselines.sgd(lambda t: -0.1)
        bad.update(np.ones(1), bad.init(np.ones(1)))
    sgd = baselines.sgd(0.1)
    with pytest.raises(ValueError, match=r"grads\[0\] has shape \(3,\) but its parameter has shape \(2,\)"):
        sgd.update(np.ones(3), sgd.init(np.ones(2)), np.ones(2))


def test_sgd_casts_to_the_parameters_when_it_sees_them():
    sgd = baselines.sgd(0.5)
    x = np.ones(2, dtype=np.float32)
    updates, state = sgd.update(np.ones(2), sgd.init(x), x)
    assert updates.dtype == np.float32 and state == baselines.SGDState(1)
    updates, _ = sgd.update(np.ones(2), sgd.init(x))
    assert updates.dtype == np.float64  # without params, the gradients' dtype; apply_updates casts back


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov"])
def test_linear_rules_take_complex_parameters(name):
    opt = baselines.get(name, learning_rate=0.1)
    x = np.array([1.0 + 1.0j, -2.0j])
    updates, state = opt.update(np.array([1.0j, 2.0]), opt.init(x), x)
    expected = -0.1 * np.array([1.0j, 2.0]) * (1.9 if name == "nesterov" else 1.0)  # b = g after one step
    np.testing.assert_allclose(updates, expected, rtol=1e-15)
    assert updates.dtype == np.complex128 and (state.count == 1)


def test_amsgrad_keeps_the_largest_v_where_adam_forgets_it():
    """Reddi et al. (2018), Section 4: v_max never falls, so after a large gradient the steps stay small.

    The closed form with b1 = 0, b2 = 0.5, eps = 0: a gradient 10 then 1, 1: v = 50, 25.5, 13.25 and
    v_max = 50, so the steps are lr 10 / sqrt(50), then lr / sqrt(50) twice; Adam would take lr / sqrt(v_hat).
    """
    opt = baselines.amsgrad(0.1, b1=0.0, b2=0.5, eps=0.0)
    state = opt.init(np.zeros(1))
    steps = []
    for g in (10.0, 1.0, 1.0):
        update, state = opt.update(np.array([g]), state)
        steps.append(float(update[0]))
    assert steps == [-(0.1 * 10.0) / np.sqrt(50.0), -(0.1 * 1.0) / np.sqrt(50.0), -(0.1 * 1.0) / np.sqrt(50.0)]
    assert state.nu.tolist() == [13.25] and state.nu_max.tolist() == [50.0]
