"""The CUDA kernel (:mod:`rmsprop.torch._cuda`) against the rule's NumPy form, bit for bit.

The kernel is compiled by Triton from the rule's own source (:mod:`rmsprop.torch._cuda_rule`);
these tests hold what it computes to :func:`rmsprop.rmsprop`'s ``update`` (the NumPy form of
:func:`rmsprop.rule.step.make_step`) over a table of options x arithmetics x dtypes:

* on CPU tensors, where the same kernel runs in Triton's interpreter (NumPy, with the
  correctly rounded ``fma`` of :func:`rmsprop.torch._cuda_rule.like_the_gpu`), on every machine;
* compiled for an H100/H200 (``sm_90``) without a GPU: the PTX has only IEEE divisions and
  square roots, and fused multiply-adds exactly where the arithmetic has them;
* on a CUDA device (marked ``cuda``; skipped without one): the compiled kernel, bit for bit,
  and the ``capturable`` form inside a CUDA graph.

Both NumPy and the kernel round every operation to the dtype (IEEE), with ``fma`` where the
rule says ``fma``, so the bits must agree; ``tests/test_torch_cuda_kernel.py`` is the
independent check, the NumPy form the reference.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("triton")

import rmsprop
from rmsprop import Settings
from rmsprop._clip import clip_factors
from rmsprop.rule.step import SCALARS, scalars
from rmsprop.torch import _cuda, _cuda_rule

CUDA = torch.cuda.is_available()
cuda = pytest.mark.cuda
needs_cuda = pytest.mark.skipif(not CUDA, reason="no CUDA device")

#: Option sets, each a row of the table: every line of the rule is on in some row.
OPTIONS = {
    "plain": {},
    "centered": {"centered": True},
    "momentum": {"momentum": 0.9},
    "nesterov inside": {"momentum": 0.9, "nesterov": True, "lr_inside_momentum": True},
    "nesterov outside": {"momentum": 0.5, "nesterov": True},
    "coupled wd": {"weight_decay": 0.01, "centered": True, "momentum": 0.9},
    "decoupled wd": {"weight_decay": 0.01, "decoupled_weight_decay": True, "bias_correction": True},
    "eps outside": {"eps_in_sqrt": False, "maximize": True, "initial_scale": 1.0},
    "clipping": {"clip_value": 0.5, "clip_norm": 3.0, "global_clip_norm": 2.0},
    "bias corrected": {"bias_correction": True, "centered": True, "momentum": 0.5},
}
ARITHMETICS = ("seed", "torch", "keras_torch", "keras_torch_float64", "optax")
DTYPES = (np.float32, np.float64)
#: The quick run's rows: the torch flavor's and the seed's arithmetic on a few option sets; the rest is slow.
QUICK = {("seed", "plain"), ("torch", "centered"), ("torch", "coupled wd"), ("torch", "nesterov outside")}


def table():
    """Every arithmetic x option set, the quick ones unmarked and the rest slow (a list: pytest 9.2 wants one)."""
    return [
        pytest.param(
            arithmetic,
            options,
            id=f"{arithmetic}-{name}",
            marks=() if (arithmetic, name) in QUICK else pytest.mark.slow,
        )
        for arithmetic in ARITHMETICS
        for name, options in OPTIONS.items()
    ]


def run_numpy(settings, grads, x, dtype):
    """``x`` and the state after ``len(grads)`` steps of :func:`rmsprop.rmsprop`'s NumPy ``update``."""
    transformation = rmsprop.rmsprop(**settings.as_dict())
    state = transformation.init(x)
    for g in grads:
        updates, state = transformation.update(g, state, x)
        x = rmsprop.apply_updates(x, updates)
    return x, state


def run_kernel(settings, grads, x, dtype, device, on_device=False):
    """The same steps with :func:`rmsprop.torch._cuda.step_flat` on flat tensors of ``device``."""
    spec = settings.spec(dtype)
    as_tensor = lambda a: torch.from_numpy(np.array(a, dtype=dtype)).to(device)
    tx = as_tensor(x)
    e = torch.full_like(tx, settings.initial_scale)
    m = torch.zeros_like(tx) if settings.centered else None
    b = torch.zeros_like(tx) if settings.momentum > 0 else None
    for t, g in enumerate(grads):
        lr, correction = settings.step_numbers(t)
        leaf_scales, global_scale = clip_factors(
            [g], settings.clip_value, settings.clip_norm, settings.global_clip_norm
        )
        s = scalars(settings, lr, correction, leaf_scales and leaf_scales[0], global_scale, dtype)
        if on_device:
            s = torch.tensor([float(v) for v in s], dtype=torch.float64, device=device)
        _cuda.step_flat(spec, s, tx, as_tensor(g), e, m, b)
    return tx, e, m, b


def problem(dtype, n=700, steps=3, seed=0):
    """A parameter vector and a few gradients, with some large and tiny components."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n).astype(dtype)
    grads = [(rng.standard_normal(n) * 10.0 ** rng.integers(-3, 2, n)).astype(dtype) for _ in range(steps)]
    return grads, x


def assert_same_bits(name, got, expected):
    got = got.cpu().numpy()
    assert got.dtype == expected.dtype
    different = ~((got == expected) | (np.isnan(got) & np.isnan(expected)))
    assert not different.any(), (
        f"{name}: {different.sum()} of {got.size} elements differ, e.g. {got[different][:3]} vs {expected[different][:3]}"
    )


def check(arithmetic, options, dtype, device, on_device=False):
    settings = Settings(learning_rate=0.01, arithmetic=arithmetic, **options)
    grads, x = problem(dtype)
    x_numpy, state = run_numpy(settings, grads, x, dtype)
    tx, e, m, b = run_kernel(settings, grads, x, dtype, device, on_device)
    assert_same_bits("x", tx, x_numpy)
    assert_same_bits("e", e, state.e)
    if m is not None:
        assert_same_bits("m", m, state.m)
    if b is not None:
        assert_same_bits("b", b, state.b)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize(("arithmetic", "options"), table())
def test_interpreted_kernel_equals_numpy_form(arithmetic, options, dtype):
    check(arithmetic, options, dtype, "cpu")


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
def test_scalars_from_a_device_tensor_give_the_same_bits(dtype):
    check("torch", OPTIONS["coupled wd"], dtype, "cpu", on_device=True)


def test_the_rule_is_copied_with_only_its_divisions_changed():
    step = rmsprop.rule.step.make_step(Settings().spec(np.float64))
    source = _cuda_rule.triton_source(step)
    assert "/" not in source and source.count("div(") == 3
    restored = re.sub(r"div\((.*?), d\)", r"\1 / d", source)
    assert restored.count(" / d") == 3


def test_the_kernels_scalars_follow_the_rule():
    assert _cuda.SCALAR_ARGUMENTS == SCALARS


def flat(n=8, dtype=torch.float64):
    return [torch.zeros(n, dtype=dtype) for _ in range(5)]


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda a: a.update(x=a["x"].float()), TypeError, "one dtype per launch"),
        (lambda a: a.update(g=torch.zeros(8, dtype=torch.int64)), TypeError, "allowed: torch.float32, torch.float64"),
        (lambda a: a.update(e=torch.zeros(9, dtype=torch.float64)), ValueError, "e has 9 elements"),
        (lambda a: a.update(g=torch.zeros(2, 4, dtype=torch.float64)), ValueError, "contiguous 1-D tensor"),
        (lambda a: a.update(m=torch.zeros(8, dtype=torch.float64)), ValueError, "m must be None"),
        (lambda a: a.update(scalars=(0.1,) * 3), ValueError, "scalars has 3 numbers"),
        (lambda a: a.update(scalars=torch.zeros(13)), ValueError, "float64 tensor of shape (13,)"),
    ],
)
def test_bad_buffers_get_one_line_errors(change, error, message):
    x, g, e, _, _ = flat()
    settings = Settings()
    arguments = {"x": x, "g": g, "e": e, "m": None, "b": None}
    arguments["scalars"] = scalars(settings, 0.01, 1.0, None, None, np.float64)
    change(arguments)
    with pytest.raises(error, match=re.escape(message)):
        _cuda.step_flat(settings.spec(np.float64), **arguments)


def test_bias_correction_on_the_device_needs_the_count():
    x, g, e, _, _ = flat()
    s = torch.zeros(len(SCALARS), dtype=torch.float64)
    with pytest.raises(ValueError, match="needs count"):
        _cuda.step_flat(Settings(bias_correction=True).spec(np.float64), s, x, g, e, None, None)


# --- compiled for the GPU, without one -------------------------------------------------------------


def ptx(settings, dtype):
    """The PTX of the kernel of ``settings`` for ``sm_90`` (H100/H200), compiled on this machine."""
    from triton.backends.compiler import GPUTarget
    from triton.compiler import ASTSource, compile

    kind = "fp32" if dtype == np.float32 else "fp64"
    kernel = _cuda.kernel(False)
    centered, momentum = settings.centered, settings.momentum > 0
    constants = {
        "STEP": _cuda_rule.step_for(settings.spec(dtype)),
        "HAS_M": centered,
        "HAS_B": momentum,
        "DEVICE_SCALARS": False,
        "DEVICE_CORRECTION": False,
        "WIDE": False,
        "BLOCK": _cuda.launch_config(torch.float32 if kind == "fp32" else torch.float64)[0],
        "s_ptr": None,
        "count_ptr": None,
    }
    pointers = {"x_ptr": True, "g_ptr": True, "e_ptr": True, "m_ptr": centered, "b_ptr": momentum}
    constants.update({name: None for name, given in pointers.items() if not given})
    signature = {name: f"*{kind}" for name, given in pointers.items() if given}
    signature.update({"n": "i32", **{name: "i64" for name in _cuda.SCALAR_ARGUMENTS}})
    signature = {name: signature.get(name, "constexpr") for name in kernel.arg_names}
    aligned = [i for i, name in enumerate(kernel.arg_names) if name in pointers and pointers[name] or name == "n"]
    source = ASTSource(kernel, signature, constants, {(i,): [["tt.divisibility", 16]] for i in aligned})
    options = {"num_warps": _cuda.launch_config(torch.float32)[1], "enable_fp_fusion": False}
    return compile(source, target=GPUTarget("cuda", 90, 32), options=options).asm["ptx"]


@pytest.mark.parametrize(
    ("arithmetic", "dtype", "fmas"),
    [
        ("seed", np.float32, 0),  # every line two roundings: no fma at all
        pytest.param("torch", np.float64, 1, marks=pytest.mark.slow),  # addcmul's fma, and the fused descend
        pytest.param("torch", np.float32, 1, marks=pytest.mark.slow),
    ],
)
def test_the_compiled_kernel_rounds_as_the_rule(arithmetic, dtype, fmas):
    code = ptx(Settings(arithmetic=arithmetic, momentum=0.9 if fmas else 0.0), dtype)
    kind = "f32" if dtype == np.float32 else "f64"
    assert not re.search(r"div\.(full|approx)|sqrt\.approx|rcp\.approx|\bmad\.", code)
    assert re.search(rf"div\.rn\.{kind}", code) and re.search(rf"sqrt\.rn\.{kind}", code)
    assert bool(re.search(r"fma\.rn", code)) == bool(fmas)
    assert re.search(r"ld\.global(\.L1::evict_first)?\.v[24]\.b(32|64)", code), "loads are not vectorised"


# --- on a CUDA device ------------------------------------------------------------------------------


@cuda
@needs_cuda
@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize(("arithmetic", "options"), table())
def test_cuda_kernel_equals_numpy_form(arithmetic, options, dtype):
    check(arithmetic, options, dtype, "cuda")


@cuda
@needs_cuda
@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
def test_cuda_capturable_step_in_a_graph(dtype):
    """Scalars and step count on the device, captured once and replayed: the host's numbers within a few ulp.

    The bias correction is libdevice's ``pow`` there, the C library's on the host; ``e`` does not
    depend on it and keeps its bits.
    """
    settings = Settings(learning_rate=0.01, arithmetic="torch", bias_correction=True, momentum=0.9)
    grads, x = problem(dtype, n=100_000, steps=5)
    x_numpy, state = run_numpy(settings, grads, x, dtype)
    as_tensor = lambda a: torch.from_numpy(np.array(a, dtype=dtype)).cuda()
    tx, g = as_tensor(x), torch.empty_like(as_tensor(x))
    e, b = torch.zeros_like(tx), torch.zeros_like(tx)
    count = torch.zeros((), dtype=torch.float32, device="cuda")
    s = torch.tensor([float(v) for v in scalars(settings, 0.01, 1.0, None, None, dtype)], dtype=torch.float64).cuda()
    spec = settings.spec(dtype)
    count += 1
    _cuda.step_flat(spec, s, tx.clone(), g.clone(), e.clone(), None, b.clone(), count=count)  # compiles, outside
    count.zero_()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        count.add_(1)
        _cuda.step_flat(spec, s, tx, g, e, None, b, count=count)
    for gradient in grads:
        g.copy_(as_tensor(gradient))
        graph.replay()
    torch.cuda.synchronize()
    assert count.item() == len(grads)
    assert_same_bits("e", e, state.e)
    tolerance = 8 * np.finfo(dtype).eps
    for name, got, expected in (("x", tx, x_numpy), ("b", b, state.b)):
        np.testing.assert_allclose(got.cpu().numpy(), expected, rtol=tolerance, atol=0, err_msg=name)


# --- benchmarks/gpu.py's logic, without a GPU ------------------------------------------------------


def gpu_benchmark():
    import importlib.util
    import pathlib
    import sys

    path = pathlib.Path(__file__).resolve().parent.parent / "benchmarks" / "gpu.py"
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location("gpu_benchmark", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


def test_the_gpt2_small_list_has_148_tensors_and_124_4_million_parameters():
    benchmark = gpu_benchmark()
    shapes = benchmark.gpt2_small_shapes()
    assert len(shapes) == 148
    assert benchmark.count(shapes) == benchmark.GPT2_SMALL_PARAMETERS == 124_439_808


def test_the_speed_table_and_its_verdicts():
    benchmark = gpu_benchmark()
    rows = [
        {
            "case": "gpt2-small float32",
            "contender": c,
            "ms": ms,
            "gbps": 2.5e9 / ms / 1e6,
            "ours_speedup": s,
            "of_floor": f,
        }
        for c, ms, s, f in [
            ("torch foreach", 2.0, 3.0, 0.3),
            ("torch.compile", 0.8, 1.2, 0.75),
            ("ours", 0.667, None, 0.9),
            ("copy floor", 0.6, None, 1.0),
        ]
    ]
    table = benchmark.format_table("NVIDIA H200", rows)
    assert table.splitlines()[0].startswith("CUDA step on NVIDIA H200")
    assert "| gpt2-small float32 | ours | 0.667 | 3748 |  | 90% |" in table
    verdicts = benchmark.verdicts(rows)
    assert verdicts["GPT-2 float32 ms"][2] and verdicts["GPT-2 float32 of floor"][2]
    assert verdicts["GPT-2 float32 vs torch foreach"][2]
    assert not verdicts["GPT-2 float32 vs torch.compile"][2]  # 1.2x < 1.4x


@pytest.mark.skipif(CUDA, reason="checks the message of a machine without CUDA")
def test_the_benchmark_says_no_cuda_device(capsys, tmp_path):
    assert gpu_benchmark().main(["--check", "--json", str(tmp_path / "gpu.json")]) == 2
    assert "no CUDA device" in capsys.readouterr().err
    assert not (tmp_path / "gpu.json").exists()


@pytest.mark.parametrize(
    "options", [{}, {"centered": True, "momentum": 0.9, "weight_decay": 0.01}], ids=["plain", "all"]
)
def test_the_optimizers_cuda_hook_steps_as_its_cpu_path(options, monkeypatch):
    """``rmsprop.torch.RMSprop``'s CUDA path (``step_cuda`` -> ``step_flat``), run here on CPU tensors in Triton's
    interpreter, gives its CPU path's bits: the hook hands the kernel the right buffers, spec and scalars."""
    from rmsprop.torch import _optimizer

    def run(hook):
        torch.manual_seed(0)
        params = [torch.randn(37, dtype=torch.float64), torch.randn(5, 3, dtype=torch.float64)]
        opt = rmsprop.torch.RMSprop(params, lr=0.01, **options)
        if hook:
            monkeypatch.setattr(_optimizer, "step_cpu", _optimizer.step_cuda)
        for step in range(3):
            for p in params:
                p.grad = torch.sin(p.detach() * (step + 1))
            opt.step()
        monkeypatch.undo()
        return params, opt.state_dict()["state"]

    (cpu, cpu_state), (hooked, hooked_state) = run(False), run(True)
    for a, b in zip(cpu, hooked):
        assert torch.equal(a, b)
    for i in cpu_state:
        for key, value in cpu_state[i].items():
            assert torch.equal(value, hooked_state[i][key]), (i, key)
