"""compat.torch against the real torch.optim.RMSprop, over its whole grid of options."""

import itertools

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import problems  # noqa: E402

import rmsprop  # noqa: E402
from rmsprop import compat, schedules  # noqa: E402

GRID = list(itertools.product([False, True], [0.0, 0.9], [0.0, 0.01], [False, True], ["constant", "step", "cosine"]))


def _ids(case):
    centered, momentum, wd, maximize, schedule = case
    return f"centered={centered}-momentum={momentum}-wd={wd}-maximize={maximize}-{schedule}"


def run_pair(dtype, lr=1e-3, steps=problems.STEPS, schedule="constant", **options):
    """Step ours and torch's side by side from the same start with the same gradient function."""
    torch_dtype = {np.float64: torch.float64, np.float32: torch.float32}[dtype]
    theirs = [torch.tensor(a, dtype=torch_dtype) for a in problems.start(dtype)]
    opt = torch.optim.RMSprop(theirs, lr=lr, **options)
    ours_rate = lr
    if schedule == "step":
        scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=50, gamma=0.5)
        ours_rate = schedules.step_decay(lr, step_size=50, gamma=0.5)
    elif schedule == "cosine":
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
        ours_rate = schedules.cosine_decay(lr, decay_steps=steps)
    else:
        scheduler = None
    ours = problems.start(dtype)
    flavour = compat.torch(lr=ours_rate, **options)
    state = flavour.init(ours)
    worst = 0.0
    sign = -1.0 if options.get("maximize") else 1.0
    for _ in range(steps):
        for p, g in zip(theirs, problems.grads([p.numpy() for p in theirs])):
            p.grad = torch.from_numpy(sign * g)
        opt.step()
        if scheduler is not None:
            scheduler.step()
        updates, state = flavour.update([sign * g for g in problems.grads(ours)], state, ours)
        ours = rmsprop.apply_updates(ours, updates)
        worst = max(worst, problems.relative_deviation(ours, [p.numpy() for p in theirs]))
    assert all(o.dtype == dtype for o in ours)
    return worst, ours


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", GRID, ids=[_ids(c) for c in GRID])
def test_torch_grid(case, dtype):
    centered, momentum, wd, maximize, schedule = case
    worst, final = run_pair(dtype, schedule=schedule, centered=centered, momentum=momentum, weight_decay=wd,
                            maximize=maximize)
    assert np.isfinite(np.concatenate([a.ravel() for a in final])).all()
    assert worst <= problems.TOLERANCE[dtype], f"relative deviation {worst:.3g}"


def test_torch_defaults_and_argument_names():
    flavour = compat.torch()
    assert flavour.settings == {"name": "torch", "lr": 0.01, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0,
                                "momentum": 0, "centered": False, "maximize": False}
    worst, _ = run_pair(np.float64, lr=0.01, steps=100)
    assert worst <= 1e-12


def test_torch_complex_parameters_are_pairs_of_reals():
    rng = np.random.default_rng(3)
    start = rng.standard_normal(6) + 1j * rng.standard_normal(6)
    target = rng.standard_normal(6) + 1j * rng.standard_normal(6)
    theirs = torch.tensor(start, dtype=torch.complex128)
    opt = torch.optim.RMSprop([theirs], lr=0.01, centered=True, momentum=0.5)
    flavour = compat.torch(lr=0.01, centered=True, momentum=0.5)
    ours = start.copy()
    state = flavour.init(ours)
    for _ in range(200):
        theirs.grad = torch.from_numpy(theirs.detach().numpy() - target)
        opt.step()
        updates, state = flavour.update(ours - target, state, ours)
        ours = rmsprop.apply_updates(ours, updates)
    assert ours.dtype == np.complex128
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-12, atol=0)
