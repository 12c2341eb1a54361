"""The one helper every op test goes through: forward against numpy, then gradients by gradcheck."""

import numpy as np

import minigrad as mg


def check_op(
    fn,
    numpy_fn,
    inputs,
    *,
    rtol=1e-7,
    atol=1e-9,
    rtol32=1e-4,
    atol32=1e-5,
    dtype32=np.float32,
    second=True,
):
    """Check `fn` (Tensors -> Tensor) against `numpy_fn` (arrays -> array) on `inputs`.

    1. float64: same shape, dtype float64, values equal to numpy's up to rounding.
    2. float32: the result stays float32 (no silent promotion; pass `dtype32=np.float64` where fn
       mixes in a float64 constant, which promotes as in numpy), values close to numpy's, and after
       backward every input's grad is an ndarray with that input's shape and dtype.
    3. gradcheck in float64: the engine's gradients match central finite differences.
    4. gradgradcheck in float64: the gradient computed with create_graph=True has the right
       derivatives too (central differences of the first-order gradient), unless `second=False`.
    Every input must be differentiable (pass constants through a closure instead).
    """
    arrays = [np.array(x, dtype=np.float64) for x in inputs]
    expected = np.asarray(numpy_fn(*[a.copy() for a in arrays]))

    out = fn(*[mg.tensor(a) for a in arrays])
    assert isinstance(out, mg.Tensor), f"expected a Tensor, got {type(out).__name__}"
    assert out.shape == expected.shape, f"shape {out.shape} != numpy's {expected.shape}"
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.data, expected, rtol=rtol, atol=atol)

    leaves = [mg.tensor(a.astype(np.float32), requires_grad=True) for a in arrays]
    out32 = fn(*leaves)
    assert out32.dtype == dtype32, f"float32 inputs gave a {out32.dtype} result"
    np.testing.assert_allclose(out32.data, expected, rtol=rtol32, atol=atol32)
    out32.backward(np.ones(out32.shape))
    for k, leaf in enumerate(leaves):
        assert leaf.grad is not None, f"input {k} received no gradient"
        assert isinstance(leaf.grad, np.ndarray), f"input {k}: grad is a {type(leaf.grad)}"
        assert leaf.grad.shape == leaf.shape and leaf.grad.dtype == np.float32

    assert mg.gradcheck(fn, arrays)
    if second:
        assert mg.gradgradcheck(fn, arrays)


def away_from(values, points, margin=0.1):
    """Move entries of `values` closer than `margin` to any of `points` out to that margin."""
    values = np.array(values, dtype=np.float64)
    for p in points:
        near = np.abs(values - p) < margin
        values[near] = p + np.where(values[near] >= p, margin, -margin)
    return values


def distinct(shape, seed=0, spacing=0.1):
    """An array of the given shape whose entries are all different (no ties for max/argmax)."""
    size = int(np.prod(shape, dtype=np.int64))
    rng = np.random.default_rng(seed)
    return (rng.permutation(size) - size // 2).reshape(shape) * spacing
