"""nn layers beyond Linear: Dropout, BatchNorm1d, LayerNorm, Identity, Flatten, Softmax, containers, buffers."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

rng = np.random.default_rng(11)


def f64(x, requires_grad=False):
    return mg.tensor(np.asarray(x, dtype=np.float64), requires_grad=requires_grad)


# ----- Dropout -----
def test_dropout_zeroes_with_probability_p_and_scales_the_rest_by_one_over_one_minus_p():
    mg.manual_seed(0)
    x = mg.ones(200, 100)
    out = nn.Dropout(p=0.3)(x).data
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1 / 0.7, rtol=1e-6)  # inverted dropout
    assert abs(kept.mean() - 0.7) < 0.01  # 20,000 draws: standard error 0.003
    assert abs(out.mean() - 1.0) < 0.02  # the expectation is unchanged


def test_dropout_gradient_is_the_same_mask_times_the_scale():
    mg.manual_seed(1)
    x = mg.tensor(rng.standard_normal((4, 5)), requires_grad=True)
    out = nn.Dropout(p=0.5)(x)
    out.sum().backward()
    mask = out.data != 0
    np.testing.assert_allclose(x.grad, mask * 2.0)
    np.testing.assert_allclose(out.data, x.data * mask * 2.0)


def test_dropout_is_the_identity_in_eval_mode_and_with_p_zero_and_zero_with_p_one():
    x = mg.tensor(rng.standard_normal((3, 4)))
    layer = nn.Dropout(0.9).eval()
    assert layer(x) is x
    assert nn.Dropout(0.0)(x) is x
    np.testing.assert_array_equal(nn.Dropout(1.0)(x).data, np.zeros((3, 4)))
    np.testing.assert_array_equal(mg.nn.functional.dropout(x, 0.5, training=False).data, x.data)


def test_dropout_rejects_a_probability_outside_zero_one():
    with pytest.raises(ValueError, match=r"Dropout: p must be a probability in \[0, 1\], got 1.5"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match=r"dropout: p must be a probability in \[0, 1\], got -0.1"):
        mg.nn.functional.dropout(mg.ones(2), -0.1)


# ----- BatchNorm1d against a numpy reference of PyTorch's documented rule -----
def batchnorm_reference(batches, eps=1e-5, momentum=0.1, weight=None, bias=None):
    """Outputs in training mode and the running statistics after each batch (PyTorch's docs:
    normalise by the biased batch variance, track the unbiased one, running = (1-m) running + m stat,
    momentum None = cumulative average)."""
    c = batches[0].shape[1]
    running_mean, running_var, count = np.zeros(c), np.ones(c), 0
    weight = np.ones(c) if weight is None else weight
    bias = np.zeros(c) if bias is None else bias
    outs = []
    for x in batches:
        axes = (0,) if x.ndim == 2 else (0, 2)
        shape = (1, c) + (1,) * (x.ndim - 2)
        n = x.size // c
        mean = x.mean(axis=axes)
        var = ((x - mean.reshape(shape)) ** 2).mean(axis=axes)
        outs.append(
            (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * weight.reshape(shape)
            + bias.reshape(shape)
        )
        count += 1
        m = 1 / count if momentum is None else momentum
        running_mean = (1 - m) * running_mean + m * mean
        running_var = (1 - m) * running_var + m * var * n / (n - 1)
    return outs, running_mean, running_var, count


@pytest.mark.parametrize("shape", [(8, 3), (5, 3, 4)])
@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
def test_batchnorm1d_train_and_eval_match_pytorchs_rule_in_float64(shape, momentum):
    batches = [rng.standard_normal(shape) * 3 + 2 for _ in range(3)]
    layer = nn.BatchNorm1d(3, momentum=momentum).double()
    layer.weight.data[...] = [0.5, 2.0, -1.0]
    layer.bias.data[...] = [0.1, 0.0, 3.0]
    expected, running_mean, running_var, count = batchnorm_reference(
        batches, momentum=momentum, weight=layer.weight.data.copy(), bias=layer.bias.data.copy()
    )
    for x, want in zip(batches, expected):
        out = layer(f64(x))
        assert out.dtype == np.float64
        np.testing.assert_allclose(out.data, want, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(layer.running_mean.data, running_mean, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(layer.running_var.data, running_var, rtol=1e-6, atol=1e-12)
    assert layer.num_batches_tracked.item() == count == 3
    layer.eval()
    x = rng.standard_normal(shape)
    stats = (1, 3) + (1,) * (len(shape) - 2)
    want = (x - running_mean.reshape(stats)) / np.sqrt(running_var.reshape(stats) + 1e-5)
    want = want * layer.weight.data.reshape(stats) + layer.bias.data.reshape(stats)
    np.testing.assert_allclose(layer(f64(x)).data, want, rtol=1e-6, atol=1e-6)
    assert layer.num_batches_tracked.item() == 3  # eval does not update


def test_batchnorm1d_gradient_matches_finite_differences():
    x = rng.standard_normal((6, 3))
    layer = nn.BatchNorm1d(3).double()
    layer.weight.data[...] = [1.5, -0.5, 2.0]
    probe = rng.standard_normal((6, 3))  # a loss that is not invariant to normalisation
    assert mg.gradcheck(lambda t: (layer(t) * probe).sum(), [x])
    assert mg.gradcheck(lambda w: (layer.eval()(f64(x)) * w).sum(), [probe])


def test_batchnorm1d_without_running_stats_always_uses_the_batch():
    layer = nn.BatchNorm1d(2, track_running_stats=False, affine=False).eval()
    x = rng.standard_normal((10, 2))
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)
    np.testing.assert_allclose(layer(f64(x)).data, expected, rtol=1e-6)
    assert list(layer.state_dict()) == [] and list(layer.parameters()) == []


def test_batchnorm1d_state_dict_has_pytorchs_keys_and_round_trips():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    assert list(model.state_dict()) == [
        "0.weight",
        "0.bias",
        "1.weight",
        "1.bias",
        "1.running_mean",
        "1.running_var",
        "1.num_batches_tracked",
    ]
    assert [name for name, _ in model.named_parameters()][-2:] == ["1.weight", "1.bias"]
    model(mg.tensor(rng.standard_normal((4, 2)).astype(np.float32)))
    saved = model.state_dict()
    fresh = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    fresh.load_state_dict(saved)
    np.testing.assert_array_equal(fresh[1].running_var.data, saved["1.running_var"])
    assert fresh[1].num_batches_tracked.item() == 1
    assert saved["1.num_batches_tracked"].dtype == np.int64


def test_batchnorm1d_errors():
    with pytest.raises(ValueError, match=r"BatchNorm1d: expected input of shape \(N, 3\) or \(N, 3, L\), got \(4, 2\)"):
        nn.BatchNorm1d(3)(mg.zeros(4, 2))
    with pytest.raises(ValueError, match="BatchNorm1d: training needs more than 1 value per channel"):
        nn.BatchNorm1d(3)(mg.zeros(1, 3))
    with pytest.raises(ValueError, match="BatchNorm1d: num_features must be a positive int, got 0"):
        nn.BatchNorm1d(0)


# ----- LayerNorm -----
@pytest.mark.parametrize("shape, normalized", [((4, 5), 5), ((2, 3, 4), (3, 4))])
def test_layernorm_matches_the_formula_and_finite_differences(shape, normalized):
    x = rng.standard_normal(shape) * 2 + 1
    layer = nn.LayerNorm(normalized).double()
    layer.weight.data[...] = rng.standard_normal(layer.weight.shape)
    layer.bias.data[...] = rng.standard_normal(layer.bias.shape)
    axes = tuple(range(len(shape) - np.ndim(np.zeros(layer.normalized_shape)), len(shape)))
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    expected = (x - mean) / np.sqrt(var + 1e-5) * layer.weight.data + layer.bias.data
    np.testing.assert_allclose(layer(f64(x)).data, expected, rtol=1e-10, atol=1e-12)
    probe = rng.standard_normal(shape)
    assert mg.gradcheck(lambda t: (layer(t) * probe).sum(), [x])


def test_layernorm_without_affine_has_no_parameters_and_checks_the_shape():
    layer = nn.LayerNorm(4, elementwise_affine=False)
    assert list(layer.parameters()) == []
    with pytest.raises(ValueError, match=r"LayerNorm: input of shape \(2, 3\) should end in normalized_shape \(4,\)"):
        layer(mg.zeros(2, 3))


# ----- Identity, Flatten, Softmax -----
def test_identity_flatten_softmax_logsoftmax():
    x = mg.tensor(rng.standard_normal((2, 3, 4)))
    assert nn.Identity(54, unused=True)(x) is x
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    np.testing.assert_array_equal(nn.Flatten()(x).data, x.data.reshape(2, 12))
    e = np.exp(x.data - x.data.max(axis=1, keepdims=True))
    expected = e / e.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(nn.Softmax(dim=1)(x).data, expected, rtol=1e-6)
    np.testing.assert_allclose(nn.LogSoftmax(dim=1)(x).data, np.log(expected), rtol=1e-5)
    with pytest.raises(ValueError, match="Flatten: start_dim=2 comes after end_dim=1"):
        nn.Flatten(2, 1)(x)


# ----- containers -----
def test_module_list_registers_its_entries_by_position():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 3), nn.Linear(3, 1)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "layers.0.weight",
        "layers.0.bias",
        "layers.1.weight",
        "layers.1.bias",
    ]
    net.layers.append(nn.ReLU())
    assert len(net.layers) == 3 and isinstance(net.layers[-1], nn.ReLU)
    assert isinstance(net.layers[1:], nn.ModuleList) and len(net.layers[1:]) == 2
    x = mg.tensor(rng.standard_normal((4, 2)).astype(np.float32))
    w0, b0 = net.layers[0].weight.data, net.layers[0].bias.data
    w1, b1 = net.layers[1].weight.data, net.layers[1].bias.data
    expected = np.maximum((x.data @ w0.T + b0) @ w1.T + b1, 0)
    np.testing.assert_allclose(net(x).data, expected, rtol=1e-5)
    with pytest.raises(IndexError, match="ModuleList: index 3 out of range for 3 modules"):
        net.layers[3]
    with pytest.raises(TypeError, match="ModuleList: entry 3 must be a Module, got int"):
        net.layers.append(5)


def test_module_dict_registers_its_entries_by_key():
    heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 3)})
    assert list(heads.keys()) == ["a", "b"] and "a" in heads and len(heads) == 2
    assert [n for n, _ in heads.named_parameters()] == ["a.weight", "a.bias", "b.weight", "b.bias"]
    heads["c"] = nn.Tanh()
    assert list(heads) == ["a", "b", "c"]
    del heads["a"]
    assert list(heads.keys()) == ["b", "c"] and len(list(heads.parameters())) == 2
    with pytest.raises(KeyError, match="ModuleDict: no module named 'z'"):
        heads["z"]


def test_sequential_of_new_layers_trains_in_eval_mode_deterministically():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4, 1))
    x = mg.tensor(rng.standard_normal((6, 3)).astype(np.float32))
    model(x)
    model.eval()
    assert not any(m.training for m in model.modules())
    np.testing.assert_array_equal(model(x).data, model(x).data)  # no dropout, running stats fixed


# ----- Module helpers -----
def test_register_buffer_is_saved_but_not_a_parameter():
    class Scaler(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("scale", mg.tensor([2.0, 3.0]))

        def forward(self, x):
            return x * self.scale

    s = Scaler()
    assert list(s.parameters()) == [] and [n for n, _ in s.named_buffers()] == ["scale"]
    assert list(s.state_dict()) == ["scale"]
    s.scale = mg.tensor([5.0, 6.0])  # reassigning keeps it a buffer
    assert list(s.state_dict()) == ["scale"]
    np.testing.assert_array_equal(s(mg.ones(2)).data, [5.0, 6.0])
    assert not s.scale.requires_grad
    with pytest.raises(KeyError, match="register_buffer: name 'weight' is already a parameter"):
        nn.Linear(1, 1).register_buffer("weight", mg.zeros(1))
    with pytest.raises(TypeError, match="register_buffer: buffer 'w' cannot be a Parameter"):
        s.register_buffer("w", nn.Parameter(np.zeros(1, dtype=np.float32)))


def test_apply_visits_children_first_and_requires_grad_freezes():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Linear(2, 2)))
    visited = []
    model.apply(lambda m: visited.append(type(m).__name__))
    assert visited == ["Linear", "Linear", "Sequential", "Sequential"]
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    model[0].requires_grad_()
    assert [p.requires_grad for p in model.parameters()] == [True, True, False, False]


def test_module_to_double_casts_parameters_and_buffers_and_cpu_is_a_no_op():
    layer = nn.BatchNorm1d(2)
    assert layer.to("cpu") is layer and layer.cpu() is layer
    layer.double()
    assert layer.weight.dtype == np.float64 and layer.running_var.dtype == np.float64
    assert layer.num_batches_tracked.dtype == np.int64  # integer buffers keep their dtype
    layer.float()
    assert layer.weight.dtype == np.float32
    with pytest.raises(ValueError, match="BatchNorm1d.to: minigrad has only the 'cpu' device, got 'cuda'"):
        layer.to("cuda")
    with pytest.raises(TypeError, match="BatchNorm1d.to: dtype must be floating, got int64"):
        layer.to(np.int64)
