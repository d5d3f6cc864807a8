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
from chainrule.nn import functional as F
from tests.reliability import special_values
from tests.reliability.special_values import OPS

SUBNORMAL = np.finfo(np.float64).smallest_subnormal

# Ops the sweep finds wrong somewhere, pinned as xfail: op → (dtypes, the bug), each with a
# minimal test in test_special_value_bugs.py. None at present.
KNOWN: dict = {}


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
@pytest.mark.parametrize(("op", "dtype"), list(sweep_params()))
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


@pytest.mark.parametrize("x", [[np.inf, np.inf], [-np.inf, -np.inf], [np.inf, 0.0]])
def test_softmax_family_takes_the_limit_of_a_tie_at_infinities(x):
    # The entries equal to an infinite max share the mass equally, as logsumexp's gradient;
    # an all −inf slice is uniform. log_softmax and cross_entropy follow.
    x = np.array(x)
    shares = np.where(x == np.max(x), 1.0, 0.0) / np.sum(x == np.max(x))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(F.softmax(x), shares)
        np.testing.assert_array_equal(F.log_softmax(x), np.log(shares, where=shares > 0,
                                                               out=np.full(2, -np.inf)))
        assert F.cross_entropy(x, np.array(0)) == -np.log(shares[0])
    jacobian = np.diag(shares) - np.outer(shares, shares)
    np.testing.assert_array_equal(gradient(lambda v: F.softmax(v)[0], x), jacobian[0])
    np.testing.assert_array_equal(tangent(F.softmax, x), jacobian @ np.ones(2))
    np.testing.assert_array_equal(
        gradient(lambda v: F.cross_entropy(v, np.array(0)), x), shares - [1, 0]
    )


def test_cross_entropy_derivative_in_a_zero_probability_at_a_minus_infinite_logit_is_zero():
    # 0·log 0 = 0: the class adds nothing, and its derivative in p (+inf) is taken as 0; where
    # the log-probability is finite the derivative in p is −log_softmax, as everywhere.
    logits, p = np.array([0.0, -np.inf, 0.0]), np.array([1.0, 0.0, 0.0])
    np.testing.assert_array_equal(
        gradient(lambda q: F.cross_entropy(logits, q), p), [np.log(2), 0, np.log(2)]
    )


def test_binary_cross_entropy_with_logits_target_derivative_at_infinite_logits_is_minus_x():
    # The loss at (inf, 1) is 0, its limit; its derivative in the target is −x = −inf there.
    x = np.array([np.inf, -np.inf])
    t = np.array([1.0, 0.0])
    loss = lambda q: cr.sum(F.binary_cross_entropy_with_logits(x, q, reduction="none"))  # noqa: E731
    np.testing.assert_array_equal(gradient(loss, t), [-np.inf, np.inf])


F32 = np.float32
BIG32 = np.finfo(np.float32).max


def f32(*values):
    return np.array(values, dtype=F32)


@pytest.mark.parametrize(
    ("name", "f", "args"),
    [
        ("erf", cr.erf, (f32(BIG32, 1),)),
        ("gelu", cr.gelu, (f32(-np.inf, BIG32, 1),)),
        ("gelu tanh", lambda x: cr.gelu(x, approximate="tanh"), (f32(-1e20, 1),)),
        ("log10", cr.log10, (f32(BIG32, 1),)),
        ("power", cr.power, (f32(1e-45, 2), f32(1e-45, 0.5))),
        ("logaddexp", cr.logaddexp, (f32(BIG32), f32(-BIG32))),
        ("arctan2", cr.arctan2, (f32(0, BIG32), f32(np.inf, BIG32))),
        ("logsumexp", cr.logsumexp, (f32(BIG32, -BIG32),)),
        ("mean", cr.mean, (f32(BIG32, BIG32),)),
        ("std", cr.std, (f32(BIG32, -BIG32),)),
        ("norm ord=3", lambda x: cr.linalg.norm(x, 3), (f32(0, 1e38),)),
        ("norm", cr.linalg.norm, (f32(0, 1e-45),)),
        ("softmax", F.softmax, (f32(0, np.inf),)),
        ("cross_entropy", lambda z: F.cross_entropy(z, f32(1, 0)), (f32(0, -np.inf),)),
        ("bce", lambda z: F.binary_cross_entropy_with_logits(z, f32(1, 1)), (f32(np.inf, 1),)),
    ],
)
def test_float32_stays_float32_at_special_values(name, f, args):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.asarray(f(*args)).dtype == F32, name
        for i in range(len(args)):
            grads = cr.grad(lambda *a: cr.sum(f(*a)), argnums=i)(*args)
            assert grads.dtype == F32, name
            assert np.all(np.isfinite(grads)), name


def test_norm_hessian_at_zero_is_zero():
    # The gradient is the zero subgradient at 0, taken as a constant: its derivative is 0 too.
    hessian = cr.hessian(cr.linalg.norm)(np.zeros(3))
    np.testing.assert_array_equal(hessian, np.zeros((3, 3)))
