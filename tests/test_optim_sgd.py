"""SGD against a hand-written reference of PyTorch's documented rule, option by option."""

import numpy as np
import pytest
from optim_helpers import (
    ATOL,
    RTOL,
    Param,
    as_float64,
    assert_float32_as_accurate_as_rounding_allows,
    gradient_sequence,
    initial_values,
    run,
)

from minigrad.optim import SGD


def sgd_reference(theta, grads, lr, momentum=0.0, dampening=0.0, weight_decay=0.0,
                  nesterov=False, maximize=False):  # fmt: skip
    """torch.optim.SGD's pseudocode for one parameter; returns (θ_T, b_T)."""
    b = None
    for t, g in enumerate(grads, start=1):
        if maximize:  # maximising f is minimising -f: negate first, then the penalty
            g = -g
        if weight_decay != 0:
            g = g + weight_decay * theta
        if momentum != 0:
            b = g.copy() if t == 1 else momentum * b + (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        theta = theta - lr * g
    return theta, b


OPTIONS = [
    {},
    {"momentum": 0.9},
    {"momentum": 0.9, "dampening": 0.3},
    {"momentum": 0.9, "nesterov": True},
    {"weight_decay": 0.1},
    {"maximize": True},
    {"momentum": 0.8, "dampening": 0.5, "weight_decay": 0.2, "maximize": True},
    {"momentum": 0.9, "nesterov": True, "weight_decay": 0.05, "maximize": True},
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "plain")
def test_sgd_matches_reference_for_100_steps(options, dtype):
    init, grads = initial_values(), gradient_sequence()
    lr = 0.01
    params, opt = run(lambda ps: SGD(ps, lr=lr, **options), dtype, init, grads)
    for k, (p, theta0) in enumerate(zip(params, as_float64(init, dtype))):
        steps = as_float64([g[k] for g in grads], dtype)
        theta, b = sgd_reference(theta0, steps, lr, **options)
        assert p.data.dtype == dtype
        np.testing.assert_allclose(p.data, theta, rtol=RTOL[dtype], atol=ATOL[dtype])
        if options.get("momentum"):
            buf = opt.state[p]["momentum_buffer"]
            np.testing.assert_allclose(buf, b, rtol=RTOL[dtype], atol=RTOL[dtype] * np.abs(b).max())
        else:
            assert "momentum_buffer" not in opt.state[p]


def test_first_momentum_step_starts_the_buffer_at_the_gradient():
    # Not at zero (that would give (1 - dampening) g), and not scaled by dampening.
    p = Param(np.array([1.0, -2.0]))
    opt = SGD([p], lr=0.5, momentum=0.9, dampening=0.5, weight_decay=0.1)
    p.grad = np.array([0.3, 0.4])
    opt.step()
    g = np.array([0.3, 0.4]) + 0.1 * np.array([1.0, -2.0])
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"], g, rtol=1e-15)
    np.testing.assert_allclose(p.data, np.array([1.0, -2.0]) - 0.5 * g, rtol=1e-15)
    p.grad = np.array([0.3, 0.4])
    opt.step()  # now dampening applies: b2 = 0.9 b1 + 0.5 g2
    g2 = np.array([0.3, 0.4]) + 0.1 * (np.array([1.0, -2.0]) - 0.5 * g)
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"], 0.9 * g + 0.5 * g2, rtol=1e-15)


def test_nesterov_looks_ahead_along_the_buffer():
    p = Param(np.zeros(1))
    opt = SGD([p], lr=1.0, momentum=0.5, nesterov=True)
    p.grad = np.ones(1)
    opt.step()  # b = 1, step = g + 0.5 b = 1.5
    np.testing.assert_allclose(p.data, [-1.5])


def test_gradient_descent_on_a_quadratic_converges_at_the_condition_number_rate():
    # f(θ) = ½ θᵀAθ with eigenvalues μ=1 and L=κ=25 along rotated axes. With lr = 2 / (μ + L)
    # each step multiplies both eigen-components by exactly ±(κ - 1) / (κ + 1).
    kappa = 25.0
    angle = 0.3
    q = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    a = q @ np.diag([1.0, kappa]) @ q.T
    p = Param(q @ np.array([1.0, 1.0]))
    opt = SGD([p], lr=2 / (1 + kappa))
    norms = [np.linalg.norm(p.data)]
    for _ in range(30):
        p.grad = a @ p.data
        opt.step()
        norms.append(np.linalg.norm(p.data))
    rate = (kappa - 1) / (kappa + 1)
    np.testing.assert_allclose(np.array(norms[1:]) / np.array(norms[:-1]), rate, rtol=1e-9)
    # A smaller lr is slower: the rate is 1 - lr·μ.
    p2 = Param(q @ np.array([1.0, 0.0]))
    opt2 = SGD([p2], lr=0.02)
    for _ in range(10):
        p2.grad = a @ p2.data
        opt2.step()
    assert np.linalg.norm(p2.data) == pytest.approx((1 - 0.02) ** 10, rel=1e-9)


def test_heavy_ball_momentum_converges_at_the_square_root_condition_number_rate():
    # Polyak's tuning for curvatures in [μ, L]: lr = 4 / (√L + √μ)², momentum = ρ², where
    # ρ = (√κ - 1) / (√κ + 1). Its iteration matrix has eigenvalues of modulus exactly ρ
    # (a Jordan block at the extremes adds a factor t), against (κ - 1) / (κ + 1) for plain GD.
    kappa = 100.0
    a = np.diag(np.linspace(1.0, kappa, 6))
    rho = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    p = Param(np.ones(6))
    opt = SGD([p], lr=4 / (np.sqrt(kappa) + 1) ** 2, momentum=rho**2)
    norms = []
    for _ in range(200):
        p.grad = a @ p.data
        opt.step()
        norms.append(np.linalg.norm(p.data))
    rate = (norms[199] / norms[99]) ** (1 / 100)
    assert rho <= rate <= rho * (200 / 100) ** (1 / 100) * 1.001
    assert rate < 0.83 < (kappa - 1) / (kappa + 1)  # about 0.82 per step instead of GD's 0.98


def least_squares(batch_size, epochs, lr, seed=0):
    """Fit y = Xw by SGD on the mean squared error, visiting the data in shuffled batches."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((64, 3))
    w_true = np.array([1.5, -2.0, 0.5])
    y = x @ w_true
    w = Param(np.zeros(3))
    opt = SGD([w], lr=lr)
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            rows = order[start : start + batch_size]
            residual = x[rows] @ w.data - y[rows]
            w.grad = 2 * x[rows].T @ residual / len(rows)
            opt.step()
    return w.data, w_true


@pytest.mark.parametrize(
    "batch_size, epochs", [(64, 600), (8, 80), (1, 15)], ids=["batch", "mini-batch", "stochastic"]
)
def test_batch_mini_batch_and_stochastic_gradient_descent_all_fit_least_squares(batch_size, epochs):
    # One class: the batch size the loop feeds it decides which of the three it is. The data are
    # noise-free, so every variant converges to the exact weights, not just near them.
    w, w_true = least_squares(batch_size, epochs=epochs, lr=0.05)
    np.testing.assert_allclose(w, w_true, atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"lr": -0.1}, "SGD: lr must be >= 0, got -0.1"),
        ({"momentum": -0.5}, "SGD: momentum must be >= 0, got -0.5"),
        ({"dampening": -1}, "SGD: dampening must be >= 0, got -1"),
        ({"weight_decay": -1e-4}, "SGD: weight_decay must be >= 0, got -0.0001"),
        ({"nesterov": True}, "SGD: nesterov=True requires momentum > 0 and dampening = 0"),
        ({"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "got momentum=0.9, dampening=0.1"),
        ({"lr": float("nan")}, "SGD: lr must be >= 0, got nan"),
    ],
)
def test_bad_hyper_parameters_raise_at_construction(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        SGD([Param(np.zeros(2))], **kwargs)


def test_switching_momentum_on_after_the_first_step_raises_instead_of_indexing_nothing():
    p = Param(np.zeros(3), np.ones(3))
    opt = SGD([p], lr=0.1)
    opt.step()
    opt.param_groups[0]["momentum"] = 0.9
    with pytest.raises(ValueError, match="SGD: the option that needs state 'momentum_buffer'"):
        opt.step()


def test_defaults_are_torchs():
    opt = SGD([Param(np.zeros(1))])
    assert opt.defaults == dict(
        lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False
    )
    with pytest.raises(TypeError):
        SGD([Param(np.zeros(1))], 0.1, 0.9, 0, 0, False, True)  # maximize is keyword-only


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "plain")
def test_float32_is_as_accurate_as_float32_rounding_allows(options):
    assert_float32_as_accurate_as_rounding_allows(
        lambda ps: SGD(ps, lr=0.01, **options),
        lambda theta, grads: sgd_reference(theta, grads, lr=0.01, **options)[0],
    )
