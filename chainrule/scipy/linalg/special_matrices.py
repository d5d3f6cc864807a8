"""Matrices built from others: block_diag, a composition of pads and one concatenate, whose
gradient hands each block its own part of grad_out."""

from __future__ import annotations

import numpy as np

from chainrule.ops import joining, shape
from chainrule.ops.arrays.stacking import atleast_2d
from chainrule.scipy.real_inputs import refuse_complex


def block_diag(*arrs):
    """The blocks on the diagonal of one matrix, zeros elsewhere, as ``scipy.linalg.block_diag``.

    A 0-d or 1-d input is a block of one row, as in SciPy; no input gives an empty (1, 0)
    matrix. The dtype is that of the inputs together. Each block's gradient is its part of
    grad_out.

    Raises:
        ValueError: for an input with more than 2 dimensions.
        TypeError: for a complex tensor.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.linalg import block_diag
        >>> block_diag(cr.tensor([[1.0, 2.0]]), cr.tensor(3.0))
        tensor([[1., 2., 0.],
                [0., 0., 3.]])
    """
    if not arrs:
        return np.empty((1, 0))
    refuse_complex("block_diag", *arrs)
    blocks = [atleast_2d(a) for a in arrs]
    bad = [k for k, block in enumerate(blocks) if len(shape.shape_of(block)) > 2]
    if bad:
        raise ValueError(f"block_diag: arguments in the following positions have dimension "
                         f"greater than 2: {bad}")
    widths = [shape.shape_of(block)[1] for block in blocks]
    total, before = sum(widths), 0
    rows = []
    for block, width in zip(blocks, widths):
        rows.append(joining.pad(block, ((0, 0), (before, total - before - width))))
        before += width
    return joining.concatenate(rows, axis=0)


__all__ = ["block_diag"]
