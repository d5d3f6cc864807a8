"""Linear algebra with derivatives, as ``numpy.linalg``: norms, inverses and solves,
determinants, and the Cholesky, eigen- (general and symmetric) and singular value
decompositions."""

from chainrule.ops.linalg.decompositions import cholesky
from chainrule.ops.linalg.determinants import SlogdetResult, det, slogdet
from chainrule.ops.linalg.eigen import EigResult, eig, eigvals
from chainrule.ops.linalg.inverse import inv, solve
from chainrule.ops.linalg.norms import norm
from chainrule.ops.linalg.spectral import EighResult, SVDResult, eigh, eigvalsh, svd, svdvals

__all__ = [
    "EigResult", "EighResult", "SVDResult", "SlogdetResult", "cholesky", "det", "eig", "eigh",
    "eigvals", "eigvalsh", "inv",
    "norm", "slogdet", "solve", "svd", "svdvals",
]
