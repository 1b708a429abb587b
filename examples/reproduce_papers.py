"""Reproducing the papers
======================

``rmsprop reproduce NAME`` runs a published result again: it prints what the source publishes
beside what this package gives, and writes the figure. This example does the same for every
entry through the Python API, :mod:`rmsprop.reproduce`: ``get(name).run()`` returns a
:class:`rmsprop.reproduce.Report` (its rows, its ``draw(path)``, the runs in ``data``). Run it::

    python examples/reproduce_papers.py [--out FOLDER]

It writes ``seed.png``, ``d2l.png``, ``reddi2018.png`` and ``shi2021.png`` into the folder (default
``reproduce-figures``); it needs nothing beyond ``pip install rmsprop``. The documentation's build
runs every entry at its own settings, the ones ``rmsprop reproduce`` uses.
"""

# %%
# The entries
# -----------
#
# What ``rmsprop reproduce --list`` lists:

import argparse
from pathlib import Path

from rmsprop import reproduce

parser = argparse.ArgumentParser(description="Run every reproduction; write its figure into --out.")
parser.add_argument("--out", default="reproduce-figures", help="the folder of the figures")
out = Path(parser.parse_args().out)
out.mkdir(parents=True, exist_ok=True)

for entry in reproduce.ENTRIES.values():
    print(f"{entry.name:10s} {entry.summary}")


def run(name: str) -> reproduce.Report:
    """Run one entry, print its table (quantity: published | ours | agrees, note) and write its figure."""
    report = reproduce.get(name).run()
    print(report.title)
    print(f"source: {report.source}\n")
    for row in report.rows:
        verdict = "agrees" if row.agrees else "DIFFERS"
        note = f"  ({row.note})" if row.note else ""
        print(f"{row.quantity}: published {row.published} | ours {row.ours} | {verdict}{note}")
    print(f"\nevery row agrees: {report.agrees}")
    report.draw(out / f"{name}.png")
    return report


# %%
# The seed
# --------
#
# The seed document's 50 steps from ``(-4, 3)`` on ``5 x1^2 + 7 x2^2`` (lr 0.1, decay 0.9, eps
# 1e-8): its three printed numbers, to the last bit.

seed = run("seed")

# %%
# Dive into Deep Learning, Section 11.8
# -------------------------------------
#
# The book's ``rmsprop_2d`` on ``0.1 x1^2 + 2 x2^2`` from ``(-5, -2)``, eta 0.4, gamma 0.9, eps
# 1e-6 inside the root, 20 epochs: the line it prints, to its six decimals.

d2l = run("d2l")

# %%
# Reddi, Kale & Kumar (2018): RMSprop and Adam fail, AMSGrad does not
# -------------------------------------------------------------------
#
# Theorem 1's online problem (``C x`` once every three steps, ``-x`` otherwise, on ``[-1, 1]``)
# and Section 5's synthetic experiment, online and stochastic, with ``alpha / sqrt(t)``:
# RMSprop and Adam go to the worst point ``+1``, AMSGrad to the optimum ``-1``. Section 5 runs
# 20,000 of the paper's 5 million iterations; the table says so.

reddi = run("reddi2018")

# %%
# Shi, Li, Hong & Sun (2021): the phase diagram
# ---------------------------------------------
#
# RMSprop on Reddi et al.'s counterexample of period ``C`` over a grid of ``beta_2`` (31 periods
# x 40 values, one :func:`rmsprop.minimize_many` call of 1,240 runs, 20,000 steps each): ``o``
# where it converges by the criterion of the authors' script. For each ``C`` there is a
# threshold of ``beta_2`` above which it converges, and it rises with ``C``; the dashed line is
# the threshold that the authors' script gives at its 10^6 steps.

shi = run("shi2021")
print("thresholds -log10(1 - b2*) by period:", dict(zip(shi.data["periods"].tolist(), shi.data["thresholds"])))
