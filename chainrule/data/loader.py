"""DataLoader: a dataset in batches of tensors, in order or shuffled reproducibly per epoch."""

from __future__ import annotations

import operator

import numpy as np

from chainrule.data.dataset import array_rows
from chainrule.tensor import wrap


class DataLoader:
    """Iterate over a dataset in batches; each batch is a tuple of tensors, one per field.

    Each pass (epoch) over the loader visits every example once. With ``shuffle=True`` the
    order of epoch ``e`` comes from ``seed`` and ``e`` together: the same seed gives the same
    sequence of epochs in every run, and each epoch a different order. A ``generator`` (a
    ``numpy.random.Generator``) is used as it is instead, its state advancing from epoch to
    epoch. With neither, the order is unpredictable.

    ArrayDatasets (and subsets of them) are batched by indexing every array with all the rows of
    a batch at once; other datasets by fetching examples one by one and stacking each field.
    Batches are new arrays (never views of the dataset) and do not require grad.

    Args:
        dataset: a :class:`~chainrule.data.Dataset`, or anything with ``__len__`` and
            ``__getitem__`` whose examples are tuples of array-likes or single array-likes.
        batch_size: examples per batch (the last one may be smaller).
        shuffle: visit the examples in a new random order each epoch.
        drop_last: skip the last batch when it is smaller than ``batch_size``.
        seed: a non-negative int that fixes the shuffling.
        generator: a ``numpy.random.Generator`` to draw the orders from instead of ``seed``.

    Attributes:
        epoch: the number of passes started so far; it picks the next pass's order when a seed
            is given, and may be set (e.g. to resume training).

    Raises:
        ValueError: a batch size that is not a positive int, or both ``seed`` and ``generator``.

    Example:
        >>> import numpy as np
        >>> from chainrule.data import ArrayDataset, DataLoader
        >>> data = ArrayDataset(np.arange(10.0).reshape(5, 2), np.arange(5))
        >>> loader = DataLoader(data, batch_size=2)
        >>> len(loader)
        3
        >>> x, y = next(iter(loader))
        >>> x
        tensor([[0., 1.],
                [2., 3.]])
        >>> y
        tensor([0, 1])
    """

    def __init__(
        self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=None, generator=None
    ):
        self.dataset = dataset
        self.batch_size = _check_batch_size(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        if seed is not None and generator is not None:
            raise ValueError("DataLoader: pass a seed or a generator, not both")
        if seed is not None and not (isinstance(seed, (int, np.integer)) and seed >= 0):
            raise ValueError(f"DataLoader: seed must be a non-negative int, got {seed!r}")
        self.seed = seed
        self.generator = generator
        self.epoch = 0
        self._fresh_rng = np.random.default_rng() if seed is None and generator is None else None

    def __len__(self):
        full, rest = divmod(len(self.dataset), self.batch_size)
        return full + (1 if rest and not self.drop_last else 0)

    def __iter__(self):
        order = self._next_order()
        return self._batches(order)

    def __repr__(self):
        return (
            f"DataLoader({self.dataset!r}, batch_size={self.batch_size}, shuffle={self.shuffle}, "
            f"drop_last={self.drop_last})"
        )

    def _next_order(self):
        # The order is drawn when iteration starts, so that each pass counts as one epoch.
        epoch, self.epoch = self.epoch, self.epoch + 1
        if not self.shuffle:
            return None
        size = len(self.dataset)
        if self.seed is not None:
            return np.random.default_rng([self.seed, epoch]).permutation(size)
        return (self.generator or self._fresh_rng).permutation(size)

    def _batches(self, order):
        size = len(self.dataset)
        stop = size - size % self.batch_size if self.drop_last else size
        source = array_rows(self.dataset)
        for start in range(0, stop, self.batch_size):
            end = min(start + self.batch_size, stop)
            rows = slice(start, end) if order is None else order[start:end]
            if source is not None:
                yield _index_rows(*source, rows)
            else:
                picks = range(start, end) if order is None else rows
                yield _stack_examples([self.dataset[int(i)] for i in picks])


def _check_batch_size(batch_size):
    try:
        size = operator.index(batch_size)
    except TypeError:
        size = 0
    if size < 1:
        raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
    return size


def _index_rows(arrays, dataset_rows, rows):
    if dataset_rows is not None:
        rows = dataset_rows[rows]
    # A slice gives a view: copy it, so that changing a batch in place never changes the data.
    if isinstance(rows, slice):
        return tuple(wrap(array[rows].copy()) for array in arrays)
    return tuple(wrap(array[rows]) for array in arrays)


def _stack_examples(examples):
    fields = [example if isinstance(example, (tuple, list)) else (example,) for example in examples]
    width = len(fields[0])
    if any(len(example) != width for example in fields):
        raise ValueError(
            f"DataLoader: every example must have the same number of fields; the first has "
            f"{width}, others have {sorted({len(example) for example in fields})}"
        )
    return tuple(_stack_field(column, position) for position, column in enumerate(zip(*fields)))


def _stack_field(values, position):
    try:
        batch = np.stack([np.asarray(getattr(value, "_data", value)) for value in values])
    except ValueError as exc:
        raise ValueError(
            f"DataLoader: field {position} of the examples cannot be stacked into one batch "
            f"({exc}); every example's field {position} must have the same shape"
        ) from exc
    if batch.dtype.kind not in "biufc":
        raise TypeError(
            f"DataLoader: field {position} of the examples has dtype {batch.dtype}; batches "
            "hold numbers (bool, int, float or complex)"
        )
    return wrap(batch)


__all__ = ["DataLoader"]
