"""The flavors as a whole: names, defaults, errors, use through minimize/RMSprop, the CLI table, the docs."""

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from reference import SEED_X1, SEED_X2

import rmsprop
from rmsprop import compat

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs" / "flavors.md"


@pytest.mark.parametrize("name", list(compat.FLAVORS))
def test_every_flavor_builds_and_names_itself(name):
    factory = compat.FLAVORS[name]
    optimizer = factory(0.01)
    assert optimizer.settings["name"] == name
    x = np.array([1.0, -2.0])
    updates, state = optimizer.update(np.array([0.5, 0.5]), optimizer.init(x), x)
    assert updates.shape == x.shape and np.all(updates < 0)


def test_seed_flavor_is_the_seed():
    result = rmsprop.minimize(rmsprop.objectives.get("seed"), [-4.0, 3.0], optimizer=compat.seed(), maxiter=50, gtol=0)
    assert result.x.tolist() == [SEED_X1, SEED_X2]


def test_flavors_work_in_minimize_and_rmsprop_in_lockstep():
    grad = rmsprop.objectives.get("rosenbrock").grad
    for factory in (
        lambda: compat.torch(lr=1e-3, momentum=0.9, centered=True),
        lambda: compat.keras(learning_rate=1e-3, momentum=0.5, weight_decay=0.01),
        lambda: compat.optax(1e-3, momentum=0.9, nesterov=True, bias_correction=True),
    ):
        result = rmsprop.minimize(
            rmsprop.objectives.get("rosenbrock"), [-1.2, 1.0], optimizer=factory(), maxiter=30, gtol=0
        )
        x = np.array([-1.2, 1.0])
        opt = rmsprop.RMSprop([x], optimizer=factory())
        for _ in range(30):
            opt.step([grad(x)])
        np.testing.assert_array_equal(x, result.x)


def test_keras_rounds_its_learning_rate_to_floatx():
    assert compat.keras(0.1).settings["learning_rate"] == 0.1
    x = np.array([1.0])
    u32, _ = compat.keras(0.1).update(np.array([1.0]), compat.keras(0.1).init(x), x)
    u64, _ = compat.keras(0.1, floatx="float64").update(np.array([1.0]), compat.keras(0.1).init(x), x)
    assert u32[0] != u64[0]
    assert u32[0] == -(float(np.float32(0.1)) * 1.0) / np.sqrt(0.1 * 1.0 + 1e-7)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: compat.keras(clipnorm=1.0, clipvalue=1.0), ValueError, "Only one of clipnorm"),
        (lambda: compat.keras(floatx="float16"), ValueError, "floatx"),
        (lambda: compat.optax(0.1, nesterov=True), ValueError, "nesterov=True needs a momentum"),
        (lambda: compat.torch(lr=-1.0), ValueError, "Invalid learning rate"),
        (lambda: compat.torch(alpha=1.0), ValueError, "Invalid decay"),
        (lambda: compat.caffe(0.1, delta=0.0), ValueError, "Invalid eps"),
        (lambda: compat.keras(ema_momentum=1.5, use_ema=True), ValueError, "Invalid ema_momentum"),
    ],
)
def test_bad_flavor_arguments(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_flavors_command_prints_the_table_and_the_runs():
    run = subprocess.run(
        [sys.executable, "-m", "rmsprop", "flavors"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert run.returncode == 0, run.stderr
    for name in compat.FLAVORS:
        assert name in run.stdout
    assert "-0.103522603599" in run.stdout  # the seed's x1 on the seed's row
    bad = subprocess.run(
        [sys.executable, "-m", "rmsprop", "flavors", "--lr", "-1"], capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2 and bad.stderr.startswith("Error: --lr") and "Traceback" not in bad.stderr


def test_docs_table_agrees_with_the_code():
    text = DOCS.read_text()
    for name, row in compat.FLAVOR_FACTS.items():
        line = next((line for line in text.splitlines() if line.startswith(f"| {name} ")), None)
        assert line is not None, f"docs/flavors.md has no row for {name}"
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert cells[1:] == ["-" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in row]


def test_seed_comparison_shows_the_drift():
    results = compat.seed_comparison()
    assert results["seed"][:2] == (SEED_X1, SEED_X2)
    assert results["optax"] == results["seed"] == results["jax_example"]
    assert results["torch"] != results["seed"] and results["tf1"] != results["seed"]


def test_libraries_own_schedule_objects_are_accepted_as_learning_rates():
    """Optax's schedules and Keras's LearningRateSchedule objects are callables of the step count."""
    optax = pytest.importorskip("optax")
    import os

    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    x = np.array([1.0, -2.0])
    for flavor, schedule, eps in [
        (compat.optax, optax.exponential_decay(0.1, transition_steps=10, decay_rate=0.5), 1e-8),
        (compat.keras, keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5), 1e-7),
    ]:
        optimizer = flavor(schedule)
        state = optimizer.init(x)
        e = 0.0
        for t in range(3):
            updates, state = optimizer.update(np.array([1.0, 1.0]), state, x)
            e = 0.9 * e + 0.1  # g = 1 and both libraries' decay 0.9
            expected = -float(schedule(t)) / np.sqrt(e + eps)
            assert updates.dtype == np.float64
            np.testing.assert_allclose(updates, [expected, expected], rtol=1e-6)
        assert float(schedule(2)) < float(schedule(0))
