# %% [markdown]
# # 1. Backprop by hand, then by machine
#
# A neural network's gradient is computed by a handful of local rules applied along a graph,
# from the output back to the inputs. In this notebook you draw a two-unit network's graph, apply
# those rules by hand on the picture, and then watch `.backward()` fill in the same numbers, one
# step at a time. About 25 minutes.
#
# What you need: Python, and Graphviz's `dot` program for the pictures (the README's set-up
# command installs it).

# %%
import io
import math

import numpy as np
import PIL.Image
from IPython.display import display

import minigrad as mg
from minigrad.viz import backward_frames, draw_graph


def show(graph):
    """Display a graphviz picture inline as a PNG (PNG outputs render on any code host)."""
    graph = graph.copy()
    graph.attr(dpi="72")  # small stored outputs: 64 colours at 72 dpi keep every label readable
    png = PIL.Image.open(io.BytesIO(graph.pipe(format="png")))
    display(png.convert("RGB").quantize(colors=64))


# %% [markdown]
# ## The expression
#
# One input `x` feeds two relu units, and a tanh unit mixes them:
#
# $$a = \mathrm{relu}(x w_1 + b_1), \quad c = \mathrm{relu}(x w_2 + b_2), \quad o = \tanh(a v_1 + c v_2)$$
#
# The numbers are chosen so that the arithmetic stays easy: the first unit is on ($a = 1$), the
# second is off ($x w_2 + b_2 = -1 < 0$, so $c = 0$), and $v_1 = \ln 2$ makes
# $o = \tanh(\ln 2) = 3/5$ exactly.

# %%
def leaf(value, name):
    """A named scalar leaf that requires grad (float64, so that the printed numbers are exact)."""
    t = mg.tensor(np.float64(value), requires_grad=True)
    t.name = name
    return t


def network(b2=0.5):
    """Build o = tanh(relu(x w1 + b1) v1 + relu(x w2 + b2) v2); return o and every named tensor."""
    x, w1, b1, w2, b2 = leaf(1.5, "x"), leaf(1.0, "w1"), leaf(-0.5, "b1"), leaf(-1.0, "w2"), leaf(b2, "b2")
    v1, v2 = leaf(math.log(2), "v1"), leaf(2.0, "v2")
    z1 = x * w1 + b1
    z2 = x * w2 + b2
    a, c = mg.relu(z1), mg.relu(z2)
    s = a * v1 + c * v2
    o = mg.tanh(s)
    named = dict(x=x, w1=w1, b1=b1, w2=w2, b2=b2, v1=v1, v2=v2, z1=z1, z2=z2, a=a, c=c, s=s, o=o)
    for name, t in named.items():
        t.name = name
    return o, named


o, t = network()
print({name: round(v.item(), 4) for name, v in t.items()})

# %% [markdown]
# Every tensor made by an op remembers the op and its inputs (`.op`, `.parents`). That record is
# the graph, and `draw_graph` draws it: orange boxes are the leaves we will differentiate with
# respect to, blue boxes are intermediate results, ellipses are ops. Look at `x`: it has two
# outgoing edges, because both units use it. (Unnamed tensors get numbered names: `t2` is the product `x*w1`.)

# %%
show(draw_graph(o))

# %% [markdown]
# ## The local rules
#
# Backprop starts with $\partial o / \partial o = 1$ and walks the graph backwards. At each op it
# needs only the op's own derivative, applied to the gradient $g$ arriving from above:
#
# | op | forward | what it sends back | in words |
# | --- | --- | --- | --- |
# | add | $u + v$ | $g$ to both | **add copies** the gradient |
# | mul | $u v$ | $g v$ to $u$, $g u$ to $v$ | **mul swaps** the inputs |
# | relu | $\max(u, 0)$ | $g$ if $u > 0$, else $0$ | **relu routes**: passes or blocks |
# | tanh | $\tanh u$ | $g (1 - \tanh^2 u)$ | **tanh squashes** by its slope |
#
# And one rule for the graph: a tensor used twice gets the **sum** of the gradients from both
# uses (the chain rule for a function of several paths).
#
# ## By hand, on the picture
#
# Follow the graph from `o` back to the leaves. Each line below is one rule; the numbers are the
# ones in the picture above.

# %%
o_val, a_val, c_val = 0.6, 1.0, 0.0
g_o = 1.0                              # start: do/do
g_s = g_o * (1 - o_val**2)             # tanh squashes: 1 - 0.36 = 0.64
g_av1 = g_cv2 = g_s                    # add copies
g_a, g_v1 = g_av1 * math.log(2), g_av1 * a_val   # mul swaps: a gets v1, v1 gets a
g_c, g_v2 = g_cv2 * 2.0, g_cv2 * c_val           # mul swaps: c gets v2 = 2, v2 gets c = 0
g_z1 = g_a * (1.0 if 0.5 > 0 else 0.0)           # relu routes: z1 = 0.5 > 0, passes
g_z2 = g_c * (1.0 if -1.0 > 0 else 0.0)          # relu routes: z2 = -1 < 0, blocks
g_b1, g_b2 = g_z1, g_z2                          # add copies (z = x*w + b)
g_w1, g_w2 = g_z1 * 1.5, g_z2 * 1.5              # mul swaps: w gets x
g_x = g_z1 * 1.0 + g_z2 * (-1.0)                 # x is used twice: the sum of both uses
by_hand = dict(s=g_s, a=g_a, c=g_c, z1=g_z1, z2=g_z2, v1=g_v1, v2=g_v2,
               w1=g_w1, b1=g_b1, w2=g_w2, b2=g_b2, x=g_x)
print({name: round(g, 4) for name, g in by_hand.items()})

# %% [markdown]
# Two things to notice before the machine does it. `c` gets a large gradient (1.28: if `c` moved,
# `o` would move a lot) but `w2` and `b2` get exactly 0, because relu blocks everything behind an
# inactive unit. And `v2` gets 0 because it multiplies `c = 0`.
#
# ## By machine
#
# `o.backward()` applies the same rules in reverse topological order and stores each gradient in
# `.grad`. minigrad keeps `.grad` on intermediate tensors too, so we can compare every line.

# %%
o.backward()
by_machine = {name: t[name].grad.item() for name in by_hand}
for name in by_hand:
    print(f"{name:>3}: by hand {by_hand[name]: .6f}   by backward {by_machine[name]: .6f}")
assert all(abs(by_hand[n] - by_machine[n]) < 1e-12 for n in by_hand), "a hand rule disagrees"

# %% [markdown]
# The picture now shows each tensor's gradient in red under its value.

# %%
show(draw_graph(o))

# %% [markdown]
# ## Backward, step by step
#
# `backward_frames` runs backward and draws the graph after each step: the tensor whose gradient
# has just become final is outlined in red together with the edges its gradient flows back along;
# green outlines mark the tensors already done. Read the frames in order and check each one
# against the hand computation above. (We rebuild the network so that the gradients start empty.)

# %%
o, t = network()
frames = backward_frames(o)
print(len(frames), "steps")
for frame in frames:
    show(frame)

# %% [markdown]
# The order is a reverse topological order: a tensor's gradient is final only once every tensor
# that uses it has passed its share back, which is why `x` comes last.
#
# ## Exercises
#
# Each exercise ends with a check cell: run it, and it either prints `passed` or says what is
# wrong. The checks compare your numbers with what `backward()` computes.

# %%
from exercise_checks import check_close, check_true, passed  # noqa: E402

# %% [markdown]
# ### Exercise 1: a second expression, by hand
#
# For $p = 2$, $q = -3$, $r = 4$ and
#
# $$f = (p q + r) \cdot \mathrm{relu}(p + r)$$
#
# work out $\partial f / \partial p$, $\partial f / \partial q$ and $\partial f / \partial r$ with
# the local rules. (Hint: `p` and `r` are each used twice. Draw the graph with `draw_graph` if it
# helps.) Write plain numbers, not code that calls backward.

# %%
answers = {"p": None, "q": None, "r": None}
# BEGIN SOLUTION
# u = p*q + r = -2, w = relu(p + r) = 6 (on), f = u * w
# df/du = w = 6, df/dw = u = -2; relu passes, so d(p + r) gets -2
answers = {"p": 6 * -3 + -2, "q": 6 * 2, "r": 6 + -2}
# END SOLUTION

# %% check
p, q, r = (mg.tensor(np.float64(v), requires_grad=True) for v in (2.0, -3.0, 4.0))
f = (p * q + r) * mg.relu(p + r)
f.backward()
for name, tensor in dict(p=p, q=q, r=r).items():
    check_close(f"df/d{name}", answers[name], tensor.grad,
                hint="a tensor used twice gets the sum of both uses' gradients")
passed("exercise 1")

# %% [markdown]
# ### Exercise 2: the local rule of sigmoid
#
# $\sigma(u) = 1 / (1 + e^{-u})$. Its VJP, like tanh's, can be written with the output alone.
# Complete `sigmoid_backward(out, g)` so that it returns the gradient sent back to `u`, given the
# forward output `out` $= \sigma(u)$ and the gradient `g` arriving from above.

# %%
def sigmoid_backward(out, g):
    """The gradient of u, given out = sigmoid(u) and the gradient g of out."""
    # BEGIN SOLUTION
    return g * out * (1 - out)
    # END SOLUTION

# %% check
u = mg.tensor(np.array([-2.0, 0.0, 0.5, 3.0]), requires_grad=True)
out = mg.sigmoid(u)
g = np.array([1.0, -2.0, 0.5, 3.0])
out.backward(g)
check_close("sigmoid_backward", sigmoid_backward(out.data, g), u.grad,
            hint="sigma'(u) = sigma(u) (1 - sigma(u))")
passed("exercise 2")

# %% [markdown]
# ### Exercise 3: which gradients are exactly zero?
#
# Back in the two-unit network, change `b2` so that the second unit switches on and the first one
# stays as it is. List the names of the leaves (`x, w1, b1, w2, b2, v1, v2`) whose gradient is
# then exactly zero, as a set. First predict it from the rules, then check.

# %%
new_b2 = None
zero_grad_leaves = None
# BEGIN SOLUTION
new_b2 = 2.0              # z2 = 1.5 * (-1) + 2 = 0.5 > 0: the unit is on
zero_grad_leaves = set()  # both units on: every path carries a gradient
# END SOLUTION

# %% check
check_true("exercise 3", new_b2 is not None, "set new_b2 to a number first")
o, t = network(b2=new_b2)
o.backward()
c, a = t["c"], t["a"]
check_true("exercise 3", c.item() > 0, f"with b2 = {new_b2} the second unit is still off (c = 0)")
check_true("exercise 3", a.item() == 1.0, "the first unit changed; only b2 should change")
actual = {n for n in ("x", "w1", "b1", "w2", "b2", "v1", "v2") if t[n].grad.item() == 0}
check_true("exercise 3", zero_grad_leaves == actual,
           f"you listed {zero_grad_leaves}, but the leaves with zero gradient are {actual or 'none'}")
passed("exercise 3")
