"""Gradient flow: each layer's activation and gradient statistics during training, and their figure.

    flow = GradientFlow(model)          # hooks every Linear layer of the model
    for step in ...:
        loss = loss_fn(model(x), y)     # the forward hooks record each layer's output
        loss.backward()                 # the backward hooks record the gradient of that output
    plot_gradient_flow({"tanh": flow}) # mean |dL/d output| and output std, layer by layer
    flow.remove()

A learner sees vanishing gradients as a line that falls from the last layer towards the first, and
exploding ones as a line that rises. Built on nothing but `register_forward_hook` and
`register_full_backward_hook` (nn/module.py). Imported on first use: `import minigrad` does not load
it, nor matplotlib.
"""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .nn import Linear, Module
from .tensor import is_grad_enabled

STATISTICS = ("activation_mean", "activation_std", "grad_mean_abs", "grad_max_abs")


class GradientFlow:
    """Record, at every training step, statistics of each chosen layer's output and of its gradient.

    `GradientFlow(model, layer_types=(Linear,))` watches every sub-module of those types, in the
    order `model.named_modules()` lists them (input side first). After each forward pass with
    gradients enabled and each backward pass, `history[name][statistic]` gains one value:
    activation_mean and activation_std of the layer's output, grad_mean_abs and grad_max_abs of
    dL/d(output). Forward passes under `no_grad()` (evaluation) are not recorded.
    """

    def __init__(self, model, layer_types=(Linear,)):
        if not isinstance(model, Module):
            raise TypeError(f"GradientFlow: model must be a Module, got {type(model).__name__}")
        self.layers = [
            (name, module)
            for name, module in model.named_modules()
            if isinstance(module, tuple(layer_types)) and module is not model
        ]
        if not self.layers:
            names = ", ".join(t.__name__ for t in layer_types)
            raise ValueError(f"GradientFlow: the model has no sub-module of type {names}")
        self.history = {name: {stat: [] for stat in STATISTICS} for name, _ in self.layers}
        self._handles = []
        for name, module in self.layers:
            self._handles.append(module.register_forward_hook(self._on_forward(name)))
            self._handles.append(module.register_full_backward_hook(self._on_backward(name)))

    def _on_forward(self, name):
        def hook(module, args, output):
            if is_grad_enabled():
                activation = np.asarray(output.data, dtype=np.float64)
                self.history[name]["activation_mean"].append(activation.mean())
                self.history[name]["activation_std"].append(activation.std())

        return hook

    def _on_backward(self, name):
        def hook(module, grad_input, grad_output):
            grad = np.abs(np.asarray(getattr(grad_output[0], "data", grad_output[0]), np.float64))
            self.history[name]["grad_mean_abs"].append(grad.mean())
            self.history[name]["grad_max_abs"].append(grad.max())

        return hook

    @property
    def names(self):
        """The watched layers' dotted names, input side first."""
        return [name for name, _ in self.layers]

    def table(self, statistic, step=-1):
        """One statistic of every watched layer at one recorded step, as a numpy array."""
        if statistic not in STATISTICS:
            raise ValueError(
                f"GradientFlow.table: statistic must be one of {STATISTICS}, got {statistic!r}"
            )
        values = [self.history[name][statistic] for name in self.names]
        if not all(values):
            raise RuntimeError(
                f"GradientFlow.table: no {statistic} recorded yet (run a forward and a backward pass)"
            )
        return np.array([v[step] for v in values])

    def remove(self):
        """Unregister every hook this recorder added (its history stays)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def plot_gradient_flow(flows, steps=(0, -1), title=None):
    """Two panels: mean |dL/d output| per layer (log scale) and output std per layer.

    `flows` maps a label to a GradientFlow; each gets one colour, with one line per entry of
    `steps` (recorded step indices; the first solid, later ones dashed). Returns the Figure.
    """
    if not flows:
        raise ValueError("plot_gradient_flow: flows is empty (give a label -> GradientFlow dict)")
    fig = Figure(figsize=(14, 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    grad_ax, act_ax = fig.subplots(1, 2)
    colors = [f"C{i}" for i in range(len(flows))]
    for (label, flow), color in zip(flows.items(), colors):
        depth = np.arange(1, len(flow.names) + 1)
        for k, step in enumerate(steps):
            n_steps = len(flow.history[flow.names[0]]["grad_mean_abs"])
            shown = step if step >= 0 else n_steps + step
            style = dict(color=color, marker="o", linestyle="-" if k == 0 else "--")
            name = f"{label}, step {shown}"
            grad_ax.plot(depth, flow.table("grad_mean_abs", step), label=name, **style)
            act_ax.plot(depth, flow.table("activation_std", step), label=name, **style)
    grad_ax.set_yscale("log")
    grad_ax.set_ylabel("mean |dL / d layer output|")
    act_ax.set_ylabel("std of layer output")
    for ax in (grad_ax, act_ax):
        ax.set_xlabel("layer (1 = nearest the input)")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
    fig.legend(*grad_ax.get_legend_handles_labels(), loc="outside right upper", fontsize="small")
    grad_ax.set_title("Gradient reaching each layer")
    act_ax.set_title("Size of each layer's output")
    if title:
        fig.suptitle(title)
    return fig
