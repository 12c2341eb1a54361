"""`minigrad compare`: every optimizer on one problem, a markdown table and the figures.

minigrad compare --problem rosenbrock --optimizers sgd,momentum,adam --steps 500 --out DIR
minigrad compare --problem rosenbrock --html      # also the optimizer explorer page
"""

import argparse
import sys
from pathlib import Path

from minigrad.argtypes import int_at_least, output_problem
from minigrad.plots import save_figure
from minigrad.tour.dataset import compare_on_moons
from minigrad.tour.explorer import DEFAULT_OPTIMIZERS as EXPLORER_OPTIMIZERS
from minigrad.tour.explorer import explore
from minigrad.tour.figures import optimizers_history_figure, problem_figure
from minigrad.tour.functions import PROBLEMS
from minigrad.tour.paths import OPTIMIZERS, available_optimizers, path_rows, problem_paths

PROBLEM_NAMES = ("moons", *PROBLEMS)
DEFAULT_STEPS = {"moons": 30}  # epochs on moons; steps on every 2-D function
DEFAULT_2D_STEPS = 1000
EXPLORER_STEPS = 300  # the explorer runs a grid per optimizer: fewer steps keep it to seconds
MAX_STEPS = 100_000  # a path keeps every point: more steps would only fill memory


def markdown_table(rows):
    """A list of dicts with the same keys as a markdown table; floats to 4 significant digits."""
    if not rows:
        return "(no rows)"
    keys = list(rows[0])

    def cell(value):
        if isinstance(value, float):
            return f"{value:.4g}"
        return "" if value is None else str(value)

    lines = ["| " + " | ".join(keys) + " |", "|" + "|".join("---" for _ in keys) + "|"]
    lines += ["| " + " | ".join(cell(row[k]) for k in keys) + " |" for row in rows]
    return "\n".join(lines)


def _optimizer_list(text):
    """argparse type: a comma-separated list of optimizer names, each known to the tour."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one optimizer name")
    unknown = [name for name in names if name not in OPTIMIZERS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown optimizer(s) {', '.join(unknown)}; choose from {', '.join(OPTIMIZERS)}"
        )
    return names


def add_compare_arguments(parser):
    """Add the compare command's options to an argparse parser."""
    parser.add_argument(
        "--problem",
        choices=PROBLEM_NAMES,
        default="rosenbrock",
        help="a data set (moons) or a 2-D test function (default: rosenbrock)",
    )
    parser.add_argument(
        "--optimizers",
        type=_optimizer_list,
        default=None,
        metavar="NAMES",
        help=f"comma-separated, from {','.join(OPTIMIZERS)} (default: all available)",
    )
    parser.add_argument(
        "--steps",
        type=int_at_least(1, MAX_STEPS),
        default=None,
        help=f"steps on a 2-D function (default {DEFAULT_2D_STEPS}), epochs on moons "
        f"(default {DEFAULT_STEPS['moons']})",
    )
    parser.add_argument(
        "--out", default="minigrad-out", help="folder for the figures (default: ./minigrad-out/)"
    )
    parser.add_argument(
        "--html",
        action="store_true",
        help="also write compare_PROBLEM.html, the optimizer explorer: paths with lr (and "
        f"momentum/beta) sliders over a precomputed grid (2-D functions; default optimizers "
        f"{','.join(EXPLORER_OPTIMIZERS)}, {EXPLORER_STEPS} steps)",
    )
    return parser


def run_compare(args):
    """Run the comparison the parsed arguments ask for; print the table and figure paths.

    Returns the exit code (0 on success, 2 if an asked-for optimizer is not available).
    """
    names = args.optimizers or available_optimizers()
    missing = [name for name in names if name not in available_optimizers()]
    if missing:
        print(
            f"minigrad compare: optimizer(s) not available in minigrad.optim: {', '.join(missing)}",
            file=sys.stderr,
        )
        return 2
    out = Path(args.out)
    if args.html and args.problem == "moons":
        print(
            "minigrad compare: --html draws the optimizer explorer for a 2-D function "
            f"({', '.join(PROBLEMS)}), not for moons",
            file=sys.stderr,
        )
        return 2
    problem = output_problem(out, folder=True)  # checked before the optimizers run
    if problem:
        print(f"minigrad compare: error: argument --out: {problem}", file=sys.stderr)
        return 2
    if args.problem == "moons":
        epochs = args.steps or DEFAULT_STEPS["moons"]
        histories, rows = compare_on_moons(names, epochs)
        print(f"## moons: a 2-16-16-2 MLP, the same seed for every run, {epochs} epochs\n")
        print(markdown_table(rows))
        figure = optimizers_history_figure(histories)
        path = save_figure(figure, out / "compare_moons.png")
    else:
        problem = PROBLEMS[args.problem]
        steps = args.steps or DEFAULT_2D_STEPS
        paths, _ = problem_paths(problem, names, steps)
        print(
            f"## {problem.name}: {steps} steps from {problem.start}, minimum at {problem.minimum}\n"
        )
        print(markdown_table(path_rows(problem, paths)))
        figure = problem_figure(problem, paths, steps)
        path = save_figure(figure, out / f"compare_{problem.name}.png")
    print(f"\nwrote {path}")
    if args.html:
        print(f"wrote {write_explorer(problem, args.optimizers, args.steps, out)}")
    return 0


def write_explorer(problem, names, steps, out):
    """Run the explorer's grid with minigrad's optimizers and write OUT/compare_PROBLEM.html."""
    from minigrad.viz import optimizer_explorer

    names = [name for name in names or EXPLORER_OPTIMIZERS if name in available_optimizers()]
    sweeps = explore(problem, names, steps or EXPLORER_STEPS)
    return optimizer_explorer(problem, sweeps).save(out / f"compare_{problem.name}.html")
