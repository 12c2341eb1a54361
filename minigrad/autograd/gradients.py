"""mg.autograd.grad: the gradients of outputs with respect to chosen inputs, returned, not stored."""

import numpy as np

from ..tensor import Tensor, _as_tensors, _grad_mode, _seed, backpropagate


def grad(
    outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False
):
    """The gradients of `outputs` with respect to each of `inputs`, as a tuple of Tensors.

    Computes sum_k grad_outputs[k] . d(outputs[k])/d(input) (grad_outputs defaults to ones for
    scalar outputs) without touching any `.grad`. With `create_graph=True` the results carry a
    graph, so they can be differentiated again (`grad` of a `grad`). An input the outputs do not
    depend on is an error, or None with `allow_unused=True`. `retain_graph` is accepted for
    PyTorch's signature and changes nothing: minigrad never frees a graph after backward.
    """
    outputs = _as_tensors("grad", "outputs", outputs)
    inputs = _as_tensors("grad", "inputs", inputs)
    if grad_outputs is None or isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = (grad_outputs,) * len(outputs) if grad_outputs is None else (grad_outputs,)
    if len(grad_outputs) != len(outputs):
        raise ValueError(
            f"grad: got {len(grad_outputs)} grad_outputs for {len(outputs)} outputs"
        )
    for k, t in enumerate(inputs):
        if not t.requires_grad:
            raise RuntimeError(f"grad: inputs[{k}] (shape {t.shape}) does not require grad")
    seeds = [_seed("grad", out, g, create_graph) for out, g in zip(outputs, grad_outputs)]
    found = dict.fromkeys(inputs)
    with _grad_mode(create_graph):
        for node, node_grad in backpropagate(outputs, seeds, create_graph):
            if node in found:
                found[node] = node_grad
    results = []
    for k, t in enumerate(inputs):
        g = found[t]
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: inputs[{k}] (shape {t.shape}) was not used to compute the outputs;"
                " pass allow_unused=True to get None for it"
            )
        results.append(g if g is None or isinstance(g, Tensor) else Tensor(np.array(g, t.dtype)))
    return tuple(results)
