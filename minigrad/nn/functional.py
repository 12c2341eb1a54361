"""Losses, dropout and activations as functions (PyTorch's `torch.nn.functional`), built from ops.

Every loss takes `reduction='mean' | 'sum' | 'none'` as PyTorch's do: 'none' returns the loss of
each element (each sample, for the classification losses), 'sum' their sum, 'mean' their mean
(a weighted mean for `cross_entropy`/`nll_loss` with `weight`).
"""

import numpy as np

from .. import ops
from ..ops import abs as _abs
from ..ops import (  # noqa: F401 (re-exported: PyTorch's F.relu, F.gelu, ...)
    elu,
    gelu,
    hardswish,
    hardtanh,
    leaky_relu,
    linear,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    tanh,
)
from ..ops import log as _log
from ..ops import pad as pad
from ..random import generator as _generator
from ..tensor import Tensor

__all__ = [
    # losses
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "nll_loss", "cross_entropy",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "hinge_loss",
    # activations (the ops of the same name)
    "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "elu", "selu",
    "silu", "mish", "softplus", "hardtanh", "relu6", "hardswish",
    # the rest
    "linear", "dropout", "one_hot", "pad",
]  # fmt: skip

_REDUCTIONS = ("mean", "sum", "none")


def _check_same_shape(caller, input, target):
    if tuple(input.shape) != tuple(np.shape(target)):
        raise ValueError(
            f"{caller}: input shape {tuple(input.shape)} and target shape {tuple(np.shape(target))}"
            " differ (broadcasting them would compare every prediction with every target)"
        )


def _data(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _reduce(caller, loss, reduction):
    """Apply `reduction` to elementwise losses; an unknown name is an error that lists the valid ones."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{caller}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _check_reduction(caller, reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{caller}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


# ----- regression losses -----
def mse_loss(input, target, reduction="mean"):
    """Squared error (input - target)^2, reduced. Shapes must match exactly."""
    _check_same_shape("mse_loss", input, target)
    _check_reduction("mse_loss", reduction)
    return ops.mse_loss(input, target, reduction=reduction)  # one op: its VJP is 2 (input - target) / n


def l1_loss(input, target, reduction="mean"):
    """Absolute error |input - target|, reduced."""
    _check_same_shape("l1_loss", input, target)
    return _reduce("l1_loss", _abs(input - target), reduction)


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta, for d = input - target (PyTorch's rule)."""
    _check_same_shape("smooth_l1_loss", input, target)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be >= 0, got {beta}")
    diff = input - target
    if (
        beta == 0
    ):  # PyTorch: beta = 0 is exactly the L1 loss (the quadratic branch would divide by 0)
        return _reduce("smooth_l1_loss", _abs(diff), reduction)
    small = np.abs(diff.data) < beta
    inner = ops.where(small, diff, 0.0)  # an infinite diff's unused square: no 0 * inf = NaN
    loss = ops.where(small, 0.5 * inner * inner / beta, _abs(diff) - 0.5 * beta)
    return _reduce("smooth_l1_loss", loss, reduction)


def huber_loss(input, target, reduction="mean", delta=1.0):
    """0.5 d^2 where |d| <= delta, else delta (|d| - 0.5 delta): smooth_l1_loss times delta."""
    _check_same_shape("huber_loss", input, target)
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be > 0, got {delta}")
    diff = input - target
    small = np.abs(diff.data) <= delta
    inner = ops.where(small, diff, 0.0)  # as in smooth_l1_loss: no 0 * inf from the unused square
    loss = ops.where(small, 0.5 * inner * inner, delta * (_abs(diff) - 0.5 * delta))
    return _reduce("huber_loss", loss, reduction)


# ----- classification losses -----
def _class_targets(caller, input, target):
    """Check (N, C) scores against (N,) integer class indices; return the indices as an array."""
    labels = _data(target)
    if input.ndim != 2:
        raise ValueError(f"{caller}: input must have shape (N, C), got {tuple(input.shape)}")
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"{caller}: target must be integer class indices (int64, as mg.tensor([0, 2]) gives),"
            f" got dtype {labels.dtype}; use .long() on float labels"
        )
    if labels.shape != (input.shape[0],):
        raise ValueError(
            f"{caller}: target must have shape ({input.shape[0]},) to match input"
            f" {tuple(input.shape)}, got {labels.shape}"
        )
    return labels


def _class_weights(caller, weight, n_classes):
    if weight is None:
        return None
    weight = _data(weight)
    if weight.shape != (n_classes,):
        raise ValueError(
            f"{caller}: weight must have one entry per class, shape ({n_classes},),"
            f" got {weight.shape}"
        )
    return weight


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """-weight[y_n] * input[n, y_n] for log-probabilities input (N, C) and class indices y (N,).

    'mean' divides by the sum of the weights of the samples not ignored (PyTorch's weighted mean);
    samples whose target is `ignore_index` contribute nothing.
    """
    return _nll("nll_loss", input, target, weight, ignore_index, reduction)


def _nll(caller, input, target, weight, ignore_index, reduction):
    labels = _class_targets(caller, input, target)
    _check_reduction(caller, reduction)
    n_classes = input.shape[1]
    weight = _class_weights(caller, weight, n_classes)
    kept = labels != ignore_index
    if kept.any() and (labels[kept].min() < 0 or labels[kept].max() >= n_classes):
        raise ValueError(
            f"{caller}: target must lie in [0, {n_classes}) (or be ignore_index={ignore_index}),"
            f" got values from {labels[kept].min()} to {labels[kept].max()}"
        )
    safe = np.where(kept, labels, 0)  # any valid index: the weight below zeroes ignored samples
    sample_weight = (np.ones(n_classes) if weight is None else weight)[safe] * kept
    return ops.nll_loss(input, safe, sample_weight.astype(input.dtype), reduction=reduction)


def cross_entropy(
    input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0
):
    """nll_loss(log_softmax(input, dim=1), target), with optional label smoothing eps.

    With eps > 0 the target is the mixture (1 - eps) one_hot(y) + eps / C, and, as PyTorch computes
    it: loss = (1 - eps) * nll + eps / C * sum_c -weight[c] * log_softmax(input)[n, c], where
    'mean' divides both terms by the same sum of weight[y_n] over the samples not ignored.
    """
    labels = _class_targets("cross_entropy", input, target)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    _check_reduction("cross_entropy", reduction)
    log_probs = ops.log_softmax(input, axis=1)
    nll = _nll("cross_entropy", log_probs, labels, weight, ignore_index, reduction)
    if label_smoothing == 0:
        return nll
    n_classes = input.shape[1]
    weight = _class_weights("cross_entropy", weight, n_classes)
    kept = labels != ignore_index
    class_weight = np.ones(n_classes) if weight is None else weight
    # per sample: -sum_c weight[c] log p[n, c], zero for ignored samples
    smooth = -(log_probs * class_weight.astype(input.dtype)).sum(axis=1) * kept.astype(input.dtype)
    if reduction == "mean":
        denominator = class_weight[np.where(kept, labels, 0)][kept].sum()
        smooth = smooth.sum() / denominator.astype(input.dtype)
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * nll + (label_smoothing / n_classes) * smooth


def _clamped_log(p):
    """max(log p, -100), with log 0 = -100 and no warning (PyTorch's clamp in binary_cross_entropy).

    A NaN stays NaN, in the loss and in the gradient, as in PyTorch (it once became log 0 = -100,
    a finite loss of 100: found by tests/test_sweep.py); hence maximum, whose VJP passes g at NaN,
    rather than clip, whose VJP is 0 there."""
    positive = ~(_data(p) <= 0)  # NaN included
    safe = ops.where(positive, p, 1.0)  # log(1) = 0 placeholder where p = 0; replaced below
    return ops.where(positive, ops.maximum(_log(safe), -100.0), -100.0)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """-weight * [y log x + (1 - y) log(1 - x)] for probabilities x in [0, 1].

    As in PyTorch, each log is clamped at -100 so that x = 0 or 1 gives a finite loss (its gradient
    there is 0 in minigrad; prefer binary_cross_entropy_with_logits, which needs no clamp).
    """
    _check_same_shape("binary_cross_entropy", input, target)
    probs = _data(input)
    if probs.size and (probs.min() < 0 or probs.max() > 1):
        raise ValueError(
            "binary_cross_entropy: input must be probabilities in [0, 1], got values from"
            f" {probs.min()} to {probs.max()} (use binary_cross_entropy_with_logits on raw scores)"
        )
    log_x = _clamped_log(input)
    log_1mx = _clamped_log(1 - input)
    loss = -(target * log_x + (1 - target) * log_1mx)
    if weight is not None:
        loss = loss * weight
    return _reduce("binary_cross_entropy", loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    """-weight * [p y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))], computed stably.

    With log sigmoid(x) = -softplus(-x) and log(1 - sigmoid(x)) = -x - softplus(-x) this is
    (1 - y) x + (1 + (p - 1) y) softplus(-x), with softplus computed without overflow. Without
    pos_weight (p = 1) it is softplus(x) - x y.
    """
    _check_same_shape("binary_cross_entropy_with_logits", input, target)
    # softplus(x) = log(1 + exp(x)), computed stably; its VJP is sigmoid(x), so the second
    # derivative is sigmoid'(x) everywhere (a max/abs form gives 0 at x = 0: sign(0) is flat)
    # PyTorch's form: at x = inf, y < 1 the loss is inf (softplus(x) - x y was inf - inf = NaN)
    if pos_weight is None:
        loss = (1 - target) * input + softplus(-input, threshold=np.inf)
    else:
        softplus_of_minus_x = softplus(-input, threshold=np.inf)
        loss = (1 - target) * input + (1 + (pos_weight - 1) * target) * softplus_of_minus_x
    if weight is not None:
        loss = loss * weight
    return _reduce("binary_cross_entropy_with_logits", loss, reduction)


def hinge_loss(scores, targets, reduction="mean"):
    """Max-margin loss max(0, 1 - y * score) for labels y in {-1, +1}, reduced."""
    _check_same_shape("hinge_loss", scores, targets)
    labels = _data(targets)
    if not np.all((labels == 1) | (labels == -1)):
        raise ValueError(
            f"hinge_loss: targets must be -1 or +1, got values {np.unique(labels)[:5]}"
        )
    return _reduce("hinge_loss", relu(1 - scores * targets), reduction)


# ----- dropout and one-hot -----
def dropout(input, p=0.5, training=True):
    """Inverted dropout: zero each element with probability p and scale the rest by 1 / (1 - p).

    The expected value of every element is unchanged, so nothing needs rescaling at test time;
    with training=False (or p = 0) the input is returned as it is.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p}")
    if not training or p == 0:
        return input
    keep = _generator().random(input.shape) >= p
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)  # p = 1 drops everything, as PyTorch does
    return input * (keep * scale).astype(input.dtype)


def one_hot(tensor, num_classes=-1):
    """Class indices of any shape -> int64 tensor with a last axis of length num_classes.

    num_classes=-1 takes one more than the largest index, as PyTorch does.
    """
    labels = _data(tensor)
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"one_hot: tensor must hold integer class indices, got dtype {labels.dtype}"
        )
    if num_classes == -1:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"one_hot: class values must lie in [0, {num_classes}),"
            f" got values from {labels.min()} to {labels.max()}"
        )
    return Tensor(np.eye(num_classes, dtype=np.int64)[labels])
