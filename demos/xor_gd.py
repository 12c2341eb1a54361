"""Train a tiny MLP on XOR with hand-written gradient descent: the engine and nothing else.

    python demos/xor_gd.py [--steps 500]

This is the loop every optimizer in minigrad.optim automates: forward, loss, backward, then move
each parameter a small step against its gradient.
"""

import argparse

import numpy as np

import minigrad as mg
import minigrad.nn.functional as F


def train_xor(steps=500, lr=0.1, seed=0, report_every=100):
    """Fit XOR with a 2-8-1 tanh MLP and plain gradient descent; returns the list of losses."""
    mg.manual_seed(seed)
    x = mg.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])  # floats: ints would be int64
    y = mg.tensor([[0.0], [1.0], [1.0], [0.0]])
    model = mg.nn.MLP([2, 8, 1], activation="tanh")
    losses = []
    for step in range(steps):
        loss = F.mse_loss(model(x), y)
        model.zero_grad()
        loss.backward()
        for param in model.parameters():  # gradient descent, by hand
            param.data -= lr * param.grad
        losses.append(loss.item())
        if report_every and (step % report_every == 0 or step == steps - 1):
            print(f"step {step:4d}  loss {loss.item():.6f}")
    with mg.no_grad():
        predictions = model(x).data.ravel()
    print("predictions for (0,0) (0,1) (1,0) (1,1):", np.round(predictions, 3))
    return losses


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=500)
    train_xor(parser.parse_args().steps)
