"""Every differentiable op: its forward and its vector-Jacobian product (VJP), side by side.

An op is written on plain numpy arrays. It returns the output and a `vjp(g)` closure that maps the
gradient `g` of the output to one gradient per input (None where an input is not differentiable).
The `@op` wrapper does the bookkeeping once for all ops: unwrapping Tensors, recording the graph,
and (in Tensor.backward) summing a broadcast gradient back to its input's shape.
"""

import builtins
import functools
import inspect

import numpy as np

from .tensor import Tensor, record


def op(name):
    """Register a numpy-level `forward(*arrays, **params) -> (out, vjp)` as a Tensor op.

    A forward that declares a `needs_input_grad` parameter is told which inputs require grad (as in
    PyTorch's autograd.Function), so that its VJP can skip expensive gradients nobody needs.
    """

    def register(forward):
        wants_needs = "needs_input_grad" in inspect.signature(forward).parameters

        @functools.wraps(forward)
        def apply(*inputs, **params):
            arrays = [x.data if isinstance(x, Tensor) else x for x in inputs]
            if wants_needs:
                params["needs_input_grad"] = [
                    isinstance(x, Tensor) and x.requires_grad for x in inputs
                ]
            try:
                out, vjp = forward(*arrays, **params)
            except (ValueError, IndexError, TypeError) as err:
                raise _explain(name, arrays, err) from None
            return record(out, name, inputs, vjp)

        return apply

    return register


def _explain(name, arrays, err):
    """Rephrase a numpy error so that it names the op and the shapes it was given."""
    shapes = [np.shape(a) for a in arrays]
    if name == "matmul" and len(shapes) == 2 and not all(shapes):
        return ValueError(
            f"matmul: both operands need at least one dimension, got shapes {shapes[0]} and {shapes[1]}"
        )
    if name == "matmul" and len(shapes) == 2:
        inner = (shapes[0][-1], shapes[1][-2] if len(shapes[1]) > 1 else shapes[1][0])
        if inner[0] != inner[1]:
            message = f"matmul: shapes {shapes[0]} and {shapes[1]} do not align ({inner[0]} != {inner[1]})"
            return ValueError(message)
    shown = " and ".join(str(s) for s in shapes)
    if "broadcast" in str(err):
        return ValueError(f"{name}: shapes {shown} do not broadcast together")
    kind = next(k for k in (TypeError, IndexError, ValueError) if isinstance(err, k))
    return kind(f"{name}: {err} (input shapes {shown})")


# ----- arithmetic -----
@op("add")
def add(a, b):
    """a + b (broadcasting)."""
    return a + b, lambda g: (g, g)


@op("sub")
def sub(a, b):
    """a - b (broadcasting)."""
    return a - b, lambda g: (g, -g)


@op("mul")
def mul(a, b):
    """a * b, elementwise (broadcasting)."""
    return a * b, lambda g: (g * b, g * a)


@op("div")
def div(a, b):
    """a / b, elementwise (broadcasting)."""
    return a / b, lambda g: (g / b, -g * a / (b * b))


@op("neg")
def neg(a):
    """-a."""
    return -a, lambda g: (-g,)


@op("pow")
def pow(a, exponent):
    """a ** exponent. The gradient w.r.t. the exponent, a**e * log(a), is taken as 0 where a <= 0."""
    out = a**exponent

    def vjp(g):
        if isinstance(exponent, (int, float)):  # constant exponent: the common case, x ** 2
            return (g * exponent * a ** (exponent - 1), None)
        with np.errstate(divide="ignore", invalid="ignore"):
            d_exponent = g * out * np.log(np.where(a > 0, a, 1))
            return (g * exponent * a ** (exponent - 1), d_exponent)

    return out, vjp


@op("matmul")
def matmul(a, b, needs_input_grad=(True, True)):
    """Matrix product with numpy's rules: 1-D operands are vectors, leading axes are batch axes."""
    out = a @ b

    def vjp(g):
        if a.ndim == 1 and b.ndim == 1:  # dot product
            return g * b, g * a
        # Treat a vector as a one-row (a) or one-column (b) matrix, then drop that axis again.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = g[..., None, :] if a.ndim == 1 else g
        g2 = g2[..., None] if b.ndim == 1 else g2
        grad_a = grad_b = None
        if needs_input_grad[0]:
            grad_a = g2 @ np.swapaxes(b2, -1, -2)
            grad_a = grad_a[..., 0, :] if a.ndim == 1 else grad_a
        if needs_input_grad[1]:
            grad_b = np.swapaxes(a2, -1, -2) @ g2
            grad_b = grad_b[..., 0] if b.ndim == 1 else grad_b
        return grad_a, grad_b  # batch axes are summed by unbroadcast

    return out, vjp


@op("linear")
def linear(x, weight, bias=None, needs_input_grad=(True, True, True)):
    """x @ weight.T + bias: a Linear layer as one op (weight has shape (out_features, in_features))."""
    out = x @ weight.T if bias is None else x @ weight.T + bias

    def vjp(g):
        rows_g = g.reshape(-1, g.shape[-1])  # every leading axis is a batch axis
        grad_x = g @ weight if needs_input_grad[0] else None
        grad_weight = rows_g.T @ x.reshape(-1, x.shape[-1]) if needs_input_grad[1] else None
        grad_bias = rows_g.sum(axis=0) if bias is not None and needs_input_grad[2] else None
        return grad_x, grad_weight, grad_bias

    return out, vjp


# ----- elementwise functions -----
@op("exp")
def exp(a):
    """e ** a; its derivative is itself."""
    out = np.exp(a)
    return out, lambda g: (g * out,)


@op("log")
def log(a):
    """Natural logarithm; d/da = 1 / a."""
    return np.log(a), lambda g: (g / a,)


@op("sqrt")
def sqrt(a):
    """Square root; d/da = 1 / (2 sqrt(a))."""
    out = np.sqrt(a)
    return out, lambda g: (g * 0.5 / out,)


@op("abs")
def abs(a):
    """|a|; the gradient is sign(a) (0 at 0)."""
    return np.abs(a), lambda g: (g * np.sign(a),)


@op("tanh")
def tanh(a):
    """tanh(a); d/da = 1 - tanh(a)^2."""
    out = np.tanh(a)
    return out, lambda g: (g * (1 - out * out),)


@op("sigmoid")
def sigmoid(a):
    """1 / (1 + exp(-a)), accurate in both tails and without overflow for large |a|."""
    e = np.exp(-np.abs(a))  # never overflows; for a < 0, sigmoid(a) = e / (1 + e)
    r = 1 / (1 + e)
    out = np.where(a >= 0, r, e * r)
    return out, lambda g: (g * out * (1 - out),)


@op("relu")
def relu(a):
    """max(a, 0); the gradient passes where a > 0."""
    return np.maximum(a, 0), lambda g: (g * (a > 0),)


@op("leaky_relu")
def leaky_relu(a, negative_slope=0.01):
    """a where a > 0, else negative_slope * a."""
    out = np.where(a > 0, a, a * negative_slope)
    return out, lambda g: (np.where(a > 0, g, g * negative_slope),)


@op("clip")
def clip(a, min=None, max=None):
    """Clamp into [min, max]; the gradient flows only where the input was inside the range."""
    out = np.clip(a, min, max)

    def vjp(g):
        inside = np.ones(a.shape, dtype=bool)
        if min is not None:
            inside &= a >= min
        if max is not None:
            inside &= a <= max
        return (g * inside, None, None)  # bounds given as tensors get no gradient

    return out, vjp


@op("maximum")
def maximum(a, b):
    """Elementwise max; where a == b the gradient is shared equally."""
    out = np.maximum(a, b)
    return out, lambda g: (
        np.where(a > b, g, np.where(a == b, g / 2, 0)),
        np.where(b > a, g, np.where(a == b, g / 2, 0)),
    )


@op("minimum")
def minimum(a, b):
    """Elementwise min; where a == b the gradient is shared equally."""
    out = np.minimum(a, b)
    return out, lambda g: (
        np.where(a < b, g, np.where(a == b, g / 2, 0)),
        np.where(b < a, g, np.where(a == b, g / 2, 0)),
    )


@op("where")
def where(condition, a, b):
    """Pick from a where condition holds, else from b (the condition gets no gradient)."""
    condition = np.asarray(condition, dtype=bool)
    out = np.where(condition, a, b)
    return out, lambda g: (None, np.where(condition, g, 0), np.where(condition, 0, g))


# ----- reductions -----
def _keep_reduced_axes(g, axis, keepdims):
    """Give a reduced gradient back the axes the reduction removed, so it broadcasts to the input."""
    return g if keepdims or axis is None else np.expand_dims(g, axis)


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _spread(g, shape):
    """The gradient of a sum: every input element receives the gradient of the sum it fed into."""
    spread = np.empty(shape, dtype=g.dtype)
    spread[...] = g  # broadcasts; a filled array costs less than np.broadcast_to on small arrays
    return spread


@op("sum")
def sum(a, axis=None, keepdims=False):
    """Sum over axis (all axes when None); each input element gets the gradient of its sum."""
    axis = _axis(axis)
    out = a.sum(axis=axis, keepdims=keepdims)
    return out, lambda g: (_spread(_keep_reduced_axes(g, axis, keepdims), a.shape),)


@op("mean")
def mean(a, axis=None, keepdims=False):
    """Mean over axis (all axes when None): a sum divided by the count."""
    axis = _axis(axis)
    out = a.sum(axis=axis, keepdims=keepdims)
    count = builtins.max(a.size, 1) / builtins.max(np.size(out), 1)
    out = out / count
    return out, lambda g: (_spread(_keep_reduced_axes(g, axis, keepdims) / count, a.shape),)


@op("max")
def max(a, axis=None, keepdims=False):
    """Largest element; elements tied for the max share the gradient equally."""
    axis = _axis(axis)
    out = np.max(a, axis=axis, keepdims=True)

    def vjp(g):
        is_max = a == out
        share = _keep_reduced_axes(g, axis, keepdims) / np.sum(is_max, axis=axis, keepdims=True)
        return (np.where(is_max, share, 0),)

    return (out if keepdims else np.squeeze(out, axis=axis)), vjp


@op("softmax")
def softmax(a, axis=-1):
    """exp(a) / sum(exp(a)) along axis (shifted by the max, so large logits do not overflow)."""
    e = np.exp(a - np.max(a, axis=axis, keepdims=True))
    out = e / np.sum(e, axis=axis, keepdims=True)
    return out, lambda g: (out * (g - np.sum(g * out, axis=axis, keepdims=True)),)


@op("log_softmax")
def log_softmax(a, axis=-1):
    """a - logsumexp(a) along axis, computed stably for logits of any magnitude."""
    shifted = a - np.max(a, axis=axis, keepdims=True)
    out = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    return out, lambda g: (g - np.exp(out) * np.sum(g, axis=axis, keepdims=True),)


# ----- shape and indexing -----
@op("reshape")
def reshape(a, shape):
    """The same elements in a new shape; the gradient is reshaped back."""
    return np.reshape(a, shape), lambda g: (np.reshape(g, a.shape),)


@op("transpose")
def permute(a, axes=None):
    """Reorder the axes (reverse them when axes is None); the VJP applies the inverse permutation."""
    inverse = None if axes is None else tuple(np.argsort(axes))
    return np.transpose(a, axes), lambda g: (np.transpose(g, inverse),)


def transpose(a, dim0=-2, dim1=-1) -> Tensor:
    """Swap two axes (PyTorch's `transpose(dim0, dim1)`)."""
    axes = list(range(np.ndim(_unwrap(a))))
    try:
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
    except IndexError:
        raise IndexError(
            f"transpose: dims ({dim0}, {dim1}) out of range for shape {np.shape(_unwrap(a))}"
        ) from None
    return permute(a, axes=tuple(axes))


def _has_no_repeats(index):
    """True for indices that cannot select an element twice: ints, slices, None, ..., a bool mask."""
    parts = index if isinstance(index, tuple) else (index,)
    simple = (int, slice, type(None), type(Ellipsis))
    return all(isinstance(p, simple) or getattr(p, "dtype", None) == np.bool_ for p in parts)


@op("getitem")
def getitem(a, index):
    """a[index] with numpy's indexing; the VJP scatter-adds, so repeated indices sum their gradients."""

    def vjp(g):
        full = np.zeros_like(a)
        if _has_no_repeats(index):
            full[index] = g
        else:
            np.add.at(full, index, g)
        return (full,)

    return a[index], vjp


@op("concatenate")
def _concatenate(*arrays, axis=0):
    out = np.concatenate(arrays, axis=axis)
    ends = np.cumsum([np.shape(x)[axis] for x in arrays])[:-1]
    return out, lambda g: tuple(np.split(g, ends, axis=axis))


@op("stack")
def _stack(*arrays, axis=0):
    out = np.stack(arrays, axis=axis)
    return out, lambda g: tuple(np.moveaxis(g, axis, 0))


def concatenate(tensors, axis=0) -> Tensor:
    """Join tensors along an existing axis (like np.concatenate)."""
    return _concatenate(*tensors, axis=axis)


def stack(tensors, axis=0) -> Tensor:
    """Join tensors along a new axis (like np.stack)."""
    return _stack(*tensors, axis=axis)


# ----- non-differentiable results -----
def _unwrap(x):
    return x.data if isinstance(x, Tensor) else x


def _comparison(ufunc):
    def compare(a, b):
        return Tensor(ufunc(_unwrap(a), _unwrap(b)))

    compare.__doc__ = f"Elementwise {ufunc.__name__}, as a boolean tensor (no gradient)."
    return compare


def argmax(a, axis=None) -> Tensor:
    """Index of the largest element (along axis), as an int64 tensor (no gradient)."""
    return Tensor(np.argmax(_unwrap(a), axis=axis))


# ----- the same ops as Tensor methods and operators -----
def _reflected(fn):
    return lambda self, other: fn(other, self)


def _index(self, index):
    if isinstance(index, tuple):
        index = tuple(_unwrap(i) for i in index)
    return getitem(self, index=_unwrap(index))  # by keyword: an error lists only the tensor's shape


def _shape_args(shape):
    return shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


Tensor.__add__, Tensor.__radd__ = add, _reflected(add)
Tensor.__sub__, Tensor.__rsub__ = sub, _reflected(sub)
Tensor.__mul__, Tensor.__rmul__ = mul, _reflected(mul)
Tensor.__truediv__, Tensor.__rtruediv__ = div, _reflected(div)
Tensor.__pow__, Tensor.__rpow__ = pow, _reflected(pow)
Tensor.__matmul__, Tensor.__rmatmul__ = matmul, _reflected(matmul)
Tensor.__neg__ = neg
Tensor.__getitem__ = _index
Tensor.__lt__, Tensor.__le__ = _comparison(np.less), _comparison(np.less_equal)
Tensor.__gt__, Tensor.__ge__ = _comparison(np.greater), _comparison(np.greater_equal)
Tensor.__eq__, Tensor.__ne__ = _comparison(np.equal), _comparison(np.not_equal)
for _fn in (
    exp,
    log,
    sqrt,
    abs,
    tanh,
    sigmoid,
    relu,
    leaky_relu,
    clip,
    matmul,
    sum,
    mean,
    max,
    softmax,
    log_softmax,
    argmax,
):
    setattr(Tensor, _fn.__name__, _fn)
Tensor.__abs__ = abs


def _reshape_method(self, *shape):
    """The same elements in a new shape: `t.reshape(2, 3)` or `t.reshape((2, 3))`."""
    return reshape(self, shape=_shape_args(shape))


def _permute_method(self, *dims):
    """Reorder the axes: `t.permute(2, 0, 1)`."""
    return permute(self, axes=_shape_args(dims))


Tensor.reshape = _reshape_method
Tensor.transpose = transpose
Tensor.permute = _permute_method
Tensor.T = property(lambda self: permute(self), doc="The tensor with its axes reversed.")
Tensor.maximum, Tensor.minimum = maximum, minimum
