"""The ops PyTorch users expect: each through check_op (forward vs numpy, gradcheck and the
second derivative in float64), plus dim=/keepdim=, (values, indices), dtypes and promotion."""

import math

import numpy as np
import pytest
from helpers import away_from, check_op, distinct

import minigrad as mg
import minigrad.nn.functional as F

rng = np.random.default_rng(21)
erf = np.vectorize(math.erf)


def normal(shape):
    return rng.standard_normal(shape)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softplus(x):
    return np.log1p(np.exp(x))


# kinks (where the derivative jumps) are kept 0.1 away, so finite differences are valid
ELEMENTWISE = [
    ("sin", mg.sin, np.sin, []),
    ("cos", mg.cos, np.cos, []),
    ("log1p", mg.log1p, np.log1p, None),
    ("expm1", mg.expm1, np.expm1, []),
    ("erf", mg.erf, erf, []),
    ("softplus", mg.softplus, softplus, []),
    ("softplus beta", lambda x: F.softplus(x, beta=2.0), lambda x: softplus(2 * x) / 2, []),
    ("gelu", mg.gelu, lambda x: x * 0.5 * (1 + erf(x / np.sqrt(2))), []),
    ("gelu tanh", lambda x: F.gelu(x, approximate="tanh"),
     lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))), []),
    ("elu", mg.elu, lambda x: np.where(x > 0, x, np.exp(x) - 1), [0.0]),
    ("elu alpha", lambda x: F.elu(x, alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1)), [0.0]),
    ("selu", mg.selu, lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1)), [0.0]),
    ("silu", mg.silu, lambda x: x * sigmoid(x), []),
    ("mish", mg.mish, lambda x: x * np.tanh(softplus(x)), []),
    ("relu6", mg.relu6, lambda x: np.minimum(np.maximum(x, 0), 6), [0.0, 6.0]),
    ("hardtanh", lambda x: F.hardtanh(x, -0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), [-0.5, 0.5]),
    ("hardswish", mg.hardswish, lambda x: x * np.clip(x + 3, 0, 6) / 6, [-3.0, 3.0]),
]  # fmt: skip


@pytest.mark.parametrize("name, fn, reference, kinks", ELEMENTWISE, ids=[e[0] for e in ELEMENTWISE])
@pytest.mark.parametrize("shape", [(), (3, 4)])
def test_elementwise_op(name, fn, reference, kinks, shape):
    if kinks is None:  # log1p: keep the input above -1
        x = rng.uniform(-0.5, 2.0, shape)
    else:
        x = away_from(normal(shape) * 3, kinks)
    check_op(fn, reference, [x])


def test_sign_has_zero_gradient():
    x = mg.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    out = mg.sign(x)
    np.testing.assert_array_equal(out.data, [-1, 0, 1])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [0, 0, 0])


def test_softplus_is_linear_above_the_threshold_and_never_overflows():
    x = mg.tensor([30.0, 1000.0, -1000.0], requires_grad=True)
    out = F.softplus(x)
    np.testing.assert_allclose(out.data, [30.0, 1000.0, 0.0])
    out.sum().backward()
    np.testing.assert_allclose(x.grad, [1.0, 1.0, 0.0])


def test_gelu_rejects_an_unknown_approximation():
    with pytest.raises(ValueError, match="gelu: approximate must be 'none' or 'tanh', got 'erf'"):
        F.gelu(mg.zeros(2), approximate="erf")


def test_activation_modules_apply_their_function():
    x = mg.tensor(away_from(normal((4, 3)) * 3, [0.0, -3.0, 3.0, 6.0, -1.0, 1.0]))
    nn = mg.nn
    pairs = [
        (nn.GELU(), F.gelu(x)), (nn.GELU("tanh"), F.gelu(x, approximate="tanh")),
        (nn.ELU(alpha=0.3), F.elu(x, 0.3)), (nn.SELU(), F.selu(x)), (nn.SiLU(), F.silu(x)),
        (nn.Mish(), F.mish(x)), (nn.Softplus(beta=2), F.softplus(x, 2)), (nn.ReLU6(), F.relu6(x)),
        (nn.Hardtanh(-2, 2), F.hardtanh(x, -2, 2)), (nn.Hardswish(), F.hardswish(x)),
    ]  # fmt: skip
    for module, expected in pairs:
        np.testing.assert_array_equal(module(x).data, expected.data)
    np.testing.assert_allclose(nn.ReLU6()(mg.tensor([-1.0, 3.0, 7.0])).data, [0.0, 3.0, 6.0])


def test_pad_with_constants_and_its_gradient():
    x = normal((2, 3))
    check_op(lambda t: F.pad(t, (1, 2)), lambda t: np.pad(t, ((0, 0), (1, 2))), [x])
    check_op(
        lambda t: F.pad(t, (1, 0, 0, 2), value=0.5),
        lambda t: np.pad(t, ((0, 2), (1, 0)), constant_values=0.5),
        [x],
    )
    with pytest.raises(ValueError, match="pad: pad must have an even length of at most 4"):
        F.pad(mg.zeros(2, 2), (1, 2, 3))


def test_clamp_with_tensor_bounds_gives_the_bounds_their_gradient():
    x = np.array([[-2.0, 0.3, 2.5], [1.5, -0.7, 0.1]])
    low, high = np.array([-1.0, 0.5, -1.0]), np.array([[1.0], [0.0]])
    check_op(
        lambda t, lo, hi: mg.clamp(t, lo, hi),
        lambda t, lo, hi: np.minimum(np.maximum(t, lo), hi),
        [x, low, high],
    )
    xt, lo = mg.tensor(x, requires_grad=True), mg.tensor(low, requires_grad=True)
    xt.clamp(min=lo).sum().backward()
    np.testing.assert_array_equal(xt.grad, [[0, 0, 1], [1, 0, 1]])
    np.testing.assert_array_equal(lo.grad, [1, 2, 0])  # where x < min, summed over the rows


# ----- reductions -----
@pytest.mark.parametrize(
    "fn, reference",
    [
        (lambda t: t.var(), lambda t: t.var(ddof=1)),
        (lambda t: t.var(dim=1, unbiased=False), lambda t: t.var(axis=1)),
        (lambda t: t.var(dim=0, keepdim=True), lambda t: t.var(axis=0, ddof=1, keepdims=True)),
        (lambda t: t.std(dim=1), lambda t: t.std(axis=1, ddof=1)),
        (lambda t: mg.std(t, correction=0), lambda t: t.std()),
        (lambda t: t.prod(), np.prod),
        (lambda t: t.prod(dim=1, keepdim=True), lambda t: t.prod(axis=1, keepdims=True)),
        (lambda t: t.cumsum(dim=1), lambda t: np.cumsum(t, axis=1)),
        (lambda t: t.cumsum(0), lambda t: np.cumsum(t, axis=0)),
        (lambda t: t.logsumexp(dim=1), lambda t: np.log(np.exp(t).sum(axis=1))),
        (lambda t: mg.logsumexp(t, dim=0, keepdim=True), lambda t: np.log(np.exp(t).sum(0, keepdims=True))),
        (lambda t: t.norm(), np.linalg.norm),
        (lambda t: t.norm(p=1, dim=1), lambda t: np.abs(t).sum(axis=1)),
        (lambda t: t.norm(p=3, dim=0), lambda t: (np.abs(t) ** 3).sum(axis=0) ** (1 / 3)),
        (lambda t: t.norm(p=math.inf), lambda t: np.abs(t).max()),
        (lambda t: t.min(), np.min),
        (lambda t: t.min(dim=1).values, lambda t: t.min(axis=1)),
        (lambda t: t.max(dim=0, keepdim=True).values, lambda t: t.max(axis=0, keepdims=True)),
        (lambda t: t.sum(dim=(0, 1)), np.sum),
        (lambda t: t.mean(dim=1, keepdim=True), lambda t: t.mean(axis=1, keepdims=True)),
        (lambda t: F.softmax(t, dim=0), lambda t: np.exp(t) / np.exp(t).sum(axis=0)),
        (lambda t: t.log_softmax(dim=1), lambda t: t - np.log(np.exp(t).sum(axis=1, keepdims=True))),
    ],
)
def test_reduction(fn, reference):
    x = distinct((3, 4), seed=2, spacing=0.37) + 0.05  # no ties, no zeros
    check_op(fn, reference, [x])


def test_prod_gradient_with_a_zero_is_the_product_of_the_others():
    x = mg.tensor([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0]], requires_grad=True)
    x.prod(dim=1).sum().backward()
    np.testing.assert_allclose(x.grad, [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0]])


def test_logsumexp_is_stable_for_large_values():
    out = mg.logsumexp(mg.tensor([[1000.0, 1000.0], [-1000.0, -1e4]]), dim=1)
    np.testing.assert_allclose(out.data, [1000 + np.log(2), -1000.0], rtol=1e-6)


def test_max_and_min_with_dim_return_values_and_indices_as_pytorch():
    x = mg.tensor(np.array([[1.0, 7.0, 3.0], [9.0, 2.0, 5.0]]))
    values, indices = x.max(dim=1)
    np.testing.assert_array_equal(values.data, [7.0, 9.0])
    np.testing.assert_array_equal(indices.data, [1, 0])
    assert indices.dtype == np.int64
    out = mg.min(x, 0, keepdim=True)
    assert out.values.shape == (1, 3) and out.indices.data.tolist() == [[0, 1, 0]]
    assert x.max().item() == 9.0 and x.min().item() == 1.0  # no dim: the value only
    np.testing.assert_array_equal(x.max(axis=1).data, [7.0, 9.0])  # numpy's axis=: values only
    np.testing.assert_array_equal(mg.max(x, mg.tensor(4.0)).data, [[4, 7, 4], [9, 4, 5]])
    np.testing.assert_array_equal(x.argmin(dim=1).data, [0, 1])
    assert x.argmax(dim=1, keepdim=True).shape == (2, 1) and x.argmax().item() == 3


def test_a_wrong_keyword_names_the_right_ones():
    x = mg.tensor(normal((2, 3)))
    with pytest.raises(TypeError, match="sum: unexpected keyword argument 'dims'; it takes a=, dim=, keepdim="):
        x.sum(dims=1)
    with pytest.raises(TypeError, match="softmax: unexpected keyword argument 'axes'; it takes a=, dim="):
        F.softmax(x, axes=1)
    np.testing.assert_array_equal(x.sum(axis=1).data, x.sum(dim=1).data)  # numpy's names still work



def test_too_many_positional_arguments_are_refused_not_dropped():
    # PyTorch raises a TypeError; an extra argument must never be taken silently for another one
    x = mg.tensor(normal((2, 3)))
    with pytest.raises(TypeError, match=r"exp: takes at most 1 positional argument \(a\), got 3"):
        mg.exp(x, x, x)
    with pytest.raises(TypeError, match=r"sum: takes at most 3 positional arguments \(a, axis, keepdims\), got 4"):
        x.sum(0, True, 5)
    w, b = mg.tensor(normal((4, 3))), mg.tensor(normal(4))
    with pytest.raises(TypeError, match=r"linear: takes at most 3 positional arguments \(x, weight, bias\), got 4"):
        mg.linear(x, w, b, [False, False, False])  # was taken as the engine's needs_input_grad
    with pytest.raises(TypeError, match="linear: unexpected keyword argument 'needs_input_grad'"):
        mg.linear(x, w, needs_input_grad=[True, True, True])
    np.testing.assert_allclose(mg.linear(x, w, b).data, x.data @ w.data.T + b.data, rtol=1e-6)

# ----- shapes -----
def test_shape_methods_match_numpy_and_pass_gradients_back():
    x = normal((2, 3, 4))
    cases = [
        (lambda t: t.view(6, 4), lambda t: t.reshape(6, 4)),
        (lambda t: t.view(-1), lambda t: t.reshape(-1)),
        (lambda t: t.flatten(), lambda t: t.reshape(-1)),
        (lambda t: t.flatten(1), lambda t: t.reshape(2, 12)),
        (lambda t: t.flatten(0, 1), lambda t: t.reshape(6, 4)),
        (lambda t: t.unflatten(2, (2, 2)), lambda t: t.reshape(2, 3, 2, 2)),
        (lambda t: t.unsqueeze(1), lambda t: t[:, None]),
        (lambda t: t.unsqueeze(-1), lambda t: t[..., None]),
        (lambda t: t.unsqueeze(0).squeeze(0), lambda t: t),
        (lambda t: t[:, :1].squeeze(), lambda t: t[:, 0]),
        (lambda t: t[:, :1].squeeze(2), lambda t: t[:, :1]),  # size 4: kept, as PyTorch
        (lambda t: t[0].t(), lambda t: t[0].T),
        (lambda t: t[:, :1].expand(2, 5, 4), lambda t: np.broadcast_to(t[:, :1], (2, 5, 4))),
        (lambda t: t[:, :1].expand(-1, 3, -1), lambda t: np.broadcast_to(t[:, :1], (2, 3, 4))),
        (lambda t: t.repeat(1, 2, 1), lambda t: np.tile(t, (1, 2, 1))),
        (lambda t: t.repeat(2, 1, 1, 3), lambda t: np.tile(t, (2, 1, 1, 3))),
        (lambda t: t.clone(), lambda t: t.copy()),
        (lambda t: mg.cat([t, t * 2], dim=2), lambda t: np.concatenate([t, t * 2], axis=2)),
        (lambda t: mg.stack([t, t], dim=1), lambda t: np.stack([t, t], axis=1)),
        (lambda t: t.chunk(2, dim=2)[1], lambda t: t[:, :, 2:]),
        (lambda t: t.split(2, dim=1)[1], lambda t: t[:, 2:]),
        (lambda t: t.split([1, 3], dim=2)[1], lambda t: t[:, :, 1:]),
    ]
    for fn, reference in cases:
        check_op(fn, reference, [x])


def test_chunk_and_split_sizes_follow_pytorch():
    x = mg.arange(10)
    assert [len(c) for c in x.chunk(3)] == [4, 4, 2]
    assert [len(c) for c in x.chunk(6)] == [2, 2, 2, 2, 2]  # fewer chunks than asked, as PyTorch
    assert [len(c) for c in x.split(3)] == [3, 3, 3, 1]
    with pytest.raises(ValueError, match=r"split: sections \[2, 3\] do not add up to dim 0's size 10"):
        x.split([2, 3])


def test_shape_errors_name_the_method():
    x = mg.zeros(2, 3)
    with pytest.raises(IndexError, match="unsqueeze: dim 5 out of range for a tensor with 3 dims"):
        x.unsqueeze(5)
    with pytest.raises(ValueError, match=r"t: expects a tensor with at most 2 dims, got shape \(1, 2, 3\)"):
        x.unsqueeze(0).t()
    with pytest.raises(ValueError, match=r"repeat: needs at least 2 repeat counts for shape \(2, 3\)"):
        x.repeat(2)
    with pytest.raises(IndexError, match=r"size: dim 2 out of range for shape \(2, 3\)"):
        x.size(2)


# ----- dtypes, conversions, in place -----
def test_dtype_conversions():
    x = mg.tensor([[1.7, -2.2]])
    assert x.long().dtype == np.int64 and x.long().tolist() == [[1, -2]]
    assert x.int().dtype == np.int32 and x.bool().dtype == np.bool_ and x.half().dtype == np.float16
    assert x.float() is x and x.to(mg.float32) is x
    assert x.double().dtype == np.float64 and x.to(dtype=mg.float64).dtype == np.float64
    assert x.to("cpu") is x and x.to("cpu", mg.float64).dtype == np.float64
    assert x.to(mg.tensor(np.zeros(1))).dtype == np.float64  # to(other): other's dtype
    assert x.type() == "minigrad.FloatTensor" and x.long().type() == "minigrad.LongTensor"
    assert x.type(mg.float64).dtype == np.float64
    with pytest.raises(ValueError, match="to: minigrad has only the 'cpu' device, got 'cuda'"):
        x.to("cuda")


def test_casting_between_floats_is_differentiable_and_to_int_is_not():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    d = x.double()
    assert d.requires_grad and d.dtype == np.float64
    (d * d).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
    assert x.grad.dtype == np.float32
    assert not x.long().requires_grad
    check_op(lambda t: t.to(mg.float64) * t, lambda t: t * t, [normal(3)], dtype32=np.float64)


def test_python_conversions_and_in_place_helpers():
    assert float(mg.tensor([2.5])) == 2.5 and int(mg.tensor(7)) == 7
    with pytest.raises(TypeError, match=r"float\(\): only a one-element tensor can be converted, got shape \(2,\)"):
        float(mg.tensor([1.0, 2.0]))
    w = mg.zeros(3).requires_grad_()
    assert w.requires_grad and w.is_leaf
    with mg.no_grad():
        w += 5
        w.zero_()
    np.testing.assert_array_equal(w.data, 0)
    with pytest.raises(RuntimeError, match="zero_"):
        w.zero_()


# ----- PyTorch's type promotion where numpy's differs -----
def test_scalars_and_zero_dim_tensors_do_not_widen_a_float32_tensor():
    x = mg.tensor([1.0, 2.0])  # float32
    for out in (x * np.float64(2.0), x + mg.tensor(np.float64(1.0)), x / np.array(3.0), x * 2.5):
        assert out.dtype == np.float32, out
    assert (x * mg.tensor(np.array([1.0, 2.0]))).dtype == np.float64  # a float64 tensor with dims does


def test_integer_tensors_mixed_with_floats_get_the_default_float32():
    i = mg.tensor([1, 2, 3])
    assert i.dtype == np.int64
    assert (i * 0.5).dtype == np.float32 and (i / 2).dtype == np.float32 and mg.exp(i).dtype == np.float32
    assert (i + mg.tensor(np.float64(0.5))).dtype == np.float64  # a 0-d float64 tensor decides here
    assert (i * mg.tensor([0.5, 0.5, 0.5])).dtype == np.float32
    np.testing.assert_allclose((i / 2).data, [0.5, 1.0, 1.5])
    assert (i + 1).dtype == np.int64 and (i * i).dtype == np.int64


def test_gradients_keep_the_float32_dtype_when_a_float64_scalar_is_mixed_in():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    (x * np.float64(3.0)).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


# ----- grad mode -----
def test_set_grad_enabled_works_as_a_call_and_as_a_context_manager():
    x = mg.tensor([1.0], requires_grad=True)
    with mg.set_grad_enabled(False):
        assert not (x * 2).requires_grad and not mg.is_grad_enabled()
    assert (x * 2).requires_grad
    mg.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad
    finally:
        mg.set_grad_enabled(True)
    assert mg.is_grad_enabled()


def test_enable_grad_inside_no_grad_and_inference_mode():
    x = mg.tensor([1.0], requires_grad=True)
    with mg.no_grad():
        with mg.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad
    with mg.inference_mode():
        assert not (x * 2).requires_grad
    with mg.inference_mode(False):
        assert (x * 2).requires_grad

    @mg.inference_mode()
    def predict(t):
        return t * 2

    assert not predict(x).requires_grad and mg.is_grad_enabled()
