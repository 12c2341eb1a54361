"""Hypergradient descent: learn the learning rate online by differentiating through the SGD step.

    python demos/hypergradient.py [--steps 300] [--out demos/out]

Baydin et al., 2018, "Online Learning Rate Adaptation with Hypergradient Descent" (ICLR,
arXiv:1703.04782). Gradient descent moves theta_t = theta_{t-1} - alpha * g_{t-1}. The loss after
that step, f(theta_t), is a function of alpha, so autodiff can give df(theta_t)/dalpha: build the
step itself as a graph with alpha as a leaf that requires grad, and one backward pass returns both
the next gradient g_t = df/dtheta_t and the hypergradient h_t = df/dalpha. Then nudge alpha against
it: alpha <- alpha - beta * h_t. (By the chain rule h_t = -g_t . g_{t-1}: alpha grows while
successive gradients agree and shrinks when they turn against each other; the demo checks that
the autodiff value equals it.)

The toy problem: logistic regression on 400 points of two overlapping 5-d Gaussian clusters with
features on different scales. The hypergradient runs start from alpha = 0.01, which is too small;
fixed rates of 0.01, 0.1 and 1 are shown for comparison.
MINIGRAD_DEMO_QUICK=1 runs 100 steps instead of 300 (the tests do).
"""

import argparse
import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.data import make_blobs
from minigrad.plots import save_figure

OUT = Path(__file__).resolve().parent / "out"
START_LR = 0.01


def make_problem(seed=0):
    """X (400, 6) with a column of ones for the bias, labels y (400,), as float64 Tensors."""
    centers = np.array([[0, 0, 0, 0, 0], [1.5, 1, 0.5, 0, 0]])
    X, y = make_blobs(n_samples=400, centers=centers, n_features=5, seed=seed)
    X = X * np.array([1, 3, 0.3, 1, 2])  # features on different scales: no one rate suits all
    X = np.hstack([X, np.ones((len(X), 1))])
    return mg.tensor(X), mg.tensor(y.astype(np.float64))


def logistic_loss(theta, X, y):
    """Mean binary cross-entropy of the logits X @ theta."""
    return F.binary_cross_entropy_with_logits(X @ theta, y)


def descend(X, y, steps, lr, hyper_lr=0.0):
    """Gradient descent from theta = 0; with hyper_lr > 0, alpha follows its hypergradient.

    Returns the losses, the learning rates used and, for each step, the hypergradient from
    autodiff next to the closed form -g_t . g_{t-1}.
    """
    theta_prev = np.zeros(X.shape[1])
    grad_prev = np.zeros(X.shape[1])
    losses, rates, hypergrads = [], [], []
    for _ in range(steps):
        alpha = mg.tensor(np.float64(lr), requires_grad=True)
        theta = mg.tensor(theta_prev) - alpha * mg.tensor(grad_prev)  # the SGD step, as a graph
        loss = logistic_loss(theta, X, y)
        loss.backward()
        grad, hypergrad = theta.grad, alpha.grad.item()
        hypergrads.append((hypergrad, -float(grad @ grad_prev)))
        lr -= hyper_lr * hypergrad  # the hypergradient step on the learning rate
        losses.append(loss.item())
        rates.append(lr)
        theta_prev, grad_prev = theta.data, grad
    return losses, rates, hypergrads


def main(steps=300, out=OUT):
    X, y = make_problem()
    runs = {f"fixed lr {lr:g}": descend(X, y, steps, lr) for lr in (START_LR, 0.1, 1.0)}
    for beta in (0.1, 1.0):
        runs[f"hypergradient, beta {beta:g}"] = descend(X, y, steps, START_LR, hyper_lr=beta)
    print(
        f"logistic regression, {steps} steps of gradient descent; hypergradient runs start at lr {START_LR}"
    )
    for name, (losses, rates, _) in runs.items():
        marks = "  ".join(f"step {t}: {losses[t]:.4f}" for t in (10, 50, steps - 1))
        print(f"{name:24s} loss {marks}   final lr {rates[-1]:.3f}")
    error = max(abs(a - b) for run in runs.values() for a, b in run[2])
    print(f"largest |autodiff hypergradient - (-g_t . g_(t-1))|: {error:.1e}")

    fig = Figure(figsize=(12, 4.5), layout="constrained")
    loss_ax, lr_ax = fig.subplots(1, 2)
    for name, (losses, rates, _) in runs.items():
        style = "--" if name.startswith("fixed") else "-"
        loss_ax.plot(losses, style, label=name)
        lr_ax.plot(rates, style, label=name)
    loss_ax.set(xlabel="step", ylabel="training loss", title="Loss")
    lr_ax.set(xlabel="step", ylabel="learning rate", title="Learning rate", yscale="log")
    for ax in (loss_ax, lr_ax):
        ax.grid(alpha=0.3)
    loss_ax.legend(fontsize="small")
    path = save_figure(fig, out / "hypergradient.png")
    print(f"wrote {path}")
    return runs


if __name__ == "__main__":
    quick = os.environ.get("MINIGRAD_DEMO_QUICK", "") not in ("", "0")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100 if quick else 300)
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the figure")
    args = parser.parse_args()
    main(args.steps, args.out)
