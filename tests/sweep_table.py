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
    Entry("rsqrt", mg.rsqrt, lambda a: 1.0 / np.sqrt(a), lambda g, o, a: (-0.5 * g * o / a,),
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
    # ----- no gradient: comparisons and argmax -----
    Entry("argmax", lambda a: mg.argmax(a), lambda a: np.argmax(a), None, "nonempty"),
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
