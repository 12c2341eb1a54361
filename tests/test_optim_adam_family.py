"""Adam, AMSGrad, AdamW, Adamax and NAdam against hand-written references of PyTorch's documented
rules, option by option, plus their first-step special cases and closed forms."""

import math

import numpy as np
import pytest
from optim_helpers import (
    RTOL,
    Param,
    as_float64,
    assert_float32_as_accurate_as_rounding_allows,
    gradient_sequence,
    initial_values,
    run,
)

from minigrad.optim import Adam, Adamax, AdamW, NAdam

# --- references: the documented pseudocode, one parameter, float64 --------------------------


def adam_reference(theta, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                   amsgrad=False, maximize=False, decoupled_weight_decay=False):  # fmt: skip
    """torch.optim.Adam / AdamW; returns θ_T and the final state."""
    beta1, beta2 = betas
    m = v = v_max = np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        if weight_decay != 0:
            if decoupled_weight_decay:
                theta = theta - lr * weight_decay * theta
            else:
                g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        if amsgrad:
            v_max = np.maximum(v_max, v)
            v_hat = v_max / (1 - beta2**t)
        else:
            v_hat = v / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    state = {"exp_avg": m, "exp_avg_sq": v}
    if amsgrad:
        state["max_exp_avg_sq"] = v_max
    return theta, state


def adamw_reference(theta, grads, weight_decay=1e-2, **options):
    return adam_reference(theta, grads, weight_decay=weight_decay, decoupled_weight_decay=True,
                          **options)  # fmt: skip


def adamax_reference(theta, grads, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                     maximize=False):  # fmt: skip
    """torch.optim.Adamax; returns θ_T and the final state."""
    beta1, beta2 = betas
    m = u = np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        if weight_decay != 0:
            g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        u = np.maximum(beta2 * u, np.abs(g) + eps)
        theta = theta - lr * m / ((1 - beta1**t) * u)
    return theta, {"exp_avg": m, "exp_inf": u}


def nadam_reference(theta, grads, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                    momentum_decay=4e-3, decoupled_weight_decay=False, maximize=False):  # fmt: skip
    """torch.optim.NAdam; returns θ_T and the final state (with the product of the μ_i)."""
    beta1, beta2 = betas
    m = v = np.zeros_like(theta)
    mu = [None] + [
        beta1 * (1 - 0.5 * 0.96 ** (i * momentum_decay)) for i in range(1, len(grads) + 2)
    ]
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        if weight_decay != 0:
            if decoupled_weight_decay:
                theta = theta - lr * weight_decay * theta
            else:
                g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = mu[t + 1] * m / (1 - math.prod(mu[1 : t + 2])) + (1 - mu[t]) * g / (
            1 - math.prod(mu[1 : t + 1])
        )
        v_hat = v / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta, {"exp_avg": m, "exp_avg_sq": v, "mu_product": math.prod(mu[1 : len(grads) + 1])}


CASES = [
    (Adam, adam_reference, {}),
    (Adam, adam_reference, {"lr": 0.01, "weight_decay": 0.1}),
    (Adam, adam_reference, {"lr": 0.01, "amsgrad": True}),
    (Adam, adam_reference, {"lr": 0.01, "maximize": True}),
    (Adam, adam_reference, {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-3}),
    (Adam, adam_reference, {"lr": 0.01, "decoupled_weight_decay": True, "weight_decay": 0.2}),
    (Adam, adam_reference, {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True, "maximize": True}),
    (AdamW, adamw_reference, {}),
    (AdamW, adamw_reference, {"lr": 0.01, "weight_decay": 0.3}),
    (AdamW, adamw_reference, {"lr": 0.01, "amsgrad": True, "maximize": True}),
    (Adamax, adamax_reference, {}),
    (Adamax, adamax_reference, {"lr": 0.01, "weight_decay": 0.1}),
    (Adamax, adamax_reference, {"lr": 0.01, "maximize": True, "eps": 1e-3}),
    (NAdam, nadam_reference, {}),
    (NAdam, nadam_reference, {"lr": 0.01, "weight_decay": 0.1}),
    (NAdam, nadam_reference, {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    (NAdam, nadam_reference, {"lr": 0.01, "momentum_decay": 0.1, "maximize": True}),
]


def case_id(case):
    cls, _, options = case
    return cls.__name__ + ":" + (",".join(options) or "defaults")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_matches_reference_for_100_steps(case, dtype):
    cls, reference, options = case
    init, grads = initial_values(), gradient_sequence()
    params, opt = run(lambda ps: cls(ps, **options), dtype, init, grads)
    rtol = RTOL[dtype]
    for k, (p, theta0) in enumerate(zip(params, as_float64(init, dtype))):
        theta, state = reference(theta0, as_float64([g[k] for g in grads], dtype), **options)
        assert p.data.dtype == dtype
        np.testing.assert_allclose(p.data, theta, rtol=rtol)
        assert int(opt.state[p]["step"]) == len(grads)
        assert set(opt.state[p]) == set(state) | {"step"}
        for name, expected in state.items():
            got = opt.state[p][name]
            assert np.asarray(got).dtype == (np.float64 if name == "mu_product" else dtype)
            # state buffers pass through zero, so their error is judged against their scale
            np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * np.abs(expected).max())


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_float32_is_as_accurate_as_float32_rounding_allows(case):
    # Constants such as 1 - β₂ formed in float32 would be off by up to 5e-5 relative: a bias
    # that made float32 Adam ~13x less accurate than a reference forming them in double.
    cls, reference, options = case
    assert_float32_as_accurate_as_rounding_allows(
        lambda ps: cls(ps, **options), lambda theta, grads: reference(theta, grads, **options)[0]
    )


@pytest.mark.parametrize("case", CASES[:7:6] + CASES[13:14], ids=case_id)
def test_parameters_skipped_on_some_steps_keep_their_own_bias_correction(case):
    # Parameter 1 has no gradient on every third step, so it takes fewer steps: its bias
    # corrections (and NAdam's μ product) must follow its own count, as in PyTorch.
    cls, reference, options = case
    init, grads = initial_values(), gradient_sequence(steps=30)
    params = [Param(x.copy()) for x in init]
    opt = cls(params, **options)
    for t, step_grads in enumerate(grads):
        for k, (p, g) in enumerate(zip(params, step_grads)):
            p.grad = None if (k == 1 and t % 3 == 0) else g.copy()
        opt.step()
    for k, p in enumerate(params):
        seen = [g[k] for t, g in enumerate(grads) if not (k == 1 and t % 3 == 0)]
        theta, _ = reference(init[k], seen, **options)
        np.testing.assert_allclose(p.data, theta, rtol=1e-10)
        assert int(opt.state[p]["step"]) == len(seen)


def test_adam_first_step_moves_every_weight_by_about_lr():
    # m̂_1 = g and v̂_1 = g², so the first step is lr·g / (|g| + ε) ≈ lr·sign(g), whatever |g|.
    rng = np.random.default_rng(5)
    g = rng.standard_normal(1000) * 10.0 ** rng.uniform(-2, 2, 1000)
    p = Param(np.zeros(1000), g.copy())
    Adam([p], lr=0.01).step()
    np.testing.assert_allclose(p.data, -0.01 * g / (np.abs(g) + 1e-8), rtol=1e-12)
    # |step| = lr (1 - ε/|g| + ...): within 1e-6 of lr for every |g| >= 0.01, a 4-decade range
    big = np.abs(g) >= 0.01
    assert big.sum() > 900
    np.testing.assert_allclose(np.abs(p.data[big]), 0.01, rtol=1e-6)


def test_amsgrad_keeps_the_largest_second_moment():
    # A big gradient then small ones: v decays, its running max does not, and the step uses the max.
    p = Param(np.zeros(1))
    opt = Adam([p], lr=0.1, amsgrad=True)
    for g in [10.0, 0.1, 0.1]:
        p.grad = np.array([g])
        opt.step()
    v1 = 0.001 * 100.0
    v3 = 0.999 * (0.999 * v1 + 0.001 * 0.01) + 0.001 * 0.01
    np.testing.assert_allclose(opt.state[p]["exp_avg_sq"], [v3], rtol=1e-14)
    np.testing.assert_allclose(opt.state[p]["max_exp_avg_sq"], [v1], rtol=1e-14)
    # first step: AMSGrad is plain Adam (the max of one value)
    a, b = (
        Param(np.zeros(3), np.array([1.0, -2.0, 3.0])),
        Param(np.zeros(3), np.array([1.0, -2.0, 3.0])),
    )
    Adam([a], lr=0.1, amsgrad=True).step()
    Adam([b], lr=0.1).step()
    np.testing.assert_array_equal(a.data, b.data)


def test_adamw_decays_weights_independently_of_the_gradient_scale():
    # With a zero gradient Adam's update is 0/(0+ε) = 0: only the decay acts, by (1 - lr·λ).
    p = Param(np.array([2.0, -4.0]), np.zeros(2))
    opt = AdamW([p], lr=0.1, weight_decay=0.5)
    for _ in range(3):
        opt.step()
    np.testing.assert_allclose(p.data, np.array([2.0, -4.0]) * (1 - 0.05) ** 3, rtol=1e-14)
    assert opt.defaults["weight_decay"] == 1e-2 or AdamW([Param(np.zeros(1))]).defaults[
        "weight_decay"
    ] == pytest.approx(1e-2)


def test_adamax_first_step_and_infinity_norm():
    p = Param(np.zeros(2), np.array([4.0, -0.5]))
    opt = Adamax([p], lr=0.1)
    opt.step()  # m = 0.1 g, u = |g| + ε, θ = -lr m / (0.1 u)
    np.testing.assert_allclose(opt.state[p]["exp_inf"], np.abs([4.0, -0.5]) + 1e-8, rtol=1e-15)
    np.testing.assert_allclose(p.data, -0.1 * np.array([4.0, -0.5]) / (np.abs([4.0, -0.5]) + 1e-8))
    p.grad = np.array([1.0, 1.0])
    opt.step()  # the max remembers the 4 (decayed by β₂) but takes the new 1 over 0.5·β₂
    np.testing.assert_allclose(opt.state[p]["exp_inf"], [0.999 * (4 + 1e-8), 1 + 1e-8], rtol=1e-15)


def test_nadam_momentum_decay_product_and_first_step():
    beta1, psi = 0.9, 4e-3
    mus = [beta1 * (1 - 0.5 * 0.96 ** (t * psi)) for t in (1, 2, 3, 4)]
    g = np.array([0.5, -2.0])
    p = Param(np.zeros(2), g.copy())
    opt = NAdam([p], lr=0.1)
    opt.step()
    assert float(opt.state[p]["mu_product"]) == pytest.approx(mus[0], rel=1e-15)
    # first step: m_1 = (1-β₁) g, v̂_1 = g²
    m_hat = mus[1] * 0.1 * g / (1 - mus[0] * mus[1]) + (1 - mus[0]) * g / (1 - mus[0])
    np.testing.assert_allclose(p.data, -0.1 * m_hat / (np.abs(g) + 1e-8), rtol=1e-12)
    for _ in range(3):
        p.grad = g.copy()
        opt.step()
    assert float(opt.state[p]["mu_product"]) == pytest.approx(math.prod(mus), rel=1e-14)


# --- resuming, errors, edge cases -----------------------------------------------------------


@pytest.mark.parametrize("cls, options", [
    (Adam, {"amsgrad": True, "weight_decay": 0.01}), (AdamW, {}), (Adamax, {}), (NAdam, {}),
], ids=lambda x: getattr(x, "__name__", ""))  # fmt: skip
def test_state_dict_round_trip_mid_training_resumes_bit_for_bit(cls, options):
    init, grads = initial_values(), gradient_sequence(steps=20)
    params = [Param(x.copy()) for x in init]
    opt = cls(params, lr=0.01, **options)
    for step_grads in grads[:10]:
        for p, g in zip(params, step_grads):
            p.grad = g.copy()
        opt.step()
    saved, saved_values = opt.state_dict(), [p.data.copy() for p in params]
    for step_grads in grads[10:]:
        for p, g in zip(params, step_grads):
            p.grad = g.copy()
        opt.step()
    fresh = [Param(x) for x in saved_values]
    resumed = cls(fresh)
    resumed.load_state_dict(saved)
    for step_grads in grads[10:]:
        for p, g in zip(fresh, step_grads):
            p.grad = g.copy()
        resumed.step()
    for p, q in zip(params, fresh):
        np.testing.assert_array_equal(p.data, q.data)
        for name in opt.state[p]:
            np.testing.assert_array_equal(opt.state[p][name], resumed.state[q][name])


@pytest.mark.parametrize("cls", [Adam, AdamW, Adamax, NAdam])
@pytest.mark.parametrize("kwargs, message", [
    ({"lr": -1e-3}, "lr must be >= 0, got -0.001"),
    ({"eps": -1e-8}, "eps must be >= 0, got -1e-08"),
    ({"betas": (1.0, 0.999)}, r"betas\[0\] must be in \[0, 1\), got 1.0"),
    ({"betas": (0.9, -0.1)}, r"betas\[1\] must be in \[0, 1\), got -0.1"),
    ({"betas": 0.9}, r"betas must be a pair \(beta1, beta2\), got 0.9"),
    ({"weight_decay": -0.1}, "weight_decay must be >= 0, got -0.1"),
])  # fmt: skip
def test_bad_hyper_parameters_raise_at_construction(cls, kwargs, message):
    with pytest.raises(ValueError, match=f"{cls.__name__}: {message}"):
        cls([Param(np.zeros(2))], **kwargs)


def test_nadam_negative_momentum_decay_raises():
    with pytest.raises(ValueError, match="NAdam: momentum_decay must be >= 0, got -0.004"):
        NAdam([Param(np.zeros(2))], momentum_decay=-4e-3)


def test_amsgrad_switched_on_after_the_first_step_raises():
    p = Param(np.zeros(2), np.ones(2))
    opt = Adam([p])
    opt.step()
    opt.param_groups[0]["amsgrad"] = True
    with pytest.raises(ValueError, match="Adam: the option that needs state 'max_exp_avg_sq'"):
        opt.step()


@pytest.mark.parametrize("cls", [Adam, AdamW, Adamax, NAdam])
def test_non_finite_gradient_propagates(cls):
    p = Param(np.ones(3), np.array([np.nan, 1.0, 1.0]))
    opt = cls([p])
    opt.step()
    assert np.isnan(p.data[0]) and np.all(np.isfinite(p.data[1:]))
    assert np.isnan(opt.state[p]["exp_avg"][0])


def test_defaults_and_signatures_are_torchs():
    p = [Param(np.zeros(1))]
    assert Adam(p).defaults == dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                                    amsgrad=False, maximize=False, decoupled_weight_decay=False)  # fmt: skip
    assert AdamW(p).defaults["weight_decay"] == 1e-2
    assert AdamW(p).defaults["decoupled_weight_decay"] is True
    assert Adamax(p).defaults == dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                                      maximize=False)  # fmt: skip
    assert NAdam(p).defaults == dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                                     momentum_decay=4e-3, decoupled_weight_decay=False,
                                     maximize=False)  # fmt: skip
    Adam(p, 0.1, (0.8, 0.9), 1e-6, 0.0, True)  # positional as in torch, up to amsgrad
    with pytest.raises(TypeError):
        Adam(p, 0.1, (0.8, 0.9), 1e-6, 0.0, True, True)  # maximize is keyword-only
