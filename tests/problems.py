"""Test problems for comparing optimizers with the real libraries, all in one parameter tree.

The optimizers act elementwise (only global-norm clipping couples arrays), so the
three problems ride together in one list of arrays: a random quadratic, Rosenbrock
in 10-D and the loss of a small MLP. Gradients are NumPy code shared by both sides
of every comparison, computed in the parameters' dtype.
"""

import numpy as np

_rng = np.random.default_rng(7)
Q = _rng.standard_normal((20, 20))
Q = Q @ Q.T / 20 + 0.1 * np.eye(20)
C = _rng.standard_normal(20)
MLP_X = _rng.standard_normal((32, 4))
MLP_Y = np.tanh(MLP_X @ _rng.standard_normal((4, 3)))
# The quadratic starts 4 units per coordinate from its minimum Q^-1 c, so that 500 steps of RMSprop
# (which moves about lr per step) stay in the approach phase: see CHAOS below.
START = [
    np.linalg.solve(Q, C) + 4.0 * np.sign(_rng.standard_normal(20)),  # quadratic
    np.array([-1.2, 1.0] * 5),  # Rosenbrock 10-D
    0.5 * _rng.standard_normal((4, 8)),
    0.1 * _rng.standard_normal(8),  # MLP layer 1
    0.5 * _rng.standard_normal((8, 3)),
    0.1 * _rng.standard_normal(3),  # MLP layer 2
]
NAMES = ["quadratic", "rosenbrock", "mlp.w1", "mlp.b1", "mlp.w2", "mlp.b2"]


def start(dtype=np.float64):
    return [a.astype(dtype) for a in START]


def grads(params):
    """Gradients of 0.5 x'Qx - c'x, Rosenbrock and the MLP's mean squared error."""
    q, r, w1, b1, w2, b2 = params
    dtype = q.dtype
    g_q = Q.astype(dtype) @ q - C.astype(dtype)
    g_r = np.zeros_like(r)
    g_r[:-1] = -400.0 * r[:-1] * (r[1:] - r[:-1] ** 2) - 2.0 * (1.0 - r[:-1])
    g_r[1:] += 200.0 * (r[1:] - r[:-1] ** 2)
    x, y = MLP_X.astype(dtype), MLP_Y.astype(dtype)
    h = np.tanh(x @ w1 + b1)
    out = h @ w2 + b2
    d_out = 2.0 * (out - y) / out.size
    d_h = (d_out @ w2.T) * (1.0 - h * h)
    return [g_q, g_r, x.T @ d_h, d_h.sum(0), h.T @ d_out, d_out.sum(0)]


def relative_deviation(ours, theirs):
    """Largest, over arrays, of max|ours - theirs| / max|theirs| (a norm-wise relative error)."""
    worst = 0.0
    for a, b in zip(ours, theirs):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        scale = max(float(np.max(np.abs(b))), np.finfo(np.float64).tiny)
        worst = max(worst, float(np.max(np.abs(a - b))) / scale)
    return worst


TOLERANCE = {np.float64: 1e-12, np.float32: 1e-5}

#: Why the problems keep away from their minima for 500 steps. With a constant rate and no
#: momentum, RMSprop ends in a limit cycle around a minimum, where its step lr * g / sqrt(e)
#: barely depends on |g|: the map expands differences, and a one-ulp difference grows to 1e-3
#: within a few hundred steps (measured: PyTorch's CPU sqrt is not correctly rounded, so
#: torch.optim.RMSprop and NumPy part there). Comparisons in that regime test the arithmetic
#: bit for bit instead (see test_compat_torch.py).
CHAOS = "limit cycle"
STEPS = 500
