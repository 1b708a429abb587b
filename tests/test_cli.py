"""The command line: run, compare, animate, functions, and every bad input.

In this process through the ``cli`` fixture (tests/conftest.py); a few smoke tests start a real process
(``cli_process``): the entry point, the help, an error exit, and the signals a server must survive.
"""

import csv
import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from reference import SEED_X1, SEED_X2, SEED_Y

SEED_RUN = [
    "run",
    "--objective",
    "seed",
    "--x0=-4,3",
    "--lr",
    "0.1",
    "--decay",
    "0.9",
    "--eps",
    "1e-8",
    "--maxiter",
    "50",
    "--gtol",
    "0",
]


def test_run_json_is_one_object_with_the_seed_numbers(cli):
    done = cli(*SEED_RUN, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # the whole of stdout is one JSON object
    assert set(result) == {"x", "fun", "nit", "success", "status", "message"}
    assert result["x"] == [SEED_X1, SEED_X2] and result["fun"] == SEED_Y
    assert result["nit"] == 50 and result["status"] == 1 and result["success"] is False


def test_a_typed_formula_is_the_seed_too(cli):
    done = cli(SEED_RUN[0], "--objective", "5*x1**2 + 7*x2**2", *SEED_RUN[3:], "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["x"] == [SEED_X1, SEED_X2]


def test_run_prints_a_table_and_saves_the_trajectory_and_the_plot(cli, tmp_path):
    trajectory, figure = tmp_path / "path.csv", tmp_path / "path.png"
    done = cli(*SEED_RUN, "--save", str(trajectory), "--plot", str(figure))
    assert done.returncode == 0, done.stderr
    assert repr(SEED_Y) in done.stdout and "distance to nearest known minimum" in done.stdout
    with open(trajectory) as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 51 and float(rows[-1]["x1"]) == SEED_X1 and float(rows[-1]["x2"]) == SEED_X2
    assert float(rows[0]["x1"]) == -4.0 and float(rows[-1]["f"]) == SEED_Y
    with Image.open(figure) as image:
        assert image.width > 300 and image.height > 300


def test_run_saves_json_trajectories(cli, tmp_path):
    trajectory = tmp_path / "path.json"
    assert cli(*SEED_RUN, "--save", str(trajectory)).returncode == 0
    data = json.loads(trajectory.read_text())
    assert data["iteration"] == list(range(51)) and data["x2"][-1] == SEED_X2


def test_every_option_and_a_flavor(cli):
    done = cli(
        "run",
        "--objective",
        "rosenbrock",
        "--lr",
        "0.001",
        "--centered",
        "--momentum",
        "0.9",
        "--nesterov",
        "--eps-outside-sqrt",
        "--weight-decay",
        "0.001",
        "--clip-norm",
        "10",
        "--bias-correction",
        "--maxiter",
        "300",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["nit"] == 300
    torch_like = cli(
        "run",
        "--objective",
        "seed",
        "--flavor",
        "torch",
        "--lr",
        "0.05",
        "--decay",
        "0.99",
        "--maxiter",
        "20",
        "--json",
    )
    assert torch_like.returncode == 0, torch_like.stderr
    assert json.loads(torch_like.stdout)["nit"] == 20


def test_compare_prints_every_optimizer_and_draws_them(cli, tmp_path):
    figure = tmp_path / "compare.png"
    done = cli(
        "compare",
        "--objective",
        "rosenbrock",
        "--optimizers",
        "rmsprop,sgd,momentum,adam",
        "--maxiter",
        "300",
        "--plot",
        str(figure),
    )
    assert done.returncode == 0, done.stderr
    for name in ("rmsprop", "sgd", "momentum", "adam"):
        assert name in done.stdout
    assert "to minimum" in done.stdout
    assert figure.stat().st_size > 10_000


def test_animate_writes_a_gif_with_capped_frames(cli, tmp_path):
    out = tmp_path / "seed.gif"
    done = cli(
        "animate",
        "--objective",
        "seed",
        "--optimizers",
        "rmsprop,adam",
        "--lr",
        "0.1",
        "--maxiter",
        "50",
        "--max-frames",
        "12",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    with Image.open(out) as image:
        assert image.n_frames == 12


def test_functions_lists_the_catalogue(cli):
    done = cli("functions")
    assert done.returncode == 0
    for name in ("seed", "rosenbrock", "himmelblau"):
        assert name in done.stdout


@pytest.mark.parametrize(
    "command", ["run", "compare", "animate", "functions", "demo", "flavors", "playground", "sweep"]
)
def test_every_command_has_examples_in_its_help(cli, command):
    done = cli(command, "--help")
    assert done.returncode == 0 and "Example" in done.stdout


BAD = {
    "not a number": ["run", "--lr", "abc"],
    "not finite": ["run", "--lr", "nan"],
    "negative rate": ["run", "--lr", "-0.1"],
    "decay of 1": ["run", "--decay", "1"],
    "unknown objective": ["run", "--objective", "nosuchthing"],
    "rejected formula": ["run", "--objective", "__import__('os').system('touch pwned')"],
    "x0 of the wrong dimension": ["run", "--objective", "seed", "--x0", "1,2,3"],
    "x0 not numbers": ["run", "--x0", "a,b"],
    "x0 not finite": ["run", "--x0", "inf,1"],
    "absurd iterations": ["run", "--maxiter", "1000000000000"],
    "negative gtol": ["run", "--gtol", "-1"],
    "unknown flavor": ["run", "--flavor", "sklearn"],
    "option the flavor lacks": ["run", "--flavor", "torch", "--nesterov"],
    "contradicting options": ["run", "--nesterov"],
    "unknown option": ["run", "--learning-rate", "0.1"],
    "unknown optimizer": ["compare", "--optimizers", "rmsprop,lbfgs"],
    "empty optimizer list": ["compare", "--optimizers", ","],
    "3-D objective plotted": ["compare", "--objective", "rosenbrock", "--x0", "1,2,3", "--plot", "{tmp}/x.png"],
    "bad suffix": ["run", "--save", "{tmp}/path.txt"],
    "missing folder": ["run", "--plot", "{tmp}/no/such/folder/x.png"],
    "folder as file": ["run", "--save", "{tmp}"],
    "mp4 or gif only": ["animate", "--out", "{tmp}/a.webm"],
    "fps out of range": ["animate", "--out", "{tmp}/a.gif", "--fps", "0"],
    "port out of range": ["playground", "--port", "70000"],
    "port not a number": ["playground", "--port", "http"],
    "host that does not resolve": ["playground", "--host", "no-such-host.invalid", "--port", "0"],
    "no workers": ["playground", "--workers", "0"],
    "negative workers": ["playground", "--workers", "-2"],
    "workers not a number": ["playground", "--workers", "many"],
    "workers not whole": ["playground", "--workers", "1.5"],
}


@pytest.mark.parametrize("args", BAD.values(), ids=BAD.keys())
def test_bad_input_is_one_line_and_status_2_with_no_file(cli, args, tmp_path):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    done = cli(*args, cwd=tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary


def test_a_run_that_diverges_reports_it_and_exits_1(cli):
    done = cli("run", "--objective", "x1**2", "--x0", "3", "--lr", "1e300", "--maxiter", "50", "--json")
    assert done.returncode == 1, done.stderr
    result = json.loads(done.stdout)  # the result is printed all the same
    assert result["status"] == 3 and np.isfinite(result["x"][0])
    assert (
        done.stderr == f"Error: status 3: {result['message']}\n" and "became non-finite at iteration 1" in done.stderr
    )


def test_a_run_that_cannot_start_exits_1_with_its_status_line(cli):
    done = cli("run", "--objective", "log(x1)", "--x0=-1")
    assert done.returncode == 1 and "3 (not converged)" in done.stdout
    assert done.stderr.startswith("Error: status 3: ") and "at x0 is not finite" in done.stderr
    assert len(done.stderr.splitlines()) == 1


def _start_playground(*args):
    process = subprocess.Popen(
        [sys.executable, "-m", "rmsprop", "playground", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    if not line.startswith("RMSprop playground on http://127.0.0.1:"):
        process.kill()
        out, err = process.communicate(timeout=30)
        pytest.fail(f"the playground did not start: {line + out!r} {err!r}")
    return process, int(line.split(":")[2].split("/")[0])


def test_playground_serves_until_ctrl_c_then_stops_cleanly():
    pytest.importorskip("dash")
    import signal
    import urllib.request

    process, port = _start_playground("--port", "0")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
            assert page.status == 200 and b"RMSprop playground" in page.read()
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out.strip() == "Stopped." and "Traceback" not in err


def test_playground_workers_without_gunicorn_is_one_line_and_status_2(cli, monkeypatch):
    pytest.importorskip("dash")
    import rmsprop.playground

    monkeypatch.setattr(rmsprop.playground, "can_fork_workers", lambda: False)  # as on Windows, or without it
    done = cli("playground", "--port", "0", "--workers", "3")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "Error: --workers 3 needs gunicorn, on Unix: python -m pip install 'rmsprop[playground]'\n"


def test_playground_on_a_port_in_use_is_one_line_and_status_2(cli):
    pytest.importorskip("dash")
    import signal

    process, port = _start_playground("--port", "0")
    try:
        done = cli("playground", "--port", str(port))
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert process.returncode == 0
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: cannot listen on 127.0.0.1:{port}"), done.stderr


# --------------------------------------------------------------------------------------------- real processes


def test_the_entry_point_prints_the_help_fast(cli_process):
    import time

    start = time.perf_counter()
    done = cli_process("--help")
    assert done.returncode == 0 and "run" in done.stdout and "sweep" in done.stdout, done.stderr
    assert time.perf_counter() - start < 30  # no matplotlib, scipy, dask or dash on the way
    assert cli_process().returncode == 0  # plain 'rmsprop': the help, status 0


def test_the_demo_in_a_real_process(cli_process, tmp_path):
    done = cli_process("demo", "--out", "figures", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.suffix for p in (tmp_path / "figures").iterdir()) == [".png", ".png"]
    assert done.stdout.count("Wrote ") == 2


def test_an_error_in_a_real_process_is_one_line_and_status_2(cli_process, tmp_path):
    done = cli_process("run", "--lr", "abc", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "--lr" in lines[0], done.stderr
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------- the rule's flags


def test_the_rule_flags_are_the_fields_of_settings():
    import dataclasses

    import typer

    from rmsprop import Settings
    from rmsprop.cli import app
    from rmsprop.cli._rule_options import flag_name, rule_parameters

    fields = [field for field in dataclasses.fields(Settings) if field.name != "arithmetic"]
    assert [p.name for p in rule_parameters()] == [field.name for field in fields]
    options = {p.name: p for p in typer.main.get_command(app).commands["run"].params}
    for field in fields:
        assert flag_name(field.name) in options[field.name].opts
        assert field.metadata["help"] in options[field.name].help and options[field.name].default is None
        assert options[field.name].secondary_opts == []  # one spelling each: no second column in the help
    assert options["learning_rate"].opts == ["--lr"] and options["eps_in_sqrt"].opts == ["--eps-outside-sqrt"]
    assert "arithmetic" not in options


def test_a_new_field_of_settings_is_a_new_flag(monkeypatch):
    import dataclasses

    from rmsprop.cli import _rule_options

    @dataclasses.dataclass(frozen=True)
    class More(_rule_options.Settings):
        warmup: float = dataclasses.field(default=0.0, metadata={"help": "Warm up.", "kind": "number"})
        fancy: bool = dataclasses.field(default=True, metadata={"help": "Be fancy.", "kind": "flag"})

    monkeypatch.setattr(_rule_options, "Settings", More)
    options = {p.name: p.default for p in _rule_options.rule_parameters()}
    assert options["warmup"].param_decls == ("--warmup",) and options["warmup"].help == "Warm up."
    assert options["fancy"].param_decls == ("--no-fancy",) and options["fancy"].default is None
    assert options["fancy"].help == "Switch off (on by default): Be fancy."
    assert _rule_options.given_settings({"warmup": 0.5, "fancy": None}) == {"warmup": 0.5}
    assert _rule_options.given_settings({"fancy": True}) == {"fancy": False}  # --no-fancy given
