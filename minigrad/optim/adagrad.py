"""Adagrad: per-weight learning rates that shrink with the sum of all past squared gradients.

Same layout as every algorithm file (see ``sgd.py``): numpy twin, numba loop, optimizer class.
"""

import numpy as np

from minigrad.optim._jit import indices, kernel, prange, weight_chunks
from minigrad.optim.optimizer import Optimizer, check_non_negative, memory_order


def adagrad_numpy(params, grads, state_sums, steps, lr, lr_decay, weight_decay, eps, maximize):
    """One Adagrad step in numpy, in place, for each parameter (the kernel's twin)."""
    for t in range(len(params)):
        param, state_sum = params[t], state_sums[t]
        real = param.dtype.type
        clr = real(lr / (1.0 + (steps[t] - 1.0) * lr_decay))  # the global rate, decayed
        g = -grads[t] if maximize else grads[t]
        if weight_decay != 0:
            g = g + real(weight_decay) * param
        state_sum += g * g  # never forgets: the rate below only ever shrinks
        param -= clr * g / (np.sqrt(state_sum) + real(eps))


@kernel(adagrad_numpy)
def adagrad(params, grads, state_sums, steps, lr, lr_decay, weight_decay, eps, maximize):
    """One Adagrad step as a loop over each parameter's weights, in place (compiled by numba)."""
    chunks = weight_chunks(params)  # the threads share chunks of every parameter (see _jit.py)
    for c in prange(len(chunks[0])):
        t, first, last = chunks[0][c], chunks[1][c], chunks[2][c]  # weights first:last of param t
        param = params[t][first:last]
        grad = grads[t][first:last]
        state_sum = state_sums[t][first:last]
        real = param.dtype.type
        clr = real(lr / (1.0 + (steps[t] - 1.0) * lr_decay))
        l2 = real(weight_decay)
        eps_ = real(eps)
        for i in indices(param.size):
            g = -grad[i] if maximize else grad[i]
            if weight_decay != 0:
                g = g + l2 * param[i]
            state_sum[i] += g * g
            param[i] -= clr * g / (np.sqrt(state_sum[i]) + eps_)


class Adagrad(Optimizer):
    r"""Adagrad: divide each weight's step by the root of the sum of its squared gradients.

    With gradient g_t (negated if maximize), step t = 1, 2, ..., for each weight:

        γ̃ ← γ / (1 + (t - 1) η)                   (η = lr_decay)
        g_t ← g_t + λ θ_{t-1}                       if weight_decay λ ≠ 0
        s_t ← s_{t-1} + g_t²                        (s_0 = initial_accumulator_value)
        θ_t ← θ_{t-1} - γ̃ g_t / (√s_t + ε)

    ``foreach`` and ``fused`` are accepted and change nothing (minigrad has one implementation).
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False,
                 fused=None):  # fmt: skip
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps,
                        maximize=maximize)  # fmt: skip
        super().__init__(params, defaults, foreach, fused, differentiable)

    def check_group(self, group):
        for name in ("lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            check_non_negative(self._name, name, group[name])

    def init_state(self, group, data):
        """sum: initial_accumulator_value everywhere, shaped like θ."""
        value = group["initial_accumulator_value"]
        return {"sum": np.full(data.shape, value, data.dtype, order=memory_order(data))}

    def update(self, group, batch):
        """One step of ``adagrad`` (above) for the batch, with this group's settings."""
        adagrad(
            params=batch.params,
            grads=batch.grads,
            state_sums=batch.state("sum"),
            steps=batch.steps,
            lr=float(group["lr"]),
            lr_decay=float(group["lr_decay"]),
            weight_decay=float(group["weight_decay"]),
            eps=float(group["eps"]),
            maximize=bool(group["maximize"]),
        )
