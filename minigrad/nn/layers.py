"""Layers: Linear, Identity, Flatten, Dropout, activations, Sequential and MLP."""

import numpy as np

from .. import ops
from ..random import generator
from . import functional as F
from .module import Module, Parameter


class Linear(Module):
    """y = x @ weight.T + bias, with weight of shape (out_features, in_features).

    Initialised as PyTorch does: weight and bias uniform in +-1/sqrt(in_features).
    """

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        for arg, value in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"Linear: {arg} must be a positive int, got {value!r}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        bound = 1 / np.sqrt(in_features)
        uniform = generator().uniform
        self.weight = Parameter(
            uniform(-bound, bound, (out_features, in_features)).astype(np.float32)
        )
        self.bias = (
            Parameter(uniform(-bound, bound, out_features).astype(np.float32)) if bias else None
        )

    def forward(self, x):
        if x.shape[-1:] != (self.in_features,):
            raise ValueError(
                f"Linear: input of shape {tuple(x.shape)} should end in in_features={self.in_features}"
            )
        return ops.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return (
            f"in_features={self.in_features}, out_features={self.out_features},"
            f" bias={self.bias is not None}"
        )


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. for a removed head); ignores any arguments."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return x


class Flatten(Module):
    """Merge dims start_dim..end_dim into one: (N, C, H, W) -> (N, C*H*W) with the defaults."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        shape = tuple(x.shape)
        start = self.start_dim % max(len(shape), 1)
        end = self.end_dim % max(len(shape), 1)
        if len(shape) and start > end:
            raise ValueError(
                f"Flatten: start_dim={self.start_dim} comes after end_dim={self.end_dim}"
                f" for input of shape {shape}"
            )
        merged = int(np.prod(shape[start : end + 1], dtype=np.int64))
        return ops.reshape(x, shape=shape[:start] + (merged,) + shape[end + 1 :])

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Dropout(Module):
    """Inverted dropout in training mode (see F.dropout); the identity in eval mode."""

    def __init__(self, p=0.5):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be a probability in [0, 1], got {p}")
        self.p = p

    def forward(self, x):
        return F.dropout(x, self.p, training=self.training)

    def extra_repr(self):
        return f"p={self.p}"


class ReLU(Module):
    """max(x, 0), elementwise."""

    def forward(self, x):
        return ops.relu(x)


class Tanh(Module):
    """tanh(x), elementwise."""

    def forward(self, x):
        return ops.tanh(x)


class Sigmoid(Module):
    """1 / (1 + exp(-x)), elementwise."""

    def forward(self, x):
        return ops.sigmoid(x)


class LeakyReLU(Module):
    """x where x > 0, else negative_slope * x."""

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x):
        return ops.leaky_relu(x, negative_slope=self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Softmax(Module):
    """softmax along `dim` (see F.softmax)."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, x):
        return F.softmax(x, dim=self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """log_softmax along `dim` (see F.log_softmax)."""

    def forward(self, x):
        return F.log_softmax(x, dim=self.dim)


class Sequential(Module):
    """Modules applied one after another; sub-modules are named "0", "1", ... as in PyTorch."""

    def __init__(self, *modules):
        super().__init__()
        for index, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(
                    f"Sequential: argument {index} must be a Module, got {type(module).__name__}"
                )
            setattr(self, str(index), module)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def __getitem__(self, index):
        return list(self._modules.values())[index]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "leaky_relu": LeakyReLU}


class MLP(Sequential):
    """A multi-layer perceptron: Linear layers of the given sizes with an activation between them.

    `MLP([2, 16, 16, 1])` is Sequential(Linear(2, 16), ReLU(), Linear(16, 16), ReLU(), Linear(16, 1)),
    so its state-dict keys (`0.weight`, `0.bias`, `2.weight`, ...) are those of the same
    torch.nn.Sequential.
    """

    def __init__(self, sizes, activation="relu"):
        sizes = list(sizes)
        if len(sizes) < 2 or not all(isinstance(n, (int, np.integer)) and n > 0 for n in sizes):
            raise ValueError(f"MLP: sizes must be at least two positive ints, got {sizes}")
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"MLP: activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}"
            )
        layers = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            layers += [Linear(fan_in, fan_out), ACTIVATIONS[activation]()]
        super().__init__(*layers[:-1])  # no activation after the last layer
