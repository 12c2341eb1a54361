"""The sweep's table: one entry per public op, with a reference written here in plain numpy.

Each entry names the op, calls it through minigrad's public API, and gives
- `forward`: the float64 result, written independently of minigrad's code;
- `vjp(g, out, *inputs)`: the hand-derived gradient of sum(g * out) for each differentiable input,
  with PyTorch's rule at NaN, inf and ties (it may return a gradient of the output's shape: the
  test sums it back to the input's shape itself), or None when the op has no gradient;
- `kind`: which shapes to draw (see test_sweep.SHAPES), and `domain`: where the op is smooth, for
  the finite-difference check.
A new op is one more entry; test_sweep.test_every_public_op_has_an_entry insists on it.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st

import minigrad as mg


def floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from_zero(lo, hi):
    return st.one_of(floats(lo, hi), floats(-hi, -lo))


def grid(offset=0.0):
    """Multiples of 0.5 (plus offset): ties are likely, and two offsets never tie each other."""
    return st.integers(-6, 6).map(lambda k: k / 2 + offset)


@dataclass(frozen=True)
class Entry:
    """One op of the sweep: how to call it, its reference forward and gradient, its shapes."""

    name: str
    call: Callable  # minigrad Tensors (and params) -> Tensor
    forward: Callable  # numpy float64 arrays (and params) -> array
    vjp: Callable | None  # (g, out, *inputs, **params) -> one gradient per differentiable input
    kind: str = "unary"  # unary, binary, clip, where, reduce, softmax, matmul, linear, ...
    domain: tuple = (floats(-3, 3),)  # per input: where finite differences mean something
    differentiable: tuple = ()  # positions of inputs that get a gradient (default: all)
    params: dict = field(default_factory=dict)
    distinct: bool = False  # finite differences need inputs without ties (the max's kink)
    prepare: Callable | None = None  # drawn inputs -> valid ones (probabilities, +-1 labels)
    float_only: bool = False  # PyTorch refuses integer inputs (the losses): no int dtypes drawn
    # (g, out, *inputs) -> the size of the terms each gradient sums, where they may cancel: the
    # error bound of a gradient that is a difference of large terms is relative to those terms
    grad_terms: Callable | None = None


def sign(x):
    return np.sign(x)  # sign(nan) is nan, as in PyTorch's sgn


def mean_vjp(g, out, a, axis=None, keepdims=False):
    count = np.size(a) / max(np.size(out), 1)  # elements per mean
    return (np.broadcast_to(reduce_shape(g, a, axis, keepdims), a.shape) / count,)


def max_vjp(g, out, a, axis=None, keepdims=False):
    # PyTorch: the gradient goes to the elements equal to the max, split evenly; when the max is
    # NaN, to the NaN elements.
    full = reduce_shape(np.asarray(out), a, axis, keepdims)
    gk = reduce_shape(g, a, axis, keepdims)
    hit = (a == full) | (np.isnan(a) & np.isnan(full))
    count = hit.sum(axis=axis, keepdims=True)
    return (np.where(hit, gk / np.maximum(count, 1), 0.0),)


def reduce_shape(g, a, axis, keepdims):
    return g if keepdims or axis is None else np.expand_dims(g, axis)


def stable_shift(a, axis):
    """The max along axis, kept as an axis (PyTorch's softmax of an empty tensor is empty)."""
    return np.max(a, axis=axis, keepdims=True) if a.size else np.sum(a, axis=axis, keepdims=True)


def softmax_ref(a, axis=-1):
    shifted = a - stable_shift(a, axis)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax_ref(a, axis=-1):
    top = stable_shift(a, axis)
    return a - top - np.log(np.exp(a - top).sum(axis=axis, keepdims=True))


def maximum_vjp(g, out, a, b, lower=False):
    # PyTorch: the larger input gets g, a tie splits it, and where either is NaN (the output is
    # NaN) neither comparison holds, so both get g.
    a_wins = (a < b) if lower else (a > b)
    b_wins = (b < a) if lower else (b > a)
    tie = a == b
    neither = ~(a_wins | b_wins | tie)  # a NaN on either side
    return (
        g * np.where(a_wins | neither, 1.0, np.where(tie, 0.5, 0.0)),
        g * np.where(b_wins | neither, 1.0, np.where(tie, 0.5, 0.0)),
    )


def pow_vjp(g, out, a, e):
    # PyTorch: d/da = e * a**(e-1), 0 where e == 0; d/de = out * log(a), 0 where a == 0 and e >= 0
    with np.errstate(all="ignore"):
        d_a = np.where(e == 0, 0.0, e * a ** (e - 1))
        d_e = np.where((a == 0) & (e >= 0), 0.0, out * np.log(a))
    return g * d_a, g * d_e


def clip_vjp(g, out, a, lo, hi):
    # PyTorch's clamp: the gradient passes where lo <= a <= hi (so not at NaN); bounds get none
    return (g * ((a >= lo) & (a <= hi)),)


def matmul_vjp(g, out, a, b):
    if a.ndim == 1 and b.ndim == 1:  # a dot product
        return g * b, g * a
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    g2 = g
    if a.ndim == 1:
        g2 = np.expand_dims(g2, -2)
    if b.ndim == 1:
        g2 = np.expand_dims(g2, -1)
    grad_a = g2 @ np.swapaxes(b2, -1, -2)
    grad_b = np.swapaxes(a2, -1, -2) @ g2
    if a.ndim == 1:
        grad_a = grad_a[..., 0, :]
    if b.ndim == 1:
        grad_b = grad_b[..., 0]
    return grad_a, grad_b


def linear_vjp(g, out, x, w, b):
    rows = int(np.prod(x.shape[:-1]))  # every leading axis of x is a batch axis
    g_rows, x_rows = g.reshape(rows, w.shape[0]), x.reshape(rows, w.shape[1])
    return g @ w, g_rows.T @ x_rows, g_rows.sum(axis=0)


def sigmoid_ref(x):
    e = np.exp(-np.abs(x))  # at most 1, so it never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def cumsum_vjp(g, out, a, axis):
    return (np.flip(np.cumsum(np.flip(g, axis), axis=axis), axis),)


def logsumexp_ref(a, axis):
    top = stable_shift(a, axis)
    top = np.where(np.isfinite(top), top, 0.0)  # PyTorch: an infinite max is not subtracted
    return np.squeeze(np.log(np.exp(a - top).sum(axis=axis, keepdims=True)) + top, axis=axis)


def logsumexp_vjp(g, out, a, axis):
    return (np.expand_dims(g, axis) * np.exp(a - np.expand_dims(out, axis)),)


def min_vjp(g, out, a, axis=None, keepdims=False):
    return max_vjp(g, out, a, axis, keepdims)  # the same rule: ties split, NaN elements share


def product_of_others(a, axis):
    """For each element, the product of the others reduced with it (written out, no division)."""
    others = np.empty(a.shape)
    for index in np.ndindex(a.shape):
        if axis is None:
            rest = np.delete(a.reshape(-1), np.ravel_multi_index(index, a.shape))
        else:
            k = axis % a.ndim
            rest = np.delete(a[index[:k] + (slice(None),) + index[k + 1 :]], index[k])
        others[index] = np.prod(rest)
    return others


def prod_vjp(g, out, a, axis=None, keepdims=False):
    # PyTorch: without a zero, g * out / a (so a NaN or inf anywhere reaches every gradient of its
    # product); with a zero, the product of the others. minigrad also takes the others' product
    # when the product underflowed to 0 ([5e-324, 0.5]: PyTorch's out / a gives 0, not 0.5)
    full = reduce_shape(np.asarray(out), a, axis, keepdims)
    gk = reduce_shape(g, a, axis, keepdims)
    if (a == 0).any() or (np.asarray(out) == 0).any():
        return (gk * product_of_others(a, axis),)
    return (gk * (full / a),)


def var_ref(a, axis=None, keepdims=False, correction=1):
    return np.var(a, axis=axis, ddof=correction, keepdims=keepdims)


def var_vjp(g, out, a, axis=None, keepdims=False, correction=1):
    n = np.float64(np.size(a) / max(np.size(out), 1) if np.size(out) else 0)  # n - 1 = 0: inf
    centered = a - np.mean(a, axis=axis, keepdims=True)
    return (reduce_shape(g, a, axis, keepdims) * 2 * centered / (n - correction),)


def std_vjp(g, out, a, axis=None, keepdims=False):
    (d_var,) = var_vjp(g, out, a, axis, keepdims)
    return (d_var / (2 * reduce_shape(np.asarray(out), a, axis, keepdims)),)


def norm_vjp(g, out, a, axis=None, keepdims=False):
    # a / norm, and 0 at a zero norm (PyTorch's norm_backward: the subgradient 0, not 0 / 0)
    norm = reduce_shape(np.asarray(out), a, axis, keepdims)
    return (reduce_shape(g, a, axis, keepdims) * a / np.where(norm == 0, 1.0, norm),)


def erf_ref(a):
    return np.vectorize(math.erf, otypes=[np.float64])(a) if np.size(a) else np.zeros(np.shape(a))


def gelu_vjp(g, out, a):
    cdf = 0.5 * (1 + erf_ref(a / math.sqrt(2)))
    return (g * (cdf + a * np.exp(-0.5 * a * a) / math.sqrt(2 * math.pi)),)


GELU_C, GELU_K = math.sqrt(2 / math.pi), 0.044715


def gelu_tanh_ref(a):
    return 0.5 * a * (1 + np.tanh(GELU_C * (a + GELU_K * a * a * a)))


def gelu_tanh_vjp(g, out, a):
    t = np.tanh(GELU_C * (a + GELU_K * a * a * a))
    return (g * (0.5 * (1 + t) + 0.5 * a * (1 - t * t) * GELU_C * (1 + 3 * GELU_K * a * a)),)


def softplus_ref(a):
    return np.where(a > 20, a, np.logaddexp(0, a))  # PyTorch: linear above threshold=20


SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def elu_vjp(g, out, a, alpha=1.0, scale=1.0):
    # PyTorch's elu_backward: x <= 0 ? g * scale * alpha * exp(x) : g * scale (so g at NaN)
    return (np.where(a <= 0, g * scale * alpha * np.exp(a), g * scale),)


def hardtanh_vjp(g, out, a, low=-1.0, high=1.0):
    # PyTorch's hardtanh_backward: (x <= min or x >= max) ? 0 : g (so g at NaN)
    return (np.where((a <= low) | (a >= high), 0.0, g),)


def hardswish_vjp(g, out, a):
    # PyTorch: x < -3 ? 0 : x <= 3 ? g * (x / 3 + 0.5) : g (so g at NaN)
    return (np.where(a < -3, 0.0, np.where(a <= 3, g * (a / 3 + 0.5), g)),)


def silu_vjp(g, out, a):
    s = sigmoid_ref(a)
    return (g * s * (1 + a * (1 - s)),)


def mish_ref(a):
    return a * np.tanh(np.logaddexp(0, a))


def mish_vjp(g, out, a):
    t = np.tanh(np.logaddexp(0, a))
    return (g * (t + a * sigmoid_ref(a) * (1 - t * t)),)


def clamp_vjp(g, out, a, lo, hi):
    # torch.clamp with tensor bounds: a gets g where lo <= a <= hi; hi gets it where it is the
    # value taken (a > hi, or lo > hi); lo where a < lo and lo <= hi
    takes_hi = (a > hi) | (lo > hi)
    return g * ((a >= lo) & (a <= hi)), g * ((a < lo) & ~takes_hi), g * takes_hi


def nll_ref(x, y):
    n = x.shape[0]
    return -np.sum(x[np.arange(n), y]) / n if n else np.float64(np.nan)


def nll_vjp(g, out, x, y):
    grad = np.zeros(x.shape)
    grad[np.arange(len(y)), y] = -g / max(len(y), 1)
    return (grad,)


def cross_entropy_ref(x, y):
    return nll_ref(log_softmax_ref(x, axis=1), y)


def cross_entropy_vjp(g, out, x, y):
    one_hot = np.zeros(x.shape)
    one_hot[np.arange(len(y)), y] = 1.0
    return ((softmax_ref(x, axis=1) - one_hot) * g / max(len(y), 1),)


def clamped_log(p):
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(p), -100.0)


def bce_ref(x, y):
    return np.mean(-(y * clamped_log(x) + (1 - y) * clamped_log(1 - x)))


def bce_vjp(g, out, x, y):
    # minigrad's rule (docs/from_pytorch.md): each log's derivative where the log is not clamped
    # at -100, 0 where it is (PyTorch divides by max(x (1 - x), 1e-12) instead)
    n = max(x.size, 1)
    with np.errstate(all="ignore"):
        d_log_x = np.where(np.log(x) < -100, 0.0, 1 / x)  # maximum's rule: g passes at NaN
        d_log_1mx = np.where(np.log(1 - x) < -100, 0.0, 1 / (1 - x))
        unclamped = (np.log(x) >= -100) & (np.log(1 - x) >= -100)
        # (x - y) / (x (1 - x)) where nothing is clamped: exactly 0 at x = y, as minigrad's sum is
        d_x = np.where(unclamped, (x - y) / (x * (1 - x)), -(y * d_log_x - (1 - y) * d_log_1mx))
    d_y = -(clamped_log(x) - clamped_log(1 - x))
    return g * d_x / n, g * d_y / n


def bce_terms(g, out, x, y):
    n = max(x.size, 1)
    with np.errstate(all="ignore"):
        return (
            np.abs(g) * (np.abs(y / x) + np.abs((1 - y) / (1 - x))) / n,
            np.abs(g) * (np.abs(clamped_log(x)) + np.abs(clamped_log(1 - x))) / n,
        )


def bce_logits_ref(x, y):
    return np.mean((1 - y) * x + np.logaddexp(0, -x))  # PyTorch's form: inf at x = inf, y < 1


def bce_logits_vjp(g, out, x, y):
    # d/dx = sigmoid(x) - y, written as (1 - y) - sigmoid(-x): the same number, but rounded as
    # minigrad's (1 - y) x + softplus(-x) rounds it (at x = -1e300, y = 1e-123 both are 1e-16 off)
    n = max(x.size, 1)
    return g * ((1 - y) - sigmoid_ref(-x)) / n, -g * x / n


def probabilities(x, *rest):
    """Drawn values -> [0, 1] (input and target): NaN stays NaN, 0 and tiny values stay, inf is 1."""
    return tuple(np.asarray(np.clip(np.abs(v) / 4, 0.0, 1.0)) for v in (x, *rest))


def plus_minus_one(scores, targets):
    return scores, np.where(targets > 0, 1.0, -1.0)


def smooth_l1_vjp(g, out, a, b, beta=1.0):
    # PyTorch: d < -beta ? -g : d > beta ? g : g * d / beta (NaN at NaN)
    d, n = a - b, max(a.size, 1)
    grad = np.where(d < -beta, -1.0, np.where(d > beta, 1.0, d / beta)) * g / n
    return grad, -grad


def huber_vjp(g, out, a, b, delta=1.0):
    d, n = a - b, max(a.size, 1)
    grad = np.where(d < -delta, -delta, np.where(d > delta, delta, d)) * g / n
    return grad, -grad


def hinge_vjp(g, out, s, y):
    n = max(s.size, 1)
    active = ~(1 - s * y <= 0)  # relu's rule: g passes unless 1 - y s <= 0 (so at NaN too)
    return -g * y * active / n, -g * s * active / n


# fmt: off
ENTRIES = [
    # ----- arithmetic (operators and their reflected forms) -----
    Entry("add", lambda a, b: a + b, np.add, lambda g, o, a, b: (g, g), "binary", (floats(-3, 3),) * 2),
    Entry("sub", lambda a, b: a - b, np.subtract, lambda g, o, a, b: (g, -g), "binary", (floats(-3, 3),) * 2),
    Entry("mul", lambda a, b: a * b, np.multiply, lambda g, o, a, b: (g * b, g * a), "binary", (floats(-3, 3),) * 2),
    Entry("div", lambda a, b: a / b, np.divide, lambda g, o, a, b: (g / b, -g * a / (b * b)), "binary",
          (floats(-3, 3), away_from_zero(0.5, 3))),
    Entry("pow", lambda a, b: a**b, np.power, pow_vjp, "binary", (floats(0.5, 3), floats(-2, 2))),
    Entry("pow_scalar", lambda a: a**3, lambda a: a**3, lambda g, o, a: (g * 3 * a**2,)),
    # x ** 0 is 1 for every x, NaN and 0 included, so its gradient is 0 everywhere (PyTorch's too)
    Entry("pow_zero", lambda a: a**0, lambda a: a**0, lambda g, o, a: (np.zeros_like(g),)),
    Entry("rsub", lambda a: 2.0 - a, lambda a: 2.0 - a, lambda g, o, a: (-g,)),
    Entry("rtruediv", lambda a: 1.0 / a, lambda a: 1.0 / a, lambda g, o, a: (-g / (a * a),), domain=(away_from_zero(0.5, 3),)),
    Entry("rpow", lambda a: 2.0**a, lambda a: 2.0**a, lambda g, o, a: (g * o * np.log(2.0),)),
    Entry("neg", lambda a: -a, np.negative, lambda g, o, a: (-g,)),
    Entry("square", mg.square, lambda a: a * a, lambda g, o, a: (2 * g * a,)),
    Entry("reciprocal", mg.reciprocal, lambda a: 1.0 / a, lambda g, o, a: (-g / (a * a),),
          domain=(away_from_zero(0.5, 3),)),
    Entry("rsqrt", mg.rsqrt, lambda a: 1.0 / np.sqrt(a), lambda g, o, a: (-0.5 * g * o * o * o,),  # PyTorch's: +inf at -0.0
          domain=(floats(0.2, 5),)),
    # ----- elementwise functions -----
    Entry("exp", mg.exp, np.exp, lambda g, o, a: (g * o,)),
    Entry("log", mg.log, np.log, lambda g, o, a: (g / a,), domain=(floats(0.2, 5),)),
    Entry("sqrt", mg.sqrt, np.sqrt, lambda g, o, a: (g / (2 * o),), domain=(floats(0.2, 5),)),
    Entry("abs", mg.abs, np.abs, lambda g, o, a: (g * sign(a),), domain=(away_from_zero(0.1, 3),)),
    Entry("abs_method", lambda a: abs(a), np.abs, lambda g, o, a: (g * sign(a),), domain=(away_from_zero(0.1, 3),)),
    Entry("tanh", mg.tanh, np.tanh, lambda g, o, a: (g * (1 - o * o),)),
    Entry("sigmoid", mg.sigmoid, sigmoid_ref, lambda g, o, a: (g * o * (1 - o),), domain=(floats(-8, 8),)),
    # relu: PyTorch's threshold_backward passes g wherever a <= 0 is false, so at NaN too
    Entry("relu", mg.relu, lambda a: np.maximum(a, 0),
          lambda g, o, a: (np.where(a <= 0, 0.0, g),), domain=(away_from_zero(0.1, 3),)),
    Entry("leaky_relu", lambda a: mg.leaky_relu(a, 0.2), lambda a: np.where(a > 0, a, 0.2 * a),
          lambda g, o, a: (np.where(a > 0, g, 0.2 * g),), domain=(away_from_zero(0.1, 3),)),
    Entry("clip", lambda a, lo, hi: mg.clip(a, lo, hi), lambda a, lo, hi: np.minimum(np.maximum(a, lo), hi),
          clip_vjp, "clip", (grid(0.25), grid().map(lambda v: v - 3.0), grid().map(lambda v: v + 3.0)),
          differentiable=(0,)),
    Entry("maximum", mg.maximum, np.maximum, maximum_vjp, "binary", (grid(), grid(0.25))),
    Entry("minimum", mg.minimum, np.minimum, lambda g, o, a, b: maximum_vjp(g, o, a, b, lower=True),
          "binary", (grid(), grid(0.25))),
    Entry("where", lambda c, a, b: mg.where(c, a, b), lambda c, a, b: np.where(c, a, b),
          lambda g, o, c, a, b: (np.where(c, g, 0.0), np.where(c, 0.0, g)), "where",
          (st.booleans(), floats(-3, 3), floats(-3, 3)), differentiable=(1, 2)),
    # ----- reductions -----
    Entry("sum", lambda a, **p: mg.sum(a, **p), lambda a, **p: np.sum(a, **p),
          lambda g, o, a, axis=None, keepdims=False: (np.broadcast_to(reduce_shape(g, a, axis, keepdims), a.shape),),
          "reduce"),
    Entry("sum_method", lambda a, **p: a.sum(**p), lambda a, **p: np.sum(a, **p),
          lambda g, o, a, axis=None, keepdims=False: (np.broadcast_to(reduce_shape(g, a, axis, keepdims), a.shape),),
          "reduce"),
    # mean: PyTorch's mean of nothing is NaN (0 / 0), and so is its gradient's share
    Entry("mean", lambda a, **p: mg.mean(a, **p), lambda a, **p: np.mean(a, **p), mean_vjp, "reduce"),
    Entry("mean_method", lambda a, **p: a.mean(**p), lambda a, **p: np.mean(a, **p), mean_vjp, "reduce"),
    Entry("max", lambda a, **p: mg.max(a, **p), lambda a, **p: np.max(a, **p), max_vjp, "reduce_nonempty",
          domain=(grid(),), distinct=True),
    Entry("max_method", lambda a, **p: a.max(**p), lambda a, **p: np.max(a, **p), max_vjp,
          "reduce_nonempty", domain=(grid(),), distinct=True),
    Entry("softmax", lambda a, **p: mg.softmax(a, **p), softmax_ref,
          lambda g, o, a, axis=-1: (o * (g - np.sum(g * o, axis=axis, keepdims=True)),), "softmax"),
    Entry("log_softmax", lambda a, **p: mg.log_softmax(a, **p), log_softmax_ref,
          lambda g, o, a, axis=-1: (g - np.exp(o) * np.sum(g, axis=axis, keepdims=True),), "softmax"),
    # ----- products -----
    Entry("matmul", mg.matmul, np.matmul, matmul_vjp, "matmul", (floats(-3, 3),) * 2),
    Entry("matmul_operator", lambda a, b: a @ b, np.matmul, matmul_vjp, "matmul", (floats(-3, 3),) * 2),
    Entry("linear", mg.linear, lambda x, w, b: x @ w.T + b, linear_vjp, "linear", (floats(-3, 3),) * 3),
    # ----- shapes and indexing: values pass through unchanged, gradients are moved back -----
    Entry("transpose", lambda a: mg.transpose(a, 0, -1), lambda a: np.swapaxes(a, 0, -1),
          lambda g, o, a: (np.swapaxes(g, 0, -1),), "at_least_1d"),
    Entry("permute", lambda a: mg.permute(a, tuple(reversed(range(a.ndim)))), np.transpose,
          lambda g, o, a: (np.transpose(g),)),
    Entry("broadcast_to", lambda a: mg.broadcast_to(a, (2, *a.shape)), lambda a: np.broadcast_to(a, (2, *a.shape)),
          lambda g, o, a: (g.sum(axis=0),)),
    Entry("T", lambda a: a.T, np.transpose, lambda g, o, a: (np.transpose(g),)),
    Entry("reshape", lambda a: a.reshape(-1), lambda a: a.reshape(-1), lambda g, o, a: (g.reshape(a.shape),)),
    Entry("getitem", lambda a: a[np.array([0, 0, -1])], lambda a: a[np.array([0, 0, -1])],
          lambda g, o, a: (_scatter(g, a),),
          "at_least_1d_nonempty"),
    Entry("concatenate", lambda a, b: mg.concatenate([a, b], axis=0), lambda a, b: np.concatenate([a, b]),
          lambda g, o, a, b: (g[: len(a)], g[len(a):]), "same_shape_1d"),
    Entry("stack", lambda a, b: mg.stack([a, b], axis=0), lambda a, b: np.stack([a, b]),
          lambda g, o, a, b: (g[0], g[1]), "same_shape"),
    # ----- losses (minigrad.nn.functional), mean reduction: the mean of nothing is NaN -----
    Entry("mse_loss", mg.nn.functional.mse_loss, lambda a, b: np.mean((a - b) ** 2),
          lambda g, o, a, b: (2 * g * (a - b) / max(a.size, 1), -2 * g * (a - b) / max(a.size, 1)),
          "same_shape"),
    Entry("l1_loss", mg.nn.functional.l1_loss, lambda a, b: np.mean(np.abs(a - b)),
          lambda g, o, a, b: (g * sign(a - b) / max(a.size, 1), -g * sign(a - b) / max(a.size, 1)),
          "same_shape", (grid(), grid(0.25))),
    # ----- issue 11's ops (top-level minigrad, most also in minigrad.nn.functional) -----
    Entry("sin", mg.sin, np.sin, lambda g, o, a: (g * np.cos(a),)),
    Entry("cos", mg.cos, np.cos, lambda g, o, a: (-g * np.sin(a),)),
    Entry("log1p", mg.log1p, np.log1p, lambda g, o, a: (g / (1 + a),), domain=(floats(-0.5, 3),)),
    Entry("expm1", mg.expm1, np.expm1, lambda g, o, a: (g * np.exp(a),)),
    Entry("erf", mg.erf, erf_ref, lambda g, o, a: (g * 2 / math.sqrt(math.pi) * np.exp(-a * a),)),
    # sign is flat wherever it is defined, NaN included (PyTorch: zeros_like)
    Entry("sign", mg.sign, np.sign, lambda g, o, a: (np.zeros_like(g),), domain=(away_from_zero(0.1, 3),)),
    Entry("softplus", mg.softplus, softplus_ref,
          lambda g, o, a: (np.where(a > 20, g, g * sigmoid_ref(a)),), domain=(floats(-8, 8),)),
    Entry("gelu", mg.gelu, lambda a: a * 0.5 * (1 + erf_ref(a / math.sqrt(2))), gelu_vjp),
    Entry("gelu_tanh", lambda a: mg.gelu(a, approximate="tanh"), gelu_tanh_ref, gelu_tanh_vjp),
    Entry("elu", mg.elu, lambda a: np.where(a > 0, a, np.expm1(np.minimum(a, 0))), elu_vjp,
          domain=(away_from_zero(0.1, 3),)),
    Entry("selu", mg.selu,
          lambda a: SELU_SCALE * np.where(a > 0, a, SELU_ALPHA * np.expm1(np.minimum(a, 0))),
          lambda g, o, a: elu_vjp(g, o, a, SELU_ALPHA, SELU_SCALE), domain=(away_from_zero(0.1, 3),)),
    Entry("silu", mg.silu, lambda a: a * sigmoid_ref(a), silu_vjp, domain=(floats(-8, 8),)),
    Entry("mish", mg.mish, mish_ref, mish_vjp, domain=(floats(-8, 8),)),
    Entry("hardtanh", mg.hardtanh, lambda a: np.clip(a, -1.0, 1.0), hardtanh_vjp, domain=(grid(0.25),)),
    Entry("relu6", mg.relu6, lambda a: np.clip(a, 0.0, 6.0),
          lambda g, o, a: hardtanh_vjp(g, o, a, 0.0, 6.0), domain=(grid(0.25).map(lambda v: v + 3),)),
    Entry("hardswish", mg.hardswish, lambda a: a * np.clip(a + 3, 0, 6) / 6, hardswish_vjp,
          domain=(grid(0.25).map(lambda v: 2 * v),)),
    Entry("clone", mg.clone, np.copy, lambda g, o, a: (g,)),
    Entry("clamp", lambda a, lo, hi: mg.clamp(a, lo, hi), lambda a, lo, hi: np.minimum(np.maximum(a, lo), hi),
          # bounds in [-6, 0] and [3.1, 9.1]: never equal to each other (a kink of both) nor to a
          clamp_vjp, "clip", (grid(0.25), grid().map(lambda v: v - 3.0), grid().map(lambda v: v + 6.1))),
    Entry("cat", lambda a, b: mg.cat([a, b], dim=0), lambda a, b: np.concatenate([a, b]),
          lambda g, o, a, b: (g[: len(a)], g[len(a):]), "same_shape_1d"),
    Entry("cumsum", lambda a, axis: mg.cumsum(a, axis), lambda a, axis: np.cumsum(a, axis=axis),
          cumsum_vjp, "softmax"),
    Entry("logsumexp", lambda a, axis: mg.logsumexp(a, axis), logsumexp_ref, logsumexp_vjp, "softmax"),
    # torch.min(input) has no keepdim: it is only drawn with a dim
    Entry("min", lambda a, axis=None, keepdims=False: mg.min(a) if axis is None else mg.min(a, axis, keepdims).values,
          lambda a, axis=None, keepdims=False: np.min(a, axis=axis, keepdims=keepdims and axis is not None),
          lambda g, o, a, axis=None, keepdims=False: min_vjp(g, o, a, axis, keepdims and axis is not None),
          "reduce_int_nonempty", domain=(grid(),), distinct=True),
    Entry("prod", lambda a, axis=None, keepdims=False: mg.prod(a, axis, keepdims),
          lambda a, axis=None, keepdims=False: np.prod(a, axis=axis, keepdims=keepdims), prod_vjp,
          "reduce_int"),
    Entry("var", lambda a, axis=None, keepdims=False: mg.var(a, axis, keepdim=keepdims), var_ref, var_vjp,
          "reduce"),
    Entry("std", lambda a, axis=None, keepdims=False: mg.std(a, axis, keepdim=keepdims),
          lambda a, **p: np.sqrt(var_ref(a, **p)), std_vjp, "reduce", distinct=True),
    Entry("norm", lambda a, axis=None, keepdims=False: mg.norm(a, dim=axis, keepdim=keepdims),
          lambda a, axis=None, keepdims=False: np.sqrt(np.sum(a * a, axis=axis, keepdims=keepdims)),
          norm_vjp, "reduce", domain=(away_from_zero(0.5, 3),)),  # (the kink at 0: not for FD)
    # ----- minigrad.nn.functional's own functions -----
    Entry("pad", lambda a: mg.nn.functional.pad(a, (1, 2), value=0.5),
          lambda a: np.pad(a, [(0, 0)] * (a.ndim - 1) + [(1, 2)], constant_values=0.5),
          lambda g, o, a: (g[..., 1:-2],), "at_least_1d"),
    Entry("smooth_l1_loss", mg.nn.functional.smooth_l1_loss,
          lambda a, b: np.mean(np.where(np.abs(a - b) < 1, 0.5 * (a - b) ** 2, np.abs(a - b) - 0.5)),
          smooth_l1_vjp, "same_shape", (grid(), grid(0.25)), float_only=True),
    Entry("huber_loss", mg.nn.functional.huber_loss,
          lambda a, b: np.mean(np.where(np.abs(a - b) <= 1, 0.5 * (a - b) ** 2, np.abs(a - b) - 0.5)),
          huber_vjp, "same_shape", (grid(), grid(0.25)), float_only=True),
    Entry("hinge_loss", mg.nn.functional.hinge_loss, lambda s, y: np.mean(np.maximum(0, 1 - s * y)),
          hinge_vjp, "same_shape", (grid(0.25), floats(-1, 1)), differentiable=(0,), prepare=plus_minus_one,
          float_only=True),
    Entry("nll_loss", mg.nn.functional.nll_loss, nll_ref, nll_vjp, "classes", differentiable=(0,),
          float_only=True),
    Entry("cross_entropy", mg.nn.functional.cross_entropy, cross_entropy_ref, cross_entropy_vjp,
          "classes", differentiable=(0,), float_only=True),
    Entry("binary_cross_entropy", mg.nn.functional.binary_cross_entropy, bce_ref, bce_vjp, "same_shape",
          (floats(0.2, 3.8), floats(0, 4)), prepare=probabilities, float_only=True, grad_terms=bce_terms),
    Entry("binary_cross_entropy_with_logits", mg.nn.functional.binary_cross_entropy_with_logits,
          bce_logits_ref, bce_logits_vjp, "same_shape", (floats(-3, 3), floats(0, 1)), float_only=True),
    # ----- no gradient: comparisons and argmax -----
    Entry("argmax", lambda a: mg.argmax(a), lambda a: np.argmax(a), None, "nonempty"),
    Entry("argmin", lambda a: mg.argmin(a), lambda a: np.argmin(a), None, "nonempty"),
    Entry("less", lambda a, b: a < b, np.less, None, "binary", (grid(), grid())),
    Entry("equal", lambda a, b: a == b, np.equal, None, "binary", (grid(), grid())),
]
# fmt: on


def _scatter(g, a):
    full = np.zeros(a.shape)
    for k, i in enumerate([0, 0, a.shape[0] - 1]):
        full[i] += g[k]
    return full


BY_NAME = {entry.name: entry for entry in ENTRIES}
