"""Bad input everywhere: a hostile user's invocations of the command line and the library.

Every case must be refused cleanly:

* command line: exit status 2, exactly one line on stderr that starts with "Error: " and
  says what is wrong and what is allowed (each case names a key phrase of that), nothing
  on stdout, no traceback, no warning, and nothing left in the working folder (no partial
  file, no temporary);
* library: a ``ValueError`` or ``TypeError`` with a one-line message holding the case's
  key phrase, no warning of any kind (NumPy's RuntimeWarnings included, with NumPy set to
  warn), and nothing left in the folder.

The command-line cases run in this process, through the ``cli`` fixture of tests/conftest.py
(``rmsprop.cli.main`` with Typer's ``CliRunner`` capturing stdout and stderr apart; warnings a
real process would print are added to its stderr).
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import rmsprop
from rmsprop import baselines, compat, objectives, schedules

EXISTING_FILE = "existing.txt"  # made before a case that names {file}, and must be left as it was
EXISTING_DIR = "existing.png"  # a folder named like an output file, made before a case that names {dir}
FILE_TEXT = "keep me\n"
UNWRITABLE = "/proc"  # on Linux not writable, even by root (nothing but the kernel creates files there)
LINUX = sys.platform.startswith("linux") and os.path.isdir(UNWRITABLE)


# --------------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------------


# (id, arguments, key phrase of the one-line message, marks)
CLI_CASES = [
    # malformed and non-finite numbers
    ("lr overflows to inf", ["run", "--lr", "1e400"], "must be a finite number", ()),
    ("lr in hex", ["run", "--lr", "0x10"], "valid number", ()),
    ("lr empty", ["run", "--lr", ""], "valid number", ()),
    ("lr blank", ["run", "--lr", " "], "valid number", ()),
    ("lr with a decimal comma", ["run", "--lr", "1,5"], "valid number", ()),
    ("lr without a value", ["run", "--lr"], "requires an argument", ()),
    ("lr minus zero", ["run", "--lr=-0"], "> 0", ()),
    ("eps nan", ["run", "--eps", "nan"], "must be finite", ()),
    ("maxiter not an integer", ["run", "--maxiter", "1.5"], "valid integer", ()),
    ("gtol nan", ["run", "--gtol", "nan"], "finite number >= 0", ()),
    ("gtol inf", ["run", "--gtol", "inf"], "finite number >= 0", ()),
    # hyperparameters out of range
    ("eps zero", ["run", "--eps", "0"], "--eps must be in (0, inf); got 0.0", ()),
    ("decay negative", ["run", "--decay", "-0.1"], "--decay must be in [0, 1); got -0.1", ()),
    ("momentum of 1", ["run", "--momentum", "1"], "--momentum must be in [0, 1)", ()),
    ("weight decay negative", ["run", "--weight-decay", "-1"], "--weight-decay must be in [0, inf)", ()),
    ("clip value zero", ["run", "--clip-value", "0"], "--clip-value must be in (0, inf)", ()),
    ("clip norm negative", ["run", "--clip-norm", "-1"], "--clip-norm must be in (0, inf)", ()),
    ("global clip norm inf", ["run", "--global-clip-norm", "inf"], "--global-clip-norm must be finite", ()),
    ("initial scale negative", ["run", "--initial-scale", "-1"], "--initial-scale must be in [0, inf)", ()),
    # options that contradict each other
    (
        "lr inside momentum without momentum",
        ["run", "--lr-inside-momentum"],
        "--lr-inside-momentum needs --momentum > 0",
        (),
    ),
    (
        "decoupled weight decay without weight decay",
        ["run", "--decoupled-weight-decay"],
        "needs --weight-decay > 0",
        (),
    ),
    ("nesterov with momentum 0", ["run", "--nesterov", "--momentum", "0"], "--nesterov needs --momentum > 0", ()),
    (
        "keras: two clippings",
        ["run", "--flavor", "keras", "--clip-norm", "1", "--global-clip-norm", "1"],
        "Only one of",
        (),
    ),
    # unknown names
    ("flavor empty", ["run", "--flavor", ""], "choose one of", ()),
    ("flavor in capitals", ["run", "--flavor", "Torch"], "(did you mean 'torch'?)", ()),
    ("flavor without a default rate", ["run", "--flavor", "optax"], "--flavor optax needs --lr", ()),
    ("keras rho of 1", ["run", "--flavor", "keras", "--decay", "1"], "--decay must be in [0, 1); got 1.0", ()),
    ("unknown command", ["nosuchcommand"], "No such command", ()),
    ("extra argument", ["functions", "extra"], "unexpected extra argument", ()),
    # objectives and starts
    ("empty formula", ["run", "--objective", ""], "expression is empty", ()),
    ("unfinished formula", ["run", "--objective", "x1**"], "invalid syntax", ()),
    ("complex formula", ["run", "--objective", "x1 + 1j"], "numbers must be real", ()),
    ("a billion variables", ["run", "--objective", "x1000000000**2"], "at most 100 variables", ()),
    ("a tower of powers", ["run", "--objective", "9**9**9*x1"], "at most 100", ()),
    ("x0 empty", ["run", "--x0", ""], "numbers separated by commas", ()),
    ("x0 with a gap", ["run", "--x0", "1,,2"], "numbers separated by commas", ()),
    ("x0 overflows", ["run", "--x0", "1e400,0"], "finite", ()),
    ("x0 too long for a formula", ["run", "--objective", "x1**2", "--x0", "1,2"], "takes 1", ()),
    ("x0 too short for rosenbrock", ["run", "--objective", "rosenbrock", "--x0", "1"], "coordinate", ()),
    # absurd sizes
    ("maxiter beyond 64 bits", ["run", "--maxiter", "99999999999999999999999"], "between 0 and 10000000", ()),
    ("compare: 10^12 iterations", ["compare", "--maxiter", "1000000000000"], "between 0 and 10000000", ()),
    ("flavors: 10^12 steps", ["flavors", "--steps", "1000000000000"], "between 1 and 100000", ()),
    ("flavors: lr minus zero", ["flavors", "--lr=-0"], "> 0", ()),
    ("compare: lr zero", ["compare", "--lr", "0"], "> 0", ()),
    ("compare: one optimizer twice", ["compare", "--optimizers", "rmsprop,rmsprop"], "twice", ()),
    ("compare: optimizers empty", ["compare", "--optimizers", ""], "give names separated by commas", ()),
    ("compare: optimizer in capitals", ["compare", "--optimizers", "RMSprop"], "(did you mean 'rmsprop'?)", ()),
    ("animate: one frame", ["animate", "--out", "{tmp}/a.gif", "--max-frames", "1"], "between 2 and 2000", ()),
    ("animate: fps 61", ["animate", "--out", "{tmp}/a.gif", "--fps", "61"], "between 1 and 60", ()),
    ("animate: fps not an integer", ["animate", "--out", "{tmp}/a.gif", "--fps", "2.5"], "valid integer", ()),
    ("animate: lr zero", ["animate", "--out", "{tmp}/a.gif", "--lr", "0"], "> 0", ()),
    (
        "animate: 3-D objective",
        ["animate", "--out", "{tmp}/a.gif", "--objective", "rastrigin", "--x0", "1,2,3"],
        "2-D",
        (),
    ),
    ("animate: no --out", ["animate"], "Missing option '--out'", ()),
    ("playground: port -1", ["playground", "--port", "-1"], "between 0 and 65535", ()),
    # output paths
    ("save with a backup suffix", ["run", "--save", "{tmp}/x.CSV.bak"], "use one of .csv, .json", ()),
    ("save under a file", ["run", "--save", "{file}/x.csv"], "is not a directory", ()),
    ("plot onto an existing folder", ["run", "--plot", "{dir}"], "is a directory", ()),
    ("plot as JPEG", ["compare", "--plot", "{tmp}/c.jpg"], "use one of .png, .svg, .pdf", ()),
    ("animate onto an existing folder", ["animate", "--out", "{dir}"], "is a directory", ()),
    ("demo into a file", ["demo", "--out", "{file}"], "give a folder", ()),
    ("demo under a file", ["demo", "--out", "{file}/figures"], "cannot write", ()),
]
if LINUX:
    CLI_CASES += [
        ("save where nothing can be written", ["run", "--save", f"{UNWRITABLE}/x.csv"], "cannot write", ()),
        (
            "plot where nothing can be written",
            ["run", "--maxiter", "5", "--plot", f"{UNWRITABLE}/x.png"],
            "cannot write",
            (),
        ),
        (
            "animate where nothing can be written",
            ["animate", "--maxiter", "5", "--lr", "0.1", "--max-frames", "2", "--out", f"{UNWRITABLE}/a.gif"],
            "cannot write",
            (),
        ),
    ]


def _prepare(folder: Path, args: list[str]) -> list[str]:
    """The arguments with {tmp}, {file} and {dir} filled in; the file and the folder they name are made."""
    file, directory = folder / EXISTING_FILE, folder / EXISTING_DIR
    if any("{file}" in a for a in args):
        file.write_text(FILE_TEXT)
    if any("{dir}" in a for a in args):
        directory.mkdir()
    return [a.replace("{tmp}", str(folder)).replace("{file}", str(file)).replace("{dir}", str(directory)) for a in args]


def _assert_left_as_it_was(folder: Path) -> None:
    """Nothing but what the case made beforehand, unchanged: no output, no partial file, no temporary."""
    left = {p.name for p in folder.iterdir()}
    assert left <= {EXISTING_FILE, EXISTING_DIR}, sorted(left)
    if EXISTING_FILE in left:
        assert (folder / EXISTING_FILE).read_text() == FILE_TEXT
    if EXISTING_DIR in left:
        assert list((folder / EXISTING_DIR).iterdir()) == []


@pytest.mark.parametrize(
    "name, phrase",
    [pytest.param(name, phrase, id=name, marks=marks) for name, _, phrase, marks in CLI_CASES],
)
def test_cli_refuses_in_one_line_with_status_2(cli, tmp_path, name, phrase):
    [args] = [args for case, args, _, _ in CLI_CASES if case == name]
    folder = tmp_path / "cwd"
    folder.mkdir()
    done = cli(*_prepare(folder, args), cwd=folder)
    assert done.returncode == 2, (done.returncode, done.stdout[-500:], done.stderr[-500:])
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert "Traceback" not in done.stderr and "warning" not in done.stderr.lower(), done.stderr
    assert phrase in lines[0], lines[0]
    _assert_left_as_it_was(folder)


def test_there_are_enough_cli_cases():
    assert len(CLI_CASES) >= 30 and len({case[0] for case in CLI_CASES}) == len(CLI_CASES)


# --------------------------------------------------------------------------------------------------
# The library
# --------------------------------------------------------------------------------------------------

X = np.array([1.0, 2.0])
SEED = objectives.get("seed")


def _update(optimizer, state=None, grads=X, params=None):
    """One functional step of ``optimizer`` from ``state`` (default: its own init)."""
    return optimizer.update(grads, optimizer.init(X) if state is None else state, params)


def _run_schedule(rate, steps=1, grads=X):
    """``steps`` in-place steps of RMSprop with the schedule ``t -> rate(t)`` (or a constant value)."""
    optimizer = rmsprop.RMSprop([X.copy()], learning_rate=rate if callable(rate) else (lambda t: rate))
    for _ in range(steps):
        optimizer.step([grads])


def _a_run():
    return rmsprop.minimize(SEED, [-4.0, 3.0], learning_rate=0.1, maxiter=3)


# (id, call(tmp), exception, key phrase, marks)
API_CASES = [
    # rmsprop(): wrong types and values
    ("rate is a bool", lambda tmp: rmsprop.rmsprop(True), TypeError, "must be a real number", ()),
    ("decay is None", lambda tmp: rmsprop.rmsprop(0.1, decay=None), TypeError, "must be a real number", ()),
    ("decay is complex", lambda tmp: rmsprop.rmsprop(0.1, decay=0.9 + 0j), TypeError, "must be a real number", ()),
    ("momentum is False", lambda tmp: rmsprop.rmsprop(0.1, momentum=False), TypeError, "must be a real number", ()),
    (
        "weight decay is an array",
        lambda tmp: rmsprop.rmsprop(0.1, weight_decay=np.array([0.1])),
        TypeError,
        "must be a real number",
        (),
    ),
    ("eps is a NumPy inf", lambda tmp: rmsprop.rmsprop(0.1, eps=np.float64("inf")), ValueError, "must be finite", ()),
    ("eps underflows to 0", lambda tmp: rmsprop.rmsprop(0.1, eps=1e-400), ValueError, "allowed: (0, inf)", ()),
    ("initial scale inf", lambda tmp: rmsprop.rmsprop(0.1, initial_scale=math.inf), ValueError, "must be finite", ()),
    ("clip value negative", lambda tmp: rmsprop.rmsprop(0.1, clip_value=-1.0), ValueError, "allowed: (0, inf)", ()),
    (
        "global clip norm zero",
        lambda tmp: rmsprop.rmsprop(0.1, global_clip_norm=0.0),
        ValueError,
        "allowed: (0, inf)",
        (),
    ),
    ("maximize is 1", lambda tmp: rmsprop.rmsprop(0.1, maximize=1), TypeError, "must be True or False", ()),
    (
        "lr inside momentum without momentum",
        lambda tmp: rmsprop.rmsprop(0.1, lr_inside_momentum=True),
        ValueError,
        "needs momentum > 0",
        (),
    ),
    ("arithmetic is a list", lambda tmp: rmsprop.rmsprop(0.1, arithmetic=[]), ValueError, "allowed: seed", ()),
    ("arithmetic unknown", lambda tmp: rmsprop.rmsprop(0.1, arithmetic="float16"), ValueError, "allowed: seed", ()),
    # params, grads and state that do not fit
    ("params an empty dict", lambda tmp: rmsprop.rmsprop(0.1).init({}), ValueError, "non-empty", ()),
    ("params None", lambda tmp: rmsprop.rmsprop(0.1).init(None), TypeError, "floating-point arrays", ()),
    ("params text", lambda tmp: rmsprop.rmsprop(0.1).init(["abc"]), TypeError, "floating-point arrays", ()),
    (
        "params of another shape",
        lambda tmp: _update(rmsprop.rmsprop(0.1, weight_decay=0.1), params=np.ones(3)),
        ValueError,
        "but the state expects (2,)",
        (),
    ),
    (
        "state from adam",
        lambda tmp: _update(rmsprop.rmsprop(0.1), baselines.adam(0.1).init(X)),
        TypeError,
        "RMSpropState made by its init",
        (),
    ),
    ("state None", lambda tmp: rmsprop.rmsprop(0.1).update(X, None), TypeError, "RMSpropState made by its init", ()),
    (
        "state a plain tuple",
        lambda tmp: rmsprop.rmsprop(0.1).update(X, (0, X)),
        TypeError,
        "RMSpropState made by its init",
        (),
    ),
    (
        "state from adam, in place",
        lambda tmp: rmsprop.rmsprop(0.1).update_in_place([X], baselines.adam(0.1).init([X]), [X.copy()]),
        TypeError,
        "RMSpropState made by its init",
        (),
    ),
    (
        "state without the momentum buffer",
        lambda tmp: _update(rmsprop.rmsprop(0.1, momentum=0.9), rmsprop.rmsprop(0.1).init(X)),
        ValueError,
        "without momentum > 0",
        (),
    ),
    (
        "state of a centered rmsprop",
        lambda tmp: _update(rmsprop.rmsprop(0.1), rmsprop.rmsprop(0.1, centered=True).init(X)),
        ValueError,
        "with centered=True",
        (),
    ),
    (
        "state count as text",
        lambda tmp: _update(rmsprop.rmsprop(0.1), rmsprop.RMSpropState("3", X * 0, None, None)),
        ValueError,
        "integer >= 0",
        (),
    ),
    (
        "state count negative",
        lambda tmp: _update(rmsprop.rmsprop(0.1, bias_correction=True), rmsprop.RMSpropState(-1, X * 0, None, None)),
        ValueError,
        "integer >= 0",
        (),
    ),
    (
        "adam given grads of another shape",
        lambda tmp: _update(baselines.adam(0.1), grads=np.ones(3)),
        ValueError,
        "but its parameter has shape (2,)",
        (),
    ),
    (
        "adam given an rmsprop state",
        lambda tmp: _update(baselines.adam(0.1), rmsprop.rmsprop(0.1).init(X)),
        TypeError,
        "AdamState made by its init",
        (),
    ),
    ("updates of another shape", lambda tmp: rmsprop.apply_updates([X], [np.ones((2, 2))]), ValueError, "shape", ()),
    # the in-place optimizer
    ("RMSprop of None", lambda tmp: rmsprop.RMSprop(None, 0.1), TypeError, "a NumPy array or a list of arrays", ()),
    (
        "RMSprop of a dict",
        lambda tmp: rmsprop.RMSprop({"w": X.copy()}, 0.1),
        TypeError,
        "a NumPy array or a list of arrays",
        (),
    ),
    ("RMSprop rate as text", lambda tmp: rmsprop.RMSprop([X.copy()], "fast"), TypeError, "must be a real number", ()),
    (
        "step of None",
        lambda tmp: rmsprop.RMSprop([X.copy()], 0.1).step(None),
        TypeError,
        "a NumPy array or a list of arrays",
        (),
    ),
    (
        "step of a float",
        lambda tmp: rmsprop.RMSprop([X.copy()], 0.1).step(5.0),
        TypeError,
        "a NumPy array or a list of arrays",
        (),
    ),
    # schedules that return what is not a rate
    (
        "schedule returns nan",
        lambda tmp: rmsprop.minimize(SEED, X, learning_rate=lambda t: math.nan),
        ValueError,
        "must be finite",
        (),
    ),
    ("schedule returns None", lambda tmp: _run_schedule(None), TypeError, "must be a real number", ()),
    ("schedule returns text", lambda tmp: _run_schedule("0.1"), TypeError, "must be a real number", ()),
    ("schedule returns a bool", lambda tmp: _run_schedule(True), TypeError, "must be a real number", ()),
    (
        "schedule returns an array",
        lambda tmp: _run_schedule(np.array([0.1, 0.2])),
        TypeError,
        "must be a real number",
        (),
    ),
    (
        "schedule overflows",
        lambda tmp: _run_schedule(schedules.exponential_decay(1.0, 10.0, 1), 400, X * 0),
        ValueError,
        "must be finite",
        (),
    ),
    (
        "batch schedule returns nan",
        lambda tmp: rmsprop.minimize_many(SEED, [X], learning_rate=lambda t: math.nan),
        ValueError,
        "must be finite",
        (),
    ),
    # minimize
    ("x0 None", lambda tmp: rmsprop.minimize(SEED, None), TypeError, "real numbers", ()),
    ("x0 text", lambda tmp: rmsprop.minimize(SEED, "1,2"), TypeError, "real numbers", ()),
    ("x0 complex", lambda tmp: rmsprop.minimize(SEED, [1j, 2.0]), TypeError, "real numbers", ()),
    ("x0 an empty dict", lambda tmp: rmsprop.minimize(SEED, {}), TypeError, "real numbers", ()),
    (
        "x0 of the wrong dimension",
        lambda tmp: rmsprop.minimize(SEED, [1.0, 2.0, 3.0]),
        ValueError,
        "with 2 coordinates",
        (),
    ),
    ("rate a bool", lambda tmp: rmsprop.minimize(SEED, X, learning_rate=True), TypeError, "must be a real number", ()),
    ("maxiter 1e12 as a float", lambda tmp: rmsprop.minimize(SEED, X, maxiter=1e12), ValueError, "integer >= 0", ()),
    ("maxiter None", lambda tmp: rmsprop.minimize(SEED, X, maxiter=None), ValueError, "integer >= 0", ()),
    ("gtol nan", lambda tmp: rmsprop.minimize(SEED, X, gtol=math.nan), ValueError, "must be finite", ()),
    ("norm fro", lambda tmp: rmsprop.minimize(SEED, X, norm="fro"), ValueError, "norm must be", ()),
    (
        "optimizer by name",
        lambda tmp: rmsprop.minimize(SEED, X, optimizer="adam"),
        TypeError,
        "GradientTransformation",
        (),
    ),
    (
        "optimizer and settings",
        lambda tmp: rmsprop.minimize(SEED, X, optimizer=rmsprop.rmsprop(0.1), decay=0.9),
        ValueError,
        "not both",
        (),
    ),
    ("fun returns text", lambda tmp: rmsprop.minimize(lambda x: "abc", X), TypeError, "real number", ()),
    # minimize_many
    ("batch of no starts", lambda tmp: rmsprop.minimize_many(SEED, np.zeros((0, 2))), ValueError, "is empty", ()),
    ("batch an empty list", lambda tmp: rmsprop.minimize_many(SEED, []), ValueError, "shape (B, d)", ()),
    ("batch in 3-D", lambda tmp: rmsprop.minimize_many(SEED, np.zeros((2, 2, 2))), ValueError, "shape (B, d)", ()),
    ("batch of complex starts", lambda tmp: rmsprop.minimize_many(SEED, [[1j, 2.0]]), TypeError, "real numbers", ()),
    (
        "batch trajectories of 10^12 iterates",
        lambda tmp: rmsprop.minimize_many(SEED, [X], maxiter=10**12, trajectories=True),
        ValueError,
        "leave trajectories=False",
        (),
    ),
    (
        "batch of 10^13 starts",
        lambda tmp: rmsprop.minimize_many(SEED, np.broadcast_to(X, (10**13, 2))),
        ValueError,
        "give fewer or shorter rows",
        (),
    ),
    (
        "batch rates an empty list",
        lambda tmp: rmsprop.minimize_many(SEED, [X], learning_rate=[]),
        ValueError,
        "1-D array of length 1",
        (),
    ),
    (
        "batch rates as bools",
        lambda tmp: rmsprop.minimize_many(SEED, [X, X], learning_rate=[True, False]),
        TypeError,
        "real numbers",
        (),
    ),
    (
        "batch momentum per run",
        lambda tmp: rmsprop.minimize_many(SEED, [X, X], momentum=[0.9, 0.5]),
        TypeError,
        "must be a real number",
        (),
    ),
    (
        "batch decay an empty dict",
        lambda tmp: rmsprop.minimize_many(SEED, [X], decay={}),
        TypeError,
        "must be a real number",
        (),
    ),
    # baselines
    ("unknown baseline", lambda tmp: baselines.get("lbfgs"), ValueError, "choose one of", ()),
    ("baseline name None", lambda tmp: baselines.get(None), TypeError, "must be a str", ()),
    ("baseline option misspelt", lambda tmp: baselines.get("adam", lr=0.1), TypeError, "allowed:", ()),
    ("adam b2 of 1", lambda tmp: baselines.adam(0.1, b2=1.0), ValueError, "allowed: [0, 1)", ()),
    ("adagrad eps zero", lambda tmp: baselines.adagrad(0.1, eps=0.0), ValueError, "allowed: (0, inf)", ()),
    ("momentum of 1", lambda tmp: baselines.momentum(0.1, momentum=1.0), ValueError, "allowed: [0, 1)", ()),
    ("sgd rate None", lambda tmp: baselines.sgd(None), TypeError, "must be a real number", ()),
    (
        "adam on complex params",
        lambda tmp: baselines.adam(0.1).init(np.ones(2, complex)),
        TypeError,
        "takes real parameters",
        (),
    ),
    # flavors
    ("unknown flavor", lambda tmp: compat.configure("sklearn"), ValueError, "choose one of", ()),
    (
        "flavor without the option",
        lambda tmp: compat.configure("torch", nesterov=True),
        ValueError,
        "its arguments:",
        (),
    ),
    ("flavor without a default rate", lambda tmp: compat.configure("optax"), ValueError, "learning_rate=", ()),
    ("keras with two clippings", lambda tmp: compat.keras(clipnorm=1.0, clipvalue=1.0), ValueError, "Only one of", ()),
    ("keras in float16", lambda tmp: compat.keras(floatx="float16"), ValueError, "'float32' or 'float64'", ()),
    (
        "optax nesterov without momentum",
        lambda tmp: compat.optax(0.1, nesterov=True),
        ValueError,
        "needs a momentum",
        (),
    ),
    ("torch alpha of 1", lambda tmp: compat.torch(alpha=1.0), ValueError, "allowed: [0, 1)", ()),
    # objectives
    ("unknown objective", lambda tmp: objectives.get("nosuch"), ValueError, "choose one of", ()),
    (
        "rosenbrock in 10^12 dimensions",
        lambda tmp: objectives.get("rosenbrock", dim=10**12),
        ValueError,
        "dim <= 10000000",
        (),
    ),
    ("seed in 3 dimensions", lambda tmp: objectives.get("seed", dim=3), ValueError, "2-dimensional", ()),
    ("dim a float", lambda tmp: objectives.get("rosenbrock", dim=2.0), TypeError, "must be an int", ()),
    ("formula None", lambda tmp: objectives.from_expression(None), TypeError, "must be a str", ()),
    ("formula blank", lambda tmp: objectives.from_expression("  "), ValueError, "write a formula such as", ()),
    (
        "formula start nan",
        lambda tmp: objectives.from_expression("x1**2", start=[math.nan]),
        ValueError,
        "finite numbers",
        (),
    ),
    ("objective at text", lambda tmp: SEED("ab"), TypeError, "takes real numbers", ()),
    ("objective at a complex point", lambda tmp: SEED(np.array([1j, 2.0])), TypeError, "takes real numbers", ()),
    # figures and files
    (
        "figure as text",
        lambda tmp: rmsprop.plot.contour(SEED, save=tmp / "c.txt"),
        ValueError,
        "use one of .png, .svg, .pdf",
        (),
    ),
    (
        "figure onto an existing folder",
        lambda tmp: rmsprop.plot.contour(SEED, save=tmp / EXISTING_DIR),
        ValueError,
        "is a directory",
        (),
    ),
    (
        "figure in a missing folder",
        lambda tmp: rmsprop.plot.contour(SEED, save=tmp / "no" / "c.png"),
        ValueError,
        "does not exist",
        (),
    ),
    (
        "figure of 3*10^13 pixels",
        lambda tmp: rmsprop.plot.contour(SEED, dpi=1e6, save=tmp / "c.png"),
        ValueError,
        "pixels are allowed",
        (),
    ),
    (
        "a billion contour levels",
        lambda tmp: rmsprop.plot.contour(SEED, levels=10**9, save=tmp / "c.png"),
        ValueError,
        "count from 2 to",
        (),
    ),
    (
        "resolution of a million",
        lambda tmp: rmsprop.plot.contour(SEED, resolution=10**6),
        ValueError,
        "integer in [2, 4000]",
        (),
    ),
    ("no runs to draw", lambda tmp: rmsprop.plot.paths(SEED, []), ValueError, "at least one result", ()),
    (
        "animation as webm",
        lambda tmp: rmsprop.plot.animate(SEED, _a_run(), tmp / "a.webm"),
        ValueError,
        "use one of .gif, .mp4",
        (),
    ),
    (
        "animation at 0 fps",
        lambda tmp: rmsprop.plot.animate(SEED, _a_run(), tmp / "a.gif", fps=0),
        ValueError,
        "(0, 1000]",
        (),
    ),
    (
        "animation frames of 10^11 pixels",
        lambda tmp: rmsprop.plot.animate(SEED, _a_run(), tmp / "a.gif", dpi=1e5, progress=False),
        ValueError,
        "pixels are allowed",
        (),
    ),
]
if LINUX:
    API_CASES += [
        (
            "figure where nothing can be written",
            lambda tmp: rmsprop.plot.contour(SEED, resolution=5, save=f"{UNWRITABLE}/c.png"),
            ValueError,
            "cannot write",
            (),
        ),
    ]


@pytest.mark.parametrize(
    "call, error, phrase",
    [pytest.param(call, error, phrase, id=name, marks=marks) for name, call, error, phrase, marks in API_CASES],
)
def test_api_refuses_with_one_line_and_no_warning(tmp_path, call, error, phrase):
    (tmp_path / EXISTING_FILE).write_text(FILE_TEXT)
    (tmp_path / EXISTING_DIR).mkdir()
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        with pytest.raises((ValueError, TypeError)) as info:
            call(tmp_path)
    assert type(info.value) is error or isinstance(info.value, error), repr(info.value)
    message = str(info.value)
    assert message and "\n" not in message, message
    assert phrase in message, message
    assert [str(w.message) for w in caught] == []
    _assert_left_as_it_was(tmp_path)


def test_there_are_enough_api_cases():
    assert len(API_CASES) >= 30 and len({case[0] for case in API_CASES}) == len(API_CASES)
