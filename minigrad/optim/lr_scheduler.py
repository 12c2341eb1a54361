"""Learning-rate schedulers: change each param group's ``lr`` as training goes on.

A scheduler works on any optimizer that has ``param_groups`` (a list of dicts with an ``"lr"``
entry); it knows nothing else about it. The semantics are PyTorch's:

- the constructor performs the first step, so right after ``StepLR(opt, ...)`` the optimizer
  holds the lr of epoch 0 and ``last_epoch == 0``;
- each ``scheduler.step()`` (call it once per epoch, after ``optimizer.step()``) advances
  ``last_epoch`` by one and writes the new lr into every group;
- ``get_last_lr()`` returns the lr of every group as the scheduler last set it;
- the multiplicative schedulers (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR) update
  the group's *current* lr, so two schedulers on one optimizer compose ("chaining"); with one
  scheduler the lr equals the closed form given in each class's docstring.

``ReduceLROnPlateau`` is different: it looks at a metric, ``scheduler.step(val_loss)``, and cuts
the lr when the metric stops improving.
"""

import math
import numbers
import types
from collections import Counter

__all__ = [
    "LRScheduler",
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "LambdaLR",
    "ReduceLROnPlateau",
]

# The schedulers added after these (warm-up, cyclic, combined) live in files of their own and
# are imported at the end of this file, so that `lr_scheduler.LinearLR` works as in PyTorch.


def _param_groups(optimizer, who):
    """Return ``optimizer.param_groups`` after checking it is a non-empty list of dicts with lr."""
    groups = getattr(optimizer, "param_groups", None)
    if (
        not isinstance(groups, list)
        or not groups
        or not all(isinstance(g, dict) and "lr" in g for g in groups)
    ):
        raise TypeError(
            f"{who}: optimizer must have param_groups, a non-empty list of dicts with an 'lr' "
            f"entry; got {type(optimizer).__name__}"
        )
    return groups


def _one_per_group(who, name, value, groups):
    """A list with one entry per param group: the list given, or the single value repeated."""
    if not isinstance(value, (list, tuple)):
        return [value] * len(groups)
    if len(value) != len(groups):
        raise ValueError(
            f"{who}: {name} must be a single value or have one entry per param group "
            f"({len(groups)}), got {len(value)}"
        )
    return list(value)


def _check_int(who, name, value, minimum):
    """Raise ValueError unless ``value`` is an int (not bool) that is at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{who}: {name} must be an integer >= {minimum}, got {value!r}")


def _check_number(who, name, value, low, high=math.inf, low_open=False, high_open=True):
    """Raise ValueError unless ``value`` is a real number in the given interval."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = (value > low if low_open else value >= low) and (
            value < high if high_open else value <= high
        )
    if not ok:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        raise ValueError(f"{who}: {name} must be in {left}{low}, {high}{right}, got {value!r}")


class LRScheduler:
    """Base class: on each ``step()`` advance ``last_epoch`` and set every group's lr to get_lr().

    Subclasses implement ``get_lr()``, returning one lr per param group for ``self.last_epoch``.
    ``base_lrs`` are the groups' ``initial_lr`` (stored in the group on first use, so that a
    resumed scheduler with ``last_epoch >= 0`` finds them).
    """

    def __init__(self, optimizer, last_epoch=-1):
        who = type(self).__name__
        groups = _param_groups(optimizer, who)
        _check_int(who, "last_epoch", last_epoch, minimum=-1)
        if last_epoch == -1:
            for group in groups:
                # setdefault: a second scheduler on the same optimizer keeps the first base lr.
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(groups):
                if "initial_lr" not in group:
                    raise ValueError(
                        f"{who}: last_epoch={last_epoch} resumes a schedule, but "
                        f"param_groups[{i}] has no 'initial_lr' (it is set when a scheduler "
                        f"starts from last_epoch=-1)"
                    )
        self.optimizer = optimizer
        self.base_lrs = [group["initial_lr"] for group in groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self.step()  # the initial step: sets the lr of epoch last_epoch + 1

    def get_lr(self):
        """Return the lr of each param group for epoch ``self.last_epoch``."""
        raise NotImplementedError

    def step(self, epoch=None):
        """Advance one epoch and write the new lr into every param group.

        ``step(epoch)`` jumps to ``epoch`` instead, using the closed form where the scheduler
        has one (as PyTorch, which deprecates it; SequentialLR restarts a scheduler with step(0)).
        """
        self._step_count += 1
        if epoch is None:
            self.last_epoch += 1
            lrs = self.get_lr()
        else:
            self.last_epoch = epoch
            lrs = self._closed_form() if hasattr(self, "_closed_form") else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, lrs, strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """Return the list of lrs (one per param group) that the last ``step()`` set."""
        return list(self._last_lr)

    def state_dict(self):
        """Return the scheduler's state (everything but the optimizer) as a dict."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict):
        """Restore the state returned by ``state_dict()``."""
        self.__dict__.update(state_dict)

    def _current_lrs(self):
        return [group["lr"] for group in self.optimizer.param_groups]


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs.

    lr(epoch) = base_lr * gamma ** (epoch // step_size)
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        _check_int("StepLR", "step_size", step_size, minimum=1)
        _check_number("StepLR", "gamma", gamma, 0.0, low_open=True)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _closed_form(self):
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]

    def get_lr(self):
        """Return each group's lr, multiplied by gamma when last_epoch reaches a new stage."""
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]


class MultiStepLR(LRScheduler):
    """Multiply the lr by ``gamma`` at each epoch listed in ``milestones``.

    lr(epoch) = base_lr * gamma ** (number of milestones <= epoch). A milestone listed twice
    counts twice, as in PyTorch.
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        milestones = list(milestones)
        for m in milestones:
            if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 0:
                raise ValueError(
                    f"MultiStepLR: milestones must be integers >= 0, got {milestones!r}"
                )
        _check_number("MultiStepLR", "gamma", gamma, 0.0, low_open=True)
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _closed_form(self):
        passed = sum(n for m, n in self.milestones.items() if m <= self.last_epoch)
        return [base * self.gamma**passed for base in self.base_lrs]

    def get_lr(self):
        """Return each group's lr, multiplied by gamma**count when last_epoch is a milestone."""
        count = self.milestones.get(self.last_epoch, 0)
        if count == 0:
            return self._current_lrs()
        return [lr * self.gamma**count for lr in self._current_lrs()]


class ExponentialLR(LRScheduler):
    """Multiply the lr by ``gamma`` every epoch: lr(epoch) = base_lr * gamma ** epoch."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        _check_number("ExponentialLR", "gamma", gamma, 0.0, low_open=True)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _closed_form(self):
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]

    def get_lr(self):
        """Return each group's lr times gamma (unchanged at epoch 0)."""
        if self.last_epoch == 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]


class CosineAnnealingLR(LRScheduler):
    """Anneal the lr from base_lr to ``eta_min`` along half a cosine over ``T_max`` epochs.

    lr(t) = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2

    Computed, as PyTorch does, by the recursion
    lr(t+1) = eta_min + (lr(t) - eta_min) * (1 + cos(pi (t+1) / T_max)) / (1 + cos(pi t / T_max)),
    which equals the closed form when nothing else changes the lr. Past T_max the cosine goes on,
    so the lr climbs back to base_lr at 2 T_max (no restart, no clamp), as in PyTorch.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):  # noqa: N803 (torch's name)
        _check_int("CosineAnnealingLR", "T_max", T_max, minimum=1)
        _check_number("CosineAnnealingLR", "eta_min", eta_min, 0.0)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def _closed_form(self):
        cosine = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        return [self.eta_min + (base - self.eta_min) * cosine for base in self.base_lrs]

    def get_lr(self):
        """Return each group's lr for epoch last_epoch by the cosine recursion."""
        t, period = self.last_epoch, self.T_max
        if t == 0:
            return self._current_lrs()
        if self._step_count == 1:
            # Resuming at t > 0: no previous lr of ours to recurse from, use the closed form.
            return [
                self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * t / period)) / 2
                for base in self.base_lrs
            ]
        if (t - 1 - period) % (2 * period) == 0:
            # The previous lr sat at the bottom of the cosine, where the ratio below is 0 / 0:
            # climb by the closed form's first increment instead.
            rise = (1 - math.cos(math.pi / period)) / 2
            return [
                lr + (base - self.eta_min) * rise
                for lr, base in zip(self._current_lrs(), self.base_lrs, strict=True)
            ]
        ratio = (1 + math.cos(math.pi * t / period)) / (1 + math.cos(math.pi * (t - 1) / period))
        return [self.eta_min + (lr - self.eta_min) * ratio for lr in self._current_lrs()]


class LambdaLR(LRScheduler):
    """Set the lr to base_lr times a user function of the epoch: lr = base_lr * lr_lambda(epoch).

    ``lr_lambda`` is one function for all groups or a list with one function per group.
    ``state_dict()`` leaves plain functions out (they cannot be saved as data); a callable object
    is saved as its ``__dict__``.
    """

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        groups = _param_groups(optimizer, "LambdaLR")
        lambdas = _one_per_group("LambdaLR", "lr_lambda", lr_lambda, groups)
        for fn in lambdas:
            if not callable(fn):
                raise ValueError(f"LambdaLR: lr_lambda must be callable, got {fn!r}")
        self.lr_lambdas = lambdas
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Return base_lr * lr_lambda(last_epoch) for each group."""
        return [
            base * fn(self.last_epoch)
            for base, fn in zip(self.base_lrs, self.lr_lambdas, strict=True)
        ]

    def state_dict(self):
        """Return the state; lr_lambdas holds None for functions, ``__dict__`` for objects."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [
            None if _is_plain_function(fn) else dict(fn.__dict__) for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict):
        """Restore the state; saved callable objects get their attributes back."""
        state = dict(state_dict)
        saved_lambdas = state.pop("lr_lambdas")
        self.__dict__.update(state)
        for fn, saved in zip(self.lr_lambdas, saved_lambdas, strict=True):
            if saved is not None:
                fn.__dict__.update(saved)


def _is_plain_function(fn):
    return isinstance(fn, (types.FunctionType, types.BuiltinFunctionType, types.MethodType))


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by ``factor`` when a metric has not improved for ``patience`` epochs.

    A scheduler of another kind (as in PyTorch it subclasses LRScheduler only for
    ``get_last_lr``, ``state_dict`` and ``load_state_dict``): it steps on a metric, not on a
    schedule, so its ``__init__`` takes no initial step.

    Call ``step(metric)`` once per epoch. A metric improves on the best so far when, in mode
    "min", it is below best * (1 - threshold) ("rel") or best - threshold ("abs"); in mode "max",
    above best * (1 + threshold) or best + threshold. After more than ``patience`` epochs without
    improvement every group's lr becomes max(lr * factor, min_lr) (a cut smaller than ``eps`` is
    skipped), and the next ``cooldown`` epochs do not count as bad.
    """

    def __init__(
        self,
        optimizer,
        mode="min",
        factor=0.1,
        patience=10,
        threshold=1e-4,
        threshold_mode="rel",
        cooldown=0,
        min_lr=0,
        eps=1e-8,
    ):
        who = "ReduceLROnPlateau"
        groups = _param_groups(optimizer, who)
        if mode not in ("min", "max"):
            raise ValueError(f"{who}: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(
                f"{who}: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}"
            )
        _check_number(who, "factor", factor, 0.0, 1.0)
        _check_int(who, "patience", patience, minimum=0)
        _check_number(who, "threshold", threshold, 0.0)
        _check_int(who, "cooldown", cooldown, minimum=0)
        _check_number(who, "eps", eps, 0.0)
        min_lrs = _one_per_group(who, "min_lr", min_lr, groups)
        for value in min_lrs:
            _check_number(who, "min_lr", value, 0.0)

        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.min_lrs = min_lrs
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in groups]
        self._reset()

    def _reset(self):
        self.best = math.inf if self.mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def is_better(self, metric, best):
        """Return True when ``metric`` beats ``best`` by more than the threshold."""
        if self.mode == "min":
            bar = (
                best * (1 - self.threshold)
                if self.threshold_mode == "rel"
                else best - self.threshold
            )
            return metric < bar
        bar = best * (1 + self.threshold) if self.threshold_mode == "rel" else best + self.threshold
        return metric > bar

    @property
    def in_cooldown(self):
        """True while the epochs right after a cut are being ignored."""
        return self.cooldown_counter > 0

    def step(self, metrics):
        """Record this epoch's metric (a number) and cut the lr if it has plateaued."""
        current = float(metrics)
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during cooldown are forgiven
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _reduce_lr(self):
        for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs, strict=True):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr


from minigrad.optim.lr_scheduler_chain import ChainedScheduler, SequentialLR  # noqa: E402
from minigrad.optim.lr_scheduler_cyclic import (  # noqa: E402
    CosineAnnealingWarmRestarts,
    CyclicLR,
    OneCycleLR,
)
from minigrad.optim.lr_scheduler_warmup import ConstantLR, LinearLR, PolynomialLR  # noqa: E402

__all__ += [
    "LinearLR",
    "ConstantLR",
    "PolynomialLR",
    "OneCycleLR",
    "CyclicLR",
    "CosineAnnealingWarmRestarts",
    "SequentialLR",
    "ChainedScheduler",
]
