"""Op-table cases for the distribution functions of chainrule.scipy.stats (the regularized
incomplete gamma and beta functions, Student's t), in their point; the shape parameters, in
which they are not differentiable, are held constant (see tests/scipy/test_stats.py)."""

import numpy as np

from chainrule.scipy.stats import distribution_functions as f
from tests.ops.optable import OpCase, rand

CASES = [
    OpCase("gammainc", lambda x: f.gammainc(2.5, x), (rand(3, 4, low=0.2, high=5.0),),
           "a constant"),
    OpCase("gammainc", lambda x: f.gammainc(np.array([0.5, 1.0, 4.0]), x),
           (rand(2, 1, low=0.2, high=5.0),), "a an array, broadcast"),
    OpCase("gammainc", lambda x: f.gammainc(1.5, x), (rand(low=0.2, high=5.0),), "0-d"),
    OpCase("gammaincc", lambda x: f.gammaincc(2.5, x), (rand(3, 4, low=0.2, high=5.0),),
           "a constant"),
    OpCase("gammaincc", lambda x: f.gammaincc(3.0, x), (rand(0, 2, low=0.2, high=5.0),),
           "empty"),
    OpCase("betainc", lambda x: f.betainc(2.5, 1.5, x), (rand(3, 4, low=0.05, high=0.95),),
           "a, b constant"),
    OpCase("betainc", lambda x: f.betainc(np.array([0.5, 3.0]), 2.0, x),
           (rand(3, 1, low=0.05, high=0.95),), "a an array, broadcast"),
    OpCase("betaincc", lambda x: f.betaincc(2.5, 1.5, x), (rand(3, 4, low=0.05, high=0.95),),
           "a, b constant"),
    OpCase("stdtr", lambda t: f.stdtr(3.5, t), (rand(3, 4, low=-4.0, high=4.0),),
           "df constant"),
    OpCase("stdtr", lambda t: f.stdtr(np.array([1.0, 40.0, 1e6]), t),
           (rand(2, 1, low=-4.0, high=4.0),), "df an array up to 1e6, broadcast"),
]
