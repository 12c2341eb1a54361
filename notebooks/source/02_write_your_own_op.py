# %% [markdown]
# # 2. Write your own op
#
# Every differentiable function in minigrad is an *op*: a forward computation and, right beside
# it, its vector-Jacobian product (VJP), the rule that turns the gradient of the output into
# gradients of the inputs. In this notebook you add new ops in exactly the style of
# `minigrad/ops.py`, check them with `gradcheck`, see what `gradcheck` says about a wrong VJP,
# and find out why a broadcast input's gradient is a sum. About 30 minutes.

# %%
import numpy as np

import minigrad as mg
from minigrad.ops import op

# %% [markdown]
# ## The convention
#
# Here is `mul` as `minigrad/ops.py` writes it:
#
# ```python
# @op("mul")
# def mul(a, b):
#     """a * b, elementwise (broadcasting)."""
#     return a * b, lambda g, out, a, b: (g * b, g * a)
# ```
#
# - The forward receives numpy arrays (`@op` unwraps Tensors) and returns two things: the output
#   and the VJP.
# - The VJP is called as `vjp(g, out, *inputs)`: `g` is the gradient of the loss with respect to
#   the output (same shape as `out`), and it returns one gradient per input. For `mul`, "mul swaps"
#   from notebook 1: $\partial L/\partial a = g\, b$.
# - `@op` does the bookkeeping once for every op: it wraps the output in a Tensor that records the
#   op's name, its inputs and the VJP, which is what `backward()` walks.
# - The VJP uses only arithmetic (`+ - * / **`, `@`, `.sum`, `.reshape`, ...) on its arguments.
#   That way the same expression runs on numpy arrays in an ordinary backward and on Tensors
#   under `backward(create_graph=True)`, where its arithmetic is recorded so that the gradient can
#   itself be differentiated (the end of this notebook shows it).
#
# ## A new op: hypot
#
# $\mathrm{hypot}(a, b) = \sqrt{a^2 + b^2}$, the length of the vector $(a, b)$. Its partial
# derivatives are $a / \mathrm{hypot}$ and $b / \mathrm{hypot}$, so the VJP can reuse the output.

# %%
@op("hypot")
def hypot(a, b):
    """sqrt(a^2 + b^2), elementwise. d/da = a / out, d/db = b / out."""
    return np.sqrt(a * a + b * b), lambda g, out, a, b: (g * a / out, g * b / out)


a = mg.tensor(np.array([3.0, 5.0]), requires_grad=True)
b = mg.tensor(np.array([4.0, 12.0]), requires_grad=True)
c = hypot(a, b)
print(c, "| op:", c.op, "| inputs:", [p.shape for p in c.parents])
c.sum().backward()
print("a.grad", a.grad, " (expected 3/5, 5/13 =", np.array([3 / 5, 5 / 13]), ")")
print("b.grad", b.grad, " (expected 4/5, 12/13 =", np.array([4 / 5, 12 / 13]), ")")

# %% [markdown]
# ## Checking a VJP: gradcheck
#
# Writing a derivative by hand is where mistakes happen, so every op in minigrad is checked
# against *central finite differences*: nudge one input element by $\pm\epsilon$, and
# $(L(x + \epsilon) - L(x - \epsilon)) / 2\epsilon$ must match what the VJP says, for every
# element. `mg.gradcheck(fn, inputs)` does this in float64 (where $\epsilon = 10^{-6}$ gives about
# ten correct digits) and returns True or raises `GradcheckError` naming the first bad element.

# %%
rng = np.random.default_rng(0)
inputs = [rng.normal(size=(3, 4)), rng.normal(size=(3, 4))]
print(mg.gradcheck(hypot, inputs))

# %% [markdown]
# Now a deliberately wrong VJP: the two gradients swapped (an easy slip for a two-input op).

# %%
@op("hypot_swapped")
def hypot_swapped(a, b):
    """hypot with its two gradients swapped: wrong on purpose."""
    return np.sqrt(a * a + b * b), lambda g, out, a, b: (g * b / out, g * a / out)


try:
    mg.gradcheck(hypot_swapped, inputs)
except mg.GradcheckError as err:
    print(err)

# %% [markdown]
# Read the message: which input (0 is `a`), which element, what the VJP said (*analytic*) and
# what the finite differences measured (*numerical*). At that element the analytic value is
# proportional to $b/\mathrm{hypot}$ and the numerical one to $a/\mathrm{hypot}$ (gradcheck weights
# each output element by a fixed random number, so that a mistake in any element shows). A message
# like this is usually enough to find the slip.
#
# ## Broadcasting, and why its gradient is a sum
#
# numpy broadcasting lets `hypot` combine a column of shape (3, 1) with a row of shape (4,): the
# column is *copied* along the 4 columns and the row along the 3 rows, and the output has shape
# (3, 4). The VJP above returns `g * a / out`, of shape (3, 4), for an `a` of shape (3, 1).
#
# Each copy of `a[i, 0]` influences a different output element, and the chain rule adds the
# contributions of all the paths from an input to the loss. So the gradient of `a[i, 0]` is the
# sum of the (3, 4) gradient over the axis it was copied along. `@op` and `backward()` do that
# summing for every op (`unbroadcast` in `minigrad/tensor.py`), which is why an op's VJP never
# has to think about broadcasting.

# %%
col = mg.tensor(rng.normal(size=(3, 1)), requires_grad=True)
row = mg.tensor(rng.normal(size=(4,)), requires_grad=True)
out = hypot(col, row)
g = rng.normal(size=out.shape)
out.backward(g)
full = g * col.data / out.data  # what the VJP returned for col: shape (3, 4)
print("output", out.shape, "| VJP's gradient for col", full.shape, "| col.grad", col.grad.shape)
print("col.grad equals the VJP's gradient summed over axis 1:",
      np.allclose(col.grad, full.sum(axis=1, keepdims=True)))
print("gradcheck with broadcasting:", mg.gradcheck(hypot, [col.data, row.data]))

# %% [markdown]
# ## The same VJP, differentiated again
#
# Because the VJP is plain arithmetic, `create_graph=True` records it, and the gradient is a
# Tensor with its own graph. For $h(a) = \mathrm{hypot}(a, 4)$: $h' = a/h$ and
# $h'' = 16/h^3$; at $a = 3$, $h = 5$, so $h' = 0.6$ and $h'' = 16/125 = 0.128$.
# `mg.gradgradcheck` checks second derivatives against finite differences of the first.

# %%
x = mg.tensor(np.float64(3.0), requires_grad=True)
(first,) = mg.autograd.grad(hypot(x, mg.tensor(np.float64(4.0))), [x], create_graph=True)
(second,) = mg.autograd.grad(first, [x])
print("h'(3) =", first.item(), "  h''(3) =", second.item(), "  16/125 =", 16 / 125)
print("gradgradcheck:", mg.gradgradcheck(hypot, inputs))

# %% [markdown]
# ## Exercises
#
# The checks call `gradcheck` (and compare with numpy) and turn whatever goes wrong into a
# message.

# %%
from exercise_checks import ExerciseFailed, check_close, passed  # noqa: E402


def check_op(name, fn, inputs, reference):
    """Check fn's forward against `reference` (numpy) and its gradients with gradcheck."""
    try:
        got = fn(*[mg.tensor(x) for x in inputs])
    except Exception as err:
        if "NoneType" in str(err):  # a forward without a return statement
            raise ExerciseFailed(f"{name}: the forward returned None; it must return (output, vjp)") from None
        raise ExerciseFailed(f"{name}: calling it failed: {type(err).__name__}: {err}") from None
    check_close(f"{name}: forward", got.data, reference(*inputs), rtol=1e-10, atol=1e-12)
    try:
        mg.gradcheck(fn, inputs)
    except mg.GradcheckError as err:
        raise ExerciseFailed(f"{name}: the VJP is wrong: {err}") from None
    except Exception as err:
        raise ExerciseFailed(f"{name}: backward failed: {type(err).__name__}: {err}") from None

# %% [markdown]
# ### Exercise 1: a three-input op
#
# Write `muladd(a, b, c)` $= a b + c$ as one op, with its VJP returning three gradients. The check
# uses broadcasting shapes, so your VJP must not try to fix shapes itself.

# %%
@op("muladd")
def muladd(a, b, c):
    """a * b + c, elementwise (broadcasting)."""
    # BEGIN SOLUTION
    return a * b + c, lambda g, out, a, b, c: (g * b, g * a, g)
    # END SOLUTION

# %% check
shapes = [(2, 3), (3,), (2, 1)]
check_op("muladd", muladd, [rng.normal(size=s) for s in shapes], lambda a, b, c: a * b + c)
passed("exercise 1")

# %% [markdown]
# ### Exercise 2: a bump
#
# Write `bump(x)` $= x / (1 + x^2)$, with its VJP $g \cdot (1 - x^2) / (1 + x^2)^2$ (work it out
# with the quotient rule first). Use only arithmetic in the VJP, so that it also runs on Tensors;
# the check runs `gradgradcheck` too.

# %%
@op("bump")
def bump(x):
    """x / (1 + x^2). d/dx = (1 - x^2) / (1 + x^2)^2."""
    # BEGIN SOLUTION
    return x / (1 + x * x), lambda g, out, x: (g * (1 - x * x) / ((1 + x * x) * (1 + x * x)),)
    # END SOLUTION

# %% check
values = [np.array([-2.0, -0.5, 0.0, 0.3, 1.0, 4.0])]
check_op("bump", bump, values, lambda x: x / (1 + x * x))
try:
    mg.gradgradcheck(bump, values)
except Exception as err:
    raise ExerciseFailed(f"bump: the second derivative is wrong or fails: {err}") from None
passed("exercise 2")

# %% [markdown]
# ### Exercise 3: find the bug
#
# This op is meant to be $a / (1 + b^2)$, but its VJP has a mistake. Run `gradcheck` on it, read
# the message, and write the corrected op `ratio` below.

# %%
@op("ratio_buggy")
def ratio_buggy(a, b):
    """a / (1 + b^2), with a wrong VJP."""
    return a / (1 + b * b), lambda g, out, a, b: (g / (1 + b * b), -g * a / (1 + b * b) ** 2)


try:
    mg.gradcheck(ratio_buggy, [rng.normal(size=3), rng.normal(size=3)])
except mg.GradcheckError as err:
    print(err)

# %%
@op("ratio")
def ratio(a, b):
    """a / (1 + b^2). d/da = 1 / (1 + b^2), d/db = -2 a b / (1 + b^2)^2."""
    # BEGIN SOLUTION
    return a / (1 + b * b), lambda g, out, a, b: (
        g / (1 + b * b),
        -2 * g * a * b / ((1 + b * b) * (1 + b * b)),
    )
    # END SOLUTION

# %% check
check_op("ratio", ratio, [rng.normal(size=(2, 3)), rng.normal(size=(2, 3))],
         lambda a, b: a / (1 + b * b))
passed("exercise 3")

# %% [markdown]
# ### Exercise 4: summing back by hand
#
# `w` has shape (4,) and is broadcast against `X` of shape (5, 4) in `loss = (X * w).sum()`.
# Without calling backward, write `grad_w(X)`: the gradient of the loss with respect to `w`, as a
# numpy expression in `X`.

# %%
def grad_w(X):
    """d/dw of (X * w).sum() for w of shape (4,) broadcast along X's 5 rows."""
    # BEGIN SOLUTION
    return X.sum(axis=0)  # each w[j] was copied into all 5 rows: their gradients add up
    # END SOLUTION

# %% check
X = rng.normal(size=(5, 4))
w = mg.tensor(rng.normal(size=4), requires_grad=True)
(mg.tensor(X) * w).sum().backward()
check_close("grad_w", grad_w(X), w.grad, hint="the gradient of a copied input is the sum over its copies")
passed("exercise 4")
