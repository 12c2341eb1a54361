"""The tour's figures, one function per claim, drawn from the numbers the experiments measured.

Built on minigrad.plots (plot_trajectories, plot_history) and matplotlib's object API (no pyplot).
"""

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from minigrad.plots import plot_history, plot_trajectories
from minigrad.tour.paths import steps_to_reach

_TAB10 = list(colormaps["tab10"].colors)


def _colors(n):
    """n distinct colours (no panel of the tour has more than ten lines)."""
    return _TAB10[:n]


def _figure(width, height, ncols):
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots(1, ncols)


def compact_png(path):
    """Rewrite a PNG with a 256-colour palette: a third of the size, no visible change for plots."""
    from PIL import Image  # Pillow comes with matplotlib

    with Image.open(path) as image:
        palette = image.convert("RGB").quantize(256, dither=Image.Dither.NONE)
    palette.save(path, optimize=True)
    return path


def _steps_axis(ax, ylabel, log=True):
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.grid(True, alpha=0.3)


# the comparison's panels: plain gradient steps, per-weight adaptive rates, Adam and its relatives
FAMILIES = (
    ("gradient descent", ("sgd", "momentum", "nesterov")),
    ("adaptive per-weight rates", ("adagrad", "rmsprop", "rprop", "adadelta")),
    ("Adam and relatives", ("adam", "adamw", "amsgrad", "adamax", "nadam")),
)


def problem_figure(problem, paths, steps):
    """Contours of a 2-D test problem, one panel per optimizer (a row per family), each path alone
    in colour over its family's other paths in grey: paths that follow each other cannot hide."""
    rows = [[n for n in members if n in paths] for _, members in FAMILIES]
    titles = [title for (title, _), row in zip(FAMILIES, rows) if row]
    rows = [row for row in rows if row]
    ncols = max(len(row) for row in rows)
    fig = Figure(figsize=(3.9 * ncols, 3.4 * len(rows)), layout="constrained")
    FigureCanvasAgg(fig)
    axes = np.array(fig.subplots(len(rows), ncols, squeeze=False))
    for r, (family, row) in enumerate(zip(titles, rows)):
        for c in range(ncols):
            ax = axes[r, c]
            if c >= len(row):
                ax.set_axis_off()
                continue
            name = row[c]
            path = paths[name]
            with np.errstate(all="ignore"):
                values = problem.fn(path[:, 0], path[:, 1])
            reached = steps_to_reach(values, problem.f_min + problem.tolerance)
            outcome = f"f - f* <= {problem.tolerance:g} at step {reached}" if reached else (
                f"final f {values[-1]:.3g}"
            )
            plot_trajectories(
                problem.fn,
                {name: path},
                ax=ax,
                title=f"{name} (lr {problem.lr[name]:g}): {outcome}",
                bounds=problem.bounds,
                minimum=problem.minimum,
                resolution=150,
            )
            for other in row:
                if other != name:
                    ax.plot(*paths[other].T, color="0.55", linewidth=0.8, zorder=1.5)
            ax.get_legend().remove()
            ax.title.set_fontsize("medium")
            if c == 0:
                ax.set_ylabel(f"{family}\n\ny")
    fig.suptitle(
        f"{problem.name}: {steps} steps from {problem.start}, one optimizer per panel "
        "(grey: the other paths of its family; o start, X end, star the minimum)"
    )
    return fig


def batch_noise_figure(paths, loss, lr):
    """Batch GD, mini-batch SGD and SGD paths on the regression loss over two weights."""
    steps = len(next(iter(paths.values()))) - 1
    fig = plot_trajectories(
        loss,
        paths,
        title=f"Same loss, same lr {lr:g}, {steps} updates each: the batch size sets the noise",
        minimum=loss.minimum,
        levels=np.arange(0.0, 25.0, 1.0),  # whole numbers: the colour bar's ticks stay apart
    )
    ax, colorbar = fig.axes[0], fig.axes[1]
    ax.set_xlabel("weight $w_1$")
    ax.set_ylabel("weight $w_2$")
    colorbar.set_ylabel("full-data loss: mean squared error at $(w_1, w_2)$")
    return fig


def wall_time_figure(histories_by_size, target_loss, seconds):
    """Training loss against wall time for each batch size, one panel per data-set size."""
    fig, axes = _figure(11, 4.2, len(histories_by_size))
    axes = np.atleast_1d(axes)
    for ax, (n_train, histories) in zip(axes, histories_by_size.items()):
        plot_history(histories, ax=ax, x="time", title=f"moons, {n_train} training points")
        for line in ax.lines:  # a run with few epochs in the budget is only a few points
            if len(line.get_xdata()) < 3:  # start and one epoch: no curve to draw between them
                line.set_linestyle("none")
                line.set_marker("o")
                line.set_label(f"{line.get_label()}: only {len(line.get_xdata())} measurements")
            elif len(line.get_xdata()) < 60:
                line.set_marker(".")
        ax.legend(loc="best")
        ax.axhline(target_loss, color="0.3", linestyle=":", linewidth=1)
        ax.annotate(
            f"target loss {target_loss:g}",
            (0.98, target_loss),
            xycoords=("axes fraction", "data"),
            ha="right",
            va="bottom",
            fontsize="small",
            color="0.3",
        )
        ax.set_ylabel("training loss (log scale)")
    fig.suptitle(
        f"Training loss against wall time, {seconds:g} s of training per batch size "
        "(dots: ends of epochs, where the loss is measured)"
    )
    return fig


def _log_seconds_axis(ax):
    """A log-scale time axis labelled 0.001, 0.003, 0.01, ... even when it spans under a decade."""
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 3.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("wall time (s, log scale)")


def _moons_family(row):
    """Which panel a data-set run goes in: its optimizer's family."""
    name = row.split(" (")[0]
    for title, members in FAMILIES:
        if name in members:
            return title
    return FAMILIES[0][0]  # batch GD, SGD and mini-batch SGD are gradient descent


def optimizers_history_figure(
    histories, title="moons: the same MLP and seed, one run per optimizer"
):
    """Training loss per epoch (top) and against wall time (bottom), one column per family."""
    columns = {}
    for row, history in histories.items():
        trimmed = {"loss": history["loss"], "time": history["time"]}
        columns.setdefault(_moons_family(row), {})[row] = trimmed
    fig = Figure(figsize=(5 * len(columns), 7.5), layout="constrained")
    FigureCanvasAgg(fig)
    axes = np.array(fig.subplots(2, len(columns), sharey=True, squeeze=False))
    for k, (family, runs) in enumerate(columns.items()):
        plot_history(runs, ax=axes[0, k], title=f"{family}: loss per epoch")
        plot_history(runs, ax=axes[1, k], x="time", title="the same runs against wall time")
        _log_seconds_axis(axes[1, k])  # SGD with batch size 1 takes ~30x longer than the rest
        axes[1, k].get_legend().remove()
        for ax in axes[:, k]:
            _tell_lines_apart(ax.get_lines())
            ax.set_ylabel("training loss (log scale)" if k == 0 else "")
            ax.legend(loc="best", fontsize="small") if ax is axes[0, k] else None
    fig.suptitle(f"{title} (markers staggered: where lines coincide, every run's markers show)")
    return fig


_LINE_STYLES = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1, 1, 1, 1, 1)), "v"))


def _tell_lines_apart(lines):
    """Give each line its own dash pattern and marker, the markers of line k at points k, k + n, ...

    Adam, AdamW and AMSGrad train moons along nearly the same curve, so colour alone leaves one
    line on top of the others; staggered markers never sit on each other, so each run stays
    visible even where the curves are one.
    """
    for k, line in enumerate(lines):
        dashes, marker = _LINE_STYLES[k % len(_LINE_STYLES)]
        line.set_linestyle(dashes)
        line.set_marker(marker)
        line.set_markersize(4.5)
        line.set_markevery((k, len(lines)))


def valley_figure(problem, paths):
    """Paths of GD and momentum in the narrow valley, and f per step on a log scale."""
    fig, axes = _figure(13, 4.6, 2)
    plot_trajectories(
        problem.fn,
        paths,
        ax=axes[0],
        bounds=problem.bounds,
        minimum=problem.minimum,
        title=f"the valley 0.05x² + 5y²: paths, lr {problem.lr['sgd']:g}",
    )
    for (name, path), color in zip(paths.items(), _colors(len(paths))):
        with np.errstate(all="ignore"):
            values = problem.fn(path[:, 0], path[:, 1])
        axes[1].plot(np.where(np.isfinite(values), values, np.nan), color=color, label=name)
    axes[1].axhline(1e-3, color="0.3", linestyle=":", linewidth=1, label="tolerance 1e-3")
    _steps_axis(axes[1], "f(x, y) (log scale)")
    axes[1].set_ylim(bottom=1e-8)
    axes[1].set_title("f per step: momentum overshoots, then settles far sooner")
    axes[1].legend(loc="best", fontsize="small")
    return fig


def adagrad_figure(paths, rates):
    """Effective lr per weight (Adagrad vs RMSprop), step length, and distance travelled per step."""
    fig, axes = _figure(15, 4.6, 3)
    colors = dict(zip(paths, _colors(len(paths))))
    for label, rate in rates.items():
        for i, (coord, style) in enumerate((("x", "-"), ("y", "--"))):
            steps = np.arange(1, len(rate) + 1)
            axes[0].plot(steps, rate[:, i], style, color=colors[label], label=f"{label}, {coord}")
    axes[0].set_title("effective lr = lr / (√state + ε), from optimizer.state")
    axes[0].set_ylabel("effective lr (log scale)")
    for label, path in paths.items():
        lengths = np.linalg.norm(np.diff(path, axis=0), axis=1)
        axes[1].plot(np.arange(1, len(lengths) + 1), lengths, color=colors[label], label=label)
        axes[2].plot(path[:, 0] - path[0, 0], color=colors[label], label=label)
    k = np.arange(1, len(lengths) + 1)
    axes[1].plot(k, 0.2 / np.sqrt(k), ":", color="0.3", label="∝ 1/√step")
    axes[1].set_title("step length: Adagrad's shrinks as 1/√step")
    axes[1].set_ylabel("|θ_k - θ_(k-1)| (log scale)")
    axes[2].set_title("distance travelled down the valley")
    axes[2].set_ylabel("x_k - x_0")
    for ax in axes[:2]:
        ax.set_xscale("log")
        _steps_axis(ax, ax.get_ylabel())
    _steps_axis(axes[2], axes[2].get_ylabel(), log=False)
    for ax in axes:
        ax.legend(loc="best", fontsize="small")
    fig.suptitle("The valley 0.05x² + 5y² from (-90, 0.9): the gradient along x hardly changes")
    return fig


def rprop_figure(problem, path, sizes, lr):
    """Rprop's path, and its per-weight step sizes from state["step_size"] over the steps."""
    fig, axes = _figure(13, 4.6, 2)
    plot_trajectories(
        problem.fn,
        {f"rprop, lr {lr:g}": path},
        ax=axes[0],
        bounds=problem.bounds,
        minimum=problem.minimum,
        title=f"Rprop on the {problem.name} valley",
    )
    steps = np.arange(1, len(sizes) + 1)
    for i, (coord, color) in enumerate(zip("xy", _colors(2))):
        axes[1].plot(steps, sizes[:, i], color=color, label=f"weight {coord}")
    axes[1].axhline(1e-6, color="0.3", linestyle=":", linewidth=1, label="floor (step_sizes[0])")
    _steps_axis(axes[1], 'state["step_size"] (log scale)')
    axes[1].set_title("per-weight step: ×1.2 while the sign holds, ×0.5 when it flips")
    axes[1].legend(loc="best", fontsize="small")
    return fig


def adam_figure(result, lr, problem, moment_paths):
    """Adam with and without β₁ on the valley, and step length over lr with and without correction."""
    fig, axes = _figure(14, 4.8, 2)
    plot_trajectories(
        problem.fn,
        moment_paths,
        ax=axes[0],
        bounds=((-10.0, 1.0), (-1.0, 1.0)),
        minimum=problem.minimum,
        title="the first moment swings Adam across the valley, like momentum",
    )
    ax = axes[1]
    colors = _colors(2)
    steps = np.arange(1, len(result["adam"]) + 1)
    for i, coord in enumerate("xy"):
        style = ("-", "--")[i]
        ax.plot(steps, result["adam"][:, i], style, color=colors[0], label=f"Adam, weight {coord}")
        ax.plot(
            steps,
            result["no bias correction"][:, i],
            style,
            color=colors[1],
            label=f"no bias correction (tour-only), weight {coord}",
        )
    ax.axhline(1.0, color="0.3", linestyle=":", linewidth=1, label="step = lr")
    ax.set_xscale("log")
    _steps_axis(ax, "|step| / lr", log=False)
    ax.set_title(f"early steps are about lr (lr {lr:g}); without bias correction they are not")
    ax.set_ylim(-0.2, 9.0)  # room above the curves for the legend
    ax.legend(loc="upper center", ncols=2, fontsize="small")
    return fig


def scales_figure(curves_by_panel, tolerance=1e-3):
    """f of the unscaled valley per step; one panel per {title: {label: values}}, a line per label."""
    fig, axes = _figure(6.5 * len(curves_by_panel), 4.6, len(curves_by_panel))
    for ax, (title, curves) in zip(np.atleast_1d(axes), curves_by_panel.items()):
        styles = ("-", "--", ":")  # lines that coincide stay visible
        for k, ((label, values), color) in enumerate(zip(curves.items(), _colors(len(curves)))):
            shown = np.where(np.isfinite(values) & (values < 1e6), values, np.nan)
            ax.plot(shown, styles[k % 3], color=color, linewidth=2.2 - 0.4 * k, label=label)
        ax.axhline(
            tolerance, color="0.3", linestyle=":", linewidth=1, label=f"tolerance {tolerance:g}"
        )
        _steps_axis(ax, "f(x, y) of the unscaled valley (log scale)")
        ax.set_title(title)
        ax.legend(loc="best", fontsize="small")
    return fig
