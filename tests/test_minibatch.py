"""Finite sums over data (rmsprop.objectives.FiniteSum): the batches, the losses against references, the runs."""

import math

import numpy as np
import pytest

import rmsprop
from rmsprop import objectives
from rmsprop.objectives import least_squares, logistic_regression, synthetic_classification, synthetic_regression

A, B, W = synthetic_regression(23, 3, noise=0.3, correlation=0.5, seed=4)


# --------------------------------------------------------------------------------------
# The batches
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 4, 5, 23])
def test_each_epoch_is_one_permutation_of_the_examples_drawn_in_order(batch_size):
    problem = least_squares(A, B, batch_size=batch_size, seed=9)
    per_epoch = problem.batches_per_epoch
    assert per_epoch == math.ceil(23 / batch_size)
    generator = np.random.default_rng(9)  # the documented stream: one permutation per epoch, in order
    for epoch in range(4):
        expected = generator.permutation(23)
        batches = [problem.batch(epoch * per_epoch + b) for b in range(per_epoch)]
        assert np.array_equal(np.concatenate(batches), expected)
        assert [len(batch) for batch in batches[:-1]] == [batch_size] * (per_epoch - 1)
        assert len(batches[-1]) == 23 - batch_size * (per_epoch - 1)  # the last, shorter batch is kept


def test_shuffling_is_reproducible_and_seeded():
    first, again = least_squares(A, B, batch_size=4, seed=3), least_squares(A, B, batch_size=4, seed=3)
    other = least_squares(A, B, batch_size=4, seed=4)
    steps = [17, 0, 5, 40, 2]  # any order of access: an earlier epoch is drawn again from the seed
    assert all(np.array_equal(first.batch(t), again.batch(t)) for t in steps)
    assert not all(np.array_equal(first.batch(t), other.batch(t)) for t in range(6))
    assert least_squares(A, B, batch_size=4).seed == 0  # the default seed, as the noise's
    assert least_squares(A, B).batch(7) is None


def test_batch_gradients_average_to_the_full_gradient_over_an_epoch():
    x = np.array([0.3, -1.2, 2.0])
    full = least_squares(A, B).full.grad(x)
    for batch_size in (1, 4, 5):
        problem = least_squares(A, B, batch_size=batch_size, seed=1)
        for epoch in (0, 3):
            steps = range(epoch * problem.batches_per_epoch, (epoch + 1) * problem.batches_per_epoch)
            weighted = sum(len(problem.batch(t)) * problem.grad(x, t) for t in steps) / 23
            np.testing.assert_allclose(weighted, full, rtol=1e-13, atol=1e-14)
    # equal batches: the plain mean of the batch gradients is the full gradient
    equal = least_squares(A[:20], B[:20], batch_size=5, seed=2)
    mean = np.mean([equal.grad(x, t) for t in range(4)], axis=0)
    np.testing.assert_allclose(mean, least_squares(A[:20], B[:20]).full.grad(x), rtol=1e-13, atol=1e-14)


# --------------------------------------------------------------------------------------
# The losses against references
# --------------------------------------------------------------------------------------


def central_differences(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(len(x))])


def test_least_squares_values_and_gradients_against_the_closed_forms():
    problem = least_squares(A, B, batch_size=4, seed=0, l2=0.2)
    x = np.array([0.5, -0.25, 1.5])
    for t in (0, 5, 6):
        rows = problem.batch(t)
        r = A[rows] @ x - B[rows]
        assert problem.f(x, t) == pytest.approx(r @ r / (2 * len(rows)) + 0.1 * x @ x, rel=1e-14)
        np.testing.assert_allclose(problem.grad(x, t), A[rows].T @ r / len(rows) + 0.2 * x, rtol=1e-13)
    np.testing.assert_allclose(problem.full.grad(x), central_differences(problem.full, x), rtol=1e-7)


def test_least_squares_minimum_is_lstsq_and_ridge():
    plain = least_squares(A, B)
    np.testing.assert_allclose(plain.full.minima[0], np.linalg.lstsq(A, B, rcond=None)[0], rtol=1e-12)
    ridge = least_squares(A, B, l2=0.5)
    # ridge as least squares on the stacked system [A / sqrt(n); sqrt(l2) I] x = [b / sqrt(n); 0]
    stacked = np.vstack([A / math.sqrt(23), math.sqrt(0.5) * np.eye(3)])
    expected = np.linalg.lstsq(stacked, np.concatenate([B / math.sqrt(23), np.zeros(3)]), rcond=None)[0]
    np.testing.assert_allclose(ridge.full.minima[0], expected, rtol=1e-12)
    assert np.abs(ridge.full.grad(ridge.full.minima[0])).max() < 1e-13
    assert ridge.full.min_value == pytest.approx(float(ridge.full(expected)), rel=1e-14)


def test_logistic_gradient_by_finite_differences_and_stable_for_large_margins():
    X, y, _ = synthetic_classification(40, 3, seed=2)
    problem = logistic_regression(X, y, l2=0.05, batch_size=7, seed=1, intercept=True)
    x = np.array([0.4, -0.7, 1.1, 0.3])
    for t in (0, 6):
        np.testing.assert_allclose(
            problem.grad(x, t), central_differences(lambda z, t=t: float(problem.f(z, t)), x), rtol=1e-6, atol=1e-9
        )
    big = np.array([800.0, -900.0, 500.0, 0.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # no overflow on the way (underflow is fine)
        value, gradient = problem.full.value_and_grad(big)
    assert np.isfinite(value) and np.isfinite(gradient).all()


@pytest.mark.parametrize("intercept", [False, True])
def test_logistic_optimum_matches_scikit_learn(intercept):
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y, _ = synthetic_classification(120, 3, noise=1.0, seed=5)
    l2 = 0.05
    problem = logistic_regression(X, y, l2=l2, intercept=intercept)
    model = sklearn.LogisticRegression(C=1 / (len(y) * l2), fit_intercept=intercept, tol=1e-12, max_iter=10_000)
    model.fit(X, y)
    theirs = np.concatenate([model.coef_[0], model.intercept_ if intercept else []])
    assert np.abs(problem.full.grad(theirs)).max() < 1e-7  # their optimum is ours (the gradient vanishes there)
    lr = rmsprop.schedules.exponential_decay(0.05, decay_rate=0.5, decay_steps=300)  # RMSprop settles as lr -> 0
    result = rmsprop.minimize(problem.full, np.zeros(problem.dim), learning_rate=lr, maxiter=6000, gtol=0)
    np.testing.assert_allclose(result.x, theirs, atol=1e-6)


def test_digits_is_standardised_and_scikit_learn_agrees():
    pytest.importorskip("sklearn")
    from sklearn.linear_model import LogisticRegression

    X, y = objectives.digits_data((0, 1))
    assert X.shape == (360, 64) and set(np.unique(y).tolist()) == {0, 1}
    spread = X.std(axis=0)
    assert np.allclose(X.mean(axis=0), 0) and np.allclose(spread[spread > 0], 1)
    problem = objectives.digits((0, 1), l2=0.1)
    model = LogisticRegression(C=1 / (360 * 0.1), tol=1e-12, max_iter=10_000).fit(X, y)
    theirs = np.concatenate([model.coef_[0], model.intercept_])
    assert np.abs(problem.full.grad(theirs)).max() < 1e-7


# --------------------------------------------------------------------------------------
# The runs
# --------------------------------------------------------------------------------------


def test_full_batch_run_is_the_deterministic_run_bit_for_bit():
    problem = least_squares(A, B, l2=0.01)
    batch = rmsprop.minimize(problem, np.zeros(3), learning_rate=0.05, maxiter=60, gtol=0)
    plain = rmsprop.minimize(problem.full, np.zeros(3), learning_rate=0.05, maxiter=60, gtol=0)
    for field in ("x", "path_x", "path_fun", "path_jac"):
        assert np.array_equal(batch[field], plain[field]), field
    assert np.array_equal(batch.path_full_fun, plain.path_fun) and batch.full_fun == plain.fun
    assert batch.batches_per_epoch == 1


def test_path_full_fun_is_the_full_objective_at_each_iterate():
    problem = least_squares(A, B, batch_size=5, seed=2)
    result = rmsprop.minimize(problem, np.zeros(3), learning_rate=0.05, maxiter=problem.iterations(3))
    assert result.nit == 15 and result.batches_per_epoch == 5
    expected = [float(problem.full(x)) for x in result.path_x]
    assert result.path_full_fun.tolist() == expected and result.full_fun == expected[-1]
    assert result.path_fun.tolist() == [float(problem.f(x, k)) for k, x in enumerate(result.path_x)]


@pytest.mark.parametrize("model", ["least_squares", "logistic"])
def test_minimize_many_rows_are_single_runs(model):
    if model == "least_squares":
        problem = least_squares(A, B, batch_size=4, seed=1, l2=0.1)
    else:
        X, y, _ = synthetic_classification(30, 3, seed=1)
        problem = logistic_regression(X, y, batch_size=4, seed=1, intercept=True)
    starts = np.random.default_rng(0).uniform(-1, 1, (3, problem.dim))
    rates = [0.01, 0.05, 0.2]
    many = rmsprop.minimize_many(problem, starts, learning_rate=rates, maxiter=25, trajectories=True)
    assert many.path_full_fun.shape == (3, 26) and many.batches_per_epoch == problem.batches_per_epoch
    for i in range(3):
        single = rmsprop.minimize(problem, starts[i], learning_rate=rates[i], maxiter=25)
        assert np.array_equal(many.x[i], single.x) and np.array_equal(many.path_fun[i], single.path_fun)
        assert np.array_equal(many.path_full_fun[i], single.path_full_fun)
        assert many.full_fun[i] == single.full_fun
    # float32 starts and gradient noise (seed + i per run) on top of the batches
    low = starts.astype(np.float32)
    noisy = rmsprop.minimize_many(problem, low, learning_rate=0.05, maxiter=25, noise=0.1, seed=5)
    for i in range(3):
        single = rmsprop.minimize(problem, low[i], learning_rate=0.05, maxiter=25, noise=0.1, seed=5 + i)
        assert single.x.dtype == np.float32 and np.array_equal(noisy.x[i], single.x)


def test_a_resumed_run_takes_the_same_batches_and_another_shuffle_is_refused(tmp_path):
    checkpoint = tmp_path / "run.npz"
    whole = rmsprop.minimize(least_squares(A, B, batch_size=5, seed=3), [0.0] * 3, learning_rate=0.1, maxiter=40)
    rmsprop.minimize(
        least_squares(A, B, batch_size=5, seed=3), [0.0] * 3, learning_rate=0.1, maxiter=17, checkpoint=checkpoint
    )
    rest = rmsprop.minimize(
        least_squares(A, B, batch_size=5, seed=3), [0.0] * 3, learning_rate=0.1, maxiter=40, resume=checkpoint
    )
    assert np.array_equal(whole.path_x, rest.path_x) and np.array_equal(whole.path_full_fun, rest.path_full_fun)
    for other in (least_squares(A, B, batch_size=5, seed=4), least_squares(A * 2, B, batch_size=5, seed=3)):
        with pytest.raises(ValueError, match="cannot resume from"):
            rmsprop.minimize(other, [0.0] * 3, learning_rate=0.1, maxiter=40, resume=checkpoint)


def test_least_squares_converges_near_lstsq_with_a_decaying_schedule():
    A2, b2, _ = synthetic_regression(200, 2, noise=0.5, correlation=0.8, seed=0)
    problem = least_squares(A2, b2, batch_size=10, seed=0)
    best = np.linalg.lstsq(A2, b2, rcond=None)[0]
    lr = rmsprop.schedules.inverse_sqrt_decay(0.1)
    result = rmsprop.minimize(problem, [0.0, 0.0], learning_rate=lr, maxiter=problem.iterations(30))
    assert np.linalg.norm(result.x - best) < 0.03  # measured: 0.009
    assert result.full_fun - problem.full.min_value < 1e-4  # measured: 1e-5, from 0.39 at the start
    assert result.path_full_fun[0] - problem.full.min_value > 0.3


# --------------------------------------------------------------------------------------
# Bad input: one-line errors
# --------------------------------------------------------------------------------------

BAD = [
    (lambda: least_squares(np.ones(3), np.ones(3)), ValueError, r"A must have shape \(n, d\)"),
    (lambda: least_squares(np.ones((3, 2)), np.ones(4)), ValueError, "one row per example; got 3 rows and 4"),
    (
        lambda: least_squares(np.ones((3, 2)), np.ones(3), batch_size=0),
        ValueError,
        "batch_size must be an integer >= 1",
    ),
    (lambda: least_squares(np.ones((3, 2)), np.ones(3), batch_size=4), ValueError, "at most the number of examples, 3"),
    (lambda: least_squares(np.ones((3, 2)), np.ones(3), batch_size=2.0), ValueError, "batch_size must be an integer"),
    (lambda: least_squares(np.ones((3, 2)), np.ones(3), seed=1), ValueError, "shuffling of minibatches, which is off"),
    (lambda: least_squares(np.ones((3, 2)), np.ones(3), batch_size=1, seed=-1), ValueError, "seed must be an integer"),
    (lambda: least_squares(np.ones((3, 2)), np.ones(3), l2=-1.0), ValueError, "l2 must be finite and >= 0"),
    (lambda: least_squares([[1.0, np.nan]], [1.0]), ValueError, "A must be finite"),
    (lambda: least_squares([[1.0, 2.0]], [np.inf]), ValueError, "b must be finite"),
    (lambda: least_squares([["a", "b"]], [1.0]), TypeError, "A must hold real numbers"),
    (lambda: logistic_regression(np.ones((3, 2)), [0, 1, 2]), ValueError, r"labels y must be 0 or 1 \(binary\)"),
    (lambda: logistic_regression(np.ones((3, 2)), [-1, 1, 1]), ValueError, "labels y must be 0 or 1"),
    (lambda: logistic_regression(np.ones((3, 2)), [0, 1, 1], intercept=1), TypeError, "intercept must be True"),
    (lambda: least_squares(A, B, batch_size=2).iterations(-1), ValueError, "epochs must be an integer >= 0"),
    (lambda: least_squares(A, B, batch_size=2).batch(-1), ValueError, "the step t must be an int >= 0"),
    (lambda: synthetic_regression(0), ValueError, "n must be an integer >= 1"),
    (lambda: synthetic_regression(5, correlation=1.0), ValueError, r"correlation must be in \[0, 1\)"),
    (lambda: objectives.digits_data((1, 1)), ValueError, "two different digits"),
]


@pytest.mark.parametrize("index", range(len(BAD)))
def test_bad_input_gets_a_one_line_error(index):
    make, kind, message = BAD[index]
    with pytest.raises(kind, match=message) as caught:
        make()
    assert "\n" not in str(caught.value)


def test_digits_without_scikit_learn_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"scikit-learn: pip install 'rmsprop\[data\]'"):
        objectives.digits()


# --------------------------------------------------------------------------------------
# The figure and the example
# --------------------------------------------------------------------------------------


def test_minibatch_paths_writes_a_figure_of_paths_and_losses(tmp_path):
    pytest.importorskip("matplotlib")
    A2, b2, _ = synthetic_regression(30, 2, seed=2)
    runs = {}
    for size in (1, None):
        problem = least_squares(A2, b2, batch_size=size)
        runs[f"B={size}"] = rmsprop.minimize(problem, [0.0, 0.0], learning_rate=0.1, maxiter=problem.iterations(2))
    runs["many"] = rmsprop.minimize_many(
        least_squares(A2, b2, batch_size=10), [[0.0, 0.0], [1.0, 1.0]], maxiter=6, trajectories=True
    )
    out = tmp_path / "minibatch.png"
    figure = rmsprop.plot.minibatch_paths(problem, runs, resolution=20, save=out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and sorted(p.name for p in tmp_path.iterdir()) == [out.name]
    paths, losses = figure.axes[:2]
    gids = [line.get_gid() for line in losses.get_lines()]
    # a minibatch run draws its batches' and its full losses; the full-batch run its path_fun, once
    assert gids == ["batch:B=1", "full:B=1", "full:B=None", "batch:many [0]", "full:many [0]"] + [
        "batch:many [1]",
        "full:many [1]",
        "minimum",
    ]
    full_line = losses.get_lines()[1]
    assert np.array_equal(full_line.get_ydata(), runs["B=1"].path_full_fun)
    assert np.array_equal(full_line.get_xdata(), np.arange(61) / 30)  # in epochs
    assert "path:B=1" in [line.get_gid() for line in paths.get_lines()]
    with pytest.raises(ValueError, match="axis must be one of epoch, iteration"):
        rmsprop.plot.minibatch_paths(problem, runs, axis="step")
    one_d = least_squares(A2[:, :1], b2, batch_size=5)
    result = rmsprop.minimize(one_d, [0.0], learning_rate=0.1, maxiter=12)
    assert len(rmsprop.plot.minibatch_paths(one_d, result, axis="iteration").axes) == 1  # the losses alone


def test_example_script_writes_its_figures(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "examples" / "minibatches.py"
    spec = importlib.util.spec_from_file_location("minibatches_example", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["--epochs", "2", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert printed.count("least squares ") == 3
    expected = ["minibatches_least_squares.png"]
    if importlib.util.find_spec("sklearn") is not None:
        expected.append("minibatches_digits.png")
        assert printed.count("digits 0 vs 1 ") == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(expected)
