"""Losses with reduction=, class weights, ignore_index and label smoothing, against numpy references."""

import numpy as np
import pytest
from helpers import away_from, check_op

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

rng = np.random.default_rng(5)


def reduce(values, reduction):
    return {"mean": np.mean, "sum": np.sum, "none": np.asarray}[reduction](values)


def log_softmax_reference(x):
    m = x.max(axis=1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))


REGRESSION = [
    (F.mse_loss, nn.MSELoss, {}, lambda d: d**2),
    (F.l1_loss, nn.L1Loss, {}, np.abs),
    (F.smooth_l1_loss, nn.SmoothL1Loss, {"beta": 0.5},
     lambda d: np.where(np.abs(d) < 0.5, 0.5 * d**2 / 0.5, np.abs(d) - 0.25)),
    (F.huber_loss, nn.HuberLoss, {"delta": 0.5},
     lambda d: np.where(np.abs(d) <= 0.5, 0.5 * d**2, 0.5 * (np.abs(d) - 0.25))),
]


@pytest.mark.parametrize("fn, module, options, elementwise", REGRESSION)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses_match_their_formulas_with_every_reduction(
    fn, module, options, elementwise, reduction
):
    target = rng.standard_normal((4, 3))
    # keep the difference away from the kinks (|d| = 0 and |d| = 0.5), where gradients jump
    x = target + away_from(rng.standard_normal((4, 3)), [0.0, 0.5, -0.5])
    check_op(
        lambda t: fn(t, mg.tensor(target), reduction=reduction, **options),
        lambda t: reduce(elementwise(t - target), reduction),
        [x],
        dtype32=np.float64,  # the float64 target promotes a float32 input, as in numpy
    )
    loss = module(reduction=reduction, **options)(mg.tensor(x), mg.tensor(target))
    np.testing.assert_allclose(loss.data, reduce(elementwise(x - target), reduction), rtol=1e-12)


def test_smooth_l1_with_beta_zero_is_l1():
    x, y = rng.standard_normal(5), rng.standard_normal(5)
    np.testing.assert_allclose(
        F.smooth_l1_loss(mg.tensor(x), mg.tensor(y), beta=0.0).item(), np.abs(x - y).mean()
    )


def test_huber_is_smooth_l1_times_delta():
    x, y = rng.standard_normal(6) * 3, rng.standard_normal(6)
    huber = F.huber_loss(mg.tensor(x), mg.tensor(y), delta=2.0).item()
    smooth = F.smooth_l1_loss(mg.tensor(x), mg.tensor(y), beta=2.0).item()
    np.testing.assert_allclose(huber, 2.0 * smooth, rtol=1e-12)


# ----- cross entropy with weight, ignore_index and label smoothing -----
def cross_entropy_reference(x, y, weight=None, ignore_index=-100, reduction="mean", eps=0.0):
    """PyTorch's documented rule: target q = (1 - eps) one_hot(y) + eps / C, l_n = -sum_c w_c q_nc
    log p_nc for samples not ignored; 'mean' divides by sum_n w_{y_n} over those samples."""
    n, c = x.shape
    w = np.ones(c) if weight is None else weight
    kept = y != ignore_index
    q = np.full((n, c), eps / c)
    q[np.arange(n)[kept], y[kept]] += 1 - eps
    losses = -(w * q * log_softmax_reference(x)).sum(axis=1) * kept
    if reduction == "mean":
        return losses.sum() / w[y[kept]].sum()
    return reduce(losses, reduction)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("use_weight", [False, True])
@pytest.mark.parametrize("eps", [0.0, 0.2])
@pytest.mark.parametrize("ignore", [False, True])
def test_cross_entropy_options_match_the_documented_formula(reduction, use_weight, eps, ignore):
    x = rng.standard_normal((6, 4))
    y = np.array([0, 3, 1, 2, 2, 0])
    if ignore:
        y[[1, 4]] = -1
    weight = np.array([0.5, 2.0, 1.0, 3.0]) if use_weight else None
    options = dict(
        weight=weight, ignore_index=-1 if ignore else -100, reduction=reduction, label_smoothing=eps
    )
    expected = cross_entropy_reference(x, y, weight, options["ignore_index"], reduction, eps)
    check_op(lambda t: F.cross_entropy(t, y, **options), lambda t: expected, [x])
    module = nn.CrossEntropyLoss(**options)
    np.testing.assert_allclose(module(mg.tensor(x), mg.tensor(y)).data, expected, rtol=1e-12)


def test_ignored_samples_get_no_gradient():
    x = mg.tensor(rng.standard_normal((3, 3)), requires_grad=True)
    F.cross_entropy(x, np.array([1, -100, 2]), label_smoothing=0.1).backward()
    np.testing.assert_array_equal(x.grad[1], 0.0)
    assert np.all(x.grad[[0, 2]] != 0)


def test_nll_loss_is_cross_entropy_of_log_softmax_and_nllloss_module_agrees():
    x = rng.standard_normal((5, 3))
    y = np.array([2, 0, 1, 1, 0])
    w = np.array([1.0, 0.5, 2.0])
    logp = F.log_softmax(mg.tensor(x), dim=1)
    expected = cross_entropy_reference(x, y, w)
    np.testing.assert_allclose(F.nll_loss(logp, y, weight=w).item(), expected, rtol=1e-12)
    np.testing.assert_allclose(nn.NLLLoss(weight=w)(logp, mg.tensor(y)).item(), expected, rtol=1e-12)
    per_sample = nn.NLLLoss(reduction="none")(logp, y).data
    np.testing.assert_allclose(per_sample, -log_softmax_reference(x)[np.arange(5), y], rtol=1e-12)


# ----- binary cross entropy -----
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_matches_the_formula_with_weight(reduction):
    p = rng.uniform(0.05, 0.95, (4, 2))
    y = rng.integers(0, 2, (4, 2)).astype(np.float64)
    w = rng.uniform(0.5, 2.0, (4, 2))
    expected = reduce(-w * (y * np.log(p) + (1 - y) * np.log(1 - p)), reduction)
    check_op(
        lambda t: F.binary_cross_entropy(t, mg.tensor(y), weight=mg.tensor(w), reduction=reduction),
        lambda t: expected,
        [p],
        dtype32=np.float64,
    )
    module = nn.BCELoss(weight=mg.tensor(w), reduction=reduction)
    np.testing.assert_allclose(module(mg.tensor(p), mg.tensor(y)).data, expected, rtol=1e-12)


def test_bce_clamps_each_log_at_minus_100_as_pytorch_does():
    loss = F.binary_cross_entropy(mg.tensor([0.0, 1.0]), mg.tensor([1.0, 0.0]), reduction="none")
    np.testing.assert_allclose(loss.data, [100.0, 100.0], rtol=1e-6)
    with pytest.raises(ValueError, match=r"binary_cross_entropy: input must be probabilities in \[0, 1\]"):
        F.binary_cross_entropy(mg.tensor([1.5]), mg.tensor([1.0]))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_with_logits_pos_weight_and_weight_match_the_naive_formula(reduction):
    x = rng.standard_normal((5, 3)) * 2
    y = rng.integers(0, 2, (5, 3)).astype(np.float64)
    pos_weight = np.array([1.0, 3.0, 0.5])
    w = rng.uniform(0.5, 2.0, (5, 3))
    s = 1 / (1 + np.exp(-x))
    expected = reduce(-w * (pos_weight * y * np.log(s) + (1 - y) * np.log(1 - s)), reduction)
    options = dict(weight=mg.tensor(w), pos_weight=mg.tensor(pos_weight), reduction=reduction)
    check_op(
        lambda t: F.binary_cross_entropy_with_logits(t, mg.tensor(y), **options),
        lambda t: expected,
        [x],
        dtype32=np.float64,
    )
    loss = nn.BCEWithLogitsLoss(**options)(mg.tensor(x), mg.tensor(y))
    np.testing.assert_allclose(loss.data, expected, rtol=1e-10)


def test_bce_with_logits_and_pos_weight_is_finite_at_extreme_logits():
    x = mg.tensor([1e4, -1e4, 0.0], requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(
        x, mg.tensor([0.0, 1.0, 1.0]), pos_weight=mg.tensor(2.0), reduction="none"
    )
    np.testing.assert_allclose(loss.data, [1e4, 2e4, 2 * np.log(2)], rtol=1e-6)
    loss.sum().backward()
    np.testing.assert_allclose(x.grad, [1.0, -2.0, -1.0], rtol=1e-6)  # (1 + (p-1)y) s - p y


# ----- reduction errors -----
@pytest.mark.parametrize(
    "call",
    [
        lambda: F.mse_loss(mg.zeros(2), mg.zeros(2), reduction="avg"),
        lambda: F.cross_entropy(mg.zeros(2, 3), np.array([0, 1]), reduction="avg"),
        lambda: nn.L1Loss(reduction="avg"),
    ],
)
def test_an_unknown_reduction_names_the_valid_ones(call):
    with pytest.raises(ValueError, match=r"reduction must be one of \('mean', 'sum', 'none'\), got 'avg'"):
        call()


def test_cross_entropy_argument_errors():
    with pytest.raises(ValueError, match=r"cross_entropy: weight must have one entry per class, shape \(3,\), got \(2,\)"):
        F.cross_entropy(mg.zeros(2, 3), np.array([0, 1]), weight=np.ones(2))
    with pytest.raises(ValueError, match=r"cross_entropy: label_smoothing must be in \[0, 1\], got 1.5"):
        F.cross_entropy(mg.zeros(2, 3), np.array([0, 1]), label_smoothing=1.5)


# ----- one_hot -----
def test_one_hot():
    out = F.one_hot(mg.tensor(np.array([0, 2, 1])))
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out.data, np.eye(3, dtype=np.int64)[[0, 2, 1]])
    assert F.one_hot(mg.tensor(np.array([[1], [0]])), num_classes=4).shape == (2, 1, 4)
    with pytest.raises(ValueError, match=r"one_hot: class values must lie in \[0, 2\), got values from 0 to 2"):
        F.one_hot(mg.tensor(np.array([0, 2])), num_classes=2)
    with pytest.raises(TypeError, match="one_hot: tensor must hold integer class indices, got dtype float32"):
        F.one_hot(mg.tensor([0.0, 1.0]))


# ----- weight and pos_weight are buffers, as in PyTorch -----
def _probabilities(n=4, c=3, seed=1):
    return np.random.default_rng(seed).uniform(0.1, 0.9, (n, c))


@pytest.mark.parametrize(
    "make, keys",
    [
        (lambda w, p: nn.CrossEntropyLoss(weight=w), ["weight"]),
        (lambda w, p: nn.NLLLoss(weight=w), ["weight"]),
        (lambda w, p: nn.BCELoss(weight=w), ["weight"]),
        (lambda w, p: nn.BCEWithLogitsLoss(weight=w, pos_weight=p), ["weight", "pos_weight"]),
    ],
    ids=["CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss"],
)
def test_loss_weights_are_buffers_in_state_dict_not_parameters(make, keys):
    w, p = np.array([0.5, 2.0, 1.0]), np.array([3.0, 1.0, 0.25])
    loss = make(mg.tensor(w), mg.tensor(p))
    state = loss.state_dict()
    assert list(state) == keys
    np.testing.assert_array_equal(state["weight"], w)
    if "pos_weight" in keys:
        np.testing.assert_array_equal(state["pos_weight"], p)
    assert [name for name, _ in loss.named_buffers()] == keys
    assert list(loss.parameters()) == []
    assert not loss.weight.requires_grad


def test_a_loaded_weight_is_the_one_the_loss_uses():
    x = mg.tensor(np.log(_probabilities()))
    y = mg.tensor([0, 2, 1, 2])
    loss = nn.NLLLoss(weight=mg.tensor([1.0, 1.0, 1.0]))
    new = np.array([0.5, 2.0, 4.0])
    loss.load_state_dict({"weight": new})
    np.testing.assert_array_equal(loss.weight.data, new)
    logp = x.data
    picked = -logp[np.arange(4), y.data] * new[y.data]
    np.testing.assert_allclose(loss(x, y).item(), picked.sum() / new[y.data].sum(), rtol=1e-12)


def test_a_loaded_pos_weight_is_the_one_the_loss_uses():
    x, y = np.array([0.3, -1.2, 2.0]), np.array([1.0, 0.0, 1.0])
    loss = nn.BCEWithLogitsLoss(pos_weight=mg.tensor([1.0, 1.0, 1.0]))
    loss.load_state_dict({"pos_weight": np.array([2.0, 5.0, 0.5])})
    s = 1 / (1 + np.exp(-x))
    expected = np.mean(-(np.array([2.0, 5.0, 0.5]) * y * np.log(s) + (1 - y) * np.log(1 - s)))
    np.testing.assert_allclose(loss(mg.tensor(x), mg.tensor(y)).item(), expected, rtol=1e-12)


def test_losses_without_weights_have_an_empty_state_dict():
    for loss in [nn.CrossEntropyLoss(), nn.NLLLoss(), nn.BCELoss(), nn.BCEWithLogitsLoss()]:
        assert loss.state_dict() == {} and loss.weight is None
        loss.load_state_dict({})


def test_a_numpy_weight_becomes_a_buffer_tensor():
    loss = nn.CrossEntropyLoss(weight=np.array([1.0, 3.0]))
    assert isinstance(loss.weight, mg.Tensor)
    np.testing.assert_array_equal(loss.state_dict()["weight"], [1.0, 3.0])
    logits, y = mg.tensor(np.array([[1.0, 2.0], [0.5, -0.5]])), mg.tensor([1, 0])
    logp = logits.data - np.log(np.exp(logits.data).sum(axis=1, keepdims=True))
    expected = -(3.0 * logp[0, 1] + 1.0 * logp[1, 0]) / 4.0
    np.testing.assert_allclose(loss(logits, y).item(), expected, rtol=1e-12)
