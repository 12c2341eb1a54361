"""The training page: replay a run of `fit`, snapshot by snapshot, in one self-contained HTML file.

    snapshots = snapshots_for(X_train)                    # records 60 moments of the run
    history = fit(model, ..., test_data=(X_test, y_test), snapshots=snapshots)
    page = training_page(history, snapshots, train=(X_train, y_train), test=(X_test, y_test))
    page.save("moons_training.html")                      # or show `page` in a Jupyter cell

At each snapshot the page shows, linked: the decision boundary (or the fitted curve) with the
training and test points, the loss and accuracy curves with a marker at the snapshot, and the
network with every weight as an edge (colour: sign, width: size) or every weight's gradient.
"""

import numpy as np

from ..training import Snapshots
from .page import Page, fill, rounded
from .training_template import TEMPLATE

GRID = 48  # cells per side of the decision-boundary grid: smooth enough once scaled up, and small
CURVE_POINTS = 200  # points along the fitted curve of a regression
CONFIDENCE_LEVELS = 10  # the winning class's probability is stored as one digit, 0..9


def snapshots_for(X, count: int = 60, resolution: int | None = None) -> Snapshots:
    """A Snapshots recorder whose probe covers the range of X (with a margin): a resolution x
    resolution grid for 2-D inputs (the decision boundary), a line of points for 1-D ones."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] not in (1, 2):
        raise ValueError(
            f"snapshots_for: X must have shape (n, 1) or (n, 2), got {X.shape}"
            " (the page draws a boundary in the plane or a curve over a line)"
        )
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 0.25
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    if X.shape[1] == 1:
        probe = np.linspace(lo[0], hi[0], resolution or CURVE_POINTS)[:, None]
    else:
        n = resolution or GRID
        xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n))
        probe = np.stack([xx.ravel(), yy.ravel()], axis=1)  # row by row, bottom row first
    return Snapshots(count=count, probe=probe)


def training_page(history: dict, snapshots: Snapshots, train, test=None, title=None) -> Page:
    """The page that replays a run: `history` and `snapshots` from one `fit`, and the data it saw.

    `train` and `test` are (X, y) pairs (y: class labels, or targets for a regression, which the
    page assumes when the model has one output and y is not 0/1). Returns a Page: `.save(path)`
    writes it, and a Jupyter cell shows it inline.
    """
    if not isinstance(snapshots, Snapshots) or not snapshots.records:
        raise ValueError(
            "training_page: snapshots must be a Snapshots that fit has filled"
            " (pass snapshots=... to fit)"
        )
    if snapshots.probe is None:
        raise ValueError(
            "training_page: the Snapshots need a probe; make them with snapshots_for(X)"
        )
    if "loss" not in history:
        raise ValueError(
            "training_page: history has no 'loss' list (is it the history fit returned?)"
        )
    X_train, y_train = _pair("train", train)
    records = snapshots.records
    outputs = records[0]["output"]
    regression = outputs.ndim == 1 or outputs.shape[1] == 1 and not _is_labels(y_train)
    data = {
        "task": "regression" if regression else "classification",
        "train": {"x": rounded(X_train), "y": _labels_or_values(y_train, regression)},
        "history": {key: rounded(values) for key, values in history.items() if key != "time"},
        "layers": _layers(records[0]["weights"]),
        "snapshots": [_snapshot(record, regression) for record in records],
    }
    if test is not None:
        X_test, y_test = _pair("test", test)
        data["test"] = {"x": rounded(X_test), "y": _labels_or_values(y_test, regression)}
    probe = snapshots.probe.astype(np.float64)
    if regression:
        data["grid"] = {"xs": rounded(probe[:, 0])}
    else:
        data["grid"] = _grid_axes(probe)
        data["classes"] = int(max(outputs.shape[1] if outputs.ndim == 2 else 2, y_train.max() + 1))
    data["weightScale"] = max(
        float(np.max(np.abs(w))) for record in records for w in record["weights"].values()
    )
    if title is None:
        title = f"Training, replayed: {len(records)} snapshots of {len(history['loss'])} epochs"
    return Page(fill(TEMPLATE, title, data))


def _pair(which, pair):
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise ValueError(f"training_page: {which} must be a pair (X, y)")
    X, y = np.asarray(pair[0], dtype=np.float64), np.asarray(pair[1]).reshape(-1)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(
            f"training_page: {which} must be X of shape (n, d) and y of length n,"
            f" got {X.shape} and {y.shape}"
        )
    return X, y


def _is_labels(y):
    return np.issubdtype(y.dtype, np.integer) or np.all(np.isin(y, (0, 1)))


def _labels_or_values(y, regression):
    return rounded(y) if regression else y.astype(int).tolist()


def _layers(weights):
    """The Linear layers in order, found by their state-dict names: `<name>.weight` of shape
    (out, in), with `<name>.bias` when there is one."""
    layers = []
    for name, w in weights.items():
        if name.endswith("weight") and w.ndim == 2:
            bias = name[: -len("weight")] + "bias"
            layers.append(
                {
                    "weight": name,
                    "bias": bias if bias in weights else None,
                    "in": int(w.shape[1]),
                    "out": int(w.shape[0]),
                }
            )
    if not layers:
        raise ValueError("training_page: the model has no 2-D weight to draw as a layer")
    return layers


def _grid_axes(probe):
    """The x and y values of a probe made as a meshgrid (row by row), as snapshots_for makes it."""
    xs, ys = np.unique(probe[:, 0]), np.unique(probe[:, 1])
    if len(xs) * len(ys) != len(probe) or not np.allclose(probe[: len(xs), 0], xs):
        raise ValueError(
            "training_page: a 2-D probe must be a grid made row by row (use snapshots_for(X))"
        )
    return {"xs": rounded(xs), "ys": rounded(ys)}


def _snapshot(record, regression):
    """One snapshot as the page reads it: numbers, weights and grads, and the model's output."""
    out = {
        "epoch": record["epoch"],
        "scores": {key: float(value) for key, value in record["scores"].items()},
        "weights": {name: rounded(w) for name, w in record["weights"].items()},
        "grads": {name: rounded(g) for name, g in record["grads"].items()},
    }
    output = np.asarray(record["output"], dtype=np.float64)
    if regression:
        out["curve"] = rounded(output.reshape(-1))
    else:
        out["cells"], out["confidence"] = _cells(output)
    return out


def _cells(scores):
    """Per grid cell, the predicted class and how sure the model is, one digit each.

    Sureness is the winning class's softmax probability, from 1/C (a toss-up) to 1, in
    CONFIDENCE_LEVELS steps; a single score s counts as the logits (0, s).
    """
    if scores.ndim == 1 or scores.shape[1] == 1:
        scores = np.stack([np.zeros(len(scores)), scores.reshape(-1)], axis=1)
    shifted = scores - scores.max(axis=1, keepdims=True)
    probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    n_classes = scores.shape[1]
    winner = probabilities.max(axis=1)
    sureness = (winner - 1 / n_classes) / (1 - 1 / n_classes)
    levels = np.clip(np.floor(sureness * CONFIDENCE_LEVELS), 0, CONFIDENCE_LEVELS - 1).astype(int)
    classes = scores.argmax(axis=1)
    return "".join(map(str, classes)), "".join(map(str, levels))
