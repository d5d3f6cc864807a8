"""SciPy's linear algebra, differentiable: values from ``scipy.linalg``, derivatives from
chainrule's rules."""

from chainrule.scipy.linalg.cholesky import cho_factor, cho_solve, cholesky
from chainrule.scipy.linalg.lu import lu_factor, lu_solve
from chainrule.scipy.linalg.matrix_functions import expm, solve_sylvester, sqrtm
from chainrule.scipy.linalg.special_matrices import block_diag
from chainrule.scipy.linalg.spectral import eigh
from chainrule.scipy.linalg.triangular import solve_triangular

__all__ = [
    "block_diag", "cho_factor", "cho_solve", "cholesky", "eigh", "expm", "lu_factor", "lu_solve",
    "solve_sylvester", "solve_triangular", "sqrtm",
]
