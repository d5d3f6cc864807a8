"""chainrule.scipy.special: SciPy's values and dtypes, SciPy's ufuncs on tensors dispatching here
(or refusing by name), and the conventions at domain edges, poles and far tails."""

import doctest

import mpmath
import numpy as np
import pytest
import scipy.special as sc

import chainrule as cr
from chainrule.scipy import special

UNARY_DOMAINS = {
    "gammaln": (0.1, 5.0), "gamma": (0.1, 5.0), "digamma": (0.1, 5.0), "psi": (0.1, 5.0),
    "erfinv": (-0.99, 0.99), "erfcinv": (0.01, 1.99), "logit": (0.01, 0.99),
    "log_expit": (-10.0, 10.0), "entr": (-1.0, 3.0), "i0": (-5.0, 5.0), "i0e": (-5.0, 5.0),
    "i1": (-5.0, 5.0), "i1e": (-5.0, 5.0), "ndtr": (-5.0, 5.0), "ndtri": (0.01, 0.99),
    "log_ndtr": (-50.0, 5.0),
}
BINARY_DOMAINS = {
    "beta": (0.1, 5.0), "betaln": (0.1, 5.0), "xlogy": (-1.0, 3.0), "xlog1py": (-1.0, 3.0),
    "rel_entr": (-1.0, 3.0), "kl_div": (-1.0, 3.0),
}
# chainrule's own erf, erfc and sigmoid: within a few ulp of SciPy's, not bit for bit.
REUSED = {"erf": (-3.0, 3.0), "erfc": (-3.0, 3.0), "expit": (-10.0, 10.0)}
DTYPES = (np.float64, np.float32)


def sample(domain, shape=(50,), dtype=np.float64, seed=0):
    return np.random.default_rng(seed).uniform(*domain, size=shape).astype(dtype)


def as_array(x):
    return x.numpy() if isinstance(x, cr.Tensor) else np.asarray(x)


def assert_same(got, expected):
    got = as_array(got)
    expected = np.asarray(expected)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(UNARY_DOMAINS))
def test_unary_values_and_dtypes_are_scipys(name, dtype):
    x = sample(UNARY_DOMAINS[name], dtype=dtype)
    assert_same(getattr(special, name)(cr.tensor(x)), getattr(sc, name)(x))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(BINARY_DOMAINS))
def test_binary_values_and_dtypes_are_scipys(name, dtype):
    x = sample(BINARY_DOMAINS[name], dtype=dtype)
    y = sample(BINARY_DOMAINS[name], dtype=dtype, seed=1)
    x[:5] = 0  # the x = 0 conventions
    assert_same(getattr(special, name)(cr.tensor(x), cr.tensor(y)), getattr(sc, name)(x, y))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(REUSED))
def test_reused_chainrule_functions_agree_with_scipy_within_a_few_ulp(name, dtype):
    x = sample(REUSED[name], shape=(1000,), dtype=dtype)
    got = as_array(getattr(special, name)(cr.tensor(x)))
    assert got.dtype == dtype
    # chainrule's erfc is within 2 ulp of the true value in the tail where SciPy's errs by more.
    rtol = 1e-11 if name == "erfc" and dtype == np.float64 else 4 * np.finfo(dtype).eps
    np.testing.assert_allclose(got, getattr(sc, name)(x), rtol=rtol, atol=0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_functions_of_several_arguments_are_scipys(dtype):
    a = sample((-3.0, 3.0), shape=(4, 5), dtype=dtype)
    b = sample((-1.0, 2.0), shape=(4, 5), dtype=dtype, seed=1)
    assert_same(special.polygamma(2, cr.tensor(a + 4)), sc.polygamma(2, a + 4))
    assert_same(special.multigammaln(cr.tensor(a + 5), 4), sc.multigammaln(a + 5, 4))
    assert_same(special.zeta(cr.tensor(a + 5), cr.tensor(a + 4)), sc.zeta(a + 5, a + 4))
    assert_same(special.zeta(cr.tensor(a + 5)), sc.zeta(a + 5))
    assert_same(special.sinc(cr.tensor(a)), np.sinc(a))
    for axis in (None, 0, 1, -1, (0, 1)):
        for name in ("softmax", "log_softmax"):
            assert_same(getattr(special, name)(cr.tensor(a), axis=axis),
                        getattr(sc, name)(a, axis=axis))
        # Without weights it is chainrule's logsumexp: SciPy's within rounding.
        plain = as_array(special.logsumexp(cr.tensor(a), axis=axis))
        assert plain.dtype == dtype
        np.testing.assert_allclose(plain, sc.logsumexp(a, axis=axis), rtol=4 * np.finfo(dtype).eps)
        out, sign = special.logsumexp(cr.tensor(a), axis=axis, b=cr.tensor(b), return_sign=True)
        expected_out, expected_sign = sc.logsumexp(a, axis=axis, b=b, return_sign=True)
        assert_same(out, expected_out)
        assert_same(sign, expected_sign)


@pytest.mark.parametrize("name", sorted(UNARY_DOMAINS) + ["softmax", "log_softmax", "sinc"])
def test_float32_gradients_stay_float32(name):
    x = cr.tensor(sample(UNARY_DOMAINS.get(name, (0.1, 0.9)), shape=(3,), dtype=np.float32),
                  requires_grad=True)
    getattr(special, name)(x).sum().backward()
    assert x.grad.dtype == np.float32


def test_logsumexp_follows_scipy_at_zero_weights_and_negative_sums():
    a = np.array([[np.inf, 1.0, 2.0], [1.0, 2.0, 3.0]])
    b = np.array([[0.0, 1.0, 1.0], [1.0, -1.0, 0.1]])
    a_t, b_t = cr.tensor(a, requires_grad=True), cr.tensor(b, requires_grad=True)
    with np.errstate(invalid="ignore"):
        expected = sc.logsumexp(a, axis=1, b=b)
    out = special.logsumexp(a_t, axis=1, b=b_t)
    np.testing.assert_array_equal(as_array(out), expected)  # the second row's sum is negative: NaN
    out[0].backward()
    # A zero weight drops its entry, infinite or not: no derivative in a there.
    np.testing.assert_allclose(as_array(a_t.grad)[0], [0.0, *sc.softmax([1.0, 2.0])])
    assert np.isinf(as_array(b_t.grad)[0, 0])  # ∂/∂b of e^inf·b: infinite, truthfully
    # The NaN of the negative sum is a constant: it reaches no other slice's gradient.
    assert np.isfinite(as_array(a_t.grad)).all() and np.isfinite(as_array(b_t.grad)[1]).all()


def test_logsumexp_sign_has_no_derivative_and_the_magnitude_does():
    a = cr.tensor([1.0, 2.0], requires_grad=True)
    b = np.array([1.0, -2.0])
    out, sign = special.logsumexp(a, b=b, return_sign=True)
    assert float(sign) == -1.0 and not sign.requires_grad
    out.backward()
    weights = b * np.exp([1.0, 2.0])
    np.testing.assert_allclose(as_array(a.grad), weights / weights.sum())


def test_polygamma_derivative_is_the_next_order():
    x = np.array([0.7, 2.5])
    for n in range(3):
        grad = cr.grad(lambda x, n=n: special.polygamma(n, x).sum())(x)
        np.testing.assert_allclose(as_array(grad), sc.polygamma(n + 1, x), rtol=1e-14)


def test_multigammaln_refuses_what_scipy_refuses():
    with pytest.raises(ValueError, match="d should be a positive integer"):
        special.multigammaln(cr.tensor(3.0), 2.5)
    with pytest.raises(ValueError, match=r"> 0.5 \* \(d-1\)"):
        special.multigammaln(cr.tensor(1.0), 4)


def zeta_moment(x, q, order):
    """(−1)ᵐ ∂ᵐζ(x, q)/∂xᵐ to 50 digits."""
    with mpmath.workdps(50):
        return float((-1) ** order * mpmath.zeta(x, q, derivative=order))


@pytest.mark.parametrize("x", [1.001, 1.5, 2.0, 3.7, 10.0, 35.0])
@pytest.mark.parametrize("q", [1e-3, 0.5, 1.0, 2.5, 30.0])
def test_zeta_derivatives_in_x_agree_with_mpmath_to_rounding(x, q):
    first = cr.grad(lambda x: special.zeta(x, q))(x)
    second = cr.grad(cr.grad(lambda x: special.zeta(x, q)))(x)
    np.testing.assert_allclose(float(first), -zeta_moment(x, q, 1), rtol=1e-14)
    np.testing.assert_allclose(float(second), zeta_moment(x, q, 2), rtol=1e-14)


def test_zeta_derivatives_in_q_and_mixed():
    x, q = 3.0, 1.5
    np.testing.assert_allclose(float(cr.grad(lambda q: special.zeta(x, q))(q)),
                               -3.0 * sc.zeta(4.0, 1.5), rtol=1e-15)
    mixed = cr.grad(lambda q: cr.grad(lambda x: special.zeta(x, q))(x))(q)
    # ∂²ζ/∂q∂x = −ζ(x + 1, q) − x·∂ζ(x + 1, q)/∂x
    expected = -sc.zeta(4.0, 1.5) + 3.0 * zeta_moment(4.0, 1.5, 1)
    np.testing.assert_allclose(float(mixed), expected, rtol=1e-14)


@pytest.mark.parametrize("x", [-60.5, -20.5, -7.3, -2.0, -0.3, -0.25, -0.1, 0.0, 0.5, 0.999, 2.0])
def test_riemann_zeta_derivatives_agree_with_mpmath_also_continued_below_one(x):
    first = cr.grad(lambda x: special.zeta(x))(x)
    second = cr.grad(cr.grad(lambda x: special.zeta(x)))(x)
    np.testing.assert_allclose(float(first), -zeta_moment(x, 1.0, 1), rtol=5e-14)
    np.testing.assert_allclose(float(second), zeta_moment(x, 1.0, 2), rtol=5e-14)


def test_hurwitz_zeta_derivative_in_x_is_nan_where_scipys_value_is():
    # SciPy's ζ(x, q) sums the series only (x > 1): below, value and derivative are NaN; and
    # ln(k + q) is not real for q < 0, where SciPy's value is a number but ∂/∂x is not.
    grad = cr.grad(lambda x: special.zeta(x, 2.0).sum())(np.array([0.5, -2.5]))
    assert np.isnan(sc.zeta([0.5, -2.5], 2.0)).all() and np.isnan(as_array(grad)).all()
    assert np.isnan(float(cr.grad(lambda x: special.zeta(x, -0.5))(2.0)))


def test_xlogy_at_x_zero_follows_scipys_zero_log_zero():
    grad = cr.grad(lambda x, y: special.xlogy(x, y).sum(), argnums=(0, 1))
    with np.errstate(divide="ignore"):  # 2/0, as NumPy's own division warns
        x_grad, y_grad = grad(np.array([0.0, 0.0, 2.0]), np.array([0.0, 3.0, 0.0]))
    # ∂/∂x = log y (−inf at y = 0, the one-sided slope); ∂/∂y = x/y, 0 at x = y = 0.
    np.testing.assert_array_equal(as_array(x_grad), [-np.inf, np.log(3.0), -np.inf])
    np.testing.assert_array_equal(as_array(y_grad), [0.0, 0.0, np.inf])
    # A zero upstream gradient gives 0, never 0·(−inf).
    zero_seed = cr.grad(lambda x: 0.0 * special.xlogy(x, 0.0))(0.0)
    assert float(zero_seed) == 0.0


def test_entropies_at_the_domain_edges():
    entr_grad = cr.grad(lambda x: special.entr(x).sum())(np.array([0.0, -1.0, 0.5]))
    np.testing.assert_array_equal(as_array(entr_grad), [np.inf, 0.0, -(np.log(0.5) + 1)])
    x, y = np.array([0.0, -1.0, 0.5, 0.5]), np.array([2.0, 1.0, -1.0, 0.25])
    for name, at_zero_y in (("rel_entr", 0.0), ("kl_div", 1.0)):
        fn = getattr(special, name)
        x_grad, y_grad = cr.grad(lambda x, y, fn=fn: fn(x, y).sum(), argnums=(0, 1))(x, y)
        assert as_array(x_grad)[0] == -np.inf and as_array(y_grad)[0] == at_zero_y
        # Outside the domain the value is the constant inf: no derivative.
        np.testing.assert_array_equal(as_array(x_grad)[1:3], 0.0)
        np.testing.assert_array_equal(as_array(y_grad)[1:3], 0.0)


def test_entropy_derivatives_give_0_for_a_zero_seed_at_x_0_and_match_the_hand_rules():
    # the fused first derivatives (one primitive each): a zero seed at the infinite slope is 0,
    # in both modes, in float64 and float32, and elsewhere they are the hand-written rules
    x, y = np.array([0.0, 0.0, 0.5, 1.5, 0.0]), np.array([1.0, 2.0, 0.25, 3.0, 0.0])
    seed = np.array([0.0, 1.0, 2.0, -1.0, 0.0])
    for dtype in (np.float64, np.float32):
        _, pull = cr.vjp(special.entr, x.astype(dtype))
        (grad,) = (as_array(g) for g in pull(seed.astype(dtype)))
        assert grad.dtype == dtype and grad[0] == 0 and grad[1] == np.inf
        np.testing.assert_allclose(grad[2:4], -seed[2:4] * (np.log(x[2:4]) + 1), rtol=1e-6)
        _, pull = cr.vjp(special.kl_div, x.astype(dtype), y.astype(dtype))
        x_grad, y_grad = (as_array(g) for g in pull(seed.astype(dtype)))
        assert x_grad.dtype == dtype and x_grad[0] == 0 and x_grad[1] == -np.inf
        assert x_grad[4] == 0 and y_grad[4] == 0  # x = y = 0, where kl_div is y
        np.testing.assert_allclose(x_grad[2:4], seed[2:4] * np.log(x[2:4] / y[2:4]), rtol=1e-6)
        np.testing.assert_allclose(y_grad[2:4], seed[2:4] * (1 - x[2:4] / y[2:4]), rtol=1e-6)
    _, tangent = cr.jvp(special.rel_entr, (x, y), (seed, np.zeros(5)))
    assert as_array(tangent)[0] == 0 and as_array(tangent)[1] == -np.inf


def test_bessel_derivatives_at_zero_are_their_limits():
    at_zero = np.array([0.0])
    assert float(cr.grad(lambda x: special.i1(x).sum())(at_zero)[0]) == 0.5
    assert float(cr.grad(lambda x: special.i1e(x).sum())(at_zero)[0]) == 0.5
    assert float(cr.grad(lambda x: special.i0e(x).sum())(at_zero)[0]) == 0.0  # kink: the mean
    second = cr.grad(lambda x: cr.grad(lambda x: special.i1(x).sum())(x).sum())(at_zero)
    assert float(second[0]) == 0.0  # I₁ is odd


def normal_hazard(x):
    """φ(x)/Φ(x) to 30 digits (−x to them below −1e10)."""
    if x < -1e10:
        return -x
    with mpmath.workdps(30):
        x = mpmath.mpf(x)
        return float(mpmath.npdf(x) / mpmath.ncdf(x))


@pytest.mark.parametrize("x", [3.0, 0.0, -5.0, -25.0, -39.9, -40.1, -99.0, -250.0, -1e5, -1e200])
def test_log_ndtr_derivative_is_accurate_in_the_far_tail(x):
    grad = float(cr.grad(lambda x: special.log_ndtr(x))(x))
    np.testing.assert_allclose(grad, normal_hazard(x), rtol=5e-13)


def test_inverse_functions_have_infinite_slopes_at_their_ends():
    with np.errstate(over="ignore"):
        assert np.isinf(cr.grad(lambda x: special.erfinv(x))(1.0))
        assert np.isinf(cr.grad(lambda x: special.ndtri(x))(0.0))


def test_sinc_is_chainrules_own_as_scipys_is_numpys():
    assert sc.sinc is np.sinc and special.sinc is cr.sinc


def test_softmax_over_several_axes_matches_scipy_and_differentiates():
    x = np.random.default_rng(3).standard_normal((2, 3, 4))
    assert cr.gradcheck(lambda x: special.softmax(x, axis=(0, 2)) * x, x)
    assert cr.gradcheck(lambda x: special.log_softmax(x, axis=None) * x, x)


# scipy.special's ufuncs that chainrule.scipy.special also has.
SCIPY_UFUNCS = sorted(name for name in special.__all__ if isinstance(getattr(sc, name), np.ufunc))


@pytest.mark.parametrize("name", SCIPY_UFUNCS)
def test_scipy_ufuncs_on_tensors_dispatch_with_values_and_gradients(name):
    ufunc = getattr(sc, name)
    domain = {**UNARY_DOMAINS, **BINARY_DOMAINS, **REUSED}[name]
    args = [sample(domain, shape=(6,), seed=k) for k in range(ufunc.nin)]
    tensors = [cr.tensor(a, requires_grad=True) for a in args]
    out = ufunc(*tensors)
    assert isinstance(out, cr.Tensor)
    np.testing.assert_array_equal(as_array(out), as_array(getattr(special, name)(*args)))
    out.sum().backward()
    expected = cr.grad(lambda *a: getattr(special, name)(*a).sum(),
                       argnums=tuple(range(ufunc.nin)))(*args)
    expected = expected if isinstance(expected, tuple) else (expected,)
    for t, e in zip(tensors, expected):
        np.testing.assert_array_equal(as_array(t.grad), as_array(e))


def test_scipy_zeta_on_tensors_differentiates_in_both_arguments():
    q = cr.tensor([1.5, 2.0], requires_grad=True)
    out = sc.zeta(3.0, q)
    np.testing.assert_array_equal(as_array(out), sc.zeta(3.0, [1.5, 2.0]))
    out.sum().backward()
    np.testing.assert_array_equal(as_array(q.grad), -3.0 * sc.zeta(4.0, [1.5, 2.0]))
    np.testing.assert_allclose(float(cr.grad(lambda x: sc.zeta(x))(3.0)),
                               -zeta_moment(3.0, 1.0, 1), rtol=1e-14)


def test_a_scipy_ufunc_chainrule_lacks_is_refused_by_name_where_a_gradient_would_be_lost():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"scipy\.special\.jv is not differentiable"):
        sc.jv(0, x)
    with pytest.raises(TypeError, match=r"scipy\.special\.gammaln .*out="):
        sc.gammaln(x, out=np.empty(2))
    # Without a gradient to lose, SciPy runs on the values, as NumPy's functions do.
    np.testing.assert_array_equal(sc.jv(0, cr.tensor([1.0, 2.0])), sc.jv(0, [1.0, 2.0]))


def test_scipy_ufuncs_under_jit_replay_with_new_values():
    f = cr.jit(lambda x: sc.gammaln(x) * special.xlogy(x, x))
    for x in (np.array([0.5, 2.0]), np.array([3.0, 4.0])):
        np.testing.assert_allclose(as_array(f(x)), sc.gammaln(x) * sc.xlogy(x, x), rtol=1e-15)


def test_jit_replays_the_edge_conventions_of_the_rules_at_new_points():
    # The rules decide edges with ops (where, equal), never by reading one call's values, so a
    # compiled gradient keeps them at points it was not traced at.
    cases = [
        (lambda x: special.i1(x).sum(), [1.0, 2.0], [0.0, 1.0]),
        (lambda x: special.i1e(x).sum(), [1.0, 2.0], [0.0, 1.0]),
        (lambda x: special.xlogy(x, x).sum(), [1.0, 2.0], [0.0, 2.0]),
        (lambda x: special.xlog1py(x, x - 1).sum(), [1.0, 2.0], [0.0, 2.0]),
        (lambda x: special.entr(x).sum(), [1.0, 2.0], [-1.0, 2.0]),
        (lambda x: special.rel_entr(x, 1.0).sum(), [1.0, 2.0], [-1.0, 2.0]),
        (lambda x: special.logsumexp(x, b=x - 1), [2.0, 3.0], [1.0, 3.0]),
        (lambda x: special.zeta(x).sum(), [2.0, 3.0], [-3.5, 0.5]),
    ]
    for f, traced_at, replayed_at in cases:
        compiled = cr.jit(cr.grad(f))
        compiled(np.array(traced_at))
        np.testing.assert_array_equal(as_array(compiled(np.array(replayed_at))),
                                      as_array(cr.grad(f)(np.array(replayed_at))))


@pytest.mark.parametrize("name", special.__all__)
def test_every_function_has_a_runnable_example(name):
    tests = doctest.DocTestFinder(recurse=False).find(getattr(special, name), name, globs={})
    assert tests and tests[0].examples
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert runner.failures == 0
