"""Adam and its AMSGrad variant: momentum on the gradient, step sizes scaled per weight.

Layout as in every algorithm file (see sgd.py): numpy twin, numba kernel, optimizer class.
AdamW (adamw.py) is this same rule with the weight decay taken out of the gradient.
"""

import math

import numpy as np

from minigrad.optim._jit import kernel, prange
from minigrad.optim.optimizer import (
    Optimizer,
    bias_correction,
    check_betas,
    check_non_negative,
    optional_buffer,
)


def adam_update_numpy(
    param,
    grad,
    exp_avg,
    exp_avg_sq,
    max_exp_avg_sq,
    lr,
    beta1,
    beta2,
    weight_decay,
    step_size,
    eps_hat,
    amsgrad,
    maximize,
    decoupled,
):
    """One Adam step in numpy, in place.

    The bias corrections are folded into two scalars, as in Kingma & Ba's "efficient version":
    ``step_size = lr √(1-β2^t) / (1-β1^t)`` and ``eps_hat = ε √(1-β2^t)``, because
    lr m̂ / (√v̂ + ε) = step_size m / (√v + eps_hat): one division per weight instead of three.
    """
    real = param.dtype.type  # the arithmetic in the parameters' dtype, as in the kernel
    lr, beta1, beta2 = real(lr), real(beta1), real(beta2)
    weight_decay, step_size, eps_hat = real(weight_decay), real(step_size), real(eps_hat)
    g = -grad if maximize else grad
    if weight_decay != 0:
        if decoupled:
            param *= 1 - lr * weight_decay  # AdamW: shrink the weights, outside the gradient
        else:
            g = g + weight_decay * param  # Adam: the L2 penalty's gradient joins the moments
    exp_avg[...] = beta1 * exp_avg + (1 - beta1) * g  # first moment: the mean gradient
    exp_avg_sq[...] = beta2 * exp_avg_sq + (1 - beta2) * g * g  # second moment: mean of g²
    v = exp_avg_sq
    if amsgrad:
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)  # the largest v so far
        v = max_exp_avg_sq
    param -= step_size * exp_avg / (np.sqrt(v) + eps_hat)


@kernel(adam_update_numpy)
def adam_update(
    param,
    grad,
    exp_avg,
    exp_avg_sq,
    max_exp_avg_sq,
    lr,
    beta1,
    beta2,
    weight_decay,
    step_size,
    eps_hat,
    amsgrad,
    maximize,
    decoupled,
):
    """One Adam step as a loop over the weights, in place (compiled by numba)."""
    real = param.dtype.type  # the arithmetic in the parameters' dtype: float32 stays float32
    lr, beta1, beta2 = real(lr), real(beta1), real(beta2)
    weight_decay, step_size, eps_hat = real(weight_decay), real(step_size), real(eps_hat)
    one = real(1)  # a bare 1 would be an int64 and promote float32 math to float64
    for i in prange(param.size):
        g = -grad[i] if maximize else grad[i]
        if weight_decay != 0:
            if decoupled:
                param[i] *= one - lr * weight_decay
            else:
                g = g + weight_decay * param[i]
        exp_avg[i] = beta1 * exp_avg[i] + (one - beta1) * g
        exp_avg_sq[i] = beta2 * exp_avg_sq[i] + (one - beta2) * g * g
        v = exp_avg_sq[i]
        if amsgrad:
            max_exp_avg_sq[i] = np.maximum(max_exp_avg_sq[i], v)  # np.maximum keeps a nan
            v = max_exp_avg_sq[i]
        param[i] -= step_size * exp_avg[i] / (np.sqrt(v) + eps_hat)


def zeros_like(group, data):
    """Initial state: zeros shaped like the parameters."""
    return np.zeros_like(data)


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), optionally AMSGrad (Reddi et al., 2018), as torch.optim.Adam.

    With gradient g_t (negated if maximize), for each weight:

        g_t ← g_t + λ θ_{t-1}                    if weight_decay λ ≠ 0 (L2 penalty)
        m_t ← β₁ m_{t-1} + (1 - β₁) g_t          first moment (running mean of g)
        v_t ← β₂ v_{t-1} + (1 - β₂) g_t²         second moment (running mean of g²)
        m̂_t ← m_t / (1 - β₁^t)                   bias corrections: m_0 = v_0 = 0
        v_t^max ← max(v_{t-1}^max, v_t)          amsgrad only; then v_t := v_t^max below
        v̂_t ← v_t / (1 - β₂^t)
        θ_t ← θ_{t-1} - γ m̂_t / (√v̂_t + ε)      (γ = lr)

    ``decoupled_weight_decay=True`` is AdamW: θ_{t-1} ← θ_{t-1} (1 - γλ) instead of the first line.
    """

    state_buffers = {
        "exp_avg": zeros_like,
        "exp_avg_sq": zeros_like,
        "max_exp_avg_sq": lambda group, data: np.zeros_like(data) if group["amsgrad"] else None,
    }

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        amsgrad=False,
        *,
        maximize=False,
        decoupled_weight_decay=False,
    ):
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def _check_group(self, group):
        check_non_negative(self._name, "lr", group["lr"])
        check_non_negative(self._name, "eps", group["eps"])
        check_betas(self._name, group["betas"])
        check_non_negative(self._name, "weight_decay", group["weight_decay"])

    def _update(self, group, param, grad, state, scalars, step):
        beta1, beta2 = group["betas"]
        lr = float(group["lr"])
        sqrt_bias_correction2 = math.sqrt(bias_correction(beta2, step))
        adam_update(
            param,
            grad,
            state["exp_avg"],
            state["exp_avg_sq"],
            optional_buffer(self._name, state, "max_exp_avg_sq", param, group["amsgrad"]),
            float(lr),
            float(beta1),
            float(beta2),
            float(group["weight_decay"]),
            lr * sqrt_bias_correction2 / bias_correction(beta1, step),
            group["eps"] * sqrt_bias_correction2,
            bool(group["amsgrad"]),
            bool(group["maximize"]),
            bool(group["decoupled_weight_decay"]),
        )
