"""Op-table cases for the primitives the engine declares itself: in-place writes and inputs."""

import numpy as np

import chainrule as cr
from chainrule.transforms import as_input
from tests.ops.optable import OpCase, rand


def write_slice(x, value):
    y = x * cr.tensor(1.0)  # a tensor even when x is a plain array
    y[1:3] = value  # recorded as the functional setitem primitive
    return y


def write_repeated_rows(x, value):
    y = x * cr.tensor(1.0)  # a tensor even when x is a plain array
    y[np.array([0, 2])] = value * value
    return y


CASES = [
    OpCase("setitem", write_slice, (rand(4), rand(2)), "slice"),
    OpCase("setitem", write_slice, (rand(4), rand()), "broadcast scalar value"),
    OpCase("setitem", write_repeated_rows, (rand(3, 2), rand(2)), "advanced rows"),
    OpCase("input", lambda x: as_input(x) * cr.sin(x), (rand(3),), "identity node"),
]
