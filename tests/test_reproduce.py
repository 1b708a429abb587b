"""``rmsprop reproduce``: each entry's published statement, and the command line around them."""

import math

import numpy as np
import pytest
from reference import SEED_X1, SEED_X2, SEED_Y

import rmsprop
from rmsprop import reproduce
from rmsprop.reproduce import reddi2018, shi2021
from rmsprop.schedules import inverse_sqrt_decay


@pytest.fixture(scope="module")
def reddi():
    return reproduce.get("reddi2018").run()


def test_seed_is_the_seed_documents_run_bit_for_bit():
    report = reproduce.get("seed").run()
    result = report.data["result"]
    assert (float(result.x[0]), float(result.x[1]), float(result.fun)) == (SEED_X1, SEED_X2, SEED_Y)
    assert report.agrees and [row.published for row in report.rows] == [repr(SEED_X1), repr(SEED_X2), repr(SEED_Y)]


def d2l_rmsprop_2d(steps=20, eta=0.4, gamma=0.9):
    """Dive into Deep Learning 11.8.3, as the book writes it: rmsprop_2d inside train_2d, from (-5, -2), s = 0."""
    x1, x2, s1, s2 = -5.0, -2.0, 0.0, 0.0
    for _ in range(steps):
        g1, g2, eps = 0.2 * x1, 4 * x2, 1e-6
        s1 = gamma * s1 + (1 - gamma) * g1**2
        s2 = gamma * s2 + (1 - gamma) * g2**2
        x1 -= eta / math.sqrt(s1 + eps) * g1
        x2 -= eta / math.sqrt(s2 + eps) * g2
    return x1, x2


def test_d2l_prints_the_books_line_and_follows_its_code():
    report = reproduce.get("d2l").run()
    assert report.rows[0].published == "epoch 20, x1: -0.010599, x2: 0.000000"
    assert report.rows[0].ours == report.rows[0].published and report.agrees
    book = d2l_rmsprop_2d()
    ours = report.data["result"].x
    # the book divides eta by the root, then multiplies by g; the rule multiplies first: last bits only
    np.testing.assert_allclose(ours, book, rtol=1e-12, atol=1e-15)


def test_reddi2018_every_published_statement_holds(reddi):
    failing = [row.quantity for row in reddi.rows if not row.agrees]
    assert failing == []


def test_reddi2018_theorem_1_rmsprop_and_adam_go_to_the_worst_point_amsgrad_to_the_optimum(reddi):
    runs = reddi.data["theorem 1"]
    for name in ("RMSprop", "Adam"):
        x, average = runs[name]
        assert x[-1] > 0.99 and x[-300:].min() > 0.9
        assert average[-1] > 0.9 * 2 * (reddi2018.C - 2) / 3, "R_T/T tends to 2(C - 2)/3 > 0, not to 0"
    x, average = runs["AMSGrad"]
    assert x[-1] < -0.99 and average[-1] < 0.05 and average[-1] < average[len(average) // 10]


def test_reddi2018_section_5_adam_regret_stays_amsgrads_falls(reddi):
    online = reddi.data["online"]
    adam_x, adam_average = online["Adam"]
    ams_x, ams_average = online["AMSGrad"]
    assert adam_x[-1] > 0.95 and ams_x[-1] < -0.8
    assert adam_average[-1] > 20 / 101, "at +1 each period of 101 costs 20: R_T/T stays above 20/101"
    assert ams_average[-1] < adam_average[-1] and ams_average[-1] < 0.5 * ams_average[len(ams_average) // 10]
    noisy = reddi.data["stochastic"]
    assert noisy["Adam"][0][-2000:].mean() > 0.5 > -0.5 > noisy["AMSGrad"][0][-2000:].mean()


@pytest.fixture(scope="module")
def shi():
    return reproduce.get("shi2021").run()


def authors_script(periods, exponents, steps):
    """The authors' reddiexample.m (commit e469949) in NumPy: x_1 = 100, v_0 = 100 C, eta = 1, no eps, clip to [-1, 1].

    Returns the criterion per cell: mean log10|x_k + 1| over x_k, k = 3T/4, ..., T (1-based, x_1 the start), divided
    by T/4 as the script divides it, below -2.
    """
    c = np.repeat(np.asarray(periods, dtype=float), len(exponents))
    beta2 = np.tile(1 - 10.0 ** -np.asarray(exponents, dtype=float), len(periods))
    ints = c.astype(np.int64)
    x, v, total = np.full(c.size, 100.0), 100.0 * c, np.zeros(c.size)
    for k in range(1, steps + 1):
        if k >= 3 * steps // 4:
            with np.errstate(divide="ignore"):
                total += np.log10(np.abs(x + 1.0))
        g = np.where(k % ints == 1, c, -1.0)
        v = v * beta2 + (1 - beta2) * g * g
        x = np.clip(x - g / np.sqrt(v) * k**-0.5, -1.0, 1.0)
    return (total / (steps / 4)).reshape(len(periods), len(exponents)) < -2


def shi_reference(n, beta2, steps):
    """Our settings in plain Python floats: x_0 = 1, e_0 = 0, eps in the root, lr 1/sqrt(t + 1), clip; (x_T, score)."""
    x, e, logs = 1.0, 0.0, []
    for t in range(steps + 1):
        if t >= steps - steps // 4:
            logs.append(math.log10(abs(x + 1.0)) if x != -1.0 else -math.inf)
        if t == steps:
            break
        g = float(n) if t % n == 0 else -1.0
        e = beta2 * e + (1 - beta2) * g * g
        x = min(1.0, max(-1.0, x - (1 / math.sqrt(t + 1)) * g / math.sqrt(e + shi2021.EPS)))
    return x, sum(logs) / len(logs)


def test_shi2021_for_each_period_a_threshold_above_which_rmsprop_converges(shi):
    converged, exponents = shi.data["converged"], shi.data["exponents"]
    assert converged.shape == (len(shi2021.PERIODS), len(shi2021.EXPONENTS)) == (31, 40)
    for n, row, threshold in zip(shi2021.PERIODS, converged, shi.data["thresholds"]):
        assert threshold is not None, f"C = {n}: no beta_2 on the grid converges"
        assert (row == (exponents >= threshold)).all(), f"C = {n}: not '+ ... + o ... o' over beta_2"
    # no cell near the criterion's edge: a tie at -2 would be decided by the last bits
    finite = shi.data["score"][np.isfinite(shi.data["score"])]
    assert (finite > -1.5).all()
    # far below the threshold RMSprop stays by the worst point, +1, through the last quarter (Reddi et al.)
    assert (shi.data["score"][1:, 0] > math.log10(1.99)).all()
    assert shi.agrees and [row.agrees for row in shi.rows] == [True] * 32


def test_shi2021_the_threshold_rises_with_the_period(shi):
    found = shi.data["thresholds"]
    assert all(a <= b for a, b in zip(found, found[1:])), found
    by_period = dict(zip(shi2021.PERIODS, found))
    assert [by_period[n] for n in (2, 4, 8, 16, 32)] == sorted({by_period[n] for n in (2, 4, 8, 16, 32)})
    assert by_period[32] - by_period[2] >= 2.0, "from beta_2 = 0.2 at C = 2 to beyond 0.999 at C = 32"
    # fewer steps than the script's 10^6: a run near the threshold has had less time, so ours lie at or above its
    script = [shi2021.AUTHORS_THRESHOLDS[n] for n in shi2021.PERIODS]
    assert all(0 <= ours - theirs <= 0.75 for ours, theirs in zip(found, script)), (found, script)


def test_shi2021_rows_are_single_runs_and_the_plain_recursion():
    cells = [(2, 0.3), (5, 0.5), (5, 1.5), (12, 1.0), (12, 2.5)]
    periods, exponents, steps = (2, 5, 12), (0.3, 0.5, 1.0, 1.5, 2.5), 1500
    diagram = shi2021.phase_diagram(periods, exponents, steps)
    assert diagram["engine"] == "numpy"
    for n, e in cells:
        i, j = periods.index(n), exponents.index(e)
        beta2 = 1 - 10.0**-e
        single = rmsprop.minimize(
            shi2021.counterexample(n),
            [1.0],
            learning_rate=inverse_sqrt_decay(1.0),
            decay=beta2,
            eps=shi2021.EPS,
            maxiter=steps,
            bounds=[(-1, 1)],
        )
        assert float(single.x[0]) == diagram["x"][i, j], (n, e)  # the batch row is minimize's run, bit for bit
        x, score = shi_reference(n, beta2, steps)
        assert x == pytest.approx(diagram["x"][i, j], abs=1e-12)
        assert (score < shi2021.LEVEL) == diagram["converged"][i, j]
        if math.isfinite(score):
            assert score == pytest.approx(diagram["score"][i, j], abs=1e-9)


def test_shi2021_authors_thresholds_are_those_of_their_script_at_its_settings():
    converged = authors_script(shi2021.PERIODS, shi2021.EXPONENTS, shi2021.PAPER_STEPS)
    found = shi2021.thresholds(converged, shi2021.EXPONENTS)
    assert dict(zip(shi2021.PERIODS, found)) == shi2021.AUTHORS_THRESHOLDS
    assert all(row[int(np.argmax(row)) :].all() for row in converged)


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: shi2021.counterexample(1), "the period must be an int >= 2; got 1"),
        (lambda: shi2021.family([3, 2.5]), "the period must be an int >= 2; got 2.5"),
        (lambda: shi2021.family([]), "family needs at least one period"),
        (lambda: shi2021.phase_diagram([2], [0.0]), "exponents must be positive and finite"),
        (lambda: shi2021.phase_diagram([2], [1.0], steps=3), "steps must be an int >= 4; got 3"),
        (lambda: rmsprop.minimize(shi2021.family([2, 3]), [1.0], maxiter=2), "runs as a batch of 2 runs"),
    ],
)
def test_shi2021_bad_input(call, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_list(cli):
    done = cli("reproduce", "--list")
    assert done.returncode == 0, done.stderr
    for name in reproduce.names():
        assert name in done.stdout


@pytest.mark.parametrize("name", ["seed", "d2l"])
def test_each_entry_prints_its_table_and_writes_its_figure(cli, tmp_path, name):
    done = cli("reproduce", name, "--out", str(tmp_path / "figures"))
    assert done.returncode == 0, done.stderr
    assert "published" in done.stdout and "NO" not in done.stdout
    assert [p.name for p in (tmp_path / "figures").iterdir()] == [f"{name}.png"]
    assert (tmp_path / "figures" / f"{name}.png").read_bytes()[:4] == b"\x89PNG"


def test_shi2021_from_the_command_line(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(shi2021, "PERIODS", (2, 3, 4))  # a small grid: the table and the figure
    monkeypatch.setattr(shi2021, "STEPS", 2000)
    done = cli("reproduce", "shi2021", "--out", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for words in ("C = 4", "script: 0.6", "rises with C"):
        assert words in done.stdout
    assert "NO" not in done.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["shi2021.png"]


def test_reddi2018_from_the_command_line(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(reddi2018, "STEPS", 2000)  # a short run: the table and the figure, not the statement
    monkeypatch.setattr(reddi2018, "THEOREM_STEPS", 300)
    done = cli("reproduce", "reddi2018", "--out", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Theorem 1" in done.stdout and "Section 5" in done.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["reddi2018.png"]


@pytest.mark.parametrize(
    "args, words",
    [
        (["reproduce", "reddi"], "unknown reproduction 'reddi'; did you mean 'reddi2018'?"),
        (["reproduce", "zzz"], "unknown reproduction 'zzz' (choose one of: seed, d2l, reddi2018, shi2021)"),
        (["reproduce"], "give a NAME to reproduce"),
        (["reproduce", "seed", "--out", "{tmp}/file.txt"], "--out must be a folder"),
    ],
)
def test_bad_input_is_one_line_and_status_2(cli, tmp_path, args, words):
    (tmp_path / "file.txt").write_text("a file")
    done = cli(*[a.replace("{tmp}", str(tmp_path)) for a in args], cwd=tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]
