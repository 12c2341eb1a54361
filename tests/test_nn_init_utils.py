"""nn.init against the distributions' closed-form bounds and moments; nn.utils against numpy."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import init


@pytest.mark.parametrize(
    "nonlinearity, param, gain",
    [
        ("linear", None, 1.0),
        ("sigmoid", None, 1.0),
        ("tanh", None, 5 / 3),
        ("relu", None, math.sqrt(2)),
        ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
        ("leaky_relu", 0.2, math.sqrt(2 / 1.04)),
        ("selu", None, 0.75),
    ],
)
def test_calculate_gain_follows_pytorchs_table(nonlinearity, param, gain):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(gain, rel=1e-12)


def test_calculate_gain_rejects_an_unknown_nonlinearity():
    with pytest.raises(ValueError, match="calculate_gain: unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")


def uniform_moments_ok(w, bound):
    """U(-b, b): every value inside, the extremes reached, std b / sqrt(3)."""
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.98 * bound
    np.testing.assert_allclose(w.std(), bound / math.sqrt(3), rtol=0.03)


def test_xavier_and_kaiming_uniform_bounds():
    mg.manual_seed(0)
    w = nn.Parameter(np.zeros((300, 200), dtype=np.float32))
    assert init.xavier_uniform_(w, gain=2.0) is w
    uniform_moments_ok(w.data, 2.0 * math.sqrt(6 / 500))
    init.kaiming_uniform_(w, nonlinearity="relu")
    uniform_moments_ok(w.data, math.sqrt(3) * math.sqrt(2) / math.sqrt(200))
    init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu")
    uniform_moments_ok(w.data, math.sqrt(3) * math.sqrt(2) / math.sqrt(300))


def test_xavier_and_kaiming_normal_std():
    mg.manual_seed(1)
    w = mg.zeros(400, 300)
    init.xavier_normal_(w)
    np.testing.assert_allclose(w.data.std(), math.sqrt(2 / 700), rtol=0.02)
    init.kaiming_normal_(w, a=0.1)
    np.testing.assert_allclose(w.data.std(), math.sqrt(2 / 1.01) / math.sqrt(300), rtol=0.02)
    assert abs(w.data.mean()) < 0.01 * w.data.std()  # 120,000 draws: standard error 0.003 std


def test_fans_include_the_receptive_field():
    mg.manual_seed(2)
    w = mg.zeros(64, 16, 3, 3)  # a conv weight: fan_in = 16 * 9, fan_out = 64 * 9
    init.xavier_uniform_(w)
    uniform_moments_ok(w.data, math.sqrt(6 / (16 * 9 + 64 * 9)))


def test_simple_fills():
    w = mg.zeros(3, 4)
    init.constant_(w, 0.25)
    np.testing.assert_array_equal(w.data, 0.25)
    init.ones_(w)
    np.testing.assert_array_equal(w.data, 1.0)
    init.zeros_(w)
    np.testing.assert_array_equal(w.data, 0.0)
    mg.manual_seed(3)
    big = mg.zeros(100, 100)
    init.uniform_(big, -2.0, 4.0)
    assert big.data.min() >= -2.0 and big.data.max() < 4.0
    np.testing.assert_allclose(big.data.mean(), 1.0, atol=0.05)
    init.normal_(big, mean=3.0, std=0.5)
    np.testing.assert_allclose([big.data.mean(), big.data.std()], [3.0, 0.5], rtol=0.02)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 2, 3)])
def test_orthogonal_gives_orthonormal_rows_or_columns(shape):
    mg.manual_seed(4)
    w = mg.zeros(*shape)
    init.orthogonal_(w, gain=2.0)
    flat = w.data.reshape(shape[0], -1).astype(np.float64)
    small = min(flat.shape)
    gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-5)


def test_init_errors_name_the_function():
    with pytest.raises(ValueError, match=r"xavier_uniform_: fan in and fan out need a tensor with at least 2 dims, got shape \(3,\)"):
        init.xavier_uniform_(mg.zeros(3))
    with pytest.raises(ValueError, match="kaiming_normal_: mode must be 'fan_in' or 'fan_out', got 'fan'"):
        init.kaiming_normal_(mg.zeros(2, 2), mode="fan")


def test_apply_with_init_reinitialises_every_linear():
    model = nn.MLP([3, 4, 2])

    def init_weights(m):
        if isinstance(m, nn.Linear):
            init.zeros_(m.bias)
            init.constant_(m.weight, 0.5)

    model.apply(init_weights)
    for name, p in model.named_parameters():
        np.testing.assert_array_equal(p.data, 0.0 if name.endswith("bias") else 0.5)


# ----- nn.utils -----
def params_with_grads(grads):
    params = [nn.Parameter(np.zeros_like(g)) for g in grads]
    for p, g in zip(params, grads):
        p.grad = g.copy()
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_clip_grad_norm_scales_all_gradients_by_one_factor(norm_type):
    grads = [np.array([3.0, -4.0], dtype=np.float32), np.array([[12.0]], dtype=np.float32)]
    flat = np.concatenate([g.ravel() for g in grads])
    norm = np.linalg.norm(flat, ord=norm_type)
    params = params_with_grads(grads)
    total = nn.utils.clip_grad_norm_(params, max_norm=1.0, norm_type=norm_type)
    np.testing.assert_allclose(total.item(), norm, rtol=1e-6)
    factor = 1.0 / (norm + 1e-6)
    for p, g in zip(params, grads):
        np.testing.assert_allclose(p.grad, g * factor, rtol=1e-6)


def test_clip_grad_norm_leaves_small_gradients_alone_and_skips_missing_ones():
    params = params_with_grads([np.array([0.3, 0.4])])
    params.append(nn.Parameter(np.zeros(2)))  # no grad yet
    total = nn.utils.clip_grad_norm_(params, max_norm=5.0)
    np.testing.assert_allclose(total.item(), 0.5)
    np.testing.assert_allclose(params[0].grad, [0.3, 0.4])


def test_clip_grad_norm_can_refuse_a_non_finite_norm():
    params = params_with_grads([np.array([np.inf, 1.0])])
    with pytest.raises(RuntimeError, match="clip_grad_norm_: the total norm of order 2.0 of the gradients is inf"):
        nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)


def test_clip_grad_value_clamps_each_entry():
    params = params_with_grads([np.array([-3.0, 0.5, 2.0])])
    nn.utils.clip_grad_value_(params, 1.0)
    np.testing.assert_array_equal(params[0].grad, [-1.0, 0.5, 1.0])


def test_parameters_to_vector_and_back():
    model = nn.Linear(3, 2)
    vec = nn.utils.parameters_to_vector(model.parameters())
    expected = np.concatenate([model.weight.data.ravel(), model.bias.data])
    np.testing.assert_array_equal(vec.data, expected)
    (vec * mg.tensor(np.arange(8, dtype=np.float32))).sum().backward()
    np.testing.assert_array_equal(model.weight.grad.ravel(), np.arange(6))  # differentiable
    nn.utils.vector_to_parameters(np.arange(8, dtype=np.float32), model.parameters())
    np.testing.assert_array_equal(model.bias.data, [6.0, 7.0])
    with pytest.raises(ValueError, match=r"vector_to_parameters: vec must have shape \(8,\)"):
        nn.utils.vector_to_parameters(np.zeros(3), model.parameters())
