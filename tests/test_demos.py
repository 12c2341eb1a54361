"""Each demo runs in its reduced mode (MINIGRAD_DEMO_QUICK=1) in a subprocess; check what it prints."""

import importlib.util
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import pytest
from PIL import Image

DEMOS = Path(__file__).resolve().parent.parent / "demos"


def run_demo(name, out_dir, *args):
    """Run demos/<name>.py quickly with its figures in out_dir; return what it printed."""
    env = {**os.environ, "MINIGRAD_DEMO_QUICK": "1"}
    result = subprocess.run(
        [sys.executable, str(DEMOS / f"{name}.py"), "--out", str(out_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,  # a hang guard only: under load a quick run can take minutes
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def written_files(stdout):
    return [Path(p) for p in re.findall(r"^wrote (\S+)$", stdout, flags=re.M)]


def load_demo(name):
    spec = importlib.util.spec_from_file_location(f"demo_{name}", DEMOS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_moons_mlp_quick_run_prints_its_accuracy_and_draws_both_figures(tmp_path):
    out = run_demo("moons_mlp", tmp_path)
    accuracy = float(re.search(r"train accuracy ([\d.]+)% after 60 epochs", out).group(1))
    assert accuracy >= 85.0
    files = written_files(out)
    assert sorted(p.name for p in files) == ["moons_mlp.png", "moons_mlp_history.png"]
    assert matplotlib.image.imread(files[0]).shape == (500, 600, 4)


def test_moons_mlp_full_run_reaches_100_percent_train_accuracy(tmp_path, capsys):
    # The demo's promise, micrograd's: a 2-16-16-1 MLP with hinge loss fits all 100 noisy moons.
    history = load_demo("moons_mlp").main(out=tmp_path)
    assert len(history["accuracy"]) == 200
    assert history["accuracy"][-1] == 1.0
    assert "train accuracy 100.0% after 200 epochs" in capsys.readouterr().out


def test_regression_quick_run_gets_test_mse_within_twice_the_noise_variance(tmp_path):
    out = run_demo("regression", tmp_path)
    train_mse, test_mse = map(
        float, re.search(r"train MSE ([\d.]+), test MSE ([\d.]+)", out).groups()
    )
    noise_variance = float(re.search(r"noise variance ([\d.]+)", out).group(1))
    assert noise_variance == pytest.approx(0.01)
    assert test_mse <= 2 * noise_variance
    assert train_mse > 0.5 * noise_variance  # fits the sine, does not memorise the noise
    (figure,) = written_files(out)
    image = matplotlib.image.imread(figure)
    assert image.shape == (450, 1200, 4)  # two panels: the fit and the loss curves


def test_spirals_quick_run_shows_the_wide_network_far_ahead_of_the_narrow_one(tmp_path):
    out = run_demo("spirals", tmp_path)
    accuracy = {
        name.strip(): float(value) / 100
        for name, value in re.findall(r"^(.+?)\s+train accuracy\s+([\d.]+)%", out, flags=re.M)
    }
    assert set(accuracy) == {
        "2-8-5, constant lr",
        "2-64-64-5, constant lr",
        "2-64-64-5, cosine schedule",
    }
    assert accuracy["2-8-5, constant lr"] < 0.6
    assert accuracy["2-64-64-5, cosine schedule"] >= 0.9
    assert sorted(p.name for p in written_files(out)) == [
        "spirals_boundaries.png",
        "spirals_history.png",
    ]


def test_graph_viz_prints_micrograds_neuron_gradients_and_writes_the_step_through(tmp_path):
    out = run_demo("graph_viz", tmp_path)
    grads = dict(
        (name, float(value)) for name, value in re.findall(r"d o / d (\w+) = ([-+\d.]+)", out)
    )
    # o = tanh(n), n = x1 w1 + x2 w2 + b, with tanh(n) = 1/sqrt(2) so do/dn = 1 - 1/2
    assert float(re.search(r"o = ([\d.]+)", out).group(1)) == pytest.approx(
        1 / math.sqrt(2), abs=1e-4
    )
    slope = 0.5
    expected = {"x1": -3.0 * slope, "w1": 2.0 * slope, "x2": 1.0 * slope, "w2": 0.0, "b": slope}
    assert grads == pytest.approx(expected, abs=1e-4)

    n_frames = int(re.search(r"wrote (\d+) frames", out).group(1))
    assert n_frames == 10  # o, n, x1*w1 + x2*w2, b, x2*w2, x2, w2, x1*w1, x1, w1
    assert len(list((tmp_path / "neuron_steps").glob("step_*.png"))) == n_frames
    with Image.open(tmp_path / "neuron_steps" / "backward.gif") as gif:
        assert gif.n_frames == n_frames
    svg = (tmp_path / "mlp.svg").read_text()
    for label in ("0.weight", "0.bias", "2.weight", "2.bias", "loss"):
        assert f">{label}<" in svg, label


def test_xor_gd_demo_drives_the_loss_down_with_hand_written_gradient_descent():
    result = subprocess.run(
        [sys.executable, str(DEMOS / "xor_gd.py"), "--steps", "300"],
        capture_output=True,
        text=True,
        timeout=900,  # a hang guard only: under load a quick run can take minutes
    )
    assert result.returncode == 0, result.stderr[-2000:]
    losses = [float(x) for x in re.findall(r"^step +\d+ +loss ([0-9.e+-]+)$", result.stdout, re.M)]
    assert len(losses) >= 3
    assert losses[-1] < 1e-3 < losses[0]
    predictions = re.search(r"\(1,1\): \[(.*)\]", result.stdout).group(1).split()
    assert [round(float(p)) for p in predictions] == [0, 1, 1, 0]


def test_optimizers_tour_quick_run_measures_its_claims_and_writes_every_figure(tmp_path):
    stdout = run_demo("optimizers_tour", tmp_path)
    # Adagrad's effective learning rate never rises; RMSprop's does.
    for rises, changes in re.findall(
        r"adagrad \(lr [0-9.]+\): the effective lr rose on (\d+) of (\d+)", stdout
    ):
        assert int(rises) == 0 and int(changes) > 100
    rms = re.search(r"rmsprop \(lr [0-9.]+\): the effective lr rose on (\d+) of", stdout)
    assert int(rms.group(1)) > 0
    # Adam's steps equal Adam written out from the gradients alone, to rounding error.
    gaps = re.search(r"largest step difference ([0-9.e+-]+), largest \|m̂ - weighted mean of g\| "
                     r"([0-9.e+-]+)", stdout)  # fmt: skip
    assert float(gaps.group(1)) < 1e-12 and float(gaps.group(2)) < 1e-12
    # Momentum overshoots the valley's minimum; plain gradient descent does not.
    rows = dict(
        re.findall(r"^\| (sgd|momentum) \| 0\.13 \| [^|]+ \| ([0-9.e+-]+) \|", stdout, re.M)
    )
    assert float(rows["momentum"]) > 0 and float(rows["sgd"]) == 0
    files = written_files(stdout)
    assert len(files) == 11
    for path in files:
        height, width = matplotlib.image.imread(path).shape[:2]
        assert height > 200 and width > 200
