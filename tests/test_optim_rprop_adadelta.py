"""Rprop and Adadelta against references written here from PyTorch's documented pseudocode."""

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

from minigrad.optim.adadelta import Adadelta
from minigrad.optim.rprop import Rprop

# --- Rprop ------------------------------------------------------------------------------------


def rprop_reference(lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), maximize=False):
    """The documented loop, weight by weight: compare signs, adapt the step size, step."""
    eta_minus, eta_plus = etas
    gamma_min, gamma_max = step_sizes

    def init(theta):
        return {"g_prev": np.zeros(theta.size, theta.dtype), "eta": np.full(theta.size, lr, theta.dtype)}

    def step(theta, g, state, t):
        g = (-g if maximize else g).reshape(-1).copy()
        eta, g_prev = state["eta"], state["g_prev"]
        for i in range(g.size):
            if g_prev[i] * g[i] > 0:
                eta[i] = min(eta[i] * eta_plus, gamma_max)
            elif g_prev[i] * g[i] < 0:
                eta[i] = max(eta[i] * eta_minus, gamma_min)
                g[i] = 0
        theta -= (eta * np.sign(g)).reshape(theta.shape)
        state["g_prev"] = g

    return init, step


RPROP_OPTIONS = [
    {},
    {"lr": 0.1},
    {"etas": (0.3, 1.5)},
    {"step_sizes": (5e-3, 0.03)},  # small enough that both clamps are reached
    {"maximize": True},
    {"lr": 0.02, "etas": (0.4, 1.1), "step_sizes": (1e-4, 1.0), "maximize": True},
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("options", RPROP_OPTIONS, ids=str)
def test_rprop_matches_documented_update(options, dtype):
    init, step = rprop_reference(**options)
    check_against_reference(lambda ps: Rprop(ps, **options), step, init, dtype, drift=0.7)


def test_rprop_first_step_moves_every_weight_by_lr_against_the_sign():
    # g_prev starts at 0, so the step sizes stay at lr and only the sign of g matters.
    p = Param(np.zeros(4), np.array([5.0, -1e-4, 0.0, 300.0]))
    opt = Rprop([p], lr=0.25)
    opt.step()
    np.testing.assert_array_equal(p.data, [-0.25, 0.25, 0.0, -0.25])
    np.testing.assert_array_equal(opt.state[p]["step_size"], 0.25)
    np.testing.assert_array_equal(opt.state[p]["prev"], [5.0, -1e-4, 0.0, 300.0])


def test_rprop_sign_flip_holds_the_weight_and_forgets_the_gradient():
    p = Param(np.zeros(1))
    opt = Rprop([p], lr=0.1, etas=(0.5, 2.0))
    path = []
    for g in [1.0, 1.0, -1.0, -1.0, -1.0]:
        p.grad = np.array([g])
        opt.step()
        path.append((float(p.data[0]), float(opt.state[p]["step_size"][0])))
    np.testing.assert_allclose(
        path,
        [
            (-0.1, 0.1),  # first step: size lr
            (-0.3, 0.2),  # same sign: size doubles
            (-0.3, 0.1),  # flip: size halves, the weight holds, prev becomes 0
            (-0.2, 0.1),  # after the flip the product is 0: size kept, the weight moves
            (0.0, 0.2),  # same sign again: size doubles
        ],
        atol=1e-15,
    )


def test_rprop_step_sizes_are_clamped_on_every_step():
    # An lr above the maximum is pulled down on the very first step, as PyTorch does.
    p = Param(np.zeros(2), np.array([1.0, -1.0]))
    opt = Rprop([p], lr=100.0, step_sizes=(0.5, 50.0))
    opt.step()
    np.testing.assert_array_equal(p.data, [-50.0, 50.0])
    for _ in range(20):  # alternating signs shrink the size down to the minimum
        p.grad = -p.grad
        opt.step()
    np.testing.assert_array_equal(opt.state[p]["step_size"], 0.5)


# --- Adadelta ---------------------------------------------------------------------------------


def adadelta_reference(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, maximize=False):
    def init(theta):
        return {"v": np.zeros_like(theta), "u": np.zeros_like(theta)}

    def step(theta, g, state, t):
        if maximize:
            g = -g
        if weight_decay != 0:
            g = g + weight_decay * theta
        state["v"] = state["v"] * rho + g**2 * (1 - rho)
        delta = np.sqrt(state["u"] + eps) / np.sqrt(state["v"] + eps) * g
        state["u"] = state["u"] * rho + delta**2 * (1 - rho)
        theta -= lr * delta

    return init, step


ADADELTA_OPTIONS = [
    {},
    {"lr": 0.5},
    {"rho": 0.5},
    {"eps": 1e-3},
    {"weight_decay": 0.1},
    {"maximize": True},
    {"lr": 0.3, "rho": 0.95, "eps": 1e-4, "weight_decay": 0.01, "maximize": True},
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("options", ADADELTA_OPTIONS, ids=str)
def test_adadelta_matches_documented_update(options, dtype):
    init, step = adadelta_reference(**options)
    check_against_reference(lambda ps: Adadelta(ps, **options), step, init, dtype, drift=0.7)


def test_adadelta_first_step_closed_form():
    # v_1 = (1 - rho) g^2 and u_0 = 0: the first step is lr * sqrt(eps / ((1 - rho) g^2 + eps)) g.
    g = np.array([2.0, -0.5, 0.0])
    p = Param(np.zeros(3), g.copy())
    Adadelta([p], lr=1.0, rho=0.9, eps=1e-6).step()
    want = -np.sqrt(1e-6 / (0.1 * g**2 + 1e-6)) * g
    np.testing.assert_allclose(p.data, want, rtol=1e-14)


# --- kernels, signatures, errors --------------------------------------------------------------


def test_constructor_defaults_are_torch_optims():
    assert constructor_defaults(Rprop) == {
        "lr": 1e-2,
        "etas": (0.5, 1.2),
        "step_sizes": (1e-6, 50),
        "maximize": False,
        "capturable": False,  # PyTorch's implementation switches: accepted (False), see base
        "foreach": None,
        "differentiable": False,
    }
    assert constructor_defaults(Adadelta) == {
        "lr": 1.0,
        "rho": 0.9,
        "eps": 1e-6,
        "weight_decay": 0,
        "maximize": False,
        "foreach": None,
        "capturable": False,
        "differentiable": False,
    }


@pytest.mark.parametrize(("cls", "options"), [(Rprop, {"etas": (0.4, 1.3)}), (Adadelta, {})])
def test_state_dict_round_trip_resumes_bit_for_bit(cls, options):
    rng = np.random.default_rng(9)
    grads = [[rng.standard_normal(s) for s in SHAPES] for _ in range(10)]
    start = [rng.standard_normal(s) for s in SHAPES]

    def run(params, opt, steps):
        for gs in steps:
            for p, g in zip(params, gs):
                p.grad = g.copy()
            opt.step()

    straight = [Param(x.copy()) for x in start]
    run(straight, cls(straight, **options), grads)

    first = [Param(x.copy()) for x in start]
    opt1 = cls(first, **options)
    run(first, opt1, grads[:4])
    resumed = [Param(p.data.copy()) for p in first]
    opt2 = cls(resumed)
    opt2.load_state_dict(opt1.state_dict())
    run(resumed, opt2, grads[4:])
    for a, b in zip(resumed, straight):
        np.testing.assert_array_equal(a.data, b.data)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda ps: Rprop(ps, lr=-0.01), r"Rprop: lr must be >= 0, got -0\.01"),
        (
            lambda ps: Rprop(ps, etas=(0.5, 0.9)),
            r"Rprop: etas must be \(etaminus, etaplus\) with 0 < etaminus < 1 < etaplus, "
            r"got \(0\.5, 0\.9\)",
        ),
        (lambda ps: Rprop(ps, etas=(1.2, 0.5)), r"Rprop: etas .* got \(1\.2, 0\.5\)"),
        (lambda ps: Rprop(ps, etas=(0.0, 1.2)), r"Rprop: etas .* got \(0\.0, 1\.2\)"),
        (lambda ps: Rprop(ps, etas=(0.5,)), r"Rprop: etas .* got \(0\.5,\)"),
        (lambda ps: Rprop(ps, etas=0.5), r"Rprop: etas .* got 0\.5"),
        (lambda ps: Rprop(ps, step_sizes=50), r"Rprop: step_sizes .* got 50"),
        (
            lambda ps: Rprop(ps, step_sizes=(1.0, 0.1)),
            r"Rprop: step_sizes must be \(min, max\) with 0 <= min <= max, got \(1\.0, 0\.1\)",
        ),
        (lambda ps: Rprop(ps, step_sizes=(-1, 50)), r"Rprop: step_sizes .* got \(-1, 50\)"),
        (lambda ps: Adadelta(ps, lr=-1.0), r"Adadelta: lr must be >= 0, got -1\.0"),
        (lambda ps: Adadelta(ps, rho=1.1), r"Adadelta: rho must be in \[0, 1\], got 1\.1"),
        (lambda ps: Adadelta(ps, rho=-0.1), r"Adadelta: rho must be in \[0, 1\], got -0\.1"),
        (lambda ps: Adadelta(ps, eps=-1e-6), r"Adadelta: eps must be >= 0, got -1e-06"),
        (lambda ps: Adadelta(ps, weight_decay=-1), r"Adadelta: weight_decay must be >= 0, got -1"),
    ],
)
def test_bad_hyper_parameters_raise_naming_the_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make([Param(np.zeros(2))])


TWINS_SCRIPT = """
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import test_optim_rprop_adadelta as t
for dtype in (np.float64, np.float32):
    for cls, reference, options in [
        (t.Rprop, t.rprop_reference, t.RPROP_OPTIONS[-1]),
        (t.Adadelta, t.adadelta_reference, t.ADADELTA_OPTIONS[-1]),
    ]:
        init, step = reference(**options)
        t.check_against_reference(lambda ps: cls(ps, **options), step, init, dtype, drift=0.7)
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
    (Rprop, rprop_reference, {}), (Rprop, rprop_reference, RPROP_OPTIONS[-1]),
    (Adadelta, adadelta_reference, {}), (Adadelta, adadelta_reference, ADADELTA_OPTIONS[-1]),
], ids=["rprop", "rprop-all", "adadelta", "adadelta-all"])  # fmt: skip
def test_float32_is_as_accurate_as_float32_rounding_allows(cls, reference, options):
    assert_float32_as_accurate_as_rounding_allows(
        lambda ps: cls(ps, **options), reference_run(*reference(**options))
    )
