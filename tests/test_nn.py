"""nn: Module registration, names, init, modes, repr, state dicts, and a model that learns XOR."""

import numpy as np
import pytest
from helpers import check_op

import minigrad as mg
from minigrad import nn


# ----- names and shapes -----
def test_mlp_parameter_names_and_shapes_follow_torch_sequential():
    model = nn.MLP([2, 16, 16, 1])
    shapes = {name: p.shape for name, p in model.named_parameters()}
    assert shapes == {
        "0.weight": (16, 2),
        "0.bias": (16,),
        "2.weight": (16, 16),
        "2.bias": (16,),
        "4.weight": (1, 16),
        "4.bias": (1,),
    }
    assert list(model.state_dict()) == list(shapes)  # same order as torch


def test_mlp_layers_and_activations():
    model = nn.MLP([3, 5, 4, 2], activation="tanh")
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert len(model) == 5 and isinstance(model[2], nn.Linear) and model[2].in_features == 5
    for name, cls in [("relu", nn.ReLU), ("sigmoid", nn.Sigmoid), ("leaky_relu", nn.LeakyReLU)]:
        assert isinstance(nn.MLP([2, 3, 1], activation=name)[1], cls)


def test_parameters_are_parameters_that_require_grad():
    model = nn.MLP([2, 3, 1])
    params = list(model.parameters())
    assert len(params) == 4
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in params)
    assert all(p.dtype == np.float32 for p in params)


def test_linear_without_bias():
    layer = nn.Linear(3, 2, bias=False)
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    assert layer.bias is None


# ----- init -----
def test_linear_init_is_uniform_within_one_over_sqrt_fan_in():
    mg.manual_seed(3)
    layer = nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    w, b = layer.weight.data, layer.bias.data
    assert w.shape == (300, 400) and b.shape == (300,)
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert np.abs(w).max() > 0.99 * bound  # fills the interval...
    np.testing.assert_allclose(w.std(), bound / np.sqrt(3), rtol=0.02)  # ...uniformly
    assert abs(w.mean()) < 0.01 * bound
    assert np.abs(b).max() > 0.9 * bound


# ----- forward and backward against a hand-written numpy network -----
def test_linear_forward_and_gradients():
    layer = nn.Linear(3, 2)
    w, b = layer.weight.data.astype(np.float64), layer.bias.data.astype(np.float64)
    check_op(
        lambda x: layer(x),
        lambda x: x @ w.T + b,
        [np.random.default_rng(0).normal(size=(4, 3))],
        rtol32=1e-5,
        dtype32=np.float32,
    )
    check_op(
        lambda x, w, b: mg.linear(x, w, b),
        lambda x, w, b: x @ w.T + b,
        [np.ones((2, 5, 3)), np.arange(6.0).reshape(2, 3), np.array([0.5, -1.0])],
    )
    check_op(lambda x, w: mg.linear(x, w), lambda x, w: x @ w.T, [np.ones(3), np.ones((2, 3))])


def test_mlp_gradients_match_hand_written_backprop():
    mg.manual_seed(11)
    model = nn.MLP([3, 5, 2], activation="tanh")
    W1, b1, W2, b2 = (p.data.astype(np.float64) for p in model.parameters())
    x = np.random.default_rng(1).normal(size=(7, 3)).astype(np.float32)
    y = np.random.default_rng(2).normal(size=(7, 2)).astype(np.float32)
    loss = nn.functional.mse_loss(model(mg.tensor(x)), mg.tensor(y))
    loss.backward()
    # by hand: h = tanh(x W1^T + b1), out = h W2^T + b2, L = mean((out - y)^2)
    h = np.tanh(x @ W1.T + b1)
    out = h @ W2.T + b2
    d_out = 2 * (out - y) / out.size
    d_pre = (d_out @ W2) * (1 - h**2)
    expected = [d_pre.T @ x, d_pre.sum(0), d_out.T @ h, d_out.sum(0)]
    np.testing.assert_allclose(loss.item(), np.mean((out - y) ** 2), rtol=1e-5)
    for p, g in zip(model.parameters(), expected):
        np.testing.assert_allclose(p.grad, g, rtol=1e-4, atol=1e-6)


def test_activation_modules():
    x = mg.tensor([-2.0, 0.5])
    np.testing.assert_array_equal(nn.ReLU()(x).data, [0.0, 0.5])
    np.testing.assert_allclose(nn.Tanh()(x).data, np.tanh([-2.0, 0.5]), rtol=1e-6)
    np.testing.assert_allclose(nn.Sigmoid()(x).data, 1 / (1 + np.exp([2.0, -0.5])), rtol=1e-6)
    np.testing.assert_allclose(nn.LeakyReLU(0.1)(x).data, [-0.2, 0.5], rtol=1e-6)
    np.testing.assert_allclose(nn.LeakyReLU()(x).data, [-0.02, 0.5], rtol=1e-6)


# ----- Module behaviour -----
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(np.ones(3, dtype=np.float32))
        self.inner = nn.Linear(3, 3)
        self.not_a_param = mg.tensor([1.0, 2.0])  # plain tensors are not registered
        self.config = {"a": 1}

    def forward(self, x):
        return self.inner(x) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = Block()
        self.second = Block()
        self.head = nn.Linear(3, 1)

    def forward(self, x):
        return self.head(self.second(self.first(x)))


def test_module_registers_parameters_and_submodules_with_dotted_names():
    net = Net()
    names = [name for name, _ in net.named_parameters()]
    assert names == [
        "first.scale",
        "first.inner.weight",
        "first.inner.bias",
        "second.scale",
        "second.inner.weight",
        "second.inner.bias",
        "head.weight",
        "head.bias",
    ]
    assert [name for name, _ in net.named_children()] == ["first", "second", "head"]
    assert list(net.children()) == [net.first, net.second, net.head]
    assert len(list(net.modules())) == 6
    assert net(mg.tensor(np.ones((2, 3)))).shape == (2, 1)


def test_reassigning_an_attribute_replaces_the_registration():
    block = Block()
    block.inner = nn.Linear(3, 3, bias=False)
    assert [n for n, _ in block.named_parameters()] == ["scale", "inner.weight"]
    block.scale = None
    assert [n for n, _ in block.named_parameters()] == ["inner.weight"]


def test_shared_parameter_is_listed_once():
    net = Net()
    net.second.inner = net.first.inner
    assert len(list(net.parameters())) == 6


def test_zero_grad():
    model = nn.MLP([2, 3, 1])
    model(mg.tensor(np.ones((4, 2)))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    grads = [p.grad for p in model.parameters()]
    model.zero_grad(set_to_none=False)
    for p, g in zip(model.parameters(), grads):
        assert p.grad is g and not p.grad.any()  # zeroed in place
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_train_and_eval_set_the_mode_everywhere():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    net.train(False)
    assert not net.first.inner.training


def test_repr_prints_the_tree_like_pytorch():
    model = nn.MLP([2, 16, 1])
    assert repr(model) == (
        "MLP(\n"
        "  (0): Linear(in_features=2, out_features=16, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Linear(in_features=16, out_features=1, bias=True)\n"
        ")"
    )
    nested = nn.Sequential(nn.Sequential(nn.Linear(1, 2, bias=False)), nn.LeakyReLU(0.2))
    assert repr(nested) == (
        "Sequential(\n"
        "  (0): Sequential(\n"
        "    (0): Linear(in_features=1, out_features=2, bias=False)\n"
        "  )\n"
        "  (1): LeakyReLU(negative_slope=0.2)\n"
        ")"
    )


def test_parameter_repr():
    assert repr(nn.Parameter(np.array([1.0], dtype=np.float32))) == (
        "Parameter containing:\ntensor([1.], requires_grad=True)"
    )


# ----- state dicts -----
def test_state_dict_holds_copies():
    model = nn.MLP([2, 3, 1])
    sd = model.state_dict()
    sd["0.weight"][...] = 7
    assert not np.any(model[0].weight.data == 7)


def test_state_dict_round_trip_through_save_and_load_is_exact(tmp_path):
    mg.manual_seed(5)
    model = nn.MLP([2, 16, 16, 1])
    path = tmp_path / "model.npz"
    mg.save(model.state_dict(), path)
    loaded = mg.load(path)
    assert list(loaded) == list(model.state_dict())
    other = nn.MLP([2, 16, 16, 1])
    other.load_state_dict(loaded)
    for (name, p), (_, q) in zip(model.named_parameters(), other.named_parameters()):
        assert q.dtype == p.dtype
        np.testing.assert_array_equal(q.data, p.data, err_msg=name)
    x = mg.tensor(np.random.default_rng(0).normal(size=(5, 2)))
    np.testing.assert_array_equal(model(x).data, other(x).data)


def test_load_state_dict_writes_in_place():
    model = nn.MLP([2, 3, 1])
    arrays = [p.data for p in model.parameters()]
    sd = {k: np.full_like(v, 0.5) for k, v in model.state_dict().items()}
    result = model.load_state_dict(sd)
    assert result.missing_keys == [] and result.unexpected_keys == []
    for p, a in zip(model.parameters(), arrays):
        assert p.data is a
        np.testing.assert_array_equal(a, 0.5)


def test_load_state_dict_accepts_tensors_and_casts_dtype():
    layer = nn.Linear(2, 1)
    layer.load_state_dict({"weight": mg.tensor(np.array([[1.0, 2.0]])), "bias": np.array([3.0])})
    assert layer.weight.dtype == np.float32
    np.testing.assert_array_equal(layer.weight.data, [[1.0, 2.0]])
    np.testing.assert_array_equal(layer.bias.data, [3.0])


def test_strict_loading_reports_missing_and_unexpected_keys():
    model = nn.MLP([2, 3, 1])
    sd = model.state_dict()
    del sd["2.bias"]
    sd["9.weight"] = np.ones(2)
    with pytest.raises(
        RuntimeError,
        match=r"MLP.load_state_dict: missing keys \['2.bias'\], unexpected keys \['9.weight'\]",
    ):
        model.load_state_dict(sd)


def test_non_strict_loading_returns_the_keys_and_loads_the_rest():
    model = nn.MLP([2, 3, 1])
    sd = {k: np.zeros_like(v) for k, v in model.state_dict().items()}
    del sd["0.bias"]
    sd["extra"] = np.ones(1)
    before = model[0].bias.data.copy()
    result = model.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["0.bias"] and result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(model[0].weight.data, 0)
    np.testing.assert_array_equal(model[0].bias.data, before)


def test_loading_a_shape_mismatch_errors():
    model = nn.MLP([2, 3, 1])
    sd = model.state_dict()
    sd["0.weight"] = np.ones((3, 3))
    with pytest.raises(
        RuntimeError,
        match=r"MLP.load_state_dict: '0.weight' has shape \(3, 3\) in the state dict "
        r"but \(3, 2\) in the model",
    ):
        model.load_state_dict(sd)
    with pytest.raises(RuntimeError, match="has shape"):
        model.load_state_dict(sd, strict=False)


# ----- learning -----
def test_mlp_learns_xor_with_hand_written_gradient_descent():
    mg.manual_seed(0)
    model = nn.MLP([2, 16, 16, 1])
    x = mg.tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = mg.tensor([[0], [1], [1], [0]])
    losses = []
    for _ in range(300):
        loss = nn.functional.mse_loss(model(x), y)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
        losses.append(loss.item())
    assert losses[0] > 0.1
    assert losses[-1] < 1e-3, f"final loss {losses[-1]}"
    with mg.no_grad():
        prediction = model(x).data
    np.testing.assert_array_equal(prediction.round(), y.data)
