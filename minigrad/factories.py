"""Tensors made from nothing or shaped like another: zeros, ones, full, eye, ranges, random numbers.

Float32 unless told otherwise (integer ranges and integer fill values are int64, as in PyTorch).
"""

import numpy as np

from .random import generator
from .tensor import Tensor


def _shape(caller, shape):
    shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
    if not all(isinstance(n, (int, np.integer)) and n >= 0 for n in shape):
        raise ValueError(f"{caller}: shape must be non-negative ints, got {tuple(shape)}")
    return tuple(int(n) for n in shape)


def zeros(*shape, dtype=np.float32, requires_grad=False) -> Tensor:
    """A tensor of zeros: `zeros(2, 3)` or `zeros((2, 3))`."""
    return Tensor(np.zeros(_shape("zeros", shape), dtype), requires_grad=requires_grad)


def ones(*shape, dtype=np.float32, requires_grad=False) -> Tensor:
    """A tensor of ones: `ones(2, 3)` or `ones((2, 3))`."""
    return Tensor(np.ones(_shape("ones", shape), dtype), requires_grad=requires_grad)


def randn(*shape, dtype=np.float32, requires_grad=False) -> Tensor:
    """Standard normal samples from minigrad's global generator (see `manual_seed`)."""
    data = generator().standard_normal(_shape("randn", shape)).astype(dtype)
    return Tensor(data, requires_grad=requires_grad)


def rand(*shape, dtype=np.float32, requires_grad=False) -> Tensor:
    """Uniform samples in [0, 1) from minigrad's global generator (see `manual_seed`)."""
    data = generator().random(_shape("rand", shape)).astype(dtype)
    return Tensor(data, requires_grad=requires_grad)


def arange(start, stop=None, step=1, dtype=None, requires_grad=False) -> Tensor:
    """Evenly spaced values in [start, stop): int64 for whole numbers, float32 otherwise."""
    if step == 0:
        raise ValueError("arange: step must not be 0")
    data = np.arange(start, stop, step) if stop is not None else np.arange(start)
    if dtype is None:
        dtype = np.int64 if data.dtype.kind in "iu" else np.float32
    return Tensor(data.astype(dtype), requires_grad=requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False) -> Tensor:
    """A tensor of `size` filled with fill_value (int64 for an int, bool for a bool, else float32)."""
    if dtype is None:
        dtype = _dtype_of_python_scalar(fill_value)
    data = np.full(_shape("full", (size,) if isinstance(size, (int, np.integer)) else size), fill_value, dtype)
    return Tensor(data, requires_grad=requires_grad)


def _dtype_of_python_scalar(value):
    """PyTorch's default dtypes for a Python value: bool -> bool, int -> int64, float -> float32."""
    if isinstance(value, (bool, np.bool_)):
        return np.bool_
    if isinstance(value, (int, np.integer)):
        return np.int64
    return np.float32


def eye(n, m=None, dtype=np.float32, requires_grad=False) -> Tensor:
    """The n x m identity matrix (n x n when m is None)."""
    n, m = _shape("eye", (n, n if m is None else m))
    return Tensor(np.eye(n, m, dtype=dtype), requires_grad=requires_grad)


def linspace(start, end, steps, dtype=np.float32, requires_grad=False) -> Tensor:
    """`steps` evenly spaced values from start to end, both included (PyTorch's linspace)."""
    (steps,) = _shape("linspace", (steps,))
    return Tensor(np.linspace(start, end, steps).astype(dtype), requires_grad=requires_grad)


def randint(low, high=None, size=None, dtype=np.int64) -> Tensor:
    """Integers uniform in [low, high) (or [0, low) when high is omitted), int64 by default."""
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint: size= is required, e.g. randint(0, 10, (3,))")
    if high <= low:
        raise ValueError(f"randint: high ({high}) must be greater than low ({low})")
    return Tensor(generator().integers(low, high, _shape("randint", tuple(size))).astype(dtype))


def from_numpy(array) -> Tensor:
    """A tensor sharing memory with the numpy array (changes to one show in the other), dtype kept."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return Tensor(array)


def _like(caller, make, input, dtype, requires_grad):
    if not isinstance(input, Tensor):
        raise TypeError(f"{caller}: input must be a Tensor, got {type(input).__name__}")
    data = make(input.shape, input.dtype if dtype is None else dtype)
    return Tensor(data, requires_grad=requires_grad)


def zeros_like(input, dtype=None, requires_grad=False) -> Tensor:
    """Zeros with the shape (and, unless told, the dtype) of input."""
    return _like("zeros_like", np.zeros, input, dtype, requires_grad)


def ones_like(input, dtype=None, requires_grad=False) -> Tensor:
    """Ones with the shape (and, unless told, the dtype) of input."""
    return _like("ones_like", np.ones, input, dtype, requires_grad)


def full_like(input, fill_value, dtype=None, requires_grad=False) -> Tensor:
    """fill_value with the shape (and, unless told, the dtype) of input."""
    return _like(
        "full_like", lambda s, d: np.full(s, fill_value, d), input, dtype, requires_grad
    )


def randn_like(input, dtype=None, requires_grad=False) -> Tensor:
    """Standard normal samples with the shape (and, unless told, the floating dtype) of input."""
    return _like(
        "randn_like", lambda s, d: generator().standard_normal(s).astype(d), input, dtype, requires_grad
    )


def rand_like(input, dtype=None, requires_grad=False) -> Tensor:
    """Uniform [0, 1) samples with the shape (and, unless told, the floating dtype) of input."""
    return _like(
        "rand_like", lambda s, d: generator().random(s).astype(d), input, dtype, requires_grad
    )
