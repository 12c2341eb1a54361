"""Toy data sets, train_test_split and DataLoader: shapes, seeds, geometry, batching, errors."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.data import (
    DataLoader,
    make_blobs,
    make_circles,
    make_moons,
    make_regression,
    make_spirals,
    make_xor,
    train_test_split,
)
from minigrad.utils.data import DataLoader as TorchLoader
from minigrad.utils.data import Dataset, Subset, TensorDataset, random_split

CLASSIFIERS = [make_moons, make_circles, make_spirals, make_xor, make_blobs]
ALL = [*CLASSIFIERS, make_regression]


def sorted_rows(a):
    """Rows in lexicographic order, to compare point sets regardless of shuffling."""
    a = np.asarray(a)
    return a[np.lexsort(a.T[::-1])]


# --- shapes and seeds


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_classification_sets_have_float32_points_and_int64_labels(make):
    X, y = make(n_samples=101, seed=0)
    assert X.shape == (101, 2) and X.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.int64
    assert np.isfinite(X).all()


def test_regression_set_has_one_feature_column_and_float32_targets():
    X, y = make_regression(n_samples=57, seed=0)
    assert X.shape == (57, 1) and X.dtype == np.float32
    assert y.shape == (57,) and y.dtype == np.float32


@pytest.mark.parametrize("make", ALL)
def test_same_int_seed_gives_same_data_and_other_seed_differs(make):
    X1, y1 = make(n_samples=60, seed=3)
    X2, y2 = make(n_samples=60, seed=3)
    X3, _ = make(n_samples=60, seed=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("make", ALL)
def test_seed_none_draws_from_global_generator_reseeded_by_manual_seed(make):
    mg.manual_seed(11)
    X1, y1 = make(n_samples=40)
    X2, _ = make(n_samples=40)  # the global stream moved on
    mg.manual_seed(11)
    X3, y3 = make(n_samples=40)
    np.testing.assert_array_equal(X1, X3)
    np.testing.assert_array_equal(y1, y3)
    assert not np.array_equal(X1, X2)


def test_int_seed_leaves_global_generator_untouched():
    mg.manual_seed(5)
    expected = mg.random.generator().random(3)
    mg.manual_seed(5)
    make_moons(n_samples=50, noise=0.1, seed=1)
    np.testing.assert_array_equal(mg.random.generator().random(3), expected)


# --- geometry and balance


def test_moons_without_noise_lie_exactly_on_the_two_half_circles():
    X, y = make_moons(n_samples=101, seed=0)
    assert np.bincount(y).tolist() == [50, 51]  # scikit-learn: n // 2 outer points
    t0, t1 = np.linspace(0, np.pi, 50), np.linspace(0, np.pi, 51)
    outer = np.stack([np.cos(t0), np.sin(t0)], 1)
    inner = np.stack([1 - np.cos(t1), 1 - np.sin(t1) - 0.5], 1)
    np.testing.assert_allclose(sorted_rows(X[y == 0]), sorted_rows(outer), atol=1e-6)
    np.testing.assert_allclose(sorted_rows(X[y == 1]), sorted_rows(inner), atol=1e-6)


def test_moons_noise_is_gaussian_with_the_given_standard_deviation():
    X, y = make_moons(n_samples=20000, noise=0.1, seed=2)
    assert np.bincount(y).tolist() == [10000, 10000]
    # distance from each moon's circle centre, minus the radius 1, is about N(0, 0.1)
    r_out = np.hypot(X[y == 0, 0], X[y == 0, 1]) - 1
    r_in = np.hypot(X[y == 1, 0] - 1, X[y == 1, 1] - 0.5) - 1
    assert abs(np.std(np.concatenate([r_out, r_in])) - 0.1) < 0.005


def test_circles_lie_on_radius_one_and_factor_evenly_spaced():
    X, y = make_circles(n_samples=40, factor=0.3, seed=0)
    assert np.bincount(y).tolist() == [20, 20]
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(r[y == 1], 0.3, atol=1e-6)
    angles = np.sort(np.mod(np.arctan2(X[y == 0, 1], X[y == 0, 0]), 2 * np.pi))
    np.testing.assert_allclose(np.diff(angles), 2 * np.pi / 20, atol=1e-5)


def test_spirals_radius_grows_with_angle_along_each_arm():
    X, y = make_spirals(n_samples=301, n_classes=3, noise=0.0, seed=0)
    assert np.bincount(y).tolist() == [101, 100, 100]
    for k in range(3):
        pts = X[y == k]
        r = np.hypot(pts[:, 0], pts[:, 1])
        order = np.argsort(r)
        r = r[order]
        np.testing.assert_allclose(r, np.linspace(0, 1, len(pts)), atol=1e-6)
        theta = np.unwrap(np.arctan2(pts[order, 0], pts[order, 1])[1:])  # r=0 has no angle
        assert (np.diff(theta) > 0).all()  # monotone: the arm winds outwards
        expected = 2 * np.pi * k / 3 + 4 * r[1:]
        wrapped = np.angle(np.exp(1j * (theta - expected)))
        np.testing.assert_allclose(wrapped, 0, atol=1e-5)


def test_spiral_noise_moves_the_angle_but_not_the_radius():
    X, y = make_spirals(n_samples=200, n_classes=4, noise=0.5, seed=1)
    assert np.bincount(y).tolist() == [50] * 4
    for k in range(4):
        r = np.sort(np.hypot(*X[y == k].T))
        np.testing.assert_allclose(r, np.linspace(0, 1, 50), atol=1e-6)


def test_xor_label_is_xor_of_the_signs_and_clusters_sit_at_the_corners():
    X, y = make_xor(n_samples=402, noise=0.1, seed=0)
    np.testing.assert_array_equal(y, (X[:, 0] > 0) ^ (X[:, 1] > 0))  # 10 sigma from the axes
    assert np.bincount(y).tolist() == [201, 201]
    for sx in (-1, 1):
        for sy in (-1, 1):
            pts = X[(np.sign(X[:, 0]) == sx) & (np.sign(X[:, 1]) == sy)]
            assert len(pts) in (100, 101)
            np.testing.assert_allclose(pts.mean(0), [sx, sy], atol=0.05)


def test_blobs_with_zero_std_sit_exactly_on_given_centres():
    centres = np.array([[0.0, 1.0, 2.0], [5.0, -5.0, 0.5]])
    X, y = make_blobs(n_samples=7, centers=centres, cluster_std=0.0, seed=0)
    assert X.shape == (7, 3)
    assert np.bincount(y).tolist() == [4, 3]
    np.testing.assert_allclose(X, centres[y].astype(np.float32))


def test_blobs_default_centres_in_box_and_per_cluster_std():
    X, y = make_blobs(n_samples=30000, centers=3, cluster_std=[0.5, 1.0, 2.0], seed=0)
    for k, std in enumerate([0.5, 1.0, 2.0]):
        pts = X[y == k]
        assert len(pts) == 10000
        assert (np.abs(pts.mean(0)) <= 10).all()
        np.testing.assert_allclose(pts.std(0), std, rtol=0.05)


def test_regression_without_noise_is_the_sine_on_minus_three_to_three():
    X, y = make_regression(n_samples=500, noise=0.0, seed=0)
    assert X.min() >= -3 and X.max() <= 3 and X.max() - X.min() > 5.5
    np.testing.assert_allclose(y, np.sin(X[:, 0]), atol=1e-6)


def test_regression_noise_is_the_residual_standard_deviation():
    X, y = make_regression(n_samples=20000, noise=0.2, seed=0)
    residual = y - np.sin(X[:, 0])
    assert abs(residual.std() - 0.2) < 0.005
    assert abs(residual.mean()) < 0.01


# --- train_test_split


def test_train_test_split_sizes_partition_and_pairing():
    X = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, seed=0)
    assert (len(X_tr), len(X_te)) == (7, 3)  # ceil(0.25 * 10) test rows, as scikit-learn
    np.testing.assert_array_equal(X_tr[:, 0], 2 * y_tr)  # rows keep their labels
    np.testing.assert_array_equal(X_te[:, 0], 2 * y_te)
    assert sorted(np.concatenate([y_tr, y_te]).tolist()) == list(range(10))
    again = train_test_split(X, y, test_size=0.25, seed=0)
    np.testing.assert_array_equal(again[3], y_te)


def test_train_test_split_without_shuffle_puts_last_rows_in_test():
    y = np.arange(8)
    X_tr, X_te, y_tr, y_te = train_test_split(y[:, None], y, test_size=0.5, shuffle=False)
    assert y_tr.tolist() == [0, 1, 2, 3] and y_te.tolist() == [4, 5, 6, 7]


# --- DataLoader


def epoch_ids(loader):
    """The sample ids (stored in X's first column) in the order one epoch visits them."""
    return [int(v) for xb, _ in loader for v in xb.data[:, 0]]


def test_loader_visits_every_sample_exactly_once_per_epoch_and_reshuffles():
    X = np.arange(23, dtype=np.float32)[:, None]
    y = np.arange(23)
    loader = DataLoader(X, y, batch_size=5, seed=0)
    first, second = epoch_ids(loader), epoch_ids(loader)
    assert sorted(first) == list(range(23)) and sorted(second) == list(range(23))
    assert first != second  # a new order each epoch
    replay = DataLoader(X, y, batch_size=5, seed=0)
    assert [epoch_ids(replay), epoch_ids(replay)] == [first, second]


def test_loader_yields_tensors_with_x_float32_and_y_dtype_kept_and_rows_paired():
    X = np.arange(12, dtype=np.float64).reshape(6, 2)
    for y in (np.arange(6, dtype=np.int64), np.arange(6, dtype=np.float32)):
        for xb, yb in DataLoader(X, y, batch_size=4, seed=1):
            assert isinstance(xb, mg.Tensor) and isinstance(yb, mg.Tensor)
            assert xb.data.dtype == np.float32 and yb.data.dtype == y.dtype
            np.testing.assert_array_equal(xb.data[:, 0], 2 * yb.data)


@pytest.mark.parametrize(
    "n, batch_size, drop_last, sizes",
    [
        (10, None, False, [10]),  # full batch
        (10, 1, False, [1] * 10),  # stochastic
        (10, 3, False, [3, 3, 3, 1]),
        (10, 3, True, [3, 3, 3]),
        (9, 3, True, [3, 3, 3]),
        (10, 10, True, [10]),
        (4, 7, False, [4]),
    ],
)
def test_loader_batch_sizes_and_len(n, batch_size, drop_last, sizes):
    X, y = np.zeros((n, 2)), np.zeros(n)
    loader = DataLoader(X, y, batch_size=batch_size, drop_last=drop_last, seed=0)
    assert len(loader) == len(sizes)
    assert [len(xb.data) for xb, _ in loader] == sizes


def test_loader_without_shuffle_keeps_order():
    X = np.arange(7, dtype=np.float32)[:, None]
    loader = DataLoader(X, np.arange(7), batch_size=3, shuffle=False)
    assert epoch_ids(loader) == list(range(7)) == epoch_ids(loader)


def test_loader_with_seed_none_shuffles_from_global_generator():
    X = np.arange(30, dtype=np.float32)[:, None]
    mg.manual_seed(3)
    first = epoch_ids(DataLoader(X, np.arange(30), batch_size=4))
    mg.manual_seed(3)
    again = epoch_ids(DataLoader(X, np.arange(30), batch_size=4))
    assert first == again and first != list(range(30))


# --- errors


@pytest.mark.parametrize("make", ALL)
def test_generators_reject_bad_n_samples_and_noise(make):
    name = make.__name__
    with pytest.raises(ValueError, match=rf"{name}: n_samples must be >= 1, got 0"):
        make(n_samples=0)
    with pytest.raises(TypeError, match=rf"{name}: n_samples must be an int, got 10.5"):
        make(n_samples=10.5)
    if make is not make_blobs:
        with pytest.raises(ValueError, match=rf"{name}: noise must be a finite number >= 0"):
            make(noise=-0.1)


def test_generator_specific_argument_errors():
    with pytest.raises(ValueError, match=r"make_spirals: n_classes must be >= 2, got 1"):
        make_spirals(n_classes=1)
    with pytest.raises(ValueError, match=r"make_spirals: n_samples must be >= n_classes \(3\)"):
        make_spirals(n_samples=2)
    with pytest.raises(ValueError, match=r"make_circles: factor must be in \[0, 1\), got 1.5"):
        make_circles(factor=1.5)
    with pytest.raises(ValueError, match=r"make_blobs: centers must be >= 1, got 0"):
        make_blobs(centers=0)
    with pytest.raises(ValueError, match=r"make_blobs: n_features must be >= 1, got 0"):
        make_blobs(n_features=0)
    with pytest.raises(ValueError, match=r"make_blobs: centers must be an int or a finite array"):
        make_blobs(centers=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"make_blobs: cluster_std must be finite and >= 0"):
        make_blobs(cluster_std=-1.0)
    with pytest.raises(ValueError, match=r"make_blobs: cluster_std must be a number or one per"):
        make_blobs(centers=3, cluster_std=[1.0, 2.0])


def test_train_test_split_errors():
    X, y = np.zeros((4, 2)), np.zeros(4)
    for bad in (0, 1, 1.5, -0.2):
        with pytest.raises(ValueError, match=r"train_test_split: test_size must be in \(0, 1\)"):
            train_test_split(X, y, test_size=bad)
    with pytest.raises(ValueError, match=r"train_test_split: X and y must have the same length"):
        train_test_split(X, np.zeros(3))
    with pytest.raises(ValueError, match=r"train_test_split: test_size=0.9 leaves no training"):
        train_test_split(X, y, test_size=0.9)


def test_loader_errors():
    X, y = np.zeros((4, 2)), np.zeros(4)
    with pytest.raises(ValueError, match=r"DataLoader: batch_size must be >= 1, got 0"):
        DataLoader(X, y, batch_size=0)
    with pytest.raises(ValueError, match=r"DataLoader: batch_size must be >= 1, got -2"):
        DataLoader(X, y, batch_size=-2)
    with pytest.raises(TypeError, match=r"DataLoader: batch_size must be an int, got 2.5"):
        DataLoader(X, y, batch_size=2.5)
    with pytest.raises(TypeError, match=r"DataLoader: batch_size must be an int, got True"):
        DataLoader(X, y, batch_size=True)
    with pytest.raises(
        ValueError, match=r"DataLoader: X and y must have the same length, got 4 and 3"
    ):
        DataLoader(X, np.zeros(3))
    with pytest.raises(ValueError, match=r"DataLoader: X and y are empty"):
        DataLoader(np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(ValueError, match=r"DataLoader: batch_size 5 is larger than the 4 samples"):
        DataLoader(X, y, batch_size=5, drop_last=True)


# --- minigrad.utils.data: PyTorch's Dataset, TensorDataset, DataLoader, random_split
def test_tensor_dataset_indexes_every_tensor_by_row():
    X, y = mg.tensor(np.arange(12.0).reshape(6, 2)), mg.tensor(np.arange(6))
    ds = TensorDataset(X, y)
    assert len(ds) == 6
    xi, yi = ds[4]
    np.testing.assert_array_equal(xi.data, [8.0, 9.0])
    assert yi.item() == 4 and yi.dtype == np.int64
    with pytest.raises(ValueError, match=r"TensorDataset: tensors must have the same first dim, got \[6, 5\]"):
        TensorDataset(X, mg.tensor(np.arange(5)))
    with pytest.raises(TypeError, match="TensorDataset: argument 1 must be a Tensor, got ndarray"):
        TensorDataset(X, np.arange(6))


def test_torch_loader_defaults_are_pytorchs_batch_1_in_order():
    ds = TensorDataset(mg.tensor(np.arange(5.0)[:, None]), mg.tensor(np.arange(5)))
    batches = list(TorchLoader(ds))
    assert len(batches) == 5 and [int(yb.item()) for _, yb in batches] == [0, 1, 2, 3, 4]
    assert batches[0][0].shape == (1, 1)


def test_torch_loader_batches_shuffles_and_replays_with_a_generator():
    n = 23
    ds = TensorDataset(mg.tensor(np.arange(n, dtype=np.float32)[:, None] * 2), mg.tensor(np.arange(n)))
    loader = TorchLoader(ds, batch_size=5, shuffle=True, generator=np.random.default_rng(0))
    assert len(loader) == 5
    epochs = [[(xb, yb) for xb, yb in loader] for _ in range(2)]
    ids = [[int(v) for _, yb in epoch for v in yb.data] for epoch in epochs]
    assert sorted(ids[0]) == list(range(n)) and ids[0] != ids[1]
    for xb, yb in epochs[0]:
        np.testing.assert_array_equal(xb.data[:, 0], 2 * yb.data)  # rows stay paired
    assert [len(yb.data) for _, yb in epochs[0]] == [5, 5, 5, 5, 3]
    again = TorchLoader(ds, batch_size=5, shuffle=True, generator=np.random.default_rng(0))
    assert [[int(v) for _, yb in again for v in yb.data] for _ in range(2)] == ids
    dropped = TorchLoader(ds, batch_size=5, drop_last=True)
    assert len(dropped) == 4 and [len(b[1].data) for b in dropped] == [5] * 4


def test_torch_loader_collates_a_custom_dataset():
    class Squares(Dataset):
        def __len__(self):
            return 7

        def __getitem__(self, i):
            return np.array([i, i * i], dtype=np.float32), i % 2

    batches = list(TorchLoader(Squares(), batch_size=3))
    xb, yb = batches[0]
    np.testing.assert_array_equal(xb.data, [[0, 0], [1, 1], [2, 4]])
    np.testing.assert_array_equal(yb.data, [0, 1, 0])
    assert [len(b[1].data) for b in batches] == [3, 3, 1]


def test_torch_loader_errors():
    with pytest.raises(TypeError, match="DataLoader: dataset must have __getitem__ and __len__"):
        TorchLoader(5)
    ds = TensorDataset(mg.zeros(3, 1))
    with pytest.raises(ValueError, match="DataLoader: batch_size must be >= 1, got 0"):
        TorchLoader(ds, batch_size=0)


@pytest.mark.parametrize(
    "lengths, sizes", [([7, 3], [7, 3]), ([0.5, 0.3, 0.2], [5, 3, 2]), ([0.34, 0.33, 0.33], [4, 3, 3])]
)
def test_random_split_partitions_the_dataset(lengths, sizes):
    ds = TensorDataset(mg.tensor(np.arange(10)))
    parts = random_split(ds, lengths, generator=np.random.default_rng(1))
    assert [len(p) for p in parts] == sizes and all(isinstance(p, Subset) for p in parts)
    ids = sorted(int(p[i][0].item()) for p in parts for i in range(len(p)))
    assert ids == list(range(10))  # disjoint and complete
    again = random_split(ds, lengths, generator=np.random.default_rng(1))
    assert [p.indices for p in again] == [p.indices for p in parts]


def test_random_split_errors():
    ds = TensorDataset(mg.tensor(np.arange(10)))
    with pytest.raises(ValueError, match=r"random_split: lengths \[5, 4\] must be non-negative and sum to the dataset's 10"):
        random_split(ds, [5, 4])
    with pytest.raises(ValueError, match=r"random_split: fractions \[0.5, 0.4\] must be non-negative and sum to 1"):
        random_split(ds, [0.5, 0.4])


def test_toy_data_sets_work_with_the_pytorch_form():
    X, y = make_moons(40, seed=0)
    train, test = random_split(TensorDataset(mg.tensor(X), mg.tensor(y)), [0.75, 0.25])
    loader = TorchLoader(train, batch_size=8, shuffle=True)
    seen = [(xb.shape, yb.dtype) for xb, yb in loader]
    assert len(seen) == 4 and seen[0] == ((8, 2), np.int64)
    assert len(test) == 10


def test_the_toy_shortcut_is_a_pytorch_loader_over_a_tensor_dataset():
    X, y = make_moons(10, seed=0)
    loader = DataLoader(X, y, batch_size=4, shuffle=False)
    assert isinstance(loader, TorchLoader) and isinstance(loader.dataset, TensorDataset)
