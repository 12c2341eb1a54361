"""fit, accuracy and evaluate against hand-written numpy references."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.data import DataLoader, make_blobs
from minigrad.optim import SGD
from minigrad.optim.lr_scheduler import ReduceLROnPlateau, StepLR
from minigrad.training import Snapshots, accuracy, evaluate, fit, predict_classes


def linear_model(weight, bias):
    """A Linear layer with the given weights."""
    model = mg.nn.Linear(weight.shape[1], weight.shape[0])
    model.weight.data[...] = weight
    model.bias.data[...] = bias
    return model


def numpy_mlp_logits(model, X):
    """Forward of a relu MLP written with numpy alone, from the state dict."""
    state = model.state_dict()
    n_layers = len(state) // 2
    h = X.astype(np.float64)
    for k in range(n_layers):
        h = h @ state[f"{2 * k}.weight"].T + state[f"{2 * k}.bias"]
        if k < n_layers - 1:
            h = np.maximum(h, 0)
    return h


def two_blobs(n=80, seed=0):
    X, y = make_blobs(n, centers=np.array([[-2.0, 0.0], [2.0, 0.0]]), cluster_std=0.5, seed=seed)
    return X, y


def test_full_batch_sgd_epochs_match_hand_computed_gradient_steps():
    # A linear model with MSE loss: grad W = 2/(N k) (X W^T + b - Y)^T X, grad b = 2/(N k) sum(r).
    # Two epochs also check that the gradients are zeroed between steps (no accumulation).
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 3)).astype(np.float32)
    Y = rng.normal(size=(10, 2)).astype(np.float32)
    W = rng.normal(size=(2, 3)).astype(np.float32)
    b = rng.normal(size=2).astype(np.float32)
    model = linear_model(W, b)
    lr = 0.1
    history = fit(
        model,
        F.mse_loss,
        SGD(model.parameters(), lr=lr),
        DataLoader(X, Y, batch_size=None, shuffle=False),
        epochs=2,
        progress=False,
    )
    W64, b64 = W.astype(np.float64), b.astype(np.float64)
    losses = []
    for _ in range(2):
        r = X @ W64.T + b64 - Y
        scale = 2 / r.size
        W64, b64 = W64 - lr * scale * r.T @ X, b64 - lr * scale * r.sum(axis=0)
        losses.append(np.mean((X @ W64.T + b64 - Y) ** 2))
    np.testing.assert_allclose(model.weight.data, W64, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.bias.data, b64, rtol=1e-5, atol=1e-6)
    # "loss" is measured on the whole training set after each epoch's updates
    np.testing.assert_allclose(history["loss"], losses, rtol=1e-5)


def test_history_has_one_value_per_epoch_and_loss_falls_on_separable_data():
    X, y = two_blobs()
    mg.manual_seed(0)
    model = mg.nn.MLP([2, 8, 2])
    history = fit(
        model,
        F.cross_entropy,
        SGD(model.parameters(), lr=0.1),
        DataLoader(X, y, batch_size=16, seed=0),
        epochs=15,
        test_data=two_blobs(40, seed=1),
        metric=accuracy,
        progress=False,
    )
    assert set(history) == {"loss", "accuracy", "test_loss", "test_accuracy", "time"}
    assert all(len(values) == 15 for values in history.values())
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["accuracy"][-1] == 1.0 and history["test_accuracy"][-1] == 1.0
    assert np.all(np.diff(history["time"]) > 0)  # cumulative wall time


def test_recorded_accuracy_and_test_loss_equal_a_numpy_forward_pass():
    X, y = make_blobs(120, centers=3, cluster_std=3.0, seed=3)  # overlapping: not all correct
    X_test, y_test = make_blobs(60, centers=3, cluster_std=3.0, seed=4)
    mg.manual_seed(1)
    model = mg.nn.MLP([2, 16, 3])
    history = fit(
        model,
        F.cross_entropy,
        SGD(model.parameters(), lr=0.05),
        DataLoader(X, y, batch_size=32, seed=0),
        epochs=3,
        test_data=(X_test, y_test),
        metric=accuracy,
        progress=False,
    )
    logits = numpy_mlp_logits(model, X)
    assert history["accuracy"][-1] == pytest.approx(np.mean(logits.argmax(axis=1) == y))
    test_logits = numpy_mlp_logits(model, X_test)
    shifted = test_logits - test_logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = -log_probs[np.arange(len(y_test)), y_test].mean()
    assert history["test_loss"][-1] == pytest.approx(expected, rel=1e-5)
    assert 0 < history["accuracy"][-1] < 1  # the check above is not trivially 1 == 1


def test_accuracy_single_output_is_sign_of_score_for_0_1_and_minus_1_plus_1_labels():
    model = linear_model(np.array([[1.0, -1.0]], np.float32), np.array([0.0], np.float32))
    X = np.array([[2, 1], [1, 2], [0, 3], [5, 0]], np.float32)  # scores 1, -1, -3, 5
    assert accuracy(model, X, np.array([1, 0, 0, 1])) == 1.0
    assert accuracy(model, X, np.array([1, -1, -1, 1])) == 1.0
    assert accuracy(model, X, np.array([1, 1, 0, 0])) == 0.5
    assert accuracy(model, mg.tensor(X), mg.tensor([-1.0, -1.0, -1.0, 1.0])) == 0.75


def test_accuracy_multi_class_is_argmax_of_logits():
    model = linear_model(np.eye(3, 2, dtype=np.float32), np.array([0, 0, 0.5], np.float32))
    X = np.array([[2, 1], [1, 2], [0, 0], [-1, -1]], np.float32)
    # logits: [2,1,.5] [1,2,.5] [0,0,.5] [-1,-1,.5] -> classes 0, 1, 2, 2
    np.testing.assert_array_equal(predict_classes(model(mg.tensor(X)).data), [0, 1, 2, 2])
    assert accuracy(model, X, np.array([0, 1, 2, 0])) == 0.75


def test_evaluate_returns_loss_and_named_metric():
    model = linear_model(np.array([[2.0]], np.float32), np.array([1.0], np.float32))
    X = np.array([[0.0], [1.0], [2.0]], np.float32)
    Y = np.array([[1.0], [2.0], [3.0]], np.float32)  # predictions 1, 3, 5
    result = evaluate(model, F.mse_loss, X, Y, metric=lambda m, X, y: 42.0)
    assert result == {"loss": pytest.approx((0 + 1 + 4) / 3), "<lambda>": 42.0}


def test_scheduler_steps_once_per_epoch_and_lr_is_recorded():
    X, y = two_blobs(20)
    model = mg.nn.MLP([2, 2])
    optimizer = SGD(model.parameters(), lr=0.4)
    history = fit(
        model,
        F.cross_entropy,
        optimizer,
        DataLoader(X, y, batch_size=5, seed=0),  # 4 batches per epoch, one scheduler step
        epochs=4,
        scheduler=StepLR(optimizer, step_size=1, gamma=0.5),
        progress=False,
    )
    np.testing.assert_allclose(history["lr"], [0.4, 0.2, 0.1, 0.05])
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.025)


def test_reduce_lr_on_plateau_gets_the_epoch_loss():
    X, y = two_blobs(20)
    model = mg.nn.MLP([2, 2])
    optimizer = SGD(model.parameters(), lr=0.0)  # lr 0: the loss never improves
    scheduler = ReduceLROnPlateau(optimizer, patience=0, factor=0.5)
    fit(
        model,
        F.cross_entropy,
        optimizer,
        DataLoader(X, y),
        epochs=3,
        scheduler=scheduler,
        progress=False,
    )
    assert scheduler.best == pytest.approx(evaluate(model, F.cross_entropy, X, y)["loss"])


def test_progress_bar_shows_loss_and_accuracy(capsys):
    X, y = two_blobs(20)
    model = mg.nn.MLP([2, 2])
    fit(
        model,
        F.cross_entropy,
        SGD(model.parameters(), lr=0.1),
        DataLoader(X, y),
        epochs=2,
        metric=accuracy,
        desc="blobs",
    )
    err = capsys.readouterr().err
    assert "blobs" in err and "2/2" in err and "loss=" in err and "acc=" in err


@pytest.mark.parametrize("epochs", [0, -1, 2.5, True, "3"])
def test_fit_rejects_bad_epochs(epochs):
    model = mg.nn.MLP([2, 2])
    with pytest.raises(ValueError, match="fit: epochs must be an int >= 1, got"):
        fit(model, F.cross_entropy, SGD(model.parameters()), DataLoader(*two_blobs()), epochs)


def test_fit_rejects_a_loader_it_cannot_evaluate_on():
    model = mg.nn.MLP([2, 2])
    batches = [(mg.tensor([[0.0, 1.0]]), mg.tensor(np.array([1])))]
    with pytest.raises(TypeError, match="fit: train_loader must be a minigrad.data.DataLoader"):
        fit(model, F.cross_entropy, SGD(model.parameters()), batches, 1)


def test_fit_rejects_test_data_that_is_not_a_pair():
    model = mg.nn.MLP([2, 2])
    X, y = two_blobs()
    with pytest.raises(ValueError, match=r"fit: test_data must be a pair \(X_test, y_test\)"):
        fit(model, F.cross_entropy, SGD(model.parameters()), DataLoader(X, y), 1, test_data=(X,))


# ----- snapshots for the training page -----
def blobs_run(epochs, snapshots=None, seed=0):
    X, y = two_blobs(40, seed=seed)
    mg.manual_seed(seed)
    model = mg.nn.MLP([2, 4, 2], activation="tanh")
    history = fit(
        model,
        F.cross_entropy,
        SGD(model.parameters(), lr=0.1),
        DataLoader(X, y, batch_size=8, seed=seed),
        epochs,
        metric=accuracy,
        progress=False,
        snapshots=snapshots,
    )
    return model, history, (X, y)


def test_recording_snapshots_does_not_change_the_training():
    model_plain, plain, _ = blobs_run(5)
    model_recorded, recorded, _ = blobs_run(5, Snapshots(count=10))
    assert recorded["loss"] == plain["loss"] and recorded["accuracy"] == plain["accuracy"]
    for (name, a), (_, b) in zip(
        model_plain.state_dict().items(), model_recorded.state_dict().items()
    ):
        np.testing.assert_array_equal(a, b, err_msg=name)


def test_snapshots_are_every_epoch_when_few_and_evenly_spaced_when_many():
    assert Snapshots(count=10).epochs_to_record(6) == set(range(7))
    assert Snapshots(count=5).epochs_to_record(100) == {0, 25, 50, 75, 100}
    snapshots = Snapshots(count=4)
    blobs_run(9, snapshots)
    assert [r["epoch"] for r in snapshots.records] == [0, 3, 6, 9]


def test_a_snapshot_holds_copies_of_the_weights_their_full_batch_gradient_and_the_scores():
    snapshots = Snapshots(count=10, probe=np.array([[0.0, 0.0], [1.0, -1.0]]))
    model, history, (X, y) = blobs_run(3, snapshots)
    last = snapshots.records[-1]
    for name, value in model.state_dict().items():  # the last snapshot is the trained model
        np.testing.assert_array_equal(last["weights"][name], value)
    assert not np.array_equal(
        snapshots.records[0]["weights"]["0.weight"], last["weights"]["0.weight"]
    )
    assert last["scores"] == {"loss": history["loss"][-1], "accuracy": history["accuracy"][-1]}
    # the gradient of the mean cross-entropy on all of X, by hand in numpy
    w = {k: v.astype(np.float64) for k, v in last["weights"].items()}
    h = np.tanh(X @ w["0.weight"].T + w["0.bias"])
    logits = h @ w["2.weight"].T + w["2.bias"]
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    d_logits = (p - np.eye(2)[y]) / len(X)
    d_h = d_logits @ w["2.weight"] * (1 - h**2)
    np.testing.assert_allclose(last["grads"]["2.weight"], d_logits.T @ h, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(last["grads"]["0.weight"], d_h.T @ X, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(last["grads"]["0.bias"], d_h.sum(axis=0), rtol=1e-4, atol=1e-6)
    probe_logits = np.tanh(snapshots.probe @ w["0.weight"].T + w["0.bias"]) @ w["2.weight"].T
    np.testing.assert_allclose(last["output"], probe_logits + w["2.bias"], rtol=1e-4, atol=1e-6)
    assert all(p.grad is None or not p.grad.any() for p in model.parameters())  # left clean


def test_untrained_snapshot_scores_are_the_models_before_any_step():
    snapshots = Snapshots(count=3)
    _, _, (X, y) = blobs_run(2, snapshots)
    first = snapshots.records[0]
    model = mg.nn.MLP([2, 4, 2], activation="tanh")
    model.load_state_dict(first["weights"])
    assert first["scores"] == evaluate(model, F.cross_entropy, X, y, accuracy)


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: Snapshots(count=1), ValueError, "Snapshots: count must be an int >= 2, got 1"),
        (lambda: Snapshots(probe=np.zeros(3)), ValueError, r"probe must be an \(n, d\) array"),
        (
            lambda: blobs_run(1, snapshots=5),
            TypeError,
            "fit: snapshots must be a Snapshots, got int",
        ),
    ],
)
def test_snapshots_reject_bad_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make()
