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
