"""Neural-network building blocks: Module, Parameter, layers, and `functional` (losses)."""

from . import functional
from .layers import MLP, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Tanh
from .module import Module, Parameter

__all__ = [
    "functional",
    "Module",
    "Parameter",
    "Linear",
    "ReLU",
    "Tanh",
    "Sigmoid",
    "LeakyReLU",
    "Sequential",
    "MLP",
]
