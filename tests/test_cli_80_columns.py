"""The command line as it reads at 80 columns: the help, the tables, piped output, --version, did you mean.

Rendered in this process through the ``cli`` fixture (Typer's ``CliRunner``, whose stdout is not a
terminal) with ``COLUMNS=80``; a table printed on a terminal is rendered by a Rich console forced to be
one.
"""

import re

import pytest

import rmsprop.cli
from rmsprop import compat, objectives

COMMANDS = ["run", "compare", "animate", "sweep", "functions", "demo", "flavors", "reproduce", "playground"]
NARROW = {"COLUMNS": "80"}
BOX = re.compile("[\u2500-\u257f]")  # Rich's box-drawing characters


def _help(cli, *command):
    done = cli(*command, "--help", env=NARROW)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _examples(text):
    return text.split("Examples:")[1].strip().splitlines()


@pytest.mark.parametrize("command", COMMANDS)
def test_help_fits_80_columns_with_one_example_per_line(cli, command):
    text = _help(cli, command)
    assert max(map(len, text.splitlines())) <= 80
    examples = _examples(text)
    assert len(examples) >= 1 and all(line.strip().startswith("rmsprop " + command) for line in examples)
    assert "…" not in text  # no option name cut


def test_the_examples_of_the_help_are_those_the_command_was_given(cli):
    import typer

    command = typer.main.get_command(rmsprop.cli.app).commands["run"]
    given = [line for line in command.epilog.splitlines() if line.startswith("rmsprop ")]
    assert [line.strip() for line in _examples(_help(cli, "run"))] == given


def test_an_example_too_long_for_80_columns_is_refused():
    with pytest.raises(ValueError, match="wraps at 80 columns"):
        rmsprop.cli._app.examples("rmsprop run " + "--lr 0.1 " * 10)


def test_run_help_groups_its_options_in_panels_and_shows_switches_as_switches(cli):
    text = _help(cli, "run")
    panels = re.findall(r"╭─ (\w+) ─", text)
    assert panels == ["Options", "Problem", "Rule", "Stopping", "Flavor", "Output", "Checkpoints"]
    rule = text.split("╭─ Rule ")[1].split("╰")[0]
    for flag in ("--centered", "--nesterov", "--decoupled-weight-decay", "--eps-outside-sqrt", "--bias-correction"):
        [line] = [line for line in rule.splitlines() if f"│ {flag} " in line]
        assert "<" not in line  # no <bool>: a switch takes no value
    assert "<bool>" not in text and "--momentum" in rule and "<float>" in rule


def test_a_switch_is_given_alone(cli):
    done = cli("run", "--objective", "seed", "--lr", "0.1", "--centered", "--maxiter", "5", "--json")
    assert done.returncode == 0, done.stderr
    done = cli("run", "--centered", "true")
    assert done.returncode == 2 and "unexpected extra argument" in done.stderr


def test_a_switch_on_by_default_is_given_as_its_opposite(cli):
    import json

    inside = cli("run", "--flavor", "optax", "--lr", "0.1", "--maxiter", "5", "--json")
    outside = cli("run", "--flavor", "optax", "--lr", "0.1", "--eps-outside-sqrt", "--maxiter", "5", "--json")
    assert inside.returncode == outside.returncode == 0, outside.stderr
    assert json.loads(inside.stdout)["x"] != json.loads(outside.stdout)["x"]
    assert cli("run", "--eps-in-sqrt").returncode == 2  # the default needs no flag


def test_no_help_text_is_eaten_as_markup():
    import typer
    from rich.text import Text

    root = typer.main.get_command(rmsprop.cli.app)
    for command in root.commands.values():
        for param in command.params:
            if param.help:
                assert Text.from_markup(param.help).plain == param.help.replace("\\[", "["), param.help


def test_rastrigins_formula_is_printed_whole(cli):
    done = cli("functions", env={"COLUMNS": "200"})
    assert objectives.get("rastrigin").formula in done.stdout


@pytest.mark.parametrize(
    "command",
    [["functions"], ["flavors", "--steps", "5"], ["reproduce", "seed", "--out", "{tmp}"], ["reproduce", "--list"]],
)
def test_tables_at_80_columns_split_no_word_and_cut_no_number(cli, tmp_path, command):
    done = cli(*[part.replace("{tmp}", str(tmp_path)) for part in command], env=NARROW)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(map(len, lines)) <= 80 and "…" not in done.stdout
    words = set(done.stdout.split())
    names = {
        "functions": objectives.names(),
        "flavors": list(compat.FLAVORS) + ["flavor", "library", "centered", "clipping"],
    }.get(command[0], ["quantity", "published"] if "seed" in command else ["reddi2018", "shi2021"])
    for name in names:  # every name whole, as a word or before its colon
        assert name in words or f"{name}:" in words, name


def test_the_flavors_numbers_are_whole_at_80_columns(cli):
    from reference import SEED_X1

    done = cli("flavors", env=NARROW)
    assert f"{SEED_X1:.12g}" in done.stdout.split()  # -0.103522603599, not -0.103522…
    assert "The seed's problem" in done.stdout


def test_piped_tables_are_plain(cli):
    done = cli("compare", "--objective", "seed", "--optimizers", "rmsprop,sgd", "--lr", "0.1", "--maxiter", "50")
    assert done.returncode == 0 and "\x1b[" not in done.stdout and not BOX.search(done.stdout)
    assert all(line == line.rstrip() for line in done.stdout.splitlines())
    header = [line for line in done.stdout.splitlines() if "optimizer" in line]
    assert header[0].split() == ["optimizer", "lr", "final", "f", "iterations", "status", "to", "minimum"]


def test_on_a_terminal_tables_have_boxes_and_fit(monkeypatch, capsys):
    from rich.console import Console

    from rmsprop.cli import _tables

    class Terminal(Console):
        def __init__(self, **settings):
            super().__init__(force_terminal=True, width=80, color_system=None, **settings)

    monkeypatch.setattr("rich.console.Console", Terminal)
    _tables.print_tables(_tables.catalogue())
    out = capsys.readouterr().out
    assert BOX.search(out) is None  # too wide for columns at 80: one block per objective
    assert "rastrigin\n" in out and max(map(len, out.splitlines())) <= 80
    from rmsprop.compat import seed_comparison

    _tables.print_tables(_tables.flavor_runs(seed_comparison(0.1, 3), 0.1, 3))
    out = capsys.readouterr().out
    assert "┃ flavor" in out and max(map(len, out.splitlines())) <= 80 and "…" not in out


def test_version(cli):
    from importlib.metadata import version

    done = cli("--version")
    assert done.returncode == 0 and done.stdout == f"rmsprop {version('rmsprop')}\n"


def test_the_root_help_says_what_the_exit_statuses_mean(cli):
    text = " ".join(_help(cli).split())
    assert "Exit status: 0 done" in text and "1 a run that cannot start" in text and "2 bad input" in text
    assert "--version" in text


@pytest.mark.parametrize(
    "args, hint",
    [
        (["run", "--objective", "rosenbrok"], "(did you mean 'rosenbrock'?)"),
        (["run", "--objective", "Himmelblau"], "(did you mean 'himmelblau'?)"),
        (["run", "--flavor", "pytorch"], "(did you mean 'torch'?)"),
        (["sweep", "--out", "{tmp}/s", "--flavor", "rmsprop,kears"], "(did you mean 'keras'?)"),
        (["compare", "--optimizers", "rmsprop,adamm"], "(did you mean 'adam'?)"),
        (["animate", "--out", "{tmp}/a.gif", "--optimizers", "nesterv"], "(did you mean 'nesterov'?)"),
    ],
)
def test_unknown_names_get_a_did_you_mean_in_one_line_and_status_2(cli, tmp_path, args, hint):
    done = cli(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and hint in done.stderr, done.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "--decay", "1.5"], "Error: --decay must be in [0, 1); got 1.5"),
        (["run", "--lr", "-1"], "Error: --lr must be a finite number > 0; got -1.0"),
        (["run", "--nesterov"], "Error: --nesterov needs --momentum > 0; set --momentum (e.g. 0.9) or drop --nesterov"),
        (["run", "--flavor", "keras", "--decay", "1"], "Error: --decay must be in [0, 1); got 1.0"),
        (["run", "--flavor", "torch", "--eps", "0"], "Error: --eps must be in (0, inf); got 0.0"),
        (
            ["run", "--flavor", "keras", "--clip-norm", "1", "--global-clip-norm", "1"],
            "Error: Only one of --clip-norm, --clip-value and --global-clip-norm can be set (as in Keras)",
        ),
        (["run", "--flavor", "caffe"], "Error: --flavor caffe needs --lr: its library has no default learning rate"),
    ],
)
def test_option_errors_name_the_flag_in_one_style(cli, args, message):
    done = cli(*args)
    assert done.returncode == 2 and done.stderr == message + "\n"
