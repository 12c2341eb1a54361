"""BatchNorm1d and LayerNorm: normalise activations to zero mean and unit variance, then scale and shift.

Both follow PyTorch's documented rules: y = (x - mean) / sqrt(var + eps) * weight + bias, with the
biased variance (divide by n) inside the normalisation.
"""

import numpy as np

from .. import ops
from ..tensor import no_grad
from .module import Module, Parameter


def _normalize(x, axes, eps):
    """(x - mean) / sqrt(var + eps) over `axes`, with the biased variance; returns it, mean and var."""
    mean = ops.mean(x, axis=axes, keepdims=True)
    centered = x - mean
    var = ops.mean(centered * centered, axis=axes, keepdims=True)
    return centered / ops.sqrt(var + eps), mean, var


class BatchNorm1d(Module):
    """Batch normalisation over (N, C) or (N, C, L) inputs, one mean and variance per channel C.

    Training: normalise with the batch's statistics and update the buffers
        running_mean = (1 - momentum) * running_mean + momentum * batch_mean
        running_var  = (1 - momentum) * running_var  + momentum * batch_var * n / (n - 1)
    (the running variance is the unbiased one, n = N or N * L values per channel); with
    momentum=None the update is a cumulative average, momentum = 1 / num_batches_tracked.
    Eval: normalise with running_mean and running_var. Without track_running_stats, always the
    batch's statistics.
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        super().__init__()
        if not isinstance(num_features, (int, np.integer)) or num_features < 1:
            raise ValueError(
                f"BatchNorm1d: num_features must be a positive int, got {num_features!r}"
            )
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=np.float32))
            self.bias = Parameter(np.zeros(num_features, dtype=np.float32))
        else:
            self.weight = self.bias = None
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=np.float32))
            self.register_buffer("running_var", np.ones(num_features, dtype=np.float32))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))

    def _channel_axes(self, x):
        if x.ndim not in (2, 3) or x.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm1d: expected input of shape (N, {self.num_features}) or"
                f" (N, {self.num_features}, L), got {tuple(x.shape)}"
            )
        return (0,) if x.ndim == 2 else (0, 2)

    def forward(self, x):
        axes = self._channel_axes(x)
        stats_shape = (1, self.num_features) + (1,) * (x.ndim - 2)
        use_batch_stats = self.training or not self.track_running_stats
        if use_batch_stats:
            n = x.data.size // self.num_features
            if self.training and n < 2:
                raise ValueError(
                    f"BatchNorm1d: training needs more than 1 value per channel, got input"
                    f" shape {tuple(x.shape)} (use eval() for single samples)"
                )
            y, mean, var = _normalize(x, axes, self.eps)
            if self.training and self.track_running_stats:
                self._update_running_stats(mean.data.reshape(-1), var.data.reshape(-1), n)
        else:
            mean = self.running_mean.data.reshape(stats_shape).astype(x.dtype)
            var = self.running_var.data.reshape(stats_shape).astype(x.dtype)
            y = (x - mean) / np.sqrt(var + self.eps)
        if self.affine:
            y = y * ops.reshape(self.weight, shape=stats_shape) + ops.reshape(
                self.bias, shape=stats_shape
            )
        return y

    def _update_running_stats(self, batch_mean, batch_var, n):
        with no_grad():
            self.num_batches_tracked.data[...] += 1
            if self.momentum is None:  # cumulative moving average over all batches so far
                momentum = 1.0 / self.num_batches_tracked.item()
            else:
                momentum = self.momentum
            unbiased_var = batch_var * (n / (n - 1))
            for buffer, stat in ((self.running_mean, batch_mean), (self.running_var, unbiased_var)):
                buffer.data[...] = (1 - momentum) * buffer.data + momentum * stat

    def extra_repr(self):
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine},"
            f" track_running_stats={self.track_running_stats}"
        )


class LayerNorm(Module):
    """Normalise each sample over its last dims (normalized_shape), then scale and shift elementwise.

    Unlike BatchNorm the statistics are each sample's own, so train and eval behave the same.
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True):
        super().__init__()
        if isinstance(normalized_shape, (int, np.integer)):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(n) for n in normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.weight = self.bias = None
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=np.float32))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype=np.float32))

    def forward(self, x):
        k = len(self.normalized_shape)
        if tuple(x.shape[x.ndim - k :]) != self.normalized_shape or x.ndim < k:
            raise ValueError(
                f"LayerNorm: input of shape {tuple(x.shape)} should end in normalized_shape"
                f" {self.normalized_shape}"
            )
        y, _, _ = _normalize(x, tuple(range(x.ndim - k, x.ndim)), self.eps)
        if self.weight is not None:
            y = y * self.weight
        if self.bias is not None:
            y = y + self.bias
        return y

    def extra_repr(self):
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )
