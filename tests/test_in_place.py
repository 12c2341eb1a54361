"""In-place operators: the weight update `p -= lr * p.grad` works as in PyTorch, under no_grad."""

import numpy as np
import pytest

import minigrad as mg


def test_in_place_update_under_no_grad_changes_the_same_array():
    p = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (p * p).sum().backward()
    data = p.data
    with mg.no_grad():
        p -= 0.5 * p.grad  # grad = 2p, so p becomes 0
    assert p.data is data
    np.testing.assert_array_equal(p.data, [0.0, 0.0, 0.0])


@pytest.mark.parametrize(
    "update, expected",
    [
        (lambda t: t.__iadd__(2), [3.0, 4.0]),
        (lambda t: t.__isub__(mg.tensor([1.0, 1.0])), [0.0, 1.0]),
        (lambda t: t.__imul__(np.array([2.0, 3.0], np.float32)), [2.0, 6.0]),
        (lambda t: t.__itruediv__(4), [0.25, 0.5]),
    ],
)
def test_each_in_place_operator_matches_numpy(update, expected):
    t = mg.tensor([1.0, 2.0])
    assert update(t) is t
    np.testing.assert_allclose(t.data, expected)
    assert t.dtype == np.float32


def test_in_place_update_of_a_tensor_requiring_grad_outside_no_grad_is_an_error():
    p = mg.tensor([1.0], requires_grad=True)
    with pytest.raises(
        RuntimeError, match=r"Tensor -=: a tensor that requires grad .* mg.no_grad\(\)"
    ):
        p -= 1.0
    np.testing.assert_array_equal(p.data, [1.0])


def test_in_place_update_with_a_shape_that_does_not_fit_names_both_shapes():
    t = mg.zeros(3)
    with pytest.raises(
        ValueError, match=r"Tensor \+=: cannot update shape \(3,\) .* with shape \(2, 3\)"
    ):
        t += np.ones((2, 3), np.float32)


def test_in_place_float_update_of_an_int_tensor_is_a_type_error():
    t = mg.tensor(np.array([1, 2]))
    with pytest.raises(TypeError, match=r"Tensor \*=: cannot update shape \(2,\) dtype int64"):
        t *= 0.5
