"""Batches kept factored while the ops allow it: the identity seed, and rows times scale factors.

A whole Jacobian starts from the identity, and the ops that meet a batch first are mostly
products with local derivatives (elementwise) and with weight matrices. Kept factored, the
identity times a matrix is a scaling (the matrix itself, uncopied), not a matrix product over
zeros, and a chain of scalings is one pass over the rows instead of one per op; a matrix
product takes the scale onto the matrix. Whatever else meets a factored batch reads its
``data``: the rows multiplied out (once, then kept), after which it is an ordinary batch.

The values agree with multiplying out step by step: exactly for the diagonal (zeros may differ
in sign), to rounding for the scale factors, which are kept only while finite and between 1e-150
and 1e150 in size, so that taking them together neither overflows nor underflows where steps
would not.
"""

from __future__ import annotations

import numpy as np

from chainrule.transforms.batching.batch import Batch

# NumPy scalars, not Python floats: compared with float32 factors they promote instead of
# overflowing in a cast to float32.
_LARGEST = np.float64(1e150)
_SMALLEST = np.float64(1e-150)


class _Factored(Batch):
    """A batch kept as factors: its rows (``data``) are multiplied out on first use and kept."""

    __slots__ = ("_dense",)

    @property
    def data(self):
        if self._dense is None:
            self._dense = self.multiplied_out()
        return self._dense

    @data.setter
    def data(self, value):
        self._dense = value

    ndim = property(lambda self: len(self.shape))


class Diagonal(_Factored):
    """n rows of a shape with n entries, row i being ``diagonal[i]`` at entry i and 0 elsewhere."""

    __slots__ = ("diagonal", "_shape")

    def __init__(self, diagonal, shape):
        self.diagonal, self._shape, self._dense = diagonal, tuple(shape), None

    def multiplied_out(self):
        """The rows as a new array (not kept)."""
        n = len(self.diagonal)
        dense = np.zeros((n, n), dtype=self.diagonal.dtype)
        np.fill_diagonal(dense, self.diagonal)
        return dense.reshape((n,) + self._shape)

    shape = property(lambda self: self._shape if self._dense is None else self._dense.shape[1:])
    dtype = property(lambda self: self.diagonal.dtype if self._dense is None else self._dense.dtype)
    count = property(lambda self: len(self.diagonal))


class Scaled(_Factored):
    """Rows ``base[i] * scale``: a batch times factors that are the same for every row."""

    __slots__ = ("base", "scale")

    def __init__(self, base, scale):
        self.base, self.scale, self._dense = base, scale, None

    def multiplied_out(self):
        """The rows as a new array (not kept)."""
        return self.base * self.scale

    shape = property(
        lambda self: self.scale.shape if self._dense is None else self._dense.shape[1:]
    )
    dtype = property(
        lambda self: (
            np.result_type(self.base, self.scale) if self._dense is None else self._dense.dtype
        )
    )
    count = property(lambda self: len(self.base))


def is_diagonal(value):
    """Whether ``value`` is a diagonal batch not yet multiplied out."""
    return isinstance(value, Diagonal) and value._dense is None


def is_scaled(value):
    """Whether ``value`` is a scaled batch not yet multiplied out."""
    return isinstance(value, Scaled) and value._dense is None


def own_rows(batch):
    """The rows of ``batch`` in a new array that nothing else holds: a factored batch is
    multiplied out afresh (its own ``data`` may be shared), any other one copied."""
    if is_diagonal(batch) or is_scaled(batch):
        return batch.multiplied_out()
    return np.array(batch.data)


def _moderate(factor):
    """Whether every factor is finite and 0 or of a size between 1e-150 and 1e150."""
    size = np.abs(factor)
    if not size.size:
        return True
    smallest, largest = size.min(), size.max()  # NaN in either: every test below is False
    if smallest >= _SMALLEST and largest <= _LARGEST:
        return True
    return bool(largest <= _LARGEST and ((size >= _SMALLEST) | (size == 0)).all())


def elementwise(ufunc, inputs):
    """The result kept factored when it can be (a scaling or a sum of scalings), else None."""
    if ufunc is np.negative and is_scaled(inputs[0]):
        return Scaled(inputs[0].base, -inputs[0].scale)
    if len(inputs) != 2:
        return None
    x, y = inputs
    if ufunc is np.multiply:
        return _product(x, y) if isinstance(x, Batch) else _product(y, x)
    if ufunc in (np.add, np.subtract) and is_scaled(x) and is_scaled(y) and x.base is y.base:
        return _rescaled(x.base, ufunc(x.scale, y.scale))
    return None


def _product(batch, factor):
    if isinstance(factor, Batch):
        return None
    factor = _as_factor(factor, batch.dtype)
    if factor is None:
        return None
    if factor.shape != batch.shape:
        try:
            factor = np.broadcast_to(factor, batch.shape)
        except ValueError:
            return None
    if is_scaled(batch):  # _moderate turns away what is not finite
        return _rescaled(batch.base, batch.scale * factor)
    if is_diagonal(batch):
        if not np.isfinite(factor).all():
            return None
        return Diagonal(batch.diagonal * factor.reshape(-1), batch.shape)
    if isinstance(batch, _Factored) or type(batch) is Batch:
        return _rescaled(batch.data, factor)
    return None


def _as_factor(factor, dtype):
    """``factor`` as an array of numbers that scale rows of ``dtype``; None if it is none."""
    if isinstance(factor, (int, float, complex)):
        # A Python number is weak in NumPy: the rows keep their dtype, so must the factor.
        return np.asarray(factor, dtype=np.result_type(dtype, factor))
    factor = np.asarray(factor)
    if factor.dtype == np.bool_:
        # A mask (relu's x > 0) scales like 0/1 numbers: kept boolean, two scales would add as
        # True + True = True at a fan-out instead of 2.
        return factor.astype(dtype)
    return factor if factor.dtype.kind in "iufc" else None


def _rescaled(base, scale):
    return Scaled(base, scale) if _moderate(scale) else None


def matmul(x, y, x_shape, y_shape):
    """x @ y kept cheap when one side is factored and the other a plain matrix; else None."""
    if isinstance(y, Batch) or len(y_shape) != 2:
        if isinstance(x, Batch) or len(x_shape) != 2 or len(y_shape) != 1:
            return None
        return _matrix_times_rows(x, y)
    # Rows of shape (m,) or (1, m): one factor per entry of the contracted axis.
    if len(x_shape) > 2 or x_shape[:-1] not in ((), (1,)):
        return None
    if is_diagonal(x) and np.isfinite(y).all():
        rows = _diagonal_times(x.diagonal, y)
        return Batch(rows.reshape((x.count,) + x_shape[:-1] + y_shape[1:]))
    if is_scaled(x):
        scaled_y = x.scale.reshape(-1)[:, None] * y
        rows = _blas_ready(x.base.reshape(x.count, -1)) @ scaled_y
        return Batch(rows.reshape((x.count,) + x_shape[:-1] + y_shape[1:]))
    return None


def _matrix_times_rows(x, y):
    if is_diagonal(y) and np.isfinite(x).all():
        return Batch(_diagonal_times(y.diagonal, np.transpose(x)))
    if is_scaled(y):
        return Batch(_blas_ready(y.base) @ np.transpose(x * y.scale))
    return None


def _diagonal_times(diagonal, matrix):
    """diag(diagonal) @ matrix; under the identity the matrix itself, not a copy (the rows of
    a batch are never written in place, see :class:`Batch`)."""
    if isinstance(matrix, np.ndarray) and matrix.dtype == diagonal.dtype and (diagonal == 1).all():
        return matrix
    return diagonal[:, None] * matrix


def _blas_ready(rows):
    # NumPy's matmul hands a matrix to BLAS when one of its axes has unit stride (C or F order,
    # a transposed view included); rows without one are copied once rather than risk its
    # much slower loop.
    if rows.flags.c_contiguous or rows.flags.f_contiguous:
        return rows
    return np.ascontiguousarray(rows)


def reshape(a, shape):
    """``a`` in another row shape (C order), still factored; None when it is not factored."""
    if is_diagonal(a):
        return Diagonal(a.diagonal, shape)
    if is_scaled(a):
        return Scaled(a.base.reshape((a.count,) + shape), a.scale.reshape(shape))
    return None


__all__ = [
    "Diagonal",
    "Scaled",
    "is_diagonal",
    "is_scaled",
    "own_rows",
    "elementwise",
    "matmul",
    "reshape",
]
