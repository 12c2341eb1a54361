"""Adam and its AMSGrad variant: momentum on the gradient, step sizes scaled per weight.

Layout as in every algorithm file (see sgd.py): numpy twin, numba kernel, optimizer class.
AdamW (adamw.py) is this same rule with the weight decay taken out of the gradient.
"""

import math

import numpy as np

from minigrad.optim._jit import indices, kernel, prange, weight_chunks
from minigrad.optim.optimizer import Optimizer, check_betas, check_non_negative, zeros_like


def adam_numpy(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps, lr, beta1, beta2,
               eps, weight_decay, maximize, decoupled):  # fmt: skip
    """One Adam step in numpy, in place, for each parameter (the kernel's twin)."""
    for t in range(len(params)):
        param, exp_avg, exp_avg_sq = params[t], exp_avgs[t], exp_avg_sqs[t]
        real = param.dtype.type  # float32 weights get float32 arithmetic, as in PyTorch
        bias_correction1 = 1.0 - beta1 ** steps[t]
        bias_correction2 = 1.0 - beta2 ** steps[t]
        # lr m̂/(√v̂ + ε) with m̂ = m/bc1, v̂ = v/bc2 equals step_size m/(√v + eps_hat): one
        # division per weight (Kingma & Ba's "efficient version"). Constants in double, cast once.
        step_size = real(lr / bias_correction1 * math.sqrt(bias_correction2))
        eps_hat = real(eps * math.sqrt(bias_correction2))
        g = -grads[t] if maximize else grads[t]
        if weight_decay != 0:
            if decoupled:
                # AdamW: shrink the weights directly. θ - (γλ)θ, not θ(1 - γλ): 1 - γλ rounded to float32
                # would lose most digits of a small γλ, a bias that adds up over the steps.
                param -= real(lr * weight_decay) * param
            else:
                g = g + real(weight_decay) * param  # Adam: the L2 penalty's gradient
        exp_avg[...] = real(beta1) * exp_avg + real(1.0 - beta1) * g  # first moment
        exp_avg_sq[...] = real(beta2) * exp_avg_sq + real(1.0 - beta2) * g * g  # second moment
        v = exp_avg_sq
        if max_exp_avg_sqs is not None:  # amsgrad
            np.maximum(max_exp_avg_sqs[t], exp_avg_sq, out=max_exp_avg_sqs[t])  # largest v yet
            v = max_exp_avg_sqs[t]
        param -= step_size * exp_avg / (np.sqrt(v) + eps_hat)


@kernel(adam_numpy)
def adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps, lr, beta1, beta2, eps,
         weight_decay, maximize, decoupled):  # fmt: skip
    """One Adam step as a loop over each parameter's weights, in place (compiled by numba)."""
    chunks = weight_chunks(params)  # the threads share chunks of every parameter (see _jit.py)
    for c in prange(len(chunks[0])):
        t, first, last = chunks[0][c], chunks[1][c], chunks[2][c]  # weights first:last of param t
        param = params[t][first:last]
        grad = grads[t][first:last]
        exp_avg = exp_avgs[t][first:last]
        exp_avg_sq = exp_avg_sqs[t][first:last]
        if max_exp_avg_sqs is not None:  # amsgrad (see sgd.py on None)
            max_exp_avg_sq = max_exp_avg_sqs[t][first:last]
        real = param.dtype.type  # float32 weights get float32 arithmetic, as in PyTorch
        bias_correction1 = 1.0 - beta1 ** steps[t]
        bias_correction2 = 1.0 - beta2 ** steps[t]
        step_size = real(lr / bias_correction1 * math.sqrt(bias_correction2))  # see the twin
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
            v = exp_avg_sq[i]
            if max_exp_avg_sqs is not None:
                max_exp_avg_sq[i] = np.maximum(max_exp_avg_sq[i], v)  # np.maximum keeps a nan
                v = max_exp_avg_sq[i]
            param[i] -= step_size * exp_avg[i] / (np.sqrt(v) + eps_hat)


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
    ``foreach`` and ``fused`` are accepted and change nothing (minigrad has one implementation).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):  # fmt: skip
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, decoupled_weight_decay=decoupled_weight_decay)  # fmt: skip
        super().__init__(params, defaults, foreach, fused, differentiable, capturable)

    def check_group(self, group):
        check_non_negative(self._name, "eps", group["eps"])
        check_betas(self._name, group["betas"])
        check_non_negative(self._name, "weight_decay", group["weight_decay"])

    def init_state(self, group, data):
        """exp_avg and exp_avg_sq (and max_exp_avg_sq with amsgrad): zeros shaped like θ."""
        names = ["exp_avg", "exp_avg_sq"] + ["max_exp_avg_sq"] * bool(group["amsgrad"])
        return {name: zeros_like(data) for name in names}

    def update(self, group, batch):
        """One step of ``adam`` (above) for the batch, with this group's settings."""
        beta1, beta2 = group["betas"]
        adam(
            params=batch.params,
            grads=batch.grads,
            exp_avgs=batch.state("exp_avg"),
            exp_avg_sqs=batch.state("exp_avg_sq"),
            max_exp_avg_sqs=batch.state("max_exp_avg_sq") if group["amsgrad"] else None,
            steps=batch.steps,
            lr=float(group["lr"]),
            beta1=float(beta1),
            beta2=float(beta2),
            eps=float(group["eps"]),
            weight_decay=float(group["weight_decay"]),
            maximize=bool(group["maximize"]),
            decoupled=bool(group["decoupled_weight_decay"]),
        )
