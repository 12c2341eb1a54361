"""The float64-reference check shared by the adaptive optimizers' tests (Adagrad ... Adadelta)."""

import inspect
from dataclasses import dataclass

import numpy as np

SHAPES = [(3, 4), (7,), (2, 2, 2)]
STEPS = 100
TOLERANCE = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-6)}


@dataclass
class Param:
    """All an optimizer sees of a parameter: two numpy arrays."""

    data: np.ndarray
    grad: np.ndarray | None = None


def check_against_reference(make_optimizer, reference_step, init_state, dtype, seed=0, drift=0.0):
    """Run the optimizer and the reference side by side for STEPS steps on random gradients.

    The reference runs in float64 on the same starting values and gradients; every step the
    parameters must agree within the dtype's tolerance. `drift` shifts the gradients' mean, so
    that signs stay equal for a while as well as flip (Rprop needs both).
    """
    rng = np.random.default_rng(seed)
    params = [Param(rng.standard_normal(shape).astype(dtype)) for shape in SHAPES]
    reference = [p.data.astype(np.float64) for p in params]
    states = [init_state(theta) for theta in reference]
    optimizer = make_optimizer(params)
    for t in range(1, STEPS + 1):
        scale = 10.0 ** rng.uniform(-2, 1)  # gradients of varying size, as in training
        grads = [(scale * (rng.standard_normal(shape) + drift)).astype(dtype) for shape in SHAPES]
        for p, g in zip(params, grads):
            p.grad = g
        optimizer.step()
        for theta, g, state in zip(reference, grads, states):
            reference_step(theta, g.astype(np.float64), state, t)
        for p, theta in zip(params, reference):
            assert p.data.dtype == dtype
            np.testing.assert_allclose(p.data, theta, **TOLERANCE[dtype], err_msg=f"step {t}")


def random_arrays(n_arrays, dtype, seed, size=1000):
    """n_arrays standard-normal 1-D arrays of one dtype, for kernel-versus-twin checks."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(size).astype(dtype) for _ in range(n_arrays)]


def constructor_defaults(cls):
    """The default of every constructor argument but ``params``, to compare with torch.optim's."""
    return {
        name: p.default for name, p in inspect.signature(cls).parameters.items() if name != "params"
    }


def assert_kernel_equals_twin(kernel, param, grad, state, hyper, parallel, steps=5):
    """Run a kernel and its numpy twin side by side on copies; they must agree bit for bit.

    Same operations in the same order give the same bits, so this is exact equality.
    """
    twin = [param.copy(), *(a.copy() for a in state)]
    compiled = [a.copy() for a in twin]
    for _ in range(steps):
        kernel.lazy.twin(twin[0], grad, *twin[1:], *hyper)
        kernel.lazy.compiled(parallel)(compiled[0], grad, *compiled[1:], *hyper)
    for a, b in zip(compiled, twin):
        np.testing.assert_array_equal(a, b)


def reference_run(init_state, reference_step):
    """``reference(theta, grads) -> θ_T`` from an (init_state, reference_step) pair."""

    def reference(theta, grads):
        theta = theta.copy()
        state = init_state(theta)
        for t, g in enumerate(grads, start=1):
            reference_step(theta, g, state, t)
        return theta

    return reference
