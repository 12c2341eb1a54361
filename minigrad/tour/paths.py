"""Optimizers by short name, one path per optimizer on a 2-D function, and the steps-to-target table."""

import time

import numpy as np

from minigrad import optim
from minigrad.nn import Parameter

# name -> (minigrad.optim class name, extra keyword arguments). "momentum" and "nesterov" are SGD
# with momentum 0.9 (PyTorch has no class of that name either); "amsgrad" is Adam(amsgrad=True).
OPTIMIZERS = {
    "sgd": ("SGD", {}),
    "momentum": ("SGD", {"momentum": 0.9}),
    "nesterov": ("SGD", {"momentum": 0.9, "nesterov": True}),
    "adagrad": ("Adagrad", {}),
    "rmsprop": ("RMSprop", {}),
    "rprop": ("Rprop", {}),
    "adadelta": ("Adadelta", {}),
    "adam": ("Adam", {}),
    "adamw": ("AdamW", {}),
    "amsgrad": ("Adam", {"amsgrad": True}),
    "adamax": ("Adamax", {}),
    "nadam": ("NAdam", {}),
}


def available_optimizers():
    """The names in OPTIMIZERS whose class exists in minigrad.optim, in the table's order."""
    return [name for name, (cls, _) in OPTIMIZERS.items() if hasattr(optim, cls)]


def make_optimizer(name, params, lr, **overrides):
    """Build the optimizer called `name` (a key of OPTIMIZERS) over `params` with learning rate lr."""
    if name not in OPTIMIZERS:
        raise ValueError(
            f"make_optimizer: unknown optimizer {name!r}; choose from {', '.join(OPTIMIZERS)}"
        )
    cls_name, kwargs = OPTIMIZERS[name]
    cls = getattr(optim, cls_name, None)
    if cls is None:
        raise ValueError(f"make_optimizer: minigrad.optim has no {cls_name} (needed for {name!r})")
    return cls(params, lr=lr, **{**kwargs, **overrides})


def run_path(fn, start, optimizer_factory, steps, on_step=None):
    """The points an optimizer visits minimizing fn(x, y) from `start`: a (steps + 1, 2) array.

    The point is one float64 Parameter of shape (2,); each step builds fn(p[0], p[1]) as a minigrad
    graph, runs backward and calls the real optimizer's step(). `optimizer_factory([param])` builds
    the optimizer; `on_step(optimizer, param)`, if given, is called after every step (to read state).
    """
    start = np.asarray(start, dtype=np.float64)
    if start.shape != (2,):
        raise ValueError(f"run_path: start must be a point (x, y), got shape {start.shape}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"run_path: steps must be an integer >= 0, got {steps!r}")
    param = Parameter(start.copy())
    optimizer = optimizer_factory([param])
    points = np.empty((int(steps) + 1, 2))
    points[0] = start
    for k in range(1, int(steps) + 1):
        optimizer.zero_grad()
        fn(param[0], param[1]).backward()
        optimizer.step()
        points[k] = param.data
        if on_step is not None:
            on_step(optimizer, param)
    return points


def steps_to_reach(values, target):
    """The first step k with values[k] <= target, or None if never (values[0] is the start)."""
    hits = np.flatnonzero(np.asarray(values) <= target)
    return int(hits[0]) if len(hits) else None


def problem_paths(problem, names, steps, lrs=None):
    """Run each named optimizer on `problem` from its start: {name: path}, {name: seconds}."""
    paths, seconds = {}, {}
    for name in names:
        lr = (lrs or {}).get(name, problem.lr[name])
        begin = time.perf_counter()
        paths[name] = run_path(
            problem.fn, problem.start, lambda ps, n=name, lr=lr: make_optimizer(n, ps, lr), steps
        )
        seconds[name] = time.perf_counter() - begin
    return paths, seconds


def path_rows(problem, paths):
    """Table rows per optimizer: lr, steps to reach f_min + tolerance, final f and distance to min."""
    rows = []
    for name, path in paths.items():
        values = problem.fn(path[:, 0], path[:, 1])
        reached = steps_to_reach(values, problem.f_min + problem.tolerance)
        rows.append(
            {
                "optimizer": name,
                "lr": problem.lr.get(name, float("nan")),
                f"steps to f - f* <= {problem.tolerance:g}": "never"
                if reached is None
                else reached,
                "final f": values[-1],
                "final distance to minimum": float(np.hypot(*(path[-1] - problem.minimum))),
            }
        )
    return rows
