"""Figures of objectives and optimizer runs: surfaces, contours, paths, losses, step sizes, animations.

Every function draws with matplotlib and returns the :class:`~matplotlib.figure.Figure`
(:func:`animate` returns the path it wrote). The figures are plain ``Figure``
objects with an Agg canvas, not managed by pyplot: they never open a window,
never pile up in pyplot's list, and show themselves in Jupyter when returned.
To draw into a pyplot figure instead (to call ``plt.show()``), pass ``ax=``::

    fig, ax = plt.subplots()
    rmsprop.plot.paths("seed", result, ax=ax)
    plt.show()

``save=`` writes the figure as PNG, SVG or PDF, chosen by the suffix, atomically
(a temporary file in the same folder, renamed into place: a failure never leaves
a half-written file); ``dpi=`` sets the resolution of the figure and of the file.

A *run* is the :class:`rmsprop.OptimizeResult` of :func:`rmsprop.minimize`
(it has the trajectory ``path_x``, ``path_fun``, ``path_jac`` and the optimizer's
``settings``). ``runs`` is one result, a list of results or a dict
``label -> result``; legends name each run by its settings (:func:`settings_label`,
e.g. ``"rmsprop lr=0.1 decay=0.9"``) unless ``labels=`` are given. A result of
:func:`rmsprop.minimize_many` with ``trajectories=True`` counts as one run per row
(``"run [i]"``; it records no gradients, so it has no step sizes). An
*objective* is an :class:`rmsprop.objectives.Objective`, a catalogue name (``"rosenbrock"``), a
formula (``"(1 - x)**2 + 100*(y - x**2)**2"``, read by :func:`rmsprop.objectives.from_expression`,
never run) or a Python function ``f(x)`` with ``domain=((x1_lo, x1_hi), (x2_lo, x2_hi))``
(:meth:`rmsprop.objectives.Objective.from_function`).

Legends are placed, once the figure is laid out, where they cover no iterate, start, end or
minimum (inside the axes if a corner or side is clear, else below them); contours have equal
aspect (x1 and x2 share their unit) unless the window is much longer than high; ``save=`` cuts
the file to the drawing (no blank margins); the default window holds the objective's domain
and every path (up to a diverging run).

:func:`minibatch_paths` draws runs on a finite sum (:class:`rmsprop.objectives.FiniteSum`): the
noisy minibatch paths beside the full-batch path on the full objective's contours, and each
run's full loss over its batches' losses.

:func:`sweep_heatmap` draws a sweep (:func:`rmsprop.sweep.sweep`): the median final loss (or
another aggregate of a column) over the starts, per learning rate and decay, best cell starred.

matplotlib is imported when a function is called, not when this package is.
When no backend was chosen and there is no display (Linux without ``DISPLAY``
or ``WAYLAND_DISPLAY``), matplotlib is switched to Agg first.
"""

# One module per idea; each imports only what it needs of the others, matplotlib only inside functions.
#   _figure.py         new figures, a given Axes, dpi and pixel limits, save= (atomic)
#   _labels.py         legend texts (settings_label), numbers, titles
#   _style.py          colour map, markers, z-order of layers, the runs' colours
#   _legend.py         legends placed clear of the points drawn, once the figure is laid out
#   _runs.py           the objective and the runs a figure is given, checked and labelled
#   _grid.py           the window, the sampling grid and the contour levels
#   _contour.py        contours, minima, gradient field on an Axes; contour()
#   _surface.py        the 3-D surface; surface()
#   _paths.py          runs over the contours and their legend; paths()
#   _loss.py           f or f - f* per iteration; loss()
#   _steps.py          effective per-coordinate steps; effective_steps(), step_sizes()
#   _panel.py          surface, paths, loss and step sizes in one figure; panel()
#   _minibatch.py      minibatch runs beside full-batch ones: paths, batch and full losses; minibatch_paths()
#   _animation.py      animate() to .gif or .mp4
#   _sweep_heatmap.py  a sweep's aggregate per setting; sweep_heatmap()

from __future__ import annotations

from ._animation import ANIMATION_SUFFIXES, animate
from ._contour import contour
from ._figure import FIGURE_SUFFIXES
from ._figure import MAX_PIXELS as MAX_PIXELS
from ._grid import LOG_LEVELS_DECADES as LOG_LEVELS_DECADES
from ._grid import MAX_LEVELS as MAX_LEVELS
from ._grid import contour_grid as contour_grid  # not in __all__: the playground's grid is this one
from ._grid import contour_levels
from ._labels import settings_label
from ._loss import loss
from ._minibatch import minibatch_paths
from ._panel import panel
from ._paths import paths
from ._steps import effective_steps, step_sizes
from ._surface import surface
from ._sweep_heatmap import sweep_heatmap

__all__ = [
    "surface",
    "contour",
    "paths",
    "loss",
    "step_sizes",
    "panel",
    "minibatch_paths",
    "animate",
    "sweep_heatmap",
    "settings_label",
    "effective_steps",
    "contour_levels",
    "FIGURE_SUFFIXES",
    "ANIMATION_SUFFIXES",
]
