"""NAdam: Adam with Nesterov momentum (Dozat, 2016), with its momentum-decay schedule μ_t.

Layout as in every algorithm file (see sgd.py): numpy twin, numba kernel, optimizer class.
"""

import math

import numpy as np

from minigrad.optim._jit import kernel, prange
from minigrad.optim.optimizer import (
    Optimizer,
    bias_correction,
    check_betas,
    check_non_negative,
)


def nadam_update_numpy(
    param,
    grad,
    exp_avg,
    exp_avg_sq,
    lr,
    beta1,
    beta2,
    weight_decay,
    grad_coef,
    avg_coef,
    eps_hat,
    maximize,
    decoupled,
):
    """One NAdam step in numpy, in place.

    ``grad_coef = lr (1 - μ_t) / (1 - Π_{i≤t} μ_i)`` and ``avg_coef = lr μ_{t+1} / (1 - Π_{i≤t+1}
    μ_i)`` carry the momentum schedule, so the loop only mixes g and m. Both are multiplied by
    √(1-β2^t), and ``eps_hat = ε √(1-β2^t)``, so that γ m̂ / (√v̂ + ε) needs one division per
    weight: (grad_coef g + avg_coef m) / (√v + eps_hat).
    """
    real = param.dtype.type  # the arithmetic in the parameters' dtype, as in the kernel
    lr, beta1, beta2 = real(lr), real(beta1), real(beta2)
    weight_decay, grad_coef, avg_coef = real(weight_decay), real(grad_coef), real(avg_coef)
    eps_hat = real(eps_hat)
    g = -grad if maximize else grad
    if weight_decay != 0:
        if decoupled:
            param *= 1 - lr * weight_decay
        else:
            g = g + weight_decay * param
    exp_avg[...] = beta1 * exp_avg + (1 - beta1) * g
    exp_avg_sq[...] = beta2 * exp_avg_sq + (1 - beta2) * g * g
    # the current gradient's share of the Nesterov look-ahead, plus the momentum one step ahead
    param -= (grad_coef * g + avg_coef * exp_avg) / (np.sqrt(exp_avg_sq) + eps_hat)


@kernel(nadam_update_numpy)
def nadam_update(
    param,
    grad,
    exp_avg,
    exp_avg_sq,
    lr,
    beta1,
    beta2,
    weight_decay,
    grad_coef,
    avg_coef,
    eps_hat,
    maximize,
    decoupled,
):
    """One NAdam step as a loop over the weights, in place (compiled by numba)."""
    real = param.dtype.type  # the arithmetic in the parameters' dtype: float32 stays float32
    lr, beta1, beta2 = real(lr), real(beta1), real(beta2)
    weight_decay, grad_coef, avg_coef = real(weight_decay), real(grad_coef), real(avg_coef)
    eps_hat = real(eps_hat)
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
        param[i] -= (grad_coef * g + avg_coef * exp_avg[i]) / (np.sqrt(exp_avg_sq[i]) + eps_hat)


def zeros_like(group, data):
    """Initial state: zeros shaped like the parameters."""
    return np.zeros_like(data)


def momentum_schedule(beta1, momentum_decay, step):
    """μ_t = β₁ (1 - ½ · 0.96^(t ψ)): NAdam's momentum coefficient at step t (ψ = momentum_decay)."""
    return beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))


class NAdam(Optimizer):
    r"""NAdam (Dozat, 2016), as torch.optim.NAdam. For each weight, with gradient g_t:

        g_t ← g_t + λ θ_{t-1}       if weight_decay λ ≠ 0 (or θ_{t-1} ← θ_{t-1}(1 - γλ) if decoupled)
        μ_t ← β₁ (1 - ½ 0.96^(t ψ)),   μ_{t+1} ← β₁ (1 - ½ 0.96^((t+1) ψ))     (ψ = momentum_decay)
        m_t ← β₁ m_{t-1} + (1 - β₁) g_t
        v_t ← β₂ v_{t-1} + (1 - β₂) g_t²
        m̂_t ← μ_{t+1} m_t / (1 - Π_{i=1}^{t+1} μ_i) + (1 - μ_t) g_t / (1 - Π_{i=1}^{t} μ_i)
        v̂_t ← v_t / (1 - β₂^t)
        θ_t ← θ_{t-1} - γ m̂_t / (√v̂_t + ε)      (γ = lr)

    The running product Π μ_i is kept per parameter as ``state[p]["mu_product"]``.
    """

    state_buffers = {"exp_avg": zeros_like, "exp_avg_sq": zeros_like}
    scalar_state = {"mu_product": 1.0}

    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        momentum_decay=4e-3,
        decoupled_weight_decay=False,
        *,
        maximize=False,
    ):
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_group(self, group):
        check_non_negative(self._name, "lr", group["lr"])
        check_non_negative(self._name, "eps", group["eps"])
        check_betas(self._name, group["betas"])
        check_non_negative(self._name, "weight_decay", group["weight_decay"])
        check_non_negative(self._name, "momentum_decay", group["momentum_decay"])

    def _update(self, group, param, grad, state, scalars, step):
        beta1, beta2 = group["betas"]
        lr = float(group["lr"])
        mu = momentum_schedule(beta1, group["momentum_decay"], step)
        mu_next = momentum_schedule(beta1, group["momentum_decay"], step + 1)
        mu_product = scalars["mu_product"]  # one entry per parameter in this call, all equal
        mu_product *= mu
        product = float(mu_product[0])
        sqrt_bias_correction2 = math.sqrt(bias_correction(beta2, step))
        nadam_update(
            param,
            grad,
            state["exp_avg"],
            state["exp_avg_sq"],
            float(lr),
            float(beta1),
            float(beta2),
            float(group["weight_decay"]),
            lr * (1.0 - mu) / (1.0 - product) * sqrt_bias_correction2,
            lr * mu_next / (1.0 - product * mu_next) * sqrt_bias_correction2,
            group["eps"] * sqrt_bias_correction2,
            bool(group["maximize"]),
            bool(group["decoupled_weight_decay"]),
        )
