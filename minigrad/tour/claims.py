"""Experiments that measure the tour's claims about optimizers, one function per claim.

Each returns plain numbers (for the docs' tables) and the arrays its figure draws; nothing here
plots. Paths come from ``run_path`` with the real ``minigrad.optim`` optimizers; per-weight
quantities (Adagrad's effective rate, Rprop's step sizes) are read from ``optimizer.state``.
"""

import numpy as np

import minigrad as mg
from minigrad.data import DataLoader
from minigrad.nn import Parameter
from minigrad.tour.functions import PROBLEMS, quadratic
from minigrad.tour.paths import make_optimizer, run_path, steps_to_reach


def _values(fn, path):
    return fn(path[:, 0], path[:, 1])


def _or_never(steps):
    return "never" if steps is None else steps


def _step_lengths(path):
    """|θ_k - θ_{k-1}| per coordinate, shape (k, 2)."""
    return np.abs(np.diff(path, axis=0))


# --- batch GD, SGD, mini-batch SGD on a data-set loss over two weights --------------------------


def regression_data(n=200, seed=0):
    """Linear data y = 2 x₁ - x₂ + noise with correlated features: the loss over (w₁, w₂) is a bowl."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = 0.6 * x1 + 0.8 * rng.normal(size=n)
    X = np.stack([x1, x2], axis=1)
    y = 2.0 * x1 - 1.0 * x2 + 0.5 * rng.normal(size=n)
    return X.astype(np.float64), y.astype(np.float64)


def regression_loss(X, y):
    """The full-data mean squared error as f(w₁, w₂), for numpy grids: mean((X w - y)²)."""
    A = X.T @ X / len(X)
    b = X.T @ y / len(X)
    c = y @ y / len(X)

    def loss(w1, w2):
        return (
            A[0, 0] * w1**2
            + 2 * A[0, 1] * w1 * w2
            + A[1, 1] * w2**2
            - 2 * (b[0] * w1 + b[1] * w2)
            + c
        )

    loss.minimum = tuple(np.linalg.solve(A, b))
    return loss


def batch_paths(batch_sizes, steps=60, lr=0.05, start=(-1.0, 2.5), seed=0):
    """One path per batch size on the regression loss, `steps` updates each, plain SGD.

    The gradient at each step is that of the mean squared error on the next batch of a
    shuffling DataLoader (batch size None = all the data): the true noise of SGD, not a model.
    """
    X, y = regression_data(seed=seed)
    paths = {}
    for batch_size in batch_sizes:
        loader = DataLoader(X, y, batch_size, seed=seed)  # batches of float32 Tensors
        w = Parameter(np.asarray(start, dtype=np.float64))
        optimizer = make_optimizer("sgd", [w], lr)
        points = [w.data.copy()]
        while len(points) <= steps:
            for inputs, targets in loader:
                inputs, targets = (mg.Tensor(t.data.astype(np.float64)) for t in (inputs, targets))
                residual = inputs @ w - targets
                optimizer.zero_grad()
                (residual * residual).mean().backward()
                optimizer.step()
                points.append(w.data.copy())
                if len(points) > steps:
                    break
        paths[batch_size] = np.array(points)
    return paths, regression_loss(X, y)


def wiggliness(path):
    """Path length divided by the straight distance from start to end (1 = a straight line)."""
    length = np.linalg.norm(np.diff(path, axis=0), axis=1).sum()
    return float(length / np.linalg.norm(path[-1] - path[0]))


# --- momentum on the long narrow valley ---------------------------------------------------------


def valley_runs(steps=300, names=("sgd", "momentum", "nesterov")):
    """GD and momentum on the quadratic valley: paths, f per step, steps to tolerance, overshoot."""
    problem = PROBLEMS["quadratic"]
    paths, rows = {}, []
    for name in names:
        lr = problem.lr[name]
        path = run_path(
            quadratic, problem.start, lambda ps, n=name, lr=lr: make_optimizer(n, ps, lr), steps
        )
        paths[name] = path
        x = path[:, 0]
        rows.append(
            {
                "optimizer": name,
                "lr": lr,
                "steps to f <= 1e-3": _or_never(steps_to_reach(_values(quadratic, path), 1e-3)),
                # the valley floor runs along x; the minimum is at x = 0 and the start at x < 0
                "largest overshoot past x = 0": float(max(x.max(), 0.0)),
                "times x crosses 0": int(np.sum(np.diff(np.sign(x[x != 0])) != 0)),
            }
        )
    return paths, rows


# --- Adagrad's shrinking rate, and who keeps moving on a long run --------------------------------


# the state entry each method divides by: Adagrad's sum of g², RMSprop's running mean of g²
_DENOMINATOR = {"adagrad": "sum", "rmsprop": "square_avg"}

# Far down the valley, where the gradient along x stays about the same for thousands of steps.
FAR_START = (-90.0, 0.9)
LONG_RUNS = (("adagrad", 0.5), ("adagrad", 0.1), ("rmsprop", 0.01), ("adadelta", 1.0))


def long_run(steps=3000, runs=LONG_RUNS, start=FAR_START):
    """Adagrad, RMSprop and AdaDelta on the valley from far away: paths, rates and table rows.

    Returns ({label: path}, {label: effective lr per weight per step}, rows). The effective lr is
    lr / (sqrt(state) + eps), with state["sum"] for Adagrad (all squared gradients so far) and
    state["square_avg"] for RMSprop (their exponential moving average); AdaDelta has none.
    "Keeps moving" is measured over the last 10% of the run: the mean step length, and the net
    distance travelled (which jitter back and forth does not inflate).
    """
    paths, rates, rows = {}, {}, []
    for name, lr in runs:
        label = f"{name} (lr {lr:g})"
        record = None
        if name in _DENOMINATOR:
            rates[label] = []

            def record(optimizer, param, name=name, out=rates[label]):
                group = optimizer.param_groups[0]
                denominator = np.sqrt(optimizer.state[param][_DENOMINATOR[name]])
                out.append(group["lr"] / (denominator + group["eps"]))

        make = lambda ps, n=name, lr=lr: make_optimizer(n, ps, lr)
        path = run_path(quadratic, start, make, steps, record)
        paths[label] = path
        if label in rates:
            rates[label] = np.array(rates[label])
        lengths = np.linalg.norm(np.diff(path, axis=0), axis=1)
        tail = max(1, steps // 10)
        rows.append(
            {
                "optimizer": label,
                "mean step, first 10%": float(lengths[:tail].mean()),
                "mean step, last 10%": float(lengths[-tail:].mean()),
                "net move, last 10%": float(np.linalg.norm(path[-1] - path[-tail - 1])),
                "distance travelled along x": float(path[-1, 0] - path[0, 0]),
                "final f": float(quadratic(*path[-1])),
            }
        )
    return paths, rates, rows


# --- Rprop: sign only, per-weight step sizes -----------------------------------------------------


def rprop_step_sizes(steps=150, lr=0.01, scale=1.0):
    """Rprop on scale * the quadratic valley: the path and state["step_size"] per step, (steps, 2)."""
    problem = PROBLEMS["quadratic"]
    sizes = []

    def record(optimizer, param):
        sizes.append(optimizer.state[param]["step_size"].copy())

    path = run_path(
        lambda x, y: scale * quadratic(x, y),
        problem.start,
        lambda ps: make_optimizer("rprop", ps, lr),
        steps,
        record,
    )
    return path, np.array(sizes)


# --- Adam: both moments, and bias correction -----------------------------------------------------


class AdamWithoutBiasCorrection:
    """TOUR-ONLY, NOT part of minigrad.optim: Adam with its bias correction deliberately removed.

        m ← β₁ m + (1 - β₁) g,   v ← β₂ v + (1 - β₂) g²,   θ ← θ - lr m / (√v + ε)

    It exists to show what the correction does: with m and v started at zero, the first step is
    lr (1 - β₁) / √(1 - β₂) ≈ 3.16 lr per weight for the default betas, not lr.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params = list(params)
        self.lr, (self.beta1, self.beta2), self.eps = lr, betas, eps
        self.m = [np.zeros_like(p.data) for p in self.params]
        self.v = [np.zeros_like(p.data) for p in self.params]

    def zero_grad(self):
        """Set every parameter's gradient to None."""
        for p in self.params:
            p.grad = None

    def step(self):
        """One update without bias correction."""
        for p, m, v in zip(self.params, self.m, self.v):
            m[...] = self.beta1 * m + (1 - self.beta1) * p.grad
            v[...] = self.beta2 * v + (1 - self.beta2) * p.grad**2
            p.data -= self.lr * m / (np.sqrt(v) + self.eps)


def _quadratic_gradient(point):
    """The valley's gradient in closed form, (0.1 x, 10 y): the reference the engine is not."""
    return np.array([0.1, 10.0]) * point


def adam_by_hand(gradients, lr, betas=(0.9, 0.999), eps=1e-8):
    """Adam's steps from a list of gradients, written from the paper's definitions (no recursion).

    m̂_t is the weighted mean of g_1 .. g_t with weights (1 - β₁) β₁^(t-k) / (1 - β₁^t), which sum
    to 1 (Kingma & Ba 2015, section 3); v̂_t the same mean of g². Returns the steps, (t, 2).
    """
    beta1, beta2 = betas
    g = np.asarray(gradients)
    steps = []
    for t in range(1, len(g) + 1):
        k = np.arange(1, t + 1)
        w1 = (1 - beta1) * beta1 ** (t - k) / (1 - beta1**t)
        w2 = (1 - beta2) * beta2 ** (t - k) / (1 - beta2**t)
        m_hat = w1 @ g[:t]
        v_hat = w2 @ g[:t] ** 2
        steps.append(-lr * m_hat / (np.sqrt(v_hat) + eps))
    return np.array(steps)


def adam_steps(steps=300, lr=0.01):
    """Adam and the uncorrected variant on the valley: step length per weight / lr, (steps, 2) each.

    From (-9, 0.9) the gradient along x stays nearly constant for hundreds of small steps, so the
    step lengths show the bias correction alone. Also checks minigrad's Adam against
    `adam_by_hand`, fed the closed-form gradient at each point the run visited: the largest
    difference between the two steps, and between state["exp_avg"] / (1 - β₁^t) and the weighted
    mean of the gradients (the first moment is a mean of past gradients).
    """
    problem = PROBLEMS["quadratic"]
    moments = []

    def record(optimizer, param):
        moments.append(optimizer.state[param]["exp_avg"].copy())

    adam = run_path(
        quadratic, problem.start, lambda ps: make_optimizer("adam", ps, lr), steps, record
    )
    plain = run_path(
        quadratic, problem.start, lambda ps: AdamWithoutBiasCorrection(ps, lr=lr), steps
    )
    gradients = _quadratic_gradient(adam[:-1])
    by_hand = adam_by_hand(gradients, lr)
    t = np.arange(1, steps + 1)[:, None]
    mean_gradient = np.array(
        [(0.1 * 0.9 ** (k - np.arange(1, k + 1))) @ gradients[:k] for k in range(1, steps + 1)]
    ) / (1 - 0.9**t)
    return {
        "adam": _step_lengths(adam) / lr,
        "no bias correction": _step_lengths(plain) / lr,
        "max |step - step by hand|": float(np.abs(np.diff(adam, axis=0) - by_hand).max()),
        "max |m̂ - weighted mean of g|": float(
            np.abs(np.array(moments) / (1 - 0.9**t) - mean_gradient).max()
        ),
        "paths": {"adam": adam, "no bias correction (tour-only variant)": plain},
    }


# --- AMSGrad: the maximum is of the raw v; the bias-corrected rate can still grow --------------


def amsgrad_rates(steps=1000, lr=1e-3, switch=10, small=1e-3):
    """Adam and AMSGrad on one weight fed gradient 1 for `switch` steps, then `small`.

    Returns {name: effective lr per step}, lr / (√(v / (1 - β₂^t)) + ε) with v = state["exp_avg_sq"]
    (Adam) or state["max_exp_avg_sq"] (AMSGrad): the factor the step applies to m̂. AMSGrad's
    maximum never falls, but the bias correction 1 / (1 - β₂^t) does, so the rate still rises.
    """
    beta2, eps = 0.999, 1e-8
    rates = {}
    for name, key in (("adam", "exp_avg_sq"), ("amsgrad", "max_exp_avg_sq")):
        w = Parameter(np.zeros(1))
        optimizer = make_optimizer(name, [w], lr)
        out = []
        for t in range(1, steps + 1):
            w.grad = np.array([1.0 if t <= switch else small])
            optimizer.step()
            v_hat = optimizer.state[w][key][0] / (1 - beta2**t)
            out.append(lr / (np.sqrt(v_hat) + eps))
        rates[name] = np.array(out)
    return rates


# --- the first steps' direction at the saddle ------------------------------------------------------


def saddle_directions(names, steps=500, distance=0.1):
    """Each optimizer at the saddle: the angle (degrees from +x) of its first step, and of the
    line from the start to the first point at least `distance` away (None if it never gets there)."""
    problem = PROBLEMS["saddle"]
    rows = []
    for name in names:
        lr = problem.lr[name]
        path = run_path(
            problem.fn, problem.start, lambda ps, n=name, lr=lr: make_optimizer(n, ps, lr), steps
        )
        moved = path - path[0]
        far = np.flatnonzero(np.hypot(moved[:, 0], moved[:, 1]) >= distance)
        rows.append(
            {
                "optimizer": name,
                "lr": lr,
                "first step's angle (°)": float(np.degrees(np.arctan2(*moved[1][::-1]))),
                f"angle over the first {distance:g} (°)": None
                if len(far) == 0
                else float(np.degrees(np.arctan2(*moved[far[0]][::-1]))),
            }
        )
    return rows


def adam_moment_runs(steps=500, lr=0.05):
    """Adam with β₁ = 0.9 and with β₁ = 0 (second moment only) on the valley: paths and rows.

    With β₁ = 0 the numerator is the bare gradient, as in RMSprop; with β₁ = 0.9 it is a running
    mean of gradients, as in momentum, and the path swings across the valley floor like momentum's.
    """
    problem = PROBLEMS["quadratic"]
    paths, rows = {}, []
    for label, beta1 in (("adam (β₁ 0.9)", 0.9), ("adam, β₁ 0: second moment only", 0.0)):
        make = lambda ps, b=beta1: make_optimizer("adam", ps, lr, betas=(b, 0.999))
        path = run_path(quadratic, problem.start, make, steps)
        paths[label] = path
        y = path[:, 1]
        rows.append(
            {
                "run": label,
                "lr": lr,
                "times y crosses the valley floor": int(np.sum(np.diff(np.sign(y[y != 0])) != 0)),
                "steps to f <= 1e-3": _or_never(steps_to_reach(_values(quadratic, path), 1e-3)),
            }
        )
    return paths, rows


# --- AdaDelta: lr = 1.0 across scales of the problem ---------------------------------------------


def scaled_runs(name, lr, scales, steps=500, **overrides):
    """f/scale per step for `name` on scale * quadratic, for each scale: {scale: (steps + 1,)}.

    Dividing by the scale puts every run on the same axis: identical curves mean the optimizer
    does not care how steep the problem is.
    """
    problem = PROBLEMS["quadratic"]
    curves = {}
    for scale in scales:
        with np.errstate(all="ignore"):  # a diverging run overflows; its curve shows that
            path = run_path(
                lambda x, y, s=scale: s * quadratic(x, y),
                problem.start,
                lambda ps: make_optimizer(name, ps, lr, **overrides),
                steps,
            )
        with np.errstate(all="ignore"):
            curves[scale] = _values(quadratic, path)
    return curves
