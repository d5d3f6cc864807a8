"""Exponentials and logarithms, the logistic sigmoid, logaddexp and logaddexp2 (the overflow-safe
log(eˣ + eʸ) and log₂(2ˣ + 2ʸ)),
and the error function erf(x) = (2/√π)∫₀ˣ e^(−t²) dt with its complement erfc = 1 − erf.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.backends import BackendError, ForeignArray, asarray
from chainrule.ops.elementwise import comparison, piecewise
from chainrule.primitive import elementwise, elementwise_binary, primitive

_LN2 = math.log(2.0)
_LOG2_E = 1 / _LN2
_LOG10_E = 1 / math.log(10.0)
_SQRT_PI = math.sqrt(math.pi)
_TWO_OVER_SQRT_PI = 2 / _SQRT_PI
# e^(−40²) is 0 in any float.
_GAUSSIAN_ZERO = 40

exp = elementwise(
    "exp", np.exp, lambda x, out: out, symbolic="exp(x)", reads_inputs=False, reads_out=True,
    supports_complex=True,
    doc="""eˣ.

    Example:
        >>> import chainrule as cr
        >>> cr.exp(cr.tensor([0.0, 1.0]))
        tensor([1.        , 2.71828183])
    """,
)

exp2 = elementwise(
    "exp2", np.exp2, lambda x, out: out * _LN2, symbolic="2**x",
    reads_inputs=False, reads_out=True,
    supports_complex=True,
    doc="""2ˣ.

    Example:
        >>> import chainrule as cr
        >>> cr.exp2(cr.tensor([3.0, -1.0]))
        tensor([8. , 0.5])
    """,
)

# expm1 and log1p are primitives for accuracy near 0, where exp(x) - 1 and log(1 + x) cancel.
expm1 = elementwise(
    "expm1", np.expm1, lambda x, out: out + 1, symbolic="exp(x) - 1",
    reads_inputs=False, reads_out=True,
    supports_complex=True,
    doc="""eˣ − 1, accurate near 0.

    Example:
        >>> import chainrule as cr
        >>> cr.expm1(cr.tensor([1e-10]))
        tensor([1.e-10])
    """,
)

log = elementwise(
    "log", np.log, lambda x, out: 1 / x, symbolic="log(x)",
    supports_complex=True,
    doc="""Natural logarithm ln x.

    Example:
        >>> import chainrule as cr
        >>> cr.log(cr.tensor([1.0, 100.0]))
        tensor([0.        , 4.60517019])
    """,
)

# 1/(x·ln b) as (1/ln b)/x: x·ln 10 overflows at the float32 maximum where 1/(x·ln 10) does not.
log2 = elementwise(
    "log2", np.log2, lambda x, out: _LOG2_E / x, symbolic="log(x)/log(2)",
    supports_complex=True,
    doc="""Base-2 logarithm.

    Example:
        >>> import chainrule as cr
        >>> cr.log2(cr.tensor([8.0, 0.5]))
        tensor([ 3., -1.])
    """,
)

log10 = elementwise(
    "log10", np.log10, lambda x, out: _LOG10_E / x, symbolic="log(x)/log(10)",
    supports_complex=True,
    doc="""Base-10 logarithm.

    Example:
        >>> import chainrule as cr
        >>> cr.log10(cr.tensor([1000.0, 0.1]))
        tensor([ 3., -1.])
    """,
)

log1p = elementwise(
    "log1p", np.log1p, lambda x, out: 1 / (1 + x), symbolic="log(1 + x)",
    supports_complex=True,
    doc="""ln(1 + x), accurate near 0.

    Example:
        >>> import chainrule as cr
        >>> cr.log1p(cr.tensor([1e-10]))
        tensor([1.e-10])
    """,
)


def _sigmoid(x):
    # With e = exp(−|x|) ≤ 1 nothing overflows: σ(x) = 1/(1 + e) for x ≥ 0 and e/(1 + e) below.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, e) / (1 + e)


sigmoid = primitive(
    "sigmoid", _sigmoid,
    vjp=lambda grad_out, out, x: grad_out * (out * (1 - out)),
    jvp=lambda x_dot, out, x: x_dot * (out * (1 - out)),
    symbolic="1/(1 + exp(-x))", reads_inputs=False, reads_out=True,
    doc="""The logistic function σ(x) = 1/(1 + e⁻ˣ), without overflow for any x.

    Example:
        >>> import chainrule as cr
        >>> cr.sigmoid(cr.tensor([-1000.0, 0.0, 1000.0]))
        tensor([0. , 0.5, 1. ])
    """,
)


def _sigmoid_of_difference(x, y):
    # σ(x − y) from e = exp(−|x − y|) ≤ 1, which never overflows: 1/(1 + e) where x ≥ y and
    # e/(1 + e) below — as e ≤ 1, the numerator is max(e, [x ≥ y]), one pass instead of a
    # where. x − y itself overflows at the float extremes (max − (−max)) to ±inf, where σ is
    # exactly 1 or 0, and is NaN at the same infinity, which the ties below replace: NumPy's
    # warnings about either are not the caller's.
    with np.errstate(over="ignore", invalid="ignore"):
        difference = np.subtract(x, y)
        e = np.exp(-np.abs(difference))
        share = np.maximum(e, difference >= 0) / (1 + e)
    # At a tie each argument has half, the same infinity included (the limit along x = y).
    ties = x == y
    if type(share) is np.ndarray:  # a new array of NumPy's: the ties set in place
        np.copyto(share, 0.5, where=ties)
        return share
    return np.where(ties, 0.5, share)


# ∂/∂x log(eˣ + eʸ) = σ(x − y): a primitive for speed and stability. Composed of safe ops it took
# some twenty elementwise passes (overflow and same-infinity guards as wheres); fused, the
# forward is a handful of NumPy calls, and its rules read only its output, σ′ = σ(1 − σ).
_sigmoid_difference = elementwise_binary(
    "sigmoid_difference", _sigmoid_of_difference,
    lambda x, y, out: out * (1 - out),
    lambda x, y, out: -(out * (1 - out)),
    symbolic="1/(1 + exp(y - x))", reads_inputs=False, reads_out=True,
    doc="""σ(x − y) = 1/(1 + e^(y − x)), without overflow; 1/2 where x and y are equal (also
    where both are the same infinity). The partials of logaddexp.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.ops.elementwise.exponential import _sigmoid_difference
        >>> _sigmoid_difference(cr.tensor([1000.0, 0.0, float("inf")]),
        ...                     cr.tensor([-1000.0, 0.0, float("inf")]))
        tensor([1. , 0.5, 0.5])
    """,
)


def _logaddexp(x, y):
    # NumPy's logaddexp warns when x − y overflows inside it (float32 max and −max), though
    # its result, the larger argument, is exact.
    with np.errstate(over="ignore"):
        return np.logaddexp(x, y)


logaddexp = elementwise_binary(
    "logaddexp", _logaddexp,
    lambda x, y, out: _sigmoid_difference(x, y),
    lambda x, y, out: _sigmoid_difference(y, x),
    symbolic="log(exp(x) + exp(y))",
    doc="""log(eˣ + eʸ) without overflow; where x and y are the same infinity each partial is 1/2.

    Example:
        >>> import chainrule as cr
        >>> cr.logaddexp(cr.tensor([1000.0, 1000.0]), cr.tensor([1000.0, -1000.0]))
        tensor([1000.69314718, 1000.        ])
    """,
)

def _logaddexp2(x, y):
    with np.errstate(over="ignore"):
        return np.logaddexp2(x, y)


# A primitive for stability, as logaddexp: ∂/∂x log₂(2ˣ + 2ʸ) = σ((x − y)·ln 2), never overflowing.
logaddexp2 = elementwise_binary(
    "logaddexp2", _logaddexp2,
    lambda x, y, out: _sigmoid_difference(x * _LN2, y * _LN2),
    lambda x, y, out: _sigmoid_difference(y * _LN2, x * _LN2),
    symbolic="log(2**x + 2**y)/log(2)",
    doc="""log₂(2ˣ + 2ʸ) without overflow; where x and y are the same infinity each partial is 1/2.

    Example:
        >>> import chainrule as cr
        >>> cr.logaddexp2(cr.tensor([1000.0, 3.0]), cr.tensor([1000.0, 3.0]))
        tensor([1001.,    4.])
    """,
)

# Polynomial coefficients (lowest degree first), fitted as Chebyshev interpolants at 50-digit
# precision and converted to powers; each is accurate to ~1 ulp on its interval.
# erf(x)/x as a polynomial in x², for |x| ≤ 1.
_ERF_NEAR_ZERO = (
    1.1283791670955126, -0.37612638903183543, 0.11283791670945006, -0.02686617064323777,
    0.0052239776071164225, -0.0008548325975389692, 0.00012055294904839707, -1.492473690741966e-05,
    1.6447424703317362e-06, -1.6208483801871705e-07, 1.3720064546777686e-08,
    -7.795898827002142e-10,
)
# erfcx(x) = e^(x²)·erfc(x) as a polynomial in x − 2, for 1 ≤ x ≤ 3.
_ERFCX_MIDDLE = (
    0.25539567631050575, -0.1067964618534896, 0.041802752603528726, -0.01546063776429149,
    0.005440738537400482, -0.0018316642757225372, 0.0005924699962484308, -0.00018477836736927953,
    5.572830931415907e-05, -1.6293717931091297e-05, 4.628197386307233e-06,
    -1.2795264857047954e-06, 3.4480570326644777e-07, -9.072901538050072e-08,
    2.3408246602459806e-08, -5.890296320663701e-09, 1.3914126752786892e-09,
    -3.3746485737542734e-10, 1.0885208435466582e-10, -2.5142267291939364e-11,
)
# √π·x·erfcx(x) as a polynomial in 9/x², for x ≥ 3 (it tends to 1).
_ERFCX_TAIL = (
    0.9999999999999998, -0.05555555555544475, 0.009259259249725371, -0.002572016133290636,
    0.0010002226434821606, -0.0005000473892102274, 0.0003051251724297379, -0.00021808489167567428,
    0.00017363034162004047, -0.0001430291499083813, 0.00011120482890343148,
    -7.438735544270412e-05, 3.925384908168005e-05, -1.4897485937181544e-05, 3.559740833647286e-06,
    -3.986812411628241e-07,
)
# erfc underflows to 0 beyond this.
_ERFC_UNDERFLOW = 27.3
# Up to a few hundred values, calling libm's erf per value is faster than the polynomials; on
# 10⁶ values the polynomials are 4 times faster. Both give erf to ~1 ulp, erfc to a few ulp.
_FEW = 256


def _polynomial(coefficients, v):
    # Horner's rule in place: on large arrays allocation, not arithmetic, is the cost.
    total = np.full_like(v, coefficients[-1])
    for c in coefficients[-2::-1]:
        total *= v
        total += c
    return total


def _exp_negative_square(a):
    # e^(−a²) with a² = high² + (a − high)(a + high), where high keeps 12 fraction bits so that
    # high² is exact: rounding a² itself would cost up to ~700 ulp of the result at a ≈ 27.
    high = np.floor(a * 4096) / 4096
    return np.exp(-high * high) * np.exp(-(a - high) * (a + high))


def _erfc_above_one(a):
    out = np.where(np.isnan(a), np.nan, 0.0)
    middle = a <= 3
    if middle.any():
        m = a[middle]
        out[middle] = _exp_negative_square(m) * _polynomial(_ERFCX_MIDDLE, m - 2)
    tail = (a > 3) & (a < _ERFC_UNDERFLOW)
    if tail.any():
        t = a[tail]
        out[tail] = _polynomial(_ERFCX_TAIL, 9 / (t * t)) / (t * _SQRT_PI) * _exp_negative_square(t)
    return out


def _error_function(x, complement):
    x = asarray(x)
    if isinstance(x, ForeignArray):
        # The evaluation below picks a method per value; another library's arrays take its
        # own erf (Dask and CuPy through SciPy's ufuncs, where they dispatch them).
        return _library_error_function(x, complement)
    if x.dtype.kind == "c":
        raise TypeError("erf and erfc take real values; this tensor is complex")
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    if x.size <= _FEW:
        scalar = math.erfc if complement else math.erf
        out = np.array([scalar(v) for v in x.flat], dtype=np.float64).reshape(x.shape)
    else:
        out = _error_function_vectorized(x.astype(np.float64), complement)
    return out.astype(dtype, copy=False)[()]


def _library_error_function(x, complement):
    try:
        from scipy import special
    except ImportError:
        raise BackendError("erf and erfc on it use SciPy's: pip install chainrule[scipy]",
                           x.backend) from None
    return special.erfc(x) if complement else special.erf(x)


def _error_function_vectorized(values, complement):
    out = np.empty_like(values)
    near_zero = np.abs(values) <= 1
    v = values[near_zero]
    erf_near_zero = v * _polynomial(_ERF_NEAR_ZERO, v * v)
    out[near_zero] = 1 - erf_near_zero if complement else erf_near_zero
    far = ~near_zero
    if far.any():
        v = values[far]
        tail = _erfc_above_one(np.abs(v))
        if complement:
            out[far] = np.where(v < 0, 2 - tail, tail)
        else:
            out[far] = np.where(v < 0, tail - 1, 1 - tail)
    return out


def _gaussian(x):
    # e^(−x²) with x replaced by 40 beyond ±40, where it is 0 in any float anyway (from 27.3):
    # x·x overflows, with a warning, past |x| = 1.3e154 (float32: 1.8e19). A formula reads the
    # guard at its points, where it is off: as e^(−x²).
    far = comparison.greater(abs(x), _GAUSSIAN_ZERO)
    near = piecewise.where(far, _GAUSSIAN_ZERO, x)
    return exp(-(near * near))


erf = elementwise(
    "erf", lambda x: _error_function(x, complement=False),
    lambda x, out: _TWO_OVER_SQRT_PI * _gaussian(x),
    symbolic="erf(x)",
    doc="""The error function erf(x) = (2/√π)∫₀ˣ e^(−t²) dt, accurate to about 1 ulp.

    Example:
        >>> import chainrule as cr
        >>> cr.erf(cr.tensor([0.0, 1.0, -10.0]))
        tensor([ 0.        ,  0.84270079, -1.        ])
    """,
)

erfc = elementwise(
    "erfc", lambda x: _error_function(x, complement=True),
    lambda x, out: -_TWO_OVER_SQRT_PI * _gaussian(x),
    symbolic="erfc(x)",
    doc="""The complementary error function 1 − erf(x), accurate also where it is tiny (x ≫ 1).

    Example:
        >>> import chainrule as cr
        >>> cr.erfc(cr.tensor([0.0, 10.0]))
        tensor([1.00000000e+00, 2.08848758e-45])
    """,
)

__all__ = [
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sigmoid", "logaddexp",
    "logaddexp2", "erf", "erfc",
]
