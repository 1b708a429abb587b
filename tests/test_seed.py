"""The seed document's run, reproduced bit for bit through every entry point."""

import subprocess
import sys

import numpy as np
import pytest
import scipy.optimize
from reference import SEED_X1, SEED_X2, SEED_Y, seed_rmsprop

import rmsprop

SEED_LINES = [
    f"The optimal value of x1 is: {SEED_X1!r}",
    f"The optimal value of x2 is: {SEED_X2!r}",
    f"The optimal value of y is: {SEED_Y!r}",
]


def test_the_seed_code_itself_prints_the_seed_numbers():
    x1, x2, y = seed_rmsprop(-4.0, 3.0, lambda a, b: 10.0 * a, lambda a, b: 14.0 * b, 0.1, 0.9, 1e-8, 50)
    assert (x1[-1], x2[-1], y[-1]) == (SEED_X1, SEED_X2, SEED_Y)


def test_minimize_reproduces_the_seed_trajectory():
    result = rmsprop.minimize(
        rmsprop.objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, decay=0.9, eps=1e-8, maxiter=50, gtol=0.0
    )
    x1, x2, y = seed_rmsprop(-4.0, 3.0, lambda a, b: 10.0 * a, lambda a, b: 14.0 * b, 0.1, 0.9, 1e-8, 50)
    assert result.x.tolist() == [SEED_X1, SEED_X2]
    assert result.fun == SEED_Y
    assert result.nit == 50 and result.path_x.shape == (51, 2)
    np.testing.assert_array_equal(result.path_x, np.column_stack([x1, x2]))
    np.testing.assert_array_equal(result.path_fun, y)


def test_minimize_with_plain_functions_matches_the_seed():
    def objective(x):
        return 5 * x[0] ** 2.0 + 7 * x[1] ** 2.0

    def jacobian(x):
        return np.array([10.0 * x[0], 14.0 * x[1]])

    result = rmsprop.minimize(objective, [-4, 3], jac=jacobian, learning_rate=0.1, maxiter=50, gtol=0)
    assert (result.x[0], result.x[1], result.fun) == (SEED_X1, SEED_X2, SEED_Y)


@pytest.mark.parametrize("jac_form", ["callable", "True"])
def test_scipy_minimize_with_rmsprop_as_method(jac_form):
    seed = rmsprop.objectives.get("seed")
    if jac_form == "callable":
        fun, jac = seed.f, seed.grad
    else:
        fun, jac = (lambda x: (seed.f(x), seed.grad(x))), True
    result = scipy.optimize.minimize(
        fun,
        np.array([-4.0, 3.0]),
        jac=jac,
        method=rmsprop.minimize,
        options={"learning_rate": 0.1, "decay": 0.9, "eps": 1e-8, "maxiter": 50, "gtol": 0.0},
    )
    assert isinstance(result, rmsprop.OptimizeResult)  # SciPy returns the method's result as it is
    assert (result.x[0], result.x[1], result.fun) == (SEED_X1, SEED_X2, SEED_Y)


def test_demo_command_prints_exactly_the_seed_lines(tmp_path):
    out = tmp_path / "figures"
    run = subprocess.run(
        [sys.executable, "-m", "rmsprop", "demo", "--out", str(out)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:3] == SEED_LINES
    assert lines[3:] == [f"Wrote {out / 'surface_and_contour.png'}", f"Wrote {out / 'path_on_contour.png'}"]
    assert run.stderr == ""
