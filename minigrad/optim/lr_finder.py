"""The learning-rate range test (Smith, 2017, "Cyclical Learning Rates for Training Neural
Networks", section 3.3): train briefly while the lr grows, and read a good lr off the loss curve.

    result = lr_finder(model, loss_fn, loader, SGD, momentum=0.9)
    result.suggestion          # the lr where the smoothed loss falls fastest

The lr grows exponentially from ``start_lr`` to ``end_lr`` over ``num_iter`` batches (one pass
over the loader by default), so every decade of lrs gets the same number of steps. The losses
are smoothed by an exponential moving average (with Adam's bias correction, so the first values
are not pulled towards zero; a factor β lags the raw losses by β / (1 - β) steps: 9 for the
default 0.9, 49 for 0.98, which over 100 steps from 1e-7 to 10 is 4 of the 8 decades), the test
stops once the smoothed loss exceeds ``diverge_threshold``
times its best, and the suggestion is the lr at the steepest descent of the smoothed loss
against log(lr), searched before the loss's minimum. The model's weights are restored afterwards.

Like the optimizers it needs only ``model.parameters()`` (objects with ``.data``), ``model(x)``,
``loss_fn(prediction, y)`` and the loss's ``.backward()`` and ``.data``.
"""

import math
from dataclasses import dataclass

import numpy as np


@dataclass
class LRRangeTest:
    """What ``lr_finder`` measured: one entry per step taken, and the suggested lr."""

    lrs: np.ndarray  # the lr of each step
    losses: np.ndarray  # the loss of each step's batch, before its update
    smoothed: np.ndarray  # their bias-corrected exponential moving average
    suggestion: float  # lrs[suggested_index]
    suggested_index: int


def lr_finder(model, loss_fn, loader, optimizer_class, start_lr=1e-7, end_lr=10.0,
              num_iter=None, smoothing=0.9, diverge_threshold=4.0,
              **optimizer_options):  # fmt: skip
    """Run the range test and return an ``LRRangeTest`` (the model's weights are left as found)."""
    num_iter = len(loader) if num_iter is None else num_iter
    if not isinstance(num_iter, int) or num_iter < 3:
        raise ValueError(f"lr_finder: num_iter must be an integer >= 3, got {num_iter!r}")
    if not 0 < start_lr < end_lr:
        raise ValueError(
            f"lr_finder: need 0 < start_lr < end_lr, got start_lr={start_lr!r}, end_lr={end_lr!r}"
        )
    if not 0 <= smoothing < 1:
        raise ValueError(f"lr_finder: smoothing must be in [0, 1), got {smoothing!r}")
    params = list(model.parameters())
    saved = [np.array(p.data, copy=True) for p in params]
    optimizer = optimizer_class(params, lr=start_lr, **optimizer_options)
    growth = (end_lr / start_lr) ** (1 / (num_iter - 1))
    lrs, losses, smoothed = [], [], []
    average, best = 0.0, math.inf
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is expected at the end
            for step, (x, y) in enumerate(_batches(loader, num_iter)):
                lr = start_lr * growth**step
                for group in optimizer.param_groups:
                    group["lr"] = lr
                optimizer.zero_grad()
                loss = loss_fn(model(x), y)
                loss.backward()
                optimizer.step()
                value = float(np.asarray(loss.data))
                average = smoothing * average + (1 - smoothing) * value
                lrs.append(lr)
                losses.append(value)
                smoothed.append(average / (1 - smoothing ** (step + 1)))
                if not math.isfinite(smoothed[-1]) or smoothed[-1] > diverge_threshold * best:
                    break
                best = min(best, smoothed[-1])
    finally:
        for p, values in zip(params, saved):
            p.data[...] = values
            p.grad = None
    lrs, losses, smoothed = np.array(lrs), np.array(losses), np.array(smoothed)
    index = steepest_descent(lrs, smoothed)
    return LRRangeTest(lrs, losses, smoothed, float(lrs[index]), index)


def steepest_descent(lrs, smoothed):
    """Index where ``smoothed`` falls fastest against log(lr), at or before its (finite) minimum."""
    finite = np.isfinite(smoothed)
    if finite.sum() < 3:
        raise ValueError("lr_finder: the loss was not finite for 3 steps; lower start_lr")
    last = int(np.argmin(np.where(finite, smoothed, np.inf)))
    if last < 2:
        return last
    slopes = np.gradient(smoothed[: last + 1], np.log(lrs[: last + 1]))
    return int(np.argmin(slopes))


def _batches(loader, count):
    """``count`` batches from ``loader``, starting it again whenever it runs out."""
    taken = 0
    while taken < count:
        empty = True
        for batch in loader:
            empty = False
            yield batch
            taken += 1
            if taken == count:
                return
        if empty:
            raise ValueError("lr_finder: the loader yielded no batches")
