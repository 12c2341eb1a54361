"""Every differentiable op: its forward and its vector-Jacobian product (VJP), side by side.

How to write an op (the one convention, for first and higher-order gradients alike):

    @op("mul")
    def mul(a, b):
        '''a * b, elementwise (broadcasting).'''
        return a * b, lambda g, out, a, b: (g * b, g * a)

- The forward runs on numpy arrays (Tensors are unwrapped by `@op`) and returns the output and a
  VJP. The VJP is called as `vjp(g, out, *inputs)`, with the output's gradient `g`, the output
  and the op's inputs, and returns one gradient per input (None for one that needs none; a
  broadcast gradient is summed back to its input's shape by the engine).
- An ordinary backward calls it with numpy arrays. `backward(create_graph=True)` calls it with the
  Tensors themselves, so its arithmetic is recorded and the gradient can be differentiated again.
  So a VJP uses only what works on both: arithmetic operators, `@`, indexing, `.T`, `.mT`,
  `.reshape`, `.sum(axis=, keepdims=)`, and the `_where`, `_exp`, `_log`, `_spread`, `_scatter`,
  `_permute`, `_zeros_like` helpers below (numpy on arrays, minigrad ops on Tensors).
- Values that carry no derivative (masks, signs, counts, indices) may be computed in numpy, from
  `_unwrap(x)` or captured from the forward; anything whose derivative matters must be computed
  from the VJP's own arguments, never captured from the forward.
- The forward's parameters without a default are its inputs; the others (axis, shape, ...) are
  parameters, which the VJP does not receive (use them from the forward). `@op(name, inputs=n)`
  says otherwise (linear's optional bias is an input).
- The engine checks that no input or output was changed in place before the VJP runs (the version
  counter in tensor.py). Every op needs a row in tests/test_ops_every_op.py, which sends it
  through `check_op` (tests/helpers.py): forward, gradient and gradient of the gradient.
"""

import functools
import inspect
import math

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from .tensor import Tensor, record, unbroadcast

OPS = {}  # name -> the op, for every op made with @op (tests check each one)


def op(name, inputs=None):
    """Register a numpy-level `forward(*arrays, **params) -> (out, vjp)` as a Tensor op.

    The forward's parameters without a default are its inputs (what its VJP receives and returns
    gradients for); the rest are parameters such as `axis`, which may be passed by position or by
    name. `inputs=n` says otherwise (linear's optional bias is an input). A forward that declares a
    `needs_input_grad` parameter is told which inputs require grad (as in PyTorch's
    autograd.Function), so that its VJP can skip expensive gradients nobody needs.
    """

    def register(forward):
        signature = inspect.signature(forward)
        wants_needs = "needs_input_grad" in signature.parameters
        named = [p for p in signature.parameters.values() if p.kind == p.POSITIONAL_OR_KEYWORD]
        variadic = any(p.kind == p.VAR_POSITIONAL for p in signature.parameters.values())
        arity = inputs if inputs is not None else len([p for p in named if p.default is p.empty])

        @functools.wraps(forward)
        def apply(*args, **params):
            if not variadic and len(args) != arity:
                args, params = _split_inputs(args, params, named, arity)
            arrays = [x._data if isinstance(x, Tensor) else x for x in args]
            if wants_needs:
                params["needs_input_grad"] = [
                    isinstance(x, Tensor) and x._requires_grad for x in args
                ]
            try:
                out, vjp = forward(*arrays, **params)
            except (ValueError, IndexError, TypeError) as err:
                raise _explain(name, arrays, err) from None
            return record(out, name, args, arrays, vjp)

        OPS[name] = apply
        return apply

    return register


def _split_inputs(args, params, named, arity):
    """Move parameters given by position into `params`, and inputs given by name into `args`."""
    if len(args) > len(named):
        return args, params  # too many: let the forward's own TypeError say so
    args, params = list(args), dict(params)
    for p in named[len(args) : arity]:  # inputs given by name, or left to their default
        if p.default is p.empty and p.name not in params:
            break  # missing: let the forward's own TypeError say so
        args.append(params.pop(p.name, p.default))
    for p, value in zip(named[arity:], args[arity:]):
        params[p.name] = value
    return tuple(args[:arity]), params


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


# ----- what VJPs use besides operators: numpy on arrays, minigrad ops on Tensors (create_graph) -----
def _unwrap(x):
    return x._data if isinstance(x, Tensor) else x


def _where(condition, x, y):
    """np.where for VJPs; the condition is a constant."""
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        return where(_unwrap(condition), x, y)
    return np.where(condition, x, y)


def _exp(x):
    return exp(x) if isinstance(x, Tensor) else np.exp(x)


def _log(x):
    return log(x) if isinstance(x, Tensor) else np.log(x)


def _permute(x, axes):
    return permute(x, axes=axes) if isinstance(x, Tensor) else np.transpose(x, axes)


def _zeros_like(x):
    return Tensor(np.zeros_like(x._data)) if isinstance(x, Tensor) else np.zeros_like(x)


def _spread(g, shape):
    """The gradient of a sum: every input element receives the gradient of the sum it fed into."""
    if isinstance(g, Tensor):
        return broadcast_to(g, shape=shape)
    spread = np.empty(shape, dtype=g.dtype)
    spread[...] = g  # broadcasts; a filled array costs less than np.broadcast_to on small arrays
    return spread


def _scatter(g, index, shape):
    """The gradient of a[index]: g added into zeros of a's shape, summed where an index repeats."""
    if isinstance(g, Tensor):
        return _scatter_add(g, index=index, shape=shape)
    full = np.zeros(shape, dtype=g.dtype)
    if _has_no_repeats(index):
        full[index] = g
    else:
        np.add.at(full, index, g)
    return full


# ----- arithmetic -----
@op("add")
def add(a, b):
    """a + b (broadcasting)."""
    return a + b, lambda g, out, a, b: (g, g)


@op("sub")
def sub(a, b):
    """a - b (broadcasting)."""
    return a - b, lambda g, out, a, b: (g, -g)


@op("mul")
def mul(a, b):
    """a * b, elementwise (broadcasting)."""
    return a * b, lambda g, out, a, b: (g * b, g * a)


@op("div")
def div(a, b):
    """a / b, elementwise (broadcasting)."""
    return a / b, lambda g, out, a, b: (g / b, -g * a / (b * b))


@op("neg")
def neg(a):
    """-a."""
    return -a, lambda g, out, a: (-g,)


@op("pow")
def pow(a, exponent):
    """a ** exponent; d/da = exponent * a ** (exponent - 1), and d/d exponent = a ** exponent * log(a).

    As in PyTorch, x ** 0 has gradient 0 for every x (the formula gives 0 * inf at 0, NaN at NaN),
    and the gradient w.r.t. the exponent is 0 where a == 0 and exponent >= 0, NaN where a < 0
    (where log(a) is not real).
    """

    def vjp(g, out, a, exponent):
        with np.errstate(divide="ignore", invalid="ignore"):
            if isinstance(exponent, (int, float)):  # constant exponent: the common case, x ** 2
                grad_a = _zeros_like(a) if exponent == 0 else g * exponent * a ** (exponent - 1)
                return grad_a, None
            # a ** 0 is 1 for every a, so no gradient, also where the formula reads 0 * inf or
            # 0 * NaN (a = 0, inf, NaN); elsewhere the formula is kept: its own derivative in e is
            # not 0. d/de = a**e * log(a) is NaN for a < 0 (not real), 0 at a == 0 with e >= 0.
            base = _unwrap(a)
            no_gradient = (_unwrap(exponent) == 0) & ~(np.isfinite(base) & (base != 0))
            grad_a = _where(no_gradient, 0, g * exponent * a ** (exponent - 1))
            zero_base = (_unwrap(a) == 0) & (_unwrap(exponent) >= 0)
            grad_exponent = _where(zero_base, 0, g * out * _log(a))
            return grad_a, grad_exponent

    return a**exponent, vjp


@op("matmul")
def matmul(a, b, needs_input_grad=(True, True)):
    """Matrix product with numpy's rules: 1-D operands are vectors, leading axes are batch axes."""

    def vjp(g, out, a, b):
        if a.ndim == 1 and b.ndim == 1:  # dot product
            return g * b, g * a
        # Treat a vector as a one-row (a) or one-column (b) matrix, then drop that axis again.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = g[..., None, :] if a.ndim == 1 else g
        g2 = g2[..., None] if b.ndim == 1 else g2
        grad_a = grad_b = None
        if needs_input_grad[0]:
            grad_a = g2 @ b2.mT
            grad_a = grad_a[..., 0, :] if a.ndim == 1 else grad_a
        if needs_input_grad[1]:
            grad_b = a2.mT @ g2
            grad_b = grad_b[..., 0] if b.ndim == 1 else grad_b
        return grad_a, grad_b  # batch axes are summed by unbroadcast

    return a @ b, vjp


@op("linear", inputs=3)
def linear(x, weight, bias=None, needs_input_grad=(True, True, True)):
    """x @ weight.T + bias: a Linear layer as one op (weight has shape (out_features, in_features))."""
    out = x @ weight.T if bias is None else x @ weight.T + bias

    def vjp(g, out, x, weight, bias=None):
        # every leading axis is a batch axis (reshape only then: a view costs on tiny arrays;
        # and by the row count, not -1, which numpy cannot infer when an axis has size 0)
        rows = math.prod(x.shape[:-1])
        rows_g = g if g.ndim == 2 else g.reshape(rows, g.shape[-1])
        rows_x = x if x.ndim == 2 else x.reshape(rows, x.shape[-1])
        grad_x = g @ weight if needs_input_grad[0] else None
        grad_weight = rows_g.T @ rows_x if needs_input_grad[1] else None
        grad_bias = rows_g.sum(axis=0) if bias is not None and needs_input_grad[2] else None
        return grad_x, grad_weight, grad_bias

    return out, vjp


# ----- elementwise functions -----
@op("exp")
def exp(a):
    """e ** a; its derivative is itself."""
    return np.exp(a), lambda g, out, a: (g * out,)


@op("log")
def log(a):
    """Natural logarithm; d/da = 1 / a."""
    return np.log(a), lambda g, out, a: (g / a,)


@op("sqrt")
def sqrt(a):
    """Square root; d/da = 1 / (2 sqrt(a))."""
    return np.sqrt(a), lambda g, out, a: (g * 0.5 / out,)


@op("abs")
def abs(a):
    """|a|; the gradient is sign(a) (0 at 0)."""
    return np.abs(a), lambda g, out, a: (g * np.sign(_unwrap(a)),)


@op("tanh")
def tanh(a):
    """tanh(a); d/da = 1 - tanh(a)^2."""
    return np.tanh(a), lambda g, out, a: (g * (1 - out * out),)


@op("sigmoid")
def sigmoid(a):
    """1 / (1 + exp(-a)), accurate in both tails and without overflow for large |a|."""
    e = np.exp(-np.abs(a))  # never overflows; for a < 0, sigmoid(a) = e / (1 + e)
    r = 1 / (1 + e)
    out = np.where(a >= 0, r, e * r)
    return out, lambda g, out, a: (g * out * (1 - out),)


@op("relu")
def relu(a):
    """max(a, 0); the gradient passes where a > 0 (and at NaN, as in PyTorch: only a <= 0 stops it)."""
    return np.maximum(a, 0), lambda g, out, a: (g * ~(_unwrap(a) <= 0),)  # a mask: cheapest


@op("leaky_relu")
def leaky_relu(a, negative_slope=0.01):
    """a where a > 0, else negative_slope * a."""
    out = np.where(a > 0, a, a * negative_slope)
    return out, lambda g, out, a: (_where(_unwrap(a) > 0, g, g * negative_slope),)


@op("clip", inputs=3)
def clip(a, min=None, max=None):
    """Clamp into [min, max]; the gradient flows only where the input was inside the range."""

    def vjp(g, out, a, *bounds):
        inside = np.ones(np.shape(_unwrap(out)), dtype=bool)  # bounds may broadcast a
        if min is not None:
            inside &= _unwrap(a) >= min
        if max is not None:
            inside &= _unwrap(a) <= max
        return (g * inside, None, None)  # bounds given as tensors get no gradient

    return np.clip(a, min, max), vjp


@op("maximum")
def maximum(a, b):
    """Elementwise max; where a == b the gradient is shared equally."""

    def vjp(g, out, a, b):
        a, b = _unwrap(a), _unwrap(b)  # only masks are made from them
        # PyTorch's masks: a loser gets 0, a tie g / 2, and where a NaN makes both
        # comparisons false, both inputs get g (the NaN output depends on both)
        return _where(a < b, 0, _where(a == b, g / 2, g)), _where(b < a, 0, _where(a == b, g / 2, g))

    return np.maximum(a, b), vjp


@op("minimum")
def minimum(a, b):
    """Elementwise min; where a == b the gradient is shared equally."""

    def vjp(g, out, a, b):
        a, b = _unwrap(a), _unwrap(b)  # only masks are made from them
        return _where(a > b, 0, _where(a == b, g / 2, g)), _where(b > a, 0, _where(a == b, g / 2, g))

    return np.minimum(a, b), vjp


@op("where")
def where(condition, a, b):
    """Pick from a where condition holds, else from b (the condition gets no gradient)."""
    condition = np.asarray(condition, dtype=bool)
    return np.where(condition, a, b), lambda g, out, c, a, b: (
        None,
        _where(condition, g, 0),
        _where(condition, 0, g),
    )


# ----- reductions -----
def _keep_reduced_axes(g, axis, keepdims, shape):
    """Give a reduced gradient back the axes the reduction removed, so it broadcasts to `shape`."""
    if keepdims or axis is None:  # None: g is 0-d, which broadcasts already
        return g
    reduced = normalize_axis_tuple(axis, len(shape))
    return g.reshape(tuple(1 if i in reduced else n for i, n in enumerate(shape)))


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


@op("sum")
def sum(a, axis=None, keepdims=False):
    """Sum over axis (all axes when None); each input element gets the gradient of its sum."""
    axis = _axis(axis)
    return a.sum(axis=axis, keepdims=keepdims), lambda g, out, a: (
        _spread(_keep_reduced_axes(g, axis, keepdims, a.shape), a.shape),
    )


@op("mean")
def mean(a, axis=None, keepdims=False):
    """Mean over axis (all axes when None): a sum divided by the count (NaN over no elements)."""
    axis = _axis(axis)
    reduced = () if axis is None else normalize_axis_tuple(axis, a.ndim)
    count = float(a.size if axis is None else math.prod([a.shape[i] for i in reduced]))
    if count:
        out = a.sum(axis=axis, keepdims=keepdims) / count
    else:  # 0 / 0 is NaN, as in numpy and PyTorch (errstate only here: it costs microseconds)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = a.sum(axis=axis, keepdims=keepdims) / count
    scale = 1 / count if count else 0.0  # over no elements, there is no gradient to spread
    return out, lambda g, out, a: (
        _spread(_keep_reduced_axes(g, axis, keepdims, a.shape) * scale, a.shape),
    )


@op("max")
def max(a, axis=None, keepdims=False):
    """Largest element; elements tied for the max share the gradient equally."""
    axis = _axis(axis)
    largest = np.max(a, axis=axis, keepdims=True)

    def vjp(g, out, a):
        is_max = (_unwrap(a) == largest) | (np.isnan(_unwrap(a)) & np.isnan(largest))
        ties = np.sum(is_max, axis=axis, keepdims=True).astype(largest.dtype)
        return (_where(is_max, _keep_reduced_axes(g, axis, keepdims, a.shape) / ties, 0),)

    return (largest if keepdims else np.squeeze(largest, axis=axis)), vjp


@op("softmax")
def softmax(a, axis=-1):
    """exp(a) / sum(exp(a)) along axis (shifted by the max, so large logits do not overflow)."""
    e = np.exp(a - (np.max(a, axis=axis, keepdims=True) if a.size else 0))  # empty: no shift
    return e / np.sum(e, axis=axis, keepdims=True), lambda g, out, a: (
        out * (g - (g * out).sum(axis=axis, keepdims=True)),
    )


@op("log_softmax")
def log_softmax(a, axis=-1):
    """a - logsumexp(a) along axis, computed stably for logits of any magnitude."""
    shifted = a - (np.max(a, axis=axis, keepdims=True) if a.size else 0)  # empty: no shift
    out = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    return out, lambda g, out, a: (g - _exp(out) * g.sum(axis=axis, keepdims=True),)


# ----- shape and indexing -----
@op("reshape", inputs=1)
def reshape(a, shape):
    """The same elements in a new shape; the gradient is reshaped back."""
    return np.reshape(a, shape), lambda g, out, a: (g.reshape(a.shape),)


@op("transpose")
def permute(a, axes=None):
    """Reorder the axes (reverse them when axes is None); the VJP applies the inverse permutation."""
    inverse = None if axes is None else tuple(np.argsort(axes))
    return np.transpose(a, axes), lambda g, out, a: (_permute(g, inverse),)


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


@op("broadcast_to", inputs=1)
def broadcast_to(a, shape):
    """a repeated along new or size-1 axes to `shape` (numpy's rules); the gradient sums the copies."""
    return np.broadcast_to(a, shape), lambda g, out, a: (unbroadcast(g, a.shape),)


def _has_no_repeats(index):
    """True for indices that cannot select an element twice: ints, slices, None, ..., a bool mask."""
    parts = index if isinstance(index, tuple) else (index,)
    simple = (int, slice, type(None), type(Ellipsis))
    return all(isinstance(p, simple) or getattr(p, "dtype", None) == np.bool_ for p in parts)


@op("getitem", inputs=1)
def getitem(a, index):
    """a[index] with numpy's indexing; the VJP scatter-adds, so repeated indices sum their gradients."""
    return a[index], lambda g, out, a: (_scatter(g, index, a.shape),)


@op("scatter_add", inputs=1)
def _scatter_add(g, index, shape):
    """Zeros of `shape` with g added at [index]: getitem's VJP as an op, for create_graph."""
    return _scatter(g, index, shape), lambda gg, out, g: (gg[index],)


def _along(axis, start, stop):
    """The index that selects [start:stop] along `axis` (counted from the front)."""
    return (slice(None),) * axis + (slice(start, stop),)


@op("concatenate")
def _concatenate(*arrays, axis=0):
    out = np.concatenate(arrays, axis=axis)
    axis = normalize_axis_tuple(axis, out.ndim)[0]
    ends = np.cumsum([0] + [np.shape(x)[axis] for x in arrays]).tolist()
    return out, lambda g, out, *xs: tuple(
        g[_along(axis, start, stop)] for start, stop in zip(ends[:-1], ends[1:])
    )


@op("stack")
def _stack(*arrays, axis=0):
    out = np.stack(arrays, axis=axis)
    axis = normalize_axis_tuple(axis, out.ndim)[0]
    return out, lambda g, out, *xs: tuple(
        g[(slice(None),) * axis + (i,)] for i in range(len(xs))
    )


def concatenate(tensors, axis=0) -> Tensor:
    """Join tensors along an existing axis (like np.concatenate)."""
    return _concatenate(*tensors, axis=axis)


def stack(tensors, axis=0) -> Tensor:
    """Join tensors along a new axis (like np.stack)."""
    return _stack(*tensors, axis=axis)


# ----- non-differentiable results -----
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
Tensor.mT = property(lambda self: transpose(self, -2, -1), doc="The last two axes swapped.")
Tensor.maximum, Tensor.minimum = maximum, minimum
