"""The playground's figures as Plotly figure dicts (no Plotly import: ``dcc.Graph`` takes plain dicts).

- :func:`contour_figure`: the objective's contours (evenly spaced in the level
  index, so log-spaced levels look as in :func:`rmsprop.plot.contour`), the known
  minima, and each run as a path with a marker at its head. Path traces carry
  ``meta = {"path": k}`` so the page's animation can cut them at a step.
- :func:`surface_figure`: the same in 3-D: f as a surface (height and colour in the contour's
  level coordinate, so the colours and the axis's labels are the contour's), the paths on it.
- :func:`loss_figure`: f (or the gap f - f* where f* is known) against the iteration.
- :func:`steps_figure`: RMSprop's effective per-coordinate step |dx_i| / |g_i|, which is
  lr / sqrt(e_i + eps) for the plain rule (:func:`rmsprop.plot.effective_steps`).
- :func:`table_rows`: the result table.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..plot._style import DEFAULT_CMAP
from ._compute import Picture, level_coordinate

#: The colour map of the contour and the surface: the matplotlib figures' (:mod:`rmsprop.plot`), the same way
#: up (low f dark, high f light).
COLORSCALE = DEFAULT_CMAP.capitalize()

#: RMSprop first, then one colour per baseline (Tableau 10, without the contour's greens).
COLORS = ("#d62728", "#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")
#: The legend of the main figures: a row below the plot, where it can hide no path, start or minimum
#: (issue 17: inside the axes it covered the start); the bottom margin leaves it room.
LEGEND_BELOW = {"orientation": "h", "x": 0.0, "xanchor": "left", "y": -0.12, "yanchor": "top", "font": {"size": 11}}
LEGEND_ROOM = 50


def _list(values: np.ndarray, digits: int | None = None) -> list:
    """A JSON-ready list with ``None`` for NaN (Plotly's gap), rounded to ``digits`` decimals if given."""
    values = np.asarray(values, dtype=float)
    if digits is not None:
        values = np.round(values, digits)
    return np.where(np.isfinite(values), values, None).tolist()  # type: ignore[call-overload]  # None: an object fill


def _short(value: float) -> str:
    return f"{value:.3g}"


def _colorbar(picture: Picture) -> tuple[list[int], list[str], dict]:
    """The level coordinate's ticks, their labels (f's values) and the colour bar of the contour and the surface."""
    count = len(picture.levels)
    ticks = sorted(set(np.linspace(0, count - 1, min(count, 6)).round().astype(int).tolist()))
    labels = [_short(picture.levels[k]) for k in ticks]
    colorbar = {
        "title": {"text": "f" + (" (log levels)" if picture.scale == "log" else "")},
        "tickvals": ticks,
        "ticktext": labels,
        "thickness": 12,
    }
    return ticks, labels, colorbar


def contour_figure(picture: Picture) -> dict:
    """Draw the contour plot with every run's path (see the module docstring).

    Parameters
    ----------
    picture : Picture
        What :func:`._compute.compute` made.

    Returns
    -------
    dict
        A Plotly figure: ``data`` (the contour, the minima, a path and a head per run,
        the start) and ``layout``.

    Examples
    --------
    >>> from rmsprop.playground._compute import compute
    >>> from rmsprop.playground._state import View
    >>> picture = compute(View(baselines=("adam",)))
    >>> figure = contour_figure(picture)
    >>> [(trace["type"], trace.get("name", "")) for trace in figure["data"]]
    [('contour', 'f'), ('scatter', 'minimum'), ('scatter', 'rmsprop lr=0.1 decay=0.9'), ('scatter', ''),
     ('scatter', 'adam lr=0.1 b1=0.9 b2=0.999'), ('scatter', ''), ('scatter', 'start')]
    >>> figure["data"][2]["meta"], figure["data"][2]["x"][0], figure["layout"]["title"]["text"]
    ({'path': 0}, -4.0, 'seed: 5*x1**2 + 7*x2**2')
    """
    count = len(picture.levels)
    _, _, colorbar = _colorbar(picture)
    data = [
        {
            "type": "contour",
            "x": _list(picture.xs),
            "y": _list(picture.ys),
            "z": _list(picture.level, 3),
            "contours": {"start": 0, "end": count - 1, "size": 1},
            "colorscale": COLORSCALE,
            "reversescale": False,
            "line": {"width": 0.5, "color": "rgba(255,255,255,0.5)"},
            "opacity": 0.85,
            "colorbar": colorbar,
            "hovertemplate": "x1 = %{x:.4g}<br>x2 = %{y:.4g}<extra>click: start here</extra>",
            "name": "f",
        }
    ]
    data += _marker_traces(picture, None)
    (x_lo, x_hi), (y_lo, y_hi) = picture.window
    return {
        "data": data,
        "layout": {
            "title": {"text": picture.title, "font": {"size": 14}},
            "xaxis": {"title": {"text": "x1"}, "range": [x_lo, x_hi], "constrain": "domain"},
            "yaxis": {"title": {"text": "x2"}, "range": [y_lo, y_hi]},
            "margin": {"l": 50, "r": 10, "t": 40, "b": 40 + LEGEND_ROOM},
            "hovermode": "closest",
            "clickmode": "event",
            "legend": LEGEND_BELOW,
            "uirevision": picture.view.objective,
            "meta": {"click": "plane"},  # the page's script: a click on the plot area is the new start
        },
    }


#: How far the 3-D paths float above the surface, in units of the level coordinate (one level apart).
LIFT = 0.15


def path_heights(picture: Picture, k: int) -> np.ndarray:
    """The heights of run ``k``'s path in the 3-D view: f along it in the level coordinate, lifted by :data:`LIFT`.

    Parameters
    ----------
    picture : Picture
        What :func:`._compute.compute` made (a surface).
    k : int
        The run's index.

    Returns
    -------
    numpy.ndarray
        One height per point of the path.

    Examples
    --------
    >>> from rmsprop.playground._compute import compute
    >>> from rmsprop.playground._state import View
    >>> picture = compute(View())
    >>> heights = path_heights(picture, 0)
    >>> heights.shape, bool(heights[0] > heights[-1] >= LIFT)
    ((51,), True)
    """
    return level_coordinate(picture.runs[k].fun, picture.levels) + LIFT


def surface_figure(picture: Picture) -> dict:
    """Draw f as a 3-D surface with every run's path on it (see the module docstring).

    The height and the colour are f in the contour's level coordinate
    (:func:`._compute.level_coordinate`), with the contour's colour map, so that a
    log-spaced function looks as it does in the contour; the z axis and the colour bar are
    labelled with f's values. The paths are drawn at :func:`path_heights`, a little above
    the surface. Path traces carry ``meta = {"path": k}`` and heads ``{"head": k}``, as
    in :func:`contour_figure`.

    Parameters
    ----------
    picture : Picture
        What :func:`._compute.compute` made (a surface).

    Returns
    -------
    dict
        A Plotly figure: ``data`` (the surface, the minima, a path and a head per run, the
        start) and ``layout`` (a 3-D scene).

    Examples
    --------
    >>> from rmsprop.playground._compute import compute
    >>> from rmsprop.playground._state import View
    >>> figure = surface_figure(compute(View(baselines=("adam",), display="3d")))
    >>> [(trace["type"], trace.get("name", "")) for trace in figure["data"]]
    [('surface', 'f'), ('scatter3d', 'minimum'), ('scatter3d', 'rmsprop lr=0.1 decay=0.9'), ('scatter3d', ''),
     ('scatter3d', 'adam lr=0.1 b1=0.9 b2=0.999'), ('scatter3d', ''), ('scatter3d', 'start')]
    >>> figure["data"][0]["colorscale"], figure["data"][0]["reversescale"], figure["data"][2]["meta"]
    ('Viridis', False, {'path': 0})
    """
    count = len(picture.levels)
    ticks, labels, colorbar = _colorbar(picture)
    top = count - 1 + 2 * LIFT
    data: list[dict] = [
        {
            "type": "surface",
            "x": _list(picture.xs),
            "y": _list(picture.ys),
            "z": _list(picture.level, 3),
            "cmin": 0,
            "cmax": count - 1,
            "colorscale": COLORSCALE,
            "reversescale": False,
            "opacity": 0.9,
            "colorbar": colorbar,
            "contours": {"z": {"show": True, "start": 0, "end": count - 1, "size": 1, "color": "white", "width": 1}},
            "hovertemplate": "x1 = %{x:.4g}<br>x2 = %{y:.4g}<extra>click: start here</extra>",
            "name": "f",
        }
    ]
    data += _marker_traces(picture, [path_heights(picture, k) for k in range(len(picture.runs))])
    (x_lo, x_hi), (y_lo, y_hi) = picture.window
    return {
        "data": data,
        "layout": {
            "title": {"text": picture.title, "font": {"size": 14}},
            "scene": {
                "xaxis": {"title": {"text": "x1"}, "range": [x_lo, x_hi]},
                "yaxis": {"title": {"text": "x2"}, "range": [y_lo, y_hi]},
                "zaxis": {"title": {"text": "f"}, "range": [0, top], "tickvals": ticks, "ticktext": labels},
                "aspectmode": "manual",
                "aspectratio": {"x": 1, "y": 1, "z": 0.6},
            },
            "margin": {"l": 0, "r": 0, "t": 40, "b": LEGEND_ROOM},
            "legend": LEGEND_BELOW,
            "uirevision": f"{picture.view.objective} 3d",
            "meta": {"click": "surface"},  # the page's script: a click on the surface is the new start
        },
    }


def loss_figure(picture: Picture) -> dict:
    """f, or f - f* where f* is known, against the iteration; log scale when every value is positive.

    On the log scale the y-range ends a decade above the largest starting value, so that a
    diverging run does not squash the others into a line.

    Parameters
    ----------
    picture : Picture
        What :func:`._compute.compute` made.

    Returns
    -------
    dict
        A Plotly figure, one line per run.

    Examples
    --------
    >>> from rmsprop.playground._compute import compute
    >>> from rmsprop.playground._state import View
    >>> picture = compute(View(baselines=("adam",)))
    >>> figure = loss_figure(picture)
    >>> figure["layout"]["title"]["text"], figure["layout"]["yaxis"]["type"], [line["name"] for line in figure["data"]]
    ('loss: f - f*', 'log', ['RMSprop', 'adam'])
    """
    gap = math.isfinite(picture.min_value)
    curves = [run.fun - picture.min_value if gap else run.fun for run in picture.runs]
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": run.name,
            "x": list(range(len(y))),
            "y": _list(y),
            "line": {"color": COLORS[k % len(COLORS)]},
        }
        for k, (run, y) in enumerate(zip(picture.runs, curves))
    ]
    positive = all(bool(np.all(y > 0)) for y in curves)
    name = "f - f*" if gap else "f"
    yaxis: dict[str, Any] = {
        "title": {"text": name},
        "type": "log" if positive else "linear",
        "exponentformat": "power",
    }
    if positive:
        lowest, start = min(float(y.min()) for y in curves), max(float(y[0]) for y in curves)
        if math.isfinite(lowest) and math.isfinite(start):
            yaxis["range"] = [math.log10(lowest) - 0.2, math.log10(start) + 1]
    return {
        "data": data,
        "layout": {
            "title": {"text": f"loss: {name}", "font": {"size": 13}},
            "xaxis": {"title": {"text": "iteration"}},
            "yaxis": yaxis,
            "margin": {"l": 55, "r": 10, "t": 35, "b": 40},
            "showlegend": False,
        },
    }


def steps_figure(picture: Picture) -> dict:
    """Draw RMSprop's effective step in each coordinate against the iteration, log scale.

    Parameters
    ----------
    picture : Picture
        What :func:`._compute.compute` made.

    Returns
    -------
    dict
        A Plotly figure, one line per coordinate (none when RMSprop ran no iteration).

    Examples
    --------
    >>> from rmsprop.playground._compute import compute
    >>> from rmsprop.playground._state import View
    >>> picture = compute(View(baselines=("adam",)))
    >>> figure = steps_figure(picture)
    >>> [line["name"] for line in figure["data"]], figure["layout"]["yaxis"]["type"]
    (['x1', 'x2'], 'log')
    """
    run = picture.runs[0]
    data = []
    if run.steps is not None:
        dim = run.steps.shape[1]
        for i, dash in zip(range(dim), ("solid", "dash")):
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": f"x{i + 1}" if dim > 1 else "x",
                    "x": list(range(len(run.steps))),
                    "y": _list(run.steps[:, i]),
                    "line": {"color": COLORS[0], "dash": dash},
                }
            )
    return {
        "data": data,
        "layout": {
            "title": {"text": "RMSprop's step per coordinate: |Δx_i| / |g_i|", "font": {"size": 13}},
            "xaxis": {"title": {"text": "iteration"}},
            "yaxis": {"type": "log", "exponentformat": "power"},
            "margin": {"l": 55, "r": 10, "t": 35, "b": 40},
            "legend": {"orientation": "h", "y": 1.0, "x": 1, "xanchor": "right"},
        },
    }


TABLE_COLUMNS = ("optimizer", "x1", "x2", "f(x)", "nit", "status", "to nearest minimum")


def table_rows(picture: Picture) -> list[tuple[str, ...]]:
    """Write the result table: one row per run, its settings, where it ended (full precision), and how.

    On an online problem, ``x1`` is ``x_T`` (``x2`` is empty), ``f(x)`` is ``f_T(x_T)`` and the
    distance is to the comparator ``x*``, the best point in hindsight.

    Parameters
    ----------
    picture : Picture
        What :func:`._compute.compute` made.

    Returns
    -------
    list of tuple of str
        One row per run, in the order of :data:`TABLE_COLUMNS`.

    Examples
    --------
    >>> from rmsprop.playground._compute import compute
    >>> from rmsprop.playground._state import View
    >>> picture = compute(View(baselines=("adam",)))
    >>> table_rows(picture)[0]
    ('rmsprop lr=0.1 decay=0.9', '-0.10352260359924752', '0.0025296212056016548', '0.05362944016394148', '50',
     'ran every iteration', '0.1036')
    """
    rows: list[tuple[str, ...]] = []
    for run in picture.runs:
        end = [repr(float(v)) for v in run.x[-1]] + [""]  # a 1-D problem's x2 is empty
        distance = "unknown" if math.isnan(run.distance) else f"{run.distance:.4g}"
        rows.append(
            (
                run.label,
                end[0],
                end[1],
                repr(float(run.fun[-1])),
                str(run.nit),
                run.status_text,
                distance,
            )
        )
    return rows


#: The markers' styles on the contour and on the 3-D surface: the minimum, a path's line and
#: points, its head, the start.
_MARKER_STYLES = {
    "scatter": {
        "minimum": {"symbol": "star", "size": 14, "color": "gold", "line": {"color": "black", "width": 1}},
        "line": 2,
        "points": 4,
        "head": 11,
        "start": {"symbol": "circle-open", "size": 14, "color": "black", "line": {"width": 2}},
    },
    "scatter3d": {
        "minimum": {"symbol": "diamond", "size": 6, "color": "gold", "line": {"color": "black", "width": 1}},
        "line": 5,
        "points": 2,
        "head": 6,
        "start": {"symbol": "circle-open", "size": 8, "color": "black"},
    },
}


def _marker_traces(picture, heights: list | None) -> list[dict]:
    """The minima, each run's path and head, and the start: on the contour, or at ``heights`` (per run) in 3-D."""
    kind = "scatter" if heights is None else "scatter3d"
    style = _MARKER_STYLES[kind]

    def at(points: np.ndarray, z: Any = None) -> dict:
        xyz = {"x": _list(points[:, 0]), "y": _list(points[:, 1])}
        return xyz if heights is None else {**xyz, "z": _list(z)}

    data: list[dict] = []
    if len(picture.minima):
        minima = at(picture.minima, [LIFT] * len(picture.minima))
        data.append(
            {
                "type": kind,
                "mode": "markers",
                "name": "minimum",
                **minima,
                "hoverinfo": "skip",
                "marker": style["minimum"],
            }
        )
    for k, run in enumerate(picture.runs):
        color = COLORS[k % len(COLORS)]
        z = None if heights is None else heights[k]
        data.append(
            {
                "type": kind,
                "mode": "lines+markers",
                "name": run.label,
                "legendgroup": run.name,
                **at(run.x, z),
                "meta": {"path": k},
                "line": {"color": color, "width": style["line"]},
                "marker": {"size": style["points"], "color": color},
                "hovertemplate": f"{run.name}<br>iteration %{{pointNumber}}<br>x1 = %{{x:.6g}}<br>x2 = %{{y:.6g}}<extra></extra>",
            }
        )
        data.append(
            {
                "type": kind,
                "mode": "markers",
                "showlegend": False,
                "legendgroup": run.name,
                "hoverinfo": "skip",
                **at(run.x[-1:], None if z is None else z[-1:]),
                "meta": {"head": k},
                "marker": {"size": style["head"], "color": color, "line": {"color": "white", "width": 2}},
            }
        )
    start = np.array([picture.view.start])
    start_z = None if heights is None else heights[0][:1]
    data.append(
        {
            "type": kind,
            "mode": "markers",
            "name": "start",
            **at(start, start_z),
            "hoverinfo": "skip",
            "marker": style["start"],
        }
    )
    return data
