"""Explicit copies of values from one array library to another (the backends' rule: nothing is
copied between libraries unless asked, see docs/scaling.md)."""

from __future__ import annotations

from chainrule.backends import from_numpy, to_numpy
from chainrule.tensor import Tensor


def to_namespace(value, xp):
    """``value`` (an array or tensor) copied into the array library ``xp`` — a module such as
    ``numpy``, ``array_api_strict``, ``dask.array`` or ``cupy``: an explicit copy through the
    host. A tensor gives a tensor (a leaf, requiring grad if ``value`` did).

    Example:
        >>> import array_api_strict as xp
        >>> import chainrule as cr
        >>> cr.backend_of(cr.to_namespace(cr.tensor([1.0, 2.0]), xp))
        'array_api_strict'
    """
    array = from_numpy(to_numpy(value), xp)
    if isinstance(value, Tensor):
        return Tensor(array, requires_grad=value.requires_grad)
    return array


__all__ = ["to_namespace"]
