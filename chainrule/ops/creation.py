"""Arrays from what a user writes: NumPy's ``array`` and ``asarray``, differentiable.

A nested list or tuple that holds tensors becomes one tensor, stacked level by level, as NumPy
builds one array from nested numbers; so ``cr.array([x, 2 * x])`` and ``cr.mean([x, y])``
differentiate in both modes, at any order. With no tensor inside, these are NumPy's own
functions and return NumPy arrays, so code that builds constants costs what it did.
Every public op reads a list argument through here (see
:func:`chainrule.tensor.asarray_if_sequence`).
"""

from __future__ import annotations

import functools

import numpy as np

from chainrule.ops import joining, shape
from chainrule.ops.elementwise import arithmetic
from chainrule.primitive import Primitive
from chainrule.tensor import Tensor, holds_tensor, set_sequence_reader


def array(object, dtype=None, *, copy=True, order="K", subok=False, ndmin=0, like=None):
    """``numpy.array``, differentiable: tensors inside nested lists are stacked into one.

    Args:
        object: a tensor, an array, a number, or nested lists/tuples of them (one shape per
            level, as NumPy needs).
        dtype: the dtype of the result (a float dtype keeps the derivative; an integer or
            boolean one gives a constant, as :func:`chainrule.astype`).
        copy: ``False`` returns a tensor given as it is (with the dtype asked for).
        order, subok, like: NumPy's; with tensors inside only their defaults are accepted.
        ndmin: the least number of dimensions; leading axes of length 1 are added.

    Returns:
        A tensor when ``object`` holds a tensor, else ``numpy.array(object, ...)``.

    Raises:
        ValueError: when the nested parts differ in shape (NumPy's "inhomogeneous shape").

    Example:
        >>> import chainrule as cr
        >>> float(cr.grad(lambda x: cr.sum(cr.array([[x, 1.0], [2.0, x * x]])))(3.0))
        7.0
    """
    if not (isinstance(object, Tensor) or holds_tensor(object)):
        return np.array(object, dtype=dtype, copy=copy, order=order, subok=subok, ndmin=ndmin,
                        like=like)
    _only_defaults("array", order=(order, "K"), subok=(subok, False), like=(like, None))
    out = _build(object)
    if isinstance(object, Tensor) and copy:
        out = arithmetic.copy(out)
    return _finish(out, dtype, ndmin)


def asarray(a, dtype=None, order=None, *, copy=None, like=None):
    """``numpy.asarray``, differentiable: a tensor as it is, nested lists of tensors stacked.

    Example:
        >>> import chainrule as cr
        >>> cr.jvp(lambda x: cr.asarray([x, x + 1.0]) * 2, (1.0,), (1.0,))[1]
        array([2., 2.])
    """
    if not (isinstance(a, Tensor) or holds_tensor(a)):
        return np.asarray(a, dtype=dtype, order=order, copy=copy, like=like)
    _only_defaults("asarray", order=(order, None), like=(like, None))
    out = _build(a)
    if copy and isinstance(a, Tensor):
        out = arithmetic.copy(out)
    return _finish(out, dtype, 0)


def asanyarray(a, dtype=None, order=None, *, like=None):
    """``numpy.asanyarray``, differentiable (tensors have no subclasses to keep: as
    :func:`asarray`).

    Example:
        >>> import chainrule as cr
        >>> cr.asanyarray([cr.tensor(1.0), 2.0])
        tensor([1., 2.])
    """
    return asarray(a, dtype=dtype, order=order, like=like)


def ascontiguousarray(a, dtype=None, *, like=None):
    """``numpy.ascontiguousarray``, differentiable: at least 1-d, as NumPy's.

    Example:
        >>> import chainrule as cr
        >>> cr.ascontiguousarray(cr.tensor(2.0))
        tensor([2.])
    """
    if not (isinstance(a, Tensor) or holds_tensor(a)):
        return np.ascontiguousarray(a, dtype=dtype, like=like)
    return _finish(_build(a), dtype, 1)


def _build(value):
    # One level of nesting at a time: the parts of a list become tensors or arrays of one
    # shape, stacked along a new first axis (NumPy's own reading of nested sequences).
    if isinstance(value, Tensor):
        return value
    if type(value) is list or type(value) is tuple:
        if not holds_tensor(value):
            return np.asarray(value)
        parts = [_build(part) for part in value]
        shapes = {shape.shape_of(part) for part in parts}
        if len(shapes) > 1:
            raise ValueError(
                "cannot make one array of parts with different shapes "
                f"{sorted(shapes, key=len)}: each level of a nested list must hold parts of one "
                "shape (NumPy calls this an inhomogeneous shape)"
            )
        return joining.stack(parts)
    return np.asarray(value)


def _finish(out, dtype, ndmin):
    if dtype is not None and np.dtype(dtype) != out.dtype:
        out = arithmetic.astype(out, dtype)
    missing = ndmin - len(shape.shape_of(out))
    if missing > 0:
        out = shape.reshape(out, (1,) * missing + shape.shape_of(out))
    return out


def _only_defaults(name, **given):
    for key, (value, default) in given.items():
        if value != default:
            raise TypeError(
                f"{name}: {key}={value!r} is not supported when the data holds tensors "
                f"(tensors are always C-ordered arrays); leave {key} at its default"
            )


def reads_lists(op):
    """``op`` with its list and tuple arguments that hold tensors read as arrays first.

    For the public ops composed in Python, which look at an argument's shape before any
    primitive runs (primitives read lists themselves, through the sequence reader below).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.ops import reductions
        >>> reads_lists(reductions.mean)([cr.tensor(1.0), cr.tensor(3.0)])
        tensor(2.)
    """

    @functools.wraps(op)
    def read_then_call(*args, **kwargs):
        for arg in args:
            if (type(arg) is list or type(arg) is tuple) and holds_tensor(arg):
                args = tuple(asarray(a) if holds_tensor(a) else a for a in args)
                break
        for key, value in kwargs.items():
            if holds_tensor(value):
                kwargs[key] = asarray(value)
        return op(*args, **kwargs)

    return read_then_call


def reading_lists(namespace, names, takes_sequences=()):
    """The ops of ``namespace`` named in ``names``, as they are to be exported: the ones
    composed in Python wrapped by :func:`reads_lists`, except those in ``takes_sequences``
    (their argument is a sequence of arrays of any shapes, which they read themselves)."""
    return {
        name: reads_lists(namespace[name])
        for name in names
        if name not in takes_sequences and callable(namespace[name])
        and not isinstance(namespace[name], (Primitive, type))
    }


# Every public op reads a list argument holding tensors through here.
set_sequence_reader(asarray)
