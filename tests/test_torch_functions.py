"""PyTorch's top-level functions (torch.add, torch.mm, torch.squeeze, ...) on minigrad, with values.

Each is one line on an op or Tensor method (minigrad/torch_functions.py); these tests pin the
values against numpy and that gradients flow through them.
"""

import numpy as np
import pytest

import minigrad as mg

A = np.array([[1.0, -2.0, 3.0], [4.0, 0.5, -6.0]])
B = np.array([[2.0, 4.0, -1.0], [0.5, 1.0, 3.0]])


def t(x, requires_grad=False):
    return mg.tensor(np.array(x, dtype=np.float64), requires_grad=requires_grad)


@pytest.mark.parametrize(
    "fn, expected",
    [
        (lambda a, b: mg.add(a, b), A + B),
        (lambda a, b: mg.add(a, b, alpha=3), A + 3 * B),
        (lambda a, b: mg.sub(a, b), A - B),
        (lambda a, b: mg.sub(a, b, alpha=0.5), A - 0.5 * B),
        (lambda a, b: mg.subtract(a, b), A - B),
        (lambda a, b: mg.mul(a, b), A * B),
        (lambda a, b: mg.multiply(a, b), A * B),
        (lambda a, b: mg.div(a, b), A / B),
        (lambda a, b: mg.divide(a, b), A / B),
        (lambda a, b: mg.true_divide(a, b), A / B),
        (lambda a, b: mg.pow(b, 2.0), B**2),
        (lambda a, b: mg.pow(mg.abs(a), b), np.abs(A) ** B),
        (lambda a, b: mg.neg(a), -A),
        (lambda a, b: mg.negative(a), -A),
        (lambda a, b: mg.square(a), A * A),
        (lambda a, b: mg.reciprocal(b), 1 / B),
        (lambda a, b: mg.rsqrt(mg.abs(b)), 1 / np.sqrt(np.abs(B))),
    ],
)
def test_elementwise_functions_equal_numpy_and_carry_gradients(fn, expected):
    a, b = t(A, requires_grad=True), t(B, requires_grad=True)
    out = fn(a, b)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)
    out.sum().backward()  # the gradient flows through the alias to at least one input
    assert a.grad is not None or b.grad is not None


def test_add_with_alpha_scales_the_gradient_of_other():
    a, b = t([1.0, 2.0], requires_grad=True), t([3.0, 4.0], requires_grad=True)
    mg.add(a, b, alpha=3).sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])
    np.testing.assert_array_equal(b.grad, [3.0, 3.0])


def test_matrix_products():
    m = np.arange(6.0).reshape(2, 3)
    n = np.arange(12.0).reshape(3, 4) - 5
    v, w = np.array([1.0, -1.0, 2.0]), np.array([0.5, 2.0, -3.0])
    np.testing.assert_array_equal(mg.mm(t(m), t(n)).data, m @ n)
    batch_a, batch_b = np.stack([m, 2 * m]), np.stack([n, -n])
    np.testing.assert_array_equal(mg.bmm(t(batch_a), t(batch_b)).data, batch_a @ batch_b)
    np.testing.assert_array_equal(mg.mv(t(m), t(v)).data, m @ v)
    assert mg.dot(t(v), t(w)).item() == pytest.approx(float(v @ w))
    np.testing.assert_array_equal(mg.outer(t(v), t(w[:2])).data, np.outer(v, w[:2]))


def test_outer_gradients_by_hand():
    v, w = t([1.0, 2.0], requires_grad=True), t([3.0, 4.0, 5.0], requires_grad=True)
    mg.outer(v, w).sum().backward()  # d/dv_i sum_j v_i w_j = sum(w), d/dw_j = sum(v)
    np.testing.assert_array_equal(v.grad, [12.0, 12.0])
    np.testing.assert_array_equal(w.grad, [3.0, 3.0, 3.0])


@pytest.mark.parametrize(
    "fn, args, message",
    [
        (mg.mm, ((3,), (3, 2)), r"mm: input must be 2-d, got shape \(3,\)"),
        (mg.mm, ((2, 3), (2, 3, 1)), r"mm: mat2 must be 2-d, got shape \(2, 3, 1\)"),
        (mg.bmm, ((2, 3), (3, 2)), r"bmm: input must be 3-d, got shape \(2, 3\)"),
        (mg.mv, ((2, 3), (3, 1)), r"mv: vec must be 1-d, got shape \(3, 1\)"),
        (mg.dot, ((2, 3), (3,)), r"dot: input must be 1-d, got shape \(2, 3\)"),
        (mg.outer, ((2,), (2, 1)), r"outer: vec2 must be 1-d, got shape \(2, 1\)"),
    ],
)
def test_products_refuse_the_wrong_number_of_dims(fn, args, message):
    with pytest.raises(ValueError, match=message):
        fn(*(mg.zeros(*shape) for shape in args))


def test_shape_functions():
    x = t(np.arange(6.0).reshape(1, 2, 3))
    assert mg.reshape(x, (3, 2)).shape == (3, 2)
    np.testing.assert_array_equal(mg.reshape(x, (-1,)).data, np.arange(6.0))
    assert mg.squeeze(x).shape == (2, 3) and mg.squeeze(x, 1).shape == (1, 2, 3)
    assert mg.unsqueeze(x, -1).shape == (1, 2, 3, 1)
    assert mg.flatten(x).shape == (6,) and mg.flatten(x, 1).shape == (1, 6)
    assert mg.unflatten(mg.flatten(x, 1), 1, (3, 2)).shape == (1, 3, 2)
    m = t(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(mg.t(m).data, np.arange(6.0).reshape(2, 3).T)
    assert [c.shape for c in mg.chunk(m, 2, dim=1)] == [(2, 2), (2, 1)]
    assert [s.shape for s in mg.split(m, [1, 2], dim=1)] == [(2, 1), (2, 2)]
    assert mg.numel(x) == 6
    np.testing.assert_array_equal(mg.concat([m, m], dim=0).data, np.concatenate([m.data] * 2))


def test_reshape_gradient_goes_back_to_the_input_shape():
    x = t(np.arange(6.0).reshape(2, 3), requires_grad=True)
    (mg.reshape(x, (3, 2)) * t(np.arange(6.0).reshape(3, 2))).sum().backward()
    np.testing.assert_array_equal(x.grad, np.arange(6.0).reshape(2, 3))


def test_comparisons_and_tests_give_boolean_tensors():
    a, b = t([1.0, 2.0, np.nan, np.inf]), t([1.0, 3.0, np.nan, -np.inf])
    for fn, ufunc in [(mg.eq, np.equal), (mg.ne, np.not_equal), (mg.lt, np.less),
                      (mg.le, np.less_equal), (mg.gt, np.greater), (mg.ge, np.greater_equal)]:  # fmt: skip
        out = fn(a, b)
        assert out.dtype == np.bool_
        np.testing.assert_array_equal(out.data, ufunc(a.data, b.data))
    np.testing.assert_array_equal(mg.eq(a, 2.0).data, [False, True, False, False])
    np.testing.assert_array_equal(mg.isnan(a).data, [False, False, True, False])
    np.testing.assert_array_equal(mg.isinf(b).data, [False, False, False, True])
    np.testing.assert_array_equal(mg.isfinite(a).data, [True, True, False, False])
