"""Tensor.register_hook and retain_grad."""

import numpy as np
import pytest

import minigrad as mg


def test_a_hook_sees_the_gradient_and_can_double_it():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    seen = []
    y.register_hook(lambda g: seen.append(np.array(g)))
    x.register_hook(lambda g: g * 2)
    (y * y).sum().backward()
    np.testing.assert_allclose(seen[0], 2 * y.data)  # d(sum y^2)/dy
    np.testing.assert_allclose(x.grad, 2 * 3 * 2 * y.data)  # doubled by the hook


def test_a_hook_on_an_intermediate_changes_what_flows_further_back():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: g * 0)
    (y * y).sum().backward()
    np.testing.assert_allclose(x.grad, [0.0, 0.0])


def test_hooks_run_in_registration_order_and_each_sees_the_previous_result():
    x = mg.tensor([1.0], requires_grad=True)
    calls = []
    x.register_hook(lambda g: calls.append(("first", float(g[0]))) or g + 1)
    x.register_hook(lambda g: calls.append(("second", float(g[0]))))
    (x * 5).sum().backward()
    assert calls == [("first", 5.0), ("second", 6.0)]
    np.testing.assert_allclose(x.grad, [6.0])


def test_a_removed_hook_is_not_called():
    x = mg.tensor([1.0], requires_grad=True)
    handle = x.register_hook(lambda g: g * 10)
    handle.remove()
    handle.remove()  # twice is harmless
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad, [2.0])


def test_hooks_also_run_in_autograd_grad():
    x = mg.tensor([1.0], requires_grad=True)
    x.register_hook(lambda g: g * 4)
    (g,) = mg.autograd.grad((x * 2).sum(), x)
    np.testing.assert_allclose(g.data, [8.0])


def test_hook_on_a_tensor_that_does_not_require_grad_is_refused():
    with pytest.raises(RuntimeError, match="register_hook: this tensor does not require grad"):
        mg.tensor([1.0]).register_hook(lambda g: g)


def test_hook_must_be_callable():
    with pytest.raises(TypeError, match="register_hook: hook must be callable, got int"):
        mg.tensor([1.0], requires_grad=True).register_hook(3)


def test_a_hook_that_changes_the_shape_is_refused():
    x = mg.tensor([1.0, 2.0], requires_grad=True)

    def bad(g):
        return g[:1]

    x.register_hook(bad)
    with pytest.raises(ValueError, match=r"register_hook: hook 'bad' returned shape \(1,\), expected"):
        (x * 1).sum().backward()


def test_retain_grad_is_a_no_op_because_every_grad_is_kept():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    assert y.retain_grad() is None
    y.sum().backward()
    np.testing.assert_allclose(y.grad, [1.0, 1.0])  # kept with or without retain_grad


def test_requires_grad_assignment_on_an_int_tensor_is_refused():
    t = mg.tensor(np.array([1, 2]))
    with pytest.raises(
        TypeError, match="Tensor.requires_grad: only floating tensors can require grad, got dtype int64"
    ):
        t.requires_grad = True
    assert t.requires_grad is False


def test_requires_grad_of_a_non_leaf_cannot_be_switched_off():
    y = mg.tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"only a leaf's flag can be changed \(this tensor was made by mul\)"):
        y.requires_grad = False
