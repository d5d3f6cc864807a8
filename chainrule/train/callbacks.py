"""Callbacks: code that ``fit`` runs at the start and end of training, epochs and batches; early
stopping, which ends training when a monitored value stops improving; and the gradient norm of
every layer per epoch.
"""

from __future__ import annotations

import math

import numpy as np


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
    the batch's ``loss`` and ``size``; at epoch end the epoch's record, which goes into the
    History after the callbacks have run (what one adds to it is recorded, as
    :class:`GradientNorms` does); at train end the last record.

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


class GradientNorms(Callback):
    """Record, per epoch, the norm of each layer's gradient ‖∂loss/∂θ_layer‖: the Euclidean
    norm of the gradients of all the layer's own parameters (weight and bias together) after
    each batch's backward pass, averaged over the epoch's batches.

    The values go into the history under ``grad_norm/NAME``, one key per layer that has
    parameters, NAME being the layer's name in the model (``0``, ``2``, ... in a
    ``Sequential``), in the order of the model's layers. They are what shows vanishing
    gradients: in a deep sigmoid network the first layers' norms are orders of magnitude below
    the last ones'.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.train import GradientNorms, fit
        >>> model = nn.Sequential(nn.Linear(2, 4), nn.Sigmoid(), nn.Linear(4, 2))
        >>> x, y = np.ones((8, 2), dtype=np.float32), np.zeros(8, dtype=np.int64)
        >>> history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
        ...               [(x, y)], epochs=2, callbacks=[GradientNorms()])
        >>> [key for key in history.keys() if key.startswith("grad_norm/")]
        ['grad_norm/0', 'grad_norm/2']
        >>> len(history["grad_norm/0"])
        2
    """

    prefix = "grad_norm/"

    def on_train_begin(self, logs):
        if not callable(getattr(self.model, "named_modules", None)):
            raise TypeError(
                f"GradientNorms needs an nn.Module to find the layers in, got "
                f"{type(self.model).__name__}"
            )
        self.layers = [
            (name, params)
            for name, module in self.model.named_modules()
            if (params := list(module.parameters(recurse=False)))
        ]

    def on_epoch_begin(self, epoch, logs):
        self.totals = {name: 0.0 for name, _ in self.layers}
        self.batches = 0

    def on_batch_end(self, batch, logs):
        self.batches += 1
        for name, params in self.layers:
            grads = [p.grad._data for p in params if p.grad is not None]
            # float64 sums: a float32 sum of squares loses the small norms this is meant to show.
            squares = sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads)
            self.totals[name] += math.sqrt(squares)

    def on_epoch_end(self, epoch, logs):
        for name, total in self.totals.items():
            logs[self.prefix + name] = total / max(self.batches, 1)

    def __repr__(self):
        return "GradientNorms()"


def gradient_norms(history):
    """``{layer name: [norm per epoch]}`` from a history that :class:`GradientNorms` filled.

    Example:
        >>> from chainrule.train import History, gradient_norms
        >>> gradient_norms(History({"epoch": [1], "grad_norm/0": [0.5], "train_loss": [1.0]}))
        {'0': [0.5]}
    """
    prefix = GradientNorms.prefix
    return {key[len(prefix) :]: history[key] for key in history.keys() if key.startswith(prefix)}


__all__ = ["Callback", "EarlyStopping", "GradientNorms", "gradient_norms"]
