"""The rest of numpy.linalg on complex matrices (cond, cross, matrix_power, multi_dot,
tensorinv, tensorsolve, vecdot, pinv, lstsq, qr): NumPy's values and dtypes, NumPy's dispatch
with gradients. The rules themselves are gradchecked by the op table
(tests/ops/cases_complex_linalg2.py)."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import linalg
from tests.test_complex_linalg import test_values_and_dtypes_are_numpys as check_values


def _complex(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


A = _complex(3, 3, seed=1) + 3 * np.eye(3)
TALL = _complex(4, 3, seed=3)
WIDE = _complex(2, 4, seed=4)

VALUES = [
    ("cond", lambda m: linalg.cond(m), lambda m: np.linalg.cond(m), A),
    ("cond 1", lambda m: linalg.cond(m, 1), lambda m: np.linalg.cond(m, 1), A),
    ("matrix_power", lambda m: linalg.matrix_power(m, 5), lambda m: np.linalg.matrix_power(m, 5),
     A),
    ("matrix_power -2", lambda m: linalg.matrix_power(m, -2),
     lambda m: np.linalg.matrix_power(m, -2), A),
    ("multi_dot", lambda m: linalg.multi_dot([m, m.mT, m]),
     lambda m: np.linalg.multi_dot([m, m.T, m]), TALL),
    ("tensorinv", lambda m: linalg.tensorinv(m, 1), lambda m: np.linalg.tensorinv(m, 1), A),
    ("tensorsolve", lambda m: linalg.tensorsolve(m, m[0]),
     lambda m: np.linalg.tensorsolve(m, m[0]), A),
    ("cross", lambda m: linalg.cross(m, 2 * m[::-1]), lambda m: np.linalg.cross(m, 2 * m[::-1]),
     TALL[:, :3]),
    ("vecdot", lambda m: linalg.vecdot(m, m[::-1]), lambda m: np.linalg.vecdot(m, m[::-1]), TALL),
    ("pinv tall", lambda m: linalg.pinv(m), lambda m: np.linalg.pinv(m), TALL),
    ("pinv wide", lambda m: linalg.pinv(m), lambda m: np.linalg.pinv(m), WIDE),
    ("lstsq", lambda m: linalg.lstsq(m, m[:, 0] + 1j)[:2],
     lambda m: tuple(np.linalg.lstsq(m, m[:, 0] + 1j))[:2], TALL),
    ("lstsq residuals dtype", lambda m: linalg.lstsq(m, m[:, :2] * 2)[1:],
     lambda m: tuple(np.linalg.lstsq(m, m[:, :2] * 2))[1:], TALL),
    ("qr", lambda m: linalg.qr(m), lambda m: np.linalg.qr(m), TALL),
    ("qr wide", lambda m: linalg.qr(m), lambda m: np.linalg.qr(m), WIDE),
    ("qr r", lambda m: linalg.qr(m, "r"), lambda m: np.linalg.qr(m, "r"), TALL),
    ("pinv hermitian", lambda m: linalg.pinv(m, hermitian=True),
     lambda m: np.linalg.pinv(m, hermitian=True), A),
]


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("name, ours, numpys, matrix", VALUES, ids=[v[0] for v in VALUES])
def test_values_and_dtypes_are_numpys(name, ours, numpys, matrix, dtype):
    check_values(name, ours, numpys, matrix, dtype)


def test_cond_fro_is_numpys_to_rounding():
    # ‖A‖_F·‖A⁻¹‖_F: the norm of the complex inverse may round differently from NumPy's by an
    # ulp (it sums |z|² in another order).
    np.testing.assert_allclose(linalg.cond(cr.tensor(A), "fro").numpy(),
                               np.linalg.cond(A, "fro"), rtol=1e-14)


WEIGHTS = np.arange(12.0).reshape(3, 4)


@pytest.mark.parametrize("numpys, ours, matrix", [
    (lambda m: np.linalg.pinv(m), lambda m: linalg.pinv(m), TALL),
    (lambda m: np.linalg.matrix_power(m, 3), lambda m: linalg.matrix_power(m, 3), A),
    (lambda m: np.linalg.cond(m), lambda m: linalg.cond(m), A),
    (lambda m: np.linalg.lstsq(m, m[:, 0] * 1j)[0], lambda m: linalg.lstsq(m, m[:, 0] * 1j)[0],
     TALL),
    (lambda m: np.linalg.qr(m)[1], lambda m: linalg.qr(m)[1], TALL),
], ids=["pinv", "matrix_power", "cond", "lstsq", "qr"])
def test_numpy_linalg_dispatches_with_gradients(numpys, ours, matrix):
    def loss(fn):
        return lambda m: cr.sum(cr.abs(fn(m)) ** 2 * WEIGHTS[:fn(m).shape[0], :fn(m).shape[-1]]
                                if fn(m).ndim == 2 else cr.abs(fn(m)) ** 2)

    result = numpys(cr.tensor(matrix))
    assert isinstance(result, cr.Tensor)
    np.testing.assert_allclose(cr.grad(loss(numpys))(matrix), cr.grad(loss(ours))(matrix))
    assert np.iscomplexobj(cr.grad(loss(ours))(matrix))


def test_a_real_matrix_keeps_real_gradients():
    grad = cr.grad(lambda m: cr.sum(linalg.pinv(m) ** 2))(TALL.real)
    assert grad.dtype == np.float64


def test_qr_keeps_lapacks_real_diagonal_and_its_derivative_does_too():
    # LAPACK's R has a real diagonal; so has its tangent (the convention the rule holds).
    r = linalg.qr(cr.tensor(TALL))[1]
    assert np.all(np.diagonal(r.numpy()).imag == 0)
    _, (q_dot, r_dot) = cr.jvp(lambda m: tuple(linalg.qr(m)), (TALL,), (_complex(4, 3, seed=9),))
    np.testing.assert_allclose(np.diagonal(np.asarray(r_dot)).imag, 0, atol=1e-12)
    q = linalg.qr(cr.tensor(TALL))[0].numpy()
    # Qᴴ·Q̇ is skew-Hermitian: Q keeps orthonormal columns.
    skew = q.conj().T @ np.asarray(q_dot)
    np.testing.assert_allclose(skew + skew.conj().T, 0, atol=1e-12)
