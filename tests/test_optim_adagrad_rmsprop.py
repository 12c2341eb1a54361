"""Adagrad and RMSprop against references written here from PyTorch's documented pseudocode."""

import os
import subprocess
import sys

import numpy as np
import pytest
from optim_helpers import assert_float32_as_accurate_as_rounding_allows
from reference_check import (
    SHAPES,
    Param,
    check_against_reference,
    constructor_defaults,
    reference_run,
)

from minigrad.optim.adagrad import Adagrad
from minigrad.optim.rmsprop import RMSprop

# --- Adagrad ----------------------------------------------------------------------------------


def adagrad_reference(
    lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, maximize=False
):
    def init(theta):
        return {"sum": np.full_like(theta, initial_accumulator_value)}

    def step(theta, g, state, t):
        if maximize:
            g = -g
        decayed_lr = lr / (1 + (t - 1) * lr_decay)
        if weight_decay != 0:
            g = g + weight_decay * theta
        state["sum"] = state["sum"] + g**2
        theta -= decayed_lr * g / (np.sqrt(state["sum"]) + eps)

    return init, step


ADAGRAD_OPTIONS = [
    {},
    {"lr": 0.1},
    {"lr_decay": 0.05},
    {"weight_decay": 0.1},
    {"initial_accumulator_value": 0.5},
    {"eps": 1e-3},
    {"maximize": True},
    {
        "lr": 0.05,
        "lr_decay": 0.01,
        "weight_decay": 0.01,
        "initial_accumulator_value": 0.1,
        "eps": 1e-6,
        "maximize": True,
    },
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("options", ADAGRAD_OPTIONS, ids=str)
def test_adagrad_matches_documented_update(options, dtype):
    init, step = adagrad_reference(**options)
    check_against_reference(lambda ps: Adagrad(ps, **options), step, init, dtype)


def test_adagrad_first_step_moves_each_weight_by_about_lr():
    # s_1 = g^2, so the first step is lr * g / (|g| + eps): lr times the sign of g.
    p = Param(np.zeros(5), np.array([3.0, -0.2, 1e-3, -50.0, 0.0]))
    Adagrad([p], lr=0.1).step()
    np.testing.assert_allclose(p.data, [-0.1, 0.1, -0.1, 0.1, 0.0], rtol=1e-6)


def test_adagrad_rate_decays_as_the_sum_grows():
    # A constant gradient g: after t steps s_t = t g^2, so step t moves by lr / sqrt(t).
    p = Param(np.zeros(1))
    opt = Adagrad([p], lr=1.0, eps=0.0)
    moves = []
    for _ in range(4):
        p.grad = np.array([2.0])
        before = p.data.copy()
        opt.step()
        moves.append(float(before[0] - p.data[0]))
    np.testing.assert_allclose(moves, 1 / np.sqrt([1, 2, 3, 4]), rtol=1e-14)


# --- RMSprop ----------------------------------------------------------------------------------


def rmsprop_reference(
    lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, maximize=False
):
    def init(theta):
        return {"v": np.zeros_like(theta), "b": np.zeros_like(theta), "g_ave": np.zeros_like(theta)}

    def step(theta, g, state, t):
        if maximize:
            g = -g
        if weight_decay != 0:
            g = g + weight_decay * theta
        state["v"] = alpha * state["v"] + (1 - alpha) * g**2
        v_tilde = state["v"]
        if centered:
            state["g_ave"] = state["g_ave"] * alpha + (1 - alpha) * g
            v_tilde = v_tilde - state["g_ave"] ** 2
        if momentum > 0:
            state["b"] = momentum * state["b"] + g / (np.sqrt(v_tilde) + eps)
            theta -= lr * state["b"]
        else:
            theta -= lr * g / (np.sqrt(v_tilde) + eps)

    return init, step


RMSPROP_OPTIONS = [
    {},
    {"lr": 1e-3},
    {"alpha": 0.9},
    {"eps": 1e-3},
    {"weight_decay": 0.1},
    {"momentum": 0.9},
    {"centered": True},
    {"centered": True, "momentum": 0.5},
    {"maximize": True},
    {
        "lr": 3e-3,
        "alpha": 0.95,
        "eps": 1e-6,
        "weight_decay": 0.01,
        "momentum": 0.8,
        "centered": True,
        "maximize": True,
    },
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("options", RMSPROP_OPTIONS, ids=str)
def test_rmsprop_matches_documented_update(options, dtype):
    init, step = rmsprop_reference(**options)
    check_against_reference(lambda ps: RMSprop(ps, **options), step, init, dtype)


def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_alpha():
    # v_1 = (1 - alpha) g^2, so the first step is lr * sign(g) / sqrt(1 - alpha) (eps aside).
    p = Param(np.zeros(3), np.array([2.0, -0.5, 0.0]))
    RMSprop([p], lr=0.01, alpha=0.99, eps=1e-300).step()  # eps only keeps 0 / 0 away
    np.testing.assert_allclose(p.data, [-0.1, 0.1, 0.0], rtol=1e-12)


def test_rmsprop_groups_may_differ_in_centered_and_momentum():
    a, b = Param(np.ones(4)), Param(np.ones(4))
    opt = RMSprop([{"params": [a], "centered": True}, {"params": [b], "momentum": 0.9}], lr=0.1)
    init_a, step_a = rmsprop_reference(lr=0.1, centered=True)
    init_b, step_b = rmsprop_reference(lr=0.1, momentum=0.9)
    ref_a, ref_b = np.ones(4), np.ones(4)
    state_a, state_b = init_a(ref_a), init_b(ref_b)
    rng = np.random.default_rng(3)
    for t in range(1, 20):
        a.grad, b.grad = rng.standard_normal(4), rng.standard_normal(4)
        opt.step()
        step_a(ref_a, a.grad, state_a, t)
        step_b(ref_b, b.grad, state_b, t)
    np.testing.assert_allclose(a.data, ref_a, rtol=1e-12)
    np.testing.assert_allclose(b.data, ref_b, rtol=1e-12)


# --- kernels, state, signatures, errors -------------------------------------------------------


def test_constructor_defaults_are_torch_optims():
    assert constructor_defaults(Adagrad) == {
        "lr": 1e-2,
        "lr_decay": 0,
        "weight_decay": 0,
        "initial_accumulator_value": 0,
        "eps": 1e-10,
        "maximize": False,
        "foreach": None,  # PyTorch's implementation switches: accepted, nothing to switch here
        "differentiable": False,
        "fused": None,
    }
    assert constructor_defaults(RMSprop) == {
        "lr": 1e-2,
        "alpha": 0.99,
        "eps": 1e-8,
        "weight_decay": 0,
        "momentum": 0,
        "centered": False,
        "maximize": False,
        "capturable": False,
        "foreach": None,
        "differentiable": False,
    }


def test_state_uses_torch_names_and_the_parameters_dtype():
    p = Param(np.ones(3, np.float32), np.ones(3, np.float32))
    opt = Adagrad([p], initial_accumulator_value=0.5)
    opt.step()
    assert int(opt.state[p]["step"]) == 1
    np.testing.assert_allclose(opt.state[p]["sum"], 1.5)
    assert opt.state[p]["sum"].dtype == np.float32
    q = Param(np.ones(3), np.ones(3))
    opt = RMSprop([q], centered=True, momentum=0.9)
    opt.step()
    assert {"square_avg", "grad_avg", "momentum_buffer"} <= set(opt.state[q])
    np.testing.assert_allclose(opt.state[q]["square_avg"], 0.01)
    np.testing.assert_allclose(opt.state[q]["grad_avg"], 0.01)
    r = Param(np.ones(3), np.ones(3))
    opt = RMSprop([r])
    opt.step()
    assert "momentum_buffer" not in opt.state[r] and "grad_avg" not in opt.state[r]


def test_rmsprop_switching_centered_on_after_the_first_step_raises():
    p = Param(np.ones(3), np.ones(3))
    opt = RMSprop([p])
    opt.step()
    opt.param_groups[0]["centered"] = True
    with pytest.raises(ValueError, match=r"RMSprop: the option that needs state 'grad_avg'"):
        opt.step()
    np.testing.assert_allclose(p.data, 1 - 0.1, rtol=1e-6)  # the failed step changed nothing


@pytest.mark.parametrize(
    ("cls", "options"),
    [
        (Adagrad, {"lr_decay": 0.1, "initial_accumulator_value": 0.2}),
        (RMSprop, {"centered": True, "momentum": 0.9}),
    ],
)
def test_state_dict_round_trip_resumes_bit_for_bit(cls, options):
    rng = np.random.default_rng(5)
    grads = [[rng.standard_normal(s) for s in SHAPES] for _ in range(10)]
    start = [rng.standard_normal(s) for s in SHAPES]

    def run(params, opt, steps):
        for gs in steps:
            for p, g in zip(params, gs):
                p.grad = g.copy()
            opt.step()

    straight = [Param(x.copy()) for x in start]
    opt = cls(straight, **options)
    run(straight, opt, grads)

    first = [Param(x.copy()) for x in start]
    opt1 = cls(first, **options)
    run(first, opt1, grads[:4])
    saved = opt1.state_dict()
    resumed = [Param(p.data.copy()) for p in first]
    opt2 = cls(resumed)  # default hyper-parameters: the state dict must restore the group's
    opt2.load_state_dict(saved)
    run(resumed, opt2, grads[4:])
    for a, b in zip(resumed, straight):
        np.testing.assert_array_equal(a.data, b.data)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda ps: Adagrad(ps, lr=-0.1), r"Adagrad: lr must be >= 0, got -0\.1"),
        (lambda ps: Adagrad(ps, lr_decay=-1), r"Adagrad: lr_decay must be >= 0, got -1"),
        (lambda ps: Adagrad(ps, weight_decay=-1e-3), r"Adagrad: weight_decay .* got -0\.001"),
        (
            lambda ps: Adagrad(ps, initial_accumulator_value=-1.0),
            r"Adagrad: initial_accumulator_value must be >= 0, got -1\.0",
        ),
        (lambda ps: Adagrad(ps, eps=-1e-10), r"Adagrad: eps must be >= 0, got -1e-10"),
        (lambda ps: Adagrad(ps, lr=float("nan")), r"Adagrad: lr must be >= 0, got nan"),
        (lambda ps: RMSprop(ps, lr=-1.0), r"RMSprop: lr must be >= 0, got -1\.0"),
        (lambda ps: RMSprop(ps, alpha=1.5), r"RMSprop: alpha must be in \[0, 1\], got 1\.5"),
        (lambda ps: RMSprop(ps, alpha=-0.1), r"RMSprop: alpha must be in \[0, 1\], got -0\.1"),
        (lambda ps: RMSprop(ps, eps=-1e-8), r"RMSprop: eps must be >= 0, got -1e-08"),
        (lambda ps: RMSprop(ps, weight_decay=-1), r"RMSprop: weight_decay must be >= 0, got -1"),
        (lambda ps: RMSprop(ps, momentum=-0.9), r"RMSprop: momentum must be >= 0, got -0\.9"),
        (
            lambda ps: RMSprop([{"params": ps, "alpha": 2.0}]),
            r"RMSprop: alpha must be in \[0, 1\], got 2\.0",
        ),
    ],
)
def test_bad_hyper_parameters_raise_naming_the_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make([Param(np.zeros(2))])


TWINS_SCRIPT = """
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import test_optim_adagrad_rmsprop as t
for dtype in (np.float64, np.float32):
    for cls, reference, options in [
        (t.Adagrad, t.adagrad_reference, t.ADAGRAD_OPTIONS[-1]),
        (t.RMSprop, t.rmsprop_reference, t.RMSPROP_OPTIONS[-1]),
        (t.RMSprop, t.rmsprop_reference, {}),  # no momentum buffer, no grad_avg
    ]:
        init, step = reference(**options)
        t.check_against_reference(lambda ps: cls(ps, **options), step, init, dtype)
assert "numba" not in sys.modules, "the JIT was meant to be off"
print("ok")
"""


def test_numpy_twins_drive_the_classes_when_the_jit_is_off():
    # MINIGRAD_DISABLE_JIT=1 must run the twins, with the classes' own arguments, and numba is
    # then never imported. A fresh process, since the choice is made once per process.
    env = {**os.environ, "MINIGRAD_DISABLE_JIT": "1"}
    tests_dir = os.path.dirname(os.path.abspath(__file__))
    done = subprocess.run(
        [sys.executable, "-c", TWINS_SCRIPT, tests_dir], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.parametrize(("cls", "reference", "options"), [
    (Adagrad, adagrad_reference, {}), (Adagrad, adagrad_reference, ADAGRAD_OPTIONS[-1]),
    (RMSprop, rmsprop_reference, {}), (RMSprop, rmsprop_reference, RMSPROP_OPTIONS[-1]),
], ids=["adagrad", "adagrad-all", "rmsprop", "rmsprop-all"])  # fmt: skip
def test_float32_is_as_accurate_as_float32_rounding_allows(cls, reference, options):
    assert_float32_as_accurate_as_rounding_allows(
        lambda ps: cls(ps, **options), reference_run(*reference(**options))
    )
