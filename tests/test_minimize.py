"""minimize: SciPy's conventions, stopping rules, callbacks, finite differences and bad input."""

import math

import numpy as np
import pytest
import scipy.optimize
from reference import rmsprop_loop

import rmsprop
from rmsprop import objectives


def quadratic(x):
    return float(0.5 * np.dot(x, x) + x[0])


def quadratic_grad(x):
    g = np.array(x, dtype=float)
    g[0] += 1.0
    return g


def test_result_fields_and_trajectory():
    result = rmsprop.minimize(quadratic, [2.0, -1.0, 0.5], jac=quadratic_grad, learning_rate=0.05, maxiter=30, gtol=0)
    for field in (
        "x",
        "fun",
        "jac",
        "nit",
        "nfev",
        "njev",
        "status",
        "success",
        "message",
        "path_x",
        "path_fun",
        "path_jac",
        "path_grad_norm",
        "state",
        "settings",
    ):
        assert field in result
    assert result.nit == 30 and result.status == 1 and result.success is False
    assert result.message == rmsprop.STATUS_MESSAGES[1]
    assert result.path_x.shape == (31, 3)
    np.testing.assert_array_equal(result.path_x[0], [2.0, -1.0, 0.5])
    np.testing.assert_array_equal(result.path_x[-1], result.x)
    expected = rmsprop_loop(lambda xs: quadratic_grad(np.array(xs)).tolist(), [2.0, -1.0, 0.5], 30, lr=0.05)
    np.testing.assert_array_equal(result.path_x, expected)
    np.testing.assert_array_equal(result.path_fun, [quadratic(x) for x in result.path_x])
    np.testing.assert_array_equal(result.path_jac, [quadratic_grad(x) for x in result.path_x])
    np.testing.assert_array_equal(result.path_grad_norm, [np.max(np.abs(quadratic_grad(x))) for x in result.path_x])
    assert result.settings["learning_rate"] == 0.05 and result.settings["name"] == "rmsprop"
    assert result.nfev == result.njev == 31
    assert result.state.count == 30


def test_gtol_stops_with_success():
    # With a constant rate RMSprop ends in a cycle of size ~lr around the minimum, so a tight gtol
    # needs a decaying rate.
    schedule = rmsprop.schedules.exponential_decay(0.1, decay_rate=0.5, decay_steps=50)
    result = rmsprop.minimize(
        objectives.get("seed"), [-4.0, 3.0], learning_rate=schedule, decay=0.9, maxiter=10_000, gtol=1e-3
    )
    assert result.success and result.status == 0
    assert np.max(np.abs(result.jac)) <= 1e-3 < result.path_grad_norm[-2]
    assert result.nit < 10_000


def test_gtol_reached_at_the_start_takes_no_step():
    result = rmsprop.minimize(objectives.get("seed"), [0.0, 0.0], maxiter=5)
    assert result.nit == 0 and result.success and result.path_x.shape == (1, 2)


def test_scipy_tol_sets_gtol():
    result = scipy.optimize.minimize(
        objectives.get("seed").f,
        [-4.0, 3.0],
        jac=objectives.get("seed").grad,
        method=rmsprop.minimize,
        tol=0.5,
        options={"learning_rate": 0.01, "maxiter": 10_000},
    )
    assert result.success and np.max(np.abs(result.jac)) <= 0.5 < result.path_grad_norm[0]


@pytest.mark.parametrize("style", ["intermediate_result", "xk"])
def test_both_callback_forms(style):
    seen = []
    if style == "intermediate_result":

        def callback(intermediate_result):
            seen.append((intermediate_result.x.copy(), intermediate_result.fun))
    else:

        def callback(xk):
            seen.append((xk.copy(), None))

    result = rmsprop.minimize(
        objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=7, gtol=0, callback=callback
    )
    assert len(seen) == 7
    np.testing.assert_array_equal([s[0] for s in seen], result.path_x[1:])
    if style == "intermediate_result":
        np.testing.assert_array_equal([s[1] for s in seen], result.path_fun[1:])


@pytest.mark.parametrize("through_scipy", [False, True])
def test_stop_iteration_from_callback_is_status_99(through_scipy):
    def callback(intermediate_result):
        if intermediate_result.nit == 3:
            raise StopIteration

    seed = objectives.get("seed")
    if through_scipy:
        result = scipy.optimize.minimize(
            seed.f,
            [-4.0, 3.0],
            jac=seed.grad,
            method=rmsprop.minimize,
            callback=callback,
            options={"learning_rate": 0.1},
        )
    else:
        result = rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, callback=callback)
    assert result.status == 99 and not result.success and result.nit == 3
    assert "StopIteration" in result.message


def test_finite_differences_are_used_and_reported():
    seed = objectives.get("seed")
    exact = rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0)
    estimated = rmsprop.minimize(seed.f, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0)
    assert "central finite differences" in estimated.message
    assert "finite differences" not in exact.message
    np.testing.assert_allclose(estimated.x, exact.x, rtol=1e-6, atol=1e-8)
    assert estimated.njev == 0 and estimated.nfev == 51 * 5
    np.testing.assert_allclose(estimated.jac, seed.grad(estimated.x), rtol=1e-7)


def test_float32_start_stays_float32():
    result = rmsprop.minimize(
        objectives.get("seed"), np.array([-4.0, 3.0], dtype=np.float32), learning_rate=0.1, maxiter=20, gtol=0
    )
    assert result.x.dtype == np.float32 and result.path_x.dtype == np.float32
    expected = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=20, gtol=0)
    np.testing.assert_allclose(result.x, expected.x, rtol=1e-5)


def test_options_reach_the_update_rule():
    grad = objectives.get("rosenbrock").grad
    result = rmsprop.minimize(
        objectives.get("rosenbrock"),
        [-1.2, 1.0],
        learning_rate=0.01,
        maxiter=25,
        gtol=0,
        centered=True,
        momentum=0.9,
        eps_in_sqrt=False,
    )
    expected = rmsprop_loop(
        lambda xs: grad(np.array(xs)).tolist(), [-1.2, 1.0], 25, lr=0.01, centered=True, momentum=0.9, eps_in_sqrt=False
    )
    np.testing.assert_array_equal(result.path_x, expected)


def test_optimizer_instead_of_options():
    opt = rmsprop.rmsprop(0.1, decay=0.5)
    a = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], optimizer=opt, maxiter=10, gtol=0)
    b = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, decay=0.5, maxiter=10, gtol=0)
    np.testing.assert_array_equal(a.path_x, b.path_x)
    with pytest.raises(ValueError, match="either optimizer= or RMSprop settings"):
        rmsprop.minimize(objectives.get("seed"), [1.0, 1.0], optimizer=opt, centered=True)


def test_non_finite_objective_stops_and_keeps_last_finite_iterate():
    def fun(x):
        return math.inf if x[0] > 2.5 else float(-x[0])

    result = rmsprop.minimize(fun, [0.0], jac=lambda x: np.array([-1.0]), learning_rate=1.0, maxiter=100)
    assert result.status == 3 and not result.success
    assert np.isfinite(result.x).all() and math.isfinite(result.fun)
    assert result.x[0] <= 2.5 and result.nit == len(result.path_x) - 1
    assert "non-finite" in result.message


def test_overflowing_step_stops_with_status_3():
    def fun(x):
        return float(-np.sum(x))

    result = rmsprop.minimize(fun, [1e308], jac=lambda x: np.array([-1.0]), learning_rate=1e307, maxiter=100)
    assert result.status == 3 and not result.success and result.nit >= 1
    assert np.isfinite(result.x).all() and result.x[0] == result.path_x[-1, 0] > 1e308
    assert f"The step from iteration {result.nit} overflowed" in result.message


def test_non_finite_at_start():
    result = rmsprop.minimize(lambda x: math.nan, [1.0], jac=lambda x: np.zeros(1))
    assert result.status == 3 and result.nit == 0 and not result.success


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"x0": [math.nan, 1.0]}, ValueError, "x0 must be finite"),
        ({"x0": []}, ValueError, "x0 is empty"),
        ({"x0": ["a", "b"]}, TypeError, "x0 must hold real numbers"),
        ({"learning_rate": -0.1}, ValueError, "Invalid learning rate"),
        ({"decay": 1.5}, ValueError, "Invalid decay"),
        ({"eps": 0.0}, ValueError, "Invalid eps"),
        ({"maxiter": -1}, ValueError, "maxiter must be an integer >= 0"),
        ({"maxiter": 2.5}, ValueError, "maxiter must be an integer >= 0"),
        ({"gtol": -1.0}, ValueError, "Invalid gtol"),
        ({"centred": True}, TypeError, "unknown option 'centred'"),
        ({"bounds": [(0, 1)]}, ValueError, "one (low, high) pair per coordinate, 2; got 1"),
        ({"bounds": [(0, 1), (1, 0)]}, ValueError, "low <= high; coordinate 1 has (1.0, 0.0)"),
        ({"bounds": [(0, 1), (math.nan, 0)]}, ValueError, "bounds must not be NaN"),
        ({"bounds": [(0, 1), (0, 1, 2)]}, ValueError, "bounds[1] must be a pair"),
        ({"bounds": [(0, 1), ("a", 1)]}, TypeError, "bounds[1][0] must be a real number or None"),
        ({"bounds": 3}, TypeError, "bounds must be scipy.optimize.Bounds or a sequence"),
        ({"bounds": [(math.inf, None), (0, 1)]}, ValueError, "the box would be empty"),
        ({"constraints": [{"type": "eq", "fun": sum}]}, ValueError, "no other constraints"),
        ({"hess": lambda x: np.eye(2)}, ValueError, "no Hessian"),
        ({"jac": "exact"}, TypeError, "jac must be"),
        ({"callback": 3}, TypeError, "callback must be callable"),
    ],
)
def test_bad_input(kwargs, error, words):
    kwargs = {"x0": [1.0, 2.0], **kwargs}
    seed = objectives.get("seed")
    with pytest.raises(error) as info:
        rmsprop.minimize(seed, **kwargs)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_bad_objective_output():
    with pytest.raises(ValueError, match="fun must return a scalar"):
        rmsprop.minimize(lambda x: x, [1.0, 2.0], jac=lambda x: x)
    with pytest.raises(ValueError, match="gradient must have the shape of x"):
        rmsprop.minimize(lambda x: 0.0, [1.0, 2.0], jac=lambda x: np.ones(3))
    with pytest.raises(ValueError, match="jac=True"):
        rmsprop.minimize(lambda x: 0.0, [1.0], jac=True)
    with pytest.raises(TypeError, match="fun must be callable"):
        rmsprop.minimize("seed", [1.0])
