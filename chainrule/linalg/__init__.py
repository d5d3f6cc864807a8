"""Linear algebra with derivatives, as ``numpy.linalg``: norms, inverses and solves,
determinants, and the Cholesky, symmetric eigen- and singular value decompositions."""

from chainrule.linalg.decompositions import cholesky
from chainrule.linalg.determinants import SlogdetResult, det, slogdet
from chainrule.linalg.inverse import inv, solve
from chainrule.linalg.norms import norm
from chainrule.linalg.spectral import EighResult, SVDResult, eigh, eigvalsh, svd, svdvals

__all__ = [
    "EighResult", "SVDResult", "SlogdetResult", "cholesky", "det", "eigh", "eigvalsh", "inv",
    "norm", "slogdet", "solve", "svd", "svdvals",
]
