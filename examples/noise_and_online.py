"""Noisy gradients, boxes and online problems
==========================================

RMSprop was made for gradients that change from step to step (Tieleman and Hinton, lecture
6e). This example gives the seed's problem noisy gradients (``noise=``, ``seed=``), keeps a run
inside a box (``bounds=``), and runs the online problem of Reddi, Kale & Kumar (2018), Theorem 1,
on which RMSprop goes to the worst point and AMSGrad (:func:`rmsprop.baselines.amsgrad`) does
not. It needs nothing beyond ``pip install rmsprop``; minibatches of real data are
:doc:`minibatches`.
"""

# %%
# Noisy gradients
# ---------------
#
# ``noise=2.0`` adds ``2 z``, ``z ~ N(0, I)``, to every gradient the optimizer sees, from
# ``numpy.random.default_rng(seed)``: the same run every time. With a constant learning rate
# the noisy run ends in a cloud around the minimum about as wide as the rate (and even the
# noiseless run ends in a cycle about the rate wide); the step size ``alpha / sqrt(t + 1)``
# (:func:`rmsprop.schedules.inverse_sqrt_decay`) shrinks both.

import matplotlib.pyplot as plt
import numpy as np

import rmsprop
from rmsprop import GradientNoise, baselines, objectives, schedules

seed = objectives.get("seed")
start = [-4.0, 3.0]
decaying = schedules.inverse_sqrt_decay(0.5)
runs = {
    "no noise, lr 0.1": rmsprop.minimize(seed, start, learning_rate=0.1, maxiter=1000, gtol=0),
    "noise 2, lr 0.1": rmsprop.minimize(seed, start, learning_rate=0.1, maxiter=1000, gtol=0, noise=2.0, seed=1),
    "noise 2, lr 0.5 / sqrt(t + 1)": rmsprop.minimize(
        seed, start, learning_rate=decaying, maxiter=1000, gtol=0, noise=2.0, seed=1
    ),
}
for label, result in runs.items():
    print(f"{label:30s} mean f over the last 250 steps {result.path_fun[-250:].mean():.2e}")

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5), layout="constrained")
rmsprop.plot.paths(seed, runs, ax=left, labels=list(runs), window=[(-4.5, 1.5), (-1.5, 3.5)])
rmsprop.plot.loss(runs, ax=right, labels=list(runs))

# %%
# The noise may be relative to the gradient, ``GradientNoise(scale, relative=True)``: ``g +
# scale |g| z``, which vanishes at the minimum. Many runs at once take one seed each: row ``i``
# of ``minimize_many(..., seed=s)`` is ``minimize(..., seed=s + i)``, to the last bit.

noise = GradientNoise(0.5, relative=True)
many = rmsprop.minimize_many(seed, [start] * 4, learning_rate=0.1, maxiter=200, noise=noise, seed=10)
row = rmsprop.minimize(seed, start, learning_rate=0.1, maxiter=200, noise=noise, seed=12)
print("seeds of the rows:", many.seed.tolist())
print("row 2 is the single run with seed 12, bit for bit:", np.array_equal(many.x[2], row.x))

# %%
# A box
# -----
#
# ``bounds=`` (SciPy's ``Bounds`` or ``(low, high)`` pairs) projects every iterate onto a box.
# Here ``x1 <= -1`` and ``x2 >= 1``: the run ends at the box's corner nearest the minimum.

box = [(-5.0, -1.0), (1.0, 5.0)]
boxed = rmsprop.minimize(seed, start, learning_rate=0.1, maxiter=200, bounds=box)
print("in the box:", boxed.x.tolist(), "f", float(boxed.fun))

fig, ax = plt.subplots(figsize=(6.5, 5.2), layout="constrained")
rmsprop.plot.paths(seed, boxed, ax=ax, labels=["RMSprop in the box"], window=[(-4.5, 1.5), (-1.5, 3.5)])
ax.add_patch(plt.Rectangle((-5.0, 1.0), 4.0, 4.0, fill=False, hatch="//", edgecolor="white", linewidth=1.5))

# %%
# An online problem, and AMSGrad
# ------------------------------
#
# Reddi, Kale & Kumar (2018), Theorem 1: on ``[-1, 1]`` the losses are ``3 x`` once every three
# steps and ``-x`` otherwise (:func:`rmsprop.objectives.linear`), so ``x* = -1`` is best in sum.
# RMSprop with decay ``beta_2 = 1 / (1 + C^2) = 0.1`` and step ``alpha / sqrt(t)`` goes to ``+1``,
# the worst point, and its average regret ``R_T / T`` tends to ``2 (C - 2) / 3``; AMSGrad, which
# divides by the largest average of squares so far, goes to ``-1`` and its average regret to 0.

problem = objectives.linear([3.0, -1.0, -1.0], comparator=[-1.0])
lr = schedules.inverse_sqrt_decay(0.5)
optimizers = {
    "RMSprop, decay 0.1": rmsprop.rmsprop(lr, decay=0.1),
    "AMSGrad, b1 0, b2 0.1": baselines.amsgrad(lr, b1=0.0, b2=0.1, eps=0.0),
}
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
for label, optimizer in optimizers.items():
    result = rmsprop.minimize(problem, [0.0], optimizer=optimizer, maxiter=3000, bounds=[(-1, 1)])
    regret = problem.regret(result.path_x)
    average = regret / np.arange(1, regret.size + 1)
    print(f"{label:22s} x_T {float(result.x[0]):+.3f}, R_T / T {average[-1]:.3f}")
    left.plot(result.path_x[:, 0], label=label, linewidth=1)
    right.loglog(np.arange(1, average.size + 1), np.abs(average), label=label)
left.set(xlabel="t", ylabel="x_t", title="Theorem 1 (C = 3): the iterate", ylim=(-1.1, 1.1))
right.axhline(2 * (3 - 2) / 3, color="grey", linestyle="--", label="2 (C - 2) / 3")
right.set(xlabel="T", ylabel="|R_T / T|", title="the average regret")
left.legend()
right.legend()
