"""Schedulers made of schedulers: SequentialLR (one after another), ChainedScheduler (all at once)."""

from bisect import bisect_right

from minigrad.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau


def _check_schedulers(who, schedulers, optimizer):
    schedulers = list(schedulers)
    if not schedulers:
        raise ValueError(f"{who}: schedulers is an empty list")
    for i, scheduler in enumerate(schedulers):
        if isinstance(scheduler, ReduceLROnPlateau) or not isinstance(scheduler, LRScheduler):
            raise ValueError(
                f"{who}: schedulers[{i}] is a {type(scheduler).__name__}; only schedulers that "
                "step on a schedule (not ReduceLROnPlateau) can be combined"
            )
        if scheduler.optimizer is not optimizer:
            raise ValueError(
                f"{who}: schedulers[{i}] belongs to another optimizer; all must share one"
            )
    return schedulers


class SequentialLR(LRScheduler):
    """Run ``schedulers[0]`` until ``milestones[0]``, then ``schedulers[1]``, and so on.

    At milestone m_k scheduler k+1 restarts from its epoch 0 (``step(0)``, its closed form from
    the groups' initial_lr), as PyTorch does: e.g. LinearLR warm-up then CosineAnnealingLR.
    """

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        schedulers = _check_schedulers("SequentialLR", schedulers, optimizer)
        milestones = list(milestones)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"SequentialLR: {len(schedulers)} schedulers need {len(schedulers) - 1} "
                f"milestone(s), got {len(milestones)}"
            )
        self.optimizer = optimizer
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self._step_count = 1
        for group in optimizer.param_groups:  # undo what the schedulers' constructors did
            group["lr"] = group["initial_lr"]
        for scheduler in schedulers:
            scheduler.last_epoch -= 1
        schedulers[0].step()  # the first scheduler's epoch 0 again, from initial_lr
        self._last_lr = schedulers[0].get_last_lr()

    def step(self):
        """Advance one epoch in the scheduler whose stretch this epoch falls in."""
        self._step_count += 1
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler.step(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self):
        """The state, with each scheduler's own state dict in ``_schedulers``."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        """Restore the state and each scheduler's."""
        state = dict(state_dict)
        for scheduler, saved in zip(self._schedulers, state.pop("_schedulers"), strict=True):
            scheduler.load_state_dict(saved)
        self.__dict__.update(state)


class ChainedScheduler(LRScheduler):
    """Step every scheduler in ``schedulers`` at each step: their factors multiply.

    Works for the schedulers that update the current lr by a ratio (StepLR, ExponentialLR,
    LinearLR, ConstantLR, PolynomialLR, ...): e.g. ConstantLR(factor=0.1, total_iters=2) chained
    with ExponentialLR(gamma=0.9) gives lr(t) = base · 0.9^t · (0.1 if t < 2 else 1).
    """

    def __init__(self, schedulers, optimizer=None):
        schedulers = list(schedulers)
        if optimizer is None and schedulers:
            optimizer = schedulers[0].optimizer
        self._schedulers = _check_schedulers("ChainedScheduler", schedulers, optimizer)
        self.optimizer = optimizer
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def step(self):
        """Step each scheduler once, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    state_dict = SequentialLR.state_dict
    load_state_dict = SequentialLR.load_state_dict
