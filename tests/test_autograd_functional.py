"""mg.autograd.functional against central differences and closed forms (float64 throughout)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import functional as AF

RNG = np.random.default_rng(0)
EPS = 1e-6


def t(array):
    return mg.tensor(np.asarray(array, dtype=np.float64))


def numeric_jacobian(f, x, eps=EPS):
    """Central differences of a numpy function f at x: shape f(x).shape + x.shape."""
    x = np.asarray(x, dtype=np.float64)
    columns = []
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = eps
        step = step.reshape(x.shape)
        columns.append((np.asarray(f(x + step)) - np.asarray(f(x - step))) / (2 * eps))
    out_shape = np.shape(f(x))
    return np.stack(columns, axis=-1).reshape(out_shape + x.shape)


def curve(x):
    """R^3 -> R^2, nonlinear in every input: [x0 * exp(x1), tanh(x1 * x2) + x0 ** 3]."""
    return mg.stack([x[0] * mg.exp(x[1]), mg.tanh(x[1] * x[2]) + x[0] ** 3])


def curve_np(x):
    return np.array([x[0] * np.exp(x[1]), np.tanh(x[1] * x[2]) + x[0] ** 3])


X0 = np.array([0.4, -0.3, 1.1])


def test_jvp_matches_central_differences_along_the_tangent():
    v = np.array([0.5, -1.0, 2.0])
    value, product = AF.jvp(curve, t(X0), t(v))
    directional = (curve_np(X0 + EPS * v) - curve_np(X0 - EPS * v)) / (2 * EPS)
    np.testing.assert_allclose(product.data, directional, rtol=1e-7)
    np.testing.assert_allclose(value.data, curve_np(X0), rtol=1e-12)


def test_jvp_with_tuples_of_inputs_and_outputs_sums_each_inputs_contribution():
    def f(a, b):
        return a * b, (a**2).sum() * mg.exp(b)

    a, b = RNG.normal(size=3), RNG.normal(size=3)
    va, vb = RNG.normal(size=3), RNG.normal(size=3)
    _, (ja, jb) = AF.jvp(f, (t(a), t(b)), (t(va), t(vb)))
    np.testing.assert_allclose(ja.data, va * b + a * vb, rtol=1e-12)  # product rule
    closed = 2 * (a @ va) * np.exp(b) + (a**2).sum() * np.exp(b) * vb
    np.testing.assert_allclose(jb.data, closed, rtol=1e-12)


def test_vjp_is_v_times_the_closed_form_jacobian():
    x0, x1, x2 = X0
    J = np.array(
        [
            [np.exp(x1), x0 * np.exp(x1), 0.0],
            [3 * x0**2, x2 / np.cosh(x1 * x2) ** 2, x1 / np.cosh(x1 * x2) ** 2],
        ]
    )
    v = np.array([2.0, -0.5])
    value, product = AF.vjp(curve, t(X0), t(v))
    np.testing.assert_allclose(product.data, v @ J, rtol=1e-12)
    np.testing.assert_allclose(value.data, curve_np(X0))


def test_vjp_of_a_scalar_function_defaults_v_to_one_and_is_the_gradient():
    _, gradient = AF.vjp(lambda x: (x**3).sum(), t(X0))
    np.testing.assert_allclose(gradient.data, 3 * X0**2, rtol=1e-12)


@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
def test_jacobian_matches_central_differences(strategy):
    J = AF.jacobian(curve, t(X0), strategy=strategy)
    assert J.shape == (2, 3)
    np.testing.assert_allclose(J.data, numeric_jacobian(curve_np, X0), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
def test_jacobian_of_a_matrix_product_is_the_closed_form_for_each_operand(strategy):
    A, x = RNG.normal(size=(2, 3)), RNG.normal(size=3)
    dA, dx = AF.jacobian(lambda A, x: A @ x, (t(A), t(x)), strategy=strategy)
    np.testing.assert_allclose(dx.data, A, rtol=1e-12)  # d(Ax)/dx = A
    assert dA.shape == (2, 2, 3)  # d(Ax)_i / dA_jk = [i == j] x_k
    np.testing.assert_allclose(dA.data, np.einsum("ij,k->ijk", np.eye(2), x), rtol=1e-12)


def test_jacobian_of_tuple_outputs_and_inputs_is_a_tuple_of_tuples():
    def f(a, b):
        return a * b, a.sum() + 0 * b.sum()

    a, b = RNG.normal(size=3), RNG.normal(size=3)
    (d0a, d0b), (d1a, d1b) = AF.jacobian(f, (t(a), t(b)))
    np.testing.assert_allclose(d0a.data, np.diag(b))
    np.testing.assert_allclose(d0b.data, np.diag(a))
    np.testing.assert_allclose(d1a.data, np.ones(3))
    np.testing.assert_allclose(d1b.data, np.zeros(3))
    assert d1a.shape == (3,)


def quadratic_plus_exp(x, Q):
    """f(x) = x^T Q x / 2 + sum(exp(x)): its Hessian is (Q + Q^T) / 2 + diag(exp(x))."""
    return (x * (mg.tensor(Q) @ x)).sum() / 2 + mg.exp(x).sum()


@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
def test_hessian_is_the_closed_form(strategy):
    Q = RNG.normal(size=(4, 4))
    x = RNG.normal(size=4)
    H = AF.hessian(lambda x: quadratic_plus_exp(x, Q), t(x), outer_jacobian_strategy=strategy)
    np.testing.assert_allclose(H.data, (Q + Q.T) / 2 + np.diag(np.exp(x)), rtol=1e-12)


def test_hessian_of_two_inputs_has_the_closed_form_blocks():
    # f(x, y) = sum(x * y) + sum(x^2) * sum(y)
    x, y = RNG.normal(size=3), RNG.normal(size=3)
    (Hxx, Hxy), (Hyx, Hyy) = AF.hessian(
        lambda x, y: (x * y).sum() + (x**2).sum() * y.sum(), (t(x), t(y))
    )
    np.testing.assert_allclose(Hxx.data, 2 * y.sum() * np.eye(3), rtol=1e-12)
    np.testing.assert_allclose(Hxy.data, np.eye(3) + 2 * np.outer(x, np.ones(3)), rtol=1e-12)
    np.testing.assert_allclose(Hyx.data, Hxy.data.T, rtol=1e-12)
    np.testing.assert_allclose(Hyy.data, np.zeros((3, 3)))


def mlp_loss(W1, b1, W2, b2, X, y):
    hidden = mg.tanh(X @ W1.T + b1)
    return (((hidden @ W2.T + b2).reshape(-1) - y) ** 2).mean()


def test_hessian_of_a_small_mlps_loss_matches_central_differences_of_its_gradient():
    X, y = t(RNG.normal(size=(6, 2))), t(RNG.normal(size=6))
    params = [
        RNG.normal(size=(3, 2)),
        RNG.normal(size=3),
        RNG.normal(size=(1, 3)),
        RNG.normal(size=1),
    ]
    blocks = AF.hessian(lambda *p: mlp_loss(*p, X, y), tuple(map(t, params)))

    def gradient_wrt(j):  # the first-order engine only: backward of the loss, as numpy
        def g(value):
            tensors = [mg.tensor(p, requires_grad=True) for p in params]
            tensors[j] = mg.tensor(value, requires_grad=True)
            mlp_loss(*tensors, X, y).backward()
            return np.concatenate([p.grad.ravel() for p in tensors])

        return g

    sizes = [p.size for p in params]
    for j, p in enumerate(params):
        numeric = numeric_jacobian(gradient_wrt(j), p)  # (all params, *p.shape)
        rows = np.split(numeric.reshape(sum(sizes), -1), np.cumsum(sizes)[:-1])
        for i, row in enumerate(rows):
            np.testing.assert_allclose(
                blocks[i][j].data.reshape(sizes[i], -1), row, rtol=1e-5, atol=1e-8
            )


def test_hvp_and_vhp_are_the_hessian_times_v():
    Q = RNG.normal(size=(4, 4))
    x, v = RNG.normal(size=4), RNG.normal(size=4)
    H = (Q + Q.T) / 2 + np.diag(np.exp(x))
    value, hv = AF.hvp(lambda x: quadratic_plus_exp(x, Q), t(x), t(v))
    _, vh = AF.vhp(lambda x: quadratic_plus_exp(x, Q), t(x), t(v))
    np.testing.assert_allclose(hv.data, H @ v, rtol=1e-12)
    np.testing.assert_allclose(vh.data, v @ H, rtol=1e-12)
    assert value.item() == pytest.approx(x @ Q @ x / 2 + np.exp(x).sum(), rel=1e-12)


def test_hvp_with_a_tuple_of_inputs_returns_one_product_per_input():
    x, y = RNG.normal(size=3), RNG.normal(size=3)
    vx, vy = RNG.normal(size=3), RNG.normal(size=3)
    # f = sum(x^2 * y): Hxx = diag(2y), Hxy = diag(2x), Hyy = 0
    _, (hx, hy) = AF.hvp(lambda x, y: (x**2 * y).sum(), (t(x), t(y)), (t(vx), t(vy)))
    np.testing.assert_allclose(hx.data, 2 * y * vx + 2 * x * vy, rtol=1e-12)
    np.testing.assert_allclose(hy.data, 2 * x * vx, rtol=1e-12)


def test_results_carry_a_graph_only_with_create_graph():
    x = mg.tensor(X0, requires_grad=True)
    v = t([1.0, 1.0, 1.0])
    _, plain = AF.hvp(lambda x: (x**4).sum(), x, v)
    assert not plain.requires_grad and x.grad is None
    _, product = AF.hvp(lambda x: (x**4).sum(), x, v, create_graph=True)
    assert product.requires_grad
    (third,) = mg.autograd.grad(product.sum(), x)  # d/dx of sum(12 x^2) = 24 x
    np.testing.assert_allclose(third.data, 24 * X0, rtol=1e-12)


def test_strict_refuses_an_input_the_output_does_not_use_and_otherwise_gives_zeros():
    f = lambda a, b: a * 2  # noqa: E731
    _, (ga, gb) = AF.vjp(f, (t([1.0, 2.0]), t([3.0])), t([1.0, 1.0]))
    np.testing.assert_array_equal(gb.data, [0.0])
    np.testing.assert_array_equal(ga.data, [2.0, 2.0])
    with pytest.raises(RuntimeError, match=r"vjp: the output of func does not depend on input 1"):
        AF.vjp(f, (t([1.0, 2.0]), t([3.0])), t([1.0, 1.0]), strict=True)
    J = AF.jacobian(f, (t([1.0, 2.0]), t([3.0])))
    np.testing.assert_array_equal(J[1].data, np.zeros((2, 1)))


def test_bad_arguments_get_errors_naming_the_function_and_argument():
    x = t(X0)
    with pytest.raises(
        TypeError, match=r"vjp: inputs must be a Tensor or a tuple of Tensors, got list"
    ):
        AF.vjp(curve, [[1.0]])
    with pytest.raises(TypeError, match=r"jvp: inputs\[1\] must be a Tensor .* got float"):
        AF.jvp(lambda a, b: a, (x, 1.0))
    with pytest.raises(
        TypeError, match=r"hessian: inputs must be a floating Tensor, got dtype int64"
    ):
        AF.hessian(lambda a: a.sum(), mg.tensor(np.arange(3)))
    with pytest.raises(
        TypeError, match=r"jacobian: func must return a Tensor or a tuple of Tensors"
    ):
        AF.jacobian(lambda a: a.data, x)
    with pytest.raises(
        ValueError, match=r"vjp: v can be left out only when the output is a single"
    ):
        AF.vjp(curve, x)
    with pytest.raises(
        ValueError, match=r"jvp: v\[0\] has shape \(2,\) but the input\[0\] has shape \(3,\)"
    ):
        AF.jvp(curve, x, t([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"hvp: v has 1 tensors but the input has 2"):
        AF.hvp(lambda a, b: (a * b).sum(), (x, x), (x,))
    with pytest.raises(ValueError, match=r"hessian: func must return a single one-element tensor"):
        AF.hessian(curve, x)
    with pytest.raises(
        ValueError, match=r"jacobian: strategy must be 'reverse-mode' or 'forward-mode'"
    ):
        AF.jacobian(curve, x, strategy="sideways")
