"""The optimizer tour: test functions against closed forms, run_path against hand-computed steps,
the compare command's output, and the cheap-to-check claims the docs make."""

import argparse

import numpy as np
import pytest

from minigrad.nn import Parameter
from minigrad.tour import (
    PROBLEMS,
    add_compare_arguments,
    beale,
    claims,
    compare,
    make_optimizer,
    markdown_table,
    quadratic,
    rosenbrock,
    run_compare,
    run_path,
    saddle,
)
from minigrad.tour.dataset import dataset_runs

POINTS = [(-1.5, 2.0), (0.3, -0.7), (1.0, 1.0), (2.2, 0.4)]


def engine_gradient(fn, point):
    """The gradient of fn(x, y) at point, from minigrad's backward pass."""
    p = Parameter(np.array(point, dtype=np.float64))
    fn(p[0], p[1]).backward()
    return p.grad


# closed-form gradients, written out by hand
GRADIENTS = {
    rosenbrock: lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
    beale: lambda x, y: (
        2 * (1.5 - x + x * y) * (y - 1)
        + 2 * (2.25 - x + x * y**2) * (y**2 - 1)
        + 2 * (2.625 - x + x * y**3) * (y**3 - 1),
        2 * (1.5 - x + x * y) * x
        + 2 * (2.25 - x + x * y**2) * 2 * x * y
        + 2 * (2.625 - x + x * y**3) * 3 * x * y**2,
    ),
    quadratic: lambda x, y: (0.1 * x, 10 * y),
    saddle: lambda x, y: (2 * x, y**3 - y),
}


@pytest.mark.parametrize("fn", list(GRADIENTS), ids=lambda f: f.__name__)
@pytest.mark.parametrize("point", POINTS)
def test_engine_gradient_of_each_test_function_matches_closed_form(fn, point):
    np.testing.assert_allclose(engine_gradient(fn, point), GRADIENTS[fn](*point), rtol=1e-12)


def test_test_function_values_at_known_points():
    assert rosenbrock(1.0, 1.0) == 0 and rosenbrock(-1.5, 2.0) == pytest.approx(12.5)
    assert beale(3.0, 0.5) == pytest.approx(0.0, abs=1e-15)
    assert beale(0.0, 0.0) == pytest.approx(1.5**2 + 2.25**2 + 2.625**2)
    assert quadratic(-9.0, 0.9) == pytest.approx(0.05 * 81 + 5 * 0.81)
    assert saddle(0.0, 0.0) == 0 and saddle(0.0, 1.0) == pytest.approx(-0.25)


@pytest.mark.parametrize("name", list(PROBLEMS))
def test_each_problem_minimum_has_zero_gradient_and_the_stated_value(name):
    problem = PROBLEMS[name]
    assert problem.fn(*problem.minimum) == pytest.approx(problem.f_min, abs=1e-12)
    np.testing.assert_allclose(engine_gradient(problem.fn, problem.minimum), 0, atol=1e-12)
    # numpy grids and Tensors give the same numbers (the contours show what is optimized)
    xs = np.array([problem.start[0], problem.minimum[0]])
    ys = np.array([problem.start[1], problem.minimum[1]])
    np.testing.assert_allclose(problem.fn(xs, ys)[0], problem.fn(*problem.start))


def test_run_path_with_plain_gd_on_the_quadratic_matches_hand_computation():
    lr, start = 0.13, (-9.0, 0.9)
    path = run_path(quadratic, start, lambda ps: make_optimizer("sgd", ps, lr), 4)
    expected = [np.array(start)]
    for _ in range(4):  # gradient (0.1 x, 10 y)
        x, y = expected[-1]
        expected.append(np.array([x - lr * 0.1 * x, y - lr * 10 * y]))
    assert path.shape == (5, 2)
    np.testing.assert_allclose(path, expected, rtol=1e-12)


def test_run_path_with_momentum_matches_heavy_ball_by_hand():
    lr, mu = 0.1, 0.9
    path = run_path(quadratic, (-9.0, 0.9), lambda ps: make_optimizer("momentum", ps, lr), 3)
    theta, buffer = np.array([-9.0, 0.9]), None
    for k in range(1, 4):
        g = np.array([0.1, 10.0]) * theta
        buffer = g if buffer is None else mu * buffer + g  # PyTorch starts the buffer at g
        theta = theta - lr * buffer
        np.testing.assert_allclose(path[k], theta, rtol=1e-12)


def test_run_path_rejects_bad_start_and_steps():
    make = lambda ps: make_optimizer("sgd", ps, 0.1)
    with pytest.raises(ValueError, match=r"run_path: start must be a point \(x, y\)"):
        run_path(quadratic, (1.0, 2.0, 3.0), make, 3)
    with pytest.raises(ValueError, match="run_path: steps must be an integer >= 0, got -1"):
        run_path(quadratic, (1.0, 2.0), make, -1)


def test_make_optimizer_rejects_unknown_names():
    p = Parameter(np.zeros(2))
    with pytest.raises(ValueError, match="make_optimizer: unknown optimizer 'adamm'"):
        make_optimizer("adamm", [p], 0.1)
    with pytest.raises(ValueError, match="dataset_runs: unknown optimizer 'sgdd'"):
        dataset_runs(["sgdd"])


def test_markdown_table_formats_rows():
    table = markdown_table([{"a": 1, "b": 0.123456, "c": None}, {"a": "x", "b": 2.0, "c": 3}])
    assert table.splitlines() == [
        "| a | b | c |",
        "|---|---|---|",
        "| 1 | 0.1235 |  |",
        "| x | 2 | 3 |",
    ]


def parse_compare(argv):
    parser = argparse.ArgumentParser(prog="minigrad compare")
    add_compare_arguments(parser)
    return parser.parse_args(argv)


def table_rows(text):
    """The body rows of the first markdown table in text."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    return [line.strip("|").split("|") for line in lines[2:]]


def test_compare_on_a_2d_problem_prints_one_row_per_optimizer_and_writes_figure(tmp_path, capsys):
    args = parse_compare(
        ["--problem", "quadratic", "--optimizers", "sgd,momentum", "--steps", "30"]
        + ["--out", str(tmp_path)]
    )
    assert run_compare(args) == 0
    out = capsys.readouterr().out
    rows = table_rows(out)
    assert [row[0].strip() for row in rows] == ["sgd", "momentum"]
    # the final value column is f at the end of the path run_path gives
    path = run_path(quadratic, (-9.0, 0.9), lambda ps: make_optimizer("sgd", ps, 0.13), 30)
    assert float(rows[0][3]) == pytest.approx(quadratic(*path[-1]), rel=1e-3)
    figure = tmp_path / "compare_quadratic.png"
    assert figure.stat().st_size > 10_000 and f"wrote {figure}" in out


def test_compare_on_moons_has_batch_gd_sgd_and_minibatch_rows(tmp_path, capsys):
    args = parse_compare(
        ["--problem", "moons", "--optimizers", "sgd,adam", "--steps", "1", "--out", str(tmp_path)]
    )
    assert run_compare(args) == 0
    out = capsys.readouterr().out
    rows = table_rows(out)
    assert [row[0].strip() for row in rows] == [
        "batch GD",
        "SGD (batch 1)",
        "mini-batch SGD (32)",
        "adam",
    ]
    # one epoch over 150 training points: 1 step, 150 steps, 5 steps, 5 steps
    assert [int(row[4]) for row in rows] == [1, 150, 5, 5]
    assert all(0 <= float(row[6]) <= 1 for row in rows)  # train accuracy
    assert (tmp_path / "compare_moons.png").stat().st_size > 10_000


def test_compare_rejects_unknown_optimizer_like_argparse(capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_compare(["--optimizers", "sgd,foo"])
    assert exit_info.value.code == 2
    assert "unknown optimizer(s) foo" in capsys.readouterr().err


def test_compare_rejects_steps_below_one(capsys):
    with pytest.raises(SystemExit):
        parse_compare(["--steps", "0"])
    assert "argument --steps: must be >= 1, got 0" in capsys.readouterr().err


def test_compare_reports_an_optimizer_missing_from_minigrad_optim(monkeypatch, capsys):
    monkeypatch.setattr(compare, "available_optimizers", lambda: ["sgd"])
    assert run_compare(parse_compare(["--optimizers", "sgd,adam"])) == 2
    assert "optimizer(s) not available in minigrad.optim: adam" in capsys.readouterr().err


# --- the claims that are cheap to check ---------------------------------------------------------


def test_batch_gd_path_is_exact_gradient_descent_and_sgd_is_the_noisiest():
    paths, loss = claims.batch_paths([None, 16, 1], steps=25)
    X, y = claims.regression_data()
    X, y = X.astype(np.float32).astype(np.float64), y.astype(np.float32).astype(np.float64)
    w = np.array([-1.0, 2.5])
    for k in range(1, 26):  # gradient of mean((Xw - y)²) is 2 Xᵀ(Xw - y) / n
        w = w - 0.05 * 2 * X.T @ (X @ w - y) / len(y)
        np.testing.assert_allclose(paths[None][k], w, rtol=1e-5)
    wiggle = {b: claims.wiggliness(p) for b, p in paths.items()}
    assert wiggle[None] < 1.01 < wiggle[16] < wiggle[1]


def test_adagrad_effective_lr_never_rises_while_rmsprop_does():
    _, rates, rows = claims.long_run(steps=100)
    for label, rate in rates.items():
        changes = np.diff(rate, axis=0)
        if label.startswith("adagrad"):
            assert (changes <= 0).all()
        else:
            assert (changes > 0).any()
    by_name = {row["optimizer"]: row for row in rows}
    adagrad = by_name["adagrad (lr 0.5)"]
    assert adagrad["mean step, last 10%"] < adagrad["mean step, first 10%"] / 3


def test_adam_first_step_is_lr_per_weight_and_uncorrected_variant_is_not():
    result = claims.adam_steps(steps=5, lr=0.01)
    np.testing.assert_allclose(result["adam"][0], [1.0, 1.0], rtol=1e-6)
    # without correction m₁ = (1-β₁) g and v₁ = (1-β₂) g², so |step| = lr (1-β₁)/√(1-β₂)
    np.testing.assert_allclose(result["no bias correction"][0], 0.1 / np.sqrt(0.001), rtol=1e-6)


def test_adam_matches_the_weighted_means_of_past_gradients_written_out():
    # the reference never sees the optimizer's state: only the closed-form gradients (0.1x, 10y)
    # at the points the run visited, averaged with Kingma & Ba's weights
    result = claims.adam_steps(steps=60, lr=0.01)
    assert result["max |step - step by hand|"] < 1e-12
    assert result["max |m̂ - weighted mean of g|"] < 1e-12


def test_adam_by_hand_first_two_steps_from_the_definitions():
    g1, g2 = np.array([2.0, -1.0]), np.array([1.0, 3.0])
    m1, v1 = 0.1 * g1 / 0.1, 0.001 * g1**2 / 0.001  # m̂₁ = g₁, v̂₁ = g₁²
    m2 = (0.9 * 0.1 * g1 + 0.1 * g2) / (1 - 0.81)
    v2 = (0.999 * 0.001 * g1**2 + 0.001 * g2**2) / (1 - 0.999**2)
    expected = [-0.1 * m1 / (np.sqrt(v1) + 1e-8), -0.1 * m2 / (np.sqrt(v2) + 1e-8)]
    np.testing.assert_allclose(claims.adam_by_hand([g1, g2], lr=0.1), expected, rtol=1e-12)


def test_amsgrad_effective_rate_still_grows_8x_after_the_gradient_shrinks():
    rates = claims.amsgrad_rates(steps=1000, lr=1e-3)
    amsgrad = rates["amsgrad"] / 1e-3
    # gradient 1 for 10 steps: raw v₁₀ = 1 - β₂¹⁰ is the maximum for good; at step t the rate is
    # √(1 - β₂^t) / √v₁₀, which is 1 at t = 10 and grows with t (ε is negligible next to √v)
    t = np.array([10, 100, 1000])
    expected = np.sqrt(1 - 0.999**t) / np.sqrt(1 - 0.999**10)
    np.testing.assert_allclose(amsgrad[t - 1], expected, rtol=1e-6)
    assert expected[-1] == pytest.approx(7.97, abs=0.01)
    assert (np.diff(amsgrad[10:]) > 0).all()  # it rises at every step after the switch
    assert rates["adam"][-1] > rates["amsgrad"][-1]  # Adam's own v forgets: it rises further


def test_saddle_first_steps_point_where_each_rule_says():
    rows = claims.saddle_directions(["sgd", "rmsprop", "adam", "adadelta"], steps=60)
    angle = {row["optimizer"]: row["first step's angle (°)"] for row in rows}
    gx, gy = 2 * -1.5, 1e-3**3 - 1e-3  # the gradient at the start (-1.5, 0.001)
    # SGD's first step is -lr g: along the gradient, almost exactly along x
    assert angle["sgd"] == pytest.approx(np.degrees(np.arctan2(-gy, -gx)), abs=1e-9)
    # RMSprop's first step per weight is lr g / (√((1 - α) g²) + ε), Adam's lr·sign(g) (|g| ≫ ε):
    # both on the diagonal, RMSprop a hair below it because ε is not negligible next to |y's g|
    rms = lambda g: g / (np.sqrt(0.01 * g**2) + 1e-8)
    assert angle["rmsprop"] == pytest.approx(np.degrees(np.arctan2(rms(-gy), rms(-gx))), abs=1e-9)
    assert angle["rmsprop"] == pytest.approx(45.0, abs=0.01)
    sign = lambda g: g / (np.abs(g) + 1e-8)
    assert angle["adam"] == pytest.approx(np.degrees(np.arctan2(sign(-gy), sign(-gx))), abs=1e-9)
    # AdaDelta's first step per weight is √ε g / √((1 - ρ) g² + ε): x's is 3.3x y's, not 1x
    step = lambda g: np.sqrt(1e-6) * g / np.sqrt(0.1 * g**2 + 1e-6)
    assert angle["adadelta"] == pytest.approx(
        np.degrees(np.arctan2(step(-gy), step(-gx))), abs=1e-6
    )


def test_rprop_step_sizes_only_grow_by_1_2_or_shrink_by_0_5_and_ignore_gradient_size():
    path, sizes = claims.rprop_step_sizes(steps=40)
    ratios = sizes[1:] / sizes[:-1]
    clamped = np.isclose(sizes[1:], 1e-6)
    assert np.all(
        np.isclose(ratios, 1.2) | np.isclose(ratios, 0.5) | np.isclose(ratios, 1.0) | clamped
    )
    assert np.isclose(ratios, 1.2).any() and np.isclose(ratios, 0.5).any()
    steep, _ = claims.rprop_step_sizes(steps=40, scale=1000.0)
    np.testing.assert_array_equal(steep, path)  # only signs are used: 1000·f gives the same path


def test_adadelta_ignores_the_scale_of_the_function_where_sgd_does_not():
    adadelta = claims.scaled_runs("adadelta", 1.0, (1.0, 100.0), steps=50)
    np.testing.assert_allclose(adadelta[100.0], adadelta[1.0], rtol=1e-3)
    sgd = claims.scaled_runs("sgd", 0.01, (1.0, 100.0), steps=50)
    assert sgd[100.0][-1] > 10 * sgd[1.0][-1] or not np.isfinite(sgd[100.0][-1])


def test_momentum_overshoots_and_still_reaches_the_tolerance_sooner_than_gd():
    _, rows = claims.valley_runs(steps=120, names=("sgd", "momentum"))
    gd, momentum = rows
    assert gd["times x crosses 0"] == 0 and gd["steps to f <= 1e-3"] == "never"
    assert momentum["times x crosses 0"] > 0 and momentum["largest overshoot past x = 0"] > 0.5
    assert momentum["steps to f <= 1e-3"] < 120


def test_adams_first_moment_swings_across_the_valley_and_beta1_zero_does_not():
    _, rows = claims.adam_moment_runs(steps=200)
    with_momentum, second_moment_only = rows
    assert with_momentum["times y crosses the valley floor"] > 0
    assert second_moment_only["times y crosses the valley floor"] == 0


# --- the learner's figures: sweeps, the momentum grid, the landscape ---------------------------


def test_measured_momentum_rates_match_the_heavy_ball_theory():
    from minigrad.tour import sweeps

    # plain GD (μ = 0) on curvatures 0.1 and 10: rate max |1 - γa| = 1 - 0.1 γ for γ = 0.05
    assert sweeps.theoretical_rate(0.05, 0.0) == pytest.approx(0.995, abs=1e-12)
    lr, mu, rate = sweeps.polyak_choice()
    assert (lr, mu, rate) == pytest.approx((4 / 12.1, (9 / 11) ** 2, 9 / 11), rel=1e-2)
    assert rate == pytest.approx((10 - 1) / (10 + 1), rel=1e-12)  # (√κ - 1)/(√κ + 1), κ = 100
    assert sweeps.critical_momentum(lr) == pytest.approx(mu, rel=1e-12)  # flat direction critical
    measured = sweeps.measured_rates([0.05, lr], [0.0, mu], steps=300)
    assert measured[0, 0] == pytest.approx(0.995, abs=1e-4)
    assert measured[1, 1] == pytest.approx(9 / 11, abs=0.01)
    # γ = 0.5 diverges across the valley: the error grows by |1 - 0.5·10| = 4 per step
    assert sweeps.measured_rates([0.5], [0.0], steps=300)[0, 0] == pytest.approx(4.0, rel=1e-9)


def test_lr_sweep_counts_the_steps_plain_gd_needs_by_hand():
    from minigrad.tour import sweeps

    # GD on 0.05x² + 5y² from (-9, 0.9): x_k = -9 (1 - 0.1γ)^k, y_k = 0.9 (1 - 10γ)^k
    lr = 0.1
    k = np.arange(2000)
    f = 0.05 * (9 * (1 - 0.1 * lr) ** k) ** 2 + 5 * (0.9 * (1 - 10 * lr) ** k) ** 2
    expected = int(np.flatnonzero(f <= 1e-3)[0])
    reached = sweeps.lr_sweep("quadratic", ["sgd"], [lr, 0.5], steps=1000)["sgd"]
    assert reached == [expected, None]  # lr 0.5 diverges across the valley
    assert sweeps.best_lr([lr, 0.5], reached) == lr


def test_landscape_projection_and_filter_normalization():
    from minigrad.tour import landscape

    reference = landscape._flat(landscape.new_model())
    d = landscape.filter_normalized_direction(reference, seed=3)
    model = landscape.new_model()
    landscape._load(model, d)
    landscape_model = landscape.new_model()
    for direction, weight in zip(model.parameters(), landscape_model.parameters()):
        if weight.data.ndim == 2:  # each neuron's row has the norm of the reference's row
            np.testing.assert_allclose(
                np.linalg.norm(direction.data, axis=1), np.linalg.norm(weight.data, axis=1),
                rtol=1e-5,
            )  # fmt: skip
        else:
            assert not direction.data.any()
    u, v = np.eye(4)[0], np.eye(4)[1]
    coords, kept = landscape.project([[2.0, 3.0, 0, 0], [1.0, 0, 4.0, 0]], np.zeros(4), u, v)
    np.testing.assert_allclose(coords, [[2, 3], [1, 0]], atol=1e-12)
    np.testing.assert_allclose(kept, [1.0, 1 / np.sqrt(17)], rtol=1e-12)


def test_make_figures_quick_run_writes_every_picture(tmp_path):
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "docs" / "make_figures.py"
    spec = importlib.util.spec_from_file_location("make_figures", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.main(tmp_path, quick=True)
    names = {path.name for path in written}
    assert {"autograd_example.png", "lr_sweep_quadratic.png", "lr_sweep_rosenbrock.png",
            "momentum_rate_grid.png", "moons_landscape.png"} <= names  # fmt: skip
    assert all(path.stat().st_size > 10_000 for path in written)
