"""erf on arrays (minigrad/special.py) against math.erf and a 60-digit decimal reference."""

import math
from decimal import Decimal, localcontext

import numpy as np
import pytest

import minigrad as mg
from minigrad.special import erf_array

PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494")


def erf_decimal(x):
    """erf(x) to 60 digits: exp(-x^2) times the series of positive terms (A&S 7.1.6)."""
    with localcontext() as ctx:
        ctx.prec = 60
        x = Decimal(float(x))
        y, term, total, n = 2 * x * x, x, Decimal(0), 0
        while term > total * Decimal("1e-40") or n == 0:
            total += term
            n += 1
            term = term * y / (2 * n + 1)
        return float(2 / PI.sqrt() * (-(x * x)).exp() * total)


# ordinary, near the 1.75 switch, the tails, tiny and subnormal, and both signs
POINTS = np.concatenate(
    [
        np.linspace(-7.0, 7.0, 14_001),
        np.geomspace(1e-300, 30.0, 3_000),
        -np.geomspace(1e-300, 30.0, 3_000),
        np.nextafter(1.75, [-np.inf, np.inf]),
        [1.75, 5.9, 6.0, 6.1, 26.5, 1e10, 1e300, np.finfo(np.float64).max],
    ]
)


def relative_error(got, want):
    return np.abs(got - want) / np.abs(want)


def test_erf_matches_math_erf_everywhere():
    want = np.array([math.erf(v) for v in POINTS])
    got = erf_array(POINTS)
    normal = np.abs(want) >= np.finfo(np.float64).tiny  # subnormals have fewer digits to match
    assert relative_error(got[normal], want[normal]).max() < 1e-15
    np.testing.assert_allclose(got[~normal], want[~normal], rtol=0, atol=1e-323)


def test_erf_matches_a_60_digit_reference():
    points = np.concatenate([np.linspace(0.01, 6.0, 600), np.geomspace(1e-200, 1.0, 60)])
    want = np.array([erf_decimal(v) for v in points])
    assert relative_error(erf_array(points), want).max() < 1e-15
    assert relative_error(erf_array(-points), -want).max() < 1e-15


def test_erf_special_values():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-320])
    got = erf_array(x)
    np.testing.assert_array_equal(got[:4], [0.0, -0.0, 1.0, -1.0])
    assert np.signbit(got[1]) and np.isnan(got[4])
    assert got[5] == math.erf(1e-320)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_erf_keeps_float_dtypes(dtype):
    x = np.linspace(-3, 3, 13).astype(dtype)
    got = erf_array(x)
    assert got.dtype == dtype
    want = np.array([math.erf(v) for v in x.astype(np.float64)]).astype(dtype)
    rtol = 1e-15 if dtype == np.float64 else np.finfo(dtype).eps  # float64 inside, rounded once
    np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=rtol)
    assert erf_array(np.float32(0.5)).dtype == np.float32 and erf_array(np.float32(0.5)).ndim == 0


def test_erf_and_gelu_of_an_int_tensor_are_float32_as_in_pytorch():
    # found by this test: they were cast back to int64 and truncated (erf([1, 2]) was [0, 0])
    x = mg.tensor([0, 1, 2])
    assert mg.erf(x).dtype == mg.float32 and mg.gelu(x).dtype == mg.float32
    np.testing.assert_allclose(mg.erf(x).data, [0.0, math.erf(1), math.erf(2)], rtol=1e-7)
    gelu = [v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in (0, 1, 2)]
    np.testing.assert_allclose(mg.gelu(x).data, gelu, rtol=1e-7)


@pytest.mark.parametrize("dtype", [mg.float32, mg.float64])
def test_erf_and_gelu_tensors_keep_their_dtype_and_shape(dtype):
    for shape in [(), (0,), (2, 3)]:
        x = mg.zeros(*shape, dtype=dtype) + 0.5
        assert mg.erf(x).dtype == dtype and mg.erf(x).shape == shape
        assert mg.gelu(x).dtype == dtype and mg.gelu(x).shape == shape
