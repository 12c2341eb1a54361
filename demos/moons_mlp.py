"""micrograd's demo in minigrad: a 2-16-16-1 MLP, hinge loss, 100 noisy moons, 100% train accuracy.

    python demos/moons_mlp.py [--epochs 200] [--out demos/out]

The set-up of Karpathy's micrograd demo notebook: labels mapped to -1/+1, one score per point
(class +1 where the score is > 0), the max-margin loss mean(max(0, 1 - y * score)) plus a small
L2 penalty, and full-batch gradient descent whose learning rate falls linearly from 1.0 to 0.1.
micrograd takes 100 steps; here it takes about twice as many, because minigrad initialises the
weights as PyTorch does (uniform in +-1/sqrt(fan_in), smaller than micrograd's +-1).
MINIGRAD_DEMO_QUICK=1 runs 60 epochs instead of 200 (the tests do).
"""

import argparse
import os
from pathlib import Path

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.data import DataLoader, make_moons
from minigrad.optim import SGD
from minigrad.optim.lr_scheduler import LambdaLR
from minigrad.plots import plot_decision_boundary, plot_history, save_figure
from minigrad.training import accuracy, fit

OUT = Path(__file__).resolve().parent / "out"


def hinge(scores, labels):
    """The max-margin loss on (N, 1) scores and (N,) labels in {-1, +1}."""
    return F.hinge_loss(scores.reshape(-1), labels)


def main(epochs=200, out=OUT):
    X, y = make_moons(n_samples=100, noise=0.1, seed=0)
    y = (2 * y - 1).astype("float32")  # 0/1 -> -1/+1, the hinge loss's labels

    mg.manual_seed(0)
    model = mg.nn.MLP([2, 16, 16, 1], activation="relu")
    # micrograd's L2 penalty 1e-4 * sum(p**2) has gradient 2e-4 * p: SGD's weight_decay is that
    optimizer = SGD(model.parameters(), lr=1.0, weight_decay=2e-4)
    schedule = LambdaLR(optimizer, lambda epoch: 1.0 - 0.9 * epoch / epochs)  # 1.0 -> 0.1
    history = fit(
        model,
        hinge,
        optimizer,
        DataLoader(X, y, batch_size=None),  # the full batch: plain gradient descent
        epochs,
        metric=accuracy,
        scheduler=schedule,
        desc="moons",
    )

    print(f"train accuracy {history['accuracy'][-1]:.1%} after {epochs} epochs")
    first_perfect = next((k + 1 for k, a in enumerate(history["accuracy"]) if a == 1.0), None)
    if first_perfect:
        print(f"(first reached 100% at epoch {first_perfect})")
    title = f"2-16-16-1 MLP, hinge loss: train accuracy {history['accuracy'][-1]:.0%}"
    boundary = save_figure(plot_decision_boundary(model, X, y, title=title), out / "moons_mlp.png")
    curves = save_figure(
        plot_history(history, title="Hinge loss per epoch"), out / "moons_mlp_history.png"
    )
    print(f"wrote {boundary}\nwrote {curves}")
    return history


if __name__ == "__main__":
    quick = os.environ.get("MINIGRAD_DEMO_QUICK", "") not in ("", "0")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=60 if quick else 200)
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the figures")
    args = parser.parse_args()
    main(args.epochs, args.out)
