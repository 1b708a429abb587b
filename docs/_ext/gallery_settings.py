"""How the documentation's build runs the gallery: each example's command line, and their order.

sphinx-gallery runs every script of ``examples/`` as ``__main__``, in the script's folder, with
``sys.argv[1:]`` from :func:`argv` (its ``reset_argv`` option). The long examples run small here,
and write their PNG files into a temporary folder, not into ``examples/``; their pages say so.
:class:`Order` puts the tutorial first (``within_subsection_order``).

The figures that the package draws on figures of its own (``rmsprop.plot.minibatch_paths``, a
reproduction's ``draw``) are not pyplot's, so sphinx-gallery's matplotlib scraper does not see
them: the examples that make them write PNG files into :data:`FIGURES` (their ``--out``), and
:func:`written_figures`, an image scraper, moves each one it finds after a code block into the
gallery's images (sphinx-gallery's "detecting image files on disk").
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED_TEXT = Path("shared") / "seed" / "rmsprop-from-scratch.txt"
OUT = Path(tempfile.gettempdir()) / "rmsprop-docs-gallery"
#: Where the examples that draw with ``rmsprop.plot``'s own figures write the PNG files the gallery shows.
FIGURES = OUT / "figures"
#: The examples that write into :data:`FIGURES`, and the rest of their command line.
WRITES_FIGURES: dict[str, list[str]] = {"minibatches.py": [], "reproduce_papers.py": []}


def _text() -> Path:
    """The seed document above the repository (the project's workspace), else the README: some text to learn."""
    for folder in (REPO, *REPO.parents):
        if (folder / SEED_TEXT).is_file():
            return folder / SEED_TEXT
    return REPO / "README.md"


def argv(gallery_conf: dict, script_vars: dict) -> list[str]:
    """The arguments of one example: ``--epochs 3`` for the digits, ``--steps 60`` for the LSTM, ``--out``
    :data:`FIGURES` for :data:`WRITES_FIGURES` (emptied first: no file of an earlier build is shown), else none."""
    name = Path(script_vars["src_file"]).name
    OUT.mkdir(exist_ok=True)
    if name in WRITES_FIGURES:
        shutil.rmtree(FIGURES, ignore_errors=True)
        FIGURES.mkdir()
        return [*WRITES_FIGURES[name], "--out", str(FIGURES)]
    if name == "digits.py":
        return ["--epochs", "3", "--out", str(OUT / "learning_curve.png")]
    if name == "train_char_model.py":
        return ["--steps", "60", "--device", "cpu", "--out", str(OUT / "char_model_loss.png"), "--text", str(_text())]
    return []


def written_figures(block, block_vars: dict, gallery_conf: dict) -> str:
    """sphinx-gallery's image scraper of the PNG files a code block wrote into :data:`FIGURES`.

    Each file moves to the next image path of the example (``sphx_glr_NAME_00N.png``); the
    reST that shows them is sphinx-gallery's own (:func:`sphinx_gallery.scrapers.figure_rst`).
    """
    from sphinx_gallery.scrapers import figure_rst

    images = []
    written = FIGURES.glob("*.png") if FIGURES.is_dir() else []
    for png in sorted(written, key=lambda png: (png.stat().st_mtime_ns, png.name)):  # in the order they were written
        target = next(block_vars["image_path_iterator"])
        shutil.move(png, target)
        images.append(target)
    return figure_rst(images, gallery_conf["src_dir"])


#: The examples in the order the gallery shows them; any other comes after, by name.
FIRST = (
    "rmsprop_from_scratch.py",
    "flavors_compared.py",
    "many_runs_and_sweeps.py",
    "noise_and_online.py",
    "minibatches.py",
    "reproduce_papers.py",
)


class Order:
    """sphinx-gallery's sort key of the examples of one folder: :data:`FIRST`, then the rest by name."""

    def __init__(self, src_dir: str) -> None:
        self.src_dir = src_dir

    def __call__(self, filename: str) -> tuple[int, str]:
        name = Path(filename).name
        return (FIRST.index(name) if name in FIRST else len(FIRST), name)

    def __repr__(self) -> str:  # sphinx-gallery's configuration is compared between builds by repr
        return f"{type(self).__name__}()"
