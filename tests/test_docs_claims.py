"""Claims of docs/autograd.md and README.md that no other test pins: each against a hand-derived value."""

import gc
import re
import weakref
from pathlib import Path

import numpy as np

import minigrad as mg
import minigrad.nn.functional as F


def test_cross_entropy_gradient_is_softmax_minus_one_hot_over_n():
    z = np.array([[2.0, -1.0, 0.5], [0.0, 3.0, -2.0]])
    targets = np.array([2, 1])
    logits = mg.tensor(z, requires_grad=True)
    F.cross_entropy(logits, mg.tensor(targets)).backward()
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(logits.grad, (p - np.eye(3)[targets]) / 2, rtol=1e-6)


def test_kinks_get_gradient_zero_at_zero():
    x = mg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    mg.relu(x).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])
    y = mg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    abs(y).sum().backward()
    np.testing.assert_array_equal(y.grad, [-1.0, 0.0, 1.0])


def test_matmul_gradients_are_g_b_transpose_and_a_transpose_g():
    rng = np.random.default_rng(0)
    a_data, b_data, g = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    a, b = mg.tensor(a_data, requires_grad=True), mg.tensor(b_data, requires_grad=True)
    ((a @ b) * mg.tensor(g)).sum().backward()  # dL/d(a @ b) = g
    np.testing.assert_allclose(a.grad, g @ b_data.T, rtol=1e-12)
    np.testing.assert_allclose(b.grad, a_data.T @ g, rtol=1e-12)


def test_graph_keeps_intermediates_alive_until_it_is_dropped():
    x = mg.tensor(np.ones(1000), requires_grad=True)
    hidden = mg.tanh(x * 2.0)
    alive = weakref.ref(hidden.data)  # Tensors have __slots__; their arrays take weak references
    loss = (hidden * hidden).sum()
    del hidden
    gc.collect()
    assert alive() is not None  # loss -> mul -> hidden: the graph holds it
    del loss
    gc.collect()
    assert alive() is None


def test_readme_first_look_prints_what_its_comments_say(capsys):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    first_look = readme[readme.index("## A first look") :]
    code = re.search(r"```python\n(.*?)```", first_look, re.S).group(1)
    exec(code, {})  # the README's own code, as a reader would paste it
    loss, shape, graph = capsys.readouterr().out.splitlines()
    assert 1e-9 < float(loss) < 1e-7  # "about 1e-8"
    assert shape == "(8, 2)"
    assert graph == "mse_loss ['linear', None]"  # the comment's 'mse_loss', ['linear', None]
