"""Weight initialisation (PyTorch's `torch.nn.init`): fill a tensor in place, from minigrad's generator.

Each function writes into `tensor.data` (no graph is recorded) and returns the tensor, so
`nn.init.xavier_uniform_(layer.weight)` works on parameters. Seed with `mg.manual_seed`.
"""

import math

import numpy as np

from ..random import generator

_LINEAR_GAINS = ("linear", "conv1d", "conv2d", "conv3d", "sigmoid", "identity")


def calculate_gain(nonlinearity, param=None):
    """The factor that keeps activations' variance stable through `nonlinearity` (PyTorch's table).

    linear/conv/sigmoid/identity 1, tanh 5/3, relu sqrt(2), leaky_relu sqrt(2 / (1 + slope^2))
    with slope `param` (default 0.01), selu 3/4.
    """
    if nonlinearity in _LINEAR_GAINS:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    known = (*_LINEAR_GAINS, "tanh", "relu", "leaky_relu", "selu")
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; one of {known}")


def _fan_in_and_fan_out(caller, tensor):
    """fan_in = size(1) * receptive field, fan_out = size(0) * receptive field (weight is (out, in, ...))."""
    if tensor.ndim < 2:
        raise ValueError(
            f"{caller}: fan in and fan out need a tensor with at least 2 dims, got shape"
            f" {tuple(tensor.shape)}"
        )
    receptive_field = int(np.prod(tensor.shape[2:], dtype=np.int64))
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fill(tensor, values):
    tensor.data[...] = values  # in place: an optimizer or a model holding the array keeps seeing it
    return tensor


def uniform_(tensor, a=0.0, b=1.0):
    """Fill with samples from U(a, b)."""
    if a > b:
        raise ValueError(f"uniform_: a={a} must not exceed b={b}")
    return _fill(tensor, generator().uniform(a, b, tensor.shape))


def normal_(tensor, mean=0.0, std=1.0):
    """Fill with samples from N(mean, std^2)."""
    if std < 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    return _fill(tensor, generator().normal(mean, std, tensor.shape))


def constant_(tensor, val):
    """Fill with the value val."""
    return _fill(tensor, val)


def zeros_(tensor):
    """Fill with 0."""
    return _fill(tensor, 0)


def ones_(tensor):
    """Fill with 1."""
    return _fill(tensor, 1)


def xavier_uniform_(tensor, gain=1.0):
    """Glorot & Bengio (2010): U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _fan_in_and_fan_out("xavier_uniform_", tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _fill(tensor, generator().uniform(-bound, bound, tensor.shape))


def xavier_normal_(tensor, gain=1.0):
    """Glorot & Bengio (2010): N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fan_in_and_fan_out("xavier_normal_", tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _fill(tensor, generator().normal(0.0, std, tensor.shape))


def _kaiming_std(caller, tensor, a, mode, nonlinearity):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{caller}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fan_in_and_fan_out(caller, tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """He et al. (2015): U(-b, b) with b = sqrt(3) * gain / sqrt(fan) (gain from calculate_gain)."""
    bound = math.sqrt(3.0) * _kaiming_std("kaiming_uniform_", tensor, a, mode, nonlinearity)
    return _fill(tensor, generator().uniform(-bound, bound, tensor.shape))


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """He et al. (2015): N(0, std^2) with std = gain / sqrt(fan)."""
    std = _kaiming_std("kaiming_normal_", tensor, a, mode, nonlinearity)
    return _fill(tensor, generator().normal(0.0, std, tensor.shape))


def orthogonal_(tensor, gain=1.0):
    """Saxe et al. (2013): a (semi-)orthogonal matrix from the QR decomposition of a normal one.

    The tensor is viewed as (size(0), rest); rows (or columns, if fewer) come out orthonormal, times gain.
    """
    if tensor.ndim < 2:
        raise ValueError(
            f"orthogonal_: needs a tensor with at least 2 dims, got shape {tensor.shape}"
        )
    rows = tensor.shape[0]
    cols = tensor.data.size // rows
    flat = generator().standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))  # makes the result uniformly distributed over orthogonal matrices
    if rows < cols:
        q = q.T
    return _fill(tensor, gain * q.reshape(tensor.shape))
