"""``rmsprop sweep`` (in this process, through the ``cli`` fixture of tests/conftest.py), and ``rmsprop.plot.sweep_heatmap``.

The best settings the command prints are checked against an independent computation: every run
of the small grid is run again with ``rmsprop.minimize`` from the start the table records.
"""

import csv
import re

import numpy as np
import pytest
from PIL import Image

import rmsprop
from rmsprop import plot

pytest.importorskip("rmsprop.sweep")


def read_csv(path):
    with open(path) as stream:
        return list(csv.DictReader(stream))


def printed(stdout: str) -> dict:
    """The rows of the table of best settings (piped: plain, its columns apart by two spaces or more): name -> text."""
    rows = {}
    for line in stdout.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) == 2 and cells[0]:
            rows[cells[0]] = cells[1]
    return rows


# --------------------------------------------------------------------------------------------- the command

SMALL = [
    "sweep",
    "--objective",
    "seed",
    "--lr",
    "1e-2:1:3:log",
    "--decay",
    "0.5,0.9",
    "--starts",
    "5",
    "--maxiter",
    "60",
    "--gtol",
    "1e-3",
    "--seed",
    "7",
]


def test_a_small_sweep_writes_the_table_and_the_heatmap_and_prints_the_best(cli, tmp_path):
    out = tmp_path / "sweep"
    done = cli(*SMALL, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    rows = read_csv(out / "sweep.csv")
    assert len(rows) == 3 * 2 * 5
    with Image.open(out / "heatmap.png") as image:
        assert image.format == "PNG" and image.width > 300 and image.height > 300
    assert f"Wrote {out / 'sweep.csv'}" in done.stdout and f"Wrote {out / 'heatmap.png'}" in done.stdout

    rates = sorted({float(row["learning_rate"]) for row in rows})
    assert np.allclose(rates, [0.01, 0.1, 1.0], rtol=1e-12)
    assert sorted({float(row["decay"]) for row in rows}) == [0.5, 0.9]
    starts = {int(row["start"]): (float(row["x0_1"]), float(row["x0_2"])) for row in rows}
    assert sorted(starts) == list(range(5))  # the same 5 starts for every setting, inside the window
    assert all(-5 <= v <= 5 for start in starts.values() for v in start)
    for row in rows:
        assert (float(row["x0_1"]), float(row["x0_2"])) == starts[int(row["start"])]

    # Independently: every run again with rmsprop.minimize; the best is the lowest median final f.
    seed = rmsprop.objectives.get("seed")
    by_setting = {}
    for row in rows:
        lr, decay = float(row["learning_rate"]), float(row["decay"])
        result = rmsprop.minimize(
            seed, np.array(starts[int(row["start"])]), learning_rate=lr, decay=decay, maxiter=60, gtol=1e-3
        )
        assert float(row["fun"]) == result.fun and int(row["nit"]) == result.nit  # the table, bit for bit
        assert int(row["status"]) == result.status
        by_setting.setdefault((lr, decay), []).append(result)
    medians = {key: np.median([r.fun for r in results]) for key, results in by_setting.items()}
    (lr, decay), best = min(medians.items(), key=lambda item: item[1])
    assert sorted(medians.values())[1] > best  # one clear best
    results = by_setting[(lr, decay)]
    shown = printed(done.stdout)
    assert float(shown["learning_rate"]) == lr and float(shown["decay"]) == decay
    assert float(shown["median f over 5 starts"]) == best
    reached = sum(r.status == 0 for r in results)
    assert shown["reached gtol"] == f"{reached} of 5 runs"
    assert float(shown["median iterations"]) == np.median([r.nit for r in results])


def test_value_nit_and_several_flavors_and_a_restart_into_the_same_folder(cli, tmp_path):
    out = tmp_path / "nested" / "sweep"  # missing folders are made
    args = [
        "sweep",
        "--objective",
        "rosenbrock",
        "--lr",
        "1e-3,1e-2",
        "--decay",
        "0.9",
        "--flavor",
        "rmsprop,torch",
        "--starts",
        "3",
        "--maxiter",
        "40",
        "--value",
        "nit",
        "--out",
        str(out),
    ]
    first = cli(*args)
    assert first.returncode == 0, first.stderr
    table = (out / "sweep.csv").read_text()
    assert {row["flavor"] for row in read_csv(out / "sweep.csv")} == {"rmsprop", "torch"}
    assert (out / "heatmap.png").stat().st_size > 10_000
    again = cli(*args)  # the finished chunks are loaded, the same table written
    assert again.returncode == 0, again.stderr
    assert (out / "sweep.csv").read_text() == table and again.stdout == first.stdout
    other = cli(*args[:-2], "--seed", "1", "--out", str(out))  # another sweep into this folder
    assert other.returncode == 2 and other.stdout == ""
    assert len(other.stderr.strip().splitlines()) == 1 and other.stderr.startswith("Error: ")
    assert (out / "sweep.csv").read_text() == table


def test_tol_is_a_deprecated_alias_of_gtol(cli, tmp_path):
    args = [a for a in SMALL if a not in ("--gtol", "1e-3")]
    old = cli(*args, "--tol", "1e-3", "--out", tmp_path / "old")
    assert old.returncode == 0, old.stderr
    assert old.stderr.strip().splitlines() == ["Warning: --tol is deprecated; use --gtol"]
    new = cli(*SMALL, "--out", tmp_path / "new")
    assert new.returncode == 0 and new.stderr == "", new.stderr
    assert (tmp_path / "old" / "sweep.csv").read_bytes() == (tmp_path / "new" / "sweep.csv").read_bytes()
    assert "--tol" not in cli("sweep", "--help").stdout  # hidden


def test_help_has_examples(cli):
    done = cli("sweep", "--help")
    assert done.returncode == 0 and "Example" in done.stdout and "--scheduler" in done.stdout


BAD = {
    "range text": ["--lr", "1e-3:1:abc:log"],
    "range kind": ["--lr", "1e-3:1:5:cubic"],
    "negative rate": ["--lr", "-0.1,0.1"],
    "decay of 1": ["--decay", "0.5,1"],
    "value twice": ["--decay", "0.9,0.9"],
    "negative eps": ["--eps", "-1e-8"],
    "unknown flavor": ["--flavor", "rmsprop,sklearn"],
    "a setting the flavor refuses": ["--flavor", "torch", "--eps", "0"],
    "no starts": ["--starts", "0"],
    "negative gtol": ["--gtol", "-1"],
    "negative seed": ["--seed", "-1"],
    "unknown value": ["--value", "distance"],
    "unknown objective": ["--objective", "nosuchthing"],
    "too many runs": ["--lr", "1e-3:1:1000:log", "--starts", "100000"],
    "out is a file": ["--out", "{tmp}/a-file"],
    "out under a file": ["--out", "{tmp}/a-file/sweep"],
    "no out": ["--out"],
    "scheduler address without a port": ["--scheduler", "localhost"],
    "unreachable scheduler": ["--scheduler", "tcp://127.0.0.1:1"],
}


@pytest.mark.parametrize("args", BAD.values(), ids=BAD.keys())
def test_bad_input_is_one_line_and_status_2_with_nothing_written(cli, args, tmp_path):
    existing = tmp_path / "a-file"
    existing.write_text("keep me")
    base = ["sweep", "--lr", "0.1", "--decay", "0.9", "--starts", "2", "--maxiter", "5", "--out", "{tmp}/out"]
    if "--out" in args:
        base = base[:-2]
        args = [] if args == ["--out"] else args
    args = [a.replace("{tmp}", str(tmp_path)) for a in base + args]
    env = {"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"}
    done = cli(*args, cwd=tmp_path, env=env)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert list(tmp_path.iterdir()) == [existing] and existing.read_text() == "keep me"


# --------------------------------------------------------------------------------------------- the heatmap


@pytest.fixture(scope="module")
def table():
    from rmsprop.sweep import sweep

    return sweep(
        "seed", {"learning_rate": [0.001, 0.01, 0.1, 1.0], "decay": [0.5, 0.9, 0.99]}, 4, maxiter=40, gtol=1e-6, seed=3
    )


def best_marker(figure):
    [marker] = [line for ax in figure.axes for line in ax.get_lines() if line.get_gid() == "best"]
    return marker


def mesh_of(ax):
    from matplotlib.collections import QuadMesh

    [mesh] = [c for c in ax.collections if isinstance(c, QuadMesh)]
    return mesh


def test_heatmap_is_a_figure_on_log_axes_with_the_best_cell_marked(table, tmp_path):
    from matplotlib.colors import LogNorm
    from matplotlib.figure import Figure

    path = tmp_path / "heatmap.png"
    figure = plot.sweep_heatmap(table, save=path)
    assert isinstance(figure, Figure) and path.stat().st_size > 10_000
    ax = figure.axes[0]
    assert ax.get_xscale() == "log" and isinstance(mesh_of(ax).norm, LogNorm)
    assert len(figure.axes) == 2  # the heatmap and its colour bar
    assert "median" in ax.get_title() and "over 4 starts" in ax.get_title()
    best = table.best(value="fun", aggregate="median")
    marker = best_marker(figure)
    assert marker.get_xdata()[0] == pytest.approx(best["learning_rate"])
    assert marker.get_ydata()[0] == [0.5, 0.9, 0.99].index(best["decay"])  # one row per decay
    assert marker.rmsprop_best["learning_rate"] == best["learning_rate"]
    # the marked cell holds the lowest median, computed here from the columns
    lr, decay, fun = (np.asarray(table[name]) for name in ("learning_rate", "decay", "fun"))
    medians = {(a, b): np.median(fun[(lr == a) & (decay == b)]) for a in set(lr) for b in set(decay)}
    assert min(medians, key=medians.get) == (best["learning_rate"], best["decay"])
    assert marker.rmsprop_best["fun"] == min(medians.values())


def edited(table, column, values):
    """The table with other values in one column."""
    from rmsprop.sweep import SweepTable

    return SweepTable({**table.columns, column: values}, table.names)


def test_heatmap_hatches_cells_without_a_value_and_puts_zeros_at_the_bottom(table):
    fun = np.array(table["fun"], dtype=float)
    lr, decay = np.asarray(table["learning_rate"]), np.asarray(table["decay"])
    fun[(lr == 1.0) & (decay == 0.5)] = np.nan  # a cell with no value
    fun[(lr == 0.001) & (decay == 0.99)] = 0.0  # a cell at exactly 0: the best, and off a log scale
    figure = plot.sweep_heatmap(edited(table, "fun", fun))
    ax = figure.axes[0]
    cells = mesh_of(ax).get_array()
    assert np.ma.count_masked(cells) == 1  # the NaN cell, drawn over the hatched background
    assert any(patch.get_hatch() == "//" for patch in ax.patches)
    texts = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any("no finite value" in text for text in texts) and any(text.startswith("best:") for text in texts)
    marker = best_marker(figure)
    assert marker.rmsprop_best["learning_rate"] == 0.001 and marker.rmsprop_best["fun"] == 0.0
    assert figure.axes[1].get_label() == "<colorbar>"
    assert mesh_of(ax).colorbar.extend == "min"


def test_heatmap_of_iterations_is_linear_and_panels_for_other_settings(tmp_path):
    from matplotlib.colors import LogNorm

    from rmsprop.sweep import sweep

    flavors = sweep(
        "seed",
        {"learning_rate": [0.01, 0.1], "decay": [0.9, 0.99], "flavor": ["rmsprop", "torch"]},
        3,
        maxiter=30,
        seed=1,
    )
    figure = plot.sweep_heatmap(flavors, value="nit")
    heatmaps = [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]
    assert len(heatmaps) == 2 and {ax.get_title() for ax in heatmaps} == {"flavor=rmsprop", "flavor=torch"}
    assert not isinstance(mesh_of(heatmaps[0]).norm, LogNorm)
    assert "iterations" in figure.get_suptitle()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        with pytest.raises(ValueError, match="flavor"):
            plot.sweep_heatmap(flavors, ax=ax)
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"x": "momentum"}, "not a setting"),
        ({"x": "decay"}, "different"),
        ({"value": "nothing"}, "not a column"),
        ({"save": "heatmap.txt"}, "format"),
    ],
)
def test_heatmap_bad_arguments(table, options, message):
    with pytest.raises(ValueError, match=message):
        plot.sweep_heatmap(table, **options)


def test_on_a_dask_scheduler_the_sweep_is_the_local_sweep(cli, tmp_path):
    distributed = pytest.importorskip("distributed")
    args = [
        "sweep",
        "--objective",
        "rosenbrock",
        "--lr",
        "1e-3:1e-1:3:log",
        "--decay",
        "0.9,0.99",
        "--starts",
        "4",
        "--maxiter",
        "100",
        "--seed",
        "5",
    ]
    local = cli(*args, "--out", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None
    ) as cluster:
        remote = cli(*args, "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "remote"))
    assert remote.returncode == 0, remote.stderr
    assert (tmp_path / "remote" / "sweep.csv").read_bytes() == (tmp_path / "local" / "sweep.csv").read_bytes()
    assert remote.stdout.replace("remote", "local") == local.stdout
