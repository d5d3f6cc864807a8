"""Splitting data into parts at random, reproducibly: datasets into subsets (random_split) and
arrays into train and test rows (train_test_split, optionally keeping class proportions).
"""

from __future__ import annotations

import math
import operator

import numpy as np

from chainrule.data.dataset import Subset


def random_split(dataset, lengths, seed=0):
    """Split a dataset into non-overlapping random subsets of the given sizes.

    Args:
        dataset: any dataset (``__len__`` and ``__getitem__``).
        lengths: the sizes of the parts: ints that add up to ``len(dataset)``, or fractions
            that add up to 1 (each part then gets ``floor(fraction * n)`` examples, and the
            examples left over go one each to the parts with the largest remainders).
        seed: a non-negative int fixing which examples go where; None for a fresh random split.

    Returns:
        A list of :class:`~chainrule.data.Subset`, one per length. Subsets of an ArrayDataset
        keep the DataLoader's fast batching.

    Raises:
        ValueError: sizes that are negative or do not add up.

    Example:
        >>> import numpy as np
        >>> from chainrule.data import ArrayDataset, random_split
        >>> train, valid = random_split(ArrayDataset(np.arange(10)), [0.8, 0.2], seed=0)
        >>> len(train), len(valid)
        (8, 2)
    """
    size = len(dataset)
    counts = _part_sizes(size, list(lengths))
    order = np.random.default_rng(seed).permutation(size)
    bounds = np.cumsum([0, *counts])
    return [Subset(dataset, order[start:stop]) for start, stop in zip(bounds[:-1], bounds[1:])]


def train_test_split(*arrays, test_size=0.2, seed=0, shuffle=True, stratify=None):
    """Split arrays into random train and test rows: ``x_train, x_test, y_train, y_test, ...``.

    The same rows go to the test part of every array. Pass the class labels as ``stratify`` to
    give the test part (as nearly as whole rows allow) the class proportions of the whole.

    Args:
        *arrays: arrays (or tensors, or lists) with the same first dimension.
        test_size: the fraction of rows to test on (rounded up), or a number of rows.
        seed: a non-negative int fixing the split; None for a fresh random split.
        shuffle: when False, the test rows are the last ones, in order (no randomness).
        stratify: labels, one per row, whose proportions the test part keeps.

    Returns:
        A list of NumPy arrays, two per input array: its train rows, then its test rows.

    Raises:
        ValueError: no arrays, different first dimensions, a test size that leaves the train
            or the test part empty, or ``stratify`` without ``shuffle``.

    Example:
        >>> import numpy as np
        >>> from chainrule.data import train_test_split
        >>> x, y = np.arange(20).reshape(10, 2), np.arange(10) % 2
        >>> x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3)
        >>> x_train.shape, x_test.shape, y_test.shape
        ((7, 2), (3, 2), (3,))
    """
    arrays = [np.asarray(getattr(array, "_data", array)) for array in arrays]
    size = _common_length(arrays)
    test_count = _test_count(test_size, size)
    if not shuffle:
        if stratify is not None:
            raise ValueError("train_test_split: stratify needs shuffle=True")
        train_rows, test_rows = np.arange(size - test_count), np.arange(size - test_count, size)
    else:
        rng = np.random.default_rng(seed)
        if stratify is None:
            order = rng.permutation(size)
            train_rows, test_rows = order[test_count:], order[:test_count]
        else:
            train_rows, test_rows = _stratified_rows(stratify, size, test_count, rng)
    return [part for array in arrays for part in (array[train_rows], array[test_rows])]


def _part_sizes(size, lengths):
    if lengths and all(isinstance(length, float) for length in lengths):
        if min(lengths) < 0 or not math.isclose(sum(lengths), 1.0, abs_tol=1e-6):
            raise ValueError(f"random_split: fractions must be >= 0 and add up to 1, got {lengths}")
        return _allocate(size, np.asarray(lengths))
    try:
        counts = [operator.index(length) for length in lengths]
    except TypeError:
        counts = None
    if counts is None or min(counts, default=0) < 0 or sum(counts) != size:
        raise ValueError(
            f"random_split: lengths must be non-negative ints adding up to the dataset's size "
            f"({size}) or fractions adding up to 1, got {lengths}"
        )
    return counts


def _allocate(total, weights):
    # Largest remainder: floor every share, then give the rows left over to the largest
    # remainders (the first part wins ties), so the counts always add up to the total.
    shares = total * weights / weights.sum()
    counts = np.floor(shares).astype(np.int64)
    leftover = total - int(counts.sum())
    counts[np.argsort(counts - shares, kind="stable")[:leftover]] += 1
    return counts.tolist()


def _common_length(arrays):
    if not arrays:
        raise ValueError("train_test_split needs at least one array, e.g. train_test_split(x, y)")
    if any(array.ndim == 0 for array in arrays):
        raise ValueError("train_test_split: every array needs one row per example (not 0-d)")
    lengths = {len(array) for array in arrays}
    if len(lengths) > 1:
        shapes = ", ".join(str(array.shape) for array in arrays)
        raise ValueError(f"train_test_split: arrays must have the same first dimension: {shapes}")
    return lengths.pop()


def _test_count(test_size, size):
    if isinstance(test_size, float):
        count = math.ceil(test_size * size) if 0.0 < test_size < 1.0 else -1
    else:
        try:
            count = operator.index(test_size)
        except TypeError:
            count = -1
    if not 0 < count < size:
        raise ValueError(
            f"train_test_split: test_size={test_size!r} must leave both parts non-empty for "
            f"{size} rows: a fraction in (0, 1) or a count in [1, {size - 1}]"
        )
    return count


def _stratified_rows(labels, size, test_count, rng):
    labels = np.asarray(getattr(labels, "_data", labels))
    if labels.shape != (size,):
        raise ValueError(
            f"train_test_split: stratify needs one label per row, shape ({size},), got "
            f"{labels.shape}"
        )
    _, inverse, class_sizes = np.unique(labels, return_inverse=True, return_counts=True)
    test_per_class = _allocate(test_count, class_sizes.astype(np.float64))
    train_rows, test_rows = [], []
    for label, test_in_class in enumerate(test_per_class):
        rows = rng.permutation(np.flatnonzero(inverse == label))
        test_rows.append(rows[:test_in_class])
        train_rows.append(rows[test_in_class:])
    return rng.permutation(np.concatenate(train_rows)), rng.permutation(np.concatenate(test_rows))


__all__ = ["random_split", "train_test_split"]
