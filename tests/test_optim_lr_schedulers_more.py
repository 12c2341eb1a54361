"""The warm-up, cyclic and combined schedulers against closed forms derived by hand from the
formulas PyTorch documents (no torch here): every lr of the sequence to 1e-12."""

import math

import numpy as np
import pytest
from optim_helpers import Param

from minigrad.optim import SGD, Adam
from minigrad.optim.lr_scheduler import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    LinearLR,
    OneCycleLR,
    PolynomialLR,
    ReduceLROnPlateau,
    SequentialLR,
)


def sgd(lr=0.1, **options):
    return SGD([Param(np.zeros(2))], lr=lr, **options)


def lr_sequence(scheduler, steps):
    """The lr after construction and after each of ``steps`` steps (get_last_lr and the group)."""
    lrs = []
    for _ in range(steps + 1):
        assert scheduler.get_last_lr() == [scheduler.optimizer.param_groups[0]["lr"]]
        lrs.append(scheduler.optimizer.param_groups[0]["lr"])
        scheduler.step()
    return lrs


def assert_sequence(got, want):
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_linear_lr_warms_up_linearly_then_holds():
    # lr(t) = 0.1 (0.25 + 0.75 min(t, 4) / 4)
    got = lr_sequence(LinearLR(sgd(), start_factor=0.25, end_factor=1.0, total_iters=4), 7)
    assert_sequence(got, [0.025, 0.04375, 0.0625, 0.08125, 0.1, 0.1, 0.1, 0.1])


def test_linear_lr_can_decay_too():
    got = lr_sequence(LinearLR(sgd(), start_factor=1.0, end_factor=0.5, total_iters=2), 3)
    assert_sequence(got, [0.1, 0.075, 0.05, 0.05])


def test_constant_lr_scales_until_total_iters():
    got = lr_sequence(ConstantLR(sgd(), factor=0.5, total_iters=3), 5)
    assert_sequence(got, [0.05, 0.05, 0.05, 0.1, 0.1, 0.1])


def test_polynomial_lr_decays_along_a_power_to_zero():
    # lr(t) = 0.1 (1 - min(t, 4) / 4)²
    got = lr_sequence(PolynomialLR(sgd(), total_iters=4, power=2.0), 5)
    assert_sequence(got, [0.1, 0.1 * 0.5625, 0.1 * 0.25, 0.1 * 0.0625, 0.0, 0.0])


def one_cycle_by_hand(t, phases):
    """The piecewise cosine of OneCycleLR: phases are (end_step, from, to)."""
    start = 0.0
    for i, (end, a, b) in enumerate(phases):
        if t <= end or i == len(phases) - 1:
            p = (t - start) / (end - start)
            return b + (a - b) * (1 + math.cos(math.pi * p)) / 2
        start = end


def test_one_cycle_lr_and_momentum_follow_the_two_cosine_phases():
    opt = sgd(momentum=0.9)
    scheduler = OneCycleLR(opt, max_lr=1.0, total_steps=10)  # pct_start 0.3: phase 1 ends at 2
    lrs, momenta = [], []
    for _ in range(10):
        lrs.append(opt.param_groups[0]["lr"])
        momenta.append(opt.param_groups[0]["momentum"])
        scheduler.step()
    initial, low = 1.0 / 25, 1.0 / 25 / 1e4
    assert_sequence(
        lrs, [one_cycle_by_hand(t, [(2, initial, 1.0), (9, 1.0, low)]) for t in range(10)]
    )
    assert_sequence(
        momenta, [one_cycle_by_hand(t, [(2, 0.95, 0.85), (9, 0.85, 0.95)]) for t in range(10)]
    )
    assert lrs[0] == pytest.approx(0.04) and lrs[2] == 1.0 and lrs[9] == pytest.approx(4e-6)
    with pytest.raises(ValueError, match="OneCycleLR: tried to step 11 times; total_steps is 10"):
        scheduler.step()


def test_one_cycle_three_phase_linear_cycles_adams_beta1():
    opt = Adam([Param(np.zeros(2))], lr=0.1, betas=(0.9, 0.99))
    scheduler = OneCycleLR(opt, max_lr=0.5, epochs=2, steps_per_epoch=5, pct_start=0.25,
                           anneal_strategy="linear", three_phase=True, div_factor=10)  # fmt: skip
    lrs, beta1s = [], []
    for _ in range(10):
        lrs.append(opt.param_groups[0]["lr"])
        beta1s.append(opt.param_groups[0]["betas"][0])
        assert opt.param_groups[0]["betas"][1] == 0.99
        scheduler.step()

    # phases end at 2.5 - 1 = 1.5, 2·2.5 - 2 = 3 and 9; linear from a to b at fraction p
    def linear(t, phases):
        start = 0.0
        for i, (end, a, b) in enumerate(phases):
            if t <= end or i == len(phases) - 1:
                return a + (b - a) * (t - start) / (end - start)
            start = end

    lr_phases = [(1.5, 0.05, 0.5), (3, 0.5, 0.05), (9, 0.05, 0.05 / 1e4)]
    assert_sequence(lrs, [linear(t, lr_phases) for t in range(10)])
    beta_phases = [(1.5, 0.95, 0.85), (3, 0.85, 0.95), (9, 0.95, 0.95)]
    assert_sequence(beta1s, [linear(t, beta_phases) for t in range(10)])


def test_cyclic_lr_triangular_by_hand():
    # up 2, down 3: x = t/5 mod 1, s = x/0.4 rising, (1 - x)/0.6 falling
    opt = sgd(momentum=0.9)
    scheduler = CyclicLR(opt, base_lr=0.1, max_lr=1.0, step_size_up=2, step_size_down=3)
    lrs, momenta = [], []
    for _ in range(11):
        lrs.append(opt.param_groups[0]["lr"])
        momenta.append(opt.param_groups[0]["momentum"])
        scheduler.step()
    s = [0, 0.5, 1, 2 / 3, 1 / 3] * 2 + [0]
    assert_sequence(lrs, [0.1 + 0.9 * si for si in s])
    assert_sequence(momenta, [0.9 - 0.1 * si for si in s])


def test_cyclic_lr_triangular2_halves_each_cycle_and_exp_range_decays():
    got = lr_sequence(CyclicLR(sgd(), 0.0, 1.0, step_size_up=1, mode="triangular2",
                               cycle_momentum=False), 6)  # fmt: skip
    assert_sequence(got, [0, 1, 0, 0.5, 0, 0.25, 0])
    got = lr_sequence(CyclicLR(sgd(), 0.0, 1.0, step_size_up=1, mode="exp_range", gamma=0.5,
                               cycle_momentum=False), 4)  # fmt: skip
    assert_sequence(got, [0, 0.5, 0, 0.125, 0])


def test_cyclic_momentum_needs_an_optimizer_with_momentum():
    class Plain:
        defaults = {"lr": 0.1}
        param_groups = [{"lr": 0.1}]

    with pytest.raises(ValueError, match="CyclicLR: cycle_momentum=True needs an optimizer"):
        CyclicLR(Plain(), 0.1, 1.0)


def test_cosine_warm_restarts_by_hand():
    # T_0 = 3, T_mult = 2: periods of 3, 6, 12 epochs; T_cur counts within the period
    got = lr_sequence(CosineAnnealingWarmRestarts(sgd(), T_0=3, T_mult=2, eta_min=0.01), 10)
    t_cur = [0, 1, 2, 0, 1, 2, 3, 4, 5, 0, 1]
    t_i = [3, 3, 3, 6, 6, 6, 6, 6, 6, 12, 12]
    assert_sequence(
        got, [0.01 + 0.09 * (1 + math.cos(math.pi * c / i)) / 2 for c, i in zip(t_cur, t_i)]
    )


def test_cosine_warm_restarts_with_a_fractional_epoch():
    opt = sgd()
    scheduler = CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2)
    scheduler.step(4.5)  # in the second period (epochs 3..9): T_cur = 1.5 of T_i = 6
    assert opt.param_groups[0]["lr"] == pytest.approx(
        0.1 * (1 + math.cos(math.pi * 1.5 / 6)) / 2, rel=1e-12
    )
    scheduler.step(2.0)  # back in the first period
    assert opt.param_groups[0]["lr"] == pytest.approx(
        0.1 * (1 + math.cos(math.pi * 2 / 3)) / 2, rel=1e-12
    )
    assert scheduler.last_epoch == 2


def test_sequential_lr_warm_up_then_decay():
    opt = sgd()
    warmup = LinearLR(opt, start_factor=0.5, total_iters=2)
    decay = ExponentialLR(opt, gamma=0.5)
    got = lr_sequence(SequentialLR(opt, [warmup, decay], milestones=[3]), 6)
    # 0.1 (0.5 + 0.5 min(t, 2)/2) for t < 3; from t = 3, 0.1 · 0.5^(t - 3)
    assert_sequence(got, [0.05, 0.075, 0.1, 0.1, 0.05, 0.025, 0.0125])


def test_chained_scheduler_multiplies_the_factors():
    opt = sgd()
    chain = ChainedScheduler([ConstantLR(opt, factor=0.1, total_iters=2), ExponentialLR(opt, 0.9)])
    got = lr_sequence(chain, 5)
    assert_sequence(got, [0.1 * 0.9**t * (0.1 if t < 2 else 1) for t in range(6)])


@pytest.mark.parametrize("make, message", [
    (lambda o: LinearLR(o, start_factor=0), r"LinearLR: start_factor must be in \(0.0, 1.0\], got 0"),
    (lambda o: ConstantLR(o, factor=1.5), r"ConstantLR: factor must be in \(0.0, 1.0\], got 1.5"),
    (lambda o: PolynomialLR(o, total_iters=0), "PolynomialLR: total_iters must be an integer >= 1"),
    (lambda o: OneCycleLR(o, 1.0), "OneCycleLR: give total_steps, or both epochs and steps_per_epoch"),
    (lambda o: OneCycleLR(o, 1.0, 10, anneal_strategy="exp"), "anneal_strategy must be 'cos' or"),
    (lambda o: CyclicLR(o, 0.1, 1.0, mode="sine"), "CyclicLR: mode must be 'triangular'"),
    (lambda o: CosineAnnealingWarmRestarts(o, T_0=0), "T_0 must be an integer >= 1, got 0"),
    (lambda o: SequentialLR(o, [ExponentialLR(o, 0.9)], milestones=[2]), "1 schedulers need 0 milestone"),
    (lambda o: ChainedScheduler([ReduceLROnPlateau(o)]), r"schedulers\[0\] is a ReduceLROnPlateau"),
    (lambda o: SequentialLR(o, [ExponentialLR(sgd(), 0.9)], []), "belongs to another optimizer"),
])  # fmt: skip
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make(sgd(momentum=0.9))


def test_sequential_lr_state_dict_round_trip():
    opt = sgd()
    make = lambda o: SequentialLR(o, [LinearLR(o, 0.5, total_iters=2), ExponentialLR(o, 0.5)], [3])  # noqa: E731
    scheduler = make(opt)
    for _ in range(4):
        scheduler.step()
    saved = scheduler.state_dict()
    other = sgd()
    resumed = make(other)
    resumed.load_state_dict(saved)
    other.param_groups[0]["lr"] = opt.param_groups[0]["lr"]
    scheduler.step()
    resumed.step()
    assert other.param_groups[0]["lr"] == opt.param_groups[0]["lr"] == pytest.approx(0.025)  # t = 5: 0.1 · 0.5²
