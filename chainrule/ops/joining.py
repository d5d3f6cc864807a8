"""Joining, cutting and repeating: concatenate, stack, split, roll, tile, repeat, pad.

concatenate and pad are the primitives; the rest are compositions of them and of getitem,
reshape and broadcast_to, whose adjoints (slicing, scatter-add, summing) give their gradients.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from chainrule.backends import asarray
from chainrule.ops import indexing, shape
from chainrule.primitive import Primitive


class EachInput:
    """A rule table for a primitive that takes any number of inputs: entry i is ``make(i)``.

    The engine reads only ``vjps[i]`` and ``jvps[i]``, and explanations ``inputs[i]``. Read
    as a sequence the table holds one entry, the rule every input shares, so code that checks
    a declaration for missing rules sees a one-input declaration.
    """

    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make

    def __getitem__(self, i):
        if not isinstance(i, int) or i < 0:
            raise IndexError(f"a rule table is indexed by input position, not {i!r}")
        return self.make(i)

    def __len__(self):
        return 1

    def __iter__(self):
        yield self.make(0)


class Variadic(Primitive):
    """A primitive that takes any number of inputs, all with the same rules.

    ``vjp(i, grad_out, out, *inputs, **params)`` and ``jvp(i, x_dot, out, *inputs, **params)``
    receive the position ``i`` of their input first.
    """

    def __init__(self, name, forward, vjp, jvp, **options):
        super().__init__(name, forward, (vjp,), (jvp,), **options)
        self.vjps = EachInput(lambda i: partial(vjp, i))
        self.jvps = EachInput(lambda i: partial(jvp, i))
        self.inputs = EachInput(lambda i: f"x{i + 1}")


# --- concatenate: one input per tensor, so the engine sees each of them ------------------------


def _block(inputs, i, axis):
    start = sum(x.shape[axis] for x in inputs[:i])
    return start, start + inputs[i].shape[axis]


def _concatenate_vjp(i, grad_out, out, *inputs, axis):
    start, stop = _block(inputs, i, axis)
    return indexing.getitem(grad_out, (slice(None),) * axis + (slice(start, stop),))


def _concatenate_jvp(i, x_dot, out, *inputs, axis):
    # Input i's tangent, zero-padded to the output: its block of out_dot.
    start, stop = _block(inputs, i, axis)
    widths = [(0, 0)] * len(out.shape)
    widths[axis] = (start, out.shape[axis] - stop)
    return _pad_op(x_dot, pad_width=tuple(widths), constant_values=0)


_concatenate_op = Variadic(
    "concatenate", lambda *arrays, axis: np.concatenate(arrays, axis=axis),
    _concatenate_vjp, _concatenate_jvp,
    reads_inputs=False, supports_complex=True,
)


def concatenate(arrays, axis=0):
    """The tensors joined end to end along an existing ``axis``, as ``numpy.concatenate``.

    Args:
        arrays: a sequence of tensors with equal shapes except along ``axis``.
        axis: the axis to join along; None flattens every tensor first.

    Raises:
        ValueError: when there is no tensor, a tensor is 0-d, or the shapes do not fit.

    Example:
        >>> import chainrule as cr
        >>> cr.concatenate([cr.tensor([1.0, 2.0]), cr.tensor([3.0])])
        tensor([1., 2., 3.])
    """
    # The rules read each input's shape, so nested lists become arrays here.
    arrays = [x if hasattr(x, "shape") else asarray(x) for x in arrays]
    if not arrays:
        raise ValueError("concatenate needs at least one tensor")
    if axis is None:
        arrays, axis = [shape.ravel(x) for x in arrays], 0
    shapes = [shape.shape_of(x) for x in arrays]
    if not shapes[0]:
        raise ValueError("concatenate: 0-d tensors have no axis to join along; use stack")
    axis = shape.normalize_axis(axis, len(shapes[0]), "concatenate")
    rest = [s[:axis] + s[axis + 1:] for s in shapes]
    if any(len(s) != len(shapes[0]) or r != rest[0] for s, r in zip(shapes, rest)):
        raise ValueError(
            f"concatenate: the shapes {shapes} must be equal except along axis {axis}"
        )
    return _concatenate_op(*arrays, axis=axis)


def stack(arrays, axis=0):
    """Tensors of one shape joined along a new ``axis``, as ``numpy.stack``.

    Example:
        >>> import chainrule as cr
        >>> cr.stack([cr.tensor([1.0, 2.0]), cr.tensor([3.0, 4.0])], axis=1)
        tensor([[1., 3.],
                [2., 4.]])
    """
    arrays = list(arrays)
    if not arrays:
        raise ValueError("stack needs at least one tensor")
    shapes = [shape.shape_of(x) for x in arrays]
    if any(s != shapes[0] for s in shapes):
        raise ValueError(f"stack: all tensors must have the same shape, got {shapes}")
    axis = shape.normalize_axis(axis, len(shapes[0]) + 1, "stack")
    return concatenate([shape.expand_dims(x, axis) for x in arrays], axis=axis)


def split(x, indices_or_sections, axis=0):
    """A list of pieces of x along ``axis``, as ``numpy.split``.

    Args:
        x: the tensor.
        indices_or_sections: N, for N equal pieces, or the sorted positions where pieces
            start (as slice bounds: positions past the end give empty pieces).
        axis: the axis to cut.

    Raises:
        ValueError: when N pieces cannot be equal.

    Example:
        >>> import chainrule as cr
        >>> cr.split(cr.tensor([1.0, 2.0, 3.0]), [1])
        [tensor([1.]), tensor([2., 3.])]
    """
    x_shape = shape.shape_of(x)
    axis = shape.normalize_axis(axis, len(x_shape), "split")
    size = x_shape[axis]
    cuts = asarray(indices_or_sections)
    if cuts.ndim == 0:
        sections = int(cuts)
        if sections <= 0 or size % sections:
            raise ValueError(
                f"split: an axis of size {size} cannot be cut into {sections} equal pieces; "
                "give the cut positions instead (a list of indices)"
            )
        bounds = [i * (size // sections) for i in range(sections + 1)]
    else:
        bounds = [0, *(int(i) for i in cuts.reshape(-1)), size]
    before = (slice(None),) * axis
    return [indexing.getitem(x, before + (slice(start, stop),))
            for start, stop in zip(bounds[:-1], bounds[1:])]


def roll(x, shift, axis=None):
    """Entries shifted cyclically along ``axis`` (the flattened array when None), as ``numpy.roll``.

    ``shift`` and ``axis`` may be tuples; shifts along the same axis add up.

    Example:
        >>> import chainrule as cr
        >>> cr.roll(cr.tensor([1.0, 2.0, 3.0]), 1)
        tensor([3., 1., 2.])
    """
    x_shape = shape.shape_of(x)
    if axis is None:
        return shape.reshape(roll(shape.ravel(x), shift, 0), x_shape)
    shifts = {}
    for step, a in np.broadcast(shift, axis):
        a = shape.normalize_axis(a, len(x_shape), "roll")
        shifts[a] = shifts.get(a, 0) + int(step)
    for a, step in shifts.items():
        size = x_shape[a]
        cut = size - step % size if size else 0
        # The last `step` entries move to the front: two slices joined (faster than an index
        # array, whose gradient would need a scatter-add).
        before = (slice(None),) * a
        x = concatenate([indexing.getitem(x, before + (slice(cut, None),)),
                         indexing.getitem(x, before + (slice(None, cut),))], axis=a)
    return x


def tile(x, reps):
    """x repeated ``reps`` times along each axis, as ``numpy.tile``.

    Example:
        >>> import chainrule as cr
        >>> cr.tile(cr.tensor([1.0, 2.0]), 2)
        tensor([1., 2., 1., 2.])
    """
    reps = shape.shape_tuple(reps, "tile")
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: reps {reps} cannot be negative")
    x_shape = shape.shape_of(x)
    ndim = max(len(reps), len(x_shape))
    reps = (1,) * (ndim - len(reps)) + reps
    x_shape = (1,) * (ndim - len(x_shape)) + x_shape
    # Out axis k of size r·n is a pair of axes (r, n) flattened: broadcast along the r.
    interleaved = tuple(n for size in x_shape for n in (1, size))
    stretched = tuple(n for pair in zip(reps, x_shape) for n in pair)
    out = shape.broadcast_to(shape.reshape(x, interleaved), stretched)
    return shape.reshape(out, tuple(r * n for r, n in zip(reps, x_shape)))


def repeat(x, repeats, axis=None):
    """Each entry repeated along ``axis`` (of the flattened array when None), as ``numpy.repeat``.

    ``repeats`` is one count for every entry, or one count per entry.

    Example:
        >>> import chainrule as cr
        >>> cr.repeat(cr.tensor([1.0, 2.0]), [2, 1])
        tensor([1., 1., 2.])
    """
    if axis is None:
        x, axis = shape.ravel(x), 0
    x_shape = shape.shape_of(x)
    axis = shape.normalize_axis(axis, len(x_shape), "repeat")
    counts = asarray(repeats)
    if counts.size == 0:
        counts = counts.astype(np.intp)  # [] is float64 to NumPy; no counts have no dtype
    if counts.dtype.kind not in "iu" or (counts < 0).any():
        raise ValueError(f"repeat: repeats must be non-negative integers, got {repeats!r}")
    size = x_shape[axis]
    if counts.size == 1 and counts.ndim <= 1:
        count = int(counts.reshape(-1)[0])
        with_copies = x_shape[:axis + 1] + (count,) + x_shape[axis + 1:]
        out = shape.broadcast_to(shape.expand_dims(x, axis + 1), with_copies)
        return shape.reshape(out, x_shape[:axis] + (size * count,) + x_shape[axis + 1:])
    if counts.shape != (size,):
        raise ValueError(
            f"repeat: {counts.size} counts for an axis of size {size}; give one count per "
            "entry, or a single count"
        )
    return indexing.getitem(x, (slice(None),) * axis + (np.repeat(np.arange(size), counts),))


# --- pad ---------------------------------------------------------------------------------------

_COPY_MODES = ("edge", "reflect", "symmetric", "wrap")


def _pad(x, pad_width, constant_values):
    # np.pad cannot read an empty pad_width (a 0-d tensor), but pads nothing with 0.
    return np.pad(x, pad_width or 0, mode="constant", constant_values=constant_values)


def _interior(grad_out, pad_width):
    sizes = grad_out.shape
    return indexing.getitem(
        grad_out, tuple(slice(b, n - a) for (b, a), n in zip(pad_width, sizes))
    )


_pad_op = Primitive(
    "pad", _pad,
    (lambda grad_out, out, x, pad_width, constant_values: _interior(grad_out, pad_width),),
    (lambda x_dot, out, x, pad_width, constant_values: _pad_op(
        x_dot, pad_width=pad_width, constant_values=0),),
    reads_inputs=False, supports_complex=True,
)


def pad(x, pad_width, mode="constant", constant_values=0):
    """x with ``pad_width`` entries added before and after each axis, as ``numpy.pad``.

    Args:
        x: the tensor.
        pad_width: an int, a (before, after) pair, or one pair per axis.
        mode: "constant" (the value ``constant_values``), or "edge", "reflect", "symmetric",
            "wrap", which copy entries of x (their gradients add up at the copied entries).
        constant_values: the padding value (a number, or pairs as in NumPy); not differentiated.

    Raises:
        ValueError: for another mode, or a negative or ill-shaped ``pad_width``.
        TypeError: for ``constant_values`` that require grad.

    Example:
        >>> import chainrule as cr
        >>> cr.pad(cr.tensor([1.0, 2.0]), (1, 2))
        tensor([0., 1., 2., 0., 0.])
    """
    x_shape = shape.shape_of(x)
    pad_width = _pad_widths(pad_width, len(x_shape))
    if mode != "constant":
        _check_copy_mode(mode, constant_values)
        if any(before or after for before, after in pad_width):
            return _pad_with_copies(x, x_shape, pad_width, mode)
    if getattr(constant_values, "requires_grad", False):
        raise TypeError("pad: constant_values is not differentiated; pass a number or array, "
                        "or detach() it")
    values = asarray(constant_values)
    return _pad_op(x, pad_width=pad_width, constant_values=values.tolist())


def _check_copy_mode(mode, constant_values):
    if mode not in _COPY_MODES:
        raise ValueError(f"pad: mode {mode!r} is not supported; use 'constant' or one of "
                         f"{', '.join(map(repr, _COPY_MODES))}")
    if not (np.ndim(constant_values) == 0 and constant_values == 0):
        raise ValueError(f"pad: constant_values is only used with mode='constant', not {mode!r}")


def _pad_with_copies(x, x_shape, pad_width, mode):
    for axis, (before, after) in enumerate(pad_width):
        if before or after:
            # Where each padded position copies from, along this axis: np.pad of the positions.
            source = np.pad(np.arange(x_shape[axis]), (before, after), mode=mode)
            x = indexing.getitem(x, (slice(None),) * axis + (source,))
    return x


def _pad_widths(pad_width, ndim):
    widths = asarray(pad_width)
    try:
        if widths.dtype.kind not in "iu" or (widths < 0).any():
            raise ValueError
        widths = np.broadcast_to(widths, (ndim, 2))
    except ValueError:
        raise ValueError(
            f"pad: pad_width {pad_width!r} must be non-negative ints: one int, a (before, "
            f"after) pair, or one pair per axis (here {ndim})"
        ) from None
    return tuple((int(before), int(after)) for before, after in widths)


__all__ = ["concatenate", "stack", "split", "roll", "tile", "repeat", "pad"]
