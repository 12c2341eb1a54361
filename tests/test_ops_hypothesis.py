"""Property tests: hypothesis draws shapes (broadcasting pairs included) and values for each op.

Values stay away from the points where an op is not differentiable (relu and abs at 0, clip at
its bounds, ties of max/maximum), where finite differences would not mean anything.
"""

import numpy as np
import pytest
from helpers import check_op
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg

SETTINGS = settings(max_examples=20, deadline=None)


def floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from_zero(lo, hi):
    """Floats in [-hi, -lo] or [lo, hi]."""
    return st.one_of(floats(lo, hi), floats(-hi, -lo))


def grid(offset=0.0):
    """Multiples of 0.1 (plus offset): two grids with different offsets never tie."""
    return st.integers(-40, 40).map(lambda k: k / 10 + offset)


def array(data, shape, elements, unique=False):
    return data.draw(hnp.arrays(np.float64, shape, elements=elements, unique=unique))


PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4)

BINARY = {
    "add": (lambda a, b: a + b, np.add, floats(-3, 3), floats(-3, 3)),
    "sub": (lambda a, b: a - b, np.subtract, floats(-3, 3), floats(-3, 3)),
    "mul": (lambda a, b: a * b, np.multiply, floats(-3, 3), floats(-3, 3)),
    "div": (lambda a, b: a / b, np.divide, floats(-3, 3), away_from_zero(0.3, 3)),
    "pow": (lambda a, b: a**b, np.power, floats(0.5, 3), floats(-2, 2)),
    "maximum": (mg.maximum, np.maximum, grid(), grid(0.05)),
    "minimum": (mg.minimum, np.minimum, grid(), grid(0.05)),
}


@pytest.mark.parametrize("name", list(BINARY))
@SETTINGS
@given(data=st.data(), shapes=PAIRS)
def test_binary_ops_on_broadcasting_shapes(name, data, shapes):
    fn, numpy_fn, elements_a, elements_b = BINARY[name]
    shape_a, shape_b = shapes.input_shapes
    check_op(fn, numpy_fn, [array(data, shape_a, elements_a), array(data, shape_b, elements_b)])


UNARY = {
    "neg": (lambda x: -x, np.negative, floats(-3, 3)),
    "exp": (mg.exp, np.exp, floats(-3, 3)),
    "log": (mg.log, np.log, floats(0.1, 5)),
    "sqrt": (mg.sqrt, np.sqrt, floats(0.1, 5)),
    "abs": (mg.abs, np.abs, away_from_zero(0.05, 3)),
    "tanh": (mg.tanh, np.tanh, floats(-3, 3)),
    "sigmoid": (mg.sigmoid, lambda x: 1 / (1 + np.exp(-x)), floats(-10, 10)),
    "relu": (mg.relu, lambda x: np.maximum(x, 0), away_from_zero(0.05, 3)),
    "leaky_relu": (
        lambda x: mg.leaky_relu(x, 0.1),
        lambda x: np.where(x > 0, x, 0.1 * x),
        away_from_zero(0.05, 3),
    ),
    "clip": (
        lambda x: mg.clip(x, -1.0, 1.0),
        lambda x: np.clip(x, -1.0, 1.0),
        st.one_of(floats(-3, -1.05), floats(-0.95, 0.95), floats(1.05, 3)),
    ),
    "square": (lambda x: x**2, np.square, floats(-3, 3)),
    "reciprocal": (lambda x: 1 / x, np.reciprocal, away_from_zero(0.3, 3)),
}


@pytest.mark.parametrize("name", list(UNARY))
@SETTINGS
@given(data=st.data(), shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
def test_unary_ops(name, data, shape):
    fn, numpy_fn, elements = UNARY[name]
    check_op(fn, numpy_fn, [array(data, shape, elements)])


@st.composite
def axes(draw, ndim):
    """None, an int (possibly negative) or a tuple of distinct axes, as numpy accepts them."""
    if ndim == 0:
        return draw(st.sampled_from([None, ()]))
    return draw(
        st.one_of(
            st.none(),
            st.integers(-ndim, ndim - 1),
            hnp.valid_tuple_axes(ndim, min_size=1),
        )
    )


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
@SETTINGS
@given(data=st.data(), shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4))
def test_reductions(name, data, shape):
    axis = data.draw(axes(len(shape)))
    keepdims = data.draw(st.booleans())
    x = array(data, shape, grid(), unique=True)  # no ties: max is differentiable
    check_op(
        lambda t: getattr(t, name)(axis=axis, keepdims=keepdims),
        lambda a: getattr(np, name)(a, axis=axis, keepdims=keepdims),
        [x],
    )


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@SETTINGS
@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
def test_softmax_family(name, data, shape):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = array(data, shape, floats(-5, 5))

    def reference(a):
        shifted = a - a.max(axis=axis, keepdims=True)
        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        return log_softmax if name == "log_softmax" else np.exp(log_softmax)

    check_op(lambda t: getattr(t, name)(axis), reference, [x])


@SETTINGS
@given(
    data=st.data(),
    shapes=hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=2, max_side=4),
)
def test_matmul_on_vectors_matrices_and_broadcast_batches(data, shapes):
    shape_a, shape_b = shapes.input_shapes
    check_op(
        lambda a, b: a @ b,
        np.matmul,
        [array(data, shape_a, floats(-2, 2)), array(data, shape_b, floats(-2, 2))],
    )


@SETTINGS
@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
def test_getitem_with_integer_arrays_scatter_adds(data, shape):
    index = data.draw(
        hnp.arrays(np.int64, st.integers(1, 6), elements=st.integers(0, shape[0] - 1))
    )
    check_op(lambda t: t[index], lambda a: a[index], [array(data, shape, floats(-3, 3))])


GRAPH_OPS = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a * mg.sigmoid(b),
    lambda a, b: mg.exp(-a * a) + b,
    lambda a, b: (a * a + 1).sqrt() - b,
    lambda a, b: mg.softmax(a + b, axis=-1),
    lambda a, b: (a @ b.T) @ b / 4,
]


@SETTINGS
@given(
    data=st.data(),
    program=st.lists(
        st.tuples(st.integers(0, len(GRAPH_OPS) - 1), st.integers(0, 99), st.integers(0, 99)),
        min_size=1,
        max_size=8,
    ),
)
def test_random_graphs_with_shared_nodes(data, program):
    """Each step applies an op to two earlier nodes (often the same one twice), so nodes fan out
    to several consumers; the loss sums every node, and gradcheck checks the accumulated sums."""

    def fn(x, y):
        nodes = [x, y]
        for k, i, j in program:
            a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
            nodes.append(mg.tanh(GRAPH_OPS[k](a, b)))  # tanh keeps values in a tame range
        return mg.stack([n.sum() for n in nodes]).sum()

    x = array(data, (3, 4), floats(-2, 2))
    y = array(data, (1, 4), floats(-2, 2))
    assert mg.gradcheck(fn, [x, y])
