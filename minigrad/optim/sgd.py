"""Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay.

Every algorithm file in minigrad.optim has the same three parts, in this order:

1. ``<name>_numpy``: the numpy twin, the update rule in vectorised numpy. Read this first.
2. ``<name>``: the same rule as plain loops, compiled by numba on first use (``@kernel(twin)``, see
   ``_jit.py``). It takes tuples of 1-D arrays, one entry per parameter (``params[t]``,
   ``grads[t]``, each state buffer), updates them in place, and loops over the parameters, then
   over each one's weights (``prange``: the iterations are independent). One call per batch of
   parameters instead of one per parameter, because a compiled call costs about a microsecond
   whatever its size. A buffer only an option uses (momentum_buffers) is None when it is off; the
   loop tests ``is not None`` on the argument, and numba compiles it without that branch. Scalar
   constants such as ``1 - beta`` are formed in double precision and cast once to the weights'
   dtype (``real = param.dtype.type``): float32 weights get float32 arithmetic as in PyTorch,
   without the bias a constant rounded in float32 would add. The loop has no bare numeric literal
   (a literal is float64 or int64 and would promote it to float64), and one assignment per line:
   numba 0.68's parallel compile lost the writes to arrays unpacked as
   ``param, grad = params[t], grads[t]`` (tests/test_optim_design.py catches it).
3. The optimizer class: constructor (torch.optim's signature and defaults, checks), the state
   each parameter needs (``init_state``), and ``update``, which calls the kernel by keyword.
"""

from minigrad.optim._jit import indices, kernel, prange, weight_chunks
from minigrad.optim.optimizer import Optimizer, check_non_negative, zeros_like


def sgd_numpy(params, grads, momentum_buffers, steps, lr, momentum, dampening, weight_decay,
              nesterov, maximize):  # fmt: skip
    """One SGD step in numpy, in place, for each parameter (the kernel's twin)."""
    for t in range(len(params)):
        param = params[t]
        real = param.dtype.type
        g = -grads[t] if maximize else grads[t]
        if weight_decay != 0:
            g = g + real(weight_decay) * param  # the gradient of (λ/2) |θ|²
        if momentum_buffers is not None:
            buf = momentum_buffers[t]
            if steps[t] == 1:
                buf[...] = g  # PyTorch starts the buffer at the gradient, not at zero
            else:
                buf[...] = real(momentum) * buf + real(1.0 - dampening) * g
            g = g + real(momentum) * buf if nesterov else buf
        param -= real(lr) * g


@kernel(sgd_numpy)
def sgd(params, grads, momentum_buffers, steps, lr, momentum, dampening, weight_decay, nesterov,
        maximize):  # fmt: skip
    """One SGD step as a loop over each parameter's weights, in place (compiled by numba)."""
    chunks = weight_chunks(params)  # the threads share chunks of every parameter (see _jit.py)
    for c in prange(len(chunks[0])):
        t, first, last = chunks[0][c], chunks[1][c], chunks[2][c]  # weights first:last of param t
        param = params[t][first:last]
        grad = grads[t][first:last]
        if momentum_buffers is not None:  # momentum != 0
            buf = momentum_buffers[t][first:last]
        real = param.dtype.type
        lr_ = real(lr)
        mu = real(momentum)
        l2 = real(weight_decay)
        one_minus_tau = real(1.0 - dampening)
        first_step = steps[t] == 1
        for i in indices(param.size):
            g = -grad[i] if maximize else grad[i]
            if weight_decay != 0:
                g = g + l2 * param[i]
            if momentum_buffers is not None:
                if first_step:
                    buf[i] = g
                else:
                    buf[i] = mu * buf[i] + one_minus_tau * g
                g = g + mu * buf[i] if nesterov else buf[i]
            param[i] -= lr_ * g


class SGD(Optimizer):
    r"""Gradient descent: batch, stochastic or mini-batch, decided by the batch the loader feeds.

    With gradient g_t of the loss at θ_{t-1} (negated if maximize), for each weight:

        g_t ← g_t + λ θ_{t-1}                      if weight_decay λ ≠ 0
        b_t ← g_t                                  on the first step, if momentum μ ≠ 0
        b_t ← μ b_{t-1} + (1 - τ) g_t              on later steps (τ = dampening)
        g_t ← g_t + μ b_t   (nesterov)   or   g_t ← b_t
        θ_t ← θ_{t-1} - γ g_t                      (γ = lr)

    ``foreach`` and ``fused`` are accepted and change nothing (minigrad has one implementation).
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None):  # fmt: skip
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize)  # fmt: skip
        super().__init__(params, defaults, foreach, fused, differentiable)

    def check_group(self, group):
        for name in ("momentum", "dampening", "weight_decay"):
            check_non_negative(self._name, name, group[name])
        if group["nesterov"] and (group["momentum"] == 0 or group["dampening"] != 0):
            raise ValueError(
                f"{self._name}: nesterov=True requires momentum > 0 and dampening = 0, got "
                f"momentum={group['momentum']!r}, dampening={group['dampening']!r}"
            )

    def init_state(self, group, data):
        """momentum_buffer (only with momentum): zeros shaped like θ, set to g at the first step."""
        return {"momentum_buffer": zeros_like(data)} if group["momentum"] != 0 else {}

    def update(self, group, batch):
        """One step of ``sgd`` (above) for the batch, with this group's settings."""
        momentum = float(group["momentum"])
        sgd(
            params=batch.params,
            grads=batch.grads,
            momentum_buffers=batch.state("momentum_buffer") if momentum != 0 else None,
            steps=batch.steps,
            lr=float(group["lr"]),
            momentum=momentum,
            dampening=float(group["dampening"]),
            weight_decay=float(group["weight_decay"]),
            nesterov=bool(group["nesterov"]),
            maximize=bool(group["maximize"]),
        )
