"""Toy data sets for classification and regression, a train/test split, and a DataLoader shortcut.

Every generator returns numpy arrays ``(X, y)``: ``X`` is float32 of shape
(n_samples, n_features), ``y`` is int64 class labels of shape (n_samples,), or float32 targets for
regression. The conventions follow scikit-learn's generators of the same name where one exists, so
numbers are comparable.

Randomness: ``seed=None`` draws from minigrad's global generator (``minigrad.random.generator()``,
reseeded by ``mg.manual_seed``); an int seed uses its own ``np.random.default_rng(seed)`` and
leaves the global generator untouched. Either way the same seed gives the same data.
"""

import math
from numbers import Integral, Real

import numpy as np

from . import random as _random
from .tensor import Tensor
from .utils import data as _torch_data

# --- argument checks


def _rng(seed):
    """The generator to draw from: minigrad's global one for None, a fresh one for an int."""
    if seed is None:
        return _random.generator()
    return np.random.default_rng(seed)


def _check_int(func, name, value, minimum):
    # bool is an Integral, but make_moons(True) is certainly a mistake
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{func}: {name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{func}: {name} must be >= {minimum}, got {value}")
    return int(value)


def _check_nonneg(func, name, value):
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{func}: {name} must be a number, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{func}: {name} must be a finite number >= 0, got {value}")
    return float(value)


def _split_evenly(n, parts):
    """Sizes of `parts` groups summing to n, the first n % parts groups one larger."""
    return [n // parts + (1 if i < n % parts else 0) for i in range(parts)]


def _shuffled(X, y, rng):
    order = rng.permutation(len(X))
    return X[order], y[order]


# --- classification sets


def make_moons(n_samples=100, noise=0.0, seed=None):
    """Two interleaving half circles, as scikit-learn's make_moons.

    Label 0 is the outer moon (cos t, sin t) and label 1 the inner one
    (1 - cos t, 1 - sin t - 0.5), t evenly spaced in [0, pi]; n_samples // 2 points are outer.
    `noise` is the standard deviation of Gaussian noise added to each coordinate. Rows are shuffled.
    """
    n_samples = _check_int("make_moons", "n_samples", n_samples, 1)
    noise = _check_nonneg("make_moons", "noise", noise)
    rng = _rng(seed)
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    t_outer = np.linspace(0.0, np.pi, n_outer)
    t_inner = np.linspace(0.0, np.pi, n_inner)
    outer = np.stack([np.cos(t_outer), np.sin(t_outer)], axis=1)
    inner = np.stack([1.0 - np.cos(t_inner), 1.0 - np.sin(t_inner) - 0.5], axis=1)
    X = np.concatenate([outer, inner])
    y = np.concatenate([np.zeros(n_outer, np.int64), np.ones(n_inner, np.int64)])
    X = X + rng.normal(0.0, noise, size=X.shape) if noise > 0 else X
    X, y = _shuffled(X, y, rng)
    return X.astype(np.float32), y


def make_circles(n_samples=100, noise=0.0, factor=0.8, seed=None):
    """A large circle (label 0, radius 1) around a small one (label 1, radius `factor`).

    As scikit-learn's make_circles: points evenly spaced in angle, n_samples // 2 on the outer
    circle, `noise` the standard deviation of Gaussian noise added to each coordinate. Rows are
    shuffled.
    """
    n_samples = _check_int("make_circles", "n_samples", n_samples, 1)
    noise = _check_nonneg("make_circles", "noise", noise)
    if isinstance(factor, bool) or not isinstance(factor, Real) or not 0 <= factor < 1:
        raise ValueError(f"make_circles: factor must be in [0, 1), got {factor!r}")
    rng = _rng(seed)
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    t_outer = np.linspace(0.0, 2 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0.0, 2 * np.pi, n_inner, endpoint=False)
    outer = np.stack([np.cos(t_outer), np.sin(t_outer)], axis=1)
    inner = factor * np.stack([np.cos(t_inner), np.sin(t_inner)], axis=1)
    X = np.concatenate([outer, inner])
    y = np.concatenate([np.zeros(n_outer, np.int64), np.ones(n_inner, np.int64)])
    X = X + rng.normal(0.0, noise, size=X.shape) if noise > 0 else X
    X, y = _shuffled(X, y, rng)
    return X.astype(np.float32), y


def make_spirals(n_samples=300, n_classes=3, noise=0.2, seed=None):
    """Spiral arms, one per class, winding out from the origin (the CS231n toy problem).

    Along arm k the radius r runs evenly from 0 to 1 while the angle runs from 2*pi*k/n_classes
    through 4 more radians (theta = 2*pi*k/n_classes + 4*r), so the radius grows with the angle.
    `noise` is the standard deviation of Gaussian noise added to the angle (in radians), which keeps
    every point at its radius. Points are X = r * (sin theta, cos theta); classes get
    n_samples // n_classes points each (the first few one more). Rows are shuffled.
    """
    n_classes = _check_int("make_spirals", "n_classes", n_classes, 2)
    n_samples = _check_int("make_spirals", "n_samples", n_samples, 1)
    if n_samples < n_classes:
        raise ValueError(
            f"make_spirals: n_samples must be >= n_classes ({n_classes}) so that every class "
            f"has a point, got {n_samples}"
        )
    noise = _check_nonneg("make_spirals", "noise", noise)
    rng = _rng(seed)
    Xs, ys = [], []
    for k, n_k in enumerate(_split_evenly(n_samples, n_classes)):
        r = np.linspace(0.0, 1.0, n_k)
        theta = 2 * np.pi * k / n_classes + 4.0 * r + rng.normal(0.0, noise, size=n_k)
        Xs.append(np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1))
        ys.append(np.full(n_k, k, np.int64))
    X, y = _shuffled(np.concatenate(Xs), np.concatenate(ys), rng)
    return X.astype(np.float32), y


def make_xor(n_samples=200, noise=0.1, seed=None):
    """Four Gaussian clusters at the corners (+-1, +-1); the label is 1 where the signs differ.

    That is, label = (x1 > 0) xor (x2 > 0) of the cluster's corner: no straight line separates the
    classes. `noise` is the standard deviation of each cluster; corners get n_samples // 4 points
    each (the first few one more). Rows are shuffled.
    """
    n_samples = _check_int("make_xor", "n_samples", n_samples, 1)
    noise = _check_nonneg("make_xor", "noise", noise)
    rng = _rng(seed)
    corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    labels = np.array([0, 1, 1, 0], np.int64)
    which = np.repeat(np.arange(4), _split_evenly(n_samples, 4))
    X = corners[which] + rng.normal(0.0, noise, size=(n_samples, 2))
    X, y = _shuffled(X, labels[which], rng)
    return X.astype(np.float32), y


def make_blobs(n_samples=100, centers=3, n_features=2, cluster_std=1.0, seed=None):
    """Isotropic Gaussian clusters, as scikit-learn's make_blobs; label k is the k-th centre.

    `centers` is a number of clusters (centres drawn uniformly from the box [-10, 10]^n_features,
    as scikit-learn does) or an array of shape (k, n_features) of centres. `cluster_std` is the
    standard deviation of every cluster, or a sequence of one per cluster. Clusters get
    n_samples // k points each (the first few one more). Rows are shuffled.
    """
    n_samples = _check_int("make_blobs", "n_samples", n_samples, 1)
    rng = _rng(seed)
    if isinstance(centers, Integral) and not isinstance(centers, bool):
        n_centers = _check_int("make_blobs", "centers", centers, 1)
        n_features = _check_int("make_blobs", "n_features", n_features, 1)
        centres = rng.uniform(-10.0, 10.0, size=(n_centers, n_features))
    else:
        centres = np.asarray(centers, dtype=np.float64)
        if centres.ndim != 2 or centres.shape[0] < 1 or not np.isfinite(centres).all():
            raise ValueError(
                "make_blobs: centers must be an int or a finite array of shape (k, n_features), "
                f"got shape {centres.shape}"
            )
    try:
        stds = np.broadcast_to(np.asarray(cluster_std, dtype=np.float64), (len(centres),))
    except ValueError:
        raise ValueError(
            f"make_blobs: cluster_std must be a number or one per centre ({len(centres)}), "
            f"got {cluster_std!r}"
        ) from None
    if not (np.isfinite(stds).all() and (stds >= 0).all()):
        raise ValueError(f"make_blobs: cluster_std must be finite and >= 0, got {cluster_std!r}")
    which = np.repeat(np.arange(len(centres)), _split_evenly(n_samples, len(centres)))
    noise = rng.normal(size=(n_samples, centres.shape[1])) * stds[which, None]
    X, y = _shuffled(centres[which] + noise, which.astype(np.int64), rng)
    return X.astype(np.float32), y


# --- regression set


def make_regression(n_samples=200, noise=0.1, seed=None):
    """A noisy sine: x uniform on [-3, 3], y = sin(x) + noise * N(0, 1).

    Returns X of shape (n_samples, 1) and y of shape (n_samples,), both float32. `noise` is the
    standard deviation of the Gaussian noise, so the best possible expected test MSE is noise**2:
    compare a model's test MSE to that. (Not scikit-learn's linear make_regression.)
    """
    n_samples = _check_int("make_regression", "n_samples", n_samples, 1)
    noise = _check_nonneg("make_regression", "noise", noise)
    rng = _rng(seed)
    x = rng.uniform(-3.0, 3.0, size=n_samples)
    y = np.sin(x) + rng.normal(0.0, noise, size=n_samples) if noise > 0 else np.sin(x)
    return x[:, None].astype(np.float32), y.astype(np.float32)


# --- splitting and batching


def _check_pair(func, X, y):
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"{func}: X and y must be arrays with one row per sample, not scalars")
    if len(X) != len(y):
        raise ValueError(f"{func}: X and y must have the same length, got {len(X)} and {len(y)}")
    if len(X) == 0:
        raise ValueError(f"{func}: X and y are empty")
    return X, y


def train_test_split(X, y, test_size=0.25, seed=None, shuffle=True):
    """Split into (X_train, X_test, y_train, y_test), scikit-learn's order.

    The test part has ceil(test_size * n) rows. With shuffle=False the last rows are the test part.
    """
    X, y = _check_pair("train_test_split", X, y)
    if isinstance(test_size, bool) or not isinstance(test_size, Real) or not 0 < test_size < 1:
        raise ValueError(f"train_test_split: test_size must be in (0, 1), got {test_size!r}")
    n = len(X)
    n_test = math.ceil(test_size * n)
    if n_test >= n:
        raise ValueError(
            f"train_test_split: test_size={test_size} leaves no training rows out of {n} samples"
        )
    order = _rng(seed).permutation(n) if shuffle else np.arange(n)
    train, test = order[: n - n_test], order[n - n_test :]
    return X[train], X[test], y[train], y[test]


class DataLoader(_torch_data.DataLoader):
    """A shortcut for toy arrays: `DataLoader(X, y)` iterates over (X rows, y rows) batches.

    The same as `minigrad.utils.data.DataLoader(TensorDataset(tensor(X as float32), tensor(y)))`
    (PyTorch's form, which also works on these arrays) with toy-friendly defaults:
    batch_size=None gives one full batch per epoch (batch gradient descent), 1 gives single samples
    (stochastic gradient descent), anything else mini-batches; shuffle=True reshuffles every
    epoch. With drop_last=True a last batch smaller than batch_size is skipped. With an int seed
    the sequence of epochs is the same on every run; with seed=None the shuffles come from
    minigrad's global generator. `.X` and `.y` are the whole arrays (what `fit` evaluates on).
    """

    def __init__(self, X, y, batch_size=None, shuffle=True, seed=None, drop_last=False):
        X, y = _check_pair("DataLoader", X, y)
        self.X = X.astype(np.float32, copy=False)
        self.y = y
        n = len(X)
        if batch_size is None:
            batch_size = n
        batch_size = _check_int("DataLoader", "batch_size", batch_size, 1)
        if drop_last and batch_size > n:
            raise ValueError(
                f"DataLoader: batch_size {batch_size} is larger than the {n} samples, "
                "so drop_last=True would leave no batches"
            )
        # one generator for the loader's whole life: epochs differ, but the run repeats for a seed
        super().__init__(
            _torch_data.TensorDataset(Tensor(self.X), Tensor(self.y)),
            batch_size=batch_size,
            shuffle=shuffle,
            drop_last=drop_last,
            generator=None if seed is None else np.random.default_rng(seed),
        )
