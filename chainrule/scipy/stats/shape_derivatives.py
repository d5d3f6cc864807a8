"""The derivatives of the regularized incomplete gamma and beta functions in their shape
parameters, ∂P(a, x)/∂a and ∂I_x(a, b)/∂a, ∂I_x(a, b)/∂b, and so of Student's t distribution
function in its degrees of freedom, in float64 with NumPy.

No SciPy function gives them. Each is the function's own expansion differentiated term by term
(as in Moore 1982, Algorithm AS 187, for the gamma; Boik & Robison-Cox 1998 for the beta):
P's power series where x ≤ a + 1 and Q's continued fraction beyond; I's continued fraction on
the side of its mean that x is on (I_x(a, b) = 1 − I_{1−x}(b, a) on the other). Each value is
prefactor × sum (or fraction), so its derivative is the prefactor's log-derivative times the
value plus the prefactor times the sum's derivative, which the recurrences carry beside the
value. Against mpmath they agree to about 1e-13 relative for shapes from 1e-3 to 1e5 in the
bulk and the tails (tests/scipy/test_shape_derivatives.py).
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import asarray
from scipy import special as scipy_special

_TOLERANCE = 1e-15
_MAX_TERMS = 100_000


def _converged(step, total):
    return ~(np.abs(step) > _TOLERANCE * np.abs(total))  # NaN counts as converged


# For z ≥ 10, by their asymptotic series (the next terms are below 1e-17 of them there):
# ln Γ(z) − (z − ½)·ln z + z − ½·ln 2π = Σₖ B₂ₖ/(2k(2k − 1)·z^(2k − 1)), and
# ln z − ψ(z) = 1/(2z) + Σₖ B₂ₖ/(2k·z^(2k)). Taking them apart from the large logarithms is
# what keeps ~1e-15 in the prefactors and log-derivatives at large shapes.
_ASYMPTOTIC_FROM = 10.0
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)
_LOG_MINUS_DIGAMMA = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12)
_LOG_2PI = np.log(2 * np.pi)


def _odd_series(coefficients, z):
    # Σₖ cₖ·z^(−2k + 1), k = 1, 2, …
    u = 1 / (z * z)
    total = np.zeros_like(z)
    for c in coefficients[::-1]:
        total = total * u + c
    return total / z


def _stirling_remainder(z):
    """ln Γ(z) − (z − ½)·ln z + z − ½·ln 2π."""
    far = np.maximum(z, _ASYMPTOTIC_FROM)
    near = np.minimum(z, _ASYMPTOTIC_FROM)
    direct = scipy_special.gammaln(near) - (near - 0.5) * np.log(near) + near - _LOG_2PI / 2
    return np.where(z >= _ASYMPTOTIC_FROM, _odd_series(_STIRLING, far), direct)


def _log_minus_digamma(z):
    """ln z − ψ(z)."""
    far = np.maximum(z, _ASYMPTOTIC_FROM)
    near = np.minimum(z, _ASYMPTOTIC_FROM)
    return np.where(z >= _ASYMPTOTIC_FROM, 0.5 / far + _odd_series(_LOG_MINUS_DIGAMMA, far) / far,
                    np.log(near) - scipy_special.digamma(near))


def _digamma_step(z, w):
    """ψ(z + w) − ψ(z), also where w ≪ z (where the two digammas would cancel)."""
    return np.log1p(w / z) + _log_minus_digamma(z) - _log_minus_digamma(z + w)


def _log_ratio(p, q):
    """ln(p/q), through ln(1 + (p − q)/q) where p is near q (p − q is then exact)."""
    near = np.abs(p - q) < q / 4
    return np.where(near, np.log1p((p - q) / np.where(near, q, 1.0)), np.log(p / q))


def _log_ratio_excess(p, q):
    """ln(p/q) − (p − q)/q = ln(1 + u) − u for u = (p − q)/q, by its series where p is near q
    (where the two cancel), directly elsewhere."""
    near = np.abs(p - q) < q / 4
    u = np.where(near, (p - q) / q, 0.0)
    # Σₖ (−1)^(k + 1)·u^k/k from k = 2; 40 terms reach 1e-17 at |u| = 1/4
    total = np.zeros_like(u)
    for k in range(40, 1, -1):
        total = total * u + (-1) ** (k + 1) / k
    return np.where(near, total * u * u, np.log(p / q) - (p - q) / q)


def _log_gamma_prefactor(a, x):
    """ln(x^a·e^(−x)/Γ(a)), as a·(ln(x/a) − (x − a)/a) + ½·ln(a/2π) − (Stirling's remainder),
    without the cancellation of a·ln x, x and ln Γ(a) at large a."""
    return (a * _log_ratio_excess(x, a) + 0.5 * (np.log(a) - _LOG_2PI)
            - _stirling_remainder(a))


def _log_ratio_minus_digamma(a, x):
    """ln x − ψ(a), as ln(x/a) + (ln a − ψ(a))."""
    return _log_ratio(x, a) + _log_minus_digamma(a)


def _logs(x, y):
    """ln x and ln y for y = 1 − x, each from the smaller of the two (the one given exactly)."""
    x_smaller = x < y
    return (np.where(x_smaller, np.log(x), np.log1p(-y)),
            np.where(x_smaller, np.log1p(-x), np.log(y)))


def _log_beta_prefactor(a, b, x, y):
    """ln(x^a·y^b/B(a, b)) (y = 1 − x): by Stirling's series where a or b is large, where
    ln B(a, b) is a small difference of large log-gammas (three of them, or two)."""
    small, large = np.minimum(a, b), np.maximum(a, b)
    near_small = np.minimum(small, _ASYMPTOTIC_FROM)
    far_large = np.maximum(large, _ASYMPTOTIC_FROM)
    # ln Γ(L) − ln Γ(L + s) = −(L − ½)·ln(1 + s/L) − s·ln(L + s) + s + S(L) − S(L + s)
    step = (-(far_large - 0.5) * np.log1p(small / far_large) - small * np.log(far_large + small)
            + small + _stirling_remainder(far_large) - _stirling_remainder(far_large + small))
    log_x, log_y = _logs(x, y)
    one_large = a * log_x + b * log_y - scipy_special.gammaln(near_small) - step
    far_a, far_b = np.maximum(a, _ASYMPTOTIC_FROM), np.maximum(b, _ASYMPTOTIC_FROM)
    total = far_a + far_b
    both_large = (far_a * _log_ratio_excess(x * total, far_a)
                  + far_b * _log_ratio_excess(y * total, far_b)
                  + 0.5 * (np.log(far_a * far_b / total) - _LOG_2PI)
                  - _stirling_remainder(far_a) - _stirling_remainder(far_b)
                  + _stirling_remainder(total))
    direct = a * log_x + b * log_y - scipy_special.betaln(a, b)
    return np.where(small >= _ASYMPTOTIC_FROM, both_large,
                    np.where(large >= _ASYMPTOTIC_FROM, one_large, direct))


def _iterate(step, state, params, done):
    """Runs ``state = step(n, state, params)`` for n = 1, 2, … and returns the final states,
    each element leaving the iteration (and keeping its state) once ``done(n, old, new)`` says
    so: iterating a converged element further only adds rounding (the recurrences' derivative
    terms grow and cancel), and the others need not wait for it."""
    finished = [np.empty_like(part) for part in state]
    active = np.arange(state[0].size)
    for n in range(1, _MAX_TERMS + 1):
        new_state = step(n, state, params)
        leaving = done(n, state, new_state)
        if n == _MAX_TERMS:
            leaving = np.ones_like(leaving)
        for part, final in zip(new_state, finished):
            final[active[leaving]] = part[leaving]
        staying = ~leaving
        active = active[staying]
        if active.size == 0:
            break
        state = tuple(part[staying] for part in new_state)
        params = tuple(param[staying] for param in params)
    return finished


def _fraction(coefficients, params):
    """K = a₁/(b₁ + a₂/(b₂ + …)) and its derivative K′ in one parameter, by the forward
    recurrences for the numerators and denominators and their derivatives (rescaled each step,
    which leaves K and K′ unchanged). ``coefficients(n, *params)`` gives aₙ, bₙ, aₙ′, bₙ′."""
    zeros, ones = np.zeros_like(params[0]), np.ones_like(params[0])
    # numerators, denominators and their slopes at n − 1 and n; the value and derivative
    state = (ones, zeros, zeros, ones, zeros, zeros, zeros, zeros, zeros, zeros)

    def step(n, state, params):
        (numerator_before, numerator, denominator_before, denominator, slope_before, slope,
         denominator_slope_before, denominator_slope, _, _) = state
        a, b, a_slope, b_slope = coefficients(n, *params)
        next_numerator = b * numerator + a * numerator_before
        next_denominator = b * denominator + a * denominator_before
        next_slope = (b * slope + b_slope * numerator + a * slope_before
                      + a_slope * numerator_before)
        next_denominator_slope = (b * denominator_slope + b_slope * denominator
                                  + a * denominator_slope_before + a_slope * denominator_before)
        scale = 1 / next_denominator
        value = next_numerator * scale
        next_slope, next_denominator_slope = next_slope * scale, next_denominator_slope * scale
        return (numerator * scale, value, denominator * scale, np.ones_like(value),
                slope * scale, next_slope, denominator_slope * scale, next_denominator_slope,
                value, next_slope - value * next_denominator_slope)

    def done(n, old, new):
        if n <= 2:
            return np.zeros(new[0].shape, bool)
        return _converged(new[8] - old[8], new[8]) & _converged(new[9] - old[9], new[9])

    final = _iterate(step, state, params, done)
    return final[8], final[9]


def _lower_gamma_series(a, x):
    # P(a, x) = x^a·e^(−x)/Γ(a + 1)·Σₙ cₙ with c₀ = 1, cₙ = cₙ₋₁·x/(a + n): Σ and its a-slope.
    def step(n, state, params):
        term, term_slope, total, total_slope = state
        a, x = params
        ratio = x / (a + n)
        term, term_slope = term * ratio, (term_slope - term / (a + n)) * ratio
        return term, term_slope, total + term, total_slope + term_slope

    def done(n, old, new):
        return _converged(new[0], new[2]) & _converged(new[1], new[3])

    ones, zeros = np.ones_like(a), np.zeros_like(a)
    _, _, total, total_slope = _iterate(step, (ones, zeros, ones, zeros), (a, x), done)
    prefactor = np.exp(_log_gamma_prefactor(a, x)) / a
    # ∂P/∂a = P·∂(log prefactor)/∂a + prefactor·Σ′, and ψ(a + 1) = ψ(a) + 1/a
    return prefactor * (total * (_log_ratio_minus_digamma(a, x) - 1 / a) + total_slope)


def _upper_gamma_fraction(a, x):
    # Q(a, x) = x^a·e^(−x)/Γ(a)·1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a …
    def coefficients(n, a, x):
        if n == 1:
            return np.ones_like(a), x + 1 - a, np.zeros_like(a), -np.ones_like(a)
        return (-(n - 1) * (n - 1 - a), x + 2 * n - 1 - a, np.full_like(a, n - 1.0),
                -np.ones_like(a))

    fraction, fraction_slope = _fraction(coefficients, (a, x))
    prefactor = np.exp(_log_gamma_prefactor(a, x))
    return prefactor * (fraction * _log_ratio_minus_digamma(a, x) + fraction_slope)


def gammainc_slope(a, x):
    """∂P(a, x)/∂a (so ∂Q/∂a is its negative); 0 at x = 0 and x = inf, NaN outside a > 0,
    x ≥ 0.

    Example:
        >>> from chainrule.scipy.stats.shape_derivatives import gammainc_slope
        >>> round(float(gammainc_slope(2.0, 1.5)), 12)
        -0.313488637825
    """
    with np.errstate(all="ignore"):
        a, x = np.broadcast_arrays(asarray(a, np.float64), asarray(x, np.float64))
        shape = a.shape
        a, x = a.ravel(), x.ravel()
        slope = np.full(a.shape, np.nan)
        valid = (a > 0) & (x >= 0)
        slope[valid & ((x == 0) | (x == np.inf))] = 0.0
        inner = valid & (x > 0) & (x < np.inf)
        series = inner & (x <= a + 1)
        fraction = inner & (x > a + 1)
        if series.any():
            slope[series] = _lower_gamma_series(a[series], x[series])
        if fraction.any():
            slope[fraction] = -_upper_gamma_fraction(a[fraction], x[fraction])
        return slope.reshape(shape)


def _beta_fraction(a, b, x, in_a):
    # I_x(a, b) = x^a·(1 − x)^b/(a·B(a, b))·1/(1 + d₁/(1 + d₂/(1 + …))) with
    # d₂ₘ₊₁ = −(a + m)(a + b + m)x/((a + 2m)(a + 2m + 1)), d₂ₘ = m(b − m)x/((a + 2m − 1)(a + 2m)):
    # the fraction and its slope in a (in_a) or b.
    def coefficients(n, a, b, x):
        if n == 1:
            one = np.ones_like(a)
            return one, one, np.zeros_like(a), np.zeros_like(a)
        k = n - 1  # the fraction's dₖ is the recurrence's aₙ
        m = k // 2
        if k % 2:
            d = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            if in_a:
                log_slope = (1 / (a + m) + 1 / (a + b + m) - 1 / (a + 2 * m)
                             - 1 / (a + 2 * m + 1))
                d_slope = d * log_slope
            else:
                d_slope = -(a + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        else:
            d = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            if in_a:
                d_slope = -d * (1 / (a + 2 * m - 1) + 1 / (a + 2 * m))
            else:
                d_slope = m * x / ((a + 2 * m - 1) * (a + 2 * m))
        return d, np.ones_like(a), d_slope, np.zeros_like(a)

    return _fraction(coefficients, (a, b, x))


def _lower_beta_slope(a, b, x, y, in_a):
    # ∂I_x(a, b)/∂a (in_a) or ∂b, x below the fraction's switch point, y = 1 − x.
    fraction, fraction_slope = _beta_fraction(a, b, x, in_a)
    log_prefactor = _log_beta_prefactor(a, b, x, y) - np.log(a)
    log_x, log_y = _logs(x, y)
    if in_a:
        log_slope = log_x - 1 / a + _digamma_step(a, b)
    else:
        log_slope = log_y + _digamma_step(b, a)
    return np.exp(log_prefactor) * (fraction * log_slope + fraction_slope)


def betainc_slope(a, b, x, y=None, in_a=True):
    """∂I_x(a, b)/∂a (``in_a``) or ∂I_x(a, b)/∂b; ``y`` is 1 − x where the caller has it more
    accurately than 1 − x rounds. 0 at x = 0 and x = 1, NaN outside a, b > 0, 0 ≤ x ≤ 1.

    Example:
        >>> from chainrule.scipy.stats.shape_derivatives import betainc_slope
        >>> round(float(betainc_slope(2.0, 3.0, 0.4)), 12)
        -0.240869376088
        >>> round(float(betainc_slope(2.0, 3.0, 0.4, in_a=False)), 12)
        0.156344336414
    """
    with np.errstate(all="ignore"):
        if y is None:
            y = 1 - asarray(x, np.float64)
        a, b, x, y = np.broadcast_arrays(*(asarray(v, np.float64) for v in (a, b, x, y)))
        shape = a.shape
        a, b, x, y = a.ravel(), b.ravel(), x.ravel(), y.ravel()
        slope = np.full(a.shape, np.nan)
        valid = (a > 0) & (b > 0) & (x >= 0) & (y >= 0) & (a < np.inf) & (b < np.inf)
        slope[valid & ((x == 0) | (y == 0))] = 0.0
        inner = valid & (x > 0) & (y > 0)
        lower = inner & (x < (a + 1) / (a + b + 2))
        upper = inner & ~lower
        if lower.any():
            slope[lower] = _lower_beta_slope(a[lower], b[lower], x[lower], y[lower], in_a)
        if upper.any():
            # I_x(a, b) = 1 − I_y(b, a): a is the flipped function's second parameter
            slope[upper] = -_lower_beta_slope(b[upper], a[upper], y[upper], x[upper], not in_a)
        return slope.reshape(shape)


# For large df, F_df(t) = Φ(t) − φ(t)·Σₖ qₖ(t)/dfᵏ: the expansion of the t density over the
# normal's in 1/df (from log Γ's half-step series and log1p's), integrated term by term with
# ∫ sⁿφ = −φ(t)·hₙ(t) + (n − 1)!!·Φ(t). So ∂F/∂df = φ(t)·Σₖ k·qₖ(t)/df^(k + 1). Each row holds
# the coefficients of t, t³, t⁵, … in qₖ. Six terms keep ~1e-12 or better for df ≥ 300 where
# t⁴ ≤ df/10 (df/4 from df = 1e4 on), where the fraction below loses digits to a cancellation
# of order df.
_LARGE_DF_SERIES = (
    (1 / 4, 1 / 4),
    (-1 / 32, -5 / 96, -7 / 96, 1 / 32),
    (-5 / 128, -1 / 128, 1 / 64, 7 / 192, -11 / 384, 1 / 384),
    (21 / 2048, 61 / 6144, -71 / 30720, -313 / 30720, -2141 / 92160, 445 / 18432, -25 / 6144,
     1 / 6144),
    (399 / 8192, 119 / 8192, 1 / 2048, 19 / 6144, 83 / 12288, 333 / 20480, -1879 / 92160,
     49 / 10240, -133 / 368640, 1 / 122880),
    (-869 / 65536, -2465 / 196608, 137 / 196608, 1949 / 1376256, -12805 / 6193152,
     -146047 / 30965760, -75113 / 6193152, 231253 / 13271040, -135149 / 26542080,
     107 / 196608, -23 / 983040, 1 / 2949120),
)
_LARGE_DF_FROM = 300.0


def _stdtr_slope_large_df(df, t):
    square, u = t * t, 1 / df
    total = np.zeros_like(t)
    for k, coefficients in enumerate(_LARGE_DF_SERIES, 1):
        q = np.zeros_like(t)
        for c in coefficients[::-1]:
            q = q * square + c
        total = total + k * t * q * u ** (k + 1)
    return np.exp(-square / 2) / np.sqrt(2 * np.pi) * total


def stdtr_slope(df, t):
    """∂stdtr(df, t)/∂df: with x = df/(df + t²), y = t²/(df + t²) (both exact, unlike 1 − x),
    stdtr = ½·I_x(df/2, ½) for t < 0 and 1 − ½·I_x(df/2, ½) for t > 0, and
    ∂I_x(df/2, ½)/∂df = ½·∂I/∂a + x^(df/2)·y^(½)/(B(df/2, ½)·df). 0 at t = 0, ±inf and
    df = inf; NaN for df ≤ 0. Near the normal (df ≥ 300, t⁴ ≤ df/10), by the series in 1/df.

    Example:
        >>> from chainrule.scipy.stats.shape_derivatives import stdtr_slope
        >>> round(float(stdtr_slope(3.0, 1.0)), 12)
        0.011110456705
    """
    with np.errstate(all="ignore"):
        df, t = np.broadcast_arrays(asarray(df, np.float64), asarray(t, np.float64))
        shape = df.shape
        df, t = df.ravel(), t.ravel()
        slope = np.full(df.shape, np.nan)
        valid = (df > 0) & ~np.isnan(t)
        slope[valid & ((t == 0) | np.isinf(t) | (df == np.inf))] = 0.0
        inner = valid & (t != 0) & np.isfinite(t) & (df < np.inf)
        df, t = df[inner], t[inner]
        square = t * t
        x, y = df / (df + square), square / (df + square)
        a = df / 2
        density_part = np.exp(_log_beta_prefactor(a, np.full_like(a, 0.5), x, y)) / df
        in_df = 0.5 * betainc_slope(a, 0.5, x, y, in_a=True) + density_part
        near_normal = (df >= _LARGE_DF_FROM) & (
            square * square <= np.where(df < 1e4, 0.1, 0.25) * df)
        slope[inner] = np.where(near_normal, _stdtr_slope_large_df(df, t),
                                -0.5 * np.sign(t) * in_df)
        return slope.reshape(shape)
