"""The tour on a data set: the same MLP, from the same seed, trained on moons by each optimizer.

Batch GD, SGD and mini-batch SGD are all ``minigrad.optim.SGD``; only the DataLoader's batch size
differs (None = the whole training set, 1, or 32).
"""

import numpy as np

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.data import DataLoader, make_moons, train_test_split
from minigrad.tour.paths import OPTIMIZERS, make_optimizer
from minigrad.training import accuracy, evaluate, fit

MINI_BATCH = 32

# Learning rates for moons with a 2-16-16-2 ReLU MLP: stable and reasonably fast, not a race.
# Plain SGD gets a smaller lr the smaller its batch, as its steps get noisier.
SGD_LR = {None: 0.5, 1: 0.05, MINI_BATCH: 0.2}
MOONS_LR = {
    "momentum": 0.05,
    "nesterov": 0.05,
    "adagrad": 0.05,
    "rmsprop": 0.005,
    "rprop": 0.01,
    "adadelta": 1.0,
    "adam": 0.01,
    "adamw": 0.01,
    "amsgrad": 0.01,
    "adamax": 0.02,
    "nadam": 0.01,
}


def moons_data(n_samples=200, seed=0):
    """Noisy moons (noise 0.2) split 75/25: (X_train, X_test, y_train, y_test)."""
    X, y = make_moons(n_samples, noise=0.2, seed=seed)
    return train_test_split(X, y, test_size=0.25, seed=seed)


def dataset_runs(names):
    """The rows of the data-set comparison: (row name, optimizer name, batch size, lr).

    "sgd" expands into three rows (batch GD, SGD with batch size 1, mini-batch SGD); Rprop runs on
    the full batch, the setting it was designed for (its sign rule is confused by noisy gradients);
    every other optimizer runs on mini-batches of 32.
    """
    rows = []
    for name in names:
        if name not in OPTIMIZERS:
            raise ValueError(
                f"dataset_runs: unknown optimizer {name!r}; choose from {', '.join(OPTIMIZERS)}"
            )
        if name == "sgd":
            rows += [
                ("batch GD", "sgd", None, SGD_LR[None]),
                ("SGD (batch 1)", "sgd", 1, SGD_LR[1]),
                (f"mini-batch SGD ({MINI_BATCH})", "sgd", MINI_BATCH, SGD_LR[MINI_BATCH]),
            ]
        elif name == "rprop":
            rows.append(("rprop (full batch)", "rprop", None, MOONS_LR[name]))
        else:
            rows.append((name, name, MINI_BATCH, MOONS_LR[name]))
    return rows


def warm_up(name):
    """Compile the optimizer's numba kernel for float32 now, so no run's wall time includes it."""
    weight = mg.nn.Parameter(np.zeros(1, dtype=np.float32))
    weight.grad = np.ones(1, dtype=np.float32)
    make_optimizer(name, [weight], 1e-3).step()


def train_run(data, name, batch_size, lr, epochs, seed=0, hidden=(16, 16)):
    """Train a fresh MLP (initialised from `seed`) with one optimizer; return fit's history."""
    X_train, X_test, y_train, y_test = data
    warm_up(name)
    mg.manual_seed(seed)
    model = mg.nn.MLP([2, *hidden, 2])
    optimizer = make_optimizer(name, model.parameters(), lr)
    loader = DataLoader(X_train, y_train, batch_size=batch_size, seed=seed)
    return fit(
        model,
        F.cross_entropy,
        optimizer,
        loader,
        epochs,
        test_data=(X_test, y_test),
        metric=accuracy,
        progress=False,
    )


def compare_on_moons(names, epochs, seed=0, n_samples=200, target_loss=0.1):
    """Train each row of dataset_runs(names) for `epochs` epochs: ({row: history}, table rows)."""
    data = moons_data(n_samples, seed)
    histories, rows = {}, []
    for row, name, batch_size, lr in dataset_runs(names):
        history = train_run(data, name, batch_size, lr, epochs, seed)
        histories[row] = history
        rows.append(history_row(row, lr, batch_size, len(data[0]), history, target_loss))
    return histories, rows


def time_to_loss(history, target_loss):
    """Training seconds until the end-of-epoch training loss first is <= target_loss, or None."""
    losses = np.asarray(history["loss"])
    hits = np.flatnonzero(losses <= target_loss)
    return float(history["time"][hits[0]]) if len(hits) else None


def _steps(history, batch_size, n_train, offset=0):
    """Optimizer steps in the history's epochs (offset: entries that are not epochs)."""
    per_epoch = 1 if batch_size is None else -(-n_train // batch_size)  # a short last batch counts
    return (len(history["loss"]) - offset) * per_epoch


def history_row(row, lr, batch_size, n_train, history, target_loss):
    """One table row: final loss and accuracies, wall time, and the time to reach target_loss."""
    reached = time_to_loss(history, target_loss)
    return {
        "run": row,
        "lr": lr,
        "batch": "all" if batch_size is None else batch_size,
        "epochs": len(history["loss"]),
        "steps": _steps(history, batch_size, n_train),
        "final loss": history["loss"][-1],
        "train acc": history["accuracy"][-1],
        "test acc": history["test_accuracy"][-1],
        "time (s)": history["time"][-1],
        f"time to loss {target_loss:g} (s)": "not reached" if reached is None else reached,
    }


def train_for_seconds(data, name, batch_size, lr, seconds, seed=0, hidden=(16, 16)):
    """Train epoch by epoch until `seconds` of training time are spent; return the joined history.

    Gives each batch size the same wall-time budget, which is what "faster" means for a user.
    """
    X_train, X_test, y_train, y_test = data
    warm_up(name)
    mg.manual_seed(seed)
    model = mg.nn.MLP([2, *hidden, 2])
    optimizer = make_optimizer(name, model.parameters(), lr)
    loader = DataLoader(X_train, y_train, batch_size=batch_size, seed=seed)
    # the untrained model at time 0, so that even a run with a single epoch draws a line
    joined = {"loss": [evaluate(model, F.cross_entropy, X_train, y_train)["loss"]], "time": [0.0]}
    spent = 0.0
    while spent < seconds:
        epoch = fit(model, F.cross_entropy, optimizer, loader, 1, progress=False)
        spent += epoch["time"][0]
        joined["loss"].append(epoch["loss"][0])
        joined["time"].append(spent)
    return joined


def batch_size_race(n_samples_list=(200, 8000), seconds=1.5, target_loss=0.15, seed=0):
    """Batch GD, SGD and mini-batch SGD on moons of each size, each for the same training time.

    Returns ({n_train: {row: history}}, table rows with the time each took to reach target_loss).
    """
    by_size, rows = {}, []
    for n_samples in n_samples_list:
        data = moons_data(n_samples, seed)
        n_train = len(data[0])
        histories = {}
        for row, name, batch_size, lr in dataset_runs(["sgd"]):
            history = train_for_seconds(data, name, batch_size, lr, seconds, seed)
            histories[row] = history
            spent = history["time"][-1]
            reached = time_to_loss(history, target_loss)
            rows.append(
                {
                    "training points": n_train,
                    "run": row,
                    "lr": lr,
                    "epochs in budget": len(history["loss"]) - 1,
                    "ms per step": 1e3 * spent / _steps(history, batch_size, n_train, offset=1),
                    "best loss": min(history["loss"]),
                    f"time to loss {target_loss:g} (s)": "not reached"
                    if reached is None
                    else reached,
                }
            )
        by_size[n_train] = histories
    return by_size, rows
