"""The backward pass, step by step: one snapshot of every gradient, and one picture, per step."""

from typing import NamedTuple

import numpy as np

from ..nn.module import Module
from ..tensor import Tensor, topological_order
from .graph import GraphLayout

TITLE_POINTS_PER_CHAR = 9  # generous for 13-point bold Helvetica, so the widest caption fits


class BackwardStep(NamedTuple):
    """The state after one step of backward: the tensor just visited and every gradient so far."""

    index: int  # 0 for the first step (the output itself)
    tensor: Tensor  # visited in this step: its grad is final and its VJP has run
    visited: tuple  # every tensor visited so far, in order, this one last
    grads: dict  # tensor -> a copy of its .grad at the end of this step


def backward_snapshots(root: Tensor, grad=None) -> list:
    """Run `root.backward_steps(grad)` and copy every `.grad` after each step.

    The copies matter: a later backward pass adds into a leaf's `.grad` in place. Like backward(),
    this accumulates into `.grad`, so gradients left by an earlier pass show from the first step.
    """
    return _snapshots(root, grad, caller="backward_snapshots")


def _snapshots(root, grad, caller):
    if not isinstance(root, Tensor):
        raise TypeError(f"{caller}: root must be a Tensor, got {type(root).__name__}")
    if not root.requires_grad:
        raise RuntimeError(
            f"{caller}: root does not require grad, so there is no backward pass to show"
            " (make a leaf with requires_grad=True, or call it outside no_grad())"
        )
    tensors = topological_order(root)
    steps, visited = [], []
    for index, node in enumerate(root.backward_steps(grad)):
        visited.append(node)
        grads = {t: np.array(t.grad, copy=True) for t in tensors if t.grad is not None}
        steps.append(BackwardStep(index, node, tuple(visited), grads))
    return steps


def backward_frames(
    root: Tensor,
    grad=None,
    show_data: bool = True,
    show_grad: bool = True,
    rankdir: str = "LR",
    model: Module | None = None,
    max_nodes: int = 150,
) -> list:
    """Run backward from `root` and draw the graph after each step: a list of graphviz.Digraph.

    Frame k highlights the k + 1 tensors visited so far (green border) and this step's tensor,
    its op and the edges its gradient flows back along (red); each box shows its gradient as it
    was at the end of that step. Every frame has the same layout, so they can be flipped through.
    """
    layout = GraphLayout(root, model, max_nodes, rankdir, caller="backward_frames")
    steps = _snapshots(root, grad, caller="backward_frames")
    final = steps[-1].grads
    captions = [
        _caption(step, len(steps), layout.title_of(step.tensor), seeded=grad is not None)
        for step in steps
    ]
    # A title wider than the graph would re-centre it, so every frame reserves the widest one's room.
    title_width = TITLE_POINTS_PER_CHAR * max(len(caption) for caption in captions)
    frames = []
    for step, title in zip(steps, captions):
        frames.append(
            layout.draw(
                step.grads,
                show_data=show_data,
                show_grad=show_grad,
                reserved=final,
                title=title,
                title_width=title_width,
                progress=(step.visited, step.tensor),
            )
        )
    return frames


def _caption(step, n_steps, name, seeded) -> str:
    """What happened in this step, in words."""
    t = step.tensor
    head = f"Backward step {step.index + 1} of {n_steps}:"
    then = f"; the {t.op} VJP passes it back along the red edges" if t.op else ""
    if step.index == 0:
        start = "the one given to backward()" if seeded else f"d{name}/d{name} = 1"
        return f"{head} start at the output {name}, whose grad is {start}{then}"
    if t.op is None:
        return (
            f"{head} {name} is a leaf; its grad is complete and there is nothing left to pass back"
        )
    return f"{head} {name}'s grad is complete{then}"
