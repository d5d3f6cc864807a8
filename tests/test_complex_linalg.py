"""The Hermitian decompositions on complex matrices (cholesky, eigh, eigvalsh, svd, svdvals,
slogdet and the svd-based norms): NumPy's values and dtypes, NumPy's dispatch, the one-triangle
rule and closed-form gradients. The rules themselves are gradchecked by the op table
(tests/ops/cases_complex_linalg.py)."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import linalg


def _complex(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


def _hermitian_positive_definite(n, seed=0):
    a = _complex(n, n, seed=seed)
    return a @ a.conj().T + n * np.eye(n)


A = _complex(3, 3, seed=1)
H = _hermitian_positive_definite(3, seed=2)
TALL = _complex(4, 3, seed=3)

VALUES = [
    ("cholesky", lambda m: linalg.cholesky(m), lambda m: np.linalg.cholesky(m), H),
    ("cholesky upper", lambda m: linalg.cholesky(m, upper=True),
     lambda m: np.linalg.cholesky(m, upper=True), H),
    ("eigh", lambda m: linalg.eigh(m), lambda m: np.linalg.eigh(m), H),
    ("eigh U", lambda m: linalg.eigh(m, UPLO="U"), lambda m: np.linalg.eigh(m, UPLO="U"), H),
    ("eigvalsh", lambda m: linalg.eigvalsh(m), lambda m: np.linalg.eigvalsh(m), H),
    ("svd", lambda m: linalg.svd(m, full_matrices=False),
     lambda m: np.linalg.svd(m, full_matrices=False), TALL),
    ("svdvals", lambda m: linalg.svdvals(m), lambda m: np.linalg.svdvals(m), TALL),
    ("slogdet", lambda m: linalg.slogdet(m), lambda m: np.linalg.slogdet(m), A),
    ("norm 2", lambda m: linalg.norm(m, 2), lambda m: np.linalg.norm(m, 2), TALL),
    ("norm -2", lambda m: linalg.norm(m, -2), lambda m: np.linalg.norm(m, -2), TALL),
    ("norm nuc", lambda m: linalg.norm(m, "nuc"), lambda m: np.linalg.norm(m, "nuc"), TALL),
]


def _parts(result):
    return tuple(result) if isinstance(result, tuple) else (result,)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("name, ours, numpys, matrix", VALUES, ids=[v[0] for v in VALUES])
def test_values_and_dtypes_are_numpys(name, ours, numpys, matrix, dtype):
    matrix = matrix.astype(dtype)
    found = _parts(ours(cr.tensor(matrix, requires_grad=True)))
    expected = _parts(numpys(matrix))
    assert len(found) == len(expected)
    for got, want in zip(found, expected):
        assert got.dtype == np.asarray(want).dtype
        np.testing.assert_array_equal(got.numpy(), want)


def test_numpy_linalg_dispatches_with_gradients():
    def loss(fn):
        return lambda m: cr.sum(cr.abs(fn(m)[1]) ** 2 * np.arange(9.0).reshape(3, 3))

    np.testing.assert_allclose(cr.grad(loss(np.linalg.eigh))(H), cr.grad(loss(linalg.eigh))(H))
    values, _ = np.linalg.eigh(cr.tensor(H))
    assert isinstance(values, cr.Tensor) and values.dtype == np.float64
    np.testing.assert_allclose(cr.grad(lambda m: cr.sum(np.linalg.svd(m)[1]))(A),
                               cr.grad(lambda m: cr.sum(linalg.svdvals(m)))(A))
    np.testing.assert_allclose(cr.grad(lambda m: cr.real(cr.sum(np.linalg.cholesky(m))))(H),
                               cr.grad(lambda m: cr.real(cr.sum(linalg.cholesky(m))))(H))
    np.testing.assert_allclose(cr.grad(lambda m: np.linalg.slogdet(m)[1])(A),
                               cr.grad(lambda m: linalg.slogdet(m)[1])(A))


@pytest.mark.parametrize("fn", [
    lambda m, uplo: cr.sum(linalg.eigvalsh(m, UPLO=uplo) ** 2),
    lambda m, uplo: cr.sum(cr.abs(linalg.eigh(m, UPLO=uplo)[1][0]) ** 2),
    lambda m, uplo: cr.sum(cr.abs(linalg.cholesky(m, upper=uplo == "U")) ** 2 * np.arange(9.0)
                           .reshape(3, 3)),
], ids=["eigvalsh", "eigh", "cholesky"])
@pytest.mark.parametrize("uplo", ["L", "U"])
def test_the_gradient_of_a_non_hermitian_a_goes_into_the_triangle_read(fn, uplo):
    # NumPy reads one triangle (the other is its conjugate mirror image) and the real part of
    # the diagonal: the unread triangle, and the imaginary part of the diagonal, get nothing.
    lower = uplo == "L"
    read = np.tril(H) if lower else np.triu(H)
    non_hermitian = read + (np.triu(A, 1) if lower else np.tril(A, -1)) + 0.3j * np.eye(3)
    grad = cr.grad(lambda m: fn(m, uplo))(non_hermitian)
    unread = np.triu(grad, 1) if lower else np.tril(grad, -1)
    np.testing.assert_array_equal(unread, 0)
    np.testing.assert_array_equal(np.diag(grad).imag, 0)
    # ... and is the gradient at the Hermitian matrix H that the triangle names (H itself reads
    # the same triangle, so its gradient lies there too).
    np.testing.assert_allclose(grad, cr.grad(lambda m: fn(m, uplo))(H), atol=1e-12)


def test_closed_form_gradients():
    # d log|det A| = Re tr(A⁻¹·dA): gradient A⁻ᵀ; d Σs = Re tr(V·Uᴴ·dA): gradient conj(U·Vh).
    np.testing.assert_allclose(cr.grad(lambda m: linalg.slogdet(m)[1])(A), np.linalg.inv(A).T)
    u, _, vh = np.linalg.svd(TALL, full_matrices=False)
    np.testing.assert_allclose(cr.grad(lambda m: cr.sum(linalg.svdvals(m)))(TALL),
                               np.conj(u @ vh))
    np.testing.assert_allclose(cr.grad(lambda m: linalg.norm(m, "nuc"))(TALL), np.conj(u @ vh))
    # Σλ = Re tr(H): the identity, into the lower triangle.
    np.testing.assert_allclose(cr.grad(lambda m: cr.sum(linalg.eigvalsh(m)))(H), np.eye(3),
                               atol=1e-12)


def test_the_complex_sign_moves_along_the_unit_circle():
    # sign = det/|det|: its tangent is i·sign·Im tr(A⁻¹·Ȧ).
    direction = _complex(3, 3, seed=4)
    (sign, _), (sign_dot, log_dot) = cr.jvp(lambda m: tuple(linalg.slogdet(m)), (A,),
                                            (direction,))
    trace = np.trace(np.linalg.solve(A, direction))
    assert complex(sign_dot) == pytest.approx(1j * complex(sign) * trace.imag)
    assert float(log_dot) == pytest.approx(trace.real)


def test_a_real_matrix_keeps_a_sign_with_no_derivative():
    a = np.array([[-2.0, 1.0], [0.5, 3.0]])
    sign, _ = linalg.slogdet(cr.tensor(a, requires_grad=True))
    assert not sign.requires_grad


def test_jit_compiles_the_complex_rules():
    def loss(m):
        return cr.sum(cr.abs(linalg.eigh(m)[1]) ** 2 * np.arange(9.0).reshape(3, 3)) + cr.real(
            linalg.slogdet(m)[0]) + linalg.norm(m, "nuc")

    np.testing.assert_allclose(cr.jit(cr.grad(loss))(H), cr.grad(loss)(H))
