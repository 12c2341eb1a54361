"""Adagrad: per-weight learning rates that shrink with the sum of all past squared gradients.

Same layout as every algorithm file (see ``sgd.py``): numpy twin, numba loop, optimizer class.
"""

import numpy as np

from minigrad.optim._jit import kernel, prange
from minigrad.optim.optimizer import Optimizer, check_non_negative


def adagrad_update_numpy(param, grad, state_sum, lr, lr_decay, weight_decay, eps, maximize, step):
    """One Adagrad step in numpy, in place. ``step`` counts this step (1 on the first)."""
    real = param.dtype.type  # the arithmetic in the parameters' dtype, as in the kernel
    lr, lr_decay, weight_decay = real(lr), real(lr_decay), real(weight_decay)
    eps, step, one = real(eps), real(step), real(1)
    g = -grad if maximize else grad
    clr = lr / (one + (step - one) * lr_decay)  # the global rate, decayed over steps
    if weight_decay != 0:
        g = g + weight_decay * param
    state_sum += g * g  # never forgets: the rate below only ever shrinks
    param -= clr * g / (np.sqrt(state_sum) + eps)


@kernel(adagrad_update_numpy)
def adagrad_update(param, grad, state_sum, lr, lr_decay, weight_decay, eps, maximize, step):
    """One Adagrad step as a loop over the weights, in place (compiled by numba)."""
    real = param.dtype.type  # the arithmetic in the parameters' dtype: float32 stays float32
    lr, lr_decay, weight_decay = real(lr), real(lr_decay), real(weight_decay)
    eps, step, one = real(eps), real(step), real(1)  # a bare 1 would promote to float64
    clr = lr / (one + (step - one) * lr_decay)
    for i in prange(param.size):
        g = -grad[i] if maximize else grad[i]
        if weight_decay != 0:
            g = g + weight_decay * param[i]
        state_sum[i] += g * g
        param[i] -= clr * g / (np.sqrt(state_sum[i]) + eps)


class Adagrad(Optimizer):
    r"""Adagrad: divide each weight's step by the root of the sum of its squared gradients.

    With gradient g_t (negated if maximize), step t = 1, 2, ..., for each weight:

        γ̃ ← γ / (1 + (t - 1) η)                   (η = lr_decay)
        g_t ← g_t + λ θ_{t-1}                       if weight_decay λ ≠ 0
        s_t ← s_{t-1} + g_t²                        (s_0 = initial_accumulator_value)
        θ_t ← θ_{t-1} - γ̃ g_t / (√s_t + ε)
    """

    state_buffers = {
        "sum": lambda group, data: np.full_like(data, group["initial_accumulator_value"]),
    }

    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay=0,
        weight_decay=0,
        initial_accumulator_value=0,
        eps=1e-10,
        maximize=False,
    ):
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_group(self, group):
        for name in ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            check_non_negative(self._name, name, group[name])

    def _update(self, group, param, grad, state, scalars, step):
        adagrad_update(
            param,
            grad,
            state["sum"],
            float(group["lr"]),
            float(group["lr_decay"]),
            float(group["weight_decay"]),
            float(group["eps"]),
            bool(group["maximize"]),
            float(step),
        )
