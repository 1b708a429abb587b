"""The CUDA kernel (:mod:`rmsprop.torch._cuda`) against the rule's NumPy form, bit for bit.

The kernel is compiled by Triton from the rule's own source (:mod:`rmsprop.torch._cuda_rule`);
these tests hold what it computes, one launch for a list of tensors of mixed sizes, to
:func:`rmsprop.rmsprop`'s ``update`` (the NumPy form of :func:`rmsprop.rule.step.make_step`) over
a table of options x arithmetics x dtypes:

* on CPU tensors, where the same kernel runs in Triton's interpreter (NumPy, with the
  correctly rounded ``fma`` of :func:`rmsprop.torch._cuda_rule.like_the_gpu`), on every machine;
* compiled for an H100/H200 (``sm_90``) without a GPU: the PTX has only IEEE divisions and
  square roots, and fused multiply-adds exactly where the arithmetic has them;
* on a CUDA device (marked ``cuda``; skipped without one): the compiled kernel, bit for bit,
  and the ``capturable`` form inside a CUDA graph.

``rmsprop.torch.RMSprop``'s CUDA path runs here too, on CPU tensors in the interpreter: against
its CPU path bit for bit and against ``torch.optim.RMSprop``, one launch per dtype and step.

Both NumPy and the kernel round every operation to the dtype (IEEE), with ``fma`` where the
rule says ``fma``, so the bits must agree; ``tests/test_torch_cuda_kernel.py`` is the
independent check, the NumPy form the reference.
"""

from __future__ import annotations

import itertools
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


#: The sizes the kernel's runs cut the problem into: empty, one element, full blocks and partial ones.
SIZES = (0, 1, 33, 0, 4096 + 7, 5)


def pieces(a, sizes=SIZES):
    """``a`` cut into consecutive pieces of ``sizes`` (the last takes the rest), each a new tensor of its own."""
    out, start = [], 0
    for i, size in enumerate(sizes):
        stop = a.numel() if i == len(sizes) - 1 else start + size
        out.append(a[start:stop].clone())
        start = stop
    return out


def run_kernel(settings, grads, x, dtype, device, on_device=False, sizes=SIZES):
    """The same steps with :func:`rmsprop.torch._cuda.step_tensors`, one launch over ``x`` cut into ``sizes``."""
    spec = settings.spec(dtype)
    as_tensor = lambda a: torch.from_numpy(np.array(a, dtype=dtype)).to(device)
    xs = pieces(as_tensor(x), sizes)
    es = [torch.full_like(t, settings.initial_scale) for t in xs]
    ms = [torch.zeros_like(t) for t in xs] if settings.centered else None
    bs = [torch.zeros_like(t) for t in xs] if settings.momentum > 0 else None
    for t, g in enumerate(grads):
        lr, correction = settings.step_numbers(t)
        leaf_scales, global_scale = clip_factors(
            [g], settings.clip_value, settings.clip_norm, settings.global_clip_norm
        )
        s = scalars(settings, lr, correction, leaf_scales and leaf_scales[0], global_scale, dtype)
        if on_device:
            s = _cuda.scalars_on(s, torch.device(device))
        _cuda.step_tensors(spec, s, xs, pieces(as_tensor(g), sizes), es, ms, bs)
    joined = [None if ts is None else torch.cat(ts) for ts in (xs, es, ms, bs)]
    return tuple(joined)


def problem(dtype, n=5000, steps=3, seed=0):
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


def lists(n=8, dtype=torch.float64):
    """Arguments of :func:`rmsprop.torch._cuda.step_tensors` for two tensors of ``n`` and 3 elements (plain spec)."""
    settings = Settings()
    made = {name: [torch.zeros(n, dtype=dtype), torch.zeros(3, dtype=dtype)] for name in ("xs", "gs", "es")}
    return {
        "spec": settings.spec(np.float64),
        "scalars": scalars(settings, 0.01, 1.0, None, None, np.float64),
        **made,
        "ms": None,
        "bs": None,
    }


def _set(name, index, tensor):
    return lambda a: a[name].__setitem__(index, tensor)


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (_set("xs", 1, torch.zeros(3)), TypeError, "x[1] has dtype torch.float32, x[0] has torch.float64"),
        (_set("gs", 0, torch.zeros(8, dtype=torch.int64)), TypeError, "allowed: torch.float32, torch.float64"),
        (_set("es", 1, torch.zeros(9, dtype=torch.float64)), ValueError, "e[1] has 9 elements"),
        (_set("gs", 0, torch.zeros(2, 8, dtype=torch.float64)[:, 0]), ValueError, "g[0] must be contiguous"),
        (lambda a: a["es"].pop(), ValueError, "es has 1 tensors, xs has 2"),
        (lambda a: a.update(ms=[torch.zeros(8, dtype=torch.float64)] * 2), ValueError, "ms must be None"),
        (lambda a: a.update(scalars=(0.1,) * 3), ValueError, "scalars has 3 numbers"),
        (lambda a: a.update(scalars=torch.zeros(13)), ValueError, "float64 tensor of shape (13,)"),
    ],
)
def test_bad_tensors_get_one_line_errors(change, error, message):
    arguments = lists()
    change(arguments)
    with pytest.raises(error, match=re.escape(message)):
        _cuda.step_tensors(**arguments)


def test_bias_correction_on_the_device_needs_the_count():
    arguments = lists()
    arguments.update(spec=Settings(bias_correction=True).spec(np.float64), scalars=torch.zeros(len(SCALARS)).double())
    with pytest.raises(ValueError, match="needs count"):
        _cuda.step_tensors(**arguments)


def test_the_chunks_are_the_cpu_list_kernels_at_the_block_size():
    from rmsprop._compiled import list_kernel

    sizes = [5, 0, 1, 4096, 4097, 12289, 0]
    for block in (1, 3, 4096):
        assert _cuda.chunks(sizes, block).tolist() == list_kernel.chunks(sizes, chunk=block).tolist()
    assert _cuda.chunks([], 8).shape == (0, 3)


class Launches:
    """Counts the launches of :func:`rmsprop.torch._cuda.kernel`'s kernels (and launches them)."""

    def __init__(self, monkeypatch):
        self.grids = []
        real = _cuda.kernel

        def spy(interpret):
            compiled = real(interpret)
            outer = self

            class Spied:
                def __getitem__(self, grid):
                    outer.grids.append(grid)
                    return compiled[grid]

            return Spied()

        monkeypatch.setattr(_cuda, "kernel", spy)


def test_one_launch_for_the_list_and_tables_made_only_when_an_address_moves(monkeypatch):
    launches = Launches(monkeypatch)
    made = []
    real = _cuda._on_device
    monkeypatch.setattr(_cuda, "_on_device", lambda values, *a: made.append(len(values)) or real(values, *a))
    arguments = lists()
    arguments["xs"] = [torch.randn(n, dtype=torch.float64) for n in (8, 3, 2049)]
    arguments["gs"] = [torch.randn(n, dtype=torch.float64) for n in (8, 3, 2049)]
    arguments["es"] = [torch.zeros(n, dtype=torch.float64) for n in (8, 3, 2049)]
    _cuda.step_tensors(**arguments)
    assert launches.grids == [(4,)]  # 1 + 1 + 2 chunks of 2048
    assert made == [3, 4, 3]  # rows, chunks, gradients
    _cuda.step_tensors(**arguments)
    assert made == [3, 4, 3]  # nothing moved: nothing copied
    arguments["gs"] = [g.clone() for g in arguments["gs"]]  # as autograd's new gradients after zero_grad()
    _cuda.step_tensors(**arguments)
    assert made == [3, 4, 3, 3]  # the gradients' addresses only
    assert launches.grids == [(4,)] * 3


def test_unaligned_tensors_give_the_same_bits():
    """A tensor whose address is not a multiple of 16 bytes takes the kernel without alignment hints."""
    settings = Settings(learning_rate=0.01, arithmetic="torch", momentum=0.9)
    grads, x = problem(np.float32, n=300, steps=2)
    x_numpy, state = run_numpy(settings, grads, x, np.float32)
    buffer = torch.zeros(301)
    xs = [buffer[1:]]  # 4 bytes past an aligned address
    xs[0].copy_(torch.from_numpy(x))
    es, bs = [torch.zeros(300)], [torch.zeros(300)]
    for g in grads:
        s = scalars(settings, 0.01, 1.0, None, None, np.float32)
        _cuda.step_tensors(settings.spec(np.float32), s, xs, [torch.from_numpy(g)], es, None, bs)
    assert_same_bits("x", xs[0], x_numpy)
    assert_same_bits("b", bs[0], state.b)


# --- compiled for the GPU, without one -------------------------------------------------------------


def ptx(settings, dtype, aligned=True):
    """The PTX of the kernel of ``settings`` for ``sm_90`` (H100/H200), compiled on this machine."""
    from triton.backends.compiler import GPUTarget
    from triton.compiler import ASTSource, compile

    real = torch.float32 if dtype == np.float32 else torch.float64
    kernel = _cuda.kernel(False)
    constants = {
        "STEP": _cuda_rule.step_for(settings.spec(dtype)),
        "HAS_M": settings.centered,
        "HAS_B": settings.momentum > 0,
        "DEVICE_SCALARS": False,
        "DEVICE_CORRECTION": False,
        "FLOAT64": real == torch.float64,
        "ALIGNED": aligned,
        "BLOCK": _cuda.launch_config(real)[0],
        "s_ptr": None,
        "count_ptr": None,
    }
    tables = ("rows_ptr", "grads_ptr", "chunks_ptr")
    signature = {name: "*i64" for name in tables}
    signature.update({name: "i64" for name in _cuda.SCALAR_ARGUMENTS})
    signature = {name: signature.get(name, "constexpr") for name in kernel.arg_names}
    hints = {(kernel.arg_names.index(name),): [["tt.divisibility", 16]] for name in tables}
    source = ASTSource(kernel, signature, constants, hints)
    options = {"num_warps": _cuda.launch_config(real)[1], "enable_fp_fusion": False}
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
    assert not re.search(r"div\.(full|approx)|sqrt\.approx|rcp\.approx|\bmad(\.\w+)*\.f(32|64)", code)
    assert re.search(rf"div\.rn\.{kind}", code) and re.search(rf"sqrt\.rn\.{kind}", code)
    assert bool(re.search(r"fma\.rn", code)) == bool(fmas)
    width = "v4.b32" if dtype == np.float32 else "v2.b64"
    assert re.search(rf"ld\.global(\.L1::evict_first)?\.{width}", code), "full blocks' loads are not vectorised"
    assert re.search(rf"st\.global\.{width}", code), "full blocks' stores are not vectorised"


@pytest.mark.slow
def test_the_unaligned_kernel_compiles_without_vector_loads():
    code = ptx(Settings(arithmetic="seed"), np.float32, aligned=False)
    assert not re.search(r"ld\.global(\.L1::evict_first)?\.v4", code)


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
    sizes = (1, 4096 * 3, 7, 50_000)
    xs, gs = pieces(as_tensor(x), sizes), pieces(torch.empty_like(as_tensor(x)), sizes)
    es, bs = [torch.zeros_like(t) for t in xs], [torch.zeros_like(t) for t in xs]
    count = torch.zeros((), dtype=torch.float32, device="cuda")
    s = _cuda.scalars_on(scalars(settings, 0.01, 1.0, None, None, dtype), torch.device("cuda"))
    spec = settings.spec(dtype)
    count += 1
    copies = [[t.clone() for t in ts] for ts in (xs, gs, es, bs)]
    _cuda.step_tensors(spec, s, copies[0], copies[1], copies[2], None, copies[3], count=count)  # compiles, outside
    _cuda.step_tensors(spec, s, xs, gs, es, None, bs, count=count)  # the tables of these tensors, outside
    torch.cuda.synchronize()
    for t, piece in zip(xs, pieces(as_tensor(x), sizes)):  # the warm-up stepped them: start again, same tensors
        t.copy_(piece)
    for e, b in zip(es, bs):
        e.zero_()
        b.zero_()
    count.zero_()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        count.add_(1)
        _cuda.step_tensors(spec, s, xs, gs, es, None, bs, count=count)
    for gradient in grads:
        for g, piece in zip(gs, pieces(as_tensor(gradient), sizes)):
            g.copy_(piece)
        graph.replay()
    torch.cuda.synchronize()
    assert count.item() == len(grads)
    assert_same_bits("e", torch.cat(es), state.e)
    tolerance = 8 * np.finfo(dtype).eps
    for name, got, expected in (("x", torch.cat(xs), x_numpy), ("b", torch.cat(bs), state.b)):
        np.testing.assert_allclose(got.cpu().numpy(), expected, rtol=tolerance, atol=0, err_msg=name)


@cuda
@needs_cuda
def test_cuda_one_compile_serves_every_list():
    """Table sizes are runtime values: lists of other lengths and sizes launch the kernel compiled first."""
    settings = Settings(learning_rate=0.01, arithmetic="seed")
    spec, s = settings.spec(np.float32), scalars(settings, 0.01, 1.0, None, None, np.float32)
    compiled = []
    for sizes in ((5,), (1, 2, 3), (4096 * 5 + 1, 17, 0, 9), tuple(range(1, 300))):
        xs, gs, es = ([torch.rand(n, device="cuda") for n in sizes] for _ in range(3))
        _cuda.step_tensors(spec, s, xs, gs, es, None, None)
        compiled.append(len(_cuda.kernel(False).device_caches[torch.cuda.current_device()][0]))
    assert compiled[1:] == compiled[:1] * 3, f"compiled kernels after each list: {compiled}"


@cuda
@needs_cuda
def test_cuda_the_class_steps_in_a_cuda_graph():
    """``capturable=True``: ``opt.step()`` captured in a graph and replayed gives the bits of steps not captured."""

    def model():
        torch.manual_seed(0)
        return [torch.randn(shape, device="cuda", requires_grad=True) for shape in ((300, 7), (5,), (1,))]

    def gradients(step):
        generator = torch.Generator(device="cuda").manual_seed(step)
        return [torch.randn(p.shape, device="cuda", generator=generator) for p in params]

    params = model()
    opt = rmsprop.torch.RMSprop(params, lr=0.01, momentum=0.9, centered=True)
    for step in range(4):
        for p, g in zip(params, gradients(step)):
            p.grad = g
        opt.step()
    expected = [p.detach().clone() for p in params]

    params = model()
    opt = rmsprop.torch.RMSprop(params, lr=0.01, momentum=0.9, centered=True, capturable=True)
    for p in params:
        p.grad = torch.zeros_like(p)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # warm-up as PyTorch's recipe: state, tables and compile outside the capture
        opt.step()
    torch.cuda.current_stream().wait_stream(side)
    params_before = model()
    with torch.no_grad():
        for p, start in zip(params, params_before):
            p.copy_(start)
    for state in opt.state.values():
        for value in state.values():
            value.zero_()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        opt.step()
    for step in range(4):
        for p, g in zip(params, gradients(step)):
            p.grad.copy_(g)
        graph.replay()
    torch.cuda.synchronize()
    for got, want in zip(params, expected):
        assert torch.equal(got.detach(), want)
    assert all(state["step"].item() == 4 for state in opt.state.values())


# --- rmsprop.torch.RMSprop's CUDA path, on CPU tensors in the interpreter ---------------------------

#: The class's options: the quick rows, and every combination of torch.optim.RMSprop's (slow).
CLASS_OPTIONS = [
    pytest.param({}, id="plain"),
    pytest.param({"centered": True, "momentum": 0.9, "weight_decay": 0.01, "maximize": True}, id="everything"),
] + [
    pytest.param(
        dict(zip(("centered", "momentum", "weight_decay", "maximize"), case)),
        id="-".join(f"{v}" for v in case),
        marks=pytest.mark.slow,
    )
    for case in itertools.product([False, True], [0.0, 0.9], [0.0, 0.01], [False, True])
]


def class_params(dtype_of_first=torch.float32):
    """A mixed list: float32 and float64 tensors of many sizes (empty, one element, over a block) and a complex one."""
    generator = torch.Generator().manual_seed(0)
    shapes = [((70, 60), dtype_of_first), ((1,), torch.float64), ((0,), torch.float32), ((33,), torch.float64)]
    shapes += [((4096 + 3,), torch.float32), ((2, 2049), torch.float64), ((5, 3), torch.complex64)]
    return [torch.randn(shape, dtype=dtype, generator=generator) for shape, dtype in shapes]


def run_class(cls, params, steps=3, **options):
    opt = cls(params, lr=0.01, **options)
    for step in range(steps):
        for p in params:
            p.grad = torch.sin(p.detach() * (step + 1)) + 0.1 * step
        opt.step()
    return opt


def triton_on_cpu(monkeypatch):
    """Route CPU tensors through the class's CUDA path (the Triton kernel, in its interpreter)."""
    from rmsprop.torch import _optimizer

    monkeypatch.setattr(_optimizer, "_TRITON_DEVICES", ("cuda", "cpu"))


@pytest.mark.parametrize("options", CLASS_OPTIONS)
def test_the_class_on_the_triton_path_equals_its_cpu_path_and_follows_torch(options, monkeypatch):
    """The CUDA path (``step_cuda`` -> ``step_tensors``) gives the CPU path's bits, in one launch per dtype a step,
    and follows ``torch.optim.RMSprop`` (float64 within 1e-12, float32 and complex64 within float32's noise)."""
    cpu = class_params()
    cpu_opt = run_class(rmsprop.torch.RMSprop, cpu, **options)
    theirs = class_params()
    run_class(torch.optim.RMSprop, theirs, **options)
    triton_on_cpu(monkeypatch)
    launches = Launches(monkeypatch)
    ours = class_params()
    opt = run_class(rmsprop.torch.RMSprop, ours, **options)
    assert len(launches.grids) == 2 * 3  # float32 (with complex64) and float64, each step
    for a, b, c in zip(ours, cpu, theirs):
        assert torch.equal(a, b)
        if a.numel():
            tolerance = 1e-12 if a.dtype == torch.float64 else 1e-5
            assert (a - c).abs().max().item() <= tolerance * c.abs().max().item()
    ours_state, cpu_state = opt.state_dict()["state"], cpu_opt.state_dict()["state"]
    for i in cpu_state:
        assert sorted(ours_state[i]) == sorted(cpu_state[i])
        for key, value in cpu_state[i].items():
            assert torch.equal(value, ours_state[i][key]), (i, key)


def test_capturable_reads_its_scalars_from_the_device_with_the_same_bits(monkeypatch):
    """``capturable=True`` on the Triton path (the interpreter's "device" is the CPU): the step count stays with
    the parameter, the scalars are a tensor, the bits are those of the host's scalars."""
    triton_on_cpu(monkeypatch)
    plain = class_params(torch.float64)
    run_class(rmsprop.torch.RMSprop, plain, momentum=0.9)
    launched = []
    real = _cuda.step_tensors
    monkeypatch.setattr(_cuda, "step_tensors", lambda spec, s, *a, **k: launched.append(s) or real(spec, s, *a, **k))
    captured = class_params(torch.float64)
    opt = run_class(rmsprop.torch.RMSprop, captured, momentum=0.9, capturable=True)
    assert launched and all(isinstance(s, torch.Tensor) and s.dtype == torch.float64 for s in launched)
    for a, b in zip(captured, plain):
        assert torch.equal(a, b)
    assert all(state["step"].device == p.device and state["step"].item() == 3 for p, state in opt.state.items())


def test_capturable_with_cpu_parameters_is_refused_as_torch_refuses_it():
    params = class_params()[:1]
    with pytest.raises(AssertionError, match="capturable=True"):
        run_class(torch.optim.RMSprop, [p.clone() for p in params], capturable=True)
    with pytest.raises(RuntimeError, match="capturable=True steps CUDA parameters"):
        run_class(rmsprop.torch.RMSprop, params, capturable=True)


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
