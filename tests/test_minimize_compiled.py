"""``minimize``'s compiled path gives the Python loop's result, bit for bit, every field.

Each row runs ``rmsprop.minimize`` twice: as it is (the compiled path, which a counter shows was
taken) and with a callback that does nothing (which forces the Python loop, the reference), and
compares every field of the two results, types, dtypes, shapes and the optimizer's state included.
The rows cross the catalogue's compiled objectives with the rule's options, arithmetics, dtypes,
a schedule and every way a run stops. Each new spec compiles a loop (seconds), so the default run
takes a few rows that cover every option; the full grid is marked slow in ``conftest.py``.
"""

import math

import numpy as np
import pytest
from test_checkpoint import assert_same_result

import rmsprop
from rmsprop import _minimize, _minimize_compiled, objectives, schedules
from rmsprop._compiled_runs import compiled_objectives_available

pytestmark = pytest.mark.skipif(not compiled_objectives_available("seed"), reason="Numba is not installed")

SCHEDULE = schedules.exponential_decay(0.1, decay_rate=0.5, decay_steps=50)


def noop(intermediate_result):
    """A callback that changes nothing: the run takes the Python loop."""


@pytest.fixture
def compiled_calls(monkeypatch):
    """How many times ``minimize`` took the compiled path (short runs too: its threshold is lowered to 0)."""
    monkeypatch.setattr(_minimize_compiled, "MIN_ITERATIONS", 0)
    calls = []
    run = _minimize.run_compiled

    def counted(*args, **kwargs):
        calls.append(1)
        return run(*args, **kwargs)

    monkeypatch.setattr(_minimize, "run_compiled", counted)
    return calls


def both(compiled_calls, objective, x0, **kwargs):
    """The compiled path's result (checked to have been taken) and the Python loop's, compared field by field."""
    before = len(compiled_calls)
    compiled = rmsprop.minimize(objective, x0, **kwargs)
    assert len(compiled_calls) == before + 1, "the compiled path was not taken"
    python = rmsprop.minimize(objective, x0, callback=noop, **kwargs)
    assert len(compiled_calls) == before + 1, "the Python loop was not taken"
    assert_same_result(compiled, python)
    return compiled


# (objective, dim, dtype, settings, how it stops): each row's stop is checked, so that every stop is covered.
FAST = [
    ("seed", None, np.float64, dict(learning_rate=0.1, maxiter=300, gtol=0), 1),
    ("seed", None, np.float32, dict(learning_rate=SCHEDULE, maxiter=5000, gtol=1e-3), 0),
    ("rosenbrock", None, np.float32, dict(learning_rate=0.001, maxiter=2000), 1),
    ("beale", None, np.float64, dict(learning_rate=0.01, centered=True, momentum=0.9, nesterov=True, maxiter=400), 1),
    ("himmelblau", None, np.float32, dict(learning_rate=0.01, momentum=0.5, centered=True, arithmetic="torch"), 0),
    (
        "rosenbrock",
        5,
        np.float64,
        dict(learning_rate=0.01, clip_value=50.0, clip_norm=20.0, global_clip_norm=10.0, bias_correction=True),
        1,
    ),
    ("seed", None, np.float64, dict(learning_rate=1e308, maxiter=50), 3),  # the step overflows
    ("goldstein_price", None, np.float64, dict(learning_rate=1e70, maxiter=50), 3),  # f overflows at a finite x
]
OBJECTIVES = ["seed", "rosenbrock", "beale", "booth", "himmelblau", "goldstein_price", "matyas", "three_hump_camel"]
OBJECTIVES += ["saddle", "ill_conditioned", "rotated"]
OPTIONS = [
    dict(),
    dict(centered=True),
    dict(momentum=0.9),
    dict(momentum=0.9, nesterov=True),
    dict(momentum=0.9, lr_inside_momentum=True, centered=True),
    dict(weight_decay=0.01),
    dict(weight_decay=0.01, decoupled_weight_decay=True),
    dict(eps_in_sqrt=False, initial_scale=1.0, maximize=False, bias_correction=True),
    dict(clip_value=1.0, clip_norm=2.0),
    *(dict(arithmetic=name, momentum=0.5, centered=True) for name in ("torch", "keras_torch", "optax")),
    dict(arithmetic="keras_torch_float64", bias_correction=True),
]


def start(name, dim, dtype):
    objective = objectives.get(name, dim)
    return objective, np.asarray(objective.start, dtype=dtype)


@pytest.mark.parametrize("name, dim, dtype, settings, stop", FAST)
def test_compiled_path_equals_the_python_loop(compiled_calls, name, dim, dtype, settings, stop):
    objective, x0 = start(name, dim, dtype)
    result = both(compiled_calls, objective, x0, **settings)
    assert result.status == stop and result.x.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", OPTIONS, ids=lambda options: ",".join(options) or "plain")
@pytest.mark.parametrize("name", OBJECTIVES)
def test_every_objective_option_and_dtype(compiled_calls, name, options, dtype):
    objective, x0 = start(name, None, dtype)
    both(compiled_calls, objective, x0, learning_rate=0.01, maxiter=200, **options)
    both(compiled_calls, objective, x0, learning_rate=SCHEDULE, maxiter=200, gtol=1e-3, **options)


def test_the_seed_is_bit_exact_on_the_compiled_path(compiled_calls):
    result = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0)
    assert compiled_calls == [1]
    assert result.x.tolist() == [-0.10352260359924752, 0.0025296212056016548]
    assert result.fun == 0.05362944016394148


def test_a_long_run_with_an_early_stop_fills_only_what_it_uses(compiled_calls):
    result = both(
        compiled_calls, objectives.get("seed"), [-4.0, 3.0], learning_rate=SCHEDULE, maxiter=10**12, gtol=1e-3
    )
    assert result.status == 0 and result.path_x.shape == (result.nit + 1, 2)


def test_a_start_at_the_minimum_or_not_finite_or_maxiter_0(compiled_calls):
    seed = objectives.get("seed")
    assert both(compiled_calls, seed, [0.0, 0.0]).nit == 0
    assert both(compiled_calls, seed, [-4.0, 3.0], maxiter=0).status == 1
    huge = both(compiled_calls, seed, [1e200, 1.0], maxiter=5)  # f overflows at the start
    assert huge.status == 3 and huge.nit == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(callback=noop),
        dict(jac=objectives.get("seed").grad),
        dict(norm=2),
        dict(optimizer=rmsprop.baselines.adam(0.1)),
        dict(optimizer=rmsprop.compat.torch(lr=0.1)),  # another update around the rule
    ],
    ids=["callback", "jac", "norm 2", "adam", "a flavor's wrapper"],
)
def test_everything_else_takes_the_python_loop(compiled_calls, kwargs):
    rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], maxiter=5, **kwargs)
    rmsprop.minimize(lambda x: float(x @ x), [-4.0, 3.0], maxiter=5)
    rmsprop.minimize(objectives.get("rastrigin"), [-1.0, 2.0], maxiter=5)
    assert compiled_calls == []


def test_disable_jit_takes_the_python_loop(compiled_calls, monkeypatch):
    monkeypatch.setenv("RMSPROP_DISABLE_JIT", "1")
    rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], maxiter=5)
    assert compiled_calls == []


def checkpoint_arrays(path):
    with np.load(path) as archive:
        return {name: archive[name] for name in archive.files}


@pytest.mark.parametrize("every", [7, 1000])
def test_checkpoints_and_resume_on_the_compiled_path(compiled_calls, every, tmp_path):
    seed = objectives.get("seed")
    kwargs = dict(learning_rate=SCHEDULE, centered=True, momentum=0.9, nesterov=True, gtol=1e-3)  # a spec of FAST
    whole = rmsprop.minimize(seed, [-4.0, 3.0], maxiter=5000, **kwargs)
    compiled = tmp_path / "compiled.npz"
    first = rmsprop.minimize(seed, [-4.0, 3.0], maxiter=30, checkpoint=compiled, checkpoint_every=every, **kwargs)
    python = tmp_path / "python.npz"
    rmsprop.minimize(seed, [-4.0, 3.0], maxiter=30, checkpoint=python, checkpoint_every=every, callback=noop, **kwargs)
    saved, reference = checkpoint_arrays(compiled), checkpoint_arrays(python)
    assert saved.keys() == reference.keys()
    for name in saved:
        assert saved[name].dtype == reference[name].dtype and saved[name].tobytes() == reference[name].tobytes(), name
    assert first.nit == 30
    resumed = rmsprop.minimize(seed, [-4.0, 3.0], maxiter=5000, resume=compiled, **kwargs)
    assert len(compiled_calls) == 3
    assert_same_result(resumed, whole)


@pytest.mark.parametrize("how", ["step", "evaluation"])
def test_a_diverging_compiled_run_saves_the_python_loops_checkpoint(compiled_calls, how, tmp_path):
    name, lr = ("seed", 1e308) if how == "step" else ("goldstein_price", 1e70)
    objective = objectives.get(name)
    for path, extra in ((tmp_path / "c.npz", {}), (tmp_path / "p.npz", dict(callback=noop))):
        rmsprop.minimize(objective, objective.start, learning_rate=lr, maxiter=50, checkpoint=path, **extra)
    saved, reference = checkpoint_arrays(tmp_path / "c.npz"), checkpoint_arrays(tmp_path / "p.npz")
    assert {name: a.tobytes() for name, a in saved.items()} == {name: a.tobytes() for name, a in reference.items()}
    assert compiled_calls == [1]
    assert math.isfinite(float(saved["fun"]))
