"""Linear algebra with derivatives, as ``numpy.linalg``: norms, inverses and solves,
determinants, and the Cholesky, symmetric eigen- and singular value decompositions."""

from chainrule.ops.creation import reading_lists
from chainrule.ops.linalg.decompositions import cholesky
from chainrule.ops.linalg.determinants import SlogdetResult, det, slogdet
from chainrule.ops.linalg.inverse import inv, solve
from chainrule.ops.linalg.norms import norm
from chainrule.ops.linalg.spectral import EighResult, SVDResult, eigh, eigvalsh, svd, svdvals

__all__ = [
    "EighResult", "SVDResult", "SlogdetResult", "cholesky", "det", "eigh", "eigvalsh", "inv",
    "norm", "slogdet", "solve", "svd", "svdvals",
]

# A list of tensors given for a matrix means the array NumPy would make of it, as in chainrule.ops.
globals().update(reading_lists(globals(), __all__))
