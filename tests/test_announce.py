"""A compilation (a cache miss) is announced once per kind: on the ``rmsprop`` logger, and on stderr in the CLI."""

import logging
import os
import subprocess
import sys
import textwrap

import pytest

numba = pytest.importorskip("numba")

from rmsprop._compiled.announce import watch  # noqa: E402 - after the skip

MESSAGE = "compiling kernels for {}, once; "


def test_the_first_compilation_of_a_kind_is_logged_once(caplog):
    caplog.set_level(logging.INFO, logger="rmsprop")
    first = watch(numba.njit(lambda v: 2 * v), "test kind", "doubling")
    second = watch(numba.njit(lambda v: 3 * v), "test kind", "tripling")
    assert (first(1.0), first(2), second(1.0)) == (2.0, 4, 3.0)  # three compilations
    messages = [record for record in caplog.records if record.name == "rmsprop"]
    assert [record.getMessage() for record in messages] == [MESSAGE.format("doubling") + "not cached"]
    assert messages[0].levelno == logging.INFO


def test_other_compilations_are_not_logged(caplog):
    caplog.set_level(logging.INFO, logger="rmsprop")
    watched = watch(numba.njit(lambda v: v + 1), "test kind, already compiled", "a watched function")
    watched(1.0)
    caplog.clear()
    numba.njit(lambda v: v - 1)(1.0)  # not watched
    watched(1.0)  # compiled before: no compilation at all
    assert not [record for record in caplog.records if record.name == "rmsprop"]


#: minimize_many on the compiled engine, with the messages of the ``rmsprop`` logger on stdout.
RUN = textwrap.dedent(
    """
    import logging, sys
    import numpy as np
    import rmsprop

    logging.basicConfig(level=logging.INFO, format="%(name)s %(levelname)s %(message)s", stream=sys.stdout)
    seed = rmsprop.objectives.get("seed")
    for learning_rate in (0.1, 0.2):  # the kernel compiles (or loads) once for both
        result = rmsprop.minimize_many(seed, [[-4.0, 3.0]], learning_rate=learning_rate, maxiter=5, gtol=0)
    rmsprop.minimize_many(rmsprop.objectives.get("booth"), [[0.0, 0.0]], maxiter=5)  # another kernel, same kind
    print(result.engine)
    """
)


def _run_with_cache(code: str, cache: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache}
    env.pop("RMSPROP_DISABLE_JIT", None)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)


def test_a_cold_cache_is_announced_once_and_a_warm_one_not_at_all(tmp_path):
    cache = str(tmp_path / "numba-cache")
    cold = _run_with_cache(RUN, cache)
    assert cold.returncode == 0, cold.stderr
    lines = cold.stdout.splitlines()
    assert lines[-1] == "numba"
    said = [line for line in lines if line.startswith("rmsprop ")]
    assert len(said) == 1, lines
    assert said[0].startswith("rmsprop INFO " + MESSAGE.format("minimize_many on seed") + f"cached in {cache}")
    warm = _run_with_cache(RUN, cache)
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout.splitlines() == ["numba"]  # loaded from the cache: nothing to say


def test_the_command_line_announces_on_stderr(tmp_path):
    cache = str(tmp_path / "numba-cache")
    code = (
        "from rmsprop.cli import main; "
        "main(['sweep', '--objective', 'seed', '--lr', '0.1', '--starts', '2', '--maxiter', '5', "
        f"'--out', {str(tmp_path / 'sweep')!r}])"
    )
    run = _run_with_cache(code, cache)
    assert run.returncode == 0, run.stderr
    said = run.stderr.splitlines()
    assert said == [said[0]] and said[0].startswith(MESSAGE.format("minimize_many on seed") + f"cached in {cache}")
    assert "compiling" not in run.stdout
