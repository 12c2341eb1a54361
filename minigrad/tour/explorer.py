"""The optimizer explorer's data: every chosen optimizer run on a 2-D function over a grid of
learning rates (and momentum, beta1 or alpha where it has one), with minigrad's own optimizers.

    sweeps = explore(PROBLEMS["rosenbrock"], ["sgd", "momentum", "adam"], steps=300)

The page (minigrad.viz.optimizer_explorer) only looks values up in this grid, so what it shows is
what the real `step()` did, never a re-implementation in the browser.
"""

from dataclasses import dataclass, field

import numpy as np

from ..nn import Parameter
from ..ops import stack
from .paths import make_optimizer, steps_to_reach

# Learning rates: the problem's usual lr for the optimizer times 1/16, 1/8, ..., 32 (ten values in
# factors of two: on the tour's functions this shows both a crawl and a blow-up for most optimizers;
# where the best is at an end of the range the page says so).
LR_FACTORS = tuple(2.0**k for k in range(-4, 6))

# The second knob, where an optimizer has one: (its name on the page, the keyword that sets it,
# its values, the default). beta1 is Adam's first-moment decay; alpha is RMSprop's average decay.
MOMENTUM = ("momentum", "momentum", (0.5, 0.9, 0.99), 0.9)
BETA1 = ("beta1", "betas", (0.5, 0.9, 0.99), 0.9)
KNOBS = {
    "momentum": MOMENTUM,
    "nesterov": MOMENTUM,
    "rmsprop": ("alpha", "alpha", (0.9, 0.99), 0.99),
    "adam": BETA1,
    "adamw": BETA1,
    "amsgrad": BETA1,
    "adamax": BETA1,
    "nadam": BETA1,
}
DEFAULT_OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
DIVERGED = 1e6  # a point this far out (or a non-finite value) ends a run: it has blown up


@dataclass
class Sweep:
    """One optimizer over the grid: runs[(lr index, knob index)] = (path, f along the path)."""

    name: str
    lrs: list
    knob: str | None  # "momentum", "beta1", "alpha" or None
    knob_values: list
    default_knob: int  # index of the knob's usual value (PyTorch's default, or the tour's)
    runs: dict = field(default_factory=dict)
    best: dict = field(default_factory=dict)  # knob index -> the lr index that did best


def explore(problem, names=DEFAULT_OPTIMIZERS, steps=300) -> list:
    """Run each named optimizer on `problem` at every grid point; a Sweep per optimizer."""
    return [sweep(problem, name, steps) for name in names]


def sweep(problem, name, steps) -> Sweep:
    """One optimizer at every (lr, knob) of its grid, from the problem's start.

    All the grid's runs go in one optimizer as param groups (one point and its own lr and knob
    each, as PyTorch's param groups allow), and one graph per step gives every point its gradient:
    the sum of independent f(x_k, y_k) has d/dx_k = df/dx at point k alone. So a grid costs about
    what one run costs, and each run is the same as `run_path` with that lr and knob alone.
    """
    knob, keyword, values, default = KNOBS.get(name, (None, None, (None,), None))
    lrs = [problem.lr[name] * factor for factor in LR_FACTORS]
    result = Sweep(name, lrs, knob, list(values), list(values).index(default))
    grid = [(i, j) for j in range(len(values)) for i in range(len(lrs))]
    points = [Parameter(np.array(problem.start, dtype=np.float64)) for _ in grid]
    groups = []
    for (i, j), point in zip(grid, points):
        group = {"params": [point], "lr": lrs[i]}
        if knob is not None:
            group[keyword] = (values[j], 0.999) if keyword == "betas" else values[j]
        groups.append(group)
    optimizer = make_optimizer(name, groups, lr=lrs[0])
    paths = np.empty((steps + 1, len(grid), 2))
    paths[0] = problem.start
    with np.errstate(all="ignore"):  # a blown-up run is marked below, not warned about each step
        for k in range(1, steps + 1):
            optimizer.zero_grad()
            xy = stack(points)
            problem.fn(xy[:, 0], xy[:, 1]).sum().backward()
            optimizer.step()
            paths[k] = [point.data for point in points]
        for n, (i, j) in enumerate(grid):
            path = paths[:, n].copy()
            gone = ~np.isfinite(path).all(axis=1) | (np.abs(path) > DIVERGED).any(axis=1)
            if gone.any():
                path[np.argmax(gone) :] = np.nan
            result.runs[(i, j)] = (
                path,
                np.asarray(problem.fn(path[:, 0], path[:, 1]), dtype=np.float64),
            )
    for j in range(len(values)):
        result.best[j] = best_lr(problem, [result.runs[(i, j)][1] for i in range(len(lrs))])
    return result


def best_lr(problem, values_per_lr) -> int:
    """The lr index that reaches f_min + tolerance in the fewest steps; if none reaches it, the
    lowest final f (a run that blew up never wins)."""
    target = problem.f_min + problem.tolerance
    reached = [steps_to_reach(values, target) for values in values_per_lr]
    if any(r is not None for r in reached):
        return min((r, i) for i, r in enumerate(reached) if r is not None)[1]
    finals = [v[-1] if np.isfinite(v[-1]) else np.inf for v in values_per_lr]
    return int(np.argmin(finals))
