"""Every library's RMSprop on the seed's problem
==============================================

The seed's experiment, 50 steps from ``(-4, 3)`` on ``5 x1^2 + 7 x2^2`` at learning rate 0.1,
run under each flavor of :mod:`rmsprop.compat`: each library's own rule with that library's other
defaults (its decay, its eps and where eps goes, where the average of squares starts). The
numbers are :func:`rmsprop.compat.seed_comparison`'s; the paths show where the flavors part.
It needs nothing beyond ``pip install rmsprop``.
"""

# %%
# Where each flavor ends
# ----------------------
#
# ``rmsprop.compat.configure(flavor, learning_rate=0.1)`` builds a library's RMSprop from the
# settings named as in :func:`rmsprop.rmsprop`; every other setting is the library's default.

import matplotlib.pyplot as plt

import rmsprop
from rmsprop import compat

seed = rmsprop.objectives.get("seed")
runs = {
    flavor: rmsprop.minimize(
        seed, [-4.0, 3.0], optimizer=compat.configure(flavor, learning_rate=0.1), maxiter=50, gtol=0
    )
    for flavor in compat.FLAVORS
}
print(f"{'flavor':12} {'x1':>24} {'x2':>24} {'f':>24}")
for flavor, result in runs.items():
    x1, x2 = (float(v) for v in result.x)
    print(f"{flavor:12} {x1!r:>24} {x2!r:>24} {float(result.fun)!r:>24}")
assert {flavor: (*map(float, r.x), float(r.fun)) for flavor, r in runs.items()} == compat.seed_comparison()

# %%
# Their paths
# -----------
#
# The seed, Optax and ``jax.example_libraries`` share the seed's rule and end on the same bits.
# Keras (eps 1e-7, a float32 learning rate), Lasagne (eps 1e-6) and TF1 (whose average of
# squares starts at 1, so its first steps are short) end within a few parts in a thousand of it.
# PyTorch and Caffe, with decay 0.99, remember the large early gradients longer: their steps shrink
# as the gradient does, and they end hundreds of times closer to the minimum. Graves's centred
# rule divides by the root of a variance (the mean square less the squared mean gradient), which
# is smaller than the mean square, so its steps are longer and it ends farther away.

fig, ax = plt.subplots(figsize=(7, 6), layout="constrained")
rmsprop.plot.paths(seed, list(runs.values()), labels=list(runs), ax=ax, window=((-4.5, 1.5), (-1, 3.5)))

# %%
# The gap to the minimum
# ----------------------

fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
rmsprop.plot.loss(list(runs.values()), labels=list(runs), ax=ax)
