"""minigrad: a deep-learning framework small enough to read in an afternoon."""

import importlib

from . import nn, random
from .factories import arange, ones, rand, randn, zeros
from .gradcheck import GradcheckError, gradcheck
from .ops import (
    abs,
    argmax,
    clip,
    concatenate,
    exp,
    leaky_relu,
    linear,
    log,
    log_softmax,
    matmul,
    max,
    maximum,
    mean,
    minimum,
    permute,
    relu,
    sigmoid,
    softmax,
    sqrt,
    stack,
    sum,
    tanh,
    transpose,
    where,
)
from .random import manual_seed
from .serialization import load, save
from .tensor import Tensor, is_grad_enabled, no_grad, tensor, topological_order

__version__ = "0.1.0"

# higher-order gradients, hooks and anomaly mode (issue 12, the engine core)
from . import autograd  # noqa: E402
from .gradcheck import gradgradcheck  # noqa: E402
from .ops import broadcast_to  # noqa: E402

__all__ = [
    "Tensor",
    "tensor",
    "no_grad",
    "is_grad_enabled",
    "topological_order",
    "manual_seed",
    "zeros",
    "ones",
    "randn",
    "rand",
    "arange",
    "gradcheck",
    "GradcheckError",
    "save",
    "load",
    "nn",
    "random",
    "abs",
    "argmax",
    "clip",
    "concatenate",
    "exp",
    "leaky_relu",
    "linear",
    "log",
    "log_softmax",
    "matmul",
    "max",
    "maximum",
    "mean",
    "minimum",
    "permute",
    "relu",
    "sigmoid",
    "softmax",
    "sqrt",
    "stack",
    "sum",
    "tanh",
    "transpose",
    "where",
    # higher-order gradients, hooks and anomaly mode (issue 12, the engine core)
    "autograd",
    "gradgradcheck",
    "broadcast_to",
]

# Loaded on first use, so that `import minigrad` stays fast and compiles nothing.
_LAZY_SUBMODULES = {"optim", "data", "viz", "plots", "cli"}

# Autograd beyond backward (issue 12): mg.func (grad as a function transform) and the
# gradient-flow recorder, loaded on first use.
_LAZY_SUBMODULES |= {"func", "gradflow"}


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'minigrad' has no attribute {name!r}")
