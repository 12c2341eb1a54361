"""Every op registered with @op goes through check_op (forward, gradient, gradient of gradient).

The table below must name every op in minigrad.ops: an op added without a row fails
`test_the_table_names_every_registered_op`, so no op escapes the one route.
"""

import math

import numpy as np
import pytest
from helpers import away_from, check_op, distinct

import minigrad as mg
from minigrad import ops

rng = np.random.default_rng(7)


def normal(*shape):
    return rng.standard_normal(shape)


def positive(*shape):
    return rng.uniform(0.5, 2.0, shape)


def nonzero(*shape):
    return away_from(normal(*shape), [0.0], margin=0.3)


INDEX = (np.array([0, 2, 0]), slice(None))  # a repeated row: the VJP must add, not overwrite
CONDITION = np.array([[True, False, True], [False, True, True]])
LABELS = np.array([2, 0, 2])  # class targets of nll_loss (a repeated class)
WEIGHTS = np.array([0.5, 2.0, 1.0])  # its per-sample weights

# op name -> (minigrad fn, numpy reference, inputs)
EVERY_OP = {
    "add": (lambda a, b: a + b, np.add, [normal(2, 3), normal(3)]),
    "sub": (lambda a, b: a - b, np.subtract, [normal(2, 3), normal(2, 1)]),
    "mul": (lambda a, b: a * b, np.multiply, [normal(2, 3), normal(3)]),
    "div": (lambda a, b: a / b, np.divide, [normal(2, 3), nonzero(3)]),
    "neg": (lambda a: -a, np.negative, [normal(2, 3)]),
    "pow": (lambda a, b: a**b, np.power, [positive(2, 3), normal(3)]),
    "matmul": (mg.matmul, np.matmul, [normal(2, 3, 4), normal(4, 2)]),
    "linear": (mg.linear, lambda x, w, b: x @ w.T + b, [normal(4, 3), normal(2, 3), normal(2)]),
    "exp": (mg.exp, np.exp, [normal(2, 3)]),
    "log": (mg.log, np.log, [positive(2, 3)]),
    "sqrt": (mg.sqrt, np.sqrt, [positive(2, 3)]),
    "abs": (mg.abs, np.abs, [nonzero(2, 3)]),
    "tanh": (mg.tanh, np.tanh, [normal(2, 3)]),
    "sigmoid": (mg.sigmoid, lambda a: 1 / (1 + np.exp(-a)), [normal(2, 3) * 3]),
    "relu": (mg.relu, lambda a: np.maximum(a, 0), [nonzero(2, 3)]),
    "leaky_relu": (
        lambda a: mg.leaky_relu(a, 0.2),
        lambda a: np.where(a > 0, a, 0.2 * a),
        [nonzero(2, 3)],
    ),
    "clip": (
        lambda a: mg.clip(a, -0.5, 0.5),
        lambda a: np.clip(a, -0.5, 0.5),
        [away_from(normal(3, 4), [-0.5, 0.5])],
    ),
    "maximum": (mg.maximum, np.maximum, [distinct((2, 3), 1), distinct((3,), 2) + 0.05]),
    "minimum": (mg.minimum, np.minimum, [distinct((2, 3), 3), distinct((3,), 4) + 0.05]),
    "where": (
        lambda a, b: mg.where(CONDITION, a, b),
        lambda a, b: np.where(CONDITION, a, b),
        [normal(2, 3), normal(3)],
    ),
    "sum": (lambda a: mg.sum(a, axis=1), lambda a: a.sum(axis=1), [normal(2, 3)]),
    "mean": (lambda a: mg.mean(a, 0, True), lambda a: a.mean(0, keepdims=True), [normal(2, 3)]),
    "mse_loss": (
        lambda a, b: ops.mse_loss(a, b) + ops.mse_loss(a, b, "sum") + ops.mse_loss(a, b, "none")[0, 1],
        lambda a, b: ((a - b) ** 2).mean() + ((a - b) ** 2).sum() + (a[0, 1] - b[0, 1]) ** 2,
        [normal(2, 3), normal(2, 3)],
    ),
    "nll_loss": (
        lambda a: ops.nll_loss(a, LABELS, WEIGHTS) + ops.nll_loss(a, LABELS, WEIGHTS, "sum")
        + ops.nll_loss(a, LABELS, WEIGHTS, "none")[1],
        lambda a: -(a[[0, 1, 2], LABELS] * WEIGHTS).sum() / WEIGHTS.sum()
        - (a[[0, 1, 2], LABELS] * WEIGHTS).sum() - a[1, LABELS[1]] * WEIGHTS[1],
        [normal(3, 4)],
    ),
    "max": (lambda a: mg.max(a, axis=0), lambda a: a.max(axis=0), [distinct((3, 4))]),
    "softmax": (
        lambda a: mg.softmax(a, axis=0),
        lambda a: np.exp(a) / np.exp(a).sum(axis=0),
        [normal(3, 2)],
    ),
    "log_softmax": (
        mg.log_softmax,
        lambda a: a - np.log(np.exp(a).sum(axis=-1, keepdims=True)),
        [normal(2, 3)],
    ),
    "reshape": (lambda a: a.reshape(3, 2), lambda a: a.reshape(3, 2), [normal(2, 3)]),
    "transpose": (lambda a: mg.permute(a, (2, 0, 1)), lambda a: a.transpose(2, 0, 1), [normal(2, 3, 4)]),
    "broadcast_to": (
        lambda a: mg.broadcast_to(a, (4, 2, 3)),
        lambda a: np.broadcast_to(a, (4, 2, 3)),
        [normal(2, 1)],
    ),
    "getitem": (lambda a: a[INDEX], lambda a: a[INDEX], [normal(3, 2)]),
    "scatter_add": (
        lambda g: ops._scatter_add(g, index=INDEX, shape=(3, 2)),
        lambda g: np.add.at(z := np.zeros((3, 2)), INDEX, g) or z,
        [normal(3, 2)],
    ),
    "concatenate": (
        lambda a, b: mg.concatenate([a, b], axis=-1),
        lambda a, b: np.concatenate([a, b], axis=-1),
        [normal(2, 3), normal(2, 1)],
    ),
    "stack": (
        lambda a, b: mg.stack([a, b], axis=1),
        lambda a, b: np.stack([a, b], axis=1),
        [normal(2, 3), normal(2, 3)],
    ),
    # PyTorch's ops (issue 11); more cases in tests/test_ops_pytorch.py
    "sin": (mg.sin, np.sin, [normal(2, 3)]),
    "cos": (mg.cos, np.cos, [normal(2, 3)]),
    "log1p": (mg.log1p, np.log1p, [positive(2, 3)]),
    "expm1": (mg.expm1, np.expm1, [normal(2, 3)]),
    "erf": (mg.erf, np.vectorize(math.erf), [normal(2, 3)]),
    "sign": (mg.sign, np.sign, [nonzero(2, 3)]),
    "softplus": (mg.softplus, lambda a: np.log1p(np.exp(a)), [normal(2, 3)]),
    "gelu": (mg.gelu, lambda a: a * 0.5 * (1 + np.vectorize(math.erf)(a / np.sqrt(2))), [normal(2, 3)]),
    "elu": (mg.elu, lambda a: np.where(a > 0, a, np.expm1(a)), [nonzero(2, 3)]),
    "silu": (mg.silu, lambda a: a / (1 + np.exp(-a)), [normal(2, 3)]),
    "mish": (mg.mish, lambda a: a * np.tanh(np.log1p(np.exp(a))), [normal(2, 3)]),
    "hardtanh": (mg.hardtanh, lambda a: np.clip(a, -1, 1), [away_from(normal(2, 3) * 2, [-1.0, 1.0])]),
    "hardswish": (
        mg.hardswish,
        lambda a: a * np.clip(a + 3, 0, 6) / 6,
        [away_from(normal(2, 3) * 3, [-3.0, 3.0])],
    ),
    "min": (mg.min, np.min, [distinct((2, 3), 5)]),
    "var": (lambda a: a.var(dim=1), lambda a: a.var(axis=1, ddof=1), [normal(2, 3)]),
    "prod": (lambda a: a.prod(dim=0), lambda a: a.prod(axis=0), [nonzero(2, 3)]),
    "cumsum": (lambda a: a.cumsum(dim=1), lambda a: np.cumsum(a, axis=1), [normal(2, 3)]),
    "logsumexp": (lambda a: a.logsumexp(dim=1), lambda a: np.log(np.exp(a).sum(1)), [normal(2, 3)]),
    "pad": (lambda a: mg.nn.functional.pad(a, (1, 2)), lambda a: np.pad(a, ((0, 0), (1, 2))), [normal(2, 3)]),
    "repeat": (lambda a: a.repeat(2, 1), lambda a: np.tile(a, (2, 1)), [normal(2, 3)]),
    "clone": (mg.clone, np.copy, [normal(2, 3)]),
    "norm": (lambda a: a.norm(dim=1), lambda a: np.sqrt((a * a).sum(axis=1)), [normal(2, 3)]),
    "to": (lambda a: a.double().to(a.dtype), lambda a: a, [normal(2, 3)]),  # float32 -> 64 -> 32
}


def test_the_table_names_every_registered_op():
    ours = {name for name, fn in ops.OPS.items() if fn.__module__.startswith("minigrad.")}
    missing = ours - set(EVERY_OP)  # (ops that tests define for themselves are not ours)
    assert not missing, f"ops without a row in EVERY_OP (add one): {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(EVERY_OP))
def test_every_op_forward_gradient_and_second_derivative(name):
    fn, numpy_fn, inputs = EVERY_OP[name]
    check_op(fn, numpy_fn, inputs)


def test_third_derivatives_of_a_few_ops_by_gradgradcheck_of_their_gradient():
    def gradient_of(fn):
        def gradient(x):
            (g,) = mg.autograd.grad(fn(x).sum(), x, create_graph=True)
            return g

        return gradient

    for fn in (mg.tanh, mg.sigmoid, mg.exp, lambda x: x**3, mg.log_softmax):
        x = positive(2, 3)
        assert mg.gradgradcheck(gradient_of(fn), [x])
