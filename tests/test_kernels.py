"""The fused kernels (rmsprop._compiled.array_kernel, chosen by rmsprop._fused) give the NumPy form's numbers.

Every arithmetic and option, float32 and float64, the functional ``update`` and the in-place
``RMSprop.step``, serial and parallel kernels, every memory layout; the seed's rule also against
the plain-Python reference; and the kernels' promises: no N-sized temporary per step, vector
instructions, no Numba at ``import rmsprop``, and ``RMSPROP_DISABLE_JIT=1``.
"""

import os
import re
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest
from reference import rmsprop_loop

import rmsprop
from rmsprop import _fused, schedules

pytest.importorskip("numba")

ARITHMETICS = ["seed", "torch", "keras_torch", "keras_torch_float64", "optax"]

OPTION_SETS = {
    "defaults": {},
    "eps outside sqrt": {"eps_in_sqrt": False},
    "initial scale": {"initial_scale": 1.0, "eps": 0.0},
    "centered": {"centered": True},
    "centered, bias correction": {"centered": True, "bias_correction": True},
    "centered, small decay": {"centered": True, "decay": 0.3},  # torch.lerp from the other end
    "bias correction": {"bias_correction": True},
    "momentum": {"momentum": 0.9},
    "nesterov": {"momentum": 0.9, "nesterov": True},
    "momentum, lr inside": {"momentum": 0.5, "lr_inside_momentum": True},
    "nesterov, lr inside": {"momentum": 0.5, "lr_inside_momentum": True, "nesterov": True},
    "coupled weight decay": {"weight_decay": 0.1},
    "decoupled weight decay": {"weight_decay": 0.1, "decoupled_weight_decay": True},
    "maximize": {"maximize": True},
    "all clipping": {"clip_value": 1.0, "clip_norm": 20.0, "global_clip_norm": 25.0},
    "everything": {
        "centered": True,
        "momentum": 0.9,
        "nesterov": True,
        "weight_decay": 0.01,
        "bias_correction": True,
        "clip_norm": 30.0,
        "maximize": True,
    },
}

STEPS = 6


@pytest.fixture
def kernels_for_all_sizes(monkeypatch):
    """Kernels even for tiny arrays, one thread (the parallel kernels have their own tests)."""
    monkeypatch.setattr(_fused, "MIN_SIZE", 0)
    monkeypatch.setattr(_fused, "PARALLEL_MIN_SIZE", 1 << 62)


def gradients(shape, dtype, seed=0):
    """Gradients for STEPS steps: random, a few exact zeros and some large entries."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(STEPS):
        g = np.asarray(rng.standard_normal(shape) * 3.0)
        g.flat[::7] = 0.0
        g.flat[3::11] *= 1e3
        out.append(g.astype(dtype))
    return out


def numpy_form(monkeypatch):
    """Run the following steps on the NumPy form only."""
    monkeypatch.setattr(_fused, "_kernels", False)


def run_functional(settings, x0, grads):
    opt = rmsprop.rmsprop(**settings)
    x, state = x0.copy(), opt.init(x0)
    for g in grads:
        updates, state = opt.update(g, state, x)
        x = rmsprop.apply_updates(x, updates)
    return x, state


def run_in_place(settings, x0, grads):
    x = x0.copy()
    opt = rmsprop.RMSprop([x], **settings)
    for g in grads:
        opt.step([g])
    return x, opt.state


def assert_same_state(a, b):
    assert a.count == b.count
    for field in ("e", "m", "b"):
        left, right = getattr(a, field), getattr(b, field)
        assert (left is None) == (right is None), field
        if left is not None:
            left = left[0] if isinstance(left, list) else left
            right = right[0] if isinstance(right, list) else right
            np.testing.assert_array_equal(left, right, err_msg=field, strict=True)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("options", OPTION_SETS.values(), ids=OPTION_SETS.keys())
@pytest.mark.parametrize("arithmetic", ARITHMETICS)
def test_kernel_equals_numpy_form(arithmetic, options, dtype, kernels_for_all_sizes, monkeypatch):
    settings = {"learning_rate": 0.01, "decay": 0.9, **options, "arithmetic": arithmetic}
    x0 = np.random.default_rng(1).standard_normal(301).astype(dtype)
    grads = gradients(x0.shape, dtype)
    # The libraries' unclamped centered variance may dip to 0 or below it: NaN and inf are compared too.
    with np.errstate(invalid="ignore", divide="ignore"):
        fused = run_functional(settings, x0, grads)
        in_place = run_in_place(settings, x0, grads)
        numpy_form(monkeypatch)
        reference = run_functional(settings, x0, grads)
    for x, state in (fused, in_place):
        np.testing.assert_array_equal(x, reference[0], strict=True)
        assert_same_state(state, reference[1])


@pytest.mark.parametrize("options", ["defaults", "centered", "nesterov", "decoupled weight decay", "everything"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_parallel_kernel_equals_numpy_form(options, dtype, monkeypatch):
    monkeypatch.setattr(_fused, "MIN_SIZE", 0)
    monkeypatch.setattr(_fused, "PARALLEL_MIN_SIZE", 0)
    settings = {"learning_rate": 0.01, **OPTION_SETS[options], "arithmetic": "torch"}
    x0 = np.random.default_rng(2).standard_normal(100_003).astype(dtype)  # not a multiple of the thread count
    grads = gradients(x0.shape, dtype, seed=3)
    with np.errstate(invalid="ignore", divide="ignore"):  # torch's centered variance, as above
        fused = run_functional(settings, x0, grads)
        in_place = run_in_place(settings, x0, grads)
        numpy_form(monkeypatch)
        reference = run_functional(settings, x0, grads)
    for x, state in (fused, in_place):
        np.testing.assert_array_equal(x, reference[0], strict=True)
        assert_same_state(state, reference[1])


def test_a_schedule_takes_a_new_rate_every_step(kernels_for_all_sizes, monkeypatch):
    settings = {"learning_rate": schedules.exponential_decay(0.05, decay_rate=0.5, decay_steps=10), "momentum": 0.9}
    x0 = np.linspace(-3.0, 3.0, 500)
    grads = gradients(x0.shape, np.float64)
    in_place = run_in_place(settings, x0, grads)
    numpy_form(monkeypatch)
    np.testing.assert_array_equal(in_place[0], run_functional(settings, x0, grads)[0], strict=True)


@pytest.mark.parametrize(
    "options",
    [
        "defaults",
        "eps outside sqrt",
        "centered",
        "bias correction",
        "nesterov",
        "nesterov, lr inside",
        "coupled weight decay",
        "decoupled weight decay",
        "maximize",
    ],
)
def test_seed_rule_equals_the_plain_python_reference(options, monkeypatch):
    """An independent check: each coordinate of a large array is a separate plain-Python run."""
    monkeypatch.setattr(_fused, "MIN_SIZE", 0)
    settings = {"learning_rate": 0.05, "decay": 0.9, "eps": 1e-8, **OPTION_SETS[options]}
    rng = np.random.default_rng(4)
    x0, coef = rng.uniform(-3, 3, 2000), rng.uniform(0.5, 10.0, 2000)
    x = x0.copy()
    opt = rmsprop.RMSprop([x], **settings)
    for _ in range(20):
        opt.step([coef * x])
    reference_settings = dict(settings)
    lr = reference_settings.pop("learning_rate")
    for i in range(0, 2000, 97):
        path = rmsprop_loop(lambda v, c=coef[i]: [c * v[0]], [x0[i]], 20, lr, **reference_settings)
        assert x[i] == path[-1][0], i


LAYOUTS = {
    "0-d": lambda rng: np.asarray(rng.standard_normal()),
    "empty": lambda rng: np.zeros((0, 3)),
    "C order 3-d": lambda rng: rng.standard_normal((4, 5, 6)),
    "Fortran order": lambda rng: np.asfortranarray(rng.standard_normal((7, 9))),
    "strided view": lambda rng: rng.standard_normal((30, 8))[::2, 1:7],
}


@pytest.mark.parametrize("grad_layout", ["same", "C copy", "Fortran copy", "strided"])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_every_shape_and_layout(layout, grad_layout, dtype, kernels_for_all_sizes, monkeypatch):
    rng = np.random.default_rng(5)
    x0 = LAYOUTS[layout](rng).astype(dtype, order="K")
    grads = []
    for g in gradients(x0.shape, dtype, seed=6):
        if grad_layout == "C copy":
            g = np.array(g, order="C")
        elif grad_layout == "Fortran copy":
            g = np.array(g, order="F")
        elif grad_layout == "strided":
            g = np.repeat(g[..., None], 2, axis=-1)[..., 0]
        grads.append(g)
    settings = {"learning_rate": 0.01, "centered": True, "momentum": 0.9}

    def in_place_view():
        # the caller's own array, in its own layout, updated in place
        base = np.zeros((30, 8), dtype=dtype)
        x = base[::2, 1:7] if layout == "strided view" else np.empty_like(x0)
        x[...] = x0
        opt = rmsprop.RMSprop([x], **settings)
        for g in grads:
            opt.step([g])
        return x, opt.state

    fused, in_place = run_functional(settings, x0, grads), in_place_view()
    numpy_form(monkeypatch)
    reference = run_functional(settings, x0, grads)
    for x, state in (fused, in_place):
        np.testing.assert_array_equal(x, reference[0], strict=True)
        assert_same_state(state, reference[1])


def test_a_tree_of_arrays_in_mixed_layouts(kernels_for_all_sizes, monkeypatch):
    rng = np.random.default_rng(8)
    params = {
        "w": np.asfortranarray(rng.standard_normal((6, 5))),
        "b": rng.standard_normal(5),
        "s": np.float32(rng.standard_normal(())) * np.ones((), np.float32),
    }
    grads = [{k: (rng.standard_normal(v.shape) * 2).astype(v.dtype) for k, v in params.items()} for _ in range(4)]
    settings = {"learning_rate": 0.02, "global_clip_norm": 1.0, "momentum": 0.5}

    def run():
        opt = rmsprop.rmsprop(**settings)
        x, state = params, opt.init(params)
        for g in grads:
            updates, state = opt.update(g, state, x)
            x = rmsprop.apply_updates(x, updates)
        return x

    fused = run()
    numpy_form(monkeypatch)
    reference = run()
    for key in params:
        np.testing.assert_array_equal(fused[key], reference[key], strict=True)


@pytest.mark.parametrize("options", ["defaults", "centered", "nesterov", "decoupled weight decay"])
def test_an_in_place_step_allocates_nothing_of_the_arrays_size(options):
    n = 1_000_000  # 8 MB per float64 array
    x, g = np.ones(n), np.full(n, 0.5)
    opt = rmsprop.RMSprop([x], learning_rate=0.01, **OPTION_SETS[options])
    opt.step([g])  # compiles (or loads) the kernel
    tracemalloc.start()
    try:
        for _ in range(3):
            opt.step([g])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < n * 8 // 100, f"a step allocated {peak} bytes"


def test_a_functional_step_allocates_only_its_results():
    n = 1_000_000
    x, g = np.ones(n), np.full(n, 0.5)
    opt = rmsprop.rmsprop(0.01, centered=True, momentum=0.9)
    state = opt.init(x)
    opt.update(g, state, x)
    tracemalloc.start()
    try:
        result = opt.update(g, state, x)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    assert peak < 4.1 * n * 8, f"an update allocated {peak} bytes for its four arrays (u, e, m, b)"


def test_the_compiled_loop_is_vectorised():
    """The kernel's loop uses packed square roots and divisions (x86-64), as LLVM emits for a SIMD loop."""
    import numba

    from rmsprop._compiled import array_kernel
    from rmsprop.rule.step import SCALARS

    if not re.search(r"x86_64|amd64", os.uname().machine, re.IGNORECASE):
        pytest.skip("the instruction names checked here are x86-64's")
    spec = rmsprop.Settings(centered=True, momentum=0.9).spec(np.float64)
    cached = array_kernel.kernel(spec, True, False)
    fresh = numba.njit(error_model="numpy")(cached.py_func)  # the cached code cannot be inspected
    x, g, e, m, b = (np.ones(64) for _ in range(5))
    fresh(x, g, e, m, b, e, m, b, x, np.ones(len(SCALARS)))
    assembly = "\n".join(fresh.inspect_asm().values())
    assert re.search(r"\bv?sqrtpd\b", assembly), "no packed sqrt: the loop was not vectorised"
    assert re.search(r"\bv?divpd\b", assembly)


def run_python(code, **env):
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env={**os.environ, **env}
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_import_and_small_problems_never_load_numba():
    code = (
        "import sys, rmsprop\n"
        "assert 'numba' not in sys.modules\n"
        "r = rmsprop.minimize(rmsprop.objectives.get('seed'), [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0)\n"
        "print('numba' in sys.modules)\n"
    )
    assert run_python(code).strip() == "False"


STEP_CODE = (
    "import sys, numpy as np, rmsprop\n"
    "x = np.linspace(-2.0, 2.0, 100_000)\n"
    "opt = rmsprop.RMSprop([x], learning_rate=0.01, centered=True, momentum=0.9)\n"
    "for _ in range(5):\n"
    "    opt.step([3.0 * x])\n"
    "print('numba' in sys.modules, x.tobytes().hex()[:20000])\n"
)


def test_disable_jit_runs_numpy_only_with_the_same_numbers():
    with_kernels = run_python(STEP_CODE).split()
    without = run_python(STEP_CODE, RMSPROP_DISABLE_JIT="1").split()
    assert with_kernels[0] == "True" and without[0] == "False"
    assert with_kernels[1] == without[1]


CACHE_CODE = (
    "import numba, numpy as np, rmsprop\n"
    "from rmsprop._compiled import array_kernel as K\n"
    "from rmsprop.rule.step import SCALARS\n"
    "spec = rmsprop.Settings().spec(np.float64)\n"
    "serial, parallel = K.kernel(spec, True, False), K.kernel(spec, True, True)\n"
    "x, g, e = np.ones(10), np.ones(10), np.ones(10)\n"
    "s = np.ones(len(SCALARS))\n"
    "serial(x, g, e, x, x, e, x, x, x, s)\n"
    "try:\n"
    "    print('serial started threads:', numba.threading_layer())\n"
    "except ValueError:\n"
    "    pass\n"
    "parallel(x, g, e, x, x, e, x, x, x, s)\n"
    "print('parallel', numba.threading_layer())\n"
)


def test_serial_and_parallel_kernels_keep_apart_in_the_disk_cache(tmp_path):
    """Numba's cache keys on the closure, not on parallel=: loaded from disk, each kernel must still be itself."""
    for _ in range(2):  # the first run compiles and saves, the second loads both from disk
        out = run_python(CACHE_CODE, NUMBA_CACHE_DIR=str(tmp_path))
        assert "serial started threads" not in out
        assert out.startswith("parallel ")
