"""The NumPy fused multiply-add against exact rational arithmetic."""

from fractions import Fraction

import numpy as np
import pytest

from rmsprop._fma import fma


def correctly_rounded(a, b, c, dtype):
    """round(a*b + c) computed exactly with Fractions, then rounded to dtype (ties to even)."""
    exact = Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))
    guess = dtype(float(exact))
    candidates = [guess, np.nextafter(guess, dtype(np.inf)), np.nextafter(guess, dtype(-np.inf))]
    bits = np.int64 if dtype == np.float64 else np.int32
    return min(candidates, key=lambda v: (abs(Fraction(float(v)) - exact), int(np.array(v).view(bits)) & 1))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fma_is_correctly_rounded_including_cancellation(dtype):
    rng = np.random.default_rng(11)
    n = 20_000
    spread = 20 if dtype == np.float64 else 8
    a = (rng.standard_normal(n) * np.exp(rng.uniform(-spread, spread, n))).astype(dtype)
    b = (rng.standard_normal(n) * np.exp(rng.uniform(-spread, spread, n))).astype(dtype)
    c = (-(a.astype(np.float64) * b) * (1 + rng.standard_normal(n) * 1e-6)).astype(dtype)  # near-cancellation
    c[::3] = rng.standard_normal(len(c[::3])).astype(dtype)
    got = fma(a, b, c)
    assert got.dtype == dtype
    expected = np.array([correctly_rounded(x, y, z, dtype) for x, y, z in zip(a, b, c)], dtype=dtype)
    np.testing.assert_array_equal(got, expected)
    assert np.any(got != a * b + c), "the cases must include ones where the unfused form differs"


def test_python_scalars_take_the_array_dtype_and_specials_pass_through():
    x = np.array([1.5, -2.0], dtype=np.float32)
    assert fma(0.1, x, x).dtype == np.float32
    out = fma(np.array([np.inf, 2.0, np.nan]), np.array([1.0, 0.0, 1.0]), np.array([1.0, 3.0, 1.0]))
    assert out[0] == np.inf and out[1] == 3.0 and np.isnan(out[2])
    with pytest.raises(TypeError, match="float32 and float64"):
        fma(np.array([1], dtype=np.int64), 2, 3)
