"""Box constraints (``bounds=``): the projected run against its plain-Python reference and SciPy's L-BFGS-B."""

import math

import numpy as np
import pytest
from reference import rmsprop_loop

import rmsprop
from rmsprop import objectives, schedules
from rmsprop._bounds import box_of

SEED = objectives.get("seed")
BOX = [(-3.0, 3.0), (0.5, math.inf)]  # x1's start -4 is outside; x2 ends on its lower bound


def seed_grad(x):
    return [10.0 * x[0], 14.0 * x[1]]


@pytest.mark.parametrize(
    "bounds",
    [
        [(-3.0, 3.0), (0.5, None)],
        [(-3, 3), (0.5, math.inf)],
        pytest.param("scipy", id="scipy.optimize.Bounds"),
    ],
)
def test_minimize_projects_every_step_as_the_reference(bounds):
    if bounds == "scipy":
        scipy_optimize = pytest.importorskip("scipy.optimize")
        bounds = scipy_optimize.Bounds([-3.0, 0.5], [3.0, np.inf])
    result = rmsprop.minimize(SEED, [-4.0, 3.0], learning_rate=0.1, maxiter=60, gtol=0, bounds=bounds)
    expected = rmsprop_loop(seed_grad, [-4.0, 3.0], 60, 0.1, 0.9, 1e-8, bounds=BOX)
    np.testing.assert_array_equal(result.path_x, expected)
    assert result.path_x[0].tolist() == [-3.0, 3.0], "a start outside is projected first"
    assert result.x[1] == 0.5 and (result.path_x[:, 1] >= 0.5).all()


def test_the_projection_matters_and_inactive_bounds_change_nothing():
    free = rmsprop.minimize(SEED, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0)
    wide = rmsprop.minimize(SEED, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0, bounds=[(-10, 10), (-10, 10)])
    np.testing.assert_array_equal(free.path_x, wide.path_x)
    assert wide.x.tolist() == [-0.10352260359924752, 0.0025296212056016548]  # the seed's run, bit for bit
    boxed = rmsprop.minimize(SEED, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0, bounds=BOX)
    assert not np.array_equal(free.path_x, boxed.path_x)


def test_the_constrained_minimum_is_scipys():
    """On a box that cuts off the minimum, the run ends where L-BFGS-B ends: the closest corner, (0.5, 0)."""
    scipy_optimize = pytest.importorskip("scipy.optimize")
    bounds = [(0.5, 2.0), (-1.0, 1.0)]
    ours = rmsprop.minimize(
        SEED, [2.0, 1.0], learning_rate=schedules.exponential_decay(0.1, 0.5, 100), maxiter=3000, bounds=bounds
    )
    theirs = scipy_optimize.minimize(SEED, [2.0, 1.0], jac=SEED.grad, method="L-BFGS-B", bounds=bounds)
    np.testing.assert_allclose(ours.x, theirs.x, atol=1e-8)
    assert ours.x[0] == 0.5


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_minimize_many_rows_are_the_bounded_single_runs(dtype):
    starts = np.array([[-4.0, 3.0], [2.0, -2.0], [0.0, 0.7]], dtype=dtype)
    rates = [0.1, 0.05, 0.2]
    batch = rmsprop.minimize_many(SEED, starts, learning_rate=rates, maxiter=40, gtol=0, bounds=BOX, trajectories=True)
    assert batch.engine == "numpy"
    for i, (start, rate) in enumerate(zip(starts, rates)):
        single = rmsprop.minimize(SEED, start, learning_rate=rate, maxiter=40, gtol=0, bounds=BOX)
        np.testing.assert_array_equal(batch.path_x[i], single.path_x)
        np.testing.assert_array_equal(batch.x[i], single.x)
        assert batch.x.dtype == dtype
    assert (batch.path_x[:, :, 1] >= 0.5).all()


def test_compiled_path_is_left_for_the_python_loop_with_bounds(monkeypatch):
    """A bounded catalogue run never takes minimize's compiled path (which does not project)."""
    import rmsprop._minimize_compiled as compiled

    monkeypatch.setattr(compiled, "MIN_ITERATIONS", 1)
    result = rmsprop.minimize(SEED, [-4.0, 3.0], learning_rate=0.1, maxiter=30, gtol=0, bounds=BOX)
    expected = rmsprop_loop(seed_grad, [-4.0, 3.0], 30, 0.1, 0.9, 1e-8, bounds=BOX)
    np.testing.assert_array_equal(result.path_x, expected)


def test_checkpoint_remembers_the_box(tmp_path):
    path = tmp_path / "run.npz"
    rmsprop.minimize(SEED, [-4.0, 3.0], learning_rate=0.1, maxiter=20, gtol=0, bounds=BOX, checkpoint=path)
    resumed = rmsprop.minimize(SEED, [-4.0, 3.0], learning_rate=0.1, maxiter=40, gtol=0, bounds=BOX, resume=path)
    whole = rmsprop.minimize(SEED, [-4.0, 3.0], learning_rate=0.1, maxiter=40, gtol=0, bounds=BOX)
    np.testing.assert_array_equal(resumed.path_x, whole.path_x)
    with pytest.raises(ValueError, match="it was saved for bounds") as info:
        rmsprop.minimize(SEED, [-4.0, 3.0], learning_rate=0.1, maxiter=40, gtol=0, resume=path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "bounds, dim, error, words",
    [
        ([(0, 1)], 2, ValueError, "one (low, high) pair per coordinate, 2; got 1"),
        ([(0, 1), (2, 1)], 2, ValueError, "low <= high; coordinate 1 has (2.0, 1.0)"),
        ([(0, 1), None], 2, ValueError, "bounds[1] must be a pair"),
        ("01", 2, TypeError, "bounds must be scipy.optimize.Bounds or a sequence"),
        ([(True, 1)], 1, TypeError, "bounds[0][0] must be a real number or None"),
        ([(None, -math.inf)], 1, ValueError, "the box would be empty"),
        ([(math.nan, 1)], 1, ValueError, "must not be NaN"),
    ],
)
def test_bad_bounds(bounds, dim, error, words):
    with pytest.raises(error) as info:
        box_of(bounds, dim)
    assert words in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(error, match="bounds"):
        rmsprop.minimize_many(lambda X: X[:, 0], np.zeros((2, dim)), jac=lambda X: np.ones_like(X), bounds=bounds)


def test_bad_scipy_bounds():
    scipy_optimize = pytest.importorskip("scipy.optimize")
    with pytest.raises(ValueError, match=r"bounds.lb must be a scalar or hold one value per coordinate, 2"):
        box_of(scipy_optimize.Bounds([0, 0, 0], [1, 1, 1]), 2)
    with pytest.raises(ValueError, match="low <= high"):
        box_of(scipy_optimize.Bounds([0, 2], [1, 1]), 2)
