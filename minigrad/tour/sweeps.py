"""Learning-rate sweeps and the momentum grid: many runs of the real optimizers at once.

Each run is one Parameter in its own param group (its own lr, its own momentum), so one
optimizer's `step()` advances a whole row of runs. The gradients are the test functions' closed
forms (tests/test_tour.py holds the engine's gradients equal to them), which keeps a sweep of
thousands of runs to seconds.
"""

import numpy as np

from minigrad.nn import Parameter
from minigrad.tour.functions import PROBLEMS
from minigrad.tour.paths import make_optimizer, run_path


def _rosenbrock_gradient(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def _quadratic_gradient(p):
    return np.array([0.1, 10.0]) * p


GRADIENTS = {"quadratic": _quadratic_gradient, "rosenbrock": _rosenbrock_gradient}


def _run_groups(problem_name, name, settings, steps, record=False, **overrides):
    """One run per dict of group settings (lr, momentum, ...): steps to tolerance and, if asked,
    the (steps + 1, runs, 2) points. A run that reached the tolerance stops (grad None)."""
    problem = PROBLEMS[problem_name]
    gradient = GRADIENTS[problem_name]
    params = [Parameter(np.array(problem.start, dtype=np.float64)) for _ in settings]
    groups = [{"params": [p], **s} for p, s in zip(params, settings)]
    optimizer = make_optimizer(name, groups, settings[0]["lr"], **overrides)
    reached = [None] * len(params)
    points = [np.array([p.data.copy() for p in params])] if record else None
    with np.errstate(all="ignore"):  # a diverging run overflows; it simply never arrives
        for k in range(1, steps + 1):
            for i, p in enumerate(params):
                p.grad = None if reached[i] is not None else gradient(p.data)
            optimizer.step()
            for i, p in enumerate(params):
                if reached[i] is None and problem.fn(*p.data) - problem.f_min <= problem.tolerance:
                    reached[i] = k
            if record:
                points.append(np.array([p.data.copy() for p in params]))
            if all(r is not None for r in reached):
                break
    return reached, (np.array(points) if record else None)


def lr_sweep(problem_name, names, lrs, steps):
    """Steps to reach the problem's tolerance for each optimizer at each lr: {name: [steps | None]}."""
    settings = [{"lr": float(lr)} for lr in lrs]
    return {name: _run_groups(problem_name, name, settings, steps)[0] for name in names}


def best_lr(lrs, reached):
    """The lr with the fewest steps to tolerance (the smallest such lr on a tie), or None."""
    scored = [(r, lr) for lr, r in zip(lrs, reached) if r is not None]
    return min(scored)[1] if scored else None


def three_paths(problem_name, name, lr, steps, factor=10.0):
    """Paths at lr / factor, lr and lr * factor: too small, about right, too large."""
    problem = PROBLEMS[problem_name]
    paths = {}
    for label, rate in (("too small", lr / factor), ("about right", lr), ("too large", lr * factor)):
        with np.errstate(all="ignore"):
            path = run_path(
                problem.fn, problem.start, lambda ps, r=rate: make_optimizer(name, ps, r), steps
            )
        paths[f"{label}: lr {rate:.3g}"] = path
    return paths


# --- heavy-ball momentum on the valley: measured and theoretical rates ------------------------------

CURVATURES = (0.1, 10.0)  # the valley 0.05 x² + 5 y²: the Hessian's eigenvalues, flattest first


def theoretical_rate(lr, momentum, curvatures=CURVATURES):
    """The heavy ball's asymptotic rate on a quadratic: max over curvatures a of the largest |z|
    with z² - (1 + μ - γa) z + μ = 0 (the error obeys e_{t+1} = (1 + μ - γa) e_t - μ e_{t-1})."""
    worst = 0.0
    for a in curvatures:
        roots = np.roots([1.0, -(1 + momentum - lr * a), momentum])
        worst = max(worst, float(np.abs(roots).max()))
    return worst


def polyak_choice(curvatures=CURVATURES):
    """Polyak's tuning for curvatures in [m, L]: γ = 4/(√L + √m)², μ = ((√κ - 1)/(√κ + 1))², with
    rate √μ; for the valley's flattest and steepest directions alike the roots then sit on the circle
    |z| = √μ (the flat direction critically damped)."""
    m, L = min(curvatures), max(curvatures)
    lr = 4.0 / (np.sqrt(L) + np.sqrt(m)) ** 2
    root_kappa = np.sqrt(L / m)
    momentum = ((root_kappa - 1) / (root_kappa + 1)) ** 2
    return lr, momentum, float(np.sqrt(momentum))


def critical_momentum(lr, curvature=CURVATURES[0]):
    """The momentum that critically damps the direction of `curvature`: μ = (1 - √(γa))²."""
    return (1 - np.sqrt(lr * curvature)) ** 2


def measured_rates(lrs, momenta, steps=400):
    """SGD with momentum on the valley for every (lr, momentum): the measured rate, (len(momenta),
    len(lrs)); inf where the run diverged. Rate = exp(slope of log ‖θ_t‖ over the second half),
    a fit that averages out the oscillation of complex roots."""
    problem = PROBLEMS["quadratic"]
    settings = [{"lr": float(lr), "momentum": float(mu)} for mu in momenta for lr in lrs]
    params = [Parameter(np.array(problem.start, dtype=np.float64)) for _ in settings]
    groups = [{"params": [p], **s} for p, s in zip(params, settings)]
    optimizer = make_optimizer("sgd", groups, settings[0]["lr"], momentum=0.5)
    norms = np.empty((steps + 1, len(params)))
    norms[0] = np.hypot(*problem.start)
    with np.errstate(all="ignore"):
        for k in range(1, steps + 1):
            for p in params:
                p.grad = _quadratic_gradient(p.data)
            optimizer.step()
            norms[k] = [np.hypot(*p.data) for p in params]
    t = np.arange(steps // 2, steps + 1)
    rates = np.full(len(params), np.inf)
    with np.errstate(all="ignore"):
        logs = np.log(norms[t])
    for i in range(len(params)):
        if np.isfinite(logs[:, i]).all():
            rates[i] = np.exp(np.polyfit(t, logs[:, i], 1)[0])
    return rates.reshape(len(momenta), len(lrs))
