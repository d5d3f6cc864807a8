"""Sample strategies for reductions, statistics and cumulative ops, with axis and keepdims drawn.

max, min and std get pairwise distinct values (no ties, nonzero spread); ops undefined on an
empty slice (mean, max, min, var, std, logsumexp) reduce only axes of nonzero size.
"""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

import chainrule as cr
from tests.reliability.strategies import (
    ANYWHERE,
    Distinct,
    Interval,
    Sample,
    axes_of,
    reduced_axes,
    shapes,
    size_of,
    spell,
)

# name: (function, domain, the least size of a reduced slice).
REDUCTIONS = {
    "sum": (cr.sum, ANYWHERE, 0),
    "mean": (cr.mean, ANYWHERE, 1),
    "prod": (cr.prod, Interval(-1.5, 1.5), 0),
    "max": (cr.max, Distinct(), 1),
    "min": (cr.min, Distinct(), 1),
    "logsumexp": (cr.logsumexp, Interval(-4.0, 4.0), 1),
}


@st.composite
def reduction_sample(draw, name):
    fn, domain, least = REDUCTIONS[name]
    shape = draw(shapes())
    eligible = [a for a, side in enumerate(shape) if side >= least]
    axis = draw(axes_of(len(shape), eligible=eligible))
    keepdims = draw(st.booleans())
    x = draw(domain.arrays(shape))
    return Sample(
        name,
        lambda x: fn(x, axis=axis, keepdims=keepdims),
        (x,),
        spell(name, "x", axis=axis, keepdims=keepdims),
        linear=name in ("sum", "mean"),
    )


@st.composite
def statistics_sample(draw, name):
    """var and std: ddof below the slice size; std only where the spread is nonzero (n ≥ 2)."""
    shape = draw(shapes())
    eligible = [a for a, side in enumerate(shape) if side >= 1]
    axis = draw(axes_of(len(shape), eligible=eligible))
    count = size_of([shape[a] for a in reduced_axes(axis, len(shape))])
    # std′ is infinite where a slice has one value (zero spread); an empty output has no slice.
    assume(name == "var" or count >= 2 or size_of(shape) == 0)
    ddof = draw(st.integers(0, max(0, min(1, count - 1))))
    keepdims = draw(st.booleans())
    fn, domain = (cr.std, Distinct()) if name == "std" else (cr.var, ANYWHERE)
    x = draw(domain.arrays(shape))
    return Sample(
        name,
        lambda x: fn(x, axis=axis, ddof=ddof, keepdims=keepdims),
        (x,),
        spell(name, "x", axis=axis, ddof=ddof, keepdims=keepdims),
    )


@st.composite
def cumulative_sample(draw, name):
    shape = draw(shapes())
    axis = draw(axes_of(len(shape), allow_tuple=False)) if shape else None
    fn = cr.cumsum if name == "cumsum" else cr.cumprod
    domain = ANYWHERE if name == "cumsum" else Interval(-1.5, 1.5)
    x = draw(domain.arrays(shape))
    return Sample(
        name,
        lambda x: fn(x, axis=axis),
        (x,),
        spell(name, "x", axis=axis),
        linear=name == "cumsum",
    )


def reduction_samples():
    """{label: strategy of Sample} for every reduction."""
    samples = {name: reduction_sample(name) for name in REDUCTIONS}
    samples.update({name: statistics_sample(name) for name in ("var", "std")})
    samples.update({name: cumulative_sample(name) for name in ("cumsum", "cumprod")})
    return samples


__all__ = ["REDUCTIONS", "reduction_samples"]
