"""Batches kept factored while the ops allow it: the identity seed, and rows times scale factors.

A whole Jacobian starts from the identity, and the ops that meet a batch first are mostly
products with local derivatives (elementwise) and with weight matrices. Kept factored, the
identity times a matrix is a scaling, not a matrix product over zeros, and a chain of scalings
is one pass over the rows instead of one per op; a matrix product takes the scale onto the
matrix. Whatever else meets a factored batch reads its ``data``: the rows multiplied out (once,
then kept), after which it is an ordinary batch.

The values agree with multiplying out step by step: exactly for the diagonal (zeros may differ
in sign), to rounding for the scale factors, which are kept only while finite and between 1e-150
and 1e150 in size, so that taking them together neither overflows nor underflows where steps
would not.
"""

from __future__ import annotations

import numpy as np

from chainrule.transforms.batch import Batch

# NumPy scalars, not Python floats: compared with float32 factors they promote instead of
# overflowing in a cast to float32.
_LARGEST = np.float64(1e150)
_SMALLEST = np.float64(1e-150)


class Diagonal(Batch):
    """n rows of a shape with n entries, row i being ``diagonal[i]`` at entry i and 0 elsewhere."""

    __slots__ = ("diagonal", "_shape", "_dense")

    def __init__(self, diagonal, shape):
        self.diagonal, self._shape, self._dense = diagonal, tuple(shape), None

    @property
    def data(self):
        if self._dense is None:
            n = len(self.diagonal)
            dense = np.zeros((n, n), dtype=self.diagonal.dtype)
            np.fill_diagonal(dense, self.diagonal)
            self._dense = dense.reshape((n,) + self._shape)
        return self._dense

    @data.setter
    def data(self, value):
        self._dense = value

    shape = property(lambda self: self._shape if self._dense is None else self._dense.shape[1:])
    dtype = property(lambda self: self.diagonal.dtype if self._dense is None else self._dense.dtype)
    ndim = property(lambda self: len(self.shape))
    count = property(lambda self: len(self.diagonal))


class Scaled(Batch):
    """Rows ``base[i] * scale``: a batch times factors that are the same for every row."""

    __slots__ = ("base", "scale", "_dense")

    def __init__(self, base, scale):
        self.base, self.scale, self._dense = base, scale, None

    @property
    def data(self):
        if self._dense is None:
            self._dense = self.base * self.scale
        return self._dense

    @data.setter
    def data(self, value):
        self._dense = value

    shape = property(
        lambda self: self.scale.shape if self._dense is None else self._dense.shape[1:]
    )
    dtype = property(
        lambda self: (
            np.result_type(self.base, self.scale) if self._dense is None else self._dense.dtype
        )
    )
    ndim = property(lambda self: len(self.shape))
    count = property(lambda self: len(self.base))


def is_diagonal(value):
    """Whether ``value`` is a diagonal batch not yet multiplied out."""
    return isinstance(value, Diagonal) and value._dense is None


def is_scaled(value):
    """Whether ``value`` is a scaled batch not yet multiplied out."""
    return isinstance(value, Scaled) and value._dense is None


def _moderate(factor):
    """Whether every factor is finite and 0 or of a size between 1e-150 and 1e150."""
    size = np.abs(factor)
    return bool(np.all((size <= _LARGEST) & ((size >= _SMALLEST) | (size == 0))))


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
    if isinstance(factor, Batch) or not np.all(np.isfinite(factor)):
        return None
    if isinstance(factor, (int, float, complex)):
        # A Python number is weak in NumPy: the rows keep their dtype, so must the factor.
        factor = np.asarray(factor, dtype=np.result_type(batch.dtype, factor))
    elif getattr(factor, "dtype", None) == np.bool_:
        # A mask (relu's x > 0) scales like 0/1 numbers: kept boolean, two scales would add as
        # True + True = True at a fan-out instead of 2.
        factor = np.asarray(factor).astype(batch.dtype)
    try:
        full = np.broadcast_to(factor, batch.shape)
    except ValueError:
        return None
    if is_diagonal(batch):
        return Diagonal(batch.diagonal * full.reshape(-1), batch.shape)
    if is_scaled(batch):
        return _rescaled(batch.base, batch.scale * full)
    if isinstance(batch, (Diagonal, Scaled)) or type(batch) is Batch:
        return _rescaled(batch.data, full)
    return None


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
    if is_diagonal(x) and np.all(np.isfinite(y)):
        rows = x.diagonal[:, None] * y
        return Batch(rows.reshape((x.count,) + x_shape[:-1] + y_shape[1:]))
    if is_scaled(x):
        scaled_y = x.scale.reshape(-1)[:, None] * y
        rows = _blas_ready(x.base.reshape(x.count, -1)) @ scaled_y
        return Batch(rows.reshape((x.count,) + x_shape[:-1] + y_shape[1:]))
    return None


def _matrix_times_rows(x, y):
    if is_diagonal(y) and np.all(np.isfinite(x)):
        return Batch(np.transpose(x) * y.diagonal[:, None])
    if is_scaled(y):
        return Batch(_blas_ready(y.base) @ np.transpose(x * y.scale))
    return None


def _blas_ready(rows):
    # Rows that are a transposed view (a batch built column-wise) make matmul skip BLAS and
    # run about 15 times slower at 200 × 200; one contiguous copy costs far less.
    return rows if rows.flags.c_contiguous else np.ascontiguousarray(rows)


def reshape(a, shape):
    """``a`` in another row shape (C order), still factored; None when it is not factored."""
    if is_diagonal(a):
        return Diagonal(a.diagonal, shape)
    if is_scaled(a):
        return Scaled(a.base.reshape((a.count,) + shape), a.scale.reshape(shape))
    return None


__all__ = ["Diagonal", "Scaled", "is_diagonal", "is_scaled", "elementwise", "matmul", "reshape"]
