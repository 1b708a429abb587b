"""``rmsprop reproduce``: each entry's published statement, and the command line around them."""

import math

import numpy as np
import pytest
from reference import SEED_X1, SEED_X2, SEED_Y

from rmsprop import reproduce
from rmsprop.reproduce import reddi2018


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
        (["reproduce", "zzz"], "unknown reproduction 'zzz' (choose one of: seed, d2l, reddi2018)"),
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
