"""``np.r_`` and ``np.c_`` that read tensors: NumPy's index tricks build plain arrays, so here
pieces that hold tensors are joined with chainrule's concatenate (differentiable); without a
tensor they are NumPy's own."""

from __future__ import annotations

import numpy as np

from chainrule.ops import joining, shape
from chainrule.ops.creation import asarray
from chainrule.tensor import holds_tensor, is_tensor


class Concatenator:
    """Pieces joined along ``axis``, each first given at least ``ndmin`` axes; a 1-d piece
    becomes a column when ``column`` (as ``np.c_`` does), numbers become 1-element pieces and
    slices ranges (``np.r_[0:3]``, ``np.r_[0:1:5j]``)."""

    def __init__(self, name, numpy_version, axis, ndmin, column):
        self.name = name
        self.numpy_version = numpy_version
        self.axis = axis
        self.ndmin = ndmin
        self.column = column

    def __getitem__(self, key):
        items = key if isinstance(key, tuple) else (key,)
        if not any(is_tensor(item) or holds_tensor(item) for item in items):
            return self.numpy_version[key]
        if any(isinstance(item, str) for item in items):
            raise TypeError(
                f"{self.name}: directive strings ('r', 'c', '0,2') are not read when the pieces "
                "hold tensors; join them with cr.concatenate, cr.stack or cr.vstack"
            )
        return joining.concatenate([self._piece(item) for item in items], axis=self.axis)

    def _piece(self, item):
        piece = np.r_[item] if isinstance(item, slice) else asarray(item)
        piece_shape = shape.shape_of(piece)
        if len(piece_shape) == 0:
            return shape.reshape(piece, (1,) * self.ndmin)
        if len(piece_shape) == 1 and self.ndmin == 2:
            return shape.reshape(piece, (-1, 1) if self.column else (1, -1))
        return piece


r_ = Concatenator("r_", np.r_, axis=0, ndmin=1, column=False)
c_ = Concatenator("c_", np.c_, axis=-1, ndmin=2, column=True)

__all__ = ["c_", "r_"]
