"""Train a small neural network on handwritten digits with RMSprop, in plain NumPy
================================================================================

The model is a multilayer perceptron for scikit-learn's bundled 8x8 digits
(1797 images, no download), 64 inputs -> 32 tanh units -> 10 classes::

    h = tanh(x W1 + b1)              x: (B, 64) pixels / 16, W1: (64, 32)
    z = h W2 + b2                    W2: (32, 10), z: the logits
    L = mean_i [ logsumexp(z_i) - z_i[y_i] ]     softmax cross-entropy

trained by minibatch RMSprop as ``torch.optim.RMSprop`` steps
(:func:`rmsprop.compat.torch`). Run it::

    python examples/digits.py [--epochs N] [--out learning_curve.png] [--seed S]

It needs scikit-learn, for the data (``pip install scikit-learn``; the ``docs`` and ``test``
extras have it). It prints the training loss of every epoch and the final test accuracy (about
96% after the default 10 epochs) and draws the learning curve. The documentation's build runs
it with ``--epochs 3``, to stay quick.
``tests/test_example_digits.py`` trains the same network with ``torch.nn`` and
``torch.optim.RMSprop`` and checks that the losses agree at every step.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from typing import NamedTuple

import numpy as np

import rmsprop
from rmsprop import compat

#: The optimizer of the example: PyTorch's RMSprop with PyTorch's names (alpha is the decay).
SETTINGS = dict(lr=0.003, alpha=0.99, eps=1e-8, momentum=0.0)
BATCH_SIZE = 32


class Data(NamedTuple):
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_data(split_seed: int = 0, test_size: int = 360) -> Data:
    """The digits, pixels scaled from 0..16 to 0..1, split once into training and test sets (stratified)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        x / 16.0, y, test_size=test_size, random_state=split_seed, stratify=y
    )
    return Data(x_train, y_train, x_test, y_test)


def init_params(seed: int, dtype=np.float64, sizes=(64, 32, 10)) -> list[np.ndarray]:
    """``[W1, b1, W2, b2]``, each entry uniform in ``(-1/sqrt(fan_in), 1/sqrt(fan_in))`` (as ``nn.Linear``)."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        params.append(rng.uniform(-bound, bound, (fan_in, fan_out)).astype(dtype))
        params.append(rng.uniform(-bound, bound, fan_out).astype(dtype))
    return params


def forward(params: list[np.ndarray], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The hidden activations ``h = tanh(x W1 + b1)`` and the logits ``z = h W2 + b2``."""
    w1, b1, w2, b2 = params
    h = np.tanh(x.astype(w1.dtype) @ w1 + b1)
    return h, h @ w2 + b2


def loss_and_grads(params: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
    """The mean cross-entropy ``L`` over the batch and its gradients ``[dL/dW1, dL/db1, dL/dW2, dL/db2]``.

    Backward, with ``p = softmax(z)`` row by row and ``Y`` the one-hot labels::

        dL/dz  = (p - Y) / B
        dL/dW2 = h^T dL/dz               dL/db2 = sum over the batch of dL/dz
        dL/da  = (dL/dz W2^T) * (1 - h^2)        (a = x W1 + b1, tanh' = 1 - tanh^2)
        dL/dW1 = x^T dL/da               dL/db1 = sum over the batch of dL/da
    """
    w1, b1, w2, b2 = params
    x = x.astype(w1.dtype)
    h, z = forward(params, x)
    shifted = z - z.max(axis=1, keepdims=True)  # logsumexp without overflow
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(y))
    loss = -log_p[rows, y].mean()
    dz = np.exp(log_p)
    dz[rows, y] -= 1.0
    dz /= len(y)
    da = (dz @ w2.T) * (1.0 - h * h)
    return float(loss), [x.T @ da, da.sum(axis=0), h.T @ dz, dz.sum(axis=0)]


def accuracy(params: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> float:
    """The fraction of images whose largest logit is the right digit."""
    return float(np.mean(forward(params, x)[1].argmax(axis=1) == y))


def batches(n: int, batch_size: int, seed: int, epoch: int) -> list[np.ndarray]:
    """The minibatches of one epoch: indices ``0..n-1`` shuffled by ``(seed, epoch)``, the last one shorter."""
    order = np.random.default_rng([seed, epoch]).permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


class Run(NamedTuple):
    params: list[np.ndarray]
    step_losses: list[list[float]]  # the minibatch losses, one list per epoch, before each step
    test_accuracy: list[float]  # after each epoch


def train(
    optimizer: rmsprop.GradientTransformation,
    data: Data,
    epochs: int,
    seed: int = 0,
    batch_size: int = BATCH_SIZE,
    dtype=np.float64,
) -> Run:
    """Minibatch training from ``init_params(seed, dtype)`` in the order ``batches(..., seed, epoch)``."""
    params = init_params(seed, dtype)
    state = optimizer.init(params)
    step_losses, test_accuracy = [], []
    for epoch in range(epochs):
        losses = []
        for batch in batches(len(data.y_train), batch_size, seed, epoch):
            loss, grads = loss_and_grads(params, data.x_train[batch], data.y_train[batch])
            updates, state = optimizer.update(grads, state, params)
            params = rmsprop.apply_updates(params, updates)
            losses.append(loss)
        step_losses.append(losses)
        test_accuracy.append(accuracy(params, data.x_test, data.y_test))
    return Run(params, step_losses, test_accuracy)


def plot(run: Run, path: str):
    """Write the learning curve as a PNG: loss per step and per epoch, test accuracy per epoch.

    Returns the figure, a pyplot figure left open (the documentation's gallery shows it); a script
    that draws many closes it with ``plt.close(figure)``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps_per_epoch = [len(losses) for losses in run.step_losses]
    epoch_ends = np.cumsum(steps_per_epoch)
    epochs = np.arange(1, len(run.test_accuracy) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    left.plot(np.arange(1, epoch_ends[-1] + 1), np.concatenate(run.step_losses), lw=0.6, alpha=0.6, label="minibatch")
    left.plot(epoch_ends, [np.mean(losses) for losses in run.step_losses], "o-", label="epoch mean")
    left.set(xlabel="step", ylabel="cross-entropy", yscale="log", title="training loss")
    left.legend()
    right.plot(epochs, 100 * np.asarray(run.test_accuracy), "o-")
    right.set(xlabel="epoch", ylabel="accuracy (%)", title="test accuracy")
    fig.suptitle("digits, 64-32-10 MLP, RMSprop " + ", ".join(f"{k}={v}" for k, v in SETTINGS.items()))
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=folder)  # write aside, then rename: never half a file
    try:
        with os.fdopen(fd, "wb") as f:
            fig.savefig(f, format="png", dpi=100)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        plt.close(fig)
        raise
    return fig


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])  # no docstring in the gallery
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--out", default="learning_curve.png")
    parser.add_argument("--seed", type=int, default=0, help="initial weights and data order")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    run = train(compat.torch(**SETTINGS), load_data(), args.epochs, seed=args.seed)
    for epoch, (losses, acc) in enumerate(zip(run.step_losses, run.test_accuracy), start=1):
        print(f"epoch {epoch:3d}  train loss {np.mean(losses):.4f}  test accuracy {acc:.2%}")
    print(f"Test accuracy: {run.test_accuracy[-1]:.4f}")
    plot(run, args.out)
    print(f"Wrote {args.out}")


if __name__ == "__main__":
    main()
