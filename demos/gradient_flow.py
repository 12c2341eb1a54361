"""Gradient flow in a deep MLP: how much gradient reaches each layer, tanh against ReLU.

    python demos/gradient_flow.py [--steps 300] [--out demos/out]

Four 2-(32 x 10)-2 MLPs learn the two moons with plain gradient descent, while a GradientFlow
(minigrad/gradflow.py, built on module hooks) records, at every step, the mean |dL/d z| of each
Linear layer's output z and the std of z. Two activations (tanh, ReLU) times two initialisations:
- PyTorch's default, weights uniform in +-1/sqrt(fan_in), so std 1/sqrt(3 fan_in): each layer
  shrinks the signal, and the gradient shrinks with it on the way back, faster with ReLU (which
  zeroes half of it);
- weights N(0, gain^2 / fan_in) with PyTorch's calculate_gain values (5/3 for tanh, sqrt(2) for
  ReLU), which keep the signal's size from layer to layer, and the gradient's with it.
MINIGRAD_DEMO_QUICK=1 runs 40 steps instead of 300 (the tests do).
"""

import argparse
import os
from pathlib import Path

import numpy as np

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.data import make_moons
from minigrad.gradflow import GradientFlow, plot_gradient_flow
from minigrad.plots import save_figure

OUT = Path(__file__).resolve().parent / "out"
SIZES = [2] + [32] * 10 + [2]
GAIN = {"tanh": 5 / 3, "relu": np.sqrt(2)}  # torch.nn.init.calculate_gain's values


def make_model(activation, scaled_init, seed=0):
    """The deep MLP, with PyTorch's default initialisation or the gain-scaled normal one."""
    mg.manual_seed(seed)
    model = mg.nn.MLP(SIZES, activation=activation)
    if scaled_init:
        rng = np.random.default_rng(seed)
        for layer in model:
            if isinstance(layer, mg.nn.Linear):
                std = GAIN[activation] / np.sqrt(layer.in_features)
                layer.weight.data[...] = rng.normal(0.0, std, layer.weight.shape)
                layer.bias.data[...] = 0.0
    return model


def train(model, X, y, steps, lr=0.05):
    """Full-batch gradient descent on cross-entropy, recording the gradient flow; returns both."""
    flow = GradientFlow(model)
    optimizer = mg.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        loss = F.cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    flow.remove()
    return flow, loss.item()


def main(steps=300, out=OUT):
    X, y = make_moons(n_samples=200, noise=0.1, seed=0)
    X, y = mg.tensor(X.astype(np.float32)), mg.tensor(y)
    flows = {}
    print(f"mean |dL/dz| per Linear layer at step 0 (layer 1 = nearest the input), {steps} steps")
    for init in ("default init", "gain init"):
        for activation in ("tanh", "relu"):
            label = f"{activation}, {init}"
            model = make_model(activation, scaled_init=init == "gain init")
            flow, loss = train(model, X, y, steps)
            flows[label] = flow
            grads = flow.table("grad_mean_abs", 0)
            print(f"{label:18s} layer 1 {grads[0]:.2e}  layer 10 {grads[-2]:.2e}"
                  f"  ratio {grads[0] / grads[-2]:.2e}  final loss {loss:.4f}")  # fmt: skip
    fig = plot_gradient_flow(
        flows, steps=(0, -1), title=f"2-(32 x 10)-2 MLPs on two moons, {steps} steps of SGD"
    )
    path = save_figure(fig, out / "gradient_flow.png")
    print(f"wrote {path}")
    return flows


if __name__ == "__main__":
    quick = os.environ.get("MINIGRAD_DEMO_QUICK", "") not in ("", "0")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40 if quick else 300)
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the figure")
    args = parser.parse_args()
    main(args.steps, args.out)
