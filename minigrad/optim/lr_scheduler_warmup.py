"""Schedulers that move the lr by a factor over the first ``total_iters`` epochs, then hold it.

Each is PyTorch's: the lr is updated by a ratio from the group's current lr (so schedulers can be
chained), and with one scheduler it equals the closed form in the class's docstring.
"""

from minigrad.optim.lr_scheduler import LRScheduler, _check_int, _check_number


class LinearLR(LRScheduler):
    """Warm-up: scale the lr linearly from ``start_factor`` to ``end_factor`` over total_iters.

    lr(t) = base_lr * (start_factor + (end_factor - start_factor) * min(t, total_iters) / total_iters)
    """

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5,
                 last_epoch=-1):  # fmt: skip
        _check_number("LinearLR", "start_factor", start_factor, 0.0, 1.0, low_open=True,
                      high_open=False)  # fmt: skip
        _check_number("LinearLR", "end_factor", end_factor, 0.0, 1.0, high_open=False)
        _check_int("LinearLR", "total_iters", total_iters, minimum=1)
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _closed_form(self):
        done = min(self.total_iters, self.last_epoch) / self.total_iters
        factor = self.start_factor + (self.end_factor - self.start_factor) * done
        return [base * factor for base in self.base_lrs]

    def get_lr(self):
        """The ratio lr(t) / lr(t-1) of the closed form, applied to each group's current lr."""
        t, start, end = self.last_epoch, self.start_factor, self.end_factor
        if t == 0:
            return [lr * start for lr in self._current_lrs()]
        if t > self.total_iters:
            return self._current_lrs()
        ratio = 1.0 + (end - start) / (self.total_iters * start + (t - 1) * (end - start))
        return [lr * ratio for lr in self._current_lrs()]


class ConstantLR(LRScheduler):
    """Multiply the lr by ``factor`` until epoch ``total_iters``, then restore it.

    lr(t) = base_lr * factor for t < total_iters, base_lr from then on.
    """

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        _check_number("ConstantLR", "factor", factor, 0.0, 1.0, low_open=True, high_open=False)
        _check_int("ConstantLR", "total_iters", total_iters, minimum=0)
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _closed_form(self):
        factor = 1.0 if self.last_epoch >= self.total_iters else self.factor
        return [base * factor for base in self.base_lrs]

    def get_lr(self):
        """Each group's lr times factor at epoch 0, divided by it at total_iters, else as it is."""
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._current_lrs()]
        if self.last_epoch != self.total_iters:
            return self._current_lrs()
        return [lr * (1.0 / self.factor) for lr in self._current_lrs()]


class PolynomialLR(LRScheduler):
    """Decay the lr to zero over ``total_iters`` epochs along a power of the remaining fraction.

    lr(t) = base_lr * (1 - min(t, total_iters) / total_iters) ** power
    """

    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
        _check_int("PolynomialLR", "total_iters", total_iters, minimum=1)
        _check_number("PolynomialLR", "power", power, 0.0)
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def _closed_form(self):
        remaining = 1.0 - min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * remaining**self.power for base in self.base_lrs]

    def get_lr(self):
        """The ratio lr(t) / lr(t-1) of the closed form, applied to each group's current lr."""
        t, n = self.last_epoch, self.total_iters
        if t == 0 or t > n:
            return self._current_lrs()
        ratio = ((1.0 - t / n) / (1.0 - (t - 1) / n)) ** self.power
        return [lr * ratio for lr in self._current_lrs()]
