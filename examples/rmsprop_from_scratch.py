"""RMSprop from scratch
====================

The walk-through of the seed document, *RMSprop from scratch*, told with this library: the
objective, its landscape, the rule, fifty steps from ``(-4, 3)``, and the path they take. Every
number on this page is printed by the code above it when the documentation is built, and
``tests/test_docs.py`` checks that the three final numbers are the seed's, to the last bit.
It needs nothing beyond ``pip install rmsprop``; run it on its own with
``python examples/rmsprop_from_scratch.py``.

Plain gradient descent moves every coordinate by the learning rate times its gradient, so a
coordinate whose gradient is large takes large steps and may overshoot, while one whose gradient is
small crawls. RMSprop (Hinton's lecture 6e) divides each coordinate's gradient by the root of a
running average of that coordinate's squared gradients: where the gradients have been large the
step shrinks, where they have been small it grows, and every coordinate moves at a similar pace.
"""

# %%
# The objective
# -------------
#
# The seed minimises a bowl that is steeper along ``x2`` than along ``x1``::
#
#     f(x1, x2) = 5 x1^2 + 7 x2^2        grad f = (10 x1, 14 x2)
#
# It is convex, with its one minimum ``f = 0`` at the origin. The catalogue has it as ``"seed"``,
# with its analytic gradient; ``f`` and ``grad`` take the coordinates on the first axis, so the
# same functions evaluate one point or a whole grid.

import matplotlib.pyplot as plt
import numpy as np

import rmsprop

seed = rmsprop.objectives.get("seed")
print(seed.formula)
print("f(-4, 3) =", seed.f(np.array([-4.0, 3.0])))
print("grad f(-4, 3) =", seed.grad(np.array([-4.0, 3.0])))
print("known minima:", seed.minima.tolist())

# %%
# Its landscape
# -------------
#
# The seed draws the function twice, as a 3-D surface and as a contour plot, over
# ``[-5, 5] x [-5, 5]``. The level curves are ellipses, narrower along ``x2``: the gradient does
# not point at the minimum, and plain gradient descent zig-zags across the narrow direction.

fig = plt.figure(figsize=(11, 4.5), layout="constrained")
rmsprop.plot.surface(seed, ax=fig.add_subplot(1, 2, 1, projection="3d"))
rmsprop.plot.contour(seed, ax=fig.add_subplot(1, 2, 2), levels=20, filled=False)

# %%
# The rule
# --------
#
# For each coordinate separately, with ``g`` its gradient, RMSprop keeps ``e``, an exponentially
# decaying average of ``g^2`` that starts at 0, and steps::
#
#     e <- decay * e + (1 - decay) * g^2
#     x <- x - learning_rate * g / sqrt(e + eps)
#
# ``decay`` (the seed's ``gamma``) sets how long the average remembers: 0.9 is about the last ten
# steps. ``eps`` keeps the division finite where ``e`` is 0; the seed, like this library's
# default, puts it *inside* the square root (PyTorch and Caffe add it outside: see
# :doc:`/choosing-a-flavor`).
#
# :func:`rmsprop.rmsprop` is this rule as a pair of pure functions, in the style of Optax:
# ``init`` makes the state (``e``, zero) and ``update`` turns a gradient into a step. Here is the
# first step from ``(-4, 3)`` with the seed's settings, learning rate 0.1, decay 0.9, eps 1e-8:

opt = rmsprop.rmsprop(learning_rate=0.1, decay=0.9, eps=1e-8)
x = np.array([-4.0, 3.0])
state = opt.init(x)
updates, state = opt.update(seed.grad(x), state, x)
print("e after one step:", state.e)
print("first step:", updates)

# %%
# The gradient is ``(-40, 42)``, yet both coordinates move by almost exactly the same amount,
# ``0.1 / sqrt(0.1) = 0.316...``: after one step ``e = 0.1 g^2``, so ``g / sqrt(e)`` is
# ``sqrt(10)`` whatever the size of ``g``. This is the point of the rule: the step follows the
# sign and the history of the gradient, not its scale.
#
# Fifty iterations
# ----------------
#
# The seed runs 50 iterations from ``(-4, 3)``. With the functional API, the loop is the one a
# training loop would be:

x = np.array([-4.0, 3.0])
state = opt.init(x)
for _ in range(50):
    updates, state = opt.update(seed.grad(x), state, x)
    x = rmsprop.apply_updates(x, updates)

# %%
# :func:`rmsprop.minimize` runs the same loop the SciPy way and keeps the whole path.
# ``gtol=0`` turns off the stopping test on the gradient, so all 50 iterations run, as in the
# seed. The three lines are the seed's output, printed with every digit (``repr``):

result = rmsprop.minimize(seed, [-4.0, 3.0], learning_rate=0.1, decay=0.9, eps=1e-8, maxiter=50, gtol=0)
assert np.array_equal(result.x, x)  # the loop above and minimize: the same bits
print("The optimal value of x1 is:", repr(float(result.x[0])))
print("The optimal value of x2 is:", repr(float(result.x[1])))
print("The optimal value of y is:", repr(float(result.fun)))

# %%
# After 50 steps ``x2`` is within 0.003 of the minimum but ``x1`` is still 0.1 away: with a
# constant learning rate, RMSprop's steps do not shrink to nothing as the gradient does (they are
# about ``learning_rate`` times the gradient's sign), so the iterates end up hopping around the
# minimum at a distance of the order of the learning rate. A decaying schedule
# (:mod:`rmsprop.schedules`) lets them settle.
#
# The path
# --------
#
# The iterates on the contour plot, as the seed's last figure shows them: the first steps go
# diagonally, both coordinates at the same pace, not along the gradient.

fig, ax = plt.subplots(figsize=(6, 5.5), layout="constrained")
rmsprop.plot.paths(seed, result, ax=ax, labels=["RMSprop, 50 iterations"])

# %%
# The step sizes
# --------------
#
# The effective step of each coordinate, ``learning_rate / sqrt(e + eps)``, is what RMSprop
# adapts. It starts at the same value for both coordinates and grows as their gradients shrink;
# the steeper coordinate ``x2`` has the smaller step throughout.

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
rmsprop.plot.loss(result, ax=left)
rmsprop.plot.step_sizes(result, ax=right)

# %%
# Where to go next: :doc:`/choosing-a-flavor` for the libraries' variants of the rule,
# :doc:`/many-runs` for many runs at once and sweeps of the settings, and
# :doc:`/pytorch` for training a model.
