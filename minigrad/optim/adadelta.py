"""Adadelta: RMSprop's moving average, with the step scaled by the root of past step sizes.

Same layout as every algorithm file (see ``sgd.py``): numpy twin, numba loop, optimizer class.
"""

import numpy as np

from minigrad.optim._jit import indices, kernel, prange, weight_chunks
from minigrad.optim.optimizer import Optimizer, check_non_negative, zeros_like


def adadelta_numpy(params, grads, square_avgs, acc_deltas, lr, rho, eps, weight_decay, maximize):
    """One Adadelta step in numpy, in place, for each parameter (the kernel's twin)."""
    for t in range(len(params)):
        param, square_avg, acc_delta = params[t], square_avgs[t], acc_deltas[t]
        real = param.dtype.type
        g = -grads[t] if maximize else grads[t]
        if weight_decay != 0:
            g = g + real(weight_decay) * param
        square_avg[...] = real(rho) * square_avg + real(1.0 - rho) * g * g
        # RMS of past updates over RMS of gradients: the ratio carries the units of the weight, so
        # lr = 1.0 is a sensible default (the rate is "learned" from the updates themselves).
        delta = np.sqrt(acc_delta + real(eps)) / np.sqrt(square_avg + real(eps)) * g
        acc_delta[...] = real(rho) * acc_delta + real(1.0 - rho) * delta * delta
        param -= real(lr) * delta


@kernel(adadelta_numpy)
def adadelta(params, grads, square_avgs, acc_deltas, lr, rho, eps, weight_decay, maximize):
    """One Adadelta step as a loop over each parameter's weights, in place (compiled by numba)."""
    chunks = weight_chunks(params)  # the threads share chunks of every parameter (see _jit.py)
    for c in prange(len(chunks[0])):
        t, first, last = chunks[0][c], chunks[1][c], chunks[2][c]  # weights first:last of param t
        param = params[t][first:last]
        grad = grads[t][first:last]
        square_avg = square_avgs[t][first:last]
        acc_delta = acc_deltas[t][first:last]
        real = param.dtype.type
        lr_ = real(lr)
        r = real(rho)
        one_minus_r = real(1.0 - rho)
        eps_ = real(eps)
        l2 = real(weight_decay)
        for i in indices(param.size):
            g = -grad[i] if maximize else grad[i]
            if weight_decay != 0:
                g = g + l2 * param[i]
            square_avg[i] = r * square_avg[i] + one_minus_r * g * g
            delta = np.sqrt(acc_delta[i] + eps_) / np.sqrt(square_avg[i] + eps_) * g
            acc_delta[i] = r * acc_delta[i] + one_minus_r * delta * delta
            param[i] -= lr_ * delta


class Adadelta(Optimizer):
    r"""Adadelta: an RMSprop whose step is rescaled by a moving RMS of its own past updates.

    With gradient g_t (negated if maximize), for each weight:

        g_t ← g_t + λ θ_{t-1}                                 if weight_decay λ ≠ 0
        v_t ← ρ v_{t-1} + (1 - ρ) g_t²                        (v_0 = 0, "square_avg")
        Δx_t ← √(u_{t-1} + ε) / √(v_t + ε) · g_t
        u_t ← ρ u_{t-1} + (1 - ρ) Δx_t²                       (u_0 = 0, "acc_delta")
        θ_t ← θ_{t-1} - γ Δx_t

    ``foreach`` is accepted and changes nothing (minigrad has one implementation).
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):  # fmt: skip
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults, foreach, None, differentiable, capturable)

    def check_group(self, group):
        for name in ("eps", "weight_decay"):
            check_non_negative(self._name, name, group[name])
        if not 0 <= group["rho"] <= 1:
            raise ValueError(f"{self._name}: rho must be in [0, 1], got {group['rho']!r}")

    def init_state(self, group, data):
        """square_avg and acc_delta: zeros shaped like θ."""
        return {"square_avg": zeros_like(data), "acc_delta": zeros_like(data)}

    def update(self, group, batch):
        """One step of ``adadelta`` (above) for the batch, with this group's settings."""
        adadelta(
            params=batch.params,
            grads=batch.grads,
            square_avgs=batch.state("square_avg"),
            acc_deltas=batch.state("acc_delta"),
            lr=float(group["lr"]),
            rho=float(group["rho"]),
            eps=float(group["eps"]),
            weight_decay=float(group["weight_decay"]),
            maximize=bool(group["maximize"]),
        )
