"""Pictures of the computation graph, and of backpropagation walking it step by step.

graph = draw_graph(loss, model=model)      # a graphviz.Digraph; graph.source is the DOT text
render(graph, "graph.svg")                 # needs Graphviz's `dot` program
frames = backward_frames(loss)             # runs backward, one picture per step
save_frames(frames, "steps/")              # step_000.png, ..., backward.gif, backward.html
page = training_page(history, snapshots, (X, y))  # a run of fit, replayed in a web page
page = optimizer_explorer(problem, sweeps)         # optimizers on a 2-D function, with sliders
"""

from .explorer_page import optimizer_explorer
from .graph import describe, draw_graph, kind_of
from .output import SavedFrames, render, save_frames, step_through_page
from .page import Page
from .steps import BackwardStep, backward_frames, backward_snapshots
from .training_page import snapshots_for, training_page

__all__ = [
    "draw_graph",
    "backward_frames",
    "backward_snapshots",
    "BackwardStep",
    "render",
    "save_frames",
    "SavedFrames",
    "step_through_page",
    "describe",
    "kind_of",
    "training_page",
    "snapshots_for",
    "Page",
    "optimizer_explorer",
]
