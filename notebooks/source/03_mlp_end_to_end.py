# %% [markdown]
# # 3. An MLP end to end
#
# Data, model, loss, optimizer, batches, the training loop, curves, the decision boundary, and
# saving the weights: every step of training a small classifier, one short cell each, with
# PyTorch's names throughout. About 30 minutes.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.data import make_moons, train_test_split
from minigrad.plots import plot_decision_boundary, plot_history
from minigrad.utils.data import DataLoader, TensorDataset

plt.rcParams["figure.dpi"] = 100

# %% [markdown]
# ## Data
#
# Two interleaved half-moons with noise: 200 points in the plane, labels 0 and 1. A straight line
# cannot separate them, so the network needs its hidden layers. We hold out a quarter of the
# points as a test set that training never sees.

# %%
X, y = make_moons(n_samples=200, noise=0.2, seed=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
print("X", X.dtype, X_train.shape, X_test.shape, "| y", y.dtype, np.bincount(y_train))

plt.figure(figsize=(4, 3))
plt.scatter(*X_train.T, c=y_train, cmap="coolwarm", s=12, label="train")
plt.scatter(*X_test.T, c=y_test, cmap="coolwarm", s=30, marker="x", label="test")
plt.legend()
plt.title("two moons")
plt.show()

# %% [markdown]
# ## Model
#
# `MLP([2, 16, 16, 2])` is `Sequential(Linear(2, 16), ReLU(), Linear(16, 16), ReLU(), Linear(16, 2))`:
# two inputs, two hidden layers of 16, and two outputs, one *logit* (unnormalised score) per
# class. `manual_seed` makes the random initial weights the same on every run.

# %%
mg.manual_seed(0)
model = mg.nn.MLP([2, 16, 16, 2], activation="relu")
print(model)
for name, p in model.named_parameters():
    print(f"{name:10} {p.shape}")

# %% [markdown]
# ## Loss
#
# Cross-entropy takes the logits and the integer labels: it applies softmax to turn each row of
# logits into probabilities and averages $-\log p(\text{true class})$. Before training the
# network guesses, so the loss should be near $\ln 2 \approx 0.693$ (probability 1/2 for each
# class).

# %%
logits = model(mg.tensor(X_train, dtype=np.float32))
loss = F.cross_entropy(logits, y_train)
print("logits", logits.shape, "loss", round(loss.item(), 4), "ln 2 =", round(np.log(2), 4))

# %% [markdown]
# ## Batches and the optimizer
#
# As in PyTorch, a `TensorDataset` pairs the inputs with their labels row by row, and a
# `DataLoader` cuts it into shuffled mini-batches of 32 (a new order each epoch, drawn from the
# generator we give it, so that the run repeats); each batch is a pair of Tensors. `Adam`
# receives the parameters once and, at each `step()`, moves each of them using its `.grad`.

# %%
train_set = TensorDataset(mg.tensor(X_train, dtype=np.float32), mg.tensor(y_train))
loader = DataLoader(train_set, batch_size=32, shuffle=True, generator=np.random.default_rng(0))
inputs, targets = next(iter(loader))
print(len(loader), "batches per epoch; first batch", inputs.shape, inputs.dtype, targets.shape)
optimizer = mg.optim.Adam(model.parameters(), lr=0.01)

# %% [markdown]
# ## The training loop
#
# Five lines per batch, the same in PyTorch: clear the old gradients (they would otherwise add
# up), run the model, measure the loss, backpropagate, step. After each epoch we measure loss and
# accuracy on the whole training set and on the test set, under `no_grad`, so that no graph is
# recorded for them.

# %%
def evaluate(model, X, y):
    """Loss and accuracy of the model on all of (X, y), recording no graph."""
    with mg.no_grad():
        logits = model(mg.tensor(X, dtype=np.float32))
        loss = F.cross_entropy(logits, y).item()
    return {"loss": loss, "accuracy": float(np.mean(logits.data.argmax(axis=1) == y))}


history = {"loss": [], "test_loss": [], "accuracy": [], "test_accuracy": []}
for _ in range(60):  # epochs
    for inputs, targets in loader:
        optimizer.zero_grad()                       # 1. forget last batch's gradients
        logits = model(inputs)                      # 2. forward
        loss = F.cross_entropy(logits, targets)     # 3. loss
        loss.backward()                             # 4. gradients into every p.grad
        optimizer.step()                            # 5. update the weights
    train, test = evaluate(model, X_train, y_train), evaluate(model, X_test, y_test)
    for key in ("loss", "accuracy"):
        history[key].append(train[key])
        history["test_" + key].append(test[key])
print(f"after 60 epochs: train accuracy {history['accuracy'][-1]:.1%},"
      f" test accuracy {history['test_accuracy'][-1]:.1%}")

# %% [markdown]
# ## Training curves
#
# Loss on a log scale (left) and accuracy (right); dashed lines are the test set. Here the test
# loss stays near or below the training loss for all 60 epochs: this small network, trained this
# long, has not started to fit the noise of its 150 training points. (Notebook 6 trains a model
# that does, and shows what the gap between the curves looks like.)

# %%
plot_history(history, title="2-16-16-2 MLP on two moons, Adam lr 0.01, batches of 32")

# %% [markdown]
# ## The decision boundary
#
# Colour every point of the plane by the class the model predicts there. The title gives the
# accuracy on the points drawn, here the test set.

# %%
plot_decision_boundary(model, X_test, y_test)

# %% [markdown]
# `minigrad.training.fit` runs the same loop (with a progress bar) and returns a history like this one;
# the loop above is what it does.
#
# ## Save and load
#
# `state_dict()` maps each parameter's name to its array (the same keys as PyTorch's
# `nn.Sequential`); `mg.save` writes it as a plain `.npz` file. A fresh model with other random
# weights, loaded from that file, computes exactly the same outputs.

# %%
folder = Path(tempfile.mkdtemp())
mg.save(model.state_dict(), folder / "moons.npz")
print(sorted(model.state_dict()))

mg.manual_seed(123)
copy = mg.nn.MLP([2, 16, 16, 2], activation="relu")
x = mg.tensor(X_test, dtype=np.float32)
print("before loading, same outputs:", np.array_equal(copy(x).data, model(x).data))
copy.load_state_dict(mg.load(folder / "moons.npz"))
print("after loading, same outputs: ", np.array_equal(copy(x).data, model(x).data))

# %% [markdown]
# ## Exercises

# %%
from exercise_checks import check_close, check_true, passed  # noqa: E402

# %% [markdown]
# ### Exercise 1: count the parameters
#
# Write `count_parameters(sizes)`: the number of weights and biases in `MLP(sizes)`, from the
# sizes alone (a `Linear(n_in, n_out)` has an `(n_out, n_in)` weight and an `n_out` bias).

# %%
def count_parameters(sizes):
    """Number of scalars in the parameters of MLP(sizes)."""
    # BEGIN SOLUTION
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    # END SOLUTION

# %% check
for sizes in ([2, 16, 16, 2], [3, 1], [784, 256, 10], [1, 5, 5, 5, 1]):
    actual = sum(p.numel() for p in mg.nn.MLP(sizes).parameters())
    check_close(f"count_parameters({sizes})", count_parameters(sizes), actual, atol=0, rtol=0)
passed("exercise 1")

# %% [markdown]
# ### Exercise 2: one epoch
#
# Write `train_one_epoch(model, loader, optimizer)`: one pass over the loader with the five steps,
# returning the mean of the batches' losses. The check runs your function and the loop above from
# the same weights and the same batches, and compares the weights afterwards.

# %%
def train_one_epoch(model, loader, optimizer):
    """One pass over `loader`; returns the mean batch loss (a float)."""
    # BEGIN SOLUTION
    losses = []
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(inputs), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return float(np.mean(losses))
    # END SOLUTION

# %% check
def fresh_run():
    """A model, its Adam optimizer and a loader, the same every time it is called."""
    mg.manual_seed(1)
    net = mg.nn.MLP([2, 8, 2])
    batches = DataLoader(train_set, batch_size=16, shuffle=True, generator=np.random.default_rng(1))
    return net, mg.optim.Adam(net.parameters(), lr=0.01), batches

net, opt, batches = fresh_run()
start = {k: v.copy() for k, v in net.state_dict().items()}
mean_loss = train_one_epoch(net, batches, opt)
reference, ref_opt, ref_batches = fresh_run()
ref_losses = []
for inputs, targets in ref_batches:
    ref_opt.zero_grad()
    loss = F.cross_entropy(reference(inputs), targets)
    loss.backward()
    ref_opt.step()
    ref_losses.append(loss.item())
moved = any(not np.array_equal(start[k], v) for k, v in net.state_dict().items())
check_true("train_one_epoch", moved, "the weights did not change: is optimizer.step() called?")
for k, v in net.state_dict().items():
    check_close(f"train_one_epoch: weight {k} after one epoch", v, reference.state_dict()[k],
                hint="zero_grad, forward, loss, backward, step, once per batch")
check_close("train_one_epoch: the mean batch loss it returns", mean_loss, np.mean(ref_losses))
passed("exercise 2")

# %% [markdown]
# ### Exercise 3: accuracy by hand
#
# Write `accuracy_by_hand(model, X, y)`: the fraction of rows whose largest logit is at the true
# label. Run the model under `mg.no_grad()` (no graph is needed to predict).

# %%
def accuracy_by_hand(model, X, y):
    """Fraction of rows of X (numpy, (N, 2)) whose argmax logit equals y (numpy ints, (N,))."""
    # BEGIN SOLUTION
    with mg.no_grad():
        logits = model(mg.tensor(X, dtype=np.float32)).data
    return float(np.mean(logits.argmax(axis=1) == y))
    # END SOLUTION

# %% check
for data, labels in ((X_train, y_train), (X_test, y_test)):
    check_close("accuracy_by_hand", accuracy_by_hand(model, data, labels),
                evaluate(model, data, labels)["accuracy"])
passed("exercise 3")
