"""Gradient clipping and flattening parameters into one vector (PyTorch's `torch.nn.utils`)."""

import numpy as np

from .. import ops
from ..tensor import Tensor


def _as_list(caller, parameters):
    if isinstance(parameters, Tensor):
        return [parameters]
    parameters = list(parameters)
    for index, p in enumerate(parameters):
        if not isinstance(p, Tensor):
            raise TypeError(f"{caller}: parameter {index} is a {type(p).__name__}, not a Tensor")
    return parameters


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale all gradients together so that their joint norm is at most max_norm; return that norm.

    The norm is that of all gradients concatenated into one vector (inf: the largest |g|). Gradients
    are multiplied in place by min(1, max_norm / (norm + 1e-6)), as PyTorch does.
    """
    grads = [p.grad for p in _as_list("clip_grad_norm_", parameters) if p.grad is not None]
    if not grads:
        return Tensor(np.float32(0.0))
    norm_type = float(norm_type)
    if norm_type == np.inf:
        total = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)
    else:
        total = sum(float(np.sum(np.abs(g) ** norm_type)) for g in grads) ** (1.0 / norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is {total};"
            " set error_if_nonfinite=False to clip anyway"
        )
    coefficient = min(1.0, max_norm / (total + 1e-6))
    for g in grads:
        g *= coefficient
    return Tensor(np.asarray(total, dtype=grads[0].dtype))


def clip_grad_value_(parameters, clip_value):
    """Clamp every gradient entry into [-clip_value, clip_value], in place."""
    if clip_value < 0:
        raise ValueError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value}")
    for p in _as_list("clip_grad_value_", parameters):
        if p.grad is not None:
            np.clip(p.grad, -clip_value, clip_value, out=p.grad)


def parameters_to_vector(parameters):
    """All parameters flattened and joined into one 1-d tensor (differentiable, as in PyTorch)."""
    parameters = _as_list("parameters_to_vector", parameters)
    if not parameters:
        raise ValueError("parameters_to_vector: got no parameters")
    return ops.concatenate([ops.reshape(p, shape=(-1,)) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of a 1-d vector into the parameters' data, in place."""
    parameters = _as_list("vector_to_parameters", parameters)
    values = vec.data if isinstance(vec, Tensor) else np.asarray(vec)
    needed = sum(p.data.size for p in parameters)
    if values.shape != (needed,):
        raise ValueError(
            f"vector_to_parameters: vec must have shape ({needed},) for these parameters,"
            f" got {values.shape}"
        )
    start = 0
    for p in parameters:
        p.data[...] = values[start : start + p.data.size].reshape(p.shape)
        start += p.data.size
