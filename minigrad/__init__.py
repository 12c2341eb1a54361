"""minigrad: a deep-learning framework small enough to read in an afternoon."""

import importlib as _importlib  # private: `dir(minigrad)` shows the API, not the stdlib

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

# ----- PyTorch habits (issue 11): dtype names, more factories, torch.utils.data's names -----
# isort: split
from . import utils
from .dtypes import (  # noqa: A004 (float, int, bool: PyTorch's aliases, shadowing on purpose)
    bool,
    double,
    float,
    float16,
    float32,
    float64,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    short,
    uint8,
)
from .factories import (
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones_like,
    rand_like,
    randint,
    randn_like,
    zeros_like,
)
from .ops import (
    argmin,
    cat,
    clamp,
    clone,
    cos,
    cumsum,
    elu,
    erf,
    expm1,
    gelu,
    hardswish,
    hardtanh,
    log1p,
    logsumexp,
    min,
    mish,
    norm,
    prod,
    relu6,
    selu,
    sign,
    silu,
    sin,
    softplus,
    std,
    var,
)
from .tensor import enable_grad, inference_mode, set_grad_enabled

__version__ = "0.1.0"

# higher-order gradients, hooks and anomaly mode (issue 12, the engine core)
from . import autograd  # noqa: E402
from .gradcheck import gradgradcheck  # noqa: E402
from .ops import broadcast_to  # noqa: E402

# PyTorch's top-level functions that are one line on an op or a Tensor method (torch.add, torch.mm, ...)
from .torch_functions import (  # noqa: E402, A004 (pow: PyTorch's name)
    add,
    bmm,
    chunk,
    concat,
    div,
    divide,
    dot,
    eq,
    flatten,
    ge,
    gt,
    isfinite,
    isinf,
    isnan,
    le,
    lt,
    mm,
    mul,
    multiply,
    mv,
    ne,
    neg,
    negative,
    numel,
    outer,
    pow,
    reciprocal,
    reshape,
    rsqrt,
    split,
    square,
    squeeze,
    sub,
    subtract,
    t,
    true_divide,
    unflatten,
    unsqueeze,
)

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
# PyTorch habits (issue 11)
__all__ += ["utils", "bool", "double", "float", "float16", "float32", "float64", "half", "int"]
__all__ += ["int8", "int16", "int32", "int64", "long", "short", "uint8", "eye", "from_numpy"]
__all__ += ["full", "full_like", "linspace", "ones_like", "rand_like", "randint", "randn_like"]
__all__ += ["zeros_like", "argmin", "cat", "clamp", "clone", "cos", "cumsum", "elu"]
__all__ += ["erf", "expm1", "gelu", "hardswish", "hardtanh", "log1p", "logsumexp", "min", "mish"]
__all__ += ["norm", "prod", "relu6", "selu", "sign", "silu", "sin", "softplus", "std", "var"]
__all__ += ["enable_grad", "inference_mode", "set_grad_enabled"]
# PyTorch's top-level functions on ops and methods (torch_functions.py)
__all__ += ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "neg"]
__all__ += ["negative", "pow", "square", "reciprocal", "rsqrt", "mm", "bmm", "mv", "dot"]
__all__ += ["outer", "reshape", "squeeze", "unsqueeze", "flatten", "unflatten", "t", "chunk"]
__all__ += ["split", "numel", "concat", "eq", "ne", "lt", "le", "gt", "ge", "isnan", "isinf"]
__all__ += ["isfinite"]

# Loaded on first use, so that `import minigrad` stays fast and compiles nothing.
_LAZY_SUBMODULES = {"optim", "data", "viz", "plots", "cli"}

# Autograd beyond backward (issue 12): mg.func (grad as a function transform) and the
# gradient-flow recorder, loaded on first use.
_LAZY_SUBMODULES |= {"func", "gradflow"}


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        return _importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'minigrad' has no attribute {name!r}")
