"""The `minigrad` command under hostile input: never a traceback, always one clear line on stderr,
exit code 2 for a bad argument, 1 for a failure while working, 130 for Ctrl-C; outputs checked
before any work, sizes refused before any memory is taken."""

import os
import signal
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pytest

import minigrad as mg
from minigrad import cli


def run_cli(capsys, *argv):
    """Run `minigrad argv...` in this process; return (exit code, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exit:  # argparse's own errors
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_clear_line(out, err, command, fragment):
    """No traceback; the last line of stderr is the only error line, names the command and says what."""
    assert "Traceback" not in out + err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "nothing on stderr"
    error_lines = [line for line in lines if "error:" in line or "interrupted" in line]
    assert error_lines == [lines[-1]], lines
    assert lines[-1].startswith(f"{command}: "), lines[-1]
    assert fragment in lines[-1], (fragment, lines[-1])


LONG_SUM = "+".join(["a"] * 400)
DEEP_MINUS = "-" * 900 + "a"

# (argv, exit code, a fragment of the error line)
HOSTILE = [
    # graph --expr: the examples, and other ways out of the tiny language
    (["graph", "--expr", "2**2**2**2**2**2"], 2, "uses no leaf tensor"),
    (["graph", "--expr", "sum(x, axis=5)"], 2, "sum: axis 5 is out of bounds"),
    (["graph", "--expr", "sum(x, axis=9" + "9" * 30 + ")"], 2, "argument --expr:"),
    (
        ["graph", "--expr", LONG_SUM],
        2,
        "nests 400 deep (at most 50; a sum of n terms nests n deep)",
    ),
    (["graph", f"--expr={DEEP_MINUS}"], 2, "nests 901 deep"),
    (["graph", "--expr=" + "-" * 3000 + "a"], 2, "3001 characters long (at most 1000)"),
    (["graph", "--expr", "(" * 300 + "a" + ")" * 300], 2, "too many nested parentheses"),
    (["graph", "--expr", "a * 1" + "0" * 400], 2, "the number 100000000000... is too large"),
    (["graph", "--expr", "matmul(x)"], 2, "missing 1 required positional argument"),
    (["graph", "--expr", "w @ w"], 2, "matmul: shapes (2, 3) and (2, 3) do not align"),
    (["graph", "--expr", "sum(x, axis=...)"], 2, "argument --expr: sum:"),
    (["graph", "--expr", "sum(x, bogus=1)"], 2, "unexpected keyword argument 'bogus'"),
    (["graph", "--expr", "leaky_relu(a, negative_slope=a)"], 2, "keywords take a constant"),
    (["graph", "--expr", "a if b else c"], 2, "is not allowed here"),
    (["graph", "--expr", "lambda: a"], 2, "is not allowed here"),
    (["graph", "--expr", "\x00"], 2, "cannot parse"),
    (["graph", "--expr", ""], 2, "cannot parse"),
    # graph: sizes and outputs
    (["graph", "--mlp", "2,100000,100000,1"], 2, "about 10,001,300,001 parameters (at most"),
    (["graph", "--mlp", ",".join(["2"] * 40)], 2, "at most 32 layer sizes, got 40"),
    (["graph", "--mlp", "2," + "9" * 40], 2, "parameters (at most 10,000,000)"),
    (["graph", "--mlp", "2,4,4,4,4,1", "--steps"], 2, "has 20 tensors, one frame each (at most 16)"),
    (["graph", "--expr", "+".join("ab" * 9), "--steps"], 2, "one frame each (at most 16)"),
    (["graph", "--out", "g.jpg"], 2, "'g.jpg' should end in one of .svg, .png, .pdf, .dot"),
    (["graph", "--out", "/sys/minigrad/g.svg"], 2, "argument --out: cannot write in /sys"),
    (["graph", "--out", "n" * 300 + ".svg"], 2, "is too long (304 bytes, at most 255)"),
    (["graph", "--seed", "-1"], 2, "argument --seed: must be >= 0"),
    (["graph", "--steps", "--out", "/sys/minigrad"], 2, "cannot write in /sys"),
    # train: sizes, numbers and outputs
    (["train", "moons", "--hidden", "100000,100000"], 2, "parameters (at most 10,000,000)"),
    (["train", "moons", "--hidden", ",".join(["4"] * 33)], 2, "at most 32 layer sizes"),
    (["train", "moons", "--hidden", ""], 2, "expected comma-separated positive integers"),
    (["train", "moons", "--hidden", "-4"], 2, "every layer size must be >= 1"),
    (["train", "moons", "--lr", "nan"], 2, "argument --lr: must be a finite number > 0"),
    (["train", "moons", "--lr", "1e999"], 2, "argument --lr: must be a finite number > 0"),
    (["train", "moons", "--epochs", "1e9"], 2, "argument --epochs: expected an integer"),
    (["train", "moons", "--batch-size", "-0"], 2, "argument --batch-size: must be >= 1"),
    (["train", "moons", "--optimizer", ""], 2, "argument --optimizer: unknown optimizer ''"),
    (["train", "moons", "--out", "/sys/minigrad-out"], 2, "argument --out: cannot write in /sys"),
    (["train", "moons", "--out", "/proc/self/cmdline"], 2, "exists and is not a folder"),
    (["train", "moons", "--out", "x" * 256], 2, "is too long (256 bytes, at most 255)"),
    (["train", "moons", "--out", "/" + "d/" * 2100], 2, "the path is too long"),
    (["train", "moons", "--out", "out\0put"], 2, "the path contains a NUL character"),
    (["graph", "--out", "g\0.svg"], 2, "the path contains a NUL character"),
    # compare: its own parser, the same rules
    (["compare", "--steps", "9" * 12], 2, "argument --steps: must be <= 100,000"),
    (["compare", "--steps", "0"], 2, "argument --steps: must be >= 1"),
    (["compare", "--optimizers", ",,,"], 2, "give at least one optimizer name"),
    (["compare", "--optimizers", "adam,nope"], 2, "unknown optimizer(s) nope"),
    (["compare", "--problem", "nope"], 2, "argument --problem: invalid choice"),
    (["compare", "--out", "/sys/minigrad-out", "--steps", "2"], 2, "cannot write in /sys"),
    (["compare", "--bogus"], 2, "unrecognized arguments: --bogus"),
    # the command itself
    (["--bogus"], 2, "unrecognized arguments: --bogus"),
    (["fly"], 2, "invalid choice: 'fly'"),
]


@pytest.fixture
def no_work(monkeypatch):
    """Make every costly step of the commands (training, drawing, the optimizer runs) fail the test:
    a refusal must come before them. This replaces a wall-clock bound, which load could break."""
    import minigrad.tour.compare
    import minigrad.viz

    def forbidden(name):
        return lambda *args, **kwargs: pytest.fail(f"{name} ran before the refusal")

    for owner, name in [(cli, "train_problem"), (cli, "write_graph"), (minigrad.viz, "draw_graph"),
                        (minigrad.viz, "backward_frames"), (minigrad.viz, "save_frames"),
                        (minigrad.tour.compare, "compare_on_moons"),
                        (minigrad.tour.compare, "problem_paths")]:  # fmt: skip
        monkeypatch.setattr(owner, name, forbidden(name))


@pytest.mark.parametrize("argv, code, fragment", HOSTILE, ids=lambda x: repr(x)[:60])
def test_hostile_arguments_get_one_line_and_an_exit_code(capsys, no_work, argv, code, fragment):
    tracemalloc.start()
    try:
        got, out, err = run_cli(capsys, *argv)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert got == code, (got, err)
    command = "minigrad" if argv[0].startswith("-") or argv[0] == "fly" else f"minigrad {argv[0]}"
    assert_one_clear_line(out, err, command, fragment)
    # refused before any size-dependent allocation: the refused networks would take 40 GB and more
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MiB allocated before the refusal"


def test_an_existing_file_as_out_is_refused_before_training(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "train_problem", lambda args: pytest.fail("trained anyway"))
    (tmp_path / "taken").write_text("a file, not a folder")
    code, out, err = run_cli(capsys, "train", "moons", "--out", str(tmp_path / "taken"))
    assert code == 2
    assert_one_clear_line(
        out, err, "minigrad train", f"{tmp_path / 'taken'} exists and is not a folder"
    )
    (tmp_path / "afile").write_text("x")
    code, out, err = run_cli(capsys, "train", "moons", "--out", str(tmp_path / "afile" / "deeper"))
    assert code == 2
    assert_one_clear_line(out, err, "minigrad train", "afile is a file, not a folder")


def test_graph_out_that_is_a_folder_is_refused(capsys, tmp_path):
    (tmp_path / "g.svg").mkdir()
    code, out, err = run_cli(capsys, "graph", "--out", str(tmp_path / "g.svg"))
    assert code == 2
    assert_one_clear_line(out, err, "minigrad graph", "g.svg exists and is not a regular file")


def test_checking_out_leaves_nothing_behind(capsys, tmp_path):
    code, _, _ = run_cli(
        capsys, "graph", "--expr", "a * b", "--out", str(tmp_path / "new" / "g.dot")
    )
    assert code == 0
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["g.dot", "new"]  # no probe file left


def test_non_finite_values_are_drawn_without_warnings(capsys, tmp_path):
    # 1 / 0 and a negative base to a fractional power follow float rules (inf, nan), as tensors do
    for expr in ("a / 0", "a + 1 / 0", "a * (-8) ** 0.5", "log(d)", "a * 2**2**2**2**2**2"):
        code, out, err = run_cli(capsys, "graph", "--expr", expr, "--out", str(tmp_path / "g.dot"))
        assert code == 0, err
        assert err == "" and "Traceback" not in out


def test_a_failure_while_writing_exits_1_with_one_line(capsys, tmp_path, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli, "write_graph", disk_full)
    code, out, err = run_cli(capsys, "graph", "--out", str(tmp_path / "g.svg"))
    assert code == 1
    assert_one_clear_line(out, err, "minigrad graph", "No space left on device")


def test_an_unexpected_error_is_still_one_line(capsys, tmp_path, monkeypatch):
    def bug(*args, **kwargs):
        raise ZeroDivisionError("a bug\nwith a second line")

    monkeypatch.setattr(cli, "write_graph", bug)
    code, out, err = run_cli(capsys, "graph", "--out", str(tmp_path / "g.svg"))
    assert code == 1
    assert_one_clear_line(out, err, "minigrad graph", "internal error: ZeroDivisionError: a bug")


# ----- Ctrl-C -----
def test_ctrl_c_during_training_saves_the_weights_so_far(capsys, tmp_path, monkeypatch):
    import minigrad.training

    evaluate, calls = minigrad.training.evaluate, []

    def evaluate_then_interrupt(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:  # the third epoch's evaluation: two epochs were trained
            raise KeyboardInterrupt
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(minigrad.training, "evaluate", evaluate_then_interrupt)
    out_dir = tmp_path / "out"
    code, out, err = run_cli(capsys, "train", "moons", "--no-progress", "--out", str(out_dir))
    assert code == 130
    weights = out_dir / "moons_model.npz"
    assert_one_clear_line(
        out, err, "minigrad train", f"saved the weights trained so far to {weights}"
    )
    assert sorted(p.name for p in out_dir.iterdir()) == ["moons_model.npz"]

    saved = mg.load(weights)
    mg.manual_seed(0)  # the command's initial weights, for comparison
    initial = mg.nn.MLP([2, 16, 16, 2]).state_dict()
    assert list(saved) == list(initial)
    assert all(saved[k].shape == initial[k].shape for k in saved)
    assert any(not np.array_equal(saved[k], initial[k]) for k in saved)  # trained, not fresh


def test_ctrl_c_from_the_terminal(tmp_path):
    command = [sys.executable, "-m", "minigrad", "train", "spirals", "--epochs", "100000",
               "--no-progress", "--out", str(tmp_path)]  # fmt: skip
    # A suite run in the background (`pytest &`, nohup) starts with SIGINT ignored, and a child
    # inherits that: Python then installs no KeyboardInterrupt handler and the signal is lost.
    # The terminal's Ctrl-C is the default disposition, so give the child that.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip
    try:
        first = process.stdout.readline()  # printed just before training starts
        assert first.startswith("spirals:"), first
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        # no time bound that load could break: a hang is caught by the generous timeout alone
        out, err = process.communicate(timeout=600)
    finally:
        if process.poll() is None:  # never leave a 100,000-epoch run behind
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert_one_clear_line(out, err, "minigrad train", "interrupted after")
    assert os.path.exists(tmp_path / "spirals_model.npz")


def test_a_long_numpy_message_is_shortened(capsys):
    code, out, err = run_cli(capsys, "graph", "--expr", "max(" + ", ".join(["a"] * 150) + ")")
    assert code == 2
    assert_one_clear_line(
        out, err, "minigrad graph", "max() takes from 1 to 3 positional arguments"
    )
    # max is PyTorch's max(input, dim, keepdim) now, so Python itself rejects the 150 arguments in
    # a short message; the line stays one clear line of bounded length either way
    assert len(err.splitlines()[-1]) < 400
