"""Op-table cases for the first derivatives of entr, rel_entr and kl_div, each one primitive
(the seed times the local derivative, for speed): entropies differentiated twice, and the
derivative primitives on their own, in the seed, x and y, and broadcast. (At x = 0 the slope
is infinite: its values, a zero seed giving 0, are tested in tests/scipy/test_special.py.)"""

import numpy as np

from chainrule.scipy import special
from chainrule.scipy.special import information
from tests.ops.optable import OpCase, rand

CASES = [
    OpCase("entr", special.entr, (rand(2, 3, low=0.1, high=2.0),), "second order",
           covers=("entr", "entr_derivative")),
    OpCase("entr_derivative", information._entr_derivative,
           (rand(2, 3), rand(2, 3, low=0.1, high=2.0)), "in the seed and x"),
    OpCase("entr_derivative", information._entr_derivative,
           (rand(3, 1), rand(4, low=0.1, high=2.0)), "broadcast"),
    *(OpCase(f"{name}_derivative", lambda s, x, y, op=op, wrt=wrt: op(wrt, s, x, y),
             (rand(2, 3), rand(2, 3, low=0.1, high=2.0), rand(2, 3, low=0.1, high=2.0)),
             f"in the seed, x and y, wrt={'xy'[wrt]}")
      for name, op in (("kl_div", information._kl_div_derivative),
                       ("rel_entr", information._rel_entr_derivative))
      for wrt in (0, 1)),
    *(OpCase(f"{name}_derivative", lambda s, x, op=op: op(0, s, x, np.array([1.5, 0.5])),
             (rand(3, 2), rand(3, 1, low=0.1, high=2.0)), "x broadcast, y constant")
      for name, op in (("kl_div", information._kl_div_derivative),
                       ("rel_entr", information._rel_entr_derivative))),
]
