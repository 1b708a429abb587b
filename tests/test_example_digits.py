"""examples/digits.py: its NumPy network and RMSprop against torch.nn and torch.optim.RMSprop, and the script."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from rmsprop import compat  # noqa: E402

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "digits.py"
EPOCHS = 3
#: Largest relative deviation |ours - torch| / |torch| of the minibatch loss allowed at any step.
#: Measured (torch 2.13 CPU, float64): about 1e-15 without momentum, 2e-13 with momentum 0.9.
RTOL = 1e-10


def _load_example():
    spec = importlib.util.spec_from_file_location("digits_example", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


digits = _load_example()


@pytest.fixture(scope="module")
def data():
    return digits.load_data()


def torch_model(params):
    """The example's network as torch.nn, with its weights (nn.Linear keeps W as (out, in), hence W.T)."""
    w1, b1, w2, b2 = (torch.from_numpy(p) for p in params)
    model = nn.Sequential(nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10)).to(torch.float64)
    with torch.no_grad():
        for layer, w, b in ((model[0], w1, b1), (model[2], w2, b2)):
            layer.weight.copy_(w.T)
            layer.bias.copy_(b)
    return model


def relative(ours, theirs):
    return float(np.max(np.abs(ours - theirs)) / np.max(np.abs(theirs)))


def test_gradients_match_autograd(data):
    params = digits.init_params(seed=0)
    batch = digits.batches(len(data.y_train), digits.BATCH_SIZE, seed=0, epoch=0)[0]
    x, y = data.x_train[batch], data.y_train[batch]
    loss, grads = digits.loss_and_grads(params, x, y)
    model = torch_model(params)
    their_loss = F.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y))
    their_loss.backward()
    theirs = [model[0].weight.grad.T, model[0].bias.grad, model[2].weight.grad.T, model[2].bias.grad]
    assert abs(loss - their_loss.item()) <= 1e-14 * their_loss.item()
    for ours, their in zip(grads, theirs):
        assert ours.shape == their.shape
        assert relative(ours, their.numpy()) <= 1e-14  # measured: about 3e-16


OPTIONS = [{}, {"momentum": 0.9}, {"centered": True}, {"centered": True, "momentum": 0.9}]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()) or "plain")
def test_training_matches_torch_step_by_step(data, options):
    """The same weights, data order and settings: the minibatch losses agree to RTOL (relative) at every step."""
    settings = {**digits.SETTINGS, **options}
    run = digits.train(compat.torch(**settings), data, EPOCHS, seed=0)
    ours = np.concatenate(run.step_losses)

    model = torch_model(digits.init_params(seed=0))
    optimizer = torch.optim.RMSprop(model.parameters(), **settings)
    x, y = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    theirs = []
    for epoch in range(EPOCHS):
        for batch in digits.batches(len(data.y_train), digits.BATCH_SIZE, seed=0, epoch=epoch):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
            theirs.append(loss.item())
    theirs = np.array(theirs)

    assert ours.shape == theirs.shape == (EPOCHS * len(digits.batches(len(data.y_train), digits.BATCH_SIZE, 0, 0)),)
    deviation = np.abs(ours - theirs) / np.abs(theirs)
    step = int(np.argmax(deviation))
    assert deviation[step] <= RTOL, f"relative deviation {deviation[step]:.3g} at step {step}"


def test_accuracy_after_a_few_epochs(data):
    for seed in (0, 1, 2):
        run = digits.train(compat.torch(**digits.SETTINGS), data, epochs=5, seed=seed)
        assert np.mean(run.step_losses[-1]) < np.mean(run.step_losses[0])
        assert run.test_accuracy[-1] > 0.9, f"seed {seed}: test accuracy {run.test_accuracy[-1]:.3f}"


def test_script_end_to_end(tmp_path):
    out = tmp_path / "curve.png"
    result = subprocess.run(
        [sys.executable, "-W", "error", str(SCRIPT), "--epochs", "2", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert len(re.findall(r"^epoch +\d+ +train loss", result.stdout, re.M)) == 2
    match = re.search(r"^Test accuracy: ([0-9.]+)$", result.stdout, re.M)
    assert match and 0.0 <= float(match.group(1)) <= 1.0, result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curve.png"]  # no temporary file left behind
    png = out.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR" and png.endswith(b"IEND\xaeB`\x82")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert 400 <= width <= 4000 and 200 <= height <= 4000 and len(png) > 10_000
