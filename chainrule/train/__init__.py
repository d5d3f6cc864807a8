"""Training: ``fit`` runs the loop (forward pass → loss → backward pass → optimizer step) with
progress, metrics, callbacks, early stopping and checkpoints; ``evaluate`` measures a model;
``plot_history`` and friends draw a run (with matplotlib, an optional extra).

Example:
    >>> import numpy as np
    >>> from chainrule import nn, optim
    >>> from chainrule.data import ArrayDataset, DataLoader
    >>> from chainrule.train import evaluate, fit
    >>> x = np.random.default_rng(0).normal(size=(128, 2)).astype(np.float32)
    >>> y = (x[:, 0] * x[:, 1] > 0).astype(int)  # XOR-like: needs a hidden layer
    >>> loader = DataLoader(ArrayDataset(x, y), batch_size=32, shuffle=True)
    >>> model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))
    >>> optimizer = optim.Adam(model.parameters(), lr=0.05)
    >>> history = fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=30, seed=0)
    >>> evaluate(model, nn.CrossEntropyLoss(), loader)["accuracy"] > 0.9
    True
"""

from chainrule.train.callbacks import Callback, EarlyStopping, GradientNorms, gradient_norms
from chainrule.train.history import History
from chainrule.train.loop import evaluate, fit, split_batch, train_step
from chainrule.train.metrics import accuracy, confusion_matrix
from chainrule.train.plots import (
    TrainingCurves,
    plot_confusion_matrix,
    plot_gradient_norms,
    plot_history,
)
from chainrule.train.progress import ProgressBar

__all__ = [
    "fit",
    "evaluate",
    "train_step",
    "split_batch",
    "History",
    "Callback",
    "EarlyStopping",
    "GradientNorms",
    "gradient_norms",
    "TrainingCurves",
    "ProgressBar",
    "accuracy",
    "confusion_matrix",
    "plot_history",
    "plot_gradient_norms",
    "plot_confusion_matrix",
]
