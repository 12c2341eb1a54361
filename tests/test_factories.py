"""Factories under PyTorch's names: full, eye, linspace, randint, from_numpy, *_like; the dtype names."""

import numpy as np
import pytest

import minigrad as mg


def test_dtype_names_are_numpys_types_and_compare_equal_to_tensor_dtypes():
    pairs = [
        (mg.float32, np.float32), (mg.float, np.float32), (mg.float64, np.float64),
        (mg.double, np.float64), (mg.int64, np.int64), (mg.long, np.int64),
        (mg.int32, np.int32), (mg.int, np.int32), (mg.bool, np.bool_), (mg.half, np.float16),
    ]
    for name, numpy_type in pairs:
        assert name is numpy_type
    assert mg.zeros(2, dtype=mg.float64).dtype == mg.float64
    assert mg.tensor(np.array([1, 2]), dtype=mg.long).dtype == np.int64


def test_full_picks_pytorchs_dtype_from_the_fill_value():
    assert mg.full((2, 3), 1.5).dtype == np.float32
    assert mg.full((2,), 7).dtype == np.int64
    assert mg.full(3, True).dtype == np.bool_
    np.testing.assert_array_equal(mg.full((2, 2), 4.0, dtype=mg.float64).data, np.full((2, 2), 4.0))


def test_eye_and_linspace_match_numpy():
    np.testing.assert_array_equal(mg.eye(3).data, np.eye(3))
    np.testing.assert_array_equal(mg.eye(2, 4).data, np.eye(2, 4))
    assert mg.eye(3).dtype == np.float32
    np.testing.assert_allclose(mg.linspace(-1, 1, 5).data, [-1, -0.5, 0, 0.5, 1])
    assert mg.linspace(0, 1, 3, dtype=mg.float64).dtype == np.float64


def test_randint_draws_int64_in_the_half_open_range_from_the_global_generator():
    mg.manual_seed(0)
    a = mg.randint(2, 5, (1000,))
    assert a.dtype == np.int64 and set(np.unique(a.data)) == {2, 3, 4}
    mg.manual_seed(0)
    np.testing.assert_array_equal(mg.randint(2, 5, (1000,)).data, a.data)
    assert mg.randint(3, size=(4,)).data.max() < 3
    with pytest.raises(ValueError, match=r"randint: high \(1\) must be greater than low \(1\)"):
        mg.randint(1, 1, (2,))


def test_from_numpy_shares_memory_and_keeps_the_dtype():
    a = np.arange(4)
    t = mg.from_numpy(a)
    assert t.dtype == np.int64
    a[0] = 10
    assert t.data[0] == 10
    with pytest.raises(TypeError, match="from_numpy: expected a numpy.ndarray, got list"):
        mg.from_numpy([1, 2])


def test_like_factories_copy_shape_and_dtype():
    t = mg.tensor(np.zeros((2, 3), dtype=np.float64))
    for made, value in [(mg.zeros_like(t), 0.0), (mg.ones_like(t), 1.0), (mg.full_like(t, 2.5), 2.5)]:
        assert made.shape == (2, 3) and made.dtype == np.float64
        np.testing.assert_array_equal(made.data, value)
    assert mg.ones_like(t, dtype=mg.float32).dtype == np.float32
    mg.manual_seed(1)
    big = mg.randn_like(mg.zeros(200, 200))
    assert big.dtype == np.float32 and abs(big.data.std() - 1) < 0.02
    assert 0 <= mg.rand_like(t).data.min() and mg.rand_like(t).data.max() < 1
    assert mg.zeros_like(t, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match="zeros_like: input must be a Tensor, got ndarray"):
        mg.zeros_like(np.zeros(2))
