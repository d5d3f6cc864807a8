"""The derivatives of the incomplete gamma and beta functions and of Student's t distribution
function in their shape parameters, against mpmath (numerical derivatives of its
arbitrary-precision functions) in the bulk and the tails, for small and large shapes."""

import doctest

import mpmath
import numpy as np
import pytest

import chainrule as cr
from chainrule.scipy.stats import distribution_functions as f
from chainrule.scipy.stats import shape_derivatives

mpmath.mp.dps = 40

GAMMA_POINTS = [(1e-3, 0.5), (0.1, 0.003), (0.1, 15.0), (0.5, 2.7), (2.5, 1.0), (10.0, 200.0),
                (100.0, 0.1), (100.0, 95.0), (100.0, 300.0), (1e3, 1632.5), (1e4, 9950.0),
                (1e5, 98576.975)]
BETA_POINTS = [(1e-3, 0.5, 0.3), (0.1, 1e4, 1e-5), (0.5, 1.5, 0.999), (2.5, 1.5, 0.6),
               (2.5, 300.0, 0.3), (10.0, 1e4, 1e-3), (100.0, 1e-3, 0.999), (300.0, 10.0, 0.96),
               (1e3, 1e3, 0.49)]
# the last ones near the normal, on the series in 1/df and just beyond it
T_POINTS = [(0.05, -3.0), (0.5, 100.0), (1.0, -1e-3), (3.5, 0.7), (30.0, 8.0), (100.0, -2.0),
            (1e3, 2.0), (1e3, 3.3), (1e4, -5.0), (1e4, 7.5), (1e6, 3.0)]


def relative_error(got, expected):
    return abs(got - float(expected)) / abs(float(expected))


@pytest.mark.parametrize("a, x", GAMMA_POINTS)
def test_gammainc_in_a_is_mpmaths(a, x):
    if x < a:
        expected = mpmath.diff(lambda s: mpmath.gammainc(s, 0, x, regularized=True), a)
    else:
        expected = -mpmath.diff(lambda s: mpmath.gammainc(s, x, mpmath.inf, regularized=True), a)
    assert relative_error(float(cr.grad(lambda s: f.gammainc(s, x))(a)), expected) < 1e-12
    assert relative_error(float(cr.grad(lambda s: f.gammaincc(s, x))(a)), -expected) < 1e-12


@pytest.mark.parametrize("a, b, x", BETA_POINTS)
def test_betainc_in_a_and_b_is_mpmaths(a, b, x):
    def regularized(a, b):
        # above the mean, I_x(a, b) − 1 = −I_(1−x)(b, a): no 1 − tiny to resolve
        if x < a / (a + b):
            return mpmath.betainc(a, b, 0, x, regularized=True)
        return -mpmath.betainc(b, a, 0, 1 - mpmath.mpf(x), regularized=True)

    expected_a = mpmath.diff(lambda s: regularized(s, b), a)
    expected_b = mpmath.diff(lambda s: regularized(a, s), b)
    slope_a, slope_b = cr.grad(lambda s, r: f.betainc(s, r, x), argnums=(0, 1))(a, b)
    assert relative_error(float(slope_a), expected_a) < 1e-11
    assert relative_error(float(slope_b), expected_b) < 1e-11


@pytest.mark.parametrize("df, t", T_POINTS)
def test_stdtr_in_df_is_mpmaths(df, t):
    def distribution(nu):  # less its constant 1 for t > 0 (no 1 − tiny to resolve)
        i = mpmath.betainc(nu / 2, 0.5, 0, nu / (nu + t * t), regularized=True)
        return i / 2 if t < 0 else -i / 2

    expected = mpmath.diff(distribution, df)
    assert relative_error(float(cr.grad(lambda d: f.stdtr(d, t))(df)), expected) < 5e-11


def test_edges_and_invalid_shapes():
    slope = shape_derivatives.gammainc_slope([2.0, 2.0, -1.0, 2.0], [0.0, np.inf, 1.0, -1.0])
    np.testing.assert_array_equal(slope, [0.0, 0.0, np.nan, np.nan])
    slope = shape_derivatives.betainc_slope([2.0, 2.0, 0.0], 3.0, [0.0, 1.0, 0.5])
    np.testing.assert_array_equal(slope, [0.0, 0.0, np.nan])
    slope = shape_derivatives.stdtr_slope([3.0, 3.0, np.inf, -1.0], [0.0, np.inf, 2.0, 1.0])
    np.testing.assert_array_equal(slope, [0.0, 0.0, 0.0, np.nan])


def test_float32_stays_float32_and_modes_agree():
    a, x = np.float32(2.5), np.float32(1.5)
    assert cr.grad(lambda s: f.gammainc(s, x))(a).dtype == np.float32
    assert cr.grad(lambda s: f.betainc(s, a, np.float32(0.3)))(a).dtype == np.float32
    reverse = cr.grad(lambda s: f.betaincc(2.0, s, 0.3))(1.5)
    _, forward = cr.jvp(lambda s: f.betaincc(2.0, s, 0.3), (1.5,), (1.0,))
    np.testing.assert_allclose(np.asarray(forward), reverse, rtol=1e-14)


def test_second_order_in_a_shape_says_it_is_not_implemented():
    with pytest.raises(NotImplementedError, match="second derivative of scipy.special.gammainc"):
        cr.grad(cr.grad(lambda a: f.gammainc(a, 2.0)))(1.5)
    with pytest.raises(NotImplementedError, match="betainc in b"):
        cr.grad(cr.grad(lambda b: f.betainc(2.0, b, 0.3)))(1.5)
    # the mixed derivative, in the point of the derivative in the shape, is there
    mixed = cr.grad(lambda x: cr.grad(lambda a: f.gammainc(a, x))(1.5))(2.0)
    expected = mpmath.diff(lambda a, x: mpmath.gammainc(a, 0, x, regularized=True), (1.5, 2.0),
                           (1, 1))
    assert relative_error(float(mixed), expected) < 1e-10


def test_doctests_run():
    assert doctest.testmod(shape_derivatives).failed == 0
