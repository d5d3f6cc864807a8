"""Datasets: anything with a length and numbered examples, arrays sliced along their first axis,
and subsets that pick examples from another dataset by index.
"""

from __future__ import annotations

import numpy as np


class Dataset:
    """A sequence of examples: subclasses define ``__len__`` and ``__getitem__(i)``.

    An example is a tuple of array-likes (inputs, target, ...), or one array-like; the
    :class:`~chainrule.data.DataLoader` stacks examples field by field into batches.

    Example:
        >>> from chainrule.data import Dataset
        >>> class Squares(Dataset):
        ...     def __len__(self):
        ...         return 4
        ...     def __getitem__(self, i):
        ...         return (float(i), float(i * i))
        >>> Squares()[3]
        (3.0, 9.0)
    """

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")


class ArrayDataset(Dataset):
    """Examples are rows: example ``i`` is ``(arrays[0][i], arrays[1][i], ...)``.

    The arrays are kept as they are (no copy when they already are ndarrays); tensors and
    nested lists are converted to ndarrays. A DataLoader batches an ArrayDataset by indexing
    all rows of a batch at once, with no Python loop over examples.

    Args:
        *arrays: one or more arrays with the same length along the first axis.

    Raises:
        ValueError: no arrays, a 0-d array, or first dimensions that differ.
        TypeError: an array that does not hold numbers.

    Example:
        >>> import numpy as np
        >>> from chainrule.data import ArrayDataset
        >>> data = ArrayDataset(np.zeros((5, 2)), np.arange(5))
        >>> len(data), data[4]
        (5, (array([0., 0.]), np.int64(4)))
    """

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("ArrayDataset needs at least one array, e.g. ArrayDataset(x, y)")
        self.arrays = tuple(_as_rows(array, position) for position, array in enumerate(arrays))
        lengths = [len(array) for array in self.arrays]
        if len(set(lengths)) > 1:
            shapes = ", ".join(str(array.shape) for array in self.arrays)
            raise ValueError(
                f"ArrayDataset: all arrays must have the same first dimension (one row per "
                f"example), got shapes {shapes}"
            )

    def __len__(self):
        return len(self.arrays[0])

    def __getitem__(self, index):
        return tuple(array[index] for array in self.arrays)

    def __repr__(self):
        shapes = ", ".join(f"{array.dtype}{list(array.shape)}" for array in self.arrays)
        return f"ArrayDataset({shapes})"


class Subset(Dataset):
    """The examples of ``dataset`` at ``indices``, in that order.

    Example:
        >>> import numpy as np
        >>> from chainrule.data import ArrayDataset, Subset
        >>> part = Subset(ArrayDataset(np.arange(10) * 10), [7, 2])
        >>> len(part), part[0]
        (2, (np.int64(70),))
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        indices = np.asarray(indices, dtype=np.int64).reshape(-1)
        size = len(dataset)
        if indices.size and not (-size <= indices.min() and indices.max() < size):
            raise IndexError(f"Subset: indices must lie in [0, {size}) for a dataset of {size}")
        self.indices = np.where(indices < 0, indices + size, indices)

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, index):
        return self.dataset[int(self.indices[index])]

    def __repr__(self):
        return f"Subset({len(self)} of {self.dataset!r})"


def array_rows(dataset):
    """``(arrays, rows)`` when the examples of ``dataset`` are rows of arrays, else None.

    ``rows`` (None for all rows, in order) says which rows of ``arrays`` the dataset's examples
    are, following subsets of subsets down to their ArrayDataset; this is what lets a
    DataLoader index whole batches at once.
    """
    if isinstance(dataset, ArrayDataset):
        return dataset.arrays, None
    if isinstance(dataset, Subset):
        inner = array_rows(dataset.dataset)
        if inner is not None:
            arrays, rows = inner
            return arrays, dataset.indices if rows is None else rows[dataset.indices]
    return None


def _as_rows(array, position):
    array = np.asarray(getattr(array, "_data", array))
    if array.ndim == 0:
        raise ValueError(
            f"ArrayDataset: array {position} is 0-d (a single number); each array needs one row "
            "per example along its first axis"
        )
    if array.dtype.kind not in "biufc":
        raise TypeError(
            f"ArrayDataset: array {position} has dtype {array.dtype}; it must hold numbers "
            "(bool, int, float or complex)"
        )
    return array


__all__ = ["ArrayDataset", "Dataset", "Subset", "array_rows"]
