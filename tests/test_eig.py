"""linalg.eig and eigvals keep NumPy's values and dtypes, dispatch from numpy.linalg, and say
where the eigenvectors' derivative is undefined (the op table checks the gradients)."""

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import linalg
from tests.ops.cases_complex import crand
from tests.ops.optable import rand

MATRICES = [
    rand(3, 3, seed=1),  # real eigenvalues
    np.array([[0.0, -1.0], [1.0, 0.0]]),  # ±i
    crand(2, 4, 4, seed=2),
    rand(3, 3, seed=1).astype(np.float32),
    crand(3, 3, seed=3).astype(np.complex64),
]


@pytest.mark.parametrize("a", MATRICES, ids=lambda a: f"{a.dtype}{a.shape}")
def test_values_and_dtypes_are_numpys(a):
    values, vectors = linalg.eig(cr.tensor(a))
    expected_values, expected_vectors = np.linalg.eig(a)
    for found, expected in ((values, expected_values), (vectors, expected_vectors),
                            (linalg.eigvals(cr.tensor(a)), np.linalg.eigvals(a))):
        assert found.dtype == expected.dtype
        np.testing.assert_array_equal(found.numpy(), expected)


def test_numpy_linalg_dispatches_with_gradients():
    a = crand(3, 3, seed=4)
    values, vectors = np.linalg.eig(cr.tensor(a))
    assert isinstance(values, cr.Tensor) and isinstance(vectors, cr.Tensor)
    assert isinstance(np.linalg.eigvals(cr.tensor(a)), cr.Tensor)
    def loss(fn):
        return lambda a: cr.sum(cr.abs(fn(a)) ** 2)
    np.testing.assert_allclose(cr.grad(loss(np.linalg.eigvals))(a),
                               cr.grad(loss(lambda a: linalg.eig(a)[0]))(a), atol=1e-12)


def test_the_values_gradient_is_the_left_and_right_vectors_product():
    # dλ/dA = u vᵀ / (uᵀ v) for right vector v and left vector u (here of Aᵀ): for a symmetric
    # matrix, vvᵀ.
    a = rand(3, 3, seed=5)
    a = a + a.T
    gradient = cr.grad(lambda a: cr.real(linalg.eigvals(a)[0]))(a)
    v = np.linalg.eig(a)[1][:, 0]
    np.testing.assert_allclose(gradient, np.outer(v, v), atol=1e-10)


def test_repeated_eigenvalues_give_nan_vectors_gradient_with_a_warning():
    a = np.diag([2.0, 2.0, 1.0]) + np.triu(np.ones((3, 3)), 1) * 0.0
    with pytest.warns(RuntimeWarning, match="eig: repeated values"):
        gradient = cr.grad(lambda a: cr.sum(cr.abs(linalg.eig(a)[1]) ** 2 * np.arange(9.0)
                                            .reshape(3, 3)))(a)
    assert np.isnan(gradient).any()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values_gradient = cr.grad(lambda a: cr.sum(cr.real(linalg.eig(a)[0])))(a)
    np.testing.assert_allclose(values_gradient, np.eye(3))


def test_eig_refuses_what_is_not_a_square_matrix():
    with pytest.raises(ValueError, match="eig needs square matrices"):
        linalg.eig(cr.tensor(rand(2, 3)))
    with pytest.raises(ValueError, match="eigvals needs a matrix"):
        linalg.eigvals(cr.tensor(rand(3)))


def test_eigvals_rules_match_the_vectors_to_its_own_order_of_values():
    from chainrule.ops.linalg import eigen

    a = crand(2, 3, 3, seed=6)
    values, vectors = np.linalg.eig(a)
    order = np.array([[2, 0, 1], [1, 2, 0]])
    shuffled = np.take_along_axis(values, order, axis=-1)
    matched = eigen._matching_vectors(a, shuffled)
    np.testing.assert_array_equal(matched, np.take_along_axis(vectors, order[:, None, :], -1))
