"""The figures of an online problem (1-D, no surface to draw), as Plotly figure dicts.

- :func:`iterates_figure`: ``x_t`` against ``t`` for every run, in the problem's box, with the
  comparator ``x*`` (the best point in hindsight) as a dashed line. Its path traces carry
  ``meta = {"path": k}`` (and heads ``{"head": k}``), as the contour's, so the page's animation
  cuts them at a step: the points are ``(t, x_t)``.
- :func:`regret_figure`: the average regret ``R_t / t`` against ``t`` (Reddi et al. 2018,
  Figure 1): it goes to 0 for an optimizer that converges in the online sense.

A run's path is finite (:func:`._compute.compute` cuts it at its last finite point), so the
lists are plain floats.
"""

from __future__ import annotations

from ._compute import Picture
from ._figures import COLORS, LEGEND_BELOW, LEGEND_ROOM

__all__ = ["iterates_figure", "regret_figure"]


def iterates_figure(picture: Picture) -> dict:
    """Draw ``x_t`` against ``t`` for every run of an online problem, with the comparator ``x*``.

    Parameters
    ----------
    picture : Picture
        What :func:`._compute.compute` made for an online problem.

    Returns
    -------
    dict
        A Plotly figure: a path and a head per run, then ``x*``; the y range is the box.

    Examples
    --------
    >>> from rmsprop.playground._compute import compute
    >>> from rmsprop.playground._state import View
    >>> picture = compute(View(objective="reddi2018-theorem1", maxiter=30, baselines=("amsgrad",)))
    >>> figure = iterates_figure(picture)
    >>> [(trace["name"], trace.get("meta")) for trace in figure["data"]]
    [('rmsprop lr=0.1 decay=0.9', {'path': 0}), ('', {'head': 0}), ('amsgrad lr=0.1 b1=0.9 b2=0.999', {'path': 1}),
     ('', {'head': 1}), ('x* = -1 (best in hindsight)', None)]
    >>> figure["data"][0]["x"][:3], figure["layout"]["yaxis"]["range"]
    ([0, 1, 2], [-1.05, 1.05])
    """
    data: list[dict] = []
    for k, run in enumerate(picture.runs):
        color = COLORS[k % len(COLORS)]
        steps = list(range(len(run.x)))
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": run.label,
                "legendgroup": run.name,
                "x": steps,
                "y": run.x[:, 0].tolist(),
                "meta": {"path": k},
                "line": {"color": color, "width": 1.5},
                "hovertemplate": f"{run.name}<br>t = %{{x}}<br>x_t = %{{y:.6g}}<extra></extra>",
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "",
                "showlegend": False,
                "legendgroup": run.name,
                "hoverinfo": "skip",
                "x": steps[-1:],
                "y": run.x[-1:, 0].tolist(),
                "meta": {"head": k},
                "marker": {"size": 10, "color": color, "line": {"color": "white", "width": 2}},
            }
        )
    (t_lo, t_hi), (lo, hi) = picture.window
    margin = 0.025 * (hi - lo)
    for point in picture.minima[:, 0].tolist():
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"x* = {point:g} (best in hindsight)",
                "x": [t_lo, t_hi],
                "y": [point, point],
                "hoverinfo": "skip",
                "line": {"color": "black", "dash": "dash", "width": 1},
            }
        )
    return {
        "data": data,
        "layout": {
            "title": {"text": picture.title, "font": {"size": 14}},
            "xaxis": {"title": {"text": "t"}, "range": [t_lo, t_hi]},
            "yaxis": {"title": {"text": "x_t"}, "range": [lo - margin, hi + margin]},
            "margin": {"l": 50, "r": 10, "t": 40, "b": 40 + LEGEND_ROOM},
            "hovermode": "closest",
            "legend": LEGEND_BELOW,
            "uirevision": picture.view.objective,
        },
    }


def regret_figure(picture: Picture) -> dict:
    """Draw the average regret ``R_t / t`` of every run of an online problem against ``t``.

    Parameters
    ----------
    picture : Picture
        What :func:`._compute.compute` made for an online problem.

    Returns
    -------
    dict
        A Plotly figure, one line per run (the runs' ``regret``).

    Examples
    --------
    >>> from rmsprop.playground._compute import compute
    >>> from rmsprop.playground._state import View
    >>> figure = regret_figure(compute(View(objective="reddi2018-theorem1", maxiter=30)))
    >>> figure["layout"]["title"]["text"], [line["name"] for line in figure["data"]], len(figure["data"][0]["y"])
    ('average regret R_t / t', ['RMSprop'], 31)
    """
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": run.name,
            "x": list(range(1, len(run.regret) + 1)),
            "y": run.regret.tolist(),
            "line": {"color": COLORS[k % len(COLORS)]},
        }
        for k, run in enumerate(picture.runs)
        if run.regret is not None
    ]
    return {
        "data": data,
        "layout": {
            "title": {"text": "average regret R_t / t", "font": {"size": 13}},
            "xaxis": {"title": {"text": "t"}, "type": "log"},
            "yaxis": {"title": {"text": "R_t / t"}},
            "margin": {"l": 55, "r": 10, "t": 35, "b": 40},
            "showlegend": False,
        },
    }
