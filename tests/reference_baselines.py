"""The baseline optimizers in plain Python floats, written from their published equations.

Nothing here imports the package under test (nor NumPy). Each function runs
its rule one coordinate at a time, each line as the source writes it and
evaluated left to right (``lr * g / d`` is ``(lr * g) / d``, ``g^2`` is
``g * g``), so that the library's array code can be compared with it bit for bit:
IEEE +, -, *, / and sqrt are correctly rounded in both.

``grad_fn`` maps a list of floats to a list of floats; ``lr`` is a number, or a
callable ``t -> rate`` with ``t = 0`` for the first step. Each function returns
the iterates, the start first, as a list of lists.
"""

from __future__ import annotations

import math


def _rate(lr, t):
    return float(lr(t)) if callable(lr) else lr


def sgd(grad_fn, x0, steps, lr):
    """Robbins & Monro (1951): x <- x - lr g."""
    x = [float(v) for v in x0]
    path = [list(x)]
    for t in range(steps):
        rate = _rate(lr, t)
        g = grad_fn(list(x))
        for i in range(len(x)):
            x[i] = x[i] - rate * g[i]
        path.append(list(x))
    return path


def momentum(grad_fn, x0, steps, lr, mu=0.9):
    """Polyak (1964), heavy ball, as PyTorch's SGD with dampening 0: b <- mu b + g; x <- x - lr b."""
    x = [float(v) for v in x0]
    b = [0.0] * len(x)
    path = [list(x)]
    for t in range(steps):
        rate = _rate(lr, t)
        g = grad_fn(list(x))
        for i in range(len(x)):
            b[i] = mu * b[i] + g[i]
            x[i] = x[i] - rate * b[i]
        path.append(list(x))
    return path


def nesterov(grad_fn, x0, steps, lr, mu=0.9):
    """Sutskever et al. (2013) as PyTorch's SGD(nesterov=True): b <- mu b + g; x <- x - lr (g + mu b)."""
    x = [float(v) for v in x0]
    b = [0.0] * len(x)
    path = [list(x)]
    for t in range(steps):
        rate = _rate(lr, t)
        g = grad_fn(list(x))
        for i in range(len(x)):
            b[i] = mu * b[i] + g[i]
            x[i] = x[i] - rate * (g[i] + mu * b[i])
        path.append(list(x))
    return path


def adagrad(grad_fn, x0, steps, lr, eps=1e-10, initial_accumulator_value=0.0):
    """Duchi, Hazan & Singer (2011), eps outside the root: s <- s + g^2; x <- x - lr g / (sqrt(s) + eps)."""
    x = [float(v) for v in x0]
    s = [float(initial_accumulator_value)] * len(x)
    path = [list(x)]
    for t in range(steps):
        rate = _rate(lr, t)
        g = grad_fn(list(x))
        for i in range(len(x)):
            s[i] = s[i] + g[i] * g[i]
            x[i] = x[i] - rate * g[i] / (math.sqrt(s[i]) + eps)
        path.append(list(x))
    return path


def adadelta(grad_fn, x0, steps, lr=1.0, rho=0.9, eps=1e-6):
    """Zeiler (2012), Algorithm 1, with a learning rate on the step as in PyTorch.

    E[g^2] <- rho E[g^2] + (1 - rho) g^2
    dx = -(RMS[dx]_{t-1} / RMS[g]_t) g,  RMS[y] = sqrt(E[y^2] + eps)
    E[dx^2] <- rho E[dx^2] + (1 - rho) dx^2
    x <- x + lr dx
    """
    x = [float(v) for v in x0]
    eg2 = [0.0] * len(x)
    edx2 = [0.0] * len(x)
    path = [list(x)]
    for t in range(steps):
        rate = _rate(lr, t)
        g = grad_fn(list(x))
        for i in range(len(x)):
            eg2[i] = rho * eg2[i] + (1.0 - rho) * (g[i] * g[i])
            dx = -(math.sqrt(edx2[i] + eps) / math.sqrt(eg2[i] + eps)) * g[i]
            edx2[i] = rho * edx2[i] + (1.0 - rho) * (dx * dx)
            x[i] = x[i] + rate * dx
        path.append(list(x))
    return path


def adam(grad_fn, x0, steps, lr=0.001, b1=0.9, b2=0.999, eps=1e-8):
    """Kingma & Ba (2015), Algorithm 1 (t counts from 1).

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
    m_hat = m / (1 - b1^t);  v_hat = v / (1 - b2^t)
    x <- x - lr m_hat / (sqrt(v_hat) + eps)
    """
    x = [float(v) for v in x0]
    m = [0.0] * len(x)
    v = [0.0] * len(x)
    path = [list(x)]
    for step in range(steps):
        rate = _rate(lr, step)
        t = step + 1
        g = grad_fn(list(x))
        for i in range(len(x)):
            m[i] = b1 * m[i] + (1.0 - b1) * g[i]
            v[i] = b2 * v[i] + (1.0 - b2) * (g[i] * g[i])
            m_hat = m[i] / (1.0 - b1**t)
            v_hat = v[i] / (1.0 - b2**t)
            x[i] = x[i] - rate * m_hat / (math.sqrt(v_hat) + eps)
        path.append(list(x))
    return path


def amsgrad(grad_fn, x0, steps, lr=0.001, b1=0.9, b2=0.999, eps=1e-8, bias_correction=False):
    """Reddi, Kale & Kumar (2018), Algorithm 2 (beta_1t = b1; eps = 0 is the paper exactly).

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  v_max <- max(v_max, v)
    x <- x - lr m / (sqrt(v_max) + eps)
    With bias_correction, torch.optim.Adam(amsgrad=True)'s form (torch/optim/adam.py,
    _single_tensor_adam): max of the raw v, then
    x <- x - lr (m / (1 - b1^t)) / (sqrt(v_max) / sqrt(1 - b2^t) + eps)   (t counts from 1).
    """
    x = [float(v) for v in x0]
    m = [0.0] * len(x)
    v = [0.0] * len(x)
    v_max = [0.0] * len(x)
    path = [list(x)]
    for step in range(steps):
        rate = _rate(lr, step)
        t = step + 1
        g = grad_fn(list(x))
        for i in range(len(x)):
            m[i] = b1 * m[i] + (1.0 - b1) * g[i]
            v[i] = b2 * v[i] + (1.0 - b2) * (g[i] * g[i])
            v_max[i] = max(v_max[i], v[i])
            if bias_correction:
                m_hat = m[i] / (1.0 - b1**t)
                x[i] = x[i] - rate * m_hat / (math.sqrt(v_max[i]) / math.sqrt(1.0 - b2**t) + eps)
            else:
                x[i] = x[i] - rate * m[i] / (math.sqrt(v_max[i]) + eps)
        path.append(list(x))
    return path
