"""Rprop (resilient backpropagation): steps from the gradient's sign, sizes adapted per weight.

Same layout as every algorithm file (see ``sgd.py``): numpy twin, numba loop, optimizer class.
"""

import numpy as np

from minigrad.optim._jit import indices, kernel, prange, weight_chunks
from minigrad.optim.optimizer import Optimizer, memory_order, zeros_like


def sign(x):
    """-1, 0 or 1 by the sign of ``x``, and 0 for nan, as torch.sign (numpy's sign(nan) is nan)."""
    return (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)


def rprop_numpy(params, grads, prevs, step_sizes, etaminus, etaplus, step_size_min, step_size_max,
                maximize):  # fmt: skip
    """One Rprop step in numpy, in place, for each parameter (the kernel's twin).

    ``prevs[t]`` holds the previous (possibly zeroed) gradient."""
    for t in range(len(params)):
        param, prev, step_size = params[t], prevs[t], step_sizes[t]
        real = param.dtype.type
        g = -grads[t] if maximize else grads[t]
        agreement = g * prev  # > 0: same sign as last step; < 0: the sign flipped, we overshot
        factor = np.where(agreement > 0, real(etaplus), np.where(agreement < 0, real(etaminus), 1))
        # Clamped on every step, even when the factor is 1 (so an initial lr outside the range is
        # pulled into it on the first step), as PyTorch does.
        np.clip(step_size * factor, real(step_size_min), real(step_size_max), out=step_size)
        # After a sign flip the weight does not move, and the zero stored in prev makes the next
        # step count as "no information" rather than as a second flip.
        g = np.where(agreement < 0, real(0), g)
        param -= step_size * sign(g)  # a nan gradient has sign 0: that weight does not move
        prev[...] = g


@kernel(rprop_numpy)
def rprop(params, grads, prevs, step_sizes, etaminus, etaplus, step_size_min, step_size_max,
          maximize):  # fmt: skip
    """One Rprop step as a loop over each parameter's weights, in place (compiled by numba)."""
    chunks = weight_chunks(params)  # the threads share chunks of every parameter (see _jit.py)
    for c in prange(len(chunks[0])):
        t, first, last = chunks[0][c], chunks[1][c], chunks[2][c]  # weights first:last of param t
        param = params[t][first:last]
        grad = grads[t][first:last]
        prev = prevs[t][first:last]
        step_size = step_sizes[t][first:last]
        real = param.dtype.type
        down = real(etaminus)
        up = real(etaplus)
        smallest = real(step_size_min)
        largest = real(step_size_max)
        zero, one = real(0), real(1)  # bare literals would promote the arithmetic to float64
        for i in indices(param.size):
            g = -grad[i] if maximize else grad[i]
            agreement = g * prev[i]
            if agreement > zero:
                factor = up
            elif agreement < zero:
                factor = down
                g = zero
            else:  # zero, or nan (a nan gradient): keep the step size
                factor = one
            step_size[i] = min(max(step_size[i] * factor, smallest), largest)
            if g > zero:
                param[i] -= step_size[i]
            elif g < zero:
                param[i] += step_size[i]
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
    the sign is reliable. As in PyTorch the step size is clamped to [Γ_min, Γ_max] on every step,
    and sign(nan) = 0: a weight whose gradient is nan does not move.
    ``foreach`` is accepted and changes nothing (minigrad has one implementation).
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False,
                 differentiable=False):  # fmt: skip
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, maximize=maximize)
        super().__init__(params, defaults, foreach, None, differentiable, capturable)

    def check_group(self, group):
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

    def init_state(self, group, data):
        """prev: zeros; step_size: lr everywhere; both shaped like θ."""
        step_size = np.full(data.shape, group["lr"], data.dtype, order=memory_order(data))
        return {"prev": zeros_like(data), "step_size": step_size}

    def update(self, group, batch):
        """One step of ``rprop`` (above) for the batch, with this group's settings."""
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        rprop(
            params=batch.params,
            grads=batch.grads,
            prevs=batch.state("prev"),
            step_sizes=batch.state("step_size"),
            etaminus=float(etaminus),
            etaplus=float(etaplus),
            step_size_min=float(step_size_min),
            step_size_max=float(step_size_max),
            maximize=bool(group["maximize"]),
        )
