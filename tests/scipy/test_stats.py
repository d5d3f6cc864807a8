"""chainrule.scipy.stats: SciPy's values on random points and in the far tails, SciPy's argument
names and conventions (support, invalid parameters, frozen forms), and every method
gradchecked in both modes to second order in the point and every continuous parameter."""

import doctest

import mpmath
import numpy as np
import pytest
import scipy.stats as ss

import chainrule as cr
from chainrule.scipy import stats
from chainrule.scipy.stats import continuous, discrete, distribution_functions, multivariate

CONTINUOUS_METHODS = ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf")
DISCRETE_METHODS = ("logpmf", "pmf", "cdf", "logcdf", "sf", "logsf")
# name -> (shape parameters, the standardized points' range)
CONTINUOUS = {
    "norm": ((), (-6.0, 6.0)), "t": ((3.5,), (-6.0, 6.0)), "gamma": ((2.5,), (0.05, 8.0)),
    "beta": ((2.5, 1.5), (0.02, 0.98)), "expon": ((), (0.05, 8.0)),
    "laplace": ((), (-8.0, 8.0)), "logistic": ((), (-8.0, 8.0)), "cauchy": ((), (-8.0, 8.0)),
    "uniform": ((), (0.02, 0.98)),
}
# name -> (shape parameters, k range)
DISCRETE = {
    "poisson": ((3.5,), (0, 12)), "bernoulli": ((0.3,), (0, 1)), "binom": ((9.0, 0.35), (0, 9)),
    "nbinom": ((2.5, 0.4), (0, 15)), "geom": ((0.3,), (1, 12)),
}
# The CDFs whose derivative in a shape parameter has no closed form (the incomplete gamma and
# beta functions differentiated term by term): once differentiable there, not twice.
CDF_FIRST_ORDER_SHAPES = {"t", "gamma", "beta", "binom", "nbinom"}


def as_array(x):
    return x.numpy() if isinstance(x, cr.Tensor) else np.asarray(x)


def close(got, expected, rtol=1e-12, atol=0.0):
    np.testing.assert_allclose(as_array(got), expected, rtol=rtol, atol=atol)


@pytest.mark.parametrize("method", CONTINUOUS_METHODS)
@pytest.mark.parametrize("name", sorted(CONTINUOUS))
def test_continuous_values_are_scipys(name, method):
    shapes, (low, high) = CONTINUOUS[name]
    rng = np.random.default_rng(0)
    loc, scale = 0.7, 1.8
    x = loc + scale * rng.uniform(low, high, size=40)
    x[:3] = [loc + scale * (low - 5), loc + scale * (high + 5), loc]  # outside, at loc
    got = getattr(getattr(stats, name), method)(x, *shapes, loc=loc, scale=scale)
    expected = getattr(getattr(ss, name), method)(x, *shapes, loc=loc, scale=scale)
    assert as_array(got).dtype == np.float64
    close(got, expected, atol=1e-300)


@pytest.mark.parametrize("method", DISCRETE_METHODS)
@pytest.mark.parametrize("name", sorted(DISCRETE))
def test_discrete_values_are_scipys(name, method):
    shapes, (low, high) = DISCRETE[name]
    k = np.concatenate([np.arange(low - 2, high + 3), [low + 0.5, high - 0.5]]).astype(float)
    for loc in (0, 2):
        got = getattr(getattr(stats, name), method)(k, *shapes, loc=loc)
        expected = getattr(getattr(ss, name), method)(k, *shapes, loc=loc)
        close(got, expected, atol=1e-300)


def test_far_tails_are_finite_and_accurate():
    close(stats.norm.logcdf(-40.0), ss.norm.logcdf(-40.0))
    close(stats.norm.logsf(1e5), ss.norm.logsf(1e5))
    close(stats.logistic.logcdf(-800.0), -800.0)
    close(stats.laplace.logsf(700.0), -700.0 - np.log(2))
    close(stats.expon.logsf(1e4), -1e4)
    close(stats.cauchy.logpdf(1e200), ss.cauchy.logpdf(1e200))
    # where 1/2 + arctan(x)/π cancels, arctan2 keeps every digit
    close(stats.cauchy.cdf(-1e12), float(mpmath.atan2(1, mpmath.mpf(1e12)) / mpmath.pi))


@pytest.mark.parametrize("df", [0.7, 29.0, 31.0, 1e3, 1e8, 1e15])
def test_t_logpdf_at_large_df_keeps_its_digits(df):
    x = 1.7
    with mpmath.workdps(60):
        exact = (mpmath.loggamma((mpmath.mpf(df) + 1) / 2) - mpmath.loggamma(mpmath.mpf(df) / 2)
                 - (mpmath.log(df) + mpmath.log(mpmath.pi)) / 2
                 - (mpmath.mpf(df) + 1) / 2 * mpmath.log1p(mpmath.mpf(x) ** 2 / df))
    close(stats.t.logpdf(x, df), float(exact), rtol=1e-14)
    for method in CONTINUOUS_METHODS:
        close(getattr(stats.t, method)(x, np.inf), getattr(ss.t, method)(x, np.inf))
    assert cr.gradcheck(lambda x: stats.t.logcdf(x, np.inf), np.array([x]))


@pytest.mark.parametrize("a", [1e-3, 0.05, 0.5])
def test_gamma_and_beta_at_small_shapes_are_scipys(a):
    x = np.array([1e-8, 1e-3, 0.2, 0.9])
    for method in CONTINUOUS_METHODS:
        close(getattr(stats.gamma, method)(x, a), getattr(ss.gamma, method)(x, a))
        close(getattr(stats.beta, method)(x, a, 0.3), getattr(ss.beta, method)(x, a, 0.3))


def test_results_are_float64_as_scipys_for_float32_and_integer_points():
    x32 = np.array([0.5, 1.5], dtype=np.float32)
    for x in (x32, cr.tensor(x32), np.array([1, 2])):
        got = stats.gamma.logpdf(x, 2.0)
        assert as_array(got).dtype == np.float64
        close(got, ss.gamma.logpdf(as_array(x), 2.0))
    assert as_array(stats.poisson.logpmf(np.array([1, 2]), np.float32(1.5))).dtype == np.float64


def test_invalid_parameters_give_nan_as_in_scipy():
    for value in (
        stats.norm.logpdf(0.3, scale=-1.0), stats.gamma.cdf(0.3, -2.0), stats.t.sf(1.0, 0.0),
        stats.poisson.logpmf(2, -1.0), stats.binom.pmf(2, 4.5, 0.3), stats.geom.cdf(2, 1.5),
    ):
        assert np.isnan(as_array(value))


def test_arguments_are_bound_by_scipys_names_and_frozen_forms_agree():
    x = np.array([0.3, 1.2])
    close(stats.gamma.logpdf(x, a=2.0, loc=0.1, scale=2.0), ss.gamma.logpdf(x, 2.0, 0.1, 2.0))
    close(stats.gamma.logpdf(x, 2.0, 0.1, 2.0), ss.gamma.logpdf(x, 2.0, 0.1, 2.0))
    close(stats.norm(1.0, 2.0).cdf(x), ss.norm(1.0, 2.0).cdf(x))
    close(stats.nbinom(3.0, 0.4).logpmf([0, 2]), ss.nbinom(3.0, 0.4).logpmf([0, 2]))
    cov = spd(MVN_ROOT)
    close(stats.multivariate_normal(MVN_MEAN, cov).logpdf(MVN_POINTS),
          ss.multivariate_normal(MVN_MEAN, cov).logpdf(MVN_POINTS))
    close(stats.multivariate_normal(cov=2.0).pdf([0.5, 1.0]),
          ss.multivariate_normal(cov=2.0).pdf([0.5, 1.0]))
    point = [0.3, 0.7]
    close(stats.dirichlet([1.5, 2.0]).logpdf(point), ss.dirichlet([1.5, 2.0]).logpdf(point))
    with pytest.raises(TypeError, match="missing the shape parameter"):
        stats.gamma.logpdf(x)
    with pytest.raises(TypeError, match="unexpected or repeated argument 'sigma'"):
        stats.norm.logpdf(x, sigma=1.0)
    with pytest.raises(AttributeError):
        stats.norm(0.0, 1.0).logpmf(0.5)


def test_results_broadcast_over_every_argument():
    got = stats.t.logpdf(np.zeros((2, 1)), np.array([2.0, 5.0, 9.0]), loc=np.zeros((1, 1, 1)))
    assert got.shape == (1, 2, 3)
    assert stats.poisson.cdf(np.arange(3)[:, None], np.array([1.0, 2.0])).shape == (3, 2)


def continuous_points(name, size=3):
    _, (low, high) = CONTINUOUS[name]
    margin = 0.1 * (high - low)
    x = np.linspace(low + margin, high - margin, size) * 1.3 + 0.4
    if name in ("laplace",):
        x = x + 0.05  # off the kink at loc
    return x


@pytest.mark.parametrize("method", CONTINUOUS_METHODS)
@pytest.mark.parametrize("name", sorted(CONTINUOUS))
def test_continuous_methods_gradcheck_in_the_point_loc_scale_and_shapes(name, method):
    shapes, _ = CONTINUOUS[name]
    dist = getattr(stats, name)
    x = continuous_points(name)
    def f(x, loc, scale, *shape_values):
        return getattr(dist, method)(x, *shape_values, loc=loc, scale=scale)

    if method in ("cdf", "logcdf", "sf", "logsf") and name in CDF_FIRST_ORDER_SHAPES:
        assert cr.gradcheck(lambda x, loc, scale: f(x, loc, scale, *shapes), x, 0.4, 1.3)
        assert cr.gradcheck(f, x, 0.4, 1.3, *(np.float64(s) for s in shapes), order=1)
    else:
        assert cr.gradcheck(f, x, 0.4, 1.3, *(np.float64(s) for s in shapes))


@pytest.mark.parametrize("method", DISCRETE_METHODS)
@pytest.mark.parametrize("name", sorted(DISCRETE))
def test_discrete_methods_gradcheck_in_their_continuous_parameters(name, method):
    shapes, (low, high) = DISCRETE[name]
    dist = getattr(stats, name)
    k = np.array([low, (low + high) // 2, high - 1], dtype=float)
    # binom's n is an integer (SciPy gives NaN elsewhere); nbinom's CDFs are differentiable in
    # its real n once (through the incomplete beta function's derivative in a shape)
    if name == "binom":
        assert cr.gradcheck(lambda p: getattr(dist, method)(k, shapes[0], p), shapes[1])
    elif name == "nbinom" and method not in ("logpmf", "pmf"):
        assert cr.gradcheck(lambda p: getattr(dist, method)(k, shapes[0], p), shapes[1])
        assert cr.gradcheck(lambda *s: getattr(dist, method)(k, *s), *shapes, order=1)
    else:
        assert cr.gradcheck(lambda *s: getattr(dist, method)(k, *s), *shapes)


def test_nbinom_logpmf_is_differentiable_in_n_as_a_real_number():
    k = np.array([0.0, 3.0, 11.0])
    assert cr.gradcheck(lambda n, p: stats.nbinom.logpmf(k, n, p), 2.7, 0.35)
    n = cr.tensor(2.7, requires_grad=True)
    stats.nbinom.logpmf(k, n, 0.35).sum().backward()
    digamma = mpmath.digamma
    expected = sum(float(digamma(2.7 + kk) - digamma(2.7)) + np.log(0.35) for kk in k)
    close(n.grad, expected)


@pytest.mark.parametrize("name", ["t", "gamma", "beta"])
def test_cdf_in_a_shape_parameter_is_once_differentiable_and_says_so_at_second_order(name):
    shapes, _ = CONTINUOUS[name]

    def cdf(s):
        return getattr(stats, name).cdf(0.5, s, *shapes[1:])

    reverse = cr.grad(cdf)(shapes[0])
    _, forward = cr.jvp(lambda s: getattr(stats, name).cdf(0.5, s, *shapes[1:]),
                        (shapes[0],), (1.0,))
    close(reverse, as_array(forward))
    with pytest.raises(NotImplementedError, match="second derivative of scipy.special.* in"):
        cr.grad(cr.grad(cdf))(shapes[0])


def test_k_is_never_differentiated():
    k = cr.tensor([1.0, 2.0], requires_grad=True)
    mu = cr.tensor(1.5, requires_grad=True)
    stats.poisson.logpmf(k, mu).sum().backward()
    assert k.grad is None and mu.grad is not None


def spd(a):
    return a @ a.T + np.eye(a.shape[0])


MVN_POINTS = np.array([[0.3, -1.2, 0.5], [1.1, 0.2, -0.4]])
MVN_MEAN = np.array([0.1, -0.3, 0.2])
MVN_ROOT = np.array([[1.0, 0.2, -0.3], [0.4, 0.8, 0.1], [-0.2, 0.5, 0.9]])


@pytest.mark.parametrize("allow_singular", [False, True])
def test_multivariate_normal_values_are_scipys(allow_singular):
    cov = spd(MVN_ROOT)
    for x, mean, c in [(MVN_POINTS, MVN_MEAN, cov), (MVN_POINTS[0], None, cov),
                       (MVN_POINTS, MVN_MEAN, np.array([1.0, 2.0, 0.5])),
                       (np.array([0.3, 1.4, -2.0]), 0.5, 2.0), (MVN_POINTS[:1], MVN_MEAN, cov)]:
        for method in ("logpdf", "pdf"):
            got = getattr(stats.multivariate_normal, method)(x, mean, c, allow_singular)
            expected = getattr(ss.multivariate_normal, method)(x, mean, c, allow_singular)
            assert as_array(got).shape == np.shape(expected)
            close(got, expected)


def test_multivariate_normal_allow_singular_uses_the_pseudo_determinant():
    root = np.array([[1.0, 0.0], [0.5, 0.0], [0.2, 1.0]])
    cov = root @ np.diag([1.0, 2.0]) @ root.T  # rank 2 in 3 dimensions
    on = root @ np.array([0.4, -0.7])
    off = on + np.array([0.0, 0.0, 0.5]) - np.array([0.5, 0.0, 0.0])
    points = np.stack([on, off])
    expected = ss.multivariate_normal.logpdf(points, cov=cov, allow_singular=True)
    close(stats.multivariate_normal.logpdf(points, cov=cov, allow_singular=True), expected,
          rtol=1e-9)
    assert np.isneginf(expected[1])
    with pytest.raises(np.linalg.LinAlgError):
        stats.multivariate_normal.logpdf(points, cov=cov)


@pytest.mark.parametrize("allow_singular", [False, True])
def test_multivariate_normal_gradchecks_in_x_mean_and_cov(allow_singular):
    def f(x, mean, root):
        cov = root @ cr.transpose(root) + np.eye(3)
        return stats.multivariate_normal.logpdf(x, mean, cov, allow_singular=allow_singular)

    assert cr.gradcheck(f, MVN_POINTS, MVN_MEAN, MVN_ROOT)
    assert cr.gradcheck(lambda x, s: stats.multivariate_normal.pdf(x, cov=s), MVN_POINTS, 1.5)
    assert cr.gradcheck(lambda d: stats.multivariate_normal.logpdf(MVN_POINTS, cov=d),
                        np.array([1.0, 2.0, 0.5]))


def test_dirichlet_values_are_scipys_and_it_gradchecks():
    alpha = np.array([1.5, 2.0, 3.0])
    x = np.array([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]]).T
    for method in ("logpdf", "pdf"):
        close(getattr(stats.dirichlet, method)(x, alpha), getattr(ss.dirichlet, method)(x, alpha))
        close(getattr(stats.dirichlet, method)(x[:2], alpha),
              getattr(ss.dirichlet, method)(x[:2], alpha))
    # on the simplex: the last component is 1 − the others' sum
    assert cr.gradcheck(lambda x, a: stats.dirichlet.logpdf(x, a), x[:2], alpha)
    assert cr.gradcheck(lambda x, a: stats.dirichlet.pdf(x, a), x[:2, 0], alpha)
    with pytest.raises(ValueError, match="simplex"):
        stats.dirichlet.logpdf([0.5, 0.6, 0.1], alpha)


@pytest.mark.parametrize("name", ["gammainc", "gammaincc", "betainc", "betaincc", "stdtr"])
def test_distribution_functions_are_scipys(name):
    import scipy.special as sc

    rng = np.random.default_rng(1)
    x = rng.uniform(0.01, 0.99, size=20)
    shapes = (rng.uniform(0.1, 5.0, size=20),) * (2 if name.startswith("beta") else 1)
    got = getattr(distribution_functions, name)(*shapes, x)
    np.testing.assert_array_equal(as_array(got), getattr(sc, name)(*shapes, x))


@pytest.mark.parametrize("module", [continuous, discrete, multivariate, distribution_functions])
def test_doctests_run(module):
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize("name", sorted(CONTINUOUS) + sorted(DISCRETE))
def test_jit_traces_the_branches_so_other_points_take_their_own(name):
    # the support, tails and parameter checks are ops: a compiled function replays the choice
    # for each new point, never the first call's
    dist = getattr(stats, name)
    if name in CONTINUOUS:
        shapes, (low, high) = CONTINUOUS[name]
        methods = CONTINUOUS_METHODS
        first, second = np.linspace(low, high, 4), np.array([low - 1.0, -0.3, 0.3, high + 1.0])
    else:
        shapes, (low, high) = DISCRETE[name]
        methods = DISCRETE_METHODS
        first, second = np.arange(low, low + 4.0), np.array([low - 1.0, low + 0.5, high, high + 1])
    for method in methods:
        def f(x, loc, method=method):
            return getattr(dist, method)(x, *shapes, loc=loc)

        compiled = cr.jit(f)
        for x in (first, second, first):
            np.testing.assert_allclose(as_array(compiled(x, 0.0)), as_array(f(x, 0.0)))


def test_jit_of_the_multivariate_normal_gradient_matches_plain_reverse_mode():
    cov = spd(MVN_ROOT)
    for allow_singular in (False, True):
        def f(x, c, allow_singular=allow_singular):
            return cr.sum(stats.multivariate_normal.logpdf(x, MVN_MEAN, c, allow_singular))

        compiled = cr.jit(cr.grad(f, argnums=1))
        for x in (MVN_POINTS, MVN_POINTS[::-1] * 2):
            np.testing.assert_allclose(as_array(compiled(x, cov)),
                                       as_array(cr.grad(f, argnums=1)(x, cov)), rtol=1e-12)


def test_laplace_at_its_kink_takes_derivative_zero_in_x_and_loc():
    grads = cr.grad(lambda x, loc, scale: stats.laplace.logpdf(x, loc, scale), argnums=(0, 1, 2))
    d_dx, d_dloc, d_dscale = (float(g) for g in grads(0.7, 0.7, 2.0))
    assert d_dx == 0.0 and d_dloc == 0.0 and d_dscale == -0.5
