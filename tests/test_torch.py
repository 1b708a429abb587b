"""rmsprop.torch.RMSprop against torch.optim.RMSprop: numbers, state_dict both ways, the training-loop tools, errors."""

import copy
import itertools
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import rmsprop  # noqa: E402
import rmsprop.torch  # noqa: E402
from rmsprop import compat  # noqa: E402
from rmsprop._compiled import list_kernel  # noqa: E402

#: Shapes of the open-loop runs: more elements than one chunk and than the parallel threshold, and small ones.
SHAPES = [(300, 257), (1000,), (7,), (3, 5, 2)]
STEPS = 500
OPTIONS = ("centered", "momentum", "weight_decay", "maximize")
GRID = list(itertools.product([False, True], [0.0, 0.9], [0.0, 0.01], [False, True]))
CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
DEVICES = ["cpu", pytest.param("cuda", marks=[pytest.mark.cuda, CUDA])]


def _case_id(case):
    return "-".join(f"{name}={value}" for name, value in zip(OPTIONS, case))


def _start(dtype, device="cpu", seed=0):
    rng = np.random.default_rng(seed)
    return [torch.tensor(rng.standard_normal(shape), dtype=dtype, device=device) for shape in SHAPES]


def _gradients(step, dtype, device="cpu"):
    """The open-loop gradient of ``step``: seeded noise whose scale wanders over three decades."""
    rng = np.random.default_rng(1000 + step)
    scale = 10.0 ** rng.uniform(-1.5, 1.5)
    return [torch.tensor(scale * rng.standard_normal(shape), dtype=dtype, device=device) for shape in SHAPES]


def _run(cls, dtype, device="cpu", steps=STEPS, **options):
    params = _start(dtype, device)
    opt = cls(params, **options)
    for step in range(steps):
        for p, g in zip(params, _gradients(step, dtype, device)):
            p.grad = g
        opt.step()
    return [p.detach().cpu().double().numpy() for p in params]


def _relative(a, b):
    """Largest, over tensors, of max|a - b| / max|b|."""
    return max(float(np.max(np.abs(x - y)) / np.max(np.abs(y))) for x, y in zip(a, b))


def _fidelity(case, device, steps=STEPS):
    options = dict(zip(OPTIONS, case), lr=1e-3)
    ours64 = _run(rmsprop.torch.RMSprop, torch.float64, device, steps, **options)
    theirs64 = _run(torch.optim.RMSprop, torch.float64, device, steps, **options)
    assert _relative(ours64, theirs64) <= 1e-12
    ours32 = _run(rmsprop.torch.RMSprop, torch.float32, device, steps, **options)
    theirs32 = _run(torch.optim.RMSprop, torch.float32, device, steps, **options)
    noise = _relative(theirs32, theirs64)  # float32's own distance from float64, in PyTorch
    assert 0 < noise < 1e-3
    assert _relative(ours32, theirs32) <= 2 * noise


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", GRID, ids=[_case_id(c) for c in GRID])
def test_every_option_follows_torch_over_500_open_loop_steps(case, device):
    _fidelity(case, device)


@pytest.mark.parametrize("case", [GRID[0], GRID[-1]], ids=["plain", "everything"])
def test_plain_and_every_option_follow_torch(case):
    """The fast subset of the grid above (slow-marked whole): no option, and all of them, for 100 steps."""
    _fidelity(case, "cpu", steps=100)


def test_the_default_flavor_is_compat_torch_bit_for_bit():
    """The torch flavor is rmsprop.compat.torch's arithmetic exactly (the NumPy form of the same rule)."""
    options = dict(lr=1e-3, centered=True, momentum=0.9, weight_decay=0.01, maximize=True)
    for dtype in (torch.float32, torch.float64):
        params = _start(dtype)
        ours = [p.numpy().copy() for p in params]
        opt = rmsprop.torch.RMSprop(params, **options)
        flavor = compat.torch(**options)
        state = flavor.init(ours)
        for step in range(30):
            grads = _gradients(step, dtype)
            for p, g in zip(params, grads):
                p.grad = g
            opt.step()
            updates, state = flavor.update([g.numpy() for g in grads], state, ours)
            ours = rmsprop.apply_updates(ours, updates)
        for a, p in zip(ours, params):
            np.testing.assert_array_equal(a, p.numpy())


# --------------------------------------------------------------------------- the fused path


def test_one_kernel_call_per_dtype_on_the_tensors_own_memory(monkeypatch):
    calls = []
    real_kernel = list_kernel.kernel

    def spy(spec, parallel):
        compiled = real_kernel(spec, parallel)

        def call(table, chunks, s):
            calls.append((table.copy(), s.dtype))
            compiled(table, chunks, s)

        return call

    monkeypatch.setattr(list_kernel, "kernel", spy)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))
    model[2].double()
    opt = rmsprop.torch.RMSprop(model.parameters(), momentum=0.5)
    model[2](model[1](model[0](torch.ones(3, 4))).double()).sum().backward()
    opt.step()
    assert sorted(str(dtype) for _, dtype in calls) == ["float32", "float64"]
    params = list(model.parameters())
    tables = {str(dtype): table for table, dtype in calls}
    for table, group in ((tables["float32"], params[:2]), (tables["float64"], params[2:])):
        assert table[:, 0].tolist() == [p.data_ptr() for p in group]  # x: the parameters themselves
        assert table[:, 1].tolist() == [p.grad.data_ptr() for p in group]  # g: autograd's gradients
        assert table[:, 2].tolist() == [opt.state[p]["square_avg"].data_ptr() for p in group]
        assert table[:, 4].tolist() == [opt.state[p]["momentum_buffer"].data_ptr() for p in group]


def test_a_tensor_the_kernel_cannot_take_steps_in_numpy_with_the_same_numbers():
    rng = np.random.default_rng(5)
    start, grads = rng.standard_normal((6, 5)), [rng.standard_normal((5, 6)) for _ in range(20)]
    strided = torch.tensor(start).t()  # not contiguous: the NumPy form
    dense = torch.tensor(start.T.copy())  # contiguous: the kernel
    assert not strided.is_contiguous()
    opts = [rmsprop.torch.RMSprop([p], centered=True, momentum=0.9) for p in (strided, dense)]
    for g in grads:
        strided.grad, dense.grad = torch.tensor(g), torch.tensor(g)
        for opt in opts:
            opt.step()
    np.testing.assert_array_equal(strided.numpy(), dense.numpy())


# --------------------------------------------------------------------------- the training-loop tools


def _pair(make_params, **options):
    """The same parameters (copies) under both classes."""
    ours, theirs = make_params(), make_params()
    return ours, rmsprop.torch.RMSprop(ours, **options), theirs, torch.optim.RMSprop(theirs, **options)


def _assert_close(ours, theirs, rtol=1e-12):
    """Norm-wise relative agreement (an element near zero may differ by more than rtol of itself)."""
    as_arrays = lambda tensors: [t.detach().double().numpy() for t in tensors]  # noqa: E731
    assert _relative(as_arrays(ours), as_arrays(theirs)) <= rtol


def test_parameter_groups_with_their_own_options():
    def groups():
        a, b = _start(torch.float64)[:2]
        return [{"params": [a], "lr": 0.05, "momentum": 0.9}, {"params": [b], "centered": True}]

    ours_groups, theirs_groups = groups(), groups()
    ours, theirs = rmsprop.torch.RMSprop(ours_groups, lr=0.01), torch.optim.RMSprop(theirs_groups, lr=0.01)
    for step in range(30):
        grads = _gradients(step, torch.float64)[:2]
        for groups_, opt in ((ours_groups, ours), (theirs_groups, theirs)):
            for group, g in zip(groups_, grads):
                group["params"][0].grad = g.clone()
            opt.step()
    _assert_close([g["params"][0] for g in ours_groups], [g["params"][0] for g in theirs_groups])
    assert [g["lr"] for g in ours.param_groups] == [0.05, 0.01]


def test_lr_scheduler_zero_grad_and_closure():
    torch.manual_seed(0)
    data, target = torch.randn(64, 5, dtype=torch.float64), torch.randn(64, 1, dtype=torch.float64)
    models = [torch.nn.Linear(5, 1).double() for _ in range(2)]
    models[1].load_state_dict(models[0].state_dict())
    opts = [
        rmsprop.torch.RMSprop(models[0].parameters(), lr=0.01),
        torch.optim.RMSprop(models[1].parameters(), lr=0.01),
    ]
    schedulers = [torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=40) for opt in opts]
    for _ in range(40):
        losses = []
        for model, opt, scheduler in zip(models, opts, schedulers):

            def closure(model=model, opt=opt):
                opt.zero_grad()
                loss = torch.nn.functional.mse_loss(model(data), target)
                loss.backward()
                return loss

            losses.append(opt.step(closure))
            scheduler.step()
        assert losses[0].item() == pytest.approx(losses[1].item(), rel=1e-12)
    _assert_close(models[0].parameters(), models[1].parameters())
    assert opts[0].param_groups[0]["lr"] == opts[1].param_groups[0]["lr"]
    assert all(p.grad is not None for p in models[0].parameters())
    opts[0].zero_grad()
    assert all(p.grad is None for p in models[0].parameters())


def test_grad_scaler_unscales_and_skips_steps_with_infinite_gradients():
    ours, ours_opt, theirs, theirs_opt = _pair(lambda: [p.requires_grad_() for p in _start(torch.float32)[:2]], lr=0.01)
    scalers = [torch.amp.GradScaler("cpu", init_scale=1024.0) for _ in range(2)]
    for step in range(10):
        grads = _gradients(step, torch.float32)[:2]
        for params, opt, scaler in ((ours, ours_opt, scalers[0]), (theirs, theirs_opt, scalers[1])):
            loss = sum((p * g).sum() for p, g in zip(params, grads))
            if step == 4:
                loss = loss * float("inf")  # a step GradScaler skips, and lowers its scale
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            opt.zero_grad()
    _assert_close(ours, theirs, rtol=1e-6)
    assert scalers[0].get_scale() == scalers[1].get_scale() < 1024.0
    assert ours_opt.state[ours[0]]["step"].item() == theirs_opt.state[theirs[0]]["step"].item() == 9


@pytest.mark.parametrize(
    "options", [{}, {"centered": True, "momentum": 0.9, "weight_decay": 0.01}], ids=["plain", "all"]
)
def test_state_dict_moves_between_the_two_classes_both_ways(options):
    ours, ours_opt, theirs, theirs_opt = _pair(lambda: _start(torch.float64), lr=0.01, **options)
    for step in range(10):
        for params, opt in ((ours, ours_opt), (theirs, theirs_opt)):
            for p, g in zip(params, _gradients(step, torch.float64)):
                p.grad = g
            opt.step()
    saved_ours, saved_theirs = ours_opt.state_dict(), theirs_opt.state_dict()
    assert saved_ours["param_groups"] == saved_theirs["param_groups"]
    for index, state in saved_theirs["state"].items():
        assert list(saved_ours["state"][index]) == list(state)  # the same keys, in the same order
        assert saved_ours["state"][index]["step"].dtype == state["step"].dtype
    # Swap: each class continues from the other's checkpoint, on copies of the other's parameters.
    theirs_next = [p.detach().clone() for p in ours]
    ours_next = [p.detach().clone() for p in theirs]
    continued_theirs = torch.optim.RMSprop(theirs_next, lr=0.01, **options)
    continued_theirs.load_state_dict(copy.deepcopy(ours_opt.state_dict()))  # as torch.save and load would
    continued_ours = rmsprop.torch.RMSprop(ours_next, lr=0.01, **options)
    continued_ours.load_state_dict(copy.deepcopy(theirs_opt.state_dict()))
    for step in range(10, 30):
        pairs = ((ours, ours_opt), (theirs, theirs_opt), (theirs_next, continued_theirs), (ours_next, continued_ours))
        for params, opt in pairs:
            for p, g in zip(params, _gradients(step, torch.float64)):
                p.grad = g
            opt.step()
    _assert_close(theirs_next, ours)  # torch.optim.RMSprop took over from ours
    _assert_close(ours_next, theirs)  # and ours from torch.optim.RMSprop
    assert continued_ours.state[ours_next[0]]["step"].item() == 30


def test_a_state_dict_of_other_shapes_is_refused_before_anything_changes():
    params = _start(torch.float64)[:2]
    opt = rmsprop.torch.RMSprop(params)
    other = [torch.zeros(3, dtype=torch.float64, requires_grad=True), params[1].clone()]
    donor = torch.optim.RMSprop(other)
    for p in other:
        p.grad = torch.ones_like(p)
    donor.step()
    with pytest.raises(ValueError, match=r"square_avg has shape \(3,\); its parameter has \(300, 257\)"):
        opt.load_state_dict(donor.state_dict())
    assert opt.state_dict()["state"] == {}


def test_complex_parameters_step_as_torch_steps_them():
    ours, ours_opt, theirs, theirs_opt = _pair(
        lambda: [torch.tensor(np.arange(1, 301) * (1 + 2j) / 100)], lr=0.01, centered=True, momentum=0.5
    )
    rng = np.random.default_rng(2)
    for _ in range(50):
        g = rng.standard_normal(300) + 1j * rng.standard_normal(300)
        ours[0].grad, theirs[0].grad = torch.tensor(g), torch.tensor(g)
        ours_opt.step()
        theirs_opt.step()
    _assert_close([torch.view_as_real(ours[0])], [torch.view_as_real(theirs[0])])


def test_a_sparse_gradient_is_refused_as_torch_refuses_it():
    embedding = torch.nn.Embedding(10, 3, sparse=True)
    opt = rmsprop.torch.RMSprop(embedding.parameters())
    embedding(torch.tensor([1, 2])).sum().backward()
    with pytest.raises(RuntimeError, match="does not support sparse gradients"):
        opt.step()


# --------------------------------------------------------------------------- flavors


def _compat_flavor(flavor, lr, alpha, eps, **options):
    """The rmsprop.compat flavor of the same numbers, each given under that flavor's own argument name."""
    settings = dict(learning_rate=lr, decay=alpha, eps=eps)
    settings.update({name: value for name, value in options.items() if compat.accepts(flavor, name)})
    return compat.configure(flavor, **settings)


@pytest.mark.parametrize("flavor", list(compat.FLAVORS))
def test_each_flavor_is_its_compat_constructor_bit_for_bit(flavor):
    options = {"momentum": 0.5, "centered": True, "weight_decay": 0.01}
    given = {name: value for name, value in options.items() if compat.accepts(flavor, name)}
    for dtype in (torch.float32, torch.float64):
        params = _start(dtype)[1:]
        ours = [p.numpy().copy() for p in params]
        opt = rmsprop.torch.RMSprop(params, lr=0.01, alpha=0.9, eps=1e-7, flavor=flavor, **given)
        reference = _compat_flavor(flavor, 0.01, 0.9, 1e-7, **given)
        state = reference.init(ours)
        for step in range(20):
            grads = _gradients(step, dtype)[1:]
            for p, g in zip(params, grads):
                p.grad = g
            opt.step()
            updates, state = reference.update([g.numpy() for g in grads], state, ours)
            ours = rmsprop.apply_updates(ours, updates)
        for a, p in zip(ours, params):
            np.testing.assert_array_equal(a, p.numpy())


def test_the_seed_flavor_gives_the_seeds_numbers():
    x = torch.tensor([-4.0, 3.0], dtype=torch.float64, requires_grad=True)
    opt = rmsprop.torch.RMSprop([x], lr=0.1, alpha=0.9, eps=1e-8, flavor="seed")
    for _ in range(50):
        opt.zero_grad()
        (5 * x[0] ** 2 + 7 * x[1] ** 2).backward()
        opt.step()
    assert x.detach().tolist() == [-0.10352260359924752, 0.0025296212056016548]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "arguments, error, message",
    [
        ({"lr": -1.0}, ValueError, "Invalid learning rate: -1.0"),
        ({"alpha": 1.0}, ValueError, r"Invalid alpha value: 1.0 \(the average needs 0 <= alpha < 1\)"),
        ({"momentum": -0.1}, ValueError, "Invalid momentum value: -0.1"),
        ({"eps": 0.0}, ValueError, "eps"),
        ({"flavor": "adam"}, ValueError, "unknown flavor 'adam'; choose one of: torch, seed"),
        ({"flavor": "seed", "momentum": 0.9}, ValueError, "flavor 'seed' has no momentum"),
        ({"lr": torch.tensor([0.1, 0.2])}, ValueError, "Tensor lr must be 1-element"),
    ],
)
def test_bad_arguments_get_one_line_errors(arguments, error, message):
    with pytest.raises(error, match=message) as raised:
        rmsprop.torch.RMSprop([torch.zeros(3, requires_grad=True)], **arguments)
    assert "\n" not in str(raised.value)


def test_bad_parameters_get_one_line_errors():
    with pytest.raises(TypeError, match="got torch.float16"):
        rmsprop.torch.RMSprop([torch.zeros(3, dtype=torch.float16)])
    with pytest.raises(TypeError, match="'torch' flavor only"):
        rmsprop.torch.RMSprop([torch.zeros(3, dtype=torch.complex64)], flavor="keras")
    with pytest.raises(TypeError, match="iterable of Tensors"):
        rmsprop.torch.RMSprop(torch.zeros(3))


def test_the_numpy_class_points_torch_users_here():
    with pytest.raises(TypeError, match=r"use rmsprop.torch.RMSprop\(model.parameters\(\)"):
        rmsprop.RMSprop(torch.nn.Linear(2, 2).parameters())


def test_import_rmsprop_does_not_import_torch():
    code = "import sys, rmsprop; print('torch' in sys.modules, 'rmsprop.torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
