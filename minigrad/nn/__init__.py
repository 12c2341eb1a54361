"""Neural-network building blocks: Module, Parameter, layers, losses, `functional`, `init`, `utils`."""

from . import functional, init, utils
from .containers import ModuleDict, ModuleList
from .layers import (
    MLP,
    Dropout,
    Flatten,
    Identity,
    LeakyReLU,
    Linear,
    LogSoftmax,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
)
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module, Parameter
from .normalization import BatchNorm1d, LayerNorm

__all__ = [
    "functional",
    "init",
    "utils",
    "Module",
    "Parameter",
    "Linear",
    "Identity",
    "Flatten",
    "Dropout",
    "ReLU",
    "Tanh",
    "Sigmoid",
    "LeakyReLU",
    "Softmax",
    "LogSoftmax",
    "BatchNorm1d",
    "LayerNorm",
    "Sequential",
    "ModuleList",
    "ModuleDict",
    "MLP",
    "MSELoss",
    "L1Loss",
    "SmoothL1Loss",
    "HuberLoss",
    "NLLLoss",
    "CrossEntropyLoss",
    "BCELoss",
    "BCEWithLogitsLoss",
]
