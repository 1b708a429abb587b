"""Learning-rate schedules against closed forms written here from their published formulas."""

import dataclasses
import math

import numpy as np
import pytest
from reference import rmsprop_loop

import rmsprop
from rmsprop import schedules

T = range(61)  # t = 0, 1, ..., 60


# --- closed forms, from the sources cited --------------------------------------------------------


def keras_exponential_decay(t, initial_learning_rate, decay_rate, decay_steps, staircase=False):
    # tf.keras.optimizers.schedules.ExponentialDecay:
    #   p = step / decay_steps; if staircase: p = floor(p)
    #   return initial_learning_rate * decay_rate ** p
    p = t / decay_steps
    if staircase:
        p = math.floor(p)
    return initial_learning_rate * decay_rate**p


def torch_step_lr(t, base_lr, step_size, gamma):
    # torch.optim.lr_scheduler.StepLR, closed form: base_lr * gamma ** (last_epoch // step_size)
    return base_lr * gamma ** (t // step_size)


def optax_cosine_decay(t, init_value, decay_steps, alpha):
    # optax.cosine_decay_schedule (Loshchilov & Hutter 2017, SGDR, eq. 5 with one cycle):
    #   count = min(count, decay_steps)
    #   cosine_decay = 0.5 * (1 + cos(pi * count / decay_steps))
    #   return init_value * ((1 - alpha) * cosine_decay + alpha)
    count = min(t, decay_steps)
    cosine = 0.5 * (1 + math.cos(math.pi * count / decay_steps))
    return init_value * ((1 - alpha) * cosine + alpha)


def goyal_warmup(t, warmup_steps, init_value, peak, after):
    # Goyal et al. 2017, "Accurate, large minibatch SGD", sec. 2.2 (gradual warm-up): the rate
    # rises linearly from init_value to the target rate over warmup_steps, then the main
    # schedule takes over (started at its own step 0, as optax.join_schedules does).
    if t < warmup_steps:
        return init_value + (peak - init_value) * t / warmup_steps
    return after(t - warmup_steps)


# --- each schedule against its closed form ------------------------------------------------------


@pytest.mark.parametrize("value", [0.0, 0.01, 1, 3.5])
def test_constant(value):
    s = schedules.constant(value)
    for t in T:
        assert s(t) == value
        assert type(s(t)) is float


EXPONENTIAL = [
    ("smooth", (0.1, 0.5, 10, False)),
    ("smooth, slow", (0.05, 0.96, 7, False)),
    ("staircase", (0.1, 0.5, 10, True)),
    ("staircase, steps 1", (0.3, 0.9, 1, True)),
    ("staircase, odd steps", (0.02, 0.7, 13, True)),
    ("growth (rate > 1, as Keras allows)", (0.001, 1.1, 5, False)),
]


@pytest.mark.parametrize("desc, args", EXPONENTIAL, ids=[e[0] for e in EXPONENTIAL])
def test_exponential_decay(desc, args):
    init, rate, steps, staircase = args
    s = schedules.exponential_decay(init, rate, steps, staircase=staircase)
    got = [s(t) for t in T]
    expected = [keras_exponential_decay(t, init, rate, steps, staircase) for t in T]
    assert got == expected
    assert got[0] == init
    if staircase:
        # Flat inside each stair, one factor of decay_rate per stair.
        for t in T:
            assert s(t) == init * rate ** (t // steps)
    else:
        assert len(set(got)) == len(got), "the smooth form changes at every step"


def test_exponential_staircase_differs_from_smooth():
    smooth = schedules.exponential_decay(0.1, 0.5, 10)
    stairs = schedules.exponential_decay(0.1, 0.5, 10, staircase=True)
    assert smooth(5) == 0.1 * 0.5**0.5 and stairs(5) == 0.1
    assert smooth(10) == stairs(10) == 0.05


@pytest.mark.parametrize("init, step_size, gamma", [(0.1, 10, 0.1), (0.05, 7, 0.5), (1.0, 1, 0.9), (0.2, 30, 0.0)])
def test_step_decay(init, step_size, gamma):
    s = schedules.step_decay(init, step_size, gamma)
    assert [s(t) for t in T] == [torch_step_lr(t, init, step_size, gamma) for t in T]
    assert s(step_size - 1) == init and s(step_size) == init * gamma


def test_step_decay_default_gamma_is_torch_default():
    # torch.optim.lr_scheduler.StepLR(gamma=0.1)
    s = schedules.step_decay(1.0, 3)
    assert s(2) == 1.0 and s(3) == 0.1 and s(6) == 1.0 * 0.1**2


@pytest.mark.parametrize(
    "init, steps, alpha", [(0.1, 20, 0.0), (0.05, 40, 0.1), (1.0, 1, 0.5), (0.3, 60, 1.0), (0.01, 33, 0.25)]
)
def test_cosine_decay(init, steps, alpha):
    s = schedules.cosine_decay(init, steps, alpha)
    got = np.array([s(t) for t in T])
    expected = np.array([optax_cosine_decay(t, init, steps, alpha) for t in T])
    # pi * (t / T) and (pi * t) / T may round differently in the last bit.
    np.testing.assert_allclose(got, expected, rtol=1e-14, atol=1e-17)
    # The end points are exact: cos(0) = 1 and cos(pi) = -1 in IEEE doubles.
    assert s(0) == init
    for t in range(steps, 61):
        assert s(t) == init * alpha
    assert all(a >= b for a, b in zip(got, got[1:])), "non-increasing"


def test_inverse_sqrt_decay_is_reddi_et_al_alpha_over_sqrt_t():
    # Reddi, Kale & Kumar (2018), Theorems 1-4 and Section 5: alpha_t = alpha / sqrt(t), t = 1, 2, ...;
    # our step t = 0, 1, ... is their t + 1.
    alpha = 0.3
    s = schedules.inverse_sqrt_decay(alpha)
    for t in T:
        paper_t = t + 1
        assert s(t) == alpha / math.sqrt(paper_t)
    assert s(0) == alpha and s(3) == alpha / 2 and s(8) == alpha / 3  # closed forms: sqrt(4) = 2, sqrt(9) = 3
    assert s(np.int64(15)) == alpha / 4


def test_cosine_decay_half_way():
    s = schedules.cosine_decay(0.2, 10, alpha=0.5)
    assert s(5) == pytest.approx(0.2 * (0.5 * 0.5 + 0.5), rel=1e-15)


WARMUPS = [
    ("into a float", lambda: schedules.linear_warmup(0.1, 5), 5, 0.0, lambda t: 0.1),
    (
        "into a float, from a start rate",
        lambda: schedules.linear_warmup(0.3, 7, init_value=0.01),
        7,
        0.01,
        lambda t: 0.3,
    ),
    (
        "into exponential decay",
        lambda: schedules.linear_warmup(schedules.exponential_decay(0.1, 0.5, 10), 8),
        8,
        0.0,
        lambda t: keras_exponential_decay(t, 0.1, 0.5, 10),
    ),
    (
        "into step decay",
        lambda: schedules.linear_warmup(schedules.step_decay(0.2, 6, 0.5), 3, init_value=0.02),
        3,
        0.02,
        lambda t: torch_step_lr(t, 0.2, 6, 0.5),
    ),
    ("warm-up of one step", lambda: schedules.linear_warmup(0.05, 1), 1, 0.0, lambda t: 0.05),
]


@pytest.mark.parametrize("desc, make, warmup, init, after", WARMUPS, ids=[w[0] for w in WARMUPS])
def test_linear_warmup(desc, make, warmup, init, after):
    s = make()
    peak = after(0)
    got = np.array([s(t) for t in T])
    expected = np.array([goyal_warmup(t, warmup, init, peak, after) for t in T])
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)
    assert s(0) == init
    for t in range(warmup, 61):
        assert s(t) == after(t - warmup), t  # the main schedule, exactly, from its own step 0
    rising = got[: warmup + 1]
    assert all(a < b for a, b in zip(rising, rising[1:])), "strictly rising during the warm-up"


def test_linear_warmup_into_cosine():
    s = schedules.linear_warmup(schedules.cosine_decay(0.1, 30, alpha=0.1), 10)
    for t in T:
        expected = 0.1 * t / 10 if t < 10 else optax_cosine_decay(t - 10, 0.1, 30, 0.1)
        assert s(t) == pytest.approx(expected, rel=1e-14, abs=1e-17)
    assert s(10) == 0.1 and s(40) == s(60) == 0.1 * 0.1


def test_as_schedule():
    assert schedules.as_schedule(0.1) == schedules.constant(0.1)
    s = schedules.step_decay(0.1, 3)
    assert schedules.as_schedule(s) is s
    f = lambda t: 0.1  # noqa: E731
    assert schedules.as_schedule(f) is f


# --- bad arguments ------------------------------------------------------------------------------

BAD = [
    ("constant negative", lambda: schedules.constant(-0.1), ValueError, "learning rate"),
    ("constant nan", lambda: schedules.constant(float("nan")), ValueError, "finite"),
    ("constant string", lambda: schedules.constant("0.1"), TypeError, "must be a real number"),
    ("exponential init < 0", lambda: schedules.exponential_decay(-0.1, 0.5, 10), ValueError, "init_value"),
    ("exponential rate 0", lambda: schedules.exponential_decay(0.1, 0.0, 10), ValueError, "decay_rate"),
    ("exponential rate < 0", lambda: schedules.exponential_decay(0.1, -0.5, 10), ValueError, "decay_rate"),
    ("exponential rate inf", lambda: schedules.exponential_decay(0.1, math.inf, 10), ValueError, "decay_rate"),
    ("exponential steps 0", lambda: schedules.exponential_decay(0.1, 0.5, 0), ValueError, "decay_steps"),
    ("exponential steps < 0", lambda: schedules.exponential_decay(0.1, 0.5, -3), ValueError, "decay_steps"),
    (
        "exponential steps float",
        lambda: schedules.exponential_decay(0.1, 0.5, 2.5),
        (ValueError, TypeError),
        "decay_steps",
    ),
    (
        "exponential steps 10.0",
        lambda: schedules.exponential_decay(0.1, 0.5, 10.0),
        (ValueError, TypeError),
        "decay_steps",
    ),
    (
        "exponential steps bool",
        lambda: schedules.exponential_decay(0.1, 0.5, True),
        (ValueError, TypeError),
        "decay_steps",
    ),
    (
        "exponential steps string",
        lambda: schedules.exponential_decay(0.1, 0.5, "10"),
        (ValueError, TypeError),
        "decay_steps",
    ),
    ("step init < 0", lambda: schedules.step_decay(-1.0, 3), ValueError, "init_value"),
    ("step size 0", lambda: schedules.step_decay(0.1, 0), ValueError, "step_size"),
    ("step size float", lambda: schedules.step_decay(0.1, 2.0), (ValueError, TypeError), "step_size"),
    ("step gamma < 0", lambda: schedules.step_decay(0.1, 3, gamma=-0.1), ValueError, "gamma"),
    ("step gamma string", lambda: schedules.step_decay(0.1, 3, gamma="0.1"), TypeError, "gamma"),
    ("cosine init < 0", lambda: schedules.cosine_decay(-0.1, 10), ValueError, "init_value"),
    ("cosine alpha > 1", lambda: schedules.cosine_decay(0.1, 10, alpha=1.5), ValueError, "alpha"),
    ("cosine alpha < 0", lambda: schedules.cosine_decay(0.1, 10, alpha=-0.1), ValueError, "alpha"),
    ("cosine steps 0", lambda: schedules.cosine_decay(0.1, 0), ValueError, "decay_steps"),
    ("cosine steps float", lambda: schedules.cosine_decay(0.1, 10.5), (ValueError, TypeError), "decay_steps"),
    ("warmup steps 0", lambda: schedules.linear_warmup(0.1, 0), ValueError, "warmup_steps"),
    ("warmup steps float", lambda: schedules.linear_warmup(0.1, 2.5), (ValueError, TypeError), "warmup_steps"),
    ("warmup init < 0", lambda: schedules.linear_warmup(0.1, 5, init_value=-0.01), ValueError, "init_value"),
    ("warmup into a negative rate", lambda: schedules.linear_warmup(-0.1, 5), ValueError, "learning rate"),
    ("as_schedule string", lambda: schedules.as_schedule("fast"), TypeError, "learning_rate"),
    ("inverse sqrt < 0", lambda: schedules.inverse_sqrt_decay(-0.1), ValueError, "init_value"),
    ("inverse sqrt nan", lambda: schedules.inverse_sqrt_decay(math.nan), ValueError, "init_value"),
    ("inverse sqrt string", lambda: schedules.inverse_sqrt_decay("0.1"), TypeError, "init_value"),
]


@pytest.mark.parametrize("desc, make, error, words", BAD, ids=[b[0] for b in BAD])
def test_bad_arguments(desc, make, error, words):
    with pytest.raises(error) as info:
        make()
    message = str(info.value)
    assert words in message
    assert "\n" not in message and message


def test_warmup_bad_then_names_then():
    with pytest.raises(TypeError, match="then"):
        schedules.linear_warmup("fast", 5)


def test_staircase_must_be_a_bool():
    with pytest.raises(TypeError, match="staircase"):
        schedules.exponential_decay(0.1, 0.5, 10, staircase="no")


def test_numpy_integer_steps_are_integers():
    s = schedules.exponential_decay(0.1, 0.5, np.int64(10))
    assert s(10) == 0.05


# --- schedules inside the update rule -----------------------------------------------------------

COEF = np.array([1.0, 3.0, 0.5, 8.0])
SHIFT = np.array([0.25, -1.0, 0.0, 2.0])
X0 = [1.5, -2.0, 0.75, 3.0]


def grad(x):
    # Gradient of sum(0.5 c x^2 + 0.025 x^4 - s x), elementwise (products only, no pow).
    x = np.asarray(x, dtype=float)
    return COEF * x + 0.1 * (x * x * x) - SHIFT


SCHEDULED = [
    ("constant", lambda: schedules.constant(0.03), {}),
    ("exponential", lambda: schedules.exponential_decay(0.05, 0.5, 10), {}),
    ("exponential staircase", lambda: schedules.exponential_decay(0.05, 0.7, 4, staircase=True), {}),
    ("step", lambda: schedules.step_decay(0.05, 7, 0.5), {}),
    ("cosine", lambda: schedules.cosine_decay(0.05, 20, alpha=0.1), {}),
    ("inverse sqrt", lambda: schedules.inverse_sqrt_decay(0.05), {}),
    ("warm-up into float", lambda: schedules.linear_warmup(0.05, 6), {}),
    ("warm-up into cosine", lambda: schedules.linear_warmup(schedules.cosine_decay(0.05, 20), 5, 0.001), {}),
    ("exponential, momentum", lambda: schedules.exponential_decay(0.02, 0.8, 5), {"momentum": 0.9}),
    (
        "cosine, nesterov lr inside",
        lambda: schedules.cosine_decay(0.02, 25),
        {"momentum": 0.9, "nesterov": True, "lr_inside_momentum": True},
    ),
    (
        "step, centered, decoupled wd",
        lambda: schedules.step_decay(0.04, 5, 0.5),
        {"centered": True, "weight_decay": 0.1, "decoupled_weight_decay": True},
    ),
]


@pytest.mark.parametrize("desc, make, options", SCHEDULED, ids=[s[0] for s in SCHEDULED])
def test_schedule_as_learning_rate_equals_reference(desc, make, options):
    steps = 30
    opt = rmsprop.rmsprop(make(), 0.9, 1e-8, **options)
    x = np.array(X0)
    state = opt.init(x)
    path = [x]
    for _ in range(steps):
        updates, state = opt.update(grad(x), state, x)
        x = rmsprop.apply_updates(x, updates)
        path.append(x)
    expected = rmsprop_loop(lambda xs: grad(xs).tolist(), X0, steps, None, 0.9, 1e-8, schedule=make(), **options)
    np.testing.assert_array_equal(np.array(path), np.array(expected))
    assert state.count == steps
    # The schedule must matter: a constant rate of schedule(0) gives another path.
    fixed = rmsprop_loop(lambda xs: grad(xs).tolist(), X0, steps, make()(0), 0.9, 1e-8, **options)
    if desc != "constant":
        assert not np.array_equal(np.array(path), np.array(fixed))


def test_step_from_iterate_t_uses_schedule_of_t():
    seen = []

    def recording(t):
        seen.append(t)
        return 0.01

    opt = rmsprop.rmsprop(recording)
    x = np.array(X0)
    state = opt.init(x)
    for _ in range(30):
        updates, state = opt.update(grad(x), state)
        x = rmsprop.apply_updates(x, updates)
    assert seen[0] == 0
    assert sorted(set(seen)) == list(range(30))


def test_first_step_uses_schedule_at_zero():
    # Warm-up from 0: schedule(0) = 0, so the first step must not move x, the second must.
    opt = rmsprop.rmsprop(schedules.linear_warmup(0.1, 4))
    x0 = np.array(X0)
    state = opt.init(x0)
    updates, state = opt.update(grad(x0), state)
    x1 = rmsprop.apply_updates(x0, updates)
    np.testing.assert_array_equal(x1, x0)
    updates, state = opt.update(grad(x1), state)
    x2 = rmsprop.apply_updates(x1, updates)
    assert (x2 != x1).all()

    # A rate that is only non-zero at t = 0: one seed step (closed form), then nothing.
    opt = rmsprop.rmsprop(schedules.step_decay(0.1, 1, gamma=0.0))
    state = opt.init(x0)
    xs = [x0]
    for _ in range(4):
        updates, state = opt.update(grad(xs[-1]), state)
        xs.append(rmsprop.apply_updates(xs[-1], updates))
    g = grad(x0).tolist()
    expected = [xi - 0.1 * gi / math.sqrt((1 - 0.9) * gi**2.0 + 1e-8) for xi, gi in zip(X0, g)]
    np.testing.assert_array_equal(xs[1], expected)
    for later in xs[2:]:
        np.testing.assert_array_equal(later, xs[1])


def test_schedule_is_recorded_in_settings():
    s = schedules.cosine_decay(0.1, 10)
    opt = rmsprop.rmsprop(s)
    assert opt.settings["learning_rate"] == schedules.cosine_decay(0.1, 10)


# --- frozen dataclasses --------------------------------------------------------------------------

INSTANCES = [
    (lambda: schedules.constant(0.1), "constant(value=0.1)"),
    (
        lambda: schedules.exponential_decay(0.1, 0.5, 10),
        "exponential_decay(init_value=0.1, decay_rate=0.5, decay_steps=10, staircase=False)",
    ),
    (
        lambda: schedules.exponential_decay(0.1, 0.5, 10, staircase=True),
        "exponential_decay(init_value=0.1, decay_rate=0.5, decay_steps=10, staircase=True)",
    ),
    (lambda: schedules.step_decay(0.05, 7), "step_decay(init_value=0.05, step_size=7, gamma=0.1)"),
    (lambda: schedules.cosine_decay(0.1, 20, alpha=0.1), "cosine_decay(init_value=0.1, decay_steps=20, alpha=0.1)"),
    (lambda: schedules.inverse_sqrt_decay(0.5), "inverse_sqrt_decay(init_value=0.5)"),
    (
        lambda: schedules.linear_warmup(0.1, 5),
        "linear_warmup(then=constant(value=0.1), warmup_steps=5, init_value=0.0)",
    ),
    (
        lambda: schedules.linear_warmup(schedules.step_decay(0.05, 7), 3, init_value=0.01),
        "linear_warmup(then=step_decay(init_value=0.05, step_size=7, gamma=0.1), warmup_steps=3, init_value=0.01)",
    ),
]


@pytest.mark.parametrize("make, text", INSTANCES, ids=[i[1].split("(")[0] + str(n) for n, i in enumerate(INSTANCES)])
def test_frozen_dataclass_equal_by_value_with_repr(make, text):
    a, b = make(), make()
    assert a is not b and a == b and hash(a) == hash(b)
    assert repr(a) == text
    assert dataclasses.is_dataclass(a)
    first = dataclasses.fields(a)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(a, first, 0.5)
    assert a == b
    # Every other schedule here is unequal.
    others = [m() for m, t in INSTANCES if t != text]
    assert all(a != o for o in others)


def test_equality_distinguishes_each_setting():
    base = schedules.cosine_decay(0.1, 20, alpha=0.1)
    assert base != schedules.cosine_decay(0.2, 20, alpha=0.1)
    assert base != schedules.cosine_decay(0.1, 21, alpha=0.1)
    assert base != schedules.cosine_decay(0.1, 20, alpha=0.2)
    assert base != schedules.exponential_decay(0.1, 0.5, 20)
    # Values are normalised to floats, so ints and floats compare equal.
    assert schedules.constant(1) == schedules.constant(1.0)
    assert repr(schedules.constant(1)) == "constant(value=1.0)"
    assert schedules.linear_warmup(0.1, 5) == schedules.linear_warmup(schedules.constant(0.1), 5)
    assert len({schedules.step_decay(0.1, 3), schedules.step_decay(0.1, 3), schedules.step_decay(0.1, 4)}) == 2
