"""The autograd demos run in their quick mode (MINIGRAD_DEMO_QUICK=1); check what they print."""

import re

import matplotlib.image
from test_demos import run_demo, written_files


def test_gradient_flow_quick_run_shows_vanishing_gradients_only_with_the_default_init(tmp_path):
    out = run_demo("gradient_flow", tmp_path)
    rows = re.findall(r"^(\w+), (default|gain) init\s+layer 1 (\S+)\s+layer 10 (\S+)", out, re.M)
    ratio = {(act, init): float(first) / float(last) for act, init, first, last in rows}
    assert len(ratio) == 4
    # PyTorch's default init: the first layer gets < 1% of the gradient the tenth gets, ReLU worst
    assert ratio["tanh", "default"] < 1e-2 and ratio["relu", "default"] < ratio["tanh", "default"]
    # gain-scaled init: within a factor of 5 either way
    assert all(0.2 < ratio[act, "gain"] < 5 for act in ("tanh", "relu"))
    (figure,) = written_files(out)
    assert matplotlib.image.imread(figure).shape == (450, 1400, 4)


def test_hypergradient_quick_run_learns_a_rate_that_beats_its_fixed_starting_rate(tmp_path):
    out = run_demo("hypergradient", tmp_path)
    final = {
        name.strip(): (float(loss), float(lr))
        for name, loss, lr in re.findall(
            r"^(.+?)\s+loss .*step 99: ([\d.]+)\s+final lr ([\d.]+)$", out, re.M
        )
    }
    assert len(final) == 5
    start_loss, start_lr = final["fixed lr 0.01"]
    hd_loss, hd_lr = final["hypergradient, beta 1"]
    assert start_lr == 0.01 and hd_lr > 0.5  # alpha grew from 0.01 by its hypergradient alone
    assert hd_loss < final["fixed lr 0.1"][0] < start_loss
    assert hd_loss < 1.01 * final["fixed lr 1"][0]  # about as good as the best fixed rate shown
    # the hypergradient autodiff found equals the closed form -g_t . g_(t-1) (Baydin et al.)
    error = float(re.search(r"g_\(t-1\)\)\|: (\S+)", out).group(1))
    assert error < 1e-12
    (figure,) = written_files(out)
    assert matplotlib.image.imread(figure).shape == (450, 1200, 4)


def test_newton_hvp_quick_run_converges_in_a_few_steps_where_gradient_descent_needs_thousands(
    tmp_path,
):
    out = run_demo("newton_hvp", tmp_path)
    newton_steps, hvps = map(int, re.search(r"Newton .*: (\d+) steps, (\d+) Hessian", out).groups())
    gd_steps = int(re.search(r"gradient descent \(step 1/L\): (\d+) steps$", out, re.M).group(1))
    norms = [float(n) for n in re.search(r"per Newton step: (.+)$", out, re.M).group(1).split()]
    assert newton_steps == len(norms) - 1 <= 6
    assert hvps <= 11 * newton_steps  # CG on 11 parameters needs at most 11 products a step
    assert gd_steps > 100 * newton_steps
    assert norms[-1] < 1e-5 <= norms[-2]
    # quadratic convergence: the last step squares the error (up to a constant), g_k+1 <~ g_k^2
    assert norms[-1] < 10 * norms[-2] ** 2
    gap = float(re.search(r"two solutions: (\S+)", out).group(1))
    assert gap < 1e-3
    (figure,) = written_files(out)
    assert matplotlib.image.imread(figure).shape == (450, 1200, 4)
