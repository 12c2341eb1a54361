"""The optimizer explorer: paths of minigrad's optimizers on a 2-D function, with sliders over a
precomputed grid of learning rates (and momentum, beta1 or alpha), in one self-contained page.

    sweeps = explore(PROBLEMS["rosenbrock"], ["sgd", "momentum", "adam"])   # minigrad.tour.explorer
    optimizer_explorer(PROBLEMS["rosenbrock"], sweeps).save("compare_rosenbrock.html")
"""

import base64

import numpy as np

from ..plots import contour_png
from ..tour.paths import steps_to_reach
from .explorer_template import TEMPLATE
from .page import Page, fill, rounded

WIDTH, HEIGHT = 560, 460  # the contour picture, in pixels


def optimizer_explorer(problem, sweeps, title=None) -> Page:
    """The explorer page for `problem` (a minigrad.tour Problem) from `explore`'s sweeps."""
    if not sweeps:
        raise ValueError("optimizer_explorer: sweeps is empty; run explore() with some optimizers")
    picture = contour_png(problem.fn, problem.bounds, WIDTH, HEIGHT)
    steps = len(next(iter(sweeps[0].runs.values()))[0]) - 1
    data = {
        "problem": {
            "name": problem.name,
            "bounds": problem.bounds,
            "start": problem.start,
            "minimum": problem.minimum,
            "fMin": problem.f_min,
            "tolerance": problem.tolerance,
        },
        "steps": steps,
        "image": "data:image/png;base64," + base64.b64encode(picture).decode("ascii"),
        "optimizers": [_optimizer(problem, sweep) for sweep in sweeps],
    }
    if title is None:
        title = f"Optimizer explorer: {problem.name}, {steps} steps from {tuple(problem.start)}"
    return Page(fill(TEMPLATE, title, data), height=900)


def _optimizer(problem, sweep):
    n_lrs, n_knobs = len(sweep.lrs), len(sweep.knob_values)
    return {
        "name": sweep.name,
        "lrs": [float(lr) for lr in sweep.lrs],
        "knob": sweep.knob,
        "knobValues": sweep.knob_values,
        "defaultKnob": sweep.default_knob,
        "best": [sweep.best[j] for j in range(n_knobs)],
        # runs[j][i]: the run at knob value j and learning rate i
        "runs": [
            [_run(problem, *sweep.runs[(i, j)]) for i in range(n_lrs)] for j in range(n_knobs)
        ],
    }


def _run(problem, path, f):
    """A run as the page shows it: the points, f - f_min along them, and the outcome."""
    reached = steps_to_reach(f, problem.f_min + problem.tolerance)
    blown = np.flatnonzero(~np.isfinite(f))
    return {
        "x": rounded(path[:, 0], 5),
        "y": rounded(path[:, 1], 5),
        "gap": rounded(f - problem.f_min, 3),
        "reached": reached,
        "final": float(f[-1] - problem.f_min) if np.isfinite(f[-1]) else None,
        "blewUpAt": int(blown[0]) if len(blown) else None,
    }
