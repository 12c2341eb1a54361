"""The Tensor itself: construction and dtype rules, attributes, repr, factories and seeding."""

import subprocess
import sys

import numpy as np
import pytest

import minigrad as mg


# ----- dtype rules -----
@pytest.mark.parametrize("data", [2.5, [[1.5, 2.0], [3.0, 4.0]], [1, 2.5], (1.0, 2)])
def test_python_floats_and_mixed_lists_become_float32(data):
    t = mg.tensor(data)
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t.data, np.array(data, dtype=np.float32))


@pytest.mark.parametrize("data", [3, [1, 2, 3], [[0, 1], [2, 3]], (1, 2)])
def test_python_ints_become_int64_as_in_pytorch(data):
    t = mg.tensor(data)
    assert t.dtype == np.int64
    np.testing.assert_array_equal(t.data, np.array(data, dtype=np.int64))


def test_python_bools_become_bool():
    assert mg.tensor([True, False]).dtype == np.bool_ and mg.tensor(True).dtype == np.bool_


def test_float_arrays_keep_their_dtype_and_are_not_copied():
    for dtype in (np.float32, np.float64):
        array = np.arange(6, dtype=dtype).reshape(2, 3)
        t = mg.Tensor(array)
        assert t.dtype == dtype and t.data is array


def test_integer_arrays_stay_integer():
    t = mg.tensor(np.array([1, 2, 3], dtype=np.int64))
    assert t.dtype == np.int64
    assert mg.tensor(np.array([1], dtype=np.int32)).dtype == np.int32


def test_numpy_scalars_keep_their_dtype():
    assert mg.tensor(np.float64(1.5)).dtype == np.float64
    assert mg.tensor(np.float32(1.5)).dtype == np.float32


def test_explicit_dtype_wins():
    assert mg.tensor([1, 2], dtype=np.float64).dtype == np.float64
    assert mg.tensor(np.ones(2, dtype=np.float32), dtype=np.float64).dtype == np.float64
    assert mg.Tensor([1.7, 2.2], dtype=np.int64).dtype == np.int64


def test_tensor_from_a_tensor_shares_its_data():
    a = mg.tensor(np.ones(3))
    assert mg.Tensor(a).data is a.data


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="Tensor: only floating tensors can require grad.*int64"):
        mg.tensor(np.array([1, 2]), requires_grad=True)
    with pytest.raises(TypeError, match="bool"):
        mg.Tensor(np.array([True]), requires_grad=True)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_python_scalar_never_promotes(dtype):
    t = mg.tensor(np.array([1.0, 2.0], dtype=dtype), requires_grad=True)
    for out in (t + 1, t * 2.5, 2.5 - t, t / 3, 3 / t, t**2, 2.0**t, mg.maximum(t, 0.5)):
        assert out.dtype == dtype


@pytest.mark.parametrize(
    "make",
    [
        lambda a, b: a + b,
        lambda a, b: a * b,
        lambda a, b: b - a,
        lambda a, b: a @ b,
        lambda a, b: mg.where(np.array([True, False]), a, b),
        lambda a, b: mg.concatenate([a, b]),
    ],
)
def test_mixing_float32_and_float64_promotes_like_numpy_and_grads_keep_their_dtype(make):
    a = mg.tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    b = mg.tensor(np.array([3.0, 4.0], dtype=np.float64), requires_grad=True)
    out = make(a, b)
    assert out.dtype == np.float64
    out.backward(np.ones(out.shape))
    assert a.grad.dtype == np.float32 and a.grad.shape == (2,)
    assert b.grad.dtype == np.float64 and b.grad.shape == (2,)


def test_integer_tensor_times_float_tensor_promotes_and_gives_the_float_a_gradient():
    i = mg.tensor(np.array([1, 2, 3]))
    x = mg.tensor(np.array([0.5, 0.5, 0.5]), requires_grad=True)
    out = i * x
    assert out.dtype == np.float64
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 2.0, 3.0])
    assert i.grad is None


# ----- attributes -----
def test_attributes():
    t = mg.tensor(np.zeros((2, 3, 4)))
    assert t.shape == (2, 3, 4) and t.ndim == 3 and t.numel() == 24 and len(t) == 2
    assert t.size() == (2, 3, 4) and t.size(1) == 3 and t.size(-1) == 4 and t.dim() == 3
    assert t.dtype == np.float64 and t.grad is None and not t.requires_grad
    assert t.T.shape == (4, 3, 2)
    assert t.numpy() is t.data
    assert t.is_leaf and t.op is None and t.parents == () and t.name is None


def test_item_returns_a_python_number():
    assert mg.tensor([[2.5]]).item() == 2.5
    assert isinstance(mg.tensor(3.0).item(), float)
    with pytest.raises(ValueError):
        mg.tensor([1.0, 2.0]).item()


def test_len_of_a_0d_tensor_errors():
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(mg.tensor(1.0))


def test_numpy_sees_a_tensor_as_its_array():
    t = mg.tensor(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(np.asarray(t), [1.0, 2.0])
    assert np.asarray(t, dtype=np.float32).dtype == np.float32
    assert np.shares_memory(np.asarray(t), t.data)  # asarray: no copy needed, none made


def test_np_array_of_a_tensor_is_a_copy_as_for_any_array():
    t = mg.tensor(np.array([1.0, 2.0]))
    snapshot = np.array(t)
    snapshot[0] = 99.0
    np.testing.assert_array_equal(t.data, [1.0, 2.0])
    converted = np.array(t, dtype=np.float32)
    assert converted.dtype == np.float32 and not np.shares_memory(converted, t.data)


def test_repr_is_readable():
    assert repr(mg.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(mg.tensor(np.array([1.0]))) == "tensor([1.], dtype=float64)"
    x = mg.tensor([1.0], requires_grad=True)
    assert repr(x) == "tensor([1.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2.], op=mul)"
    assert repr(mg.tensor(np.array([1, 2]))) == "tensor([1, 2], dtype=int64)"


def test_bool_of_a_one_element_tensor():
    assert bool(mg.tensor([1.0])) and not bool(mg.tensor(0.0))


# ----- factories -----
@pytest.mark.parametrize("factory, value", [(mg.zeros, 0.0), (mg.ones, 1.0)])
def test_zeros_and_ones(factory, value):
    for t in (factory(2, 3), factory((2, 3)), factory([2, 3])):
        assert t.shape == (2, 3) and t.dtype == np.float32
        np.testing.assert_array_equal(t.data, np.full((2, 3), value))
    assert factory(3, dtype=np.float64).dtype == np.float64
    assert factory(2, requires_grad=True).requires_grad
    assert factory().shape == ()


def test_randn_and_rand_distributions():
    mg.manual_seed(0)
    n = mg.randn(200, 100)
    u = mg.rand(200, 100)
    assert n.dtype == np.float32 and u.dtype == np.float32 and n.shape == (200, 100)
    assert abs(n.data.mean()) < 0.02 and abs(n.data.std() - 1) < 0.02
    assert u.data.min() >= 0 and u.data.max() < 1 and abs(u.data.mean() - 0.5) < 0.01


def test_manual_seed_makes_factories_and_init_reproducible():
    mg.manual_seed(42)
    a, b, layer_a = mg.randn(3, 4), mg.rand(5), mg.nn.Linear(3, 2)
    mg.manual_seed(42)
    c, d, layer_b = mg.randn(3, 4), mg.rand(5), mg.nn.Linear(3, 2)
    np.testing.assert_array_equal(a.data, c.data)
    np.testing.assert_array_equal(b.data, d.data)
    np.testing.assert_array_equal(layer_a.weight.data, layer_b.weight.data)
    mg.manual_seed(43)
    assert not np.array_equal(mg.randn(3, 4).data, a.data)


def test_manual_seed_returns_the_generator_that_random_uses():
    g = mg.manual_seed(7)
    assert mg.random.generator() is g
    expected = np.random.default_rng(7).standard_normal((2, 2)).astype(np.float32)
    np.testing.assert_array_equal(mg.randn(2, 2).data, expected)


def test_arange():
    t = mg.arange(5)
    assert t.dtype == np.int64
    np.testing.assert_array_equal(t.data, np.arange(5))
    f = mg.arange(0, 1, 0.25)
    assert f.dtype == np.float32
    np.testing.assert_array_equal(f.data, [0, 0.25, 0.5, 0.75])
    np.testing.assert_array_equal(mg.arange(2, 8, 3).data, [2, 5])
    assert mg.arange(3, dtype=np.float64, requires_grad=True).requires_grad


# ----- the package -----
def test_import_minigrad_loads_no_heavy_dependencies():
    code = (
        "import sys, minigrad; "
        "print(sorted(m for m in ('numba', 'matplotlib', 'graphviz', 'tqdm', 'torch') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_public_names_exist():
    for name in mg.__all__:
        assert hasattr(mg, name), name
    assert mg.tensor is not mg.Tensor and isinstance(mg.tensor([1.0]), mg.Tensor)
