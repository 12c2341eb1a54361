"""Every leaf's .grad is an array of its own after backward, for every op of the sweep.

backpropagate hands a VJP's fresh result to a leaf without copying it and copies only what may be
shared (the seed, a gradient passed through unchanged, a view): a mistake there would let
`p.grad *= c` (clip_grad_norm_ does it) change another tensor's gradient or an op's saved data.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sweep_table import ENTRIES, floats
from test_sweep import SWEEP, differentiable, draw_case, run

import minigrad as mg


def shares(a, b):
    return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.shares_memory(a, b)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.vjp], ids=lambda e: e.name)
@SWEEP
@given(data=st.data())
def test_each_leaf_gradient_is_its_own_array(entry, data):
    inputs, params = draw_case(data, entry, lambda k: floats(-2, 2))
    wanted = differentiable(entry, inputs)
    tensors, out = run(entry, inputs, params, requires_grad=wanted)
    seed = np.ones(out.shape)
    with np.errstate(all="ignore"):
        out.backward(seed)
    others = [seed, out.data, out.grad] + [t.data for t in tensors]
    for k in wanted:
        grad = tensors[k].grad
        assert grad.flags.writeable, f"{entry.name}: input {k}'s gradient is read-only"
        assert not any(shares(grad, a) for a in others), f"{entry.name}: input {k}'s gradient is shared"
        for j in wanted:
            if j != k:
                assert not shares(grad, tensors[j].grad), f"{entry.name}: inputs {k} and {j} share a gradient"


def test_a_gradient_passed_through_add_is_copied_for_each_leaf():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0], requires_grad=True)
    (a + b).backward(np.array([1.0, 1.0]))
    a.grad *= 10  # as clip_grad_norm_ scales each gradient in place
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


def test_a_hook_that_returns_its_own_array_keeps_it():
    kept = np.array([5.0, 5.0])
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    a.register_hook(lambda g: kept)
    (a * 2).sum().backward()
    a.grad += 1
    np.testing.assert_array_equal(kept, [5.0, 5.0])
    np.testing.assert_array_equal(a.grad, [6.0, 6.0])
