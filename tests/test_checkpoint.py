"""Checkpoint and resume: killed runs end bit-identical, bad files are refused, good ones never overwritten.

The first test kills real ``rmsprop run`` processes with SIGKILL at random moments (some
of them during a checkpoint write) and resumes them; the rest use ``rmsprop.minimize``.
"""

import json
import math
import os
import pickle
import random
import signal
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import rmsprop
from rmsprop import baselines, compat, objectives, schedules
from rmsprop._status import FINITE_DIFFERENCE_NOTE
from rmsprop._tree import flatten

TRAJECTORY = ("path_x", "path_fun", "path_jac", "path_grad_norm")
RESULT_FIELDS = ("x", "fun", "jac", "nit", "nfev", "njev", "status", "success", "message", *TRAJECTORY, "settings")


def assert_same_result(resumed, uninterrupted):
    """Bit for bit: every field of the result, the trajectory and the optimizer state, types included."""
    for field in RESULT_FIELDS:
        a, b = resumed[field], uninterrupted[field]
        if isinstance(b, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes(), field
        else:
            assert type(a) is type(b) and a == b, (field, a, b)
    assert_same_state(resumed.state, uninterrupted.state)


def assert_same_state(a, b):
    assert type(a) is type(b)
    a_leaves, a_structure = flatten(a)
    b_leaves, b_structure = flatten(b)
    assert a_structure == b_structure
    for x, y in zip(a_leaves, b_leaves):
        assert type(x) is type(y), (x, y)
        if isinstance(y, (np.ndarray, np.generic)):
            assert x.dtype == y.dtype and np.shape(x) == np.shape(y) and x.tobytes() == y.tobytes()
        else:
            assert x == y


def rmsprop_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "rmsprop", *args], capture_output=True, text=True, timeout=600, cwd=cwd
    )


def saved(path):
    """A checkpoint's entries, the metadata decoded."""
    with np.load(path, allow_pickle=False) as archive:
        data = {name: archive[name] for name in archive.files}
    data["meta"] = json.loads(str(data["meta"][()]))
    return data


# ----------------------------------------------------------------------------------------------
# SIGKILL at random moments, for real
# ----------------------------------------------------------------------------------------------

KILLED_RUNS = {
    "centered momentum": [
        "--objective",
        "rosenbrock",
        "--lr",
        "0.001",
        "--centered",
        "--momentum",
        "0.9",
        "--maxiter",
        "2500",
        "--gtol",
        "0",
        "--checkpoint-every",
        "20",
    ],  # stops at maxiter
    "torch flavor": [
        "--objective",
        "himmelblau",
        "--x0=-1,-1",
        "--flavor",
        "torch",
        "--lr",
        "0.003",
        "--maxiter",
        "3000",
        "--checkpoint-every",
        "8",
    ],  # reaches gtol at iteration 1218
}
MAX_KILLS = 6


def _temporaries(folder):
    return {entry.name for entry in os.scandir(folder) if entry.name.endswith(".tmp.npz")}


def _kill_and_resume_until_done(args, folder, rng):
    """Run ``args`` in ``folder``, SIGKILL it at random moments and resume it until it finishes.

    Each kill is one of: right when a checkpoint's temporary file appears (during a write),
    a random delay after a checkpoint was written, or a random delay after the process
    started (possibly before it has done anything). Returns the last process, the number
    of kills and how many of them left a temporary file behind (died during a write).
    """
    checkpoint = folder / "c.npz"
    command = [
        sys.executable,
        "-m",
        "rmsprop",
        "run",
        *args,
        "--checkpoint",
        str(checkpoint),
        "--save",
        str(folder / "path.json"),
        "--json",
    ]
    kills = during_write = 0
    while True:
        resuming = checkpoint.exists()
        process = subprocess.Popen(
            command + (["--resume", str(checkpoint)] if resuming else []),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if kills == MAX_KILLS:
            return process, kills, during_write
        mode = rng.choice(
            ["write", "write", "after write", "after write", "anywhere"] if resuming else ["write", "after write"]
        )
        before = _temporaries(folder)
        last = checkpoint.stat().st_mtime_ns if resuming else None
        started = time.monotonic()
        delay = rng.uniform(0, 1.2) if mode == "anywhere" else rng.uniform(0, 0.1)
        while process.poll() is None:
            if mode == "write" and _temporaries(folder) - before:
                break
            if mode == "after write" and checkpoint.exists() and checkpoint.stat().st_mtime_ns != last:
                mode, started = "anywhere", time.monotonic()
            if mode == "anywhere" and time.monotonic() - started >= delay:
                break
            time.sleep(0 if mode == "write" else 0.0005)  # a write may last well under a millisecond
        if process.poll() is not None:  # it finished first
            return process, kills, during_write
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        kills += 1
        during_write += bool(_temporaries(folder) - before)


def _uninterrupted(args, folder):
    done = rmsprop_cli(
        "run", *args, "--checkpoint", str(folder / "c.npz"), "--save", str(folder / "path.json"), "--json"
    )
    assert done.returncode == 0, done.stderr
    return done


def test_runs_killed_at_random_moments_and_resumed_end_bit_identical(tmp_path):
    rng = random.Random(20240607)
    jobs = {}
    with ThreadPoolExecutor(max_workers=2 * len(KILLED_RUNS)) as pool:
        for i, (name, args) in enumerate(KILLED_RUNS.items()):
            (tmp_path / f"killed{i}").mkdir()
            (tmp_path / f"whole{i}").mkdir()
            jobs[name] = (
                pool.submit(_kill_and_resume_until_done, args, tmp_path / f"killed{i}", random.Random(rng.random())),
                pool.submit(_uninterrupted, args, tmp_path / f"whole{i}"),
            )
        total_kills = total_during_write = 0
        for i, (name, (killed, whole)) in enumerate(jobs.items()):
            process, kills, during_write = killed.result()
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            assert out == whole.result().stdout, name  # x, fun, nit, status, success, message
            folder, reference = tmp_path / f"killed{i}", tmp_path / f"whole{i}"
            assert (folder / "path.json").read_bytes() == (reference / "path.json").read_bytes(), name
            assert not _temporaries(folder), name  # what the kills left mid-write was cleared on resuming
            resumed, uninterrupted = saved(folder / "c.npz"), saved(reference / "c.npz")
            assert resumed["meta"] == uninterrupted["meta"], name  # nit, nfev, njev, the run's settings
            assert resumed.keys() == uninterrupted.keys()
            for entry in resumed:
                if entry != "meta":
                    assert resumed[entry].tobytes() == uninterrupted[entry].tobytes(), (name, entry)
            total_kills += kills
            total_during_write += during_write
    assert total_kills >= 8  # 12 unless a run outpaced its kills
    assert total_during_write >= 1  # some kills landed inside a checkpoint write


# ----------------------------------------------------------------------------------------------
# Every optimizer resumes bit for bit (in process)
# ----------------------------------------------------------------------------------------------

OPTIMIZERS = {
    "rmsprop": lambda: rmsprop.rmsprop(0.01),
    "rmsprop centered nesterov": lambda: rmsprop.rmsprop(0.003, centered=True, momentum=0.9, nesterov=True),
    "rmsprop every option": lambda: rmsprop.rmsprop(
        0.003,
        eps_in_sqrt=False,
        initial_scale=1.0,
        momentum=0.5,
        lr_inside_momentum=True,
        weight_decay=1e-3,
        bias_correction=True,
        clip_norm=10.0,
        maximize=False,
    ),
    "rmsprop exponential schedule": lambda: rmsprop.rmsprop(schedules.exponential_decay(0.01, 0.5, 10)),
    "rmsprop warmup schedule": lambda: rmsprop.rmsprop(schedules.linear_warmup(0.01, 20), centered=True),
    **{f"compat {name}": (lambda name=name: compat.configure(name, learning_rate=0.003)) for name in compat.FLAVORS},
    **{f"baseline {name}": (lambda name=name: baselines.get(name, learning_rate=0.001)) for name in baselines.names()},
}


class Crash(Exception):
    """A stand-in for a run killed by the system: raised from the callback."""


def crash_at(nit):
    def callback(intermediate_result):
        if intermediate_result.nit == nit:
            raise Crash

    return callback


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("make", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())
def test_every_optimizer_resumes_bit_identically(make, dtype, tmp_path):
    rosenbrock = objectives.get("rosenbrock")
    x0 = np.array([-1.2, 1.0], dtype=dtype)
    uninterrupted = rmsprop.minimize(rosenbrock, x0, optimizer=make(), maxiter=60, gtol=0)
    checkpoint = tmp_path / "c.npz"
    with pytest.raises(Crash):  # dies at iteration 27; the last checkpoint is at 20
        rmsprop.minimize(
            rosenbrock,
            x0,
            optimizer=make(),
            maxiter=60,
            gtol=0,
            checkpoint=checkpoint,
            checkpoint_every=10,
            callback=crash_at(27),
        )
    assert saved(checkpoint)["meta"]["nit"] == 20
    resumed = rmsprop.minimize(
        rosenbrock,
        x0,
        optimizer=make(),
        maxiter=60,
        gtol=0,
        resume=checkpoint,
        checkpoint=checkpoint,
        checkpoint_every=10,
    )
    assert resumed.x.dtype == dtype
    assert_same_result(resumed, uninterrupted)
    assert saved(checkpoint)["meta"]["nit"] == 60  # the same file went on being updated


def test_finite_differences_and_a_plain_function_resume(tmp_path):
    def bowl(x, scale):
        return float(scale * np.sum((x - 1.0) ** 2) + np.sum(x**4))

    x0 = [3.0, -2.0, 0.5]
    uninterrupted = rmsprop.minimize(bowl, x0, args=(2.0,), learning_rate=0.05, maxiter=40, gtol=0)
    part = rmsprop.minimize(
        bowl, x0, args=(2.0,), learning_rate=0.05, maxiter=15, gtol=0, checkpoint=tmp_path / "c.npz"
    )
    assert part.nit == 15
    resumed = rmsprop.minimize(
        bowl, x0, args=(2.0,), learning_rate=0.05, maxiter=40, gtol=0, resume=str(tmp_path / "c.npz")
    )
    assert_same_result(resumed, uninterrupted)
    assert resumed.message.endswith(FINITE_DIFFERENCE_NOTE)


def test_the_callback_is_called_for_the_resumed_iterations(tmp_path):
    seed = objectives.get("seed")
    rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=12, gtol=0, checkpoint=tmp_path / "c.npz")
    seen, legacy = [], []
    resumed = rmsprop.minimize(
        seed,
        [-4.0, 3.0],
        learning_rate=0.1,
        maxiter=30,
        gtol=0,
        resume=tmp_path / "c.npz",
        callback=lambda intermediate_result: seen.append(intermediate_result.nit),
    )
    rmsprop.minimize(
        seed,
        [-4.0, 3.0],
        learning_rate=0.1,
        maxiter=30,
        gtol=0,
        resume=tmp_path / "c.npz",
        callback=lambda xk: legacy.append(xk),
    )
    assert seen == list(range(13, 31)) and resumed.nit == 30
    np.testing.assert_array_equal(np.array(legacy), resumed.path_x[13:])


# ----------------------------------------------------------------------------------------------
# Resume semantics
# ----------------------------------------------------------------------------------------------


class Counted:
    """The seed's objective, counting its calls."""

    def __init__(self):
        self.seed = objectives.get("seed")
        self.calls = 0
        self.name, self.formula = self.seed.name, self.seed.formula

    def __call__(self, x):
        self.calls += 1
        return self.seed(x)

    def grad(self, x):
        return self.seed.grad(x)


@pytest.mark.parametrize("maxiter, gtol, status", [(40, 0.0, 1), (10_000, 1e-3, 0)])
def test_resuming_a_finished_run_returns_the_same_result_at_once(maxiter, gtol, status, tmp_path):
    schedule = schedules.exponential_decay(0.1, decay_rate=0.5, decay_steps=50)
    finished = rmsprop.minimize(
        Counted(), [-4.0, 3.0], learning_rate=schedule, maxiter=maxiter, gtol=gtol, checkpoint=tmp_path / "c.npz"
    )
    assert finished.status == status
    objective = Counted()
    again = rmsprop.minimize(
        objective, [-4.0, 3.0], learning_rate=schedule, maxiter=maxiter, gtol=gtol, resume=tmp_path / "c.npz"
    )
    assert objective.calls == 0  # not one evaluation
    assert_same_result(again, finished)


def test_maxiter_is_the_total(tmp_path):
    seed = objectives.get("seed")
    rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=30, gtol=0, checkpoint=tmp_path / "c.npz")
    longer = rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0, resume=tmp_path / "c.npz")
    assert longer.nit == 50
    assert_same_result(longer, rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0))
    with pytest.raises(ValueError, match=r"c\.npz'.*at iteration 30, beyond maxiter=20"):
        rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=20, gtol=0, resume=tmp_path / "c.npz")


def test_a_callback_stop_is_saved_and_resuming_goes_on(tmp_path):
    seed = objectives.get("seed")

    def stop_at_10(intermediate_result):
        if intermediate_result.nit == 10:
            raise StopIteration

    stopped = rmsprop.minimize(
        seed, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0, callback=stop_at_10, checkpoint=tmp_path / "c.npz"
    )
    assert stopped.status == 99 and saved(tmp_path / "c.npz")["meta"]["nit"] == 10
    resumed = rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0, resume=tmp_path / "c.npz")
    assert_same_result(resumed, rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=50, gtol=0))


def explodes_beyond_20(x):
    """|x|_1, until a coordinate passes 20 (then inf): RMSprop's ascent at rate 1 reaches it in about 20 steps."""
    return float(np.sum(np.abs(x))) if np.all(np.abs(x) < 20) else math.inf


def l1(x):
    """|x|_1: finite until x overflows, which RMSprop's ascent from 1 at rate 3e307 does at the third step."""
    return float(np.sum(np.abs(x)))


def sign(x):
    return np.sign(x)


@pytest.mark.parametrize("how", ["non-finite objective", "overflowing step"])
def test_a_diverging_run_keeps_its_last_finite_checkpoint_and_resumes_identically(how, tmp_path):
    if how == "non-finite objective":
        run = dict(fun=explodes_beyond_20, x0=[1.0, -1.5], learning_rate=1.0)
    else:
        run = dict(fun=l1, x0=[1.0], learning_rate=3e307)
    run.update(jac=sign, maximize=True, maxiter=100, gtol=0)
    uninterrupted = rmsprop.minimize(**run)
    assert uninterrupted.status == 3 and uninterrupted.nit >= 2
    assert ("overflowed" in uninterrupted.message) == (how == "overflowing step")
    diverged = rmsprop.minimize(**run, checkpoint=tmp_path / "c.npz", checkpoint_every=4)
    kept = saved(tmp_path / "c.npz")
    assert kept["meta"]["nit"] == diverged.nit and np.all(np.isfinite(kept["path_x"]))
    assert kept["x"].tobytes() == diverged.x.tobytes()
    resumed = rmsprop.minimize(**run, resume=tmp_path / "c.npz")
    for field in RESULT_FIELDS:
        assert (
            np.array_equal(resumed[field], diverged[field])
            if isinstance(resumed[field], np.ndarray)
            else resumed[field] == diverged[field]
        ), field
    assert_same_state(resumed.state, uninterrupted.state)


def test_a_non_finite_start_does_not_replace_the_last_good_checkpoint(tmp_path):
    checkpoint = tmp_path / "c.npz"
    rmsprop.minimize(lambda x: float(x @ x), [1.0, 2.0], jac=lambda x: 2 * x, maxiter=5, checkpoint=checkpoint)
    good = checkpoint.read_bytes()
    result = rmsprop.minimize(lambda x: math.nan, [1.0, 2.0], jac=lambda x: 2 * x, maxiter=5, checkpoint=checkpoint)
    assert result.status == 3
    assert checkpoint.read_bytes() == good and os.listdir(tmp_path) == ["c.npz"]


def test_a_failed_write_leaves_the_old_checkpoint_intact(tmp_path, monkeypatch):
    seed = objectives.get("seed")
    checkpoint = tmp_path / "c.npz"
    rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, maxiter=10, gtol=0, checkpoint=checkpoint)
    good = checkpoint.read_bytes()

    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(ValueError, match=r"^cannot write '.*c\.npz': No space left on device$"):
        rmsprop.minimize(
            seed,
            [-4.0, 3.0],
            learning_rate=0.1,
            maxiter=20,
            gtol=0,
            resume=checkpoint,
            checkpoint=checkpoint,
            checkpoint_every=5,
        )
    monkeypatch.undo()
    assert checkpoint.read_bytes() == good and os.listdir(tmp_path) == ["c.npz"]  # no temporary left


def test_checkpoint_arguments_are_checked_before_any_work(tmp_path):
    objective = Counted()
    cases = {
        "checkpoint_every needs checkpoint": dict(checkpoint_every=5),
        "checkpoint_every must be an integer >= 1": dict(checkpoint=tmp_path / "c.npz", checkpoint_every=0),
        "it is a directory": dict(checkpoint=tmp_path),
        "does not exist": dict(checkpoint=tmp_path / "no" / "c.npz"),
        "use one of .npz": dict(checkpoint=tmp_path / "c.json"),
        "no such file": dict(resume=tmp_path / "missing.npz"),
        "it is not a file": dict(resume=tmp_path),
    }
    for message, arguments in cases.items():
        with pytest.raises(ValueError, match=message):
            rmsprop.minimize(objective, [-4.0, 3.0], **arguments)
    with pytest.raises(TypeError, match="resume must be a path"):
        rmsprop.minimize(objective, [-4.0, 3.0], resume=3)
    assert objective.calls == 0 and os.listdir(tmp_path) == []


# ----------------------------------------------------------------------------------------------
# Bad files: one line naming the file and the fault
# ----------------------------------------------------------------------------------------------

SEED_RUN = dict(learning_rate=0.1, momentum=0.5, maxiter=40, gtol=0)


@pytest.fixture
def good_checkpoint(tmp_path):
    path = tmp_path / "good.npz"
    rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], **{**SEED_RUN, "maxiter": 20}, checkpoint=path)
    return path


def resume_seed(path, x0=(-4.0, 3.0), objective=None, **changes):
    return rmsprop.minimize(objective or objectives.get("seed"), list(x0), **{**SEED_RUN, **changes}, resume=path)


def assert_refused(path, fault, **changes):
    with pytest.raises(ValueError) as error:
        resume_seed(path, **changes)
    message = str(error.value)
    assert "\n" not in message and message.startswith(f"cannot resume from {str(path)!r}: "), message
    assert fault in message, message


def test_truncated_checkpoints_are_refused(good_checkpoint, tmp_path):
    data = good_checkpoint.read_bytes()
    bad = tmp_path / "bad.npz"
    for size in sorted({0, 1, 3, 4, 30, 100, *random.Random(1).sample(range(5, len(data)), 60), len(data) - 1}):
        bad.write_bytes(data[:size])
        assert_refused(bad, "not" if size < 4 else "damaged")


def test_flipped_bytes_are_refused_or_harmless(good_checkpoint, tmp_path):
    """The ZIP's CRC-32 guards every entry: a flipped byte there is caught. A flip in a redundant
    header field that changes no entry resumes to the very same result."""
    data = good_checkpoint.read_bytes()
    expected = resume_seed(good_checkpoint)
    bad = tmp_path / "bad.npz"
    refused = 0
    for position in random.Random(2).sample(range(len(data)), 300):
        flipped = bytearray(data)
        flipped[position] ^= 1 << random.Random(position).randrange(8)
        bad.write_bytes(bytes(flipped))
        try:
            result = resume_seed(bad)
        except ValueError as error:
            assert "\n" not in str(error) and str(error).startswith(f"cannot resume from {str(bad)!r}: ")
            refused += 1
        else:
            assert_same_result(result, expected)
    assert refused > 200
    # A flip inside the trajectory's numbers is always caught.
    path_x = saved(good_checkpoint)["path_x"].tobytes()
    offset = data.index(path_x) + len(path_x) // 2
    flipped = bytearray(data)
    flipped[offset] ^= 0x10
    bad.write_bytes(bytes(flipped))
    assert_refused(bad, "damaged or not a checkpoint (Bad CRC-32")


def test_foreign_files_are_refused(tmp_path):
    text = tmp_path / "notes.npz"
    text.write_text("hello\n")
    assert_refused(text, "not a checkpoint (not an .npz archive)")
    npy = tmp_path / "array.npz"
    with open(npy, "wb") as stream:
        np.save(stream, np.arange(3.0))
    assert_refused(npy, "not a checkpoint (not an .npz archive)")
    other = tmp_path / "other.npz"
    np.savez(other, weights=np.ones(3), bias=np.zeros(1))
    assert_refused(other, "not an rmsprop checkpoint (it has no 'meta' entry)")
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, meta=np.array([{"format": "rmsprop-checkpoint"}], dtype=object))
    assert_refused(pickled, "damaged or not a checkpoint (Object arrays cannot be loaded when allow_pickle=False)")
    raw_pickle = tmp_path / "raw.npz"
    raw_pickle.write_bytes(pickle.dumps({"x": [1.0, 2.0]}))
    assert_refused(raw_pickle, "not a checkpoint (not an .npz archive)")
    a_zip = tmp_path / "zip.npz"
    with zipfile.ZipFile(a_zip, "w") as archive:
        archive.writestr("meta.npy", b"not an npy file")
    assert_refused(a_zip, "damaged or not a checkpoint (its entry 'meta' is not a NumPy array)")


def rewritten(path, tmp_path, meta_change=None, **entries):
    """A copy of the checkpoint ``path`` with its metadata changed and entries replaced."""
    data = saved(path)
    if meta_change is not None:
        meta_change(data["meta"])
    data["meta"] = np.array(json.dumps(data["meta"]))
    data.update(entries)
    data = {name: value for name, value in data.items() if value is not None}
    copy = tmp_path / "rewritten.npz"
    np.savez(copy, **data)
    return copy


def test_another_format_or_version_is_refused(good_checkpoint, tmp_path):
    assert_refused(
        rewritten(good_checkpoint, tmp_path, lambda meta: meta.update(version=2)),
        "it has format version 2; this rmsprop reads version 1",
    )
    assert_refused(
        rewritten(good_checkpoint, tmp_path, lambda meta: meta.update(format="other")), "not an rmsprop checkpoint"
    )
    assert_refused(rewritten(good_checkpoint, tmp_path, meta=np.array(b"{}")), "'meta' entry is not a text")
    assert_refused(rewritten(good_checkpoint, tmp_path, meta=np.array("{not json")), "damaged or not a checkpoint")
    assert_refused(rewritten(good_checkpoint, tmp_path, lambda meta: meta.update(nit=-1)), "its nit is -1")


def test_tampered_entries_are_refused(good_checkpoint, tmp_path):
    data = saved(good_checkpoint)
    assert_refused(
        rewritten(good_checkpoint, tmp_path, state_1=np.zeros(3)),
        "optimizer state leaf 1 has shape (3,) and dtype float64; this optimizer needs (2,) and float64",
    )
    assert_refused(
        rewritten(good_checkpoint, tmp_path, state_0=np.float32(3)),
        "optimizer state leaf 0 has shape () and dtype float32; this optimizer needs a scalar of type int",
    )
    assert_refused(rewritten(good_checkpoint, tmp_path, state_2=np.zeros(2)), "the entries state_2 are missing")
    assert_refused(rewritten(good_checkpoint, tmp_path, path_jac=None), "the entries path_jac are missing")
    assert_refused(rewritten(good_checkpoint, tmp_path, path_x=data["path_x"][:-1]), "path_x has shape (20, 2)")
    assert_refused(rewritten(good_checkpoint, tmp_path, x=data["x"] + 1), "not the trajectory's last row")
    assert_refused(
        rewritten(good_checkpoint, tmp_path, path_fun=np.where(data["path_fun"] > 0, np.inf, 0)),
        "path_fun is not finite",
    )


def test_a_checkpoint_of_another_run_is_refused(good_checkpoint):
    assert_refused(good_checkpoint, "it was saved for optimizer learning_rate 0.1; this run has 0.2", learning_rate=0.2)
    assert_refused(good_checkpoint, "it was saved for optimizer momentum 0.5; this run has 0.0", momentum=0.0)
    assert_refused(good_checkpoint, "it was saved for optimizer centered false; this run has true", centered=True)
    with pytest.raises(ValueError, match='optimizer name "rmsprop"; this run has "adam"'):
        rmsprop.minimize(
            objectives.get("seed"),
            [-4.0, 3.0],
            maxiter=40,
            gtol=0,
            resume=good_checkpoint,
            optimizer=baselines.get("adam", learning_rate=0.1),
        )
    with pytest.raises(ValueError, match='optimizer name "rmsprop"; this run has "torch"'):
        rmsprop.minimize(
            objectives.get("seed"),
            [-4.0, 3.0],
            maxiter=40,
            gtol=0,
            resume=good_checkpoint,
            optimizer=compat.configure("torch", learning_rate=0.1, momentum=0.5),
        )
    assert_refused(
        good_checkpoint, 'objective name "seed"; this run has "rosenbrock"', objective=objectives.get("rosenbrock")
    )
    rosenbrock = good_checkpoint.with_name("rosenbrock.npz")
    rmsprop.minimize(objectives.get("rosenbrock"), [-1.2, 1.0], maxiter=5, checkpoint=rosenbrock)
    with pytest.raises(ValueError, match="objective dim 2; this run has 3"):
        rmsprop.minimize(objectives.get("rosenbrock", dim=3), [-1.2, 1.0, 1.0], maxiter=5, resume=rosenbrock)
    assert_refused(
        good_checkpoint, 'objective dtype "float64"; this run has "float32"', x0=np.array([-4.0, 3.0], dtype=np.float32)
    )
    assert_refused(
        good_checkpoint,
        'objective name "seed"; this run has "5*x1**2 + 7*x2**3"',
        objective=objectives.from_expression("5*x1**2 + 7*x2**3"),
    )
    assert_refused(good_checkpoint, "its run started from [-4.0, 3.0], not from x0 = [-4.0, 2.0]", x0=(-4.0, 2.0))
    assert_refused(good_checkpoint, "it was saved for gtol 0.0; this run has 0.001", gtol=1e-3)
    assert_refused(good_checkpoint, 'it was saved for norm "inf"; this run has 2.0', norm=2.0)
    assert_refused(
        good_checkpoint, 'objective gradient "given"; this run has "finite differences"', objective=WithoutGradient()
    )


class WithoutGradient:
    """The seed's objective under its own name, without its gradient (so minimize takes finite differences)."""

    name, formula = objectives.get("seed").name, objectives.get("seed").formula

    def __call__(self, x):
        return objectives.get("seed")(x)


# ----------------------------------------------------------------------------------------------
# The command line: one line, status 2, before any work
# ----------------------------------------------------------------------------------------------


def test_command_line_checkpoint_errors_are_one_line_and_status_2(tmp_path):
    seed = objectives.get("seed")
    rmsprop.minimize(seed, seed.start, maxiter=10, checkpoint=tmp_path / "good.npz")  # what 'run --maxiter 10' saves
    (tmp_path / "notes.npz").write_text("hello")
    cases = {
        "--checkpoint-every needs --checkpoint": ["--checkpoint-every", "5"],
        "--checkpoint-every must be an integer >= 1; got 0": ["--checkpoint", "c.npz", "--checkpoint-every", "0"],
        "--checkpoint: cannot write 'no/c.npz': the directory 'no' does not exist": ["--checkpoint", "no/c.npz"],
        "cannot resume from 'missing.npz': no such file": ["--resume", "missing.npz"],
        "cannot resume from 'notes.npz': not a checkpoint": ["--resume", "notes.npz"],
        "cannot resume from 'good.npz': it was saved for optimizer --lr 0.01; this run has 0.1": [
            "--resume",
            "good.npz",
            "--lr",
            "0.1",
        ],
    }
    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        runs = {
            fault: pool.submit(rmsprop_cli, "run", "--objective", "seed", "--maxiter", "10", *args, cwd=tmp_path)
            for fault, args in cases.items()
        }
    for fault, run in runs.items():
        done = run.result()
        assert done.returncode == 2 and done.stdout == "", (fault, done.stdout, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and fault in lines[0], (fault, done.stderr)
    assert sorted(os.listdir(tmp_path)) == ["good.npz", "notes.npz"]  # nothing written, not even a temporary


def test_command_line_resume_continues_to_the_total(tmp_path):
    base = ["run", "--objective", "seed", "--x0=-4,3", "--lr", "0.1", "--gtol", "0", "--json"]
    first = rmsprop_cli(*base, "--maxiter", "20", "--checkpoint", "c.npz", "--checkpoint-every", "6", cwd=tmp_path)
    assert first.returncode == 0 and json.loads(first.stdout)["nit"] == 20, first.stderr
    with ThreadPoolExecutor(max_workers=2) as pool:
        resumed = pool.submit(rmsprop_cli, *base, "--maxiter", "50", "--resume", "c.npz", cwd=tmp_path)
        whole = pool.submit(rmsprop_cli, *base, "--maxiter", "50")
    assert resumed.result().returncode == 0, resumed.result().stderr
    assert resumed.result().stdout == whole.result().stdout


def test_a_checkpoint_clears_only_its_own_leftover_temporaries(tmp_path):
    seed = rmsprop.objectives.get("seed")
    ours = [tmp_path / ".c-0123abcd.tmp.npz", tmp_path / ".c-ffffffff.tmp.npz"]
    others = [
        tmp_path / ".d-0123abcd.tmp.npz",
        tmp_path / ".c-0123abcd.tmp.png",
        tmp_path / "c-0123abcd.tmp.npz",
        tmp_path / ".c-xyz.tmp.npz",
    ]
    for path in ours + others:
        path.write_bytes(b"half a file")
    rmsprop.minimize(seed, [-4.0, 3.0], maxiter=3, gtol=0, checkpoint=tmp_path / "c.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["c.npz"] + [p.name for p in others])
