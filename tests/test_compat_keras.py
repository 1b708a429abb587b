"""compat.keras against the real keras.optimizers.RMSprop (Keras 3 on its torch backend), over its whole grid.

The grid: centered x momentum (0, 0.9) x weight_decay (None, 0.01) x clipping (none, clipnorm,
clipvalue, global_clipnorm) x schedule (constant, ExponentialDecay) x use_ema, in float64 and
float32, 500 steps of all problems at once (``problems.py``).

How the two are compared. Keras steps on its own iterates with ``problems.grads``; ours is fed
the very same gradients, step by step (a replay), and must land on Keras's parameters, Keras's
parameter EMA and, at the end, Keras's optimizer variables. Unlike test_compat_torch.py, ours
does not compute gradients at its own iterates (a closed loop): with Keras's ``rho = 0.9`` the
closed loop amplifies the one-ulp differences of torch's CPU ``sqrt`` (not correctly rounded)
and ``sum`` (another order of additions) until they are not small any more. At Keras's default
rate the MLP enters RMSprop's limit cycle after about 250 steps, where two closed-loop runs part
by 1e-2 (``test_closed_loop_amplifies_torch_ulps``); and in float32 the centered variance
``e - m^2`` of a steady descent is rounding noise, so even replayed runs part by 1e-3
(``test_float32_centered_amplifies_torch_ulps``).

What is proved:

* float64, the library as it is (NumPy's sqrt and sum): within 1e-12 of Keras over the full grid
  (``test_keras_grid_float64``), and with ``keras.config.set_floatx("float64")``.
* with torch's sqrt and sum in place of NumPy's in our arithmetic and clipping (the only two
  operations that torch rounds differently), every step from Keras's iterate is Keras's step bit
  for bit: float32 over the full grid, float64 on a sample. With weight decay ours returns the
  step as ``x_new - x``, which ``apply_updates`` adds back exactly only under Sterbenz's lemma
  (not where a parameter changes sign); there the update is compared with ``fl(x_new - x)``
  (exactly) and the EMA, which averages ``x + update``, to the tolerance.
* float32 with NumPy's sqrt and sum: within 1e-5 of Keras for plain RMSprop; with momentum or
  centering torch's ulps grow past 1e-5 (up to 4e-3, see above), so the float32 grid is the
  bit-for-bit one.

What it took to match (each found from one step of identical state): Keras on torch decays
weights as ``x *= floatx(1 - floatx(wd * lr))``, rounds ``ema_momentum`` and the clipping
constants to floatx, and takes the clipping's ``maximum``/``minimum`` in float32.

Keras is imported with ``KERAS_BACKEND=torch``. Each Keras run is recorded once and replayed for
both values of ``use_ema`` (Keras's parameters do not depend on it, which is tested).
"""

from __future__ import annotations

import functools
import inspect
import itertools
import os
import sys
from typing import NamedTuple

import numpy as np
import pytest

if "keras" not in sys.modules:
    os.environ["KERAS_BACKEND"] = "torch"
torch = pytest.importorskip("torch")
keras = pytest.importorskip("keras")
if keras.backend.backend() != "torch":
    pytest.skip(
        f"Keras was imported with the {keras.backend.backend()!r} backend before this module; "
        "these tests need KERAS_BACKEND=torch",
        allow_module_level=True,
    )

import problems  # noqa: E402

import rmsprop  # noqa: E402
from rmsprop import _float_step, compat, schedules  # noqa: E402
from rmsprop.compat import _extras as compat_extras  # noqa: E402 - the module of Keras's clipping
from rmsprop.rule import arithmetic  # noqa: E402

f32 = np.float32
LR = 1e-3  # Keras's default rate
DECAY_STEPS, DECAY_RATE = 100, 0.5  # the exponential schedule: the rate halves every 100 steps
# Clipping thresholds that clip on these problems (the quadratic's and Rosenbrock's gradients
# always, the MLP's sometimes); test_keras_grid_* check that they do.
CLIPS = {
    "none": {},
    "clipnorm": {"clipnorm": 0.1},
    "clipvalue": {"clipvalue": 0.1},
    "global_clipnorm": {"global_clipnorm": 1.0},
}
SHAPES = [a.shape for a in problems.START]
OFFSETS = np.cumsum([a.size for a in problems.START])[:-1]


class Case(NamedTuple):
    centered: bool
    momentum: float
    weight_decay: float | None
    clip: str
    schedule: str
    use_ema: bool

    @property
    def keras_options(self):
        return dict(centered=self.centered, momentum=self.momentum, weight_decay=self.weight_decay, **CLIPS[self.clip])

    def __str__(self):
        return (
            f"centered={self.centered}-momentum={self.momentum}-wd={self.weight_decay}-{self.clip}"
            f"-{self.schedule}-ema={self.use_ema}"
        )


GRID = [
    Case(*c)
    for c in itertools.product(
        [False, True], [0.0, 0.9], [None, 0.01], list(CLIPS), ["constant", "exponential"], [False, True]
    )
]

# ----------------------------------------------------------------------------------------------
# Where compat.keras does not compute what Keras computes (delete an entry once the library does)
# ----------------------------------------------------------------------------------------------

# weight_decay: Keras on torch decays in TorchOptimizer._apply_weight_decay, x *= 1 - wd * lr, the
#   factor formed in floatx: f32(1 - f32(f32(wd) * lr)) = 0.99998998642 for wd 0.01, lr 1e-3
#   (0.14% more decay than 1 - 1e-5); compat.keras computes x - (x * wd) * lr.
# ema: Keras multiplies by ema_momentum as a floatx tensor, f32(0.99) = 0.9900000095 also for float64
#   variables (and 1 - f32(0.99) in float32); compat.keras uses the Python float 0.99.
# float64_clipping: Keras turns Python numbers into floatx tensors, and ops.maximum / ops.minimum with
#   a Python number compute in float32 whatever floatx (keras.src.backend.common.dtypes.result_type
#   maps 64-bit types to 32-bit). For float64 gradients: clipnorm g * fx(c) / f32(max(f32(norm), f32(c))),
#   clipvalue bounds +-fx(c), global_clipnorm scale f32(c) * min(f32(1 / norm), f32(1 / c)) in float32;
#   compat.keras computes in float64.
# ----------------------------------------------------------------------------------------------
# Learning rates
# ----------------------------------------------------------------------------------------------


def keras_float32_exponential_decay(t: int) -> float:
    """What ``ExponentialDecay(LR, DECAY_STEPS, DECAY_RATE)`` computes at step ``t`` with floatx float32.

    Keras evaluates the schedule in floatx: ``f32(lr) * f32(rate) ** (f32(t) / f32(steps))``, every
    operation rounded to float32 (``learning_rate_schedule.py``). ``schedules.exponential_decay``
    is the same schedule in float64 (checked in ``test_keras_schedules``).
    """
    return float(f32(LR) * f32(DECAY_RATE) ** (f32(t) / f32(DECAY_STEPS)))


def keras_rate(schedule: str):
    if schedule == "constant":
        return LR
    if schedule == "exponential":
        return keras.optimizers.schedules.ExponentialDecay(LR, decay_steps=DECAY_STEPS, decay_rate=DECAY_RATE)
    if schedule == "cosine":
        return keras.optimizers.schedules.CosineDecay(LR, decay_steps=problems.STEPS)
    raise ValueError(schedule)


def ours_rate(schedule: str, floatx: str = "float32"):
    if schedule == "constant":
        return LR
    if schedule == "exponential":
        if floatx == "float32":
            return keras_float32_exponential_decay
        return schedules.exponential_decay(LR, DECAY_RATE, DECAY_STEPS)
    if schedule == "cosine" and floatx == "float64":
        return schedules.cosine_decay(LR, problems.STEPS)
    raise ValueError((schedule, floatx))


# ----------------------------------------------------------------------------------------------
# One Keras run, recorded; ours replayed against it
# ----------------------------------------------------------------------------------------------


def _flat(arrays) -> np.ndarray:
    return np.concatenate([np.asarray(a).ravel() for a in arrays])


def _arrays(flat: np.ndarray) -> list[np.ndarray]:
    return [part.reshape(shape) for part, shape in zip(np.split(flat, OFFSETS), SHAPES)]


def _value(variable) -> np.ndarray:
    return variable.value.detach().numpy()


def _clips(grads: list[np.ndarray], clip: str) -> bool:
    """Whether Keras's clipping changes these gradients."""
    limit = next(iter(CLIPS[clip].values()), None)
    if clip == "clipnorm":
        return any(np.linalg.norm(g.astype(np.float64)) > limit for g in grads)
    if clip == "clipvalue":
        return any(np.abs(g).max() > limit for g in grads)
    if clip == "global_clipnorm":
        return np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads)) > limit
    return False


class KerasRun(NamedTuple):
    gradients: np.ndarray  # (steps, n): the gradient given to Keras at each step (at Keras's iterate)
    params: np.ndarray  # (steps + 1, n): Keras's iterates, params[0] the start
    ema: np.ndarray  # (steps, n): Keras's parameter EMA after each step
    velocity: np.ndarray  # Keras's optimizer variables after the last step
    average_gradient: np.ndarray | None
    momentum: np.ndarray | None
    clipped: int  # steps in which the clipping changed the gradient

    def grads(self, t: int) -> list[np.ndarray]:
        return _arrays(self.gradients[t])

    @property
    def steps(self) -> int:
        return len(self.ema)


@functools.lru_cache(maxsize=4)
def keras_run(
    dtype_name: str,
    centered: bool,
    momentum: float,
    weight_decay,
    clip: str,
    schedule: str,
    floatx: str = "float32",
    use_ema: bool = True,
    steps: int = problems.STEPS,
) -> KerasRun:
    """Run keras.optimizers.RMSprop (EMA on) on the problems and record everything ours is compared with.

    Recorded once per setting and replayed for use_ema False and True (adjacent in the grid).
    """
    dtype = np.dtype(dtype_name).type
    previous = keras.config.floatx()
    keras.config.set_floatx(floatx)
    try:
        theirs = [keras.Variable(a, dtype=dtype_name) for a in problems.start(dtype)]
        opt = keras.optimizers.RMSprop(
            learning_rate=keras_rate(schedule),
            centered=centered,
            momentum=momentum,
            weight_decay=weight_decay,
            use_ema=use_ema,
            **CLIPS[clip],
        )
        n = sum(a.size for a in problems.START)
        gradients, params = np.empty((steps, n), dtype), np.empty((steps + 1, n), dtype)
        ema = np.zeros((steps, n), dtype)
        params[0] = _flat(_value(v) for v in theirs)
        clipped = 0
        for t in range(steps):
            g = problems.grads([_value(v) for v in theirs])
            gradients[t] = _flat(g)
            clipped += _clips(g, clip)
            opt.apply([torch.from_numpy(a) for a in g], theirs)
            params[t + 1] = _flat(_value(v) for v in theirs)
            if use_ema:
                ema[t] = _flat(_value(v) for v in opt._model_variables_moving_average)
        optional = lambda variables: _flat(_value(v) for v in variables) if variables else None  # noqa: E731
        return KerasRun(
            gradients,
            params,
            ema,
            _flat(_value(v) for v in opt._velocities),
            optional(opt._average_gradients),
            optional(opt._momentums),
            clipped,
        )
    finally:
        keras.config.set_floatx(previous)


@pytest.fixture(scope="module", autouse=True)
def _forget_keras_runs():
    yield
    keras_run.cache_clear()


def _find(tree, predicate):
    """The first node of a state tree (nested tuples and NamedTuples) that satisfies ``predicate``."""
    if predicate(tree):
        return tree
    if isinstance(tree, tuple):
        for node in tree:
            found = _find(node, predicate)
            if found is not None:
                return found
    return None


def ema_of(state):
    """Our parameter EMA, wherever compat.keras keeps it in its state tree."""
    node = _find(state, lambda s: hasattr(s, "_fields") and "ema" in s._fields)
    assert node is not None, "use_ema=True but no EMA in the state"
    return node.ema


def rmsprop_state_of(state) -> rmsprop.RMSpropState:
    node = _find(state, lambda s: isinstance(s, rmsprop.RMSpropState))
    assert node is not None
    return node


STARTS = np.r_[0, OFFSETS]


def deviation(ours, theirs: np.ndarray) -> float:
    """``problems.relative_deviation`` of our arrays from Keras's flat record (max over arrays of max|d| / max|k|)."""
    a, b = _flat(ours).astype(np.float64), theirs.astype(np.float64)
    scale = np.maximum(np.maximum.reduceat(np.abs(b), STARTS), np.finfo(np.float64).tiny)
    return float(np.max(np.maximum.reduceat(np.abs(a - b), STARTS) / scale))


class Replay(NamedTuple):
    params: np.ndarray  # per step: relative deviation of the parameters (of the step, from_keras with weight decay)
    ema: np.ndarray  # per step: relative deviation of the parameter EMA (0 without use_ema)
    state: float  # relative deviation of the final optimizer state (velocity, average gradient, momentum)
    clipped: int
    final: list

    @property
    def worst(self) -> float:
        return max(float(self.params.max()), float(self.ema.max()), self.state)


def replay(dtype, case: Case, *, floatx: str = "float32", closed_loop: bool = False, from_keras: bool = False):
    """Step ours along Keras's recorded run and measure how far ours is from Keras.

    Ours is given Keras's gradients and steps from its own iterate; ``closed_loop``: ours computes
    its gradients at its own iterate; ``from_keras``: every step starts from Keras's iterate (our
    optimizer state stays ours), so that a rounding of one step is not carried into the next.
    With weight decay the step is then compared as an update: ours returns ``x_new - x`` (one
    rounding), which ``apply_updates`` adds back exactly only under Sterbenz's lemma, so the exact
    comparison is of that update with ``fl(y - x)`` for Keras's ``x`` and ``y``.
    """
    run = keras_run(
        np.dtype(dtype).name, case.centered, case.momentum, case.weight_decay, case.clip, case.schedule, floatx
    )
    flavor = compat.keras(
        learning_rate=ours_rate(case.schedule, floatx), use_ema=case.use_ema, floatx=floatx, **case.keras_options
    )
    ours = problems.start(dtype)
    state = flavor.init(ours)
    steps = run.steps
    params, ema = np.zeros(steps), np.zeros(steps)
    for t in range(steps):
        if from_keras:
            ours = _arrays(run.params[t])
        grads = problems.grads(ours) if closed_loop else run.grads(t)
        updates, state = flavor.update(grads, state, ours)
        if from_keras and case.weight_decay is not None:
            params[t] = deviation(updates, run.params[t + 1] - run.params[t])
        ours = rmsprop.apply_updates(ours, updates)
        if not (from_keras and case.weight_decay is not None):
            params[t] = deviation(ours, run.params[t + 1])
        if case.use_ema:
            ema[t] = deviation(ema_of(state), run.ema[t])
    inner = rmsprop_state_of(state)
    pairs = [(inner.e, run.velocity)]
    if case.centered:
        pairs.append((inner.m, run.average_gradient))
    if case.momentum > 0:
        pairs.append((inner.b, run.momentum))
    assert all(a.dtype == dtype for a in ours)
    return Replay(params, ema, max(deviation(o, k) for o, k in pairs), run.clipped, ours)


# ----------------------------------------------------------------------------------------------
# torch's sqrt and sum in place of NumPy's (for the bit-for-bit proofs only)
# ----------------------------------------------------------------------------------------------


class _NumPyWithTorchSqrtAndSum:
    """NumPy, except ``sqrt`` and whole-array ``sum``, which run torch's CPU kernels as Keras's ops do.

    torch's CPU sqrt is not correctly rounded (``test_torch_sqrt_and_sum_differ_from_numpy``) and
    its sum adds in another order than NumPy's pairwise sum; these are the two operations where
    Keras's rounding cannot be reproduced by NumPy.
    """

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def sqrt(x):
        return torch.sqrt(torch.from_numpy(np.array(x))).numpy()

    @staticmethod
    def sum(a, *args, **kwargs):
        if args or kwargs:
            return np.sum(a, *args, **kwargs)
        return torch.sum(torch.from_numpy(np.array(a))).numpy()


def use_torch_sqrt_and_sum(monkeypatch):
    """Our Keras arithmetic (``denominator``, ``centered_denominator``) and clipping with torch's sqrt and sum.

    The arithmetic's ``sqrt`` and the clipping module's ``np`` are replaced, so that every other
    operation stays the library's own; the step on Python floats (a few float64 numbers), which
    keeps the correctly rounded sqrt, is turned off.
    """
    proxy = _NumPyWithTorchSqrtAndSum()
    monkeypatch.setattr(arithmetic, "sqrt", proxy.sqrt)
    monkeypatch.setattr(compat_extras, "np", proxy)
    monkeypatch.setattr(_float_step, "MAX_SIZE", -1)


@pytest.fixture
def torch_sqrt_and_sum(monkeypatch):
    use_torch_sqrt_and_sum(monkeypatch)


# ----------------------------------------------------------------------------------------------
# The grid
# ----------------------------------------------------------------------------------------------


def _params(cases):
    return [pytest.param(case, id=str(case)) for case in cases]


def _check_clipping(case: Case, result: Replay):
    if case.clip != "none":
        assert result.clipped > 0, f"{case.clip} never clipped: choose a smaller threshold"


@pytest.mark.parametrize("case", _params(GRID))
def test_keras_grid_float64(case):
    """float64, our library as it is, against Keras: within 1e-12 over 500 steps (parameters, EMA, state)."""
    result = replay(np.float64, case)
    _check_clipping(case, result)
    assert np.isfinite(_flat(result.final)).all()
    assert result.worst <= problems.TOLERANCE[np.float64], f"relative deviation {result.worst:.3g}"


@pytest.mark.parametrize("case", _params(GRID))
def test_keras_grid_float32_given_torch_sqrt_and_sum(case, torch_sqrt_and_sum):
    """float32 with torch's sqrt and sum, each step from Keras's iterate: bit for bit (parameters or update, state).

    The EMA too, except with weight decay: ours averages ``x + fl(x_new - x)``, Keras ``x_new``,
    which differ where Sterbenz's lemma does not hold; there within 1e-5.
    """
    result = replay(np.float32, case, from_keras=True)
    _check_clipping(case, result)
    assert np.isfinite(_flat(result.final)).all()
    first = np.argmax(result.params > 0)
    assert result.params.max() == 0.0, f"relative deviation {result.params.max():.3g} (first at step {first})"
    assert result.state == 0.0, f"optimizer state: relative deviation {result.state:.3g}"
    limit = 0.0 if case.weight_decay is None else problems.TOLERANCE[np.float32]
    assert result.ema.max() <= limit, f"EMA: relative deviation {result.ema.max():.3g}"


# A sample: every centered x momentum x clipping, weight decay, schedules and EMA alternating.
EXACT_FLOAT64 = [
    Case(
        centered,
        momentum,
        [None, 0.01][(i + centered + (momentum > 0)) % 2],
        clip,
        ["constant", "exponential"][(i + centered) % 2],
        bool((i + (momentum > 0)) % 2),
    )
    for centered, momentum in itertools.product([False, True], [0.0, 0.9])
    for i, clip in enumerate(CLIPS)
]


@pytest.mark.parametrize("case", _params(EXACT_FLOAT64))
def test_keras_float64_bit_for_bit_given_torch_sqrt_and_sum(case, torch_sqrt_and_sum):
    """float64 with torch's sqrt and sum, each step from Keras's iterate: bit for bit (a sample of the grid)."""
    result = replay(np.float64, case, from_keras=True)
    assert result.params.max() == 0.0, f"relative deviation {result.params.max():.3g}"
    assert result.state == 0.0, f"optimizer state: relative deviation {result.state:.3g}"
    limit = 0.0 if case.weight_decay is None else problems.TOLERANCE[np.float64]
    assert result.ema.max() <= limit, f"EMA: relative deviation {result.ema.max():.3g}"


PLAIN_FLOAT32 = [
    Case(False, 0.0, None, clip, schedule, False) for clip in CLIPS for schedule in ["constant", "exponential"]
]


@pytest.mark.parametrize("case", _params(PLAIN_FLOAT32))
def test_keras_float32_plain(case):
    """float32, our library as it is (NumPy's sqrt and sum), plain RMSprop: within 1e-5."""
    result = replay(np.float32, case)
    assert result.worst <= problems.TOLERANCE[np.float32], f"relative deviation {result.worst:.3g}"


def test_keras_parameters_do_not_depend_on_use_ema():
    """Why one recorded Keras run (EMA on) serves both values of use_ema."""
    case = dict(
        dtype_name="float32",
        centered=True,
        momentum=0.9,
        weight_decay=0.01,
        clip="clipnorm",
        schedule="exponential",
        steps=100,
    )
    with_ema = keras_run(**case, use_ema=True)
    without = keras_run(**case, use_ema=False)
    assert np.array_equal(with_ema.params, without.params)


# ----------------------------------------------------------------------------------------------
# floatx float64
# ----------------------------------------------------------------------------------------------

FLOATX64 = [
    Case(False, 0.0, None, "none", "exponential", False),
    Case(True, 0.9, None, "clipnorm", "cosine", True),
    Case(False, 0.9, None, "global_clipnorm", "constant", True),
    Case(True, 0.0, None, "clipvalue", "exponential", False),
    Case(True, 0.9, 0.01, "none", "cosine", False),
    Case(False, 0.0, 0.01, "clipnorm", "exponential", True),
]


@pytest.mark.parametrize("case", _params(FLOATX64))
def test_keras_floatx_float64(case):
    """``keras.config.set_floatx("float64")``: rate, schedules and constants in float64; ours with floatx="float64".

    Our schedules are then Keras's exactly (``schedules.exponential_decay``, ``schedules.cosine_decay``).
    """
    result = replay(np.float64, case, floatx="float64")
    assert keras.config.floatx() == "float32"  # restored
    assert result.worst <= problems.TOLERANCE[np.float64], f"relative deviation {result.worst:.3g}"


def test_keras_schedules():
    """Keras's schedules evaluate in floatx: float32 by default (so ours is given Keras's float32 formula)."""
    steps = range(problems.STEPS + 1)
    exponential = keras_rate("exponential")
    theirs = np.array([float(exponential(t)) for t in steps])
    assert all(theirs[t] == keras_float32_exponential_decay(t) for t in steps)
    ours64 = np.array([schedules.exponential_decay(LR, DECAY_RATE, DECAY_STEPS)(t) for t in steps])
    assert np.max(np.abs(ours64 - theirs) / theirs) < 1e-6  # the same schedule, to a few float32 ulps
    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        exponential, cosine = keras_rate("exponential"), keras_rate("cosine")
        for t in steps:
            assert float(exponential(t)) == ours_rate("exponential", "float64")(t)
            assert float(cosine(t)) == ours_rate("cosine", "float64")(t)
    finally:
        keras.config.set_floatx(previous)


# ----------------------------------------------------------------------------------------------
# Where the remaining differences come from
# ----------------------------------------------------------------------------------------------


def test_torch_sqrt_and_sum_differ_from_numpy():
    """torch's CPU sqrt is not correctly rounded on this build, and its sum adds in another order."""
    rng = np.random.default_rng(0)
    x = np.abs(rng.standard_normal(100_000)) * np.exp(rng.uniform(-10, 10, 100_000))
    sqrt_differs = sum_differs = False
    for dtype in (np.float64, np.float32):
        values = x.astype(dtype)
        sqrt_differs |= bool(np.any(torch.from_numpy(values).sqrt().numpy() != np.sqrt(values)))
        blocks = values[:24_000].reshape(-1, 24)
        sum_differs |= any(torch.from_numpy(b).sum().numpy() != np.sum(b) for b in blocks[:200])
    if not (sqrt_differs or sum_differs):
        pytest.skip("this build's torch.sqrt and torch.sum round as NumPy's do")
    # Both differ by rounding only: a last-bit difference in sqrt, a reordering in sum.
    values = x[:1000]
    np.testing.assert_allclose(torch.from_numpy(values).sqrt().numpy(), np.sqrt(values), rtol=2.3e-16, atol=0)


def test_closed_loop_amplifies_torch_ulps(monkeypatch):
    """Closed loop (ours on its own gradients), plain float64: exact with torch's sqrt, else parts in the limit cycle.

    For 200 steps the runs agree to 1e-14; then the MLP reaches RMSprop's limit cycle and the
    one-ulp differences of torch's sqrt grow to 1e-2 within 100 steps. With torch's sqrt and sum
    in our arithmetic, the closed loop is bit for bit for all 500 steps.
    """
    case = Case(False, 0.0, None, "none", "constant", False)
    genuine = replay(np.float64, case, closed_loop=True)
    assert genuine.params[:200].max() <= 1e-14
    if genuine.params.max() == 0.0:
        pytest.skip("torch's sqrt agreed with NumPy's all along")
    assert genuine.params.max() > 1e-6
    use_torch_sqrt_and_sum(monkeypatch)
    assert replay(np.float64, case, closed_loop=True).worst == 0.0


def test_float32_centered_amplifies_torch_ulps(monkeypatch):
    """float32 centered with clipping: NumPy's sqrt and sum put ours 1e-4 and more off Keras; torch's, 0.

    With rho = 0.9 the variance ``e - m^2`` of a steadily descending run is a few ulps of ``e``,
    so the denominator ``sqrt(e - m^2 + eps)`` turns a last-bit difference of the gradient's norm
    into a relative difference of order one in a step.
    """
    case = Case(True, 0.0, None, "clipnorm", "constant", False)
    genuine = replay(np.float32, case)
    if genuine.worst == 0.0:
        pytest.skip("torch's sqrt and sum agreed with NumPy's all along")
    assert genuine.worst > problems.TOLERANCE[np.float32]
    use_torch_sqrt_and_sum(monkeypatch)
    assert replay(np.float32, case).worst == 0.0


# ----------------------------------------------------------------------------------------------
# Settings, argument names and errors
# ----------------------------------------------------------------------------------------------


def test_keras_defaults_and_argument_names():
    flavor = compat.keras()
    assert flavor.settings == {
        "name": "keras",
        "learning_rate": 0.001,
        "rho": 0.9,
        "momentum": 0.0,
        "epsilon": 1e-7,
        "centered": False,
        "weight_decay": None,
        "clipnorm": None,
        "clipvalue": None,
        "global_clipnorm": None,
        "use_ema": False,
        "ema_momentum": 0.99,
        "floatx": "float32",
    }
    ours = inspect.signature(compat.keras).parameters
    theirs = inspect.signature(keras.optimizers.RMSprop).parameters
    for name, parameter in ours.items():
        if name == "floatx":
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
            continue
        assert name in theirs, name
        assert parameter.default == theirs[name].default, name
    opt = keras.optimizers.RMSprop()
    for name, value in flavor.settings.items():
        if name == "learning_rate":  # Keras keeps the rate in a float32 variable
            assert float(_value(opt._learning_rate)) == float(f32(value))
        elif name not in ("name", "floatx"):
            assert getattr(opt, name) == value, name


@pytest.mark.parametrize(
    "clips",
    [
        ("clipnorm", "clipvalue"),
        ("clipnorm", "global_clipnorm"),
        ("clipvalue", "global_clipnorm"),
        ("clipnorm", "clipvalue", "global_clipnorm"),
    ],
)
def test_keras_only_one_clipping(clips):
    arguments = {name: 1.0 for name in clips}
    with pytest.raises(ValueError, match="Only one of"):
        keras.optimizers.RMSprop(**arguments)
    with pytest.raises(ValueError, match="Only one of"):
        compat.keras(**arguments)


BAD_ARGUMENTS = [
    ({"learning_rate": -1e-3}, ValueError, "learning_rate"),
    ({"learning_rate": float("inf")}, ValueError, "learning_rate"),
    ({"learning_rate": "0.1"}, TypeError, "learning_rate"),
    ({"momentum": -0.1}, ValueError, "momentum"),
    ({"momentum": 1.0}, ValueError, "momentum"),
    ({"weight_decay": -0.01}, ValueError, "weight_decay"),
    ({"clipnorm": 0.0}, ValueError, "clipnorm"),
    ({"clipvalue": -1.0}, ValueError, "clipvalue"),
    ({"global_clipnorm": -1.0}, ValueError, "global_clipnorm"),
    ({"use_ema": True, "ema_momentum": 1.5}, ValueError, "ema_momentum"),
    ({"floatx": "float16"}, ValueError, "floatx"),
    ({"centered": "yes"}, TypeError, "centered"),
]
BAD_ARGUMENTS += [
    pytest.param({"rho": 1.0}, ValueError, "rho"),
    pytest.param({"rho": -0.1}, ValueError, "rho"),
    pytest.param({"epsilon": 0.0}, ValueError, "epsilon"),
    pytest.param({"use_ema": "no"}, TypeError, "use_ema"),
]


@pytest.mark.parametrize("arguments, error, name", BAD_ARGUMENTS)
def test_keras_bad_arguments(arguments, error, name):
    """Refused, with a message that names the argument as the caller wrote it."""
    with pytest.raises(error, match=name):
        compat.keras(**arguments)
