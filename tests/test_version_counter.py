"""The version counter: a VJP refuses to run on a tensor changed in place after the op used it."""

import numpy as np
import pytest

import minigrad as mg


def test_the_issue_example_raises_instead_of_giving_wrong_gradients():
    x = mg.Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    with mg.no_grad():
        x -= 0.5
    with pytest.raises(
        RuntimeError,
        match=r"backward: mul cannot compute its gradient: its input 0 \(shape \(2,\), dtype"
        r" float32\) was changed in place by `-=` after mul used it \(now at version 1\)",
    ):
        y.backward()
    assert x.grad is None  # nothing was accumulated from the refused pass


def test_scaling_an_ops_output_in_place_before_backward_raises():
    x = mg.tensor([0.5, 1.0], requires_grad=True)
    y = mg.exp(x)  # exp's VJP uses its output
    with mg.no_grad():
        y *= 2
    with pytest.raises(RuntimeError, match=r"exp cannot compute .* its output .* by `\*=`"):
        y.sum().backward()


def test_an_in_place_operation_on_data_is_detected_and_named():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    x.data -= 0.5  # the issue's example again, through .data
    with pytest.raises(RuntimeError, match=r"by `an in-place operation on .data`"):
        y.backward()


def test_a_new_data_array_leaves_the_first_order_gradient_right():
    # the VJP keeps the array mul saw, which nobody changed (an optimizer adopting p.data into
    # its flat buffer does this, with the same values)
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    x.data = np.array([5.0, 5.0], np.float32)
    y.backward()
    np.testing.assert_allclose(x.grad, [2.0, 4.0])


def test_a_new_data_array_is_refused_under_create_graph():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    x.data = np.array([5.0, 5.0], np.float32)
    with pytest.raises(RuntimeError, match=r"mul cannot compute its gradient with create_graph=True"):
        y.backward(create_graph=True)


def test_each_in_place_update_bumps_the_version():
    t = mg.tensor([1.0, 2.0])
    assert t._version == 0
    t += 1
    t *= 2
    t.data /= 2
    t.data = np.zeros(2, np.float32)  # a new array: not an in-place change
    assert t._version == 3


def test_changes_before_the_op_ran_are_fine():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with mg.no_grad():
        x -= 0.5
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad, [1.0, 3.0])


def test_an_unrelated_in_place_change_does_not_stop_backward():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    other = mg.tensor([3.0])
    y = (x * x).sum()
    other += 1
    y.backward()
    np.testing.assert_allclose(x.grad, [2.0, 4.0])


def test_a_training_loop_that_updates_after_backward_still_works():
    w = mg.tensor([1.0], requires_grad=True)
    for _ in range(3):
        w.grad = None
        loss = (w * w).sum()
        loss.backward()
        with mg.no_grad():
            w -= 0.25 * w.grad
    np.testing.assert_allclose(w.data, [0.125])  # w <- w (1 - 0.5) three times
