"""Many runs at once and a sweep of the settings
==============================================

:func:`rmsprop.minimize_many` runs many independent problems in one call, each with its own
start and, if you like, its own learning rate, decay and eps; every row is bit for bit the
:func:`rmsprop.minimize` run with the same inputs. :func:`rmsprop.sweep.sweep` builds on it: a
grid of settings, each run from many random starts, in one table. It needs nothing beyond
``pip install rmsprop``; a sweep on a Dask cluster needs ``pip install "rmsprop[cluster]"``.
"""

# %%
# One call, many runs
# -------------------
#
# A thousand starts on the seed's problem, each with its own learning rate between 0.001 and 1.

import matplotlib.pyplot as plt
import numpy as np

import rmsprop
from rmsprop.sweep import parse_range, sweep

seed = rmsprop.objectives.get("seed")
starts = np.random.default_rng(0).uniform(-5, 5, size=(1000, 2))
rates = np.geomspace(1e-3, 1, 1000)
runs = rmsprop.minimize_many(seed, starts, learning_rate=rates, decay=0.9, eps=1e-8, maxiter=50, gtol=0)
print(runs.x.shape, runs.fun.shape)

# every row is the single run with the same inputs, to the last bit
one = rmsprop.minimize(seed, starts[123], learning_rate=rates[123], decay=0.9, eps=1e-8, maxiter=50, gtol=0)
print(np.array_equal(one.x, runs.x[123]), one.fun == runs.fun[123])

# %%
# After 50 steps the final value depends on the learning rate far more than on the start: too
# small and the runs have not arrived, too large and they hop around the minimum at a distance of
# the order of the rate.

fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
ax.loglog(rates, runs.fun, ".", markersize=3)
ax.set(xlabel="learning rate", ylabel="f after 50 iterations", title="1,000 runs of the seed's problem")

# %%
# A sweep
# -------
#
# ``sweep`` runs every combination of a grid from the same random starts and returns one row per
# run. Here: learning rate x decay on Rosenbrock's valley, 20 starts each, 1,000 iterations at most
# (a run stops where the gradient's largest entry is under 1e-5). The documentation builds it
# small; ``rmsprop sweep`` on the command line does the same at any size, locally or on a Dask
# cluster.

grid = {"learning_rate": parse_range("1e-4:1e-1:10:log"), "decay": [0.5, 0.9, 0.99, 0.999]}
table = sweep("rosenbrock", grid, starts=20, maxiter=1000)
print(len(table), "runs;", table.names)
best = table.best()
print("best: learning rate", best["learning_rate"], "decay", best["decay"])

# %%
# The heatmap is the median final ``f`` over the starts, per learning rate and decay: the
# summary :meth:`rmsprop.sweep.SweepTable.summary` computes.

fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
rmsprop.plot.sweep_heatmap(table, ax=ax)
