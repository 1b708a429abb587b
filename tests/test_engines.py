"""One test over everything, in the manner of PyTorch's ``optim_db``: a table of option combinations, every engine.

The table holds every pair of the rule's options and the full product of arithmetic x dtype x
centered x momentum x nesterov. Each row runs on every engine that runs the rule:

* ``numpy``: the functional ``update`` as NumPy expressions;
* ``floats``: the functional ``update`` on Python floats (float64 arrays of a few numbers);
* ``kernel``: the functional ``update`` through the fused kernel;
* ``in_place``: ``RMSprop.step`` through the fused kernel, in place;
* ``batch_numpy`` and ``batch_compiled``: ``minimize_many``'s two engines, one run per row.

Each engine's iterates are compared with ``tests/reference.py``'s plain-Python loop, written from
the published equations: bit for bit for the seed's arithmetic in float64, which every engine
claims (but for the norms of clipping, exact sums in the reference); within float32's or the
library arithmetic's rounding otherwise, and then bit for bit
between engines, which all run the one step of ``rmsprop.rule.step.make_step``. The compiled
batch engine compiles one kernel per row (a few seconds each on a cold cache), so its test is
marked slow: ``.ci/run`` (``pytest -m ""``) runs it on every row.
"""

import itertools

import numpy as np
import pytest
from reference import rmsprop_loop

import rmsprop
from rmsprop import _float_step, _fused

pytest.importorskip("numba")

STEPS = 12
START = np.array([-4.0, 3.0, 0.5, -1.5])
SCALE = np.array([10.0, 14.0, 2.0, 0.2])  # the seed's 5 x1^2 + 7 x2^2, extended to 4 coordinates
LR, DECAY = 0.05, 0.9

#: One option each, as the smallest settings that turn it on.
ATOMS = {
    "eps outside": {"eps_in_sqrt": False},
    "initial scale": {"initial_scale": 1.0},
    "centered": {"centered": True},
    "momentum": {"momentum": 0.9},
    "nesterov": {"momentum": 0.9, "nesterov": True},
    "lr inside": {"momentum": 0.5, "lr_inside_momentum": True},
    "weight decay": {"weight_decay": 0.1},
    "decoupled": {"weight_decay": 0.1, "decoupled_weight_decay": True},
    "maximize": {"maximize": True},
    "bias correction": {"bias_correction": True},
    "clip value": {"clip_value": 20.0},
    "clip norm": {"clip_norm": 30.0},
    "global clip norm": {"global_clip_norm": 25.0},
}


def _rows():
    rows = []
    for (a, first), (b, second) in itertools.combinations(ATOMS.items(), 2):
        rows.append((f"{a} + {b}", "seed", np.float64, {**first, **second}))
    for a, options in ATOMS.items():
        rows.append((a, "seed", np.float64, options))
    for arithmetic, dtype, centered, momentum in itertools.product(
        ["seed", "torch", "keras_torch", "keras_torch_float64", "optax"],
        [np.float64, np.float32],
        [False, True],
        ["none", "momentum", "nesterov"],
    ):
        options = {"centered": centered}
        if momentum != "none":
            options.update(momentum=0.9, nesterov=momentum == "nesterov")
        rows.append((f"{arithmetic} {np.dtype(dtype).name} centered={centered} {momentum}", arithmetic, dtype, options))
    return rows


ROWS = _rows()


def gradient(x):
    return SCALE * x


def reference_path(options):
    """The plain-Python reference's iterates (float64, the seed's arithmetic)."""
    options = dict(options)
    return np.array(
        rmsprop_loop(lambda x: list(SCALE * np.array(x)), START.tolist(), STEPS, lr=LR, decay=DECAY, **options)
    )


def run_numpy(settings, dtype):
    x = START.astype(dtype)
    opt = rmsprop.rmsprop(**settings)
    state = opt.init(x)
    path = [x]
    for _ in range(STEPS):
        updates, state = opt.update(gradient(x).astype(dtype), state, x)
        x = rmsprop.apply_updates(x, updates)
        path.append(x)
    return np.array(path)


def run_in_place(settings, dtype):
    x = START.astype(dtype)
    opt = rmsprop.RMSprop([x], **settings)
    path = [x.copy()]
    for _ in range(STEPS):
        opt.step([gradient(x).astype(dtype)])
        path.append(x.copy())
    return np.array(path)


def run_batch(settings, dtype):
    settings = dict(settings)
    result = rmsprop.minimize_many(
        lambda X: (0.5 * SCALE * X * X).sum(axis=1),
        START.astype(dtype)[None, :],
        jac=lambda X: SCALE * X,
        maxiter=STEPS,
        gtol=0,
        trajectories=True,
        **settings,
    )
    return result.path_x[0]


def run_batch_compiled(settings, dtype, monkeypatch):
    """Both engines of ``minimize_many`` on the catalogue's 4-D Rosenbrock (the compiled one needs a catalogue objective)."""
    objective = rmsprop.objectives.get("rosenbrock", dim=4)
    starts = np.array([[-1.2, 1.0, 0.5, -0.5]], dtype=dtype)
    both = {"numba": rmsprop.minimize_many(objective, starts, maxiter=STEPS, gtol=0, trajectories=True, **settings)}
    with monkeypatch.context() as patch:
        patch.setenv("RMSPROP_DISABLE_JIT", "1")
        both["numpy"] = rmsprop.minimize_many(objective, starts, maxiter=STEPS, gtol=0, trajectories=True, **settings)
    return both


@pytest.mark.parametrize("name, arithmetic, dtype, options", ROWS, ids=[row[0] for row in ROWS])
def test_every_engine_runs_the_rule(name, arithmetic, dtype, options, monkeypatch):
    settings = {"learning_rate": LR, "decay": DECAY, **options, "arithmetic": arithmetic}
    with np.errstate(all="ignore"):
        floats = run_numpy(settings, dtype)  # 4 numbers: Python floats in float64, the NumPy form in float32
        monkeypatch.setattr(_float_step, "MAX_SIZE", -1)
        monkeypatch.setattr(_fused, "_kernels", False)
        numpy_form = run_numpy(settings, dtype)
        batch = run_batch(settings, dtype)
        monkeypatch.setattr(_fused, "_kernels", None)
        monkeypatch.setattr(_fused, "MIN_SIZE", 0)
        kernel = run_numpy(settings, dtype)
        in_place = run_in_place(settings, dtype)
    engines = (("floats", floats), ("kernel", kernel), ("in_place", in_place), ("batch_numpy", batch))
    for engine, path in engines:
        np.testing.assert_array_equal(path, numpy_form, err_msg=engine, strict=True)

    reference = reference_path(options)
    # The reference's norms are exact sums (math.fsum); ours are NumPy's pairwise float64 sums.
    exact_norms = "clip_norm" not in options and "global_clip_norm" not in options
    if arithmetic == "seed" and dtype == np.float64 and exact_norms:
        np.testing.assert_array_equal(numpy_form, reference, strict=True)
    else:
        tolerance = 1e-5 if dtype == np.float32 else 1e-12  # float32, a library's roundings, a norm's sum
        np.testing.assert_allclose(numpy_form, reference, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("name, arithmetic, dtype, options", ROWS, ids=[row[0] for row in ROWS])
def test_the_compiled_batch_engine_runs_the_rule(name, arithmetic, dtype, options, monkeypatch):
    settings = {"learning_rate": 1e-3, "decay": DECAY, **options, "arithmetic": arithmetic}
    with np.errstate(all="ignore"):
        both = run_batch_compiled(settings, dtype, monkeypatch)
    assert both["numba"].engine == "numba" and both["numpy"].engine == "numpy"
    np.testing.assert_array_equal(both["numba"].path_x, both["numpy"].path_x, strict=True)
    single = rmsprop.minimize(
        rmsprop.objectives.get("rosenbrock", dim=4), both["numpy"].path_x[0, 0], maxiter=STEPS, gtol=0, **settings
    )
    np.testing.assert_array_equal(both["numba"].x[0], single.x, strict=True)


def test_the_table_covers_every_pair_and_the_product():
    pairs = {row[0] for row in ROWS if " + " in row[0]}
    assert len(pairs) == len(ATOMS) * (len(ATOMS) - 1) // 2
    product = [row for row in ROWS if row[0].startswith(("seed ", "torch", "keras", "optax"))]
    assert len(product) == 5 * 2 * 2 * 3
    assert set(rmsprop.rule.OPTION_NAMES) - {"arithmetic"} <= {key for options in ATOMS.values() for key in options}
