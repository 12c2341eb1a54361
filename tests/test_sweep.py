"""The sweep: every public op against its reference in sweep_table.py, on shapes and values drawn by
hypothesis (size-0 and size-1 axes, 0-d, broadcasting on either side and beyond an input's shape;
NaN, +-inf, +-0, ties, negative bases, huge and tiny magnitudes; int, float32 and float64 mixed).

Four checks per op: the forward on hostile values, the gradient on hostile values (this is where
the NaN rule of docs/reliability.md is tested, op by op), the gradient against central finite
differences where the op is smooth, and the dtypes of results and gradients.
"""

import inspect
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sweep_table import BY_NAME, ENTRIES, floats

import minigrad as mg

# Hostile values overflow and divide by zero on purpose; numpy's warnings about it are noise here.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

# The same examples on every run, so that the test command (and CI) passes or fails
# reproducibly; MINIGRAD_SWEEP_EXPLORE=1 draws new ones (and more: 120 per op) to hunt for the
# next defect (random draws found the clamp-bound tie and prod's underflow, in ordinary runs).
EXPLORE = os.environ.get("MINIGRAD_SWEEP_EXPLORE") == "1"
SWEEP = settings(
    max_examples=120 if EXPLORE else 12,
    deadline=None,
    derandomize=not EXPLORE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Values an attacker (or a diverging run) feeds an op; repeats make ties.
SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, 3.0,
           1e300, -1e300, 1e-300, 5e-324, -1e-7]  # fmt: skip
HOSTILE = st.one_of(st.sampled_from(SPECIAL), floats(-4, 4))

SHAPE = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)


def broadcast_shapes(n):
    return hnp.mutually_broadcastable_shapes(num_shapes=n, min_dims=0, max_dims=3, max_side=3)


def draw_case(data, entry, values):
    """Draw (inputs, params) for one call of entry; `values(k)` is the strategy for input k."""
    kind = entry.kind

    def arr(shape, k):
        if kind == "where" and k == 0:  # the condition
            return data.draw(hnp.arrays(bool, shape), label="condition")
        if kind == "classes" and k == 1:  # class indices for (N, C) scores
            return data.draw(hnp.arrays(np.int64, shape, elements=st.integers(0, n_classes - 1)))
        return data.draw(hnp.arrays(np.float64, shape, elements=values(k)), label=f"input {k}")

    params = {}
    if kind in ("unary", "nonempty", "at_least_1d", "at_least_1d_nonempty"):
        shape = data.draw(
            hnp.array_shapes(
                min_dims=1 if kind.startswith("at_least") else 0,
                max_dims=3,
                min_side=1 if kind.endswith("nonempty") else 0,
                max_side=3,
            )
        )
        inputs = [arr(shape, 0)]
    elif kind in ("binary", "clip", "where"):
        n = {"binary": 2, "clip": 3, "where": 3}[kind]
        shapes = data.draw(broadcast_shapes(n)).input_shapes
        inputs = [arr(shape, k) for k, shape in enumerate(shapes)]
    elif kind in ("reduce", "reduce_nonempty", "reduce_int", "reduce_int_nonempty"):
        shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
        axes = (
            st.none()
            if not shape
            else st.one_of(
                st.none(),
                st.integers(-len(shape), len(shape) - 1),
                st.lists(st.integers(0, len(shape) - 1), unique=True, max_size=len(shape)).map(
                    tuple
                ),
            )
        )
        if kind.startswith("reduce_int"):  # PyTorch's prod and min take one dim, not a tuple
            one_dim = st.integers(-len(shape), len(shape) - 1)
            axes = st.none() if not shape else st.one_of(st.none(), one_dim)
        axis = data.draw(axes, label="axis")
        if kind.endswith("nonempty"):  # the max of nothing is an error, tested on its own
            reduced = range(len(shape)) if axis is None else np.atleast_1d(axis)
            shape = tuple(max(n, 1) if (k in reduced or k - len(shape) in reduced) else n
                          for k, n in enumerate(shape))  # fmt: skip
        params = {"axis": axis, "keepdims": data.draw(st.booleans(), label="keepdims")}
        inputs = [arr(shape, 0)]
    elif kind == "softmax":
        shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3))
        params = {"axis": data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")}
        inputs = [arr(shape, 0)]
    elif kind == "matmul":
        m, k, n = (data.draw(st.integers(0, 3), label=name) for name in "mkn")
        batch_a, batch_b = data.draw(
            hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=2)
        ).input_shapes
        a_shape = (k,) if data.draw(st.booleans(), label="a is a vector") else (*batch_a, m, k)
        b_shape = (k,) if data.draw(st.booleans(), label="b is a vector") else (*batch_b, k, n)
        inputs = [arr(a_shape, 0), arr(b_shape, 1)]
    elif kind == "linear":
        batch = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
        n_in, n_out = data.draw(st.integers(0, 3)), data.draw(st.integers(0, 3))
        inputs = [arr((*batch, n_in), 0), arr((n_out, n_in), 1), arr((n_out,), 2)]
    elif kind == "same_shape_1d":
        rest = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
        inputs = [arr((data.draw(st.integers(0, 3)), *rest), k) for k in range(2)]
    elif kind == "same_shape":
        shape = data.draw(SHAPE)
        inputs = [arr(shape, k) for k in range(2)]
    elif kind == "classes":
        n = data.draw(st.integers(0, 3), label="N")
        n_classes = data.draw(st.integers(1, 3), label="C")
        inputs = [arr((n, n_classes), 0), arr((n,), 1)]
    else:
        raise AssertionError(f"unknown kind {kind!r}")
    if entry.prepare:
        with np.errstate(all="ignore"):
            inputs = list(entry.prepare(*inputs))
    return inputs, params


def differentiable(entry, inputs):
    positions = entry.differentiable or range(len(inputs))
    return [k for k in positions if inputs[k].dtype.kind == "f"]


def sum_to_shape(grad, shape):
    """Sum a gradient of the broadcast shape back to an input's shape (written here, not taken
    from minigrad): over the leading axes broadcasting added, and over axes stretched from 1."""
    grad = np.asarray(grad, dtype=np.float64)
    grad = (
        np.broadcast_to(grad, np.broadcast_shapes(grad.shape, shape))
        if grad.ndim < len(shape)
        else grad
    )
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def close(actual, expected, what, rtol=1e-9, atol=1e-300):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    ok = np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
    assert ok.all(), f"{what}: got {actual[~ok]}, expected {expected[~ok]}"


def run(entry, inputs, params, requires_grad=()):
    tensors = [mg.tensor(x, requires_grad=k in requires_grad) for k, x in enumerate(inputs)]
    with np.errstate(all="ignore"):
        out = entry.call(*tensors, **params)
    return tensors, out


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
@SWEEP
@given(data=st.data())
def test_forward_on_hostile_values(entry, data):
    inputs, params = draw_case(data, entry, lambda k: HOSTILE)
    with np.errstate(all="ignore"):
        expected = np.asarray(entry.forward(*inputs, **params))
    _, out = run(entry, inputs, params)
    assert isinstance(out, mg.Tensor)
    assert out.dtype == expected.dtype, f"dtype {out.dtype} != numpy's {expected.dtype}"
    close(out.data, expected, f"{entry.name} forward")


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.vjp], ids=lambda e: e.name)
@SWEEP
@given(data=st.data())
def test_gradient_on_hostile_values(entry, data):
    inputs, params = draw_case(data, entry, lambda k: HOSTILE)
    shape = np.shape(entry.forward(*inputs, **params))
    # g in exact powers of two: a product of hostile values then does not depend on the order
    # the factors are multiplied in (g * e * a**(e-1) underflows where e * a**(e-1) * g does not)
    g = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([1.0, -1.0, 2.0, -2.0, 0.0])), label="g")
    check_gradients(entry, inputs, params, g)


def check_gradients(entry, inputs, params, g):
    """minigrad's gradients of sum(g * out) equal the table's hand-derived ones, NaN for NaN."""
    wanted = differentiable(entry, inputs)
    tensors, out = run(entry, inputs, params, requires_grad=wanted)
    with np.errstate(all="ignore"):
        out.backward(g)
        expected = entry.vjp(g, out.data, *inputs, **params)
        sizes = map(np.abs, expected)
        if entry.grad_terms:
            sizes = entry.grad_terms(g, out.data, *inputs)
    positions = entry.differentiable or range(len(inputs))
    grads, terms = dict(zip(positions, expected)), dict(zip(positions, sizes))
    for k in wanted:
        assert tensors[k].grad is not None, f"{entry.name}: input {k} got no gradient"
        with np.errstate(all="ignore"):
            reference = sum_to_shape(grads[k], inputs[k].shape)
            # A gradient summed over broadcast axes depends on the order of the sum: its error
            # bound is relative to the sum of the terms' sizes (1e300 - 1e300 + 1 is 0 or 1).
            scale = sum_to_shape(terms[k], inputs[k].shape)
            atol = 1e-300 + np.where(np.isfinite(scale), 1e-7 * scale, 0.0)
        close(tensors[k].grad, reference, f"{entry.name}: gradient of input {k}", 1e-7, atol)


# One fixed case per kind, for the NaN rule: (input shapes, params).
NAN_CASES = {
    "unary": ([(2, 3)], {}),
    "nonempty": ([(2, 3)], {}),
    "at_least_1d": ([(2, 3)], {}),
    "at_least_1d_nonempty": ([(2, 3)], {}),
    "binary": ([(2, 3), (3,)], {}),
    "clip": ([(2, 3), (), (3,)], {}),
    "where": ([(2, 3), (2, 3), (3,)], {}),
    "reduce": ([(2, 3)], {"axis": 1}),
    "reduce_nonempty": ([(2, 3)], {"axis": None}),
    "softmax": ([(2, 3)], {"axis": -1}),
    "matmul": ([(2, 3), (3, 2)], {}),
    "linear": ([(2, 3), (4, 3), (4,)], {}),
    "same_shape_1d": ([(2, 3), (1, 3)], {}),
    "same_shape": ([(2, 3), (2, 3)], {}),
    "reduce_int": ([(2, 3)], {"axis": 1}),
    "reduce_int_nonempty": ([(2, 3)], {"axis": None}),
    "classes": ([(2, 3), (2,)], {}),
}


def nan_cases():
    for entry in ENTRIES:
        if entry.vjp is None:
            continue
        shapes, _ = NAN_CASES[entry.kind]
        for k in entry.differentiable or range(len(shapes)):
            yield pytest.param(entry, k, id=f"{entry.name}-input{k}")


@pytest.mark.parametrize("entry, k", list(nan_cases()))
def test_nan_rule(entry, k):
    """A NaN in input k reaches the gradients exactly as the table's rule says (PyTorch's)."""
    shapes, params = NAN_CASES[entry.kind]
    rng = np.random.default_rng(0)
    inputs = [np.round(rng.uniform(0.5, 2.5, shape), 1) for shape in shapes]  # inside every domain
    if entry.kind == "where":
        inputs[0] = np.array([[True, False, True], [False, True, False]])
    if entry.kind == "clip":
        inputs[1], inputs[2] = np.array(1.0), np.full(3, 2.0)
    if entry.kind == "classes":
        inputs[1] = np.array([0, 2])
    if entry.prepare:
        inputs = list(entry.prepare(*inputs))
    inputs[k].flat[min(1, inputs[k].size - 1)] = np.nan
    g = np.ones(np.shape(entry.forward(*inputs, **params)))
    check_gradients(entry, inputs, params, g)


def finite_difference(entry, inputs, params, k, weights, h=1e-6):
    """d sum(weights * f) / d inputs[k], by central differences, one element at a time."""
    grad = np.zeros(inputs[k].shape)
    for index in np.ndindex(inputs[k].shape):
        values = []
        for step in (h, -h):
            moved = [x.copy() for x in inputs]
            moved[k][index] += step
            values.append(np.sum(weights * entry.forward(*moved, **params)))
        grad[index] = (values[0] - values[1]) / (2 * h)
    return grad


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.vjp], ids=lambda e: e.name)
@SWEEP
@given(data=st.data())
def test_gradient_matches_finite_differences(entry, data):
    inputs, params = draw_case(data, entry, lambda k: entry.domain[min(k, len(entry.domain) - 1)])
    if entry.distinct:  # no ties: a shuffled grid 0.5 apart
        order = data.draw(st.permutations(range(inputs[0].size)), label="order")
        inputs[0] = (0.5 * np.array(order, dtype=np.float64)).reshape(inputs[0].shape)
    wanted = differentiable(entry, inputs)
    tensors, out = run(entry, inputs, params, requires_grad=wanted)
    weights = data.draw(hnp.arrays(np.float64, out.shape, elements=floats(-2, 2)), label="weights")
    out.backward(weights)
    for k in wanted:
        numeric = finite_difference(entry, inputs, params, k, weights)
        np.testing.assert_allclose(tensors[k].grad, numeric, rtol=1e-5, atol=1e-6,
                                   err_msg=f"{entry.name}: input {k}")  # fmt: skip


DTYPES = st.sampled_from([np.int64, np.float32, np.float64])
FLOAT_DTYPES = st.sampled_from([np.float32, np.float64])


def pytorch_result_dtype(numpy_dtype, arrays):
    """numpy's result dtype, except where PyTorch's promotion differs (docs/from_pytorch.md): a
    float64 result stays float64 only if the floating tensors with dims (or, without any, the 0-d
    ones) include a float64; floats from integers alone are float32."""
    if numpy_dtype != np.float64:
        return numpy_dtype
    floats = [np.dtype(x.dtype) for x in arrays if np.dtype(x.dtype).kind == "f"]
    with_dims = [np.dtype(x.dtype) for x in arrays if np.ndim(x) and np.dtype(x.dtype).kind == "f"]
    deciders = with_dims or floats
    return np.dtype(np.float64) if np.dtype(np.float64) in deciders else np.dtype(np.float32)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
@SWEEP
@given(data=st.data())
def test_dtypes_follow_pytorch_and_gradients_keep_their_input_dtype(entry, data):
    inputs, params = draw_case(data, entry, lambda k: entry.domain[min(k, len(entry.domain) - 1)])
    kinds = FLOAT_DTYPES if entry.float_only else DTYPES
    dtypes = [x.dtype if x.dtype.kind in "bi" else data.draw(kinds, label=f"dtype {k}")
              for k, x in enumerate(inputs)]  # fmt: skip
    typed = [np.round(x).astype(d) if np.dtype(d).kind == "i" else x.astype(d)
             for x, d in zip(inputs, dtypes)]  # fmt: skip
    try:
        with np.errstate(all="ignore"):
            expected = np.asarray(entry.forward(*typed, **params))
    except ValueError as err:  # numpy refuses (int ** negative int): minigrad must say so too
        with pytest.raises(ValueError, match=r"^\w+: ") as info:
            run(entry, typed, params)
        assert str(err) in str(info.value)
        return
    wanted = differentiable(entry, typed) if entry.vjp else []
    tensors, out = run(entry, typed, params, requires_grad=wanted)
    want = pytorch_result_dtype(expected.dtype, typed)
    assert out.dtype == want, f"{entry.name}: {out.dtype} != PyTorch's {want} (numpy: {expected.dtype})"
    rtol = 1e-9 if want != np.float32 else 1e-5
    close(out.data, expected.astype(want), f"{entry.name} forward in {[np.dtype(d).name for d in dtypes]}", rtol)
    if wanted and out.dtype.kind == "f":
        with np.errstate(all="ignore"):
            out.backward(np.ones(out.shape))
        for k in wanted:
            grad = tensors[k].grad
            assert grad.dtype == typed[k].dtype and grad.shape == typed[k].shape, (k, grad.dtype)


# ----- the table covers the public API -----
NOT_OPS = {  # public names that are not tensor ops, and where they are tested
    "Tensor", "tensor", "no_grad", "is_grad_enabled", "topological_order", "manual_seed",
    "gradcheck", "gradgradcheck", "GradcheckError", "save", "load", "nn", "random",
    "autograd",  # autograd.grad: test_higher_order.py
    "zeros", "ones", "randn", "rand", "arange",  # factories: test_tensor.py
    # issue 11: dtype names, factories, utils and grad modes, in test_factories.py,
    # test_ops_pytorch.py and test_data.py
    "utils", "bool", "double", "float", "float16", "float32", "float64", "half", "int", "int8",
    "int16", "int32", "int64", "long", "short", "uint8", "eye", "from_numpy", "full", "full_like",
    "linspace", "ones_like", "rand_like", "randint", "randn_like", "zeros_like",
    "enable_grad", "inference_mode", "set_grad_enabled",
    # one-line aliases of swept ops and Tensor methods (torch_functions.py), values and gradients
    # in test_torch_functions.py; add, sub, mul, div, neg, pow and reshape have entries already
    "subtract", "multiply", "divide", "true_divide", "negative", "mm", "bmm", "mv", "dot", "outer",
    "squeeze", "unsqueeze", "flatten", "unflatten", "t", "chunk", "split", "numel", "concat",
    "eq", "ne", "lt", "le", "gt", "ge", "isnan", "isinf", "isfinite",
}  # fmt: skip


def test_every_public_op_has_an_entry():
    names = {entry.name.split("_method")[0].split("_operator")[0] for entry in ENTRIES}
    missing = [n for n in mg.__all__ if n not in NOT_OPS and n not in names]
    assert not missing, f"add a sweep_table entry for {missing}"
    methods = [n for n, v in inspect.getmembers(mg.Tensor) if callable(v) and n.startswith("__r")]
    assert {"__radd__", "__rsub__", "__rmul__", "__rtruediv__", "__rpow__"} <= set(methods)
    assert {"rsub", "rtruediv", "rpow"} <= set(BY_NAME)


# Public names of minigrad.nn.functional that are not differentiable functions of their inputs,
# and where they are tested instead.
F_NOT_SWEPT = {
    "one_hot",  # integer class indices in, an int64 tensor out: no gradient (test_nn_losses.py)
    "dropout",  # a random mask: its mask, scale and gradient in test_nn_layers.py::test_dropout_*
}


def test_every_public_functional_name_has_an_entry():
    """F.__all__ is every public function of minigrad.nn.functional, and each is in the sweep
    (under its own name, or as the minigrad op it is) or in F_NOT_SWEPT with its reason."""
    import minigrad.nn.functional as F

    defined = {n for n, v in vars(F).items()
               if not n.startswith("_") and inspect.isfunction(v)}  # fmt: skip
    assert defined == set(F.__all__), f"F.__all__ misses {defined - set(F.__all__)}"
    missing = [n for n in F.__all__ if n not in BY_NAME and n not in F_NOT_SWEPT]
    assert not missing, f"add a sweep_table entry for F.{missing} (or say in F_NOT_SWEPT why not)"
    for name in F.__all__:  # an F name that is a minigrad op is swept through minigrad's name
        if hasattr(mg, name) and name in BY_NAME:
            assert getattr(F, name) is getattr(mg, name), f"F.{name} is not mg.{name}"


def test_int_to_a_negative_int_power_is_refused_with_numpy_reason():
    with pytest.raises(
        ValueError, match="pow: Integers to negative integer powers are not allowed"
    ):
        mg.tensor(np.array([2, 3])) ** mg.tensor(np.array([-1, 1]))


def test_max_of_nothing_is_a_clear_error():
    with pytest.raises(ValueError, match="max: zero-size array"):
        mg.max(mg.tensor(np.zeros((0, 3))))


# ----- defects the sweep found, pinned with the smallest case it shrank to -----
def test_clip_bounds_that_broadcast_the_output_beyond_the_input():
    x = mg.tensor(np.array([0.5, 2.5, -1.0]), requires_grad=True)
    lo = mg.tensor(np.array([[0.0], [1.0]]))  # (2, 1) bounds make a (2, 3) output
    out = mg.clip(x, lo, 2.0)
    out.backward(np.ones((2, 3)))
    inside = (np.array([0.5, 2.5, -1.0]) >= np.array([[0.0], [1.0]])) & (
        np.array([0.5, 2.5, -1.0]) <= 2.0
    )
    np.testing.assert_array_equal(x.grad, inside.sum(axis=0))  # [1, 0, 0]


@pytest.mark.parametrize("fn", [mg.softmax, mg.log_softmax])
def test_softmax_of_an_empty_axis_is_empty(fn):
    x = mg.tensor(np.zeros((2, 0)), requires_grad=True)
    out = fn(x, axis=-1)
    assert out.shape == (2, 0)
    out.backward(np.zeros((2, 0)))
    assert x.grad.shape == (2, 0)


def test_linear_with_no_input_features():
    x = mg.tensor(np.zeros((4, 0)), requires_grad=True)
    w = mg.tensor(np.zeros((3, 0)), requires_grad=True)
    b = mg.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    out = mg.linear(x, w, b)
    np.testing.assert_array_equal(out.data, np.tile([1.0, 2.0, 3.0], (4, 1)))
    out.backward(np.ones((4, 3)))
    assert x.grad.shape == (4, 0) and w.grad.shape == (3, 0)
    np.testing.assert_array_equal(b.grad, [4.0, 4.0, 4.0])


def test_pow_exponent_gradient_follows_pytorch_at_zero_and_negative_bases():
    a = mg.tensor(np.array([0.0, 0.0, -2.0, 2.0]))
    e = mg.tensor(np.array([2.0, -1.0, 3.0, 0.0]), requires_grad=True)
    with np.errstate(all="ignore"):
        (a**e).backward(np.ones(4))
    # 0 at 0 ** 2; 0 ** -1 = inf times log 0 = -inf; log(-2) is not real: NaN; 2 ** 0 * log 2
    np.testing.assert_array_equal(e.grad, [0.0, -np.inf, np.nan, np.log(2.0)])


# ----- defects the sweep of issue 11's ops and the functional losses found (3 Dec 2026) -----
def test_binary_cross_entropy_of_a_nan_probability_is_nan():
    # it was 100: the NaN went down the log(0) = -100 branch, a finite loss from a NaN input
    x = mg.tensor(np.array([np.nan, 0.5]), requires_grad=True)
    y = mg.tensor(np.array([1.0, 1.0]))
    loss = mg.nn.functional.binary_cross_entropy(x, y, reduction="none")
    assert np.isnan(loss.data[0]) and loss.data[1] == pytest.approx(np.log(2))
    loss.sum().backward()
    assert np.isnan(x.grad[0]) and x.grad[1] == pytest.approx(-2.0)


def test_min_gradient_goes_to_the_nan_elements_as_max_does():
    # it was 0 everywhere: no element equals a NaN min, so the NaN vanished from the gradient
    x = mg.tensor(np.array([1.0, np.nan, 3.0]), requires_grad=True)
    mg.min(x).backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0])


@pytest.mark.parametrize("fn, g", [(mg.elu, 1.0), (mg.selu, 1.0507009873554805),
                                   (mg.hardtanh, 1.0), (mg.relu6, 1.0), (mg.hardswish, 1.0)])  # fmt: skip
def test_activations_pass_g_at_nan_as_pytorchs_comparisons_do(fn, g):
    # PyTorch's backward tests x <= 0 (elu, selu), x <= min or x >= max (hardtanh, relu6) and
    # x < -3, x <= 3 (hardswish): a NaN fails each test and gets the linear part's g. minigrad's
    # elu, selu and hardswish gave NaN, hardtanh and relu6 gave 0 (the NaN masked away)
    x = mg.tensor(np.array([np.nan]), requires_grad=True)
    fn(x).backward(np.ones(1))
    np.testing.assert_allclose(x.grad, [g], rtol=1e-15)


def test_logsumexp_over_an_empty_dim_is_minus_infinity():
    # it raised numpy's "zero-size array to reduction operation maximum"; PyTorch gives -inf
    x = mg.tensor(np.zeros((2, 0)), requires_grad=True)
    out = mg.logsumexp(x, 1)
    np.testing.assert_array_equal(out.data, [-np.inf, -np.inf])
    out.backward(np.ones(2))
    assert x.grad.shape == (2, 0)
    assert mg.logsumexp(mg.tensor([1, 2]), 0).dtype == mg.float32  # ints become floats


def test_variance_of_one_element_has_a_nan_gradient_not_a_zero_division():
    # it raised ZeroDivisionError in backward (2 / (n - 1) with n = 1); PyTorch: NaN
    x = mg.tensor(np.array([2.0]), requires_grad=True)
    out = mg.var(x)
    assert np.isnan(out.item())
    out.backward()
    assert np.isnan(x.grad[0])


def test_prod_gradient_of_a_subnormal_does_not_underflow():
    # it was 0: g * out underflowed before the division by a
    x = mg.tensor(np.array(5e-324), requires_grad=True)
    mg.prod(x).backward(np.array(0.5))
    assert x.grad == 0.5


def test_bce_with_logits_at_an_infinite_logit_is_infinite_as_pytorchs():
    # softplus(x) - x y was inf - inf = NaN at x = inf for 0 < y < 1; PyTorch's form gives inf
    F = mg.nn.functional
    x = mg.tensor(np.array([np.inf, np.inf, 3.0]), requires_grad=True)
    y = mg.tensor(np.array([0.5, 0.0, 1.0]))
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_allclose(loss.data, [np.inf, np.inf, np.log1p(np.exp(-3.0))], rtol=1e-15)
    loss.sum().backward()
    np.testing.assert_allclose(x.grad, [0.5, 1.0, 1 / (1 + np.exp(-3.0)) - 1], rtol=1e-12)


@pytest.mark.parametrize("loss, slope", [("huber_loss", 1.0), ("smooth_l1_loss", 1.0)])
def test_huber_and_smooth_l1_gradients_at_an_infinite_difference_are_the_slope(loss, slope):
    # the unused square's VJP multiplied 0 by inf: NaN; PyTorch gives the slope
    x = mg.tensor(np.array([np.inf, -np.inf, 0.5]), requires_grad=True)
    getattr(mg.nn.functional, loss)(x, mg.tensor(np.zeros(3)), reduction="sum").backward()
    np.testing.assert_array_equal(x.grad, [slope, -slope, 0.5])


def test_norm_gradient_at_a_zero_vector_is_zero_as_pytorchs():
    # sqrt(sum(a * a)) gave 0 * inf = NaN: a zero-initialised bias under a norm penalty made the
    # first step NaN. PyTorch's norm_backward takes the subgradient 0
    b = mg.tensor(np.zeros(3), requires_grad=True)
    (mg.norm(b) + mg.norm(mg.tensor(np.zeros((2, 2)), requires_grad=True), dim=1).sum()).backward()
    np.testing.assert_array_equal(b.grad, [0.0, 0.0, 0.0])
    x = mg.tensor(np.array([[3.0, 4.0], [0.0, 0.0]]), requires_grad=True)
    x.norm(dim=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.6, 0.8], [0.0, 0.0]])
