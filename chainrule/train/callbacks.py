"""Callbacks: code that ``fit`` runs at the start and end of training, epochs and batches, and
early stopping, which ends training when a monitored value stops improving.
"""

from __future__ import annotations

import math


class Callback:
    """Base class: override the hooks you need; ``fit`` calls them in this order::

        on_train_begin(logs)
          on_epoch_begin(epoch, logs)
            on_batch_end(batch, logs)        once per batch
          on_epoch_end(epoch, logs)          return True to stop after this epoch
        on_train_end(logs)

    Epochs and batches are numbered from 1. Before ``on_train_begin``, ``fit`` sets
    ``self.model`` and ``self.optimizer``. The logs are: at train begin ``epochs``,
    ``initial_epoch`` and ``steps`` (batches per epoch); at epoch begin ``lr``; at batch end
    the batch's ``loss`` and ``size``; at epoch end the epoch's record (as in the History);
    at train end the last record.

    Example:
        >>> from chainrule.train import Callback
        >>> class PrintLoss(Callback):
        ...     def on_epoch_end(self, epoch, logs):
        ...         print(f"epoch {epoch}: {logs['train_loss']:.3f}")
    """

    model = None
    optimizer = None

    def on_train_begin(self, logs):
        """Called once, before the first epoch."""

    def on_epoch_begin(self, epoch, logs):
        """Called before epoch ``epoch``'s first batch."""

    def on_batch_end(self, batch, logs):
        """Called after batch ``batch``'s optimizer step."""

    def on_epoch_end(self, epoch, logs):
        """Called after the epoch's evaluation; return True to stop training."""

    def on_train_end(self, logs):
        """Called once, after the last epoch (also after an early stop)."""


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs.

    Args:
        monitor: a History key: "val_loss" (the default), "val_accuracy", "train_loss"...
        patience: epochs without improvement to allow before stopping.
        mode: "min" (lower is better), "max", or "auto": "max" for accuracies, else "min".
        min_delta: the smallest change that counts as an improvement.
        restore_best_weights: at the end, put back the weights of the best epoch.

    Attributes:
        best, best_epoch: the best value seen and its epoch.
        stopped_epoch: the epoch after which training stopped, or None.

    Raises:
        ValueError: a negative patience or min_delta, an unknown mode, or (during fit) a
            monitor that the run does not measure.

    Example:
        >>> from chainrule.train import EarlyStopping
        >>> EarlyStopping(monitor="val_accuracy", patience=2).mode
        'max'
    """

    def __init__(
        self, monitor="val_loss", patience=3, mode="auto", min_delta=0.0, restore_best_weights=False
    ):
        if not isinstance(patience, int) or isinstance(patience, bool) or patience < 0:
            raise ValueError(f"EarlyStopping: patience must be an int >= 0, got {patience!r}")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'auto', 'min' or 'max', got {mode!r}")
        if not min_delta >= 0:
            raise ValueError(f"EarlyStopping: min_delta must be >= 0, got {min_delta!r}")
        self.monitor = monitor
        self.patience = patience
        self.mode = ("max" if "accuracy" in monitor else "min") if mode == "auto" else mode
        self.min_delta = float(min_delta)
        self.restore_best_weights = restore_best_weights
        self._reset()

    def _reset(self):
        self.best = None
        self.best_epoch = None
        self.stopped_epoch = None
        self.wait = 0
        self.best_state = None
        self.last_epoch = None

    def on_train_begin(self, logs):
        self._reset()

    def on_epoch_end(self, epoch, logs):
        if self.monitor not in logs:
            raise ValueError(
                f"EarlyStopping: the run does not measure {self.monitor!r}; it "
                f"measures {', '.join(k for k in logs if k != 'epoch')}"
            )
        self.last_epoch = epoch
        value = logs[self.monitor]
        if self._improves(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_state = self.model.state_dict()
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def _improves(self, value):
        if value is None or math.isnan(value):
            return False
        if self.best is None:
            return True
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_train_end(self, logs):
        if self.best_state is not None and self.best_epoch != self.last_epoch:
            self.model.load_state_dict(self.best_state)

    def __repr__(self):
        return (
            f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
            f"mode={self.mode!r}, min_delta={self.min_delta}, "
            f"restore_best_weights={self.restore_best_weights})"
        )


__all__ = ["Callback", "EarlyStopping"]
