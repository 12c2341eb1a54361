"""Losses in minigrad.nn.functional: values against closed forms, stability, gradients."""

import numpy as np
import pytest
from helpers import away_from, check_op

import minigrad as mg
import minigrad.nn.functional as F

rng = np.random.default_rng(77)


def log_softmax_reference(x):
    """Closed form with a float64 log-sum-exp, written independently of the engine."""
    x = np.asarray(x, dtype=np.float64)
    m = x.max(axis=1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))


# ----- mse_loss -----
@pytest.mark.parametrize("shape", [(5,), (4, 3), (2, 3, 2)])
def test_mse_loss(shape):
    target = rng.standard_normal(shape)
    check_op(
        lambda x: F.mse_loss(x, target),
        lambda x: np.mean((x - target) ** 2),
        [rng.standard_normal(shape)],
        dtype32=np.float64,  # target is a float64 array, which promotes as in numpy
    )
    check_op(
        lambda x, y: F.mse_loss(x, y), lambda x, y: np.mean((x - y) ** 2), [target, target + 1]
    )


def test_mse_loss_gradient_by_hand():
    x = mg.tensor([1.0, 2.0, 4.0], requires_grad=True)
    loss = F.mse_loss(x, mg.tensor([1.0, 0.0, 1.0]))
    np.testing.assert_allclose(loss.item(), (0 + 4 + 9) / 3, rtol=1e-6)
    loss.backward()
    np.testing.assert_allclose(x.grad, [0.0, 4 / 3, 2.0], rtol=1e-6)


# ----- cross_entropy -----
def test_cross_entropy_matches_the_closed_form():
    logits = rng.standard_normal((6, 4))
    targets = np.array([0, 3, 1, 1, 2, 0])
    expected = -log_softmax_reference(logits)[np.arange(6), targets].mean()
    check_op(lambda z: F.cross_entropy(z, targets), lambda z: expected, [logits])


def test_cross_entropy_gradient_is_softmax_minus_one_hot_over_n():
    logits = rng.standard_normal((5, 3))
    targets = np.array([2, 0, 1, 2, 2])
    z = mg.tensor(logits, requires_grad=True)
    F.cross_entropy(z, targets).backward()
    one_hot = np.eye(3)[targets]
    np.testing.assert_allclose(z.grad, (np.exp(log_softmax_reference(logits)) - one_hot) / 5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_with_extreme_logits_is_exact_and_finite(dtype):
    logits = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0], [1e4, 1e4, -1e4], [0.0, 0.0, 0.0]])
    targets = np.array([0, 0, 1, 2])
    # per row: -log_softmax = 0, 2e4, log 2, log 3
    expected = (0 + 2e4 + np.log(2) + np.log(3)) / 4
    z = mg.tensor(logits.astype(dtype), requires_grad=True)
    loss = F.cross_entropy(z, targets)
    assert loss.dtype == dtype
    np.testing.assert_allclose(loss.item(), expected, rtol=1e-6)
    loss.backward()
    assert np.all(np.isfinite(z.grad))
    softmax = np.array([[1, 0, 0], [0, 1, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(z.grad, (softmax - np.eye(3)[targets]) / 4, atol=1e-7)


def test_cross_entropy_accepts_integer_tensor_targets_and_all_int_dtypes():
    logits = rng.standard_normal((3, 4))
    expected = -log_softmax_reference(logits)[np.arange(3), [1, 2, 3]].mean()
    for targets in (mg.tensor(np.array([1, 2, 3])), np.array([1, 2, 3], dtype=np.uint8)):
        np.testing.assert_allclose(F.cross_entropy(mg.tensor(logits), targets).item(), expected)


# ----- binary_cross_entropy_with_logits -----
def naive_bce(x, y):
    s = 1 / (1 + np.exp(-x))
    return np.mean(-(y * np.log(s) + (1 - y) * np.log(1 - s)))


def test_bce_with_logits_matches_the_naive_formula_at_moderate_values():
    x = away_from(rng.uniform(-6, 6, (4, 5)), [0.0])
    y = rng.integers(0, 2, (4, 5)).astype(np.float64)
    check_op(
        lambda z: F.binary_cross_entropy_with_logits(z, y),
        lambda z: naive_bce(z, y),
        [x],
        dtype32=np.float64,
    )
    soft = rng.uniform(0, 1, (4, 5))  # soft labels too
    check_op(lambda z, t: F.binary_cross_entropy_with_logits(z, t), naive_bce, [x, soft])


def test_bce_with_logits_is_finite_and_exact_at_1e4():
    x = mg.tensor(np.array([1e4, -1e4, 1e4, -1e4]), requires_grad=True)
    y = np.array([1.0, 0.0, 0.0, 1.0])
    loss = F.binary_cross_entropy_with_logits(x, y)
    np.testing.assert_allclose(loss.item(), (0 + 0 + 1e4 + 1e4) / 4)
    loss.backward()
    np.testing.assert_allclose(x.grad, [0.0, 0.0, 0.25, -0.25])  # (sigmoid(x) - y) / n


def test_bce_with_logits_gradient_is_sigmoid_minus_target_everywhere_including_zero():
    xs = np.array([-3.0, -0.5, 0.0, 0.0, 0.5, 3.0])
    ys = np.array([1.0, 0.0, 1.0, 0.0, 0.3, 1.0])
    x = mg.tensor(xs, requires_grad=True)
    F.binary_cross_entropy_with_logits(x, ys).backward()
    np.testing.assert_allclose(x.grad, (1 / (1 + np.exp(-xs)) - ys) / 6, rtol=1e-12)


# ----- hinge_loss -----
def test_hinge_loss():
    y = np.where(rng.random(8) > 0.5, 1.0, -1.0)
    scores = rng.uniform(-2, 2, 8)
    scores = away_from(scores * y, [1.0]) * y  # keep margins away from the kink at 1
    check_op(
        lambda s: F.hinge_loss(s, y),
        lambda s: np.mean(np.maximum(0, 1 - y * s)),
        [scores],
        dtype32=np.float64,
    )


def test_hinge_loss_by_hand():
    s = mg.tensor([2.0, 0.5, -1.0], requires_grad=True)
    loss = F.hinge_loss(s, np.array([1.0, 1.0, 1.0]))
    np.testing.assert_allclose(loss.item(), (0 + 0.5 + 2.0) / 3)
    loss.backward()
    np.testing.assert_allclose(s.grad, [0.0, -1 / 3, -1 / 3])


def test_functional_reexports_the_activations():
    x = mg.tensor([-1.0, 2.0])
    np.testing.assert_array_equal(F.relu(x).data, [0.0, 2.0])
    np.testing.assert_allclose(F.tanh(x).data, np.tanh([-1.0, 2.0]), rtol=1e-6)
    np.testing.assert_allclose(F.sigmoid(x).data, 1 / (1 + np.exp([1.0, -2.0])), rtol=1e-6)
    np.testing.assert_allclose(F.leaky_relu(x, 0.1).data, [-0.1, 2.0], rtol=1e-6)
    np.testing.assert_allclose(F.softmax(x).data.sum(), 1.0, rtol=1e-6)
    np.testing.assert_allclose(F.log_softmax(x).data, np.log(F.softmax(x).data), rtol=1e-5)
