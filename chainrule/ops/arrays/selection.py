"""Choosing among several tensors by conditions: select, a chain of where.

Differentiable in the choices and the default: each entry's gradient goes to the choice (or
the default) that supplied it; the conditions are constants.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import asarray
from chainrule.ops.elementwise import arithmetic, piecewise
from chainrule.primitive import value_of
from chainrule.tensor import asarray_if_sequence


def _cast(x, dtype):
    return x if asarray(value_of(x)).dtype == dtype else arithmetic.astype(x, dtype)


def _as_array(x):
    return x if hasattr(x, "shape") else asarray(x)


def _dtype_operand(x):
    # As NumPy's select: Python numbers stay weak (they take the arrays' precision).
    return x if type(x) in (int, float, complex) else asarray(value_of(x))


def select(condlist, choicelist, default=0):
    """Entry by entry, the choice of the first condition that holds, else ``default``, as
    ``numpy.select`` (same dtype, broadcasting every condition and choice together).

    Args:
        condlist: boolean arrays (or tensors); not differentiated.
        choicelist: one tensor or array per condition.
        default: the value where no condition holds.

    Raises:
        ValueError: when the lists differ in length or are empty.
        TypeError: for a condition that is not boolean.

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor([-1.0, 0.5, 2.0])
        >>> cr.select([x < 0, x > 1], [-x, x * 10], default=x)
        tensor([ 1. ,  0.5, 20. ])
    """
    # A choice (or the default) written as a list of tensors is the array NumPy would make.
    condlist, choicelist = list(condlist), [asarray_if_sequence(c) for c in choicelist]
    default = asarray_if_sequence(default)
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: {len(condlist)} conditions but {len(choicelist)} choices; "
                         "give one choice per condition")
    if not condlist:
        raise ValueError("select: the condition list is empty")
    conditions = [asarray(value_of(c)) for c in condlist]
    for i, condition in enumerate(conditions):
        if condition.dtype != bool:
            raise TypeError(f"select: condition {i} must be boolean, got dtype "
                            f"{condition.dtype}")
    dtype = np.result_type(*(_dtype_operand(c) for c in [*choicelist, default]))
    out = _cast(_as_array(default), dtype)
    for condition, choice in zip(reversed(condlist), reversed(choicelist)):
        out = piecewise.where(condition, _cast(_as_array(choice), dtype), out)
    return out


_NOT_GIVEN = object()


def where(condition, x=_NOT_GIVEN, y=_NOT_GIVEN):
    """x where ``condition`` holds, else y, as ``numpy.where``; with the condition alone, the
    indices where it holds (``numpy.nonzero``).

    The gradient goes to x where the condition holds and to y elsewhere (see
    :func:`chainrule.ops.elementwise.piecewise.where` for the one pitfall: both branches are
    differentiated everywhere).

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor([-1.0, 4.0])
        >>> cr.where(x > 0, x, 0.0)
        tensor([0., 4.])
        >>> cr.where(x > 0)
        (array([1]),)
    """
    if x is _NOT_GIVEN and y is _NOT_GIVEN:
        return np.nonzero(condition)  # indices: values only (NumPy dispatch runs it on values)
    if x is _NOT_GIVEN or y is _NOT_GIVEN:
        raise ValueError("where: give both x and y, or neither (then the indices where the "
                         "condition holds are returned)")
    return piecewise.where(condition, x, y)


__all__ = ["select", "where"]
