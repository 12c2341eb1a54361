"""Adadelta: RMSprop's moving average, with the step scaled by the root of past step sizes.

Same layout as every algorithm file (see ``sgd.py``): numpy twin, numba loop, optimizer class.
"""

import numpy as np

from minigrad.optim._jit import kernel, prange
from minigrad.optim.optimizer import Optimizer, check_non_negative


def adadelta_update_numpy(param, grad, square_avg, acc_delta, lr, rho, eps, weight_decay, maximize):
    """One Adadelta step in numpy, in place."""
    real = param.dtype.type  # the arithmetic in the parameters' dtype, as in the kernel
    lr, rho, eps, weight_decay = real(lr), real(rho), real(eps), real(weight_decay)
    one = real(1)
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * param
    square_avg[...] = rho * square_avg + (one - rho) * g * g
    # RMS of past updates over RMS of gradients: the ratio carries the units of the weight, so
    # lr = 1.0 is a sensible default (the rate is "learned" from the updates themselves).
    delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * g
    acc_delta[...] = rho * acc_delta + (one - rho) * delta * delta
    param -= lr * delta


@kernel(adadelta_update_numpy)
def adadelta_update(param, grad, square_avg, acc_delta, lr, rho, eps, weight_decay, maximize):
    """One Adadelta step as a loop over the weights, in place (compiled by numba)."""
    real = param.dtype.type  # the arithmetic in the parameters' dtype: float32 stays float32
    lr, rho, eps, weight_decay = real(lr), real(rho), real(eps), real(weight_decay)
    one = real(1)  # a bare 1 would promote the arithmetic to float64
    for i in prange(param.size):
        g = -grad[i] if maximize else grad[i]
        if weight_decay != 0:
            g = g + weight_decay * param[i]
        square_avg[i] = rho * square_avg[i] + (one - rho) * g * g
        delta = np.sqrt(acc_delta[i] + eps) / np.sqrt(square_avg[i] + eps) * g
        acc_delta[i] = rho * acc_delta[i] + (one - rho) * delta * delta
        param[i] -= lr * delta


class Adadelta(Optimizer):
    r"""Adadelta: an RMSprop whose step is rescaled by a moving RMS of its own past updates.

    With gradient g_t (negated if maximize), for each weight:

        g_t ← g_t + λ θ_{t-1}                                 if weight_decay λ ≠ 0
        v_t ← ρ v_{t-1} + (1 - ρ) g_t²                        (v_0 = 0, "square_avg")
        Δx_t ← √(u_{t-1} + ε) / √(v_t + ε) · g_t
        u_t ← ρ u_{t-1} + (1 - ρ) Δx_t²                       (u_0 = 0, "acc_delta")
        θ_t ← θ_{t-1} - γ Δx_t
    """

    state_buffers = {
        "square_avg": lambda group, data: np.zeros_like(data),
        "acc_delta": lambda group, data: np.zeros_like(data),
    }

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, maximize=False):
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group):
        for name in ("lr", "eps", "weight_decay"):
            check_non_negative(self._name, name, group[name])
        if not 0 <= group["rho"] <= 1:
            raise ValueError(f"{self._name}: rho must be in [0, 1], got {group['rho']!r}")

    def _update(self, group, param, grad, state, scalars, step):
        adadelta_update(
            param,
            grad,
            state["square_avg"],
            state["acc_delta"],
            float(group["lr"]),
            float(group["rho"]),
            float(group["eps"]),
            float(group["weight_decay"]),
            bool(group["maximize"]),
        )
