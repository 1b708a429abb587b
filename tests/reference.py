"""Independent references, in plain Python floats and loops, written from the published equations.

Nothing here imports the package under test. Each function follows the rule
as its source states it, one scalar at a time, so that NumPy's array code can
be compared with it bit for bit (IEEE +, -, *, / and sqrt are correctly
rounded in both).
"""

from __future__ import annotations

import math

import numpy as np


def seed_rmsprop(x1, x2, derivative_x1, derivative_x2, learning_rate, gamma, epsilon, max_epochs):
    """The seed document's ``rmsprop`` function, verbatim but for the objective passed in."""

    def objective(x1, x2):
        return 5 * x1**2.0 + 7 * x2**2.0

    x1_trajectory = [x1]
    x2_trajectory = [x2]
    y_trajectory = [objective(x1, x2)]
    e1 = 0
    e2 = 0
    for _ in range(max_epochs):
        gt_x1 = derivative_x1(x1, x2)
        gt_x2 = derivative_x2(x1, x2)
        e1 = gamma * e1 + (1 - gamma) * gt_x1**2.0
        e2 = gamma * e2 + (1 - gamma) * gt_x2**2.0
        x1 = x1 - learning_rate * gt_x1 / (np.sqrt(e1 + epsilon))
        x2 = x2 - learning_rate * gt_x2 / (np.sqrt(e2 + epsilon))
        x1_trajectory.append(x1)
        x2_trajectory.append(x2)
        y_trajectory.append(objective(x1, x2))
    return x1_trajectory, x2_trajectory, y_trajectory


#: The numbers the seed document prints after its 50 iterations.
SEED_X1 = -0.10352260359924752
SEED_X2 = 0.0025296212056016548
SEED_Y = 0.05362944016394148


def rmsprop_loop(
    grad_fn,
    x0,
    steps,
    lr=0.01,
    decay=0.9,
    eps=1e-8,
    *,
    eps_in_sqrt=True,
    initial_scale=0.0,
    centered=False,
    momentum=0.0,
    nesterov=False,
    lr_inside_momentum=False,
    weight_decay=0.0,
    decoupled_weight_decay=False,
    maximize=False,
    bias_correction=False,
    clip_value=None,
    clip_norm=None,
    global_clip_norm=None,
    schedule=None,
    bounds=None,
    online=False,
):
    """RMSprop on a list of Python floats, one coordinate at a time.

    Sources of each line: Tieleman & Hinton 2012 (lecture 6e) for the average of
    squares; Graves 2013 eqs. 38-41 for ``centered``; Polyak's heavy ball and
    Nesterov as in PyTorch's SGD for momentum; Loshchilov & Hutter 2019 for the
    decoupled weight decay; Kingma & Ba 2015 for the bias correction; Pascanu et
    al. 2013 for clipping by norm. ``grad_fn`` maps a list of floats to a list
    (with ``online``, ``grad_fn(x, t)``: the gradient of f_t at step t = 0, 1, ...).
    ``bounds``, a list of (low, high) per coordinate, projects each new iterate onto
    the box, x_i <- min(max(x_i, low_i), high_i) (Reddi et al. 2018, Algorithm 2's
    projection Pi_F); the start is projected first. Returns the list of iterates
    (each a list of floats).
    """
    x = [float(v) for v in x0]
    n = len(x)
    if bounds is not None:
        x = [min(max(xi, lo), hi) for xi, (lo, hi) in zip(x, bounds)]
    e = [float(initial_scale)] * n
    m = [0.0] * n
    b = [0.0] * n
    path = [list(x)]
    for t in range(steps):
        rate = lr if schedule is None else float(schedule(t))
        g = [float(v) for v in (grad_fn(list(x), t) if online else grad_fn(list(x)))]
        if clip_value is not None:
            g = [min(max(gi, -clip_value), clip_value) for gi in g]
        if clip_norm is not None:
            norm = math.sqrt(math.fsum(gi * gi for gi in g))
            if norm > clip_norm:
                g = [gi * (clip_norm / norm) for gi in g]
        if global_clip_norm is not None:
            norm = math.sqrt(math.fsum(gi * gi for gi in g))
            if norm > global_clip_norm:
                g = [gi * (global_clip_norm / norm) for gi in g]
        correction = 1.0 - decay ** (t + 1)
        for i in range(n):
            gi = -g[i] if maximize else g[i]
            if weight_decay and not decoupled_weight_decay:
                gi = gi + weight_decay * x[i]
            e[i] = decay * e[i] + (1.0 - decay) * (gi * gi)
            if centered:
                m[i] = decay * m[i] + (1.0 - decay) * gi
                if bias_correction:
                    v = e[i] / correction - (m[i] / correction) * (m[i] / correction)
                else:
                    v = e[i] - m[i] * m[i]
                v = max(v, 0.0)  # Jensen: e >= m^2; only rounding can take it below 0
            else:
                v = e[i] / correction if bias_correction else e[i]
            d = math.sqrt(v + eps) if eps_in_sqrt else math.sqrt(v) + eps
            if momentum == 0.0:
                step = -((rate * gi) / d)
            elif lr_inside_momentum:
                scaled = (rate * gi) / d
                b[i] = momentum * b[i] + scaled
                step = -(scaled + momentum * b[i]) if nesterov else -b[i]
            else:
                scaled = gi / d
                b[i] = momentum * b[i] + scaled
                step = -rate * (scaled + momentum * b[i] if nesterov else b[i])
            if weight_decay and decoupled_weight_decay:
                step = step - (rate * weight_decay) * x[i]
            x[i] = x[i] + step
            if bounds is not None:
                x[i] = min(max(x[i], bounds[i][0]), bounds[i][1])
        path.append(list(x))
    return path
