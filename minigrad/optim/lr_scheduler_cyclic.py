"""Schedulers whose lr rises and falls: OneCycleLR, CyclicLR, CosineAnnealingWarmRestarts.

Each computes its lr from a closed form of the step count (the formulas in the docstrings), as
PyTorch does. Call ``step()`` after every batch for OneCycleLR and CyclicLR (their "epochs" are
iterations), after every epoch (or with a fractional epoch) for CosineAnnealingWarmRestarts.
"""

import math

from minigrad.optim.lr_scheduler import (
    LRScheduler,
    _check_int,
    _check_number,
    _one_per_group,
    _param_groups,
)


def _momentum_key(optimizer, who):
    """ "betas" (Adam's family: cycle β₁) or "momentum" (SGD, RMSprop), whichever the optimizer has."""
    defaults = getattr(optimizer, "defaults", {})
    if "betas" in defaults:
        return "betas"
    if "momentum" in defaults:
        return "momentum"
    raise ValueError(
        f"{who}: cycle_momentum=True needs an optimizer with a 'momentum' or 'betas' option, "
        f"got {type(optimizer).__name__}; pass cycle_momentum=False"
    )


def _set_momentum(group, key, value):
    if key == "betas":
        group["betas"] = (value, *group["betas"][1:])
    else:
        group["momentum"] = value


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin, 2017): warm up to ``max_lr``, then anneal far below.

    Per group, initial_lr = max_lr / div_factor and min_lr = initial_lr / final_div_factor. Over
    ``total_steps`` steps (or ``epochs * steps_per_epoch``) the lr goes initial_lr -> max_lr in
    the first phase, which ends at step pct_start * total_steps - 1, then max_lr -> min_lr at
    step total_steps - 1. With ``three_phase`` it goes initial_lr -> max_lr -> initial_lr (ending
    at 2 pct_start total_steps - 2) -> min_lr. Within a phase from a to b, at fraction p of it:

        cos:     lr = b + (a - b) (1 + cos(π p)) / 2          linear:  lr = a + (b - a) p

    With cycle_momentum the momentum (or β₁) runs the other way, max_momentum -> base_momentum
    -> max_momentum.
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
                 pct_start=0.3, anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85,
                 max_momentum=0.95, div_factor=25.0, final_div_factor=1e4, three_phase=False,
                 last_epoch=-1):  # fmt: skip
        who = "OneCycleLR"
        groups = _param_groups(optimizer, who)
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError(f"{who}: give total_steps, or both epochs and steps_per_epoch")
            _check_int(who, "epochs", epochs, minimum=1)
            _check_int(who, "steps_per_epoch", steps_per_epoch, minimum=1)
            total_steps = epochs * steps_per_epoch
        _check_int(who, "total_steps", total_steps, minimum=1)
        _check_number(who, "pct_start", pct_start, 0.0, 1.0, high_open=False)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"{who}: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}"
            )
        _check_number(who, "div_factor", div_factor, 0.0, low_open=True)
        _check_number(who, "final_div_factor", final_div_factor, 0.0, low_open=True)
        self.total_steps = total_steps
        self.anneal_strategy = anneal_strategy
        self.cycle_momentum = cycle_momentum
        up = float(pct_start * total_steps) - 1
        if three_phase:
            self.phases = [
                (up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (2 * up, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                (total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            self.phases = [
                (up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        max_lrs = _one_per_group(who, "max_lr", max_lr, groups)
        if last_epoch == -1:
            for group, top in zip(groups, max_lrs, strict=True):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        if cycle_momentum:
            self.momentum_key = _momentum_key(optimizer, who)
            if last_epoch == -1:
                tops = _one_per_group(who, "max_momentum", max_momentum, groups)
                bases = _one_per_group(who, "base_momentum", base_momentum, groups)
                for group, top, base in zip(groups, tops, bases, strict=True):
                    _set_momentum(group, self.momentum_key, top)
                    group["max_momentum"] = top
                    group["base_momentum"] = base
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start, end, fraction):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * fraction) + 1)
        return (end - start) * fraction + start

    def get_lr(self):
        """The lr of step last_epoch in its phase, for each group (and its momentum, if cycled)."""
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR: tried to step {step} times; total_steps is {self.total_steps}"
            )
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, (end_step, lr_from, lr_to, m_from, m_to) in enumerate(self.phases):
                if step <= end_step or i == len(self.phases) - 1:
                    fraction = (step - start_step) / (end_step - start_step)
                    lrs.append(self._anneal(group[lr_from], group[lr_to], fraction))
                    if self.cycle_momentum:
                        momentum = self._anneal(group[m_from], group[m_to], fraction)
                        _set_momentum(group, self.momentum_key, momentum)
                    break
                start_step = end_step
        return lrs


class CyclicLR(LRScheduler):
    """Cyclical learning rates (Smith, 2017): the lr sweeps between base_lr and max_lr.

    One cycle is step_size_up + step_size_down iterations (down defaults to up). At iteration t:

        cycle = ⌊1 + t / cycle_length⌋,   x = 1 + t / cycle_length - cycle        (x in [0, 1))
        s = x / r  if x <= r  else  (x - 1) / (r - 1)      (r = step_size_up / cycle_length)
        lr = base_lr + (max_lr - base_lr) s f

    with f = 1 ("triangular"), 1 / 2^(cycle - 1) ("triangular2"), gamma^t ("exp_range"), or a
    ``scale_fn`` of the cycle (scale_mode "cycle") or of t ("iterations"). With cycle_momentum the
    momentum (or β₁) is max_momentum - (max_momentum - base_momentum) s f.
    """

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
                 mode="triangular", gamma=1.0, scale_fn=None, scale_mode="cycle",
                 cycle_momentum=True, base_momentum=0.8, max_momentum=0.9,
                 last_epoch=-1):  # fmt: skip
        who = "CyclicLR"
        groups = _param_groups(optimizer, who)
        _check_int(who, "step_size_up", step_size_up, minimum=1)
        if step_size_down is not None:
            _check_int(who, "step_size_down", step_size_down, minimum=1)
        down = step_size_up if step_size_down is None else step_size_down
        self.total_size = step_size_up + down
        self.step_ratio = step_size_up / self.total_size
        if scale_fn is None:
            if mode not in ("triangular", "triangular2", "exp_range"):
                raise ValueError(
                    f"{who}: mode must be 'triangular', 'triangular2' or 'exp_range' "
                    f"(or give scale_fn), got {mode!r}"
                )
            scale_mode = "iterations" if mode == "exp_range" else "cycle"
        elif scale_mode not in ("cycle", "iterations"):
            raise ValueError(
                f"{who}: scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}"
            )
        self.mode, self.gamma, self.scale_mode = mode, gamma, scale_mode
        self.custom_scale_fn = scale_fn
        base_lrs = _one_per_group(who, "base_lr", base_lr, groups)
        self.max_lrs = _one_per_group(who, "max_lr", max_lr, groups)
        if last_epoch == -1:
            for group, lr in zip(groups, base_lrs, strict=True):
                group["lr"] = lr
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.momentum_key = _momentum_key(optimizer, who)
            self.base_momentums = _one_per_group(who, "base_momentum", base_momentum, groups)
            self.max_momentums = _one_per_group(who, "max_momentum", max_momentum, groups)
            if last_epoch == -1:
                for group, top in zip(groups, self.max_momentums, strict=True):
                    _set_momentum(group, self.momentum_key, top)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x):
        """The amplitude factor f of cycle (or iteration) x."""
        if self.custom_scale_fn is not None:
            return self.custom_scale_fn(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma**x

    def get_lr(self):
        """base_lr + (max_lr - base_lr) s f for each group (and the momentum, if cycled)."""
        t = self.last_epoch
        cycle = math.floor(1 + t / self.total_size)
        x = 1.0 + t / self.total_size - cycle
        if x <= self.step_ratio:
            s = x / self.step_ratio
        else:
            s = (x - 1) / (self.step_ratio - 1)
        f = self.scale_fn(cycle if self.scale_mode == "cycle" else t)
        lrs = [
            base + (top - base) * s * f
            for base, top in zip(self.base_lrs, self.max_lrs, strict=True)
        ]
        if self.cycle_momentum:
            for group, base, top in zip(self.optimizer.param_groups, self.base_momentums,
                                        self.max_momentums, strict=True):  # fmt: skip
                _set_momentum(group, self.momentum_key, top - (top - base) * s * f)
        return lrs

    def state_dict(self):
        """The state; a custom scale_fn (a function) is left out, as LambdaLR does."""
        return {k: v for k, v in super().state_dict().items() if k != "custom_scale_fn"}


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR (Loshchilov & Hutter, 2017): cosine annealing that restarts at base_lr.

    lr = eta_min + (base_lr - eta_min) (1 + cos(π T_cur / T_i)) / 2, where T_cur counts epochs
    since the last restart and the i-th period lasts T_i = T_0 T_mult^i epochs. ``step(epoch)``
    accepts a fractional epoch (e.g. ``epoch + batch / batches``) and finds T_cur and T_i from it.
    """

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):  # noqa: N803
        who = "CosineAnnealingWarmRestarts"
        _check_int(who, "T_0", T_0, minimum=1)
        _check_int(who, "T_mult", T_mult, minimum=1)
        _check_number(who, "eta_min", eta_min, 0.0)
        self.T_0, self.T_i, self.T_mult, self.eta_min = T_0, T_0, T_mult, eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The cosine of T_cur / T_i for each group."""
        cosine = (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
        return [self.eta_min + (base - self.eta_min) * cosine for base in self.base_lrs]

    def step(self, epoch=None):
        """Advance one epoch (restarting when the period ends), or jump to ``epoch``."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur -= self.T_i
                self.T_i *= self.T_mult
        else:
            if epoch < 0:
                raise ValueError(f"CosineAnnealingWarmRestarts: epoch must be >= 0, got {epoch!r}")
            if epoch >= self.T_0 and self.T_mult == 1:
                self.T_cur = epoch % self.T_0
            elif epoch >= self.T_0:
                # periods T_0, T_0 m, T_0 m², ... end at T_0 (m^n - 1) / (m - 1): solve for n
                n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                self.T_i = self.T_0 * self.T_mult**n
            else:
                self.T_i = self.T_0
                self.T_cur = epoch
        self._step_count += 1
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]
