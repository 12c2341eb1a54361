"""The Optimizer base class: param groups, skipped and bad gradients, state, state_dict, jit switch."""

import os
import subprocess
import sys
import warnings
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minigrad.optim import SGD, Optimizer, _jit
from minigrad.optim.sgd import sgd


@dataclass
class Param:
    """The optimizer's whole view of a parameter: two numpy arrays (dataclass: unhashable)."""

    data: np.ndarray
    grad: np.ndarray | None = None


def make_params(shapes, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return [Param(rng.standard_normal(shape).astype(dtype)) for shape in shapes]


def plain_sgd_reference(data, grad, lr):
    return data - lr * grad


def test_works_on_plain_objects_with_data_and_grad():
    params = make_params([(3, 4), (5,)])
    before = [p.data.copy() for p in params]
    for p in params:
        p.grad = np.full(p.data.shape, 2.0)
    SGD(params, lr=0.5).step()
    for p, b in zip(params, before):
        np.testing.assert_array_equal(p.data, plain_sgd_reference(b, 2.0, 0.5))


def test_params_whose_grad_is_none_are_skipped():
    params = make_params([(4,), (4,), (4,)])
    before = [p.data.copy() for p in params]
    params[0].grad = np.ones(4)
    params[2].grad = np.ones(4)
    opt = SGD(params, lr=0.1)
    opt.step()
    np.testing.assert_array_equal(params[1].data, before[1])
    np.testing.assert_allclose(params[0].data, before[0] - 0.1)
    assert int(opt.state[params[0]]["step"]) == 1
    assert opt.state[params[1]] == {}  # never stepped: no state yet, as in PyTorch


def test_skipped_param_keeps_its_own_step_count_for_momentum():
    # p1 misses the first step, so its first momentum step (buffer = grad) comes one step later.
    params = make_params([(3,), (3,)])
    opt = SGD(params, lr=0.1, momentum=0.9)
    params[0].grad = np.ones(3)
    opt.step()
    params[1].grad = np.ones(3)
    opt.step()
    np.testing.assert_allclose(opt.state[params[0]]["momentum_buffer"], 1.9)
    np.testing.assert_allclose(opt.state[params[1]]["momentum_buffer"], 1.0)
    opt.step()  # both have grads again, steps 3 and 2
    np.testing.assert_allclose(opt.state[params[0]]["momentum_buffer"], 0.9 * 1.9 + 1)
    np.testing.assert_allclose(opt.state[params[1]]["momentum_buffer"], 1.9)


def test_grad_shape_mismatch_names_optimizer_parameter_and_shapes():
    params = make_params([(2,), (3, 4)])
    params[0].grad = np.zeros(2)
    params[1].grad = np.zeros((4, 3))
    before = params[1].data.copy()
    with pytest.raises(
        ValueError, match=r"SGD: parameter 1 has shape \(3, 4\).*grad has shape \(4, 3\)"
    ):
        SGD(params).step()
    np.testing.assert_array_equal(params[1].data, before)


def test_grad_dtype_mismatch_raises():
    params = make_params([(3,)], dtype=np.float32)
    params[0].grad = np.zeros(3, np.float64)
    with pytest.raises(
        ValueError, match="parameter 0 has shape .3,. and dtype float32 but its grad"
    ):
        SGD(params).step()


def test_integer_parameter_is_rejected():
    params = [Param(np.arange(3))]
    params[0].grad = np.ones(3, np.int64)
    with pytest.raises(TypeError, match="SGD: parameter 0 has dtype int64"):
        SGD(params).step()


def test_non_finite_gradient_propagates_into_the_weights():
    params = make_params([(3,)])
    params[0].grad = np.array([np.nan, np.inf, 1.0])
    SGD(params, lr=0.1).step()
    assert np.isnan(params[0].data[0])
    assert params[0].data[1] == -np.inf
    assert np.isfinite(params[0].data[2])


def test_empty_parameter_list_raises():
    with pytest.raises(ValueError, match="SGD: params is an empty list"):
        SGD([])


def test_parameter_listed_twice_raises():
    p = make_params([(2,)])[0]
    with pytest.raises(ValueError, match="listed twice"):
        SGD([p, p])
    with pytest.raises(ValueError, match="listed twice"):
        SGD([{"params": [p]}, {"params": [p]}])


def test_single_parameter_instead_of_a_list_raises():
    with pytest.raises(TypeError, match="SGD: params must be an iterable"):
        SGD(make_params([(2,)])[0])
    with pytest.raises(TypeError, match="SGD: params must be an iterable .* got int"):
        SGD(5)


def test_non_numeric_hyper_parameter_raises():
    with pytest.raises(ValueError, match="SGD: lr must be >= 0, got '0.1'"):
        SGD(make_params([(2,)]), lr="0.1")


def test_unknown_group_option_raises():
    with pytest.raises(ValueError, match=r"unknown hyper-parameter\(s\) \['betas'\]"):
        SGD([{"params": make_params([(2,)]), "betas": (0.9, 0.99)}])


def test_bad_hyper_parameter_in_a_group_raises():
    with pytest.raises(ValueError, match="SGD: lr must be >= 0, got -1"):
        SGD([{"params": make_params([(2,)]), "lr": -1}])


def test_param_groups_with_different_lr_update_differently():
    a, b = make_params([(3,), (3,)])
    start_a, start_b = a.data.copy(), b.data.copy()
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad, b.grad = np.ones(3), np.ones(3)
    opt.step()
    np.testing.assert_allclose(a.data, start_a - 0.1)
    np.testing.assert_allclose(b.data, start_b - 0.5)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 0.5


def test_add_param_group_after_steps():
    a, b = make_params([(2,), (2,)])
    opt = SGD([a], lr=0.1)
    a.grad = np.ones(2)
    opt.step()
    start_b = b.data.copy()
    opt.add_param_group({"params": b, "lr": 1.0})
    b.grad = np.ones(2)
    opt.step()
    np.testing.assert_allclose(b.data, start_b - 1.0)
    with pytest.raises(ValueError, match="listed twice"):
        opt.add_param_group({"params": [a]})


def test_mixed_dtypes_in_one_group():
    params = make_params([(3,), (3,)])
    params[1].data = params[1].data.astype(np.float32)
    before = [p.data.copy() for p in params]
    for p in params:
        p.grad = np.ones(3, p.data.dtype)
    SGD(params, lr=0.25).step()
    for p, b in zip(params, before):
        assert p.data.dtype == b.dtype
        np.testing.assert_allclose(p.data, b - 0.25)


def test_closure_is_called_and_its_loss_returned():
    (p,) = make_params([(2,)])
    calls = []

    def closure():
        calls.append(1)
        p.grad = 2 * p.data  # gradient of |p|^2
        return float(p.data @ p.data)

    opt = SGD([p], lr=0.25)
    start = p.data.copy()
    loss = opt.step(closure)
    assert calls == [1]
    assert loss == pytest.approx(float(start @ start))
    np.testing.assert_allclose(p.data, start * 0.5)


def test_zero_grad_sets_none_or_zeros():
    params = make_params([(2,), (3,)])
    for p in params:
        p.grad = np.ones(p.data.shape)
    opt = SGD(params)
    opt.zero_grad(set_to_none=False)
    assert all(np.array_equal(p.grad, np.zeros(p.data.shape)) for p in params)
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def test_state_is_inspectable_per_parameter_and_updated_in_place():
    params = make_params([(2, 3), (4,)])
    opt = SGD(params, lr=0.1, momentum=0.9)
    for p in params:
        p.grad = np.ones(p.data.shape)
    opt.step()
    opt.step()
    buf = opt.state[params[0]]["momentum_buffer"]
    assert buf.shape == (2, 3)
    np.testing.assert_allclose(buf, 1.9)
    assert int(opt.state[params[1]]["step"]) == 2
    params[0].grad = None
    params[1].grad = np.zeros(4)
    opt.step()  # buffer updated in place: the view we hold sees it
    np.testing.assert_allclose(opt.state[params[1]]["momentum_buffer"], 0.9 * 1.9)


def test_accumulating_into_grad_in_place_after_a_step_is_seen():
    params = make_params([(3,), (2,)])
    opt = SGD(params, lr=1.0)
    for p in params:
        p.grad = np.ones(p.data.shape)
    opt.step()
    before = [p.data.copy() for p in params]
    for p in params:
        p.grad += 1.0  # what a backward without zero_grad does
    opt.step()
    for p, b in zip(params, before):
        np.testing.assert_allclose(p.data, b - 2.0)


def test_replacing_data_between_steps_is_picked_up():
    (p,) = make_params([(3,)])
    opt = SGD([p], lr=1.0)
    p.grad = np.ones(3)
    opt.step()
    p.data = np.array([10.0, 20.0, 30.0])
    opt.step()
    np.testing.assert_allclose(p.data, [9.0, 19.0, 29.0])
    p.data = np.zeros(4)
    with pytest.raises(ValueError, match=r"SGD: parameter 0 has shape \(4,\) .* grad has shape"):
        opt.step()
    p.data = np.zeros(3, np.float32)
    p.grad = np.ones(3, np.float32)
    with pytest.raises(ValueError, match=r"parameter 0 was replaced by an array of shape \(3,\) "
                       "and dtype float32; its state was made for shape \\(3,\\) and dtype float64"):  # fmt: skip
        opt.step()


@pytest.mark.parametrize("size", [10, 300_000])
def test_fresh_gradient_arrays_every_step_small_and_large(size):
    # Small batches run the serial compile, large ones the parallel one.
    params = make_params([(size,), (7,)])
    start = [p.data.copy() for p in params]
    opt = SGD(params, lr=0.1, momentum=0.5)
    for _ in range(3):
        opt.zero_grad()
        for p in params:
            p.grad = np.ones(p.data.shape)
        opt.step()
    # buffers 1, 1.5, 1.75: total displacement 0.1 * 4.25
    for p, s in zip(params, start):
        np.testing.assert_allclose(p.data, s - 0.425)


def test_non_contiguous_gradient_is_read_correctly():
    (p,) = make_params([(1002,)])
    start = p.data.copy()
    p.grad = np.arange(2 * p.data.size, dtype=np.float64)[::2]
    SGD([p], lr=1.0).step()
    np.testing.assert_allclose(p.data, start - np.arange(0, 2 * p.data.size, 2))


def run_sgd(opt, params, grads):
    for g in grads:
        for p, gp in zip(params, g):
            p.grad = gp.copy()
        opt.step()


def test_state_dict_round_trip_resumes_bit_for_bit():
    shapes = [(3, 2), (5,)]
    rng = np.random.default_rng(1)
    grads = [[rng.standard_normal(s) for s in shapes] for _ in range(10)]
    params = make_params(shapes)
    opt = SGD(params, lr=0.05, momentum=0.9, nesterov=True)
    run_sgd(opt, params, grads[:5])
    saved = opt.state_dict()
    saved_params = [p.data.copy() for p in params]
    run_sgd(opt, params, grads[5:])

    fresh = [Param(d.copy()) for d in saved_params]
    resumed = SGD(fresh, lr=1.0)  # the hyper-parameters come back from the state dict
    resumed.load_state_dict(saved)
    assert resumed.param_groups[0]["lr"] == 0.05 and resumed.param_groups[0]["nesterov"]
    run_sgd(resumed, fresh, grads[5:])
    for p, q in zip(params, fresh):
        np.testing.assert_array_equal(p.data, q.data)
        np.testing.assert_array_equal(
            opt.state[p]["momentum_buffer"], resumed.state[q]["momentum_buffer"]
        )
    assert int(resumed.state[fresh[0]]["step"]) == 10


def test_state_dict_is_a_snapshot():
    (p,) = make_params([(2,)])
    opt = SGD([p], momentum=0.9)
    p.grad = np.ones(2)
    opt.step()
    saved = opt.state_dict()
    opt.step()
    np.testing.assert_array_equal(saved["state"][0]["momentum_buffer"], [1.0, 1.0])
    assert int(saved["state"][0]["step"]) == 1


def test_load_state_dict_with_wrong_layout_raises():
    opt = SGD(make_params([(2,), (3,)]))
    other = SGD(make_params([(2,)]))
    with pytest.raises(ValueError, match="param group 0 has 1 parameter"):
        opt.load_state_dict(other.state_dict())
    wrong_shape = SGD(make_params([(2,), (4,)]), momentum=0.5)
    for p in wrong_shape.param_groups[0]["params"]:
        p.grad = np.ones(p.data.shape)
    wrong_shape.step()
    with pytest.raises(ValueError, match="'momentum_buffer' of parameter 1 has shape"):
        opt.load_state_dict(wrong_shape.state_dict())


def test_base_class_without_update_says_so():
    (p,) = make_params([(2,)])
    p.grad = np.ones(2)
    with pytest.raises(NotImplementedError, match="Optimizer does not define update"):
        Optimizer([p], {}).step()


def test_importing_minigrad_optim_does_not_import_numba():
    code = "import sys, minigrad, minigrad.optim; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_disable_jit_runs_the_numpy_twin():
    code = (
        "import numpy as np; from minigrad.optim import SGD; from minigrad.optim.sgd import sgd\n"
        "class P: pass\n"
        "p = P(); p.data = np.ones(3); p.grad = np.ones(3)\n"
        "SGD([p], lr=0.5).step()\n"
        "import sys; print(sgd.lazy._use_twin, sgd.lazy._compiled == {}, 'numba' in sys.modules, p.data[0])"
    )
    env = {**os.environ, "MINIGRAD_DISABLE_JIT": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.split() == ["True", "True", "False", "0.5"]


def test_kernel_compiles_without_cache_when_no_cache_dir_is_writable(monkeypatch):
    from numba.core import caching

    # No cache locator: what numba finds on a read-only install with no writable home.
    monkeypatch.setattr(caching.CacheImpl, "_locator_classes", [])
    lazy = _jit.LazyKernel(sgd.lazy.loop, sgd.lazy.twin)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compiled = lazy.compiled()
    assert any("cannot cache" in str(w.message) for w in caught)
    param, grad, buf = np.ones(4), np.full(4, 2.0), np.zeros(4)
    compiled(params=(param,), grads=(grad,), momentum_buffers=(buf,), steps=np.ones(1), lr=0.25,
             momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False)  # fmt: skip
    np.testing.assert_array_equal(param, np.full(4, 0.5))


def test_trains_minigrad_parameters_and_survives_module_load_state_dict():
    import minigrad as mg

    layer = mg.nn.Linear(3, 2)
    x = mg.tensor(np.ones((4, 3), np.float32))
    target = np.full((4, 2), 0.5, np.float32)
    opt = SGD(layer.parameters(), lr=0.1)

    def train_step():
        opt.zero_grad()
        loss = ((layer(x) - mg.tensor(target)) ** 2).mean()
        loss.backward()
        opt.step()

    train_step()
    saved = {k: np.array(v, copy=True) for k, v in layer.state_dict().items()}
    weight_view = layer.weight.data
    train_step()
    layer.load_state_dict(saved)  # writes into .data in place: still the optimizer's view
    assert layer.weight.data is weight_view
    np.testing.assert_array_equal(layer.weight.data, saved["weight"])
    # d/dW mean((xWᵀ + b - t)²) for x of ones: every row of the error is the same
    error = saved["weight"].sum(axis=1) + saved["bias"] - 0.5
    expected_weight = saved["weight"] - 0.1 * (2 * error / 2)[:, None] * np.ones((1, 3))
    train_step()
    np.testing.assert_allclose(layer.weight.data, expected_weight, rtol=1e-6)


def test_minigrad_parallel_0_turns_the_parallel_compile_off():
    code = "from minigrad.optim import _jit; print(_jit.PARALLEL_MIN_SIZE)"
    env = {**os.environ, "MINIGRAD_PARALLEL": "0"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "None"


def test_state_dict_survives_minigrad_save_and_load_through_its_flat_form(tmp_path):
    import minigrad as mg
    from minigrad.optim import Adam
    from minigrad.optim.optimizer import flatten_state_dict

    rng = np.random.default_rng(2)
    grads = [[rng.standard_normal(s) for s in [(3, 2), (4,)]] for _ in range(6)]
    params = make_params([(3, 2), (4,)])
    opt = Adam(params, lr=0.05, betas=(0.8, 0.99), amsgrad=True)
    run_sgd(opt, params, grads[:3])
    mg.save(flatten_state_dict(opt.state_dict()), tmp_path / "opt.npz")
    fresh = [Param(p.data.copy()) for p in params]
    run_sgd(opt, params, grads[3:])

    resumed = Adam(fresh)
    resumed.load_state_dict(mg.load(tmp_path / "opt.npz"))
    assert resumed.param_groups[0]["betas"] == (0.8, 0.99)
    assert resumed.param_groups[0]["amsgrad"] is True
    run_sgd(resumed, fresh, grads[3:])
    for p, q in zip(params, fresh):
        np.testing.assert_array_equal(p.data, q.data)


def test_named_parameters_are_accepted_and_their_names_kept():
    import minigrad as mg
    from minigrad.optim.optimizer import flatten_state_dict

    model = mg.nn.Linear(2, 1)
    opt = SGD(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.param_groups[0]["params"][0] is model.weight
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]
    flat = flatten_state_dict(opt.state_dict())
    assert "param_groups.0.lr" in flat and not any("param_names" in k for k in flat)


def test_second_process_loads_the_compiled_kernel_from_the_disk_cache(tmp_path):
    code = (
        "import numpy as np; from minigrad.optim.sgd import sgd\n"
        "a = (np.ones(8),)\n"
        "sgd(params=a, grads=a, momentum_buffers=a, steps=np.ones(1), lr=0.1, momentum=0.9,"
        " dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False)\n"
        "print(sum(sgd.lazy.compiled().stats.cache_hits.values()))"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}  # an empty cache of our own
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        for _ in range(2)
    ]
    assert [r.stdout.strip() for r in runs] == ["0", "1"], [r.stderr[-500:] for r in runs]


@settings(max_examples=25, deadline=None)
@given(
    shapes=st.lists(
        st.lists(st.integers(1, 5), min_size=0, max_size=3).map(tuple), min_size=1, max_size=4
    ),
    dtype=st.sampled_from([np.float32, np.float64]),
    which=st.sampled_from(["sgd", "adam", "adamw", "adamax", "nadam"]),
    seed=st.integers(0, 2**16),
)
def test_one_batched_call_equals_one_optimizer_per_tensor(shapes, dtype, which, seed):
    # One kernel call for several tensors must not change a single bit: the rule is elementwise.
    from minigrad.optim import Adam, Adamax, AdamW, NAdam

    make = {
        "sgd": lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
        "adam": lambda ps: Adam(ps, lr=0.01, amsgrad=True, weight_decay=0.01),
        "adamw": lambda ps: AdamW(ps, lr=0.01),
        "adamax": lambda ps: Adamax(ps, lr=0.01),
        "nadam": lambda ps: NAdam(ps, lr=0.01),
    }[which]
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads = [[rng.standard_normal(s).astype(dtype) for s in shapes] for _ in range(4)]
    together = [Param(x.copy()) for x in init]
    apart = [Param(x.copy()) for x in init]
    opt = make(together)
    singles = [make([p]) for p in apart]
    for step_grads in grads:
        for p, q, g in zip(together, apart, step_grads):
            p.grad, q.grad = g.copy(), g.copy()
        opt.step()
        for single in singles:
            single.step()
    for p, q in zip(together, apart):
        np.testing.assert_array_equal(p.data, q.data)
