"""Fit a noisy sine with a small tanh MLP, and compare the test error with the noise it cannot beat.

    python demos/regression.py [--epochs 200] [--out demos/out]

y = sin(x) + noise with noise ~ N(0, 0.1^2), so even the true function has an expected squared
error of 0.1^2 = 0.01 on new points: a test MSE near 0.01 means the network found sin(x), and
one far below it on the training set would mean it memorised the noise.
MINIGRAD_DEMO_QUICK=1 runs 40 epochs instead of 200 (the tests do).
"""

import argparse
import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.data import DataLoader, make_regression, train_test_split
from minigrad.optim import Adam
from minigrad.plots import plot_history, plot_regression, save_figure
from minigrad.training import fit

OUT = Path(__file__).resolve().parent / "out"
NOISE = 0.1


def mse(predictions, targets):
    """Mean squared error of (N, 1) predictions against (N,) targets."""
    return F.mse_loss(predictions.reshape(-1), targets)


def main(epochs=200, out=OUT):
    X, y = make_regression(n_samples=300, noise=NOISE, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, seed=0)

    mg.manual_seed(0)
    model = mg.nn.MLP([1, 32, 32, 1], activation="tanh")  # tanh: a smooth curve, unlike relu
    history = fit(
        model,
        mse,
        Adam(model.parameters(), lr=0.01),
        DataLoader(X_train, y_train, batch_size=64, seed=0),
        epochs,
        test_data=(X_test, y_test),
        desc="sine",
    )

    test_mse = history["test_loss"][-1]
    print(f"train MSE {history['loss'][-1]:.4f}, test MSE {test_mse:.4f}")
    print(f"noise variance {NOISE**2:.4f}: test MSE / noise variance = {test_mse / NOISE**2:.2f}")

    fig = Figure(figsize=(12, 4.5), layout="constrained")
    fit_ax, loss_ax = fig.subplots(1, 2)
    plot_regression(model, X_test, y_test, ax=fit_ax, true_fn=np.sin,
                    title=f"Test points and the fitted curve (test MSE {test_mse:.4f})")  # fmt: skip
    plot_history(history, ax=loss_ax, title="MSE per epoch (dashed: test)")
    loss_ax.axhline(NOISE**2, color="gray", linestyle=":", label="noise variance")
    loss_ax.legend(["train", "test", "noise variance"], loc="upper right")
    path = save_figure(fig, out / "regression.png")
    print(f"wrote {path}")
    return history


if __name__ == "__main__":
    quick = os.environ.get("MINIGRAD_DEMO_QUICK", "") not in ("", "0")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=40 if quick else 200)
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the figures")
    args = parser.parse_args()
    main(args.epochs, args.out)
