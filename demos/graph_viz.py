"""Draw the graph backpropagation walks: micrograd's neuron, step by step, then a small MLP.

    python demos/graph_viz.py [--out demos/out]

1. One neuron, o = tanh(x1*w1 + x2*w2 + b), with the numbers of micrograd's lecture (chosen so
   that o = 1/sqrt(2) and tanh's slope 1 - o^2 is exactly 1/2). Backward is drawn one step at a
   time: frames, an animated GIF and a web page to step through them.
2. One forward and backward pass of a 2-4-1 MLP, each layer's parameters boxed together and
   named as in model.named_parameters().
Needs Graphviz's `dot` program for the pictures. MINIGRAD_DEMO_QUICK=1 (the tests) skips the
MLP's step-through.
"""

import argparse
import os
from pathlib import Path

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.viz import backward_frames, draw_graph, render, save_frames

OUT = Path(__file__).resolve().parent / "out"


def neuron():
    """micrograd's neuron: o = tanh(x1*w1 + x2*w2 + b); returns o and the named leaves."""
    x1 = mg.tensor(2.0, requires_grad=True)
    x2 = mg.tensor(0.0, requires_grad=True)
    w1 = mg.tensor(-3.0, requires_grad=True)
    w2 = mg.tensor(1.0, requires_grad=True)
    b = mg.tensor(6.8813735870195432, requires_grad=True)
    leaves = {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}
    for name, t in leaves.items():
        t.name = name
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    total = x1w1 + x2w2
    n = total + b
    o = mg.tanh(n)
    x1w1.name, x2w2.name, total.name, n.name, o.name = "x1*w1", "x2*w2", "x1*w1 + x2*w2", "n", "o"
    return o, leaves


def mlp_step():
    """One forward pass of a 2-4-1 tanh MLP with an MSE loss; returns the loss and the model."""
    mg.manual_seed(0)
    model = mg.nn.MLP([2, 4, 1], activation="tanh")
    x = mg.tensor([[0.5, -1.0]])
    x.name = "x"
    target = mg.tensor([[1.0]])
    target.name = "target"
    loss = F.mse_loss(model(x), target)
    loss.name = "loss"
    return loss, model


def main(out=OUT, mlp_steps=True):
    o, leaves = neuron()
    frames = backward_frames(o)  # runs backward, drawing the graph after each step
    saved = save_frames(frames, out / "neuron_steps")
    print(f"o = {o.item():.4f}; after backward:")
    for name, t in leaves.items():
        print(f"  d o / d {name} = {float(t.grad):+.4f}")
    print(f"wrote {len(frames)} frames {saved.frames[0]} ... {saved.frames[-1].name}")
    print(f"wrote {saved.gif}\nwrote {saved.html}")
    print(f"wrote {render(draw_graph(o), out / 'neuron.png')}")

    loss, model = mlp_step()
    if mlp_steps:
        saved = save_frames(backward_frames(loss, model=model), out / "mlp_steps")
        print(f"wrote {saved.html}")
    else:
        loss.backward()
    print(f"MLP 2-4-1: loss {loss.item():.4f}, |d loss / d 0.weight| = "
          f"{float((model[0].weight.grad ** 2).sum() ** 0.5):.4f}")  # fmt: skip
    print(f"wrote {render(draw_graph(loss, model=model), out / 'mlp.png')}")
    print(f"wrote {render(draw_graph(loss, model=model), out / 'mlp.svg')}")


if __name__ == "__main__":
    quick = os.environ.get("MINIGRAD_DEMO_QUICK", "") not in ("", "0")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the pictures")
    main(parser.parse_args().out, mlp_steps=not quick)
