"""The `minigrad` command: acceptance metrics with the defaults, files written, argument errors."""

import math
import re
import subprocess
import sys

import matplotlib.image
import numpy as np
import pytest
from PIL import Image

import minigrad as mg
from minigrad import cli
from minigrad.data import make_spirals


def run_cli(capsys, *argv):
    """Run `minigrad argv...` in this process; return (exit code, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exit:
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err


def trained(problem, *extra):
    """Train one problem with the command's defaults (no bar, no files): its TrainedRun."""
    args = cli.build_parser().parse_args(["train", problem, "--no-progress", *extra])
    return cli.train_problem(args)


# --- acceptance: the defaults reach the promised metrics on the default seed ------------------


def test_train_moons_defaults_reach_97_percent_test_accuracy_and_write_files(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "train", "moons", "--no-progress", "--out", str(tmp_path))
    assert code == 0
    test_accuracy = float(re.search(r"test accuracy ([\d.]+)%", out).group(1))
    assert test_accuracy >= 97.0

    written = re.findall(r"^wrote (.+)$", out, flags=re.M)
    names = sorted(p.rsplit("/", 1)[-1] for p in written)
    assert names == ["moons_boundary.png", "moons_graph.svg", "moons_loss.png", "moons_model.npz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # and nothing else

    boundary = matplotlib.image.imread(tmp_path / "moons_boundary.png")
    assert boundary.shape == (500, 600, 4)  # figsize (6, 5) at 100 dpi
    assert boundary[..., :3].std() > 0.1  # a picture, not a blank canvas
    loss = matplotlib.image.imread(tmp_path / "moons_loss.png")
    assert loss.shape[0] >= 300 and loss.shape[1] > loss.shape[0]  # loss and accuracy panels

    svg = (tmp_path / "moons_graph.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for label in ("0.weight", "2.bias", "4.weight", "linear", "relu", "loss"):
        assert f">{label}<" in svg, label

    # The saved weights are the model the printed accuracy belongs to: reload and re-measure.
    weights = mg.load(tmp_path / "moons_model.npz")
    model = mg.nn.MLP([2, 16, 16, 2])
    model.load_state_dict(weights)
    X, y = mg.data.make_moons(**cli.PROBLEMS["moons"].options, seed=0)
    _, X_test, _, y_test = mg.data.train_test_split(X, y, seed=0)
    logits = model(mg.tensor(X_test)).data
    assert 100 * np.mean(logits.argmax(axis=1) == y_test) == pytest.approx(test_accuracy, abs=0.05)


def test_train_spirals_defaults_reach_95_percent_train_accuracy_on_three_classes():
    run = trained("spirals")
    X_train, _, y_train, _ = run.split
    assert set(np.unique(y_train)) == {0, 1, 2}
    logits = run.model(mg.tensor(X_train)).data
    assert np.mean(logits.argmax(axis=1) == y_train) >= 0.95
    assert run.history["accuracy"][-1] >= 0.95


def test_train_regression_defaults_reach_test_mse_within_twice_the_noise_variance():
    run = trained("regression")
    _, X_test, _, y_test = run.split
    predictions = run.model(mg.tensor(X_test)).data.reshape(-1)
    mse = np.mean((predictions.astype(np.float64) - y_test) ** 2)
    noise_variance = cli.PROBLEMS["regression"].options["noise"] ** 2
    assert mse <= 2 * noise_variance
    assert run.history["test_loss"][-1] == pytest.approx(mse, rel=1e-4)


def test_train_options_change_the_model_and_the_optimizer(capsys, tmp_path):
    run = trained("xor", "--hidden", "5", "--activation", "tanh", "--optimizer", "SGD",
                  "--lr", "0.5", "--epochs", "3", "--batch-size", "400")  # fmt: skip
    assert [tuple(p.shape) for p in run.model.parameters()] == [(5, 2), (5,), (2, 5), (2,)]
    assert type(run.model[1]).__name__ == "Tanh"
    assert len(run.history["loss"]) == 3
    out = capsys.readouterr().out
    assert "MLP 2-5-2 (tanh), sgd lr=0.5, batch size 400, 3 epochs" in out


def test_spirals_data_the_command_trains_on_is_the_documented_generator():
    run = trained("spirals", "--epochs", "1")
    X, y = make_spirals(300, n_classes=3, seed=0)
    X_train, X_test, _, _ = run.split
    np.testing.assert_array_equal(np.sort(np.concatenate([X_train, X_test]), axis=0),
                                  np.sort(X, axis=0))  # fmt: skip


# --- argument errors: argparse's message and exit code 2, never a traceback -------------------


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "moons", "--hidden", "16,abc"], "argument --hidden: expected comma-separated"),
        (
            ["train", "moons", "--hidden", "16,0"],
            "argument --hidden: every layer size must be >= 1",
        ),
        (["train", "moons", "--lr", "-1"], "argument --lr: must be a finite number > 0, got -1"),
        (["train", "moons", "--lr", "inf"], "argument --lr: must be a finite number > 0"),
        (["train", "moons", "--optimizer", "adamm"], "argument --optimizer: unknown optimizer"),
        (["train", "moons", "--epochs", "0"], "argument --epochs: must be >= 1, got 0"),
        (["train", "moons", "--epochs", "2.5"], "argument --epochs: expected an integer >= 1"),
        (["train", "moons", "--batch-size", "0"], "argument --batch-size: must be >= 1"),
        (["train", "moons", "--seed", "-3"], "argument --seed: must be >= 0, got -3"),
        (["train", "moons", "--activation", "swish"], "argument --activation: invalid choice"),
        (["train", "planets"], "argument problem: invalid choice: 'planets'"),
        (["train"], "the following arguments are required: problem"),
        (["train", "moons", "--bogus"], "unrecognized arguments: --bogus"),
        (["graph", "--mlp", "3"], "argument --mlp: needs at least two sizes"),
        (["graph", "--mlp", "2,x"], "argument --mlp: expected comma-separated"),
        (["graph", "--expr", "a", "--mlp", "2,1"], "not allowed with argument --expr"),
        (["graph", "--expr", "q + 1"], "argument --expr: unknown name 'q'"),
        (["graph", "--expr", "1 + 2"], "uses no leaf tensor"),
        (["graph", "--expr", "tanh(a"], "argument --expr: cannot parse"),
        (["graph", "--expr", "__import__('os')"], "unknown function '__import__'"),
        (["graph", "--expr", "a.__class__"], "'a.__class__' is not allowed here"),
        (["graph", "--expr", "[a, b]"], "is not allowed here"),
        (["graph", "--expr", "sum(x, axis=print)"], "keywords take a constant"),
        (["graph", "--expr", "'text' * a"], "is not allowed here"),
        (["fly"], "invalid choice: 'fly'"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(capsys, argv, message):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert message in err
    assert "error:" in err and "Traceback" not in err + out


def test_a_diverging_run_says_so_and_writes_nothing(capsys, tmp_path):
    code, out, err = run_cli(capsys, "train", "regression", "--optimizer", "sgd", "--lr", "1e6",
                             "--epochs", "2", "--no-progress", "--out", str(tmp_path / "out"))  # fmt: skip
    assert code == 1
    assert "minigrad train: the loss diverged" in err and "try a smaller --lr than 1e+06" in err
    assert "RuntimeWarning" not in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_optimizer_error_lists_the_available_optimizers(capsys):
    _, _, err = run_cli(capsys, "train", "moons", "--optimizer", "adamm")
    for name in ("adam", "sgd"):
        assert name in err.split("choose from", 1)[1]


# --- graph -------------------------------------------------------------------------------------


def test_expression_interpreter_computes_values_and_gradients():
    out = cli.evaluate_expression("tanh(a * b + c)")  # a=2, b=-3, c=10: tanh(4)
    out.backward()
    leaves = {t.name: t for t in mg.topological_order(out) if t.is_leaf}
    assert set(leaves) == {"a", "b", "c"}
    assert out.item() == pytest.approx(math.tanh(4.0), rel=1e-6)
    slope = 1 - math.tanh(4.0) ** 2
    assert leaves["a"].grad == pytest.approx(slope * -3.0, rel=1e-4)
    assert leaves["b"].grad == pytest.approx(slope * 2.0, rel=1e-4)
    assert leaves["c"].grad == pytest.approx(slope, rel=1e-4)

    out = cli.evaluate_expression("sum(w @ x, axis=0) - -d ** 2")
    w, x = np.array(cli.LEAVES["w"]), np.array(cli.LEAVES["x"])
    assert out.item() == pytest.approx((w @ x).sum() + 4.0, rel=1e-6)


def test_graph_expr_dot_has_one_node_per_tensor_and_op_and_a_shared_leaf_once(capsys, tmp_path):
    path = tmp_path / "g.dot"
    code, out, _ = run_cli(capsys, "graph", "--expr", "a * b + a", "--out", str(path))
    assert code == 0 and f"wrote {path}" in out
    dot = path.read_text()
    ops = re.findall(r"label=(\w+) class=op", dot)
    assert sorted(ops) == ["add", "mul"]
    tensor_nodes = re.findall(r'class="tensor', dot)
    assert len(tensor_nodes) == 4  # a, b, a*b, out: `a` used twice is one node
    a_node = re.search(r"^\s*(\w+) \[label=<<B>a</B>", dot, flags=re.M).group(1)
    assert len(re.findall(rf"^\s*{a_node} -> ", dot, flags=re.M)) == 2  # with two out-edges
    assert "grad&#160;-2<" in dot  # d(a*b + a)/da = b + 1 = -2


def test_graph_expr_svg_shows_the_ops_and_values(capsys, tmp_path):
    path = tmp_path / "graph.svg"
    code, _, _ = run_cli(capsys, "graph", "--expr", "tanh(a * b + c)", "--out", str(path))
    assert code == 0
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text())
    for label in ("mul", "add", "tanh", "a", "b", "c", "out"):
        assert label in texts, label
    assert any("0.9993" in t for t in texts)  # tanh(4)


def test_graph_mlp_draws_each_parameter_by_name(capsys, tmp_path):
    path = tmp_path / "mlp.svg"
    code, out, _ = run_cli(capsys, "graph", "--mlp", "2,3,1", "--out", str(path))
    assert code == 0 and "MLP (2, 3, 1)" in out
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text())
    for label in ("0.weight", "0.bias", "2.weight", "2.bias", "loss", "linear", "tanh"):
        assert label in texts, label


def test_graph_steps_writes_one_frame_per_backward_step_and_a_gif_and_page(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "graph", "--expr", "a * b + c", "--steps", "--out",
                           str(tmp_path / "steps.svg"))  # fmt: skip
    assert code == 0
    n_steps = int(re.search(r"wrote (\d+) frames", out).group(1))
    assert n_steps == 5  # out, a*b, then the leaves c, a, b: every tensor that requires grad
    frames = sorted((tmp_path / "steps").glob("step_*.png"))
    assert len(frames) == n_steps
    with Image.open(tmp_path / "steps" / "backward.gif") as gif:
        assert gif.n_frames == n_steps
    page = (tmp_path / "steps" / "backward.html").read_text()
    assert page.count("<svg") == n_steps


def test_graph_without_dot_writes_the_dot_source_and_says_so(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("minigrad.viz.output.find_renderer", lambda: None)  # no dot, no graphviz-pure
    code, out, _ = run_cli(capsys, "graph", "--out", str(tmp_path / "graph.svg"))
    assert code == 0
    assert "`dot` program was not found" in out and "apt-get install graphviz" in out
    assert f"wrote {tmp_path / 'graph.dot'}" in out
    assert (tmp_path / "graph.dot").read_text().startswith("digraph")
    assert not (tmp_path / "graph.svg").exists()


def test_graph_steps_without_dot_stops_with_how_to_install_it(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("minigrad.viz.output.find_renderer", lambda: None)  # no dot, no graphviz-pure
    code, _, _ = run_cli(capsys, "graph", "--steps", "--out", str(tmp_path / "steps"))
    assert isinstance(code, str)  # SystemExit(message): Python prints it and exits with 1
    assert "--steps needs Graphviz's `dot` program" in code and "apt-get install graphviz" in code
    assert not (tmp_path / "steps").exists()


# --- the command itself -------------------------------------------------------------------------


def test_version_through_python_dash_m():
    result = subprocess.run(
        [sys.executable, "-m", "minigrad", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"minigrad {mg.__version__}"


def test_building_the_parser_loads_no_heavy_module():
    # `minigrad --version` must answer at once: no matplotlib, graphviz, numba or tqdm yet.
    code = (
        "import sys; from minigrad.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('matplotlib', 'graphviz', 'numba', 'tqdm') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_command_prints_help(capsys):
    code, out, _ = run_cli(capsys)
    assert code == 0
    for command in ("train", "graph", "compare"):
        assert command in out


# --- compare: the tour's own parser, reached through the command ------------------------------


def test_compare_runs_the_tour_with_its_own_arguments(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "compare", "--problem", "quadratic", "--optimizers",
                           "sgd,adam", "--steps", "5", "--out", str(tmp_path))  # fmt: skip
    assert code == 0
    rows = re.findall(r"^\| (\w+) \|", out, flags=re.M)
    assert rows[1:] == ["sgd", "adam"]  # after the header row
    figures = list(tmp_path.glob("*.png"))
    assert len(figures) == 1 and str(figures[0]) in out


def test_compare_help_and_errors_come_from_the_tours_parser(capsys):
    code, out, _ = run_cli(capsys, "compare", "--help")
    assert code == 0 and "usage: minigrad compare" in out and "--optimizers" in out
    code, _, err = run_cli(capsys, "compare", "--problem", "nope")
    assert code == 2 and "minigrad compare: error: argument --problem: invalid choice" in err
