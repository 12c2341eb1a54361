"""Layers: Linear, activations, Sequential and MLP."""

import numpy as np

from .. import ops
from ..random import generator
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
