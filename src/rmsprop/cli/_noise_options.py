"""The command line's gradient noise: ``--noise``, ``--noise-relative`` and ``--seed``, checked, as ``minimize`` takes them."""

from __future__ import annotations

from typing import Any

from .._noise import GradientNoise
from ._app import fail

__all__ = ["NOISE_HELP", "RELATIVE_HELP", "SEED_HELP", "noise_arguments"]

NOISE_HELP = "Noisy gradients: add scale * N(0, 1) to each component at each step (default: none)."
RELATIVE_HELP = "With --noise: scale the noise by |gradient| per component (scale * |g| * N(0, 1))."
SEED_HELP = "Seed of the gradient noise (default 0): the same seed gives the same run."


def noise_arguments(noise: float | None, relative: bool, seed: int | None) -> dict[str, Any]:
    """The ``noise`` and ``seed`` arguments of :func:`rmsprop.minimize` from the flags, or a one-line error.

    Parameters
    ----------
    noise : float or None
        ``--noise``, the scale.
    relative : bool
        ``--noise-relative``.
    seed : int or None
        ``--seed``.

    Returns
    -------
    dict
        ``{}`` without noise, else ``{"noise": GradientNoise, "seed": int}``.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), for a scale that is
        negative or not finite, a negative seed, or ``--noise-relative`` or ``--seed`` without ``--noise``.

    Examples
    --------
    >>> noise_arguments(None, False, None)
    {}
    >>> noise_arguments(0.5, True, 3)
    {'noise': GradientNoise(scale=0.5, relative=True), 'seed': 3}
    """
    if noise is None:
        if relative:
            fail("--noise-relative needs --noise SCALE")
        if seed is not None:
            fail(f"--seed {seed} seeds the gradient noise; give --noise SCALE too")
        return {}
    try:
        gradient_noise = GradientNoise(noise, relative)
    except ValueError:
        fail(f"--noise must be a finite number >= 0; got {noise}")
    if seed is not None and seed < 0:
        fail(f"--seed must be an integer >= 0; got {seed}")
    return {"noise": gradient_noise, "seed": 0 if seed is None else seed}
