"""Learning-rate schedules: set each parameter group's ``lr`` from the number of steps taken.

Names and arguments follow ``torch.optim.lr_scheduler``. Each schedule is a closed form of the
step count and the group's initial rate, so a resumed schedule gives the same rates exactly.
"""

from __future__ import annotations

import math
import numbers

from chainrule.optim.optimizer import Optimizer, check_range


class LRScheduler:
    """Base of the schedules: ``step()`` advances ``last_epoch`` and sets every group's lr.

    On creation (``last_epoch=-1``) each group's current lr is saved as ``"initial_lr"`` and
    the schedule takes its first step, to epoch 0. A subclass gives the rate at epoch t in
    ``_lr_at(base_lr, t)`` and names its hyperparameters in ``hyperparameters``. The rate is
    set from the closed form at every step: a rate changed by hand lasts until the next step.

    Args:
        optimizer: the :class:`~chainrule.optim.Optimizer` whose rates to set.
        last_epoch: the epoch of the last step taken, to resume a schedule (-1 to start).

    Raises:
        TypeError: when ``optimizer`` is not an optimizer.
        KeyError: when resuming and a group has no ``"initial_lr"``.
    """

    hyperparameters: tuple[str, ...] = ()

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"a schedule needs an Optimizer, got {type(optimizer).__name__}")
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(
                    f"param_groups[{i}] has no 'initial_lr', so the schedule cannot resume at "
                    f"last_epoch={last_epoch}; create it with last_epoch=-1, or load its state"
                )
        self.optimizer = optimizer
        self.base_lrs = [float(group["initial_lr"]) for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._last_lr = []
        self.step()

    def step(self):
        """Advance one epoch and set each group's lr to the schedule's rate."""
        groups = self.optimizer.param_groups
        if len(groups) != len(self.base_lrs):
            raise ValueError(
                f"the optimizer has {len(groups)} parameter groups but the schedule was made for "
                f"{len(self.base_lrs)}; create the schedule after adding the groups"
            )
        self.last_epoch += 1
        self._last_lr = [self._lr_at(base_lr, self.last_epoch) for base_lr in self.base_lrs]
        for group, lr in zip(groups, self._last_lr):
            group["lr"] = lr

    def get_last_lr(self):
        """The rates set by the last step, one per parameter group."""
        return list(self._last_lr)

    def _lr_at(self, base_lr, epoch):
        """The rate at ``epoch`` for a group that started at ``base_lr`` (subclasses)."""
        raise NotImplementedError(f"{type(self).__name__} must define _lr_at")

    def state_dict(self):
        """``{"last_epoch", "base_lrs", "_last_lr", and the hyperparameters}`` as plain numbers."""
        state = {name: getattr(self, name) for name in self.hyperparameters}
        state.update(
            last_epoch=self.last_epoch, base_lrs=list(self.base_lrs), _last_lr=self.get_last_lr()
        )
        return state

    def load_state_dict(self, state_dict):
        """Resume from :meth:`state_dict`'s output (load the optimizer's own state as well).

        Raises:
            ValueError: for missing or unknown entries, or a different number of groups.
        """
        expected = {"last_epoch", "base_lrs", "_last_lr", *self.hyperparameters}
        if set(state_dict) != expected:
            raise ValueError(
                f"a {type(self).__name__} state dict has the keys {sorted(expected)}, got "
                f"{sorted(state_dict)}"
            )
        base_lrs = [float(lr) for lr in state_dict["base_lrs"]]
        if len(base_lrs) != len(self.optimizer.param_groups):
            raise ValueError(
                f"the loaded schedule has {len(base_lrs)} parameter groups but the optimizer "
                f"has {len(self.optimizer.param_groups)}"
            )
        for name in self.hyperparameters:
            setattr(self, name, _number(state_dict[name]))
        self.base_lrs = base_lrs
        self.last_epoch = int(state_dict["last_epoch"])
        self._last_lr = [float(lr) for lr in state_dict["_last_lr"]]


class StepLR(LRScheduler):
    """lr = base_lr · gamma^⌊epoch / step_size⌋: decay by ``gamma`` every ``step_size`` epochs.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.optim import SGD
        >>> from chainrule.optim.lr_scheduler import StepLR
        >>> optimizer = SGD([cr.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> schedule = StepLR(optimizer, step_size=2, gamma=0.5)
        >>> rates = []
        >>> for epoch in range(5):
        ...     rates += schedule.get_last_lr()
        ...     schedule.step()
        >>> rates
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    hyperparameters = ("step_size", "gamma")

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        if isinstance(step_size, bool) or not isinstance(step_size, numbers.Integral):
            raise ValueError(f"step_size must be a positive integer, got {step_size!r}")
        check_range({"step_size": step_size}, "step_size", 1)
        check_range({"gamma": gamma}, "gamma")
        self.step_size, self.gamma = int(step_size), float(gamma)
        super().__init__(optimizer, last_epoch)

    def _lr_at(self, base_lr, epoch):
        return base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(LRScheduler):
    """lr = base_lr · gamma^epoch: decay by ``gamma`` every epoch.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.optim import SGD
        >>> from chainrule.optim.lr_scheduler import ExponentialLR
        >>> optimizer = SGD([cr.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> schedule = ExponentialLR(optimizer, gamma=0.5)
        >>> schedule.step()
        >>> schedule.step()
        >>> schedule.get_last_lr()
        [0.25]
    """

    hyperparameters = ("gamma",)

    def __init__(self, optimizer, gamma, last_epoch=-1):
        check_range({"gamma": gamma}, "gamma")
        self.gamma = float(gamma)
        super().__init__(optimizer, last_epoch)

    def _lr_at(self, base_lr, epoch):
        return base_lr * self.gamma**epoch


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr − eta_min)·(1 + cos(π·epoch/T_max))/2, from base_lr to eta_min.

    The rate reaches ``eta_min`` at epoch ``T_max`` and, if stepped further, follows the cosine
    back up (as PyTorch's does); there are no restarts.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.optim import SGD
        >>> from chainrule.optim.lr_scheduler import CosineAnnealingLR
        >>> optimizer = SGD([cr.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> schedule = CosineAnnealingLR(optimizer, T_max=2, eta_min=0.5)
        >>> schedule.step()
        >>> schedule.get_last_lr()  # halfway: the mean of 1.0 and 0.5
        [0.75]
    """

    hyperparameters = ("T_max", "eta_min")

    def __init__(self, optimizer, T_max, eta_min=0, last_epoch=-1):  # noqa: N803 -- PyTorch's name
        check_range({"T_max": T_max}, "T_max", 1)
        check_range({"eta_min": eta_min}, "eta_min")
        self.T_max, self.eta_min = T_max, float(eta_min)
        super().__init__(optimizer, last_epoch)

    def _lr_at(self, base_lr, epoch):
        cosine = (1 + math.cos(math.pi * epoch / self.T_max)) / 2
        return self.eta_min + (base_lr - self.eta_min) * cosine


def _number(value):
    # Values read back from an array file are NumPy scalars or 0-d arrays: make them Python.
    return value.item() if hasattr(value, "item") else value


__all__ = ["LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR"]
