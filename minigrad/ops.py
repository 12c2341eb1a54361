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

import builtins
import collections
import functools
import inspect
import math

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from .special import erf_array as _erf_array  # numpy has no erf of its own
from .tensor import Tensor, record, unbroadcast

OPS = {}  # name -> the op, for every op made with @op (tests check each one)


def op(name, inputs=None, promotes=True):
    """Register a numpy-level `forward(*arrays, **params) -> (out, vjp)` as a Tensor op.

    The forward's parameters without a default are its inputs (what its VJP receives and returns
    gradients for); the rest are parameters such as `axis`, which may be passed by position or by
    name. `inputs=n` says otherwise (linear's optional bias is an input). A forward that declares a
    `needs_input_grad` parameter is told which inputs require grad (as in PyTorch's
    autograd.Function), so that its VJP can skip expensive gradients nobody needs. A float64 result
    is cast to float32 where PyTorch's type promotion gives float32 (`promotes=False`: an op that
    chooses its output dtype itself).
    """

    def register(forward):
        signature = inspect.signature(forward)
        wants_needs = "needs_input_grad" in signature.parameters
        named = [  # what a caller may pass by position (needs_input_grad is the engine's)
            p
            for p in signature.parameters.values()
            if p.kind == p.POSITIONAL_OR_KEYWORD and p.name != "needs_input_grad"
        ]
        variadic = any(p.kind == p.VAR_POSITIONAL for p in signature.parameters.values())
        arity = inputs if inputs is not None else len([p for p in named if p.default is p.empty])
        accepted = frozenset(p.name for p in named) | {
            p.name for p in signature.parameters.values() if p.kind == p.KEYWORD_ONLY
        }

        @functools.wraps(forward)
        def apply(*args, **params):
            if params and not accepted.issuperset(params):
                params = _pytorch_keywords(name, params, accepted)
            if not variadic and len(args) != arity:
                args, params = _split_inputs(name, args, params, named, arity)
            arrays = [x._data if isinstance(x, Tensor) else x for x in args]
            if wants_needs:
                params["needs_input_grad"] = [
                    isinstance(x, Tensor) and x._requires_grad for x in args
                ]
            try:
                out, vjp = forward(*arrays, **params)
            except (ValueError, IndexError, TypeError) as err:
                raise _explain(name, arrays, err) from None
            if out.dtype is _FLOAT64 and promotes and not _pytorch_gives_float64(arrays):
                out = out.astype(np.float32)  # numpy promoted where PyTorch would not
            return record(out, name, args, arrays, vjp)

        OPS[name] = apply
        return apply

    return register


# PyTorch's keyword names and numpy's, for ops written with either: x.sum(dim=1, keepdim=True)
_SYNONYMS = {"dim": "axis", "axis": "dim", "keepdim": "keepdims", "keepdims": "keepdim"}


def _pytorch_keywords(name, params, accepted):
    """Rename dim/keepdim to axis/keepdims (or back) for this op; an unknown keyword is an error
    that lists the ones the op takes."""
    params = dict(params)
    for key in [k for k in params if k not in accepted]:
        synonym = _SYNONYMS.get(key)
        if synonym in accepted and synonym not in params:
            params[synonym] = params.pop(key)
            continue
        takes = sorted(_SYNONYMS.get(k, k) if k in ("axis", "keepdims") else k for k in accepted)
        raise TypeError(
            f"{name}: unexpected keyword argument {key!r}; it takes "
            + (", ".join(f"{k}=" for k in takes) if takes else "no keyword arguments")
        )
    return params


_FLOAT64 = np.dtype(np.float64)


def _pytorch_gives_float64(arrays):
    """PyTorch's promotion for a result numpy made float64 (see docs/from_pytorch.md).

    Tensors with dims decide the floating dtype if any of them is floating; else 0-d tensors do;
    Python and numpy scalars never widen a tensor, and floats made from integers (true division,
    exp of an int tensor) get the default float32.
    """
    dimensioned = [x.dtype for x in arrays if type(x) is np.ndarray and x.ndim and x.dtype.kind == "f"]
    if dimensioned:
        return _FLOAT64 in dimensioned
    zero_d = [x.dtype for x in arrays if type(x) is np.ndarray and x.dtype.kind == "f"]
    return _FLOAT64 in zero_d


def _split_inputs(name, args, params, named, arity):
    """Move parameters given by position into `params`, and inputs given by name into `args`."""
    if len(args) > len(named):
        raise TypeError(
            f"{name}: takes at most {len(named)} positional argument{'s' * (len(named) != 1)}"
            f" ({', '.join(p.name for p in named)}), got {len(args)}"
        )
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
    if name == "linear" and len(shapes) >= 2 and len(shapes[1]) == 2 and shapes[0]:
        (n_out, n_in), bias = shapes[1], arrays[2] if len(arrays) > 2 else None
        if shapes[0][-1] != n_in:
            return ValueError(
                f"linear: input of shape {shapes[0]} has {shapes[0][-1]} features, but weight of"
                f" shape {shapes[1]} (out_features, in_features) takes {n_in}"
            )
        if bias is not None and np.shape(bias) not in ((), (1,), (n_out,)):
            return ValueError(
                f"linear: bias of shape {np.shape(bias)} should have shape ({n_out},), one entry"
                f" per output feature of weight {shapes[1]}"
            )
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
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if isinstance(exponent, (int, float)):  # constant exponent: the common case, x ** 2
                grad_a = _zeros_like(a) if exponent == 0 else g * exponent * a ** (exponent - 1)
                return grad_a, None
            # a ** 0 is 1 for every a, so no gradient, also where the formula reads 0 * inf or
            # 0 * NaN (a = 0, inf, NaN, subnormal); elsewhere the formula is kept: its own derivative in e is
            # not 0. d/de = a**e * log(a) is NaN for a < 0 (not real), 0 at a == 0 with e >= 0.
            # A subnormal base counts too: a ** -1 overflows to inf there (found by tests/test_sweep.py).
            base, e = _unwrap(a), _unwrap(exponent)
            formula_finite = np.isfinite(base) & (base != 0) & np.isfinite(base ** (e - 1))
            no_gradient = (e == 0) & ~formula_finite
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
    out = x @ weight.T
    if bias is not None:
        if type(bias) is np.ndarray and bias.ndim <= 1 and bias.dtype == out.dtype:
            out += bias  # into the product's array: one big array fewer to allocate and free
        else:
            out = out + bias  # numpy's promotion and broadcasting decide the result

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
    # out = max(a, 0) is 0 exactly where a <= 0 and NaN where a is: one comparison finds the mask
    return np.maximum(a, 0), lambda g, out, a: (g * (_unwrap(out) != 0),)


@op("leaky_relu")
def leaky_relu(a, negative_slope=0.01):
    """a where a > 0, else negative_slope * a."""
    out = np.where(a > 0, a, a * negative_slope)
    return out, lambda g, out, a: (_where(_unwrap(a) > 0, g, g * negative_slope),)


@op("clip", inputs=3)
def clip(a, min=None, max=None):
    """Clamp into [min, max] = minimum(maximum(a, min), max), as torch.clamp.

    The input's gradient flows where it was inside the range; a bound given as a tensor gets the
    gradient where it was the value taken (a < min for min; a > max, or min > max, for max).
    """

    def vjp(g, out, a, low, high):
        x, low, high = _unwrap(a), _unwrap(low), _unwrap(high)
        inside = np.ones(np.shape(_unwrap(out)), dtype=bool)  # bounds may broadcast a
        takes_low = takes_high = False
        if low is not None:
            inside = inside & (x >= low)  # False for a NaN: it gets no gradient, as in PyTorch
            takes_low = x < low
        if high is not None:
            inside = inside & (x <= high)
            takes_high = (x > high) | ((low > high) if low is not None else False)
            takes_low = takes_low & ~takes_high
        return (
            g * inside,
            None if low is None else g * takes_low,
            None if high is None else g * takes_high,
        )

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


# ----- a loss as one op -----
@op("mse_loss")
def mse_loss(input, target, reduction="mean"):
    """(input - target)^2, then its mean or sum ('none': elementwise). Use F.mse_loss, which checks.

    One op rather than sub, mul and mean, as in PyTorch (MseLossBackward0): its VJP is the
    derivative every textbook writes, 2 (input - target) / n, and the tiny MLP's training step
    is about 10% faster without the two extra nodes (docs/benchmarks.md).
    """
    diff = input - target
    squares = diff * diff
    if reduction == "none":
        scale, out = 2.0, squares
    elif reduction == "sum":
        scale, out = 2.0, squares.sum()
    elif diff.size:
        scale, out = 2.0 / diff.size, squares.sum() / diff.size
    else:  # the mean of no elements is 0 / 0 = NaN, as in numpy and PyTorch; there is no gradient
        with np.errstate(invalid="ignore"):
            scale, out = 0.0, squares.sum() / 0.0

    def vjp(g, out, input, target):
        g_input = (input - target) * (g * scale)
        return g_input, -g_input

    return np.asarray(out), vjp


@op("nll_loss", inputs=1)
def nll_loss(log_probs, labels, sample_weight, reduction="mean"):
    """-sample_weight[n] * log_probs[n, labels[n]], then its weighted mean, sum or none. Use F.nll_loss.

    One op rather than an index, a product, a sum and a division, as in PyTorch (NllLossBackward0):
    its VJP puts -g * weight into each sample's target column. 'mean' divides by the sum of the
    weights (0 / 0 = NaN when there are none, as in PyTorch). F.nll_loss checks the labels.
    """
    rows = np.arange(len(labels))
    losses = -log_probs[rows, labels] * sample_weight
    scale = sample_weight  # d(out)/d(-log_probs[n, labels[n]]), per sample
    if reduction == "none":
        out = losses
    elif reduction == "sum":
        out = losses.sum()
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            total = sample_weight.sum()
            out, scale = losses.sum() / total, sample_weight / total

    def vjp(g, out, log_probs):
        per_sample = -g * scale
        if isinstance(per_sample, Tensor):  # create_graph: a recorded scatter
            return (_scatter_add(per_sample, index=(rows, labels), shape=log_probs.shape),)
        grad = np.zeros(log_probs.shape, per_sample.dtype)
        grad[rows, labels] = per_sample  # one target per row: no index repeats
        return (grad,)

    return np.asarray(out), vjp


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


def concatenate(tensors, axis=0, *, dim=None) -> Tensor:
    """Join tensors along an existing axis (like np.concatenate; `dim=` as PyTorch's cat)."""
    return _concatenate(*tensors, axis=axis if dim is None else dim)


def stack(tensors, axis=0, *, dim=None) -> Tensor:
    """Join tensors along a new axis (like np.stack; `dim=` as PyTorch's stack)."""
    return _stack(*tensors, axis=axis if dim is None else dim)


# ----- non-differentiable results -----
def _comparison(ufunc):
    def compare(a, b):
        return Tensor(ufunc(_unwrap(a), _unwrap(b)))

    compare.__doc__ = f"Elementwise {ufunc.__name__}, as a boolean tensor (no gradient)."
    return compare


# ===== PyTorch's ops (issue 11): more elementwise functions, activations, reductions, shapes =====
# Each is written in the convention above (its VJP works on arrays and on Tensors), so it has
# second derivatives too. Helpers first: numpy on arrays, the op itself on Tensors.
def _on(x, numpy_fn, op_fn):
    return op_fn(x) if isinstance(x, Tensor) else numpy_fn(x)


def _sigmoid_array(a):
    e = np.exp(-np.abs(a))
    r = 1 / (1 + e)
    return np.where(a >= 0, r, e * r)


@op("sin")
def sin(a):
    """sin(a); d/da = cos(a)."""
    return np.sin(a), lambda g, out, a: (g * _on(a, np.cos, cos),)


@op("cos")
def cos(a):
    """cos(a); d/da = -sin(a)."""
    return np.cos(a), lambda g, out, a: (-g * _on(a, np.sin, sin),)


@op("log1p")
def log1p(a):
    """log(1 + a), accurate for small a; d/da = 1 / (1 + a)."""
    return np.log1p(a), lambda g, out, a: (g / (1 + a),)


@op("expm1")
def expm1(a):
    """exp(a) - 1, accurate for small a; d/da = exp(a) = out + 1."""
    return np.expm1(a), lambda g, out, a: (g * (out + 1),)


@op("erf")
def erf(a):
    """The error function 2/sqrt(pi) int_0^a exp(-t^2) dt; d/da = 2/sqrt(pi) exp(-a^2)."""
    return _erf_array(a), lambda g, out, a: (g * (2 / math.sqrt(math.pi)) * _exp(-a * a),)


@op("sign")
def sign(a):
    """-1, 0 or +1 by the sign of a; its gradient is 0 everywhere (it is flat wherever defined)."""
    return np.sign(a), lambda g, out, a: (g * 0,)


@op("softplus")
def softplus(a, beta=1.0, threshold=20.0):
    """log(1 + exp(beta a)) / beta, and a itself where beta a > threshold (as PyTorch);
    d/da = sigmoid(beta a) (1 on the linear part)."""
    linear_part = a * beta > threshold
    out = np.where(linear_part, a, np.logaddexp(0, a * beta) / beta)

    def vjp(g, out, a):
        return (_where(linear_part, g, g * _on(a * beta, _sigmoid_array, sigmoid)),)

    return out, vjp


@op("gelu")
def gelu(a, approximate="none"):
    """a Phi(a), Phi the standard normal CDF: exact with erf, or PyTorch's tanh approximation
    0.5 a (1 + tanh(sqrt(2/pi) (a + 0.044715 a^3))) with approximate='tanh'."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")  # @op adds "gelu: "
    if approximate == "tanh":
        c = math.sqrt(2 / math.pi)

        def vjp(g, out, a):
            t = _on(c * (a + 0.044715 * a * a * a), np.tanh, tanh)
            return (g * (0.5 * (1 + t) + 0.5 * a * (1 - t * t) * c * (1 + 3 * 0.044715 * a * a)),)

        return 0.5 * a * (1 + np.tanh(c * (a + 0.044715 * a * a * a))), vjp  # a * a * a: np.power is 60x slower

    def vjp(g, out, a):
        cdf = 0.5 * (1 + _on(a / math.sqrt(2), _erf_array, erf))
        pdf = _exp(-0.5 * a * a) / math.sqrt(2 * math.pi)
        return (g * (cdf + a * pdf),)

    return a * 0.5 * (1 + _erf_array(a / math.sqrt(2))), vjp  # int a: float32, as in PyTorch


@op("elu")
def elu(a, alpha=1.0):
    """a where a > 0, else alpha (exp(a) - 1); d/da = 1, or alpha exp(a)."""
    negative = a <= 0  # PyTorch's test: False at NaN, so a NaN passes g as on the linear part
    out = np.where(negative, alpha * np.expm1(np.minimum(a, 0)), a)
    return out, lambda g, out, a: (_where(negative, g * alpha * _exp(a), g),)


_SELU_ALPHA = 1.6732632423543772848170429916717  # Klambauer et al. (2017), as in PyTorch
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(a) -> Tensor:
    """scale * elu(a, alpha) with the self-normalising constants of Klambauer et al. (2017)."""
    return elu(a, alpha=_SELU_ALPHA) * _SELU_SCALE


@op("silu")
def silu(a):
    """a sigmoid(a) (also called swish); d/da = s + a s (1 - s) with s = sigmoid(a)."""
    s = _sigmoid_array(a)

    def vjp(g, out, a):
        s = _on(a, _sigmoid_array, sigmoid)
        return (g * (s + a * s * (1 - s)),)

    return a * s, vjp


@op("mish")
def mish(a):
    """a tanh(softplus(a)); d/da = t + a (1 - t^2) sigmoid(a) with t = tanh(softplus(a))."""

    def vjp(g, out, a):
        t = _on(a, lambda x: np.tanh(np.logaddexp(0, x)), lambda x: tanh(softplus(x)))
        return (g * (t + a * (1 - t * t) * _on(a, _sigmoid_array, sigmoid)),)

    return a * np.tanh(np.logaddexp(0, a)), vjp


@op("hardtanh")
def hardtanh(a, min_val=-1.0, max_val=1.0):
    """a clamped into [min_val, max_val]; the gradient passes strictly inside (PyTorch's rule)."""
    inside = ~((a <= min_val) | (a >= max_val))  # PyTorch's test: a NaN passes g, as in relu
    return np.clip(a, min_val, max_val), lambda g, out, a: (g * inside,)


def relu6(a) -> Tensor:
    """min(max(a, 0), 6): hardtanh(a, 0, 6)."""
    return hardtanh(a, min_val=0.0, max_val=6.0)


@op("hardswish")
def hardswish(a):
    """a relu6(a + 3) / 6; d/da = 0 below -3, a/3 + 1/2 up to 3, 1 above (PyTorch's rule)."""
    out = a * np.clip(a + 3, 0, 6) / 6
    low, middle = a < -3, a <= 3  # PyTorch's tests: a NaN is in neither, so it passes g
    return out, lambda g, out, a: (_where(low, 0, _where(middle, g * (a / 3 + 0.5), g)),)


@op("min")
def _amin(a, axis=None, keepdims=False):
    """Smallest element; elements tied for the min share the gradient equally."""
    axis = _axis(axis)
    smallest = np.min(a, axis=axis, keepdims=True)

    def vjp(g, out, a):
        is_min = (_unwrap(a) == smallest) | (np.isnan(_unwrap(a)) & np.isnan(smallest))  # as max
        ties = np.sum(is_min, axis=axis, keepdims=True).astype(smallest.dtype)
        return (_where(is_min, _keep_reduced_axes(g, axis, keepdims, a.shape) / ties, 0),)

    return (smallest if keepdims else np.squeeze(smallest, axis=axis)), vjp


@op("var")
def _var(a, axis=None, correction=1, keepdims=False):
    """sum((a - mean)^2) / (n - correction); d/da = 2 (a - mean) / (n - correction)."""
    axis = _axis(axis)
    n = a.size if axis is None else math.prod(a.shape[i] for i in normalize_axis_tuple(axis, a.ndim))
    with np.errstate(invalid="ignore", divide="ignore"):  # n <= correction: nan, as in PyTorch
        out = np.var(a, axis=axis, ddof=correction, keepdims=keepdims)

    def vjp(g, out, a):
        centered = a - a.sum(axis=axis, keepdims=True) / n
        scale = 2 / (n - correction) if n != correction else math.inf  # one element: 0 * inf = NaN
        return (_keep_reduced_axes(g, axis, keepdims, a.shape) * centered * scale,)

    return out, vjp


@op("prod")
def _prod(a, axis=None, keepdims=False):
    """Product of the elements; d/da_i = product of the others = out / a_i unless out is 0."""
    axis = _axis(axis)
    out = np.prod(a, axis=axis, keepdims=keepdims)

    def vjp(g, out, a):
        g = _keep_reduced_axes(g, axis, keepdims, a.shape)
        full = _keep_reduced_axes(out, axis, keepdims, a.shape)
        if not (_unwrap(a) == 0).any() and not (_unwrap(out) == 0).any():
            return (g * (full / a),)  # as PyTorch: (g * out) / a underflows for a subnormal a
        # with a zero, out / a is 0/0, and a product that underflowed to 0 ([5e-324, 0.5]) gives
        # 0 / a: take the product of the others directly (a constant, so a second derivative
        # through it is not recorded)
        others = np.empty(np.shape(a))
        for i in np.ndindex(np.shape(a)):
            others[i] = _product_of_others(_unwrap(a), i, axis)
        return (g * others.astype(_unwrap(a).dtype),)

    return out, vjp


def _product_of_others(a, index, axis):
    """The product of the elements reduced together with a[index], a[index] left out."""
    if axis is None:
        return np.prod(np.delete(a.reshape(-1), np.ravel_multi_index(index, a.shape)))
    axes = normalize_axis_tuple(axis, a.ndim)
    group = tuple(slice(None) if k in axes else i for k, i in enumerate(index))
    values = a[group].reshape(-1)
    position = np.ravel_multi_index(tuple(index[k] for k in axes), tuple(a.shape[k] for k in axes))
    return np.prod(np.delete(values, position))


def _flip(x, axis):
    return x[(slice(None),) * (axis % x.ndim) + (slice(None, None, -1),)]


@op("cumsum", inputs=1)
def _cumsum(a, axis):
    """Running sum along axis; the gradient is the running sum of g taken from the end."""
    return np.cumsum(a, axis=axis), lambda g, out, a: (_flip(_cumsum_any(_flip(g, axis), axis), axis),)


def _cumsum_any(x, axis):
    return _cumsum(x, axis) if isinstance(x, Tensor) else np.cumsum(x, axis=axis)


@op("logsumexp")
def _logsumexp(a, axis=None, keepdims=False):
    """log(sum(exp(a))), computed stably; d/da = softmax(a) = exp(a - out)."""
    axis = _axis(axis)
    a = a if a.dtype.kind == "f" else a.astype(np.float64)  # ints: float32 after promotion
    shift = np.max(a, axis=axis, keepdims=True, initial=-np.inf)  # nothing: log 0 = -inf, as PyTorch
    shift = np.where(np.isfinite(shift), shift, 0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - shift), axis=axis, keepdims=True)) + shift

    def vjp(g, out, a):
        out = _keep_reduced_axes(out, axis, keepdims, a.shape)
        return (_keep_reduced_axes(g, axis, keepdims, a.shape) * _exp(a - out),)

    return (out if keepdims else np.squeeze(out, axis=axis)), vjp


# ----- reductions with PyTorch's signatures (dim=, keepdim=; axis=, keepdims= also accepted) -----
_ValuesIndices = collections.namedtuple("ValuesIndices", ["values", "indices"])


def _extreme(name, reduce, arg_reduce, elementwise):
    def extreme(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
        if isinstance(dim, Tensor):  # torch.max(a, b): the elementwise maximum
            return elementwise(input, dim)
        if dim is None:  # numpy's meaning: values only (over all elements, or along axis)
            return reduce(input, axis=axis, keepdims=bool(keepdims))
        if axis is not None:
            raise TypeError(f"{name}: give dim= or axis=, not both")
        values = reduce(input, axis=dim, keepdims=keepdim)
        return _ValuesIndices(values, arg_reduce(input, dim=dim, keepdim=keepdim))

    extreme.__name__ = extreme.__qualname__ = name
    extreme.__doc__ = (
        f"The {name} over all elements; with dim=d, PyTorch's (values, indices) along d;"
        f" with a Tensor as second argument, the elementwise {elementwise.__name__}."
    )
    return extreme


def _arg_extreme(name, numpy_fn):
    def arg_extreme(input, dim=None, keepdim=False, *, axis=None):
        dim = axis if dim is None else dim
        index = numpy_fn(_unwrap(input), axis=dim)
        if keepdim and dim is not None:
            index = np.expand_dims(index, dim)
        return Tensor(index)

    arg_extreme.__name__ = arg_extreme.__qualname__ = name
    arg_extreme.__doc__ = f"Index of the {name[3:]} element (along dim), as an int64 tensor (no gradient)."
    return arg_extreme


_amax = max
argmax = _arg_extreme("argmax", np.argmax)
argmin = _arg_extreme("argmin", np.argmin)
max = _extreme("max", _amax, argmax, maximum)
min = _extreme("min", _amin, argmin, minimum)


def var(input, dim=None, unbiased=True, keepdim=False, *, correction=None, axis=None):
    """Variance, unbiased (divides by n - 1) by default as in PyTorch; correction=0 is numpy's."""
    correction = (1 if unbiased else 0) if correction is None else correction
    return _var(input, axis=axis if dim is None else dim, correction=correction, keepdims=keepdim)


def std(input, dim=None, unbiased=True, keepdim=False, *, correction=None, axis=None):
    """Standard deviation: sqrt(var(...)), unbiased by default as in PyTorch."""
    return sqrt(var(input, dim, unbiased, keepdim, correction=correction, axis=axis))


def prod(input, dim=None, keepdim=False):
    """Product of the elements (along dim)."""
    return _prod(input, axis=dim, keepdims=keepdim)


def cumsum(input, dim):
    """Running sum along dim."""
    return _cumsum(input, dim)


def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(input))) along dim, computed stably."""
    return _logsumexp(input, axis=dim, keepdims=keepdim)


@op("norm")
def _norm2(a, axis=None, keepdims=False):
    """sqrt(sum(a^2)); d/da = a / norm, and 0 where the norm is 0, as PyTorch's norm_backward
    (built as sqrt(sum(a * a)), a zero vector's gradient was 0 * inf = NaN: a zero-initialised
    bias under a norm penalty made the first step NaN)."""
    axis = _axis(axis)
    out = np.sqrt(np.sum(a * a, axis=axis, keepdims=keepdims))

    def vjp(g, out, a):
        norm = _keep_reduced_axes(out, axis, keepdims, a.shape)
        safe = _where(_unwrap(norm) == 0, 1, norm)  # a is 0 there, so a / 1 = 0
        return (_keep_reduced_axes(g, axis, keepdims, a.shape) * a / safe,)

    return out, vjp


def norm(input, p="fro", dim=None, keepdim=False):
    """The p-norm (sum |x|^p)^(1/p) over all elements or along dim; 'fro' and 2 are the same,
    inf is max |x|. Built from other ops, so its gradient comes from theirs."""
    if p in ("fro", 2):
        return _norm2(input, axis=dim, keepdims=keepdim)
    if p == math.inf:
        return _amax(abs(input), axis=dim, keepdims=keepdim)
    if p == -math.inf:
        return _amin(abs(input), axis=dim, keepdims=keepdim)
    if p == 1:
        return sum(abs(input), axis=dim, keepdims=keepdim)
    if not isinstance(p, (int, float)) or p <= 0:
        raise ValueError(f"norm: p must be 'fro', inf, -inf or a number > 0, got {p!r}")
    return sum(abs(input) ** p, axis=dim, keepdims=keepdim) ** (1 / p)


def clamp(input, min=None, max=None):
    """Clamp into [min, max] (PyTorch's name for clip; tensor bounds get their gradient)."""
    return clip(input, min, max)


def cat(tensors, dim=0):
    """Join tensors along an existing dim (PyTorch's name for concatenate)."""
    return concatenate(tensors, axis=dim)


@op("pad", inputs=1)
def pad(a, pad, mode="constant", value=0.0):
    """Pad with `value`; pad = (left, right) for the last dim, then (top, bottom) for the one
    before, ... as in F.pad. The gradient is the padded gradient cut back to the input."""
    if mode != "constant":
        raise ValueError(f"only mode='constant' is supported, got {mode!r}")  # @op adds "pad: "
    if len(pad) % 2 or len(pad) // 2 > a.ndim:
        raise ValueError(f"pad must have an even length of at most {2 * a.ndim}, got {tuple(pad)}")
    widths = [(0, 0)] * a.ndim
    for k in range(len(pad) // 2):
        widths[a.ndim - 1 - k] = (pad[2 * k], pad[2 * k + 1])
    inner = tuple(slice(before, n + before) for (before, _), n in zip(widths, a.shape))
    return np.pad(a, widths, constant_values=value), lambda g, out, a: (g[inner],)


@op("repeat", inputs=1)
def _repeat(a, repeats):
    """a tiled `repeats` times along each dim (PyTorch's repeat, numpy's tile); the gradient sums
    the copies: g viewed as (r0, n0, r1, n1, ...) summed over the r axes."""
    shape = (1,) * (len(repeats) - a.ndim) + a.shape

    def vjp(g, out, a):
        interleaved = tuple(x for r, n in zip(repeats, shape) for x in (r, n))
        summed = g.reshape(interleaved).sum(axis=tuple(range(0, 2 * len(shape), 2)))
        return (summed.reshape(a.shape),)

    return np.tile(a, repeats), vjp


@op("clone")
def clone(a):
    """A copy with its own memory; the gradient passes through unchanged."""
    return a.copy(), lambda g, out, a: (g,)


@op("to", inputs=1, promotes=False)
def _cast(a, dtype):
    """The values as another floating dtype; the gradient is cast back by the engine."""
    return a.astype(dtype), lambda g, out, a: (g,)


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


# ----- PyTorch's tensor methods: shapes, dtypes, copies (issue 11) -----
def _dims(caller, ndim, dims):
    try:
        return normalize_axis_tuple(dims, ndim)
    except (np.exceptions.AxisError, TypeError):
        raise IndexError(f"{caller}: dim {dims} out of range for a tensor with {ndim} dims") from None


def _flatten(self, start_dim=0, end_dim=-1):
    """Merge dims start_dim..end_dim into one (all of them by default)."""
    if self.ndim == 0:
        return reshape(self, shape=(1,))
    start, end = _dims("flatten", self.ndim, (start_dim, end_dim))
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    shape = self.shape
    return reshape(self, shape=shape[:start] + (math.prod(shape[start : end + 1]),) + shape[end + 1 :])


def _unflatten(self, dim, sizes):
    """Split one dim into several: `t.unflatten(1, (2, 3))` turns (N, 6) into (N, 2, 3)."""
    (dim,) = _dims("unflatten", self.ndim, dim)
    return reshape(self, shape=self.shape[:dim] + tuple(sizes) + self.shape[dim + 1 :])


def _unsqueeze(self, dim):
    """A new dim of size 1 at position dim (negative dims count from the end of the result)."""
    (dim,) = _dims("unsqueeze", self.ndim + 1, dim)
    return reshape(self, shape=self.shape[:dim] + (1,) + self.shape[dim:])


def _squeeze(self, dim=None):
    """Drop dims of size 1 (all of them, or the given one if it has size 1, as PyTorch)."""
    dims = range(self.ndim) if dim is None else _dims("squeeze", self.ndim, dim)
    drop = {d for d in dims if self.shape[d] == 1}
    return reshape(self, shape=tuple(n for d, n in enumerate(self.shape) if d not in drop))


def _t(self):
    """The transpose of a matrix (0-d and 1-d tensors are returned as they are)."""
    if self.ndim > 2:
        raise ValueError(f"t: expects a tensor with at most 2 dims, got shape {self.shape}; use transpose")
    return self if self.ndim < 2 else transpose(self, 0, 1)


def _expand(self, *sizes):
    """A broadcast view to `sizes` (-1 keeps a dim); the gradient sums the copies."""
    sizes = _shape_args(sizes)
    lead = len(sizes) - self.ndim
    if lead < 0:
        raise ValueError(f"expand: {len(sizes)} sizes for a tensor with {self.ndim} dims")
    shape = tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(sizes))
    return broadcast_to(self, shape=shape)


def _repeat_method(self, *sizes):
    """Tile the tensor `sizes` times along each dim: `t.repeat(2, 1)`."""
    sizes = tuple(_shape_args(sizes))
    if len(sizes) < self.ndim:
        raise ValueError(
            f"repeat: needs at least {self.ndim} repeat counts for shape {self.shape}, got {sizes}"
        )
    return _repeat(self, repeats=sizes)


def _split(self, split_size_or_sections, dim=0):
    """Pieces along dim: of split_size each (the last may be smaller), or of the listed sizes."""
    (dim,) = _dims("split", self.ndim, dim)
    n = self.shape[dim]
    if isinstance(split_size_or_sections, (int, np.integer)):
        if split_size_or_sections < 1:
            raise ValueError(f"split: split_size must be >= 1, got {split_size_or_sections}")
        sizes = [split_size_or_sections] * (n // split_size_or_sections)
        sizes += [n % split_size_or_sections] if n % split_size_or_sections else []
    else:
        sizes = list(split_size_or_sections)
        if builtins.sum(sizes) != n:
            raise ValueError(f"split: sections {sizes} do not add up to dim {dim}'s size {n}")
    ends = np.cumsum([0] + sizes).tolist()
    return tuple(self[_along(dim, a, b)] for a, b in zip(ends[:-1], ends[1:]))


def _chunk(self, chunks, dim=0):
    """Split into `chunks` pieces of ceil(n / chunks) along dim (fewer if n is small), as PyTorch."""
    (dim,) = _dims("chunk", self.ndim, dim)
    if chunks < 1:
        raise ValueError(f"chunk: chunks must be >= 1, got {chunks}")
    return _split(self, builtins.max(1, -(-self.shape[dim] // chunks)), dim)


_FLOAT64 = np.dtype(np.float64)
_TYPE_NAMES = {
    "float16": "HalfTensor", "float32": "FloatTensor", "float64": "DoubleTensor",
    "uint8": "ByteTensor", "int8": "CharTensor", "int16": "ShortTensor", "int32": "IntTensor",
    "int64": "LongTensor", "bool": "BoolTensor",
}  # fmt: skip


def _to(self, *args, **kwargs):
    """A tensor with another dtype (`t.to(mg.float64)`); "cpu" and `t.to(other_tensor)`'s device
    change nothing (minigrad runs on the CPU). The same tensor if nothing changes, as in PyTorch."""
    dtype = kwargs.pop("dtype", None)
    for arg in args + tuple(kwargs.pop(k) for k in ("device",) if k in kwargs):
        if isinstance(arg, Tensor):
            dtype = arg.dtype
        elif isinstance(arg, str) and arg.split(":")[0] == "cpu":
            continue
        elif isinstance(arg, str) and arg not in _TYPE_NAMES:
            raise ValueError(f"to: minigrad has only the 'cpu' device, got {arg!r}")
        else:
            dtype = arg
    if kwargs:
        raise TypeError(f"to: unexpected keyword arguments {sorted(kwargs)}; it takes dtype=, device=")
    if dtype is None or np.dtype(dtype) == self.dtype:
        return self
    dtype = np.dtype(dtype)
    if dtype.kind == "f" and self.dtype.kind == "f":
        return _cast(self, dtype=dtype)  # differentiable, as between PyTorch's float types
    return Tensor(self._data.astype(dtype))  # integers and bools carry no gradient


def _type(self, dtype=None):
    """Without an argument, the type's name ('minigrad.FloatTensor'); with one, `to(dtype)`."""
    if dtype is None:
        return "minigrad." + _TYPE_NAMES.get(self.dtype.name, self.dtype.name)
    return _to(self, dtype)


def _cast_method(dtype, name):
    method = lambda self: _to(self, dtype)  # noqa: E731
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"The tensor as {np.dtype(dtype).name} (itself if it already is)."
    return method


def _scalar(convert):
    def to_scalar(self):
        if self._data.size != 1:
            raise TypeError(
                f"{convert.__name__}(): only a one-element tensor can be converted, got shape {self.shape}"
            )
        return convert(self._data.item())

    return to_scalar


def _tolist(self):
    """The values as (nested) Python lists of numbers."""
    return self._data.tolist()


def _cpu(self):
    """The tensor itself: minigrad has only the CPU."""
    return self


def _requires_grad_(self, requires_grad=True):
    """Set requires_grad in place on a leaf and return the tensor (`w = mg.zeros(3).requires_grad_()`)."""
    self.requires_grad = requires_grad
    return self


def _zero_(self):
    """Fill with zeros in place (under no_grad for a tensor that requires grad) and return it."""
    return self._update_in_place(_overwrite, 0, "zero_")


def _overwrite(current, value, out):
    """An in-place "update" that ignores the current values (so NaNs are replaced too)."""
    np.copyto(out, value)


for _name, _fn in {
    "view": _reshape_method, "flatten": _flatten, "unflatten": _unflatten,
    "unsqueeze": _unsqueeze, "squeeze": _squeeze, "t": _t, "expand": _expand,
    "repeat": _repeat_method, "split": _split, "chunk": _chunk, "clone": clone,
    "tolist": _tolist, "to": _to, "type": _type,
    "cpu": _cpu, "requires_grad_": _requires_grad_, "zero_": _zero_,
    "long": _cast_method(np.int64, "long"), "int": _cast_method(np.int32, "int"),
    "float": _cast_method(np.float32, "float"), "double": _cast_method(np.float64, "double"),
    "half": _cast_method(np.float16, "half"), "bool": _cast_method(np.bool_, "bool"),
    "__float__": _scalar(float), "__int__": _scalar(int),
    "min": min, "max": max, "argmin": argmin, "argmax": argmax, "var": var, "std": std,
    "prod": prod, "cumsum": cumsum, "logsumexp": logsumexp, "norm": norm, "clamp": clamp,
    "clip": clip, "sign": sign, "sin": sin, "cos": cos, "log1p": log1p, "expm1": expm1,
    "add": add, "sub": sub, "mul": mul, "div": div, "pow": pow, "neg": neg,
}.items():  # fmt: skip
    setattr(Tensor, _name, _fn)
