"""The step on Python floats (``rmsprop.rule.floats``, ``rmsprop._float_step``) and its exact ``fma``.

``tests/test_engines.py`` holds the engine to the NumPy form and the plain-Python reference on
the whole table of options; here: when it applies, where it hands over to the NumPy form, and
its ``fma`` against exact rational arithmetic.
"""

import math
from fractions import Fraction

import numpy as np
import pytest

import rmsprop
import rmsprop._minimize
from rmsprop import Settings, _float_step
from rmsprop._fma import fma as numpy_fma
from rmsprop.rule.scalar_primitives import fma
from rmsprop.rule.step import make_step, scalars

SETTINGS = Settings(learning_rate=0.1, centered=True, momentum=0.9, arithmetic="torch")


def _step_numbers(settings, dtype=np.float64):
    return settings.spec(np.dtype(dtype)), scalars(settings, settings.learning_rate, 1.0, None, None, dtype)


@pytest.mark.parametrize("size", [1, 2, 4])
def test_a_few_float64_numbers_step_on_floats_with_the_numpy_forms_bits(size):
    rng = np.random.default_rng(size)
    spec, s = _step_numbers(SETTINGS)
    g, x, e, m, b = (rng.standard_normal(size) for _ in range(5))
    e = e * e + m * m  # PyTorch's centered variance e - m^2 stays >= 0
    ours = _float_step.leaf_update(spec, s, g, x, e, m, b)
    assert ours is not None
    for got, want in zip(ours, make_step(spec)(g, x, e, m, b, s)):
        np.testing.assert_array_equal(got, want, strict=True)


def test_other_arrays_are_left_to_numpy():
    spec, s = _step_numbers(SETTINGS)
    five = np.ones(_float_step.MAX_SIZE + 1)
    assert _float_step.leaf_update(spec, s, five, five, five, five, five) is None
    spec32, s32 = _step_numbers(SETTINGS, np.float32)
    two32 = np.ones(2, np.float32)
    assert _float_step.leaf_update(spec32, s32, two32, two32, two32, two32, two32) is None


def test_a_step_that_raises_on_floats_gives_numpys_numbers():
    """PyTorch's centered variance ``e - m^2`` below 0: Python's ``sqrt`` raises, NumPy's gives NaN."""
    spec, s = _step_numbers(SETTINGS)
    one, zero = np.ones(2), np.zeros(2)
    m = np.array([1.0, 0.0]) * 10.0  # m^2 > e in the first coordinate
    assert _float_step.leaf_update(spec, s, zero, zero, one, m, zero) is None
    opt = rmsprop.rmsprop(0.1, centered=True, momentum=0.9, arithmetic="torch")
    state = opt.init(zero)._replace(e=one, m=m)
    with np.errstate(all="ignore"):
        updates, _ = opt.update(zero, state, zero)
        np.testing.assert_array_equal(updates, make_step(spec)(zero, zero, one, m, zero, s)[0])
    assert np.isnan(updates[0]) and not np.isnan(updates[1])


def _exact_fma(a, b, c):
    return float(Fraction(a) * Fraction(b) + Fraction(c))


def test_fma_rounds_once():
    rng = np.random.default_rng(0)
    for a, b, c in rng.standard_normal((2000, 3)) * np.array([1.0, 1e-8, 1e-8]):
        a, b, c = float(a), float(b), float(a * b) * -1.0 + float(c)  # cancellation, where one rounding shows
        assert fma(a, b, c) == _exact_fma(a, b, c) == float(numpy_fma(np.float64(a), np.float64(b), np.float64(c)))


@pytest.mark.parametrize(
    "a, b, c, want",
    [
        (1.0, 1.0, -1.0, 0.0),  # an exact zero is +0
        (-0.0, 1.0, -0.0, -0.0),  # -0 + -0 is -0
        (1e308, 10.0, -math.inf, -math.inf),  # a finite product that overflows does not meet inf
        (1e308, 10.0, 0.0, math.inf),  # overflow of the result
        (-1e308, 10.0, 0.0, -math.inf),
        (math.inf, 0.0, 1.0, math.nan),
        (math.inf, 2.0, 1.0, math.inf),
        (1.0, 2.0, math.nan, math.nan),
    ],
)
def test_fma_edge_cases(a, b, c, want):
    got = fma(a, b, c)
    if math.isnan(want):
        assert math.isnan(got)
    else:
        assert got == want and math.copysign(1.0, got) == math.copysign(1.0, want)


# minimize's loop on Python floats (rmsprop._float_run) against the same loop through update and apply_updates.

_RUN_OPTIONS = [
    {},
    {"eps_in_sqrt": False, "initial_scale": 1.0},
    {"centered": True, "momentum": 0.9, "nesterov": True},
    {"momentum": 0.5, "lr_inside_momentum": True, "weight_decay": 0.1},
    {"weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True},
    {"bias_correction": True, "clip_value": 20.0},
    {"clip_norm": 30.0, "global_clip_norm": 25.0},
    {"centered": True, "momentum": 0.9, "arithmetic": "torch"},
    {"centered": True, "momentum": 0.9, "arithmetic": "optax"},
    {
        "momentum": 0.9,
        "arithmetic": "keras_torch",
        "learning_rate": rmsprop.schedules.exponential_decay(0.05, decay_rate=0.99, decay_steps=1),
    },
]


def _minimize(options, **more):
    options = {"learning_rate": 0.05, **options}
    seed = rmsprop.objectives.get("seed")
    return rmsprop.minimize(seed.f, [-4.0, 3.0], jac=seed.grad, maxiter=60, gtol=0, **options, **more)


@pytest.mark.parametrize("options", _RUN_OPTIONS, ids=[",".join(o) or "default" for o in _RUN_OPTIONS])
def test_minimizes_loop_on_floats_gives_the_bits_of_update(options, monkeypatch):
    ours = _minimize(options)
    # The same loop through update and apply_updates, in the NumPy form (no Python floats anywhere).
    monkeypatch.setattr(rmsprop._minimize, "float_steps", lambda *args: None)
    monkeypatch.setattr(_float_step, "MAX_SIZE", -1)
    theirs = _minimize(options)
    np.testing.assert_array_equal(ours.path_x, theirs.path_x, strict=True)
    np.testing.assert_array_equal(ours.path_jac, theirs.path_jac, strict=True)
    for got, want in zip(ours.state, theirs.state):
        np.testing.assert_array_equal(got, want, strict=True)


def test_the_loop_on_floats_runs_where_it_applies_and_checkpoints_its_state(tmp_path):
    from rmsprop import _float_run

    opt = rmsprop.rmsprop(0.1)
    x = np.array([-4.0, 3.0])
    assert _float_run.float_steps(opt, opt.init(x), x) is not None
    assert _float_run.float_steps(rmsprop.baselines.adam(0.1), rmsprop.baselines.adam(0.1).init(x), x) is None
    assert _float_run.float_steps(opt, opt.init(x.astype(np.float32)), x.astype(np.float32)) is None
    whole = _minimize({"momentum": 0.9})
    half = _minimize({"momentum": 0.9}, checkpoint=tmp_path / "run.npz", checkpoint_every=30)
    resumed = _minimize({"momentum": 0.9}, resume=tmp_path / "run.npz")
    np.testing.assert_array_equal(half.x, whole.x, strict=True)
    np.testing.assert_array_equal(resumed.x, whole.x, strict=True)
    assert type(whole.state) is rmsprop.RMSpropState and whole.state.count == 60
