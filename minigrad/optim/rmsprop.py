"""RMSprop: per-weight learning rates from a moving average of squared gradients.

Same layout as every algorithm file (see ``sgd.py``): numpy twin, numba loop, optimizer class.
"""

import numpy as np

from minigrad.optim._jit import indices, kernel, prange, weight_chunks
from minigrad.optim.optimizer import Optimizer, check_non_negative, zeros_like


def rmsprop_numpy(params, grads, square_avgs, grad_avgs, momentum_buffers, lr, alpha, eps,
                  weight_decay, momentum, maximize):  # fmt: skip
    """One RMSprop step in numpy, in place, for each parameter (the kernel's twin).

    ``grad_avgs`` is None unless centered, ``momentum_buffers`` None unless momentum > 0."""
    for t in range(len(params)):
        param, square_avg = params[t], square_avgs[t]
        real = param.dtype.type
        g = -grads[t] if maximize else grads[t]
        if weight_decay != 0:
            g = g + real(weight_decay) * param
        square_avg[...] = real(alpha) * square_avg + real(1.0 - alpha) * g * g  # forgets: not a sum
        if grad_avgs is not None:  # centered
            grad_avg = grad_avgs[t]
            grad_avg[...] = real(alpha) * grad_avg + real(1.0 - alpha) * g
            # E[g²] - E[g]² estimates the gradient's variance rather than its raw second moment.
            denom = np.sqrt(square_avg - grad_avg * grad_avg) + real(eps)
        else:
            denom = np.sqrt(square_avg) + real(eps)
        if momentum_buffers is not None:  # momentum > 0
            buf = momentum_buffers[t]
            buf[...] = real(momentum) * buf + g / denom
            param -= real(lr) * buf
        else:
            param -= real(lr) * g / denom


@kernel(rmsprop_numpy)
def rmsprop(params, grads, square_avgs, grad_avgs, momentum_buffers, lr, alpha, eps, weight_decay,
            momentum, maximize):  # fmt: skip
    """One RMSprop step as a loop over each parameter's weights, in place (compiled by numba)."""
    chunks = weight_chunks(params)  # the threads share chunks of every parameter (see _jit.py)
    for c in prange(len(chunks[0])):
        t, first, last = chunks[0][c], chunks[1][c], chunks[2][c]  # weights first:last of param t
        param = params[t][first:last]
        grad = grads[t][first:last]
        square_avg = square_avgs[t][first:last]
        if grad_avgs is not None:  # centered (see sgd.py on None)
            grad_avg = grad_avgs[t][first:last]
        if momentum_buffers is not None:  # momentum > 0
            buf = momentum_buffers[t][first:last]
        real = param.dtype.type
        lr_ = real(lr)
        a = real(alpha)
        one_minus_a = real(1.0 - alpha)
        eps_ = real(eps)
        l2 = real(weight_decay)
        mu = real(momentum)
        for i in indices(param.size):
            g = -grad[i] if maximize else grad[i]
            if weight_decay != 0:
                g = g + l2 * param[i]
            square_avg[i] = a * square_avg[i] + one_minus_a * g * g
            if grad_avgs is not None:
                grad_avg[i] = a * grad_avg[i] + one_minus_a * g
                denom = np.sqrt(square_avg[i] - grad_avg[i] * grad_avg[i]) + eps_
            else:
                denom = np.sqrt(square_avg[i]) + eps_
            if momentum_buffers is not None:
                buf[i] = mu * buf[i] + g / denom
                param[i] -= lr_ * buf[i]
            else:
                param[i] -= lr_ * g / denom


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
    ``momentum_buffer`` only if momentum > 0 and ``grad_avg`` only if centered. ``foreach`` is
    accepted and changes nothing (minigrad has one implementation).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):  # fmt: skip
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                        centered=centered, maximize=maximize)  # fmt: skip
        super().__init__(params, defaults, foreach, None, differentiable, capturable)

    def check_group(self, group):
        for name in ("eps", "weight_decay", "momentum"):
            check_non_negative(self._name, name, group[name])
        if not 0 <= group["alpha"] <= 1:
            raise ValueError(f"{self._name}: alpha must be in [0, 1], got {group['alpha']!r}")

    def init_state(self, group, data):
        """square_avg; momentum_buffer with momentum; grad_avg if centered: zeros shaped like θ."""
        names = ["square_avg"] + ["momentum_buffer"] * (group["momentum"] > 0)
        return {name: zeros_like(data) for name in names + ["grad_avg"] * bool(group["centered"])}

    def update(self, group, batch):
        """One step of ``rmsprop`` (above) for the batch, with this group's settings."""
        centered, momentum = bool(group["centered"]), float(group["momentum"])
        rmsprop(
            params=batch.params,
            grads=batch.grads,
            square_avgs=batch.state("square_avg"),
            grad_avgs=batch.state("grad_avg") if centered else None,
            momentum_buffers=batch.state("momentum_buffer") if momentum > 0 else None,
            lr=float(group["lr"]),
            alpha=float(group["alpha"]),
            eps=float(group["eps"]),
            weight_decay=float(group["weight_decay"]),
            momentum=momentum,
            maximize=bool(group["maximize"]),
        )
