"""The loss landscape of the moons MLP: a line from the initial to the final weights, and 2-D
slices with the SGD and Adam trajectories projected onto them (Li et al., 2018, "Visualizing the
Loss Landscape of Neural Nets", NeurIPS: sections 3 and 4 for the line and the filter-normalized
random directions, section 6 for projecting trajectories).

All weights are handled as one flat vector, in `model.parameters()` order.
"""

import numpy as np

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.data import DataLoader
from minigrad.tour.dataset import moons_data
from minigrad.tour.paths import make_optimizer


def _flat(model):
    return np.concatenate([p.data.ravel() for p in model.parameters()]).astype(np.float64)


def _load(model, flat):
    start = 0
    for p in model.parameters():
        p.data[...] = flat[start : start + p.data.size].reshape(p.data.shape)
        start += p.data.size


def new_model(seed=0):
    """The tour's 2-16-16-2 ReLU MLP, initialised from `seed`."""
    mg.manual_seed(seed)
    return mg.nn.MLP([2, 16, 16, 2])


def train_trajectory(name, lr, epochs=30, batch_size=32, seed=0):
    """Train the MLP on moons with optimizer `name`: the flat weights after every step, (steps + 1, n)."""
    X, _, y, _ = moons_data(seed=seed)
    model = new_model(seed)
    optimizer = make_optimizer(name, model.parameters(), lr)
    loader = DataLoader(X, y, batch_size, seed=seed)
    points = [_flat(model)]
    for _ in range(epochs):
        for inputs, targets in loader:
            optimizer.zero_grad()
            F.cross_entropy(model(inputs), targets).backward()
            optimizer.step()
            points.append(_flat(model))
    return np.array(points)


def loss_at(flat_weights, seed=0):
    """Training loss (cross-entropy on the moons training set) at each row of flat weights."""
    X, _, y, _ = moons_data(seed=seed)
    model, inputs, targets = new_model(seed), mg.tensor(X), mg.tensor(y)
    losses = []
    with mg.no_grad():
        for w in np.atleast_2d(flat_weights):
            _load(model, w)
            losses.append(F.cross_entropy(model(inputs), targets).item())
    return np.array(losses)


def filter_normalized_direction(reference, seed):
    """A Gaussian direction, each neuron's incoming weights (a row of a Linear weight, Li et al.'s
    "filter") rescaled to the norm of the same row of `reference`; biases get 0 (this script's
    choice: a bias row has one entry, so its normalized direction would only copy the bias)."""
    rng = np.random.default_rng(seed)
    model = new_model()
    _load(model, reference)
    parts = []
    for p in model.parameters():
        if p.data.ndim == 2:
            d = rng.standard_normal(p.data.shape)
            d *= np.linalg.norm(p.data, axis=1, keepdims=True) / np.linalg.norm(d, axis=1, keepdims=True)
        else:
            d = np.zeros(p.data.shape)
        parts.append(d.ravel())
    return np.concatenate(parts)


def project(points, origin, d1, d2):
    """Least-squares coordinates (a, b) of each point in origin + a d1 + b d2, and the fraction of
    each point's distance from the origin that the plane keeps (1 = the point lies in the plane)."""
    basis = np.stack([d1, d2], axis=1)
    offsets = np.atleast_2d(points) - origin
    coords, *_ = np.linalg.lstsq(basis, offsets.T, rcond=None)
    kept = np.linalg.norm(basis @ coords, axis=0) / np.maximum(np.linalg.norm(offsets, axis=1), 1e-300)
    return coords.T, kept


def plane_losses(origin, d1, d2, a_range, b_range, n=31):
    """Loss on an n x n grid of origin + a d1 + b d2: (a values, b values, losses (n, n))."""
    a = np.linspace(*a_range, n)
    b = np.linspace(*b_range, n)
    grid = np.array([origin + ai * d1 + bi * d2 for bi in b for ai in a])
    return a, b, loss_at(grid).reshape(n, n)


def trajectory_plane(origin, end1, end2):
    """Two orthonormal directions spanning the plane through origin, end1 and end2."""
    u = end1 - origin
    u = u / np.linalg.norm(u)
    v = end2 - origin
    v = v - (v @ u) * u
    return u, v / np.linalg.norm(v)
