"""The RMSprop playground: a page in the browser to click a start point, move the sliders and watch.

Start it with ``rmsprop playground`` (or :func:`serve`); it needs Dash, the
``playground`` extra: ``python -m pip install "rmsprop[playground]"``.

- :mod:`._rule_controls`: which of the rule's options (:class:`rmsprop.Settings`' fields) the
  page shows, and how; their labels, help, defaults and checks come from the fields.
- :mod:`._state`: the view (objective, start, maxiter, flavor, baselines, the rule's options)
  as one checked value; :mod:`._url`: its URL query, so a view can be shared and reloaded.
- :mod:`._controls`, :mod:`._layout`: the page's controls, both ways, and the page.
- :mod:`._problems`: the online problems of :mod:`rmsprop.reproduce` the page runs (1-D).
- :mod:`._compute`: the numbers of a view (grid, runs, losses, step sizes), with its work capped.
- :mod:`._figures`: those numbers as Plotly figure dicts (contour or 3-D surface) and a table;
  :mod:`._online_figures`: an online problem's (``x_t`` against ``t``, the average regret).
- :mod:`._app`: the Dash layout and callbacks; ``assets/`` holds the page's script and style.
- :mod:`._server`: serving it on a host and port until Ctrl-C, from one process or,
  through :mod:`._gunicorn`, from one worker process per CPU.
"""

from ._server import can_fork_workers, default_workers, serve


def create_app():
    """Make the playground's :class:`dash.Dash` app (its Flask server is ``app.server``).

    Returns
    -------
    dash.Dash
        The app, warmed up (see :func:`._app.warm_up`). Needs Dash: an ImportError
        without it.

    Examples
    --------
    >>> from dash import Dash
    >>> app = create_app()
    >>> isinstance(app, Dash), app.title
    (True, 'RMSprop playground')
    >>> app.server.test_client().get("/").status_code
    200
    """
    from ._app import create_app as create

    return create()


__all__ = ["can_fork_workers", "create_app", "default_workers", "serve"]
