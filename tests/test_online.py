"""Online objectives (f_t changing with the step) through minimize and minimize_many, against plain-Python loops."""

import math

import numpy as np
import pytest
from reference import rmsprop_loop

import rmsprop
from rmsprop import objectives, schedules

C = 3.0


def theorem_1(c=C):
    """Reddi et al. (2018), Theorem 1, from t = 0: f_t(x) = C x when t mod 3 = 0 (their t mod 3 = 1), else -x."""
    return objectives.linear([c, -1.0, -1.0], name="theorem 1", comparator=[-1.0])


def theorem_1_grad(x, t):
    return [C if t % 3 == 0 else -1.0]


def test_minimize_evaluates_f_k_at_iteration_k_bit_for_bit():
    lr = schedules.inverse_sqrt_decay(0.5)
    beta2 = 1 / (1 + C**2)
    result = rmsprop.minimize(theorem_1(), [0.5], learning_rate=lr, decay=beta2, maxiter=60, bounds=[(-1, 1)])
    expected = rmsprop_loop(theorem_1_grad, [0.5], 60, None, beta2, 1e-8, schedule=lr, bounds=[(-1, 1)], online=True)
    np.testing.assert_array_equal(result.path_x, expected)
    assert result.nit == 60 and result.status == 1, "gtol defaults to 0 for an online objective: all maxiter steps"
    xs = [p[0] for p in expected]
    np.testing.assert_array_equal(result.path_fun, [(C if k % 3 == 0 else -1.0) * x for k, x in enumerate(xs)])
    np.testing.assert_array_equal(result.path_jac[:, 0], [C if k % 3 == 0 else -1.0 for k in range(61)])
    assert result.nfev == result.njev == 61


def test_periodic_objectives_take_turns():
    seed, booth = objectives.get("seed"), objectives.get("booth")
    both = objectives.periodic([seed, booth])

    def grad(x, t):
        return (seed if t % 2 == 0 else booth).grad(np.array(x)).tolist()

    result = rmsprop.minimize(both, [-4.0, 3.0], learning_rate=0.05, maxiter=40)
    np.testing.assert_array_equal(result.path_x, rmsprop_loop(grad, [-4.0, 3.0], 40, 0.05, online=True))
    assert result.fun == float((seed if 40 % 2 == 0 else booth)(result.x))


def test_minimize_many_rows_are_the_single_online_runs():
    problem = objectives.linear([[1010.0, 0.5]] + [[-10.0, -0.25]] * 100, name="section 5, 2-D", comparator=[-1, -1])
    starts = np.array([[0.0, 0.0], [0.5, -0.5], [-1.0, 1.0]])
    rates = [0.1, 0.3, 0.02]
    lr_many = rmsprop.minimize_many(
        problem, starts, learning_rate=rates, decay=0.99, maxiter=300, bounds=[(-1, 1)] * 2, trajectories=True
    )
    assert lr_many.engine == "numpy" and (lr_many.nit == 300).all()
    for i, (start, rate) in enumerate(zip(starts, rates)):
        single = rmsprop.minimize(problem, start, learning_rate=rate, decay=0.99, maxiter=300, bounds=[(-1, 1)] * 2)
        np.testing.assert_array_equal(lr_many.path_x[i], single.path_x)
        np.testing.assert_array_equal(lr_many.path_fun[i], single.path_fun)


def test_a_schedule_is_shared_and_the_catalogue_engine_is_not_taken():
    lr = schedules.inverse_sqrt_decay(0.2)
    batch = rmsprop.minimize_many(theorem_1(), [[0.0], [0.9]], learning_rate=lr, decay=0.9, maxiter=30)
    for i, start in enumerate([[0.0], [0.9]]):
        single = rmsprop.minimize(theorem_1(), start, learning_rate=lr, decay=0.9, maxiter=30)
        np.testing.assert_array_equal(batch.x[i], single.x)


def test_regret_in_closed_form():
    """At x = 1 throughout, each period of Theorem 1 costs (C - 2) against x* = -1's -(C - 2): R grows 2(C - 2) per 3."""
    problem = theorem_1()
    regret = problem.regret(np.ones((9, 1)))
    assert regret[2::3].tolist() == [2 * (C - 2) * k for k in (1, 2, 3)]
    assert problem.regret(-np.ones((9, 1))).tolist() == [0.0] * 9
    # the comparator's own sum is what it should be: sum_t f_t(-1) over a period = -(C - 2)
    assert problem.losses(np.zeros((3, 1)), point=[-1.0]).sum() == -(C - 2)


def test_at_gives_one_step_as_an_objective():
    problem = theorem_1()
    f0, f1 = problem.at(0), problem.at(1)
    assert float(f0([0.5])) == C * 0.5 and float(f1([0.5])) == -0.5
    assert f0.grad(np.array([0.2])).tolist() == [C]
    assert math.isnan(f0.min_value) and f0.domain == ((-1.0, 1.0),)
    with pytest.raises(ValueError, match="the step t must be an int >= 0"):
        problem.at(-1)


def test_online_constructor_from_functions_of_x_and_t():
    """A target moving by 0.01 per step: f_t(x) = (x - 0.01 t)^2; the loop sees each step's gradient."""
    moving = objectives.online(lambda x, t: (x[0] - 0.01 * t) ** 2, lambda x, t: 2 * (x - 0.01 * t), dim=1)
    result = rmsprop.minimize(moving, [0.0], learning_rate=0.02, maxiter=50)
    expected = rmsprop_loop(lambda x, t: [2 * (x[0] - 0.01 * t)], [0.0], 50, 0.02, online=True)
    np.testing.assert_array_equal(result.path_x, expected)
    assert result.x[0] > 0.2, "it follows the target"


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: rmsprop.minimize(theorem_1(), [0.0], jac=lambda x: x), ValueError, "leave jac unset"),
        (lambda: rmsprop.minimize(theorem_1(), [0.0], args=(1,)), ValueError, "leave args unset"),
        (
            lambda: rmsprop.minimize(objectives.online(lambda x, t: 0.0, lambda x, t: np.ones(3), 1), [0.0]),
            ValueError,
            "grad(x, t) must have the shape of x",
        ),
        (lambda: rmsprop.minimize_many(theorem_1(), np.zeros((2, 2))), ValueError, "takes 1 coordinates"),
        (
            lambda: rmsprop.minimize_many(theorem_1(), np.zeros((2, 1)), jac=lambda X: X),
            ValueError,
            "leave jac unset",
        ),
        (lambda: objectives.linear([]), ValueError, "coefficients must have shape"),
        (lambda: objectives.linear([1.0, math.inf]), ValueError, "coefficients must be finite"),
        (lambda: objectives.linear(["a"]), TypeError, "coefficients must be real numbers"),
        (lambda: objectives.periodic([]), ValueError, "at least one objective"),
        (lambda: objectives.periodic([lambda x: x]), TypeError, "periodic takes Objectives"),
        (
            lambda: objectives.periodic([objectives.get("seed"), objectives.get("rosenbrock", dim=3)]),
            ValueError,
            "one dimension",
        ),
        (lambda: objectives.online(len, len, dim=0), ValueError, "dim must be a positive int"),
        (lambda: objectives.linear([1.0], comparator=[1.0, 2.0]), ValueError, "comparator must have shape (1,)"),
        (lambda: objectives.linear([1.0]).regret([[0.0]]), ValueError, "knows no comparator"),
    ],
)
def test_bad_input(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value) and "\n" not in str(info.value)
