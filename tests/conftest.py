import os
import subprocess
import sys

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture
def artifacts_dir(tmp_path_factory):
    """A folder for files worth keeping after the run (CI uploads test-artifacts/ when it exists)."""
    root = os.environ.get("RMSPROP_TEST_ARTIFACTS")
    if root:
        os.makedirs(root, exist_ok=True)
        return root
    return str(tmp_path_factory.mktemp("artifacts"))


class CliResult:
    """What one in-process ``rmsprop`` command did: ``returncode``, ``stdout``, ``stderr`` (as a subprocess's)."""

    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr

    def __repr__(self) -> str:
        return f"CliResult({self.returncode!r}, stdout={self.stdout[-500:]!r}, stderr={self.stderr[-500:]!r})"


def invoke_cli(*args, cwd=None, env=None) -> CliResult:
    """``rmsprop ARGS`` run in this process through ``rmsprop.cli.main`` (its one-line usage errors included).

    stdout and stderr are captured apart by Typer's ``CliRunner``; ``cwd`` is the working folder during the
    command; ``env`` adds environment variables. Warnings a real process would print (not the deprecations
    Python hides by default) are added to stderr, as that process would show them.
    """
    import warnings

    from typer.testing import CliRunner

    from rmsprop.cli import main

    old_cwd = os.getcwd()
    with CliRunner().isolation(env=env) as (stdout, stderr, _), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.filterwarnings("ignore", category=category)
        try:
            if cwd is not None:
                os.chdir(cwd)
            main([str(a) for a in args])
            code = 0
        except SystemExit as exit:
            code = 0 if exit.code is None else exit.code if isinstance(exit.code, int) else 1
        finally:
            os.chdir(old_cwd)
            sys.stdout.flush()
            sys.stderr.flush()
        out, err = stdout.getvalue().decode(), stderr.getvalue().decode()
    err += "".join(warnings.formatwarning(w.message, w.category, w.filename, w.lineno) for w in caught)
    return CliResult(code, out, err)


@pytest.fixture
def cli():
    """Run ``rmsprop ARGS`` in this process: ``cli("run", "--json", cwd=..., env=...)`` -> ``CliResult``."""
    return invoke_cli


def rmsprop_process(*args, cwd=None, env=None, timeout=600) -> subprocess.CompletedProcess:
    """``python -m rmsprop ARGS`` as a real process (for what needs one: signals, start-up, the entry point)."""
    return subprocess.run(
        [sys.executable, "-m", "rmsprop", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def cli_process():
    """Run ``python -m rmsprop ARGS`` as a real process: ``cli_process("--help")`` -> ``CompletedProcess``."""
    return rmsprop_process
