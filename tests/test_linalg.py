"""Contractions and linear algebra: values against NumPy, closed-form gradients, conventions at
singular and degenerate points, dtypes, empty inputs and error messages."""

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import linalg
from chainrule.ops.contraction import dot, einsum, inner, matmul, outer, tensordot, trace, vdot

RNG = np.random.default_rng(7)


@pytest.fixture(autouse=True)
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def values(t):
    return np.asarray(t._data if isinstance(t, cr.Tensor) else t)


def normal(*shape):
    return RNG.standard_normal(shape)


def well_conditioned(*shape):
    return normal(*shape) + 4 * np.eye(shape[-1])


def gradient(fn, *xs, dtype=None):
    """d sum(fn(*xs)) / dx for each x, through Tensor.backward."""
    ts = [cr.tensor(x, requires_grad=True, dtype=dtype) for x in xs]
    cr.sum(fn(*ts)).backward()
    return [t.grad for t in ts] if len(ts) > 1 else ts[0].grad


# --- contractions: values -----------------------------------------------------------------------

MATMUL_SHAPES = [
    ((3, 4), (4, 2)), ((4,), (4,)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (2, 4, 3)),
    ((2, 3, 4), (4,)), ((2, 1, 3, 4), (5, 4, 2)), ((3, 0), (0, 2)), ((0, 3), (3, 2)),
]


@pytest.mark.parametrize("x_shape, y_shape", MATMUL_SHAPES)
def test_matmul_matches_numpy_and_gradients_have_input_shapes(x_shape, y_shape):
    x, y = normal(*x_shape), normal(*y_shape)
    np.testing.assert_allclose(values(matmul(cr.tensor(x), cr.tensor(y))), np.matmul(x, y))
    np.testing.assert_allclose(values(cr.tensor(x) @ cr.tensor(y)), x @ y)
    grad_x, grad_y = gradient(matmul, x, y)
    assert grad_x.shape == x_shape and grad_y.shape == y_shape


def test_matmul_gradients_are_the_adjoint_products():
    x, y = normal(2, 3), normal(3, 4)
    grad_x, grad_y = gradient(matmul, x, y)
    np.testing.assert_allclose(values(grad_x), np.ones((2, 4)) @ y.T)
    np.testing.assert_allclose(values(grad_y), x.T @ np.ones((2, 4)))


def test_gradient_of_vector_dot_product_is_the_other_vector():
    x, y = normal(5), normal(5)
    for fn in (matmul, dot, inner, vdot):
        grad_x, grad_y = gradient(fn, x, y)
        np.testing.assert_allclose(values(grad_x), y)
        np.testing.assert_allclose(values(grad_y), x)


def test_matmul_vector_matrix_gradient_sums_over_batch():
    x, y = normal(4), normal(2, 4, 3)
    grad_x, _ = gradient(matmul, x, y)
    np.testing.assert_allclose(values(grad_x), y.sum(axis=(0, 2)))


@pytest.mark.parametrize("fn, x_shape, y_shape", [
    (dot, (3,), (3,)), (dot, (2, 3), (3, 4)), (dot, (2, 3), (4, 3, 2)), (dot, (), (3,)),
    (dot, (2, 3, 4), (4,)), (vdot, (2, 3), (3, 2)), (inner, (2, 3), (4, 3)), (inner, (), (2,)),
    (inner, (2, 3), (3,)), (outer, (2, 2), (3,)), (tensordot, (2, 3, 4), (3, 4, 5)),
])
def test_contractions_match_numpy(fn, x_shape, y_shape):
    x, y = normal(*x_shape), normal(*y_shape)
    expected = getattr(np, fn.__name__)(x, y)
    np.testing.assert_allclose(values(fn(cr.tensor(x), cr.tensor(y))), expected)


@pytest.mark.parametrize("axes", [0, 1, ([1, 0], [0, 2]), ([2], [1])])
def test_tensordot_axes_match_numpy(axes):
    x, y = normal(3, 2, 4), normal(2, 4, 3) if axes != ([2], [1]) else normal(3, 4, 2)
    if axes == 1:
        y = normal(4, 5)
    np.testing.assert_allclose(values(tensordot(cr.tensor(x), cr.tensor(y), axes)),
                               np.tensordot(x, y, axes))


@pytest.mark.parametrize("subscripts, shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]), ("ba", [(2, 3)]), ("aB", [(2, 3)]),
    ("...ij,...jk", [(2, 1, 2, 3), (4, 3, 2)]),
    ("i...->...", [(3, 2, 2)]), ("ij,ij->i", [(1, 3), (2, 3)]), ("i,j", [(2,), (3,)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]), ("iij,k->jk", [(3, 3, 2), (2,)]), ("", [()]),
])
def test_einsum_matches_numpy(subscripts, shapes):
    operands = [normal(*s) for s in shapes]
    np.testing.assert_allclose(values(einsum(subscripts, *map(cr.tensor, operands))),
                               np.einsum(subscripts, *operands))


def test_einsum_gradient_of_trace_is_identity_and_of_diagonal_is_diagonal():
    np.testing.assert_allclose(values(gradient(lambda a: einsum("ii", a), normal(3, 3))), np.eye(3))
    weights = np.array([1.0, 2.0, 3.0])
    grad = gradient(lambda a: einsum("ii->i", a) * weights, normal(3, 3))
    np.testing.assert_allclose(values(grad), np.diag(weights))


@pytest.mark.parametrize("args, expected", [
    ((0, 0, 1), np.eye(3, 4)), ((1, 0, 1), np.eye(3, 4, 1)), ((-1, 0, 1), np.eye(3, 4, -1)),
    ((0, 1, 0), np.eye(3, 4)),
])
def test_trace_matches_numpy_and_its_gradient_is_the_identity(args, expected):
    a = normal(3, 4)
    np.testing.assert_allclose(values(trace(cr.tensor(a), *args)), np.trace(a, *args))
    np.testing.assert_allclose(values(gradient(lambda t: trace(t, *args), a)), expected)
    assert cr.tensor(a).trace(*args).item() == pytest.approx(np.trace(a, *args))


def test_trace_of_a_stack_follows_numpy_axes():
    a = normal(2, 3, 4)
    np.testing.assert_allclose(values(trace(cr.tensor(a), 0, 2, 0)), np.trace(a, 0, 2, 0))


# --- contractions: errors -----------------------------------------------------------------------


def test_matmul_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2, 3\) are not aligned"):
        matmul(cr.tensor(np.ones((2, 3))), cr.tensor(np.ones((2, 3))))


def test_matmul_of_a_0d_operand_is_an_error_as_in_numpy():
    with pytest.raises(ValueError, match=r"shapes \(\) and \(3,\).*multiply"):
        matmul(cr.tensor(2.0), cr.tensor(np.ones(3)))


def test_matmul_batch_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3, 4\) and \(3, 4, 2\).*do not broadcast"):
        matmul(np.ones((2, 3, 4)), np.ones((3, 4, 2)))


@pytest.mark.parametrize("fn, x_shape, y_shape, message", [
    (dot, (2, 3), (2, 3), r"dot: shapes \(2, 3\) and \(2, 3\)"),
    (inner, (2, 3), (2,), r"inner: shapes \(2, 3\) and \(2,\)"),
    (vdot, (2, 3), (5,), r"vdot: shapes \(2, 3\) and \(5,\)"),
    (tensordot, (2, 3), (3, 2), r"tensordot: shapes \(2, 3\) and \(3, 2\)"),
])
def test_contraction_mismatches_name_both_shapes(fn, x_shape, y_shape, message):
    with pytest.raises(ValueError, match=message):
        fn(np.ones(x_shape), np.ones(y_shape))


@pytest.mark.parametrize("subscripts, shapes, message", [
    ("ij,jk", [(2, 3), (2, 3)], r"shapes \(2, 3\), \(2, 3\)"),
    ("ij", [(2, 3), (3,)], "names 1 operand"),
    ("ijk", [(2, 3)], "shape \\(2, 3\\) has 2 axes"),
    ("ij->ii", [(2, 2)], "output index 'i'"),
    ("i1", [(2, 2)], "letters"),
    ("...i->i", [(2, 3)], "needs '...'"),
])
def test_einsum_bad_subscripts_are_clear_errors(subscripts, shapes, message):
    with pytest.raises(ValueError, match=message):
        einsum(subscripts, *[np.ones(s) for s in shapes])


def test_einsum_interleaved_form_reads_as_the_subscripts_it_stands_for():
    a, b = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(einsum(a, [0, 1], b, [1, 2], [0, 2]), einsum("ij,jk->ik", a, b))
    with pytest.raises(ValueError, match=r"\[0, 52\)"):
        einsum(np.ones(2), [-1])


def test_trace_needs_two_distinct_axes():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        trace(np.ones(3))
    with pytest.raises(ValueError, match="must differ"):
        trace(np.ones((2, 2)), 0, 1, -1)


# --- norms --------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape, kwargs", [
    ((4,), {}), ((4,), {"ord": 1}), ((4,), {"ord": np.inf}), ((4,), {"ord": -np.inf}),
    ((4,), {"ord": 0}), ((4,), {"ord": 3}), ((4,), {"ord": 0.5}), ((3, 4), {}),
    ((3, 4), {"ord": "fro"}), ((3, 4), {"ord": "nuc"}), ((3, 4), {"ord": 2}),
    ((3, 4), {"ord": -2}), ((3, 4), {"ord": 1}), ((3, 4), {"ord": -1}),
    ((3, 4), {"ord": np.inf}), ((3, 4), {"ord": -np.inf}), ((2, 3, 4), {}),
    ((2, 3, 4), {"axis": 1}), ((2, 3, 4), {"axis": (2, 0), "ord": 1, "keepdims": True}),
    ((2, 3, 4), {"axis": (0, 1), "ord": "nuc", "keepdims": True}),
    ((2, 3, 4), {"axis": -1, "ord": 2, "keepdims": True}), ((2, 3), {"keepdims": True}),
])
def test_norm_matches_numpy(shape, kwargs):
    x = normal(*shape)
    np.testing.assert_allclose(values(linalg.norm(cr.tensor(x), **kwargs)),
                               np.linalg.norm(x, **kwargs))


def test_norm_gradient_is_x_over_norm():
    x = np.array([3.0, 4.0])
    np.testing.assert_allclose(values(gradient(linalg.norm, x)), [0.6, 0.8])


def test_norm_gradient_at_zero_is_the_zero_subgradient():
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(values(gradient(linalg.norm, np.zeros(3))), np.zeros(3))
        grad = gradient(lambda x: linalg.norm(x, axis=1), np.array([[0.0, 0.0], [3.0, 4.0]]))
    np.testing.assert_allclose(values(grad), [[0.0, 0.0], [0.6, 0.8]])


@pytest.mark.parametrize("order", [1, 1.5, 3, np.inf])
def test_p_norm_gradient_at_zero_is_the_zero_subgradient(order):
    with np.errstate(all="raise"):
        grad = gradient(lambda x: linalg.norm(x, order, axis=1), np.array([[0.0, 0.0], [3.0, 4.0]]))
    np.testing.assert_array_equal(values(grad)[0], [0.0, 0.0])
    assert np.all(np.isfinite(values(grad)))


def test_norm_does_not_overflow_or_underflow():
    with np.errstate(all="raise"):
        for scale in (1e200, 1e-200):
            x = np.array([3.0, 4.0]) * scale
            assert values(linalg.norm(x)) == pytest.approx(5 * scale)
            np.testing.assert_allclose(values(gradient(linalg.norm, x)), [0.6, 0.8])


def test_norm_bad_orders_are_clear_errors():
    with pytest.raises(ValueError, match="matrix norm"):
        linalg.norm(np.ones(3), "fro")
    with pytest.raises(ValueError, match="invalid order 3"):
        linalg.norm(np.ones((2, 2)), 3)
    with pytest.raises(ValueError, match="1-d or 2-d"):
        linalg.norm(np.ones((2, 2, 2)), 1)


# --- inverses, solves, determinants ---------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3), (0, 0), (0, 2, 2)])
def test_inv_det_slogdet_match_numpy(shape):
    a = well_conditioned(*shape) if shape[-1] else np.zeros(shape)
    np.testing.assert_allclose(values(linalg.inv(cr.tensor(a))), np.linalg.inv(a))
    np.testing.assert_allclose(values(linalg.det(cr.tensor(a))), np.linalg.det(a))
    sign, logabsdet = linalg.slogdet(cr.tensor(-a))
    expected = np.linalg.slogdet(-a)
    np.testing.assert_allclose(values(sign), expected.sign)
    np.testing.assert_allclose(values(logabsdet), expected.logabsdet)


def test_det_gradient_is_det_times_inverse_transpose():
    a = well_conditioned(2, 3, 3)
    expected = np.linalg.det(a)[:, None, None] * np.linalg.inv(a).mT
    np.testing.assert_allclose(values(gradient(linalg.det, a)), expected)


def test_det_gradient_at_singular_matrices_is_the_finite_cofactor_matrix():
    with np.errstate(all="raise"):
        grad = gradient(linalg.det, np.array([[1.0, 2.0], [2.0, 4.0]]))
        np.testing.assert_allclose(values(grad), [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)
        grad = gradient(linalg.det, np.arange(9.0).reshape(3, 3))
        np.testing.assert_allclose(values(grad), [[-3, 6, -3], [6, -12, 6], [-3, 6, -3]], atol=1e-9)
        np.testing.assert_array_equal(values(gradient(linalg.det, np.zeros((3, 3)))), 0.0)


def test_logabsdet_gradient_is_inverse_transpose_and_sign_has_none():
    a = -well_conditioned(3, 3)
    t = cr.tensor(a, requires_grad=True)
    sign, logabsdet = linalg.slogdet(t)
    assert not sign.requires_grad
    logabsdet.backward()
    np.testing.assert_allclose(values(t.grad), np.linalg.inv(a).T)


SINGULAR_DERIVATIVE = r"^slogdet: log\|det A\| has no derivative at a singular matrix \(det A = 0"


def test_logabsdet_derivative_at_a_singular_matrix_names_the_singularity():
    # Found by the review: backward raised NumPy's bare "Singular matrix" from inside inv.
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    t = cr.tensor(singular, requires_grad=True)
    sign, logabsdet = linalg.slogdet(t)
    assert (float(sign), float(logabsdet)) == (0.0, -np.inf)
    with pytest.raises(np.linalg.LinAlgError, match=SINGULAR_DERIVATIVE):
        logabsdet.backward()
    with pytest.raises(np.linalg.LinAlgError, match=SINGULAR_DERIVATIVE):
        cr.jvp(lambda x: linalg.slogdet(x)[1], (singular,), (np.eye(2),))


def test_inv_gradient_is_minus_inverse_transpose_products():
    a = well_conditioned(3, 3)
    inverse = np.linalg.inv(a)
    expected = -inverse.T @ np.ones((3, 3)) @ inverse.T
    np.testing.assert_allclose(values(gradient(linalg.inv, a)), expected)


@pytest.mark.parametrize("a_shape, b_shape", [
    ((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (3,)), ((2, 3, 3), (3, 2)),
    ((3, 3), (2, 3, 2)), ((2, 1, 3, 3), (4, 3, 1)), ((0, 0), (0,)),
])
def test_solve_matches_numpy(a_shape, b_shape):
    a = well_conditioned(*a_shape) if a_shape[-1] else np.zeros(a_shape)
    b = normal(*b_shape)
    np.testing.assert_allclose(values(linalg.solve(cr.tensor(a), cr.tensor(b))),
                               np.linalg.solve(a, b))
    grad_a, grad_b = gradient(linalg.solve, a, b)
    assert grad_a.shape == a_shape and grad_b.shape == b_shape


def test_solve_gradient_matches_the_inverse():
    a, b = well_conditioned(3, 3), normal(3)
    grad_a, grad_b = gradient(linalg.solve, a, b)
    solved = np.linalg.solve(a, b)
    adjoint = np.linalg.inv(a).T @ np.ones(3)
    np.testing.assert_allclose(values(grad_b), adjoint)
    np.testing.assert_allclose(values(grad_a), -np.outer(adjoint, solved))


@pytest.mark.parametrize("fn", [linalg.inv, linalg.det, linalg.slogdet, linalg.cholesky,
                                linalg.eigh, linalg.eigvalsh])
def test_square_ops_name_the_bad_shape(fn):
    with pytest.raises(ValueError, match=r"square matrices.*\(2, 3\)"):
        fn(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"stack of matrices.*\(3,\)"):
        fn(np.ones(3))


@pytest.mark.parametrize("a_shape, b_shape, message", [
    ((3, 3), (2,), r"a of shape \(3, 3\) and b of shape \(2,\)"),
    ((3, 3), (2, 2), r"a of shape \(3, 3\) and b of shape \(2, 2\)"),
    ((2, 3, 3), (4, 3, 1), r"\(2, 3, 3\).*\(4, 3, 1\).*batch"),
])
def test_solve_mismatches_name_both_shapes(a_shape, b_shape, message):
    with pytest.raises(ValueError, match=message):
        linalg.solve(np.eye(3) + np.zeros(a_shape), np.ones(b_shape))


# --- decompositions -----------------------------------------------------------------------------


def positive_definite(*shape):
    a = normal(*shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3), (0, 0)])
def test_cholesky_matches_numpy_and_its_gradient_fills_the_triangle_it_reads(shape, upper):
    # NumPy reads one triangle: an entry of the other has no effect, so its gradient is 0.
    a = positive_definite(*shape)
    a = a + np.triu(normal(*shape), 1) if shape[-1] and not upper else a
    np.testing.assert_array_equal(values(linalg.cholesky(cr.tensor(a), upper=upper)),
                                  np.linalg.cholesky(a, upper=upper))
    grad = values(gradient(lambda t: linalg.cholesky(t, upper=upper), a))
    unread = np.triu(grad, 1) if not upper else np.tril(grad, -1)
    np.testing.assert_array_equal(unread, 0.0)


def test_cholesky_gradient_of_the_diagonal_product_is_half_the_inverse():
    # log det A = 2·Σ log L_ii, whose gradient is A⁻¹; so that of Σ log L_ii is A⁻¹/2.
    a = positive_definite(3, 3)
    # Folded into the lower triangle cholesky reads: off the diagonal, an entry stands for
    # itself and its mirror, so it carries both halves.
    grad = gradient(lambda t: cr.log(einsum("ii->i", linalg.cholesky(t))), a)
    inverse = np.linalg.inv(a)
    np.testing.assert_allclose(values(grad), np.tril(inverse, -1) + np.diag(np.diag(inverse)) / 2)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (0, 0)])
def test_eigh_matches_numpy(shape):
    a = normal(*shape)
    a = a + np.swapaxes(a, -1, -2)
    w, v = linalg.eigh(cr.tensor(a))
    expected = np.linalg.eigh(a)
    np.testing.assert_allclose(values(w), expected.eigenvalues)
    np.testing.assert_allclose(values(v), expected.eigenvectors)
    np.testing.assert_allclose(values(linalg.eigvalsh(cr.tensor(a))), expected.eigenvalues)


def test_eigenvalue_gradient_is_the_eigenvector_outer_product_folded_into_the_lower_triangle():
    # eigh reads the lower triangle only: an entry below the diagonal stands for itself and its
    # mirror image, so it receives both halves of the symmetric gradient v·vᵀ.
    a = normal(3, 3)
    a = a + a.T
    _, v = np.linalg.eigh(a)
    grad = gradient(lambda t: linalg.eigh(t)[0][2], a)
    outer_product = np.outer(v[:, 2], v[:, 2])
    expected = np.tril(2 * outer_product) - np.diag(np.diag(outer_product))
    np.testing.assert_allclose(values(grad), expected, atol=1e-12)


def test_eigenvalue_gradient_is_defined_at_repeated_eigenvalues():
    np.testing.assert_allclose(values(gradient(linalg.eigvalsh, np.eye(3))), np.eye(3))
    np.testing.assert_allclose(values(gradient(lambda t: linalg.eigh(t)[0], np.eye(3))), np.eye(3))


def test_eigenvector_gradient_at_repeated_eigenvalues_warns_and_is_nan():
    t = cr.tensor(np.eye(3), requires_grad=True)
    _, vectors = linalg.eigh(t)
    with pytest.warns(RuntimeWarning, match="repeated values"):
        cr.sum(vectors * vectors).backward()
    lower = np.tri(3, dtype=bool)
    assert np.isnan(values(t.grad)[lower]).all()
    assert (values(t.grad)[~lower] == 0).all()  # the unread triangle has no derivative


@pytest.mark.parametrize("shape", [(3, 4), (4, 3), (2, 3, 3), (3, 0)])
def test_svd_matches_numpy(shape):
    a = normal(*shape)
    for full in (True, False):  # NumPy's default, and the reduced SVD
        u, s, vh = linalg.svd(cr.tensor(a), full_matrices=full)
        for found, reference in zip((u, s, vh), np.linalg.svd(a, full_matrices=full),
                                    strict=True):
            np.testing.assert_allclose(values(found), reference)
    expected = np.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(values(linalg.svd(cr.tensor(a), compute_uv=False)), expected.S)
    np.testing.assert_allclose(values(linalg.svdvals(cr.tensor(a))), expected.S)


def test_the_full_svd_of_a_non_square_matrix_has_values_but_no_derivative():
    a = normal(3, 4)
    np.testing.assert_allclose(values(linalg.svd(cr.tensor(a))[2]), np.linalg.svd(a)[2])
    with pytest.raises(ValueError, match="full_matrices=False"):
        gradient(lambda t: linalg.svd(t)[1], a)
    with pytest.raises(ValueError, match="hermitian=False"):
        gradient(lambda t: linalg.svd(t, hermitian=True)[1], a @ a.T)
    np.testing.assert_allclose(values(linalg.svd(cr.tensor(a @ a.T), hermitian=True)[1]),
                               np.linalg.svd(a @ a.T, hermitian=True)[1])


def test_singular_value_gradient_is_the_outer_product_of_singular_vectors():
    a = normal(3, 4)
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    grad = gradient(lambda t: linalg.svd(t, full_matrices=False)[1][0], a)
    np.testing.assert_allclose(values(grad), np.outer(u[:, 0], vh[0]), atol=1e-12)


def test_svd_full_matrices_of_a_non_square_matrix_is_refused_where_a_derivative_is_needed():
    with pytest.raises(ValueError, match="full_matrices=False"):
        linalg.svd(cr.tensor(np.ones((3, 2)), requires_grad=True), full_matrices=True)
    assert linalg.svd(np.ones((3, 2)), full_matrices=True)[0].shape == (3, 3)  # values: NumPy's
    assert len(linalg.svd(np.eye(2), full_matrices=True)) == 3
    with pytest.raises(cr.TraceError):
        cr.jit(lambda a: linalg.svd(a)[0])(np.ones((3, 2)))


# --- dtypes -------------------------------------------------------------------------------------


def symmetric_with_distinct_eigenvalues():
    return np.array([[2.0, 0.5, 0.0], [0.5, 3.0, 0.2], [0.0, 0.2, 5.0]])


FLOAT32_CASES = {
    "matmul": (lambda t: matmul(t, t[0]), np.eye(3) + 0.5),
    "tensordot": (lambda t: tensordot(t, t), np.eye(3) + 0.5),
    "einsum": (lambda t: einsum("ij,jk->ik", t, t), np.eye(3) + 0.5),
    "trace": (trace, np.eye(3) + 0.5),
    "norm": (linalg.norm, np.eye(3) + 0.5),
    "nuclear norm": (lambda t: linalg.norm(t, "nuc"), np.eye(3) + 0.5),
    "inv": (linalg.inv, np.eye(3) + 0.5),
    "det": (linalg.det, np.eye(3) + 0.5),
    "logabsdet": (lambda t: linalg.slogdet(t)[1], np.eye(3) + 0.5),
    "solve": (lambda t: linalg.solve(t, t[0]), np.eye(3) + 0.5),
    "cholesky": (linalg.cholesky, np.eye(3) + 0.5),
    "eigh": (lambda t: linalg.eigh(t)[1] ** 2, symmetric_with_distinct_eigenvalues()),
    "svd": (lambda t: linalg.svd(t)[0] ** 2, symmetric_with_distinct_eigenvalues()),
}


@pytest.mark.parametrize("name", FLOAT32_CASES)
def test_float32_stays_float32_forward_and_backward(name):
    fn, a = FLOAT32_CASES[name]
    t = cr.tensor(a, dtype="float32", requires_grad=True)
    out = fn(t)
    cr.sum(out).backward()
    assert out.dtype == np.float32 and t.grad.dtype == np.float32


# --- second order -------------------------------------------------------------------------------


def test_hessian_of_a_quadratic_form_is_the_symmetrized_matrix():
    a = normal(3, 3)
    hessian = cr.hessian(lambda x: matmul(x, matmul(cr.tensor(a), x)))(normal(3))
    np.testing.assert_allclose(values(hessian), a + a.T)


def test_second_derivative_of_det_of_a_2x2_matrix():
    # det [[a, b], [c, d]] = ad − bc: ∂²/∂a∂d = 1, ∂²/∂b∂c = −1, the rest 0.
    hessian = values(cr.hessian(linalg.det)(well_conditioned(2, 2))).reshape(4, 4)
    np.testing.assert_allclose(hessian, np.fliplr(np.diag([1.0, -1.0, -1.0, 1.0])), atol=1e-12)
