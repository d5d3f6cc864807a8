"""Flatten: merges a range of axes into one (images to vectors before a Linear layer)."""

from __future__ import annotations

import math

import numpy as np

from chainrule.nn.module import Module
from chainrule.ops import shape
from chainrule.tensor import is_tensor


class Flatten(Module):
    """Merges axes ``start_dim`` … ``end_dim`` (inclusive) into one; by default all but the
    first (the batch axis): (N, C, H, W) → (N, C·H·W).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> nn.Flatten()(cr.tensor(np.zeros((2, 3, 4, 5)))).shape
        (2, 60)
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x):
        x = x if is_tensor(x) else np.asarray(x)
        ndim = max(x.ndim, 1)
        start, end = self.start_dim, self.end_dim
        if not (-ndim <= start < ndim and -ndim <= end < ndim):
            raise ValueError(
                f"Flatten(start_dim={start}, end_dim={end}) does not fit an input "
                f"of shape {tuple(x.shape)} ({x.ndim} axes)"
            )
        start, end = start % ndim, end % ndim
        if start > end:
            raise ValueError(
                f"Flatten: start_dim {self.start_dim} comes after end_dim "
                f"{self.end_dim} for an input of shape {tuple(x.shape)}"
            )
        sizes = tuple(x.shape) or (1,)
        merged = math.prod(sizes[start : end + 1])  # explicit: -1 cannot be inferred when size 0
        return shape.reshape(x, (*sizes[:start], merged, *sizes[end + 1 :]))

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


__all__ = ["Flatten"]
