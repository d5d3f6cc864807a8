"""The error-function family: erf and erfc (chainrule's own), their inverses, and the standard
normal distribution function Φ = ndtr, its inverse ndtri and log Φ = log_ndtr.

Values are SciPy's (erf and erfc: chainrule's, within an ulp or two of SciPy's).
"""

from __future__ import annotations

import math

from scipy import special as scipy_special

from chainrule.ops.elementwise import arithmetic, comparison, piecewise
from chainrule.ops.elementwise.exponential import erf, erfc, exp
from chainrule.primitive import elementwise

_HALF_SQRT_PI = math.sqrt(math.pi) / 2
_SQRT_2PI = math.sqrt(2 * math.pi)
_LOG_SQRT_2PI = math.log(_SQRT_2PI)
# e^(−x²/2) is 0 in any float beyond |x| = 40; x·x itself overflows past 1.3e154.
_DENSITY_ZERO = 40.0
# Below this, φ(x)/Φ(x) is taken from its asymptotic series (see _normal_hazard).
_FAR_TAIL = -40.0
# Φ(x)·t/φ(x) ~ Σₖ (−1)ᵏ(2k − 1)!!/t²ᵏ for t = −x → ∞; the next term, 135135/t¹⁴, is below
# 1e-17 from t = 40 on.
_MILLS_SERIES = (1.0, -1.0, 3.0, -15.0, 105.0, -945.0, 10395.0)


def _normal_density(x):
    # φ(x) = e^(−x²/2)/√(2π), with x held at 40 where φ is 0 anyway (x·x would overflow).
    # A formula reads the guard at its points, where it is off: as φ(x) itself.
    far = comparison.greater(arithmetic.abs(x), _DENSITY_ZERO)
    near = piecewise.where(far, _DENSITY_ZERO, x)
    return exp(near * near * -0.5) / _SQRT_2PI


def _normal_hazard(x, out):
    # φ(x)/Φ(x) = exp(log φ(x) − log Φ(x)): no underflow where φ and Φ are both 0 in floats.
    # Below x = −40 the two logs, of size x²/2, cancel to a few digits less (and x² overflows
    # past 1e154), so there t/Σₖ(−1)ᵏ(2k − 1)!!/t²ᵏ (t = −x) is used. Each branch sees safe
    # values only.
    far = comparison.less(x, _FAR_TAIL)
    near_x = piecewise.where(far, 0.0, x)
    near_out = piecewise.where(far, 0.0, out)
    near = exp(near_x * near_x * -0.5 - _LOG_SQRT_2PI - near_out)
    t = piecewise.where(far, -x, -_FAR_TAIL)
    u = (1 / t) * (1 / t)  # t·t would overflow past 1e154
    series = _MILLS_SERIES[-1]
    for c in _MILLS_SERIES[-2::-1]:
        series = series * u + c
    return piecewise.where(far, t / series, near)


erfinv = elementwise(
    "erfinv", scipy_special.erfinv, lambda x, out: _HALF_SQRT_PI * exp(out * out),
    symbolic="erfinv(x)", reads_inputs=False, reads_out=True,
    doc="""The inverse of erf on (−1, 1), as ``scipy.special.erfinv``; its derivative is
    (√π/2)·exp(erfinv(x)²), infinite at ±1.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.erfinv(cr.tensor([0.0, 0.5, 1.0]))
        tensor([0.        , 0.47693628,        inf])
    """,
)

erfcinv = elementwise(
    "erfcinv", scipy_special.erfcinv, lambda x, out: -_HALF_SQRT_PI * exp(out * out),
    symbolic="erfcinv(x)", reads_inputs=False, reads_out=True,
    doc="""The inverse of erfc on (0, 2), as ``scipy.special.erfcinv``; its derivative is
    −(√π/2)·exp(erfcinv(x)²).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.erfcinv(cr.tensor([1.5, 0.5]))
        tensor([-0.47693628,  0.47693628])
    """,
)

ndtr = elementwise(
    "ndtr", scipy_special.ndtr, lambda x, out: _normal_density(x),
    symbolic="(1 + erf(x/sqrt(2)))/2",
    doc="""Φ(x), the standard normal distribution function, as ``scipy.special.ndtr``; its
    derivative is the density φ(x) = e^(−x²/2)/√(2π).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.ndtr(cr.tensor([0.0, 1.0]))
        tensor([0.5       , 0.84134475])
    """,
)

ndtri = elementwise(
    "ndtri", scipy_special.ndtri, lambda x, out: _SQRT_2PI * exp(out * out * 0.5),
    symbolic="sqrt(2)*erfinv(2*x - 1)", reads_inputs=False, reads_out=True,
    doc="""Φ⁻¹(p), the standard normal quantile, as ``scipy.special.ndtri``; its derivative is
    1/φ(Φ⁻¹(p)) = √(2π)·exp(Φ⁻¹(p)²/2), infinite at 0 and 1.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.ndtri(cr.tensor([0.5, 0.975]))
        tensor([0.        , 1.95996398])
    """,
)

log_ndtr = elementwise(
    "log_ndtr", scipy_special.log_ndtr, _normal_hazard,
    symbolic="log((1 + erf(x/sqrt(2)))/2)", reads_out=True,
    doc="""log Φ(x), accurate far into the lower tail, as ``scipy.special.log_ndtr``.

    Its derivative φ(x)/Φ(x) is computed as exp(log φ(x) − log Φ(x)), and below x = −100 from
    its asymptotic series below x = −40 (≈ −x): finite and accurate to ~1e-13 where φ and Φ
    both underflow.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> x = cr.tensor([0.0, -40.0, -1e10], requires_grad=True)
        >>> special.log_ndtr(x).sum().backward()
        >>> x.grad
        tensor([7.97884561e-01, 4.00249688e+01, 1.00000000e+10])
    """,
)

__all__ = ["erf", "erfc", "erfinv", "erfcinv", "ndtr", "ndtri", "log_ndtr"]
