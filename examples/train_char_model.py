"""A character-level LSTM trained with ``rmsprop.torch.RMSprop`` and ``torch.optim.RMSprop``
=========================================================================================

The model reads the seed document (``shared/seed/rmsprop-from-scratch.txt``) one character
at a time and predicts the next one::

    h_t = LSTM(embed(c_t), h_{t-1})        embed: 32 numbers per character, LSTM: 96 units
    p(c_{t+1}) = softmax(W h_t + b)        loss: the mean cross-entropy, in nats per character

Two copies of the model start from the same weights and see the same batches (32 windows
of 48 characters): one steps with ``rmsprop.torch.RMSprop`` (the fused kernel), the other
with ``torch.optim.RMSprop``, both with PyTorch's arguments (lr 3e-3, alpha 0.99, eps
1e-8), in float32. Both loss curves go into one figure. They overlap within float32's own
noise: a third copy, in float64 under ``torch.optim.RMSprop`` (not drawn), measures how far
float32 rounding alone moves the curve, and the gap between the two float32 curves is of
that size or smaller (the two optimizers differ in the last bit of a square root now and
then). The script prints the losses, both gaps and the median time of one optimizer step
of each float32 run. Run it::

    python examples/train_char_model.py [--steps 300] [--device cpu|cuda] [--out char_model_loss.png]
                                         [--text PATH]

It needs PyTorch: ``pip install "rmsprop[torch]"``. The documentation's build runs it with
``--steps 60`` on the CPU, to stay quick, so its curves there stop early.

Without ``--text`` it looks for ``shared/seed/rmsprop-from-scratch.txt`` in the folders
above this file (the project's workspace keeps the seed there).
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import tempfile
import time
from pathlib import Path

import torch

import rmsprop.torch

SEED_TEXT = Path("shared") / "seed" / "rmsprop-from-scratch.txt"
SETTINGS = dict(lr=3e-3, alpha=0.99, eps=1e-8)


def find_seed_text(start: Path | None = None) -> Path:
    """The seed document: ``shared/seed/rmsprop-from-scratch.txt`` in ``start`` (default: this file's folder)
    or the nearest folder above it."""
    start = start or Path(__file__).resolve().parent
    for folder in (start, *start.parents):
        if (folder / SEED_TEXT).is_file():
            return folder / SEED_TEXT
    raise SystemExit(f"error: {SEED_TEXT} not found above {start}; give its path with --text")


class CharModel(torch.nn.Module):
    """Embedding, one LSTM layer and a linear read-out to the next character's logits."""

    def __init__(self, vocabulary: int, embed: int = 32, hidden: int = 96) -> None:
        super().__init__()
        self.embed = torch.nn.Embedding(vocabulary, embed)
        self.lstm = torch.nn.LSTM(embed, hidden, batch_first=True)
        self.out = torch.nn.Linear(hidden, vocabulary)

    def forward(self, characters: torch.Tensor) -> torch.Tensor:
        hidden, _ = self.lstm(self.embed(characters))
        return self.out(hidden)


def batches(text: torch.Tensor, steps: int, batch: int, length: int, seed: int):
    """``steps`` batches of ``batch`` random windows of ``length + 1`` characters (inputs and next characters)."""
    generator = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        starts = torch.randint(0, len(text) - length - 1, (batch,), generator=generator)
        windows = torch.stack([text[s : s + length + 1] for s in starts.tolist()])
        yield windows[:, :-1], windows[:, 1:]


def train(steps: int, device: str, text_path: Path, seed: int = 0) -> dict:
    """Both models side by side: their losses and optimizer step times."""
    text = text_path.read_text()
    alphabet = sorted(set(text))
    encoded = torch.tensor([alphabet.index(c) for c in text])
    torch.manual_seed(seed)
    ours_model = CharModel(len(alphabet)).to(device)
    theirs_model = copy.deepcopy(ours_model)
    runs = {
        "rmsprop.torch.RMSprop": (ours_model, rmsprop.torch.RMSprop(ours_model.parameters(), **SETTINGS)),
        "torch.optim.RMSprop": (theirs_model, torch.optim.RMSprop(theirs_model.parameters(), **SETTINGS)),
    }
    reference = copy.deepcopy(ours_model).double()  # float32's own noise: the same run in float64
    runs["float64 reference"] = (reference, torch.optim.RMSprop(reference.parameters(), **SETTINGS))
    losses: dict[str, list[float]] = {name: [] for name in runs}
    step_times: dict[str, list[float]] = {name: [] for name in runs}
    for inputs, targets in batches(encoded, steps, batch=32, length=48, seed=seed):
        inputs, targets = inputs.to(device), targets.to(device)
        for name, (model, opt) in runs.items():
            opt.zero_grad()
            logits = model(inputs)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
            loss.backward()
            if device == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
            opt.step()
            if device == "cuda":
                torch.cuda.synchronize()
            step_times[name].append(time.perf_counter() - start)
            losses[name].append(loss.item())
    return {"losses": losses, "step_times": step_times, "alphabet": len(alphabet), "characters": len(text)}


def plot(run: dict, out: str):
    """Both loss curves in one figure, written to ``out``; returns the figure, a pyplot figure left open."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4), constrained_layout=True)
    for name, style in (("rmsprop.torch.RMSprop", "-"), ("torch.optim.RMSprop", "--")):
        losses = run["losses"][name]
        ax.plot(losses, style, label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (nats per character)")
    ax.set_title("A character-level LSTM on the seed document")
    ax.legend()
    fig.savefig(out, dpi=120)
    return fig


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])  # no docstring in the gallery
    parser.add_argument("--steps", type=int, default=300, help="optimizer steps of each model (default 300)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "char_model_loss.png"))
    parser.add_argument("--text", type=Path, help="the text to learn (default: the seed document)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    text_path = args.text or find_seed_text()
    run = train(args.steps, args.device, text_path, args.seed)
    ours, theirs, reference = run["losses"].values()
    print(f"{run['characters']} characters, {run['alphabet']} symbols, {args.steps} steps on {args.device}")
    for name, losses in run["losses"].items():
        print(f"{name:22} loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    gap = lambda a, b: max(abs(x - y) / y for x, y in zip(a, b))  # noqa: E731
    print(f"largest relative gap, ours vs torch.optim (float32):  {gap(ours, theirs):.2e}")
    print(f"largest relative gap, float32 vs float64 (torch.optim): {gap(theirs, reference):.2e}")
    for name in ("rmsprop.torch.RMSprop", "torch.optim.RMSprop"):
        print(f"{name:22} optimizer step: median {statistics.median(run['step_times'][name]) * 1e6:.0f} us")
    plot(run, args.out)
    print(f"Wrote {args.out}")


if __name__ == "__main__":
    main()
