"""rmsprop.sweep: grids, starts, every row a single minimize run, out/ persistence, Dask."""

import csv
import hashlib
import importlib.util
import itertools
import json
import math
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
from reference import SEED_X1, SEED_X2, SEED_Y

import rmsprop
from rmsprop import compat, objectives
from rmsprop import sweep as sweep_module
from rmsprop.sweep import SweepTable, parse_range, sweep


def assert_tables_equal(table, other):
    """Every column equal, bit for bit (nan equal to nan), same names and order."""
    assert list(table.columns) == list(other.columns)
    assert table.names == other.names
    for name, column in table.columns.items():
        theirs = other[name]
        assert column.dtype == theirs.dtype, name
        if column.dtype.kind == "f":
            assert np.array_equal(column.view(np.int64), theirs.view(np.int64)), name  # bit for bit, nan included
        else:
            assert np.array_equal(column, theirs), name


def one_line(error):
    text = str(error.value)
    assert "\n" not in text and text, text
    return text


# ---------------------------------------------------------------------------------------------
# The module, the grid and the starts
# ---------------------------------------------------------------------------------------------


def test_sweep_is_a_lazy_attribute_and_import_rmsprop_stays_light():
    code = (
        "import sys, json, rmsprop; before = [m for m in ('dask', 'distributed', 'rmsprop.sweep') "
        "if m in sys.modules]; module = rmsprop.sweep; "
        "print(json.dumps([before, module.__name__, 'dask' in sys.modules or 'distributed' in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [[], "rmsprop.sweep", False]
    assert rmsprop.sweep is sweep_module and "sweep" in dir(rmsprop)


def test_grid_expansion_order():
    grid = {"momentum": [0.0, 0.5], "centered": [False, True], "learning_rate": [0.1, 0.2, 0.3], "decay": 0.9}
    table = sweep("seed", grid, starts=2, maxiter=0)
    assert table.names == ("learning_rate", "decay", "centered", "momentum")
    assert list(table.columns) == [
        "run",
        "combination",
        "learning_rate",
        "decay",
        "centered",
        "momentum",
        "start",
        "x0_1",
        "x0_2",
        "x_1",
        "x_2",
        "fun",
        "nit",
        "status",
        "distance",
    ]
    expected = list(itertools.product([0.1, 0.2, 0.3], [0.9], [False, True], [0.0, 0.5]))
    assert len(table) == 2 * len(expected)
    assert np.array_equal(table["run"], np.arange(len(table)))
    assert np.array_equal(table["combination"], np.repeat(np.arange(len(expected)), 2))
    assert np.array_equal(table["start"], np.tile([0, 1], len(expected)))
    for row in range(len(table)):
        combination = expected[row // 2]
        assert tuple(table[name][row].item() for name in table.names) == combination
    assert table["centered"].dtype == bool and table["learning_rate"].dtype == np.float64
    assert table["run"].dtype == table["nit"].dtype == table["status"].dtype == np.int64
    defaults = sweep("seed", {}, starts=3, maxiter=10)  # an empty grid: one combination, the defaults
    assert defaults.names == () and len(defaults) == 3 and set(defaults["combination"]) == {0}
    single = rmsprop.minimize(objectives.get("seed"), [defaults["x0_1"][2], defaults["x0_2"][2]], maxiter=10, gtol=1e-5)
    assert (defaults["x_1"][2], defaults["x_2"][2]) == tuple(single.x)


def test_starts_are_reproducible_and_inside_the_domain():
    booth = objectives.get("booth")
    first = sweep(booth, {"learning_rate": 0.1}, starts=200, seed=3, maxiter=0)
    again = sweep("booth", {"learning_rate": 0.1}, starts=200, seed=3, maxiter=0)
    other = sweep("booth", {"learning_rate": 0.1}, starts=200, seed=4, maxiter=0)
    x0 = np.stack([first["x0_1"], first["x0_2"]], axis=1)
    lo, hi = np.array(booth.domain).T
    assert np.array_equal(x0, np.random.default_rng(3).uniform(lo, hi, (200, 2)))
    assert np.array_equal(x0, np.stack([again["x0_1"], again["x0_2"]], axis=1))
    assert not np.array_equal(first["x0_1"], other["x0_1"])
    assert (x0 >= lo).all() and (x0 < hi).all()
    assert np.array_equal(first["x_1"], first["x0_1"]) and (first["nit"] == 0).all()  # maxiter=0: the start
    # An array of starts is taken as given; its width picks the dimension of an any-dim catalogue objective.
    starts = np.random.default_rng(0).uniform(-2, 2, (3, 4))
    table = sweep("rosenbrock", {"learning_rate": 0.01}, starts=starts, maxiter=5)
    assert table.dim == 4 and np.array_equal(table["x0_3"], starts[:, 2])


@pytest.mark.parametrize(
    ("kwargs", "kind", "words"),
    [
        ({"grid": {"learning_rat": 0.1}}, ValueError, "unknown grid key 'learning_rat'"),
        ({"grid": {"decay": []}}, ValueError, "grid['decay'] is empty"),
        ({"grid": {"decay": [0.9, 1.0]}}, ValueError, "decay"),
        ({"grid": {"decay": 1.5}}, ValueError, "decay"),
        ({"grid": {"learning_rate": [0.1, -1.0]}}, ValueError, "learning rate: -1.0"),
        ({"grid": {"learning_rate": "fast"}}, ValueError, "must hold numbers"),
        ({"grid": {"decay": [0.9, 0.9]}}, ValueError, "twice"),
        ({"grid": {"decay": {0.9, 0.99}}}, ValueError, "in order"),
        ({"grid": {"flavor": ["torch", "pytorch"]}}, ValueError, "unknown flavor 'pytorch'"),
        ({"grid": {"flavor": "torch", "eps_in_sqrt": True}}, ValueError, "flavor torch"),
        ({"grid": {"flavor": "optax"}}, ValueError, "learning_rate"),  # optax has no default rate
        ({"grid": {"nesterov": True}}, ValueError, "nesterov"),  # needs a momentum
        ({"grid": [("decay", 0.9)]}, ValueError, "grid must be a dict"),
        ({"starts": 0}, ValueError, "starts must be at least 1"),
        ({"starts": True}, ValueError, "starts"),
        ({"starts": np.zeros((3, 3))}, ValueError, "shape (N, 2)"),
        ({"starts": [[0.0, np.nan]]}, ValueError, "finite"),
        ({"maxiter": -1}, ValueError, "maxiter"),
        ({"gtol": -1.0}, ValueError, "Invalid gtol: -1.0"),
        ({"gtol": "small"}, ValueError, "gtol"),
        ({"gtol": 1e-5, "tol": 1e-5}, TypeError, "both gtol and tol"),
        ({"seed": -1}, ValueError, "seed"),
        ({"chunk_size": 0}, ValueError, "chunk_size"),
        ({"objective": "rosenbrok"}, ValueError, "unknown objective 'rosenbrok'"),
        ({"objective": 42}, TypeError, "objective"),
        ({"executor": 4}, TypeError, "executor must be None"),
        ({"executor": object()}, TypeError, "executor must be None"),
        ({"progress": "bar"}, TypeError, "progress"),
    ],
)
def test_bad_input_is_one_line_before_any_work(tmp_path, kwargs, kind, words):
    arguments = {"objective": "seed", "grid": {"learning_rate": 0.1}, "starts": 2, "out": tmp_path / "out"}
    arguments.update(kwargs)
    with pytest.raises(kind) as error:
        sweep(arguments.pop("objective"), arguments.pop("grid"), **arguments)
    assert words in one_line(error)
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_tol_is_a_deprecated_alias_of_gtol():
    grid = {"learning_rate": [0.05, 0.2]}
    with pytest.warns(DeprecationWarning, match="tol is deprecated; use gtol"):
        old = sweep("seed", grid, starts=3, maxiter=40, tol=1e-3)
    new = sweep("seed", grid, starts=3, maxiter=40, gtol=1e-3)
    assert_tables_equal(old, new)
    assert old.spec == new.spec and new.spec["gtol"] == 1e-3 and "tol" not in new.spec
    assert (new["status"] == 0).any()  # some runs stopped at gtol 1e-3, before maxiter
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError) as error:
        sweep("seed", grid, starts=3, tol=-1.0)
    assert "gtol" in one_line(error)


# ---------------------------------------------------------------------------------------------
# Every row is the single run
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["seed", "booth", "rosenbrock"])
def test_every_row_is_minimize_bit_for_bit(name):
    objective = objectives.get(name)
    starts = np.random.default_rng(1).uniform(-3, 3, (3, 2))
    grid = {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9], "eps": [1e-8, 1e-3], "centered": [False, True]}
    table = sweep(objective, grid, starts=starts, maxiter=80, gtol=1e-6, chunk_size=7)
    assert len(table) == 16 * 3 and len(np.unique(table["run"])) == len(table)
    for row in range(len(table)):
        settings = {key: table[key][row].item() for key in table.names}
        single = rmsprop.minimize(objective, starts[table["start"][row]], maxiter=80, gtol=1e-6, **settings)
        assert np.array_equal([table["x_1"][row], table["x_2"][row]], single.x), (row, settings)
        assert table["fun"][row] == single.fun, (row, settings)
        assert (table["nit"][row], table["status"][row]) == (single.nit, single.status), (row, settings)
        assert table["distance"][row] == objective.nearest_minimum_distance(single.x)


def test_rows_on_the_numpy_engine_are_minimize_too(monkeypatch):
    monkeypatch.setenv("RMSPROP_DISABLE_JIT", "1")
    seed = objectives.get("seed")
    starts = np.random.default_rng(2).uniform(-5, 5, (4, 2))
    table = sweep(seed, {"learning_rate": [0.05, 0.2], "momentum": [0.0, 0.9]}, starts=starts, maxiter=60, gtol=1e-4)
    for row in range(len(table)):
        settings = {key: table[key][row].item() for key in table.names}
        single = rmsprop.minimize(seed, starts[table["start"][row]], maxiter=60, gtol=1e-4, **settings)
        assert np.array_equal([table["x_1"][row], table["x_2"][row]], single.x)
        assert (table["fun"][row], table["nit"][row], table["status"][row]) == (single.fun, single.nit, single.status)


def test_flavor_rows_are_minimize_with_compat_configure():
    """Every flavor runs on minimize_many's compiled engine, and each row is minimize with that flavor, bit for bit."""
    objective = objectives.get("himmelblau")
    starts = np.random.default_rng(5).uniform(-5, 5, (3, 2))
    flavors = ["rmsprop", *compat.FLAVORS]
    grid = {"learning_rate": [0.01, 0.05], "decay": [0.9, 0.99], "flavor": flavors}
    table = sweep(objective, grid, starts=starts, maxiter=60, gtol=1e-5, chunk_size=5)
    assert sorted(np.unique(table["flavor"])) == sorted(flavors)
    for row in range(len(table)):
        flavor = str(table["flavor"][row])
        settings = {key: table[key][row].item() for key in ("learning_rate", "decay")}
        x0 = starts[table["start"][row]]
        if flavor == "rmsprop":
            single = rmsprop.minimize(objective, x0, maxiter=60, gtol=1e-5, **settings)
        else:
            single = rmsprop.minimize(
                objective, x0, optimizer=compat.configure(flavor, **settings), maxiter=60, gtol=1e-5
            )
        x = np.array([table["x_1"][row], table["x_2"][row]])
        assert np.array_equal(x.view(np.uint64), single.x.view(np.uint64)), (row, flavor)
        assert np.float64(table["fun"][row]).view(np.uint64) == np.float64(single.fun).view(np.uint64), (row, flavor)
        assert (table["nit"][row], table["status"][row]) == (single.nit, single.status), (row, flavor)
    plan = sweep_module._plan.make_plan(objective, grid, starts, 60, 1e-5, 0, 5)
    if rmsprop._batch.compiled_objectives_available("himmelblau"):  # Numba is here: every chunk is one compiled batch
        for chunk in plan.chunks[:: len(plan.chunks) // 7]:
            assert sweep_module._chunk.run_chunk(plan.task(chunk, portable=True))["engine"] == "numba"


def test_a_flavor_sweep_moves_the_progress_bar_chunk_by_chunk():
    """The README's flavor sweep (``--flavor rmsprop,torch``) reports each chunk as it lands, not all at the end."""
    grid = {"learning_rate": parse_range("1e-3:1:13:log"), "decay": [0.9, 0.99], "flavor": ["torch", "rmsprop"]}
    plan = sweep_module._plan.make_plan("seed", grid, 20, 50, 1e-5, 0, None)
    assert [(group.flavor, group.batch, group.chunk_size) for group in plan.groups] == [
        ("torch", True, sweep_module.DEFAULT_CHUNK_SIZE),  # a batch, as the rule's
        ("rmsprop", True, sweep_module.DEFAULT_CHUNK_SIZE),
    ]
    calls = []
    sweep("seed", grid, starts=20, maxiter=50, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 1040), (520, 1040), (1040, 1040)]  # the torch group's chunk moved it halfway
    calls.clear()
    grid = {"learning_rate": [0.01, 0.1], "flavor": "keras", "momentum": 0.5}
    table = sweep("rosenbrock", grid, starts=10, maxiter=50, chunk_size=6, progress=lambda *call: calls.append(call))
    assert calls == [(0, 20), (6, 20), (12, 20), (18, 20), (20, 20)] and len(table) == 20


def test_the_seed_run_is_in_the_table():
    starts = np.array([[1.0, 1.0], [-4.0, 3.0], [2.0, -2.5]])
    grid = {"learning_rate": [0.01, 0.1], "decay": [0.9, 0.99], "eps": 1e-8}
    table = sweep("seed", grid, starts=starts, maxiter=50, gtol=0)
    row = np.flatnonzero((table["learning_rate"] == 0.1) & (table["decay"] == 0.9) & (table["start"] == 1))
    assert row.size == 1
    row = int(row[0])
    assert (table["x0_1"][row], table["x0_2"][row]) == (-4.0, 3.0)
    assert (table["x_1"][row], table["x_2"][row], table["fun"][row]) == (SEED_X1, SEED_X2, SEED_Y)
    assert (table["nit"][row], table["status"][row]) == (50, 1)


def test_formula_and_custom_objectives():
    formula = "(x - 1)**2 + 3*(y + 2)**2"
    typed = sweep(formula, {"learning_rate": [0.05, 0.1]}, starts=3, maxiter=40)
    again = sweep(objectives.from_expression(formula), {"learning_rate": [0.05, 0.1]}, starts=3, maxiter=40)
    assert_tables_equal(typed, again)
    assert np.isnan(typed["distance"]).all()  # a typed formula has no known minimum
    booth = objectives.get("booth")
    import dataclasses

    custom = dataclasses.replace(booth, name="my booth", f=lambda x: booth.f(x), grad=lambda x: booth.grad(x))
    mine = sweep(custom, {"learning_rate": 0.1}, starts=3, maxiter=30)
    theirs = sweep(booth, {"learning_rate": 0.1}, starts=3, maxiter=30)
    for name in ("x_1", "x_2", "nit", "status"):
        assert np.array_equal(mine[name], theirs[name])


# ---------------------------------------------------------------------------------------------
# The table: summaries, CSV, Parquet; the range grammar
# ---------------------------------------------------------------------------------------------


def test_summary_and_best():
    table = SweepTable(
        {
            "run": np.arange(8),
            "combination": np.repeat(np.arange(4), 2),
            "learning_rate": np.repeat([0.1, 0.1, 0.2, 0.2], 2),
            "decay": np.repeat([0.9, 0.99, 0.9, 0.99], 2),
            "start": np.tile([0, 1], 4),
            "fun": [4.0, 2.0, 1.0, 9.0, 0.5, 0.7, 3.0, 3.0],
        },
        names=("learning_rate", "decay"),
    )
    summary = table.summary()
    assert np.array_equal(summary["learning_rate"], [0.1, 0.2]) and np.array_equal(summary["decay"], [0.9, 0.99])
    assert np.array_equal(summary["fun"], [[3.0, 5.0], [0.6, 3.0]]) and summary["values"] is summary["fun"]
    assert np.array_equal(summary["count"], [[2, 2], [2, 2]])
    assert np.array_equal(table.summary(by="decay", aggregate="min")["fun"], [0.5, 1.0])
    assert np.array_equal(table.summary(by=("decay",), aggregate=np.max)["values"], [4.0, 9.0])
    assert table.best() == {"learning_rate": 0.2, "decay": 0.9, "combination": 2, "fun": 0.6}
    assert table.best(aggregate=lambda v: -np.max(v)) == {
        "learning_rate": 0.1,
        "decay": 0.99,
        "combination": 1,
        "fun": -9.0,
    }
    with pytest.raises(KeyError):
        table["momentum"]
    with pytest.raises(ValueError) as error:
        table.summary(by=("momentum",))
    assert "no column 'momentum'" in one_line(error)
    with pytest.raises(ValueError) as error:
        table.summary(aggregate="mode")
    assert "unknown aggregate" in one_line(error)


def test_summary_of_a_sweep_is_the_median_per_cell():
    table = sweep("booth", {"learning_rate": [0.01, 0.1, 0.3], "decay": [0.5, 0.9]}, starts=5, maxiter=50)
    summary = table.summary(by=("learning_rate", "decay"), value="distance", aggregate="median")
    assert summary["distance"].shape == (3, 2)
    for i, lr in enumerate([0.01, 0.1, 0.3]):
        for j, decay in enumerate([0.5, 0.9]):
            rows = (table["learning_rate"] == lr) & (table["decay"] == decay)
            assert summary["distance"][i, j] == np.median(table["distance"][rows])


def test_csv_round_trips_every_number(tmp_path):
    starts = np.array([[1 / 3, -2 / 7], [0.1 + 0.2, 4.0]])
    grid = {"learning_rate": [1 / 3, 0.1], "flavor": ["rmsprop", "torch"], "centered": [False, True]}
    table = sweep("rotated", grid, starts=starts, maxiter=25)
    path = table.to_csv(tmp_path / "table.csv")
    with open(path, newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == list(table.columns) and len(rows) == len(table) + 1
    for i, name in enumerate(rows[0]):
        column = table[name]
        for row, fields in enumerate(rows[1:]):
            if column.dtype.kind == "f":
                assert float(fields[i]) == column[row] or (math.isnan(column[row]) and fields[i] == "nan")
            else:
                assert fields[i] == str(column[row])
    assert_tables_equal(SweepTable.from_csv(path), table)
    with pytest.raises(ValueError) as error:
        table.to_csv(tmp_path / "table.txt")
    one_line(error)


def test_parquet_needs_pyarrow(tmp_path, monkeypatch):
    table = sweep("seed", {"learning_rate": [0.1, 0.2], "flavor": ["rmsprop", "seed"]}, starts=2, maxiter=5)
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *args: None if name == "pyarrow" else find_spec(name, *args)
    )
    with pytest.raises(ValueError) as error:
        table.to_parquet(tmp_path / "table.parquet")
    assert "pyarrow" in one_line(error)
    monkeypatch.undo()
    pyarrow_parquet = pytest.importorskip("pyarrow.parquet")
    table.to_parquet(tmp_path / "table.parquet")
    read = pyarrow_parquet.read_table(tmp_path / "table.parquet").to_pydict()
    assert list(read) == list(table.columns)
    for name, column in table.columns.items():
        assert read[name] == column.tolist(), name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1", [0.1]),
        ("0.5,0.9,0.99", [0.5, 0.9, 0.99]),
        (" 0.5, 0.9 ", [0.5, 0.9]),
        ("0:1:11", [float(v) for v in np.linspace(0, 1, 11)]),
        ("0:1:11:lin", [float(v) for v in np.linspace(0, 1, 11)]),
        ("1e-3:1:25:log", [float(v) for v in np.geomspace(1e-3, 1, 25)]),
        ("1:1:1", [1.0]),
    ],
)
def test_parse_range(text, expected):
    values = parse_range(text)
    assert values == expected and all(type(v) is float for v in values)
    if text.endswith(":log"):
        assert (values[0], values[-1], len(values)) == (1e-3, 1.0, 25)


@pytest.mark.parametrize(
    "text",
    ["", "a", "0.1,", "0:1", "0:1:x", "0:1:0", "0:1:5:exp", "0:1:5:log", "1:2:1", "1:2:3:log:5", "nan", "0.1,inf"],
)
def test_parse_range_refuses(text):
    with pytest.raises(ValueError) as error:
        parse_range(text)
    one_line(error)


# ---------------------------------------------------------------------------------------------
# out/: saving, restarting, refusing
# ---------------------------------------------------------------------------------------------

PERSISTED = {
    "objective": "booth",
    "grid": {"learning_rate": [0.05, 0.2], "flavor": ["rmsprop", "torch"]},
    "starts": 10,
    "maxiter": 60,
    "chunk_size": 7,
}  # 2 groups of 20 runs: 6 chunks


def persisted_sweep(out=None, progress=None, **changes):
    arguments = {**PERSISTED, **changes}
    return sweep(arguments.pop("objective"), arguments.pop("grid"), out=out, progress=progress, **arguments)


class Progress:
    """Records ``progress`` calls; raises KeyboardInterrupt after ``stop_after`` chunks were computed."""

    def __init__(self, stop_after=None):
        self.calls, self.stop_after = [], stop_after

    def __call__(self, done, total):
        self.calls.append((done, total))
        if self.stop_after is not None and len(self.calls) - 1 >= self.stop_after:
            raise KeyboardInterrupt

    @property
    def computed(self):
        return len(self.calls) - 1  # the first call reports what was loaded


def test_interrupted_sweep_restarts_with_only_the_missing_chunks(tmp_path):
    reference = persisted_sweep()
    out = tmp_path / "out"
    interrupted = Progress(stop_after=1)
    with pytest.raises(KeyboardInterrupt):
        persisted_sweep(out, interrupted)
    assert interrupted.calls == [(0, 40), (7, 40)]
    assert sorted(p.name for p in (out / "chunks").iterdir()) == ["chunk-000000.npz"]
    assert not (out / "sweep.csv").exists()

    restarted = Progress()
    assert_tables_equal(persisted_sweep(out, restarted), reference)
    assert restarted.computed == 5 and restarted.calls[0] == (7, 40) and restarted.calls[-1] == (40, 40)
    assert len(list((out / "chunks").iterdir())) == 6
    assert_tables_equal(SweepTable.from_csv(out / "sweep.csv"), reference)
    spec = json.loads((out / "sweep.json").read_text())
    assert spec["maxiter"] == 60 and spec["grid"]["flavor"] == ["rmsprop", "torch"] and spec["starts"]["seed"] == 0

    # Missing and damaged chunk files are computed again; the others are loaded.
    (out / "chunks" / "chunk-000001.npz").unlink()
    (out / "chunks" / "chunk-000004.npz").unlink()
    truncated = out / "chunks" / "chunk-000002.npz"
    truncated.write_bytes(truncated.read_bytes()[:-40])
    flipped = out / "chunks" / "chunk-000005.npz"
    data = bytearray(flipped.read_bytes())
    data[len(data) // 3] ^= 0xFF
    flipped.write_bytes(bytes(data))
    (out / "chunks" / "chunk-000003.npz").write_bytes(b"not a zip")
    again = Progress()
    assert_tables_equal(persisted_sweep(out, again), reference)
    assert again.computed == 5 - 0 and again.calls[0] == (7, 40)  # only chunk 0 survived whole

    done = Progress()
    assert_tables_equal(persisted_sweep(out, done), reference)
    assert done.calls == [(40, 40)]  # everything loaded, nothing computed


def test_damaged_chunk_that_reads_back_is_still_recomputed(tmp_path):
    """A chunk whose arrays were changed (valid .npz, wrong checksum) is not trusted."""
    out = tmp_path / "out"
    reference = persisted_sweep(out)
    path = out / "chunks" / "chunk-000000.npz"
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays["fun"] = arrays["fun"] + 1.0
    np.savez(path, **arrays)
    progress = Progress()
    assert_tables_equal(persisted_sweep(out, progress), reference)
    assert progress.computed == 1


def write_as_the_previous_version(out):
    """Make ``out`` what the version before gtol wrote: ``tol`` in sweep.json, chunk files naming that spec's digest."""
    spec = json.loads((out / "sweep.json").read_text())
    spec = {("tol" if key == "gtol" else key): value for key, value in spec.items()}
    (out / "sweep.json").write_text(json.dumps(spec, indent=1, allow_nan=False) + "\n")
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    for path in (out / "chunks").iterdir():
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        meta = json.loads(str(arrays["meta"][()]))
        meta["spec"] = digest
        arrays["meta"] = np.array(json.dumps(meta))
        with open(path, "wb") as stream:
            np.savez(stream, allow_pickle=False, **arrays)
    return spec


def test_a_folder_saved_with_tol_goes_on_where_it_stopped(tmp_path):
    out = tmp_path / "out"
    reference = persisted_sweep(out)
    previous = write_as_the_previous_version(out)
    assert previous["tol"] == 1e-5 and "gtol" not in previous
    for name in ("chunk-000004.npz", "chunk-000005.npz"):  # stopped before its last two chunks
        (out / "chunks" / name).unlink()
    (out / "sweep.csv").unlink()

    restarted = Progress()
    assert_tables_equal(persisted_sweep(out, restarted), reference)
    assert restarted.calls[0] == (27, 40) and restarted.computed == 2  # the 4 chunks saved with tol loaded
    spec = json.loads((out / "sweep.json").read_text())
    assert spec == reference.spec and spec["gtol"] == 1e-5 and "tol" not in spec  # written again with gtol
    assert_tables_equal(SweepTable.from_csv(out / "sweep.csv"), reference)
    done = Progress()
    assert_tables_equal(persisted_sweep(out, done), reference)
    assert done.calls == [(40, 40)]  # the chunks of either version load

    other = tmp_path / "other"
    persisted_sweep(other)
    write_as_the_previous_version(other)
    with pytest.raises(ValueError) as error:  # another gtol than the folder's tol: another sweep
        persisted_sweep(other, gtol=1e-3)
    assert "holds another sweep (its gtol differs)" in one_line(error)
    assert "tol" in json.loads((other / "sweep.json").read_text())  # left as it was


def test_another_sweep_in_the_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    persisted_sweep(out)
    for changes, field in [
        ({"maxiter": 61}, "maxiter"),
        ({"starts": 11}, "starts"),
        ({"chunk_size": 8}, "chunk_size"),
        ({"objective": "seed"}, "objective"),
        ({"grid": {"learning_rate": [0.05, 0.2]}}, "grid"),
    ]:
        with pytest.raises(ValueError) as error:
            persisted_sweep(out, **changes)
        assert "holds another sweep" in one_line(error) and field in str(error.value)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError) as error:
        persisted_sweep(tmp_path / "file")
    assert "not a folder" in one_line(error)


def test_process_pool_gives_the_same_table(monkeypatch):
    """Chunks off the compiled engine go to spawned processes when worth it; the numbers are the same."""
    import concurrent.futures

    from rmsprop.sweep import _executors

    grid = {"learning_rate": [0.02, 0.05], "flavor": "keras", "clip_value": [None, 0.5]}  # Keras's clipping: minimize
    here = sweep("goldstein_price", grid, starts=6, maxiter=120, chunk_size=4)
    pools = []

    class Recording(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Recording)
    monkeypatch.setattr(_executors, "POOL_MIN_SECONDS", 0.0)
    monkeypatch.setattr(_executors, "cpu_count", lambda: 2)
    pooled = sweep("goldstein_price", grid, starts=6, maxiter=120, chunk_size=4)
    assert pools == [2]
    assert_tables_equal(pooled, here)


# ---------------------------------------------------------------------------------------------
# Dask
# ---------------------------------------------------------------------------------------------


def test_missing_dask_is_a_one_line_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    with pytest.raises(ImportError) as error:
        sweep("seed", {"learning_rate": 0.1}, starts=2, executor="tcp://127.0.0.1:8786")
    assert 'pip install "rmsprop[cluster]"' in one_line(error)


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes of one thread each on this machine; closed at the end of the module."""
    distributed = pytest.importorskip("distributed")
    # dashboard_address=":0": the scheduler's HTTP server (started even without a dashboard) takes a free port;
    # with None it tries 8787 and, when that is taken, warns that it moved.
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as local:
        with distributed.Client(local, set_as_default=False) as client:
            yield local, client


CLUSTER_SWEEPS = {
    "rule": ("booth", {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9], "centered": [False, True]}),
    "flavors": ("seed", {"learning_rate": [0.05, 0.1], "flavor": ["rmsprop", "torch", "tf1"]}),
    "formula": ("(x - 1)**2 + 3*(y + 2)**2 + sin(x*y)", {"learning_rate": [0.02, 0.2]}),
}


@pytest.mark.parametrize("which", list(CLUSTER_SWEEPS))
def test_cluster_table_equals_the_local_table(cluster, which, tmp_path):
    local, client = cluster
    objective, grid = CLUSTER_SWEEPS[which]
    here = sweep(objective, grid, starts=6, maxiter=80, chunk_size=5)
    there = sweep(objective, grid, starts=6, maxiter=80, chunk_size=5, executor=client, out=tmp_path / "out")
    assert_tables_equal(there, here)
    assert_tables_equal(SweepTable.from_csv(tmp_path / "out" / "sweep.csv"), here)
    if which == "rule":  # a scheduler address: a client of its own, opened and closed inside
        assert_tables_equal(
            sweep(objective, grid, starts=6, maxiter=80, chunk_size=5, executor=local.scheduler_address), here
        )


def test_a_worker_killed_mid_sweep_loses_and_duplicates_nothing(cluster, tmp_path):
    local, client = cluster
    grid = {"learning_rate": [0.01, 0.02, 0.03], "flavor": "torch"}
    arguments = {"starts": 20, "maxiter": 600, "gtol": 0.0, "chunk_size": 4}  # 15 chunks of about 0.1 s
    here = sweep("booth", grid, **arguments)
    pids = client.run(os.getpid)
    calls, killed = [], []

    def progress(done, total):
        calls.append(done)
        if len(calls) >= 2 and not killed:  # a chunk has arrived: kill a worker that is running one now
            processing = client.processing()  # one snapshot: a second call may find the chunk finished
            busy = [(worker, keys) for worker, keys in processing.items() if keys]
            if busy:  # else (between two chunks, CI saw it) at the next chunk's arrival
                worker, keys = busy[0]
                killed.append((worker, keys))
                os.kill(pids[worker], signal.SIGKILL)

    there = sweep("booth", grid, **arguments, executor=client, out=tmp_path / "out", progress=progress)
    assert_tables_equal(there, here)
    assert len(np.unique(there["run"])) == len(there) == 60
    assert calls[0] == 0 and calls[-1] == 60 and len(calls) == 1 + 15  # each chunk arrived once
    assert sorted(p.name for p in (tmp_path / "out" / "chunks").iterdir()) == [f"chunk-{i:06d}.npz" for i in range(15)]
    assert len(killed) == 1 and killed[0][1]  # it was running a chunk of the sweep
    client.wait_for_workers(2, timeout=60)  # the nanny starts the killed worker again
    assert pids[killed[0][0]] not in client.run(os.getpid).values()


# --- when no run reaches the tolerance, the table and the heatmap say why (issue 17) ----------------------


def test_no_run_at_tolerance_gets_a_note_with_the_hint_of_a_decaying_schedule():
    """RMSprop at a constant rate cycles about lr wide: on Rosenbrock none of these runs reaches gtol."""
    from rmsprop import plot

    grid = {"learning_rate": [0.01, 0.03], "decay": [0.9]}
    table = sweep("rosenbrock", grid, starts=3, maxiter=500, gtol=1e-5)
    assert not np.any(np.asarray(table["status"]) == 0)  # the premise, from the runs themselves
    note = table.tolerance_note()
    assert note.startswith("no run of 6 reached the tolerance") and "decaying schedule" in note and "\n" not in note
    fig = plot.sweep_heatmap(table, value="nit")
    (ax,) = fig.axes  # no colour bar of no values
    (text,) = [t for t in ax.texts if t.get_gid() == "note"]
    assert "no run of 6 reached the tolerance" in " ".join(text.get_text().split())
    assert "decaying schedule" in " ".join(text.get_text().split())
    reached = sweep("5*x1**2 + 7*x2**2", {"learning_rate": [0.1], "decay": [0.9]}, starts=2, maxiter=300, gtol=1e-5)
    assert reached.tolerance_note() is None
    assert len(plot.sweep_heatmap(reached, value="nit").axes) == 2  # the heatmap and its colour bar
