"""Packaging promises: the public names, a light import, the console command."""

import json
import pathlib
import subprocess
import sys

import rmsprop

HEAVY = ["matplotlib", "scipy.optimize", "scipy", "numba", "typer", "rich", "sympy", "dash", "torch", "jax"]


def test_import_loads_numpy_only():
    code = f"import sys, json, rmsprop; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_the_demo_loads_neither_scipy_optimize_nor_pyplot_nor_numba(tmp_path):
    # minimize returns rmsprop.OptimizeResult (SciPy's import alone takes longer than the seed's run); the figures
    # are drawn with matplotlib's Figure, and two parameters take no compiled kernel.
    code = (
        "import sys, json; from rmsprop.cli import main\n"
        f"try: main(['demo', '--out', {str(tmp_path)!r}])\n"
        "except SystemExit: pass\n"
        "print(json.dumps([m for m in ('scipy.optimize', 'matplotlib.pyplot', 'numba') if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.splitlines()[-1]) == []


def test_public_names():
    assert sorted(rmsprop.__all__) == sorted(set(rmsprop.__all__))
    for name in rmsprop.__all__:
        assert hasattr(rmsprop, name), name
    assert {"rmsprop", "RMSprop", "minimize", "apply_updates", "objectives", "schedules"} <= set(rmsprop.__all__)


def test_py_typed_marker_is_shipped():
    assert (pathlib.Path(rmsprop.__file__).parent / "py.typed").exists()


def test_python_dash_m_and_console_script_show_help():
    for command in (
        [sys.executable, "-m", "rmsprop", "--help"],
        [str(pathlib.Path(sys.executable).parent / "rmsprop"), "--help"],
    ):
        run = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        assert "demo" in run.stdout


def test_demo_into_a_file_path_is_a_clean_error(tmp_path):
    target = tmp_path / "taken"
    target.write_text("keep me")
    run = subprocess.run(
        [sys.executable, "-m", "rmsprop", "demo", "--out", str(target)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "is a file" in run.stderr and "Traceback" not in run.stderr
    assert target.read_text() == "keep me"


def test_demo_into_an_unwritable_place_is_a_clean_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    run = subprocess.run(
        [sys.executable, "-m", "rmsprop", "demo", "--out", str(blocker / "sub")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.startswith("Error: cannot write the figures")
