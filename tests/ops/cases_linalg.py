"""Op-table cases for contractions and linear algebra (matmul ... svd).

Inputs stay where the derivative exists: well-conditioned matrices for inv, solve and det,
symmetric positive-definite ones for cholesky, distinct eigen- and singular values for eigh and
svd. eigh, cholesky and friends read one triangle of A, so their cases pass a symmetrized A.
Eigen- and singular vectors have arbitrary signs: their cases check sign-free functions of them.
"""

import numpy as np

from chainrule import linalg
from chainrule.ops.contraction import dot, einsum, inner, matmul, outer, tensordot, trace, vdot
from tests.ops.optable import OpCase, rand


def well_conditioned(*shape, seed=0):
    return rand(*shape, low=-1.0, high=1.0, seed=seed) + 4 * np.eye(shape[-1])


def positive_definite(*shape, seed=0):
    a = rand(*shape, low=-1.0, high=1.0, seed=seed)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def distinct_spectrum(*shape):
    # Q·diag(1, 2, ..., n)·Qᵀ plus a small symmetric perturbation: eigenvalues at least ~1 apart.
    n = shape[-1]
    q, _ = np.linalg.qr(rand(*shape, seed=3))
    return (q * np.arange(1.0, n + 1)) @ np.swapaxes(q, -1, -2) + 0.05 * rand(*shape, seed=4)


def symmetrized(a):
    return (a + a.mT) * 0.5


def eigenvector_projectors(a):
    _, vectors = linalg.eigh(symmetrized(a))
    return vectors * vectors


def eigen_reconstruction(a):
    values, vectors = linalg.eigh(symmetrized(a))
    return matmul(vectors * (values * values)[..., None, :], vectors.mT)


def singular_vector_products(a):
    u, s, vh = linalg.svd(a, full_matrices=False)
    return matmul(u * (s * s)[..., None, :], vh) + matmul(u[..., :1], vh[..., :1, :])


def right_vector_squares(a):
    _, _, vh = linalg.svd(a, full_matrices=False)
    return vh * vh


CONTRACTION_CASES = [
    OpCase("matmul", matmul, (rand(3, 4), rand(4, 2)), "matrices"),
    OpCase("matmul", matmul, (rand(4), rand(4)), "vector @ vector"),
    OpCase("matmul", matmul, (rand(4), rand(4, 2)), "vector @ matrix"),
    OpCase("matmul", matmul, (rand(3, 4), rand(4)), "matrix @ vector"),
    OpCase("matmul", matmul, (rand(4), rand(2, 4, 3)), "vector @ batch"),
    OpCase("matmul", matmul, (rand(2, 3, 4), rand(4)), "batch @ vector"),
    OpCase("matmul", matmul, (rand(2, 1, 3, 4), rand(3, 4, 2)), "broadcast batches"),
    OpCase("matmul", matmul, (rand(3, 0), rand(0, 2)), "empty inner axis"),
    OpCase("matmul", lambda x: matmul(x, x), (rand(3, 3),), "x @ x"),
    OpCase("dot", dot, (rand(3), rand(3)), "vectors", covers=("matmul",)),
    OpCase("dot", dot, (rand(), rand(3)), "0-d", covers=("multiply",)),
    OpCase("dot", dot, (rand(2, 3), rand(4, 3, 2)), "matrix . 3-d", covers=("matmul",)),
    OpCase("vdot", vdot, (rand(2, 3), rand(3, 2)), "flattened", covers=("matmul",)),
    OpCase("inner", inner, (rand(2, 3), rand(4, 3)), "matrices", covers=("matmul",)),
    OpCase("inner", inner, (rand(2, 3), rand(3)), "matrix, vector", covers=("matmul",)),
    OpCase("outer", outer, (rand(2, 2), rand(3)), "flattened", covers=("multiply",)),
    OpCase("tensordot", tensordot, (rand(2, 3, 4), rand(3, 4, 2)), "axes=2", covers=("matmul",)),
    OpCase("tensordot", lambda x, y: tensordot(x, y, axes=([1, 0], [0, 2])),
           (rand(3, 2, 4), rand(2, 5, 3)), "axis pairs", covers=("matmul",)),
    OpCase("tensordot", lambda x, y: tensordot(x, y, axes=0), (rand(2), rand(3)), "axes=0",
           covers=("matmul",)),
    OpCase("trace", trace, (rand(3, 3),), "square"),
    OpCase("trace", lambda x: trace(x, 1, 2, 0), (rand(3, 2, 4),), "offset 1, axes (2, 0)"),
    OpCase("trace", lambda x: trace(x, -1), (rand(3, 4),), "offset -1"),
    OpCase("trace", trace, (rand(0, 3),), "empty"),
    OpCase("einsum", lambda x, y: einsum("ij,jk->ik", x, y), (rand(2, 3), rand(3, 4)), "matmul"),
    OpCase("einsum", lambda x: einsum("ii", x), (rand(3, 3),), "trace (implicit)"),
    OpCase("einsum", lambda x: einsum("ii->i", x), (rand(3, 3),), "diagonal"),
    OpCase("einsum", lambda x: einsum("iii->i", x), (rand(2, 2, 2),), "triple diagonal"),
    OpCase("einsum", lambda x, y: einsum("iij,k->jk", x, y), (rand(3, 3, 2), rand(2)),
           "diagonal and outer"),
    OpCase("einsum", lambda x: einsum("ij->", x), (rand(3, 2),), "sum to 0-d"),
    OpCase("einsum", lambda x, y: einsum("...ij,...jk", x, y), (rand(2, 1, 2, 3), rand(4, 3, 2)),
           "ellipsis broadcast"),
    OpCase("einsum", lambda x, y, z: einsum("ij,jk,kl->il", x, y, z),
           (rand(2, 3), rand(3, 4), rand(4, 2)), "three operands"),
    OpCase("einsum", lambda x, y: einsum("ij,ij->i", x, y), (rand(1, 3), rand(2, 3)),
           "size-1 broadcast"),
    OpCase("einsum", lambda x, y: einsum("i,i", x, y), (rand(0), rand(0)), "empty"),
]

LINALG_CASES = [
    OpCase("l2_norm", linalg.norm, (rand(4),), "vector"),
    OpCase("l2_norm", lambda x: linalg.norm(x, axis=1, keepdims=True), (rand(3, 4),), "axis"),
    OpCase("l2_norm", lambda x: linalg.norm(x, "fro"), (rand(3, 4),), "fro"),
    OpCase("l2_norm", linalg.norm, (rand(2, 0),), "empty"),
    OpCase("norm", lambda x: linalg.norm(x, 1), (rand(4),), "ord 1", covers=("abs", "sum")),
    OpCase("norm", lambda x: linalg.norm(x, np.inf), (rand(4),), "ord inf", covers=("max",)),
    OpCase("norm", lambda x: linalg.norm(x, -np.inf), (rand(4),), "ord -inf", covers=("min",)),
    OpCase("norm", lambda x: linalg.norm(x, 3, axis=0), (rand(4, 2),), "ord 3",
           covers=("power",)),
    OpCase("norm", lambda x: linalg.norm(x, "nuc"), (rand(3, 4),), "nuclear",
           covers=("svdvals",)),
    OpCase("norm", lambda x: linalg.norm(x, 2, axis=(2, 0), keepdims=True), (rand(3, 2, 4),),
           "spectral, axes (2, 0)", covers=("svdvals",)),
    OpCase("norm", lambda x: linalg.norm(x, -np.inf), (rand(3, 4),), "matrix -inf",
           covers=("min",)),
    OpCase("inv", linalg.inv, (well_conditioned(3, 3),), "3x3"),
    OpCase("inv", linalg.inv, (well_conditioned(2, 3, 3),), "batch"),
    OpCase("inv", linalg.inv, (well_conditioned(0, 2, 2),), "empty batch"),
    OpCase("det", linalg.det, (well_conditioned(3, 3),), "3x3", covers=("det", "cofactor")),
    OpCase("det", linalg.det, (well_conditioned(2, 3, 3),), "batch", covers=("det", "cofactor")),
    OpCase("det", linalg.det, (rand(1, 1),), "1x1", covers=("det", "cofactor")),
    OpCase("slogdet", lambda x: linalg.slogdet(x)[1], (well_conditioned(3, 3),), "3x3"),
    OpCase("slogdet", lambda x: linalg.slogdet(-x)[1], (well_conditioned(2, 3, 3),),
           "batch, negative det"),
    OpCase("solve", linalg.solve, (well_conditioned(3, 3), rand(3)), "vector b"),
    OpCase("solve", linalg.solve, (well_conditioned(3, 3), rand(3, 2)), "matrix b"),
    OpCase("solve", linalg.solve, (well_conditioned(2, 3, 3), rand(3, 2)), "batch a"),
    OpCase("solve", linalg.solve, (well_conditioned(3, 3), rand(2, 3, 2)), "batch b"),
    OpCase("solve", linalg.solve, (well_conditioned(2, 3, 3), rand(3)), "batch a, vector b"),
    OpCase("cholesky", lambda x: linalg.cholesky(symmetrized(x)), (positive_definite(3, 3),),
           "3x3"),
    OpCase("cholesky", lambda x: linalg.cholesky(symmetrized(x)),
           (positive_definite(2, 3, 3),), "batch"),
    OpCase("cholesky", linalg.cholesky, (positive_definite(3, 3) + np.triu(rand(3, 3), 1),),
           "reads the lower triangle of a non-symmetric A"),
    OpCase("cholesky", lambda x: linalg.cholesky(x, upper=True),
           (positive_definite(2, 3, 3) + np.tril(rand(3, 3), -1),), "upper=True, batch"),
    OpCase("eigvalsh", lambda x: linalg.eigvalsh(symmetrized(x)), (distinct_spectrum(3, 3),),
           "3x3", covers=("eigvalsh", "eigh")),
    OpCase("eigh", eigenvector_projectors, (distinct_spectrum(3, 3),), "v * v"),
    OpCase("eigh", eigen_reconstruction, (distinct_spectrum(2, 3, 3),),
           "V diag(w²) Vᵀ, batch", covers=("eigh", "eigvalsh")),
    OpCase("svdvals", linalg.svdvals, (rand(3, 4),), "wide", covers=("svdvals", "svd")),
    OpCase("svdvals", linalg.svdvals, (rand(2, 4, 3),), "tall batch"),
    OpCase("svd", singular_vector_products, (rand(4, 3),), "tall"),
    OpCase("svd", singular_vector_products, (rand(2, 3, 4),), "wide batch"),
    OpCase("svd", right_vector_squares, (rand(3, 3),), "square"),
]

CASES = CONTRACTION_CASES + LINALG_CASES
