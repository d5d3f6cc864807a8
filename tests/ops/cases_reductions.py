"""Op-table cases for reductions, statistics and cumulative ops (sum ... cumprod).

Inputs of max and min have distinct values and those of std a nonzero spread: finite
differences are wrong at ties and kinks. prod and cumprod are polynomials, so zeros are fine.
"""

import chainrule as cr
from chainrule.ops.cumulative import cumprod, cumsum
from chainrule.ops.statistics import logsumexp, std, var
from tests.ops.optable import OpCase, rand


def with_zeros(values, *positions):
    values = values.copy()
    for position in positions:
        values[position] = 0.0
    return values


SUM_CASES = [
    OpCase("sum", lambda x: cr.sum(x), (rand(),), "0-d"),
    OpCase("sum", lambda x: cr.sum(x), (rand(5),), "vector"),
    OpCase("sum", lambda x: cr.sum(x, axis=0), (rand(3, 4),), "axis 0"),
    OpCase("sum", lambda x: cr.sum(x, axis=-1, keepdims=True), (rand(3, 4),), "axis -1 keepdims"),
    OpCase("sum", lambda x: cr.sum(x, axis=(0, 2)), (rand(2, 3, 4),), "axes (0, 2)"),
    OpCase("sum", lambda x: cr.sum(x, axis=()), (rand(2, 3),), "no axes"),
    OpCase("sum", lambda x: cr.sum(x), (rand(0),), "empty"),
    OpCase("sum", lambda x: cr.sum(x, axis=1), (rand(3, 0),), "empty slices"),
    OpCase("sum", lambda x, y: cr.sum(x * y, axis=1), (rand(3, 4), rand(4)), "broadcast product"),
]

MEAN_CASES = [
    OpCase("mean", lambda x: cr.mean(x), (rand(),), "0-d"),
    OpCase("mean", lambda x: cr.mean(x, axis=(0, 1), keepdims=True), (rand(3, 4),),
           "axes (0, 1) keepdims"),
    OpCase("mean", lambda x: cr.mean(x, axis=-2), (rand(2, 3, 4),), "axis -2"),
    OpCase("mean", lambda x: cr.mean(x, axis=0), (rand(2, 0),), "empty"),
]

PROD_CASES = [
    OpCase("prod", lambda x: cr.prod(x), (rand(),), "0-d"),
    OpCase("prod", lambda x: cr.prod(x), (rand(5),), "vector"),
    OpCase("prod", lambda x: cr.prod(x), (with_zeros(rand(4), 1),), "one zero"),
    OpCase("prod", lambda x: cr.prod(x), (with_zeros(rand(4), 0, 2),), "two zeros"),
    OpCase("prod", lambda x: cr.prod(x, axis=1), (with_zeros(rand(3, 4), (0, 2)),), "axis 1"),
    OpCase("prod", lambda x: cr.prod(x, axis=-3), (rand(3, 2, 2),), "axis -3"),
    OpCase("prod", lambda x: cr.prod(x, axis=(2, 0), keepdims=True), (rand(2, 3, 2),),
           "axes (2, 0) keepdims"),
    OpCase("prod", lambda x: cr.prod(x), (rand(0),), "empty"),
    OpCase("prod", lambda x: cr.prod(x, axis=0), (rand(0, 3),), "empty slices"),
]

def reducing(op, **kwargs):
    return lambda x: op(x, **kwargs)


EXTREMUM_CASES = [
    OpCase(name, reducing(op, **kwargs), (rand(*shape, seed=seed),), label)
    for name, op, seed in (("max", cr.max, 1), ("min", cr.min, 2))
    for shape, kwargs, label in (
        ((), {}, "0-d"),
        ((5,), {}, "vector"),
        ((3, 4), {"axis": 0}, "axis 0"),
        ((3, 4), {"axis": (0, 1), "keepdims": True}, "axes (0, 1) keepdims"),
        ((2, 3, 4), {"axis": -1}, "axis -1"),
        ((0, 3), {"axis": 1}, "empty"),
    )
]

STATISTICS_CASES = [
    OpCase("var", lambda x: var(x), (rand(5),), "vector", covers=("mean", "sum", "square")),
    OpCase("var", lambda x: var(x, axis=0, ddof=1), (rand(4, 3),), "axis 0 ddof 1",
           covers=("mean", "sum", "square")),
    OpCase("var", lambda x: var(x, axis=(0, 2), keepdims=True), (rand(2, 3, 2),),
           "axes (0, 2) keepdims", covers=("mean", "sum", "square")),
    OpCase("std", lambda x: std(x, axis=1), (rand(3, 4),), "axis 1", covers=("mean", "l2_norm")),
    OpCase("std", lambda x: std(x, ddof=1), (rand(6),), "ddof 1", covers=("mean", "l2_norm")),
    OpCase("logsumexp", lambda x: logsumexp(x), (rand(),), "0-d"),
    OpCase("logsumexp", lambda x: logsumexp(x), (rand(5),), "vector"),
    OpCase("logsumexp", lambda x: logsumexp(x, axis=1), (rand(3, 4),), "axis 1"),
    OpCase("logsumexp", lambda x: logsumexp(x, axis=(0, 2), keepdims=True), (rand(2, 3, 2),),
           "axes (0, 2) keepdims"),
    OpCase("logsumexp", lambda x: logsumexp(x), (rand(4, low=999.0, high=1001.0),), "near 1000"),
    OpCase("logsumexp", lambda x: logsumexp(x), (rand(4, low=-1001.0, high=-999.0),),
           "near -1000"),
    OpCase("logsumexp", lambda x: logsumexp(x, axis=1), (rand(0, 3),), "empty"),
]

CUMULATIVE_CASES = [
    OpCase("cumsum", lambda x: cumsum(x), (rand(),), "0-d"),
    OpCase("cumsum", lambda x: cumsum(x), (rand(5),), "vector"),
    OpCase("cumsum", lambda x: cumsum(x, axis=0), (rand(3, 4),), "axis 0"),
    OpCase("cumsum", lambda x: cumsum(x, axis=-1), (rand(2, 3, 4),), "axis -1"),
    OpCase("cumsum", lambda x: cumsum(x), (rand(2, 3),), "flattened"),
    OpCase("cumsum", lambda x: cumsum(x, axis=1), (rand(2, 0),), "empty"),
    OpCase("cumprod", lambda x: cumprod(x), (rand(),), "0-d"),
    OpCase("cumprod", lambda x: cumprod(x), (rand(9, low=0.5, high=1.5),), "length 9"),
    OpCase("cumprod", lambda x: cumprod(x), (with_zeros(rand(6), 2),), "one zero"),
    OpCase("cumprod", lambda x: cumprod(x), (with_zeros(rand(5), 1, 3),), "two zeros"),
    OpCase("cumprod", lambda x: cumprod(x, axis=0), (rand(4, 3),), "axis 0"),
    OpCase("cumprod", lambda x: cumprod(x, axis=-1), (rand(2, 3, 4),), "axis -1"),
    OpCase("cumprod", lambda x: cumprod(x), (rand(2, 3),), "flattened"),
    OpCase("cumprod", lambda x: cumprod(x, axis=0), (rand(0, 2),), "empty"),
]

CASES = (
    SUM_CASES + MEAN_CASES + PROD_CASES + EXTREMUM_CASES + STATISTICS_CASES + CUMULATIVE_CASES
)
