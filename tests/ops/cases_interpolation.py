"""Op-table cases for interp: piecewise linear in x, and in the knots and values of the piece
each x falls in. The points stay clear of the knots, where the slope jumps."""

import numpy as np

import chainrule as cr
from tests.ops.optable import OpCase

KNOTS = np.array([0.0, 1.0, 3.0, 4.5])
VALUES = np.array([0.0, 2.0, 3.0, -1.0])
POINTS = np.array([0.2, 1.3, 2.5, 4.0])
COMPOSED = ("getitem", "where", "subtract", "divide", "multiply", "add")

CASES = [
    OpCase("interp", lambda x, xp, fp: cr.interp(x, xp, fp) ** 2, (POINTS, KNOTS, VALUES),
           "in x, xp and fp", covers=COMPOSED),
    OpCase("interp", lambda x, fp: cr.sin(cr.interp(x, KNOTS, fp, left=-3.0, right=fp[1])),
           (np.array([[-1.0, 0.5], [6.0, 3.5]]), VALUES), "past both ends, 2-d x",
           covers=COMPOSED),
]
