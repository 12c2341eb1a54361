"""Adamax: Adam with the second moment replaced by a running maximum of |g| (the infinity norm).

Layout as in every algorithm file (see sgd.py): numpy twin, numba kernel, optimizer class.
"""

import numpy as np

from minigrad.optim._jit import kernel, prange
from minigrad.optim.optimizer import (
    Optimizer,
    bias_correction,
    check_betas,
    check_non_negative,
)


def adamax_update_numpy(
    param, grad, exp_avg, exp_inf, beta1, beta2, eps, weight_decay, step_size, maximize
):
    """One Adamax step in numpy, in place. ``step_size = lr / (1 - beta1**t)``."""
    real = param.dtype.type  # the arithmetic in the parameters' dtype, as in the kernel
    beta1, beta2, eps, weight_decay = real(beta1), real(beta2), real(eps), real(weight_decay)
    step_size = real(step_size)
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * param
    exp_avg[...] = beta1 * exp_avg + (1 - beta1) * g
    # u_t = max(β₂ u_{t-1}, |g_t| + ε): a decaying maximum of |g|, with ε inside (as PyTorch)
    np.maximum(beta2 * exp_inf, np.abs(g) + eps, out=exp_inf)
    param -= step_size * exp_avg / exp_inf


@kernel(adamax_update_numpy)
def adamax_update(
    param, grad, exp_avg, exp_inf, beta1, beta2, eps, weight_decay, step_size, maximize
):
    """One Adamax step as a loop over the weights, in place (compiled by numba)."""
    real = param.dtype.type  # the arithmetic in the parameters' dtype: float32 stays float32
    beta1, beta2, eps, weight_decay = real(beta1), real(beta2), real(eps), real(weight_decay)
    step_size = real(step_size)
    one = real(1)  # a bare 1 would be an int64 and promote float32 math to float64
    for i in prange(param.size):
        g = -grad[i] if maximize else grad[i]
        if weight_decay != 0:
            g = g + weight_decay * param[i]
        exp_avg[i] = beta1 * exp_avg[i] + (one - beta1) * g
        exp_inf[i] = np.maximum(beta2 * exp_inf[i], np.abs(g) + eps)  # np.maximum keeps a nan
        param[i] -= step_size * exp_avg[i] / exp_inf[i]


def zeros_like(group, data):
    """Initial state: zeros shaped like the parameters."""
    return np.zeros_like(data)


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba, 2015, section 7.1), as torch.optim.Adamax. For each weight:

    g_t ← g_t + λ θ_{t-1}                     if weight_decay λ ≠ 0
    m_t ← β₁ m_{t-1} + (1 - β₁) g_t
    u_t ← max(β₂ u_{t-1}, |g_t| + ε)
    θ_t ← θ_{t-1} - γ m_t / ((1 - β₁^t) u_t)    (γ = lr)
    """

    state_buffers = {"exp_avg": zeros_like, "exp_inf": zeros_like}

    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        *,
        maximize=False,
    ):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group):
        check_non_negative(self._name, "lr", group["lr"])
        check_non_negative(self._name, "eps", group["eps"])
        check_betas(self._name, group["betas"])
        check_non_negative(self._name, "weight_decay", group["weight_decay"])

    def _update(self, group, param, grad, state, scalars, step):
        beta1, beta2 = group["betas"]
        adamax_update(
            param,
            grad,
            state["exp_avg"],
            state["exp_inf"],
            float(beta1),
            float(beta2),
            float(group["eps"]),
            float(group["weight_decay"]),
            float(group["lr"] / bias_correction(beta1, step)),
            bool(group["maximize"]),
        )
