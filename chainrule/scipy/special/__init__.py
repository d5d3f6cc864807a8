"""``chainrule.scipy.special``: SciPy's special functions under SciPy's names and arguments,
differentiable in both modes to any order (see docs/scipy.md).

Values come from SciPy's functions (erf, erfc, expit, logsumexp, softmax and log_softmax are
chainrule's own, equal to SciPy's within rounding; sinc, SciPy's being NumPy's, is chainrule's);
derivatives are chainrule rules. SciPy's own ufuncs called on tensors
(``scipy.special.gammaln(t)``) dispatch here.
"""

from chainrule.ops.elementwise.trigonometric import sinc
from chainrule.scipy.special.bessel import i0, i0e, i1, i1e
from chainrule.scipy.special.error_functions import (
    erf, erfc, erfcinv, erfinv, log_ndtr, ndtr, ndtri,
)
from chainrule.scipy.special.gamma_functions import (
    beta, betaln, digamma, gamma, gammaln, multigammaln, polygamma, psi,
)
from chainrule.scipy.special.information import entr, kl_div, rel_entr, xlog1py, xlogy
from chainrule.scipy.special.logistic import (
    expit, log_expit, log_softmax, logit, logsumexp, softmax,
)
from chainrule.scipy.special.zeta_functions import zeta

__all__ = [
    "gammaln", "gamma", "digamma", "psi", "polygamma", "multigammaln", "beta", "betaln", "erf",
    "erfc", "erfinv", "erfcinv", "expit", "logit", "log_expit", "logsumexp", "softmax",
    "log_softmax", "xlogy", "xlog1py", "entr", "rel_entr", "kl_div", "i0", "i0e", "i1", "i1e",
    "ndtr", "ndtri", "log_ndtr", "zeta", "sinc",
]
