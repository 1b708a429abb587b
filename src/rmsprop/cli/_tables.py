"""The Rich tables the commands print (Rich is imported when a table is made)."""

from __future__ import annotations

import math

import numpy as np
import typer


def print_tables(*tables) -> None:
    """Print ``tables`` (or text) on stdout through Rich, readable at the console's width.

    A table's columns get widths that keep every word and number whole
    (:func:`fit_columns`); a table that cannot, even so, is printed as one block per row
    (:func:`as_records`). Where stdout is not a terminal (piped, redirected), tables have no
    box-drawing characters and nothing has colour. Text is never read as Rich markup, so a
    formula's ``[...]`` stays as it is.

    Parameters
    ----------
    *tables : rich.table.Table or str
        What to print, in order.

    Examples
    --------
    >>> print_tables("Wrote [path].png")
    Wrote [path].png
    """
    from rich.console import Console
    from rich.table import Table

    console = Console(markup=False, emoji=False)
    for table in tables:
        if isinstance(table, Table):
            if not console.is_terminal:
                table.box = None
            if not fit_columns(table, console.width):
                table = as_records(table)
        if console.is_terminal:
            console.print(table)
        else:  # plain lines, without the spaces that pad them to the width
            with console.capture() as captured:
                console.print(table)
            typer.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))


def _cells(column) -> list[str]:
    return [str(column.header), *(str(cell) for cell in column.cells)]


def fit_columns(table, width: int) -> bool:
    """Give the table's columns widths within ``width`` that break no word or number; whether that is possible.

    Each column gets at least its longest word (a cell breaks only at spaces); the width
    left goes to the columns that need the least more to show their longest cell on one line,
    so that short columns stay on one line and the long ones wrap.

    Parameters
    ----------
    table : rich.table.Table
        A table of text cells, with its box (or ``None``) and padding set; its columns'
        ``width`` are set when it fits.
    width : int
        The console's width.

    Returns
    -------
    bool
        Whether the table fits; when not, it is left unchanged.

    Examples
    --------
    >>> from rich.table import Table
    >>> table = Table("name", "value")
    >>> table.add_row("seed", "-0.10352260359924752")
    >>> fit_columns(table, 40), [column.width for column in table.columns]
    (True, [4, 20])
    >>> fit_columns(table, 30)  # 24 characters of words and 7 of borders and padding
    False
    >>> fit_columns(Table("a long heading", "another long heading"), 20)
    False
    """
    columns = table.columns
    _, right, _, left = table.padding  # Rich's order: top, right, bottom, left
    overhead = (left + right) * len(columns)  # the padding either side of every cell
    if table.box is not None:
        overhead += len(columns) + 1 if table.show_edge else len(columns) - 1
    lowest = [max(len(word) for cell in _cells(column) for word in cell.split() or [""]) for column in columns]
    longest = [max(len(line) for cell in _cells(column) for line in cell.splitlines() or [""]) for column in columns]
    spare = width - overhead - sum(lowest)
    if spare < 0:
        return False
    widths = list(lowest)
    for i in sorted(range(len(columns)), key=lambda i: longest[i] - lowest[i]):  # the least needy first, whole
        given = min(longest[i] - lowest[i], spare)
        widths[i] += given
        spare -= given
    for column, fitted in zip(columns, widths):
        column.width, column.overflow = max(fitted, 1), "fold"
    return True


def as_records(table):
    """The table as one block per row, for a console too narrow for its columns: the row's first cell, then
    ``heading: value`` pairs.

    Parameters
    ----------
    table : rich.table.Table
        A table of text cells.

    Returns
    -------
    rich.console.Group
        The title, then a bold line per row and its other cells, indented, wrapped at spaces.

    Examples
    --------
    >>> from rich.console import Console
    >>> from rich.table import Table
    >>> table = Table("flavor", "eps", "decay", title="Flavors")
    >>> table.add_row("torch", "outside", "0.99")
    >>> Console(width=40).print(as_records(table))
    Flavors
    torch
      eps: outside, decay: 0.99
    """
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    columns = table.columns
    blocks = [Text(str(table.title))] if table.title else []
    for row in range(table.row_count):
        cells = [_cells(column)[row + 1] for column in columns]
        pairs = ", ".join(f"{column.header}: {cell}" for column, cell in zip(columns[1:], cells[1:]))
        blocks += [Text(cells[0], style="bold"), Padding(Text(pairs), (0, 0, 0, 2), expand=False)]
    if table.caption:
        blocks.append(Text(str(table.caption)))
    return Group(*blocks)


def flavor_facts():
    """How the flavors differ: one row per flavor.

    Returns
    -------
    rich.table.Table
        The columns of :data:`rmsprop.compat.FLAVOR_COLUMNS`.

    Examples
    --------
    >>> table = flavor_facts()
    >>> table.row_count, [column.header for column in table.columns][:4]
    (9, ['flavor', 'library', 'eps', 'e0'])
    >>> list(table.columns[2].cells)[:3]
    ['in sqrt', 'outside', 'in sqrt']
    """
    from rich.table import Table

    from ..compat import FLAVOR_COLUMNS, FLAVOR_FACTS

    facts = Table(*FLAVOR_COLUMNS, title="RMSprop flavors (* configurable; lr '-': no default)")
    for name, row in FLAVOR_FACTS.items():
        facts.add_row(
            name,
            *("-" if value is None else f"{value:g}" if isinstance(value, float) else str(value) for value in row),
        )
    return facts


def flavor_runs(results: dict, lr: float, steps: int):
    """Where each flavor takes the seed's problem, and how far from the seed's answer.

    Parameters
    ----------
    results : dict
        ``{flavor: (x1, x2, f)}`` of :func:`rmsprop.compat.seed_comparison`.
    lr : float
        The learning rate they ran at, for the title.
    steps : int
        The steps they ran, for the title.

    Returns
    -------
    rich.table.Table
        One row per flavor: ``x1``, ``x2``, ``f(x)`` and the distance from the seed's ``x`` (the
        flavors' libraries are in :func:`flavor_facts`).

    Examples
    --------
    >>> from rmsprop.compat import seed_comparison
    >>> table = flavor_runs(seed_comparison(0.1, 3), 0.1, 3)
    >>> [list(column.cells)[1] for column in table.columns]
    ['torch', '-1.96272185927', '1.0689948969', '27.2606', '1.8']
    """
    from rich.table import Table

    x1_seed, x2_seed, _ = results["seed"]
    runs = Table(title=f"The seed's problem, {steps} steps from (-4, 3), lr={lr}, each flavor's other defaults")
    for column in ("flavor", "x1", "x2", "f(x)", "from seed"):
        runs.add_column(column, justify="left" if column == "flavor" else "right")
    for name, (x1, x2, f) in results.items():
        distance = math.hypot(x1 - x1_seed, x2 - x2_seed)
        runs.add_row(name, f"{x1:.12g}", f"{x2:.12g}", f"{f:.6g}", f"{distance:.3g}")
    return runs


def catalogue():
    """The objectives: formula, dimension, minima, window and start.

    Returns
    -------
    rich.table.Table
        One row per catalogue objective (at most four minimisers shown).

    Examples
    --------
    >>> table = catalogue()
    >>> [list(column.cells)[0] for column in table.columns]
    ['seed', '2', '5*x1**2 + 7*x2**2', '0', '(0, 0)', '[-5, 5] x [-5, 5]', '(-4, 3)']
    """
    from rich.table import Table

    from .. import objectives

    table = Table(title="Objectives (use the name with --objective; or type a formula)")
    for column in ("name", "dim", "formula", "minimum f", "minimisers", "window", "start"):
        table.add_column(column)
    for name in objectives.names():
        o = objectives.get(name)
        minima = "; ".join("(" + ", ".join(f"{v:.4g}" for v in m) + ")" for m in o.minima[:4])
        if len(o.minima) > 4:
            minima += f"; ... ({len(o.minima)} in all)"
        window = " x ".join(f"[{lo:g}, {hi:g}]" for lo, hi in o.domain)
        table.add_row(
            name,
            str(o.dim),
            o.formula,
            f"{o.min_value:g}",
            minima or "none",
            window,
            "(" + ", ".join(f"{v:g}" for v in o.start) + ")",
        )
    return table


def run_result(objective, result, distance: float):
    """One run: where it ended, how, and with which settings.

    Parameters
    ----------
    objective : Objective
        The objective, for the title.
    result : OptimizeResult
        A result of :func:`rmsprop.minimize`.
    distance : float
        Its distance to the nearest known minimum.

    Returns
    -------
    rich.table.Table
        Two columns, a row per fact.

    Examples
    --------
    >>> from rmsprop import minimize, objectives
    >>> seed = objectives.get("seed")
    >>> result = minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0)
    >>> table = run_result(seed, result, 0.1035)
    >>> table.title
    'RMSprop on seed: f = 5*x1**2 + 7*x2**2'
    >>> dict(zip(table.columns[0].cells, table.columns[1].cells))["settings"]
    'rmsprop lr=0.1 decay=0.9'
    """
    from rich.table import Table

    from ..plot._labels import objective_title, settings_label  # the figures' words, without the figures

    table = Table(title=f"RMSprop on {objective_title(objective, limit=60)}", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    table.add_row("x", ", ".join(repr(float(v)) for v in result.x))
    table.add_row("f(x)", repr(float(result.fun)))
    table.add_row("iterations", str(result.nit))
    table.add_row("status", f"{result.status} ({'success' if result.success else 'not converged'})")
    table.add_row("message", result.message)
    table.add_row("distance to nearest known minimum", "unknown" if math.isnan(distance) else f"{distance:.6g}")
    table.add_row("settings", settings_label(result.settings))
    noise = result.get("noise")
    if noise is not None:
        kind = "relative" if noise["relative"] else "absolute"
        table.add_row("gradient noise", f"{kind}, scale {noise['scale']:g}, seed {noise['seed']}")
    return table


def comparison(objective, start, maxiter: int, runs: dict, distances: dict):
    """One row per optimizer: its rate, where it ended, how far from a minimum.

    Parameters
    ----------
    objective : Objective
        The objective, for the title.
    start : list of float
        The start, for the title.
    maxiter : int
        The iteration limit, for the title.
    runs : dict
        ``{optimizer: OptimizeResult}``.
    distances : dict
        ``{optimizer: distance to the nearest known minimum}``.

    Returns
    -------
    rich.table.Table
        One row per optimizer.

    Examples
    --------
    >>> from rmsprop import minimize, objectives
    >>> seed = objectives.get("seed")
    >>> result = minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0)
    >>> table = comparison(seed, [-4.0, 3.0], 50, {"rmsprop": result}, {"rmsprop": 0.1035})
    >>> table.title, [list(column.cells)[0] for column in table.columns]
    ('seed from (-4, 3), 50 iterations at most', ['rmsprop', '0.1', '0.0536294', '50', '1', '0.103'])
    """
    from rich.table import Table

    table = Table(title=f"{objective.name} from ({', '.join(f'{v:g}' for v in start)}), {maxiter} iterations at most")
    for column in ("optimizer", "lr", "final f", "iterations", "status", "to minimum"):
        table.add_column(column, justify="left" if column == "optimizer" else "right")
    for name, result in runs.items():
        table.add_row(
            name,
            f"{result.settings['learning_rate']:.3g}",
            f"{result.fun:.6g}",
            str(result.nit),
            str(result.status),
            "unknown" if math.isnan(distances[name]) else f"{distances[name]:.3g}",
        )
    return table


def sweep_best(objective, table, settings: int):
    """The best setting of a sweep (lowest median final f) and how its runs went.

    Parameters
    ----------
    objective : Objective
        The objective, for the title.
    table : SweepTable
        The sweep's table (:func:`rmsprop.sweep.sweep`).
    settings : int
        The number of settings in the grid.

    Returns
    -------
    rich.table.Table
        Two columns: the best setting's values, its median final f, how many runs reached
        ``gtol`` and their median iterations.

    Examples
    --------
    >>> from rmsprop import objectives
    >>> from rmsprop.sweep import sweep
    >>> seed = objectives.get("seed")
    >>> grid = {"learning_rate": [0.01, 0.1], "decay": [0.9], "flavor": ["torch"]}
    >>> shown = sweep_best(seed, sweep(seed, grid, 2, maxiter=20, seed=0), 2)
    >>> for name, value in zip(shown.columns[0].cells, shown.columns[1].cells):
    ...     print(f"{name}: {value}")
    learning_rate: 0.1
    decay: 0.9
    flavor: torch
    median f over 2 starts: 29.556901276007597
    reached gtol: 0 of 2 runs
    why: no run of 4 reached the tolerance (gtol): ... use a decaying schedule (rmsprop.schedules, ...
    median iterations: 20
    """
    from rich.table import Table

    runs_per_setting = len(table) // settings
    best = table.best(value="fun", aggregate="median")
    rows = np.asarray(table["combination"]) == best["combination"]
    reached = int(np.count_nonzero(np.asarray(table["status"])[rows] == 0))
    shown = Table(title=f"{objective.name}: the best of {settings} settings", show_header=False)
    shown.add_column("", style="bold")
    shown.add_column("")
    for name in table.names:
        setting = best[name]
        shown.add_row(name, repr(float(setting)) if isinstance(setting, (float, np.floating)) else str(setting))
    shown.add_row(f"median f over {runs_per_setting} starts", repr(float(np.median(np.asarray(table["fun"])[rows]))))
    shown.add_row("reached gtol", f"{reached} of {int(np.count_nonzero(rows))} runs")
    note = table.tolerance_note() if reached == 0 else None
    if note:
        shown.add_row("why", note)
    shown.add_row("median iterations", f"{float(np.median(np.asarray(table['nit'])[rows])):g}")
    return shown
