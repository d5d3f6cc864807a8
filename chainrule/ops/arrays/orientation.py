"""Turning and mirroring: flipud, fliplr, rot90, rollaxis.

Compositions of flip (a reversed slice) and transpose, whose adjoints give the gradients.
"""

from __future__ import annotations

import numpy as np

from chainrule.ops import indexing, shape


def _flipped_axis(m, axis, least_ndim, op):
    ndim = len(shape.shape_of(m))
    if ndim < least_ndim:
        raise ValueError(f"{op}: the input must have at least {least_ndim} dimension(s), "
                         f"got {ndim}")
    return indexing.flip(m, axis)


def flipud(m):
    """The order of rows reversed (axis 0), as ``numpy.flipud``.

    Example:
        >>> import chainrule as cr
        >>> cr.flipud(cr.tensor([1.0, 2.0, 3.0]))
        tensor([3., 2., 1.])
    """
    return _flipped_axis(m, 0, 1, "flipud")


def fliplr(m):
    """The order of columns reversed (axis 1), as ``numpy.fliplr``.

    Example:
        >>> import chainrule as cr
        >>> cr.fliplr(cr.tensor([[1.0, 2.0]]))
        tensor([[2., 1.]])
    """
    return _flipped_axis(m, 1, 2, "fliplr")


def rot90(m, k=1, axes=(0, 1)):
    """m turned by k quarter turns in the plane ``axes``, from the first axis toward the second,
    as ``numpy.rot90``.

    Raises:
        ValueError: unless ``axes`` names two different axes of m.

    Example:
        >>> import chainrule as cr
        >>> cr.rot90(cr.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[2., 4.],
                [1., 3.]])
    """
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"rot90: axes must name 2 axes, got {axes}")
    ndim = len(shape.shape_of(m))
    first, second = (shape.normalize_axis(a, ndim, "rot90") for a in axes)
    if first == second:
        raise ValueError(f"rot90: the axes {axes} must be different")
    k = int(k) % 4
    if k == 0:
        return indexing.getitem(m, Ellipsis)
    if k == 2:
        return indexing.flip(m, (first, second))
    order = list(range(ndim))
    order[first], order[second] = second, first
    if k == 1:
        return shape.transpose(indexing.flip(m, second), order)
    return indexing.flip(shape.transpose(m, order), second)


def rollaxis(a, axis, start=0):
    """``axis`` moved to sit before position ``start``, as ``numpy.rollaxis`` (moveaxis is the
    clearer spelling of the same move).

    Raises:
        AxisError: for an axis, or a start outside 0 to ndim (negatives count from the end).

    Example:
        >>> import chainrule as cr
        >>> cr.rollaxis(cr.tensor([[[1.0, 2.0, 3.0]]]), 2).shape
        (3, 1, 1)
    """
    ndim = len(shape.shape_of(a))
    axis = shape.normalize_axis(axis, ndim, "rollaxis")
    given, start = start, int(start) + ndim if start < 0 else int(start)
    if not 0 <= start <= ndim:
        raise np.exceptions.AxisError(f"rollaxis: start must be in {-ndim} to {ndim}, got {given}")
    if axis < start:
        start -= 1
    order = [i for i in range(ndim) if i != axis]
    order.insert(start, axis)
    return shape.transpose(a, order)


__all__ = ["flipud", "fliplr", "rot90", "rollaxis"]
