"""``chainrule.scipy.stats``: SciPy's distributions under SciPy's names, methods and arguments,
differentiable in the point and in every continuous parameter (see docs/scipy.md).

``norm.logpdf(x, loc=0, scale=1)`` or frozen, ``norm(loc, scale).logpdf(x)``. The methods are
compositions of chainrule ops and chainrule.scipy.special functions, in log space where the
tails need it; the regularized incomplete gamma and beta functions and Student's t distribution
function (the CDFs) are primitives differentiable in their point.
"""

from chainrule.scipy.stats.continuous import (
    beta, cauchy, expon, gamma, laplace, logistic, norm, t, uniform,
)
from chainrule.scipy.stats.discrete import bernoulli, binom, geom, nbinom, poisson
from chainrule.scipy.stats.multivariate import dirichlet, multivariate_normal

__all__ = [
    "norm", "multivariate_normal", "t", "gamma", "beta", "dirichlet", "expon", "laplace",
    "logistic", "cauchy", "uniform", "poisson", "bernoulli", "binom", "nbinom", "geom",
]
