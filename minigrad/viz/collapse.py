"""Collapsing modules: a sub-module's tensors and ops drawn as one node that sums it up.

A graph of a real model is a wall of nodes: every Linear is a weight, a bias, an op and an output.
Drawn as one node each ("0: Linear 2 → 16", its parameters' sizes and norms, its output's shape),
the modules show the model's shape; `collapse=False` draws every tensor again.
"""

import numpy as np

from ..nn.module import Parameter

# Beyond this many nodes draw_graph collapses the model's modules by itself: a relu MLP with 3
# Linear layers and a cross-entropy loss stays whole, one with 4 collapses
# (tests/test_viz.py::test_auto_collapse_threshold_sits_between_3_and_4_layers). Measured on
# 3 December 2026 (nll_loss one op): 3 layers made 21 nodes drawn 2,568 pt (3,400 pixels) wide at
# 100% zoom, 4 layers 27 nodes and 3,218 pt (4,300 pixels), over three 1400-pixel screens of
# boxes that each say little alone.
COLLAPSE_ABOVE = 24
MODULE_STYLE = {
    "fillcolor": "#fef3c7",
    "color": "#b45309",
    "style": "rounded,filled",
    "penwidth": "2",
}


def modules_to_collapse(collapse, model, n_nodes, caller):
    """The names of the top-level sub-modules to draw as one node each.

    `collapse` is None (automatic: all of them when the graph has more than COLLAPSE_ABOVE nodes),
    True (all), False (none) or a list of sub-module names such as ["0", "2"].
    """
    if collapse is None or collapse is False:
        if collapse is None and model is not None and n_nodes > COLLAPSE_ABOVE:
            return _with_parameters(model)
        return []
    if model is None:
        raise ValueError(f"{caller}: collapse needs model= to know which tensors form each module")
    if collapse is True:
        return _with_parameters(model)
    if isinstance(collapse, str) or not isinstance(collapse, (list, tuple, set)):
        raise TypeError(
            f"{caller}: collapse must be None, True, False or a list of sub-module names,"
            f" got {collapse!r}"
        )
    names = [name for name, _ in model.named_children()]
    unknown = [name for name in collapse if name not in names]
    if unknown:
        raise ValueError(
            f"{caller}: collapse names {unknown} are not sub-modules of the model"
            f" (its sub-modules are {names})"
        )
    return [name for name in names if name in collapse]


def _with_parameters(model):
    return [name for name, child in model.named_children() if list(child.parameters())]


def module_title(name, module):
    """'0: Linear 2 → 16' for a Linear, '3: Conv' (the class name) for anything else."""
    title = f"{name}: {type(module).__name__}"
    if hasattr(module, "in_features") and hasattr(module, "out_features"):
        title += f" {module.in_features} → {module.out_features}"
    return title


def summary_lines(module, member_tensors, grads, param_names, show_grad):
    """Lines for a collapsed module: each parameter's shape and norm (and its grad's norm), and
    the shape of what the module outputs."""
    lines = []
    for p in module.parameters():
        name = param_names.get(p, "parameter").rsplit(".", 1)[-1]
        line = f"{name} {tuple(p.shape)}  norm {_norm(p.data)}"
        if show_grad and p in grads:
            line += f"  grad norm {_norm(grads[p])}"
        lines.append(line)
    outputs = [t for t in member_tensors if not isinstance(t, Parameter) and t.op is not None]
    if outputs:
        lines.append(f"output {tuple(outputs[-1].shape)}")
    return lines


def _norm(array):
    return f"{np.linalg.norm(np.asarray(array, dtype=np.float64)) + 0.0:.4g}"
