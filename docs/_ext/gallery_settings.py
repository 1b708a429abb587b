"""How the documentation's build runs the gallery: each example's command line, and their order.

sphinx-gallery runs every script of ``examples/`` as ``__main__``, in the script's folder, with
``sys.argv[1:]`` from :func:`argv` (its ``reset_argv`` option). The long examples run small here,
and write their PNG files into a temporary folder, not into ``examples/``; their pages say so.
:class:`Order` puts the tutorial first (``within_subsection_order``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED_TEXT = Path("shared") / "seed" / "rmsprop-from-scratch.txt"
OUT = Path(tempfile.gettempdir()) / "rmsprop-docs-gallery"


def _text() -> Path:
    """The seed document above the repository (the project's workspace), else the README: some text to learn."""
    for folder in (REPO, *REPO.parents):
        if (folder / SEED_TEXT).is_file():
            return folder / SEED_TEXT
    return REPO / "README.md"


def argv(gallery_conf: dict, script_vars: dict) -> list[str]:
    """The arguments of one example: ``--epochs 3`` for the digits, ``--steps 60`` for the LSTM, else none."""
    name = Path(script_vars["src_file"]).name
    OUT.mkdir(exist_ok=True)
    if name == "digits.py":
        return ["--epochs", "3", "--out", str(OUT / "learning_curve.png")]
    if name == "train_char_model.py":
        return ["--steps", "60", "--device", "cpu", "--out", str(OUT / "char_model_loss.png"), "--text", str(_text())]
    return []


#: The examples in the order the gallery shows them; any other comes after, by name.
FIRST = ("rmsprop_from_scratch.py", "flavors_compared.py", "many_runs_and_sweeps.py")


class Order:
    """sphinx-gallery's sort key of the examples of one folder: :data:`FIRST`, then the rest by name."""

    def __init__(self, src_dir: str) -> None:
        self.src_dir = src_dir

    def __call__(self, filename: str) -> tuple[int, str]:
        name = Path(filename).name
        return (FIRST.index(name) if name in FIRST else len(FIRST), name)

    def __repr__(self) -> str:  # sphinx-gallery's configuration is compared between builds by repr
        return f"{type(self).__name__}()"
