"""Module hooks: call order, replacing inputs/outputs/gradients, .remove(), against hand-computed values."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def linear_with(weight, bias):
    layer = nn.Linear(*np.shape(weight)[::-1])
    layer.weight.data[...] = weight
    layer.bias.data[...] = bias
    return layer


W = np.array([[1.0, 2.0, -1.0], [0.5, -3.0, 2.0]], dtype=np.float32)  # (out=2, in=3)
B = np.array([0.1, -0.2], dtype=np.float32)


class Product(nn.Module):
    """forward(a, b) = a * b: a module with two inputs."""

    def forward(self, a, b):
        return a * b


def test_hooks_run_in_pytorch_order_pre_forward_hook_then_backward():
    calls = []

    class Recorded(nn.Module):
        def forward(self, x):
            calls.append("forward")
            return x * 2

    module = Recorded()
    module.register_forward_pre_hook(lambda m, args: calls.append("pre"))
    module.register_forward_hook(lambda m, args, out: calls.append("forward hook"))
    module.register_full_backward_hook(lambda m, gi, go: calls.append("backward hook"))
    out = module(mg.tensor([1.0, 2.0], requires_grad=True))
    calls.append("returned")
    out.sum().backward()
    assert calls == ["pre", "forward", "forward hook", "returned", "backward hook"]


def test_hooks_of_one_kind_run_in_registration_order_and_prepend_puts_one_first():
    calls = []
    module = nn.ReLU()
    module.register_forward_hook(lambda m, a, o: calls.append("first"))
    module.register_forward_hook(lambda m, a, o: calls.append("second"))
    module.register_forward_hook(lambda m, a, o: calls.append("prepended"), prepend=True)
    module(mg.tensor([1.0]))
    assert calls == ["prepended", "first", "second"]


def test_backward_hooks_of_a_sequential_run_from_the_last_layer_to_the_first():
    calls = []
    model = nn.MLP([3, 4, 4, 2])
    for name, layer in model.named_children():
        layer.register_full_backward_hook(lambda m, gi, go, name=name: calls.append(name))
    model(mg.randn(5, 3)).sum().backward()
    assert calls == ["4", "3", "2", "1", "0"]


def test_forward_pre_hook_may_replace_the_input_and_a_single_value_is_wrapped_in_a_tuple():
    layer = linear_with(W, B)
    seen = []
    layer.register_forward_pre_hook(lambda m, args: args[0] * 2)  # not a tuple
    layer.register_forward_pre_hook(lambda m, args: seen.append(args))
    x = np.array([[1.0, 0.0, 2.0]], dtype=np.float32)
    out = layer(mg.tensor(x))
    assert isinstance(seen[0], tuple) and len(seen[0]) == 1
    np.testing.assert_allclose(out.data, (2 * x) @ W.T + B, rtol=1e-6)


def test_forward_hook_may_replace_the_output_and_sees_the_input():
    layer = linear_with(W, B)
    x = np.array([[1.0, -1.0, 0.5]], dtype=np.float32)
    seen = {}

    def hook(module, args, output):
        seen["args"] = args[0].data.copy()
        return output + 10

    layer.register_forward_hook(hook)
    out = layer(mg.tensor(x))
    np.testing.assert_array_equal(seen["args"], x)
    np.testing.assert_allclose(out.data, x @ W.T + B + 10, rtol=1e-6)


def test_hooks_with_kwargs_get_and_may_replace_the_keyword_arguments():
    seen = []

    class Scaled(nn.Module):
        def forward(self, x, scale=1.0):
            return x * scale

    module = Scaled()
    module.register_forward_pre_hook(
        lambda m, args, kwargs: (args, {"scale": 3.0}), with_kwargs=True
    )
    module.register_forward_hook(lambda m, args, kwargs, out: seen.append(kwargs), with_kwargs=True)
    out = module(mg.tensor([1.0, 2.0]), scale=5.0)
    np.testing.assert_array_equal(out.data, [3.0, 6.0])
    assert seen == [{"scale": 3.0}]


def test_full_backward_hook_gets_grad_input_and_grad_output_of_a_linear_layer():
    layer = linear_with(W, B)
    x = mg.tensor(np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]], np.float32), requires_grad=True)
    upstream = np.array([[1.0, -2.0], [0.5, 3.0]], np.float32)
    seen = []
    layer.register_full_backward_hook(lambda m, gi, go: seen.append((m, gi, go)))
    (layer(x) * mg.tensor(upstream)).sum().backward()
    ((module, grad_input, grad_output),) = seen
    assert module is layer and len(grad_input) == 1 and len(grad_output) == 1
    np.testing.assert_allclose(grad_output[0], upstream)  # d sum(y * u) / dy = u
    np.testing.assert_allclose(grad_input[0], upstream @ W, rtol=1e-6)  # dL/dx = (dL/dy) W


def test_full_backward_hook_on_tanh_sees_the_derivative_one_minus_tanh_squared():
    x = np.array([-1.0, 0.0, 0.5, 2.0])
    seen = []
    layer = nn.Tanh()
    layer.register_full_backward_hook(lambda m, gi, go: seen.append(gi[0]))
    layer(mg.tensor(x, requires_grad=True)).sum().backward()
    np.testing.assert_allclose(seen[0], 1 - np.tanh(x) ** 2, rtol=1e-12)


def test_a_backward_hook_that_doubles_grad_input_doubles_the_input_gradient_only():
    layer = linear_with(W, B)
    x = mg.tensor(np.array([[1.0, 2.0, 3.0]], np.float32), requires_grad=True)
    layer.register_full_backward_hook(lambda m, gi, go: (2 * gi[0],))
    layer(x).sum().backward()
    np.testing.assert_allclose(x.grad, 2 * np.ones((1, 2)) @ W, rtol=1e-6)  # 2 * [1.5, -1, 1]
    np.testing.assert_allclose(layer.weight.grad, np.ones((2, 1)) @ x.data, rtol=1e-6)  # unchanged


def test_a_backward_hook_sees_both_inputs_gradients_and_may_replace_both():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, -4.0], requires_grad=True)
    seen = []

    def hook(module, grad_input, grad_output):
        seen.append([np.array(g) for g in grad_input])
        return (grad_input[0] * 2, grad_input[1] * 3)

    module = Product()
    module.register_full_backward_hook(hook)
    module(a, b).sum().backward()
    np.testing.assert_array_equal(seen[0][0], b.data)  # d(a*b)/da = b
    np.testing.assert_array_equal(seen[0][1], a.data)
    np.testing.assert_array_equal(a.grad, 2 * b.data)
    np.testing.assert_array_equal(b.grad, 3 * a.data)


def test_grad_input_is_none_for_inputs_that_need_no_grad_and_the_hook_still_runs():
    seen = []
    module = Product()
    module.register_full_backward_hook(lambda m, gi, go: seen.append((gi, go)))
    b = mg.tensor([3.0, -4.0], requires_grad=True)
    module(mg.tensor([1.0, 2.0]), b).sum().backward()
    grad_input, grad_output = seen[0]
    assert grad_input[0] is None
    np.testing.assert_array_equal(grad_input[1], [1.0, 2.0])
    np.testing.assert_array_equal(grad_output[0], [1.0, 1.0])
    seen.clear()
    layer = linear_with(W, B)  # a first layer: its input is data, only its weights need grad
    layer.register_full_backward_hook(lambda m, gi, go: seen.append(gi))
    layer(mg.tensor(np.ones((1, 3), np.float32))).sum().backward()
    assert seen == [(None,)]


def test_remove_unregisters_each_kind_of_hook_and_removing_twice_is_harmless():
    calls = []
    layer = linear_with(W, B)
    handles = [
        layer.register_forward_pre_hook(lambda m, a: calls.append("pre")),
        layer.register_forward_hook(lambda m, a, o: calls.append("forward")),
        layer.register_full_backward_hook(lambda m, gi, go: calls.append("backward")),
    ]
    x = mg.tensor(np.ones((1, 3), np.float32), requires_grad=True)
    layer(x).sum().backward()
    assert calls == ["pre", "forward", "backward"]
    for handle in handles:
        handle.remove()
        handle.remove()
    calls.clear()
    x.grad = None
    out = layer(x)
    out.sum().backward()
    assert calls == []
    assert out.op == "linear"  # no gate nodes left in the graph
    np.testing.assert_allclose(x.grad, np.ones((1, 2)) @ W, rtol=1e-6)


def test_a_handle_used_as_a_context_manager_removes_its_hook_on_exit():
    calls = []
    module = nn.ReLU()
    with module.register_forward_hook(lambda m, a, o: calls.append(1)):
        module(mg.tensor([1.0]))
    module(mg.tensor([1.0]))
    assert calls == [1]


def test_backward_hooks_add_nothing_under_no_grad_but_forward_hooks_still_run():
    calls = []
    layer = linear_with(W, B)
    layer.register_forward_hook(lambda m, a, o: calls.append("forward"))
    layer.register_full_backward_hook(lambda m, gi, go: calls.append("backward"))
    with mg.no_grad():
        out = layer(mg.tensor(np.ones((1, 3), np.float32)))
    assert calls == ["forward"] and not out.requires_grad


def test_a_hook_that_is_not_callable_is_refused_by_name():
    with pytest.raises(TypeError, match=r"Linear.register_forward_hook: hook must be callable"):
        nn.Linear(2, 2).register_forward_hook("print")
    with pytest.raises(TypeError, match=r"ReLU.register_full_backward_hook: hook must be callable"):
        nn.ReLU().register_full_backward_hook(None)


def test_a_backward_hook_returning_the_wrong_number_of_gradients_is_explained():
    module = Product()
    module.register_full_backward_hook(lambda m, gi, go: (gi[0],))
    a, b = mg.tensor([1.0], requires_grad=True), mg.tensor([2.0], requires_grad=True)
    message = r"Product: a full backward hook must return None or a tuple of 2 gradient\(s\)"
    with pytest.raises(ValueError, match=message + r".*got length 1 tuple"):
        module(a, b).sum().backward()


def test_backward_hooks_need_a_tensor_output():
    class Pair(nn.Module):
        def forward(self, x):
            return {"x": x}

    module = Pair()
    module.register_full_backward_hook(lambda m, gi, go: None)
    with pytest.raises(
        TypeError, match=r"Pair: full backward hooks need forward\(\) to return a Tensor"
    ):
        module(mg.tensor([1.0], requires_grad=True))
