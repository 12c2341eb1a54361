"""Bad input: every public entry point names itself, the argument and what was wrong."""

import re

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F


def t(*shape):
    return mg.tensor(np.ones(shape))


def raises(kind, message):
    """pytest.raises matching `message` literally (shapes are full of regex metacharacters)."""
    return pytest.raises(kind, match=re.escape(message))


# ----- making tensors -----
@pytest.mark.parametrize(
    "data, dtype",
    [
        ("abc", "<U3"),
        (["a", "b"], "<U1"),
        (np.array(["a", "b"]), "<U1"),
        (np.array([1, None], dtype=object), "object"),
        (None, "object"),
        ({"a": 1}, "object"),
        ([1j], "complex128"),
    ],
    ids=["str", "str list", "str array", "object array", "None", "dict", "complex"],
)
def test_tensor_of_non_numbers(data, dtype):
    with raises(TypeError, f"Tensor: data must be numbers, got an array of dtype {dtype}"):
        mg.Tensor(data)


def test_tensor_with_a_string_dtype():
    with raises(TypeError, "Tensor: data must be numbers, got an array of dtype <U1"):
        mg.Tensor([1], dtype=str)


def test_ragged_list():
    with raises(TypeError, "Tensor: data is not a rectangular array of numbers"):
        mg.Tensor([[1, 2], [3]])


def test_requires_grad_on_integers():
    with raises(TypeError, "Tensor: only floating tensors can require grad, got dtype int64"):
        mg.Tensor(np.arange(3), requires_grad=True)
    with raises(TypeError, "Tensor: only floating tensors can require grad, got dtype int64"):
        mg.arange(3, requires_grad=True)


# ----- ops -----
@pytest.mark.parametrize(
    "fn, message",
    [
        (lambda: t(3) + t(4), "add: shapes (3,) and (4,) do not broadcast together"),
        (lambda: t(2, 3) - t(4), "sub: shapes (2, 3) and (4,) do not broadcast together"),
        (lambda: t(2, 3) * t(3, 2), "mul: shapes (2, 3) and (3, 2) do not broadcast together"),
        (lambda: t(3) / t(4), "div: shapes (3,) and (4,) do not broadcast together"),
        (lambda: t(3) ** t(2), "pow: shapes (3,) and (2,) do not broadcast together"),
        (lambda: np.ones(4) + t(3), "add: shapes (4,) and (3,) do not broadcast together"),
        (lambda: mg.maximum(t(3), t(4)), "maximum: shapes (3,) and (4,) do not broadcast"),
        (lambda: mg.minimum(t(3), t(4)), "minimum: shapes (3,) and (4,) do not broadcast"),
        (
            lambda: mg.where(np.ones(3, bool), t(4), t(3)),
            "where: shapes (3,) and (4,) and (3,) do not broadcast together",
        ),
        (lambda: t(3, 4) @ t(5, 2), "matmul: shapes (3, 4) and (5, 2) do not align (4 != 5)"),
        (lambda: mg.matmul(t(5), t(4, 3)), "matmul: shapes (5,) and (4, 3) do not align (5 != 4)"),
        (lambda: t(3, 5) @ t(4), "matmul: shapes (3, 5) and (4,) do not align (5 != 4)"),
        (lambda: t(5) @ t(4), "matmul: shapes (5,) and (4,) do not align (5 != 4)"),
        (
            lambda: t(2, 3, 4) @ t(3, 4, 5),
            "matmul: shapes (2, 3, 4) and (3, 4, 5) do not broadcast together",
        ),
        (
            lambda: t(3) @ 2.0,
            "matmul: both operands need at least one dimension, got shapes (3,) and ()",
        ),
        (
            lambda: t(2, 3).reshape(4),
            "reshape: cannot reshape array of size 6 into shape (4,) (input shapes (2, 3))",
        ),
        (
            lambda: t(2, 3).permute(1, 0, 2),
            "transpose: axes don't match array (input shapes (2, 3))",
        ),
        (
            lambda: mg.concatenate([t(2, 3), t(2, 4)]),
            "concatenate: all the input array dimensions except for the concatenation axis",
        ),
        (lambda: mg.concatenate([t(2, 3), t(2, 4)]), "(input shapes (2, 3) and (2, 4))"),
        (
            lambda: mg.stack([t(2, 3), t(3, 2)]),
            "stack: all input arrays must have the same shape (input shapes (2, 3) and (3, 2))",
        ),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_op_value_errors_name_the_op_and_the_shapes(fn, message):
    with raises(ValueError, message):
        fn()


@pytest.mark.parametrize(
    "fn, message",
    [
        (
            lambda: t(3)[5],
            "getitem: index 5 is out of bounds for axis 0 with size 3 (input shapes (3,))",
        ),
        (
            lambda: t(3)[np.array([0, 7])],
            "getitem: index 7 is out of bounds for axis 0 with size 3",
        ),
        (lambda: t(3)[np.array([True, False])], "getitem: boolean index did not match"),
        (lambda: t(2, 3).sum(axis=2), "sum: axis 2 is out of bounds for array of dimension 2"),
        (lambda: t(2, 3).mean(axis=-3), "mean: axis -3 is out of bounds for array of dimension 2"),
        (lambda: t(2, 3).max(axis=2), "max: axis 2 is out of bounds for array of dimension 2"),
        (lambda: t(2, 3).softmax(axis=3), "softmax: axis 3 is out of bounds"),
        (lambda: t(2, 3).log_softmax(axis=3), "log_softmax: axis 3 is out of bounds"),
        (lambda: t(3).transpose(0, 2), "transpose: dims (0, 2) out of range for shape (3,)"),
        (lambda: t(3).transpose(), "transpose: dims (-2, -1) out of range for shape (3,)"),
    ],
)
def test_op_index_errors_name_the_op(fn, message):
    with raises(IndexError, message):
        fn()


def test_op_type_error_names_the_op():
    with raises(TypeError, "add: ufunc 'add' did not contain a loop"):
        t(3) + "a"


def test_backward_errors():
    y = mg.tensor(np.ones(3), requires_grad=True) * 2
    with raises(
        RuntimeError,
        "backward: grad can only be implied for a scalar output, this tensor has shape (3,)",
    ):
        y.backward()
    with raises(ValueError, "backward: grad has shape (2, 2), expected the tensor's shape (3,)"):
        y.backward(np.ones((2, 2)))
    with raises(RuntimeError, "backward: this tensor does not require grad and has no graph"):
        t(1).backward()


# ----- factories and seeding -----
@pytest.mark.parametrize(
    "fn, message",
    [
        (lambda: mg.zeros(2, -1), "zeros: shape must be non-negative ints, got (2, -1)"),
        (lambda: mg.ones((2.5,)), "ones: shape must be non-negative ints, got (2.5,)"),
        (lambda: mg.randn(2.5), "randn: shape must be non-negative ints, got (2.5,)"),
        (lambda: mg.rand("3"), "rand: shape must be non-negative ints, got ('3',)"),
        (lambda: mg.arange(0, 5, 0), "arange: step must not be 0"),
        (lambda: mg.manual_seed(-1), "manual_seed: seed must be a non-negative int, got -1"),
        (lambda: mg.manual_seed(1.5), "manual_seed: seed must be a non-negative int, got 1.5"),
        (lambda: mg.manual_seed(True), "manual_seed: seed must be a non-negative int, got True"),
    ],
)
def test_factory_and_seed_errors(fn, message):
    with raises(ValueError, message):
        fn()


# ----- losses -----
@pytest.mark.parametrize(
    "fn, kind, message",
    [
        (
            lambda: F.mse_loss(t(3, 1), t(3)),
            ValueError,
            "mse_loss: input shape (3, 1) and target shape (3,) differ",
        ),
        (
            lambda: F.binary_cross_entropy_with_logits(t(3), t(4)),
            ValueError,
            "binary_cross_entropy_with_logits: input shape (3,) and target shape (4,) differ",
        ),
        (
            lambda: F.hinge_loss(t(3, 1), np.array([1.0, 1.0, -1.0])),
            ValueError,
            "hinge_loss: input shape (3, 1) and target shape (3,) differ",
        ),
        (
            lambda: F.hinge_loss(t(3), np.array([1.0, 0.0, -1.0])),
            ValueError,
            "hinge_loss: targets must be -1 or +1",
        ),
        (
            lambda: F.cross_entropy(t(3, 4), np.array([0.0, 1.0, 2.0])),
            TypeError,
            "cross_entropy: target must be integer class indices (int64, as mg.tensor([0, 2]) gives), got dtype float64; use .long() on float labels",
        ),
        (
            lambda: F.cross_entropy(t(3, 4), np.array([0, 1, 4])),
            ValueError,
            "cross_entropy: target must lie in [0, 4) (or be ignore_index=-100), got values from 0 to 4",
        ),
        (
            lambda: F.cross_entropy(t(3, 4), np.array([0, -1, 2])),
            ValueError,
            "cross_entropy: target must lie in [0, 4) (or be ignore_index=-100), got values from -1 to 2",
        ),
        (
            lambda: F.cross_entropy(t(3, 4), np.array([0, 1])),
            ValueError,
            "cross_entropy: target must have shape (3,) to match input (3, 4), got (2,)",
        ),
        (
            lambda: F.cross_entropy(t(3), np.array([0, 1, 2])),
            ValueError,
            "cross_entropy: input must have shape (N, C), got (3,)",
        ),
    ],
)
def test_loss_errors(fn, kind, message):
    with raises(kind, message):
        fn()


# ----- nn -----
@pytest.mark.parametrize(
    "fn, kind, message",
    [
        (
            lambda: mg.nn.Linear(2, 3)(t(5, 4)),
            ValueError,
            "Linear: input of shape (5, 4) should end in in_features=2",
        ),
        (
            lambda: mg.nn.Linear(2, 3)(t(2, 1)),
            ValueError,
            "Linear: input of shape (2, 1) should end in in_features=2",
        ),
        (
            lambda: mg.nn.Linear(0, 3),
            ValueError,
            "Linear: in_features must be a positive int, got 0",
        ),
        (
            lambda: mg.nn.Linear(2, 2.5),
            ValueError,
            "Linear: out_features must be a positive int, got 2.5",
        ),
        (
            lambda: mg.nn.MLP([2]),
            ValueError,
            "MLP: sizes must be at least two positive ints, got [2]",
        ),
        (
            lambda: mg.nn.MLP([2, 0, 1]),
            ValueError,
            "MLP: sizes must be at least two positive ints, got [2, 0, 1]",
        ),
        (
            lambda: mg.nn.MLP([2, 3], activation="gelu"),
            ValueError,
            "MLP: activation must be one of ['leaky_relu', 'relu', 'sigmoid', 'tanh'], got 'gelu'",
        ),
        (
            lambda: mg.nn.Sequential(mg.nn.ReLU(), 3),
            TypeError,
            "Sequential: argument 1 must be a Module, got int",
        ),
        (lambda: mg.nn.Module()(1), NotImplementedError, "Module does not define forward()"),
    ],
)
def test_nn_errors(fn, kind, message):
    with raises(kind, message):
        fn()


def test_module_subclass_that_forgets_super_init():
    class Forgetful(mg.nn.Module):
        def __init__(self):
            self.w = mg.nn.Parameter(np.ones(2))

    with raises(AttributeError, "Forgetful: call super().__init__() before assigning attributes"):
        Forgetful()


# ----- save / load -----
def test_save_errors(tmp_path):
    path = tmp_path / "x.npz"
    with raises(TypeError, "save: obj must be a dict of name -> array"):
        mg.save([np.ones(2)], path)
    with raises(TypeError, "got list"):
        mg.save([np.ones(2)], path)
    with raises(TypeError, "save: keys must be strings, got 1"):
        mg.save({1: np.ones(2)}, path)
    with raises(TypeError, "save: value of 'a' must be numeric, got dtype <U1"):
        mg.save({"a": np.array(["s"])}, path)
    assert not path.exists()


def test_load_errors(tmp_path):
    missing = tmp_path / "missing.npz"
    with raises(FileNotFoundError, f"load: no such file: {str(missing)!r}"):
        mg.load(str(missing))
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(b"this is not a zip archive")
    with raises(ValueError, f"load: {str(corrupt)!r} is not a valid .npz state dict"):
        mg.load(str(corrupt))


# ----- gradcheck -----
def test_gradcheck_argument_errors():
    with raises(TypeError, "gradcheck: inputs must be a non-empty list of tensors or arrays"):
        mg.gradcheck(lambda x: x, [])
    with raises(TypeError, "gradcheck: inputs must be a non-empty list of tensors or arrays"):
        mg.gradcheck(lambda x: x, np.ones(3))
    with raises(TypeError, "gradcheck: fn must return a Tensor, got float"):
        mg.gradcheck(lambda x: 3.0, [np.ones(2)])


def test_assigning_a_plain_tensor_over_a_parameter_errors_instead_of_unregistering_it():
    layer = mg.nn.Linear(2, 3)
    with raises(
        TypeError,
        "Linear: cannot assign 'Tensor' as parameter 'weight' (Parameter or None expected",
    ):
        layer.weight = layer.weight * 2
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    model = mg.nn.MLP([2, 3, 1])
    with raises(TypeError, "MLP: cannot assign 'int' as child module '0' (Module or None expected"):
        setattr(model, "0", 3)
    layer.bias = None  # None and a new Parameter are fine
    layer.weight = mg.nn.Parameter(np.zeros((3, 2), dtype=np.float32))
    assert [name for name, _ in layer.named_parameters()] == ["weight"]


def test_linear_names_the_mismatched_features_and_bias():
    x = mg.tensor(np.ones((2, 3)))
    with pytest.raises(
        ValueError,
        match=r"linear: input of shape \(2, 3\) has 3 features, but weight of shape \(4, 5\) \(out_features, in_features\) takes 5",
    ):
        F.linear(x, mg.tensor(np.ones((4, 5))))
    with pytest.raises(ValueError, match=r"linear: bias of shape \(5,\) should have shape \(4,\)"):
        F.linear(x, mg.tensor(np.ones((4, 3))), mg.tensor(np.ones(5)))


def test_f_linear_is_x_weight_transpose_plus_bias():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 3)), rng.standard_normal((4, 3)), rng.standard_normal(4)
    np.testing.assert_allclose(F.linear(mg.tensor(x), mg.tensor(w)).data, x @ w.T, rtol=1e-12)
    np.testing.assert_allclose(
        F.linear(mg.tensor(x), mg.tensor(w), mg.tensor(b)).data, x @ w.T + b, rtol=1e-12
    )
