"""Op-table cases for arrays built from lists of tensors: cr.array and its NumPy spellings.

They stack (reshape + concatenate), so each case squares or takes the sine of the result: the
gradient then depends on the inputs and the second-order check runs the adjoints' rules too.
"""

import chainrule as cr
from tests.ops.optable import OpCase, rand

STACKED = ("reshape", "concatenate")

CASES = [
    OpCase("array", lambda x, y: cr.sin(cr.array([x, y, x * y])), (rand(), rand(seed=1)),
           "list of 0-d", covers=STACKED),
    OpCase("array", lambda x, y: cr.sin(cr.array([[x, 1.0], [y, x]])), (rand(), rand(seed=1)),
           "nested lists with constants", covers=STACKED),
    OpCase("array", lambda x: cr.sin(cr.array((x, x), ndmin=4)), (rand(2),), "tuple, ndmin",
           covers=STACKED),
    OpCase("asarray", lambda x, y: cr.sin(cr.asarray([x, y])), (rand(3), rand(3, seed=1)),
           covers=STACKED),
    OpCase("asanyarray", lambda x, y: cr.sin(cr.asanyarray([[x], [y]])), (rand(), rand(seed=1)),
           covers=STACKED),
    OpCase("ascontiguousarray", lambda x: cr.sin(cr.ascontiguousarray([x, x * x])), (rand(2),),
           covers=STACKED),
]
