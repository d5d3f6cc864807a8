"""The building blocks of the property tests: shapes, values inside an op's domain, and Sample.

Shapes are small (at most 12 entries) and include 0-d, size-1 and empty ones; values stay inside
each op's domain and clear of its kinks, where finite differences are wrong. Every op's strategy
(see samples_*.py) draws a :class:`Sample`: the call, its arguments and what the call was.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

MAX_SIZE = 12


@dataclass(frozen=True)
class Sample:
    """One call of one op: ``fn(*args)`` differentiated w.r.t. every argument in ``args``.

    ``call`` spells the call with its static parameters, for failure reports. ``linear`` marks
    ops whose Jacobian is constant: their gradient check squares the result so that the second
    order is not trivially zero.
    """

    op: str
    fn: Callable = field(repr=False)
    args: tuple
    call: str
    linear: bool = False
    order: int = 2

    def __repr__(self):
        shapes = ", ".join(str(a.shape) for a in self.args)
        values = ", ".join(np.array2string(a, precision=17, separator=", ") for a in self.args)
        return f"<{self.call} on shapes {shapes}: {values}>"


def size_of(shape):
    return math.prod(shape)


@functools.cache
def shapes(min_dims=0, max_dims=3, min_side=0, max_side=3):
    """Shapes with at most MAX_SIZE entries: 0-d, size-1 and empty ones included."""
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    ).filter(lambda s: size_of(s) <= MAX_SIZE)


@functools.cache
def broadcast_shapes(count=2, max_dims=3, min_side=0):
    """``count`` shapes that broadcast together (as tuples), their result at most MAX_SIZE."""
    return (
        hnp.mutually_broadcastable_shapes(
            num_shapes=count, min_dims=0, max_dims=max_dims, min_side=min_side, max_side=3
        )
        .filter(lambda b: size_of(b.result_shape) <= MAX_SIZE)
        .map(lambda b: b.input_shapes)
    )


@dataclass(frozen=True)
class Interval:
    """Values in [low, high], pushed at least ``margin`` away from each of ``kinks``."""

    low: float = -2.0
    high: float = 2.0
    kinks: tuple = ()
    margin: float = 0.25

    def arrays(self, shape):
        return cached_arrays(self, shape)

    def build(self, shape):
        elements = st.floats(self.low, self.high, allow_nan=False, allow_subnormal=False)
        return hnp.arrays(np.float64, shape, elements=elements).map(self.clear)

    def clear(self, x):
        x = np.array(x, dtype=np.float64)
        for kink in self.kinks:
            near = np.abs(x - kink) < self.margin
            x[near] = kink + self.margin * np.where(x[near] >= kink, 1.0, -1.0)
        return x


@dataclass(frozen=True)
class Distinct:
    """Pairwise distinct values at least ``spacing`` apart (no ties for max, min, std, sort)."""

    low: float = -2.0
    spacing: float = 0.3

    def arrays(self, shape):
        return cached_arrays(self, shape)

    def build(self, shape):
        n = size_of(shape)
        order = st.permutations(range(n))
        return order.map(lambda p: self.low + self.spacing * np.reshape(np.array(p, float), shape))


@dataclass(frozen=True)
class Grid:
    """Values ``offset + step·k`` for integers k in [-count, count]: two grids that never meet
    (odd and even multiples of a quarter) keep maximum and minimum clear of ties."""

    offset: float
    step: float = 0.5
    count: int = 4

    def arrays(self, shape):
        return cached_arrays(self, shape)

    def build(self, shape):
        ks = hnp.arrays(np.int64, shape, elements=st.integers(-self.count, self.count))
        return ks.map(lambda k: self.offset + self.step * k.astype(np.float64))


@functools.cache
def cached_arrays(domain, shape):
    """One strategy per domain and shape: building strategies is what costs in a draw."""
    return domain.build(shape)


ANYWHERE = Interval()
AWAY_FROM_ZERO = Interval(kinks=(0.0,), margin=0.3)


def axes_of(ndim, *, allow_none=True, allow_tuple=True, eligible=None):
    """An axis argument for an array of ``ndim`` dimensions: None, an int or a tuple of ints.

    Negative axes are drawn as often as positive ones. ``eligible`` limits which axes may be
    reduced (e.g. only those of nonzero size); None is then allowed only when all are.
    """
    eligible = tuple(range(ndim)) if eligible is None else tuple(eligible)
    return _axes_of(ndim, allow_none, allow_tuple, eligible)


@functools.cache
def _axes_of(ndim, allow_none, allow_tuple, eligible):
    choices = []
    if allow_none and len(eligible) == ndim:
        choices.append(st.none())
    if eligible:
        choices.append(st.sampled_from(eligible).flatmap(lambda a: signed_axis(a, ndim)))
    if allow_tuple:
        choices.append(
            st.lists(st.sampled_from(eligible), unique=True, max_size=len(eligible)).flatmap(
                lambda axes: st.tuples(*[signed_axis(a, ndim) for a in axes])
            )
            if eligible
            else st.just(())
        )
    return st.one_of(*choices)


@functools.cache
def signed_axis(axis, ndim):
    return st.sampled_from([axis, axis - ndim])


def reduced_axes(axis, ndim):
    """The non-negative axes an ``axis`` argument reduces."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(sorted(a % ndim for a in axis))


def spell(op, *names, **params):
    """``op(x, y, axis=1)``: the call as a string, for failure reports."""
    arguments = [*names, *(f"{k}={v!r}" for k, v in params.items())]
    return f"{op}({', '.join(arguments)})"


__all__ = [
    "ANYWHERE",
    "AWAY_FROM_ZERO",
    "MAX_SIZE",
    "Distinct",
    "Grid",
    "Interval",
    "Sample",
    "axes_of",
    "broadcast_shapes",
    "reduced_axes",
    "shapes",
    "signed_axis",
    "size_of",
    "spell",
]
