"""Learning-rate schedulers produce PyTorch's documented lr sequences (closed forms)."""

import math
from dataclasses import dataclass

import numpy as np
import pytest

from minigrad.optim import SGD
from minigrad.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    MultiStepLR,
    ReduceLROnPlateau,
    StepLR,
)


class StandIn:
    """The least a scheduler needs: an object with param_groups (dicts with 'lr')."""

    def __init__(self, *lrs):
        self.param_groups = [{"lr": lr, "params": []} for lr in lrs]


@dataclass
class Param:
    data: np.ndarray
    grad: np.ndarray | None = None


@pytest.fixture(params=["stand-in", "SGD"])
def optimizer_with(request):
    """A factory of optimizers with one param group per lr: the stand-in, or minigrad's SGD."""

    def make(*lrs):
        if request.param == "stand-in":
            return StandIn(*lrs)
        return SGD([{"params": [Param(np.zeros(2))], "lr": lr} for lr in lrs])

    return make


def lr_sequence(scheduler, optimizer, epochs):
    """The lr of every group at epochs 0..epochs-1 (epoch 0 is set by the constructor)."""
    seen = [[g["lr"] for g in optimizer.param_groups]]
    for _ in range(epochs - 1):
        scheduler.step()
        seen.append([g["lr"] for g in optimizer.param_groups])
    return np.array(seen)


def test_constructor_performs_the_initial_step(optimizer_with):
    opt = optimizer_with(0.1)
    sched = StepLR(opt, step_size=2, gamma=0.5)
    assert sched.last_epoch == 0
    assert sched.get_last_lr() == [0.1]
    assert opt.param_groups[0]["initial_lr"] == 0.1
    sched.step()
    assert sched.last_epoch == 1


def test_step_lr_is_gamma_to_the_floor_of_epoch_over_step_size(optimizer_with):
    opt = optimizer_with(0.1, 2.0)
    sched = StepLR(opt, step_size=3, gamma=0.5)
    got = lr_sequence(sched, opt, 20)
    epochs = np.arange(20)[:, None]
    want = np.array([0.1, 2.0]) * 0.5 ** (epochs // 3)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_get_last_lr_matches_the_groups_after_each_step():
    opt = StandIn(0.1, 2.0)
    sched = StepLR(opt, step_size=1, gamma=0.9)
    for _ in range(5):
        sched.step()
        assert sched.get_last_lr() == [g["lr"] for g in opt.param_groups]


def test_multistep_lr_counts_milestones_passed_and_repeated_ones_twice(optimizer_with):
    opt = optimizer_with(1.0)
    sched = MultiStepLR(opt, milestones=[7, 2, 5, 5], gamma=0.1)
    got = lr_sequence(sched, opt, 12)[:, 0]
    passed = np.array([sum(m <= e for m in [2, 5, 5, 7]) for e in range(12)])
    np.testing.assert_allclose(got, 0.1**passed, rtol=1e-12)
    assert got[4] == pytest.approx(0.1) and got[5] == pytest.approx(1e-3)


def test_exponential_lr_is_gamma_to_the_epoch(optimizer_with):
    opt = optimizer_with(0.3)
    got = lr_sequence(ExponentialLR(opt, gamma=0.95), opt, 60)[:, 0]
    np.testing.assert_allclose(got, 0.3 * 0.95 ** np.arange(60), rtol=1e-12)


@pytest.mark.parametrize("eta_min", [0.0, 0.01])
def test_cosine_annealing_follows_the_closed_form_past_t_max(optimizer_with, eta_min):
    opt = optimizer_with(0.1, 0.5)
    t_max = 10
    got = lr_sequence(CosineAnnealingLR(opt, T_max=t_max, eta_min=eta_min), opt, 45)
    t = np.arange(45)[:, None]
    base = np.array([0.1, 0.5])
    want = eta_min + (base - eta_min) * (1 + np.cos(np.pi * t / t_max)) / 2
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-15)
    assert got[t_max] == pytest.approx([eta_min, eta_min], abs=1e-15)
    assert got[2 * t_max] == pytest.approx(base)


def test_cosine_annealing_resumed_from_last_epoch_continues_the_schedule():
    opt = StandIn(0.2)
    first = CosineAnnealingLR(opt, T_max=8)
    for _ in range(3):
        first.step()
    resumed_opt = StandIn(0.2)
    resumed_opt.param_groups[0].update(opt.param_groups[0])
    resumed = CosineAnnealingLR(resumed_opt, T_max=8, last_epoch=2)
    assert resumed.last_epoch == 3
    assert resumed.get_last_lr()[0] == pytest.approx(first.get_last_lr()[0], rel=1e-12)
    for _ in range(6):
        first.step()
        resumed.step()
    assert resumed.get_last_lr()[0] == pytest.approx(first.get_last_lr()[0], rel=1e-12)


def test_lambda_lr_scales_each_groups_base_lr_by_its_own_function(optimizer_with):
    opt = optimizer_with(0.1, 1.0)
    sched = LambdaLR(opt, [lambda e: 1 / (e + 1), lambda e: 0.5**e])
    got = lr_sequence(sched, opt, 10)
    e = np.arange(10)
    np.testing.assert_allclose(got[:, 0], 0.1 / (e + 1), rtol=1e-12)
    np.testing.assert_allclose(got[:, 1], 0.5**e, rtol=1e-12)


def test_two_multiplicative_schedulers_compose(optimizer_with):
    opt = optimizer_with(1.0)
    a = ExponentialLR(opt, gamma=0.9)
    b = StepLR(opt, step_size=3, gamma=0.5)
    for epoch in range(1, 10):
        a.step()
        b.step()
        assert opt.param_groups[0]["lr"] == pytest.approx(0.9**epoch * 0.5 ** (epoch // 3))


def test_state_dict_round_trip_resumes_the_sequence():
    opt = StandIn(0.1)
    sched = StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(3):
        sched.step()
    state = sched.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 3

    opt2 = StandIn(opt.param_groups[0]["lr"])
    sched2 = StepLR(opt2, step_size=99, gamma=0.9)
    sched2.load_state_dict(state)
    for _ in range(4):
        sched.step()
        sched2.step()
        assert sched2.get_last_lr() == sched.get_last_lr()


def test_lambda_lr_state_dict_leaves_out_functions_but_keeps_callable_objects():
    class Warmup:
        def __init__(self, epochs):
            self.epochs = epochs

        def __call__(self, epoch):
            return min(1.0, (epoch + 1) / self.epochs)

    opt = StandIn(0.1, 0.1)
    warmup = Warmup(4)
    sched = LambdaLR(opt, [lambda e: 1.0, warmup])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [None, {"epochs": 4}]
    warmup.epochs = 100
    sched.load_state_dict(state)
    assert warmup.epochs == 4


def plateau_lrs(sched, opt, metrics):
    lrs = []
    for m in metrics:
        sched.step(m)
        lrs.append(opt.param_groups[0]["lr"])
    return lrs


def test_plateau_cuts_after_more_than_patience_bad_epochs(optimizer_with):
    opt = optimizer_with(1.0)
    sched = ReduceLROnPlateau(opt, patience=2, factor=0.5)
    # epoch 1 sets the best; epochs 2, 3, 4 are bad; the 3rd bad one (> patience) cuts.
    lrs = plateau_lrs(sched, opt, [1.0] * 10)
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125]
    assert sched.get_last_lr() == [0.125]


def test_plateau_cooldown_forgives_the_epochs_after_a_cut(optimizer_with):
    opt = optimizer_with(1.0)
    sched = ReduceLROnPlateau(opt, patience=2, cooldown=2, factor=0.5)
    lrs = plateau_lrs(sched, opt, [1.0] * 10)
    # cut at epoch 4, epochs 5 and 6 are cooldown, then three bad epochs: cut at 9.
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_plateau_improvement_resets_the_bad_epoch_count():
    opt = StandIn(1.0)
    sched = ReduceLROnPlateau(opt, patience=1, factor=0.1)
    lrs = plateau_lrs(sched, opt, [5.0, 5.0, 4.0, 4.0, 3.0, 3.0, 3.0])
    assert lrs == pytest.approx([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.1])


@pytest.mark.parametrize(
    ("mode", "threshold_mode", "threshold", "best", "not_better", "better"),
    [
        ("min", "rel", 0.1, 10.0, 9.0, 8.99),  # needs < 10 * (1 - 0.1)
        ("min", "abs", 0.5, 10.0, 9.5, 9.49),  # needs < 10 - 0.5
        ("max", "rel", 0.1, 10.0, 11.0, 11.01),  # needs > 10 * (1 + 0.1)
        ("max", "abs", 0.5, 10.0, 10.5, 10.51),  # needs > 10 + 0.5
    ],
)
def test_plateau_threshold_modes(mode, threshold_mode, threshold, best, not_better, better):
    opt = StandIn(1.0)
    sched = ReduceLROnPlateau(
        opt, mode=mode, threshold=threshold, threshold_mode=threshold_mode, patience=0
    )
    sched.step(best)
    sched.step(not_better)  # not an improvement, and patience=0: cut
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1)
    assert sched.best == best
    sched.step(better)
    assert sched.best == better
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1)


def test_plateau_max_mode_does_not_cut_while_the_metric_rises():
    opt = StandIn(1.0)
    sched = ReduceLROnPlateau(opt, mode="max", patience=0)
    assert plateau_lrs(sched, opt, [1.0, 2.0, 3.0, 4.0]) == [1.0] * 4
    assert plateau_lrs(sched, opt, [3.0]) == [pytest.approx(0.1)]


def test_plateau_min_lr_floors_each_group_and_eps_skips_tiny_cuts(optimizer_with):
    opt = optimizer_with(1.0, 1.0)
    sched = ReduceLROnPlateau(opt, patience=0, factor=0.1, min_lr=[0.05, 0.0], eps=1e-3)
    for m in [1.0, 1.0, 1.0, 1.0, 1.0]:
        sched.step(m)
    # group 0: 1 -> 0.1 -> 0.05 (floor); group 1: 1 -> 0.1 -> 0.01 -> 0.001, then the cut
    # 0.001 -> 0.0001 is smaller than eps and is skipped.
    assert sched.get_last_lr() == pytest.approx([0.05, 1e-3])


def test_plateau_state_dict_round_trip():
    opt = StandIn(1.0)
    sched = ReduceLROnPlateau(opt, patience=3)
    for m in [3.0, 2.0, 2.0]:
        sched.step(m)
    state = sched.state_dict()
    sched2 = ReduceLROnPlateau(StandIn(1.0), patience=3)
    sched2.load_state_dict(state)
    assert (sched2.best, sched2.num_bad_epochs, sched2.last_epoch) == (2.0, 1, 3)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda o: StepLR(o, step_size=0), r"StepLR: step_size must be an integer >= 1, got 0"),
        (lambda o: StepLR(o, step_size=2.5), r"StepLR: step_size .* got 2\.5"),
        (lambda o: StepLR(o, step_size=2, gamma=-1.0), r"StepLR: gamma .* got -1\.0"),
        (lambda o: StepLR(o, 2, last_epoch=-2), r"StepLR: last_epoch .* got -2"),
        (lambda o: StepLR(o, 2, last_epoch=4), r"StepLR: last_epoch=4 .*initial_lr"),
        (lambda o: MultiStepLR(o, milestones=[3, -1]), r"MultiStepLR: milestones .*-1"),
        (lambda o: MultiStepLR(o, [3], gamma=0.0), r"MultiStepLR: gamma .* got 0\.0"),
        (lambda o: ExponentialLR(o, gamma=float("nan")), r"ExponentialLR: gamma .* got nan"),
        (lambda o: CosineAnnealingLR(o, T_max=0), r"CosineAnnealingLR: T_max .* got 0"),
        (lambda o: CosineAnnealingLR(o, 5, eta_min=-1), r"CosineAnnealingLR: eta_min .* -1"),
        (lambda o: LambdaLR(o, [lambda e: 1.0] * 3), r"LambdaLR: lr_lambda .*\(1\), got 3"),
        (lambda o: LambdaLR(o, 0.5), r"LambdaLR: lr_lambda must be callable, got 0\.5"),
        (lambda o: ReduceLROnPlateau(o, mode="low"), r"ReduceLROnPlateau: mode .* got 'low'"),
        (lambda o: ReduceLROnPlateau(o, factor=1.0), r"ReduceLROnPlateau: factor .* got 1\.0"),
        (lambda o: ReduceLROnPlateau(o, patience=-1), r"ReduceLROnPlateau: patience .* -1"),
        (lambda o: ReduceLROnPlateau(o, threshold=-1e-4), r"ReduceLROnPlateau: threshold "),
        (lambda o: ReduceLROnPlateau(o, threshold_mode="x"), r"ReduceLROnPlateau: threshold_m"),
        (lambda o: ReduceLROnPlateau(o, cooldown=1.5), r"ReduceLROnPlateau: cooldown .* 1\.5"),
        (lambda o: ReduceLROnPlateau(o, min_lr=[0, 0]), r"ReduceLROnPlateau: min_lr .*got 2"),
        (lambda o: ReduceLROnPlateau(o, min_lr=-0.1), r"ReduceLROnPlateau: min_lr .* -0\.1"),
        (lambda o: ReduceLROnPlateau(o, eps=-1.0), r"ReduceLROnPlateau: eps .* -1\.0"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_argument(make, match):
    with pytest.raises(ValueError, match=match):
        make(StandIn(0.1))


def test_an_object_without_param_groups_is_rejected():
    with pytest.raises(TypeError, match=r"StepLR: optimizer must have param_groups.*got object"):
        StepLR(object(), step_size=1)
    with pytest.raises(TypeError, match=r"ReduceLROnPlateau: optimizer must have param_groups"):
        ReduceLROnPlateau(StandIn())


def test_cosine_closed_form_at_a_quarter_period():
    opt = StandIn(1.0)
    sched = CosineAnnealingLR(opt, T_max=4)
    sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx((1 + math.cos(math.pi / 4)) / 2)


def test_scheduled_lr_is_the_lr_minigrads_optimizer_steps_with():
    p = Param(np.zeros(2), np.ones(2))
    opt = SGD([p], lr=1.0)
    sched = StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        opt.step()
        sched.step()
    np.testing.assert_allclose(p.data, -(1.0 + 0.5 + 0.25))
    assert sched.get_last_lr() == [0.125]


def test_numpy_numbers_are_accepted_as_arguments():
    opt = StandIn(1.0)
    sched = StepLR(opt, step_size=np.int64(2), gamma=np.float32(0.5))
    for _ in range(4):
        sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.25)


def test_per_group_lists_give_each_group_its_own_value():
    opt = StandIn(1.0, 2.0)
    LambdaLR(opt, [lambda e: 0.5, lambda e: 0.25])
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.5]
    opt = StandIn(1.0, 1.0)
    plateau = ReduceLROnPlateau(opt, patience=0, factor=0.1, min_lr=[0.5, 0.0])
    plateau.step(1.0)
    plateau.step(2.0)  # worse: both groups cut, the first one floored at its own min_lr
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.5, 0.1])


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda opt: LambdaLR(opt, [lambda e: 1.0]),
            r"LambdaLR: lr_lambda must be a single value or have one entry per param group \(2\), got 1",
        ),
        (
            lambda opt: ReduceLROnPlateau(opt, min_lr=[0.0, 0.0, 0.0]),
            r"ReduceLROnPlateau: min_lr must be a single value or have one entry per param group \(2\), got 3",
        ),
    ],
)
def test_a_per_group_list_of_the_wrong_length_is_an_error(make, message):
    with pytest.raises(ValueError, match=message):
        make(StandIn(0.1, 0.1))
