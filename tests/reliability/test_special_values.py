"""Special values: every op at ±0, subnormals, ±1e±300 (float32: its extremes), ±1, ±inf, NaN,
and at ties — no NaN and no warning where the value and the derivative are finite.

The sweep (special_values.py, with the tables special_elementwise.py and special_reductions.py)
checks the value and the reverse- and forward-mode Jacobians of each op at each point, in float64
and float32. Ops it finds wrong somewhere are marked xfail(strict=True) with the reason; each bug
has a minimal failing test in test_special_value_bugs.py. When a bug is fixed its xfail fails:
remove the mark.
"""

import warnings

import numpy as np
import pytest

import chainrule as cr
from tests.reliability import special_values
from tests.reliability.special_values import OPS

SUBNORMAL = np.finfo(np.float64).smallest_subnormal

# Ops the sweep finds wrong somewhere: op → (dtypes, the bug). See the minimal tests below.
KNOWN = {
    "arctan2": ("float64 float32", "partials NaN where an argument is infinite (inf/inf)"),
    "binary_cross_entropy_with_logits": ("float64 float32", "NaN at infinite logits (inf·0)"),
    "softmax": ("float64 float32", "NaN at +inf logits (inf − inf in the shift)"),
    "log_softmax": ("float64 float32", "NaN at +inf logits, not [−inf, 0]"),
    "cross_entropy label 0": ("float64 float32", "NaN at a +inf logit (inf − inf in the shift)"),
    "cross_entropy label 1": ("float64 float32", "NaN at a +inf logit (inf − inf in the shift)"),
    "cross_entropy probabilities [1, 0]": ("float64 float32", "0·(−inf) = NaN; NaN at +inf"),
    "logsumexp": ("float32", "the gradient overflows in x − max at (max, −max)"),
    "logaddexp": ("float32", "x − y overflows in the gradient at (max, −max)"),
    "norm": ("float64 float32", "NaN for [0, inf]; NaN gradient at a subnormal norm"),
    "norm ord=3": ("float64 float32", "|x|³ overflows and underflows (as NumPy)"),
    "std": ("float64 float32", "var overflows/underflows: inf or 0, gradient 0 (as NumPy)"),
    "var": ("float32", "the mean of [max, max] overflows (as NumPy)"),
    "mean": ("float32", "the sum of [max, max] overflows (as NumPy)"),
    "erf": ("float64 float32", "x·x in the derivative overflows: a warning"),
    "erfc": ("float64 float32", "x·x in the derivative overflows: a warning"),
    "gelu": ("float64 float32", "NaN at −inf; the erfc derivative's x·x warns"),
    "gelu tanh": ("float64 float32", "x³ overflows: warnings, NaN gradient; NaN at −inf"),
    "log10": ("float32", "x·ln 10 overflows in the derivative at max: a warning"),
    "power": ("float64 float32", "∂/∂x overflows (0·inf) at a subnormal base"),
}


def sweep_params():
    for op in OPS:
        for dtype in special_values.DTYPES:
            name = np.dtype(dtype).name
            marks = ()
            if op.name in KNOWN and name in KNOWN[op.name][0].split():
                marks = pytest.mark.xfail(strict=True, reason=KNOWN[op.name][1])
            yield pytest.param(op, dtype, id=f"{op.name}-{name}", marks=marks)


# The references square 1e300: they need a long double wider than double (x86-64, aarch64
# Linux). Where long double is double (macOS arm64, Windows) the sweep is skipped.
EXTENDED = bool(np.isfinite(np.longdouble(1e300) ** 2))


@pytest.mark.skipif(not EXTENDED, reason="numpy.longdouble is no wider than float64 here")
@pytest.mark.parametrize(("op", "dtype"), sweep_params())
def test_op_is_right_at_special_values(op, dtype):
    failures = [
        f"{c.key}: {failure}"
        for args in special_values.points(op, dtype)
        for c in [special_values.check(op, args, dtype)]
        for failure in c.failures
    ]
    assert not failures, f"{len(failures)} failures, first ones:\n" + "\n".join(failures[:8])


def test_sweep_covers_every_value_kind_in_both_dtypes():
    for dtype in special_values.DTYPES:
        values = special_values.special_values(dtype)
        info = np.finfo(dtype)
        assert len(values) == 13
        assert info.smallest_subnormal in values and -info.smallest_subnormal in values
        assert np.inf in values and -np.inf in values and np.isnan(values[-1])
        assert any(v == 0 and np.signbit(v) for v in values)


# --- conventions at kinks, ties and infinities (the sweep checks them too; here by name) ------


def gradient(f, *args, argnums=0):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return cr.grad(f, argnums=argnums)(*args)


def tangent(f, x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return cr.jvp(f, [x], [np.ones_like(x)])[1]


def test_logaddexp_of_the_same_infinity_is_it_with_gradient_one_half():
    x, y = np.array(np.inf), np.array(np.inf)
    assert cr.logaddexp(x, y) == np.inf
    assert gradient(cr.logaddexp, x, y) == 0.5
    assert gradient(cr.logaddexp, x, y, argnums=1) == 0.5
    assert gradient(cr.logaddexp, -x, -y) == 0.5


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bounded_functions_are_finite_at_infinities(dtype):
    x = np.array([-np.inf, np.inf], dtype=dtype)
    for f, value, slope in [
        (cr.sigmoid, [0, 1], [0, 0]),
        (cr.tanh, [-1, 1], [0, 0]),
        (cr.arctan, [-np.pi / 2, np.pi / 2], [0, 0]),
        (cr.erf, [-1, 1], [0, 0]),
        (cr.elu, [-1, np.inf], [0, 1]),
    ]:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out = f(x)
        assert out.dtype == dtype
        np.testing.assert_allclose(out, value, rtol=1e-6)
        np.testing.assert_array_equal(gradient(lambda v, f=f: cr.sum(f(v)), x), slope)
        np.testing.assert_array_equal(tangent(f, x), slope)


def test_softplus_of_minus_infinity_is_zero_with_zero_slope():
    assert cr.softplus(np.array(-np.inf)) == 0
    assert gradient(cr.softplus, np.array(-np.inf)) == 0
    assert cr.softplus(np.array(1e300)) == 1e300


@pytest.mark.parametrize("x", [0.0, -0.0])
def test_kinks_at_zero_take_the_documented_subgradient(x):
    x = np.array(x)
    assert gradient(cr.relu, x) == 0
    assert gradient(cr.abs, x) == 0
    assert gradient(cr.leaky_relu, x) == 0.01
    assert gradient(cr.elu, x) == 1
    assert gradient(cr.sign, x) == 0


def test_ties_share_the_gradient_equally():
    x = np.array([2.0, 2.0, -1.0])
    np.testing.assert_array_equal(gradient(cr.max, x), [0.5, 0.5, 0])
    np.testing.assert_array_equal(
        gradient(lambda v: cr.linalg.norm(v, np.inf), np.array([-3.0, 3.0])), [-0.5, 0.5]
    )
    assert gradient(cr.maximum, np.array(1.0), np.array(1.0)) == 0.5
    assert gradient(cr.minimum, np.array(-0.0), np.array(0.0), argnums=1) == 0.5


def test_clip_at_its_bounds_passes_the_gradient_to_x():
    x = np.array([-1.0, 1.0])
    np.testing.assert_array_equal(gradient(lambda v: cr.sum(cr.clip(v, -1.0, 1.0)), x), [1, 1])


def test_large_array_path_of_erf_agrees_with_the_scalar_path():
    # Up to 256 values erf calls libm per value; above, polynomials: both must handle extremes.
    values = np.array([0.0, -0.0, SUBNORMAL, 1e-300, -1.0, 27.0, -1e300, np.inf, -np.inf])
    many = np.tile(values, 40)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for f in (cr.erf, cr.erfc):
            scalar = np.tile([f(v) for v in values], 40)
            np.testing.assert_allclose(f(many), scalar, rtol=1e-14, atol=0)  # both ~1 ulp
            np.testing.assert_array_equal(np.signbit(f(many)), np.signbit(scalar))
