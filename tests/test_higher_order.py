"""Gradients of gradients: mg.autograd.grad and backward(create_graph=True), against closed forms
and central differences of the engine's first-order gradient."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import grad


def leaf(values):
    return mg.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def test_third_derivative_of_a_cube_is_six():
    x = leaf([-1.5, 0.0, 2.0])
    (g1,) = grad((x**3).sum(), x, create_graph=True)
    (g2,) = grad(g1.sum(), x, create_graph=True)
    (g3,) = grad(g2.sum(), x)
    np.testing.assert_allclose(g1.data, 3 * x.data**2)
    np.testing.assert_allclose(g2.data, 6 * x.data)
    np.testing.assert_allclose(g3.data, [6.0, 6.0, 6.0])


def test_third_derivative_of_tanh_matches_its_closed_form():
    # t = tanh x: t' = 1 - t^2, t'' = -2 t (1 - t^2), t''' = -2 (1 - t^2)(1 - 3 t^2)
    x = leaf([-0.7, 0.1, 1.3])
    (g1,) = grad(mg.tanh(x).sum(), x, create_graph=True)
    (g2,) = grad(g1.sum(), x, create_graph=True)
    (g3,) = grad(g2.sum(), x)
    t = np.tanh(x.data)
    np.testing.assert_allclose(g2.data, -2 * t * (1 - t**2), rtol=1e-12)
    np.testing.assert_allclose(g3.data, -2 * (1 - t**2) * (1 - 3 * t**2), rtol=1e-12)


def test_third_derivative_of_exp_and_log_compose_to_closed_forms():
    x = leaf([0.5, 1.0, 2.0])
    y = mg.exp(x) * mg.log(x)  # y''' = e^x (ln x + 3/x - 3/x^2 + 2/x^3)
    (g1,) = grad(y.sum(), x, create_graph=True)
    (g2,) = grad(g1.sum(), x, create_graph=True)
    (g3,) = grad(g2.sum(), x)
    v = x.data
    np.testing.assert_allclose(g3.data, np.exp(v) * (np.log(v) + 3 / v - 3 / v**2 + 2 / v**3))


def test_mixed_second_derivative_of_a_product():
    x, y = leaf(2.0), leaf(3.0)
    (gx,) = grad(x * x * y, x, create_graph=True)  # 2xy
    (gxy,) = grad(gx, y)  # 2x
    assert gxy.item() == pytest.approx(4.0)


def mlp_loss(params, inputs, targets):
    w1, b1, w2, b2 = params
    hidden = mg.tanh(mg.linear(inputs, w1, b1))
    diff = mg.linear(hidden, w2, b2) - targets
    return (diff * diff).mean()


def test_hessian_of_a_small_mlp_loss_matches_central_differences_of_its_gradient():
    rng = np.random.default_rng(0)
    inputs = mg.tensor(rng.standard_normal((5, 2)))
    targets = mg.tensor(rng.standard_normal((5, 1)))
    shapes = [(3, 2), (3,), (1, 3), (1,)]
    values = [rng.standard_normal(s) * 0.8 for s in shapes]
    params = [leaf(v) for v in values]
    flat = np.concatenate([v.ravel() for v in values])

    def gradient_at(vector):  # the engine's first-order gradient, flattened
        parts, start = [], 0
        for s in shapes:
            size = int(np.prod(s))
            parts.append(leaf(vector[start : start + size].reshape(s)))
            start += size
        mlp_loss(parts, inputs, targets).backward()
        return np.concatenate([p.grad.ravel() for p in parts])

    eps = 1e-6
    numerical = np.stack(
        [
            (gradient_at(flat + eps * e) - gradient_at(flat - eps * e)) / (2 * eps)
            for e in np.eye(flat.size)
        ]
    )
    grads = grad(mlp_loss(params, inputs, targets), params, create_graph=True)
    flat_grad = mg.concatenate([g.reshape(-1) for g in grads])
    rows = []
    for i in range(flat.size):
        row = grad(flat_grad[i], params, allow_unused=True)
        rows.append(np.concatenate([np.zeros(p.size) if r is None else r.data.ravel() for r, p in zip(row, params)]))
    hessian = np.stack(rows)
    np.testing.assert_allclose(hessian, numerical, atol=1e-6)
    np.testing.assert_allclose(hessian, hessian.T, atol=1e-10)  # as a Hessian must be


def test_backward_with_create_graph_leaves_a_differentiable_grad():
    x = leaf([1.0, 2.0])
    (x**3).sum().backward(create_graph=True)
    assert isinstance(x.grad, mg.Tensor) and x.grad.requires_grad
    g = x.grad
    x.grad = None
    g.sum().backward()
    np.testing.assert_allclose(x.grad, 6 * np.array([1.0, 2.0]))


def test_grad_does_not_touch_any_grad_attribute():
    x = leaf([1.0, 2.0])
    y = x * x
    (g,) = grad(y.sum(), x)
    np.testing.assert_allclose(g.data, [2.0, 4.0])
    assert x.grad is None and y.grad is None


def test_grad_with_grad_outputs_is_a_vector_jacobian_product():
    x = leaf([1.0, 2.0, 3.0])
    (g,) = grad(x * x, x, grad_outputs=mg.tensor(np.array([1.0, 0.0, 2.0])))
    np.testing.assert_allclose(g.data, [2.0, 0.0, 12.0])


def test_grad_of_several_outputs_sums_their_gradients():
    x = leaf([1.0, 2.0])
    (g,) = grad([(x * x).sum(), (3 * x).sum()], x)
    np.testing.assert_allclose(g.data, [5.0, 7.0])


def test_grad_of_an_unused_input_is_an_error_unless_allowed():
    x, unused = leaf([1.0]), leaf([2.0])
    with pytest.raises(RuntimeError, match=r"grad: inputs\[1\] \(shape \(1,\)\) was not used"):
        grad((x * x).sum(), [x, unused])
    assert grad((x * x).sum(), [x, unused], allow_unused=True)[1] is None


def test_grad_refuses_an_input_that_does_not_require_grad():
    x = mg.tensor([1.0])
    with pytest.raises(RuntimeError, match=r"grad: inputs\[0\] \(shape \(1,\)\) does not require grad"):
        grad((leaf([1.0]) * x).sum(), x)


def test_grad_of_a_non_scalar_output_needs_grad_outputs():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"grad: grad can only be implied for a scalar output"):
        grad(x * x, x)


def test_grad_counts_grad_outputs():
    x = leaf([1.0])
    with pytest.raises(ValueError, match=r"grad: got 2 grad_outputs for 1 outputs"):
        grad(x * x, x, grad_outputs=[np.ones(1), np.ones(1)])


def test_backward_inputs_accumulates_only_into_those_tensors():
    x, y = leaf([1.0]), leaf([2.0])
    (x * y).sum().backward(inputs=[x])
    np.testing.assert_allclose(x.grad, [2.0])
    assert y.grad is None


def test_backward_can_run_twice_on_the_same_graph_whatever_retain_graph_says():
    x = leaf([3.0])
    y = (x * x).sum()
    y.backward(retain_graph=False)
    y.backward()
    np.testing.assert_allclose(x.grad, [12.0])  # 6 + 6: gradients accumulate


def test_a_float32_gradient_of_gradient_stays_float32():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    (g,) = grad((x**3).sum(), x, create_graph=True)
    (h,) = grad(g.sum(), x)
    assert g.dtype == np.float32 and h.dtype == np.float32
    np.testing.assert_allclose(h.data, [6.0, 12.0])


def test_a_gradient_cast_back_to_float32_is_recorded_too():
    x = mg.tensor([1.0, 2.0], requires_grad=True)  # float32
    y = (x * np.array([3.0, 4.0])) ** 2  # float64: x's gradient is cast back to float32
    (g,) = grad(y.sum(), x, create_graph=True)  # 2 x c^2
    assert g.dtype == np.float32 and g.requires_grad
    (h,) = grad(g.sum(), x)  # 2 c^2
    np.testing.assert_allclose(h.data, [18.0, 32.0])
