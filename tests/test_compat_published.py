"""compat.tf1, compat.caffe, compat.lasagne and compat.graves against each library's OWN published tests.

None of TensorFlow 1, Caffe, Lasagne (Theano) or the code of Graves (2013) can be
installed here, so each flavor is checked against what its authors published:
the numbers and the reference computations of the library's own test suite (or,
for Graves, the paper's equations), reproduced in this file with the same
set-ups. Sources, as stored in the public repositories:

* TensorFlow: ``tensorflow/tensorflow``, ``tensorflow/python/training/rmsprop_test.py``
  (class ``RMSPropOptimizerTest``: ``_rmsprop_update_numpy``, ``testDense``,
  ``testSparse``, ``testWithoutMomentum``, ``testWithMomentum``).
* Caffe: ``BVLC/caffe``, ``src/caffe/test/test_gradient_based_solver.cpp``
  (``GradientBasedSolverTest::ComputeLeastSquaresUpdate``, ``CheckLeastSquaresUpdate``,
  ``TestLeastSquaresUpdate``; ``RMSPropSolverTest`` with rms_decay 0.95 and the
  cases ``TestRMSPropLeastSquaresUpdateWithWeightDecay``,
  ``TestRMSPropLeastSquaresUpdateWithRmsDecay``,
  ``TestRMSPropLeastSquaresUpdateWithEverything``); defaults from
  ``src/caffe/proto/caffe.proto`` (``delta`` 1e-8, ``rms_decay`` 0.99).
* Lasagne: ``Lasagne/Lasagne``, ``lasagne/tests/test_updates.py``
  (``TestUpdateFunctions.torch_values['rmsprop']`` and ``test_updates``) and the
  formula of ``rmsprop`` in ``lasagne/updates.py``.
* Graves, "Generating Sequences With Recurrent Neural Networks", arXiv:1308.0850,
  section 4.2, eqs. (38)-(41). The paper's text is not in the stored corpora the
  tools search; the equations below are as printed there (and as transcribed,
  with the same constants as defaults, by ``chainer/chainer``,
  ``chainer/optimizers/rmsprop_graves.py``, ``RMSpropGravesRule.update_core_cpu``).

Where a comparison is tighter than the library's own tolerance, the comment says
why (the same arithmetic, or the same formula up to the association of products).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import rmsprop
from rmsprop import compat

# ------------------------------------------------------------------------------------------------
# TensorFlow 1: tf.compat.v1.train.RMSPropOptimizer
# tensorflow/tensorflow, tensorflow/python/training/rmsprop_test.py
# ------------------------------------------------------------------------------------------------

#: ``_TEST_PARAM_VALUES`` of rmsprop_test.py: learning_rate, decay, momentum, epsilon, centered.
TF_TEST_PARAM_VALUES = [
    [0.5, 0.9, 0.0, 1e-3, True],
    [0.5, 0.9, 0.0, 1e-3, False],
    [0.1, 0.9, 0.0, 1e-3, True],
    [0.5, 0.95, 0.0, 1e-3, False],
    [0.5, 0.95, 0.0, 1e-5, True],
    [0.5, 0.95, 0.9, 1e-5, True],
]

#: TensorFlow's ``assertAllCloseAccordingToType`` tolerances (rtol, atol): 1e-6 for float32
#: (and float64, its default), 1e-3 for half. rmsprop_test.py runs its cases in half and float32.
#: In float64 we check much tighter (1e-13 relative): there both sides evaluate the same formula
#: in IEEE double and differ only in the association of a few products, i.e. by a few ulps.
TF_TOLERANCE = {np.float64: (1e-13, 1e-15), np.float32: (1e-6, 1e-6), np.float16: (1e-3, 1e-3)}

TF_DTYPES = [np.float64, np.float32, np.float16]
TF_DTYPE_IDS = ["float64", "float32(tf tolerance)", "half(tf tolerance)"]


def tf_rmsprop_update_numpy(var, g, mg, rms, mom, lr, decay, momentum, epsilon, centered):
    """``RMSPropOptimizerTest._rmsprop_update_numpy``, verbatim (rmsprop_test.py)."""
    rms_t = rms * decay + (1 - decay) * g * g
    denom_t = rms_t + epsilon
    if centered:
        mg_t = mg * decay + (1 - decay) * g
        denom_t -= mg_t * mg_t
    else:
        mg_t = mg
    mom_t = momentum * mom + lr * g / np.sqrt(denom_t, dtype=denom_t.dtype)
    var_t = var - mom_t
    return var_t, mg_t, rms_t, mom_t


def tf_sparse_rmsprop_update_numpy(var, gindexs, gvalues, mg, rms, mom, lr, decay, momentum, epsilon, centered):
    """``RMSPropOptimizerTest._sparse_rmsprop_update_numpy``, verbatim (rmsprop_test.py)."""
    mg_t = mg.copy()
    rms_t = rms.copy()
    mom_t = mom.copy()
    var_t = var.copy()
    for i in range(len(gindexs)):
        gindex = gindexs[i]
        gvalue = gvalues[i]
        rms_t[gindex] = rms[gindex] * decay + (1 - decay) * gvalue * gvalue
        denom_t = rms_t[gindex] + epsilon
        if centered:
            mg_t[gindex] = mg_t[gindex] * decay + (1 - decay) * gvalue
            denom_t -= mg_t[gindex] * mg_t[gindex]
        mom_t[gindex] = momentum * mom[gindex] + lr * gvalue / np.sqrt(denom_t)
        var_t[gindex] = var[gindex] - mom_t[gindex]
    return var_t, mg_t, rms_t, mom_t


def assert_close_according_to_type(expected, actual, dtype, what):
    """TensorFlow's ``assertAllCloseAccordingToType`` (``|a - e| <= atol + rtol * |e|``), per dtype."""
    rtol, atol = TF_TOLERANCE[dtype]
    np.testing.assert_allclose(
        np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64), rtol=rtol, atol=atol, err_msg=what
    )


def tf_slots(state, updates, index):
    """TF's slots ``rms``, ``mg`` and ``momentum`` for parameter ``index`` from our state.

    TF1 always keeps a ``momentum`` slot; with ``momentum=0`` it holds ``lr * g / sqrt(...)``,
    which is minus our update (we keep no buffer then).
    """
    rms = state.e[index]
    mg = None if state.m is None else state.m[index]
    mom = -updates[index] if state.b is None else state.b[index]
    return rms, mg, mom


@pytest.mark.parametrize("dtype", TF_DTYPES, ids=TF_DTYPE_IDS)
@pytest.mark.parametrize("learning_rate, decay, momentum, epsilon, centered", TF_TEST_PARAM_VALUES)
def test_tf1_testDense(learning_rate, decay, momentum, epsilon, centered, dtype):
    """rmsprop_test.py ``testDense``: two variables, constant gradients, 4 steps, every slot checked."""
    var0_np = np.array([1.0, 2.0], dtype=dtype)
    grads0_np = np.array([0.1, 0.2], dtype=dtype)
    var1_np = np.array([3.0, 4.0], dtype=dtype)
    grads1_np = np.array([0.01, 0.2], dtype=dtype)

    opt = compat.tf1(learning_rate=learning_rate, decay=decay, momentum=momentum, epsilon=epsilon, centered=centered)
    params = [var0_np.copy(), var1_np.copy()]
    state = opt.init(params)

    mg0_np = np.array([0.0, 0.0], dtype=dtype)
    mg1_np = np.array([0.0, 0.0], dtype=dtype)
    rms0_np = np.array([1.0, 1.0], dtype=dtype)
    rms1_np = np.array([1.0, 1.0], dtype=dtype)
    mom0_np = np.array([0.0, 0.0], dtype=dtype)
    mom1_np = np.array([0.0, 0.0], dtype=dtype)
    # The accumulator starts at 1 (the "rms" slot's initial value in TF1).
    np.testing.assert_array_equal(state.e[0], rms0_np)
    np.testing.assert_array_equal(state.e[1], rms1_np)

    for t in range(1, 5):  # "Run 4 steps of RMSProp"
        updates, state = opt.update([grads0_np, grads1_np], state, params)
        params = rmsprop.apply_updates(params, updates)

        var0_np, mg0_np, rms0_np, mom0_np = tf_rmsprop_update_numpy(
            var0_np, grads0_np, mg0_np, rms0_np, mom0_np, learning_rate, decay, momentum, epsilon, centered
        )
        var1_np, mg1_np, rms1_np, mom1_np = tf_rmsprop_update_numpy(
            var1_np, grads1_np, mg1_np, rms1_np, mom1_np, learning_rate, decay, momentum, epsilon, centered
        )

        for index, (var_np, mg_np, rms_np, mom_np) in enumerate(
            [(var0_np, mg0_np, rms0_np, mom0_np), (var1_np, mg1_np, rms1_np, mom1_np)]
        ):
            rms, mg, mom = tf_slots(state, updates, index)
            assert (mg is not None) == centered  # TF: `self.assertEqual(mg0 is not None, centered)`
            if centered:
                assert_close_according_to_type(mg_np, mg, dtype, f"mg{index} step {t}")
            assert_close_according_to_type(rms_np, rms, dtype, f"rms{index} step {t}")
            assert_close_according_to_type(mom_np, mom, dtype, f"mom{index} step {t}")
            assert_close_according_to_type(var_np, params[index], dtype, f"var{index} step {t}")
        assert all(p.dtype == dtype for p in params)


@pytest.mark.parametrize("dtype", TF_DTYPES, ids=TF_DTYPE_IDS)
@pytest.mark.parametrize("learning_rate, decay, momentum, epsilon, centered", TF_TEST_PARAM_VALUES)
def test_tf1_testSparse(learning_rate, decay, momentum, epsilon, centered, dtype):
    """rmsprop_test.py ``testSparse``, with the sparse gradient given densely (zeros elsewhere).

    TF applies an ``IndexedSlices`` gradient lazily: entries outside the indices keep their
    slots untouched. A dense zero gradient instead decays their ``rms`` (1 -> decay**t), so
    for the untouched entries only ``var``, ``mg`` and ``momentum`` are comparable (they stay
    as they were on both sides, as the gradient there is 0); ``rms`` there is not compared.
    This is a difference of API (we have no sparse gradients), not of the update rule.
    """
    var0_np = np.array([1.0, 2.0], dtype=dtype)
    grads0_np = np.array([0.1], dtype=dtype)
    var1_np = np.array([3.0, 4.0], dtype=dtype)
    grads1_np = np.array([0.01], dtype=dtype)
    grads0_np_indices = np.array([0], dtype=np.int32)
    grads1_np_indices = np.array([1], dtype=np.int32)
    dense0 = np.zeros(2, dtype=dtype)
    dense0[grads0_np_indices] = grads0_np
    dense1 = np.zeros(2, dtype=dtype)
    dense1[grads1_np_indices] = grads1_np

    opt = compat.tf1(learning_rate=learning_rate, decay=decay, momentum=momentum, epsilon=epsilon, centered=centered)
    params = [var0_np.copy(), var1_np.copy()]
    state = opt.init(params)

    mg0_np = np.array([0.0, 0.0], dtype=dtype)
    mg1_np = np.array([0.0, 0.0], dtype=dtype)
    rms0_np = np.array([1.0, 1.0], dtype=dtype)
    rms1_np = np.array([1.0, 1.0], dtype=dtype)
    mom0_np = np.array([0.0, 0.0], dtype=dtype)
    mom1_np = np.array([0.0, 0.0], dtype=dtype)

    for t in range(1, 5):
        updates, state = opt.update([dense0, dense1], state, params)
        params = rmsprop.apply_updates(params, updates)

        var0_np, mg0_np, rms0_np, mom0_np = tf_sparse_rmsprop_update_numpy(
            var0_np,
            grads0_np_indices,
            grads0_np,
            mg0_np,
            rms0_np,
            mom0_np,
            learning_rate,
            decay,
            momentum,
            epsilon,
            centered,
        )
        var1_np, mg1_np, rms1_np, mom1_np = tf_sparse_rmsprop_update_numpy(
            var1_np,
            grads1_np_indices,
            grads1_np,
            mg1_np,
            rms1_np,
            mom1_np,
            learning_rate,
            decay,
            momentum,
            epsilon,
            centered,
        )

        for index, hit, (var_np, mg_np, rms_np, mom_np) in [
            (0, grads0_np_indices, (var0_np, mg0_np, rms0_np, mom0_np)),
            (1, grads1_np_indices, (var1_np, mg1_np, rms1_np, mom1_np)),
        ]:
            rms, mg, mom = tf_slots(state, updates, index)
            if centered:
                assert_close_according_to_type(mg_np, mg, dtype, f"mg{index} step {t}")
            assert_close_according_to_type(rms_np[hit], rms[hit], dtype, f"rms{index}[{hit}] step {t}")
            assert_close_according_to_type(mom_np, mom, dtype, f"mom{index} step {t}")
            assert_close_according_to_type(var_np, params[index], dtype, f"var{index} step {t}")


@pytest.mark.parametrize("dtype", TF_DTYPES, ids=TF_DTYPE_IDS)
def test_tf1_testWithoutMomentum(dtype):
    """rmsprop_test.py ``testWithoutMomentum``: lr 2, decay 0.9, momentum 0, epsilon 1; hard-coded values."""
    opt = compat.tf1(learning_rate=2.0, decay=0.9, momentum=0.0, epsilon=1.0)
    params = [np.array([1.0, 2.0], dtype=dtype), np.array([3.0, 4.0], dtype=dtype)]
    grads = [np.array([0.1, 0.1], dtype=dtype), np.array([0.01, 0.01], dtype=dtype)]
    state = opt.init(params)

    # Step 1: the rms accumulators were 1.
    updates, state = opt.update(grads, state, params)
    params = rmsprop.apply_updates(params, updates)
    assert_close_according_to_type(np.array([0.901, 0.901]), state.e[0], dtype, "rms0 step 1")
    assert_close_according_to_type(np.array([0.90001, 0.90001]), state.e[1], dtype, "rms1 step 1")
    assert_close_according_to_type(
        np.array([1.0 - (0.1 * 2.0 / math.sqrt(0.901 + 1.0)), 2.0 - (0.1 * 2.0 / math.sqrt(0.901 + 1.0))]),
        params[0],
        dtype,
        "var0 step 1",
    )
    assert_close_according_to_type(
        np.array([3.0 - (0.01 * 2.0 / math.sqrt(0.90001 + 1.0)), 4.0 - (0.01 * 2.0 / math.sqrt(0.90001 + 1.0))]),
        params[1],
        dtype,
        "var1 step 1",
    )

    # Step 2: the root mean square accumulators contain the previous update.
    updates, state = opt.update(grads, state, params)
    params = rmsprop.apply_updates(params, updates)
    assert_close_according_to_type(
        np.array([0.901 * 0.9 + 0.001, 0.901 * 0.9 + 0.001]), state.e[0], dtype, "rms0 step 2"
    )
    assert_close_according_to_type(
        np.array([0.90001 * 0.9 + 1e-5, 0.90001 * 0.9 + 1e-5]), state.e[1], dtype, "rms1 step 2"
    )
    assert_close_according_to_type(
        np.array(
            [
                1.0 - (0.1 * 2.0 / math.sqrt(0.901 + 1.0)) - (0.1 * 2.0 / math.sqrt(0.901 * 0.9 + 0.001 + 1.0)),
                2.0 - (0.1 * 2.0 / math.sqrt(0.901 + 1.0)) - (0.1 * 2.0 / math.sqrt(0.901 * 0.9 + 0.001 + 1.0)),
            ]
        ),
        params[0],
        dtype,
        "var0 step 2",
    )
    assert_close_according_to_type(
        np.array(
            [
                3.0 - (0.01 * 2.0 / math.sqrt(0.90001 + 1.0)) - (0.01 * 2.0 / math.sqrt(0.90001 * 0.9 + 1e-5 + 1.0)),
                4.0 - (0.01 * 2.0 / math.sqrt(0.90001 + 1.0)) - (0.01 * 2.0 / math.sqrt(0.90001 * 0.9 + 1e-5 + 1.0)),
            ]
        ),
        params[1],
        dtype,
        "var1 step 2",
    )


@pytest.mark.parametrize("dtype", TF_DTYPES, ids=TF_DTYPE_IDS)
def test_tf1_testWithMomentum(dtype):
    """rmsprop_test.py ``testWithMomentum``: lr 2, decay 0.9, momentum 0.5, epsilon 1e-5; hard-coded values."""
    opt = compat.tf1(learning_rate=2.0, decay=0.9, momentum=0.5, epsilon=1e-5)
    params = [np.array([1.0, 2.0], dtype=dtype), np.array([3.0, 4.0], dtype=dtype)]
    grads = [np.array([0.1, 0.1], dtype=dtype), np.array([0.01, 0.01], dtype=dtype)]
    state = opt.init(params)

    # Step 1: rms = 1, mom = 0.
    updates, state = opt.update(grads, state, params)
    params = rmsprop.apply_updates(params, updates)
    assert_close_according_to_type(np.array([0.901, 0.901]), state.e[0], dtype, "rms0 step 1")
    assert_close_according_to_type(np.array([0.90001, 0.90001]), state.e[1], dtype, "rms1 step 1")
    assert_close_according_to_type(
        np.array([(0.1 * 2.0 / math.sqrt(0.901 + 1e-5)), (0.1 * 2.0 / math.sqrt(0.901 + 1e-5))]),
        state.b[0],
        dtype,
        "mom0 step 1",
    )
    assert_close_according_to_type(
        np.array([(0.01 * 2.0 / math.sqrt(0.90001 + 1e-5)), (0.01 * 2.0 / math.sqrt(0.90001 + 1e-5))]),
        state.b[1],
        dtype,
        "mom1 step 1",
    )
    assert_close_according_to_type(
        np.array([1.0 - (0.1 * 2.0 / math.sqrt(0.901 + 1e-5)), 2.0 - (0.1 * 2.0 / math.sqrt(0.901 + 1e-5))]),
        params[0],
        dtype,
        "var0 step 1",
    )
    assert_close_according_to_type(
        np.array([3.0 - (0.01 * 2.0 / math.sqrt(0.90001 + 1e-5)), 4.0 - (0.01 * 2.0 / math.sqrt(0.90001 + 1e-5))]),
        params[1],
        dtype,
        "var1 step 1",
    )

    # Step 2: the root mean square accumulators contain the previous update.
    updates, state = opt.update(grads, state, params)
    params = rmsprop.apply_updates(params, updates)
    assert_close_according_to_type(
        np.array([0.901 * 0.9 + 0.001, 0.901 * 0.9 + 0.001]), state.e[0], dtype, "rms0 step 2"
    )
    assert_close_according_to_type(
        np.array([0.90001 * 0.9 + 1e-5, 0.90001 * 0.9 + 1e-5]), state.e[1], dtype, "rms1 step 2"
    )
    mom0 = 0.5 * (0.1 * 2.0 / math.sqrt(0.901 + 1e-5)) + (0.1 * 2.0 / math.sqrt(0.901 * 0.9 + 0.001 + 1e-5))
    mom1 = 0.5 * (0.01 * 2.0 / math.sqrt(0.90001 + 1e-5)) + (0.01 * 2.0 / math.sqrt(0.90001 * 0.9 + 2e-5))
    assert_close_according_to_type(np.array([mom0, mom0]), state.b[0], dtype, "mom0 step 2")
    assert_close_according_to_type(np.array([mom1, mom1]), state.b[1], dtype, "mom1 step 2")
    assert_close_according_to_type(
        np.array(
            [
                1.0
                - (0.1 * 2.0 / math.sqrt(0.901 + 1e-5))
                - (0.5 * (0.1 * 2.0 / math.sqrt(0.901 + 1e-5)) + (0.1 * 2.0 / math.sqrt(0.901 * 0.9 + 0.001 + 1e-5))),
                2.0
                - (0.1 * 2.0 / math.sqrt(0.901 + 1e-5))
                - (0.5 * (0.1 * 2.0 / math.sqrt(0.901 + 1e-5)) + (0.1 * 2.0 / math.sqrt(0.901 * 0.9 + 0.001 + 1e-5))),
            ]
        ),
        params[0],
        dtype,
        "var0 step 2",
    )
    assert_close_according_to_type(
        np.array(
            [
                3.0
                - (0.01 * 2.0 / math.sqrt(0.90001 + 1e-5))
                - (0.5 * (0.01 * 2.0 / math.sqrt(0.90001 + 1e-5)) + (0.01 * 2.0 / math.sqrt(0.90001 * 0.9 + 2e-5))),
                4.0
                - (0.01 * 2.0 / math.sqrt(0.90001 + 1e-5))
                - (0.5 * (0.01 * 2.0 / math.sqrt(0.90001 + 1e-5)) + (0.01 * 2.0 / math.sqrt(0.90001 * 0.9 + 2e-5))),
            ]
        ),
        params[1],
        dtype,
        "var1 step 2",
    )


def test_tf1_defaults_are_tf1s():
    """``RMSPropOptimizer(learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, ..., centered=False)``."""
    assert compat.tf1(0.01).settings == {
        "name": "tf1",
        "learning_rate": 0.01,
        "decay": 0.9,
        "momentum": 0.0,
        "epsilon": 1e-10,
        "centered": False,
    }


# ------------------------------------------------------------------------------------------------
# Caffe: RMSPropSolver
# BVLC/caffe, src/caffe/test/test_gradient_based_solver.cpp
# ------------------------------------------------------------------------------------------------
#
# Caffe's test builds a one-output InnerProduct net on HDF5 data (generate_sample_data.py, N = 4
# samples of D = 3*10*10 features) with Gaussian-filled weights drawn from Caffe's own RNG (seed
# 1701), so its data cannot be regenerated here. We keep everything else: the least-squares
# problem E = 1/(2N) ||X w - y||^2 + (lambda/2) ||w||^2 with the bias as a (D+1)-th weight (also
# decayed: decay_mult defaults to 1), the gradient computed with the test's loops, the RMSProp
# reference formula exactly as ComputeLeastSquaresUpdate writes it, the test's hyperparameters,
# its inductive scheme and its tolerance -- on N = 4 samples of D = 6 features of our own.

CAFFE_RMS_DECAY = 0.95  # RMSPropSolverTest::InitSolver: new_param.set_rms_decay(0.95)
CAFFE_DELTA = 1e-8  # caffe.proto: optional float delta = 31 [default = 1e-8]; the test uses param.delta()

#: (test name, learning rate, weight decay, kNumIters): TestLeastSquaresUpdate(lr, wd, 0, i) for i in 0..kNumIters.
CAFFE_CASES = [
    ("TestRMSPropLeastSquaresUpdateWithWeightDecay", 1.0, 0.5, 0),  # one call with iter_to_check = 0
    ("TestRMSPropLeastSquaresUpdateWithRmsDecay", 0.01, 0.0, 4),
    ("TestRMSPropLeastSquaresUpdateWithEverything", 0.01, 0.5, 4),
]


def caffe_problem():
    rng = np.random.default_rng(1701)
    n, d = 4, 6
    data = rng.standard_normal((n, d))
    targets = rng.standard_normal(n)
    weights = rng.standard_normal(d)  # weight_filler { type: 'gaussian' std: 1.0 }
    bias = rng.standard_normal(1)  # bias_filler { type: 'gaussian' std: 1.0 }
    return data, targets, weights, bias


def caffe_least_squares_gradient(data, targets, weights, bias):
    """The data term of ComputeLeastSquaresUpdate's gradient, in its loop order: (1/N)(X^T X w - X^T y).

    Returns Python floats for the D weights and the bias (index D). Caffe adds the weight decay
    to this afterwards; so does ``caffe_reference_update`` (and ``compat.caffe``, from ``params``).
    """
    n, d = data.shape
    grads = []
    for i in range(d + 1):
        grad = 0.0
        for j in range(d + 1):
            element = 0.0
            for k in range(n):
                element_i = 1.0 if i == d else float(data[k, i])
                element_j = 1.0 if j == d else float(data[k, j])
                element += element_i * element_j
            grad += element * (float(bias[0]) if j == d else float(weights[j]))
        for k in range(n):
            element_i = 1.0 if i == d else float(data[k, i])
            grad -= element_i * float(targets[k])
        grad /= n
        grads.append(grad)
    return grads


def caffe_reference_update(data_grads, weights, bias, history, learning_rate, weight_decay):
    """ComputeLeastSquaresUpdate's RMSProp branch, as the test writes it (momentum is 0 in every RMSProp case).

    ``history`` is the solver's history before the step (the test reads ``solver_->history()``).
    Returns the updated weights and bias, and the history this step implies (the expression
    under the test's square root, which is what RMSPropSolver stores).
    """
    d = len(weights)
    new_weights, new_bias, new_history = [], None, []
    for i in range(d + 1):
        value = float(bias[0]) if i == d else float(weights[i])
        grad = data_grads[i]
        grad += weight_decay * value  # "Add the weight decay to the gradient."
        update_value = learning_rate * grad
        history_value = history[i]
        rms_decay = CAFFE_RMS_DECAY
        update_value /= math.sqrt(rms_decay * history_value + grad * grad * (1 - rms_decay)) + CAFFE_DELTA
        new_history.append(rms_decay * history_value + grad * grad * (1 - rms_decay))
        if i == d:
            new_bias = value - update_value
        else:
            new_weights.append(value - update_value)
    return new_weights, new_bias, new_history


def caffe_check(expected, actual, k_precision=1e-2, k_min_precision=1e-7):
    """CheckLeastSquaresUpdate's test: |e - a| <= max(kMinPrecision, kPrecision * min(|e|, |a|))."""
    for e, a in zip(expected, actual):
        margin = max(k_min_precision, k_precision * min(abs(e), abs(a)))
        assert abs(e - a) <= margin, f"expected {e!r}, solver {a!r}, margin {margin:.3g}"


def caffe_history(state):
    """Our accumulator, laid out as the test indexes Caffe's history: D weights, then the bias."""
    return [float(v) for v in state.e[0]] + [float(state.e[1][0])]


@pytest.mark.parametrize("name, learning_rate, weight_decay, num_iters", CAFFE_CASES, ids=[c[0] for c in CAFFE_CASES])
def test_caffe_least_squares_update_inductive(name, learning_rate, weight_decay, num_iters):
    """TestLeastSquaresUpdate's scheme: run K steps, predict step K+1 from the history, compare (K = 0..kNumIters).

    In float64 the prediction and ``compat.caffe`` perform the same IEEE operations in the same
    order (g + wd*x; rms_decay*h + (g*g)*(1 - rms_decay); (lr*g) / (sqrt(h) + delta); x - u), so
    we ask for bit-for-bit equality, far inside Caffe's own tolerance (also checked).
    """
    data, targets, weights, bias = caffe_problem()
    opt = compat.caffe(base_lr=learning_rate, rms_decay=CAFFE_RMS_DECAY, delta=CAFFE_DELTA, weight_decay=weight_decay)
    params = [weights.copy(), bias.copy()]
    state = opt.init(params)
    for iter_to_check in range(num_iters + 1):
        grads = caffe_least_squares_gradient(data, targets, params[0], params[1])
        expected_w, expected_b, _ = caffe_reference_update(
            grads, params[0], params[1], caffe_history(state), learning_rate, weight_decay
        )
        updates, state = opt.update([np.array(grads[:-1]), np.array(grads[-1:])], state, params)
        params = rmsprop.apply_updates(params, updates)
        caffe_check(expected_w + [expected_b], list(params[0]) + [params[1][0]])
        assert list(params[0]) == expected_w, f"{name}: weights differ at iteration {iter_to_check + 1}"
        assert params[1][0] == expected_b, f"{name}: bias differs at iteration {iter_to_check + 1}"


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32(caffe tolerance)"])
@pytest.mark.parametrize("name, learning_rate, weight_decay, num_iters", CAFFE_CASES, ids=[c[0] for c in CAFFE_CASES])
def test_caffe_least_squares_trajectory(name, learning_rate, weight_decay, num_iters, dtype):
    """The test's formula carried forward on its own (its history from the expression under its root).

    This does not lean on our state at all. float64: bit-for-bit, as above. float32 (Caffe runs
    its tests in float and double): ``compat.caffe`` in float32 against the double reference,
    at CheckLeastSquaresUpdate's tolerance.
    """
    data, targets, weights, bias = caffe_problem()
    opt = compat.caffe(base_lr=learning_rate, rms_decay=CAFFE_RMS_DECAY, delta=CAFFE_DELTA, weight_decay=weight_decay)
    params = [weights.astype(dtype), bias.astype(dtype)]
    state = opt.init(params)
    ref_w, ref_b = [float(v) for v in weights], [float(bias[0])]
    history = [0.0] * (len(ref_w) + 1)  # SGDSolver::PreSolve fills the history with zeros
    for step in range(num_iters + 1):
        ref_grads = caffe_least_squares_gradient(data, targets, ref_w, ref_b)
        ref_w, new_b, history = caffe_reference_update(ref_grads, ref_w, ref_b, history, learning_rate, weight_decay)
        ref_b = [new_b]
        grads = caffe_least_squares_gradient(data, targets, params[0].astype(np.float64), params[1].astype(np.float64))
        updates, state = opt.update(
            [np.array(grads[:-1], dtype=dtype), np.array(grads[-1:], dtype=dtype)], state, params
        )
        params = rmsprop.apply_updates(params, updates)
        caffe_check(ref_w + ref_b, [float(v) for v in params[0]] + [float(params[1][0])])
        if dtype == np.float64:
            assert list(params[0]) == ref_w and list(params[1]) == ref_b, f"{name}: differs at step {step + 1}"
            assert caffe_history(state) == history


def test_caffe_defaults_are_caffes():
    """caffe.proto: ``delta`` [default = 1e-8], ``rms_decay`` [default = 0.99]; ``weight_decay`` unset is 0."""
    assert compat.caffe(0.01).settings == {
        "name": "caffe",
        "base_lr": 0.01,
        "rms_decay": 0.99,
        "delta": 1e-8,
        "weight_decay": 0,
    }


# ------------------------------------------------------------------------------------------------
# Lasagne: lasagne.updates.rmsprop
# Lasagne/Lasagne, lasagne/tests/test_updates.py and lasagne/updates.py
# ------------------------------------------------------------------------------------------------

#: TestUpdateFunctions.torch_values['rmsprop'] (test_updates.py): "These tests compare results on a
#: toy problem to values calculated by the torch.optim package, using this script:
#: https://gist.github.com/ebenolson/931e879ed38f257253d2".
LASAGNE_TORCH_VALUES_RMSPROP = [0.83205403985348, 0.83205322744821, 0.83205295664444]


def lasagne_f_grad(x):
    """Gradient of test_updates.py's ``f(X) = ([0.1, 0.2, 0.3] * X**2).sum()``: ``2 * [0.1, 0.2, 0.3] * X``."""
    return 2.0 * np.array([0.1, 0.2, 0.3], dtype=x.dtype) * x


def run_lasagne_problem(opt, dtype):
    """test_updates.py ``test_updates``: A = B = floatX([1, 1, 1]); loss f(A) + f(B); 10 updates."""
    params = [np.ones(3, dtype=dtype), np.ones(3, dtype=dtype)]
    state = opt.init(params)
    for _ in range(10):
        updates, state = opt.update([lasagne_f_grad(p) for p in params], state, params)
        params = rmsprop.apply_updates(params, updates)
    return params


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_lasagne_test_updates_rmsprop(dtype):
    """``test_updates[rmsprop-kwargs4]``: ``rmsprop(..., learning_rate=0.01)``, compared with np.allclose.

    Lasagne's tolerance is np.allclose's default (rtol 1e-5, atol 1e-8), and it must be: the
    published numbers are torch7's ``optim.rmsprop``, which adds epsilon *outside* the root
    (see the next test), while Lasagne (and ``compat.lasagne``) add it inside, so Lasagne itself
    is about 8.8e-6 (relative) from them on the first coordinate. floatX is float64 by default
    in Theano and float32 on GPUs; both are run.
    """
    a, b = run_lasagne_problem(compat.lasagne(learning_rate=0.01), dtype)
    assert np.allclose(a, b)
    assert np.allclose(a, LASAGNE_TORCH_VALUES_RMSPROP)


def test_lasagne_published_values_are_torch7_rmsprop():
    """Where the published numbers come from: torch7's rmsprop (eps outside the root), alpha 0.9, eps 1e-6.

    The gist is not in the stored corpora; its settings are inferred: with alpha = 0.9 and
    epsilon = 1e-6 (Lasagne's defaults), torch7's rule -- the one ``compat.torch`` implements,
    ``m = alpha m + (1 - alpha) g^2``, ``x -= lr g / (sqrt(m) + eps)`` -- reproduces all three
    published values to 1e-14 (they are printed with 14 significant digits). This pins down the
    reference and shows that the 8.8e-6 of the previous test is the epsilon placement alone.
    """
    a, b = run_lasagne_problem(compat.torch(lr=0.01, alpha=0.9, eps=1e-6), np.float64)
    np.testing.assert_allclose(a, LASAGNE_TORCH_VALUES_RMSPROP, rtol=1e-13, atol=0)
    np.testing.assert_array_equal(a, b)


def test_lasagne_updates_formula_bit_for_bit():
    """lasagne/updates.py ``rmsprop``, as written, in float64: the same operations in the same order.

    ``accu_new = rho * accu + (one - rho) * grad ** 2``;
    ``param - (learning_rate * grad / T.sqrt(accu_new + epsilon))``, with the defaults
    ``learning_rate=1.0, rho=0.9, epsilon=1e-6`` and then the test's 0.01; 50 steps.
    """
    for learning_rate in (1.0, 0.01):
        opt = compat.lasagne() if learning_rate == 1.0 else compat.lasagne(learning_rate=learning_rate)
        rho, epsilon = 0.9, 1e-6
        x = np.array([1.0, -2.0, 0.5])
        accu = np.zeros(3)
        ours = [x.copy()]
        state = opt.init(ours)
        for _ in range(50):
            grad = lasagne_f_grad(x) + np.sin(x)
            accu_new = rho * accu + (1 - rho) * grad**2
            x = x - (learning_rate * grad / np.sqrt(accu_new + epsilon))
            accu = accu_new
            updates, state = opt.update([lasagne_f_grad(ours[0]) + np.sin(ours[0])], state, ours)
            ours = rmsprop.apply_updates(ours, updates)
            np.testing.assert_array_equal(ours[0], x)
            np.testing.assert_array_equal(state.e[0], accu)
    assert compat.lasagne().settings == {"name": "lasagne", "learning_rate": 1.0, "rho": 0.9, "epsilon": 1e-6}


# ------------------------------------------------------------------------------------------------
# Graves (2013), "Generating Sequences With Recurrent Neural Networks", arXiv:1308.0850, eqs. (38)-(41)
# ------------------------------------------------------------------------------------------------

# The paper's constants (section 4.2): aleph = 0.95, beth = 0.9, gimel = 0.0001, daleth = 0.0001.
ALEPH, BETH, GIMEL, DALETH = 0.95, 0.9, 0.0001, 0.0001


def graves_problem_gradient(w, t):
    """A small non-convex problem with a step-dependent ("minibatch") perturbation, in Python floats."""
    c = (3.0, 0.5, 1.7)
    target = (0.3, -1.2, 2.0)
    return [2.0 * c[i] * (w[i] - target[i]) + math.cos(2.0 * w[i]) + 0.7 * math.sin(1.3 * t + i) for i in range(3)]


def graves_equations(w0, steps):
    """Eqs. (38)-(41), one weight at a time, in plain Python floats (all state starts at 0)::

        n_i = aleph n_i + (1 - aleph) eps_i^2                            (38)
        g_i = aleph g_i + (1 - aleph) eps_i                              (39)
        Delta_i = beth Delta_i - gimel eps_i / sqrt(n_i - g_i^2 + daleth)  (40)
        w_i = w_i + Delta_i                                              (41)

    with eps_i = dL/dw_i.
    """
    w = list(w0)
    n = [0.0] * len(w)
    g = [0.0] * len(w)
    delta = [0.0] * len(w)
    trajectory = []
    for t in range(steps):
        eps = graves_problem_gradient(w, t)
        for i in range(len(w)):
            n[i] = ALEPH * n[i] + (1 - ALEPH) * eps[i] ** 2
            g[i] = ALEPH * g[i] + (1 - ALEPH) * eps[i]
            delta[i] = BETH * delta[i] - GIMEL * eps[i] / math.sqrt(n[i] - g[i] ** 2 + DALETH)
            w[i] = w[i] + delta[i]
        trajectory.append((list(w), list(n), list(g), list(delta)))
    return trajectory


def test_graves_equations_38_to_41_bit_for_bit():
    """compat.graves() with the paper's constants against eqs. (38)-(41), 200 steps, bit for bit.

    Same IEEE operations in the same order: n and g as written; sqrt((n - g*g) + daleth);
    (gimel*eps)/root; and Delta = beth*Delta - step is exactly minus our buffer
    b = momentum*b + step (negation is exact), w + Delta = x + update. ``x ** 2`` on a Python
    float and ``x * x`` are both correctly rounded.
    """
    w0 = [1.5, -0.4, 0.8]
    steps = 200
    opt = compat.graves()
    assert opt.settings == {"name": "graves", "learning_rate": GIMEL, "decay": ALEPH, "momentum": BETH, "eps": DALETH}
    params = [np.array(w0)]
    state = opt.init(params)
    for t, (w, n, g, delta) in enumerate(graves_equations(w0, steps)):
        grads = [np.array(graves_problem_gradient([float(v) for v in params[0]], t))]
        updates, state = opt.update(grads, state, params)
        params = rmsprop.apply_updates(params, updates)
        assert list(params[0]) == w, f"w differs at step {t + 1}"
        assert list(state.e[0]) == n, f"n differs at step {t + 1}"
        assert list(state.m[0]) == g, f"g differs at step {t + 1}"
        assert list(-state.b[0]) == delta, f"Delta differs at step {t + 1}"
        assert list(updates[0]) == delta, f"the update is not Delta at step {t + 1}"
    # The run moved the weights, and the paper's variance estimate n - g^2 stayed positive throughout
    # (so our clamp max(n - g^2, 0) never acted and the comparison is of eqs. (38)-(41) as printed).
    assert max(abs(a - b) for a, b in zip(w, w0)) > 1e-3
    trajectory = graves_equations(w0, steps)
    assert min(n_i - g_i**2 for _, n, g, _ in trajectory for n_i, g_i in zip(n, g)) > 0.0
