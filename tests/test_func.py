"""mg.func.grad: composed to third order against closed forms, argnums, has_aux, and its errors."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.func import grad


def polynomial(x):
    """p(x) = x^5 - 2 x^3 + 3 x, summed over x's elements."""
    return (x**5 - 2 * x**3 + 3 * x).sum()


X = np.array([-1.3, -0.2, 0.7, 2.0])


def test_grad_composed_to_third_order_is_the_closed_form_derivative():
    x = mg.tensor(X)
    np.testing.assert_allclose(grad(polynomial)(x).data, 5 * X**4 - 6 * X**2 + 3, rtol=1e-12)
    second = grad(lambda x: grad(polynomial)(x).sum())
    np.testing.assert_allclose(second(x).data, 20 * X**3 - 12 * X, rtol=1e-12)
    third = grad(lambda x: grad(lambda x: grad(polynomial)(x).sum())(x).sum())
    np.testing.assert_allclose(third(x).data, 60 * X**2 - 12, rtol=1e-12)


def test_grad_of_grad_of_a_scalar_function_needs_no_summing():
    f = lambda x: x**4 + 2 * x**3  # noqa: E731
    x = mg.tensor(np.float64(1.5))
    assert grad(grad(grad(f)))(x).item() == pytest.approx(24 * 1.5 + 12, rel=1e-12)
    assert grad(grad(grad(grad(f))))(x).item() == pytest.approx(24, rel=1e-12)


def test_an_inner_grad_treats_the_outer_variable_as_a_constant():
    # f(x) = x * d/dy (x * y) at y = x, which is x * x: f'(x) = 2x. Confusing the two x's
    # (differentiating the inner x * y as x * x) would give 4x instead.
    f = lambda x: x * grad(lambda y: x * y)(x)  # noqa: E731
    assert grad(f)(mg.tensor(np.float64(3.0))).item() == pytest.approx(6.0, rel=1e-12)


def test_argnums_chooses_the_arguments_and_a_tuple_gives_a_tuple():
    f = lambda a, b: (a**2 * b).sum()  # noqa: E731
    a, b = mg.tensor(np.array([1.0, 2.0])), mg.tensor(np.array([3.0, -1.0]))
    np.testing.assert_allclose(grad(f)(a, b).data, 2 * a.data * b.data)
    np.testing.assert_allclose(grad(f, argnums=1)(a, b).data, a.data**2)
    ga, gb = grad(f, argnums=(0, 1))(a, b)
    np.testing.assert_allclose(ga.data, 2 * a.data * b.data)
    np.testing.assert_allclose(gb.data, a.data**2)


def test_has_aux_returns_the_auxiliary_value_next_to_the_gradient():
    def f(x):
        loss = (x**2).sum()
        return loss, {"loss": loss.item()}

    gradient, aux = grad(f, has_aux=True)(mg.tensor(np.array([1.0, -2.0])))
    np.testing.assert_allclose(gradient.data, [2.0, -4.0])
    assert aux == {"loss": 5.0}


def test_grad_works_under_no_grad_returns_plain_tensors_and_leaves_dot_grad_alone():
    x = mg.tensor(X, requires_grad=False)
    with mg.no_grad():
        g = grad(polynomial)(x)
    np.testing.assert_allclose(g.data, 5 * X**4 - 6 * X**2 + 3, rtol=1e-12)
    assert not g.requires_grad
    w = mg.tensor(X, requires_grad=True)
    grad(polynomial)(w)
    assert w.grad is None


def test_an_unused_argument_gets_a_zero_gradient():
    g = grad(lambda a, b: (a * 2).sum(), argnums=1)(mg.tensor([1.0]), mg.tensor([5.0, 6.0]))
    np.testing.assert_array_equal(g.data, [0.0, 0.0])


def test_grad_errors_name_the_problem():
    with pytest.raises(TypeError, match=r"grad: func must be callable, got int"):
        grad(3)
    with pytest.raises(TypeError, match=r"grad: argnums must be an int or a tuple of ints"):
        grad(polynomial, argnums=[0])
    with pytest.raises(IndexError, match=r"grad: argnums 1 is out of range for 1 positional"):
        grad(polynomial, argnums=1)(mg.tensor(X))
    with pytest.raises(TypeError, match=r"grad: argument 0 must be a floating Tensor, got float"):
        grad(polynomial)(1.5)
    with pytest.raises(
        ValueError, match=r"grad: func must return a one-element Tensor, got \(4,\)"
    ):
        grad(lambda x: x**2)(mg.tensor(X))
    with pytest.raises(
        ValueError, match=r"grad: with has_aux=True, func must return a \(output, aux\)"
    ):
        grad(polynomial, has_aux=True)(mg.tensor(X))
