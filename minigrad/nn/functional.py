"""Losses and activations as functions (PyTorch's `torch.nn.functional`), built from engine ops."""

import numpy as np

from ..ops import abs as _abs
from ..ops import exp as _exp
from ..ops import leaky_relu, log_softmax, relu, sigmoid, softmax, tanh  # noqa: F401 (re-exported)
from ..ops import log as _log
from ..ops import maximum as _maximum
from ..tensor import Tensor


def _check_same_shape(caller, input, target):
    if tuple(input.shape) != tuple(np.shape(target)):
        raise ValueError(
            f"{caller}: input shape {tuple(input.shape)} and target shape {tuple(np.shape(target))}"
            " differ (broadcasting them would compare every prediction with every target)"
        )


def _data(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def mse_loss(input, target):
    """Mean squared error: mean((input - target)^2). Shapes must match exactly."""
    _check_same_shape("mse_loss", input, target)
    diff = input - target
    return (diff * diff).mean()


def cross_entropy(logits, targets):
    """Mean of -log softmax(logits)[i, targets[i]] for logits (N, C) and integer targets (N,)."""
    labels = _data(targets)
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy: logits must have shape (N, C), got {tuple(logits.shape)}")
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"cross_entropy: targets must be integer class indices, got dtype {labels.dtype}"
        )
    if labels.shape != (logits.shape[0],):
        raise ValueError(
            f"cross_entropy: targets must have shape ({logits.shape[0]},) to match logits"
            f" {tuple(logits.shape)}, got {labels.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= logits.shape[1]):
        raise ValueError(
            f"cross_entropy: targets must lie in [0, {logits.shape[1]}),"
            f" got values from {labels.min()} to {labels.max()}"
        )
    picked = log_softmax(logits, axis=1)[np.arange(len(labels)), labels]
    return -picked.mean()


def binary_cross_entropy_with_logits(logits, targets):
    """Mean of -[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))], computed stably.

    Uses the identity loss = max(x, 0) - x*y + log(1 + exp(-|x|)), which never overflows.
    """
    _check_same_shape("binary_cross_entropy_with_logits", logits, targets)
    # maximum(x, 0), not relu: at x = 0 it gives the kink half the gradient, which with abs'(0) = 0
    # makes the total exactly sigmoid(0) - y = 1/2 - y (relu's 0 there would give -y).
    return (_maximum(logits, 0) - logits * targets + _log(1 + _exp(-_abs(logits)))).mean()


def hinge_loss(scores, targets):
    """Max-margin loss mean(max(0, 1 - y * score)) for labels y in {-1, +1}."""
    _check_same_shape("hinge_loss", scores, targets)
    labels = _data(targets)
    if not np.all((labels == 1) | (labels == -1)):
        raise ValueError(
            f"hinge_loss: targets must be -1 or +1, got values {np.unique(labels)[:5]}"
        )
    return relu(1 - scores * targets).mean()
