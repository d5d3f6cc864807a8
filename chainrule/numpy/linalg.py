"""``numpy.linalg``, differentiable: chainrule's :mod:`chainrule.linalg` where it has the
function, NumPy's otherwise (see :mod:`chainrule.numpy`).

Example:
    >>> import chainrule as cr
    >>> import chainrule.numpy as np
    >>> round(float(cr.grad(lambda x: np.linalg.det([[x, 1.0], [2.0, x]]))(3.0)), 12)
    6.0
"""

import numpy.linalg as _numpy_linalg

from chainrule import linalg as _linalg
from chainrule.numpy.namespace import differentiable_namespace

__getattr__, __dir__ = differentiable_namespace(globals(), _linalg, _numpy_linalg)
