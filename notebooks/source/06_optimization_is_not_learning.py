# %% [markdown]
# # 6. Optimization is not learning
#
# The optimizers of notebooks 4 and 5 minimize the loss on the training data. But nobody needs a
# model for the training data: we already have its labels. The goal is a small loss on data the
# model has not seen. This notebook trains a network that is much bigger than its 20 data points
# warrant, and measures what happens to the two losses: overfitting, then two remedies, weight
# decay and early stopping. About 25 minutes.

# %%
import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg
import minigrad.nn.functional as F

plt.rcParams["figure.dpi"] = 100

# %% [markdown]
# ## A small noisy data set
#
# The truth is $y = \sin 3x$ on $[-1, 1]$; every observation adds noise of standard deviation
# $0.3$. We draw 20 points to train on, 100 to *validate* on (to make choices with) and 500 to
# *test* on (to report, once, at the end). Even the truth itself has a mean squared error of
# about $0.3^2 = 0.09$ on noisy data: that is the floor no model can beat on average.

# %%
NOISE = 0.3
rng = np.random.default_rng(0)


def draw(n, rng=rng):
    """n noisy observations of sin(3x), as float32 arrays of shape (n, 1)."""
    x = rng.uniform(-1, 1, (n, 1))
    return x.astype(np.float32), (np.sin(3 * x) + NOISE * rng.normal(size=(n, 1))).astype(np.float32)


X_train, y_train = draw(20)
X_val, y_val = draw(100)
X_test, y_test = draw(500)
floor = float(np.mean((np.sin(3 * X_test) - y_test) ** 2))
print(f"the truth's own test MSE (the noise floor): {floor:.4f}")

# %% [markdown]
# ## Train until the training loss is tiny
#
# A 1-32-32-1 tanh network has 1,153 parameters for 20 points. Full-batch AdamW (Adam with
# decoupled weight decay, Loshchilov & Hutter, 2019), 1,500 steps, `weight_decay=0` for now. We
# record the three losses every 25 steps and keep a copy of the weights at each record.

# %%
def mse(model, X, y):
    """Mean squared error of the model on (X, y), recording no graph."""
    with mg.no_grad():
        return F.mse_loss(model(mg.tensor(X)), mg.tensor(y)).item()


def train(weight_decay=0.0, X=X_train, y=y_train, steps=1500, every=25):
    """Train a fresh 1-32-32-1 MLP; return the model and its history of losses and weights."""
    mg.manual_seed(0)
    model = mg.nn.MLP([1, 32, 32, 1], activation="tanh")
    optimizer = mg.optim.AdamW(model.parameters(), lr=0.01, weight_decay=weight_decay)
    inputs, targets = mg.tensor(X), mg.tensor(y)
    history = {"step": [], "train": [], "val": [], "test": [], "weights": []}
    for step in range(steps + 1):
        if step % every == 0:
            history["step"].append(step)
            history["train"].append(mse(model, X, y))
            history["val"].append(mse(model, X_val, y_val))
            history["test"].append(mse(model, X_test, y_test))
            history["weights"].append({k: v.copy() for k, v in model.state_dict().items()})
        if step < steps:
            optimizer.zero_grad()
            F.mse_loss(model(inputs), targets).backward()
            optimizer.step()
    return model, history


model, history = train()
print(f"after 1500 steps: train {history['train'][-1]:.4f}   validation {history['val'][-1]:.4f}"
      f"   test {history['test'][-1]:.4f}   (floor {floor:.4f})")

# %%
def plot_losses(history, title):
    """Train, validation and test loss against the step, with the noise floor."""
    plt.figure(figsize=(6, 3.2))
    for key, style in (("train", "-"), ("val", "--"), ("test", ":")):
        plt.semilogy(history["step"], history[key], style, label=key)
    plt.axhline(floor, color="0.5", lw=0.8, label="noise floor")
    plt.xlabel("step")
    plt.ylabel("MSE (log)")
    plt.title(title)
    plt.legend(fontsize=8)
    plt.show()


plot_losses(history, "No regularization: the training loss keeps falling")

# %% [markdown]
# What to look at: the training loss falls far *below* the noise floor, which is only possible by
# fitting the noise of those 20 particular points. The validation and test losses fall at first,
# while the network learns the sine, reach their minimum early, then rise, while the training
# loss keeps improving. From there on, better optimization makes a worse model.
#
# The fitted functions show it directly: early in training the curve follows the sine; at the end
# it bends to pass through the noisy points.

# %%
best = int(np.argmin(history["val"]))
early = mg.nn.MLP([1, 32, 32, 1], activation="tanh")
early.load_state_dict(history["weights"][best])
grid = np.linspace(-1, 1, 300, dtype=np.float32)[:, None]
plt.figure(figsize=(6, 3.2))
plt.plot(grid, np.sin(3 * grid), "k", lw=1, label="truth sin 3x")
with mg.no_grad():
    plt.plot(grid, early(mg.tensor(grid)).data, label=f"step {history['step'][best]} (lowest validation loss)")
    plt.plot(grid, model(mg.tensor(grid)).data, label="step 1500")
plt.scatter(X_train, y_train, s=15, color="k", zorder=3, label="the 20 training points")
plt.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## Remedy 1: early stopping
#
# Keep the weights from the step with the lowest *validation* loss, as above. The test set played
# no part in that choice, so its loss there is an honest estimate of how the stopped model does on
# new data.

# %%
print(f"lowest validation loss at step {history['step'][best]}: test loss there {history['test'][best]:.4f}"
      f" (at step 1500: {history['test'][-1]:.4f}; floor {floor:.4f})")

# %% [markdown]
# ## Remedy 2: weight decay
#
# Weight decay shrinks every weight towards zero a little at each step (AdamW: $w \leftarrow
# w (1 - \gamma \lambda)$ before the Adam step), which keeps the network from building the large
# weights that sharp bends need. Too much of it, and the network cannot even fit the sine.
# Train to the end (no early stopping) for five values of $\lambda$:

# %%
decays = [0.0, 0.1, 0.3, 1.0, 3.0]
finals = {}
for wd in decays:
    _, h = train(weight_decay=wd, every=1500) if wd else (model, history)  # wd = 0 ran above
    finals[wd] = (h["train"][-1], h["val"][-1], h["test"][-1])
    print(f"weight_decay {wd:<4}  train {finals[wd][0]:.4f}   validation {finals[wd][1]:.4f}   test {finals[wd][2]:.4f}")

plt.figure(figsize=(5, 3))
for i, (name, style) in enumerate((("train", "o-"), ("validation", "s--"), ("test", "^:"))):
    # a log axis has no 0: weight_decay=0 is drawn at 0.03
    plt.semilogy([0.03] + decays[1:], [finals[wd][i] for wd in decays], style, label=name)
plt.axhline(floor, color="0.5", lw=0.8, label="noise floor")
plt.xscale("log")
plt.xticks([0.03] + decays[1:], ["0"] + [str(wd) for wd in decays[1:]])
plt.xlabel("weight_decay")
plt.ylabel("MSE after 1500 steps")
plt.legend(fontsize=8)
plt.show()

# %% [markdown]
# The training loss only grows with $\lambda$: weight decay makes the *optimization* worse, by
# design. The validation and test losses first fall, then rise again once the decay is strong
# enough to stop the network from fitting the sine. The value to use is the one with the lowest
# validation loss (0.3 in the table above), and again the test set only reports: its loss there is
# close to, but not, the lowest test loss in the table, which we could only have picked by
# peeking at the test set. (The "0" on the log axis is drawn at 0.03.)
#
# ## Exercises

# %%
from exercise_checks import check_close, check_true, passed  # noqa: E402

# %% [markdown]
# ### Exercise 1: early stopping with patience
#
# In practice one does not train to the end and look back: one stops once the validation loss
# has not improved for `patience` evaluations in a row. Write `early_stopping(val_losses, patience)`
# that walks through the losses in order, stops as soon as `patience` of them have passed without
# a new lowest value, and returns the index of the lowest value seen up to then.

# %%
def early_stopping(val_losses, patience):
    """Index of the best validation loss seen before `patience` evaluations without improvement."""
    # BEGIN SOLUTION
    best_index, waited = 0, 0
    for i in range(1, len(val_losses)):
        if val_losses[i] < val_losses[best_index]:
            best_index, waited = i, 0
        else:
            waited += 1
            if waited == patience:
                break
    return best_index
    # END SOLUTION

# %% check
cases = [
    ([5, 4, 3, 3.5, 3.6, 2, 1], 2, 2),  # stops after 3.5 and 3.6: never sees the 2
    ([5, 4, 3, 3.5, 3.6, 2, 1], 3, 6),  # patient enough to find the later minimum
    ([1, 2, 3], 1, 0),
    ([3, 2, 1], 1, 2),                  # never runs out of patience
]
for losses, patience, expected in cases:
    check_close(f"early_stopping({losses}, patience={patience})", early_stopping(losses, patience),
                expected, atol=0, rtol=0)
index = early_stopping(history["val"], patience=len(history["val"]))
check_true("early_stopping", index == int(np.argmin(history["val"])),
           "with unlimited patience it must return the lowest validation loss of the run")
passed("exercise 1")

# %% [markdown]
# ### Exercise 2: the floor
#
# If the noise had standard deviation 0.5 instead of 0.3, what mean squared error would the truth
# $\sin 3x$ itself have on a large test set? (A number; the check measures it on 100,000 points.)

# %%
floor_for_noise_half = None
# BEGIN SOLUTION
floor_for_noise_half = 0.5**2  # the MSE of the truth is the noise's variance
# END SOLUTION

# %% check
x = np.random.default_rng(3).uniform(-1, 1, 100_000)
noisy = np.sin(3 * x) + 0.5 * np.random.default_rng(4).normal(size=x.size)
check_close("floor_for_noise_half", floor_for_noise_half, np.mean((np.sin(3 * x) - noisy) ** 2),
            rtol=0.02, hint="the error of the truth is the noise itself: its mean square")
passed("exercise 2")

# %% [markdown]
# ### Exercise 3: more data
#
# The surest remedy is more data. Set `n_train`, the number of training points, to the smallest
# of 20, 50, 100, 200 or 400 for which the *unregularized* network, trained all 1,500 steps, ends
# with a test loss within 25% of the noise floor. The check trains it; predict first, then try.

# %%
n_train = None
# BEGIN SOLUTION
n_train = 200
# END SOLUTION

# %% check
CHOICES = (20, 50, 100, 200, 400)


def final_test_loss(n):
    """Test loss after 1500 unregularized steps on n fresh training points (the same n points each time)."""
    X, y = draw(n, np.random.default_rng(10))
    _, h = train(X=X, y=y, every=1500)
    return h["test"][-1]


check_true("n_train", n_train in CHOICES, f"n_train must be one of {CHOICES}, got {n_train}")
loss = final_test_loss(n_train)
check_true("n_train", loss <= 1.25 * floor,
           f"with {n_train} points the test loss is {loss:.4f}, more than 1.25 x the floor {floor:.4f}")
if n_train != CHOICES[0]:
    fewer = CHOICES[CHOICES.index(n_train) - 1]
    fewer_loss = final_test_loss(fewer)
    check_true("n_train", fewer_loss > 1.25 * floor,
               f"{fewer} points already suffice (test loss {fewer_loss:.4f}); you chose {n_train}")
    print(f"{fewer} points: test loss {fewer_loss:.4f}; {n_train} points: {loss:.4f}; floor {floor:.4f}")
passed("exercise 3")
