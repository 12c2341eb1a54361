"""Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay.

Every algorithm file in minigrad.optim has the same three parts, in this order:

1. ``<name>_update_numpy``: the numpy twin, the update rule in vectorised numpy. Read this first.
2. ``<name>_update``: the same rule as a plain loop over the weights, compiled by numba on first
   use (``@kernel(twin)``, see ``_jit.py``). Pure: flat 1-D arrays updated in place, scalar
   hyper-parameters, no objects, no allocation. A test holds it equal to the twin. Loop with
   ``prange`` (the iterations are independent; ``_jit.py`` explains when it runs in parallel).
   Float32 parameters get float32 arithmetic (as in PyTorch; 2-3x faster than float64): the
   class passes Python floats (cheap: making a numpy float32 scalar costs ~0.5 us, measured),
   the kernel (and its twin) converts them once, ``lr = real(lr)`` with ``real =
   param.dtype.type``, and the loop has no bare numeric literal (``one = real(1)``: a literal is
   float64 or int64 and would promote the whole expression to float64).
3. The optimizer class: constructor (torch.optim's signature and defaults, checks), the per-weight
   state it needs, and ``_update``, which turns the group's settings into kernel arguments.
"""

import numpy as np

from minigrad.optim._jit import kernel, prange
from minigrad.optim.optimizer import Optimizer, check_non_negative, optional_buffer


def sgd_update_numpy(
    param, grad, momentum_buffer, lr, momentum, dampening, weight_decay, nesterov, maximize, first
):
    """One SGD step in numpy, in place. ``first``: this is the parameter's first step."""
    real = param.dtype.type  # the arithmetic in the parameters' dtype, as in the kernel
    lr, momentum = real(lr), real(momentum)
    dampening, weight_decay = real(dampening), real(weight_decay)
    one = real(1)
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * param  # the gradient of the L2 penalty (weight_decay / 2) |param|^2
    if momentum != 0:
        if first:
            momentum_buffer[...] = g  # PyTorch starts the buffer at the gradient, not at zero
        else:
            momentum_buffer[...] = momentum * momentum_buffer + (one - dampening) * g
        g = g + momentum * momentum_buffer if nesterov else momentum_buffer
    param -= lr * g


@kernel(sgd_update_numpy)
def sgd_update(
    param, grad, momentum_buffer, lr, momentum, dampening, weight_decay, nesterov, maximize, first
):
    """One SGD step as a loop over the weights, in place (compiled by numba)."""
    real = param.dtype.type  # the arithmetic in the parameters' dtype: float32 stays float32
    lr, momentum = real(lr), real(momentum)
    dampening, weight_decay = real(dampening), real(weight_decay)
    one = real(1)
    for i in prange(param.size):
        g = -grad[i] if maximize else grad[i]
        if weight_decay != 0:
            g = g + weight_decay * param[i]
        if momentum != 0:
            if first:
                momentum_buffer[i] = g
            else:
                momentum_buffer[i] = momentum * momentum_buffer[i] + (one - dampening) * g
            g = g + momentum * momentum_buffer[i] if nesterov else momentum_buffer[i]
        param[i] -= lr * g


class SGD(Optimizer):
    r"""Gradient descent: batch, stochastic or mini-batch, decided by the batch the loader feeds.

    With gradient g_t of the loss at θ_{t-1} (negated if maximize), for each weight:

        g_t ← g_t + λ θ_{t-1}                      if weight_decay λ ≠ 0
        b_t ← g_t                                  on the first step, if momentum μ ≠ 0
        b_t ← μ b_{t-1} + (1 - τ) g_t              on later steps (τ = dampening)
        g_t ← g_t + μ b_t   (nesterov)   or   g_t ← b_t
        θ_t ← θ_{t-1} - γ g_t                      (γ = lr)
    """

    state_buffers = {
        "momentum_buffer": lambda group, data: np.zeros_like(data) if group["momentum"] else None
    }

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum=0,
        dampening=0,
        weight_decay=0,
        nesterov=False,
        *,
        maximize=False,
    ):
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_group(self, group):
        for name in ("lr", "momentum", "dampening", "weight_decay"):
            check_non_negative(self._name, name, group[name])
        if group["nesterov"] and (group["momentum"] == 0 or group["dampening"] != 0):
            raise ValueError(
                f"{self._name}: nesterov=True requires momentum > 0 and dampening = 0, got "
                f"momentum={group['momentum']!r}, dampening={group['dampening']!r}"
            )

    def _update(self, group, param, grad, state, scalars, step):
        sgd_update(
            param,
            grad,
            optional_buffer(self._name, state, "momentum_buffer", param, group["momentum"] != 0),
            float(group["lr"]),
            float(group["momentum"]),
            float(group["dampening"]),
            float(group["weight_decay"]),
            bool(group["nesterov"]),
            bool(group["maximize"]),
            step == 1,
        )
