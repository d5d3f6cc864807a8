"""Metrics measured while training: accuracy, and running means over the batches of an epoch."""

from __future__ import annotations

import numpy as np

from chainrule.tensor import is_tensor


def values(x):
    """The NumPy values of a tensor (without its graph) or of an array-like."""
    # The tensor's own array, read without making a detached tensor first: this runs for the
    # output and the target of every training step.
    return np.asarray(x._data) if is_tensor(x) else np.asarray(x)


def correct_count(output, target):
    """(number of correct predictions, number of predictions) for class scores and targets.

    The predicted class is the one with the highest score on the last axis. Targets are class
    labels (one axis fewer than the scores) or class probabilities / one-hot rows (the scores'
    shape), whose largest entry is the class.

    Raises:
        ValueError: shapes that are neither of those.
    """
    scores, target = values(output), values(target)
    if scores.ndim == target.ndim + 1 and scores.shape[:-1] == target.shape:
        labels = target
    elif scores.shape == target.shape and scores.ndim >= 1 and scores.shape[-1] > 1:
        labels = target.argmax(axis=-1)
    else:
        raise ValueError(
            f"accuracy needs class scores of shape (N, classes) with labels of shape (N,) (or "
            f"one-hot targets of the scores' shape), got scores {scores.shape} and targets "
            f"{target.shape}; measure only the loss with metrics=('loss',)"
        )
    predicted = scores.argmax(axis=-1) if scores.size else np.zeros(labels.shape, dtype=int)
    return int(np.count_nonzero(predicted == labels)), int(labels.size)


def accuracy(output, target):
    """The fraction of predictions whose highest-scoring class is the target class.

    Args:
        output: class scores (logits or probabilities), shape (N, classes).
        target: class labels, shape (N,), or one-hot / probability rows, shape (N, classes).

    Returns:
        A float in [0, 1] (nan when there are no predictions).

    Example:
        >>> import numpy as np
        >>> from chainrule.train import accuracy
        >>> accuracy(np.array([[2.0, 1.0], [0.0, 3.0], [5.0, 4.0]]), np.array([0, 1, 1]))
        0.6666666666666666
    """
    correct, count = correct_count(output, target)
    return correct / count if count else float("nan")


def confusion_matrix(target, predicted, classes=None):
    """Counts ``matrix[i, j]`` of the examples of class i that were predicted as class j.

    Args:
        target: the true class labels, ints of shape (N,).
        predicted: the predicted labels, the same shape.
        classes: the number of classes (default: one more than the largest label).

    Returns:
        An int64 array of shape (classes, classes); its diagonal holds the correct ones.

    Raises:
        ValueError: shapes that differ, or a label outside ``range(classes)``.

    Example:
        >>> from chainrule.train import confusion_matrix
        >>> confusion_matrix([0, 0, 1, 2], [0, 1, 1, 2])
        array([[1, 1, 0],
               [0, 1, 0],
               [0, 0, 1]])
    """
    target, predicted = np.asarray(target).ravel(), np.asarray(predicted).ravel()
    if target.shape != predicted.shape:
        raise ValueError(
            f"confusion_matrix: {target.size} labels but {predicted.size} predictions"
        )
    largest = int(max(target.max(initial=-1), predicted.max(initial=-1)))
    classes = largest + 1 if classes is None else classes
    if largest >= classes or min(target.min(initial=0), predicted.min(initial=0)) < 0:
        raise ValueError(f"confusion_matrix: labels must be in range({classes})")
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (target.astype(np.int64), predicted.astype(np.int64)), 1)
    return matrix


class RunningMeans:
    """Weighted means of the metrics over an epoch's batches (a batch weighs its size)."""

    def __init__(self, metrics):
        self.metrics = metrics
        self.totals = dict.fromkeys(metrics, 0.0)
        self.counts = dict.fromkeys(metrics, 0)

    def update(self, output, target, loss):
        """Add one batch; ``loss`` is its mean loss (a float), weighed by its example count.

        Returns the batch's example count (the length of the target's first axis).
        """
        target_values = values(target)
        size = len(target_values) if target_values.ndim else 1
        for name, metric in self.metrics.items():
            if name == "loss":
                total, count = loss * size, size
            elif name == "accuracy":
                total, count = correct_count(output, target_values)
            else:
                total, count = float(metric(output, target)) * size, size
            self.totals[name] += total
            self.counts[name] += count
        return size

    def means(self):
        """``{name: mean}`` for every metric (nan for an epoch without examples)."""
        return {
            name: self.totals[name] / self.counts[name] if self.counts[name] else float("nan")
            for name in self.metrics
        }


def named_metrics(metrics):
    """``{"loss": None, "accuracy": None, name: fn, ...}`` from names and callables; the loss
    is always measured."""
    named = {"loss": None}
    for metric in metrics:
        if metric in ("loss", "accuracy"):
            named[metric] = None
        elif callable(metric):
            named[getattr(metric, "__name__", type(metric).__name__)] = metric
        else:
            raise ValueError(
                f"unknown metric {metric!r}: use 'loss', 'accuracy' or a function "
                "metric(output, target) -> float"
            )
    return named


__all__ = ["accuracy", "confusion_matrix"]
