"""NumPy, differentiable: write ``import chainrule.numpy as np`` and keep writing NumPy.

Every name of ``numpy`` is here. The functions chainrule differentiates are chainrule's ops
(``np.sin`` runs :func:`chainrule.sin`; as a NumPy ufunc it keeps ``reduce``, ``accumulate`` and
``outer``); ``np.array``, ``np.asarray`` and every function given a list build one tensor from
lists that hold tensors (``np.array([x, y])`` differentiates, at any nesting, in both modes),
and so do ``np.r_`` and ``np.c_``; the rest is NumPy's own: constants and dtypes as they are,
functions through NumPy's dispatch, so a function chainrule cannot differentiate stops with an
error that names it rather than dropping a derivative. ``np.linalg`` is the same for
``numpy.linalg``; ``np.random`` is NumPy's.

With plain ``import numpy as np`` NumPy functions given tensors differentiate just as well; what
only this namespace can do is read lists of tensors (plain NumPy turns a list into an array
before chainrule sees it, so there it stops with an error instead).

Example:
    >>> import chainrule as cr
    >>> import chainrule.numpy as np
    >>> float(cr.grad(lambda x: np.sum(np.array([x, x ** 2]) * np.array([1.0, 10.0])))(3.0))
    61.0

"""

import numpy as _numpy

from chainrule import ops as _ops
from chainrule.numpy import linalg  # noqa: F401  (np.linalg)
from chainrule.numpy.index_tricks import c_, r_  # noqa: F401  (np.r_, np.c_)
from chainrule.numpy.namespace import differentiable_namespace

__getattr__, __dir__ = differentiable_namespace(globals(), _ops, _numpy)
