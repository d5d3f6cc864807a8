"""Op-table cases for chainrule.scipy.special: the gamma family, error functions, logistic and
soft maxima, x·log y and the entropies, Bessel functions. Inputs stay inside each domain.
"""

import numpy as np

from chainrule.scipy import special
from chainrule.scipy.special import zeta_functions
from tests.ops.cases_elementwise import away_from_zero, binary, unary
from tests.ops.optable import OpCase, rand

GAMMA = [
    *unary("gammaln", special.gammaln, low=0.5, high=4.0),
    OpCase("gammaln", special.gammaln, (rand(4, low=-2.8, high=-2.2),), "negative, Γ < 0"),
    *unary("gamma", special.gamma, low=0.5, high=3.0),
    *unary("digamma", special.digamma, low=0.5, high=4.0),
    OpCase("polygamma", lambda x: special.polygamma(1, x), (rand(3, 4, low=0.5, high=4.0),),
           "n=1"),
    OpCase("polygamma", lambda x: special.polygamma(0, x), (rand(3, low=0.5, high=4.0),), "n=0"),
    OpCase("polygamma", lambda x: special.polygamma(np.array([1, 2, 3]), x),
           (rand(2, 1, low=0.5, high=4.0),), "n an array, broadcast"),
    OpCase("gammaln", lambda a: special.multigammaln(a, 3), (rand(2, 3, low=2.0, high=4.0),),
           "multigammaln d=3", covers=("gammaln", "sum")),
    OpCase("gammaln", lambda a: special.multigammaln(a, 1), (rand(low=1.0, high=4.0),),
           "multigammaln d=1, 0-d", covers=("gammaln", "sum")),
    *binary("beta", special.beta, x_range=(0.5, 3.0), y_range=(0.5, 3.0)),
    *binary("betaln", special.betaln, x_range=(0.5, 3.0), y_range=(0.5, 3.0)),
    OpCase("zeta", lambda q: special.zeta(2.5, q), (rand(3, 4, low=0.5, high=3.0),),
           "in q, x constant"),
    OpCase("zeta", lambda q: special.zeta(np.array([2.0, 3.5, 6.0]), q),
           (rand(2, 1, low=0.5, high=3.0),), "in q, x an array, broadcast"),
    OpCase("zeta", special.zeta, (rand(3, 4, low=1.5, high=4.0), rand(3, 4, low=0.5, high=3.0)),
           "in x and q", covers=("zeta", "zeta_log_moment")),
    OpCase("zeta", special.zeta, (rand(3, 1, low=1.2, high=6.0), rand(4, low=0.2, high=5.0)),
           "in x and q, broadcast", covers=("zeta", "zeta_log_moment")),
    OpCase("zeta", special.zeta, (rand(low=1.5, high=4.0), rand(low=0.5, high=3.0)), "0-d",
           covers=("zeta", "zeta_log_moment")),
    OpCase("zeta", lambda x: special.zeta(x), (rand(4, low=1.5, high=6.0),), "Riemann, in x",
           covers=("zeta", "zeta_log_moment")),
    OpCase("zeta", lambda x: special.zeta(x), (np.array([-5.3, -2.0, -0.7, 0.0, 0.4, 0.8]),),
           "Riemann continued below 1, reflected below 0", covers=("zeta", "zeta_log_moment")),
    # The log-moments Σ lnᵐ(k + q)·(k + q)⁻ˣ behind ζ's derivatives in x, on their own.
    OpCase("zeta_log_moment", lambda x, q: zeta_functions._log_moment_op(2, x, q),
           (rand(3, 1, low=1.5, high=4.0), rand(2, low=0.5, high=3.0)), "m=2"),
]

ERROR_FUNCTIONS = [
    *unary("erfinv", special.erfinv, low=-0.9, high=0.9),
    *unary("erfcinv", special.erfcinv, low=0.1, high=1.9),
    *unary("ndtr", special.ndtr, low=-3.0, high=3.0),
    *unary("ndtri", special.ndtri, low=0.05, high=0.95),
    *unary("log_ndtr", special.log_ndtr, low=-3.0, high=3.0),
    OpCase("log_ndtr", special.log_ndtr, (rand(4, low=-40.0, high=-20.0),), "lower tail"),
    OpCase("log_ndtr", special.log_ndtr, (rand(4, low=-300.0, high=-110.0),), "far tail, series"),
]

LOGISTIC = [
    *unary("logit", special.logit, low=0.1, high=0.9),
    *unary("log_expit", special.log_expit, low=-5.0, high=5.0),
    OpCase("weighted_logsumexp", lambda a, b: special.logsumexp(a, b=b),
           (rand(3, 4), rand(3, 4, low=0.5, high=2.0)), "positive weights"),
    OpCase("weighted_logsumexp", lambda a, b: special.logsumexp(a, axis=1, b=b),
           (rand(3, 4), rand(4, low=0.5, high=2.0)), "axis 1, weights broadcast"),
    OpCase("weighted_logsumexp",
           lambda a, b: special.logsumexp(a, axis=(0, 2), b=b, keepdims=True, return_sign=True)[0],
           (rand(2, 3, 2), np.array([[[2.0, -1.0]]])), "signed weights, keepdims, axes (0, 2)"),
    OpCase("weighted_logsumexp", lambda a: special.logsumexp(a, axis=-1, return_sign=True)[0],
           (rand(3, 4),), "no weights, return_sign"),
    OpCase("weighted_logsumexp", lambda a, b: special.logsumexp(a, b=b),
           (rand(), rand(low=0.5, high=2.0)), "0-d"),
    OpCase("weighted_logsumexp", lambda a, b: special.logsumexp(a, b=b, axis=0),
           (rand(0, 3), rand(0, 3)), "empty slices"),
    OpCase("logsumexp", lambda a: special.logsumexp(a, axis=1), (rand(3, 4),), "no weights"),
    OpCase("softmax", lambda x: special.softmax(x), (rand(3, 4),), "scipy, all axes",
           covers=("softmax", "reshape")),
    OpCase("softmax", lambda x: special.softmax(x, axis=(0, 2)), (rand(2, 3, 2),),
           "scipy, axes (0, 2)", covers=("softmax", "reshape", "transpose")),
    OpCase("log_softmax", lambda x: special.log_softmax(x, axis=0), (rand(3, 4),),
           "scipy, axis 0"),
    OpCase("log_softmax", lambda x: special.log_softmax(x), (rand(),), "scipy, 0-d"),
]

# Values with x = 0 entries, where x·log y is 0 by convention.
WITH_ZEROS = np.array([[0.0, 1.3, -0.7], [0.0, 0.0, 2.0]])

INFORMATION = [
    *binary("xlogy", special.xlogy, y_range=(0.5, 2.0)),
    OpCase("xlogy", special.xlogy, (WITH_ZEROS, rand(2, 3, low=0.5)), "x = 0 entries"),
    *binary("xlog1py", special.xlog1py, y_range=(-0.5, 2.0)),
    OpCase("xlog1py", special.xlog1py, (WITH_ZEROS, rand(2, 3, low=-0.5)), "x = 0 entries"),
    *unary("entr", special.entr, low=0.1, high=2.0),
    *binary("rel_entr", special.rel_entr, x_range=(0.1, 2.0), y_range=(0.1, 2.0)),
    *binary("kl_div", special.kl_div, x_range=(0.1, 2.0), y_range=(0.1, 2.0)),
]

BESSEL = [
    *unary("i0", special.i0, low=-3.0, high=3.0),
    *unary("i1", special.i1, low=-3.0, high=3.0),
    OpCase("i1", special.i1, (np.array([0.0, 1e-3, -2.0]),), "at 0, the limit 1/2"),
    *unary("i0e", special.i0e, sample=away_from_zero),
    *unary("i1e", special.i1e, sample=away_from_zero),
    OpCase("i1e", special.i1e, (np.array([0.0, 0.4]),), "at 0, first order", order=1),
]

CASES = GAMMA + ERROR_FUNCTIONS + LOGISTIC + INFORMATION + BESSEL
