"""The reductions and shape ops a random program draws from, with parameters valid for the
operand's shape (see program_ops.py for the contract of ``propose`` and ``apply``).
"""

from __future__ import annotations

import numpy as np

from tests.reliability.program_ops import MARGIN, OpKind


def random_axis(rng, ndim, allow_tuple=True):
    """None, an int or a tuple of distinct axes (negative ones too); None for 0-d."""
    if ndim == 0:
        return None
    kind = rng.integers(3 if allow_tuple else 2)
    if kind == 0:
        return None
    if kind == 1:
        return int(rng.integers(-ndim, ndim))
    count = int(rng.integers(1, ndim + 1))
    return tuple(int(a) for a in rng.choice(ndim, size=count, replace=False))


def slices_of(x, axis):
    """x with the reduced axes last, flattened into one: one row per output entry."""
    x = np.asarray(x)
    axes = range(x.ndim) if axis is None else (axis,) if isinstance(axis, int) else axis
    axes = [a % x.ndim for a in axes]
    kept = [a for a in range(x.ndim) if a not in axes]
    rows = int(np.prod([x.shape[a] for a in kept]))
    return np.transpose(x, kept + axes).reshape(rows, int(np.prod([x.shape[a] for a in axes])))


def reduction(name, least=0, guard=lambda rows: True, **fixed):
    """A reduction over a random axis, its slices at least ``least`` long and passing ``guard``."""

    def propose(rng, x):
        axis = random_axis(rng, np.ndim(x))
        rows = slices_of(x, axis)
        if rows.shape[0] and (rows.shape[1] < least or not guard(rows)):
            return None
        return {"axis": axis, "keepdims": bool(rng.integers(2)), **fixed}

    return OpKind(name, 1, propose, lambda B, x, **params: getattr(B, name)(x, **params))


def no_ties(rows):
    ordered = np.sort(rows, axis=1)
    return np.all(np.diff(ordered, axis=1) >= MARGIN)


def spread(rows):
    return np.all(np.std(rows, axis=1) >= 0.1)


REDUCTIONS = [
    reduction("sum"),
    reduction("mean", least=1),
    reduction("prod", guard=lambda rows: rows.shape[1] <= 4 and np.all(np.abs(rows) <= 3)),
    reduction("max", least=1, guard=no_ties),
    reduction("min", least=1, guard=no_ties),
    reduction("logsumexp", least=1),
    reduction("var", least=2, ddof=1),
    reduction("std", least=2, guard=spread, ddof=0),
]


def cumulative(name, guard=lambda x: True):
    def propose(rng, x):
        return {"axis": random_axis(rng, np.ndim(x), allow_tuple=False)} if guard(x) else None

    return OpKind(name, 1, propose, lambda B, x, axis: getattr(B, name)(x, axis=axis))


def softmax_like(name):
    def propose(rng, x):
        return {"axis": int(rng.integers(-np.ndim(x), np.ndim(x)))} if np.ndim(x) else None

    return OpKind(name, 1, propose, lambda B, x, axis: getattr(B, name)(x, axis=axis))


NORMALIZING = [
    cumulative("cumsum"),
    cumulative("cumprod", lambda x: np.size(x) <= 4 and np.all(np.abs(x) <= 3)),
    softmax_like("softmax"),
    softmax_like("log_softmax"),
]


def propose_reshape(rng, x):
    size = int(np.size(x))
    if size == 0 or np.ndim(x) == 0 and rng.integers(2):
        return {"shape": tuple(int(s) for s in np.shape(x))[::-1]}
    divisors = [d for d in range(1, size + 1) if size % d == 0]
    first = int(rng.choice(divisors))
    return {"shape": (first, -1) if rng.integers(2) else (size // first, first)}


def propose_transpose(rng, x):
    return {"axes": tuple(int(a) for a in rng.permutation(np.ndim(x)))}


def propose_expand_dims(rng, x):
    return {"axis": int(rng.integers(-np.ndim(x) - 1, np.ndim(x) + 1))}


def propose_squeeze(rng, x):
    ones = [a for a, side in enumerate(np.shape(x)) if side == 1]
    return {"axis": tuple(ones)} if ones else None


def propose_broadcast_to(rng, x):
    shape = tuple(2 if side == 1 else side for side in np.shape(x))
    shape = ((2,) if rng.integers(2) else ()) + shape
    return {"shape": shape} if np.prod(shape) <= 24 else None


def propose_flip(rng, x):
    return {"axis": random_axis(rng, np.ndim(x))}


def propose_roll(rng, x):
    return {"shift": int(rng.integers(-3, 4)), "axis": random_axis(rng, np.ndim(x), False)}


def propose_getitem(rng, x):
    """A slice with a positive step, or an int, on one axis (PyTorch has no negative steps)."""
    if np.ndim(x) == 0:
        return None
    axis = int(rng.integers(np.ndim(x)))
    side = np.shape(x)[axis]
    if side and rng.integers(2):
        entry = int(rng.integers(-side, side))
    else:
        start, stop = sorted(int(v) for v in rng.integers(0, side + 1, size=2))
        entry = slice(start, stop, int(rng.integers(1, 3)))
    return {"index": (slice(None),) * axis + (entry,)}


def propose_take(rng, x):
    axis = random_axis(rng, np.ndim(x), allow_tuple=False)
    side = int(np.size(x)) if axis is None else np.shape(x)[axis]
    if side == 0:
        return None
    return {
        "indices": [int(i) for i in rng.integers(-side, side, size=rng.integers(1, 4))],
        "axis": axis,
    }


def propose_tile(rng, x):
    reps = tuple(int(r) for r in rng.integers(1, 3, size=rng.integers(1, 3)))
    return {"reps": reps} if np.size(x) * np.prod(reps) <= 24 else None


def propose_repeat(rng, x):
    axis = random_axis(rng, np.ndim(x), allow_tuple=False)
    return {"repeats": 2, "axis": axis} if np.size(x) <= 12 else None


def propose_pad(rng, x):
    if np.ndim(x) == 0:
        return None
    return {"pad_width": tuple((int(a), int(b)) for a, b in rng.integers(0, 2, (np.ndim(x), 2)))}


def shape_op(name, propose):
    return OpKind(name, 1, propose, lambda B, x, **params: getattr(B, name)(x, **params))


SHAPES = [
    shape_op("reshape", propose_reshape),
    shape_op("transpose", propose_transpose),
    shape_op("expand_dims", propose_expand_dims),
    shape_op("squeeze", propose_squeeze),
    shape_op("broadcast_to", propose_broadcast_to),
    shape_op("flip", propose_flip),
    shape_op("roll", propose_roll),
    shape_op("getitem", propose_getitem),
    shape_op("take", propose_take),
    shape_op("tile", propose_tile),
    shape_op("repeat", propose_repeat),
    shape_op("pad", propose_pad),
]

__all__ = ["NORMALIZING", "REDUCTIONS", "SHAPES", "random_axis", "slices_of"]
