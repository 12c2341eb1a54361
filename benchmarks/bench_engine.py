"""Time one training step (forward, loss, backward, SGD update) of minigrad, hand-written numpy, torch.

    python benchmarks/bench_engine.py [--steps 300]

(a) MLP 2-16-16-1, batch 100, MSE loss: small arrays, so the time is per-op overhead.
(b) MLP 784-256-256-10, batch 256, cross-entropy: large matmuls, so the time is BLAS.
The hand-written numpy step does the same arithmetic with backprop written out by hand (no graph):
it is the floor an autograd engine on numpy can approach. torch and, on (a), JAX (the whole step
compiled by jax.jit) run too if installed. All of them run in this one process.

A second table times minigrad's step with its backward run three ways: the VJPs on numpy arrays
(what backward does), the same VJPs on Tensors under no_grad (the other convention ops.py could
have chosen: VJPs written with Tensor ops), and backward(create_graph=True) (recorded).
"""

import argparse
import statistics
import time

import numpy as np

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.tensor import backpropagate

LR = 0.01


def interleaved_times(steps_by_name, steps, blocks=10):
    """Median time (us) of each step, and the median over blocks of each one's ratio to the first.

    The steps run in turns, `steps // blocks` calls of each per block, so that a change in the
    machine's speed (this VM drifts by 1.5x within minutes) hits all of them alike; a ratio is
    taken within each block and the median of the blocks' ratios is reported.
    """
    per_block = max(steps // blocks, 3)
    for step in steps_by_name.values():  # warm-up
        for _ in range(max(10, per_block)):
            step()
    times = {name: [] for name in steps_by_name}
    block_medians = {name: [] for name in steps_by_name}
    for _ in range(blocks):
        for name, step in steps_by_name.items():
            block = []
            for _ in range(per_block):
                start = time.perf_counter()
                step()
                block.append(time.perf_counter() - start)
            times[name] += block
            block_medians[name].append(statistics.median(block))
    first = next(iter(steps_by_name))
    medians = {name: statistics.median(t) * 1e6 for name, t in times.items()}
    ratios = {
        name: statistics.median(m / f for m, f in zip(ms, block_medians[first]))
        for name, ms in block_medians.items()
    }
    return medians, ratios


def make_problem(sizes, batch, classification, seed=0):
    """Random inputs, targets and initial weights (float32), shared by all three implementations."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    if classification:
        y = rng.integers(0, sizes[-1], batch)
    else:
        y = rng.standard_normal((batch, sizes[-1])).astype(np.float32)
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / np.sqrt(fan_in)
        weights.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
        weights.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
    return x, y, weights


def backward_on_tensors(loss):
    """Convention (a): every VJP runs on Tensors, under no_grad (so nothing is recorded)."""
    with mg.no_grad():
        seed = mg.Tensor(np.ones_like(loss.data))
        for node, grad in backpropagate((loss,), (seed,), create_graph=True):
            node._accumulate(grad.data)


def backward_recorded(loss):
    """backward(create_graph=True): the VJPs run on Tensors and are recorded."""
    loss.backward(create_graph=True)


def minigrad_step(sizes, x, y, weights, classification, backward=None):
    model = mg.nn.MLP(sizes)
    model.load_state_dict({k: w for k, w in zip(model.state_dict(), weights)})
    params = list(model.parameters())
    xt, yt = mg.tensor(x), mg.tensor(y)
    loss_fn = F.cross_entropy if classification else F.mse_loss

    def step():
        loss = loss_fn(model(xt), yt)
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data -= LR * p.grad

    def step_with(backward):  # the same step, with another way to run backward
        loss = loss_fn(model(xt), yt)
        for p in params:
            p.grad = None
        backward(loss)
        for p in params:
            p.data -= LR * (p.grad.data if isinstance(p.grad, mg.Tensor) else p.grad)

    return (step if backward is None else lambda: step_with(backward)), model


def numpy_step(sizes, x, y, weights, classification):
    """Forward and backward written out by hand for an MLP with ReLU between layers."""
    weights = [w.copy() for w in weights]
    n_layers = len(sizes) - 1
    onehot = np.eye(sizes[-1], dtype=np.float32)[y] if classification else None

    def step():
        activations = [x]
        pre = []
        h = x
        for i in range(n_layers):
            z = h @ weights[2 * i].T + weights[2 * i + 1]
            pre.append(z)
            h = np.maximum(z, 0) if i < n_layers - 1 else z
            activations.append(h)
        if classification:
            e = np.exp(h - h.max(axis=1, keepdims=True))
            p = e / e.sum(axis=1, keepdims=True)
            grad = (p - onehot) / len(x)
        else:
            grad = 2 * (h - y) / h.size
        for i in reversed(range(n_layers)):
            if i < n_layers - 1:
                grad = grad * (pre[i] > 0)
            grad_w = grad.T @ activations[i]
            grad_b = grad.sum(axis=0)
            if i > 0:
                grad = grad @ weights[2 * i]
            weights[2 * i] -= LR * grad_w
            weights[2 * i + 1] -= LR * grad_b

    return step, weights


def torch_step(sizes, x, y, weights, classification):
    import torch

    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    with torch.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(torch.from_numpy(w))
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    loss_fn = torch.nn.functional.cross_entropy if classification else torch.nn.functional.mse_loss
    params = list(model.parameters())

    def step():
        loss = loss_fn(model(xt), yt)
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad

    return step


def jax_step(sizes, x, y, weights, classification):
    """The same step in JAX, forward, gradient and update compiled together by jax.jit."""
    import jax
    import jax.numpy as jnp

    n_layers = len(sizes) - 1

    def loss_of(params, x, y):
        h = x
        for i in range(n_layers):
            h = h @ params[2 * i].T + params[2 * i + 1]
            h = jax.nn.relu(h) if i < n_layers - 1 else h
        if classification:
            return -jnp.mean(jax.nn.log_softmax(h, axis=1)[jnp.arange(len(y)), y])
        return jnp.mean((h - y) ** 2)

    @jax.jit
    def update(params, x, y):
        grads = jax.grad(loss_of)(params, x, y)
        return [p - LR * g for p, g in zip(params, grads)]

    state = [[jnp.asarray(w) for w in weights]]
    xj, yj = jnp.asarray(x), jnp.asarray(y)

    def step():
        state[0] = jax.block_until_ready(update(state[0], xj, yj))  # wait: jax runs asynchronously

    return step, state


def check_jax_agreement(sizes, x, y, weights, classification):
    """Guard JAX's row too: one jit step and one hand-written step give the same weights."""
    step, state = jax_step(sizes, x, y, weights, classification)
    hand, hand_weights = numpy_step(sizes, x, y, weights, classification)
    step()
    hand()
    for k, (value, expected) in enumerate(zip(state[0], hand_weights)):
        if not np.allclose(np.asarray(value), expected, rtol=1e-4, atol=1e-6):
            raise AssertionError(f"jax and hand-written numpy disagree on weight {k}")


def check_agreement(sizes, x, y, weights, classification, backward=None):
    """Guard the comparison: one minigrad step and one hand-written step give the same weights."""
    ours, model = minigrad_step(sizes, x, y, weights, classification, backward)
    hand, hand_weights = numpy_step(sizes, x, y, weights, classification)
    ours()
    hand()
    for (name, value), expected in zip(model.state_dict().items(), hand_weights):
        if not np.allclose(value, expected, rtol=1e-4, atol=1e-6):
            raise AssertionError(f"minigrad and hand-written numpy disagree on {name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    try:
        import torch

        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    try:
        import jax

        jax_version = jax.__version__
    except ImportError:
        jax_version = None

    cases = [
        ("(a) MLP 2-16-16-1, batch 100, MSE", [2, 16, 16, 1], 100, False, 2.5),
        ("(b) MLP 784-256-256-10, batch 256, CE", [784, 256, 256, 10], 256, True, 1.15),
    ]
    print(
        f"numpy {np.__version__}, torch {torch_version or 'not installed'},"
        f" jax {jax_version or 'not installed'}; {args.steps} steps each, interleaved in 10 blocks;"
        " a ratio is the median of the blocks' ratios; jax on the tiny step only (the stretch goal)"
    )
    header = (
        "| case | minigrad | hand-written numpy | torch | jax, jit | minigrad / numpy (target)"
        " | minigrad / torch | jax / numpy |"
    )
    print(header)
    print("|" + "---|" * 8)
    conventions = []
    for label, sizes, batch, classification, target in cases:
        problem = make_problem(sizes, batch, classification)
        steps = args.steps if classification is False else max(args.steps // 5, 30)
        check_agreement(sizes, *problem, classification)
        contenders = {
            "hand": numpy_step(sizes, *problem, classification)[0],
            "minigrad": minigrad_step(sizes, *problem, classification)[0],
        }
        if torch_version:
            contenders["torch"] = torch_step(sizes, *problem, classification)
        if jax_version and not classification:
            check_jax_agreement(sizes, *problem, classification)
            contenders["jax"] = jax_step(sizes, *problem, classification)[0]
        medians, ratios = interleaved_times(contenders, steps)
        ours, hand = medians["minigrad"], medians["hand"]
        cells = [f"{medians[k]:,.0f} us" if k in medians else "n/a" for k in ("torch", "jax")]
        ratio_torch = f"{ratios['minigrad'] / ratios['torch']:.2f}x" if "torch" in ratios else "n/a"
        ratio_jax = f"{ratios['jax']:.2f}x" if "jax" in ratios else "n/a"
        print(
            f"| {label} | {ours:,.0f} us | {hand:,.0f} us | {' | '.join(cells)} |"
            f" {ratios['minigrad']:.2f}x ({target}x) | {ratio_torch} | {ratio_jax} |"
        )
        conventions.append((label, sizes, problem, classification, steps))
    print()
    print("| case | VJPs on arrays (backward) | VJPs on Tensors, no_grad | create_graph=True |")
    print("|" + "---|" * 4)
    for label, sizes, problem, classification, steps in conventions:
        contenders = {"arrays": minigrad_step(sizes, *problem, classification)[0]}
        for backward in (backward_on_tensors, backward_recorded):
            check_agreement(sizes, *problem, classification, backward)
            contenders[backward.__name__] = minigrad_step(sizes, *problem, classification, backward)[0]
        medians, ratios = interleaved_times(contenders, steps)
        cells = [f"{medians[name]:,.0f} us ({ratios[name]:.2f}x)" for name in contenders]
        print(f"| {label} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
