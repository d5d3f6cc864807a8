"""Op-table cases for chainrule.scipy.linalg (solve_triangular ... block_diag).

Inputs stay where the derivative exists: well-conditioned triangles, positive-definite matrices
for the Cholesky factor, A and −B with no eigenvalue in common for the Sylvester equation,
distinct eigenvalues for eigh. The factorizations read one triangle of A: their cases pass
non-symmetric A, so that the gradient's flowing into that triangle alone is checked too.
Eigenvectors have arbitrary signs: their cases check sign-free functions of them. Stacks of
matrices are SciPy's own batching (SciPy 1.16 and later): their cases run there.
"""

import importlib.util

import numpy as np

from tests.ops.optable import OpCase, rand

CASES = []
if importlib.util.find_spec("scipy") is not None:
    import scipy

    from chainrule.ops.contraction import matmul
    from chainrule.scipy import linalg
    from chainrule.scipy.linalg import matrix_functions

    def well_conditioned(*shape, seed=0):
        return rand(*shape, low=-1.0, high=1.0, seed=seed) + 4 * np.eye(shape[-1])

    def positive_definite(*shape, seed=0):
        a = rand(*shape, low=-1.0, high=1.0, seed=seed)
        return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])

    def lopsided(*shape, seed=0):
        # Positive definite in either triangle, with the other triangle different.
        return positive_definite(*shape, seed=seed) + np.tril(rand(*shape, seed=seed + 1), -1)

    def distinct_spectrum(*shape, seed=3):
        n = shape[-1]
        q, _ = np.linalg.qr(rand(*shape, seed=seed))
        return (q * np.arange(1.0, n + 1)) @ np.swapaxes(q, -1, -2) + 0.05 * rand(*shape, seed=4)

    def projectors(a, b=None, **options):
        values, vectors = linalg.eigh(a, b, **options)
        return vectors * vectors * values[..., None, :]

    def reconstruction(a, b=None, **options):
        values, vectors = linalg.eigh(a, b, **options)
        return matmul(vectors * (values * values)[..., None, :], vectors.mT)

    def factor_triangle(a, lower):
        # cho_factor's other triangle holds leftovers of A without derivative: read the factor.
        c, lower = linalg.cho_factor(a, lower=lower)
        return c * (np.tri(a.shape[-1]) if lower else np.tri(a.shape[-1]).T)

    def cho_solve_of(a, b, lower=False):
        return linalg.cho_solve(linalg.cho_factor(a, lower=lower), b)

    def lu_solve_of(a, b, trans=0):
        return linalg.lu_solve(linalg.lu_factor(a), b, trans=trans)

    CASES = [
        OpCase("solve_triangular", linalg.solve_triangular,
               (well_conditioned(3, 3), rand(3, 2)), "upper, matrix b"),
        OpCase("solve_triangular", lambda a, b: linalg.solve_triangular(a, b, lower=True),
               (well_conditioned(3, 3), rand(3)), "lower, vector b"),
        OpCase("solve_triangular", lambda a, b: linalg.solve_triangular(a, b, trans="T"),
               (well_conditioned(3, 3), rand(3, 2)), "trans='T'"),
        OpCase("solve_triangular",
               lambda a, b: linalg.solve_triangular(a, b, trans=1, lower=True,
                                                    unit_diagonal=True),
               (rand(3, 3), rand(3)), "trans=1, lower, unit diagonal"),
        OpCase("solve_triangular", lambda a, b: linalg.solve_triangular(a, b, trans=2),
               (well_conditioned(2, 3, 3), rand(2, 3, 1)), "batch, trans=2"),
        OpCase("solve_triangular", linalg.solve_triangular,
               (well_conditioned(3, 3), rand(3, 0)), "empty b"),
        OpCase("scipy_cholesky", linalg.cholesky, (lopsided(3, 3),), "upper"),
        OpCase("scipy_cholesky", lambda a: linalg.cholesky(a, lower=True), (lopsided(3, 3),),
               "lower", covers=("scipy_cholesky", "solve_triangular")),
        OpCase("scipy_cholesky", lambda a: linalg.cholesky(a, lower=True),
               (lopsided(2, 3, 3),), "batch"),
        OpCase("cho_factor", lambda a: factor_triangle(a, False), (lopsided(3, 3),), "upper"),
        OpCase("cho_factor", lambda a: factor_triangle(a, True), (lopsided(3, 3),), "lower"),
        OpCase("cho_solve", cho_solve_of, (lopsided(3, 3), rand(3, 2)), "upper, matrix b",
               covers=("cho_solve", "cho_factor")),
        OpCase("cho_solve", lambda a, b: cho_solve_of(a, b, lower=True),
               (lopsided(3, 3), rand(3)), "lower, vector b", covers=("cho_solve", "cho_factor")),
        OpCase("cho_solve", lambda a, b: cho_solve_of(a, b, lower=True),
               (lopsided(2, 3, 3), rand(2, 3, 2)), "batch"),
        OpCase("lu_factor", lambda a: linalg.lu_factor(a)[0], (rand(3, 3),), "3x3"),
        OpCase("lu_factor", lambda a: linalg.lu_factor(a)[0], (rand(2, 3, 3),), "batch"),
        OpCase("lu_solve", lu_solve_of, (rand(3, 3), rand(3, 2)), "matrix b",
               covers=("lu_solve", "lu_factor")),
        OpCase("lu_solve", lambda a, b: lu_solve_of(a, b, trans=1), (rand(3, 3), rand(3)),
               "trans=1, vector b"),
        OpCase("lu_solve", lambda a, b: lu_solve_of(a, b, trans=2),
               (rand(2, 3, 3), rand(2, 3, 1)), "batch, trans=2"),
        OpCase("expm", linalg.expm, (rand(3, 3, low=-1.0, high=1.0),), "3x3",
               covers=("expm", "expm_frechet")),
        OpCase("expm", linalg.expm, (rand(2, 2, 2, low=-1.0, high=1.0),), "batch"),
        # expm's rules reach its Fréchet derivative; here it is checked (and explained) itself.
        OpCase("expm_frechet", matrix_functions._expm_frechet_op,
               (rand(2, 2, low=-1.0, high=1.0), rand(2, 2, seed=1)), "2x2"),
        OpCase("sqrtm", linalg.sqrtm, (positive_definite(3, 3),), "positive definite",
               covers=("sqrtm", "solve_sylvester")),
        OpCase("sqrtm", linalg.sqrtm, (positive_definite(3, 3) + 0.5 * rand(3, 3),),
               "non-symmetric"),
        OpCase("sqrtm", linalg.sqrtm, (positive_definite(2, 2, 2),), "batch"),
        OpCase("solve_sylvester", linalg.solve_sylvester,
               (well_conditioned(3, 3), well_conditioned(2, 2, seed=1), rand(3, 2)), "3x2"),
        OpCase("solve_sylvester", linalg.solve_sylvester,
               (well_conditioned(2, 2, 2), well_conditioned(2, 2, 2, seed=1), rand(2, 2, 2)),
               "batch"),
        OpCase("block_diag", linalg.block_diag, (rand(2, 3), rand(), rand(2)),
               "matrix, 0-d, 1-d", covers=("pad", "concatenate")),
        OpCase("block_diag", linalg.block_diag, (rand(2, 2), rand(0, 2), rand(1, 1)),
               "empty block", covers=("pad", "concatenate")),
        OpCase("scipy_eigh", projectors, (distinct_spectrum(3, 3),), "v * v * w"),
        OpCase("scipy_eigh", lambda a: projectors(a, lower=False), (distinct_spectrum(3, 3),),
               "upper"),
        OpCase("scipy_eigh", lambda a: projectors(a + np.tril(rand(3, 3), -1)),
               (distinct_spectrum(3, 3),), "non-symmetric a"),
        OpCase("scipy_eigh", projectors, (distinct_spectrum(3, 3), lopsided(3, 3)),
               "generalized"),
        OpCase("scipy_eigh", lambda a, b: reconstruction(a, b, lower=False),
               (distinct_spectrum(2, 3, 3), lopsided(2, 3, 3)), "generalized, upper, batch"),
        OpCase("scipy_eigh", lambda a, b: projectors(a, b, driver="gv"),
               (distinct_spectrum(3, 3), lopsided(3, 3)), "driver gv"),
        OpCase("scipy_eigh", lambda a, b: projectors(a, b, type=2),
               (distinct_spectrum(3, 3), lopsided(3, 3)), "type 2",
               covers=("scipy_eigh", "solve")),
        OpCase("scipy_eigh", lambda a, b: reconstruction(a, b, type=3, lower=False),
               (distinct_spectrum(3, 3), lopsided(3, 3)), "type 3, upper"),
        OpCase("scipy_eigh", lambda a, b: projectors(a, b, type=3, subset_by_index=[1, 2]),
               (distinct_spectrum(3, 3), lopsided(3, 3)), "type 3, subset_by_index"),
        OpCase("scipy_eigvalsh", lambda a, b: linalg.eigh(a, b, type=2, eigvals_only=True),
               (distinct_spectrum(3, 3), lopsided(3, 3)), "type 2"),
        OpCase("scipy_eigvalsh", lambda a: linalg.eigh(a, eigvals_only=True),
               (distinct_spectrum(3, 3),), "eigvals_only", covers=("scipy_eigvalsh", "scipy_eigh")),
        OpCase("scipy_eigvalsh", lambda a, b: linalg.eigh(a, b, lower=False, eigvals_only=True),
               (distinct_spectrum(3, 3), lopsided(3, 3)), "generalized, upper"),
        OpCase("scipy_eigvalsh",
               lambda a: linalg.eigh(a, eigvals_only=True, subset_by_index=[1, 2]),
               (distinct_spectrum(3, 3),), "subset_by_index"),
        OpCase("scipy_eigh", lambda a, b: projectors(a, b, subset_by_index=[0, 1]),
               (distinct_spectrum(3, 3), lopsided(3, 3)), "generalized, subset_by_index"),
        OpCase("scipy_eigh", lambda a: projectors(a, lower=False, subset_by_value=[1.5, 3.5]),
               (distinct_spectrum(3, 3),), "upper, subset_by_value"),
    ]
    if tuple(int(part) for part in scipy.__version__.split(".")[:2]) < (1, 16):
        CASES = [case for case in CASES if "batch" not in case.label]
