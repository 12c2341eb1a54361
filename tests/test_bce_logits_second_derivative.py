"""binary_cross_entropy_with_logits has sigmoid'(x) as its second derivative, at x = 0 too."""

import numpy as np
import pytest

import minigrad as mg

F = mg.nn.functional


def first_derivative(x0, y, pos_weight):
    x = mg.tensor(np.array([x0]), requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, mg.tensor(np.array([y])), pos_weight=pos_weight)
    (grad,) = mg.autograd.grad(loss, [x], create_graph=True)
    return x, grad


@pytest.mark.parametrize("x0", [0.0, 0.3, -1.7])
@pytest.mark.parametrize("y, pos_weight", [(1.0, None), (0.0, None), (0.4, 3.0)])
def test_second_derivative_matches_finite_differences_of_the_first(x0, y, pos_weight):
    x, grad = first_derivative(x0, y, pos_weight)
    (second,) = mg.autograd.grad(grad.sum(), [x])
    h = 1e-6
    numeric = (
        first_derivative(x0 + h, y, pos_weight)[1].item()
        - first_derivative(x0 - h, y, pos_weight)[1].item()
    ) / (2 * h)
    sigmoid = 1 / (1 + np.exp(-x0))
    p = 1.0 if pos_weight is None else pos_weight
    closed_form = (1 + (p - 1) * y) * sigmoid * (1 - sigmoid)  # d2/dx2 of (1+(p-1)y) softplus(-x)
    np.testing.assert_allclose(second.item(), numeric, rtol=1e-6)
    np.testing.assert_allclose(second.item(), closed_form, rtol=1e-9)
