"""The training loop: fit a model with an optimizer, watch one progress bar, get a history back.

    history = fit(model, loss_fn, optimizer, DataLoader(X, y, batch_size=32), epochs=100,
                  test_data=(X_test, y_test), metric=accuracy)

Each epoch runs the five steps of a PyTorch training loop, once per batch:
zero the gradients, forward, loss, backward, step. After the epoch the model is evaluated on the
whole training set (and on the test set when given), so the recorded numbers describe the model
as it is at the end of the epoch, not an average over a moving target.
"""

import time
from numbers import Integral

import numpy as np
from tqdm import tqdm  # the text bar: tqdm.auto needs ipywidgets in Jupyter, and warns without them

from .optim.lr_scheduler import ReduceLROnPlateau
from .tensor import Tensor, no_grad


def predict_classes(scores):
    """Class per row from a model's output: argmax of logits (N, C), or score > 0 for (N,)/(N, 1)."""
    scores = np.asarray(scores)
    if scores.ndim == 1 or scores.shape[1] == 1:
        return (scores.reshape(-1) > 0).astype(np.int64)
    return scores.argmax(axis=1)


def accuracy(model, X, y):
    """Fraction of rows of X whose predicted class equals the label in y.

    For a single output the prediction is score > 0 and any label > 0 counts as class 1, so both
    0/1 labels and the -1/+1 labels of a hinge loss work.
    """
    with no_grad():
        scores = model(_as_inputs(X)).data
    labels = np.asarray(y.data if isinstance(y, Tensor) else y)
    predicted = predict_classes(scores)
    if scores.ndim == 1 or scores.shape[1] == 1:
        labels = (labels.reshape(-1) > 0).astype(np.int64)
    return float(np.mean(predicted == labels))


def evaluate(model, loss_fn, X, y, metric=None):
    """Loss (and the metric, under its name) of the model on all of (X, y), recording no graph.

    Returns a dict such as {"loss": 0.12, "accuracy": 0.97}.
    """
    with no_grad():
        loss = loss_fn(model(_as_inputs(X)), _as_tensor(y)).item()
    result = {"loss": float(loss)}
    if metric is not None:
        result[_metric_name(metric)] = float(metric(model, X, y))
    return result


def fit(
    model,
    loss_fn,
    optimizer,
    train_loader,
    epochs,
    *,
    test_data=None,
    metric=None,
    scheduler=None,
    progress=True,
    desc=None,
    snapshots=None,
):
    """Train `model` for `epochs` passes over `train_loader`; return the history of each epoch.

    `loss_fn(output, target)` returns a scalar Tensor; `optimizer` needs only `zero_grad()` and
    `step()`; `train_loader` yields (inputs, targets) Tensors and has `.X` and `.y` (minigrad's
    DataLoader) for the end-of-epoch evaluation. `metric(model, X, y)` (such as `accuracy`) is
    recorded under its name; `test_data=(X_test, y_test)` adds "test_loss" and "test_<metric>".
    `scheduler.step()` runs once per epoch (ReduceLROnPlateau's gets the epoch's training loss),
    and the history then records each epoch's "lr". `snapshots` (a `Snapshots`) records the model
    at a few evenly spaced epochs, for the training page (minigrad.viz.training_page).

    History: lists with one value per epoch, "loss" (on the whole training set), "accuracy" etc.,
    and "time", the cumulative wall seconds spent training (evaluation not counted, so optimizers
    can be compared by it).
    """
    if isinstance(epochs, bool) or not isinstance(epochs, Integral) or epochs < 1:
        raise ValueError(f"fit: epochs must be an int >= 1, got {epochs!r}")
    if not (hasattr(train_loader, "X") and hasattr(train_loader, "y")):
        raise TypeError(
            "fit: train_loader must be a minigrad.data.DataLoader (or have .X and .y), "
            f"got {type(train_loader).__name__}"
        )
    if test_data is not None and len(test_data) != 2:
        raise ValueError("fit: test_data must be a pair (X_test, y_test)")

    if snapshots is not None and not isinstance(snapshots, Snapshots):
        raise TypeError(f"fit: snapshots must be a Snapshots, got {type(snapshots).__name__}")
    history = {"loss": [], "time": []}
    train_seconds = 0.0
    to_record = snapshots.epochs_to_record(epochs) if snapshots is not None else ()
    if 0 in to_record:  # the untrained model, so the page starts where training starts
        model.eval()
        scores = _scores(model, loss_fn, train_loader, test_data, metric)
        snapshots.record(0, model, loss_fn, train_loader.X, train_loader.y, scores)
    bar = tqdm(range(epochs), desc=desc, disable=not progress, unit="epoch", leave=True)
    for index in bar:
        epoch = index + 1  # epochs count from 1; snapshot 0 is the untrained model
        model.train()
        started = time.perf_counter()
        for inputs, targets in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            loss.backward()
            optimizer.step()
        train_seconds += time.perf_counter() - started

        model.eval()
        scores = _scores(model, loss_fn, train_loader, test_data, metric)
        for key, value in scores.items():
            history.setdefault(key, []).append(value)
        history["time"].append(train_seconds)
        if epoch in to_record:
            snapshots.record(epoch, model, loss_fn, train_loader.X, train_loader.y, scores)

        if scheduler is not None:
            history.setdefault("lr", []).append(optimizer.param_groups[0]["lr"])
            if isinstance(scheduler, ReduceLROnPlateau):
                scheduler.step(scores["loss"])
            else:
                scheduler.step()
        bar.set_postfix({_short(key): _format(key, value) for key, value in scores.items()})
    model.eval()
    return history


def _scores(model, loss_fn, train_loader, test_data, metric):
    """The end-of-epoch numbers: loss (and metric) on the whole training set, then on the test set."""
    scores = evaluate(model, loss_fn, train_loader.X, train_loader.y, metric)
    if test_data is not None:
        test_scores = evaluate(model, loss_fn, *test_data, metric)
        scores.update({f"test_{key}": value for key, value in test_scores.items()})
    return scores


class Snapshots:
    """Asks `fit` to record the model at `count` evenly spaced epochs (0, the untrained model, to the last).

    Each record (a dict in `.records`) holds the epoch, that epoch's numbers as in the history,
    a copy of every parameter ("weights", by state-dict name), the gradient of the loss on the
    whole training set at those weights ("grads": which way each weight is being pulled), and the
    model's output on `probe` (an (n, d) array, such as a grid over the inputs) when given.
    Recording costs one extra forward and backward pass per snapshot, and nothing when not asked.
    """

    def __init__(self, count=60, probe=None):
        if isinstance(count, bool) or not isinstance(count, Integral) or count < 2:
            raise ValueError(f"Snapshots: count must be an int >= 2, got {count!r}")
        if probe is not None:
            probe = np.asarray(probe, dtype=np.float32)
            if probe.ndim != 2:
                raise ValueError(
                    f"Snapshots: probe must be an (n, d) array, got shape {probe.shape}"
                )
        self.count, self.probe, self.records = int(count), probe, []

    def epochs_to_record(self, epochs):
        """Epochs 0..epochs, all of them when there are at most `count`, else `count` evenly spaced."""
        if epochs + 1 <= self.count:
            return set(range(epochs + 1))
        return set(np.round(np.linspace(0, epochs, self.count)).astype(int).tolist())

    def record(self, epoch, model, loss_fn, X, y, scores):
        """Copy the model's weights, its full-batch gradient and its output on the probe."""
        model.zero_grad()
        loss_fn(model(_as_inputs(X)), _as_tensor(y)).backward()
        named = list(model.named_parameters())
        weights = {name: np.array(p.data, copy=True) for name, p in named}
        grads = {
            name: np.zeros_like(p.data) if p.grad is None else np.array(p.grad) for name, p in named
        }
        model.zero_grad()  # leave no trace: the next batch starts from clean gradients anyway
        output = None
        if self.probe is not None:
            with no_grad():
                output = np.array(model(Tensor(self.probe)).data, copy=True)
        self.records.append(
            {
                "epoch": epoch,
                "scores": dict(scores),
                "weights": weights,
                "grads": grads,
                "output": output,
            }
        )


def _as_inputs(X):
    """Inputs as a float32 Tensor, as the DataLoader gives them."""
    return X if isinstance(X, Tensor) else Tensor(np.asarray(X, dtype=np.float32))


def _as_tensor(y):
    return y if isinstance(y, Tensor) else Tensor(np.asarray(y))


def _metric_name(metric):
    return getattr(metric, "__name__", "metric")


def _short(key):
    """Short names for the progress bar's postfix: loss, acc, test_loss, test_acc."""
    return key.replace("accuracy", "acc")


def _format(key, value):
    return f"{value:.1%}" if key.endswith("accuracy") else f"{value:.4g}"
