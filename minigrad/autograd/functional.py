"""The functional API (torch.autograd.functional): derivatives of a function, not of a graph.

Each function here takes a Python function `func` and the point `inputs` (a Tensor or a tuple of
Tensors), runs `func` on fresh copies of the inputs that require grad, and asks `grad` (gradients.py)
for what it wants. Everything is built from one primitive, the vector-Jacobian product:

    vjp      u -> u^T J                  one backward pass
    jvp      v -> J v                    the double-VJP trick, below: two backward passes
    jacobian J, one row per vjp          (or one column per jvp, strategy="forward-mode")
    vhp      v -> v^T H                  the vjp of the gradient: backward of a backward
    hvp      v -> H v                    the jvp of the gradient
    hessian  H, the jacobian of the gradient

The double-VJP trick (how reverse mode computes a forward-mode product). For y = f(x) the VJP
    g(u) = u^T J = J^T u
is *linear in u*: it is the function u -> J^T u, whose own Jacobian (with respect to u) is J^T.
So the VJP of g, at any u, with the vector v, is v^T J^T = (J v)^T: the JVP. In code:
    u = zeros like y, requiring grad
    g = grad(y, x, grad_outputs=u, create_graph=True)   # J^T u, recorded as a function of u
    Jv = grad(g, u, grad_outputs=v)                     # d(v . J^T u)/du = J v
The value of u never matters (g is linear in it); create_graph=True is what lets g be
differentiated again.

As in PyTorch, with create_graph=False the results are plain tensors (no graph); with
create_graph=True they carry a graph back to the inputs, so they can be differentiated again.
With strict=True an output that does not depend on an input is an error; otherwise its part of
the result is zeros.
"""

import numpy as np

from ..ops import stack
from ..tensor import Tensor
from .gradients import grad


# ----- argument handling -----
def _as_tuple(caller, argument, value):
    """(tuple of Tensors, whether the user gave a tuple), checking each is a floating Tensor."""
    is_tuple = isinstance(value, tuple)
    values = tuple(value) if is_tuple else (value,)
    for k, t in enumerate(values):
        where = f"{argument}[{k}]" if is_tuple else argument
        if not isinstance(t, Tensor):
            raise TypeError(
                f"{caller}: {where} must be a Tensor or a tuple of Tensors, got {type(t).__name__}"
            )
        if t.dtype.kind != "f":
            raise TypeError(f"{caller}: {where} must be a floating Tensor, got dtype {t.dtype}")
    return values, is_tuple


def _prepare_inputs(inputs, create_graph):
    """What func is run on: new leaves that require grad (linked to the originals under create_graph).

    Linked copies (x * 1) are new nodes, so that only func's own use of the input is
    differentiated, even when x also appears elsewhere in an enclosing computation.
    """
    if create_graph:
        return tuple(
            x * 1 if x.requires_grad else Tensor(x.data, requires_grad=True) for x in inputs
        )
    return tuple(Tensor(x.data, requires_grad=True) for x in inputs)


def _run(caller, func, inputs):
    """func(*inputs) as a tuple of Tensors, and whether func returned a tuple."""
    outputs = func(*inputs)
    is_tuple = isinstance(outputs, tuple)
    values = tuple(outputs) if is_tuple else (outputs,)
    if not values or not all(isinstance(o, Tensor) for o in values):
        kind = type(outputs).__name__ if not is_tuple else "a tuple holding non-Tensors"
        raise TypeError(f"{caller}: func must return a Tensor or a tuple of Tensors, got {kind}")
    return values, is_tuple


def _vectors(caller, v, like, what):
    """`v` as a tuple of arrays/Tensors of the shapes of `like`; None only for one one-element tensor."""
    if v is None:
        if len(like) == 1 and like[0].size == 1:
            return (np.ones(like[0].shape, like[0].dtype),)
        shapes = ", ".join(str(t.shape) for t in like)
        raise ValueError(
            f"{caller}: v can be left out only when the {what} is a single one-element tensor;"
            f" the {what} has shape {shapes}"
        )
    vs, _ = _as_tuple(caller, "v", v)
    if len(vs) != len(like):
        raise ValueError(f"{caller}: v has {len(vs)} tensors but the {what} has {len(like)}")
    for k, (vec, t) in enumerate(zip(vs, like)):
        if vec.shape != t.shape:
            raise ValueError(
                f"{caller}: v[{k}] has shape {vec.shape} but the {what}[{k}] has shape {t.shape}"
            )
    return vs


def _grads(caller, outputs, inputs, grad_outputs, create_graph, strict):
    """grad() of outputs w.r.t. inputs, with zeros (or, strict, an error) where one is unused."""
    live = [k for k, o in enumerate(outputs) if o.requires_grad]
    results = [None] * len(inputs)
    if live:
        results = list(
            grad(
                [outputs[k] for k in live],
                list(inputs),
                grad_outputs=[grad_outputs[k] for k in live],
                create_graph=create_graph,
                allow_unused=True,
            )
        )
    for k, g in enumerate(results):
        if g is None:
            if strict:
                raise RuntimeError(
                    f"{caller}: the output of func does not depend on input {k}"
                    " (not allowed with strict=True)"
                )
            results[k] = Tensor(np.zeros(inputs[k].shape, inputs[k].dtype))
    return tuple(results)


def _finish(values, is_tuple, create_graph):
    """Detach the results unless a graph was asked for; untuple a single result."""
    if not create_graph:
        values = tuple(Tensor(v.data) for v in values)
    return values if is_tuple else values[0]


# ----- the products -----
def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): the vector-Jacobian product of func at inputs, one backward pass."""
    inputs, inputs_tuple = _as_tuple("vjp", "inputs", inputs)
    xs = _prepare_inputs(inputs, create_graph)
    outputs, outputs_tuple = _run("vjp", func, xs)
    vs = _vectors("vjp", v, outputs, "output")
    products = _grads("vjp", outputs, xs, vs, create_graph, strict)
    return _finish(outputs, outputs_tuple, create_graph), _finish(
        products, inputs_tuple, create_graph
    )


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): the Jacobian-vector product, by the double-VJP trick (module docstring)."""
    inputs, inputs_tuple = _as_tuple("jvp", "inputs", inputs)
    xs = _prepare_inputs(inputs, create_graph)
    vs = _vectors("jvp", v, inputs, "input")
    outputs, outputs_tuple = _run("jvp", func, xs)
    us = tuple(Tensor(np.zeros(o.shape, o.dtype), requires_grad=True) for o in outputs)
    vjps = _grads("jvp", outputs, xs, us, create_graph=True, strict=strict)  # J^T u, as a graph
    # An input the outputs do not depend on gives a constant zero VJP: it adds nothing to J v.
    live = [k for k, g in enumerate(vjps) if g.requires_grad]
    products = _grads(
        "jvp", [vjps[k] for k in live], us, [vs[k] for k in live], create_graph, strict=False
    )
    return _finish(outputs, outputs_tuple, create_graph), _finish(
        products, outputs_tuple, create_graph
    )


def _gradient_function(caller, func, strict, values=None):
    """x -> d func(x)/dx for a func that returns one one-element tensor, recorded (differentiable).

    Each value of func it computes is appended to `values` when one is given.
    """

    def gradient(*xs):
        outputs, is_tuple = _run(caller, func, xs)
        if is_tuple or outputs[0].size != 1:
            shapes = ", ".join(str(o.shape) for o in outputs)
            raise ValueError(
                f"{caller}: func must return a single one-element tensor, got shape {shapes}"
            )
        if values is not None:
            values.append(outputs[0])
        ones = (np.ones(outputs[0].shape, outputs[0].dtype),)
        return _grads(caller, outputs, xs, ones, create_graph=True, strict=strict)

    return gradient


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H): the vector-Hessian product of a scalar func, the VJP of its gradient."""
    return _of_the_gradient("vhp", vjp, func, inputs, v, create_graph, strict)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v): the Hessian-vector product of a scalar func, the JVP of its gradient.

    H is symmetric, so this equals vhp; as in PyTorch it costs more (the double-VJP trick).
    """
    return _of_the_gradient("hvp", jvp, func, inputs, v, create_graph, strict)


def _of_the_gradient(caller, product, func, inputs, v, create_graph, strict):
    """Apply `product` (vjp or jvp) to x -> d func/dx at inputs; return (func's value, product)."""
    inputs, inputs_tuple = _as_tuple(caller, "inputs", inputs)
    _vectors(caller, v, inputs, "input")  # checked here, so that an error names `caller`
    if v is not None and not inputs_tuple:
        v = (v,)
    values = []
    gradient = _gradient_function(caller, func, strict, values)
    _, products = product(gradient, inputs, v, create_graph, False)
    return _finish(values[:1], False, create_graph), products if inputs_tuple else products[0]


# ----- whole matrices -----
def jacobian(
    func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"
):
    """The Jacobian of func at inputs: d output_i / d input_j of shape output_i.shape + input_j.shape.

    A Tensor for one input and one output; a tuple over inputs (or outputs) when one of them is a
    tuple; a tuple of tuples J[i][j] when both are. strategy="reverse-mode" builds it one row per
    output element (a VJP each), "forward-mode" one column per input element (a JVP each: cheaper
    when there are fewer inputs than outputs). `vectorize` is accepted for PyTorch's signature and
    changes nothing here (there is no vmap): the rows are always computed one by one.
    """
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(
            f"jacobian: strategy must be 'reverse-mode' or 'forward-mode', got {strategy!r}"
        )
    inputs, inputs_tuple = _as_tuple("jacobian", "inputs", inputs)
    xs = _prepare_inputs(inputs, create_graph)
    outputs, outputs_tuple = _run("jacobian", func, xs)
    if strategy == "reverse-mode":
        blocks = _jacobian_by_rows(outputs, xs, create_graph, strict)
    else:
        blocks = _jacobian_by_columns(func, inputs, outputs, create_graph, strict)
    blocks = [_finish(row, True, create_graph) for row in blocks]
    rows = [row if inputs_tuple else row[0] for row in blocks]
    return tuple(rows) if outputs_tuple else rows[0]


def _one_hot(shape, dtype, k):
    e = np.zeros(int(np.prod(shape)), dtype)
    e[k] = 1
    return e.reshape(shape)


def _jacobian_by_rows(outputs, xs, create_graph, strict):
    """J[i][j] from one VJP per element of each output: row k is e_k^T J."""
    blocks = []
    for i, out in enumerate(outputs):
        if out.size == 0:
            blocks.append(tuple(Tensor(np.zeros(out.shape + x.shape, x.dtype)) for x in xs))
            continue
        rows = []  # rows[k][j]: d out.flat[k] / d xs[j]
        for k in range(out.size):
            seeds = [
                _one_hot(o.shape, o.dtype, k) if m == i else np.zeros(o.shape, o.dtype)
                for m, o in enumerate(outputs)
            ]
            rows.append(_grads("jacobian", outputs, xs, seeds, create_graph, strict))
        blocks.append(
            tuple(
                stack([r[j] for r in rows]).reshape(out.shape + x.shape) for j, x in enumerate(xs)
            )
        )
    return blocks


def _jacobian_by_columns(func, inputs, outputs, create_graph, strict):
    """J[i][j] from one JVP per element of each input: column k is J e_k."""
    columns = []  # columns[j][k][i]: d outputs[i] / d inputs[j].flat[k]
    for j, x in enumerate(inputs):
        columns.append([])
        for k in range(x.size):
            tangent = tuple(
                _one_hot(t.shape, t.dtype, k) if m == j else np.zeros(t.shape, t.dtype)
                for m, t in enumerate(inputs)
            )
            _, products = jvp(func, inputs, tuple(map(Tensor, tangent)), create_graph, strict)
            columns[j].append(products if isinstance(products, tuple) else (products,))
    blocks = []
    for i, out in enumerate(outputs):
        row = []
        for j, x in enumerate(inputs):
            if x.size == 0:
                row.append(Tensor(np.zeros(out.shape + x.shape, out.dtype)))
                continue
            stacked = stack([col[i] for col in columns[j]], axis=out.ndim)
            row.append(stacked.reshape(out.shape + x.shape))
        blocks.append(tuple(row))
    return blocks


def hessian(
    func,
    inputs,
    create_graph=False,
    strict=False,
    vectorize=False,
    outer_jacobian_strategy="reverse-mode",
):
    """The Hessian of a scalar func at inputs: the Jacobian of its gradient.

    Shape input.shape + input.shape for one input; a tuple of tuples H[i][j] for a tuple of
    inputs. `outer_jacobian_strategy` is the strategy of that outer Jacobian (see `jacobian`).
    """
    inputs, inputs_tuple = _as_tuple("hessian", "inputs", inputs)
    gradient = _gradient_function("hessian", func, strict)
    return jacobian(
        lambda *xs: gradient(*xs) if inputs_tuple else gradient(*xs)[0],
        inputs if inputs_tuple else inputs[0],
        create_graph=create_graph,
        strict=strict,
        vectorize=vectorize,
        strategy=outer_jacobian_strategy,
    )
