"""NAdam: Adam with Nesterov momentum (Dozat, 2016), with its momentum-decay schedule μ_t.

Layout as in every algorithm file (see sgd.py): numpy twin, numba kernel, optimizer class.
"""

import math

import numpy as np

from minigrad.optim._jit import indices, kernel, prange, weight_chunks
from minigrad.optim.optimizer import Optimizer, check_betas, check_non_negative, zeros_like


def nadam_numpy(params, grads, exp_avgs, exp_avg_sqs, mu_products, steps, lr, beta1, beta2, eps,
                weight_decay, momentum_decay, maximize, decoupled):  # fmt: skip
    """One NAdam step in numpy, in place, for each parameter (the kernel's twin).

    ``mu_products[t]`` is parameter t's Π_{i<t} μ_i on entry and Π_{i≤t} μ_i on return.
    """
    for t in range(len(params)):
        param, exp_avg, exp_avg_sq = params[t], exp_avgs[t], exp_avg_sqs[t]
        real = param.dtype.type
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (steps[t] * momentum_decay))  # μ_t
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((steps[t] + 1) * momentum_decay))  # μ_{t+1}
        mu_products[t] *= mu
        bias_correction2 = 1.0 - beta2 ** steps[t]
        # γ m̂/(√v̂ + ε) with m̂ = μ_{t+1} m / (1 - Π_{≤t+1} μ) + (1 - μ_t) g / (1 - Π_{≤t} μ) and
        # v̂ = v/bc2 equals (grad_coef g + avg_coef m) / (√v + eps_hat): one division per weight.
        grad_coef = real(lr * (1.0 - mu) / (1.0 - mu_products[t]) * math.sqrt(bias_correction2))
        avg_coef = real(
            lr * mu_next / (1.0 - mu_products[t] * mu_next) * math.sqrt(bias_correction2)
        )
        eps_hat = real(eps * math.sqrt(bias_correction2))
        g = -grads[t] if maximize else grads[t]
        if weight_decay != 0:
            if decoupled:
                param -= real(lr * weight_decay) * param
            else:
                g = g + real(weight_decay) * param
        exp_avg[...] = real(beta1) * exp_avg + real(1.0 - beta1) * g
        exp_avg_sq[...] = real(beta2) * exp_avg_sq + real(1.0 - beta2) * g * g
        param -= (grad_coef * g + avg_coef * exp_avg) / (np.sqrt(exp_avg_sq) + eps_hat)


@kernel(nadam_numpy)
def nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, steps, lr, beta1, beta2, eps,
          weight_decay, momentum_decay, maximize, decoupled):  # fmt: skip
    """One NAdam step as a loop over each parameter's weights, in place (compiled by numba)."""
    for t in range(len(params)):  # Π_{i≤t} μ_i, once per parameter, before its chunks read it
        mu_products[t] *= beta1 * (1.0 - 0.5 * 0.96 ** (steps[t] * momentum_decay))
    chunks = weight_chunks(params)  # the threads share chunks of every parameter (see _jit.py)
    for c in prange(len(chunks[0])):
        t, first, last = chunks[0][c], chunks[1][c], chunks[2][c]  # weights first:last of param t
        param = params[t][first:last]
        grad = grads[t][first:last]
        exp_avg = exp_avgs[t][first:last]
        exp_avg_sq = exp_avg_sqs[t][first:last]
        real = param.dtype.type
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (steps[t] * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((steps[t] + 1) * momentum_decay))
        bias_correction2 = 1.0 - beta2 ** steps[t]
        grad_coef = real(lr * (1.0 - mu) / (1.0 - mu_products[t]) * math.sqrt(bias_correction2))
        avg_coef = real(
            lr * mu_next / (1.0 - mu_products[t] * mu_next) * math.sqrt(bias_correction2)
        )
        eps_hat = real(eps * math.sqrt(bias_correction2))
        decay = real(lr * weight_decay)
        l2 = real(weight_decay)
        b1 = real(beta1)
        one_minus_b1 = real(1.0 - beta1)
        b2 = real(beta2)
        one_minus_b2 = real(1.0 - beta2)
        for i in indices(param.size):
            g = -grad[i] if maximize else grad[i]
            if weight_decay != 0:
                if decoupled:
                    param[i] -= decay * param[i]
                else:
                    g = g + l2 * param[i]
            exp_avg[i] = b1 * exp_avg[i] + one_minus_b1 * g
            exp_avg_sq[i] = b2 * exp_avg_sq[i] + one_minus_b2 * g * g
            param[i] -= (grad_coef * g + avg_coef * exp_avg[i]) / (np.sqrt(exp_avg_sq[i]) + eps_hat)


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
    ``foreach`` is accepted and changes nothing (minigrad has one implementation).
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):  # fmt: skip
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)  # fmt: skip
        super().__init__(params, defaults, foreach, None, differentiable, capturable)

    def check_group(self, group):
        check_non_negative(self._name, "eps", group["eps"])
        check_betas(self._name, group["betas"])
        check_non_negative(self._name, "weight_decay", group["weight_decay"])
        check_non_negative(self._name, "momentum_decay", group["momentum_decay"])

    def init_state(self, group, data):
        """exp_avg and exp_avg_sq: zeros shaped like θ; mu_product, the empty product 1."""
        return {"exp_avg": zeros_like(data), "exp_avg_sq": zeros_like(data), "mu_product": 1.0}

    def update(self, group, batch):
        """One step of ``nadam`` (above) for the batch, with this group's settings."""
        beta1, beta2 = group["betas"]
        mu_products = np.array([state["mu_product"] for state in batch.states])
        nadam(
            params=batch.params,
            grads=batch.grads,
            exp_avgs=batch.state("exp_avg"),
            exp_avg_sqs=batch.state("exp_avg_sq"),
            mu_products=mu_products,
            steps=batch.steps,
            lr=float(group["lr"]),
            beta1=float(beta1),
            beta2=float(beta2),
            eps=float(group["eps"]),
            weight_decay=float(group["weight_decay"]),
            momentum_decay=float(group["momentum_decay"]),
            maximize=bool(group["maximize"]),
            decoupled=bool(group["decoupled_weight_decay"]),
        )
        for state, product in zip(batch.states, mu_products.tolist()):
            state["mu_product"] = product
