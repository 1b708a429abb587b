"""Noisy gradients (``noise=``, ``seed=``): reproducible, one stream per run, the same bits on every engine.

The references: NumPy's own generator (the stream is ``default_rng(seed).standard_normal``), the
noiseless runs (``noise=0``), the Python loop of ``minimize`` (for its compiled path and both batch
engines, bit for bit), and a closed form for the probability that a noisy gradient keeps its sign.
"""

import math

import numpy as np
import pytest
from test_checkpoint import assert_same_result

import rmsprop
from rmsprop import GradientNoise, _minimize, _minimize_compiled, _noise, objectives
from rmsprop._compiled_runs import compiled_objectives_available

needs_numba = pytest.mark.skipif(not compiled_objectives_available("seed"), reason="Numba is not installed")

RELATIVE = GradientNoise(0.3, relative=True)


def noop(intermediate_result):
    """A callback that changes nothing: ``minimize`` then takes the Python loop."""


def python_loop(objective, x0, **kwargs):
    return rmsprop.minimize(objective, x0, callback=noop, **kwargs)


def test_a_chunk_of_draws_is_the_draws_one_step_at_a_time():
    whole = np.random.default_rng(11).standard_normal((7, 3))
    generator = np.random.default_rng(11)
    assert np.array_equal(np.vstack([generator.standard_normal(3) for _ in range(7)]), whole)
    stream = _noise.NoiseStream(GradientNoise(1.0), 11, 3)
    assert np.array_equal(np.vstack([stream.take(0, 2), stream.take(2, 1), stream.take(3, 4)]), whole)
    skipped = _noise.NoiseStream(GradientNoise(2.0), 11, 3)
    assert np.array_equal(skipped.take(5, 2), 2.0 * whole[5:])  # a resumed run drops the steps before
    with pytest.raises(ValueError, match="drawn already"):
        skipped.take(0, 1)


def test_the_noise_is_added_in_float64_and_rounded_once():
    g = np.array([1.0, -2.0, 0.0, -0.0], np.float32)
    w = np.array([0.1, 0.25, 0.5, 0.5])
    assert _noise.perturbed(g, w, False).tolist() == np.float32(g.astype(np.float64) + w).tolist()
    relative = _noise.perturbed(g, w, True)
    assert relative.dtype == np.float32 and relative.tolist() == [np.float32(1.1), -1.5, 0.0, 0.0]


def test_same_seed_same_run_other_seed_other_run():
    seed = objectives.get("seed")
    runs = [rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=40, noise=0.5, seed=s) for s in (1, 1, 2)]
    assert_same_result(runs[0], runs[1])
    assert runs[0].x.tolist() != runs[2].x.tolist()
    assert runs[0].noise == {"scale": 0.5, "relative": False, "seed": 1}
    assert runs[0].path_x.shape == (41, 2)


def test_the_step_sees_the_gradient_plus_the_draws():
    """Plain gradient descent as a GradientTransformation: each step is -lr * (g + scale * z), z NumPy's draws."""
    sgd = rmsprop.baselines.get("sgd", learning_rate=0.01)
    grad = lambda x: np.array([10.0 * x[0], 14.0 * x[1]])  # noqa: E731
    fun = lambda x: 5 * x[0] ** 2 + 7 * x[1] ** 2  # noqa: E731
    result = rmsprop.minimize(fun, [-4.0, 3.0], jac=grad, optimizer=sgd, maxiter=5, gtol=0, noise=0.5, seed=4)
    z = np.random.default_rng(4).standard_normal((5, 2))
    x = np.array([-4.0, 3.0])
    for t in range(5):
        x = x + -0.01 * (grad(x) + 0.5 * z[t])
        assert result.path_x[t + 1].tolist() == x.tolist()
    assert result.jac.tolist() == grad(result.x).tolist()  # the result reports the objective's own gradient
    assert result.path_fun.tolist() == [fun(p) for p in result.path_x]


def test_zero_noise_is_the_noiseless_run():
    seed = objectives.get("seed")
    plain = rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0)
    assert_same_result(rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0, noise=0.0), plain)
    zero = rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0, noise=0.0, seed=4)
    assert_same_result(zero, plain)
    assert plain.x.tolist() == [-0.10352260359924752, 0.0025296212056016548]
    many = rmsprop.minimize_many(seed, [[-4.0, 3.0]] * 2, learning_rate=0.1, maxiter=50, gtol=0, noise=0)
    assert many.x.tolist() == [plain.x.tolist()] * 2 and "noise" not in many


def test_relative_noise_leaves_a_zero_gradient_alone():
    fun = lambda x: 5 * x[0] ** 2  # noqa: E731 - x[1] does not matter
    jac = lambda x: np.array([10.0 * x[0], 0.0])  # noqa: E731
    result = rmsprop.minimize(fun, [-4.0, 3.0], jac=jac, learning_rate=0.1, maxiter=100, noise=RELATIVE, seed=2)
    assert (result.path_x[:, 1] == 3.0).all() and len(set(result.path_x[:, 0].tolist())) > 50


@pytest.mark.parametrize("noise, p", [(1.0, [0.8413447460685429, 0.6914624612740131]), (RELATIVE, None)])
def test_how_often_the_noisy_gradient_keeps_its_sign(noise, p):
    """With decay 0 and a tiny eps, RMSprop steps by -lr * sign(g~): the mean step is -lr * (2 P(g~ > 0) - 1).

    For a constant gradient c and absolute noise s, P(g~ > 0) = Phi(c / s); relative, Phi(1 / s).
    """
    c = np.array([1.0, 0.5])
    steps, lr = 20_000, 1e-3
    result = rmsprop.minimize(
        lambda x: float(c @ x), [0.0, 0.0], jac=lambda x: c, learning_rate=lr, decay=0.0, eps=1e-300,
        maxiter=steps, gtol=0, noise=noise, seed=5,
    )  # fmt: skip
    if p is None:
        p = [0.5 * math.erfc(-1 / (0.3 * math.sqrt(2)))] * 2
    mean_step = result.x / steps
    expected = -lr * (2 * np.array(p) - 1)
    standard_error = 2 * lr * np.sqrt(np.array(p) * (1 - np.array(p)) / steps)
    assert np.all(np.abs(mean_step - expected) < 4 * standard_error), (mean_step, expected, standard_error)


def test_a_run_resumed_from_a_checkpoint_draws_on(tmp_path):
    seed = objectives.get("seed")
    settings = dict(learning_rate=0.1, gtol=0, noise=RELATIVE, seed=9)
    whole = rmsprop.minimize(seed, [-4.0, 3.0], maxiter=60, **settings)
    path = tmp_path / "run.npz"
    rmsprop.minimize(seed, [-4.0, 3.0], maxiter=25, checkpoint=path, **settings)
    assert_same_result(rmsprop.minimize(seed, [-4.0, 3.0], maxiter=60, resume=path, **settings), whole)
    with pytest.raises(ValueError, match="saved for noise"):
        rmsprop.minimize(seed, [-4.0, 3.0], maxiter=60, resume=path, **{**settings, "seed": 10})
    with pytest.raises(ValueError, match="saved for noise"):
        rmsprop.minimize(seed, [-4.0, 3.0], maxiter=60, resume=path, learning_rate=0.1, gtol=0)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(noise=-1.0), ValueError, "noise scale must be finite and >= 0; got -1.0"),
        (dict(noise=math.nan), ValueError, "noise scale must be finite"),
        (dict(noise="big"), TypeError, "noise must be a number"),
        (dict(noise=True), TypeError, "noise must be a number"),
        (dict(noise=0.1, seed=-3), ValueError, "seed must be an integer >= 0; got -3"),
        (dict(noise=0.1, seed=1.5), TypeError, "seed must be an integer"),
        (dict(seed=3), ValueError, "seed=3 seeds the gradient noise, which is off"),
    ],
)
def test_bad_noise_and_seeds_are_one_line_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], **kwargs)
    with pytest.raises(error, match=message):
        rmsprop.minimize_many(objectives.get("seed"), [[-4.0, 3.0]], **kwargs)


def test_minimize_many_seeds_per_run_are_checked():
    seed = objectives.get("seed")
    with pytest.raises(ValueError, match="1-D array of 2 integers"):
        rmsprop.minimize_many(seed, [[-4.0, 3.0]] * 2, noise=0.1, seed=[1, 2, 3])
    with pytest.raises(ValueError, match="integers >= 0; got -1"):
        rmsprop.minimize_many(seed, [[-4.0, 3.0]] * 2, noise=0.1, seed=[1, -1])


# --------------------------------------------------------------------------------------
# Every engine: bit for bit
# --------------------------------------------------------------------------------------

CASES = [  # (objective, dim, dtype, noise, seed, settings)
    ("rosenbrock", None, np.float64, 0.5, 4, dict(learning_rate=0.01, maxiter=300, gtol=1e-3)),
    ("seed", None, np.float32, RELATIVE, 7, dict(learning_rate=0.1, maxiter=200, clip_norm=1.0)),
    ("rosenbrock", 4, np.float64, RELATIVE, 1, dict(learning_rate=0.01, maxiter=150, gtol=0, momentum=0.9)),
]


def many_starts(objective, runs, seed):
    low, high = objective.domain[0]
    return np.random.default_rng(seed).uniform(0.5 * low, 0.5 * high, (runs, objective.dim))


@pytest.mark.parametrize("engine", ["numpy", pytest.param("numba", marks=needs_numba)])
@pytest.mark.parametrize("name, dim, dtype, noise, seed, settings", CASES)
def test_each_row_of_minimize_many_is_the_single_run_with_its_seed(
    engine, monkeypatch, name, dim, dtype, noise, seed, settings
):
    if engine == "numpy":
        monkeypatch.setenv("RMSPROP_DISABLE_JIT", "1")
    objective = objectives.get(name, dim)
    x0s = many_starts(objective, 6, seed).astype(dtype)
    result = rmsprop.minimize_many(objective, x0s, noise=noise, seed=seed, trajectories=True, **settings)
    assert result.engine == engine and result.seed.tolist() == list(range(seed, seed + 6))
    for i in range(6):
        single = python_loop(objective, x0s[i], noise=noise, seed=seed + i, **settings)
        assert result.x[i].tolist() == single.x.tolist() and result.fun[i] == single.fun
        assert result.jac[i].tolist() == single.jac.tolist()
        assert (result.nit[i], result.status[i]) == (single.nit, single.status)
        assert np.array_equal(result.path_x[i, : single.nit + 1], single.path_x)
    assert len(set(result.x[:, 0].tolist())) == 6


@pytest.mark.parametrize("engine", ["numpy", pytest.param("numba", marks=needs_numba)])
def test_the_chunks_of_draws_do_not_change_the_runs(engine, monkeypatch):
    """Three steps of draws per chunk (their budget lowered) give the runs of one chunk for the whole run."""
    if engine == "numpy":
        monkeypatch.setenv("RMSPROP_DISABLE_JIT", "1")
    objective = objectives.get("seed")
    x0s = many_starts(objective, 5, 3)
    x0s[3] = x0s[0]
    seeds = np.array([5, 0, 17, 5, 2])
    settings = dict(learning_rate=0.1, maxiter=40, noise=0.7, seed=seeds, trajectories=True, momentum=0.5)
    whole = rmsprop.minimize_many(objective, x0s, **settings)
    monkeypatch.setattr(_noise, "BATCH_DRAWS", 5 * 2 * 3)
    chunked = rmsprop.minimize_many(objective, x0s, **settings)
    assert chunked.engine == engine
    for key in ("x", "fun", "jac", "nit", "status", "path_x", "path_fun"):
        assert np.array_equal(whole[key], chunked[key], equal_nan=True), key
    assert whole.x[0].tolist() == whole.x[3].tolist()  # the same seed from the same start


@needs_numba
@pytest.mark.parametrize(
    "name, dim, dtype, noise, seed, settings",
    # each row compiles a loop (seconds on a cold cache): the default run takes the first
    [CASES[0], *(pytest.param(*case, marks=pytest.mark.slow) for case in CASES[1:])],
)
def test_the_compiled_single_run_is_the_python_loop(monkeypatch, name, dim, dtype, noise, seed, settings):
    monkeypatch.setattr(_minimize_compiled, "MIN_ITERATIONS", 0)
    calls = []
    run = _minimize.run_compiled
    monkeypatch.setattr(_minimize, "run_compiled", lambda *args: calls.append(1) or run(*args))
    monkeypatch.setattr(_minimize_compiled, "FIRST_CHUNK", 16)  # several chunks, each with its draws
    objective = objectives.get(name, dim)
    x0 = many_starts(objective, 1, seed)[0].astype(dtype)
    compiled = rmsprop.minimize(objective, x0, noise=noise, seed=seed, **settings)
    assert calls == [1]
    assert_same_result(compiled, python_loop(objective, x0, noise=noise, seed=seed, **settings))


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--noise", "-1"], "--noise must be a finite number >= 0; got -1.0"),
        (["--noise", "nan"], "--noise must be a finite number >= 0; got nan"),
        (["--seed", "3"], "--seed 3 seeds the gradient noise; give --noise SCALE too"),
        (["--noise-relative"], "--noise-relative needs --noise SCALE"),
        (["--noise", "0.1", "--seed", "-2"], "--seed must be an integer >= 0; got -2"),
    ],
)
@pytest.mark.parametrize("command", ["run", "compare"])
def test_the_command_line_refuses_bad_noise_in_one_line(cli, command, arguments, message):
    result = cli(command, "--objective", "seed", "--maxiter", "5", *arguments)
    assert result.returncode == 2 and result.stderr.strip() == f"Error: {message}", result


def test_the_command_line_runs_with_noise(cli):
    import json

    arguments = ["run", "--objective", "seed", "--x0=-4,3", "--lr", "0.1", "--maxiter", "50", "--json"]
    result = cli(*arguments, "--noise", "0.5", "--noise-relative", "--seed", "3")
    single = rmsprop.minimize(
        objectives.get("seed"),
        [-4.0, 3.0],
        learning_rate=0.1,
        maxiter=50,
        noise=GradientNoise(0.5, relative=True),
        seed=3,
    )
    assert result.returncode == 0 and json.loads(result.stdout)["x"] == single.x.tolist()
    assert json.loads(result.stdout)["noise"] == {"scale": 0.5, "relative": True, "seed": 3}
    off = cli(*arguments, "--noise", "0", "--seed", "3")  # a scale of 0 is no noise; its seed is no error
    assert off.returncode == 0 and json.loads(off.stdout)["x"] == [-0.10352260359924752, 0.0025296212056016548]


def test_a_sweep_with_noise_is_its_single_runs_whatever_the_chunks():
    from rmsprop import sweep

    grid = {"learning_rate": [0.05, 0.1], "noise": [0.0, 0.5], "noise_relative": [False, True]}
    table = sweep.sweep("seed", grid, starts=3, maxiter=30, seed=4)
    again = sweep.sweep("seed", grid, starts=3, maxiter=30, seed=4, chunk_size=5)
    assert table.columns.keys() == again.columns.keys()
    for name, column in table.columns.items():
        assert np.array_equal(column, again[name]), name
    assert table["noise_seed"].tolist() == _noise.run_seeds(4, np.arange(len(table))).tolist()
    for r in range(len(table)):
        noise = GradientNoise(table["noise"][r], bool(table["noise_relative"][r]))
        noisy = dict(noise=noise, seed=int(table["noise_seed"][r])) if noise.scale > 0 else {}
        x0 = [table["x0_1"][r], table["x0_2"][r]]
        single = rmsprop.minimize(
            objectives.get("seed"), x0, learning_rate=table["learning_rate"][r], maxiter=30, **noisy
        )
        assert single.x.tolist() == [table["x_1"][r], table["x_2"][r]] and single.nit == table["nit"][r]
    with pytest.raises(ValueError, match=r"grid\['noise'\] must hold finite scales >= 0"):
        sweep.sweep("seed", {"noise": [-1.0]}, starts=2)
    with pytest.raises(ValueError, match=r"grid\['noise_relative'\] needs grid\['noise'\]"):
        sweep.sweep("seed", {"noise_relative": True}, starts=2)


def test_run_seeds_are_splitmix64():
    mask = 2**64 - 1

    def splitmix64(state):
        z = (state + 0x9E3779B97F4A7C15) & mask
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return z ^ (z >> 31)

    runs = [0, 1, 2, 12345, 2**31]
    assert _noise.run_seeds(7, runs).tolist() == [splitmix64((7 << 32) + r) >> 1 for r in runs]


def test_the_playground_keeps_noise_and_seed_in_its_url_and_controls_and_draws_the_noisy_runs():
    from rmsprop.playground import _compute, _controls, _state, _url

    view = _state.View(objective="booth", noise=0.5, seed=3, baselines=("adam",))
    query = _url.to_query(view)
    assert "&noise=0.5&seed=3&" in query and _url.from_query(query) == (view, [])
    assert "&noise=" not in _url.to_query(_state.View()) and "&seed=" not in _url.to_query(_state.View())
    assert _controls.view_from_controls(*_controls.controls_from_view(view)) == view
    assert _url.from_query("?noise=-1&seed=1.5")[1] == [
        "URL noise: noise must be in [0, 1000]; got -1",
        "URL seed: seed must be a whole number; got 1.5",
    ]
    picture = _compute.compute(view)
    assert picture.title.endswith("(gradient noise 0.5, seed 3)")
    for run, optimizer in zip(picture.runs, [view.optimizer(), rmsprop.baselines.get("adam", learning_rate=0.1)]):
        single = rmsprop.minimize(
            objectives.get("booth"), view.start, maxiter=view.maxiter, gtol=0, optimizer=optimizer, noise=0.5, seed=3
        )
        assert run.x.tolist() == single.path_x.tolist()
