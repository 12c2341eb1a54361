"""The optimizer tour: each claim about the optimizers measured, on 2-D functions and on moons.

    python demos/optimizers_tour.py [--quick] [--docs] [--out DIR]

Prints one markdown table per claim and writes one figure per claim (into --out, default
./minigrad-out/tour/; with --docs into docs/figures/, the pictures docs/optimizers.md (its tour section) embeds).
--quick (or MINIGRAD_DEMO_QUICK=1) runs everything with fewer steps, for the tests.
The code behind each section is in minigrad/tour/claims.py; read the two side by side.
"""

import argparse
import os
import time
from pathlib import Path

# One thread for numpy's BLAS and for numba, set before either is loaded. The tensors here are
# tiny, so threads gain nothing, and on a busy machine waking them costs milliseconds per step:
# enough to swamp the wall times this tour compares. (Set these variables yourself to override.)
for _variable in (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402

from minigrad.plots import save_figure  # noqa: E402
from minigrad.tour import claims, figures  # noqa: E402
from minigrad.tour.compare import markdown_table  # noqa: E402
from minigrad.tour.dataset import batch_size_race, compare_on_moons  # noqa: E402
from minigrad.tour.figures import compact_png  # noqa: E402
from minigrad.tour.functions import PROBLEMS  # noqa: E402
from minigrad.tour.paths import available_optimizers, path_rows, problem_paths  # noqa: E402

DOCS_FIGURES = Path(__file__).resolve().parent.parent / "docs" / "figures"


def section(title):
    print(f"\n## {title}\n")


# --- one function per section of docs/optimizers.md (its tour section); each prints its table and returns its figures ---


def every_optimizer(problem_name, steps, names):
    """Every optimizer from the same start on a 2-D test function: table and paths figure."""
    problem = PROBLEMS[problem_name]
    paths, _ = problem_paths(problem, names, steps)
    print(markdown_table(path_rows(problem, paths)))
    return figures.problem_figure(problem, paths, steps)


def batch_noise():
    """Batch GD, mini-batch SGD and SGD on a regression loss over two weights."""
    paths, loss = claims.batch_paths([None, 16, 1], steps=60)
    labels = {None: "batch GD (all 200)", 16: "mini-batch SGD (16)", 1: "SGD (batch 1)"}
    rows = [
        {
            "run": labels[b],
            "path length / straight distance": claims.wiggliness(path),
            "final distance to the minimum": float(np.hypot(*(path[-1] - loss.minimum))),
        }
        for b, path in paths.items()
    ]
    print(markdown_table(rows))
    return figures.batch_noise_figure({labels[b]: p for b, p in paths.items()}, loss, 0.05)


def batch_wall_time(quick):
    """Each batch size gets the same training time on a small and a large moons set."""
    seconds = 0.2 if quick else 1.5
    sizes = (200, 1000) if quick else (200, 8000)  # moons points, a quarter held out for testing
    by_size, rows = batch_size_race(sizes, seconds=seconds, target_loss=0.15)
    print(markdown_table(rows))
    return figures.wall_time_figure(by_size, 0.15, seconds)


def momentum_valley(steps):
    """GD, momentum and Nesterov in the long narrow valley."""
    paths, rows = claims.valley_runs(steps=steps)
    print(markdown_table(rows))
    return figures.valley_figure(PROBLEMS["quadratic"], paths)


def adagrad_long_run(steps):
    """Adagrad's effective lr from its state, and how far it gets against RMSprop and AdaDelta."""
    paths, rates, rows = claims.long_run(steps=steps)
    print(markdown_table(rows))
    for label, rate in rates.items():
        rises = int((np.diff(rate, axis=0) > 0).sum())
        changes = (len(rate) - 1) * rate.shape[1]
        print(f"\n{label}: the effective lr rose on {rises} of {changes} step-to-step changes.")
    return figures.adagrad_figure(paths, rates)


def rprop_signs(steps):
    """Rprop's per-weight step sizes from its state, and the same path on 1000 times f."""
    path, sizes = claims.rprop_step_sizes(steps=steps)
    steep, _ = claims.rprop_step_sizes(steps=steps, scale=1000.0)
    ratio = sizes[1:] / sizes[:-1]
    row = {
        "steps": len(sizes),
        "steps where a step size grew (×1.2)": int(np.isclose(ratio, 1.2).sum()),
        "shrank (×0.5)": int(np.isclose(ratio, 0.5).sum()),
        "smallest step size": float(sizes.min()),
        "largest step size": float(sizes.max()),
        "max |path on 1000·f - path on f|": float(np.abs(steep - path).max()),
    }
    print(markdown_table([row]))
    return figures.rprop_figure(PROBLEMS["quadratic"], path, sizes, 0.01)


def adam_bias_correction(steps):
    """Adam's step lengths next to the tour-only variant without bias correction."""
    result = claims.adam_steps(steps=steps)
    rows = [
        {
            "step": k,
            "Adam |Δx| / lr": float(result["adam"][k - 1, 0]),
            "no bias correction |Δx| / lr": float(result["no bias correction"][k - 1, 0]),
        }
        for k in (1, 2, 5, 10, 30, 100, 300)
        if k <= steps
    ]
    print(markdown_table(rows))
    print(
        "\nAgainst Adam written out from the gradients (claims.adam_by_hand): largest step "
        f"difference {result['max |step - step by hand|']:.3g}, largest |m̂ - weighted mean of g| "
        f"{result['max |m̂ - weighted mean of g|']:.3g}\n"
    )
    paths, rows = claims.adam_moment_runs(steps=5 * steps // 3)
    print(markdown_table(rows))
    return figures.adam_figure(result, 0.01, PROBLEMS["quadratic"], paths)


def amsgrad_rate():
    """AMSGrad's effective rate after the gradient drops from 1 to 1e-3 at step 10."""
    rates = claims.amsgrad_rates()
    rows = [
        {"step": t, **{f"{name}: rate / lr": float(r[t - 1] / 1e-3) for name, r in rates.items()}}
        for t in (1, 10, 11, 100, 1000)
    ]
    print(markdown_table(rows))


def saddle_directions(names, steps):
    """Which way each optimizer leaves the start near the saddle."""
    print(markdown_table(claims.saddle_directions(names, steps)))


def adadelta_scales(steps):
    """AdaDelta on the valley scaled by 0.01, 1 and 100 (SGD alongside), then across eps and lr."""
    scales = (0.01, 1.0, 100.0)
    by_scale = {
        "AdaDelta, lr 1.0: the same path at every scale": claims.scaled_runs(
            "adadelta", 1.0, scales, steps
        ),
        "SGD, lr 0.1: crawls at 0.01×, diverges at 100×": claims.scaled_runs(
            "sgd", 0.1, scales, steps
        ),
    }
    by_scale = {
        title: {f"{s:g} × f": v for s, v in runs.items()} for title, runs in by_scale.items()
    }
    by_setting = {
        "AdaDelta's eps is a hidden step size (lr 1.0)": {
            f"eps {eps:g}": claims.scaled_runs("adadelta", 1.0, [1.0], steps, eps=eps)[1.0]
            for eps in (1e-8, 1e-6, 1e-4)
        },
        "and lr scales every step (eps 1e-6)": {
            f"lr {lr:g}": claims.scaled_runs("adadelta", lr, [1.0], steps)[1.0]
            for lr in (0.5, 1.0, 2.0)
        },
    }
    rows = [
        {
            "run": title.split(":")[0] if ":" in title else "AdaDelta",
            "setting": setting,
            "f after 50 steps": float(values[min(50, steps)]),
            f"f after {steps} steps": float(values[-1]),
        }
        for panels in (by_scale, by_setting)
        for title, runs in panels.items()
        for setting, values in runs.items()
    ]
    print(markdown_table(rows))
    return figures.scales_figure(by_scale), figures.scales_figure(by_setting)


def moons_race(epochs, names):
    """Every optimizer trains the same MLP from the same seed on moons."""
    histories, rows = compare_on_moons(names, epochs)
    print(markdown_table(rows))
    return figures.optimizers_history_figure(histories)


def main(quick=False, out="minigrad-out/tour", dpi=110):
    """Run the whole tour, section by section; returns {figure name: path}."""
    out = Path(out)
    scale = 10 if quick else 1  # quick mode: a tenth of the steps
    names = available_optimizers()
    written = {}

    def save(fig, name, dpi=dpi):
        written[name] = compact_png(save_figure(fig, out / f"tour_{name}.png", dpi=dpi))

    section("Every optimizer on Rosenbrock's valley, from the same start")
    save(every_optimizer("rosenbrock", 1000 // scale, names), "rosenbrock", dpi=100)
    section("Every optimizer at a saddle point, starting 0.001 off the ridge")
    save(every_optimizer("saddle", 500 // scale, names), "saddle", dpi=100)
    saddle_directions(names, 100 // scale)
    section("Batch size and noise: the regression loss over two weights, 60 updates each, lr 0.05")
    save(batch_noise(), "batch_noise")
    section("Batch size and wall time on moons: each run gets the same training time")
    save(batch_wall_time(quick), "batch_wall_time")
    section(f"Momentum in the valley 0.05x² + 5y², lr {PROBLEMS['quadratic'].lr['sgd']}")
    save(momentum_valley(500 // scale), "valley_momentum")
    section("Adagrad's rate only shrinks: on a long run it slows where RMSprop and AdaDelta don't")
    save(adagrad_long_run(3000 // scale), "adagrad_rate")
    section("Rprop: only the gradient's sign, a step size per weight")
    save(rprop_signs(150 // (2 if quick else 1)), "rprop_steps")
    section("Adam: two moments, and early steps of about lr thanks to bias correction (lr 0.01)")
    save(adam_bias_correction(300 // scale), "adam_bias_correction")
    section("AMSGrad: gradient 1 for 10 steps, then 1e-3 (lr 0.001); rate = lr / (√v̂ + ε)")
    amsgrad_rate()
    section("AdaDelta, lr 1.0, on the valley scaled by 0.01, 1 and 100 (SGD lr 0.1 alongside)")
    scales_figure, settings_figure = adadelta_scales(500 // scale)
    save(scales_figure, "adadelta_scales")
    save(settings_figure, "adadelta_eps_lr")
    section("Every optimizer on moons: the same 2-16-16-2 MLP and seed")
    save(moons_race(4 if quick else 30, names), "moons")

    print()
    for path in written.values():
        print(f"wrote {path}")
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps (for tests)")
    parser.add_argument("--docs", action="store_true", help="write the figures into docs/figures/")
    parser.add_argument("--out", default="minigrad-out/tour", help="folder for the figures")
    args = parser.parse_args()
    began = time.perf_counter()
    quick = args.quick or os.environ.get("MINIGRAD_DEMO_QUICK") == "1"
    main(quick=quick, out=DOCS_FIGURES if args.docs else args.out, dpi=60 if quick else 110)
    print(f"\ntour finished in {time.perf_counter() - began:.1f} s")
