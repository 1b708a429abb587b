"""``rmsprop reproduce``: a published result run again, its numbers beside ours, its figure written."""

from __future__ import annotations

from pathlib import Path

import typer

from . import _tables as tables
from ._app import app, examples, fail


def report_table(report):
    """The table of a reproduction: quantity, published, ours, agrees, note.

    Parameters
    ----------
    report : rmsprop.reproduce.Report
        A reproduction's report.

    Returns
    -------
    rich.table.Table
        One row per :class:`~rmsprop.reproduce.Row`, titled with the report's title.

    Examples
    --------
    >>> from rmsprop import reproduce
    >>> table = report_table(reproduce.get("seed").run())
    >>> table.row_count, [column.header for column in table.columns]
    (3, ['quantity', 'published', 'ours', 'agrees', 'note'])
    """
    from rich.table import Table

    table = Table(title=report.title, caption=report.source)
    for column in ("quantity", "published", "ours", "agrees", "note"):
        table.add_column(column, overflow="fold")
    for row in report.rows:
        table.add_row(row.quantity, row.published, row.ours, "yes" if row.agrees else "NO", row.note)
    return table


@app.command(
    epilog=examples("rmsprop reproduce --list", "rmsprop reproduce seed", "rmsprop reproduce shi2021 --out figures"),
)
def reproduce(
    name: str = typer.Argument(None, help="The reproduction to run (see --list)."),
    list_entries: bool = typer.Option(False, "--list", help="List the reproductions and exit."),
    out: Path = typer.Option(
        Path("."), "--out", help="The folder to write NAME.png into (created if missing; default: here)."
    ),
) -> None:
    """Run a published result again: print the source's numbers beside ours, write the figure.
    \f

    A Typer command. ``--list`` lists :data:`rmsprop.reproduce.ENTRIES`; ``NAME`` runs one and
    writes ``OUT/NAME.png`` atomically. An unknown name, a missing one, or an ``--out`` that is a
    file is a one-line error (exit status 2).

    Examples
    --------
    >>> from typer.testing import CliRunner
    >>> result = CliRunner().invoke(app, ["reproduce", "--list"])
    >>> "reddi2018" in result.stdout, result.exit_code
    (True, 0)
    """
    from .. import reproduce as reproductions

    if list_entries:
        from rich.table import Table

        table = Table(title="Reproductions (rmsprop reproduce NAME)")
        table.add_column("name")
        table.add_column("what")
        for entry in reproductions.ENTRIES.values():
            table.add_row(entry.name, entry.summary)
        tables.print_tables(table)
        return
    if name is None:
        fail(f"give a NAME to reproduce ({', '.join(reproductions.names())}) or --list")
    try:
        entry = reproductions.get(name)
    except ValueError as error:
        fail(str(error))
    folder = out.expanduser()
    if folder.exists() and not folder.is_dir():
        fail(f"--out must be a folder; {str(folder)!r} is a file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"--out: cannot make the folder {str(folder)!r}: {error.strerror or error}")
    from ._inputs import output, save_figure

    figure = output(folder / f"{entry.name}.png", "--out", (".png",))
    report = entry.run()
    save_figure(report.draw, figure)
    tables.print_tables(report_table(report), f"Wrote {figure}")
