"""Adamax: Adam with the second moment replaced by a running maximum of |g| (the infinity norm).

Layout as in every algorithm file (see sgd.py): numpy twin, numba kernel, optimizer class.
"""

import numpy as np

from minigrad.optim._jit import indices, kernel, prange, weight_chunks
from minigrad.optim.optimizer import Optimizer, check_betas, check_non_negative, zeros_like


def adamax_numpy(params, grads, exp_avgs, exp_infs, steps, lr, beta1, beta2, eps, weight_decay,
                 maximize):  # fmt: skip
    """One Adamax step in numpy, in place, for each parameter (the kernel's twin)."""
    for t in range(len(params)):
        param, exp_avg, exp_inf = params[t], exp_avgs[t], exp_infs[t]
        real = param.dtype.type
        bias_correction1 = 1.0 - beta1 ** steps[t]
        g = -grads[t] if maximize else grads[t]
        if weight_decay != 0:
            g = g + real(weight_decay) * param
        exp_avg[...] = real(beta1) * exp_avg + real(1.0 - beta1) * g
        # u_t = max(β₂ u_{t-1}, |g_t| + ε): a decaying maximum of |g|, with ε inside (as PyTorch)
        np.maximum(real(beta2) * exp_inf, np.abs(g) + real(eps), out=exp_inf)
        param -= real(lr / bias_correction1) * exp_avg / exp_inf


@kernel(adamax_numpy)
def adamax(params, grads, exp_avgs, exp_infs, steps, lr, beta1, beta2, eps, weight_decay,
           maximize):  # fmt: skip
    """One Adamax step as a loop over each parameter's weights, in place (compiled by numba)."""
    chunks = weight_chunks(params)  # the threads share chunks of every parameter (see _jit.py)
    for c in prange(len(chunks[0])):
        t, first, last = chunks[0][c], chunks[1][c], chunks[2][c]  # weights first:last of param t
        param = params[t][first:last]
        grad = grads[t][first:last]
        exp_avg = exp_avgs[t][first:last]
        exp_inf = exp_infs[t][first:last]
        real = param.dtype.type
        bias_correction1 = 1.0 - beta1 ** steps[t]
        step_size = real(lr / bias_correction1)
        b1 = real(beta1)
        one_minus_b1 = real(1.0 - beta1)
        b2 = real(beta2)
        eps_ = real(eps)
        l2 = real(weight_decay)
        for i in indices(param.size):
            g = -grad[i] if maximize else grad[i]
            if weight_decay != 0:
                g = g + l2 * param[i]
            exp_avg[i] = b1 * exp_avg[i] + one_minus_b1 * g
            exp_inf[i] = np.maximum(b2 * exp_inf[i], np.abs(g) + eps_)  # np.maximum keeps a nan
            param[i] -= step_size * exp_avg[i] / exp_inf[i]


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba, 2015, section 7.1), as torch.optim.Adamax. For each weight:

    g_t ← g_t + λ θ_{t-1}                     if weight_decay λ ≠ 0
    m_t ← β₁ m_{t-1} + (1 - β₁) g_t
    u_t ← max(β₂ u_{t-1}, |g_t| + ε)
    θ_t ← θ_{t-1} - γ m_t / ((1 - β₁^t) u_t)    (γ = lr)

    ``foreach`` is accepted and changes nothing (minigrad has one implementation).
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False,
                 capturable=False):  # fmt: skip
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults, foreach, None, differentiable, capturable)

    def check_group(self, group):
        check_non_negative(self._name, "eps", group["eps"])
        check_betas(self._name, group["betas"])
        check_non_negative(self._name, "weight_decay", group["weight_decay"])

    def init_state(self, group, data):
        """exp_avg and exp_inf: zeros shaped like θ."""
        return {"exp_avg": zeros_like(data), "exp_inf": zeros_like(data)}

    def update(self, group, batch):
        """One step of ``adamax`` (above) for the batch, with this group's settings."""
        beta1, beta2 = group["betas"]
        adamax(
            params=batch.params,
            grads=batch.grads,
            exp_avgs=batch.state("exp_avg"),
            exp_infs=batch.state("exp_inf"),
            steps=batch.steps,
            lr=float(group["lr"]),
            beta1=float(beta1),
            beta2=float(beta2),
            eps=float(group["eps"]),
            weight_decay=float(group["weight_decay"]),
            maximize=bool(group["maximize"]),
        )
