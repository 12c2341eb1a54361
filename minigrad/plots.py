"""Matplotlib figures: decision boundaries, fitted curves, loss histories and optimizer paths.

Figures are built with matplotlib's object API on the Agg canvas and never through pyplot, so they
need no display, leave pyplot's global state (and any backend the user chose) alone, and are freed
once dropped. `import minigrad` does not import this module, nor matplotlib.

Every function draws into `ax` when given one, else into a new figure, and returns the Figure.
"""

from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap, LogNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import LogLocator, MaxNLocator

from .tensor import Tensor, no_grad

# tab10's distinct colours, one per class or run; tab20 when there are more than ten runs
_TAB10 = list(colormaps["tab10"].colors)


def _colors(n):
    """n distinct colours: tab10, or tab20's 20 when there are more runs than ten."""
    if n <= len(_TAB10):
        return _TAB10[:n]
    return [colormaps["tab20"](i % 20) for i in range(n)]


def _new_figure(figsize, ncols=1):
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, ncols)
    return fig, axes


def _model_output(func, model, inputs):
    """Run model on a float32 (n, d) array without recording a graph; return a numpy array."""
    with no_grad():
        out = model(Tensor(np.ascontiguousarray(inputs, dtype=np.float32)))
    out = np.asarray(out.data if isinstance(out, Tensor) else out)
    if out.ndim == 0 or out.shape[0] != len(inputs) or out.ndim > 2:
        raise ValueError(
            f"{func}: model returned shape {out.shape} for {len(inputs)} inputs; expected "
            f"({len(inputs)},), ({len(inputs)}, 1) or ({len(inputs)}, n_classes)"
        )
    return out


def _classes_from_scores(scores):
    """Predicted class per row: argmax of logits, or score > 0 for a single output."""
    if scores.ndim == 1 or scores.shape[1] == 1:
        return (scores.reshape(-1) > 0).astype(np.int64), 2
    return scores.argmax(axis=1), scores.shape[1]


def plot_decision_boundary(model, X, y, ax=None, title=None, resolution=200):
    """Colour the plane by the model's predicted class, with the points coloured by their label.

    `model` maps an (n, 2) float32 Tensor to logits (n, C) (class = argmax) or to scores (n,) or
    (n, 1) (class 1 where score > 0). Labels y are 0..C-1 for logits; for a single score any label
    > 0 (1, or +1 of a -1/+1 hinge set-up) is class 1 and the rest class 0. The default title shows
    the model's accuracy on (X, y).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: X must have shape (n, 2), got {X.shape}")
    if len(y) != len(X):
        raise ValueError(
            f"plot_decision_boundary: X and y must have the same length, got {len(X)} and {len(y)}"
        )
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 0.25
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    xx, yy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    grid = np.stack([xx.ravel(), yy.ravel()], axis=1)
    grid_class, n_classes = _classes_from_scores(
        _model_output("plot_decision_boundary", model, grid)
    )
    point_scores = _model_output("plot_decision_boundary", model, X)
    point_class, _ = _classes_from_scores(point_scores)
    single_score = point_scores.ndim == 1 or point_scores.shape[1] == 1
    label_class = (y > 0).astype(np.int64) if single_score else y.astype(np.int64)
    n_classes = max(n_classes, int(label_class.max()) + 1)

    fig, ax = _new_figure((6, 5)) if ax is None else (ax.figure, ax)
    colors = _colors(n_classes)
    # one band per class: levels halfway between the integers
    ax.contourf(
        xx,
        yy,
        grid_class.reshape(xx.shape),
        levels=np.arange(n_classes + 1) - 0.5,
        cmap=ListedColormap(colors),
        alpha=0.3,
    )
    for value in np.unique(y):
        rows = y == value
        ax.scatter(
            X[rows, 0],
            X[rows, 1],
            s=22,
            color=colors[label_class[rows][0]],
            edgecolors="black",
            linewidths=0.5,
            label=f"y = {value:g}",
        )
    accuracy = np.mean(point_class == label_class)
    ax.set_title(title if title is not None else f"Decision boundary (accuracy {accuracy:.1%})")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.legend(loc="best", framealpha=0.9)
    return fig


def plot_regression(model, X, y, ax=None, title=None, true_fn=None):
    """The model's curve over the data points (1-D input), with the true function when given.

    `model` maps an (n, 1) float32 Tensor to predictions (n,) or (n, 1); `true_fn` maps a numpy
    array of x values to the noise-free targets. The default title shows the MSE on (X, y).
    """
    x = np.asarray(X, dtype=np.float64)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if x.ndim != 1:
        raise ValueError(f"plot_regression: X must have shape (n,) or (n, 1), got {x.shape}")
    if len(y) != len(x):
        raise ValueError(
            f"plot_regression: X and y must have the same length, got {len(x)} and {len(y)}"
        )
    pad = 0.05 * (x.max() - x.min())
    xs = np.linspace(x.min() - pad, x.max() + pad, 400)
    curve = _model_output("plot_regression", model, xs[:, None]).reshape(len(xs), -1)
    fitted = _model_output("plot_regression", model, x[:, None]).reshape(len(x), -1)
    if curve.shape[1] != 1:
        raise ValueError(
            f"plot_regression: model must return one value per input, got {curve.shape[1]}"
        )
    mse = np.mean((fitted[:, 0] - y) ** 2)

    fig, ax = _new_figure((7, 4.5)) if ax is None else (ax.figure, ax)
    ax.scatter(x, y, s=12, color=_TAB10[0], alpha=0.6, label="data")
    if true_fn is not None:
        ax.plot(xs, true_fn(xs), "--", color="black", linewidth=1.2, label="true function")
    ax.plot(xs, curve[:, 0], color=_TAB10[3], linewidth=2.2, label="model")
    ax.set_title(title if title is not None else f"Fitted curve (MSE {mse:.4g})")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="best", framealpha=0.9)
    return fig


_X_LABELS = {"epoch": "epoch", "time": "wall time (s)", "step": "step"}


def plot_history(histories, ax=None, title=None, x="epoch"):
    """Loss per epoch (log scale) for one or many runs, and accuracy on a second panel if recorded.

    `histories` maps a run name to a history dict with the list "loss" and optionally "test_loss",
    "accuracy" and "test_accuracy" (one value per epoch); a single history dict is also accepted.
    Each run gets one colour and one legend entry; test curves are dashed. `x="epoch"` numbers the
    epochs 1, 2, ...; any other value names a list in each history to use as the x axis (for
    example "time" for cumulative wall time). `ax` is one Axes (loss only) or two (loss, accuracy).
    Non-positive losses cannot be shown on the log scale and leave gaps.
    """
    if isinstance(histories, dict) and not isinstance(histories.get("loss", {}), dict):
        histories = {"train": histories}
    if not isinstance(histories, dict) or not histories:
        raise ValueError("plot_history: histories must be a non-empty dict of name -> history")
    for name, history in histories.items():
        if "loss" not in history:
            raise ValueError(f"plot_history: history {name!r} has no 'loss' list")
        if x != "epoch" and len(history.get(x, ())) != len(history["loss"]):
            raise ValueError(
                f"plot_history: history {name!r} needs a list {x!r} as long as its 'loss' list"
            )
    has_accuracy = any("accuracy" in h or "test_accuracy" in h for h in histories.values())
    has_test = any("test_loss" in h or "test_accuracy" in h for h in histories.values())

    if ax is None:
        fig, axes = _new_figure((11, 4.2) if has_accuracy else (6.5, 4.2), 2 if has_accuracy else 1)
        loss_ax, acc_ax = (axes[0], axes[1]) if has_accuracy else (axes, None)
    elif isinstance(ax, (list, tuple, np.ndarray)):
        loss_ax, acc_ax = ax[0], ax[1]
        fig = loss_ax.figure
    else:
        loss_ax, acc_ax, fig = ax, None, ax.figure

    def xs(history, key):
        return np.arange(1, len(history[key]) + 1) if x == "epoch" else history[x]

    for (name, history), color in zip(histories.items(), _colors(len(histories)), strict=True):
        losses = np.asarray(history["loss"], dtype=np.float64)
        label = name
        if (losses <= 0).any():  # the log axis hides a loss of 0: say so rather than stop silently
            label += f" (loss 0 from {_X_LABELS.get(x, x).split(' ')[0]} "
            label += f"{xs(history, 'loss')[np.argmax(losses <= 0)]:g}, not shown)"
        loss_ax.plot(xs(history, "loss"), losses, color=color, label=label)
        if "test_loss" in history:
            loss_ax.plot(xs(history, "test_loss"), history["test_loss"], "--", color=color)
        if acc_ax is not None:
            for key, style in (("accuracy", "-"), ("test_accuracy", "--")):
                if key in history:
                    acc_ax.plot(xs(history, key), history[key], style, color=color)
    loss_ax.set_yscale("log", nonpositive="mask")
    loss_ax.set_ylabel("loss (log scale)")
    loss_ax.set_title(title if title is not None else "Loss")
    loss_ax.legend(loc="best", framealpha=0.9)
    for a in (loss_ax, acc_ax):
        if a is not None:
            a.set_xlabel(_X_LABELS.get(x, x))
            if x == "epoch":
                a.xaxis.set_major_locator(MaxNLocator(integer=True))
            a.grid(True, which="major", alpha=0.3)
    if acc_ax is not None:
        acc_ax.set_ylabel("accuracy")
        acc_ax.set_title("Accuracy")
        if has_test:  # the colours are the runs (left legend); here only what the styles mean
            styles = [
                Line2D([], [], color="0.3", label="train"),
                Line2D([], [], color="0.3", linestyle="--", label="test"),
            ]
            acc_ax.legend(handles=styles, loc="best", framealpha=0.9)
    return fig


def _auto_levels(Z, n):
    """n contour levels: log-spaced when Z >= 0 spans over two decades, else evenly spaced."""
    finite = Z[np.isfinite(Z)]
    zmin, zmax = finite.min(), finite.max()
    if zmax <= zmin:  # a flat function still gets a (single visible) level
        return np.linspace(zmin - 1, zmax + 1, n), False
    if zmin >= 0 and zmax > 0:
        lowest = max(zmin, zmax * 1e-5)  # a minimum of exactly 0 has no logarithm
        if zmax / lowest > 100:
            return np.geomspace(lowest, zmax, n), True
    return np.linspace(zmin, zmax, n), False


def plot_trajectories(
    fn, paths, ax=None, title=None, levels=30, bounds=None, minimum=None, resolution=300
):
    """Contours of f(x, y) with each optimizer's path: its own colour, start and end markers.

    `fn(x, y)` takes numpy arrays (evaluated on a grid). `paths` maps a name to a (k, 2) array of
    the points visited. `levels` is a number of contour levels, log-spaced when f >= 0 on the view
    and spans more than two decades (as on Rosenbrock's valley), else evenly spaced; or explicit
    levels. `bounds` ((xmin, xmax), (ymin, ymax)) defaults to the paths' extent plus a margin.
    `minimum` (x, y) is marked with a star. Paths are clipped to the view.
    """
    if not isinstance(paths, dict) or not paths:
        raise ValueError(
            "plot_trajectories: paths must be a non-empty dict of name -> (k, 2) array"
        )
    arrays = {}
    for name, path in paths.items():
        points = np.asarray(path, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
            raise ValueError(
                f"plot_trajectories: path {name!r} must be a (k, 2) array of points, "
                f"got shape {points.shape}"
            )
        arrays[name] = points
    if bounds is None:
        marked = np.reshape([] if minimum is None else minimum, (-1, 2))
        everything = np.concatenate([*arrays.values(), marked])
        everything = everything[np.isfinite(everything).all(axis=1)]
        lo, hi = everything.min(axis=0), everything.max(axis=0)
        pad = 0.15 * (hi - lo) + 0.1
        bounds = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))
    (x0, x1), (y0, y1) = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    with np.errstate(all="ignore"):
        Z = np.asarray(fn(gx, gy), dtype=np.float64)
    if Z.shape != gx.shape or not np.isfinite(Z).any():
        raise ValueError(
            f"plot_trajectories: fn(x, y) must return finite values of the grid's shape {gx.shape}, "
            f"got shape {Z.shape}"
        )
    if isinstance(levels, (int, np.integer)):
        levels, log_levels = _auto_levels(Z, levels)
    else:
        levels = np.asarray(levels, dtype=np.float64)
        log_levels = levels.min() > 0 and levels.max() / levels.min() > 100

    own_figure = ax is None
    fig, ax = _new_figure((8.5 if len(arrays) > 4 else 7, 6)) if own_figure else (ax.figure, ax)
    norm = LogNorm(levels[0], levels[-1]) if log_levels else None
    filled = ax.contourf(
        gx, gy, Z, levels=levels, cmap="Greys_r", norm=norm, alpha=0.35, extend="both"
    )
    ticks = LogLocator() if log_levels else MaxNLocator(8)
    fig.colorbar(filled, ax=ax, label="f(x, y)", ticks=ticks, aspect=40, pad=0.02)
    ax.contour(gx, gy, Z, levels=levels, colors="0.45", linewidths=0.6)
    # tab10 colours, then the same colours dashed, then dotted: more distinct than tab20's shades
    styles = [(_TAB10[i % 10], ("-", "--", ":")[i // 10 % 3]) for i in range(len(arrays))]
    for (name, points), (color, linestyle) in zip(arrays.items(), styles, strict=True):
        ax.plot(
            points[:, 0],
            points[:, 1],
            linestyle=linestyle,
            color=color,
            linewidth=1.6,
            marker=".",
            markersize=3,
            label=name,
        )
        ax.plot(
            *points[0],
            "o",
            markersize=8,
            markerfacecolor="white",
            markeredgecolor=color,
            markeredgewidth=1.8,
            label="_start",
        )
        ax.plot(
            *points[-1],
            "X",
            markersize=10,
            color=color,
            markeredgecolor="black",
            markeredgewidth=0.7,
            label="_end",
        )
    markers = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markerfacecolor="white",
            markeredgecolor="black",
            label="start",
        ),
        Line2D(
            [], [], linestyle="none", marker="X", color="0.5", markeredgecolor="black", label="end"
        ),
    ]
    if minimum is not None:
        markers.append(
            ax.plot(
                *minimum, "*", markersize=16, color="gold", markeredgecolor="black", label="minimum"
            )[0]
        )
    handles, _ = ax.get_legend_handles_labels()
    handles = [h for h in handles if h.get_label() != "minimum"] + markers
    if own_figure and len(handles) > 7:  # a long legend would hide the paths: put it outside
        fig.legend(handles=handles, loc="outside right upper", fontsize="small")
    else:
        ax.legend(handles=handles, loc="best", framealpha=0.9, fontsize="small")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title if title is not None else "Optimizer paths")
    return fig


def save_figure(fig, path, dpi=100):
    """Write the figure to `path` (format from its suffix: .png, .svg, .pdf), creating folders.

    Returns the path as a pathlib.Path. The image is figsize * dpi pixels.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    return path


def contour_png(fn, bounds, width=560, height=460, levels=30) -> bytes:
    """A PNG of f(x, y)'s filled contours filling the picture edge to edge (no axes, no margin).

    Pixel (0, 0) is (xmin, ymax) and pixel (width, height) is (xmax, ymin) of `bounds`
    ((xmin, xmax), (ymin, ymax)), so a web page can draw paths over it with a linear map.
    Levels are chosen as in plot_trajectories (log-spaced when f spans over two decades).
    """
    import io

    (x0, x1), (y0, y1) = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, 300), np.linspace(y0, y1, 300))
    with np.errstate(all="ignore"):
        Z = np.asarray(fn(gx, gy), dtype=np.float64)
    levels, log_levels = _auto_levels(Z, levels)
    fig = Figure(figsize=(width / 100, height / 100), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    norm = LogNorm(levels[0], levels[-1]) if log_levels else None
    ax.contourf(gx, gy, Z, levels=levels, cmap="Greys_r", norm=norm, alpha=0.35, extend="both")
    ax.contour(gx, gy, Z, levels=levels, colors="0.45", linewidths=0.6)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_axis_off()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
