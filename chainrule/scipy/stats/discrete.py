"""The discrete families: poisson, bernoulli, binom, nbinom and geom, under SciPy's names, with
SciPy's log-mass formulas (x·log y forms, so p = 0 or 1 and mu = 0 give exact masses).

Differentiable in the continuous parameters (mu, p, and n as a real number in the log mass),
never in k. The distribution functions are the regularized incomplete gamma and beta
functions, differentiable in mu and p.
"""

from __future__ import annotations

import numpy as np

from chainrule import ops
from chainrule.scipy import special
from chainrule.scipy.stats.distribution import Discrete, every, log1mexp
from chainrule.scipy.stats.distribution_functions import betainc, betaincc, gammainc, gammaincc


def _probability(p):
    return every(ops.greater_equal(p, 0.0), ops.less_equal(p, 1.0))


class _Poisson(Discrete):
    """The Poisson distribution, as ``scipy.stats.poisson``: methods (k, mu, loc=0).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import stats
        >>> mu = cr.tensor(2.0, requires_grad=True)
        >>> stats.poisson.logpmf(3, mu).backward()
        >>> float(mu.grad)  # k/mu − 1
        0.5
    """

    name = "poisson"
    shapes = ("mu",)

    def _valid_shapes(self, mu):
        return ops.greater_equal(mu, 0.0)

    def _logpmf(self, k, mu):
        return special.xlogy(k, mu) - special.gammaln(k + 1) - mu

    def _cdf(self, k, mu):
        return gammaincc(k + 1, mu)

    def _sf(self, k, mu):
        return gammainc(k + 1, mu)


def _binomial_logpmf(k, n, p):
    log_choose = special.gammaln(n + 1) - (special.gammaln(k + 1) + special.gammaln(n - k + 1))
    return log_choose + special.xlogy(k, p) + special.xlog1py(n - k, -p)


class _Bernoulli(Discrete):
    """The Bernoulli distribution, as ``scipy.stats.bernoulli``: methods (k, p, loc=0).

    Example:
        >>> from chainrule.scipy import stats
        >>> float(stats.bernoulli.pmf(1, 0.3))
        0.3
    """

    name = "bernoulli"
    shapes = ("p",)

    def _support(self, p):
        return 0, 1

    def _valid_shapes(self, p):
        return _probability(p)

    def _logpmf(self, k, p):
        return _binomial_logpmf(k, 1.0, p)

    def _cdf(self, k, p):
        return 1 - p + 0 * k

    def _sf(self, k, p):
        return p + 0 * k

    def _logcdf(self, k, p):
        return ops.log1p(-p) + 0 * k


class _Binom(Discrete):
    """The binomial distribution, as ``scipy.stats.binom``: methods (k, n, p, loc=0).

    The log mass is differentiable in p and in n (as a real number, through log-gammas); cdf
    and sf in p only.

    Example:
        >>> from chainrule.scipy import stats
        >>> round(float(stats.binom.cdf(2, 5, 0.5)), 12)
        0.5
    """

    name = "binom"
    shapes = ("n", "p")

    def _support(self, n, p):
        return 0, n

    def _valid_shapes(self, n, p):
        return every(ops.greater_equal(n, 0.0), ops.equal(ops.floor(n), n), _probability(p))

    def _logpmf(self, k, n, p):
        return _binomial_logpmf(k, n, p)

    def _cdf(self, k, n, p):
        return betaincc(k + 1, n - k, p)

    def _sf(self, k, n, p):
        return betainc(k + 1, n - k, p)


class _NBinom(Discrete):
    """The negative binomial distribution (failures before the n-th success), as
    ``scipy.stats.nbinom``: methods (k, n, p, loc=0).

    The log mass is differentiable in p and in n as a real number (over-dispersed counts);
    cdf and sf in p, and once in n (through the incomplete beta function's derivative in a).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import stats
        >>> n = cr.tensor(2.5, requires_grad=True)
        >>> stats.nbinom.logpmf(4, n, 0.4).backward()
        >>> round(float(n.grad), 6)
        0.173464
    """

    name = "nbinom"
    shapes = ("n", "p")

    def _valid_shapes(self, n, p):
        return every(ops.greater(n, 0.0), ops.greater(p, 0.0), ops.less_equal(p, 1.0))

    def _logpmf(self, k, n, p):
        log_coefficient = special.gammaln(n + k) - special.gammaln(k + 1) - special.gammaln(n)
        return log_coefficient + n * ops.log(p) + special.xlog1py(k, -p)

    def _cdf(self, k, n, p):
        return betainc(n, k + 1, p)

    def _sf(self, k, n, p):
        return betaincc(n, k + 1, p)


class _Geom(Discrete):
    """The geometric distribution (trials up to the first success), as ``scipy.stats.geom``:
    methods (k, p, loc=0).

    Example:
        >>> from chainrule.scipy import stats
        >>> float(stats.geom.logsf(3, 0.5))  # 3·log(1 − p)
        -2.0794415416798357
    """

    name = "geom"
    shapes = ("p",)

    def _support(self, p):
        return 1, np.inf

    def _valid_shapes(self, p):
        return every(ops.greater(p, 0.0), ops.less_equal(p, 1.0))

    def _logpmf(self, k, p):
        return special.xlog1py(k - 1, -p) + ops.log(p)

    def _cdf(self, k, p):
        return -ops.expm1(self._logsf(k, p))

    def _sf(self, k, p):
        return ops.exp(self._logsf(k, p))

    def _logsf(self, k, p):
        return k * ops.log1p(-p)

    def _logcdf(self, k, p):
        return log1mexp(self._logsf(k, p))


poisson = _Poisson()
bernoulli = _Bernoulli()
binom = _Binom()
nbinom = _NBinom()
geom = _Geom()

__all__ = ["poisson", "bernoulli", "binom", "nbinom", "geom"]
