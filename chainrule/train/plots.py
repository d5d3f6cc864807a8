"""Pictures of a training run, drawn with matplotlib (an optional extra: ``pip install
"chainrule[plot]"``): loss and accuracy per epoch, each layer's gradient norm, a confusion
matrix. Files are written atomically; the format comes from the suffix (.png, .svg, .pdf).
"""

from __future__ import annotations


import numpy as np

from chainrule.figures import (  # noqa: F401  (re-exported: the commands import them here)
    INSTALL_HINT, new_figure, picture_format, require_matplotlib, save_figure,
)
from chainrule.train.callbacks import Callback, gradient_norms
from chainrule.train.history import History



def plot_history(history, path, title=None, val_label="validation"):
    """Draw a run's loss and accuracy per epoch (training and, when measured, validation) and,
    when :class:`GradientNorms` ran, each layer's gradient norm per epoch on a log scale.

    Args:
        history: the :class:`History` that ``fit`` returned (or a dict of lists).
        path: the picture's file; ``.png``, ``.svg`` or ``.pdf``.
        title: a line above the panels.
        val_label: the legend of the ``val_*`` curves.

    Raises:
        ImportError: matplotlib is not installed.
        ValueError: an empty history, or another suffix.

    Example:
        >>> import os, tempfile
        >>> from chainrule.train import History, plot_history
        >>> history = History({"epoch": [1, 2], "train_loss": [0.9, 0.4],
        ...                    "train_accuracy": [0.7, 0.9]})
        >>> path = os.path.join(tempfile.mkdtemp(), "curves.png")
        >>> plot_history(history, path)
        >>> os.path.getsize(path) > 0
        True
    """
    history = history if isinstance(history, History) else History(history)
    if not len(history):
        raise ValueError("plot_history: the history has no epoch to draw")
    norms = gradient_norms(history)
    panels = 3 if norms else 2
    figure = new_figure(width=4.2 * panels, height=3.4)
    axes = figure.subplots(1, panels)
    for ax, metric in zip(axes, ("loss", "accuracy")):
        _draw_metric(ax, history, metric, {"train_": "training", "val_": val_label})
    if norms:
        _draw_norms_per_epoch(axes[2], history["epoch"], norms)
    if title:
        figure.suptitle(title)
    save_figure(figure, path)


def plot_gradient_norms(histories, path, title=None):
    """Draw the gradient norm of each layer, layer by layer, side by side for several runs:
    one panel per run, the layers on the x axis (1 is next to the input), one line per
    epoch, the norms on a log scale shared by all panels.

    Args:
        histories: ``{name: History}``, each filled by :class:`GradientNorms`.
        path: the picture's file; ``.png``, ``.svg`` or ``.pdf``.
        title: a line above the panels.

    Raises:
        ImportError: matplotlib is not installed.
        ValueError: a history without gradient norms, or another suffix.

    Example:
        >>> import os, tempfile
        >>> from chainrule.train import History, plot_gradient_norms
        >>> runs = {"sigmoid": History({"epoch": [1], "grad_norm/0": [1e-4], "grad_norm/2": [0.1]}),
        ...         "relu": History({"epoch": [1], "grad_norm/0": [0.2], "grad_norm/2": [0.3]})}
        >>> path = os.path.join(tempfile.mkdtemp(), "norms.png")
        >>> plot_gradient_norms(runs, path)
    """
    figure = new_figure(width=4.2 * len(histories), height=3.6)
    axes = np.atleast_1d(figure.subplots(1, len(histories), sharey=True))
    for ax, (name, history) in zip(axes, histories.items()):
        norms = gradient_norms(history)
        if not norms:
            raise ValueError(f"plot_gradient_norms: the run {name!r} has no gradient norms")
        _draw_norms_per_layer(ax, history["epoch"], norms)
        ax.set_title(name)
    axes[0].set_ylabel("‖∂loss/∂θ‖ of the layer (mean per batch)")
    if title:
        figure.suptitle(title)
    save_figure(figure, path)


def plot_confusion_matrix(matrix, path, labels=None, title=None):
    """Draw a confusion matrix: rows the true classes, columns the predicted ones, each cell
    with its count.

    Raises:
        ImportError: matplotlib is not installed.
        ValueError: another suffix.

    Example:
        >>> import os, tempfile
        >>> from chainrule.train import plot_confusion_matrix
        >>> path = os.path.join(tempfile.mkdtemp(), "confusion.png")
        >>> plot_confusion_matrix([[5, 1], [0, 4]], path, labels=["cat", "dog"])
    """
    matrix = np.asarray(matrix)
    labels = [str(label) for label in (range(len(matrix)) if labels is None else labels)]
    size = 1.2 + 0.45 * len(matrix)
    figure = new_figure(width=size + 1.0, height=size)
    ax = figure.subplots()
    ax.imshow(matrix, cmap="Blues")
    ticks = np.arange(len(matrix))
    ax.set_xticks(ticks, labels)
    ax.set_yticks(ticks, labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    dark = matrix > matrix.max() / 2
    for (row, column), count in np.ndenumerate(matrix):
        color = "white" if dark[row, column] else "black"
        ax.text(column, row, str(count), ha="center", va="center", color=color, fontsize=8)
    if title:
        ax.set_title(title)
    save_figure(figure, path)


class TrainingCurves(Callback):
    """Draw :func:`plot_history` of the epochs ``fit`` runs to ``path`` when training ends.

    Put it after :class:`GradientNorms` in the callbacks to draw the norms too.

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.train import TrainingCurves, fit
        >>> model = nn.Linear(2, 2)
        >>> batches = [(np.ones((4, 2), dtype=np.float32), np.array([0, 1, 0, 1]))]
        >>> path = os.path.join(tempfile.mkdtemp(), "curves.png")
        >>> _ = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
        ...         batches, epochs=3, callbacks=[TrainingCurves(path)])
        >>> os.path.exists(path)
        True
    """

    def __init__(self, path, title=None):
        require_matplotlib()  # refuse at once, not after the training
        self.path, self.title = path, title

    def on_train_begin(self, logs):
        self.history = History()

    def on_epoch_end(self, epoch, logs):
        self.history.append(logs)

    def on_train_end(self, logs):
        if len(self.history):
            plot_history(self.history, self.path, self.title)


def _draw_metric(ax, history, metric, labels):
    for prefix, style in (("train_", "-"), ("val_", "--")):
        key = prefix + metric
        if key in history and any(value is not None for value in history[key]):
            epochs, found = _measured(history["epoch"], history[key])
            ax.plot(epochs, found, style, marker="o", markersize=3, label=labels[prefix])
    _epoch_axis(ax)
    ax.set_ylabel(metric)
    ax.grid(alpha=0.3)
    if ax.lines:
        ax.legend()


def _draw_norms_per_epoch(ax, epochs, norms):
    colors = _shades(len(norms), "viridis")
    for number, (values, color) in enumerate(zip(norms.values(), colors), 1):
        ax.plot(
            *_measured(epochs, values),
            marker="o",
            markersize=3,
            color=color,
            label=f"layer {number}",
        )
    ax.set_yscale("log")
    _epoch_axis(ax)
    ax.set_ylabel("gradient norm (log scale)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, ncol=2 if len(norms) > 5 else 1)


def _draw_norms_per_layer(ax, epochs, norms):
    layers = np.arange(1, len(norms) + 1)
    table = np.array([[np.nan if v is None else v for v in values] for values in norms.values()])
    colors = _shades(len(epochs), "magma_r", low=0.25)
    for column, (epoch, color) in enumerate(zip(epochs, colors)):
        label = f"epoch {epoch}" if column in (0, len(epochs) - 1) else None
        ax.plot(layers, table[:, column], marker="o", markersize=3, color=color, label=label)
    ax.set_yscale("log")
    ax.set_xticks(layers)
    ax.set_xlabel("layer (1 = next to the input)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)


def _epoch_axis(ax):
    from matplotlib.ticker import MaxNLocator

    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _measured(epochs, values):
    pairs = [(e, v) for e, v in zip(epochs, values) if v is not None]
    return [e for e, _ in pairs], [v for _, v in pairs]


def _shades(count, name, low=0.0):
    from matplotlib import colormaps

    return colormaps[name](np.linspace(low, 0.9, max(count, 1)))


__all__ = [
    "plot_history",
    "plot_gradient_norms",
    "plot_confusion_matrix",
    "TrainingCurves",
    "require_matplotlib",
    "picture_format",
]
