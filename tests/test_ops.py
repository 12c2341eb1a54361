"""Every op: forward values against numpy and gradients against finite differences (check_op)."""

import numpy as np
import pytest
from helpers import away_from, check_op, distinct

import minigrad as mg

rng = np.random.default_rng(1234)

BROADCAST_PAIRS = [
    ((), (3, 4)),
    ((3, 4), ()),
    ((3, 1), (1, 4)),
    ((4,), (3, 4)),
    ((3, 4), (4,)),
    ((2, 3, 4), (3, 1)),
    ((2, 1, 4), (3, 1)),
    ((3, 4), (3, 4)),
]


def normal(shape):
    return rng.standard_normal(shape)


def positive(shape):
    return rng.uniform(0.5, 2.0, shape)


def nonzero(shape):
    return away_from(normal(shape), [0.0], margin=0.3)


# ----- binary elementwise ops, with broadcasting -----
@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
@pytest.mark.parametrize(
    "fn, numpy_fn, make_a, make_b",
    [
        (lambda a, b: a + b, np.add, normal, normal),
        (lambda a, b: a - b, np.subtract, normal, normal),
        (lambda a, b: a * b, np.multiply, normal, normal),
        (lambda a, b: a / b, np.divide, normal, nonzero),
        (lambda a, b: a**b, np.power, positive, normal),
        (mg.maximum, np.maximum, lambda s: distinct(s, 1), lambda s: distinct(s, 2) + 0.05),
        (mg.minimum, np.minimum, lambda s: distinct(s, 3), lambda s: distinct(s, 4) + 0.05),
    ],
    ids=["add", "sub", "mul", "div", "pow", "maximum", "minimum"],
)
def test_binary_op_matches_numpy_and_finite_differences(fn, numpy_fn, make_a, make_b, shapes):
    check_op(fn, numpy_fn, [make_a(shapes[0]), make_b(shapes[1])])


def test_functions_and_methods_agree_with_operators():
    a, b = mg.tensor(positive((3, 4))), mg.tensor(positive((4,)))
    np.testing.assert_array_equal(a.maximum(b).data, mg.maximum(a, b).data)
    np.testing.assert_array_equal(a.minimum(b).data, np.minimum(a.data, b.data))
    np.testing.assert_array_equal(mg.matmul(a, mg.tensor(positive((4, 2)))).shape, (3, 2))
    np.testing.assert_array_equal(mg.exp(a).data, a.exp().data)
    np.testing.assert_array_equal(abs(mg.tensor([-2.0])).data, [2.0])


# ----- unary ops -----
UNARY_SHAPES = [(), (5,), (3, 4), (2, 3, 4)]


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=str)
@pytest.mark.parametrize(
    "fn, numpy_fn, make",
    [
        (lambda x: -x, np.negative, normal),
        (mg.exp, np.exp, normal),
        (mg.log, np.log, positive),
        (mg.sqrt, np.sqrt, positive),
        (mg.abs, np.abs, nonzero),
        (mg.tanh, np.tanh, normal),
        (mg.sigmoid, lambda x: 1 / (1 + np.exp(-x)), normal),
        (mg.relu, lambda x: np.maximum(x, 0), nonzero),
        (mg.leaky_relu, lambda x: np.where(x > 0, x, 0.01 * x), nonzero),
        (lambda x: x.leaky_relu(0.2), lambda x: np.where(x > 0, x, 0.2 * x), nonzero),
        (lambda x: x.clip(-0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), normal),
        (lambda x: mg.clip(x, min=0.2), lambda x: np.maximum(x, 0.2), normal),
        (lambda x: mg.clip(x, max=0.2), lambda x: np.minimum(x, 0.2), normal),
    ],
    ids=[
        "neg",
        "exp",
        "log",
        "sqrt",
        "abs",
        "tanh",
        "sigmoid",
        "relu",
        "leaky_relu",
        "leaky_relu_0.2",
        "clip",
        "clip_min",
        "clip_max",
    ],
)
def test_unary_op_matches_numpy_and_finite_differences(fn, numpy_fn, make, shape):
    x = away_from(make(shape), [-0.5, 0.2, 0.5], margin=0.05)  # clip has kinks at its bounds
    check_op(fn, numpy_fn, [x])


def test_sigmoid_is_accurate_in_float32_far_into_the_tails():
    x = np.linspace(-80, 80, 161).astype(np.float32)
    expected = 1 / (1 + np.exp(-x.astype(np.float64)))
    out = mg.sigmoid(mg.tensor(x))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, expected, rtol=1e-5)


def test_sigmoid_and_tanh_saturate_without_overflow_warnings():
    x = mg.tensor([-1e4, 1e4], requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is right
        s = mg.sigmoid(x)
        t = mg.tanh(x)
    np.testing.assert_array_equal(s.data, [0.0, 1.0])
    np.testing.assert_array_equal(t.data, [-1.0, 1.0])


def test_relu_abs_and_clip_use_zero_gradient_at_their_kinks():
    x = mg.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    mg.relu(x).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])
    y = mg.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    mg.abs(y).sum().backward()
    np.testing.assert_array_equal(y.grad, [-1.0, 0.0, 1.0])
    z = mg.tensor([-2.0, -1.0, 0.0, 1.0, 2.0], requires_grad=True)
    z.clip(-1.0, 1.0).sum().backward()
    np.testing.assert_array_equal(z.grad, [0.0, 1.0, 1.0, 1.0, 0.0])  # inside is [min, max]


def test_maximum_and_minimum_share_the_gradient_at_ties():
    a = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = mg.tensor([2.0, 2.0, 2.0], requires_grad=True)
    mg.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(b.grad, [1.0, 0.5, 0.0])
    a.grad = b.grad = None
    mg.minimum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 0.5, 0.0])
    np.testing.assert_array_equal(b.grad, [0.0, 0.5, 1.0])


def test_maximum_with_a_python_scalar_is_relu_like():
    check_op(
        lambda x: mg.maximum(x, 0.3), lambda x: np.maximum(x, 0.3), [away_from(normal(7), [0.3])]
    )


# ----- pow -----
@pytest.mark.parametrize("exponent", [2, 3, 0.5, -1, -1.5, 0])
def test_pow_with_constant_exponent(exponent):
    check_op(lambda x: x**exponent, lambda x: x**exponent, [positive((3, 4))])


def test_pow_with_tensor_base_and_exponent_broadcast():
    check_op(lambda a, b: a**b, np.power, [positive((3, 1)), normal((1, 4))])


def test_pow_reflected_with_a_python_base():
    check_op(lambda x: 3**x, lambda x: 3.0**x, [normal((2, 3))])


def test_pow_square_of_negative_base_has_gradient_two_x():
    x = mg.tensor([-3.0, -0.5, 2.0], requires_grad=True)
    (x**2).sum().backward()
    np.testing.assert_allclose(x.grad, [-6.0, -1.0, 4.0])


# ----- reflected ops with Python scalars and numpy arrays -----
@pytest.mark.parametrize(
    "fn, numpy_fn",
    [
        (lambda t: 2 - t, lambda t: 2 - t),
        (lambda t: 2 + t, lambda t: 2 + t),
        (lambda t: 2 * t, lambda t: 2 * t),
        (lambda t: 2 / t, lambda t: 2 / t),
        (lambda t: 2.5**t, lambda t: 2.5**t),
        (lambda t: np.ones(3) * t, lambda t: np.ones(3) * t),
        (lambda t: np.arange(3.0) - t, lambda t: np.arange(3.0) - t),
        (lambda t: np.full(3, 2.0) / t, lambda t: np.full(3, 2.0) / t),
        (lambda t: np.arange(6.0).reshape(2, 3) + t, lambda t: np.arange(6.0).reshape(2, 3) + t),
        (lambda t: np.arange(6.0).reshape(2, 3) @ t, lambda t: np.arange(6.0).reshape(2, 3) @ t),
    ],
    ids=["2-t", "2+t", "2*t", "2/t", "2.5**t", "ones*t", "arange-t", "full/t", "mat+t", "mat@t"],
)
def test_reflected_ops(fn, numpy_fn):
    # A float64 array promotes a float32 tensor to float64 (as in numpy); a Python number does not.
    promotes = "np" in fn.__code__.co_names
    check_op(fn, numpy_fn, [nonzero(3)], dtype32=np.float64 if promotes else np.float32)


def test_numpy_array_on_the_left_gives_a_tensor_not_an_object_array():
    t = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = np.ones(3) * t
    assert isinstance(out, mg.Tensor)
    assert out.dtype == np.float64  # promotes like numpy: float64 array times float32 tensor
    out.sum().backward()
    assert t.grad.dtype == np.float32
    np.testing.assert_array_equal(t.grad, [1.0, 1.0, 1.0])


def test_subtraction_from_scalar_has_gradient_minus_one():
    t = mg.tensor([1.0, 2.0], requires_grad=True)
    (2 - t).sum().backward()
    np.testing.assert_array_equal(t.grad, [-1.0, -1.0])


# ----- matmul -----
@pytest.mark.parametrize(
    "shape_a, shape_b",
    [
        ((3, 4), (4, 5)),
        ((2, 3, 4), (4, 5)),
        ((2, 3, 4), (2, 4, 5)),
        ((3, 4), (2, 4, 5)),
        ((2, 1, 3, 4), (3, 4, 2)),
        ((5,), (5, 3)),
        ((3, 5), (5,)),
        ((5,), (5,)),
        ((5,), (2, 5, 3)),
        ((2, 3, 5), (5,)),
        ((1, 4), (4, 1)),
    ],
    ids=str,
)
def test_matmul(shape_a, shape_b):
    check_op(mg.matmul, np.matmul, [normal(shape_a), normal(shape_b)])
    check_op(lambda a, b: a @ b, np.matmul, [normal(shape_a), normal(shape_b)])


# ----- reductions -----
AXES = [None, 0, 1, -1, (0, 2), (-1, 0), (0, 1, 2), ()]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name", ["sum", "mean", "max"])
def test_reductions(name, axis, keepdims):
    numpy_fn = getattr(np, name)
    check_op(
        lambda x: getattr(x, name)(axis=axis, keepdims=keepdims),
        lambda x: numpy_fn(x, axis=axis, keepdims=keepdims),
        [distinct((2, 3, 4), seed=5)],
    )
    check_op(
        lambda x: getattr(mg, name)(x, axis=axis, keepdims=keepdims),
        lambda x: numpy_fn(x, axis=axis, keepdims=keepdims),
        [distinct((2, 3, 4), seed=6)],
    )


def test_reduction_with_positional_axis_and_list_axis():
    x = distinct((2, 3, 4))
    np.testing.assert_array_equal(mg.tensor(x).sum(1).data, x.sum(1))
    np.testing.assert_array_equal(mg.tensor(x).max(axis=[0, 2]).data, x.max((0, 2)))  # dim= is one int
    check_op(lambda t: t.mean([0, -1]), lambda t: t.mean((0, -1)), [x])


def test_reductions_of_a_scalar_and_of_a_vector():
    check_op(lambda x: x.sum(), np.sum, [normal(())])
    check_op(lambda x: x.max(), np.max, [distinct((6,))])
    check_op(lambda x: x.mean(0), lambda x: x.mean(0), [normal((6,))])


def test_max_ties_share_the_gradient_equally():
    x = mg.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True)
    x.max(axis=1).backward(np.array([1.0, 6.0], dtype=np.float32))
    np.testing.assert_allclose(x.grad, [[0.0, 0.5, 0.5], [2.0, 2.0, 2.0]])


def test_max_ties_over_all_elements_and_with_keepdims():
    x = mg.tensor([[4.0, 1.0], [4.0, 4.0]], requires_grad=True)
    x.max().backward()
    np.testing.assert_allclose(x.grad, [[1 / 3, 0.0], [1 / 3, 1 / 3]], rtol=1e-6)
    y = mg.tensor([[5.0, 5.0], [0.0, 1.0]], requires_grad=True)
    y.max(axis=0, keepdims=True).sum().backward()
    np.testing.assert_allclose(y.grad, [[1.0, 1.0], [0.0, 0.0]])
    z = mg.tensor([[5.0, 5.0], [0.0, 1.0]], requires_grad=True)
    z.max(axis=-1, keepdims=True).sum().backward()
    np.testing.assert_allclose(z.grad, [[0.5, 0.5], [0.0, 1.0]])


def test_mean_gradient_is_one_over_count():
    x = mg.tensor(np.ones((4, 5)), requires_grad=True)
    x.mean(axis=0).sum().backward()
    np.testing.assert_allclose(x.grad, np.full((4, 5), 0.25))


# ----- shape ops -----
@pytest.mark.parametrize(
    "fn, numpy_fn",
    [
        (lambda x: x.reshape(6, 4), lambda x: x.reshape(6, 4)),
        (lambda x: x.reshape((4, -1)), lambda x: x.reshape(4, -1)),
        (lambda x: x.reshape(-1), lambda x: x.reshape(-1)),
        (lambda x: x.transpose(0, 2), lambda x: np.swapaxes(x, 0, 2)),
        (lambda x: x.transpose(), lambda x: np.swapaxes(x, -2, -1)),
        (lambda x: mg.transpose(x, 1, -1), lambda x: np.swapaxes(x, 1, -1)),
        (lambda x: x.permute(2, 0, 1), lambda x: np.transpose(x, (2, 0, 1))),
        (lambda x: x.permute((1, 2, 0)), lambda x: np.transpose(x, (1, 2, 0))),
        (lambda x: mg.permute(x, (1, 0, 2)), lambda x: np.transpose(x, (1, 0, 2))),
        (lambda x: x.T, lambda x: x.T),
    ],
    ids=[
        "reshape",
        "reshape_-1",
        "flatten",
        "transpose",
        "transpose_default",
        "mg.transpose",
        "permute",
        "permute_tuple",
        "mg.permute",
        "T",
    ],
)
def test_shape_ops(fn, numpy_fn):
    check_op(fn, numpy_fn, [normal((2, 3, 4))])


def test_transpose_of_a_matrix():
    check_op(lambda x: x.T, lambda x: x.T, [normal((3, 5))])
    check_op(lambda x: x.T @ x, lambda x: x.T @ x, [normal((3, 5))])


# ----- indexing -----
@pytest.mark.parametrize(
    "index",
    [
        1,
        -1,
        (1, 2),
        (-1, 2, 0),
        slice(1, None),
        (slice(None), slice(None, None, 2)),
        (Ellipsis, 1),
        (slice(None, None, -1), 0),
        (None, 1),
        np.array([0, 2, 0, 2, 2]),
        [2, 2, 1],
        (np.array([0, 1, 0]), np.array([2, 2, 2])),
        (slice(None), np.array([1, 1])),
        np.array([True, False, True]),
    ],
    ids=str,
)
def test_getitem(index):
    check_op(lambda x: x[index], lambda x: x[index], [normal((3, 4, 2))])


def test_getitem_with_boolean_mask_from_a_comparison():
    x = nonzero((3, 4))
    check_op(lambda t: t[t > 0], lambda t: t[t > 0], [x])


def test_getitem_with_repeated_indices_scatter_adds():
    x = mg.tensor([10.0, 20.0, 30.0, 40.0], requires_grad=True)
    x[np.array([0, 0, 3, 0])].backward(np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32))
    np.testing.assert_array_equal(x.grad, [7.0, 0.0, 0.0, 3.0])


def test_getitem_with_an_integer_tensor_index():
    x = mg.tensor([10.0, 20.0, 30.0], requires_grad=True)
    y = x[mg.tensor(np.array([2, 2]))]
    np.testing.assert_array_equal(y.data, [30.0, 30.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 2.0])


# ----- joining -----
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenate(axis):
    shapes = [(2, 3, 4), (2, 3, 4), (2, 3, 4)]
    sizes = {
        0: [(1, 3, 4), (2, 3, 4), (3, 3, 4)],
        1: [(2, 1, 4), (2, 2, 4), (2, 3, 4)],
        -1: [(2, 3, 1), (2, 3, 5), (2, 3, 2)],
    }
    shapes = sizes[axis]
    check_op(
        lambda *xs: mg.concatenate(list(xs), axis=axis),
        lambda *xs: np.concatenate(xs, axis=axis),
        [normal(s) for s in shapes],
    )


@pytest.mark.parametrize("axis", [0, 1, -1, 3])
def test_stack(axis):
    check_op(
        lambda *xs: mg.stack(xs, axis=axis),
        lambda *xs: np.stack(xs, axis=axis),
        [normal((2, 3, 4)) for _ in range(3)],
    )


def test_concatenate_with_a_constant_numpy_array():
    constant = np.ones((1, 3))
    check_op(
        lambda x: mg.concatenate([constant, x, constant]),
        lambda x: np.concatenate([constant, x, constant]),
        [normal((2, 3))],
        dtype32=np.float64,
    )


# ----- softmax and log_softmax -----
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax(axis):
    def reference(x):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    check_op(lambda x: x.softmax(axis), reference, [normal((3, 4, 2))])
    check_op(lambda x: mg.softmax(x, axis=axis), reference, [normal((3, 4, 2))])


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_log_softmax(axis):
    def reference(x):
        shifted = x - x.max(axis=axis, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))

    check_op(lambda x: x.log_softmax(axis), reference, [normal((3, 4, 2))])
    check_op(lambda x: mg.log_softmax(x, axis=axis), reference, [normal((3, 4, 2))])


EXTREME_LOGITS = [[1e4, 0.0, -1e4], [1e4, 1e4, 0.0], [-1e4, -1e4, -1e4]]
# Closed form: log_softmax = x - max - log(sum exp(x - max)); here every exp(x - max) is 1 or 0.
EXTREME_LOG_SOFTMAX = [
    [0.0, -1e4, -2e4],
    [-np.log(2), -np.log(2), -1e4 - np.log(2)],
    [-np.log(3), -np.log(3), -np.log(3)],
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_is_stable_for_logits_of_magnitude_1e4(dtype):
    x = mg.tensor(np.array(EXTREME_LOGITS, dtype=dtype), requires_grad=True)
    out = x.log_softmax(axis=1)
    assert out.dtype == dtype
    np.testing.assert_allclose(out.data, EXTREME_LOG_SOFTMAX, rtol=1e-6)
    out.backward(np.ones((3, 3)))
    # d/dx sum(log_softmax(x)) = 1 - n * softmax(x), with n = 3 classes
    softmax = np.exp(np.array(EXTREME_LOG_SOFTMAX))
    np.testing.assert_allclose(x.grad, 1 - 3 * softmax, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_is_stable_for_logits_of_magnitude_1e4(dtype):
    x = mg.tensor(np.array(EXTREME_LOGITS, dtype=dtype), requires_grad=True)
    out = x.softmax(axis=1)
    np.testing.assert_allclose(out.data, np.exp(EXTREME_LOG_SOFTMAX), atol=1e-7)
    out.backward(np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]]))
    assert np.all(np.isfinite(x.grad))
    # d softmax_0 / dx at a one-hot softmax is zero; at [1/2, 1/2, 0] it is [1/4, -1/4, 0] for k=1
    np.testing.assert_allclose(x.grad[:2], [[0, 0, 0], [-0.25, 0.25, 0]], atol=1e-7)


# ----- where -----
def test_where_with_broadcasting():
    condition = rng.random((3, 4)) > 0.5
    check_op(
        lambda a, b: mg.where(condition, a, b),
        lambda a, b: np.where(condition, a, b),
        [normal((3, 1)), normal(())],
    )


def test_where_with_a_comparison_tensor_and_a_python_scalar():
    x = nonzero((2, 5))
    check_op(lambda t: mg.where(t > 0, t, 0.0), lambda t: np.where(t > 0, t, 0.0), [x])


def test_where_condition_that_requires_grad_gets_no_gradient():
    condition = mg.tensor([1.0, 0.0, 2.0], requires_grad=True)
    a = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = mg.where(condition, a, -a)
    np.testing.assert_array_equal(out.data, [1.0, -2.0, 3.0])
    out.sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, -1.0, 1.0])
    assert condition.grad is None


# ----- clip with tensor bounds -----
def test_clip_with_tensor_bounds_given_positionally():
    x = mg.tensor([-2.0, 0.5, 2.0], requires_grad=True)
    out = x.clip(mg.tensor(-1.0), mg.tensor(1.0))
    np.testing.assert_array_equal(out.data, [-1.0, 0.5, 1.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0])


# ----- non-differentiable results -----
@pytest.mark.parametrize(
    "fn, numpy_fn",
    [
        (lambda a, b: a < b, np.less),
        (lambda a, b: a <= b, np.less_equal),
        (lambda a, b: a > b, np.greater),
        (lambda a, b: a >= b, np.greater_equal),
        (lambda a, b: a == b, np.equal),
        (lambda a, b: a != b, np.not_equal),
    ],
    ids=["<", "<=", ">", ">=", "==", "!="],
)
def test_comparisons_give_boolean_tensors_outside_the_graph(fn, numpy_fn):
    a_np = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    b_np = np.array([2.0, 2.0, 2.0])
    a = mg.tensor(a_np, requires_grad=True)
    for b, b_ref in ((mg.tensor(b_np), b_np), (2.0, 2.0), (b_np, b_np)):
        out = fn(a, b)
        assert isinstance(out, mg.Tensor) and out.dtype == np.bool_
        np.testing.assert_array_equal(out.data, numpy_fn(a_np, b_ref))
        assert not out.requires_grad and out.op is None and out.parents == ()


def test_argmax():
    x = distinct((3, 4, 5), seed=9)
    t = mg.tensor(x, requires_grad=True)
    for axis in (None, 0, 1, -1):
        out = t.argmax(axis=axis)
        np.testing.assert_array_equal(out.data, np.argmax(x, axis=axis))
        np.testing.assert_array_equal(mg.argmax(t, axis=axis).data, np.argmax(x, axis=axis))
        assert out.dtype.kind == "i" and not out.requires_grad and out.op is None


def test_T_of_vectors_and_scalars_is_the_identity():
    for shape in [(), (4,)]:
        check_op(lambda x: x.T, lambda x: x.T, [normal(shape)])


def test_iterating_over_a_tensor_gives_differentiable_rows():
    x = mg.tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    rows = list(x)
    assert len(rows) == 3 and all(r.op == "getitem" for r in rows)
    (rows[0] * 1 + rows[2] * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 1.0], [0.0, 0.0], [3.0, 3.0]])


def test_comparison_with_a_numpy_array_on_the_left_is_reflected_correctly():
    t = mg.tensor([2.0, 2.0, 2.0])
    a = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal((a < t).data, [True, False, False])
    np.testing.assert_array_equal((a >= t).data, [False, True, True])
    np.testing.assert_array_equal((a == t).data, [False, True, False])
