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
    # The first compilation in a process is announced on stderr, by whichever command compiles first (on a
    # cold Numba cache); tests/test_announce.py checks that line, the other tests see the commands' own output.
    err = "".join(line for line in err.splitlines(keepends=True) if not line.startswith("compiling kernels for "))
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


#: The long tests, marked ``slow``: a plain ``pytest`` leaves them out, ``pytest -m ""`` (the README's command and
#: .ci/run) runs them. Whole files, or (file, test name) pairs; each line says why it is long.
SLOW_FILES = {
    "test_playground_browser.py",  # a real server and headless Chromium
    "test_compat_keras.py",  # Keras's grid: every option x schedule x dtype, hundreds of steps, against Keras itself
    "test_compat_optax.py",  # the same against Optax (JAX compiles every case)
    "test_compat_torch.py",  # the same against torch.optim, 500 steps a case
    "test_example_digits.py",  # trains the digits example end to end, beside torch
}
SLOW_TESTS = {
    ("test_sweep.py", "test_cluster_table_equals_the_local_table"),  # starts a Dask LocalCluster
    ("test_sweep.py", "test_a_worker_killed_mid_sweep_loses_and_duplicates_nothing"),
    ("test_checkpoint.py", "test_runs_killed_at_random_moments_and_resumed_end_bit_identical"),  # 12 SIGKILLs
    ("test_properties.py", "test_minimize_many_rows_are_minimize_runs"),  # hypothesis over batches of runs
    ("test_properties.py", "test_big_arrays"),
    ("test_expression.py", "test_a_small_fuzz_run"),  # 1,500 fuzzed formulas in forked workers
    ("test_expression.py", "test_the_fuzzer_reports_a_crash_and_a_hang"),
    ("test_kernels.py", "test_kernel_equals_numpy_form"),  # 5 arithmetics x 16 option sets x 2 dtypes, compiled
    ("test_kernels.py", "test_parallel_kernel_equals_numpy_form"),
    ("test_engines.py", "test_the_compiled_batch_engine_runs_the_rule"),  # one compile per row: 151 specs
    ("test_minimize_compiled.py", "test_every_objective_option_and_dtype"),  # one compiled loop per option x dtype
    ("test_playground.py", "test_gunicorn_workers_serve_the_page_and_a_view_then_stop_on_ctrl_c"),  # a real server
    ("test_torch.py", "test_every_option_follows_torch_over_500_open_loop_steps"),  # 16 cases x 2 dtypes x 500 steps
    ("test_announce.py", "test_a_cold_cache_is_announced_once_and_a_warm_one_not_at_all"),  # compiles, empty cache
    ("test_announce.py", "test_the_command_line_announces_on_stderr"),  # the same, through the command line
    # The documentation's site: the whole Sphinx build (every gallery example run), then its pages in Chromium.
    ("test_docs.py", "test_the_build_prints_the_seeds_numbers_on_the_tutorial"),
    ("test_docs.py", "test_every_figure_of_the_pages_is_made_by_the_build"),
    ("test_docs.py", "test_every_internal_link_leads_to_a_file"),
    ("test_docs.py", "test_the_page_opens_with_no_console_error_and_no_missing_image"),
    ("test_docs.py", "test_the_search_page_finds_a_term_offline"),
    ("test_reproduce.py", "test_shi2021_authors_thresholds_are_those_of_their_script_at_its_settings"),  # 1240 x 10^6
}


def pytest_collection_modifyitems(config, items):
    """Mark the tests of :data:`SLOW_FILES` and :data:`SLOW_TESTS`, and the pair rows of the engines' table, slow."""
    for item in items:
        file = item.path.name
        name = getattr(item, "originalname", item.name)
        pair_row = file == "test_engines.py" and hasattr(item, "callspec") and " + " in item.callspec.id
        if file in SLOW_FILES or (file, name) in SLOW_TESTS or pair_row:
            item.add_marker(pytest.mark.slow)
