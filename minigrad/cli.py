"""The `minigrad` command: train a network on toy data, draw computation graphs, compare optimizers.

    minigrad train moons                      # trains, prints metrics, writes ./minigrad-out/
    minigrad graph --expr "tanh(a * b + c)"   # the graph of an expression, after backward
    minigrad graph --mlp 2,4,1 --steps        # backpropagation through an MLP, step by step
    minigrad compare --problem rosenbrock     # the optimizer tour

Heavy modules (matplotlib, graphviz, the optimizers' kernels) are imported inside the commands
that use them, so `minigrad --version` and `minigrad --help` answer at once.
"""

import argparse
import ast
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import __version__
from .argtypes import non_negative_int, output_problem, positive_float, positive_int


class UsageError(Exception):
    """A problem with the command's arguments found after parsing: main exits with code 2."""


def check_output(path, folder: bool):
    """Raise UsageError if the command could not write its output at `path` (before any work)."""
    problem = output_problem(path, folder)
    if problem:
        raise UsageError(f"argument --out: {problem}")


# --- the `train` command ---------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A toy data set and the defaults that train a small network on it in a few seconds."""

    make: str  # name of the generator in minigrad.data
    options: dict  # its arguments besides the seed
    hidden: tuple = (16, 16)
    activation: str = "relu"
    epochs: int = 50
    batch_size: int = 32
    regression: bool = False


PROBLEMS = {
    # noise 0.15: at 0.2 the moons overlap so much that test accuracy swings between 95% and
    # 98% with the seed (measured with the default network)
    "moons": Problem("make_moons", {"n_samples": 500, "noise": 0.15}),
    "circles": Problem("make_circles", {"n_samples": 500, "noise": 0.1, "factor": 0.5}),
    "spirals": Problem(
        "make_spirals",
        {"n_samples": 300, "n_classes": 3},
        hidden=(64, 64),
        epochs=150,
        batch_size=64,
    ),
    "xor": Problem("make_xor", {"n_samples": 400, "noise": 0.3}),
    "blobs": Problem("make_blobs", {"n_samples": 300, "centers": 4, "cluster_std": 1.5}),
    "regression": Problem(
        "make_regression",
        {"n_samples": 300, "noise": 0.1},
        hidden=(32, 32),
        activation="tanh",
        epochs=200,
        batch_size=64,
        regression=True,
    ),
}

# A learning rate that works on these toy problems, per optimizer (DEFAULT_LR for the others).
USUAL_LR = {"sgd": 0.1, "momentum": 0.1, "nesterov": 0.1, "adagrad": 0.1, "adadelta": 1.0}
DEFAULT_LR = 0.01


def learning_rate(args) -> float:
    """--lr, or the usual lr of the chosen optimizer."""
    return args.lr or USUAL_LR.get(args.optimizer, DEFAULT_LR)


class TrainedRun(NamedTuple):
    """What `train_problem` returns: the trained model, its loss, history and data split."""

    model: object
    loss_fn: object
    history: dict
    split: tuple  # (X_train, X_test, y_train, y_test)
    seconds: float
    snapshots: object = None  # a minigrad.training.Snapshots when --html asked for the page
    interrupted: bool = False  # Ctrl-C stopped the training: history is None


def train_problem(args) -> TrainedRun:
    """Build the data, model, loss and optimizer the arguments ask for, and train (with a bar)."""
    import minigrad as mg
    import minigrad.nn.functional as F
    from minigrad import data
    from minigrad.tour.paths import make_optimizer  # the tour's names: sgd, momentum, adam, ...
    from minigrad.training import accuracy, fit

    problem = PROBLEMS[args.problem]
    hidden = args.hidden or problem.hidden
    activation = args.activation or problem.activation
    epochs = args.epochs or problem.epochs
    batch_size = args.batch_size or problem.batch_size
    lr = learning_rate(args)

    X, y = getattr(data, problem.make)(**problem.options, seed=args.seed)
    split = data.train_test_split(X, y, seed=args.seed)
    X_train, X_test, y_train, y_test = split
    mg.manual_seed(args.seed)
    if problem.regression:
        sizes, loss_fn, metric = [X.shape[1], *hidden, 1], mse_loss_of_predictions, None
    else:
        sizes, loss_fn, metric = [X.shape[1], *hidden, int(y.max()) + 1], F.cross_entropy, accuracy
    model = mg.nn.MLP(sizes, activation=activation)
    optimizer = make_optimizer(args.optimizer, model.parameters(), lr=lr)
    loader = data.DataLoader(X_train, y_train, batch_size=batch_size, seed=args.seed)
    snapshots = None
    if getattr(args, "html", False):  # the training page replays the run from these
        from minigrad.viz.training_page import snapshots_for

        snapshots = snapshots_for(X_train)

    print(
        f"{args.problem}: {len(X_train)} training and {len(X_test)} test points; "
        f"MLP {'-'.join(map(str, sizes))} ({activation}), {args.optimizer} lr={lr:g}, "
        f"batch size {batch_size}, {epochs} epochs"
    )
    started = time.perf_counter()
    # A too-large lr overflows to inf and nan; train() says so once instead of numpy warning often.
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            history = fit(
                model,
                loss_fn,
                optimizer,
                loader,
                epochs,
                test_data=(X_test, y_test),
                metric=metric,
                progress=args.progress,
                desc=f"train {args.problem}",
                snapshots=snapshots,
            )
    except KeyboardInterrupt:  # Ctrl-C: keep the model as trained so far, for train() to save
        seconds = time.perf_counter() - started
        return TrainedRun(model, loss_fn, None, split, seconds, snapshots, interrupted=True)
    return TrainedRun(model, loss_fn, history, split, time.perf_counter() - started, snapshots)


def train(args) -> int:
    """Train an MLP on one toy problem, print its metrics and write its pictures and weights."""
    check_output(args.out, folder=True)
    run = train_problem(args)
    problem = PROBLEMS[args.problem]
    if run.interrupted:
        import minigrad as mg

        weights = Path(args.out) / f"{args.problem}_model.npz"
        weights.parent.mkdir(parents=True, exist_ok=True)
        mg.save(run.model.state_dict(), weights)
        print(
            f"{chr(10) if args.progress else ''}minigrad train: interrupted after {run.seconds:.1f} s; saved the weights trained"
            f" so far to {weights}",
            file=sys.stderr,
        )
        return 130  # the shell's code for a command stopped by SIGINT
    losses = run.history["loss"]
    if not all(math.isfinite(loss) for loss in losses):
        epoch = next(k for k, loss in enumerate(losses, start=1) if not math.isfinite(loss))
        print(
            f"minigrad train: the loss diverged (it became {losses[epoch - 1]} at epoch {epoch}); "
            f"try a smaller --lr than {learning_rate(args):g}. Nothing was written.",
            file=sys.stderr,
        )
        return 1
    summary = final_metrics(run.history, problem)
    print(f"{summary} ({run.seconds:.1f} s)")
    if problem.regression:
        noise_variance = problem.options["noise"] ** 2
        print(f"  (the noise variance is {noise_variance:.4g}: no model can do better on average)")
    for path in write_train_outputs(Path(args.out), args.problem, run, summary, problem):
        print(f"wrote {path}")
    return 0


def mse_loss_of_predictions(predictions, targets):
    """Mean squared error between an (N, 1) model output and (N,) targets."""
    from minigrad.nn.functional import mse_loss

    return mse_loss(predictions.reshape(-1), targets)


def final_metrics(history, problem) -> str:
    """One line with the last epoch's train and test metrics."""
    if problem.regression:
        return f"train MSE {history['loss'][-1]:.4f}, test MSE {history['test_loss'][-1]:.4f}"
    return (
        f"train accuracy {history['accuracy'][-1]:.1%}, "
        f"test accuracy {history['test_accuracy'][-1]:.1%}"
    )


def write_train_outputs(out, name, run, summary, problem) -> list:
    """Write the fit picture, the loss curve, the model's graph and the weights; return paths."""
    import minigrad as mg
    from minigrad.plots import plot_decision_boundary, plot_history, plot_regression, save_figure

    model, history = run.model, run.history
    X_train, X_test, y_train, y_test = run.split
    X = np.concatenate([X_train, X_test])
    y = np.concatenate([y_train, y_test])
    written = []
    if problem.regression:
        # make_regression's targets are sin(x) + noise
        fig = plot_regression(model, X, y, true_fn=np.sin, title=f"{name}: {summary}")
        written.append(save_figure(fig, out / f"{name}_fit.png"))
    else:
        fig = plot_decision_boundary(model, X, y, title=f"{name}: {summary}")
        written.append(save_figure(fig, out / f"{name}_boundary.png"))
    loss_name = "MSE" if problem.regression else "cross-entropy loss"
    fig = plot_history({name: history}, title=f"{name}: {loss_name} per epoch")
    loss_ax = fig.axes[0]
    if problem.regression:  # the floor no model can go below, on average, on new points
        loss_ax.axhline(problem.options["noise"] ** 2, color="gray", linestyle=":")
    labels = ["train", "test", "noise variance"] if problem.regression else ["train", "test"]
    loss_ax.legend(labels, loc="upper right")
    written.append(save_figure(fig, out / f"{name}_loss.png"))
    written.append(
        write_model_graph(out / f"{name}_graph.svg", model, run.loss_fn, X_train, y_train)
    )
    weights = out / f"{name}_model.npz"
    mg.save(model.state_dict(), weights)
    written.append(weights)
    if run.snapshots is not None:
        from minigrad.viz import training_page

        page = training_page(
            history, run.snapshots, (X_train, y_train), (X_test, y_test), title=f"{name}: {summary}"
        )
        written.append(page.save(out / f"{name}_training.html"))
    return written


def write_model_graph(path, model, loss_fn, X, y, rows=4):
    """Draw one forward and backward pass of the model on a few rows; SVG, or DOT without `dot`."""
    from minigrad.tensor import Tensor
    from minigrad.viz import draw_graph

    inputs = Tensor(X[:rows], name=f"x (first {rows} rows)")
    loss = loss_fn(model(inputs), Tensor(y[:rows]))
    loss.name = "loss"
    model.zero_grad()
    loss.backward()
    graph = draw_graph(loss, model=model)
    model.zero_grad()
    return write_graph(graph, Path(path))


def write_graph(graph, path: Path) -> Path:
    """Render `graph` to `path` (.svg, .png, .pdf) or write its DOT text (.dot, or when no `dot`)."""
    from minigrad.viz import render
    from minigrad.viz.output import find_renderer

    if path.suffix == ".dot" or find_renderer() is None:
        if path.suffix != ".dot":
            print(
                f"note: Graphviz's `dot` program was not found, so {path.name} is written as DOT "
                "text instead (install it with `sudo apt-get install graphviz`, `brew install "
                "graphviz` or `conda install graphviz`, or `pip install graphviz-pure`, to get "
                "pictures)"
            )
            path = path.with_suffix(".dot")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(graph.source, encoding="utf-8")
        return path
    return render(graph, path)


# --- the `graph` command ---------------------------------------------------------------------

# The named leaves an expression may use: scalars a..d (micrograd's example values) and a
# vector x with a matrix w such that w @ x works.
LEAVES = {
    "a": 2.0,
    "b": -3.0,
    "c": 10.0,
    "d": -2.0,
    "x": [1.0, -2.0, 0.5],
    "w": [[0.2, -0.5, 1.0], [0.7, 0.1, -0.3]],
}
FUNCTIONS = (
    "exp log sqrt abs tanh sigmoid relu leaky_relu softmax log_softmax sum mean max "
    "maximum minimum matmul"
).split()
BINARY_OPS = {
    ast.Add: lambda p, q: p + q,
    ast.Sub: lambda p, q: p - q,
    ast.Mult: lambda p, q: p * q,
    ast.Div: lambda p, q: p / q,
    ast.Pow: lambda p, q: p**q,
    ast.MatMult: lambda p, q: p @ q,
}


class ExpressionError(ValueError):
    """An expression for `minigrad graph --expr` uses something outside its small language."""


# An expression is a picture to look at: these limits keep it one (and keep the interpreter's
# recursion far from Python's limit).
MAX_EXPRESSION_CHARS = 1000
MAX_EXPRESSION_NODES = 200  # numbers, names, operators and calls
MAX_EXPRESSION_DEPTH = 50


def check_expression_size(tree):
    """Raise ExpressionError if the parse tree has too many nodes or nests too deep."""
    nodes, deepest, stack = 0, 0, [(tree, 0)]
    while stack:  # a loop, not recursion: the tree may be thousands deep
        node, depth = stack.pop()
        if isinstance(node, (ast.expr_context, ast.operator, ast.unaryop)):
            continue  # Load, Add, USub...: parts of their parent, not nodes of their own
        nodes, deepest = nodes + 1, max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    if deepest > MAX_EXPRESSION_DEPTH:
        raise ExpressionError(
            f"the expression nests {deepest} deep (at most {MAX_EXPRESSION_DEPTH}; a sum of n"
            " terms nests n deep)"
        )
    if nodes > MAX_EXPRESSION_NODES:
        raise ExpressionError(f"the expression has {nodes} parts (at most {MAX_EXPRESSION_NODES})")


def evaluate_expression(text: str):
    """Evaluate `text` with minigrad ops on the named LEAVES; return the output Tensor.

    A tiny interpreter over Python's parse tree, not eval(): it accepts only numbers, the leaf
    names, + - * / ** @, unary minus and calls of the FUNCTIONS (keyword arguments constants, such
    as axis=0), so nothing else can run.
    """
    import minigrad as mg

    leaves = {}

    def visit(node):
        if isinstance(node, ast.Expression):
            return visit(node.body)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            try:
                return float(node.value)
            except OverflowError:
                raise ExpressionError(
                    f"the number {str(node.value)[:12]}... is too large"
                ) from None
        if isinstance(node, ast.Name):
            if node.id not in LEAVES:
                raise ExpressionError(
                    f"unknown name {node.id!r}; the leaves are {', '.join(LEAVES)} and the "
                    f"functions {', '.join(FUNCTIONS)}"
                )
            if node.id not in leaves:  # one tensor per name, so a name used twice is one node
                leaves[node.id] = mg.Tensor(LEAVES[node.id], requires_grad=True, name=node.id)
            return leaves[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY_OPS:
            left, right = visit(node.left), visit(node.right)
            if isinstance(left, float) and isinstance(right, float):
                # numbers alone follow the tensors' float rules (2 ** 1e4 is inf, 1 / 0 is inf)
                # rather than Python's, which raise OverflowError and ZeroDivisionError
                left = np.float64(left)
                return float(BINARY_OPS[type(node.op)](left, right))
            return BINARY_OPS[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = visit(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id not in FUNCTIONS:
                raise ExpressionError(
                    f"unknown function {node.func.id!r}; the functions are {', '.join(FUNCTIONS)}"
                )
            args = [visit(arg) for arg in node.args]
            options = {}  # keyword arguments take plain constants only: axis=0, keepdims=True
            for keyword in node.keywords:
                if keyword.arg is None or not isinstance(keyword.value, ast.Constant):
                    raise ExpressionError(f"{ast.unparse(keyword)!r}: keywords take a constant")
                options[keyword.arg] = keyword.value.value
            return getattr(mg, node.func.id)(*args, **options)
        raise ExpressionError(f"{ast.unparse(node)!r} is not allowed here")

    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(
            f"the expression is {len(text)} characters long (at most {MAX_EXPRESSION_CHARS})"
        )
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        raise ExpressionError(f"cannot parse {text!r}: {err.msg}") from None
    except (RecursionError, MemoryError):  # the parser's own stack: nesting far too deep
        raise ExpressionError("the expression nests too deep to parse") from None
    check_expression_size(tree)
    try:
        with np.errstate(all="ignore"):  # inf and nan are shown in the picture, not warned about
            result = visit(tree)
    except ExpressionError:
        raise
    except (ArithmeticError, LookupError, ValueError, TypeError) as err:
        # a wrong axis (IndexError), a wrong argument (TypeError), a huge int (OverflowError)
        raise ExpressionError(shortened(one_line(err))) from None
    if not isinstance(result, mg.Tensor) or not leaves:
        raise ExpressionError(f"{text!r} uses no leaf tensor, so it has no graph to draw")
    result.name = "out"
    return result


GRAPH_SUFFIXES = (".svg", ".png", ".pdf", ".dot")
MAX_STEP_FRAMES = 16  # each frame draws the whole graph: 16 frames took 14 s on a loaded machine


def graph(args) -> int:
    """Draw the graph of an expression or of one MLP step, after backward, or step by step."""
    import minigrad as mg
    from minigrad.viz import backward_frames, draw_graph, save_frames

    out = Path(args.out)
    steps_dir = out.with_suffix("") if out.suffix else out
    if args.steps:
        check_output(steps_dir, folder=True)
    elif out.suffix not in GRAPH_SUFFIXES:
        raise UsageError(
            f"argument --out: {out.name!r} should end in one of {', '.join(GRAPH_SUFFIXES)}"
        )
    else:
        check_output(out, folder=False)
    model = None
    if args.mlp:
        mg.manual_seed(args.seed)
        model = mg.nn.MLP(args.mlp, activation="tanh")
        inputs = mg.Tensor(mg.random.generator().normal(size=(1, args.mlp[0])).astype(np.float32))
        inputs.name = "x"
        target = mg.zeros(1, args.mlp[-1])
        target.name = "target"
        root = mg.nn.functional.mse_loss(model(inputs), target)
        root.name = "loss"
        print(f"graph of one forward and backward pass of MLP {args.mlp} (tanh), MSE loss")
    else:
        root = evaluate_expression(args.expr)
        used = [t.name for t in mg.topological_order(root) if t.is_leaf and t.name in LEAVES]
        print(f"graph of {args.expr} with " + ", ".join(f"{k} = {LEAVES[k]}" for k in used))
    seed = None if root.numel() == 1 else np.ones_like(root.data)  # non-scalar: backward from ones
    if seed is not None:
        print("the output is not a scalar: backward starts from a gradient of ones")

    if args.steps:
        frames = len(mg.topological_order(root))
        if frames > MAX_STEP_FRAMES:  # each frame draws the whole graph: the cost is quadratic
            raise UsageError(
                f"argument --steps: this graph has {frames} tensors, one frame each (at most"
                f" {MAX_STEP_FRAMES}); draw a smaller expression or network, or drop --steps"
            )
        from minigrad.viz.output import find_renderer

        if find_renderer() is None:
            raise SystemExit(
                "minigrad graph: --steps needs Graphviz's `dot` program to draw the frames; install"
                " it with `sudo apt-get install graphviz` (or brew/conda install graphviz), or"
                " `pip install graphviz-pure`"
            )
        with np.errstate(all="ignore"):
            frames = backward_frames(root, grad=seed, model=model)
        saved = save_frames(frames, steps_dir, fmt="png")
        print(
            f"wrote {len(frames)} frames, one per backward step: {saved.frames[0]} to {saved.frames[-1].name}"
        )
        print(f"wrote {saved.gif} (the frames as an animation)")
        print(f"wrote {saved.html} (open it in a browser to step back and forth)")
        return 0
    with np.errstate(all="ignore"):  # an inf or nan is shown in the picture
        root.backward(seed)
    collapse = False if args.expand else None  # None: modules collapse in a big graph
    print(f"wrote {write_graph(draw_graph(root, model=model, collapse=collapse), out)}")
    return 0


# --- the `compare` command -------------------------------------------------------------------


def compare(argv) -> int:
    """The optimizer tour, from minigrad.tour; its arguments are parsed there."""
    from minigrad import tour

    parser = argparse.ArgumentParser(
        prog="minigrad compare", description="Compare the optimizers side by side."
    )
    tour.add_compare_arguments(parser)
    return tour.run_compare(parser.parse_args(argv))


# Networks the command builds are refused beyond these sizes, before any memory is allocated:
# 10 million float32 parameters are 40 MB, far more than a toy problem needs.
MAX_PARAMETERS = 10_000_000
MAX_LAYERS = 32


def layer_sizes(text: str) -> tuple:
    """Comma-separated positive ints such as 16,16, for a network of a sensible size."""
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive integers such as 16,16, got {text!r}"
        ) from None
    if not all(size >= 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"every layer size must be >= 1, got {text!r}")
    if len(sizes) > MAX_LAYERS:
        raise argparse.ArgumentTypeError(f"at most {MAX_LAYERS} layer sizes, got {len(sizes)}")
    # weights and biases between consecutive sizes (train adds its input and output layers,
    # a few times the first and last size: within the same limit for any sizes it accepts)
    parameters = sum((m + 1) * n for m, n in zip(sizes, sizes[1:])) + 8 * max(sizes)
    if parameters > MAX_PARAMETERS:
        raise argparse.ArgumentTypeError(
            f"{text!r} makes a network of about {parameters:,} parameters (at most"
            f" {MAX_PARAMETERS:,})"
        )
    return sizes


def optimizer_name(text: str) -> str:
    """A name from the tour's table of optimizers (sgd, momentum, nesterov, adam, amsgrad, ...)."""
    from minigrad.tour.paths import available_optimizers

    names = available_optimizers()
    if text.lower() not in names:
        raise argparse.ArgumentTypeError(
            f"unknown optimizer {text!r} (choose from {', '.join(names)})"
        )
    return text.lower()


def mlp_sizes(text: str) -> tuple:
    """Layer sizes of a whole MLP: at least an input and an output size, such as 2,4,1."""
    sizes = layer_sizes(text)
    if len(sizes) < 2:
        raise argparse.ArgumentTypeError(f"needs at least two sizes such as 2,4,1, got {text!r}")
    return sizes


def checked_expression(text: str) -> str:
    """An expression that evaluate_expression accepts (checked before anything is drawn)."""
    try:
        evaluate_expression(text)
    except ExpressionError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `minigrad` command."""
    from .nn.layers import ACTIVATIONS

    parser = argparse.ArgumentParser(
        prog="minigrad",
        description="Train small networks on toy data, draw computation graphs, compare optimizers.",
        epilog="examples:\n"
        "  minigrad train moons\n"
        "  minigrad train spirals --hidden 32,32 --optimizer momentum\n"
        '  minigrad graph --expr "tanh(a * b + c)" --steps\n'
        "  minigrad compare --problem rosenbrock\n"
        "each command has its own --help",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"minigrad {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    t = commands.add_parser(
        "train",
        help="train an MLP on a toy data set and write its pictures",
        description="Train an MLP on a toy data set with a progress bar, print train and test\n"
        "metrics, and write the decision boundary (or fitted curve), the loss curve, the\n"
        "model's graph and the trained weights.",
        epilog="defaults per problem:\n"
        + "\n".join(
            f"  {name:11s} hidden {','.join(map(str, p.hidden))} {p.activation}, "
            f"{p.epochs} epochs, batch size {p.batch_size}"
            for name, p in PROBLEMS.items()
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    t.add_argument("problem", choices=list(PROBLEMS), help="the toy data set")
    t.add_argument(
        "--hidden", type=layer_sizes, help="hidden layer sizes, e.g. 16,16 (default per problem)"
    )
    t.add_argument(
        "--activation", choices=sorted(ACTIVATIONS), help="activation (default per problem)"
    )
    t.add_argument(
        "--optimizer", type=optimizer_name, default="adam", help="sgd, momentum, adam, ... (adam)"
    )
    t.add_argument(
        "--lr",
        type=positive_float,
        help=f"learning rate (default {DEFAULT_LR:g}; 0.1 for sgd, momentum, nesterov and "
        "adagrad; 1 for adadelta)",
    )
    t.add_argument("--batch-size", type=positive_int, help="mini-batch size (default per problem)")
    t.add_argument("--epochs", type=positive_int, help="passes over the data (default per problem)")
    t.add_argument("--seed", type=non_negative_int, default=0, help="data, init and shuffle seed")
    t.add_argument("--out", default="minigrad-out", help="output folder (./minigrad-out)")
    t.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    t.add_argument(
        "--html",
        action="store_true",
        help="also write PROBLEM_training.html, a page that replays the run snapshot by snapshot",
    )

    g = commands.add_parser(
        "graph",
        help="draw the computation graph of an expression or an MLP",
        description="Draw the computation graph of a small expression or of one MLP forward and "
        "backward pass, with every gradient. Expressions are read by a tiny interpreter (not "
        f"eval): numbers, + - * / ** @, the leaves {', '.join(LEAVES)} and the functions "
        f"{', '.join(FUNCTIONS)}.",
    )
    source = g.add_mutually_exclusive_group()
    source.add_argument(
        "--expr", type=checked_expression, default="tanh(a * b + c)", help="(tanh(a * b + c))"
    )
    source.add_argument("--mlp", type=mlp_sizes, help="layer sizes of an MLP, e.g. 2,4,1")
    g.add_argument(
        "--steps", action="store_true", help="write the backward pass step by step (PNG, GIF, HTML)"
    )
    g.add_argument("--seed", type=non_negative_int, default=0, help="seed for the MLP's weights")
    g.add_argument(
        "--expand",
        action="store_true",
        help="draw every tensor of a big MLP (by default its layers collapse to one node each "
        "beyond 24 nodes)",
    )
    g.add_argument(
        "--out",
        default="minigrad-out/graph.svg",
        help="picture to write: .svg, .png, .pdf or .dot (with --steps: a folder named after it)",
    )

    commands.add_parser(
        "compare",
        help="the optimizer tour (minigrad compare --help for its options)",
        add_help=False,  # its own parser, in minigrad.tour, answers --help
    )
    from .lr_find import add_parser as add_lr_find_parser  # the lr range test (minigrad.optim)

    add_lr_find_parser(commands, PROBLEMS, optimizer_name)
    return parser


def main(argv=None) -> int:
    """Entry point of the `minigrad` command; returns the exit code.

    No input ends in a traceback: usage errors exit with 2, failures while working with 1, and
    Ctrl-C with 130, each with one line on stderr.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    command = "minigrad"
    try:
        parser = build_parser()
        args, rest = parser.parse_known_args(argv)
        command = f"minigrad {args.command}" if args.command else command
        if args.command == "compare":
            return compare(rest)
        if rest:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
        if args.command is None:
            parser.print_help()
            return 0
        if args.command == "lr-find":
            from .lr_find import lr_find

            return lr_find(args, PROBLEMS)
        return train(args) if args.command == "train" else graph(args)
    except UsageError as err:
        print(f"{command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\n{command}: interrupted", file=sys.stderr)
        return 130
    except (OSError, MemoryError) as err:  # a full disk, a file that vanished, too little memory
        print(f"{command}: error: {one_line(err)}", file=sys.stderr)
        return 1
    except Exception as err:  # a bug: still one line (with its kind), not a traceback
        print(f"{command}: internal error: {type(err).__name__}: {one_line(err)}", file=sys.stderr)
        return 1


def shortened(text: str, limit: int = 300) -> str:
    """At most `limit` characters of `text` (some numpy messages list every shape)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def one_line(err) -> str:
    """The first line of an exception's message (or its kind, if it has none)."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
