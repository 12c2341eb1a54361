"""What every optimizer promises about the user's arrays, its kernels, non-finite gradients,
load_state_dict and the keyword arguments PyTorch code passes."""

import copy
import hashlib
import os

import numpy as np
import pytest
from optim_helpers import Param

import minigrad as mg
from minigrad.optim import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    NAdam,
    RMSprop,
    Rprop,
    _jit,
)
from minigrad.optim.adadelta import adadelta
from minigrad.optim.adagrad import adagrad
from minigrad.optim.adam import adam
from minigrad.optim.adamax import adamax
from minigrad.optim.nadam import nadam
from minigrad.optim.rmsprop import rmsprop
from minigrad.optim.rprop import rprop
from minigrad.optim.sgd import sgd

KERNELS = {SGD: sgd, Adam: adam, AdamW: adam, Adamax: adamax, NAdam: nadam, Adagrad: adagrad,
           RMSprop: rmsprop, Rprop: rprop, Adadelta: adadelta}  # fmt: skip

# Every option of every algorithm at least once (the options that switch code paths on).
CONFIGS = [
    (SGD, {"lr": 0.1}),
    (SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01, "maximize": True}),
    (SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    (Adam, {"lr": 0.01}),
    (Adam, {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    (Adam, {"lr": 0.01, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    (AdamW, {"lr": 0.01, "amsgrad": True}),
    (Adamax, {"lr": 0.01, "weight_decay": 0.1, "maximize": True}),
    (NAdam, {"lr": 0.01, "weight_decay": 0.1}),
    (NAdam, {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
    (Adagrad, {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1, "maximize": True}),
    (RMSprop, {"lr": 0.01}),
    (
        RMSprop,
        {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1, "maximize": True},
    ),  # fmt: skip
    (Rprop, {"lr": 0.01}),
    (Rprop, {"lr": 0.01, "etas": (0.4, 1.3), "step_sizes": (1e-3, 0.02), "maximize": True}),
    (Adadelta, {"lr": 1.0, "weight_decay": 0.1, "maximize": True}),
]


def config_id(config):
    cls, options = config
    return cls.__name__ + ":" + ",".join(k for k in options if k != "lr")


def train(cls, options, shapes, dtype=np.float64, steps=5, seed=0):
    """Parameters of ``shapes`` after ``steps`` steps on fixed random gradients."""
    rng = np.random.default_rng(seed)
    params = [Param(rng.standard_normal(s).astype(dtype)) for s in shapes]
    opt = cls(params, **options)
    for _ in range(steps):
        for p in params:
            p.grad = rng.standard_normal(p.data.shape).astype(dtype)
        opt.step()
    return params, opt


# --- the user's arrays ------------------------------------------------------------------------


def test_a_weight_and_its_transpose_train_tied_as_in_pytorch():
    # enc and dec share memory. PyTorch updates enc in place, then dec in place (a view of the
    # same numbers, with weight decay read after enc's update): by hand, for SGD with decay λ,
    #   W ← W - γ(g_enc + λW);   Wᵀ ← Wᵀ - γ(g_dec + λWᵀ).
    rng = np.random.default_rng(0)
    base = rng.standard_normal((2, 3))
    expected = base.copy()
    enc, dec = Param(base), Param(base.T)
    opt = SGD([enc, dec], lr=0.1, weight_decay=0.5)
    for _ in range(3):
        enc.grad, dec.grad = rng.standard_normal((2, 3)), rng.standard_normal((3, 2))
        expected = expected - 0.1 * (enc.grad + 0.5 * expected)
        expected = (expected.T - 0.1 * (dec.grad + 0.5 * expected.T)).T
        opt.step()
    np.testing.assert_allclose(base, expected, rtol=1e-14)
    assert enc.data is base and np.shares_memory(dec.data, base)
    np.testing.assert_array_equal(dec.data, enc.data.T)


def test_two_parameters_viewing_one_array_both_move_it_with_adam():
    # Each keeps its own Adam state; the first step of Adam is γ g/(|g| + ε) for each.
    base = np.zeros((2, 2))
    a, b = Param(base), Param(base)
    a.grad = np.array([[1.0, -2.0], [3.0, 0.5]])
    b.grad = np.array([[-4.0, 1.0], [0.25, 2.0]])
    Adam([a, b], lr=0.01).step()
    step = lambda g: 0.01 * g / (np.abs(g) + 1e-8)  # noqa: E731
    np.testing.assert_allclose(base, -step(a.grad) - step(b.grad), rtol=1e-12, atol=1e-15)


def test_an_array_taken_from_p_data_before_the_first_step_keeps_seeing_updates():
    layer = mg.nn.Linear(3, 2)
    w = layer.weight.data
    grad = np.ones_like(w)
    layer.weight.grad = grad
    before = w.copy()
    Adam([layer.weight], lr=0.1).step()
    assert layer.weight.data is w  # nothing is re-pointed
    assert layer.weight.grad is grad  # nor copied in
    np.testing.assert_allclose(w, before - np.float32(0.1), rtol=1e-6)  # step lr·g/(|g| + ε) ≈ lr


def test_a_parameter_that_is_a_strided_view_is_updated_in_place():
    # Neither C- nor Fortran-contiguous: updated through a copy written back into the same memory.
    base = np.arange(12.0).reshape(3, 4)
    p = Param(base[:, ::2], np.ones((3, 2)))
    SGD([p], lr=0.5).step()
    expected = np.arange(12.0).reshape(3, 4)
    expected[:, ::2] -= 0.5
    np.testing.assert_array_equal(base, expected)


def test_fortran_ordered_gradient_of_a_c_ordered_parameter_is_read_in_the_right_order():
    p = Param(np.zeros((2, 3)), np.asfortranarray(np.arange(6.0).reshape(2, 3)))
    SGD([p], lr=1.0).step()
    np.testing.assert_array_equal(p.data, -np.arange(6.0).reshape(2, 3))


# --- step() reuses the last step's batches when only gradient arrays changed -------------------


def test_steps_with_kept_and_with_new_gradient_arrays_agree_bit_for_bit():
    # A step that finds the same p.grad arrays, and one that finds new ones, take the same path
    # with different gradients; a step after p.data was replaced views everything again.
    rng = np.random.default_rng(3)
    init = [rng.standard_normal(s) for s in [(3, 4), (5,), (2, 2)]]
    grads = [[rng.standard_normal(x.shape) for x in init] for _ in range(6)]
    kept = [Param(x.copy(), np.zeros(x.shape)) for x in init]  # grads filled in place
    fresh = [Param(x.copy()) for x in init]  # new grad arrays every step
    replaced = [Param(x.copy()) for x in init]  # new data arrays (same values) every step
    opts = [NAdam(params, lr=0.01) for params in (kept, fresh, replaced)]
    for step_grads in grads:
        for p, q, r, g in zip(kept, fresh, replaced, step_grads):
            p.grad[...] = g
            q.grad, r.grad, r.data = g.copy(), g.copy(), r.data.copy()
        for opt in opts:
            opt.step()
    for p, q, r in zip(kept, fresh, replaced):
        np.testing.assert_array_equal(p.data, q.data)
        np.testing.assert_array_equal(p.data, r.data)
        states = [opt.state[x] for opt, x in zip(opts, (p, q, r))]
        assert [s["step"] for s in states] == [6, 6, 6]
        assert states[0]["mu_product"] == states[1]["mu_product"] == states[2]["mu_product"]


def test_writes_into_a_strided_parameter_and_its_gradient_between_steps_are_seen():
    # A strided p.data is stepped through a copy; the next step must copy it again, and a
    # strided gradient written in place must be read again (SGD by hand: θ ← θ - γ g).
    base, grad_base = np.zeros((3, 4)), np.ones((3, 4))
    p = Param(base[:, ::2], grad_base[:, ::2])
    opt = SGD([p], lr=0.5)
    opt.step()
    p.data[...] = 10.0
    p.grad[...] = 4.0
    opt.step()
    np.testing.assert_array_equal(p.data, np.full((3, 2), 10.0 - 0.5 * 4.0))


def test_a_fortran_ordered_gradient_written_in_place_between_steps_is_read_again():
    # A C-ordered parameter reads a Fortran-ordered gradient through a copy in C order; when the
    # same gradient array comes back with new values, the copy must be made again (SGD by hand).
    p = Param(np.zeros((2, 3)), np.asfortranarray(np.ones((2, 3))))
    opt = SGD([p], lr=1.0)
    opt.step()
    p.grad[...] = np.arange(6.0).reshape(2, 3)
    opt.step()
    np.testing.assert_array_equal(p.data, -1.0 - np.arange(6.0).reshape(2, 3))


# The batching is the same code whatever runs the update, so the batch test runs every config on
# the numpy twins and these two compiled (tuple lengths 16, 5 and 1 compile about 1 s per config;
# that the compiled kernels equal their twins is the bit-for-bit test below).
COMPILED_BATCH_CONFIGS = ["Adam:amsgrad,weight_decay,maximize", "RMSprop:momentum,centered,weight_decay,maximize"]


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_a_group_of_more_parameters_than_a_batch_holds_steps_each_as_if_alone(config, monkeypatch):
    # 37 parameters are batches of 16, 16 and 5 (MAX_BATCH): each must end as it would in an
    # optimizer of its own, bit for bit, with its own step count.
    cls, options = config
    if config_id(config) not in COMPILED_BATCH_CONFIGS:
        monkeypatch.setattr(KERNELS[cls].lazy, "_use_twin", True)
    shapes = [(k % 5 + 1,) for k in range(37)]
    together, opt = train(cls, options, shapes, steps=3)
    rng = np.random.default_rng(0)
    alone = [Param(rng.standard_normal(s)) for s in shapes]
    opts = [cls([p], **options) for p in alone]
    for _ in range(3):
        for p in alone:
            p.grad = rng.standard_normal(p.data.shape)
        for single in opts:
            single.step()
    for p, q in zip(together, alone):
        np.testing.assert_array_equal(p.data, q.data)
        assert opt.state[p]["step"] == 3


def test_a_state_buffer_replaced_between_steps_is_the_one_updated():
    # SGD momentum, by hand: b ← μ b + g, θ ← θ - γ b.
    p = Param(np.zeros(3), np.ones(3))
    opt = SGD([p], lr=0.1, momentum=0.5)
    opt.step()
    opt.state[p]["momentum_buffer"] = np.full(3, 2.0)
    opt.step()
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"], 0.5 * 2.0 + 1.0)
    np.testing.assert_allclose(p.data, -0.1 * 1.0 - 0.1 * 2.0)


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.ones(5), r"grad has shape \(5,\) and dtype float64"),
        (np.ones(2, np.float32), r"grad has shape \(2,\) and dtype float32"),
        ([1.0, 1.0], r"grad has shape \(2,\) and dtype float64"),  # not an array at all
    ],
    ids=["shape", "dtype", "list"],
)
def test_a_bad_new_gradient_raises_and_changes_nothing(bad, message):
    params = [Param(np.ones(3), np.ones(3)), Param(np.ones(2), np.ones(2))]
    opt = Adam(params, lr=0.1)
    opt.step()
    before = copy.deepcopy(([p.data for p in params], opt.state_dict()))
    params[0].grad, params[1].grad = np.ones(3), bad
    with pytest.raises(ValueError, match=r"Adam: parameter 1 has shape \(2,\) .* " + message):
        opt.step()
    np.testing.assert_array_equal(params[0].data, before[0][0])
    assert opt.state[params[0]]["step"] == before[1]["state"][0]["step"] == 1
    np.testing.assert_array_equal(opt.state[params[0]]["exp_avg"], before[1]["state"][0]["exp_avg"])


# --- kernels: compiled, parallel and numpy twin agree bit for bit ------------------------------


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_compiled_kernel_parallel_kernel_and_numpy_twin_agree_bit_for_bit(
    config, dtype, monkeypatch
):
    cls, options = config
    kernel = KERNELS[cls]
    shapes = [(3, 4), (40_000,), (2, 3, 2)]  # batches of 2 and 1; 40000 weights make 3 chunks
    results = {}
    for mode in ("twin", "serial", "parallel"):
        monkeypatch.setattr(kernel.lazy, "_use_twin", mode == "twin")
        monkeypatch.setattr(_jit, "PARALLEL_MIN_SIZE", 1 if mode == "parallel" else 1 << 17)
        params, opt = train(cls, options, shapes, dtype)
        results[mode] = [p.data for p in params] + [
            np.asarray(v) for p in params for v in opt.state[p].values()
        ]
    assert True in kernel.lazy._compiled  # the parallel compile ran
    for mode in ("serial", "parallel"):
        for got, want in zip(results[mode], results["twin"]):
            np.testing.assert_array_equal(got, want)


# --- non-finite gradients, as torch.optim's documented code computes them ----------------------


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_gradient_spoils_only_its_own_weight(config, bad):
    # The rule (docs/optimizers.md): nan/inf flow through the arithmetic into that weight, as in
    # PyTorch, except Rprop: it uses sign(g), and torch.sign(nan) = 0, so that weight stays put.
    cls, options = config
    p = Param(np.ones(3), np.array([bad, 1.0, -1.0]))
    clean = Param(np.ones(3), np.array([0.5, 1.0, -1.0]))
    cls([p], **options).step()
    cls([clean], **options).step()
    np.testing.assert_array_equal(p.data[1:], clean.data[1:])
    if cls is Rprop and np.isnan(bad):
        assert p.data[0] == 1.0
    elif cls is Rprop:  # inf has a sign: an ordinary step of lr
        assert p.data[0] == 1.0 - (1 if not options.get("maximize") else -1) * min(
            options["lr"], options.get("step_sizes", (0, 50))[1]
        )
    else:
        assert not np.isfinite(p.data[0])


def test_rprop_after_a_nan_gradient_keeps_the_step_size_and_moves_again():
    # prev = nan after the nan step, so the next agreement g·prev is nan: factor 1, as in PyTorch.
    p = Param(np.zeros(1), np.array([np.nan]))
    opt = Rprop([p], lr=0.1)
    opt.step()
    assert p.data[0] == 0.0 and np.isnan(opt.state[p]["prev"][0])
    p.grad = np.array([2.0])
    opt.step()
    assert p.data[0] == -0.1 and opt.state[p]["step_size"][0] == 0.1


# --- load_state_dict changes everything or nothing ---------------------------------------------


def test_load_state_dict_that_fails_half_way_leaves_the_optimizer_as_it_was():
    params, opt = train(Adam, {"lr": 0.01, "amsgrad": True}, [(2, 3), (4,)])
    params_b, opt_b = train(Adam, {"lr": 0.05, "amsgrad": True}, [(2, 3), (4,)], seed=1)
    before = (copy.deepcopy(opt.param_groups[0]["lr"]), copy.deepcopy(opt.state_dict()))
    bad = opt_b.state_dict()
    bad["state"][1]["exp_avg"] = np.zeros(5)  # the last parameter's entry is wrong
    with pytest.raises(ValueError, match="state 'exp_avg' of parameter 1 has shape"):
        opt.load_state_dict(bad)
    after = opt.state_dict()
    assert opt.param_groups[0]["lr"] == before[0] == 0.01  # the groups were not touched
    for number, entry in before[1]["state"].items():
        for name, value in entry.items():
            np.testing.assert_array_equal(after["state"][number][name], value)


def test_load_state_dict_with_a_bad_hyper_parameter_changes_nothing():
    _, opt = train(SGD, {"lr": 0.1, "momentum": 0.9}, [(3,)])
    saved = opt.state_dict()
    saved["param_groups"][0]["momentum"] = -1.0
    buffer = opt.state[opt.param_groups[0]["params"][0]]["momentum_buffer"].copy()
    with pytest.raises(ValueError, match="SGD: momentum must be >= 0, got -1.0"):
        opt.load_state_dict(saved)
    assert opt.param_groups[0]["momentum"] == 0.9
    np.testing.assert_array_equal(
        opt.state[opt.param_groups[0]["params"][0]]["momentum_buffer"], buffer
    )


def test_load_state_dict_into_a_fresh_optimizer_resumes_exactly():
    params, opt = train(NAdam, {"lr": 0.01}, [(2, 2), (3,)], steps=4)
    fresh = [Param(p.data.copy()) for p in params]
    resumed = NAdam(fresh)
    resumed.load_state_dict(opt.state_dict())
    for p, q in zip(params, fresh):
        p.grad = q.grad = np.full(p.data.shape, 0.3)
    opt.step()
    resumed.step()
    for p, q in zip(params, fresh):
        np.testing.assert_array_equal(p.data, q.data)
        assert resumed.state[q]["step"] == 5 and isinstance(resumed.state[q]["step"], int)


# --- what PyTorch code passes ------------------------------------------------------------------

TORCH_FLAGS = {  # the implementation switches each torch.optim constructor takes
    SGD: ("foreach", "fused", "differentiable"),
    Adam: ("foreach", "fused", "differentiable", "capturable"),
    AdamW: ("foreach", "fused", "differentiable", "capturable"),
    Adamax: ("foreach", "differentiable", "capturable"),
    NAdam: ("foreach", "differentiable", "capturable"),
    Adagrad: ("foreach", "fused", "differentiable"),
    RMSprop: ("foreach", "differentiable", "capturable"),
    Rprop: ("foreach", "differentiable", "capturable"),
    Adadelta: ("foreach", "differentiable", "capturable"),
}


@pytest.mark.parametrize("cls", list(TORCH_FLAGS), ids=lambda c: c.__name__)
def test_foreach_and_fused_are_accepted_and_change_nothing(cls):
    flags = [f for f in TORCH_FLAGS[cls] if f in ("foreach", "fused")]
    plain, _ = train(cls, {}, [(3, 2)])
    for value in (True, False, None):
        switched, _ = train(cls, {flag: value for flag in flags}, [(3, 2)])
        np.testing.assert_array_equal(switched[0].data, plain[0].data)


@pytest.mark.parametrize("cls", list(TORCH_FLAGS), ids=lambda c: c.__name__)
def test_differentiable_and_capturable_are_refused_with_the_reason(cls):
    reasons = {"differentiable": "outside the autograd graph", "capturable": "CUDA graph"}
    for flag in [f for f in TORCH_FLAGS[cls] if f in reasons]:
        cls([Param(np.zeros(2))], **{flag: False})  # False is PyTorch's default: accepted
        with pytest.raises(ValueError, match=f"{cls.__name__}: {flag}=True is not supported: .*"
                           f"{reasons[flag]}"):  # fmt: skip
            cls([Param(np.zeros(2))], **{flag: True})


def test_foreach_must_be_a_bool_or_none():
    with pytest.raises(TypeError, match="Adam: foreach must be None, True or False, got 'yes'"):
        Adam([Param(np.zeros(2))], foreach="yes")


@pytest.mark.parametrize("lr", [mg.tensor(0.1), np.array(0.1)], ids=["minigrad-0d", "numpy-0d"])
def test_a_0d_tensor_lr_is_accepted(lr):
    p = Param(np.zeros(2), np.ones(2))
    opt = SGD([p], lr=lr)
    stored = opt.param_groups[0]["lr"]
    assert isinstance(stored, float) and stored == float(np.asarray(getattr(lr, "data", lr)))
    opt.step()
    np.testing.assert_allclose(p.data, -stored)


def test_an_lr_with_more_than_one_number_is_refused():
    with pytest.raises(
        ValueError, match=r"SGD: lr must be a number or a 0-d tensor, got shape \(2,\)"
    ):
        SGD([Param(np.zeros(2))], lr=np.array([0.1, 0.2]))


def test_a_changed_jit_file_does_not_reuse_old_kernels(tmp_path):
    """numba's cache checks a kernel's own file; _jit.py's hash in the cache name covers the rest."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import minigrad

    shutil.copytree(
        Path(minigrad.__file__).parent, tmp_path / "minigrad", ignore=shutil.ignore_patterns("__pycache__")
    )
    step = (
        "import numpy as np, minigrad as mg; p = mg.nn.Parameter(np.ones(4, np.float32));"
        " p.grad = np.ones(4, np.float32); mg.optim.SGD([p], lr=0.5).step(); print(p.data.tolist())"
    )

    def run_and_list_cache():
        result = subprocess.run(
            [sys.executable, "-c", step], cwd=tmp_path, capture_output=True, text=True, timeout=600,
            env={**os.environ, "PYTHONPATH": str(tmp_path), "MINIGRAD_DISABLE_JIT": "0"},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip() == "[0.5, 0.5, 0.5, 0.5]"
        return {p.name for p in (tmp_path / "minigrad" / "optim" / "__pycache__").glob("sgd.*.nbi")}

    before = run_and_list_cache()
    assert before, "the SGD kernel was not cached"
    jit_file = tmp_path / "minigrad" / "optim" / "_jit.py"
    jit_file.write_text(jit_file.read_text() + "\n# changed\n")
    new_version = hashlib.sha1(jit_file.read_bytes()).hexdigest()[:12]
    added = run_and_list_cache() - before
    assert added and all(new_version in name for name in added), (before, added)
