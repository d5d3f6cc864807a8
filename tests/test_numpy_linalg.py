"""numpy.linalg on tensors: np.linalg.<name>(tensor) dispatches to chainrule.linalg, gives
NumPy's values to the bit (and dtype), differentiates, replays under jit; and the conventions
of the new functions at their edges (kinks, ties, rank, signs, triangles; complex input:
test_complex_linalg*.py)."""

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import linalg

RNG = np.random.default_rng(11)


@pytest.fixture(autouse=True)
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def normal(*shape):
    return RNG.standard_normal(shape)


def leaves(tree):
    if isinstance(tree, (tuple, list)):
        return [leaf for part in tree for leaf in leaves(part)]
    return [np.asarray(tree._data if isinstance(tree, cr.Tensor) else tree)]


def assert_same_values(found, expected):
    found, expected = leaves(found), leaves(expected)
    assert len(found) == len(expected)
    for got, want in zip(found, expected, strict=True):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)


def gradient(fn, *xs):
    """d sum(fn(*xs)) / dx for each x, through Tensor.backward."""
    ts = [cr.tensor(x, requires_grad=True) for x in xs]
    out = fn(*ts)
    cr.sum(out if isinstance(out, cr.Tensor) else out[0]).backward()
    return [t.grad.numpy() for t in ts]


SQUARE = normal(3, 3) + 3 * np.eye(3)

# name, arguments, keyword arguments: np.linalg.name(*arguments, **keywords) on arrays and on
# tensors must agree exactly.
EXACT = [
    ("pinv", (normal(4, 3),), {}),
    ("pinv", (normal(2, 3, 5),), {"rcond": 1e-3}),
    ("pinv", (normal(3, 4),), {"rtol": None}),
    ("pinv", (normal(3, 3),), {"hermitian": True}),
    ("qr", (normal(5, 3),), {}),
    ("qr", (normal(2, 3, 4),), {}),
    ("qr", (normal(5, 3),), {"mode": "r"}),
    ("qr", (normal(3, 5),), {"mode": "complete"}),
    ("lstsq", (normal(5, 3), normal(5)), {}),
    ("lstsq", (normal(5, 3), normal(5, 2)), {"rcond": 1e-6}),
    ("lstsq", (normal(3, 5), normal(3)), {}),
    ("matrix_power", (SQUARE, 0), {}),
    ("matrix_power", (SQUARE, 5), {}),
    ("matrix_power", (SQUARE, -2), {}),
    ("matrix_power", (normal(2, 3, 3), 11), {}),
    ("eigh", (normal(3, 3),), {"UPLO": "U"}),
    ("eigh", (normal(3, 3),), {"UPLO": "l"}),
    ("eigvalsh", (normal(2, 3, 3),), {"UPLO": "U"}),
    ("cond", (normal(2, 3, 3),), {}),
    ("cond", (normal(3, 3),), {"p": -2}),
    ("cond", (normal(3, 3),), {"p": "fro"}),
    ("cond", (normal(3, 3),), {"p": -np.inf}),
    ("matrix_rank", (np.outer(normal(4), normal(3)),), {}),
    ("tensorinv", (normal(6, 6).reshape(2, 3, 6),), {}),
    ("tensorsolve", (normal(6, 6).reshape(2, 3, 6), normal(2, 3)), {}),
    ("matrix_norm", (normal(2, 3, 4),), {}),
    ("matrix_norm", (normal(2, 3, 4),), {"ord": "nuc", "keepdims": True}),
    ("matrix_norm", (normal(2, 3, 4),), {"ord": -np.inf}),
    ("vector_norm", (normal(2, 3, 4),), {}),
    ("vector_norm", (normal(2, 3, 4),), {"axis": 1, "ord": 1, "keepdims": True}),
    ("vector_norm", (normal(2, 3, 4),), {"axis": (0, 2), "ord": np.inf}),
    ("vecdot", (normal(2, 3), normal(4, 1, 3)), {}),
    ("vecdot", (normal(3, 2), normal(3, 2)), {"axis": 0}),
    ("matmul", (normal(2, 3, 4), normal(4, 2)), {}),
    ("outer", (normal(3), normal(2)), {}),
    ("tensordot", (normal(2, 3, 4), normal(3, 4, 2)), {}),
    ("tensordot", (normal(2, 3), normal(2, 4)), {"axes": ([0], [0])}),
    ("trace", (normal(2, 3, 4),), {"offset": 1}),
    ("diagonal", (normal(2, 3, 4),), {"offset": -1}),
    ("cross", (normal(2, 3), normal(3)), {}),
    ("cross", (normal(3, 2), normal(3, 2)), {"axis": 0}),
    ("matrix_transpose", (normal(2, 3, 4),), {}),
    ("svdvals", (normal(2, 3, 4),), {}),
]
NORMS = [
    (shape, {"ord": order, "axis": axis, "keepdims": keepdims})
    for shape, orders, axis in [
        ((5,), (None, 2, 1, -1, np.inf, -np.inf, 0), None),
        ((3, 4), (None, 2, 1, -1, np.inf, -np.inf, 0), -1),
        ((3, 4), (None, "fro", "f", "nuc", 2, -2, 1, -1, np.inf, -np.inf), None),
        ((2, 3, 4), (None, "fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf), (2, 0)),
    ]
    for order in orders
    for keepdims in (False, True)
] + [((2, 3, 4), {}), ((2, 3, 4), {"keepdims": True}), ((), {})]


def case_id(case):
    return case[0] if isinstance(case[0], str) else str(case[0])


@pytest.mark.parametrize("name, args, kwargs", EXACT, ids=[case_id(c) for c in EXACT])
def test_numpy_linalg_on_tensors_gives_numpys_values_exactly(name, args, kwargs):
    tensors = [cr.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
    with np.errstate(all="ignore"):
        found = getattr(np.linalg, name)(*tensors, **kwargs)
        expected = getattr(np.linalg, name)(*args, **kwargs)
    assert_same_values(found, expected)


@pytest.mark.parametrize("shape, kwargs", NORMS)
def test_norm_on_tensors_gives_numpys_values_exactly_for_every_order_and_axis(shape, kwargs):
    x = normal(*shape)
    assert_same_values(np.linalg.norm(cr.tensor(x), **kwargs), np.linalg.norm(x, **kwargs))


@pytest.mark.parametrize("order", [0.5, 3, -2.5])
def test_p_norms_match_numpy_to_rounding(order):
    # p-norms are rescaled by max |x| (no over- or underflow): the last bit may differ.
    x = normal(3, 4)
    np.testing.assert_allclose(linalg.norm(cr.tensor(x), order, axis=1).numpy(),
                               np.linalg.norm(x, order, axis=1), rtol=1e-14)


@pytest.mark.parametrize("name, args, kwargs", [
    ("pinv", (normal(3, 4),), {}), ("qr", (normal(4, 3),), {}),
    ("lstsq", (normal(4, 3), normal(4)), {}), ("matrix_power", (SQUARE, -3), {}),
    ("cond", (normal(3, 3),), {"p": 1}), ("norm", (normal(3, 4),), {"ord": "nuc"}),
    ("tensorsolve", (normal(6, 6).reshape(2, 3, 6), normal(2, 3)), {}),
    ("vecdot", (normal(2, 3), normal(3)), {}), ("cross", (normal(3), normal(3)), {}),
    ("eigvalsh", (normal(3, 3),), {"UPLO": "U"}),
])
def test_numpy_linalg_on_tensors_differentiates_as_the_chainrule_op(name, args, kwargs):
    floats = [i for i, a in enumerate(args) if isinstance(a, np.ndarray)]

    def through(fn):
        def call(*xs):
            merged = list(args)
            for i, x in zip(floats, xs):
                merged[i] = x
            return fn(*merged, **kwargs)
        return call

    via_numpy = gradient(through(getattr(np.linalg, name)), *[args[i] for i in floats])
    via_chainrule = gradient(through(getattr(linalg, name)), *[args[i] for i in floats])
    for got, want in zip(via_numpy, via_chainrule, strict=True):
        assert np.any(got != 0)
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("fn", [
    lambda t: np.linalg.pinv(t), lambda t: np.linalg.qr(t).R, lambda t: np.linalg.qr(t).Q,
    lambda t: np.linalg.lstsq(t, t[:, 0])[0], lambda t: np.linalg.lstsq(t, t[:, :2])[1],
    lambda t: np.linalg.matrix_power(t[:3], -2), lambda t: np.linalg.multi_dot([t, t.mT, t]),
    lambda t: np.linalg.cond(t[:3], np.inf), lambda t: np.linalg.eigh(t[:3] + 3)[0],
])
def test_float32_stays_float32_forward_and_backward(fn):
    t = cr.tensor(normal(4, 3) + np.eye(4, 3), dtype="float32", requires_grad=True)
    out = fn(t)
    cr.sum(out).backward()
    assert out.dtype == np.float32 and t.grad.dtype == np.float32


def test_jit_replays_numpy_linalg_calls_exactly_as_eager():
    def f(a, b):
        x, residuals, _, _ = np.linalg.lstsq(a, b)
        q, r = np.linalg.qr(a)
        return (cr.sum(np.linalg.pinv(a) ** 2) + cr.sum(x * x) + cr.sum(residuals)
                + cr.sum(q[:, 0] * r[0, 0]) + np.linalg.norm(a, "nuc"))

    fast = cr.jit(cr.value_and_grad(f, argnums=(0, 1)))
    for _ in range(3):
        a, b = normal(5, 3), normal(5)
        got, expected = fast(a, b), cr.value_and_grad(f, argnums=(0, 1))(a, b)
        for found, want in zip(leaves(got), leaves(expected), strict=True):
            np.testing.assert_array_equal(found, want)


# --- pinv and lstsq -------------------------------------------------------------------------------


def test_pinv_gradient_of_an_invertible_matrix_is_that_of_inv():
    a = SQUARE
    np.testing.assert_allclose(gradient(linalg.pinv, a)[0], gradient(linalg.inv, a)[0],
                               rtol=1e-10)


def test_pinv_refuses_rcond_and_rtol_together():
    with pytest.raises(ValueError, match="rcond or rtol, not both"):
        linalg.pinv(np.eye(2), rcond=1e-3, rtol=1e-3)


def test_pinv_hermitian_reads_and_differentiates_the_lower_triangle_only():
    a = normal(3, 3)
    grad = gradient(lambda t: linalg.pinv(t, hermitian=True), a)[0]
    assert np.all(grad[np.triu_indices(3, 1)] == 0)
    np.testing.assert_allclose(linalg.pinv(a, hermitian=True),
                               np.linalg.pinv(np.tril(a) + np.tril(a, -1).T), atol=1e-12)


def test_lstsq_of_a_rank_deficient_matrix_has_no_residuals_and_numpys_rank():
    a = np.outer(normal(4), normal(3))
    x, residuals, rank, s = linalg.lstsq(cr.tensor(a, requires_grad=True), normal(4))
    assert residuals.shape == (0,) and int(rank) == 1
    assert not rank.requires_grad and not s.requires_grad and x.requires_grad


def test_lstsq_residual_gradient_is_minus_twice_the_error_times_x():
    a, b = normal(5, 2), normal(5)
    x = np.linalg.lstsq(a, b)[0]
    errors = b - a @ x
    grad_a, grad_b = gradient(lambda s, t: linalg.lstsq(s, t)[1], a, b)
    np.testing.assert_allclose(grad_a, -2 * np.outer(errors, x), atol=1e-12)
    np.testing.assert_allclose(grad_b, 2 * errors, atol=1e-12)


# --- qr -------------------------------------------------------------------------------------------


def test_qr_keeps_lapacks_signs_and_reconstructs_a():
    a = np.array([[3.0, 1.0], [4.0, 2.0]])
    q, r = linalg.qr(cr.tensor(a))
    np.testing.assert_array_equal(r.numpy(), np.linalg.qr(a).R)
    assert r.numpy()[0, 0] < 0 < r.numpy()[1, 1]  # no sign normalization, as in NumPy
    np.testing.assert_allclose((q @ r).numpy(), a)


def test_qr_at_an_upper_triangular_matrix_differentiates_what_does_not_depend_on_signs():
    # LAPACK skips the reflection of a column already zero below the diagonal, so Q and R jump
    # there (R's diagonal signs flip for any nearby non-triangular A); Rᵀ·R = Aᵀ·A does not.
    a = np.array([[2.0, 1.0], [0.0, 3.0]])
    assert np.all(np.diag(np.linalg.qr(a).R) > 0)
    assert np.linalg.qr(a + [[0, 0], [1e-9, 0]]).R[0, 0] < 0
    assert cr.gradcheck(lambda t: linalg.qr(t).R.mT @ linalg.qr(t).R, a)
    assert cr.gradcheck(lambda t: linalg.qr(t).Q ** 2, a)


def test_complete_qr_of_a_tall_matrix_is_a_value_only():
    a = normal(4, 2)
    assert_same_values(linalg.qr(cr.tensor(a), "complete"), np.linalg.qr(a, "complete"))
    with pytest.raises(ValueError, match="not unique and have no derivative"):
        linalg.qr(cr.tensor(a, requires_grad=True), "complete")


def test_qr_derivative_at_dependent_columns_says_why_it_does_not_exist():
    dependent = np.array([[1.0, 1.0], [0.0, 0.0]])  # R = [[1, 1], [0, 0]] exactly
    with pytest.raises(np.linalg.LinAlgError, match="^qr: no derivative where"):
        cr.grad(lambda t: cr.sum(linalg.qr(t).R))(dependent)
    with pytest.raises(np.linalg.LinAlgError, match="^qr: no derivative where"):
        cr.jvp(lambda t: linalg.qr(t).Q, (dependent,), (np.eye(2),))


def test_qr_refuses_an_unknown_mode():
    with pytest.raises(ValueError, match="'raw'"):
        linalg.qr(np.eye(2), "raw")


# --- eigh and eigvalsh read one triangle ----------------------------------------------------------


@pytest.mark.parametrize("uplo, unread", [
    ("L", np.triu_indices(3, 1)), ("U", np.tril_indices(3, -1)),
])
def test_eigh_derivative_lives_in_the_triangle_read_in_both_modes(uplo, unread):
    a = normal(3, 3)
    grad = gradient(lambda t: linalg.eigh(t, uplo)[1] ** 2 + linalg.eigvalsh(t, uplo), a)[0]
    assert np.all(grad[unread] == 0) and np.all(grad[np.diag_indices(3)] != 0)
    outside = np.zeros((3, 3))
    outside[unread] = 1.0
    _, tangent = cr.jvp(lambda t: linalg.eigvalsh(t, uplo), (a,), (outside,))
    np.testing.assert_array_equal(np.asarray(tangent), 0.0)


def test_eigh_of_a_non_symmetric_matrix_is_that_of_the_triangle_it_names():
    # The value is that of S, the symmetric matrix of a's upper triangle; an entry above the
    # diagonal stands for two of S's, so it receives both halves of S's gradient V·diag(w)·Vᵀ.
    a, weights = normal(3, 3), np.array([1.0, -2.0, 0.5])
    upper = np.triu(a) + np.triu(a, 1).T
    np.testing.assert_array_equal(linalg.eigvalsh(cr.tensor(a), "U").numpy(),
                                  np.linalg.eigvalsh(a, "U"))
    _, vectors = np.linalg.eigh(upper)
    symmetric_gradient = (vectors * weights) @ vectors.T
    expected = np.triu(2 * symmetric_gradient) - np.diag(np.diag(symmetric_gradient))
    grad = gradient(lambda t: linalg.eigvalsh(t, "U") * weights, a)[0]
    np.testing.assert_allclose(grad, expected, atol=1e-12)


def test_eigh_refuses_a_bad_uplo():
    with pytest.raises(ValueError, match="UPLO must be 'L' or 'U'"):
        linalg.eigh(np.eye(2), "X")


# --- matrix_power, multi_dot, cond, matrix_rank ---------------------------------------------------


def test_matrix_power_zero_is_the_identity_with_a_zero_gradient():
    grad = gradient(lambda t: linalg.matrix_power(t, 0), SQUARE)[0]
    np.testing.assert_array_equal(grad, np.zeros((3, 3)))


@pytest.mark.parametrize("call, error, message", [
    (lambda: linalg.matrix_power(np.eye(2), 1.5), TypeError, "must be an integer"),
    (lambda: linalg.matrix_power(np.ones((2, 3)), 2), ValueError, "square"),
    (lambda: linalg.multi_dot([np.eye(2)]), ValueError, "at least two"),
    (lambda: linalg.multi_dot([np.eye(2), np.ones((2, 2, 2)), np.eye(2)]), ValueError, "2-d"),
    (lambda: linalg.multi_dot([np.eye(2), np.eye(2)], out=np.eye(2)), TypeError, "out="),
    (lambda: linalg.cond(np.ones((0, 0))), np.linalg.LinAlgError, "empty"),
    (lambda: linalg.outer(np.ones((2, 2)), np.ones(2)), ValueError, "1-d"),
    (lambda: linalg.cross(np.ones(2), np.ones(3)), ValueError, "3-dimensional"),
    (lambda: linalg.matrix_transpose(np.ones(3)), ValueError, r"\(3,\)"),
])
def test_bad_arguments_are_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_cond_of_a_singular_matrix_is_inf_as_numpy():
    singular = np.ones((2, 2))
    for p in (1, np.inf, "fro"):
        assert float(linalg.cond(cr.tensor(singular, requires_grad=True), p)) == np.inf
    with np.errstate(all="ignore"):
        assert float(linalg.cond(cr.tensor(singular), 2)) == np.linalg.cond(singular, 2)


def test_matrix_rank_is_a_value_only_on_a_tensor_that_requires_grad():
    rank = np.linalg.matrix_rank(cr.tensor(np.ones((2, 3, 3)), requires_grad=True))
    np.testing.assert_array_equal(rank.numpy(), [1, 1])
    assert not rank.requires_grad


# --- norm: the conventions at kinks and ties ------------------------------------------------------


def test_one_norm_gives_an_entry_at_zero_the_zero_subgradient():
    grad = gradient(lambda t: linalg.norm(t, 1), np.array([2.0, 0.0, -3.0]))[0]
    np.testing.assert_array_equal(grad, [1.0, 0.0, -1.0])


@pytest.mark.parametrize("order, expected", [
    (np.inf, [0.5, 0.0, -0.5]), (-np.inf, [0.0, 1.0, 0.0]),
])
def test_max_and_min_norms_share_the_gradient_among_ties(order, expected):
    grad = gradient(lambda t: linalg.norm(t, order), np.array([3.0, 1.0, -3.0]))[0]
    np.testing.assert_array_equal(grad, expected)


def test_matrix_one_norm_shares_the_gradient_among_tied_columns():
    a = np.array([[1.0, -2.0], [2.0, 1.0]])  # both column sums of |a| are 3
    grad = gradient(lambda t: linalg.norm(t, 1), a)[0]
    np.testing.assert_array_equal(grad, 0.5 * np.sign(a))


@pytest.mark.parametrize("order", [None, 2, 1, 3, np.inf, "fro"])
def test_norms_at_zero_have_the_zero_subgradient(order):
    x = np.zeros((2, 2)) if isinstance(order, str) else np.zeros(3)
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(gradient(lambda t: linalg.norm(t, order), x)[0], 0.0)


@pytest.mark.parametrize("order", [0.5, -1, -2.5])
def test_an_entry_at_zero_gets_the_zero_gradient_from_orders_below_one(order):
    # p < 1 has an infinite slope at 0; p < 0 makes the norm 0 there (NumPy's value) with the
    # zero subgradient; neither gives NaN.
    x = np.array([0.0, 1.0, -2.0])
    with np.errstate(divide="ignore"):
        expected = np.linalg.norm(x, order)
    assert float(linalg.norm(cr.tensor(x), order)) == expected
    grad = gradient(lambda t: linalg.norm(t, order), x)[0]
    assert grad[0] == 0 and np.all(np.isfinite(grad))
    if order < 0:
        np.testing.assert_array_equal(grad, 0.0)


def test_vector_norm_zero_order_counts_and_has_no_gradient():
    x = np.array([1.0, 0.0, -2.0])
    assert float(linalg.vector_norm(cr.tensor(x), ord=0)) == 2.0
    grad = cr.grad(lambda t: cr.sum(linalg.vector_norm(t, ord=0)))(x)
    np.testing.assert_array_equal(np.asarray(grad), 0.0)


def test_nuclear_norm_gradient_at_a_singular_matrix_is_a_subgradient():
    # U·Vᵀ over every singular pair LAPACK returns, a zero singular value's included: at A = 0
    # that is U·Vᵀ = I, a subgradient of the nuclear norm (its spectral norm is at most 1).
    grad = gradient(lambda t: linalg.norm(t, "nuc"), np.zeros((2, 2)))[0]
    assert np.all(np.isfinite(grad)) and np.linalg.norm(grad, 2) <= 1 + 1e-12

