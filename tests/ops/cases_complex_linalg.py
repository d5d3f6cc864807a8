"""Op-table cases for the Hermitian decompositions and their kin in complex128: cholesky, eigh,
eigvalsh, svd, svdvals, the svd-based matrix norms and slogdet.

Inputs stay where the derivative exists: Hermitian positive-definite matrices for cholesky,
distinct eigen- and singular values for eigh and svd, invertible matrices for slogdet. cholesky
and eigh read one triangle of A (the other is its conjugate mirror image), so their cases pass
either the Hermitian part of A or a non-Hermitian A whose unread triangle must get no gradient.
An eigenvector's phase, and the joint phase of a pair of singular vectors, is arbitrary: the
vectors' cases check phase-free functions of them (|vᵢⱼ|², V·diag(f(λ))·Vᴴ, U·diag(f(s))·Vh).
"""

import numpy as np

import chainrule as cr
from chainrule import linalg
from chainrule.ops.contraction import matmul
from chainrule.ops.elementwise import arithmetic, complex_parts
from tests.ops.cases_complex import crand
from tests.ops.optable import OpCase


def hermitian_part(a):
    return (a + complex_parts.conj(a).mT) * 0.5


def conj_transpose(a):
    return complex_parts.conj(a).mT


def positive_definite(*shape, seed=0):
    a = crand(*shape, low=-1.0, high=1.0, seed=seed)
    return a @ np.conj(np.swapaxes(a, -1, -2)) + shape[-1] * np.eye(shape[-1])


def distinct_spectrum(*shape, seed=0):
    # Q·diag(1, 2, ..., n)·Qᴴ (Q unitary) plus a small perturbation: eigenvalues ~1 apart.
    n = shape[-1]
    q, _ = np.linalg.qr(crand(*shape, seed=seed + 3))
    base = (q * np.arange(1.0, n + 1)) @ np.conj(np.swapaxes(q, -1, -2))
    return base + 0.05 * crand(*shape, seed=seed + 4)


def eigenvector_moduli(a, UPLO="L"):  # noqa: N803 -- NumPy's argument name
    _, vectors = linalg.eigh(a, UPLO=UPLO)
    return arithmetic.abs(vectors) ** 2


def eigen_reconstruction(a):
    values, vectors = linalg.eigh(hermitian_part(a))
    return matmul(vectors * (values * values)[..., None, :], conj_transpose(vectors))


def singular_reconstruction(a):
    u, s, vh = linalg.svd(a, full_matrices=False)
    return matmul(u * (s * s)[..., None, :], vh) + matmul(u[..., :1], vh[..., :1, :])


def singular_vector_moduli(a):
    u, _, vh = linalg.svd(a, full_matrices=False)
    return cr.concatenate([cr.ravel(arithmetic.abs(u) ** 2), cr.ravel(arithmetic.abs(vh) ** 2)])


def determinant(a):
    sign, logabsdet = linalg.slogdet(a)
    return sign * cr.exp(logabsdet)


CHOLESKY = [
    OpCase("cholesky", lambda a: linalg.cholesky(hermitian_part(a)), (positive_definite(3, 3),),
           "complex, Hermitian"),
    OpCase("cholesky", lambda a: linalg.cholesky(hermitian_part(a)),
           (positive_definite(2, 3, 3, seed=1),), "complex, batch"),
    OpCase("cholesky", linalg.cholesky,
           (positive_definite(3, 3, seed=2) + np.triu(crand(3, 3, seed=3), 1),),
           "complex, reads the lower triangle of a non-Hermitian A"),
    OpCase("cholesky", lambda a: linalg.cholesky(a, upper=True),
           (positive_definite(2, 3, 3, seed=4) + np.tril(crand(3, 3, seed=5), -1),),
           "complex, upper=True, batch"),
    OpCase("cholesky", linalg.cholesky, (positive_definite(1, 1, seed=6),), "complex, 1x1"),
]

EIGH = [
    OpCase("eigh", lambda a: linalg.eigh(hermitian_part(a))[0], (distinct_spectrum(3, 3),),
           "complex, values"),
    OpCase("eigh", lambda a: eigenvector_moduli(hermitian_part(a)),
           (distinct_spectrum(3, 3, seed=1),), "complex, |v|²"),
    OpCase("eigh", eigen_reconstruction, (distinct_spectrum(2, 3, 3, seed=2),),
           "complex, V·diag(λ²)·Vᴴ, batch"),
    OpCase("eigh", eigenvector_moduli, (distinct_spectrum(3, 3, seed=3),),
           "complex, |v|², reads the lower triangle of a non-Hermitian A"),
    OpCase("eigh", lambda a: eigenvector_moduli(a, UPLO="U"), (distinct_spectrum(3, 3, seed=4),),
           "complex, |v|², UPLO='U'"),
    OpCase("eigvalsh", lambda a: linalg.eigvalsh(hermitian_part(a)),
           (distinct_spectrum(3, 3, seed=5),), "complex", covers=("eigvalsh", "eigh")),
    OpCase("eigvalsh", linalg.eigvalsh, (distinct_spectrum(2, 3, 3, seed=6),),
           "complex, non-Hermitian A, batch", covers=("eigvalsh", "eigh")),
    OpCase("eigvalsh", lambda a: linalg.eigvalsh(a, UPLO="U") ** 2,
           (distinct_spectrum(3, 3, seed=7),), "complex, UPLO='U', squared",
           covers=("eigvalsh", "eigh")),
]

SVD = [
    OpCase("svd", lambda a: linalg.svd(a, full_matrices=False)[1], (crand(3, 3, seed=20),),
           "complex, values"),
    OpCase("svd", singular_reconstruction, (crand(3, 3, seed=21),), "complex, U·diag(s²)·Vh"),
    OpCase("svd", singular_reconstruction, (crand(4, 2, seed=22),), "complex, tall"),
    OpCase("svd", singular_reconstruction, (crand(2, 2, 4, seed=23),), "complex, wide batch"),
    OpCase("svd", singular_vector_moduli, (crand(3, 3, seed=24),), "complex, |u|² and |vh|²"),
    OpCase("svd", singular_vector_moduli, (crand(4, 3, seed=25),), "complex, tall, |u|², |vh|²"),
    OpCase("svd", singular_vector_moduli, (crand(2, 4, seed=26),), "complex, wide, |u|², |vh|²"),
    OpCase("svdvals", linalg.svdvals, (crand(3, 4, seed=27),), "complex, wide",
           covers=("svdvals", "svd")),
    OpCase("svdvals", linalg.svdvals, (crand(2, 4, 3, seed=28),), "complex, tall batch",
           covers=("svdvals", "svd")),
    OpCase("norm", lambda a: linalg.norm(a, 2), (crand(3, 4, seed=29),), "complex, spectral",
           covers=("svdvals", "max")),
    OpCase("norm", lambda a: linalg.norm(a, -2), (crand(3, 3, seed=30),),
           "complex, smallest singular value", covers=("svdvals", "min")),
    OpCase("norm", lambda a: linalg.norm(a, "nuc", axis=(2, 0), keepdims=True),
           (crand(3, 2, 4, seed=31),), "complex, nuclear, axes (2, 0)", covers=("svdvals",)),
]

SLOGDET = [
    OpCase("slogdet_complex", lambda a: linalg.slogdet(a)[1],
           (crand(3, 3, seed=40) + 3 * np.eye(3),), "log|det A|"),
    OpCase("slogdet_complex", lambda a: linalg.slogdet(a)[0], (crand(3, 3, seed=41),), "sign"),
    OpCase("slogdet_complex", determinant, (crand(2, 3, 3, seed=42),),
           "sign·exp(log|det A|), batch", covers=("slogdet_complex", "exp")),
    OpCase("slogdet_complex", lambda a: linalg.slogdet(a)[0], (crand(1, 1, seed=43),), "1x1"),
]

EMPTY = [
    OpCase("cholesky", linalg.cholesky, (np.zeros((0, 2, 2), complex),), "complex, empty batch"),
    OpCase("eigh", lambda a: eigenvector_moduli(a), (np.zeros((0, 3, 3), complex),),
           "complex, empty batch"),
    OpCase("eigvalsh", linalg.eigvalsh, (np.zeros((2, 0, 0), complex),), "complex, 0x0 matrices",
           covers=("eigvalsh", "eigh")),
    OpCase("svdvals", linalg.svdvals, (np.zeros((0, 3, 2), complex),), "complex, empty batch",
           covers=("svdvals", "svd")),
    OpCase("slogdet_complex", lambda a: linalg.slogdet(a)[0], (np.zeros((0, 2, 2), complex),),
           "empty batch"),
]

CASES = CHOLESKY + EIGH + SVD + SLOGDET + EMPTY
