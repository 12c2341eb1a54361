"""The `minigrad lr-find PROBLEM` command: the learning-rate range test on a toy problem.

    minigrad lr-find moons --optimizer momentum      # prints the suggestion, writes the plot

It builds the data set and the network that `minigrad train PROBLEM` would, runs
``minigrad.optim.lr_finder.lr_finder`` on it and draws the loss against the lr.
"""

import sys
from pathlib import Path

import numpy as np

from .argtypes import int_at_least, non_negative_int, positive_float, positive_int


def add_parser(commands, problems, optimizer_name):
    """Add the `lr-find` sub-command to the argparse sub-parsers ``commands``."""
    p = commands.add_parser(
        "lr-find",
        help="the learning-rate range test on a toy data set",
        description="Train briefly while the learning rate grows exponentially from --start-lr "
        "to --end-lr (Smith, 2017), print the lr where the smoothed loss falls fastest and "
        "plot the loss against the lr.",
    )
    p.add_argument("problem", choices=list(problems), help="the toy data set")
    p.add_argument(
        "--optimizer", type=optimizer_name, default="sgd", help="sgd, momentum, adam, ... (sgd)"
    )
    p.add_argument("--start-lr", type=positive_float, default=1e-5, help="first lr (1e-5)")
    p.add_argument("--end-lr", type=positive_float, default=10.0, help="last lr (10)")
    p.add_argument("--iters", type=int_at_least(3), default=100, help="steps of the test (100)")
    p.add_argument("--batch-size", type=positive_int, help="mini-batch size (default per problem)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="data, init and shuffle seed")
    p.add_argument(
        "--out", default="minigrad-out/lr_find.png", help="plot to write (.png, .svg or .pdf)"
    )
    p.set_defaults(lr_find_parser=p)  # so that bad values are reported with this usage line
    return p


def lr_find(args, problems) -> int:
    """Run the range test for ``args.problem``, print the suggestion and write the plot."""
    if args.start_lr >= args.end_lr:
        args.lr_find_parser.error(
            f"--start-lr ({args.start_lr:g}) must be below --end-lr ({args.end_lr:g})"
        )
    if Path(args.out).suffix not in (".png", ".svg", ".pdf"):
        args.lr_find_parser.error(f"--out must end in .png, .svg or .pdf, got {args.out!r}")
    import minigrad as mg
    import minigrad.nn.functional as F
    from minigrad import data, optim
    from minigrad.optim.lr_finder import lr_finder
    from minigrad.tour.paths import OPTIMIZERS

    problem = problems[args.problem]
    X, y = getattr(data, problem.make)(**problem.options, seed=args.seed)
    mg.manual_seed(args.seed)
    outputs = 1 if problem.regression else int(y.max()) + 1
    model = mg.nn.MLP([X.shape[1], *problem.hidden, outputs], activation=problem.activation)
    if problem.regression:
        loss_fn = lambda prediction, target: F.mse_loss(prediction.reshape(-1), target)  # noqa: E731
    else:
        loss_fn = F.cross_entropy
    loader = data.DataLoader(X, y, batch_size=args.batch_size or problem.batch_size, seed=args.seed)
    class_name, options = OPTIMIZERS[args.optimizer]
    result = lr_finder(model, loss_fn, loader, getattr(optim, class_name), start_lr=args.start_lr,
                       end_lr=args.end_lr, num_iter=args.iters, **options)  # fmt: skip
    print(
        f"{args.problem}, {args.optimizer}: {len(result.lrs)} steps from lr {args.start_lr:g} "
        f"to {result.lrs[-1]:.3g}{' (stopped: the loss diverged)' if len(result.lrs) < args.iters else ''}"
    )
    print(f"suggested lr: {result.suggestion:.3g} (where the smoothed loss falls fastest)")
    try:
        path = save_plot(result, args.out, f"{args.problem}, {args.optimizer}")
    except OSError as error:
        print(f"minigrad lr-find: cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


def save_plot(result, path, title):
    """Draw the raw and smoothed losses against the lr (log axis), mark the suggestion, save."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(result.lrs, result.losses, color="0.75", linewidth=1, label="loss of each batch")
    ax.plot(result.lrs, result.smoothed, color="C0", linewidth=2, label="smoothed loss")
    ax.axvline(result.suggestion, color="C3", linestyle="--",
               label=f"suggested lr {result.suggestion:.3g} (steepest descent)")  # fmt: skip
    ax.set_xscale("log")
    finite = result.smoothed[np.isfinite(result.smoothed)]
    ax.set_ylim(0, 1.5 * finite.max() if finite.size else 1)  # leave out the divergence spike
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("training loss")
    ax.set_title(f"learning-rate range test: {title}")
    ax.legend(loc="upper left")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
