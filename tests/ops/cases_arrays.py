"""Op-table cases for the array-manipulation ops: triangles and diagonals, stacking and splitting,
sorting, turning, select, linspace and einsum's sublist form.

All of them are compositions, so each case names the primitives underneath in ``covers``. As
in cases_shape, most results are squared (or passed through sin) so that the second-order check
runs the adjoints' own rules. Conditions are fixed NumPy arrays, which finite differences leave
alone; sorted inputs have no ties, so a small step never reorders them.
"""

import numpy as np

import chainrule as cr
from tests.ops.optable import OpCase, rand


def sq(t):
    return t * t


def weighted(pieces):
    """The pieces of a split, each scaled by its position, joined flat: one output."""
    return cr.concatenate([cr.ravel(p) * (k + 1) for k, p in enumerate(pieces)])


COND = np.array([[True, False, True], [False, False, True]])
OTHER = np.array([[True, True, False], [False, True, True]])
# Weights that tell an output's positions apart, so that a wrong order changes the gradient.
# Module constants rather than built in each case: the backend test moves them with the inputs.
BY_POSITION_2, BY_POSITION_3, BY_POSITION_4, BY_POSITION_6 = (
    np.arange(float(n)) for n in (2, 3, 4, 6))
BY_RANK = np.arange(1.0, 6.0)

TRIANGLES = [
    OpCase("tril", lambda x: sq(cr.tril(x)), (rand(3, 3),), "square", covers=("where",)),
    OpCase("tril", lambda x: sq(cr.tril(x, k=-1)), (rand(2, 3, 4),), "batched, k -1",
           covers=("where",)),
    OpCase("tril", lambda x: sq(cr.tril(x, 1)), (rand(3),), "1-d becomes a matrix",
           covers=("where",)),
    OpCase("tril", lambda x: sq(cr.tril(x)), (rand(0, 3),), "empty", covers=("where",)),
    OpCase("triu", lambda x: sq(cr.triu(x, 1)), (rand(3, 4),), "k 1", covers=("where",)),
    OpCase("triu", lambda x: sq(cr.triu(x, k=-2)), (rand(2, 4, 3),), "batched, k -2",
           covers=("where",)),
    OpCase("diagonal", lambda x: sq(cr.diagonal(x)), (rand(3, 4),), "main",
           covers=("getitem",)),
    OpCase("diagonal", lambda x: sq(cr.diagonal(x, 1, -1, 0)), (rand(3, 2, 4),),
           "offset, negative axis", covers=("getitem", "transpose")),
    OpCase("diagonal", lambda x: sq(cr.diagonal(x, offset=-2, axis1=1, axis2=2)),
           (rand(2, 4, 3),), "below, batched", covers=("getitem", "transpose")),
    OpCase("diagonal", lambda x: sq(cr.diagonal(x, 5)), (rand(2, 3),), "past the edge: empty",
           covers=("getitem",)),
    OpCase("diag", lambda x: sq(cr.diag(x)), (rand(3),), "vector to matrix",
           covers=("scatter",)),
    OpCase("diag", lambda x: sq(cr.diag(x, k=-2)), (rand(2),), "vector below the diagonal",
           covers=("scatter",)),
    OpCase("diag", lambda x: sq(cr.diag(x, 1)), (rand(3, 4),), "matrix to vector",
           covers=("getitem",)),
    OpCase("diag", lambda x: sq(cr.diag(x)), (rand(0),), "empty", covers=("scatter",)),
    OpCase("diagflat", lambda x: sq(cr.diagflat(x, 1)), (rand(2, 2),), "2-d flattened",
           covers=("scatter", "reshape")),
    OpCase("diagflat", lambda x: sq(cr.diagflat(x)), (rand(),), "0-d",
           covers=("scatter", "reshape")),
]

STACKS = [
    OpCase("vstack", lambda a, b, c: sq(cr.vstack([a, b, c])),
           (rand(3), rand(2, 3), rand(3, seed=1)), "1-d and 2-d", covers=("concatenate",)),
    OpCase("vstack", lambda a, b: sq(cr.vstack((a, b))), (rand(), rand(seed=1)), "0-d",
           covers=("concatenate", "reshape")),
    OpCase("vstack", lambda a: sq(cr.vstack([a, np.ones(2)], dtype=np.float64)), (rand(2),),
           "a constant, dtype", covers=("concatenate",)),
    OpCase("row_stack", lambda a, b: sq(cr.row_stack([a, b])), (rand(2, 2), rand(1, 2)),
           covers=("concatenate",)),
    OpCase("hstack", lambda a, b: sq(cr.hstack([a, b])), (rand(2), rand(3)), "1-d",
           covers=("concatenate",)),
    OpCase("hstack", lambda a, b: sq(cr.hstack([a, b])), (rand(2, 1, 2), rand(2, 3, 2)), "3-d",
           covers=("concatenate",)),
    OpCase("hstack", lambda a, b: sq(cr.hstack([a, b])), (rand(), rand(0)), "0-d and empty",
           covers=("concatenate", "reshape")),
    OpCase("dstack", lambda a, b: sq(cr.dstack([a, b])), (rand(3), rand(3)), "1-d",
           covers=("concatenate", "reshape")),
    OpCase("dstack", lambda a, b: sq(cr.dstack([a, b])), (rand(2, 2), rand(2, 2, 3)),
           "2-d and 3-d", covers=("concatenate", "reshape")),
    OpCase("column_stack", lambda a, b, c: sq(cr.column_stack([a, b, c])),
           (rand(3), rand(3, 2), rand(3, seed=1)), covers=("concatenate", "reshape")),
    OpCase("column_stack", lambda a: sq(cr.column_stack([a])), (rand(),), "0-d",
           covers=("concatenate", "reshape")),
    OpCase("append", lambda a, b: sq(cr.append(a, b)), (rand(2, 2), rand(3)), "flattened",
           covers=("concatenate", "reshape")),
    OpCase("append", lambda a, b: sq(cr.append(a, b, axis=-2)), (rand(2, 3), rand(1, 3)),
           "axis -2", covers=("concatenate",)),
    OpCase("append", lambda a: sq(cr.append(a, [1.0, 2.0])), (rand(),), "0-d and a list",
           covers=("concatenate", "reshape")),
    OpCase("atleast_1d", lambda a: sq(cr.atleast_1d(a)), (rand(),), "0-d", covers=("reshape",)),
    OpCase("atleast_2d", lambda a, b: sq(cr.concatenate(cr.atleast_2d(a, b))),
           (rand(3), rand(2, 3)), "two inputs", covers=("reshape", "concatenate")),
    OpCase("atleast_3d", lambda a: sq(cr.atleast_3d(a)), (rand(2, 3),), "2-d",
           covers=("reshape",)),
    OpCase("atleast_3d", lambda a: sq(cr.atleast_3d(a)), (rand(),), "0-d", covers=("reshape",)),
]

SPLITS = [
    OpCase("array_split", lambda x: weighted(cr.array_split(sq(x), 3)), (rand(7),),
           "unequal sections", covers=("getitem", "concatenate")),
    OpCase("array_split", lambda x: weighted(cr.array_split(sq(x), [1, -1], axis=-1)),
           (rand(2, 4),), "indices, axis -1", covers=("getitem", "concatenate")),
    OpCase("array_split", lambda x: weighted(cr.array_split(sq(x), 3)), (rand(2, 2),),
           "more sections than rows: an empty piece", covers=("getitem", "concatenate")),
    OpCase("vsplit", lambda x: weighted(cr.vsplit(sq(x), 2)), (rand(4, 2),),
           covers=("getitem", "concatenate")),
    OpCase("hsplit", lambda x: weighted(cr.hsplit(sq(x), [1])), (rand(2, 3),), "2-d",
           covers=("getitem", "concatenate")),
    OpCase("hsplit", lambda x: weighted(cr.hsplit(sq(x), 2)), (rand(4),), "1-d",
           covers=("getitem", "concatenate")),
    OpCase("dsplit", lambda x: weighted(cr.dsplit(sq(x), [1, 2])), (rand(1, 2, 3),),
           covers=("getitem", "concatenate")),
]

SORTS = [
    OpCase("sort", lambda x: sq(cr.sort(x)) * BY_RANK, (rand(5),), "1-d",
           covers=("getitem",)),
    OpCase("sort", lambda x: cr.sin(cr.sort(x, axis=0, kind="heapsort")), (rand(3, 2),),
           "axis 0, kind", covers=("getitem",)),
    OpCase("sort", lambda x: sq(cr.sort(x, axis=None)) * BY_POSITION_6, (rand(2, 3),),
           "flattened", covers=("getitem", "reshape")),
    OpCase("sort", lambda x: sq(cr.sort(x, -2, stable=True)), (rand(2, 3, 2),),
           "3-d, axis -2", covers=("getitem",)),
    OpCase("sort", lambda x: sq(cr.sort(x)), (rand(2, 0),), "empty", covers=("getitem",)),
    OpCase("partition", lambda x: sq(cr.partition(x, 2)) * BY_RANK, (rand(5),),
           "1-d", covers=("getitem",)),
    OpCase("partition", lambda x: cr.sin(cr.partition(x, [0, -1], axis=0)), (rand(4, 2),),
           "kth sequence, axis 0", covers=("getitem",)),
    OpCase("partition", lambda x: sq(cr.partition(x, 3, axis=None)) * BY_POSITION_6,
           (rand(3, 2),), "flattened", covers=("getitem", "reshape")),
]

TURNS = [
    OpCase("flipud", lambda x: sq(cr.flipud(x)) * BY_POSITION_3, (rand(3),),
           covers=("getitem",)),
    OpCase("fliplr", lambda x: sq(cr.fliplr(x)) * BY_POSITION_3, (rand(2, 3),),
           covers=("getitem",)),
    OpCase("rot90", lambda x: sq(cr.rot90(x)) * BY_POSITION_2, (rand(2, 3),), "once",
           covers=("getitem", "transpose")),
    OpCase("rot90", lambda x: sq(cr.rot90(x, 2, (1, 2))) * BY_POSITION_3, (rand(2, 4, 3),),
           "twice, axes", covers=("getitem",)),
    OpCase("rot90", lambda x: sq(cr.rot90(x, -1, axes=(-1, 0))) * BY_POSITION_2,
           (rand(2, 3),), "k -1, negative axes", covers=("getitem", "transpose")),
    OpCase("rot90", lambda x: sq(cr.rot90(x, 4)) * BY_POSITION_3, (rand(2, 3),), "k 4",
           covers=("getitem",)),
    OpCase("rollaxis", lambda x: sq(cr.rollaxis(x, -1)) * BY_POSITION_3, (rand(4, 3, 2),),
           covers=("transpose",)),
    OpCase("rollaxis", lambda x: sq(cr.rollaxis(x, 0, 3)) * BY_POSITION_4, (rand(4, 3, 2),),
           "start at the end", covers=("transpose",)),
]

CHOICES = [
    OpCase("select", lambda a, b, d: sq(cr.select([COND, OTHER], [a, b], d)),
           (rand(2, 3), rand(2, 3), rand(2, 3, seed=1)), "two choices and a default",
           covers=("where",)),
    OpCase("select", lambda a, b: sq(cr.select([COND, OTHER[0]], [a, b])), (rand(3), rand()),
           "broadcast, number default", covers=("where",)),
    OpCase("select", lambda a: sq(cr.select([COND], [a], default=a * 2)), (rand(2, 1),),
           "one input twice", covers=("where", "multiply")),
]

RANGES = [
    OpCase("linspace", lambda a, b: sq(cr.linspace(a, b, 5)), (rand(), rand(seed=1)),
           "0-d endpoints", covers=("subtract", "divide", "multiply", "add", "where")),
    OpCase("linspace", lambda a, b: sq(cr.linspace(a, b, 4, axis=-1)),
           (rand(2, 1), rand(3, seed=1)), "broadcast array endpoints, axis -1",
           covers=("subtract", "divide", "multiply", "add", "where", "transpose")),
    OpCase("linspace", lambda a, b: sq(cr.linspace(a, b, num=3, endpoint=False)),
           (rand(2), rand(2, seed=1)), "no endpoint",
           covers=("subtract", "divide", "multiply", "add")),
    OpCase("linspace", lambda a, b: sq(cr.linspace(a, b, 1)), (rand(), rand(seed=1)),
           "one value", covers=("subtract", "multiply", "add")),
    OpCase("linspace", lambda a: sq(cr.linspace(a, 2.0, 3, retstep=True)[1]), (rand(),),
           "retstep", covers=("subtract", "divide")),
    OpCase("linspace", lambda a, b: sq(cr.linspace(a, b, 0)), (rand(), rand(seed=1)),
           "empty", covers=("subtract", "multiply", "add")),
]

SUBLISTS = [
    OpCase("einsum", lambda a, b: sq(cr.einsum(a, [0, 1], b, [1, 2], [0, 2])),
           (rand(2, 3), rand(3, 4)), "sublists", covers=("einsum",)),
    OpCase("einsum", lambda a: sq(cr.einsum(a, [40, 3, 40])), (rand(3, 2, 3),),
           "sublists, implicit output, repeated label", covers=("einsum",)),
    OpCase("einsum", lambda a, b: sq(cr.einsum(a, [Ellipsis, 0], b, [0], [Ellipsis])),
           (rand(2, 3, 4), rand(4)), "sublists with Ellipsis", covers=("einsum",)),
]

CASES = TRIANGLES + STACKS + SPLITS + SORTS + TURNS + CHOICES + RANGES + SUBLISTS
