"""Sample strategies for shape, indexing and joining ops, with valid parameters drawn per shape.

All of them are linear: the gradient check squares their result (Sample.linear).
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import chainrule as cr
from tests.reliability.strategies import (
    ANYWHERE,
    Sample,
    axes_of,
    shapes,
    signed_axis,
    size_of,
    spell,
)


def linear_sample(name, x_shapes=None):
    """A strategy for ``name`` given ``params(draw, shape)``: the drawn static parameters."""

    def decorate(params):
        @st.composite
        def sample(draw):
            shape = draw(shapes() if x_shapes is None else x_shapes)
            kwargs = params(draw, shape)
            x = draw(ANYWHERE.arrays(shape))
            fn = getattr(cr, name)
            return Sample(
                name, lambda x: fn(x, **kwargs), (x,), spell(name, "x", **kwargs), linear=True
            )

        return sample()

    return decorate


def factorizations(size):
    """Shapes of ``size`` entries: size split into factors, with 1s (and 0s if size is 0)."""
    if size == 0:
        return st.lists(st.integers(0, 3), min_size=1, max_size=3).filter(lambda s: 0 in s)
    factors = [p for p in (2, 3, 5, 7, 11) for _ in range(_multiplicity(size, p))]
    return (
        st.integers(0, 2)
        .flatmap(lambda ones: st.permutations(factors + [1] * ones))
        .flatmap(lambda order: st.integers(0, len(order)).map(lambda cut: _grouped(order, cut)))
    )


def _multiplicity(n, p):
    count = 0
    while n % p == 0:
        n, count = n // p, count + 1
    return count


def _grouped(order, cut):
    head = [int(np.prod(order[:cut]))] if cut else []
    return tuple(head + list(order[cut:]))


@linear_sample("reshape")
def reshape_sample(draw, shape):
    target = list(draw(factorizations(size_of(shape))))
    if size_of(shape) > 0 and target and draw(st.booleans()):
        target[draw(st.integers(0, len(target) - 1))] = -1
    return {"shape": tuple(target), "order": draw(st.sampled_from(["C", "F"]))}


@linear_sample("ravel")
def ravel_sample(draw, shape):
    return {}


@linear_sample("transpose")
def transpose_sample(draw, shape):
    axes = draw(st.none() | st.permutations(range(len(shape))).map(tuple))
    if axes is not None:
        axes = tuple(a - len(shape) if draw(st.booleans()) else a for a in axes)
    return {"axes": axes}


@linear_sample("swapaxes", shapes(min_dims=1))
def swapaxes_sample(draw, shape):
    n = len(shape)
    return {"axis1": draw(st.integers(-n, n - 1)), "axis2": draw(st.integers(-n, n - 1))}


@linear_sample("moveaxis", shapes(min_dims=1))
def moveaxis_sample(draw, shape):
    n = len(shape)
    source = draw(st.lists(st.integers(0, n - 1), unique=True, min_size=1))
    destination = draw(st.permutations(range(n)).map(lambda p: p[: len(source)]))
    return {"source": tuple(source), "destination": tuple(d - n for d in destination)}


@linear_sample("squeeze")
def squeeze_sample(draw, shape):
    ones = [a for a, side in enumerate(shape) if side == 1]
    axis = draw(
        st.none() | st.lists(st.sampled_from(ones), unique=True).map(tuple) if ones else st.none()
    )
    if isinstance(axis, tuple) and len(axis) == 1 and draw(st.booleans()):
        axis = axis[0]
    return {"axis": axis}


@linear_sample("expand_dims")
def expand_dims_sample(draw, shape):
    out_ndim = len(shape) + draw(st.integers(1, 2))
    positions = draw(
        st.lists(
            st.integers(0, out_ndim - 1),
            unique=True,
            min_size=out_ndim - len(shape),
            max_size=out_ndim - len(shape),
        )
    )
    axis = tuple(draw(signed_axis(p, out_ndim)) for p in positions)
    return {"axis": axis[0] if len(axis) == 1 else axis}


@linear_sample("broadcast_to", shapes(max_dims=2))
def broadcast_to_sample(draw, shape):
    lead = draw(st.lists(st.integers(0, 2), max_size=1))
    stretched = [draw(st.integers(0, 2)) if side == 1 else side for side in shape]
    target = tuple(lead + stretched)
    assume(size_of(target) <= 12)
    return {"shape": target}


@linear_sample("flip")
def flip_sample(draw, shape):
    return {"axis": draw(axes_of(len(shape))) if shape else None}


@linear_sample("roll")
def roll_sample(draw, shape):
    axis = draw(axes_of(len(shape), allow_tuple=False)) if shape else None
    return {"shift": draw(st.integers(-4, 4)), "axis": axis}


@linear_sample("tile")
def tile_sample(draw, shape):
    reps = draw(st.lists(st.integers(0, 2), max_size=3).map(tuple) | st.integers(0, 2))
    return {"reps": reps}


@linear_sample("repeat")
def repeat_sample(draw, shape):
    axis = draw(axes_of(len(shape), allow_tuple=False)) if shape else None
    length = size_of(shape) if axis is None else shape[axis]
    # An empty repeats list (for an empty axis) is refused: see test_found_bugs.py.
    counts = st.lists(st.integers(0, 2), min_size=length, max_size=length)
    repeats = draw(st.integers(0, 2) | counts if length else st.integers(0, 2))
    return {"repeats": repeats, "axis": axis}


@linear_sample("pad", shapes(max_dims=2))
def pad_sample(draw, shape):
    mode = draw(st.sampled_from(["constant", "edge", "reflect", "symmetric", "wrap"]))
    widths = tuple(draw(st.tuples(st.integers(0, 2), st.integers(0, 2))) for _ in shape)
    # Copying modes need something to copy: an empty axis can only get constant padding.
    assume(mode == "constant" or all(side > 0 or w == (0, 0) for side, w in zip(shape, widths)))
    widths = widths or draw(st.integers(0, 2))  # a 0-d array takes one int
    kwargs = {"pad_width": widths, "mode": mode}
    if mode == "constant":
        kwargs["constant_values"] = draw(st.sampled_from([0.0, 1.5]))
    return kwargs


@linear_sample("take", shapes(min_side=1))
def take_sample(draw, shape):
    axis = draw(axes_of(len(shape), allow_tuple=False)) if shape else None
    length = size_of(shape) if axis is None else shape[axis]
    indices = draw(st.lists(st.integers(-length, length - 1), max_size=4))
    return {"indices": indices, "axis": axis}


@st.composite
def getitem_sample(draw):
    shape = draw(shapes(min_dims=1))
    index = draw(basic_index(shape) | advanced_index(shape))
    x = draw(ANYWHERE.arrays(shape))
    return Sample("getitem", lambda x: x[index], (x,), f"x[{index!r}]", linear=True)


@st.composite
def basic_index(draw, shape):
    """Ints and slices for the leading axes, or after an Ellipsis for the trailing ones."""
    count = draw(st.integers(0, len(shape)))
    trailing = draw(st.booleans())
    entries = []
    for side in shape[len(shape) - count :] if trailing else shape[:count]:
        if side > 0 and draw(st.booleans()):
            entries.append(draw(st.integers(-side, side - 1)))
        else:
            start = draw(st.none() | st.integers(-side - 1, side + 1))
            stop = draw(st.none() | st.integers(-side - 1, side + 1))
            entries.append(slice(start, stop, draw(st.sampled_from([None, 1, 2, -1, -2]))))
    if trailing:
        entries.insert(0, Ellipsis)
    if draw(st.booleans()):
        entries.insert(draw(st.integers(0, len(entries))), None)
    return tuple(entries)


@st.composite
def advanced_index(draw, shape):
    if draw(st.booleans()):
        return draw(hnp.arrays(np.bool_, shape))
    axis = draw(st.integers(0, len(shape) - 1))
    side = shape[axis]
    rows = draw(st.lists(st.integers(-side, side - 1), max_size=4)) if side else []
    return (slice(None),) * axis + (np.array(rows, dtype=np.intp),)


@st.composite
def concatenate_sample(draw):
    if draw(st.booleans()):
        axis, pieces = None, draw(st.lists(shapes(max_dims=2), min_size=1, max_size=3))
    else:
        base = list(draw(shapes(min_dims=1, max_dims=2)))
        axis = draw(st.integers(-len(base), len(base) - 1))
        pieces = []
        for side in draw(st.lists(st.integers(0, 3), min_size=1, max_size=3)):
            base[axis] = side
            pieces.append(tuple(base))
    xs = tuple(draw(ANYWHERE.arrays(p)) for p in pieces)
    call = f"concatenate([{', '.join(f'x{i}' for i in range(len(xs)))}], axis={axis!r})"
    return Sample(
        "concatenate", lambda *xs: cr.concatenate(list(xs), axis=axis), xs, call, linear=True
    )


@st.composite
def stack_sample(draw):
    shape = draw(shapes(max_dims=2))
    count = draw(st.integers(1, 3))
    axis = draw(st.integers(-len(shape) - 1, len(shape)))
    xs = tuple(draw(ANYWHERE.arrays(shape)) for _ in range(count))
    call = f"stack([{', '.join(f'x{i}' for i in range(count))}], axis={axis})"
    return Sample("stack", lambda *xs: cr.stack(list(xs), axis=axis), xs, call, linear=True)


@st.composite
def split_sample(draw):
    shape = draw(shapes(min_dims=1))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    side = shape[axis]
    divisors = [d for d in range(1, 4) if side % d == 0]
    sections = draw(
        st.sampled_from(divisors) | st.lists(st.integers(0, side), max_size=3).map(sorted)
    )
    x = draw(ANYWHERE.arrays(shape))

    def fn(x):
        # Weighting the pieces differently tells their gradients apart.
        pieces = cr.split(x, sections, axis=axis)
        return cr.concatenate([p * (k + 1) for k, p in enumerate(pieces)], axis=axis)

    return Sample("split", fn, (x,), spell("split", "x", sections=sections, axis=axis), linear=True)


def shape_samples():
    """{label: strategy of Sample} for every shape, indexing and joining op."""
    return {
        "reshape": reshape_sample,
        "ravel": ravel_sample,
        "transpose": transpose_sample,
        "swapaxes": swapaxes_sample,
        "moveaxis": moveaxis_sample,
        "squeeze": squeeze_sample,
        "expand_dims": expand_dims_sample,
        "broadcast_to": broadcast_to_sample,
        "flip": flip_sample,
        "roll": roll_sample,
        "tile": tile_sample,
        "repeat": repeat_sample,
        "pad": pad_sample,
        "take": take_sample,
        "getitem": getitem_sample(),
        "concatenate": concatenate_sample(),
        "stack": stack_sample(),
        "split": split_sample(),
    }


__all__ = ["factorizations", "shape_samples"]
