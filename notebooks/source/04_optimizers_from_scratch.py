# %% [markdown]
# # 4. Optimizers from scratch
#
# An optimizer is a small rule: given the weights, their gradient and a little memory (the
# *state*), return new weights and new memory. In this notebook you write SGD, momentum and Adam
# as plain numpy functions, check them step by step against `minigrad.optim` (which follows
# PyTorch's documented rules), and then read minigrad's own code. About 35 minutes.

# %%
import inspect

import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg

plt.rcParams["figure.dpi"] = 100

# %% [markdown]
# ## The problem: a long, narrow valley
#
# $f(w) = \tfrac12 (w_0^2 + 10\, w_1^2)$, with gradient $\nabla f = (w_0, 10\, w_1)$. It is
# ten times steeper across ($w_1$) than along ($w_0$), the simplest picture of the
# ill-conditioning that makes plain gradient descent slow. Every optimizer starts at $(-4, 1)$.

# %%
CURVATURE = np.array([1.0, 10.0])
START = np.array([-4.0, 1.0])


def valley_grad(w):
    """The gradient of f(w) = (w0^2 + 10 w1^2) / 2."""
    return CURVATURE * w


def run_minigrad(make_optimizer, steps=30):
    """Run a minigrad optimizer on the valley; return its path, shape (steps + 1, 2)."""
    p = mg.nn.Parameter(START.copy())  # float64, so that the comparisons below can be exact
    optimizer = make_optimizer([p])
    path = [p.data.copy()]
    for _ in range(steps):
        p.grad = valley_grad(p.data)  # what loss.backward() would put there
        optimizer.step()
        path.append(p.data.copy())
    return np.array(path)


def run_mine(step, state, steps=30):
    """Run a numpy step function `step(w, g, state) -> (w, state)` on the valley; return its path."""
    w, path = START.copy(), [START.copy()]
    for _ in range(steps):
        w, state = step(w, valley_grad(w), state)
        path.append(np.array(w, dtype=float))
    return np.array(path)


# %% [markdown]
# ## SGD, written out
#
# Gradient descent is one line, $w \leftarrow w - \gamma\, g$ ($\gamma$ = `lr`). SGD has no
# memory, so its state stays `None`.

# %%
def sgd_step(w, g, lr):
    """One step of gradient descent: new weights."""
    return w - lr * g


mine = run_mine(lambda w, g, state: (sgd_step(w, g, lr=0.15), state), None)
theirs = run_minigrad(lambda params: mg.optim.SGD(params, lr=0.15))
print("largest difference over 30 steps:", np.abs(mine - theirs).max())
print("after 30 steps:", theirs[-1])

# %% [markdown]
# The difference is exactly zero: the same arithmetic in the same order. The path shows why plain
# SGD is slow here: `lr` must stay below $2/10$ or the steep direction diverges, and at that rate
# the shallow direction shrinks by only $1 - 0.15$ per step.
#
# ## Three optimizers on the valley
#
# The same start, three of minigrad's optimizers, 30 steps each. What to look at: SGD zigzags
# across the valley while it creeps along it; momentum (a running sum of gradients) overshoots a
# little but gathers speed along the floor and ends lowest; Adam divides each coordinate's step
# by the size of its recent gradients, so its steps are about `lr` long whatever the slope
# (exercise 3 makes that exact), which at `lr = 0.3` leaves it circling the minimum.

# %%
runs = {
    "SGD lr 0.15": run_minigrad(lambda ps: mg.optim.SGD(ps, lr=0.15)),
    "momentum 0.7, lr 0.05": run_minigrad(lambda ps: mg.optim.SGD(ps, lr=0.05, momentum=0.7)),
    "Adam lr 0.3": run_minigrad(lambda ps: mg.optim.Adam(ps, lr=0.3)),
}
w0, w1 = np.meshgrid(np.linspace(-4.5, 1.5, 200), np.linspace(-1.5, 1.5, 200))
plt.figure(figsize=(7, 3.5))
plt.contour(w0, w1, 0.5 * (w0**2 + 10 * w1**2), levels=np.geomspace(0.01, 30, 12), colors="0.8")
for (name, path), marker in zip(runs.items(), "o^s"):
    plt.plot(path[:, 0], path[:, 1], marker=marker, ms=3, label=f"{name}: f = {0.5 * (path[-1] ** 2 * CURVATURE).sum():.1e}")
plt.plot(0, 0, "k*", ms=10)
plt.xlabel("$w_0$")
plt.ylabel("$w_1$")
plt.title("30 steps from (-4, 1); the legend gives f after the last one")
plt.legend(fontsize=8, loc="lower right")
plt.show()

# %% [markdown]
# ## Reading the real implementation
#
# Every optimizer file in `minigrad/optim/` holds the rule twice: a numpy *twin* that reads like
# the equations, and a numba kernel, the same rule as a loop over the weights, compiled for speed
# (a test holds the two equal). The class gathers the arrays and calls the kernel. Here is SGD's
# twin; compare it with `sgd_step` above, and note what it adds: weight decay, dampening,
# Nesterov, `maximize`, and the momentum buffer you are about to write.

# %%
print(inspect.getsource(mg.optim.sgd.sgd_numpy))

# %% [markdown]
# The docstring of each class gives the rule as equations, in PyTorch's notation:

# %%
print(mg.optim.SGD.__doc__)

# %% [markdown]
# ## Exercises
#
# Each check runs your function and minigrad's optimizer for 30 steps on the valley and reports
# the first step where they differ.

# %%
from exercise_checks import ExerciseFailed, passed  # noqa: E402


def check_same_path(what, mine, theirs, hint=""):
    """Say at which step two paths part, or nothing if they agree to 1e-10."""
    if not np.all(np.isfinite(mine)):
        raise ExerciseFailed(f"{what}: your path holds nan or inf (first row {np.argmax(~np.isfinite(mine).all(1))})")
    apart = np.abs(mine - theirs).max(axis=1) > 1e-10 * (1 + np.abs(theirs).max(axis=1))
    if apart.any():
        k = int(np.argmax(apart))
        raise ExerciseFailed(
            f"{what}: after step {k} your weights are {mine[k]}, minigrad's are {theirs[k]}"
            + (f" ({hint})" if hint else "")
        )


def checked_run(what, step, state):
    """run_mine, with a clear message when the step function returns nothing."""
    try:
        return run_mine(step, state)
    except TypeError as err:
        raise ExerciseFailed(f"{what}: the step function must return (new_w, new_state), it failed with: {err}") from None

# %% [markdown]
# ### Exercise 1: momentum
#
# SGD with momentum $\mu$ keeps a buffer $b$ (PyTorch's `momentum_buffer`):
#
# $$b_1 = g_1, \qquad b_t = \mu\, b_{t-1} + g_t, \qquad w_t = w_{t-1} - \gamma\, b_t.$$
#
# Note the first step: PyTorch starts the buffer at the first gradient, not at zero. Write
# `momentum_step(w, g, buf, lr, momentum)` returning `(new_w, new_buf)`; `buf` is `None` before the
# first step.

# %%
def momentum_step(w, g, buf, lr, momentum):
    """One step of SGD with (heavy-ball) momentum: (new weights, new buffer)."""
    # BEGIN SOLUTION
    buf = g.copy() if buf is None else momentum * buf + g
    return w - lr * buf, buf
    # END SOLUTION

# %% check
mine = checked_run("momentum_step", lambda w, g, b: momentum_step(w, g, b, lr=0.05, momentum=0.7), None)
theirs = run_minigrad(lambda ps: mg.optim.SGD(ps, lr=0.05, momentum=0.7))
check_same_path("momentum_step", mine, theirs, hint="b_1 = g_1, then b = momentum * b + g")
passed("exercise 1")

# %% [markdown]
# ### Exercise 2: Adam
#
# Adam (Kingma & Ba, 2015, Algorithm 1) keeps two running averages per weight, starting at 0, and
# a step counter $t = 1, 2, \dots$:
#
# $$m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,$$
# $$\hat m_t = \frac{m_t}{1-\beta_1^t}, \qquad \hat v_t = \frac{v_t}{1-\beta_2^t}, \qquad
# w_t = w_{t-1} - \gamma\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}.$$
#
# Write `adam_step(w, g, state, lr, beta1, beta2, eps)` where `state` is `(m, v, t)` holding the
# values *before* this step (the runner starts it at `(0, 0, 0)`); return `(new_w, (m, v, t))`.

# %%
def adam_step(w, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step: (new weights, (m, v, t))."""
    m, v, t = state
    # BEGIN SOLUTION
    t = t + 1
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v, t)
    # END SOLUTION

# %% check
mine = checked_run("adam_step", lambda w, g, s: adam_step(w, g, s, lr=0.3), (0.0, 0.0, 0))
theirs = run_minigrad(lambda ps: mg.optim.Adam(ps, lr=0.3))
check_same_path("adam_step", mine, theirs,
                hint="count t from 1 and divide by (1 - beta**t) before the square root")
passed("exercise 2")

# %% [markdown]
# ### Exercise 3: Adam's first step
#
# Look at the update on the first step: with $t = 1$, $\hat m_1 = g_1$ and $\hat v_1 = g_1^2$.
# So how far does each weight move on Adam's first step, whatever its gradient (ignore
# $\epsilon$)? Write it as a function of `lr` and the gradient `g`.

# %%
def adam_first_step_size(lr, g):
    """|w_1 - w_0| for each weight on Adam's first step."""
    # BEGIN SOLUTION
    return lr * np.ones_like(g)  # m_hat / sqrt(v_hat) = g / |g|: a step of lr, whatever |g|
    # END SOLUTION

# %% check
from exercise_checks import check_close  # noqa: E402

for g in (np.array([1e-3, 1.0, -50.0]), np.array([4.0, -0.2, 7.0])):
    p = mg.nn.Parameter(np.zeros(3))
    optimizer = mg.optim.Adam([p], lr=0.01)
    p.grad = g
    optimizer.step()
    check_close("adam_first_step_size", adam_first_step_size(0.01, g), np.abs(p.data), rtol=1e-4,
                hint="m_hat_1 / sqrt(v_hat_1) = g / |g|")
passed("exercise 3")
