"""RMSprop: per-weight learning rates from a moving average of squared gradients.

Same layout as every algorithm file (see ``sgd.py``): numpy twin, numba loop, optimizer class.
"""

import numpy as np

from minigrad.optim._jit import kernel, prange
from minigrad.optim.optimizer import Optimizer, check_non_negative, optional_buffer


def rmsprop_update_numpy(
    param,
    grad,
    square_avg,
    grad_avg,
    momentum_buffer,
    lr,
    alpha,
    eps,
    weight_decay,
    momentum,
    centered,
    maximize,
):
    """One RMSprop step in numpy, in place. ``grad_avg`` is used only if centered,
    ``momentum_buffer`` only if momentum > 0."""
    real = param.dtype.type  # the arithmetic in the parameters' dtype, as in the kernel
    lr, alpha, eps = real(lr), real(alpha), real(eps)
    weight_decay, momentum, one = real(weight_decay), real(momentum), real(1)
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * param
    square_avg[...] = alpha * square_avg + (one - alpha) * g * g  # forgets: unlike Adagrad's sum
    if centered:
        grad_avg[...] = alpha * grad_avg + (one - alpha) * g
        # E[g²] - E[g]² estimates the gradient's variance rather than its raw second moment.
        denom = np.sqrt(square_avg - grad_avg * grad_avg) + eps
    else:
        denom = np.sqrt(square_avg) + eps
    if momentum > 0:
        momentum_buffer[...] = momentum * momentum_buffer + g / denom
        param -= lr * momentum_buffer
    else:
        param -= lr * g / denom


@kernel(rmsprop_update_numpy)
def rmsprop_update(
    param,
    grad,
    square_avg,
    grad_avg,
    momentum_buffer,
    lr,
    alpha,
    eps,
    weight_decay,
    momentum,
    centered,
    maximize,
):
    """One RMSprop step as a loop over the weights, in place (compiled by numba)."""
    real = param.dtype.type  # the arithmetic in the parameters' dtype: float32 stays float32
    lr, alpha, eps = real(lr), real(alpha), real(eps)
    weight_decay, momentum, one = real(weight_decay), real(momentum), real(1)
    for i in prange(param.size):
        g = -grad[i] if maximize else grad[i]
        if weight_decay != 0:
            g = g + weight_decay * param[i]
        square_avg[i] = alpha * square_avg[i] + (one - alpha) * g * g
        if centered:
            grad_avg[i] = alpha * grad_avg[i] + (one - alpha) * g
            denom = np.sqrt(square_avg[i] - grad_avg[i] * grad_avg[i]) + eps
        else:
            denom = np.sqrt(square_avg[i]) + eps
        if momentum > 0:
            momentum_buffer[i] = momentum * momentum_buffer[i] + g / denom
            param[i] -= lr * momentum_buffer[i]
        else:
            param[i] -= lr * g / denom


class RMSprop(Optimizer):
    r"""RMSprop: divide each weight's step by the root of a moving average of its squared gradients.

    With gradient g_t (negated if maximize), for each weight:

        g_t ← g_t + λ θ_{t-1}                       if weight_decay λ ≠ 0
        v_t ← α v_{t-1} + (1 - α) g_t²              (v_0 = 0)
        ṽ_t ← v_t
        if centered:  ḡ_t ← α ḡ_{t-1} + (1 - α) g_t;   ṽ_t ← v_t - ḡ_t²
        if momentum μ > 0:  b_t ← μ b_{t-1} + g_t / (√ṽ_t + ε);   θ_t ← θ_{t-1} - γ b_t
        else:               θ_t ← θ_{t-1} - γ g_t / (√ṽ_t + ε)

    ε is added after the square root (TensorFlow adds it inside). As in PyTorch the state holds
    ``momentum_buffer`` only if momentum > 0 and ``grad_avg`` only if centered.
    """

    state_buffers = {
        "square_avg": lambda group, data: np.zeros_like(data),
        "momentum_buffer": lambda group, data: np.zeros_like(data) if group["momentum"] else None,
        "grad_avg": lambda group, data: np.zeros_like(data) if group["centered"] else None,
    }

    def __init__(
        self,
        params,
        lr=1e-2,
        alpha=0.99,
        eps=1e-8,
        weight_decay=0,
        momentum=0,
        centered=False,
        maximize=False,
    ):
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_group(self, group):
        for name in ("lr", "eps", "weight_decay", "momentum"):
            check_non_negative(self._name, name, group[name])
        if not 0 <= group["alpha"] <= 1:
            raise ValueError(f"{self._name}: alpha must be in [0, 1], got {group['alpha']!r}")

    def _update(self, group, param, grad, state, scalars, step):
        rmsprop_update(
            param,
            grad,
            state["square_avg"],
            optional_buffer(self._name, state, "grad_avg", param, bool(group["centered"])),
            optional_buffer(self._name, state, "momentum_buffer", param, group["momentum"] > 0),
            float(group["lr"]),
            float(group["alpha"]),
            float(group["eps"]),
            float(group["weight_decay"]),
            float(group["momentum"]),
            bool(group["centered"]),
            bool(group["maximize"]),
        )
