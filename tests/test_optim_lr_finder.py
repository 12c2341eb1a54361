"""The learning-rate range test: on a quadratic its suggestion lies in the range of learning
rates derived by hand; the model is left as it was; the command's output and its errors."""

import numpy as np
import pytest
from PIL import Image

import minigrad as mg
from minigrad import cli
from minigrad.optim import SGD
from minigrad.optim.lr_finder import lr_finder


class Quadratic:
    """f(w) = (a/2) |w - c|²: gradient descent multiplies the error w - c by (1 - lr a) per step."""

    def __init__(self, a, dim=4):
        self.a = a
        self.w = mg.nn.Parameter(np.zeros(dim))
        self.c = mg.tensor(np.linspace(1.0, 2.0, dim))

    def parameters(self):
        return [self.w]

    def __call__(self, x):
        return self.w

    def loss(self, w, y):
        return ((w - self.c) * (w - self.c)).sum() * (self.a / 2)


@pytest.mark.parametrize("a", [0.5, 40.0])
@pytest.mark.parametrize("num_iter, start, end", [(100, 1e-4, 1e2), (60, 1e-3, 1e3)])
def test_suggestion_on_a_quadratic_is_inside_the_range_derived_by_hand(a, num_iter, start, end):
    # By hand: each step multiplies the error by |1 - lr a|. Descent converges iff lr < 2/a; a
    # step removes at least 10% of the error iff |1 - lr a| <= 0.9, i.e. 0.1/a <= lr <= 1.9/a.
    q = Quadratic(a)
    result = lr_finder(q, q.loss, [(None, None)], SGD, start_lr=start / a, end_lr=end / a,
                       num_iter=num_iter)  # fmt: skip
    assert 0.1 / a <= result.suggestion <= 1.9 / a, result.suggestion * a
    assert result.suggestion == result.lrs[result.suggested_index]


def test_lrs_grow_geometrically_and_the_test_stops_when_the_loss_diverges():
    q = Quadratic(1.3)  # not 1: lr = 1/a exactly would land on the minimum, where f stays 0
    result = lr_finder(q, q.loss, [(None, None)], SGD, start_lr=1e-3, end_lr=1e3, num_iter=61)
    np.testing.assert_allclose(result.lrs[1:] / result.lrs[:-1], 10**0.1, rtol=1e-12)
    assert result.lrs[0] == 1e-3
    assert 2 / 1.3 < result.lrs[-1] < 1e3  # stopped past lr = 2/a, where descent diverges
    assert result.smoothed[-1] > 4 * result.smoothed[:-1].min()
    # the smoothed loss is the bias-corrected moving average of the raw losses
    beta, average = 0.9, 0.0
    for k, loss in enumerate(result.losses):
        average = beta * average + (1 - beta) * loss
        assert result.smoothed[k] == pytest.approx(average / (1 - beta ** (k + 1)), rel=1e-12)


def test_the_model_is_restored_after_the_test():
    q = Quadratic(1.0)
    q.w.data[...] = [0.5, -1.0, 2.0, 3.0]
    w = q.w.data
    lr_finder(q, q.loss, [(None, None)], SGD, start_lr=1e-3, end_lr=10.0, num_iter=20, momentum=0.9)
    assert q.w.data is w and q.w.grad is None
    np.testing.assert_array_equal(w, [0.5, -1.0, 2.0, 3.0])


@pytest.mark.parametrize("kwargs, message", [
    ({"num_iter": 2}, "lr_finder: num_iter must be an integer >= 3, got 2"),
    ({"start_lr": 1.0, "end_lr": 0.1}, "lr_finder: need 0 < start_lr < end_lr"),
    ({"smoothing": 1.0}, r"lr_finder: smoothing must be in \[0, 1\), got 1.0"),
])  # fmt: skip
def test_bad_arguments_raise_naming_them(kwargs, message):
    q = Quadratic(1.0)
    with pytest.raises(ValueError, match=message):
        lr_finder(q, q.loss, [(None, None)], SGD, **{"num_iter": 10, **kwargs})


def run_cli(capsys, *argv):
    try:
        code = cli.main(list(argv))
    except SystemExit as exit:
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err


def test_lr_find_command_prints_the_suggestion_and_writes_the_plot(capsys, tmp_path):
    out_file = tmp_path / "xor.png"
    code, out, err = run_cli(capsys, "lr-find", "xor", "--iters", "40", "--out", str(out_file))
    assert code == 0, err
    assert "suggested lr: " in out and f"wrote {out_file}" in out
    suggested = float(out.split("suggested lr: ")[1].split()[0])
    assert 1e-5 <= suggested <= 10
    assert Image.open(out_file).size == (700, 450)


@pytest.mark.parametrize("argv, message", [
    (["lr-find", "moons", "--start-lr", "5", "--end-lr", "1"], "--start-lr (5) must be below --end-lr (1)"),
    (["lr-find", "moons", "--out", "plot.txt"], "--out must end in .png, .svg or .pdf"),
    (["lr-find", "nope"], "invalid choice: 'nope'"),
    (["lr-find", "moons", "--iters", "2"], "argument --iters: must be >= 3, got 2"),
    (["lr-find", "moons", "--start-lr", "-1"], "argument --start-lr: must be a finite number > 0"),
    (["lr-find", "moons", "--optimizer", "lbfgs"], "unknown optimizer 'lbfgs'"),
])  # fmt: skip
def test_bad_command_line_input_exits_2_with_a_one_line_error(capsys, argv, message):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert "Traceback" not in err
    error_lines = [line for line in err.splitlines() if "error:" in line]
    assert len(error_lines) == 1 and message in error_lines[0]


def test_unwritable_output_exits_2_with_one_line(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, out, err = run_cli(
        capsys, "lr-find", "xor", "--iters", "5", "--out", str(blocker / "x.png")
    )
    assert code == 2
    assert err.strip().count("\n") == 0 and err.startswith("minigrad lr-find: cannot write")
