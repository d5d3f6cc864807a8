"""Op-table cases for shape, indexing and joining ops: the primitives and the ops built on them.

Most of these ops are linear, so each case squares (or takes the sine of) the result: then the
gradient depends on x and the second-order check runs the adjoints' own rules too.
Boolean masks are fixed NumPy arrays: a mask computed from x would move under finite differences.
"""

import numpy as np

import chainrule as cr
from chainrule.ops import indexing, joining, shape
from tests.ops.optable import OpCase, rand

MASK = np.array(
    [[True, False, True, False], [False, False, True, True], [True, True, False, False]]
)
ROWS = np.array([True, False, True])


def sq(t):
    return t * t


CASES = [
    # reshape, and the ops composed from it
    OpCase("reshape", lambda x: sq(shape.reshape(x, (2, 6))), (rand(3, 4),), "3x4 to 2x6"),
    OpCase("reshape", lambda x: sq(shape.reshape(x, (-1, 2))), (rand(2, 3),), "-1 entry"),
    OpCase("reshape", lambda x: sq(shape.reshape(x, (4, 3), order="F")), (rand(3, 4),), "order F"),
    OpCase("reshape", lambda x: sq(shape.reshape(x, (1, 1))), (rand(),), "0-d to 1x1"),
    OpCase("reshape", lambda x: sq(shape.reshape(x, ())), (rand(1, 1),), "1x1 to 0-d"),
    OpCase("reshape", lambda x: sq(shape.reshape(x, (3, 0))), (rand(0, 3),), "empty"),
    OpCase("ravel", lambda x: cr.sin(shape.ravel(x)), (rand(2, 3),), covers=("reshape",)),
    OpCase("squeeze", lambda x: sq(shape.squeeze(x, -1)), (rand(3, 1),), "axis -1",
           covers=("reshape",)),
    OpCase("squeeze", lambda x: sq(shape.squeeze(x)), (rand(1, 2, 1),), "all size-1 axes",
           covers=("reshape",)),
    OpCase("expand_dims", lambda x: sq(shape.expand_dims(x, (0, -1))), (rand(2, 3),),
           "two new axes", covers=("reshape",)),
    # broadcast_to
    OpCase("broadcast_to", lambda x: sq(shape.broadcast_to(x, (2, 3))), (rand(3),), "new axis"),
    OpCase("broadcast_to", lambda x: sq(shape.broadcast_to(x, (2, 3, 4))), (rand(3, 1),),
           "new and stretched axes"),
    OpCase("broadcast_to", lambda x: sq(shape.broadcast_to(x, (2, 2))), (rand(),), "0-d"),
    OpCase("broadcast_to", lambda x: sq(shape.broadcast_to(x, (2, 0))), (rand(1),), "empty"),
    # transpose, and the ops composed from it
    OpCase("transpose", lambda x: sq(shape.transpose(x)), (rand(2, 3),), "2-d default"),
    OpCase("transpose", lambda x: sq(shape.transpose(x, (2, 0, 1))), (rand(2, 3, 2),), "3-d axes"),
    OpCase("transpose", lambda x: sq(shape.transpose(x, (-1, 0, 1))), (rand(2, 1, 3),),
           "negative axis"),
    OpCase("transpose", lambda x: sq(shape.transpose(x)), (rand(),), "0-d"),
    OpCase("transpose", lambda x: sq(shape.transpose(x)), (rand(0, 2),), "empty"),
    OpCase("swapaxes", lambda x: sq(shape.swapaxes(x, 0, -1)), (rand(2, 1, 3),),
           covers=("transpose",)),
    OpCase("moveaxis", lambda x: sq(shape.moveaxis(x, (0, 1), (-1, 0))), (rand(2, 3, 2),),
           covers=("transpose",)),
    # getitem: basic, advanced, boolean and mixed indices
    OpCase("getitem", lambda x: sq(x[1]), (rand(3, 2),), "int"),
    OpCase("getitem", lambda x: sq(x[-1, ::-2]), (rand(3, 5),), "negative index and step"),
    OpCase("getitem", lambda x: sq(x[..., None, 1:]), (rand(2, 3),), "Ellipsis and None"),
    OpCase("getitem", lambda x: sq(x[[0, 0, 2]]), (rand(3),), "repeated indices"),
    OpCase("getitem", lambda x: sq(x[[0, 2, 0], [1, 1, 1]]), (rand(3, 2),),
           "repeated index pairs"),
    OpCase("getitem", lambda x: sq(x[1:, [0, 0]]), (rand(3, 2),), "slice and repeated indices"),
    OpCase("getitem", lambda x: sq(x[[1, 1], :, [0, 2]]), (rand(2, 2, 3),),
           "advanced indices split by a slice"),
    OpCase("getitem", lambda x: sq(x[MASK]), (rand(3, 4),), "boolean mask"),
    OpCase("getitem", lambda x: sq(x[ROWS, 1:]), (rand(3, 4),), "boolean rows and a slice"),
    OpCase("getitem", lambda x: sq(x[ROWS, [3, 3]]), (rand(3, 4),), "boolean rows and indices"),
    OpCase("getitem", lambda x: sq(x[()]), (rand(),), "0-d"),
    OpCase("getitem", lambda x: sq(x[[]]), (rand(3),), "empty index"),
    OpCase("getitem", lambda x: sq(x[1:, 2:]), (rand(0, 2),), "empty input"),
    OpCase("take", lambda x: sq(indexing.take(x, [2, -1, 2])), (rand(2, 2),), "flattened",
           covers=("getitem",)),
    OpCase("take", lambda x: sq(indexing.take(x, [1, 1], axis=-1)), (rand(3, 2),), "axis -1",
           covers=("getitem",)),
    # scatter, getitem's adjoint
    OpCase("scatter", lambda v: sq(indexing.scatter(v, (4,), [0, 0, 3])), (rand(3),),
           "repeated indices"),
    OpCase("scatter", lambda v: sq(indexing.scatter(v, (3, 4), MASK)), (rand(6),), "boolean mask"),
    OpCase("scatter", lambda v: sq(indexing.scatter(v, (3, 2), (slice(None), 1))), (rand(3),),
           "column"),
    OpCase("scatter", lambda v: sq(indexing.scatter(v, (), ())), (rand(),), "0-d"),
    # concatenate, and the ops composed from it
    OpCase("concatenate", lambda a, b, c: sq(joining.concatenate([a, b, c])),
           (rand(2, 3), rand(1, 3), rand(2, 3, seed=1)), "three inputs"),
    OpCase("concatenate", lambda a, b: sq(joining.concatenate([a, b], axis=-1)),
           (rand(2, 1), rand(2, 3)), "axis -1"),
    OpCase("concatenate", lambda a, b: sq(joining.concatenate([a, b], axis=None)),
           (rand(2, 2), rand(3)), "flattened"),
    OpCase("concatenate", lambda a, b: sq(joining.concatenate([a, b])), (rand(0, 2), rand(2, 2)),
           "an empty piece"),
    OpCase("concatenate", lambda a: sq(joining.concatenate([a, np.ones((1, 2)), a])),
           (rand(2, 2),), "a constant and the same input twice"),
    OpCase("stack", lambda a, b: sq(joining.stack([a, b])), (rand(), rand(seed=1)), "0-d",
           covers=("concatenate", "reshape")),
    OpCase("stack", lambda a, b: sq(joining.stack([a, b], axis=-1)), (rand(2, 3), rand(2, 3)),
           "axis -1", covers=("concatenate", "reshape")),
    OpCase("split", lambda x: joining.concatenate(
        [p * (k + 1) for k, p in enumerate(joining.split(sq(x), [1, 3], axis=1))], axis=1),
        (rand(2, 4),), "at indices", covers=("getitem", "concatenate")),
    OpCase("split", lambda x: joining.stack([p * (k + 1) for k, p in enumerate(
        joining.split(sq(x), 3))]), (rand(6),), "equal pieces", covers=("getitem",)),
    OpCase("flip", lambda x: sq(indexing.flip(x)), (rand(2, 3),), "all axes", covers=("getitem",)),
    OpCase("flip", lambda x: sq(indexing.flip(x, -1)), (rand(2, 3),), "axis -1",
           covers=("getitem",)),
    OpCase("roll", lambda x: sq(joining.roll(x, 2)), (rand(2, 3),), "flattened",
           covers=("getitem", "reshape")),
    OpCase("roll", lambda x: sq(joining.roll(x, (1, -1), axis=(0, 1))), (rand(2, 3),),
           "two axes", covers=("getitem",)),
    OpCase("tile", lambda x: sq(joining.tile(x, (2, 1, 2))), (rand(2, 3),), "more reps than axes",
           covers=("reshape", "broadcast_to")),
    OpCase("tile", lambda x: sq(joining.tile(x, 3)), (rand(),), "0-d",
           covers=("reshape", "broadcast_to")),
    OpCase("repeat", lambda x: sq(joining.repeat(x, 2, axis=0)), (rand(2, 3),), "one count",
           covers=("reshape", "broadcast_to")),
    OpCase("repeat", lambda x: sq(joining.repeat(x, [2, 0, 1], axis=-1)), (rand(2, 3),),
           "a count per entry", covers=("getitem",)),
    # pad
    OpCase("pad", lambda x: sq(joining.pad(x, ((1, 0), (2, 1)))), (rand(2, 3),), "per axis"),
    OpCase("pad", lambda x: sq(joining.pad(x, 1, constant_values=1.5)), (rand(3),),
           "nonzero constant"),
    OpCase("pad", lambda x: sq(joining.pad(x, 2)), (rand(),), "0-d"),
    OpCase("pad", lambda x: sq(joining.pad(x, 1)), (rand(0, 2),), "empty"),
    OpCase("pad", lambda x: sq(joining.pad(x, (2, 3), mode="reflect")), (rand(3),), "reflect",
           covers=("getitem",)),
    OpCase("pad", lambda x: sq(joining.pad(x, ((1, 1), (0, 2)), mode="edge")), (rand(2, 2),),
           "edge", covers=("getitem",)),
    OpCase("pad", lambda x: sq(joining.pad(x, (4, 1), mode="symmetric")), (rand(2),), "symmetric",
           covers=("getitem",)),
    OpCase("pad", lambda x: sq(joining.pad(x, (1, 5), mode="wrap")), (rand(2),), "wrap",
           covers=("getitem",)),
]
