"""Newton's method from Hessian-vector products, against gradient descent: steps to converge.

    python demos/newton_hvp.py [--tol 1e-8] [--out demos/out]

The problem: L2-regularised logistic regression (10 weights and a bias, 300 points), a smooth,
strictly convex loss f(theta). Newton's method steps to the minimum of the local quadratic model,
    theta <- theta + p,   where  H p = -g   (g the gradient, H the Hessian at theta),
and converges quadratically near the minimum. It never forms H: conjugate gradients solves H p = -g
using only products H v, each one `mg.autograd.functional.hvp` (the Hessian-free Newton of
Martens, 2010, "Deep learning via Hessian-free optimization", ICML). Gradient descent takes the
textbook safe step 1/L, with L = lambda + ||X||^2 / (4 n) a bound on the curvature.
Both run until ||g|| < tol.
MINIGRAD_DEMO_QUICK=1 stops at 1e-5 instead of 1e-8 (the tests do).
"""

import argparse
import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

import minigrad as mg
from minigrad.autograd.functional import hvp
from minigrad.data import make_blobs
from minigrad.plots import save_figure

OUT = Path(__file__).resolve().parent / "out"
L2 = 1e-2
MAX_GD_STEPS = 50_000
MAX_NEWTON_STEPS = 50


def make_problem(seed=0):
    """X (300, 11) (a column of ones for the bias) and labels y, as float64 Tensors."""
    centers = np.stack([np.zeros(10), np.linspace(1.0, -1.0, 10)])
    X, y = make_blobs(n_samples=300, centers=centers, n_features=10, cluster_std=1.5, seed=seed)
    X = np.hstack([X * np.linspace(0.2, 3.0, 10), np.ones((len(X), 1))])  # uneven scales
    return mg.tensor(X), mg.tensor(y.astype(np.float64))


def regularised_loss(theta, X, y):
    """Mean logistic loss log(1 + exp(-s * x.theta)), s = +-1 the label, plus (L2 / 2) ||theta||^2.

    Written as a smooth formula on purpose: F.binary_cross_entropy_with_logits is built from
    max(x, 0) and |x| for stability, whose kinks make its autodiff Hessian 0 (not 1/4) at a logit
    of exactly 0, which is where Newton starts (theta = 0).
    """
    margins = (2 * y - 1) * (X @ theta)
    return mg.log(1 + mg.exp(-margins)).mean() + (L2 / 2) * (theta * theta).sum()


def gradient(theta, X, y):
    """(loss, gradient) at theta, as a float and a numpy array: one backward pass."""
    theta = mg.tensor(theta, requires_grad=True)
    loss = regularised_loss(theta, X, y)
    loss.backward()
    return loss.item(), theta.grad


def conjugate_gradient(hessian_times, b, tol=1e-10, max_iter=None):
    """Solve H p = b for a symmetric positive definite H given only v -> H v; returns (p, products)."""
    p, r = np.zeros_like(b), b.copy()  # r = b - H p, the residual
    d, rr = r.copy(), r @ r
    for k in range(max_iter or len(b)):
        Hd = hessian_times(d)
        step = rr / (d @ Hd)
        p, r = p + step * d, r - step * Hd
        rr_new = r @ r
        if np.sqrt(rr_new) < tol * np.linalg.norm(b):
            return p, k + 1
        d, rr = r + (rr_new / rr) * d, rr_new
    return p, max_iter or len(b)


def newton(X, y, tol):
    """Newton's method with CG on HVPs; returns theta, the gradient norms, the HVPs of each step."""
    theta = np.zeros(X.shape[1])
    norms, products = [], []

    def hessian_times(v):
        _, Hv = hvp(lambda t: regularised_loss(t, X, y), mg.tensor(theta), mg.tensor(v))
        return Hv.data

    for _ in range(MAX_NEWTON_STEPS):
        _, g = gradient(theta, X, y)
        norms.append(np.linalg.norm(g))
        if norms[-1] < tol:
            break
        step, used = conjugate_gradient(hessian_times, -g)
        theta = theta + step
        products.append(used)
    return theta, norms, products


def gradient_descent(X, y, tol):
    """Gradient descent with step 1/L; returns theta and the gradient norm after each step."""
    n = X.shape[0]
    L = L2 + np.linalg.norm(X.data, 2) ** 2 / (4 * n)  # sigmoid' <= 1/4
    theta, norms = np.zeros(X.shape[1]), []
    for _ in range(MAX_GD_STEPS):
        _, g = gradient(theta, X, y)
        norms.append(np.linalg.norm(g))
        if norms[-1] < tol:
            break
        theta = theta - g / L
    return theta, norms


def main(tol=1e-8, out=OUT):
    X, y = make_problem()
    theta_newton, newton_norms, products = newton(X, y, tol)
    theta_gd, gd_norms = gradient_descent(X, y, tol)
    print(f"regularised logistic regression, 11 parameters, stop when ||gradient|| < {tol:g}")
    print(f"Newton (CG on HVPs): {len(products)} steps, {sum(products)} Hessian-vector products")
    print("  ||gradient|| per Newton step: " + " ".join(f"{n:.1e}" for n in newton_norms))
    converged = "" if gd_norms[-1] < tol else f" (not converged: ||g|| {gd_norms[-1]:.1e})"
    print(f"gradient descent (step 1/L): {len(gd_norms) - 1} steps{converged}")
    gap = np.abs(theta_newton - theta_gd).max()
    print(f"largest difference between the two solutions: {gap:.1e}")

    fig = Figure(figsize=(12, 4.5), layout="constrained")
    steps_ax, cost_ax = fig.subplots(1, 2)
    # cost in backward passes: a gradient is one, an hvp three (the gradient, then the double VJP)
    newton_cost = np.arange(len(newton_norms)) + 3 * np.cumsum([0, *products])
    for ax, newton_x, gd_x, label in (
        (steps_ax, np.arange(len(newton_norms)), np.arange(len(gd_norms)), "step"),
        (cost_ax, newton_cost, np.arange(len(gd_norms)), "backward passes (hvp = 3)"),
    ):
        ax.semilogy(newton_x, newton_norms, "o-", label="Newton, CG on Hessian-vector products")
        ax.semilogy(gd_x, gd_norms, label="gradient descent, step 1/L")
        ax.axhline(tol, color="gray", linestyle=":", label=f"tolerance {tol:g}")
        ax.set_xscale("symlog", linthresh=1)  # linear from 0 to 1, logarithmic after
        ax.set(xlabel=label, ylabel="||gradient||", xlim=(0, None))
        ax.grid(alpha=0.3)
    steps_ax.set_title("Gradient norm per step")
    cost_ax.set_title("Gradient norm per unit of work")
    steps_ax.legend(fontsize="small")
    path = save_figure(fig, out / "newton_hvp.png")
    print(f"wrote {path}")
    return newton_norms, gd_norms, products


if __name__ == "__main__":
    quick = os.environ.get("MINIGRAD_DEMO_QUICK", "") not in ("", "0")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tol", type=float, default=1e-5 if quick else 1e-8)
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the figure")
    args = parser.parse_args()
    main(args.tol, args.out)
