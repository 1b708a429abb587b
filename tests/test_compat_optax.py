"""compat.optax and compat.jax_example against the real Optax and jax.example_libraries.optimizers.

How the comparisons are made (measured with jax/jaxlib 0.10.2, Optax 0.2.8, on an AVX-512 x86 CPU):

* The library runs as users run it: ``jax.jit(opt.update)``, compiled once per configuration, and
  ours steps beside it from the same start with the same NumPy gradients (``run_pair``). Besides that
  free run, every step also checks one step "from identical state": ours is given Optax's own state
  and gradient and must return Optax's update to within a few ulps, against the jitted update at
  every step and against the eager (op-by-op) update every ``EAGER_EVERY`` steps. The one-step
  check is blind to chaos, so it tests the formula at 500 realistic states.
* Arithmetic. Eager Optax rounds every line as ours does except the step, ``-lr * (g * rsqrt(v + eps))``
  where ours is ``-(lr * g) / sqrt(v + eps)``, with XLA's ``rsqrt`` (here, with AVX-512, ``vrsqrt14``
  plus two fused Newton steps: within an ulp, not correctly rounded; XLA's source falls back to
  ``1 / sqrt`` without AVX-512), and in float32 the bias correction, ``x * (1 / c)``. Jitted, XLA's
  CPU compiler also fuses multiply-adds (``nu = fma(1 - decay, g*g, decay*nu)``, the momentum trace,
  for some array shapes the centered ``v``) and decides per program whether ``x / c`` becomes
  ``x * (1 / c)``. So neither is matched bit for bit: an ulp here and there per step. Optax does
  not clamp the centered variance and neither does ``compat.optax`` (``OptaxArithmetic``): on the
  first bias-corrected step ``v`` is rounding noise, which Optax's own rounding decides.
* Why ``LR = 1e-4``. With Optax's decay 0.9, at lr 1e-3 the MLP enters RMSprop's limit cycle near
  step 230 and a one-ulp perturbation of ``problems.START`` alone grows to 2e-2 (``problems.CHAOS``);
  no implementation that differs from Optax by one ulp anywhere can stay within 1e-12 there. At
  1e-4 a one-ulp perturbation per step stays below 3e-15 for 500 steps (uncentered runs).
* Centered runs are ill-conditioned on deterministic gradients whatever the rate: ``v = e - m^2``
  cancels (``m^2`` is close to ``e`` when gradients change slowly), and one ulp per step grows to
  1e-12 .. 5e-5 (float64) and 1e-4 .. 1e-2 (float32) in 500 steps; so do runs with eps outside the
  root and momentum (``well_conditioned``). Those are checked step by step (against eager Optax for
  centered runs: same rounding of ``v``), not by the free run.
* Schedules. Optax evaluates ``exponential_decay`` in float32 even with x64 enabled (the int32 step
  count divided by an int is float32), and the jitted ``pow`` and ``cos`` are XLA's, not libm's; so
  the trajectories give our side a callable that returns exactly what Optax computes
  (``optax_rate``), and ``test_optax_schedules_agree_with_ours`` checks our own schedules against
  Optax's separately.
"""

import functools
import inspect
import itertools
import math

import numpy as np
import pytest

jax = pytest.importorskip("jax")
optax = pytest.importorskip("optax")
jax.config.update("jax_enable_x64", True)  # before any array is made: float64 runs must stay float64

import jax.numpy as jnp  # noqa: E402
import problems  # noqa: E402
from jax.example_libraries import optimizers  # noqa: E402

import rmsprop  # noqa: E402
from rmsprop import RMSpropState, compat, schedules  # noqa: E402

DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
LR = 1e-4
EAGER_EVERY = 20
#: One step from identical state: updates agree to a few ulps (norm-wise, per array).
STEP_TOLERANCE = {np.float64: 8 * np.finfo(np.float64).eps, np.float32: 8 * np.finfo(np.float32).eps}

MOMENTA = [(None, False), (0.9, False), (0.9, True)]
GRID = list(itertools.product([False, True], MOMENTA, [False, True], ["constant", "exponential", "cosine"]))


def _ids(case):
    centered, (momentum, nesterov), bias_correction, schedule = case
    return f"centered={centered}-momentum={momentum}-nesterov={nesterov}-bc={bias_correction}-{schedule}"


def _grid_params():
    params = []
    for case, dtype in itertools.product(GRID, [np.float64, np.float32]):
        params.append(pytest.param(case, dtype, id=f"{_ids(case)}-{np.dtype(dtype).name}"))
    return params


# ----------------------------------------------------------------------------------------------
# Schedules: Optax's, and a callable that gives our side exactly what Optax computes
# ----------------------------------------------------------------------------------------------


def optax_schedule(schedule, lr=LR, steps=problems.STEPS):
    if schedule == "exponential":
        return optax.exponential_decay(lr, transition_steps=100, decay_rate=0.5)
    if schedule == "cosine":
        return optax.cosine_decay_schedule(lr, decay_steps=steps)
    return lr


def optax_rate(schedule, jit=True):
    """``t -> float(schedule(t))`` as Optax evaluates it: from an int32 count, jitted (XLA's pow and cos,
    as inside ``jax.jit(opt.update)``) or eagerly (as inside the op-by-op ``opt.update``)."""
    if not callable(schedule):
        return schedule
    evaluate = jax.jit(schedule) if jit else schedule

    @functools.cache
    def rate(t):
        return float(evaluate(jnp.asarray(t, jnp.int32)))

    return rate


#: ``optax.apply_updates`` jitted: ``p + u`` (no multiply to fuse), without eager dispatch per leaf.
apply_updates = jax.jit(optax.apply_updates)


# ----------------------------------------------------------------------------------------------
# Optax side by side
# ----------------------------------------------------------------------------------------------


def _leaves(tree):
    return [np.asarray(a) for a in tree]


def our_state(optax_state, count, centered, momentum):
    """Optax's state as ours: ``nu``/``mu`` from the first link, ``-trace`` from the last (Optax's sign)."""
    first = optax_state[0]
    trace = [-np.asarray(a) for a in optax_state[-1].trace] if momentum else None
    return RMSpropState(count=count, e=_leaves(first.nu), m=_leaves(first.mu) if centered else None, b=trace)


def _deviation(ours, theirs):
    """``problems.relative_deviation`` over the finite entries; a NaN or infinity on one side only is infinitely wrong.

    (``relative_deviation`` alone would let a NaN through: ``max(0.0, nan)`` is ``0.0``.) Where both
    sides hold the same non-finite value (Optax's NaN reproduced) they agree.
    """
    cleaned = ([], [])
    for a, b in zip(ours, theirs):
        a, b = np.asarray(a), np.asarray(b)
        bad = ~np.isfinite(a) | ~np.isfinite(b)
        if bad.any():
            if not np.array_equal(a[bad], b[bad], equal_nan=True):
                return math.inf
            a, b = np.where(bad, 0, a), np.where(bad, 0, b)
        cleaned[0].append(a)
        cleaned[1].append(b)
    return problems.relative_deviation(*cleaned)


@functools.cache
def _jitted_update(options_key):
    """``optax.rmsprop`` and ``jax.jit(opt.update)``, once per configuration (compiled once per dtype)."""
    options = dict(options_key)
    opt = optax.rmsprop(optax_schedule(options.pop("schedule")), **options)
    return opt, jax.jit(opt.update)


def run_pair(dtype, schedule="constant", steps=problems.STEPS, free_run=True, **options):
    """Free run of ours beside jitted Optax, and the one-step checks from Optax's own state.

    Returns ``(free, step_jit, step_eager)``: the largest relative deviation of the parameters in the
    free run (``None`` without it), and of one step's updates from identical state against the jitted
    and the eager update (every ``EAGER_EVERY`` steps).
    """
    key = tuple(sorted({**options, "schedule": schedule}.items()))
    opt, update = _jitted_update(key)
    their_schedule = optax_schedule(schedule, steps=steps)
    flavor = compat.optax(optax_rate(their_schedule), **options)
    flavor_eager = compat.optax(optax_rate(their_schedule, jit=False), **options)
    centered, momentum = options.get("centered", False), options.get("momentum") is not None

    theirs = [jnp.asarray(a) for a in problems.start(dtype)]
    state = opt.init(theirs)
    ours = problems.start(dtype)
    ours_state = flavor.init(ours)
    free = step_jit = step_eager = 0.0
    with np.errstate(over="ignore", invalid="ignore"):  # Optax's NaNs (centered, bias correction): see _deviation
        for t in range(steps):
            g = problems.grads(_leaves(theirs))
            forced_state = our_state(state, t, centered, momentum)
            if t % EAGER_EVERY == 0:
                eager_updates, _ = opt.update(g, state)
                forced, _ = flavor_eager.update(g, forced_state)
                step_eager = max(step_eager, _deviation(forced, _leaves(eager_updates)))
            forced, _ = flavor.update(g, forced_state)
            updates, state = update(g, state)
            step_jit = max(step_jit, _deviation(forced, _leaves(updates)))
            theirs = apply_updates(theirs, updates)
            if free_run:
                our_updates, ours_state = flavor.update(problems.grads(ours), ours_state, ours)
                ours = rmsprop.apply_updates(ours, our_updates)
                free = max(free, _deviation(ours, _leaves(theirs)))
    assert all(o.dtype == dtype for o in ours)
    assert all(np.dtype(p.dtype) == dtype for p in theirs)
    return free if free_run else None, step_jit, step_eager


def well_conditioned(options):
    """Whether a one-ulp difference per step stays far below ``problems.TOLERANCE`` over 500 steps at ``LR``.

    Measured by stepping ours beside itself with each update perturbed by one ulp at random: uncentered
    runs stay below 3e-15 (float64) and 2e-6 (float32); centered ones reach 1e-12 .. 5e-5 and 1e-4 .. 1e-2
    (the cancellation in ``e - m^2``); eps outside the root with momentum 1e-8 .. 6e-3 and 1e-3 .. 4e-3.
    Only there is the free run a test of the arithmetic rather than of the problem's sensitivity.
    """
    if options.get("centered"):
        return False
    return options.get("eps_in_sqrt", True) or options.get("momentum") is None


def check_against_optax(dtype, schedule="constant", **options):
    free, step_jit, step_eager = run_pair(dtype, schedule=schedule, free_run=well_conditioned(options), **options)
    assert step_eager <= STEP_TOLERANCE[dtype], f"one step from Optax's state vs eager: {step_eager:.3g}"
    if not options.get("centered"):
        # Centered and jitted, XLA fuses v = nu - mu^2 into one FMA (per fusion, so per array shape): the
        # cancellation turns that one rounding less into up to 1e-10 (float64) and 0.08 (float32) in a
        # step. Eager Optax itself differs from jitted Optax as much; ours follows the eager rounding.
        assert step_jit <= STEP_TOLERANCE[dtype], f"one step from Optax's state vs jit: {step_jit:.3g}"
    if free is not None:
        assert free <= problems.TOLERANCE[dtype], f"free run beside jitted Optax: relative deviation {free:.3g}"


@pytest.mark.parametrize("case,dtype", _grid_params())
def test_optax_grid(case, dtype):
    centered, (momentum, nesterov), bias_correction, schedule = case
    check_against_optax(
        dtype,
        schedule=schedule,
        centered=centered,
        momentum=momentum,
        nesterov=nesterov,
        bias_correction=bias_correction,
    )


EXTRA = [
    dict(eps_in_sqrt=False),
    dict(eps_in_sqrt=False, bias_correction=True),
    dict(eps_in_sqrt=False, momentum=0.9, bias_correction=True),
    dict(initial_scale=1.0),
    dict(initial_scale=1.0, momentum=0.9, nesterov=True, bias_correction=True),
    dict(initial_scale=1.0, momentum=0.9, nesterov=True, eps_in_sqrt=False),
    dict(initial_scale=1.0, centered=True, momentum=0.9),
]


@DTYPES
@pytest.mark.parametrize("options", EXTRA, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()))
def test_optax_eps_outside_and_initial_scale(options, dtype):
    check_against_optax(dtype, schedule="cosine", **options)


def test_optax_complex_parameters_use_abs_squared():
    """Optax's nu is ``|g|^2`` (``optax.tree.update_moment_per_elem_norm``); complex128 in JAX as in ours."""
    rng = np.random.default_rng(3)
    start = rng.standard_normal(6) + 1j * rng.standard_normal(6)
    target = start + 2.0 * (rng.standard_normal(6) + 1j * rng.standard_normal(6))
    opt = optax.rmsprop(1e-3, momentum=0.5, centered=False)
    update = jax.jit(opt.update)
    flavor = compat.optax(1e-3, momentum=0.5)
    theirs = jnp.asarray(start)
    state = opt.init(theirs)
    ours = start.copy()
    ours_state = flavor.init(ours)
    for _ in range(200):
        updates, state = update(theirs - target, state)
        theirs = apply_updates(theirs, updates)
        our_updates, ours_state = flavor.update(ours - target, ours_state, ours)
        ours = rmsprop.apply_updates(ours, our_updates)
    assert ours.dtype == np.complex128 and theirs.dtype == jnp.complex128
    assert ours_state.e.dtype == np.float64  # ours keeps e real; Optax keeps a complex nu with zero imaginary part
    np.testing.assert_allclose(np.asarray(state[0].nu).real, ours_state.e, rtol=1e-12, atol=0)
    assert np.all(np.asarray(state[0].nu).imag == 0)  # |g|^2, not g^2 (which would be complex)
    np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-12, atol=0)


# ----------------------------------------------------------------------------------------------
# Schedules, settings, errors
# ----------------------------------------------------------------------------------------------


def test_optax_schedules_agree_with_ours():
    steps = problems.STEPS
    ts = range(steps + 50)
    their_cos = optax.cosine_decay_schedule(LR, decay_steps=steps)
    ours_cos = schedules.cosine_decay(LR, decay_steps=steps)
    for evaluate in (their_cos, jax.jit(their_cos)):
        values = np.array([float(evaluate(jnp.asarray(t, jnp.int32))) for t in ts])
        assert values.dtype == np.float64
        # About an ulp of lr(0) (Optax forms pi * t / T, ours pi * (t / T); jitted cos is XLA's, not libm's).
        np.testing.assert_allclose([ours_cos(t) for t in ts], values, rtol=0, atol=4 * np.finfo(float).eps * LR)

    their_exp = optax.exponential_decay(LR, transition_steps=100, decay_rate=0.5)
    ours_exp = schedules.exponential_decay(LR, decay_rate=0.5, decay_steps=100)
    eager = [their_exp(jnp.asarray(t, jnp.int32)) for t in ts]
    # Optax evaluates in float32 even with x64 on: int32 count / int is float32 in JAX.
    assert all(v.dtype == jnp.float32 for v in eager)
    # Eager, exactly: float32(lr) * float32(rate ** float32(t / steps)) (the pow correctly rounded).
    f32 = np.float32
    as_optax_eager = [float(f32(LR) * f32(0.5 ** float(f32(t) / f32(100)))) for t in ts]
    assert [float(v) for v in eager] == as_optax_eager
    # So it agrees with ours (float64) to float32 rounding only; jitted, XLA's float32 pow is a few ulps off it.
    np.testing.assert_allclose([float(v) for v in eager], [ours_exp(t) for t in ts], rtol=2 * np.finfo(f32).eps)
    jitted = jax.jit(their_exp)
    np.testing.assert_allclose(
        [float(jitted(jnp.asarray(t, jnp.int32))) for t in ts], as_optax_eager, rtol=8 * np.finfo(f32).eps, atol=0
    )


def _signature(function):
    return [(p.name, p.default) for p in inspect.signature(function).parameters.values()]


def test_optax_defaults_and_argument_names():
    assert _signature(compat.optax) == _signature(optax.rmsprop)
    flavor = compat.optax(0.01)
    assert flavor.settings == {
        "name": "optax",
        "learning_rate": 0.01,
        "decay": 0.9,
        "eps": 1e-8,
        "initial_scale": 0.0,
        "eps_in_sqrt": True,
        "centered": False,
        "momentum": None,
        "nesterov": False,
        "bias_correction": False,
    }


def test_optax_nesterov_without_momentum_is_an_error():
    # Optax accepts it and ignores nesterov (momentum=None builds no trace); ours says so instead.
    optax.rmsprop(0.1, nesterov=True)
    with pytest.raises(ValueError, match="nesterov=True needs a momentum"):
        compat.optax(0.1, nesterov=True)
    with pytest.raises(ValueError, match="nesterov=True needs a momentum"):
        compat.optax(0.1, momentum=0.0, nesterov=True)


def test_jax_example_defaults_and_argument_names():
    assert _signature(compat.jax_example)[:3] == _signature(optimizers.rmsprop)
    assert _signature(compat.jax_example)[:3] == _signature(optimizers.rmsprop_momentum)[:3]
    assert [name for name, _ in _signature(optimizers.rmsprop_momentum)][3] == "momentum"
    assert compat.jax_example(0.01).settings == {
        "name": "jax_example",
        "step_size": 0.01,
        "gamma": 0.9,
        "eps": 1e-8,
        "momentum": None,
    }


# ----------------------------------------------------------------------------------------------
# jax.example_libraries.optimizers
# ----------------------------------------------------------------------------------------------


def run_pair_jax_example(dtype, momentum=None, schedule="constant", jit=True, steps=problems.STEPS):
    """Ours beside ``optimizers.rmsprop`` / ``rmsprop_momentum`` on the list of arrays (a pytree)."""
    if schedule == "exponential":
        their_rate = optimizers.exponential_decay(LR, decay_steps=100, decay_rate=0.5)
        # Eager, ``i`` is a Python int and the schedule Python arithmetic, exactly ours; jitted, ``i`` is
        # an int64 tracer (x64) and the rate float64 from XLA's pow, an ulp off ours at 54 of 500 steps.
        ours_rate = schedules.exponential_decay(LR, decay_rate=0.5, decay_steps=100)
    else:
        their_rate = ours_rate = LR
    if momentum is None:
        init_fun, update_fun, get_params = optimizers.rmsprop(their_rate, gamma=0.9, eps=1e-8)
    else:
        init_fun, update_fun, get_params = optimizers.rmsprop_momentum(
            their_rate, gamma=0.9, eps=1e-8, momentum=momentum
        )
    if jit:
        update_fun = jax.jit(update_fun)
    flavor = compat.jax_example(ours_rate, gamma=0.9, eps=1e-8, momentum=momentum)
    state = init_fun([jnp.asarray(a) for a in problems.start(dtype)])
    ours = problems.start(dtype)
    ours_state = flavor.init(ours)
    worst = 0.0
    for i in range(steps):
        state = update_fun(i, [jnp.asarray(g) for g in problems.grads(_leaves(get_params(state)))], state)
        updates, ours_state = flavor.update(problems.grads(ours), ours_state, ours)
        ours = rmsprop.apply_updates(ours, updates)
        worst = max(worst, _deviation(ours, _leaves(get_params(state))))
    assert all(o.dtype == dtype for o in ours)
    return worst


@DTYPES
@pytest.mark.parametrize("schedule", ["constant", "exponential"])
@pytest.mark.parametrize("momentum", [None, 0.9], ids=["rmsprop", "rmsprop_momentum"])
def test_jax_example(momentum, schedule, dtype):
    # Jitted (how its users run update): XLA fuses avg * gamma + g^2 * (1 - gamma) (and the momentum line)
    # into FMAs, an ulp here and there.
    worst = run_pair_jax_example(dtype, momentum=momentum, schedule=schedule, jit=True)
    assert worst <= problems.TOLERANCE[dtype], f"jitted: relative deviation {worst:.3g}"
    # Op by op, jax.example_libraries rounds exactly as the seed does: bit for bit (500 steps too; 100 for time).
    assert run_pair_jax_example(dtype, momentum=momentum, schedule=schedule, jit=False, steps=100) == 0.0
