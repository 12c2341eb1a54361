"""Shared helpers for the optimizer tests: plain parameters and a fixed-gradient training run."""

from dataclasses import dataclass

import numpy as np

SHAPES = [(3, 4), (5,), (2, 3, 2)]
STEPS = 100
# rtol per dtype, against a float64 reference. float32 values start away from zero (|θ| in
# [1, 2]) and move less than 1 in total, so a relative tolerance is meaningful for every weight.
RTOL = {np.float64: 1e-10, np.float32: 1e-5}
# over 100 steps a float32 weight may pass near zero, where only an absolute error is meaningful
ATOL = {np.float64: 0.0, np.float32: 1e-6}


@dataclass
class Param:
    """All an optimizer knows of a parameter: two numpy arrays."""

    data: np.ndarray
    grad: np.ndarray | None = None


def initial_values(seed=0, shapes=SHAPES):
    """Float64 starting weights with |θ| in [1, 2] and random signs."""
    rng = np.random.default_rng(seed)
    return [rng.choice([-1.0, 1.0], size=s) * rng.uniform(1.0, 2.0, size=s) for s in shapes]


def gradient_sequence(seed=1, steps=STEPS, shapes=SHAPES):
    """``steps`` lists of float64 gradients, one per parameter."""
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(s) for s in shapes] for _ in range(steps)]


def run(make_optimizer, dtype, init, grads):
    """Train copies of ``init`` (cast to ``dtype``) on fixed ``grads``; return (params, optimizer)."""
    params = [Param(x.astype(dtype)) for x in init]
    opt = make_optimizer(params)
    for step_grads in grads:
        opt.zero_grad()
        for p, g in zip(params, step_grads):
            p.grad = g.astype(dtype)
        opt.step()
    return params, opt


def as_float64(values, dtype):
    """The float64 values a ``dtype`` run actually starts from (rounded to ``dtype`` first)."""
    return [np.asarray(v).astype(dtype).astype(np.float64) for v in values]


def assert_float32_as_accurate_as_rounding_allows(make_optimizer, reference, factor=2.0):
    """The optimizer's float32 error must be within ``factor`` of a float32 reference's.

    ``reference(theta, grads)`` returns θ after the steps, in the dtype of ``theta``; written in
    numpy with Python-float constants, a float32 run of it forms every constant (``1 - β₂``, the
    bias corrections) in double and rounds it once, so its distance from its own float64 run is
    what float32 rounding alone explains. Errors are mean absolute differences over all weights,
    after 100 steps on the same float32-representable start and gradients.
    """
    init = as_float64(initial_values(), np.float32)
    grads = [[g.astype(np.float32).astype(np.float64) for g in step] for step in gradient_sequence()]
    ours32, _ = run(make_optimizer, np.float32, init, grads)
    ours64, _ = run(make_optimizer, np.float64, init, grads)
    ours_error = reference_error = 0.0
    for k, (p32, p64) in enumerate(zip(ours32, ours64)):
        own_grads = [step[k] for step in grads]
        ref32 = reference(init[k].astype(np.float32), [g.astype(np.float32) for g in own_grads])
        ref64 = reference(init[k], own_grads)
        assert ref32.dtype == np.float32 and p32.data.dtype == np.float32
        ours_error += np.abs(p32.data - p64.data).mean()
        reference_error += np.abs(ref32 - ref64).mean()
        np.testing.assert_allclose(p64.data, ref64, rtol=1e-10, atol=1e-12)  # same rule
    assert ours_error <= factor * reference_error, (ours_error, reference_error)
