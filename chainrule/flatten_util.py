"""One flat vector for a whole tree of parameters, and the function that rebuilds the tree: what
optimizers that take a vector (``scipy.optimize.minimize``) need to drive a chainrule model.
"""

from __future__ import annotations

import numpy as np

from chainrule import tree
from chainrule.ops import astype, concatenate, ravel, reshape
from chainrule.tensor import Tensor


def ravel_pytree(params):
    """``(flat, unravel)``: every leaf of ``params`` in one vector, and ``unravel(flat)`` → tree.

    The vector has the leaves' common dtype, and is floating-point at least: integer and
    boolean leaves count as float64 there (an empty tree gives an empty float64 vector).
    ``unravel`` gives each leaf back its own shape and dtype. Both are chainrule ops: tensors
    in give a tensor out, so ``grad(lambda flat: loss(unravel(flat)))`` differentiates through
    them, and a gradient of the tree comes back as ``ravel_pytree(gradient)[0]``.

    Args:
        params: a tree (see :mod:`chainrule.tree`) of numbers, arrays and tensors.

    Returns:
        ``flat`` (a 1-d array, or a tensor when some leaf is one) and ``unravel``.

    Raises:
        ValueError: when ``unravel`` is given a vector of another length.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.flatten_util import ravel_pytree
        >>> flat, unravel = ravel_pytree({"w": np.ones((2, 2)), "b": 0.5})
        >>> flat
        array([1. , 1. , 1. , 1. , 0.5])
        >>> unravel(2 * flat)["w"]
        array([[2., 2.],
               [2., 2.]])
    """
    values, treedef = tree.flatten(params)
    shapes = [np.shape(value) for value in values]
    dtypes = [_dtype_of(value) for value in values]
    dtype = np.result_type(*dtypes) if dtypes else np.dtype(np.float64)
    if dtype.kind not in "fc":
        dtype = np.result_type(dtype, np.float64)
    sizes = [int(np.prod(shape)) for shape in shapes]
    if values:
        flat = concatenate([ravel(astype(value, dtype)) for value in values])
    else:
        flat = np.zeros(0, dtype)

    def unravel(vector):
        if np.shape(vector) != (sum(sizes),):
            raise ValueError(
                f"unravel needs a vector of length {sum(sizes)} (the tree {treedef!r}), got "
                f"shape {np.shape(vector)}"
            )
        pieces, start = [], 0
        for shape, size, leaf_dtype in zip(shapes, sizes, dtypes):
            piece = reshape(vector[start:start + size], shape)
            pieces.append(astype(piece, leaf_dtype))
            start += size
        return tree.unflatten(treedef, pieces)

    return flat, unravel


def _dtype_of(value):
    if isinstance(value, Tensor):
        return value.dtype
    return np.asarray(value).dtype


__all__ = ["ravel_pytree"]
