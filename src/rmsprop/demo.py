"""The seed document's experiment, reproduced through the library.

RMSprop with ``learning_rate=0.1``, ``decay=0.9``, ``eps=1e-8`` runs 50
iterations from ``(-4, 3)`` on ``f(x1, x2) = 5 x1^2 + 7 x2^2`` and reaches
``x1 = -0.10352260359924752``, ``x2 = 0.0025296212056016548``,
``y = 0.05362944016394148``, bit for bit. The seed's two figures are drawn
as it draws them: the 3-D surface beside the contour plot, and the path of
the iterates on the contour plot.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from . import objectives
from ._atomic import write_atomically
from ._minimize import minimize

__all__ = ["SEED_SETTINGS", "run_seed", "seed_lines", "save_seed_figures"]

#: The seed's experiment.
SEED_SETTINGS = {"x0": (-4.0, 3.0), "learning_rate": 0.1, "decay": 0.9, "eps": 1e-8, "maxiter": 50}

FIGURE_NAMES = ("surface_and_contour.png", "path_on_contour.png")


def run_seed() -> Any:
    """The seed's run as an ``OptimizeResult`` (``gtol=0``: all 50 iterations)."""
    settings = dict(SEED_SETTINGS)
    x0 = settings.pop("x0")
    return minimize(objectives.get("seed"), x0, gtol=0.0, **settings)


def seed_lines(result: Any) -> list[str]:
    """The three lines the seed prints, from a result of :func:`run_seed`."""
    x1, x2 = (float(v) for v in result.x)
    return [
        f"The optimal value of x1 is: {x1!r}",
        f"The optimal value of x2 is: {x2!r}",
        f"The optimal value of y is: {float(result.fun)!r}",
    ]


def save_seed_figures(result: Any, out_dir: str | os.PathLike) -> list[Path]:
    """Draw the seed's two figures as PNG files in ``out_dir``; return their paths.

    Each file is written to a temporary name and renamed into place, so a
    failure never leaves a half-written figure behind.
    """
    from matplotlib.figure import Figure

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    seed = objectives.get("seed")
    x1, x2 = np.meshgrid(np.arange(-5.0, 5.0, 0.1), np.arange(-5.0, 5.0, 0.1))
    y = seed.f(np.stack([x1, x2]))

    landscape = Figure(figsize=(12, 4))
    ax = landscape.add_subplot(1, 2, 1, projection="3d")
    ax.plot_surface(x1, x2, y, cmap="viridis")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_zlabel("y")
    ax.set_title("3D plot of the objective function")
    ax = landscape.add_subplot(1, 2, 2)
    ax.contour(x1, x2, y, cmap="viridis", levels=20)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title("Contour plot of the objective function")

    path_figure = Figure(figsize=(6, 6))
    ax = path_figure.add_subplot(1, 1, 1)
    ax.contour(x1, x2, y, cmap="viridis", levels=20)
    ax.plot(result.path_x[:, 0], result.path_x[:, 1], "*", markersize=7, color="dodgerblue")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(f"RMSprop Optimization path for {result.nit} iterations")

    written = []
    for figure, name in zip((landscape, path_figure), FIGURE_NAMES):
        written.append(write_atomically(out / name, lambda stream: figure.savefig(stream, format="png")))
    return written
