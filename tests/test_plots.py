"""Figures: what each one draws (pixels, line data, scales, legends) and the files they save to."""

import subprocess
import sys

import matplotlib.image
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb

import minigrad as mg
from minigrad.plots import (
    plot_decision_boundary,
    plot_history,
    plot_regression,
    plot_trajectories,
    save_figure,
)

TAB10 = ["#1f77b4", "#ff7f0e", "#2ca02c"]  # matplotlib's tab10, the class and run colours


def rendered_pixels(fig):
    """The figure as an (H, W, 3) float array in [0, 1], as it would be saved."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255.0


def pixel_at(fig, ax, image, point):
    """The colour drawn at data coordinates `point` of `ax`, or None under the legend box."""
    px, py = ax.transData.transform(point)
    if ax.get_legend().get_window_extent().expanded(1.1, 1.1).contains(px, py):
        return None
    return image[image.shape[0] - 1 - int(round(py)), int(round(px))]


def labelled_lines(ax):
    """Line2D objects that show up in a legend (labels not starting with '_')."""
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_importing_minigrad_imports_no_matplotlib_and_plots_avoid_pyplot():
    code = (
        "import sys, minigrad, minigrad.data\n"
        "assert 'matplotlib' not in sys.modules, 'minigrad imported matplotlib'\n"
        "import numpy as np, minigrad.plots as p\n"
        "p.plot_history({'a': {'loss': [1.0, 0.5]}})\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'plots imported pyplot'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------- decision boundary


def blend(hex_color, alpha=0.3):
    """The colour of a class band: the class colour at `alpha` over the white axes."""
    return alpha * np.array(to_rgb(hex_color)) + (1 - alpha)


def test_decision_boundary_colours_each_region_by_the_models_single_score():
    def model(t):  # class 1 above the line x2 = x1
        return t[:, 1] - t[:, 0]

    X = np.array([[-2.0, -2.0], [2.0, 2.0], [-2.0, 2.0], [2.0, -2.0]], np.float32)
    y = np.array([0, 1, 1, 0])  # [2, 2] has score 0, so the model says class 0
    fig = plot_decision_boundary(model, X, y)
    ax = fig.axes[0]
    image = rendered_pixels(fig)
    rng = np.random.default_rng(0)
    checked = 0
    for point in rng.uniform(-2.2, 2.2, size=(300, 2)):
        far_from_boundary = abs(point[1] - point[0]) > 0.3
        far_from_data = np.min(np.abs(X - point).max(axis=1)) > 0.4
        if far_from_boundary and far_from_data:
            drawn = pixel_at(fig, ax, image, point)
            if drawn is not None:
                expected = blend(TAB10[int(point[1] > point[0])])
                np.testing.assert_allclose(drawn, expected, atol=0.02)
                checked += 1
    assert checked > 100
    assert ax.get_title() == "Decision boundary (accuracy 75.0%)"
    assert legend_texts(ax) == ["y = 0", "y = 1"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$x_1$", "$x_2$")


def test_decision_boundary_for_three_class_logits_uses_argmax():
    def model(t):  # logits x1, x2, -(x1 + x2): three wedges meeting at the origin
        return mg.stack([t[:, 0], t[:, 1], -t[:, 0] - t[:, 1]], axis=1)

    X = np.array([[3.0, 0.0], [0.0, 3.0], [-3.0, -3.0]], np.float32)
    fig = plot_decision_boundary(model, X, np.array([0, 1, 2]), title="wedges")
    ax = fig.axes[0]
    image = rendered_pixels(fig)
    checked = 0
    for point in np.random.default_rng(1).uniform(-3, 3, size=(300, 2)):
        logits = np.array([point[0], point[1], -point.sum()])
        top2 = np.sort(logits)[-2:]
        if top2[1] - top2[0] > 0.4 and np.min(np.abs(X - point).max(axis=1)) > 0.5:
            drawn = pixel_at(fig, ax, image, point)
            if drawn is not None:
                np.testing.assert_allclose(drawn, blend(TAB10[int(logits.argmax())]), atol=0.02)
                checked += 1
    assert checked > 100
    assert ax.get_title() == "wedges"


def test_decision_boundary_maps_minus_one_labels_to_class_zero_for_a_single_score():
    X = np.array([[-1.0, 0.0], [1.0, 0.0]], np.float32)
    fig = plot_decision_boundary(lambda t: t[:, :1], X, np.array([-1, 1]))  # (n, 1) scores
    ax = fig.axes[0]
    assert legend_texts(ax) == ["y = -1", "y = 1"]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    faces = [to_rgb(c.get_facecolor()[0]) for c in points]
    np.testing.assert_allclose(faces, [to_rgb(TAB10[0]), to_rgb(TAB10[1])])
    assert ax.get_title() == "Decision boundary (accuracy 100.0%)"


def test_decision_boundary_errors():
    X, y = np.zeros((4, 2), np.float32), np.zeros(4)
    with pytest.raises(ValueError, match=r"plot_decision_boundary: X must have shape \(n, 2\)"):
        plot_decision_boundary(lambda t: t[:, 0], np.zeros((4, 3)), y)
    with pytest.raises(ValueError, match=r"plot_decision_boundary: X and y must have the same"):
        plot_decision_boundary(lambda t: t[:, 0], X, np.zeros(3))
    with pytest.raises(ValueError, match=r"plot_decision_boundary: model returned shape \(1,\)"):
        plot_decision_boundary(lambda t: t.sum(axis=0)[:1], X, y)


# ---------------------------------------------------------------------------- regression


def test_regression_draws_the_models_curve_over_the_data_and_the_true_function():
    X = np.array([[-1.0], [0.0], [2.0]], np.float32)
    y = np.array([-2.0, 1.0, 4.0], np.float32)  # model 2x misses the middle point by 1
    fig = plot_regression(lambda t: 2 * t, X, y, true_fn=np.sin)
    ax = fig.axes[0]
    model_line, true_line = (
        next(line for line in ax.get_lines() if line.get_label() == label)
        for label in ("model", "true function")
    )
    xs = model_line.get_xdata()
    assert xs.min() <= -1 and xs.max() >= 2 and len(xs) >= 100
    np.testing.assert_allclose(model_line.get_ydata(), 2 * xs, rtol=1e-6)
    np.testing.assert_allclose(true_line.get_ydata(), np.sin(true_line.get_xdata()))
    (points,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    np.testing.assert_allclose(points.get_offsets(), np.c_[X[:, 0], y])
    assert ax.get_title() == f"Fitted curve (MSE {1 / 3:.4g})"
    assert legend_texts(ax) == ["data", "true function", "model"]


def test_regression_errors():
    with pytest.raises(ValueError, match=r"plot_regression: X must have shape \(n,\) or \(n, 1\)"):
        plot_regression(lambda t: t, np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"plot_regression: X and y must have the same length"):
        plot_regression(lambda t: t, np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match=r"plot_regression: model must return one value per"):
        plot_regression(lambda t: mg.concatenate([t, t], axis=1), np.zeros(3), np.zeros(3))


# ---------------------------------------------------------------------------- history


def test_history_one_log_scale_line_per_run_and_an_accuracy_panel():
    runs = {
        "adam": {
            "loss": [1.0, 0.1, 0.01],
            "accuracy": [0.5, 0.9, 1.0],
            "test_accuracy": [0.4, 0.8, 0.9],
        },
        "sgd": {"loss": [1.0, 0.5, 0.25, 0.2], "accuracy": [0.5, 0.6, 0.7, 0.8]},
    }
    fig = plot_history(runs, title="moons")
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_yscale() == "log" and acc_ax.get_yscale() == "linear"
    lines = labelled_lines(loss_ax)
    assert [line.get_label() for line in lines] == ["adam", "sgd"]
    assert legend_texts(loss_ax) == ["adam", "sgd"]
    for line, history in zip(lines, runs.values(), strict=True):
        np.testing.assert_array_equal(line.get_xdata(), np.arange(1, len(history["loss"]) + 1))
        np.testing.assert_array_equal(line.get_ydata(), history["loss"])
    assert to_rgb(lines[0].get_color()) != to_rgb(lines[1].get_color())
    # accuracy: adam solid + dashed test, sgd solid, each in its run's colour
    acc_lines = acc_ax.get_lines()
    assert [(list(a.get_ydata()), a.get_linestyle()) for a in acc_lines] == [
        ([0.5, 0.9, 1.0], "-"),
        ([0.4, 0.8, 0.9], "--"),
        ([0.5, 0.6, 0.7, 0.8], "-"),
    ]
    colours = [to_rgb(a.get_color()) for a in acc_lines]
    assert colours == [to_rgb(lines[0].get_color())] * 2 + [to_rgb(lines[1].get_color())]
    assert legend_texts(acc_ax) == ["train", "test"]
    assert loss_ax.get_title() == "moons" and acc_ax.get_ylabel() == "accuracy"
    assert loss_ax.get_xlabel() == "epoch"


def test_history_of_losses_only_has_one_panel_and_accepts_a_single_history():
    fig = plot_history({"loss": [3.0, 2.0, 1.0]})
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    assert legend_texts(ax) == ["train"]
    np.testing.assert_array_equal(labelled_lines(ax)[0].get_ydata(), [3.0, 2.0, 1.0])


def test_history_against_wall_time_and_into_given_axes():
    base = plot_history({"b": {"loss": [2.0]}})  # borrow a figure's axes to draw into
    ax = base.axes[0]
    out = plot_history({"a": {"loss": [1.0, 0.5], "time": [0.1, 0.3]}}, ax=ax, x="time")
    assert out is base
    line = labelled_lines(ax)[-1]
    np.testing.assert_array_equal(line.get_xdata(), [0.1, 0.3])
    assert ax.get_xlabel() == "wall time (s)"


def test_history_says_when_a_loss_of_zero_falls_off_the_log_scale():
    ax = plot_history({"hinge": {"loss": [1.0, 0.5, 0.0, 0.0]}, "ok": {"loss": [1.0]}}).axes[0]
    assert legend_texts(ax) == ["hinge (loss 0 from epoch 3, not shown)", "ok"]


def test_history_errors():
    with pytest.raises(ValueError, match=r"plot_history: histories must be a non-empty dict"):
        plot_history({})
    with pytest.raises(ValueError, match=r"plot_history: history 'a' has no 'loss' list"):
        plot_history({"a": {"accuracy": [1.0]}})
    with pytest.raises(ValueError, match=r"plot_history: history 'a' needs a list 'time'"):
        plot_history({"a": {"loss": [1.0, 0.5], "time": [0.1]}}, x="time")


# ---------------------------------------------------------------------------- trajectories


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def contour_levels(ax):
    return [c.levels for c in ax.collections if hasattr(c, "levels")]


def test_trajectories_one_line_per_path_with_markers_and_legend():
    paths = {
        "gd": np.array([[-1.5, 2.0], [-1.0, 1.0], [0.0, 0.0], [0.9, 0.8]]),
        "adam": np.array([[-1.5, 2.0], [-1.4, 1.9], [-1.2, 1.5]]),
    }
    fig = plot_trajectories(rosenbrock, paths, minimum=(1, 1), title="Rosenbrock")
    ax = fig.axes[0]
    lines = labelled_lines(ax)
    assert [line.get_label() for line in lines] == ["gd", "adam", "minimum"]
    for line, points in zip(lines[:2], paths.values(), strict=True):
        np.testing.assert_array_equal(np.c_[line.get_xdata(), line.get_ydata()], points)
    colours = {to_rgb(line.get_color()) for line in lines[:2]}
    assert len(colours) == 2
    # each path's start and end markers sit on its first and last points, in its colour
    starts = [line for line in ax.get_lines() if line.get_label() == "_start"]
    ends = [line for line in ax.get_lines() if line.get_label() == "_end"]
    for points, start, end, line in zip(paths.values(), starts, ends, lines[:2], strict=True):
        np.testing.assert_array_equal(np.r_[start.get_xdata(), start.get_ydata()], points[0])
        np.testing.assert_array_equal(np.r_[end.get_xdata(), end.get_ydata()], points[-1])
        assert to_rgb(start.get_markeredgecolor()) == to_rgb(line.get_color())
        assert to_rgb(end.get_color()) == to_rgb(line.get_color())
    assert legend_texts(ax) == ["gd", "adam", "start", "end", "minimum"]
    # the view holds every point and the minimum
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < -1.5 and x1 > 1.0 and y0 < 0.0 and y1 > 2.0
    assert ax.get_title() == "Rosenbrock"


def test_trajectories_levels_log_spaced_for_a_wide_positive_range_else_even():
    path = {"p": np.array([[-2.0, -1.0], [2.0, 3.0]])}
    ax = plot_trajectories(rosenbrock, path, levels=12).axes[0]
    levels = contour_levels(ax)[0]
    assert len(levels) == 12 and levels[-1] / levels[0] > 1e3
    np.testing.assert_allclose(np.diff(np.log(levels)), np.log(levels[1] / levels[0]))

    ax = plot_trajectories(lambda x, y: x**2 - y**2, path, levels=9).axes[0]
    levels = contour_levels(ax)[0]
    np.testing.assert_allclose(np.diff(levels), levels[1] - levels[0])
    assert levels[0] < 0 < levels[-1]

    ax = plot_trajectories(rosenbrock, path, levels=[1, 10, 100], bounds=((-1, 1), (0, 2)))
    ax = ax.axes[0]
    np.testing.assert_array_equal(contour_levels(ax)[-1], [1, 10, 100])
    assert ax.get_xlim() == (-1, 1) and ax.get_ylim() == (0, 2)


def test_trajectories_beyond_ten_paths_reuse_colours_dashed_and_move_the_legend_outside():
    paths = {f"run {i}": np.array([[0.0, 0.0], [1.0, i / 10]]) for i in range(12)}
    fig = plot_trajectories(rosenbrock, paths)
    ax = fig.axes[0]
    lines = labelled_lines(ax)
    styles = [(to_rgb(line.get_color()), line.get_linestyle()) for line in lines]
    assert len(set(styles)) == 12
    assert [s[1] for s in styles] == ["-"] * 10 + ["--"] * 2
    assert styles[10][0] == styles[0][0]
    assert ax.get_legend() is None
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [*paths, "start", "end"]


def test_trajectories_errors():
    with pytest.raises(ValueError, match=r"plot_trajectories: paths must be a non-empty dict"):
        plot_trajectories(rosenbrock, {})
    with pytest.raises(ValueError, match=r"plot_trajectories: path 'p' must be a \(k, 2\) array"):
        plot_trajectories(rosenbrock, {"p": np.zeros((3, 3))})
    with pytest.raises(ValueError, match=r"plot_trajectories: fn\(x, y\) must return finite"):
        plot_trajectories(lambda x, y: 1.0, {"p": np.zeros((2, 2))})


# ---------------------------------------------------------------------------- saving


def test_save_figure_writes_a_png_of_figsize_times_dpi_and_an_svg(tmp_path):
    fig = plot_history({"a": {"loss": [1.0, 0.1]}})  # 6.5 x 4.2 inches
    path = save_figure(fig, tmp_path / "sub" / "history.png", dpi=40)
    assert path == tmp_path / "sub" / "history.png"
    image = matplotlib.image.imread(path)
    assert image.shape[:2] == (round(4.2 * 40), round(6.5 * 40))
    assert image[..., :3].std() > 0.05  # not blank
    svg = save_figure(fig, tmp_path / "history.svg")
    assert "<svg" in svg.read_text()


def test_contour_png_fills_the_picture_with_the_view_dark_at_the_minimum():
    import io

    from PIL import Image

    from minigrad.plots import contour_png

    def bowl(x, y):
        return (x - 1) ** 2 + (y + 0.5) ** 2  # minimum at (1, -0.5)

    bounds = ((-2.0, 2.0), (-1.5, 1.5))
    picture = Image.open(io.BytesIO(contour_png(bowl, bounds, width=200, height=150))).convert("L")
    assert picture.size == (200, 150)
    pixels = np.asarray(picture, dtype=float)

    def at(x, y):  # pixel (0, 0) is (xmin, ymax): the page maps points onto it this way
        col = round((x - bounds[0][0]) / 4.0 * 199)
        row = round((bounds[1][1] - y) / 3.0 * 149)
        return pixels[max(0, row - 2) : row + 3, max(0, col - 2) : col + 3].mean()

    assert at(1.0, -0.5) < at(-1.9, 1.4) - 20  # Greys_r: low f is dark, high f is light
