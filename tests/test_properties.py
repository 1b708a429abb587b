"""Property tests (Hypothesis) of the update rule, every flavor, ``minimize_many`` and saving/loading.

Inputs are generated: finite gradients and parameters (float32 and float64, signed values 0 or
between 1e-4 and 1e4), of shapes from 0-d and empty to 3-D, as one array or several in lists,
tuples and dicts; settings of :func:`rmsprop.rmsprop` (every option, every arithmetic), of every
flavor in :data:`rmsprop.compat.FLAVORS`, and of :class:`rmsprop.RMSprop`. A few steps are taken.

The properties, and where their expected values come from:

* invariants: the accumulator ``e`` (``RMSpropState.e``) is finite and never negative; the
  centered ``e - m^2`` is negative only by rounding (Jensen), the seed arithmetic clamps it
  (finite updates) and the library arithmetics leave it (NaN only where it is a rounding
  residue); updates and state keep the parameters' tree, shapes and dtypes; ``update`` leaves
  its inputs alone;
* the first step equals its closed form (``-lr g / sqrt((1 - decay) g^2 + eps)`` and its
  variants), computed here in float64 without cancellation, for every option;
* exact identities: negating gradients and parameters negates updates and momentum and keeps
  ``e`` (all arithmetics, all flavors); ``maximize`` is ``-g``; clipping by value is a clipped
  gradient; coupled weight decay is ``g + wd x``; doubling the rate doubles the update;
  splitting an array into leaves changes nothing (so a fused kernel agrees with NumPy);
* the stateful optimizer steps as ``update`` plus ``apply_updates``;
* ``minimize_many``'s rows are ``minimize``'s runs, bit for bit where ``rmsprop._batch`` says so;
* saving: ``state_dict`` into a new optimizer, and the functional state through ``np.savez`` /
  ``np.load(allow_pickle=False)``, continue in lockstep, bit for bit.

Numba compiles a kernel per option set on first use for arrays of 256 elements or more, so the
generated arrays are small and the big-array test uses two fixed settings.
"""

from __future__ import annotations

import contextlib
import io
import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rmsprop
from rmsprop import compat, objectives, schedules

FLOATS = (np.float32, np.float64)
ARITHMETICS = ("seed", "torch", "keras_torch", "keras_torch_float64", "optax")

PROPERTY = settings(
    deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


# --------------------------------------------------------------------------------------
# Trees of arrays
# --------------------------------------------------------------------------------------

# Tree layouts: integers stand for the leaves, in order.
TEMPLATES = (
    0,
    [0],
    [0, 1],
    [0, 1, 2],
    (0, 1),
    {"w": 0, "b": 1},
    {"layer": [0, {"bias": 1}], "out": (2,)},
)
LIST_TEMPLATES = ([0], [0, 1], [0, 1, 2])
SHAPES = ((), (0,), (1,), (3,), (2, 3), (0, 3), (2, 1, 2), (5,))


def leaf_count(template) -> int:
    if isinstance(template, int):
        return 1
    children = template.values() if isinstance(template, dict) else template
    return sum(leaf_count(child) for child in children)


def build(template, leaves):
    """The tree of ``template`` with ``leaves[i]`` for each integer ``i``."""
    if isinstance(template, int):
        return leaves[template]
    if isinstance(template, dict):
        return {key: build(child, leaves) for key, child in template.items()}
    return type(template)(build(child, leaves) for child in template)


def signature(tree):
    """Containers, keys, shapes and dtypes of a tree (written here, not the package's own flatten)."""
    if isinstance(tree, dict):
        return ("dict", tuple((key, signature(tree[key])) for key in sorted(tree)))
    if isinstance(tree, (list, tuple)):
        return (type(tree).__name__, tuple(signature(child) for child in tree))
    assert isinstance(tree, (np.ndarray, np.generic)), type(tree)
    return ("leaf", np.shape(tree), np.asarray(tree).dtype)


def leaves_of(tree) -> list:
    if isinstance(tree, dict):
        return [leaf for key in sorted(tree) for leaf in leaves_of(tree[key])]
    if isinstance(tree, (list, tuple)):
        return [leaf for child in tree for leaf in leaves_of(child)]
    return [tree]


def map_tree(function, tree, *others):
    """``function`` of the corresponding leaves of trees of one structure."""
    if isinstance(tree, dict):
        return {key: map_tree(function, value, *(o[key] for o in others)) for key, value in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(map_tree(function, *children) for children in zip(tree, *others))
    return function(tree, *others)


def copy_tree(tree):
    if isinstance(tree, dict):
        return {key: copy_tree(value) for key, value in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(copy_tree(child) for child in tree)
    return np.array(tree, copy=True)


def negate_tree(tree):
    if isinstance(tree, dict):
        return {key: negate_tree(value) for key, value in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(negate_tree(child) for child in tree)
    return -np.asarray(tree)


def same_bits(a, b) -> bool:
    """Equal dtypes, shapes and bytes (so -0.0 differs from 0.0 and NaNs are compared bit for bit)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def assert_trees_identical(a, b):
    assert signature(a) == signature(b)
    for x, y in zip(leaves_of(a), leaves_of(b)):
        assert same_bits(x, y), (x, y)


# --------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------


def values(dtype):
    """Signed finite numbers: 0 or between 1e-4 and 1e4 in magnitude (no subnormals, no overflow of g**2)."""
    width = 32 if dtype == np.float32 else 64
    low, high = (float(np.float32(1e-4)), float(np.float32(1e4))) if width == 32 else (1e-4, 1e4)
    magnitude = st.one_of(st.just(0.0), st.floats(low, high, width=width))
    return st.tuples(st.booleans(), magnitude).map(lambda pair: -pair[1] if pair[0] else pair[1])


def arrays(draw, dtype, shapes):
    return [draw(hnp.arrays(dtype, shape, elements=values(dtype))) for shape in shapes]


@st.composite
def problems(draw, templates=TEMPLATES, max_steps=4, shapes=SHAPES):
    """``(dtype, template, x0 leaves, [gradient leaves per step])``."""
    dtype = draw(st.sampled_from(FLOATS))
    template = draw(st.sampled_from(templates))
    leaf_shapes = [draw(st.sampled_from(shapes)) for _ in range(leaf_count(template))]
    x0 = arrays(draw, dtype, leaf_shapes)
    grads = [arrays(draw, dtype, leaf_shapes) for _ in range(draw(st.integers(1, max_steps)))]
    return dtype, template, x0, grads


RATES = st.one_of(st.sampled_from([0.0, 1e-3, 0.01, 0.1, 1.0]), st.floats(1e-4, 1.0))
SCHEDULES = st.sampled_from(
    [
        schedules.exponential_decay(0.1, 0.5, 2),
        schedules.step_decay(0.05, 2, 0.5),
        schedules.cosine_decay(0.1, 3),
        schedules.linear_warmup(0.1, 2),
    ]
)
DECAYS = st.one_of(st.sampled_from([0.0, 0.5, 0.9, 0.99]), st.floats(1e-3, 0.999))
CLIPS = st.one_of(st.none(), st.sampled_from([0.5, 10.0, 1e3]))


@st.composite
def rule_settings(draw, arithmetics=ARITHMETICS, schedule=True, coupled=True):
    """Keyword arguments of :func:`rmsprop.rmsprop`: any option, any arithmetic."""
    initial_scale = draw(st.sampled_from([0.0, 0.0, 0.1, 1.0]))
    eps = draw(st.sampled_from([1e-8, 1e-6, 1e-3, 1e-12] + ([0.0] if initial_scale > 0 else [])))
    decay = draw(DECAYS)
    if eps == 0.0:
        decay = max(decay, 0.5)  # e must keep some of initial_scale (decay = 0 and g = 0 would be 0/0)
    momentum = draw(st.sampled_from([0.0, 0.0, 0.5, 0.9]))
    weight_decay = draw(st.sampled_from([0.0, 0.0, 0.01, 0.5]))
    decoupled = weight_decay > 0 and (not coupled or draw(st.booleans()))
    arithmetic = draw(st.sampled_from(arithmetics))
    centered = draw(st.booleans())
    eps_in_sqrt = draw(st.booleans())
    return dict(
        learning_rate=draw(st.one_of(RATES, SCHEDULES) if schedule else RATES),
        decay=decay,
        eps=eps,
        eps_in_sqrt=eps_in_sqrt,
        initial_scale=initial_scale,
        centered=centered,
        momentum=momentum,
        nesterov=momentum > 0 and draw(st.booleans()),
        lr_inside_momentum=momentum > 0 and draw(st.booleans()),
        weight_decay=weight_decay,
        decoupled_weight_decay=decoupled,
        maximize=draw(st.booleans()),
        bias_correction=draw(st.booleans()),
        clip_value=draw(CLIPS),
        clip_norm=draw(CLIPS),
        global_clip_norm=draw(CLIPS),
        arithmetic=arithmetic,
    )


# One strategy of library arguments per flavor; the test below fails when a flavor has none.
FLAVOR_ARGUMENTS = {
    "seed": st.fixed_dictionaries({"learning_rate": RATES, "gamma": DECAYS, "epsilon": st.sampled_from([1e-8, 1e-4])}),
    "torch": st.fixed_dictionaries(
        {
            "lr": st.one_of(RATES, SCHEDULES),
            "alpha": DECAYS,
            "eps": st.sampled_from([1e-8, 1e-3]),
            "weight_decay": st.sampled_from([0, 0.01, 0.5]),
            "momentum": st.sampled_from([0, 0.5, 0.9]),
            "centered": st.booleans(),
            "maximize": st.booleans(),
        }
    ),
    "keras": st.builds(
        lambda base, clip: {**base, **clip},
        st.fixed_dictionaries(
            {
                "learning_rate": st.one_of(RATES, SCHEDULES),
                "rho": DECAYS,
                "momentum": st.sampled_from([0.0, 0.5, 0.9]),
                "epsilon": st.sampled_from([1e-7, 1e-3]),
                "centered": st.booleans(),
                "weight_decay": st.sampled_from([None, 0.01, 0.5]),
                "use_ema": st.booleans(),
                "ema_momentum": st.sampled_from([0.0, 0.9, 0.99, 1.0]),
                "floatx": st.sampled_from(["float32", "float64"]),
            }
        ),
        st.one_of(
            st.just({}),
            st.sampled_from(["clipnorm", "clipvalue", "global_clipnorm"]).flatmap(
                lambda name: st.sampled_from([0.5, 10.0]).map(lambda value: {name: value})
            ),
        ),
    ),
    "optax": st.sampled_from([None, 0.5, 0.9]).flatmap(
        lambda momentum: st.fixed_dictionaries(
            {
                "learning_rate": st.one_of(RATES, SCHEDULES),
                "decay": DECAYS,
                "eps": st.sampled_from([1e-8, 1e-3]),
                "initial_scale": st.sampled_from([0.0, 1.0]),
                "eps_in_sqrt": st.booleans(),
                "centered": st.booleans(),
                "momentum": st.just(momentum),
                "nesterov": st.booleans() if momentum else st.just(False),
                "bias_correction": st.booleans(),
            }
        )
    ),
    "tf1": st.fixed_dictionaries(
        {
            "learning_rate": RATES,
            "decay": DECAYS,
            "momentum": st.sampled_from([0.0, 0.9]),
            "epsilon": st.sampled_from([1e-10, 1e-3]),
            "centered": st.booleans(),
        }
    ),
    "jax_example": st.fixed_dictionaries(
        {
            "step_size": st.one_of(RATES, SCHEDULES),
            "gamma": DECAYS,
            "eps": st.sampled_from([1e-8, 1e-3]),
            "momentum": st.sampled_from([None, 0.9]),
        }
    ),
    "lasagne": st.fixed_dictionaries({"learning_rate": RATES, "rho": DECAYS, "epsilon": st.sampled_from([1e-6, 1e-3])}),
    "caffe": st.fixed_dictionaries(
        {
            "base_lr": RATES,
            "rms_decay": DECAYS,
            "delta": st.sampled_from([1e-8, 1e-3]),
            "weight_decay": st.sampled_from([0, 0.01]),
        }
    ),
    "graves": st.fixed_dictionaries(
        {
            "learning_rate": RATES,
            "decay": DECAYS,
            "momentum": st.sampled_from([0.0, 0.9]),
            "eps": st.sampled_from([1e-4, 1e-8]),
        }
    ),
}


def test_every_flavor_has_a_strategy():
    assert set(FLAVOR_ARGUMENTS) == set(compat.FLAVORS)


FLAVORS = st.sampled_from(sorted(compat.FLAVORS)).flatmap(
    lambda name: FLAVOR_ARGUMENTS[name].map(lambda arguments: (name, arguments))
)


def make_flavor(name, arguments):
    return compat.FLAVORS[name](**arguments)


def rmsprop_states(state) -> list:
    """Every :class:`rmsprop.RMSpropState` inside a (chained, wrapped) state."""
    if isinstance(state, rmsprop.RMSpropState):
        return [state]
    if isinstance(state, (tuple, list)):
        return [found for child in state for found in rmsprop_states(child)]
    return []


def unclamped_arithmetic(arithmetic: str) -> bool:
    """Whether the arithmetic leaves the centered variance unclamped (a library's: NaN from a rounding residue)."""
    return arithmetic != "seed"


def quiet_if(condition):
    """NumPy's warnings off where a library arithmetic may divide by the root of a zero or negative residue.

    A centered rule with ``decay=0`` has the residue ``e - m^2 = 0`` exactly: its step is ``g / eps``, and
    the steps after it may overflow (``(g + wd * x)^2`` with such an ``x``), which is the arithmetic, not a bug.
    """
    quiet = np.errstate(invalid="ignore", divide="ignore", over="ignore")
    return quiet if condition else contextlib.nullcontext()


# --------------------------------------------------------------------------------------
# Invariants of the rule and the flavors
# --------------------------------------------------------------------------------------


def ulp(dtype) -> float:
    return float(np.finfo(dtype).eps)


def check_rms_state(state: rmsprop.RMSpropState, params, count: int, centered: bool, correction: float, updates=None):
    """The accumulator is finite and >= 0 with the parameters' tree; the centered variance is >= 0 but for rounding."""
    assert state.count == count
    real_signature = signature(params)
    assert signature(state.e) == real_signature
    for e in leaves_of(state.e):
        e = np.asarray(e)
        assert np.all(np.isfinite(e)) and np.all(e >= 0), e
    if centered:
        assert signature(state.m) == real_signature
        for e, m in zip(leaves_of(state.e), leaves_of(state.m)):
            e, m = np.asarray(e, np.float64) / correction, np.asarray(m, np.float64) / correction
            assert np.all(np.isfinite(m))
            # Jensen: m^2 <= e exactly; the stored numbers may break it by rounding only.
            assert np.all(e - m * m >= -16 * ulp(np.asarray(leaves_of(params)[0]).dtype) * e), (e, m)
    else:
        assert state.m is None
    if state.b is not None:
        assert signature(state.b) == real_signature
        for b, u in zip(leaves_of(state.b), leaves_of(updates) if updates is not None else leaves_of(params)):
            assert np.all(np.isfinite(b) | ~np.isfinite(u))  # finite but where a library's update is not


def residue_only(u, state: rmsprop.RMSpropState, correction: float, dtype) -> bool:
    """Where ``u`` is not finite, the centered variance is within rounding of zero."""
    for ui, e, m in zip(leaves_of(u), leaves_of(state.e), leaves_of(state.m)):
        bad = ~np.isfinite(np.asarray(ui))
        e, m = np.asarray(e, np.float64) / correction, np.asarray(m, np.float64) / correction
        if np.any(bad & (e - m * m > 16 * ulp(dtype) * e)):
            return False
    return True


def run_and_check(optimizer, template, x0, grads, centered_rule=None, unclamped=False):
    """Step ``optimizer`` through ``grads``, checking the invariants after every step; returns the params."""
    params = build(template, [x.copy() for x in x0])
    state = optimizer.init(params)
    dtype = x0[0].dtype
    # Beyond this a parameter (and with weight decay its gradient) squares to more than the dtype holds: a
    # run there has diverged (e.g. centered with a tiny eps outside the root and no variance), and the
    # accumulator's overflow is the rule's arithmetic, not a broken invariant.
    diverged = np.sqrt(np.finfo(dtype).max) / 16
    for t, g_leaves in enumerate(grads):
        if any(np.any(np.abs(np.asarray(p, np.float64)) > diverged) for p in leaves_of(params)):
            break
        g = build(template, g_leaves)
        before = (copy_tree(g), copy_tree(params), [copy_tree(s) for s in leaves_of_state(state)])
        with quiet_if(unclamped):
            updates, new_state = optimizer.update(g, state, params)
        assert_trees_identical(g, before[0])  # update never modifies its inputs
        assert_trees_identical(params, before[1])
        for s, saved in zip(leaves_of_state(state), before[2]):
            assert same_bits(s, saved)
        assert signature(updates) == signature(params)
        for state_part in rmsprop_states(new_state):
            correction = 1.0
            if centered_rule is not None and centered_rule.get("bias_correction"):
                correction = 1.0 - centered_rule["decay"] ** (t + 1)
            centered = state_part.m is not None
            check_rms_state(state_part, params, t + 1, centered, correction, updates)
            if centered and unclamped:
                assert residue_only(updates, state_part, correction, dtype)
        finite = all(np.all(np.isfinite(u)) for u in leaves_of(updates))
        if not finite:
            assert unclamped, updates
            break  # checked above: a library's division by a zero or negative rounding residue
        params = rmsprop.apply_updates(params, updates)
        state = new_state
    return params, state


def leaves_of_state(state) -> list:
    """The array leaves of any optimizer state (NamedTuples, tuples, lists, dicts; ints and None skipped)."""
    if state is None or isinstance(state, (int, float)):
        return []
    if isinstance(state, dict):
        return [leaf for key in sorted(state) for leaf in leaves_of_state(state[key])]
    if isinstance(state, (tuple, list)):
        return [leaf for child in state for leaf in leaves_of_state(child)]
    return [state]


@settings(PROPERTY, max_examples=250)
@given(problems(), rule_settings())
def test_rule_invariants(problem, options):
    dtype, template, x0, grads = problem
    optimizer = rmsprop.rmsprop(**options)
    unclamped = options["centered"] and unclamped_arithmetic(options["arithmetic"])
    run_and_check(optimizer, template, x0, grads, centered_rule=options, unclamped=unclamped)


@settings(PROPERTY, max_examples=250)
@given(problems(), FLAVORS)
def test_flavor_invariants(problem, flavor):
    dtype, template, x0, grads = problem
    name, arguments = flavor
    optimizer = make_flavor(name, arguments)
    rule = optimizer.settings
    correction_rule = {
        "bias_correction": arguments.get("bias_correction", False),
        "decay": next((arguments[k] for k in ("decay", "alpha", "rho", "gamma", "rms_decay") if k in arguments), 0.9),
    }
    unclamped = name in ("torch", "keras", "optax") and bool(arguments.get("centered"))
    run_and_check(optimizer, template, x0, grads, centered_rule=correction_rule, unclamped=unclamped)
    assert rule["name"] == name


# --------------------------------------------------------------------------------------
# The first step against its closed form
# --------------------------------------------------------------------------------------


def first_step(options, g_leaves, x_leaves):
    """The rate and, per leaf, ``(g, x, e, m, v, slack)`` of the first step, in float64.

    ``g`` is the gradient after clipping and ``maximize``; ``e`` and ``m`` the new averages;
    ``v`` the variance under the root (bias-corrected) and ``slack`` (times the dtype's
    epsilon) how far the code's own ``v`` may be from it. Written from the equations of
    :func:`rmsprop.rmsprop`'s docstring, with the centered variance in closed form (no
    cancellation). Coupled weight decay is left out (its ``g + wd x`` cancels; see the
    identity test).
    """
    lr = float(schedules.as_schedule(options["learning_rate"])(0))
    decay, scale = options["decay"], options["initial_scale"]
    g = [np.asarray(leaf, np.float64) for leaf in g_leaves]
    x = [np.asarray(leaf, np.float64) for leaf in x_leaves]
    if options["clip_value"] is not None:
        g = [np.clip(gi, -options["clip_value"], options["clip_value"]) for gi in g]
    if options["clip_norm"] is not None:
        g = [
            gi * min(1.0, options["clip_norm"] / n) if (n := math.sqrt(float(np.sum(gi * gi)))) > 0 else gi for gi in g
        ]
    if options["global_clip_norm"] is not None:
        total = math.sqrt(sum(float(np.sum(gi * gi)) for gi in g))
        if total > options["global_clip_norm"]:
            g = [gi * (options["global_clip_norm"] / total) for gi in g]
    if options["maximize"]:
        g = [-gi for gi in g]
    c = 1.0 - decay if options["bias_correction"] else 1.0
    out = []
    for gi, xi in zip(g, x):
        e = decay * scale + (1.0 - decay) * gi * gi
        m = (1.0 - decay) * gi if options["centered"] else None
        if options["centered"]:
            w = (1.0 - decay) / c
            v = decay * scale / c + gi * gi * w * (1.0 - w)
            slack = 8 * e / c  # the code subtracts m^2 from e: its error is a few ulps of e
        else:
            v = e / c
            slack = 4 * v
        out.append((gi, xi, e, m, v, slack))
    return lr, out


def formation_error(options, dtype) -> float:
    """Relative to |x|: the error of an update formed as ``x_new - x`` (see :func:`rmsprop.rmsprop`, ``arithmetic``)."""
    arithmetic = options["arithmetic"]
    if arithmetic == "torch" and options["momentum"] > 0 and not options["lr_inside_momentum"]:
        return 4 * ulp(dtype)  # fma(b, -lr, x) - x
    if arithmetic.startswith("keras") and options["decoupled_weight_decay"]:
        # (x * (1 - wd lr)) + u - x, the factor rounded to Keras's floatx
        return 4 * max(ulp(dtype), 2.0**-24 if arithmetic == "keras_torch" else 0.0)
    return 0.0


def denominator(v, eps, eps_in_sqrt):
    return np.sqrt(np.maximum(v + eps, 0.0)) if eps_in_sqrt else np.sqrt(np.maximum(v, 0.0)) + eps


def step_from(options, lr, g, x, d):
    """The update from the scaled gradient ``g / d``, with momentum (first step: b = the step) and decoupled decay."""
    mu = options["momentum"]
    factor = 1.0 + mu if options["nesterov"] else 1.0
    u = -(lr * g / d) * factor
    decay_term = -(lr * options["weight_decay"]) * x if options["decoupled_weight_decay"] else 0.0 * x
    return u, decay_term


@settings(PROPERTY, max_examples=300)
@given(problems(max_steps=1), rule_settings(coupled=False))
def test_first_step_closed_form(problem, options):
    dtype, template, x0, grads = problem
    optimizer = rmsprop.rmsprop(**options)
    params = build(template, x0)
    unclamped = options["centered"] and unclamped_arithmetic(options["arithmetic"])
    with quiet_if(unclamped):
        updates, state = optimizer.update(build(template, grads[0]), optimizer.init(params), params)
    lr, expected = first_step(options, leaves_of(build(template, grads[0])), leaves_of(params))
    eps_f = ulp(dtype)
    for u, e, m, (g, x, e_ref, m_ref, v, slack) in zip(
        leaves_of(updates),
        leaves_of(state.e),
        leaves_of(state.m) if options["centered"] else [None] * len(x0),
        expected,
    ):
        tiny = 4 * float(np.finfo(dtype).tiny)
        np.testing.assert_allclose(e, e_ref, rtol=16 * eps_f, atol=tiny)
        if m is not None:
            np.testing.assert_allclose(m, m_ref, rtol=16 * eps_f, atol=tiny)
        u = np.asarray(u, np.float64)
        if unclamped and not np.all(np.isfinite(u)):
            assert np.all(np.isfinite(u) | (v <= slack * eps_f))  # NaN only from a rounding residue
            keep = np.isfinite(u)
            u, g, x, v, slack = (np.broadcast_to(a, keep.shape)[keep] for a in (u, g, x, v, slack))
        # The code's variance is within slack of v: a library's unclamped one may fall below zero.
        low = v - slack * eps_f if unclamped else np.maximum(v - slack * eps_f, 0.0)
        high = v + slack * eps_f
        with np.errstate(divide="ignore", invalid="ignore"):
            d_low, d_high = (denominator(w, options["eps"], options["eps_in_sqrt"]) for w in (low, high))
            (u_a, wd), (u_b, _) = step_from(options, lr, g, x, d_high), step_from(options, lr, g, x, d_low)
        u_b = np.where(np.isnan(u_b), np.where(g > 0, -np.inf, np.inf), u_b)  # a zero denominator: no bound
        lo, hi = np.minimum(u_a, u_b) + wd, np.maximum(u_a, u_b) + wd
        with np.errstate(invalid="ignore"):
            margin = 64 * eps_f * (np.maximum(np.abs(u_a), np.abs(u_b)) + np.abs(wd))
        margin = margin + formation_error(options, dtype) * np.abs(x)
        assert np.all((u >= lo - margin) & (u <= hi + margin)), (u, lo, hi, options)


def test_first_step_of_the_plain_rule_is_the_seed_formula():
    """``lr * g / sqrt((1 - decay) g^2 + eps)``, in float64 bit for bit for some simple numbers."""
    g = np.array([3.0, -4.0, 0.0, 1e-3])
    updates, _ = rmsprop.rmsprop(0.1).update(g, rmsprop.rmsprop(0.1).init(g))
    assert updates.tolist() == [-(0.1 * gi) / math.sqrt((1 - 0.9) * (gi * gi) + 1e-8) for gi in g.tolist()]


@pytest.mark.parametrize("size", [3, 300], ids=["numpy", "kernel"])
def test_keras_arithmetic_keeps_eps_outside_the_root(size):
    """``arithmetic`` changes how lines are rounded, not what they compute: eps stays outside the root."""
    g = np.full(size, 3.0)
    optimizer = rmsprop.rmsprop(0.1, decay=0.5, eps=1e-2, centered=True, eps_in_sqrt=False, arithmetic="keras_torch")
    updates, _ = optimizer.update(g, optimizer.init(g))
    expected = -0.1 * 3.0 / (math.sqrt(0.5 * 0.5 * 9.0) + 1e-2)  # -0.19868; with eps inside: -0.19956
    np.testing.assert_allclose(updates, expected, rtol=1e-12)


# --------------------------------------------------------------------------------------
# Exact identities
# --------------------------------------------------------------------------------------


def trajectory(optimizer, template, x0, grads, unclamped=False):
    """The updates, states and parameters of every step."""
    params = build(template, [np.array(x, copy=True) for x in x0])
    state = optimizer.init(params)
    out = []
    for g in grads:
        with quiet_if(unclamped):  # a library's inf or NaN goes on into the parameters
            updates, state = optimizer.update(build(template, g), state, params)
            params = rmsprop.apply_updates(params, updates)
        out.append((updates, state, params))
    return out


def assert_negated(a, b):
    """``b`` is ``-a`` leaf by leaf, bit for bit up to the sign of zeros and NaN payloads."""
    for x, y in zip(leaves_of(a), leaves_of(b)):
        x, y = np.asarray(x), np.asarray(y)
        assert x.dtype == y.dtype and x.shape == y.shape
        assert np.array_equal(-x, y, equal_nan=True), (x, y)


@settings(PROPERTY, max_examples=120)
@given(problems(), st.one_of(rule_settings().map(lambda o: ("rule", o)), FLAVORS))
def test_negating_gradients_and_parameters_negates_the_steps(problem, setup):
    """The rule is odd: ``-g`` from ``-x`` steps to ``-x_new``, with the same ``e``; in every arithmetic and flavor."""
    dtype, template, x0, grads = problem
    kind, arguments = setup
    make = (lambda: rmsprop.rmsprop(**arguments)) if kind == "rule" else (lambda: make_flavor(kind, arguments))
    unclamped = bool(arguments.get("centered"))
    plain = trajectory(make(), template, x0, grads, unclamped)
    mirrored = trajectory(make(), template, [-x for x in x0], [[-g for g in step] for step in grads], unclamped)
    for (u, s, x), (u_m, s_m, x_m) in zip(plain, mirrored):
        assert_negated(u, u_m)
        assert_negated(x, x_m)
        for part, part_m in zip(rmsprop_states(s), rmsprop_states(s_m)):
            assert_trees_identical(part.e, part_m.e)
            if part.m is not None:
                assert_negated(part.m, part_m.m)
            if part.b is not None:
                assert_negated(part.b, part_m.b)


@settings(PROPERTY, max_examples=80)
@given(problems(), rule_settings(arithmetics=("seed",)))
def test_options_that_are_a_change_of_gradient(problem, options):
    """Seed arithmetic: ``maximize`` is ``-g``; ``clip_value`` is a clipped ``g``; coupled decay is ``g + wd x``."""
    dtype, template, x0, grads = problem
    base = dict(
        options,
        maximize=False,
        clip_value=None,
        weight_decay=0.0,
        decoupled_weight_decay=False,
        clip_norm=None,
        global_clip_norm=None,
    )
    cases = [
        ({"maximize": True}, lambda g, x: -g),
        ({"clip_value": 0.5}, lambda g, x: np.clip(g, -0.5, 0.5)),
        ({"weight_decay": 0.25}, lambda g, x: g + 0.25 * x),
    ]
    for change, equivalent in cases:
        optimizer, reference = rmsprop.rmsprop(**{**base, **change}), rmsprop.rmsprop(**base)
        params = build(template, [x.copy() for x in x0])
        state = optimizer.init(params)
        ref_params, ref_state = copy_tree(params), reference.init(params)
        for g_leaves in grads:
            changed = map_tree(equivalent, build(template, g_leaves), ref_params)
            with quiet_if(options["centered"]):
                u, state = optimizer.update(build(template, g_leaves), state, params)
                u_ref, ref_state = reference.update(changed, ref_state, ref_params)
            assert_trees_identical(u, u_ref)
            assert_trees_identical(state.e, ref_state.e)
            params, ref_params = rmsprop.apply_updates(params, u), rmsprop.apply_updates(ref_params, u_ref)


@settings(PROPERTY, max_examples=80)
@given(problems(), rule_settings(arithmetics=("seed", "optax"), schedule=False))
def test_doubling_the_rate_doubles_the_step(problem, options):
    """Multiplying by 2 is exact: twice the rate, twice every update (one step, any options)."""
    dtype, template, x0, grads = problem
    params = build(template, x0)
    g = build(template, grads[0])
    with quiet_if(options["centered"]):
        once = rmsprop.rmsprop(**options)
        twice = rmsprop.rmsprop(**dict(options, learning_rate=2 * options["learning_rate"]))
        u1, _ = once.update(g, once.init(params), params)
        u2, _ = twice.update(g, twice.init(params), params)
    for a, b in zip(leaves_of(u1), leaves_of(u2)):
        assert np.array_equal(2 * np.asarray(a), b, equal_nan=True)


@settings(PROPERTY, max_examples=80)
@given(
    problems(templates=(0,), shapes=((6,), (2, 3), (7,))),
    rule_settings(schedule=True).map(lambda o: dict(o, clip_norm=None, global_clip_norm=None)),
)
def test_the_rule_is_elementwise(problem, options):
    """Without norm clipping, one array or its pieces as separate leaves step identically."""
    dtype, template, x0, grads = problem
    flat = [np.ravel(x) for x in x0]
    split = lambda a: [a[:1], a[1:3], a[3:]]  # noqa: E731
    whole = trajectory(rmsprop.rmsprop(**options), 0, flat, [[np.ravel(g[0])] for g in grads], options["centered"])
    pieces = trajectory(
        rmsprop.rmsprop(**options),
        [0, 1, 2],
        split(flat[0]),
        [split(np.ravel(g[0])) for g in grads],
        options["centered"],
    )
    for (u, s, x), (u_p, s_p, x_p) in zip(whole, pieces):
        assert same_bits(u, np.concatenate(u_p))
        assert same_bits(s.e, np.concatenate(s_p.e))
        assert same_bits(x, np.concatenate(x_p))


# --------------------------------------------------------------------------------------
# The stateful optimizer, and saving and loading
# --------------------------------------------------------------------------------------


def stateful_setups():
    return st.one_of(rule_settings().map(lambda o: ("rule", o)), FLAVORS)


def make_stateful(params, setup):
    kind, arguments = setup
    if kind == "rule":
        return rmsprop.RMSprop(params, **arguments)
    return rmsprop.RMSprop(params, optimizer=make_flavor(kind, arguments))


def make_functional(setup):
    kind, arguments = setup
    return rmsprop.rmsprop(**arguments) if kind == "rule" else make_flavor(kind, arguments)


def unclamped_setup(setup) -> bool:
    return bool(setup[1].get("centered"))


def exact_apply(setup) -> bool:
    """Whether ``x + (x_new - x)`` is ``x_new`` always (seed arithmetic) or only under Sterbenz's lemma."""
    kind, arguments = setup
    if kind == "rule":
        return arguments["arithmetic"] == "seed" or (
            arguments["momentum"] == 0 and not arguments["decoupled_weight_decay"]
        )
    return kind not in ("torch", "keras", "optax")


@settings(PROPERTY, max_examples=120)
@given(problems(templates=LIST_TEMPLATES), stateful_setups())
def test_stateful_steps_as_update_then_apply(problem, setup):
    """Each ``RMSprop.step`` is ``update`` then ``apply_updates`` from its own state and parameters."""
    dtype, template, x0, grads = problem
    params = [x.copy() for x in x0]
    opt = make_stateful(params, setup)
    functional = make_functional(setup)
    for g in grads:
        x = [p.copy() for p in params]
        with quiet_if(unclamped_setup(setup)):
            updates, state = functional.update([gi.copy() for gi in g], copy_state(opt.state), x)
            opt.step([gi.copy() for gi in g])
        new_x = rmsprop.apply_updates(x, updates)
        for p, a, b, u in zip(params, new_x, x, updates):
            assert p.dtype == a.dtype and p.shape == a.shape
            if exact_apply(setup):
                assert np.array_equal(p, a, equal_nan=True)
            else:  # x + (x_new - x) is x_new where the step is under half of |x| (rmsprop.rmsprop's docstring)
                b64, u64 = np.asarray(b, np.float64), np.asarray(u, np.float64)
                sterbenz = np.abs(u64) < np.abs(b64) / 2
                assert np.array_equal(p[sterbenz], np.asarray(a)[sterbenz], equal_nan=True)
                close = np.abs(p - a) <= 4 * ulp(dtype) * (np.abs(b64) + np.abs(u64))
                assert np.all(close | (np.isnan(p) & np.isnan(a)))
        assert_state_identical(opt.state, state)


def copy_state(state):
    leaves, rebuild = state_to_arrays(state)
    return rebuild([np.array(leaf, copy=True) for leaf in leaves])


@pytest.mark.parametrize("arguments", [{"clipnorm": 1.0}, {"use_ema": True}], ids=["chain", "ema"])
def test_state_dict_of_a_nested_flavor_state(arguments):
    params = [np.array([1.0, -2.0, 3.0])]
    opt = rmsprop.RMSprop(params, optimizer=compat.keras(0.01, **arguments))
    opt.step([np.array([0.5, 0.5, -1.0])])
    copies = [params[0].copy()]
    resumed = rmsprop.RMSprop(copies, optimizer=compat.keras(0.01, **arguments))
    resumed.load_state_dict(opt.state_dict())
    for _ in range(3):
        opt.step([np.array([0.5, 0.5, -1.0])])
        resumed.step([np.array([0.5, 0.5, -1.0])])
    assert same_bits(params[0], copies[0])


@settings(PROPERTY, max_examples=120)
@given(problems(templates=LIST_TEMPLATES, max_steps=5), stateful_setups(), st.integers(0, 3))
def test_state_dict_resumes_in_lockstep(problem, setup, saved_at):
    dtype, template, x0, grads = problem
    params = [x.copy() for x in x0]
    opt = make_stateful(params, setup)
    quiet = quiet_if(unclamped_setup(setup))
    with quiet:
        for g in grads[:saved_at]:
            opt.step([gi.copy() for gi in g])
    saved = opt.state_dict()
    copies = [p.copy() for p in params]
    resumed = make_stateful(copies, setup)
    resumed.load_state_dict(saved)
    assert_state_identical(resumed.state, opt.state)
    with quiet_if(unclamped_setup(setup)):
        for g in grads[saved_at:] + grads:
            opt.step([gi.copy() for gi in g])
            resumed.step([gi.copy() for gi in g])
            for p, q in zip(params, copies):
                assert same_bits(p, q)
    assert_state_identical(opt.state, resumed.state)


def assert_state_identical(a, b):
    assert type(a) is type(b)
    if isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_state_identical(x, y)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            assert_state_identical(a[key], b[key])
    elif isinstance(a, (np.ndarray, np.generic)):
        assert same_bits(a, b)
    else:
        assert a == b


def state_to_arrays(state):
    """The state's leaves as a list of arrays, and a function that puts arrays back into its skeleton."""
    leaves = []

    def skeleton(node):
        if node is None:
            return None
        if isinstance(node, dict):
            return ("dict", [(key, skeleton(node[key])) for key in node])
        if isinstance(node, tuple) and hasattr(node, "_fields"):
            return ("namedtuple", type(node), [skeleton(child) for child in node])
        if isinstance(node, (tuple, list)):
            return (type(node), [skeleton(child) for child in node])
        leaves.append(np.asarray(node))
        return ("leaf", len(leaves) - 1, type(node))

    def rebuild(shape, arrays):
        if shape is None:
            return None
        if shape[0] == "dict":
            return {key: rebuild(child, arrays) for key, child in shape[1]}
        if shape[0] == "namedtuple":
            return shape[1](*[rebuild(child, arrays) for child in shape[2]])
        if shape[0] == "leaf":
            array, kind = arrays[shape[1]], shape[2]
            return kind(array) if kind in (int, float) else array
        return shape[0](rebuild(child, arrays) for child in shape[1])

    shape = skeleton(state)
    return leaves, lambda arrays: rebuild(shape, arrays)


@settings(PROPERTY, max_examples=120)
@given(problems(max_steps=5), st.one_of(rule_settings().map(lambda o: ("rule", o)), FLAVORS), st.integers(0, 3))
def test_functional_state_through_npz_steps_identically(problem, setup, saved_at):
    dtype, template, x0, grads = problem
    optimizer = make_functional(setup)
    params = build(template, [x.copy() for x in x0])
    state = optimizer.init(params)
    quiet = quiet_if(unclamped_setup(setup))
    with quiet:
        for g in grads[:saved_at]:
            updates, state = optimizer.update(build(template, g), state, params)
            params = rmsprop.apply_updates(params, updates)
    leaves, rebuild = state_to_arrays(state)
    buffer = io.BytesIO()
    np.savez(buffer, *leaves)
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as npz:
        loaded = rebuild([npz[f"arr_{i}"] for i in range(len(leaves))])
    twin, twin_params = loaded, copy_tree(params)
    with quiet_if(unclamped_setup(setup)):
        for g in grads[saved_at:] + grads:
            updates, state = optimizer.update(build(template, g), state, params)
            twin_updates, twin = optimizer.update(build(template, g), twin, twin_params)
            assert_trees_identical(updates, twin_updates)
            params = rmsprop.apply_updates(params, updates)
            twin_params = rmsprop.apply_updates(twin_params, twin_updates)
    assert_trees_identical(params, twin_params)
    for a, b in zip(state_to_arrays(state)[0], state_to_arrays(twin)[0]):
        assert same_bits(a, b)


# --------------------------------------------------------------------------------------
# Big arrays: the fused kernels (two settings, to compile few of them)
# --------------------------------------------------------------------------------------

BIG_SETTINGS = (
    {"learning_rate": 0.01},
    {
        "learning_rate": 0.05,
        "decay": 0.8,
        "centered": True,
        "momentum": 0.9,
        "nesterov": True,
        "bias_correction": True,
        "weight_decay": 0.01,
        "maximize": True,
        "eps_in_sqrt": False,
    },
)


@pytest.mark.parametrize("options", BIG_SETTINGS, ids=["plain", "all-options"])
@settings(PROPERTY, max_examples=4)
@given(problems(templates=([0],), shapes=((300,), (17, 20)), max_steps=3))
def test_big_arrays(options, problem):
    """Arrays past the kernels' threshold: the invariants, the stateful path, and the NumPy path on pieces."""
    dtype, template, x0, grads = problem
    params, _ = run_and_check(rmsprop.rmsprop(**options), template, x0, grads)
    stateful = [x0[0].copy()]
    opt = rmsprop.RMSprop(stateful, **options)
    for g in grads:
        opt.step([g[0].copy()])
    assert same_bits(stateful[0], params[0])
    # The same numbers in pieces under the kernels' threshold take the NumPy form.
    flat = np.ravel(x0[0])
    cut = [0, 100, 200, flat.size]
    pieces = lambda a: [a[i:j] for i, j in zip(cut, cut[1:])]  # noqa: E731
    split = trajectory(rmsprop.rmsprop(**options), [0, 1, 2], pieces(flat), [pieces(np.ravel(g[0])) for g in grads])
    assert same_bits(np.ravel(params[0]), np.concatenate(split[-1][2]))


# --------------------------------------------------------------------------------------
# minimize_many: rows are minimize's runs
# --------------------------------------------------------------------------------------

EXACT = ("seed", "rosenbrock", "rastrigin", "ackley")  # every field, on both engines
# NumPy engine: fun may differ in the last bit
FUN_LAST_BIT = ("booth", "matyas", "saddle", "ill_conditioned", "rotated")
CLOSE = ("himmelblau", "beale", "goldstein_price", "three_hump_camel")  # NumPy engine: last bits of some gradients


def test_the_exactness_table_covers_the_catalogue():
    assert set(EXACT + FUN_LAST_BIT + CLOSE) == set(objectives.names())


@contextlib.contextmanager
def engine(name):
    saved = os.environ.get("RMSPROP_DISABLE_JIT")
    os.environ["RMSPROP_DISABLE_JIT"] = "1" if name == "numpy" else "0"
    try:
        yield
    finally:
        if saved is None:
            del os.environ["RMSPROP_DISABLE_JIT"]
        else:
            os.environ["RMSPROP_DISABLE_JIT"] = saved


@st.composite
def batches(draw):
    name = draw(st.sampled_from(objectives.names()))
    dtype = draw(st.sampled_from(FLOATS))
    runs = draw(st.integers(1, 5))
    objective = objectives.get(name)
    low, high = objective.domain[0]
    coordinate = st.floats(0.5 * low, 0.5 * high).map(lambda value: float(dtype(value)))
    x0s = np.array([[draw(coordinate) for _ in range(objective.dim)] for _ in range(runs)], dtype=dtype)

    def per_run(strategy):
        return draw(st.one_of(strategy, st.lists(strategy, min_size=runs, max_size=runs).map(np.array)))

    gentle = name in CLOSE  # keep the runs where the last bits of a gradient cannot decide a stop
    settings_ = dict(
        learning_rate=per_run(st.floats(1e-3, 0.05 if gentle else 0.3)),
        decay=per_run(st.floats(0.0, 0.99)),
        eps=per_run(st.sampled_from([1e-8, 1e-6, 1e-3])),
        maxiter=draw(st.integers(0, 12)),
        gtol=0.0 if gentle else draw(st.sampled_from([0.0, 1e-3, 0.5])),
        norm=math.inf if gentle else draw(st.sampled_from([math.inf, math.inf, 2, 1, -math.inf])),
    )
    options = draw(rule_settings(arithmetics=("seed", "seed", "seed", "torch"), schedule=False))
    options = {key: value for key, value in options.items() if key not in ("learning_rate", "decay", "eps")}
    if options["initial_scale"] == 0.0 and np.any(np.asarray(settings_["eps"]) == 0.0):
        options["initial_scale"] = 0.1
    return name, x0s, settings_, options, draw(st.sampled_from(["numba", "numpy"]))


def row(value, i):
    return value[i] if np.ndim(value) else value


@settings(PROPERTY, max_examples=60)
@given(batches())
def test_minimize_many_rows_are_minimize_runs(batch):
    name, x0s, batch_settings, options, engine_name = batch
    objective = objectives.get(name)
    quiet = lambda: np.errstate(all="ignore")  # noqa: E731 -- a diverging run is a status; minimize's rule may warn
    with engine(engine_name), quiet():
        result = rmsprop.minimize_many(objective, x0s, **batch_settings, **options)
    assert result.x.dtype == x0s.dtype and result.x.shape == x0s.shape
    for i in range(len(x0s)):
        single_settings = {key: row(value, i) for key, value in batch_settings.items()}
        with quiet():
            single = rmsprop.minimize(objective, x0s[i], **single_settings, **options)
        assert (result.nit[i], result.status[i], result.success[i]) == (single.nit, single.status, single.success)
        assert (result.nfev[i], result.njev[i], result.message[i]) == (single.nfev, single.njev, single.message)
        if result.engine == "numba" or name in EXACT:
            assert same_bits(result.x[i], single.x) and same_bits(result.jac[i], single.jac)
            assert same_bits(result.fun[i], np.float64(single.fun))
        elif name in FUN_LAST_BIT:
            assert same_bits(result.x[i], single.x) and same_bits(result.jac[i], single.jac)
            np.testing.assert_array_max_ulp(result.fun[i], np.float64(single.fun), maxulp=2)
        else:
            rtol = 1e-4 if x0s.dtype == np.float32 else 1e-9
            np.testing.assert_allclose(result.x[i], single.x, rtol=rtol, atol=rtol)
            np.testing.assert_allclose(result.fun[i], single.fun, rtol=rtol, atol=rtol)
