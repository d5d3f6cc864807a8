"""Linear algebra with derivatives, as ``numpy.linalg``: norms, inverses and solves,
determinants, pseudo-inverses and least squares, products of matrices, the Cholesky, QR,
eigen- (general and symmetric) and singular value decompositions, and the array-API
functions."""

from chainrule.ops.creation import reading_lists
from chainrule.ops.linalg.decompositions import QRResult, cholesky, qr
from chainrule.ops.linalg.determinants import SlogdetResult, det, slogdet
from chainrule.ops.linalg.array_api import (
    cross, diagonal, matmul, matrix_transpose, outer, tensordot, trace, vecdot,
)
from chainrule.ops.linalg.conditioning import cond, matrix_rank
from chainrule.ops.linalg.inverse import inv, solve, tensorinv, tensorsolve
from chainrule.ops.linalg.least_squares import LstsqResult, lstsq, pinv
from chainrule.ops.linalg.norms import matrix_norm, norm, vector_norm
from chainrule.ops.linalg.products import matrix_power, multi_dot
from chainrule.ops.linalg.eigen import EigResult, eig, eigvals
from chainrule.ops.linalg.spectral import EighResult, SVDResult, eigh, eigvalsh, svd, svdvals

__all__ = [
    "EigResult", "EighResult", "SVDResult", "SlogdetResult", "cholesky", "det", "eig", "eigh",
    "eigvals", "eigvalsh", "inv",
    "norm", "slogdet", "solve", "svd", "svdvals",
    "LstsqResult", "QRResult", "cond", "cross", "diagonal", "lstsq", "matmul", "matrix_norm",
    "matrix_power", "matrix_rank", "matrix_transpose", "multi_dot", "outer", "pinv", "qr",
    "tensordot", "tensorinv", "tensorsolve", "trace", "vecdot", "vector_norm",
]

# A list of tensors given for a matrix means the array NumPy would make of it, as in chainrule.ops.
# multi_dot reads its sequence of matrices (of any shapes) itself.
globals().update(reading_lists(globals(), __all__, takes_sequences=("multi_dot",)))
