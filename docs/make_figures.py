"""The learner's figures of docs/autograd.md and docs/optimizers.md, drawn by minigrad itself.

    python docs/make_figures.py [--quick] [--out DIR] [--only autograd|lr|momentum|landscape]

Writes into docs/figures/ (or --out) and prints the numbers the docs quote. The full run takes
about two minutes on a loaded 2-core machine (the lr sweeps are most of it); --quick shrinks every
grid for the test suite's smoke test (tests/test_tour.py), whose pictures are not for the docs.
Needs Graphviz's `dot` for the graph pictures.
"""

import argparse
import time
from pathlib import Path

import numpy as np

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.plots import save_figure
from minigrad.tour import landscape, learner_figures, sweeps
from minigrad.tour.compare import markdown_table
from minigrad.tour.figures import compact_png
from minigrad.tour.functions import PROBLEMS
from minigrad.tour.paths import available_optimizers
from minigrad.viz import backward_frames, draw_graph, render

FIGURES = Path(__file__).resolve().parent / "figures"


# --- docs/autograd.md ----------------------------------------------------------------------------


def autograd_pictures(out):
    """The page's example graph after backward, and three frames of backward walking a neuron."""
    a = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = mg.tensor([4.0, 5.0, 6.0], requires_grad=True)
    a.name, b.name = "a", "b"
    c = a * b
    d = c + a
    loss = d.sum()
    c.name, d.name, loss.name = "c = a * b", "d = c + a", "loss"
    loss.backward()
    written = [render(draw_graph(loss), out / "autograd_example.png")]

    x1, x2, w1, w2 = (mg.tensor(v, requires_grad=True) for v in (2.0, 0.0, -3.0, 1.0))
    bias = mg.tensor(6.8813735870195432, requires_grad=True)  # makes tanh's input 0.8814
    for t, name in zip((x1, x2, w1, w2, bias), ("x1", "x2", "w1", "w2", "b")):
        t.name = name
    x1w1, x2w2 = x1 * w1, x2 * w2
    total = x1w1 + x2w2
    n = total + bias
    x1w1.name, x2w2.name, total.name, n.name = "x1*w1", "x2*w2", "x1*w1 + x2*w2", "n"
    o = mg.tanh(n)
    o.name = "o"
    frames = backward_frames(o)
    for k in (0, 1, len(frames) - 1):
        written.append(render(frames[k], out / f"autograd_neuron_step_{k}.png"))
    return written


def backward_cost(batch=256, width=256, repeats=30):
    """Median time of a forward and of a backward pass through a 3-layer tanh MLP, float32."""
    mg.manual_seed(0)
    model = mg.nn.MLP([width, width, width, 10], activation="tanh")
    x = mg.randn(batch, width)
    target = mg.randn(batch, 10)
    forward, backward = [], []
    for _ in range(repeats):
        began = time.perf_counter()
        loss = F.mse_loss(model(x), target)
        middle = time.perf_counter()
        loss.backward()
        forward.append(middle - began)
        backward.append(time.perf_counter() - middle)
        model.zero_grad()
    return float(np.median(forward)), float(np.median(backward))


# --- docs/optimizers.md --------------------------------------------------------------------------


LR_SWEEP = {  # problem -> (lrs, steps, optimizer whose three paths are drawn)
    "quadratic": (np.geomspace(1e-3, 3.0, 22), 1000, "sgd"),
    "rosenbrock": (np.geomspace(1e-4, 1.0, 17), 3000, "adam"),
}


def lr_sweep_figures(out, quick):
    """Steps to tolerance against lr for every optimizer on the valley and on Rosenbrock."""
    written, names = [], available_optimizers()
    for problem_name, (lrs, steps, shown) in LR_SWEEP.items():
        if quick:
            lrs, steps = lrs[::5], steps // 20
        problem = PROBLEMS[problem_name]
        reached = sweeps.lr_sweep(problem_name, names, lrs, steps)
        rows = []
        for name in names:
            best = sweeps.best_lr(lrs, reached[name])
            ok = [lr for lr, r in zip(lrs, reached[name]) if r is not None]
            rows.append(
                {
                    "optimizer": name,
                    "best lr": best,
                    "steps at best lr": None if best is None else min(r for r in reached[name] if r),
                    "lrs that arrive": f"{min(ok):.3g} to {max(ok):.3g}" if ok else "none",
                    "of": len(lrs),
                    "arrive": len(ok),
                }
            )
        print(f"\n### {problem_name}: steps to f - f* <= {problem.tolerance:g}, at most {steps}\n")
        print(markdown_table(rows))
        best = sweeps.best_lr(lrs, reached[shown]) or float(lrs[len(lrs) // 2])
        paths = sweeps.three_paths(problem_name, shown, best, steps)
        fig = learner_figures.lr_sweep_figure(problem, lrs, reached, paths, shown, steps)
        written.append(compact_png(save_figure(fig, out / f"lr_sweep_{problem_name}.png", dpi=90)))
    return written


def momentum_figures(out, quick):
    """The measured rate of SGD with momentum over an (lr, momentum) grid, against theory."""
    lrs = np.geomspace(3e-3, 0.6, 8 if quick else 40)
    momenta = np.linspace(0.0, 0.98, 6 if quick else 50)
    measured = sweeps.measured_rates(lrs, momenta, steps=100 if quick else 400)
    theory = np.array([[sweeps.theoretical_rate(lr, mu) for lr in lrs] for mu in momenta])
    ok = np.isfinite(measured) & (theory < 0.999)
    lr_star, mu_star, rate_star = sweeps.polyak_choice()
    polyak = sweeps.measured_rates([lr_star], [mu_star])[0, 0]
    print(f"\nmomentum grid: {ok.sum()} converging cells, largest |measured - theory| "
          f"{np.abs(measured - theory)[ok].max():.3g}; Polyak's γ {lr_star:.4f}, μ {mu_star:.4f}: "
          f"theory {rate_star:.4f}, measured {polyak:.4f}; best cell measured "
          f"{measured[np.isfinite(measured)].min():.4f}")  # fmt: skip
    fig = learner_figures.momentum_figure(lrs, momenta, measured, theory)
    return [compact_png(save_figure(fig, out / "momentum_rate_grid.png", dpi=90))]


def landscape_figures(out, quick):
    """The moons MLP's loss along the line and on two planes, with SGD's and Adam's paths."""
    epochs, n = (2, 9) if quick else (30, 41)
    runs = {"mini-batch SGD (lr 0.2)": ("sgd", 0.2), "Adam (lr 0.01)": ("adam", 0.01)}
    paths = {label: landscape.train_trajectory(name, lr, epochs) for label, (name, lr) in runs.items()}
    origin = next(iter(paths.values()))[0]  # the same seed: the same initial weights
    alphas = np.linspace(-0.5, 1.5, 21 if quick else 81)
    line = {
        label: landscape.loss_at([origin + a * (p[-1] - origin) for a in alphas])
        for label, p in paths.items()
    }
    d1 = landscape.filter_normalized_direction(origin, seed=1)
    d2 = landscape.filter_normalized_direction(origin, seed=2)
    u, v = landscape.trajectory_plane(origin, *(p[-1] for p in paths.values()))
    planes = []
    for title, (e1, e2), span in (
        ("2 random filter-normalized directions (Li et al.)", (d1, d2), 1.0),
        ("the plane through θ₀ and both final weights", (u, v), None),
    ):
        projected = {label: landscape.project(p, origin, e1, e2) for label, p in paths.items()}
        if span is None:  # fit the view to the trajectories, with a margin
            coords = np.concatenate([c for c, _ in projected.values()])
            lo, hi = coords.min(axis=0), coords.max(axis=0)
            pad = 0.25 * (hi - lo)
            a_range, b_range = (lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])
        else:
            a_range = b_range = (-span, span)
        a, b, losses = landscape.plane_losses(origin, e1, e2, a_range, b_range, n)
        planes.append((title, a, b, losses, projected))
    for label, p in paths.items():
        kept = {title: projected[label][1][-1] for title, *_, projected in planes}
        print(f"\n{label}: loss {line[label][np.argmin(abs(alphas))]:.4f} at θ₀, "
              f"{line[label][np.argmin(abs(alphas - 1))]:.4f} at the end; smallest loss on the line "
              f"{line[label].min():.4f} at α {alphas[np.argmin(line[label])]:.3g}; |θ_end - θ₀| "
              f"{np.linalg.norm(p[-1] - origin):.3f}; share of that move kept by each plane: "
              + ", ".join(f"{t}: {k:.1%}" for t, k in kept.items()))  # fmt: skip
    fig = learner_figures.landscape_figure(alphas, line, planes[0], planes[1])
    return [compact_png(save_figure(fig, out / "moons_landscape.png", dpi=90))]


PARTS = {
    "autograd": lambda out, quick: autograd_pictures(out),
    "lr": lr_sweep_figures,
    "momentum": momentum_figures,
    "landscape": landscape_figures,
}


def main(out=FIGURES, quick=False, only=None):
    """Draw every part (or only one) into `out`; returns the paths written."""
    out = Path(out)
    written = []
    for name, part in PARTS.items():
        if only in (None, name):
            written += part(out, quick)
    if only in (None, "autograd") and not quick:
        forward, backward = backward_cost()
        print(f"\nMLP 256-256-256-10, batch 256, float32: forward {forward * 1e3:.2f} ms, "
              f"backward {backward * 1e3:.2f} ms (medians of 30): backward/forward "
              f"{backward / forward:.2f}")  # fmt: skip
    for path in written:
        print(f"wrote {path}")
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grids (the smoke test)")
    parser.add_argument("--out", type=Path, default=FIGURES, help="folder for the figures")
    parser.add_argument("--only", choices=list(PARTS), help="draw only this part")
    args = parser.parse_args()
    began = time.perf_counter()
    main(args.out, args.quick, args.only)
    print(f"\nfinished in {time.perf_counter() - began:.1f} s")
