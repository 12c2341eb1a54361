"""Tensors made from nothing: zeros, ones, random numbers, ranges (float32 unless told otherwise)."""

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
