"""Graph semantics: recording, reuse, accumulation, no_grad, detach, deep graphs, backward_steps."""

import sys

import numpy as np
import pytest

import minigrad as mg


def leaf(values, dtype=np.float64):
    return mg.tensor(np.array(values, dtype=dtype), requires_grad=True)


# ----- reuse and accumulation -----
def test_tensor_used_twice_gets_sum_of_gradients():
    x = leaf([1.0, -2.0, 3.0])
    (x * x + x).sum().backward()  # d/dx (x^2 + x) = 2x + 1
    np.testing.assert_array_equal(x.grad, [3.0, -3.0, 7.0])


def test_intermediate_used_twice_gets_sum_of_gradients():
    x = leaf([2.0])
    a = x * 3
    b = a + a * a  # db/da = 1 + 2a = 13, db/dx = 39
    b.sum().backward()
    np.testing.assert_array_equal(a.grad, [13.0])
    np.testing.assert_array_equal(x.grad, [39.0])


def test_diamond_graph_visits_shared_node_once():
    x = leaf(0.5)
    e = mg.exp(x)
    out = mg.log(e) * mg.tanh(e)  # = x * tanh(exp(x))
    out.backward()
    expected = np.tanh(np.exp(0.5)) + 0.5 * (1 - np.tanh(np.exp(0.5)) ** 2) * np.exp(0.5)
    np.testing.assert_allclose(x.grad, expected, rtol=1e-12)


def test_leaf_gradients_accumulate_across_backward_calls_in_place():
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    first = x.grad
    np.testing.assert_array_equal(first, [2.0, 4.0])
    (x * 5).sum().backward()
    assert x.grad is first  # the second backward adds into the same array
    np.testing.assert_array_equal(x.grad, [7.0, 9.0])


def test_leaf_gradient_is_a_fresh_copy():
    seed = np.array([1.0, 2.0])
    x = leaf([0.0, 0.0])
    y = x + 1
    y.backward(seed)
    assert not np.shares_memory(x.grad, seed)
    x.grad += 1
    np.testing.assert_array_equal(seed, [1.0, 2.0])


def test_intermediate_gradients_are_kept_and_accumulate_too():
    x = leaf([1.0, 2.0])
    y = x * 3
    loss = (y * y).sum()
    loss.backward()
    np.testing.assert_array_equal(y.grad, 2 * np.array([3.0, 6.0]))
    np.testing.assert_array_equal(loss.grad, 1.0)
    loss.backward()  # documented: unlike PyTorch, intermediates keep and accumulate .grad
    np.testing.assert_array_equal(y.grad, 4 * np.array([3.0, 6.0]))
    np.testing.assert_array_equal(x.grad, 2 * 18 * np.array([1.0, 2.0]))


def test_zero_grad_by_setting_none_restarts_accumulation():
    x = leaf([1.0])
    (x * 2).sum().backward()
    x.grad = None
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0])


def test_every_gradient_is_an_ndarray_of_its_tensors_shape_and_dtype():
    x32 = leaf(np.ones((2, 3)), dtype=np.float32)
    s64 = leaf(2.0)
    h = (x32 * s64).sum(axis=1)  # float64, shape (2,)
    loss = (h * h).sum()
    loss.backward()
    loss.backward()
    for t in (x32, s64, h, loss):
        assert isinstance(t.grad, np.ndarray)
        assert t.grad.shape == t.shape and t.grad.dtype == t.dtype


def test_tensor_that_does_not_require_grad_gets_no_gradient():
    x = leaf([1.0, 2.0])
    c = mg.tensor([3.0, 4.0])
    (x * c).sum().backward()
    assert c.grad is None
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


def test_ops_of_constants_do_not_require_grad():
    a, b = mg.tensor([1.0]), mg.tensor([2.0])
    c = a + b
    assert not c.requires_grad
    with pytest.raises(RuntimeError, match="backward: this tensor does not require grad"):
        c.sum().backward()


# ----- backward's arguments -----
def test_backward_on_non_scalar_without_grad_errors():
    y = leaf([1.0, 2.0, 3.0]) * 2
    with pytest.raises(RuntimeError, match=r"scalar output.*shape \(3,\)"):
        y.backward()


def test_backward_with_explicit_grad_weights_the_outputs():
    x = leaf([1.0, 2.0, 3.0])
    (x * x).backward(np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, -6.0])


def test_backward_grad_of_the_wrong_shape_errors():
    y = leaf([1.0, 2.0, 3.0]) * 2
    with pytest.raises(ValueError, match=r"backward: grad has shape \(2,\).*shape \(3,\)"):
        y.backward(np.ones(2))


def test_backward_accepts_a_tensor_grad_and_casts_it_to_the_output_dtype():
    x = leaf([1.0, 2.0], dtype=np.float32)
    y = x * 2
    y.backward(mg.tensor(np.array([1.0, 1.0], dtype=np.float64)))
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])


def test_backward_on_a_one_element_tensor_of_any_rank():
    x = leaf([[3.0]])
    (x * x).backward()
    np.testing.assert_array_equal(x.grad, [[6.0]])


# ----- recording -----
def test_op_and_parents_are_recorded_in_order():
    a, b = leaf(np.ones((2, 3))), leaf(np.ones((3, 4)))
    c = a @ b
    assert c.op == "matmul" and c.parents[0] is a and c.parents[1] is b
    d = 2.0 - c  # a Python number is a constant, not a parent
    assert d.op == "sub" and len(d.parents) == 1 and d.parents[0] is c
    e = mg.relu(d).sum()
    assert e.op == "sum" and e.parents[0].op == "relu"
    assert a.op is None and a.parents == () and a.is_leaf and not c.is_leaf


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda x: x + x, "add"),
        (lambda x: x - 1, "sub"),
        (lambda x: x * x, "mul"),
        (lambda x: x / 2, "div"),
        (lambda x: -x, "neg"),
        (lambda x: x**2, "pow"),
        (lambda x: x.exp(), "exp"),
        (lambda x: x.tanh(), "tanh"),
        (lambda x: x.sigmoid(), "sigmoid"),
        (lambda x: x.relu(), "relu"),
        (lambda x: x.sum(), "sum"),
        (lambda x: x.mean(), "mean"),
        (lambda x: x.max(), "max"),
        (lambda x: x.reshape(4), "reshape"),
        (lambda x: x[0], "getitem"),
        (lambda x: x.softmax(), "softmax"),
        (lambda x: x.log_softmax(), "log_softmax"),
        (lambda x: mg.concatenate([x, x]), "concatenate"),
        (lambda x: mg.stack([x, x]), "stack"),
        (lambda x: mg.where(x > 0, x, 0.0), "where"),
    ],
)
def test_op_names(make, name):
    assert make(leaf(np.ones((2, 2)))).op == name


def test_names_label_tensors():
    x = mg.Tensor([1.0], requires_grad=True, name="x")
    assert x.name == "x" and "name='x'" in repr(x)
    assert (x * 2).name is None


# ----- no_grad and detach -----
def test_no_grad_records_nothing():
    x = leaf([1.0, 2.0])
    with mg.no_grad():
        assert not mg.is_grad_enabled()
        y = (x * 2).exp().sum()
    assert mg.is_grad_enabled()
    assert not y.requires_grad and y.op is None and y.parents == ()
    np.testing.assert_allclose(y.data, np.exp(2.0) + np.exp(4.0))


def test_no_grad_as_a_decorator():
    @mg.no_grad()
    def evaluate(t):
        assert not mg.is_grad_enabled()
        return t * t

    y = evaluate(leaf([3.0]))
    assert not y.requires_grad and y.parents == ()
    assert mg.is_grad_enabled()


def test_no_grad_restores_the_state_after_an_exception_and_when_nested():
    with pytest.raises(KeyError):
        with mg.no_grad():
            {}["missing"]
    assert mg.is_grad_enabled()
    with mg.no_grad():
        with mg.no_grad():
            pass
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()


def test_no_grad_decorated_recursive_function_restores_grad_mode():
    @mg.no_grad()
    def depth(n):
        return 0 if n == 0 else 1 + depth(n - 1)

    assert depth(3) == 3
    assert mg.is_grad_enabled()


def test_one_no_grad_object_entered_twice_restores_grad_mode():
    guard = mg.no_grad()
    with guard:
        with guard:
            pass
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()


def test_detach_shares_data_and_stops_the_gradient():
    x = leaf([1.0, 2.0])
    d = x.detach()
    assert np.shares_memory(d.data, x.data)
    assert not d.requires_grad and d.is_leaf and d.op is None
    (x * d).sum().backward()  # d is a constant: the gradient is d, not 2x
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])
    assert d.grad is None


def test_detach_keeps_dtype():
    assert leaf([1.0]).detach().dtype == np.float64
    assert leaf([1.0], dtype=np.float32).detach().dtype == np.float32


# ----- deep graphs -----
def test_chain_of_100000_ops_backward_without_recursion_limit():
    assert sys.getrecursionlimit() < 100_000
    x = leaf(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.00001
    y.backward()  # a recursive backward would raise RecursionError here; no time bound (load)
    np.testing.assert_allclose(x.grad, 1.00001**100_000, rtol=1e-9)
    assert len(mg.topological_order(y)) == 100_001


# ----- orders -----
def small_graph():
    x, w = leaf([1.0, 2.0]), leaf([0.5, -1.0])
    h = x * w
    a = mg.tanh(h)
    b = mg.exp(h)
    loss = (a + b).sum()
    return x, w, h, a, b, loss


def test_topological_order_lists_inputs_first_and_each_node_after_its_parents():
    x, w, h, a, b, loss = small_graph()
    order = mg.topological_order(loss)
    assert order[-1] is loss and len(order) == 7 and len(set(map(id, order))) == 7
    position = {id(t): i for i, t in enumerate(order)}
    for t in order:
        for p in t.parents:
            assert position[id(p)] < position[id(t)]


def test_topological_order_skips_constants_unless_asked():
    x = leaf([1.0])
    c = mg.tensor([2.0])
    y = x * c
    assert [t is c for t in mg.topological_order(y)] == [False, False]
    assert any(t is c for t in mg.topological_order(y, include_constants=True))


def test_backward_steps_yields_each_node_once_root_first_with_final_gradients():
    *_, loss = small_graph()
    steps = list(loss.backward_steps())
    reference = small_graph()
    reference[-1].backward()
    assert steps[0] is loss
    assert len(steps) == 7 and len(set(map(id, steps))) == 7
    position = {id(t): i for i, t in enumerate(steps)}
    for t in steps:  # a node comes after all its consumers
        for p in t.parents:
            assert position[id(p)] > position[id(t)]
    for got, want in zip(mg.topological_order(loss), mg.topological_order(reference[-1])):
        np.testing.assert_allclose(got.grad, want.grad, rtol=1e-12)


def test_backward_steps_gradient_is_final_when_yielded():
    x, w, h, a, b, loss = small_graph()
    seen = {}
    for node in loss.backward_steps():
        seen[id(node)] = node.grad.copy()
    for t in (x, w, h, a, b, loss):
        np.testing.assert_array_equal(seen[id(t)], t.grad)
    # and h's gradient is the sum of what a and b sent it
    hv = np.array([0.5, -2.0])
    np.testing.assert_allclose(h.grad, (1 - np.tanh(hv) ** 2) + np.exp(hv), rtol=1e-12)


def test_tensors_are_hashable_by_identity():
    a, b = mg.tensor([1.0]), mg.tensor([1.0])
    assert len({a: 1, b: 2}) == 2


def test_a_deep_copied_model_and_its_original_in_one_backward():
    # the copies carry their originals' creation numbers: backward's heap must never compare tensors
    import copy

    model = mg.nn.Linear(3, 2)
    twin = copy.deepcopy(model)
    x = mg.tensor(np.ones((4, 3)))
    (model(x).sum() + 2 * twin(x).sum()).backward()
    np.testing.assert_array_equal(model.weight.grad, np.full((2, 3), 4.0))
    np.testing.assert_array_equal(twin.weight.grad, np.full((2, 3), 8.0))
    np.testing.assert_array_equal(twin.bias.grad, [8.0, 8.0])
