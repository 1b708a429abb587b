"""minimize_many(flavor=...): every library flavor, run by run the numbers of minimize with that flavor, bit for bit."""

import numpy as np
import pytest

import rmsprop
from rmsprop import compat, objectives

#: One case per flavor, with options that turn on what the flavor can do (a setting per run on top).
CASES = {
    "seed": {},
    "torch": {"momentum": 0.5, "centered": True, "weight_decay": 0.01},
    "keras": {"momentum": 0.9, "weight_decay": 0.01, "use_ema": True},
    "optax": {"bias_correction": True, "centered": True, "momentum": 0.5, "nesterov": True},
    "tf1": {"centered": True, "momentum": 0.3},
    "jax_example": {"momentum": 0.3},
    "lasagne": {},
    "caffe": {"weight_decay": 0.1},
    "graves": {},
}


@pytest.fixture(params=["numba", "numpy"])
def engine(request, monkeypatch):
    """Run the test on the compiled engine (where Numba is installed) and on the NumPy one."""
    if request.param == "numba":
        pytest.importorskip("numba")
        monkeypatch.delenv("RMSPROP_DISABLE_JIT", raising=False)
    else:
        monkeypatch.setenv("RMSPROP_DISABLE_JIT", "1")
    return request.param


def bits(values):
    """Floats as their bit patterns: equal only when the numbers are the same bits (-0.0 is not 0.0)."""
    values = np.ascontiguousarray(values)
    return values.view(np.uint32 if values.dtype == np.float32 else np.uint64)


def assert_rows_are_flavor_runs(result, objective, x0s, flavor, settings, options, maxiter, gtol):
    """Row ``i`` is minimize(..., optimizer=compat.configure(flavor, **settings[i], **options)) bit for bit."""
    for i, x0 in enumerate(x0s):
        optimizer = compat.configure(flavor, **settings[i], **options)
        single = rmsprop.minimize(objective, x0, optimizer=optimizer, maxiter=maxiter, gtol=gtol)
        assert np.array_equal(bits(result.x[i]), bits(single.x)), (flavor, i, result.x[i], single.x)
        assert bits(np.float64(result.fun[i])) == bits(np.float64(single.fun)), (flavor, i)
        assert np.array_equal(bits(result.jac[i]), bits(single.jac)), (flavor, i)
        assert (result.nit[i], result.status[i]) == (single.nit, single.status), (flavor, i)
        assert result.message[i] == single.message, (flavor, i)


@pytest.mark.parametrize("flavor", list(CASES))
def test_every_flavor_with_a_setting_per_run(engine, flavor):
    objective = objectives.get("rosenbrock")  # exact on both engines (the module docstring of rmsprop._batch)
    x0s = np.random.default_rng(3).uniform(-2, 2, (6, 2))
    lr = np.array([0.01, 0.05, 0.1, 0.01, 0.05, 0.1])  # 0.1 and 0.05 are not float32 numbers: Keras rounds them
    decay = np.array([0.9, 0.99, 0.9, 0.5, 0.9, 0.99])
    options = CASES[flavor]
    result = rmsprop.minimize_many(
        objective, x0s, learning_rate=lr, decay=decay, maxiter=150, gtol=1e-6, flavor=flavor, **options
    )
    assert result.engine == engine
    settings = [{"learning_rate": lr[i], "decay": decay[i]} for i in range(6)]
    assert_rows_are_flavor_runs(result, objective, x0s, flavor, settings, options, 150, 1e-6)


@pytest.mark.parametrize("flavor", ["torch", "keras"])
def test_float32_and_the_flavors_defaults(engine, flavor):
    # Unset settings take the flavor's defaults (torch: lr 0.01, alpha 0.99; keras: 0.001, rho 0.9, epsilon 1e-7).
    objective = objectives.get("rosenbrock")
    x0s = np.random.default_rng(4).uniform(-2, 2, (5, 2)).astype(np.float32)
    eps = np.array([1e-8, 1e-7, 1e-6, 1e-8, 1e-3])
    result = rmsprop.minimize_many(objective, x0s, eps=eps, maxiter=60, gtol=0, flavor=flavor)
    assert result.engine == engine and result.x.dtype == np.float32
    settings = [{"eps": eps[i]} for i in range(5)]
    assert_rows_are_flavor_runs(result, objective, x0s, flavor, settings, {}, 60, 0)


def test_a_flavor_is_not_the_rule_with_the_same_numbers():
    # The flavor changes the run (torch: eps outside the root, decay 0.99), so the comparison above can fail.
    x0s = np.random.default_rng(5).uniform(-3, 3, (3, 2))
    seed = objectives.get("seed")
    torch = rmsprop.minimize_many(seed, x0s, learning_rate=0.1, maxiter=20, gtol=0, flavor="torch")
    rule = rmsprop.minimize_many(seed, x0s, learning_rate=0.1, maxiter=20, gtol=0)
    assert not np.array_equal(torch.x, rule.x)
    same = rmsprop.minimize_many(
        seed, x0s, learning_rate=0.1, decay=0.99, maxiter=20, gtol=0, eps_in_sqrt=False, arithmetic="torch"
    )
    assert np.array_equal(bits(torch.x), bits(same.x))  # ... and is the rule with torch's settings


def test_the_rule_of_each_flavor():
    assert compat.torch().rule.arithmetic == "torch" and compat.torch().rule.eps_in_sqrt is False
    assert compat.keras(use_ema=True).rule.learning_rate == float(np.float32(0.001))
    assert compat.tf1(0.1).rule.initial_scale == 1.0
    assert compat.keras(clipnorm=1.0).rule is None  # Keras's clipping is not the rule's
    assert rmsprop.baselines.adam(0.1).rule is None


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"flavor": "pytorch"}, "unknown flavor 'pytorch'"),
        ({"flavor": "caffe"}, "flavor caffe needs learning_rate"),
        ({"flavor": "torch", "eps_in_sqrt": False}, "flavor torch has no setting for eps_in_sqrt"),
        ({"flavor": "keras", "decay": [0.9, 1.5]}, "Invalid rho: 1.5"),
        ({"flavor": "keras", "clip_norm": 1.0}, "Keras's clipping"),
    ],
)
def test_bad_flavors(kwargs, words):
    with pytest.raises(ValueError) as info:
        rmsprop.minimize_many(objectives.get("seed"), [[1.0, 2.0], [3.0, 4.0]], **kwargs)
    assert words in str(info.value) and "\n" not in str(info.value)
