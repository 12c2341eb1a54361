"""Everyday PyTorch code, with `torch` replaced by `minigrad` and nothing else, checked against numpy.

Each test is shaped like a PyTorch tutorial's code (the names, the calls, the order), imports
minigrad under PyTorch's spellings, and checks the numbers against a hand-written numpy
computation of the same thing. torch itself is never imported.
"""

import numpy as np

import minigrad as torch
import minigrad.nn as nn
import minigrad.nn.functional as F
import minigrad.optim as optim
from minigrad.utils.data import DataLoader, TensorDataset


# ----- the tensor basics of a first tutorial -----
def test_tensor_basics():
    x = torch.tensor([[1, 2, 3], [4, 5, 6]])
    assert x.dtype == torch.int64  # integer data is int64, as in PyTorch
    assert x.size() == (2, 3) and x.size(1) == 3 and x.dim() == 2 and x.numel() == 6
    f = x.float()
    assert f.dtype == torch.float32
    assert torch.tensor([1.5, 2.0]).dtype == torch.float32
    np.testing.assert_array_equal(f.view(3, 2).data, np.arange(1, 7).reshape(3, 2))
    np.testing.assert_array_equal(f.view(-1).data, np.arange(1, 7))
    assert f.unsqueeze(0).shape == (1, 2, 3) and f.unsqueeze(-1).shape == (2, 3, 1)
    assert f.unsqueeze(0).squeeze().shape == (2, 3) and f.flatten().shape == (6,)
    np.testing.assert_array_equal(f.t().data, np.arange(1, 7).reshape(2, 3).T)
    np.testing.assert_array_equal(f.sum(dim=1).data, [6, 15])
    np.testing.assert_array_equal(f.sum(dim=0, keepdim=True).data, [[5, 7, 9]])
    np.testing.assert_allclose(f.mean(dim=1).data, [2, 5])
    values, indices = f.max(dim=1)
    np.testing.assert_array_equal(values.data, [3, 6])
    np.testing.assert_array_equal(indices.data, [2, 2])
    assert indices.dtype == torch.int64
    np.testing.assert_array_equal(f.argmax(dim=0).data, [1, 1, 1])
    assert f.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert float(f.sum()) == 21.0 and int(x[1, 2]) == 6 and f[0, 0].item() == 1.0
    assert torch.cat([f, f], dim=0).shape == (4, 3) and torch.stack([f, f], dim=1).shape == (2, 2, 3)
    np.testing.assert_allclose(f.std(dim=1).data, np.std([[1, 2, 3], [4, 5, 6]], axis=1, ddof=1))
    c = f.clone()
    c.data[0, 0] = 100
    assert f[0, 0].item() == 1.0
    assert f.to("cpu") is f and f.cpu() is f and f.to(torch.float64).dtype == torch.float64


def test_autograd_basics():
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    out.backward()
    np.testing.assert_allclose(x.grad, np.full((2, 2), 4.5))  # d/dx mean(3 (x+2)^2) = 6 (x+2) / 4
    w = torch.randn(3).requires_grad_()
    assert w.requires_grad
    with torch.no_grad():
        assert not (w * 2).requires_grad
    torch.set_grad_enabled(False)
    assert not (w * 2).requires_grad
    torch.set_grad_enabled(True)
    assert (w * 2).requires_grad
    assert (w.detach() * 2).requires_grad is False
    np.testing.assert_array_equal(w.detach().numpy(), w.data)


# ----- a classifier, as in the "training a classifier" tutorials -----
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        return self.fc2(x)


def numpy_classifier_epoch(params, batches, lr, max_norm):
    """The same training by hand: forward, softmax cross-entropy, backprop, clipping, SGD."""
    w1, b1, w2, b2 = params
    losses = []
    for xb, yb in batches:
        h_pre = xb @ w1.T + b1
        h = np.maximum(h_pre, 0)
        logits = h @ w2.T + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        losses.append(-log_p[np.arange(len(yb)), yb].mean())
        d_logits = (np.exp(log_p) - np.eye(3)[yb]) / len(yb)
        grads = [None, None, d_logits.T @ h, d_logits.sum(0)]
        d_h = d_logits @ w2 * (h_pre > 0)
        grads[0], grads[1] = d_h.T @ xb, d_h.sum(0)
        total = np.sqrt(sum((g.astype(np.float64) ** 2).sum() for g in grads))
        scale = min(1.0, max_norm / (total + 1e-6))
        params = [p - lr * scale * g for p, g in zip(params, grads)]
        w1, b1, w2, b2 = params
    return params, losses


def test_training_a_classifier_matches_numpy():
    torch.manual_seed(0)
    X = torch.randn(60, 4)
    y = (X[:, 0] > 0).long() + (X[:, 1] > 0.5).long()  # three classes, int64 as in PyTorch
    assert y.dtype == torch.int64
    loader = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=False)

    model = Net()
    start = [p.data.astype(np.float64) for p in model.parameters()]
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.5)
    running = []
    for _epoch in range(3):
        for inputs, labels in loader:
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            running.append(loss.item())

    batches = [(X.data[i : i + 16].astype(np.float64), y.data[i : i + 16]) for i in range(0, 60, 16)]
    params, losses = start, []
    for _epoch in range(3):
        params, epoch_losses = numpy_classifier_epoch(params, batches, lr=0.5, max_norm=1.0)
        losses += epoch_losses
    np.testing.assert_allclose(running, losses, rtol=1e-4)
    for p, expected in zip(model.parameters(), params):
        np.testing.assert_allclose(p.data, expected, rtol=1e-4, atol=1e-5)

    model.eval()
    with torch.no_grad():
        predicted = model(X).argmax(dim=1)
        accuracy = (predicted == y).float().mean().item()
    w1, b1, w2, b2 = params
    by_hand = (np.maximum(X.data @ w1.T + b1, 0) @ w2.T + b2).argmax(axis=1)
    assert abs(accuracy - (by_hand == y.data).mean()) < 1e-6  # float32 mean of 60 zeros and ones


# ----- regression with nn.Sequential, MSELoss and Adam: converges to least squares -----
def test_regression_with_sequential_converges_to_least_squares():
    torch.manual_seed(1)
    x = torch.linspace(-1, 1, 50).unsqueeze(1)  # (50, 1), the tutorial way
    y = 3 * x - 0.5 + 0.1 * torch.randn(50, 1)
    model = nn.Sequential(nn.Linear(1, 1))
    loss_fn = nn.MSELoss()
    optimizer = optim.Adam(model.parameters(), lr=0.1)
    for _step in range(500):
        prediction = model(x)
        loss = loss_fn(prediction, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    design = np.hstack([x.data, np.ones((50, 1))]).astype(np.float64)
    (slope, intercept), *_ = np.linalg.lstsq(design, y.data.astype(np.float64), rcond=None)
    np.testing.assert_allclose(model[0].weight.item(), slope.item(), atol=1e-3)
    np.testing.assert_allclose(model[0].bias.item(), intercept.item(), atol=1e-3)


# ----- the layers of a deeper tutorial model, and saving -----
def test_a_model_with_batchnorm_dropout_and_init_trains_and_round_trips(tmp_path):
    torch.manual_seed(2)

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.Sequential(
                nn.Flatten(),
                nn.Linear(6, 8),
                nn.BatchNorm1d(8),
                nn.GELU(),
                nn.Dropout(p=0.2),
                nn.Linear(8, 2),
            )
            for m in self.modules():
                if isinstance(m, nn.Linear):
                    nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                    nn.init.zeros_(m.bias)

        def forward(self, x):
            return self.layers(x)

    model = MLP()
    images = torch.randn(32, 2, 3)
    labels = torch.randint(0, 2, (32,))
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    losses = []
    for _ in range(100):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    assert model.layers[2].num_batches_tracked.item() == 100

    torch.save(model.state_dict(), tmp_path / "model.npz")
    again = MLP()
    again.load_state_dict(torch.load(tmp_path / "model.npz"))
    model.eval()
    again.eval()
    np.testing.assert_array_equal(again(images).data, model(images).data)  # buffers came along
