"""The seed document's experiment, reproduced through the library.

RMSprop with ``learning_rate=0.1``, ``decay=0.9``, ``eps=1e-8`` runs 50
iterations from ``(-4, 3)`` on ``f(x1, x2) = 5 x1^2 + 7 x2^2`` and reaches
``x1 = -0.10352260359924752``, ``x2 = 0.0025296212056016548``,
``y = 0.05362944016394148``, bit for bit. The seed's two figures are drawn
as it draws them: the 3-D surface beside the contour plot, and the path of
the iterates on the contour plot.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import numpy as np

from . import objectives
from ._atomic import write_atomically
from ._minimize import minimize

__all__ = ["SEED_SETTINGS", "run_seed", "seed_lines", "save_seed_figures"]

#: The seed's experiment.
SEED_SETTINGS: dict[str, Any] = {"x0": (-4.0, 3.0), "learning_rate": 0.1, "decay": 0.9, "eps": 1e-8, "maxiter": 50}

FIGURE_NAMES = ("surface_and_contour.png", "path_on_contour.png")


def run_seed() -> Any:
    """Run the seed's experiment: :data:`SEED_SETTINGS` on the seed objective, all 50 iterations.

    Returns
    -------
    rmsprop.OptimizeResult
        The result of :func:`rmsprop.minimize` with ``gtol=0`` (so every iteration
        runs), trajectory included.

    Examples
    --------
    >>> result = run_seed()
    >>> result.nit, float(result.fun)
    (50, 0.05362944016394148)
    >>> [float(v) for v in result.x]
    [-0.10352260359924752, 0.0025296212056016548]
    """
    settings = dict(SEED_SETTINGS)
    x0 = settings.pop("x0")
    return minimize(objectives.get("seed"), x0, gtol=0.0, **settings)


def seed_lines(result: Any) -> list[str]:
    """Return the three lines the seed prints, from a result of :func:`run_seed`.

    Parameters
    ----------
    result : rmsprop.OptimizeResult
        A result of :func:`run_seed` (any result of a 2-D run: ``x`` and ``fun``).

    Returns
    -------
    list of str
        The values of x1, x2 and y, each as ``repr`` of the float (every digit).

    Examples
    --------
    >>> for line in seed_lines(run_seed()):
    ...     print(line)
    The optimal value of x1 is: -0.10352260359924752
    The optimal value of x2 is: 0.0025296212056016548
    The optimal value of y is: 0.05362944016394148
    """
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

    Parameters
    ----------
    result : rmsprop.OptimizeResult
        A result of :func:`run_seed` (its ``path_x`` and ``nit`` are drawn).
    out_dir : str or os.PathLike
        The folder to write to; created, with its parents, if missing.

    Returns
    -------
    list of pathlib.Path
        ``out_dir / "surface_and_contour.png"`` (the 3-D surface beside the contour
        plot) and ``out_dir / "path_on_contour.png"`` (the iterates on the contour
        plot): :data:`FIGURE_NAMES`.

    Raises
    ------
    OSError
        If ``out_dir`` cannot be created (a file of that name is in the way, no
        permission).
    ValueError
        If a figure cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = save_seed_figures(run_seed(), Path(folder, "figures"))
    ...     print([path.name for path in written], [path.read_bytes()[:4] for path in written])
    ['surface_and_contour.png', 'path_on_contour.png'] [b'\x89PNG', b'\x89PNG']
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
    ax.set_aspect("equal")  # x1 and x2 share their unit
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title("Contour plot of the objective function")

    path_figure = Figure(figsize=(6, 6))
    ax = path_figure.add_subplot(1, 1, 1)
    ax.contour(x1, x2, y, cmap="viridis", levels=20)
    ax.plot(result.path_x[:, 0], result.path_x[:, 1], "*", markersize=7, color="dodgerblue")
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(f"RMSprop Optimization path for {result.nit} iterations")

    written = []
    for figure, name in zip((landscape, path_figure), FIGURE_NAMES):
        written.append(  # cut to the drawing: no blank margins
            write_atomically(out / name, functools.partial(figure.savefig, format="png", bbox_inches="tight"))
        )
    return written
