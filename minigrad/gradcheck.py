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

    out.backward(weights)
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
