"""Issue 8's engine corners: x ** 0 at 0, the mean of nothing, gradients that stay finite."""

import warnings

import numpy as np
import pytest

import minigrad as mg


@pytest.mark.parametrize(
    "exponent", [0, 0.0, mg.tensor([0.0, 0.0, 0.0])], ids=["int", "float", "tensor"]
)
def test_x_to_the_zero_has_gradient_zero_even_at_zero(exponent):
    x = mg.tensor([0.0, 2.0, -3.0], requires_grad=True)
    y = x**exponent
    np.testing.assert_array_equal(y.data, [1.0, 1.0, 1.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])  # d/dx 1 = 0 (PyTorch gives 0 too)


def test_tensor_exponent_keeps_its_gradient_where_the_exponent_is_zero():
    # d/dx x^e = e x^(e-1); d/de = x^e log x: at e = 0, x = 2 they are 0 and log 2
    x = mg.tensor(np.array([2.0]), requires_grad=True)
    e = mg.tensor(np.array([0.0]), requires_grad=True)
    (x**e).sum().backward()
    np.testing.assert_allclose(x.grad, [0.0])
    np.testing.assert_allclose(e.grad, [np.log(2.0)])


def test_mean_of_an_empty_tensor_is_nan_as_in_numpy_and_pytorch():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and it says nothing
        assert np.isnan(mg.mean(mg.zeros(0)).item())
        over_rows = mg.zeros((0, 3)).mean(axis=0)
        over_columns = mg.zeros((0, 3)).mean(axis=1)
    assert over_rows.shape == (3,) and np.all(np.isnan(over_rows.data))
    assert over_columns.shape == (0,)


def test_the_gradient_of_an_empty_mean_is_empty_and_quiet():
    x = mg.tensor(np.zeros((0, 3)), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x.mean().backward()
    assert x.grad.shape == (0, 3)


def test_a_loss_over_an_empty_batch_is_nan_not_zero():
    empty = mg.tensor(np.zeros((0, 1), np.float32))
    assert np.isnan(mg.nn.functional.mse_loss(empty, np.zeros((0, 1), np.float32)).item())


def test_power_zero_of_a_subnormal_base_has_zero_gradient_not_nan():
    # a ** (0 - 1) overflows to inf for a subnormal a, and 0 * inf is NaN; a ** 0 is 1 for every a
    a = mg.tensor(np.array([2.22507386e-311, 1e-320]), requires_grad=True)
    e = mg.tensor(np.array([0.0, 0.0]), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (a**e).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.0, 0.0])
    np.testing.assert_allclose(e.grad, np.log([2.22507386e-311, 1e-320]))


def test_prod_gradient_when_the_product_underflows_to_zero():
    # d prod / d a_i is the product of the others: 0.5 and 5e-324 here, although the product
    # itself rounds to 0 (PyTorch's out / a gives 0 for both); found by the sweep in CI
    a = mg.tensor(np.array([5e-324, 0.5]), requires_grad=True)
    mg.prod(a).backward()
    np.testing.assert_array_equal(a.grad, [0.5, 5e-324])
