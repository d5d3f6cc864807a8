"""chainrule.scipy.linalg: values equal SciPy's bit for bit (float32 kept), gradients against
closed forms and finite differences, the triangle conventions, and the refusals."""

import warnings

import numpy as np
import pytest

import chainrule as cr

scipy_linalg = pytest.importorskip("scipy.linalg")
from chainrule.scipy import linalg  # noqa: E402


@pytest.fixture(autouse=True)
def no_warnings():
    # Every warning an error here: a test that expects one says so.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield

RNG = np.random.default_rng(11)


def normal(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def positive_definite(n, dtype=np.float64):
    a = normal(n, n)
    return (a @ a.T + n * np.eye(n)).astype(dtype)


def upper(n, dtype=np.float64):
    return (np.triu(normal(n, n)) + 4 * np.eye(n)).astype(dtype)


def same(found, expected):
    """found (a tensor, a tuple of them, or arrays) is expected, bit for bit and dtype."""
    if isinstance(expected, tuple):
        assert len(found) == len(expected)
        for f, e in zip(found, expected):
            same(f, e)
        return
    value = found.numpy() if isinstance(found, cr.Tensor) else np.asarray(found)
    expected = np.asarray(expected)
    assert value.dtype == expected.dtype
    np.testing.assert_array_equal(value, expected)


def case_calls(dtype):
    a, b, s = normal(4, 4, dtype=dtype), normal(4, 2, dtype=dtype), positive_definite(4, dtype)
    t, n = upper(4, dtype), normal(3, 3, dtype=dtype)
    return [
        ("solve_triangular", (t, b), {}),
        ("solve_triangular", (t.T, b[:, 0]), {"lower": True, "trans": "T"}),
        ("solve_triangular", (t, b), {"unit_diagonal": True, "trans": 2}),
        ("cholesky", (s + np.tril(a, -1),), {}),
        ("cholesky", (s + np.triu(a, 1),), {"lower": True}),
        ("cho_solve", ((s, False), b), {}),
        ("lu_solve", (scipy_linalg.lu_factor(a), b), {"trans": 1}),
        ("expm", (n / 2,), {}),
        ("sqrtm", (s,), {}),
        ("solve_sylvester", (upper(3, dtype), upper(2, dtype), normal(3, 2, dtype=dtype)), {}),
        ("block_diag", (a, n, b[:, 0], dtype(2.0)), {}),
        ("eigh", (s + np.triu(a, 1),), {}),
        ("eigh", (s, positive_definite(4, dtype)), {"lower": False}),
        ("eigh", (s,), {"eigvals_only": True, "subset_by_index": [1, 2]}),
        ("eigh", (s,), {"eigvals_only": True, "driver": "evd"}),
        ("eigh", (s, positive_definite(4, dtype)), {"type": 2}),
        ("eigh", (s, positive_definite(4, dtype)), {"type": 3, "eigvals_only": True}),
    ]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_values_are_scipys_bit_for_bit_and_keep_the_dtype(dtype):
    for name, args, options in case_calls(dtype):
        expected = getattr(scipy_linalg, name)(*args, **options)
        tensors = tuple(cr.tensor(x) if isinstance(x, np.ndarray) else x for x in args)
        found = getattr(linalg, name)(*tensors, **options)
        same(found, expected)


def test_factorizations_are_scipys_bit_for_bit_with_their_leftover_triangle():
    a, s = normal(4, 4), positive_definite(4)
    for lower in (False, True):
        c, flag = linalg.cho_factor(cr.tensor(s + np.tril(a, -1)), lower=lower)
        expected, expected_flag = scipy_linalg.cho_factor(s + np.tril(a, -1), lower=lower)
        same(c, expected)
        assert flag == expected_flag
    lu, piv = linalg.lu_factor(cr.tensor(a))
    same((lu, piv), scipy_linalg.lu_factor(a))


def test_arrays_without_tensors_give_scipys_values():
    s = positive_definite(3)
    same(linalg.cholesky(s), scipy_linalg.cholesky(s))
    same(linalg.expm(s / 10), scipy_linalg.expm(s / 10))


# --- gradients ----------------------------------------------------------------------------------


def test_solve_triangular_gradient_is_read_from_the_triangle_only():
    t, b = normal(3, 3) + 4 * np.eye(3), normal(3)
    for lower, unit in ((False, False), (True, False), (True, True)):
        a = cr.tensor(t, requires_grad=True)
        cr.sum(linalg.solve_triangular(a, b, lower=lower, unit_diagonal=unit)).backward()
        read = np.tril(np.ones((3, 3)), -unit) if lower else np.triu(np.ones((3, 3)), unit)
        unread = read == 0
        assert np.all(a.grad.numpy()[unread] == 0)
        assert np.any(a.grad.numpy()[~unread] != 0)


def test_cholesky_gradient_flows_into_the_triangle_read():
    s = positive_definite(3)
    for lower in (False, True):
        a = cr.tensor(s, requires_grad=True)
        cr.sum(linalg.cholesky(a, lower=lower)).backward()
        other = np.triu(a.grad.numpy(), 1) if lower else np.tril(a.grad.numpy(), -1)
        assert np.all(other == 0)
        # Along a symmetric change, the gradient of a symmetric matrix is symmetric's: compare
        # with chainrule.linalg.cholesky, which takes A to be symmetric.
        b = cr.tensor(s, requires_grad=True)
        factor = cr.linalg.cholesky(b)
        cr.sum(factor if lower else factor.mT).backward()
        direction = normal(3, 3)
        direction = direction + direction.T
        np.testing.assert_allclose(np.sum(a.grad.numpy() * direction),
                                   np.sum(b.grad.numpy() * direction), rtol=1e-10)


def test_cho_factor_leftover_triangle_has_no_derivative():
    s = positive_definite(3)
    a = cr.tensor(s, requires_grad=True)
    c, _ = linalg.cho_factor(a)
    cr.sum(c * np.tril(np.ones((3, 3)), -1)).backward()
    np.testing.assert_array_equal(a.grad.numpy(), np.zeros((3, 3)))


def test_lu_solve_through_lu_factor_is_the_gradient_of_solve():
    a, b = normal(4, 4), normal(4, 2)
    grads = cr.grad(lambda a, b: cr.sum(linalg.lu_solve(linalg.lu_factor(a), b) ** 2),
                    argnums=(0, 1))(a, b)
    expected = cr.grad(lambda a, b: cr.sum(cr.linalg.solve(a, b) ** 2), argnums=(0, 1))(a, b)
    for found, want in zip(grads, expected):
        np.testing.assert_allclose(found, want, rtol=1e-9)


def test_expm_of_a_diagonal_matrix_has_the_exponentials_as_gradient():
    d = np.array([0.5, -1.0, 2.0])
    grad = cr.grad(lambda a: cr.trace(linalg.expm(a)))(np.diag(d))
    np.testing.assert_allclose(grad, np.diag(np.exp(d)), rtol=1e-12)


def test_sqrtm_derivative_solves_the_sylvester_equation():
    s, direction = positive_definite(3), normal(3, 3)
    root, tangent = cr.jvp(linalg.sqrtm, (s,), (direction,))
    np.testing.assert_allclose(root @ tangent + tangent @ root, direction, atol=1e-10)


def test_one_by_one_matrices_are_scalars():
    for fn, x, derivative in (
        (linalg.expm, 0.3, np.exp(0.3)),
        (linalg.sqrtm, 2.0, 0.5 / np.sqrt(2.0)),
        (linalg.cholesky, 2.0, 0.5 / np.sqrt(2.0)),
        (lambda a: linalg.solve_triangular(a, np.ones((1, 1))), 2.0, -0.25),
    ):
        grad = cr.grad(lambda a, fn=fn: cr.sum(fn(a)))(np.array([[x]]))
        np.testing.assert_allclose(grad, [[derivative]], rtol=1e-12)
        assert cr.gradcheck(fn, np.array([[x]]), order=2)


def test_empty_matrices_have_empty_gradients():
    empty = np.zeros((0, 0))
    for fn in (linalg.expm, linalg.cholesky, linalg.sqrtm, lambda a: linalg.eigh(a)[0],
               lambda a: linalg.eigh(a)[1], lambda a: linalg.lu_factor(a)[0],
               lambda a: linalg.cho_factor(a)[0], lambda a: linalg.solve_sylvester(a, a, a),
               lambda a: linalg.lu_solve(linalg.lu_factor(a), np.zeros(0)),
               lambda a: linalg.solve_triangular(a, np.zeros((0, 2)))):
        assert cr.grad(lambda a, fn=fn: cr.sum(fn(a)))(empty).shape == (0, 0)


def test_eigh_values_gradient_stays_defined_at_repeated_eigenvalues():
    grad = cr.grad(lambda a: cr.sum(linalg.eigh(a, eigvals_only=True)))(np.eye(3))
    np.testing.assert_allclose(grad, np.eye(3), atol=1e-12)


def test_eigh_vectors_gradient_at_repeated_eigenvalues_is_nan_with_a_warning():
    with pytest.warns(RuntimeWarning, match="repeated eigenvalues"):
        grad = cr.grad(lambda a: cr.sum(linalg.eigh(a)[1] ** 3))(np.eye(2))
    assert np.isnan(grad).any()


def test_eigh_subset_vectors_differentiate_as_those_of_the_whole_spectrum():
    a = positive_definite(4) + np.diag([0.0, 1.0, 2.0, 3.0])

    def picked(a, **options):
        values, vectors = linalg.eigh(a, **options)
        return cr.sum((vectors * vectors)[:, -2:] * values[-2:]) if not options else cr.sum(
            vectors * vectors * values)

    expected = cr.grad(picked)(a)
    found = cr.grad(lambda a: picked(a, subset_by_index=[2, 3]))(a)
    np.testing.assert_allclose(found, expected, rtol=1e-8)


def test_generalized_eigh_vectors_are_b_orthonormal_and_their_gradient_checks():
    a, b = positive_definite(3), positive_definite(3)
    w, v = linalg.eigh(cr.tensor(a), cr.tensor(b))
    np.testing.assert_allclose(v.numpy().T @ b @ v.numpy(), np.eye(3), atol=1e-10)
    assert cr.gradcheck(lambda a, b: linalg.eigh(a, b)[0], a, b, order=2)


@pytest.mark.parametrize("kind", [2, 3])
def test_eigh_types_2_and_3_are_type_1_of_b_a_b(kind):
    # A·B·x = λ·x and B·A·x = λ·x share the eigenvalues of B·A·B·y = λ·B·y (x = y, or B·y).
    a, b = positive_definite(3), positive_definite(3)
    values = cr.grad(lambda a, b: cr.sum(linalg.eigh(a, b, type=kind)[0] ** 2), argnums=(0, 1))
    expected = cr.grad(lambda a, b: cr.sum(linalg.eigh(b @ a @ b, b)[0] ** 2), argnums=(0, 1))
    for found, want in zip(values(a, b), expected(a, b)):
        np.testing.assert_allclose(np.tril(found), np.tril(want + np.triu(want, 1).T), rtol=1e-7)
    assert cr.gradcheck(lambda a, b: linalg.eigh(a, b, type=kind)[1] ** 2, a, b, order=2)


def test_float32_gradients_stay_float32():
    s = positive_definite(3, np.float32)
    for fn in (linalg.cholesky, linalg.expm, linalg.sqrtm,
               lambda a: linalg.lu_factor(a)[0],
               lambda a: linalg.eigh(a, eigvals_only=True)):
        a = cr.tensor(s, requires_grad=True)
        cr.sum(fn(a)).backward()
        assert a.grad.dtype == np.float32


def test_jit_replays_scipy_linalg():
    s, b = positive_definite(3), normal(3, 2)

    def f(a, b):
        return cr.sum(linalg.cho_solve(linalg.cho_factor(a), b)) + cr.sum(linalg.expm(a / 10))

    grad = cr.grad(f)
    np.testing.assert_allclose(cr.jit(grad)(s, b), grad(s, b), rtol=1e-12)


# --- refusals -----------------------------------------------------------------------------------


def test_complex_tensors_that_need_a_derivative_are_refused_with_a_type_error():
    matrix = positive_definite(2) + 0j
    z = cr.tensor(matrix, requires_grad=True)
    for call in (lambda: linalg.expm(z), lambda: linalg.cholesky(z), lambda: linalg.eigh(z),
                 lambda: linalg.solve_triangular(z, np.ones(2)), lambda: linalg.block_diag(z)):
        with pytest.raises(TypeError, match="real arrays only"):
            call()
    detached = z.detach()
    same(linalg.expm(detached), scipy_linalg.expm(matrix))


def test_a_complex_square_root_is_refused_where_it_needs_a_derivative():
    with pytest.raises(ValueError, match="square root is complex"):
        linalg.sqrtm(cr.tensor(np.diag([-1.0, 2.0]), requires_grad=True))
    assert np.iscomplexobj(linalg.sqrtm(np.diag([-1.0, 2.0])))
    assert linalg.sqrtm(cr.tensor(np.diag([-1.0, 2.0]))).dtype.kind == "c"


def test_unsupported_options_are_refused_clearly():
    s = cr.tensor(positive_definite(3))
    with pytest.raises(ValueError, match="type must be 1, 2 or 3"):
        linalg.eigh(s, s, type=4)
    with pytest.raises(ValueError, match="square"):
        linalg.lu_factor(cr.tensor(normal(2, 3)))
    with pytest.raises(ValueError, match="trans"):
        linalg.solve_triangular(s, np.ones(3), trans=3)
    with pytest.raises(ValueError, match="greater than 2"):
        linalg.block_diag(cr.tensor(normal(2, 2, 2)))


def test_block_diag_of_nothing_is_scipys_empty_matrix():
    same(linalg.block_diag(), scipy_linalg.block_diag())


def test_scipys_own_functions_refuse_a_tensor_that_carries_a_derivative():
    # SciPy converts its inputs to arrays: that would drop the derivative, so it stops instead.
    with pytest.raises(TypeError, match="drop its derivative"):
        cr.grad(lambda a: cr.sum(scipy_linalg.expm(a)))(np.eye(2))


def test_jit_replays_generalized_eigh_and_lu():
    a, b = positive_definite(3), positive_definite(3)

    def f(a, b):
        values, vectors = linalg.eigh(a, b, type=3, lower=False)
        return cr.sum(vectors ** 2 * values) + cr.sum(linalg.lu_solve(linalg.lu_factor(a), b))

    grad = cr.grad(f, argnums=(0, 1))
    for found, expected in zip(cr.jit(grad)(a, b), grad(a, b)):
        np.testing.assert_allclose(found, expected, rtol=1e-10)


def test_block_diag_reads_lists_as_scipy_does():
    same(linalg.block_diag([1.0, 2.0], [[3.0]]), scipy_linalg.block_diag([1.0, 2.0], [[3.0]]))
    x = cr.tensor([[1.0, 2.0]], requires_grad=True)
    cr.sum(linalg.block_diag(x, [[3.0]]) * np.arange(6.0).reshape(2, 3)).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 1.0]])
