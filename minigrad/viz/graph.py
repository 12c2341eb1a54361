"""draw_graph: a Graphviz picture of the computation graph that backward walks.

Tensors are boxes, ops are small ellipses between them, and edges follow the data from an op's
inputs to its output. The fill says what a tensor is (parameter, activation, constant); in the
backward step-through (steps.py) the border says how far backward has got.
"""

import html
from collections import deque

import graphviz
import numpy as np

from ..nn.module import Module, Parameter
from ..tensor import Tensor, topological_order
from .collapse import MODULE_STYLE, module_title, modules_to_collapse, summary_lines

SMALL = 6  # arrays with at most this many elements are printed in full, larger ones summarised
FONT, MONO = "Helvetica", "Courier"
GRAD_COLOUR, DATA_COLOUR, MUTED = "#b91c1c", "#111827", "#6b7280"

# What a tensor is shows in its fill; `kind` is also written into the node's class attribute.
KIND_STYLE = {
    "parameter": {"fillcolor": "#fed7aa", "color": "#c2410c", "style": "rounded,filled"},
    "activation": {"fillcolor": "#dbeafe", "color": "#1d4ed8", "style": "rounded,filled"},
    "constant": {
        "fillcolor": "#e5e7eb",
        "color": "#9ca3af",
        "fontcolor": MUTED,
        "style": "rounded,filled,dashed",
    },
}
KIND_LEGEND = {
    "parameter": "parameter (leaf that requires grad)",
    "activation": "activation (made by an op)",
    "constant": "constant (no grad)",
}
OP_STYLE = {
    "shape": "ellipse",
    "style": "filled",
    "fillcolor": "#ffffff",
    "color": "#4b5563",
    "fontsize": "10",
    "height": "0.3",
    "margin": "0.04,0.02",
}
# How far backward has got shows in the border (used by the step-through).
VISITED = {"color": "#15803d", "penwidth": "3"}
CURRENT = {"color": "#dc2626", "penwidth": "5"}
# Inputs of these ops are labelled on their edges, because swapping them changes the result.
ORDER_MATTERS = {
    "sub": ("a", "b"),
    "div": ("a", "b"),
    "pow": ("base", "exp"),
    "matmul": ("a", "b"),
    "where": ("cond", "a", "b"),
}
RANKDIRS = {
    "LR": "left to right",
    "RL": "right to left",
    "TB": "top to bottom",
    "BT": "bottom to top",
}


def draw_graph(
    root: Tensor,
    show_data: bool = True,
    show_grad: bool = True,
    rankdir: str = "LR",
    model: Module | None = None,
    max_nodes: int = 150,
    collapse=None,
) -> graphviz.Digraph:
    """Draw the graph that produced `root`: a box per tensor, an ellipse per op, data-flow edges.

    Each box shows the tensor's name (a parameter's name from `model.named_parameters()`, else
    `.name`, else `t<k>`), shape and dtype, its values (or mean and norm when it has more than
    six elements) and, once backward has run, its gradient likewise. With `model`, the ops that
    use each top-level sub-module's parameters are boxed together. At most `max_nodes` nodes are
    drawn, those nearest `root` first; a note says what was left out.

    `collapse` draws modules as one node each, with their parameters summarised (collapse.py):
    None collapses every sub-module with parameters when the graph has more than COLLAPSE_ABOVE
    (30) nodes, True always, False never (every tensor drawn), and a list of names (["0", "2"])
    just those sub-modules.
    """
    layout = GraphLayout(root, model, max_nodes, rankdir, caller="draw_graph", collapse=collapse)
    grads = {t: t.grad for t in layout.tensors if t.grad is not None}
    return layout.draw(grads, show_data=show_data, show_grad=show_grad)


def kind_of(t: Tensor) -> str:
    """What a tensor is, as drawn: a "parameter" (a leaf that requires grad), an "activation" (an op's
    output that requires grad) or a "constant" (anything that does not require grad)."""
    if isinstance(t, Parameter) or (t.is_leaf and t.requires_grad):
        return "parameter"
    return "activation" if t.requires_grad else "constant"


def describe(array: np.ndarray) -> list:
    """Lines of text for an array: its values when small, else its mean and (Frobenius) norm."""
    array = np.asarray(array)
    if array.size <= SMALL:
        if array.ndim == 0:
            return [_number(array.item())]
        return np.array2string(array, separator=", ", formatter={"float_kind": _number}).split("\n")
    values = array.astype(np.float64)
    return [f"mean {_number(values.mean())}  norm {_number(np.linalg.norm(values))}"]


def _number(x) -> str:
    # Adding 0.0 turns -0.0 (relu's gradient of a negative input times -1, say) into a plain 0.
    return f"{x + 0.0:.4g}" if isinstance(x, (float, np.floating)) else str(x)


class GraphLayout:
    """What to draw, worked out once per graph (node ids, names, kinds, clusters, the cap).

    The step-through draws the same layout many times with different gradients, so that every
    frame has the same nodes in the same places.
    """

    def __init__(self, root, model, max_nodes, rankdir, caller, collapse=False):
        if not isinstance(root, Tensor):
            raise TypeError(f"{caller}: root must be a Tensor, got {type(root).__name__}")
        if model is not None and not isinstance(model, Module):
            raise TypeError(f"{caller}: model must be a Module, got {type(model).__name__}")
        if (
            isinstance(max_nodes, bool)
            or not isinstance(max_nodes, (int, np.integer))
            or max_nodes < 2
        ):
            raise ValueError(f"{caller}: max_nodes must be an int >= 2, got {max_nodes!r}")
        if rankdir not in RANKDIRS:
            raise ValueError(f"{caller}: rankdir must be one of {list(RANKDIRS)}, got {rankdir!r}")
        self.root, self.rankdir = root, rankdir
        order = topological_order(root, include_constants=True)
        self.node_id = {t: f"t{k}" for k, t in enumerate(order)}
        kept = _nearest_first(root, max_nodes)
        self.tensors = [t for t in order if t in kept]  # inputs first, so dot keeps their order
        self.left_out = [t for t in order if t not in kept]
        self._left_out = set(self.left_out)  # for `in`, which on a list would compare elementwise
        self.max_nodes = max_nodes
        self.param_names = {p: name for name, p in model.named_parameters()} if model else {}
        module_of = _module_names(order, model) if model else {}
        self.cluster_of = {t: _cluster_label(model, name) for t, name in module_of.items()}
        self.n_nodes = len(self.tensors) + sum(t.op is not None for t in self.tensors)
        self.collapsed = modules_to_collapse(collapse, model, self.n_nodes, caller)
        self.modules = dict(model.named_children()) if model else {}
        self.collapsed_into = {
            t: module_of[t] for t in self.tensors if module_of.get(t) in self.collapsed
        }

    def title_of(self, t: Tensor) -> str:
        """A parameter's name in the model, else the tensor's `.name`, else its node id."""
        return self.param_names.get(t) or t.name or self.node_id[t]

    def draw(
        self,
        grads,
        show_data=True,
        show_grad=True,
        reserved=None,
        title=None,
        title_width=None,
        progress=None,
    ):
        """The Digraph, with `grads` (tensor -> array) as the gradients to print.

        `reserved` maps tensors to the gradient they will have later; their grad line is kept blank
        at that size so that the layout does not move between frames. `progress` is a pair
        (visited tensors, current tensor) from the step-through; `title_width` (points) gives the
        title a fixed minimum width, for the same reason.
        """
        visited, current = progress or ((), None)
        visited = set(visited)  # a set: `in` on a list would compare tensors elementwise
        graph = graphviz.Digraph(name="minigrad")
        graph.attr(rankdir=self.rankdir, fontname=FONT, nodesep="0.25", ranksep="0.35")
        graph.attr(labelloc="t", labeljust="l", fontsize="11")
        graph.attr("node", shape="box", fontname=FONT, fontsize="11", margin="0.12,0.06")
        graph.attr("edge", color="#6b7280", arrowsize="0.7")
        clusters = {}  # label ("0: Linear") -> the subgraph boxing that module's nodes
        for t in self.tensors:
            if t in self.collapsed_into:
                continue  # drawn as part of its module's node below
            target = graph
            if t in self.cluster_of:
                label = self.cluster_of[t]
                target = clusters.setdefault(label, _cluster(f"cluster_{len(clusters)}", label))
            lines = self._label_lines(t, grads, reserved, show_data, show_grad)
            state = "current" if t is current else "visited" if t in visited else ""
            style = {
                **KIND_STYLE[kind_of(t)],
                **(CURRENT if state == "current" else VISITED if state else {}),
            }
            css = " ".join(
                filter(None, ["tensor", kind_of(t), state, "output" if t is self.root else ""])
            )
            extra = {"peripheries": "2"} if t is self.root else {}
            target.node(self.node_id[t], label=lines, **{"class": css}, **style, **extra)
            if t.op is not None:
                self._draw_op(target, graph, t, state)
        for subgraph in clusters.values():
            graph.subgraph(subgraph)
        for name in self.collapsed:
            self._draw_module(graph, name, grads, show_grad)
        if self.left_out:
            self._draw_left_out(graph)
        graph.attr(label=self._legend(title, title_width, progress is not None))
        return graph

    def _label_lines(self, t, grads, reserved, show_data, show_grad):
        kind = kind_of(t)
        words = [f"shape {tuple(t.shape)}", str(t.dtype), kind if kind != "activation" else ""]
        if kind == "parameter" and not isinstance(t, Parameter):
            words[-1] = "leaf, requires grad"
        if t is self.root:
            words.append("output")
        colour = MUTED if kind == "constant" else DATA_COLOUR
        parts = [f"<B>{_escape(self.title_of(t))}</B>"]
        parts.append(
            f'<FONT POINT-SIZE="9" COLOR="{MUTED}">{_escape(" · ".join(filter(None, words)))}</FONT>'
        )
        if show_data:
            parts += _mono(_prefixed("data", describe(t.data)), colour)
        if show_grad and t in grads:
            parts += _mono(_prefixed("grad", describe(grads[t])), GRAD_COLOUR)
        elif show_grad and reserved and t in reserved:
            # Room for the gradient to come, so that nothing moves when it arrives.
            later = _prefixed("grad", describe(reserved[t]))
            blank = [("grad ·" if i == 0 else "").ljust(len(line)) for i, line in enumerate(later)]
            parts += _mono(blank, MUTED)
        return "<" + "<BR/>".join(parts) + ">"

    def _draw_op(self, target, graph, t, state):
        op_id = "op_" + self.node_id[t]
        style = dict(OP_STYLE)
        if state:
            style.update(CURRENT if state == "current" else VISITED)
            style["penwidth"] = "3" if state == "current" else "2"
        target.node(op_id, label=t.op, **{"class": f"op {state}".strip()}, **style)
        target.edge(op_id, self.node_id[t])
        for position, parent in enumerate(t.parents):
            if parent in self._left_out:
                continue
            gets_grad = state == "current" and parent.requires_grad  # the VJP sends it a share
            edge = {"color": CURRENT["color"], "penwidth": "2"} if gets_grad else {}
            if len(t.parents) > 1 and t.op in ORDER_MATTERS:
                edge["headlabel"] = ORDER_MATTERS[t.op][min(position, len(ORDER_MATTERS[t.op]) - 1)]
                edge.update(labelfontsize="8", labelfontcolor=MUTED, labeldistance="1.3")
            graph.edge(self._node_of(parent), op_id, **edge)

    def _node_of(self, t):
        """The id of the node that shows t: its own, or its collapsed module's."""
        return f"module_{self.collapsed_into[t]}" if t in self.collapsed_into else self.node_id[t]

    def _draw_module(self, graph, name, grads, show_grad):
        """One node for a collapsed module, with an edge from each tensor it takes in."""
        members = [t for t in self.tensors if self.collapsed_into.get(t) == name]
        lines = summary_lines(self.modules[name], members, grads, self.param_names, show_grad)
        label = [f"<B>{_escape(module_title(name, self.modules[name]))}</B>"]
        label += _mono(lines, DATA_COLOUR)
        node = f"module_{name}"
        graph.node(
            node,
            label="<" + "<BR/>".join(label) + ">",
            **{"class": "module collapsed"},
            **MODULE_STYLE,
        )
        sources = []
        for t in members:
            for parent in t.parents:
                if parent in self._left_out or self.collapsed_into.get(parent) == name:
                    continue
                if self._node_of(parent) not in sources:
                    sources.append(self._node_of(parent))
        for source in sources:
            graph.edge(source, node)

    def _draw_left_out(self, graph):
        """One dashed box stands for every node left out; edges run from it to where they were used."""
        graph.node(
            "left_out",
            label=f"<{len(self.left_out)} tensors not drawn<BR/>(max_nodes={self.max_nodes})>",
            **{"class": "left-out"},
            style="dashed,rounded",
            color=MUTED,
            fontcolor=MUTED,
        )
        for t in self.tensors:
            if t.op is not None and any(p in self._left_out for p in t.parents):
                graph.edge("left_out", "op_" + self.node_id[t], style="dashed", color=MUTED)

    def _legend(self, title, title_width, stepping):
        """The graph's label: a title, a key to the colours, and a note of what was left out."""
        cells = [
            f'<TD BGCOLOR="{KIND_STYLE[k]["fillcolor"]}" COLOR="{KIND_STYLE[k]["color"]}" BORDER="1">'
            f"{_escape(text)}</TD>"
            for k, text in KIND_LEGEND.items()
        ]
        cells.append('<TD BORDER="1" COLOR="#4b5563" STYLE="rounded">op</TD>')
        if self.collapsed:
            cells.append(
                f'<TD BGCOLOR="{MODULE_STYLE["fillcolor"]}" COLOR="{MODULE_STYLE["color"]}"'
                ' BORDER="2">module, collapsed</TD>'
            )
        if stepping:
            cells.append(f'<TD BORDER="3" COLOR="{VISITED["color"]}">visited: grad final</TD>')
            cells.append(f'<TD BORDER="3" COLOR="{CURRENT["color"]}">this step</TD>')
        if title is None:
            title = (
                f"Computation graph: data flows {RANKDIRS[self.rankdir]}; backward walks it the"
                " other way, filling in each grad (red)"
            )
        key = (
            '<TABLE BORDER="0" CELLSPACING="4" CELLPADDING="2"><TR>'
            + "".join(cells)
            + "</TR></TABLE>"
        )
        rows = [f'<FONT POINT-SIZE="13"><B>{_escape(title)}</B></FONT>', key]
        if self.collapsed:
            note = (
                f"Modules {', '.join(self.collapsed)} are drawn as one node each"
                f" (the full graph has {self.n_nodes} nodes); draw_graph(..., collapse=False)"
                " draws every tensor."
            )
            rows.append(f'<FONT COLOR="{MUTED}">{_escape(note)}</FONT>')
        if self.left_out:
            n_ops = sum(t.op is not None for t in self.left_out)
            note = (
                f"Not drawn (max_nodes={self.max_nodes}): the {len(self.left_out)} tensors and"
                f" {n_ops} ops farthest from the output; the dashed box stands for them."
            )
            rows.append(f'<FONT COLOR="{MUTED}">{_escape(note)}</FONT>')
        width = f' WIDTH="{int(title_width)}"' if title_width else ""
        cells = "".join(f'<TR><TD ALIGN="LEFT"{width}>{row}</TD></TR>' for row in rows)
        return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2">{cells}</TABLE>>'


def _nearest_first(root, max_nodes):
    """The tensors to draw: breadth-first from root, until drawing one more would pass max_nodes.

    A tensor costs one node, plus one for the op that made it.
    """
    kept, queue, budget = set(), deque([root]), max_nodes
    seen = {root}
    while queue:
        t = queue.popleft()
        cost = 1 + (t.op is not None)
        if cost > budget:
            break
        budget -= cost
        kept.add(t)
        for parent in t.parents:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return kept


def _cluster_label(model, name):
    """ "0: Linear" for a sub-module, the class name for a model that is a single layer."""
    return f"{name}: {type(getattr(model, name)).__name__}" if name else type(model).__name__


def _module_names(order, model):
    """The name of the top-level sub-module ("" for a model that is a single layer) whose
    parameters make each tensor, for the tensors that one module's parameters make.

    The graph does not record which module ran an op, so it is inferred from the parameters: an op
    belongs to a module when one of its inputs is that module's parameter, or is made from that
    module's parameters alone (like `weight.T`). Ops without parameters (an activation, a loss)
    stay outside every box.
    """
    children = list(model.named_children())
    if not children:  # a model that is a single layer: one box, named after its class
        children = [("", model)]
    owner = {p: name for name, child in children for p in child.parameters()}
    cluster = dict(owner)
    for t in order:
        if t.op is None or t in owner:
            continue
        owners = {owner[p] for p in t.parents if p in owner}
        if len(owners) == 1:
            cluster[t] = next(iter(owners))
            if all(p in owner for p in t.parents):
                owner[t] = cluster[t]
    return cluster


def _cluster(name, label):
    subgraph = graphviz.Digraph(name=name)  # dot boxes subgraphs whose name starts with "cluster"
    subgraph.attr(label=label, style="rounded,dashed", color="#9ca3af", fontcolor="#374151")
    subgraph.attr(fontsize="11", labeljust="l")
    return subgraph


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _prefixed(prefix, lines):
    """The first line after `prefix`, the others indented to line up under it."""
    pad = " " * (len(prefix) + 1)
    return [(prefix + " " if i == 0 else pad) + line for i, line in enumerate(lines)]


def _mono(lines, colour):
    """Lines in a fixed-width font (Graphviz collapses runs of spaces, so they become &#160;)."""
    return [
        f'<FONT FACE="{MONO}" COLOR="{colour}">{_escape(line).replace(" ", "&#160;")}</FONT>'
        for line in lines
    ]
