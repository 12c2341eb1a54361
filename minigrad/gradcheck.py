"""Check an op's gradients against central finite differences, in float64."""

import numpy as np

from .tensor import Tensor


class GradcheckError(AssertionError):
    """Raised by `gradcheck` when analytic and numerical gradients disagree."""


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0) -> bool:
    """Compare the engine's gradients of `fn(*inputs)` with central differences.

    The inputs are copied to float64 leaves. A non-scalar output is reduced to the scalar
    `sum(out * w)` with fixed random weights `w`, so every output element is checked. For each input
    element x_i the numerical derivative is (L(x_i + eps) - L(x_i - eps)) / (2 eps), and it must
    satisfy |analytic - numerical| <= atol + rtol * |numerical|. Returns True, or raises
    GradcheckError naming the worst element, both values and the input it belongs to.
    """
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError("gradcheck: inputs must be a non-empty list of tensors or arrays")
    leaves = [
        Tensor(
            np.array(x.data if isinstance(x, Tensor) else x, dtype=np.float64), requires_grad=True
        )
        for x in inputs
    ]
    out = fn(*leaves)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
    weights = np.random.default_rng(seed).uniform(0.5, 1.5, out.shape)

    def loss():
        return float(np.sum(fn(*leaves).data * weights))

    if out.requires_grad:
        out.backward(weights)
    # else the output does not depend on the inputs through the graph: its gradient is 0, and
    # the central differences below must confirm that
    for k, leaf in enumerate(leaves):
        analytic = np.zeros_like(leaf.data) if leaf.grad is None else leaf.grad
        numerical = np.zeros_like(leaf.data)
        flat = leaf.data.reshape(-1)  # a view: nudging it nudges the input
        for i in range(flat.size):
            original = flat[i]
            flat[i] = original + eps
            above = loss()
            flat[i] = original - eps
            below = loss()
            flat[i] = original
            numerical.reshape(-1)[i] = (above - below) / (2 * eps)
        excess = np.abs(analytic - numerical) - (atol + rtol * np.abs(numerical))
        if not np.all(excess <= 0):  # written so that a nan (never <= 0) fails too
            worst = np.unravel_index(np.argmax(excess), excess.shape)
            raise GradcheckError(
                f"gradcheck: input {k} (shape {leaf.shape}) at index {tuple(int(i) for i in worst)}:"
                f" analytic gradient {analytic[worst]:.8g} != numerical {numerical[worst]:.8g}"
                f" (atol={atol}, rtol={rtol})"
            )
    return True


def gradgradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0) -> bool:
    """Check second derivatives: `gradcheck` of fn's gradient, computed with `create_graph=True`.

    The gradient is taken of `sum(fn(*x) * w)` with fixed random weights `w`, and reduced to the
    scalar sum_k <grad_k, v_k> with fixed random `v_k`, so that every element of every input is
    checked in the direction of one Hessian-vector product, against central differences of the
    engine's own first-order gradient (itself checked against the function by `gradcheck`).
    """
    from .autograd import grad  # autograd sits on top of tensor; gradcheck is used by both

    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError("gradgradcheck: inputs must be a non-empty list of tensors or arrays")
    rng = np.random.default_rng(seed + 1)
    shapes = [np.shape(x.data if isinstance(x, Tensor) else x) for x in inputs]
    directions = [rng.uniform(0.5, 1.5, shape) for shape in shapes]

    def gradient_in_directions(*leaves):
        out = fn(*leaves)
        weights = np.random.default_rng(seed).uniform(0.5, 1.5, out.shape)
        if not out.requires_grad:
            return Tensor(np.zeros(()))
        grads = grad((out * weights).sum(), leaves, create_graph=True, allow_unused=True)
        total = Tensor(np.zeros(()))
        for g, v in zip(grads, directions):
            if g is not None:
                total = total + (g * v).sum()
        return total

    return gradcheck(gradient_in_directions, inputs, eps=eps, atol=atol, rtol=rtol, seed=seed)
