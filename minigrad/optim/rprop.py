"""Rprop (resilient backpropagation): steps from the gradient's sign, sizes adapted per weight.

Same layout as every algorithm file (see ``sgd.py``): numpy twin, numba loop, optimizer class.
"""

import numpy as np

from minigrad.optim._jit import kernel, prange
from minigrad.optim.optimizer import Optimizer, check_non_negative


def rprop_update_numpy(
    param, grad, prev, step_size, etaminus, etaplus, step_size_min, step_size_max, maximize
):
    """One Rprop step in numpy, in place. ``prev`` holds the previous (possibly zeroed) gradient."""
    real = param.dtype.type  # the arithmetic in the parameters' dtype, as in the kernel
    etaminus, etaplus = real(etaminus), real(etaplus)
    step_size_min, step_size_max = real(step_size_min), real(step_size_max)
    zero, one = real(0), real(1)
    g = -grad if maximize else grad
    agreement = g * prev  # > 0: same sign as last step; < 0: the sign flipped, we overshot
    factor = np.where(agreement > 0, etaplus, np.where(agreement < 0, etaminus, one))
    # Clamped on every step, even when the factor is 1 (so an initial lr outside the range is
    # pulled into it on the first step), as PyTorch does.
    step_size[...] = np.minimum(np.maximum(step_size * factor, step_size_min), step_size_max)
    # After a sign flip the weight does not move, and the zero stored in prev makes the next step
    # count as "no information" rather than as a second flip.
    g = np.where(agreement < 0, zero, g)
    param -= step_size * np.sign(g)
    prev[...] = g


@kernel(rprop_update_numpy)
def rprop_update(
    param, grad, prev, step_size, etaminus, etaplus, step_size_min, step_size_max, maximize
):
    """One Rprop step as a loop over the weights, in place (compiled by numba)."""
    real = param.dtype.type  # the arithmetic in the parameters' dtype: float32 stays float32
    etaminus, etaplus = real(etaminus), real(etaplus)
    step_size_min, step_size_max = real(step_size_min), real(step_size_max)
    zero, one = real(0), real(1)  # bare literals would promote the arithmetic to float64
    for i in prange(param.size):
        g = -grad[i] if maximize else grad[i]
        agreement = g * prev[i]
        if agreement > 0:
            factor = etaplus
        elif agreement < 0:
            factor = etaminus
            g = zero
        else:
            factor = one
        step_size[i] = min(max(step_size[i] * factor, step_size_min), step_size_max)
        param[i] -= step_size[i] * np.sign(g)
        prev[i] = g


class Rprop(Optimizer):
    r"""Rprop: move each weight by its own step size in the direction opposite its gradient's sign.

    With gradient g_t (negated if maximize) and g_prev (0 at the start), for each weight:

        if g_prev g_t > 0:   η_t ← min(η_{t-1} η₊, Γ_max)             (same sign: speed up)
        if g_prev g_t < 0:   η_t ← max(η_{t-1} η₋, Γ_min);  g_t ← 0   (sign flip: back off, wait)
        otherwise:           η_t ← η_{t-1}                             (η_0 = lr)
        θ_t ← θ_{t-1} - η_t sign(g_t)
        g_prev ← g_t

    The gradient's size is never used, only its sign; so Rprop suits full-batch training, where
    the sign is reliable. As in PyTorch the step size is clamped to [Γ_min, Γ_max] on every step.
    """

    state_buffers = {
        "prev": lambda group, data: np.zeros_like(data),
        "step_size": lambda group, data: np.full_like(data, group["lr"]),
    }

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), maximize=False):
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group):
        check_non_negative(self._name, "lr", group["lr"])
        etas = group["etas"]
        if not (isinstance(etas, (tuple, list)) and len(etas) == 2 and 0 < etas[0] < 1 < etas[1]):
            raise ValueError(
                f"{self._name}: etas must be (etaminus, etaplus) with "
                f"0 < etaminus < 1 < etaplus, got {etas!r}"
            )
        sizes = group["step_sizes"]
        if not (isinstance(sizes, (tuple, list)) and len(sizes) == 2 and 0 <= sizes[0] <= sizes[1]):
            raise ValueError(
                f"{self._name}: step_sizes must be (min, max) with 0 <= min <= max, got {sizes!r}"
            )

    def _update(self, group, param, grad, state, scalars, step):
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        rprop_update(
            param,
            grad,
            state["prev"],
            state["step_size"],
            float(etaminus),
            float(etaplus),
            float(step_size_min),
            float(step_size_max),
            bool(group["maximize"]),
        )
