"""PyTorch's top-level functions that are one line on an existing op or Tensor method.

`torch.add(x, y)` and `x.add(y)` are the same thing in PyTorch; these make `mg.add(x, y)` work too,
so tutorial code runs unchanged. Nothing here has math of its own: each gradient is its op's.
"""

import numpy as np

from . import ops
from .tensor import Tensor


def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


# ----- arithmetic -----
def add(input, other, *, alpha=1):
    """input + alpha * other (torch.add)."""
    return ops.add(input, other if alpha == 1 else alpha * other)


def sub(input, other, *, alpha=1):
    """input - alpha * other (torch.sub)."""
    return ops.sub(input, other if alpha == 1 else alpha * other)


def mul(input, other):
    """input * other, elementwise with broadcasting (torch.mul)."""
    return ops.mul(input, other)


def div(input, other):
    """input / other, elementwise true division with broadcasting (torch.div)."""
    return ops.div(input, other)


def neg(input):
    """-input (torch.neg)."""
    return ops.neg(input)


def pow(input, exponent):  # noqa: A001 (PyTorch's name, shadowing the builtin on purpose)
    """input ** exponent, either of them a tensor (torch.pow)."""
    return ops.pow(input, exponent)


def square(input):
    """input * input (torch.square)."""
    return ops.mul(input, input)


def reciprocal(input):
    """1 / input (torch.reciprocal)."""
    return ops.div(1.0, input)


def rsqrt(input):
    """1 / sqrt(input) (torch.rsqrt)."""
    return ops.div(1.0, ops.sqrt(input))


subtract, multiply, divide, true_divide, negative = sub, mul, div, div, neg  # PyTorch's aliases


# ----- products -----
def mm(input, mat2):
    """The product of two matrices, (n, m) @ (m, p) (torch.mm: 2-d only, no broadcasting)."""
    _check_ndim("mm", input=(input, 2), mat2=(mat2, 2))
    return ops.matmul(input, mat2)


def bmm(input, mat2):
    """Batched matrix product, (b, n, m) @ (b, m, p) (torch.bmm: 3-d only, no broadcasting)."""
    _check_ndim("bmm", input=(input, 3), mat2=(mat2, 3))
    return ops.matmul(input, mat2)


def mv(input, vec):
    """Matrix times vector, (n, m) @ (m,) (torch.mv)."""
    _check_ndim("mv", input=(input, 2), vec=(vec, 1))
    return ops.matmul(input, vec)


def dot(input, other):
    """The dot product of two 1-d tensors (torch.dot)."""
    _check_ndim("dot", input=(input, 1), other=(other, 1))
    return ops.matmul(input, other)


def outer(input, vec2):
    """The outer product of two 1-d tensors: out[i, j] = input[i] * vec2[j] (torch.outer)."""
    _check_ndim("outer", input=(input, 1), vec2=(vec2, 1))
    return ops.mul(_tensor(input).unsqueeze(1), _tensor(vec2).unsqueeze(0))


def _check_ndim(caller, **arguments):
    for name, (value, ndim) in arguments.items():
        if len(getattr(value, "shape", ())) != ndim:
            raise ValueError(
                f"{caller}: {name} must be {ndim}-d, got shape {tuple(getattr(value, 'shape', ()))}"
            )


# ----- shapes -----
def reshape(input, shape):
    """The same elements in a new shape, -1 for one inferred size (torch.reshape)."""
    return _tensor(input).reshape(shape)


def squeeze(input, dim=None):
    """Drop the dims of size 1, or only dim if it has size 1 (torch.squeeze)."""
    return _tensor(input).squeeze(dim)


def unsqueeze(input, dim):
    """A new dim of size 1 at position dim (torch.unsqueeze)."""
    return _tensor(input).unsqueeze(dim)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims start_dim..end_dim into one (torch.flatten)."""
    return _tensor(input).flatten(start_dim, end_dim)


def unflatten(input, dim, sizes):
    """Split dim into several of the given sizes (torch.unflatten)."""
    return _tensor(input).unflatten(dim, sizes)


def t(input):
    """The transpose of a matrix; 0-d and 1-d tensors as they are (torch.t)."""
    return _tensor(input).t()


def chunk(input, chunks, dim=0):
    """Split into `chunks` pieces of ceil(n / chunks) along dim (torch.chunk)."""
    return _tensor(input).chunk(chunks, dim)


def split(tensor, split_size_or_sections, dim=0):
    """Pieces along dim of split_size each, or of the listed sizes (torch.split)."""
    return _tensor(tensor).split(split_size_or_sections, dim)


def numel(input):
    """The number of elements (torch.numel)."""
    return _tensor(input).numel()


concat = ops.cat  # PyTorch's alias of cat


# ----- comparisons and tests, as boolean tensors (no gradient) -----
def eq(input, other):
    """input == other, elementwise (torch.eq)."""
    return _tensor(input) == other


def ne(input, other):
    """input != other, elementwise (torch.ne)."""
    return _tensor(input) != other


def lt(input, other):
    """input < other, elementwise (torch.lt)."""
    return _tensor(input) < other


def le(input, other):
    """input <= other, elementwise (torch.le)."""
    return _tensor(input) <= other


def gt(input, other):
    """input > other, elementwise (torch.gt)."""
    return _tensor(input) > other


def ge(input, other):
    """input >= other, elementwise (torch.ge)."""
    return _tensor(input) >= other


def isnan(input):
    """Where input is NaN (torch.isnan)."""
    return Tensor(np.isnan(_tensor(input).data))


def isinf(input):
    """Where input is +inf or -inf (torch.isinf)."""
    return Tensor(np.isinf(_tensor(input).data))


def isfinite(input):
    """Where input is neither NaN nor infinite (torch.isfinite)."""
    return Tensor(np.isfinite(_tensor(input).data))
