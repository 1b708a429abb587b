"""minimize_many: every row is the single run of minimize, bit for bit, on both engines."""

import dataclasses
import math

import numpy as np
import pytest
from reference import SEED_X1, SEED_X2, SEED_Y

import rmsprop
from rmsprop import objectives, schedules

ENGINES = ["numba", "numpy"]


@pytest.fixture(params=ENGINES)
def engine(request, monkeypatch):
    """Run the test on the compiled engine (where Numba is installed) and on the NumPy one."""
    if request.param == "numba":
        pytest.importorskip("numba")
        monkeypatch.delenv("RMSPROP_DISABLE_JIT", raising=False)
    else:
        monkeypatch.setenv("RMSPROP_DISABLE_JIT", "1")
    return request.param


def starts(count, dim=2, low=-3.0, high=3.0, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).uniform(low, high, (count, dim)).astype(dtype)


def per_run(values, i):
    """The value of run ``i`` of a setting: an array's entry, or the shared scalar."""
    return values[i] if np.ndim(values) else values


def single_runs(objective, x0s, learning_rate=None, decay=None, eps=None, **kwargs):
    return [
        rmsprop.minimize(
            objective,
            x0s[i],
            learning_rate=per_run(learning_rate, i),
            decay=per_run(decay, i),
            eps=per_run(eps, i),
            **kwargs,
        )
        for i in range(len(x0s))
    ]


def assert_rows_are_single_runs(result, singles, trajectories=False):
    assert result.x.shape == (len(singles), singles[0].x.size)
    for i, single in enumerate(singles):
        assert np.array_equal(result.x[i], single.x), i
        assert result.x.dtype == single.x.dtype and result.jac.dtype == single.jac.dtype
        assert result.fun[i] == single.fun, i
        assert np.array_equal(result.jac[i], single.jac), i
        assert (result.nit[i], result.status[i], result.success[i]) == (single.nit, single.status, single.success), i
        assert (result.nfev[i], result.njev[i]) == (single.nfev, single.njev), i
        assert result.message[i] == single.message, i
        if trajectories:
            end = single.nit + 1
            assert np.array_equal(result.path_x[i, :end], single.path_x), i
            assert np.array_equal(result.path_fun[i, :end], single.path_fun), i
            assert np.isnan(result.path_x[i, end:]).all() and np.isnan(result.path_fun[i, end:]).all()


def assert_rows_are_close(result, singles, rtol, exact_steps=False):
    """Rows within ``rtol`` of the single runs (the same iterates when ``exact_steps``; only ``fun`` may differ)."""
    for i, single in enumerate(singles):
        assert result.nit[i] == single.nit and result.status[i] == single.status
        np.testing.assert_allclose(result.fun[i], single.fun, rtol=rtol)
        compare = (
            np.testing.assert_array_equal
            if exact_steps
            else (lambda a, b: np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol))
        )
        compare(result.x[i], single.x)
        compare(result.jac[i], single.jac)


def test_the_seed_documents_run():
    result = rmsprop.minimize_many(
        objectives.get("seed"), [[-4.0, 3.0]], learning_rate=0.1, decay=0.9, eps=1e-8, maxiter=50, gtol=0
    )
    assert result.x[0].tolist() == [SEED_X1, SEED_X2] and result.fun[0] == SEED_Y


def test_seed_with_a_setting_per_run(engine):
    runs = 40
    rng = np.random.default_rng(1)
    lr, decay, eps = rng.uniform(0.01, 0.3, runs), rng.uniform(0.5, 0.99, runs), 10.0 ** rng.uniform(-10, -3, runs)
    x0s = starts(runs, low=-5.0, high=5.0)
    x0s[3] = 0.0  # converged at the start: no step
    result = rmsprop.minimize_many(
        objectives.get("seed"), x0s, learning_rate=lr, decay=decay, eps=eps, maxiter=60, gtol=2e-2, trajectories=True
    )
    assert result.engine == engine
    singles = single_runs(objectives.get("seed"), x0s, lr, decay, eps, maxiter=60, gtol=2e-2)
    assert_rows_are_single_runs(result, singles, trajectories=True)
    assert set(result.status.tolist()) == {0, 1} and len(set(result.nit.tolist())) > 5 and result.nit[3] == 0


@pytest.mark.parametrize(
    "name, dim",
    [(name, None) for name in objectives.names()]
    + [("rosenbrock", 3), ("rosenbrock", 10), ("rastrigin", 9), ("ackley", 9)],
)
def test_catalogue_objectives(engine, name, dim):
    objective = objectives.get(name, dim)
    low, high = objective.domain[0]
    x0s = starts(6, objective.dim, 0.5 * low, 0.5 * high, seed=2)
    lr = np.array([0.003, 0.01, 0.03, 0.01, 0.05, 0.02])
    compiled = name not in ("rastrigin", "ackley")
    # NumPy squares and cubes arrays unlike the C library's pow on the single run's scalars (see rmsprop._batch)
    inexact = engine == "numpy" and name in ("beale", "himmelblau", "goldstein_price", "three_hump_camel")
    settings = {"maxiter": 10 if inexact else 25, "gtol": 1e-3}
    result = rmsprop.minimize_many(objective, x0s, learning_rate=lr, trajectories=True, **settings)
    singles = single_runs(objective, x0s, lr, **settings)
    assert result.engine == ("numba" if engine == "numba" and compiled else "numpy")
    if inexact:
        assert_rows_are_close(result, singles, rtol=1e-13)
    elif engine == "numpy" and name in ("booth", "matyas", "saddle", "ill_conditioned", "rotated"):
        assert_rows_are_close(result, singles, rtol=1e-15, exact_steps=True)
    else:
        assert_rows_are_single_runs(result, singles, trajectories=True)


def test_only_the_catalogues_own_formulas_run_compiled(engine):
    beale = objectives.get("beale")
    borrowed_name = dataclasses.replace(beale, f=lambda x: beale.f(x))  # the name, not the formula
    other_gradient = dataclasses.replace(beale, grad=objectives.get("booth").grad)
    x0s = starts(3)
    assert rmsprop.minimize_many(beale, x0s, maxiter=3).engine == engine
    for objective in (borrowed_name, other_gradient):
        assert rmsprop.minimize_many(objective, x0s, maxiter=3).engine == "numpy"


@pytest.mark.parametrize("name", ["seed", "rosenbrock", "beale", "ackley"])
def test_float32(engine, name):
    objective = objectives.get(name)
    x0s = starts(12, low=-2.0, high=2.0, seed=3, dtype=np.float32)
    decay = np.linspace(0.8, 0.99, 12)
    inexact = engine == "numpy" and name == "beale"
    settings = {"maxiter": 10 if inexact else 40, "gtol": 1e-2}
    result = rmsprop.minimize_many(objective, x0s, learning_rate=0.02, decay=decay, trajectories=True, **settings)
    assert result.x.dtype == np.float32 and result.path_x.dtype == np.float32 and result.fun.dtype == np.float64
    singles = single_runs(objective, x0s, 0.02, decay, **settings)
    if inexact:
        assert_rows_are_close(result, singles, rtol=1e-5)
    else:
        assert_rows_are_single_runs(result, singles, trajectories=True)


def test_no_steps(engine):
    x0s = np.array([[0.0, 0.0], [1.0, 2.0], [1e300, 0.0]])
    result = rmsprop.minimize_many(objectives.get("seed"), x0s, maxiter=0, trajectories=True)
    assert_rows_are_single_runs(result, single_runs(objectives.get("seed"), x0s, maxiter=0), trajectories=True)
    assert result.status.tolist() == [0, 1, 3] and result.path_x.shape == (3, 1, 2)


def test_diverging_runs_stop_with_status_3_while_the_others_go_on(engine):
    seed = objectives.get("seed")
    x0s = np.array([[-4.0, 3.0], [1e300, 1.0], [-4.0, 3.0], [1e153, 1.0], [2.0, -1.0]])
    lr = np.array([0.1, 0.1, 1e160, 1e308, 0.05])  # f(x0) = inf; f(x1) = inf; x1 = -inf
    result = rmsprop.minimize_many(seed, x0s, learning_rate=lr, maxiter=30, gtol=0, trajectories=True)
    with np.errstate(over="ignore"):  # minimize's rule warns of the overflow in lr * g that stops run 3
        singles = single_runs(seed, x0s, lr, maxiter=30, gtol=0)
    assert_rows_are_single_runs(result, singles, trajectories=True)
    assert result.status.tolist() == [1, 3, 3, 3, 1] and result.nit.tolist() == [30, 0, 0, 0, 30]
    assert "at x0" in result.message[1] and "iteration 1" in result.message[2] and "overflowed" in result.message[3]


@pytest.mark.parametrize(
    "options",
    [
        {"centered": True},
        {"momentum": 0.9, "nesterov": True},
        {"momentum": 0.5, "lr_inside_momentum": True, "centered": True, "eps_in_sqrt": False},
        {"weight_decay": 0.1, "maximize": True, "bias_correction": True},
        {"weight_decay": 0.05, "decoupled_weight_decay": True, "initial_scale": 1.0, "eps": 0.0},
        {"clip_value": 2.0, "clip_norm": 3.0, "global_clip_norm": 2.5},
    ],
    ids=lambda options: "-".join(options),
)
@pytest.mark.parametrize("name, dim", [("seed", None), ("rosenbrock", 4)])
def test_options(engine, options, name, dim):
    objective = objectives.get(name, dim)
    x0s = starts(8, objective.dim, -2.0, 2.0, seed=4)
    decay = np.array([0.9, 0.5, 0.99, 0.9, 0.7, 0.9, 0.8, 0.95])
    options = {"eps": np.full(8, 1e-7), **options}
    result = rmsprop.minimize_many(objective, x0s, learning_rate=0.02, decay=decay, maxiter=30, gtol=1e-4, **options)
    assert result.engine == engine
    eps = options.pop("eps")
    singles = single_runs(objective, x0s, 0.02, decay, eps, maxiter=30, gtol=1e-4, **options)
    assert_rows_are_single_runs(result, singles)


def test_a_schedule_is_shared_by_all_runs(engine):
    schedule = schedules.exponential_decay(0.2, decay_rate=0.5, decay_steps=10)
    x0s = starts(10, seed=5)
    result = rmsprop.minimize_many(
        objectives.get("rosenbrock"),
        x0s,
        learning_rate=schedule,
        maxiter=40,
        gtol=1e-3,
        bias_correction=True,
        decay=np.linspace(0.5, 0.95, 10),
    )
    assert result.engine == engine
    singles = single_runs(
        objectives.get("rosenbrock"),
        x0s,
        schedule,
        np.linspace(0.5, 0.95, 10),
        maxiter=40,
        gtol=1e-3,
        bias_correction=True,
    )
    assert_rows_are_single_runs(result, singles)


@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_library_arithmetic_runs_on_both_engines(engine, monkeypatch):
    # The torch flavor's fused multiply-adds, with a learning rate per run: the rule's own step on either engine.
    if engine == "numpy":
        monkeypatch.setenv("RMSPROP_DISABLE_JIT", "1")
    x0s = starts(6, seed=6)
    lr = np.array([0.01, 0.02, 0.01, 0.02, 0.01, 0.03])
    options = {"arithmetic": "torch", "centered": True, "momentum": 0.9, "weight_decay": 0.01}
    result = rmsprop.minimize_many(
        objectives.get("rosenbrock"), x0s, learning_rate=lr, decay=0.99, maxiter=30, gtol=0, clip_norm=1.0, **options
    )
    assert result.engine == engine
    singles = single_runs(objectives.get("rosenbrock"), x0s, lr, 0.99, maxiter=30, gtol=0, clip_norm=1.0, **options)
    assert_rows_are_single_runs(result, singles)


@pytest.mark.parametrize("norm", [2, 1, -math.inf])
def test_other_norms_stop_as_minimize_does(norm):
    x0s = starts(20, seed=7)
    result = rmsprop.minimize_many(
        objectives.get("seed"), x0s, learning_rate=np.linspace(0.05, 0.2, 20), maxiter=80, gtol=0.05, norm=norm
    )
    singles = single_runs(objectives.get("seed"), x0s, np.linspace(0.05, 0.2, 20), maxiter=80, gtol=0.05, norm=norm)
    assert_rows_are_single_runs(result, singles)
    assert (result.status == 0).any()


CENTER = np.array([1.0, -2.0, 0.5])
WEIGHTS = np.array([1.0, 3.0, 0.5])


def bowl(x):
    """``sum w (x - c)^2`` of one point (d,) or of each row of a batch (B, d)."""
    return np.sum(WEIGHTS * (x - CENTER) ** 2, axis=-1)


def bowl_gradient(x):
    return 2.0 * WEIGHTS * (x - CENTER)


@pytest.mark.parametrize("jac", ["callable", "pair", "finite differences"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_vectorised_python_objective(jac, dtype):
    fun = {"callable": bowl, "pair": lambda x: (bowl(x), bowl_gradient(x)), "finite differences": bowl}[jac]
    jac_argument = {"callable": bowl_gradient, "pair": True, "finite differences": None}[jac]
    x0s = starts(7, 3, seed=8, dtype=dtype)
    result = rmsprop.minimize_many(
        fun, x0s, jac=jac_argument, learning_rate=0.05, maxiter=40, gtol=1e-3, trajectories=True
    )
    assert result.engine == "numpy"
    singles = single_runs(fun, x0s, 0.05, jac=jac_argument, maxiter=40, gtol=1e-3)
    assert_rows_are_single_runs(result, singles, trajectories=True)
    assert ("finite differences" in result.message[0]) == (jac == "finite differences")


def test_both_engines_agree_on_a_large_batch(monkeypatch):
    pytest.importorskip("numba")
    x0s = starts(2000, low=-5.0, high=5.0, seed=9)
    lr = np.random.default_rng(9).uniform(0.01, 0.2, 2000)
    settings = {"learning_rate": lr, "decay": 0.9, "eps": 1e-8, "maxiter": 50, "gtol": 1e-3}
    compiled = rmsprop.minimize_many(objectives.get("seed"), x0s, **settings)
    monkeypatch.setenv("RMSPROP_DISABLE_JIT", "1")
    vectorised = rmsprop.minimize_many(objectives.get("seed"), x0s, **settings)
    assert (compiled.engine, vectorised.engine) == ("numba", "numpy")
    for field in ("x", "fun", "jac", "nit", "status", "nfev"):
        assert np.array_equal(compiled[field], vectorised[field]), field
    assert compiled.message.tolist() == vectorised.message.tolist()


def test_result_fields():
    result = rmsprop.minimize_many(objectives.get("seed"), starts(3), maxiter=5)
    for field in ("x", "fun", "jac", "nit", "nfev", "njev", "status", "success", "message", "engine"):
        assert field in result
    assert "path_x" not in result
    assert result.fun.shape == result.nit.shape == result.status.shape == result.success.shape == (3,)
    assert result.message.dtype == object and result.message[0] == rmsprop.STATUS_MESSAGES[1]


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"x0s": [1.0, 2.0]}, ValueError, "x0s must have shape (B, d)"),
        ({"x0s": np.zeros((0, 2))}, ValueError, "x0s is empty"),
        ({"x0s": [[1.0, math.inf]]}, ValueError, "x0s must be finite; row 0"),
        ({"x0s": [["a", "b"]]}, TypeError, "x0s must hold real numbers"),
        ({"x0s": [[1.0], [1.0, 2.0]]}, ValueError, "x0s must be an array"),
        ({"x0s": np.ones((2, 3))}, ValueError, "takes 2 coordinates"),
        ({"learning_rate": [0.1, 0.2, 0.3]}, ValueError, "learning_rate must be a scalar or a 1-D array of length 2"),
        ({"decay": np.full((2, 1), 0.9)}, ValueError, "decay must be a scalar or a 1-D array"),
        ({"eps": ["a", "b"]}, TypeError, "eps must be a number or a 1-D array"),
        ({"learning_rate": [0.1, -0.1]}, ValueError, "Invalid learning rate"),
        ({"learning_rate": [0.1, math.nan]}, ValueError, "learning_rate must be finite"),
        ({"decay": [0.9, 1.5]}, ValueError, "Invalid decay"),
        ({"eps": [1e-8, 0.0]}, ValueError, "Invalid eps"),
        ({"decay": True}, TypeError, "decay must be a real number"),
        ({"centred": True}, TypeError, "unknown option 'centred'"),
        ({"momentum": 1.5}, ValueError, "Invalid momentum"),
        ({"maxiter": -1}, ValueError, "maxiter must be an integer >= 0"),
        ({"gtol": -1.0}, ValueError, "Invalid gtol"),
        ({"norm": "fro"}, ValueError, "norm must be the order of a vector norm"),
        ({"trajectories": "yes"}, TypeError, "trajectories must be True or False"),
        ({"jac": "exact"}, TypeError, "jac must be"),
        ({"objective": "seed"}, TypeError, "objective must be callable"),
        ({"objective": lambda x: x}, ValueError, "fun must return one value per run, shape (2,)"),
        ({"objective": lambda x: x[:, 0], "jac": lambda x: x[:, :1]}, ValueError, "gradient must have the shape"),
        ({"objective": lambda x: x[:, 0], "jac": True}, ValueError, "with jac=True"),
    ],
)
def test_bad_input(kwargs, error, words):
    kwargs = {"objective": objectives.get("seed"), "x0s": [[1.0, 2.0], [3.0, 4.0]], **kwargs}
    with pytest.raises(error) as info:
        rmsprop.minimize_many(**kwargs)
    assert words in str(info.value) and "\n" not in str(info.value)
