"""NumPy's math and statistics functions on tensors: ``np.median(t)`` and the others dispatch to
chainrule, give NumPy's values to the bit in NumPy's dtype (float32 stays float32), and
differentiate; their conventions at ties, NaN, all-NaN slices and removable points."""

import math
import warnings

import numpy as np
import pytest

import chainrule as cr

RNG = np.random.default_rng(5)
DATA = RNG.normal(size=(4, 5)) * 3
WITH_NAN = DATA.copy()
WITH_NAN[0, 1] = WITH_NAN[2, 3] = WITH_NAN[3, 0] = np.nan
THREE = RNG.normal(size=(4, 3))

# name -> (input, positional arguments, keyword arguments): one call of each function.
CALLS = {
    "deg2rad": (DATA, (), {}), "rad2deg": (DATA, (), {}), "degrees": (DATA, (), {}),
    "radians": (DATA, (), {}), "sinc": (DATA, (), {}),
    "fmax": (WITH_NAN, (DATA[::-1],), {}), "fmin": (WITH_NAN, (DATA[::-1],), {}),
    "logaddexp2": (DATA, (DATA[::-1],), {}),
    "nan_to_num": (np.where(np.isnan(WITH_NAN), np.inf, WITH_NAN), (), {"posinf": 7.0}),
    "diff": (DATA, (), {"n": 2, "axis": 0, "append": 1.0}),
    "gradient": (DATA, (0.5,), {"axis": 1, "edge_order": 2}),
    "kron": (DATA[:2, :2], (DATA[:3, :2],), {}),
    "cross": (THREE, (THREE[::-1],), {}),
    "median": (DATA, (), {"axis": 1}),
    "percentile": (DATA, ([10, 50, 90],), {"axis": 0, "method": "weibull"}),
    "quantile": (DATA, (0.3,), {"keepdims": True}),
    "average": (DATA, (), {"axis": 1, "weights": np.arange(1.0, 6.0)}),
    "cov": (DATA, (), {"ddof": 0}),
    "corrcoef": (DATA, (), {"rowvar": False}),
    "nansum": (WITH_NAN, (), {"axis": 0}), "nanmean": (WITH_NAN, (), {"axis": 1}),
    "nanprod": (WITH_NAN, (), {}), "nanmax": (WITH_NAN, (), {"axis": 1}),
    "nanmin": (WITH_NAN, (), {"axis": 0}), "nanstd": (WITH_NAN, (), {"ddof": 1}),
    "nanvar": (WITH_NAN, (), {"axis": 1, "keepdims": True}),
    "nanmedian": (WITH_NAN, (), {"axis": 1}),
    "nanpercentile": (WITH_NAN, (75,), {"axis": 0}),
    "nanquantile": (WITH_NAN, ([0.2, 0.8],), {"axis": 1, "method": "nearest"}),
    "nancumsum": (WITH_NAN, (), {"axis": 1}), "nancumprod": (WITH_NAN, (), {}),
}


def values(t):
    return np.asarray(t._data if isinstance(t, cr.Tensor) else t)


def as_dtype(value, dtype):
    return value.astype(dtype) if isinstance(value, np.ndarray) and value.dtype == float else value


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_numpy_function_on_a_tensor_gives_numpys_value_and_dtype(name, dtype):
    x, args, kwargs = CALLS[name]
    x, args = as_dtype(x, dtype), tuple(as_dtype(a, dtype) for a in args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        expected = getattr(np, name)(x, *args, **kwargs)
        found = getattr(np, name)(cr.tensor(x), *args, **kwargs)
    assert isinstance(found, cr.Tensor)
    assert values(found).dtype == np.asarray(expected).dtype
    np.testing.assert_array_equal(values(found), expected, strict=False)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_numpy_function_on_a_tensor_differentiates_as_the_chainrule_op(name, dtype):
    x, args, kwargs = CALLS[name]
    x, args = as_dtype(x, dtype), tuple(as_dtype(a, dtype) for a in args)
    weights = RNG.uniform(0.5, 1.5, np.shape(getattr(np, name)(x, *args, **kwargs)))

    def through(fn):
        t = cr.tensor(x, requires_grad=True)
        out = fn(t, *args, **kwargs)
        cr.sum(cr.where(cr.isnan(out), 0.0, out) * weights).backward()
        assert t.grad.dtype == dtype
        return t.grad.numpy()

    np.testing.assert_array_equal(through(getattr(np, name)), through(getattr(cr, name)))


def test_every_function_is_exported_where_numpy_dispatch_finds_it():
    from chainrule import ops

    assert set(CALLS) <= set(ops.__all__) <= set(dir(cr)) | set(ops.__all__)
    assert set(CALLS) <= set(cr.__all__)


def test_sinc_at_its_removable_point_has_value_1_slope_0_and_curvature_minus_pi_squared_over_3():
    assert values(cr.sinc(cr.tensor(0.0))) == 1.0
    first = cr.grad(cr.sinc)
    second = cr.grad(first)
    assert float(first(0.0)) == 0.0
    assert float(second(0.0)) == pytest.approx(-math.pi**2 / 3, rel=1e-15)
    assert float(cr.grad(second)(0.0)) == 0.0
    assert float(cr.grad(cr.grad(second))(0.0)) == pytest.approx(math.pi**4 / 5, rel=1e-12)
    # Forward mode agrees, and either side of the switch to the series is continuous.
    assert float(cr.jvp(first, (0.0,), (1.0,))[1]) == pytest.approx(-math.pi**2 / 3)
    below, above = float(first(0.1 - 1e-12)), float(first(0.1 + 1e-12))
    assert below == pytest.approx(above, rel=1e-9)


def test_fmax_and_fmin_split_ties_as_maximum_does_and_skip_nan():
    x = cr.tensor([2.0, np.nan, 1.0, np.nan], requires_grad=True)
    y = cr.tensor([2.0, 3.0, np.nan, np.nan], requires_grad=True)
    cr.sum(cr.where(cr.isnan(cr.fmax(x, y)), 0.0, cr.fmax(x, y))).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.5, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(y.grad.numpy(), [0.5, 1.0, 0.0, 0.0])
    a, b = cr.tensor(2.0, requires_grad=True), cr.tensor(2.0, requires_grad=True)
    cr.fmin(a, b).backward()
    assert (a.grad.item(), b.grad.item()) == (0.5, 0.5)


def test_logaddexp2_does_not_overflow():
    x = cr.tensor([1e4, -1e4], requires_grad=True)
    out = cr.logaddexp2(x, cr.tensor([1e4, 0.0]))
    np.testing.assert_array_equal(values(out), [1e4 + 1, 0.0])
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, 0.0])


def test_nan_to_num_passes_the_gradient_only_where_x_is_finite():
    x = cr.tensor([1.0, np.nan, np.inf, -np.inf], requires_grad=True)
    out = cr.nan_to_num(x)
    np.testing.assert_array_equal(values(out), np.nan_to_num(values(x)))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.0, 0.0, 0.0])


def test_quantile_ties_share_the_gradient_as_max_does():
    data = [1.0, 3.0, 3.0, 2.0]
    for q in (1.0, 0.75):
        x, y = cr.tensor(data, requires_grad=True), cr.tensor(data, requires_grad=True)
        cr.quantile(x, q).backward()
        cr.max(y).backward()
        np.testing.assert_array_equal(x.grad.numpy(), y.grad.numpy())


def test_median_of_an_even_count_splits_the_gradient_between_the_middle_values():
    x = cr.tensor([4.0, 1.0, 3.0, 2.0], requires_grad=True)
    cr.median(x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.5, 0.5])


def test_quantile_weights_follow_the_interpolation():
    x = cr.tensor([10.0, 0.0, 20.0, 30.0], requires_grad=True)
    cr.quantile(x, 0.4).backward()  # position 1.2 among 0, 10, 20, 30: 0.8·10 + 0.2·20
    np.testing.assert_allclose(x.grad.numpy(), [0.8, 0.0, 0.2, 0.0])
    x.grad = None
    cr.quantile(x, 0.4, method="lower").backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.0, 0.0, 0.0])


def test_quantile_of_a_slice_holding_nan_is_nan_and_its_nan_takes_the_gradient():
    x = cr.tensor([1.0, np.nan, 2.0], requires_grad=True)
    out = cr.median(x)
    assert np.isnan(values(out))
    out.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 0.0])


@pytest.mark.parametrize("name, message", [
    ("nanmean", "Mean of empty slice"), ("nanvar", "Degrees of freedom <= 0 for slice."),
    ("nanstd", "Degrees of freedom <= 0 for slice."), ("nanmax", "All-NaN slice encountered"),
    ("nanmin", "All-NaN slice encountered"), ("nanmedian", "All-NaN slice encountered"),
])
def test_all_nan_slice_gives_numpys_value_and_warning_and_no_gradient(name, message):
    data = np.array([[1.0, np.nan, 2.0], [np.nan, np.nan, np.nan]])
    x = cr.tensor(data, requires_grad=True)
    with pytest.warns(RuntimeWarning, match=message):
        out = getattr(cr, name)(x, axis=1)
    with pytest.warns(RuntimeWarning, match=message):
        expected = getattr(np, name)(data, axis=1)
    np.testing.assert_array_equal(values(out), expected)
    cr.sum(cr.where(cr.isnan(out), 0.0, out)).backward()
    assert np.all(np.isfinite(x.grad.numpy())) and np.all(x.grad.numpy()[1] == 0)
    assert x.grad.numpy()[0, 1] == 0


def test_all_nan_slice_sums_to_zero_and_multiplies_to_one_without_warning():
    data = np.array([np.nan, np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert values(cr.nansum(cr.tensor(data))) == 0.0
        assert values(cr.nanprod(cr.tensor(data))) == 1.0


def test_nanstd_of_a_constant_slice_has_the_zero_subgradient():
    x = cr.tensor([2.0, np.nan, 2.0], requires_grad=True)
    cr.nanstd(x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])


def test_gradient_returns_a_tuple_for_several_axes_as_numpy():
    f = np.arange(12.0).reshape(3, 4) ** 2
    found, expected = cr.gradient(cr.tensor(f)), np.gradient(f)
    assert isinstance(found, tuple) and len(found) == len(expected) == 2
    for got, want in zip(found, expected):
        np.testing.assert_array_equal(values(got), want)


def test_gradient_and_diff_refuse_what_numpy_refuses():
    with pytest.raises(ValueError, match="edge_order"):
        cr.gradient(cr.tensor([1.0, 2.0]), edge_order=2)
    with pytest.raises(ValueError, match="non-negative"):
        cr.diff(cr.tensor([1.0, 2.0]), n=-1)
    with pytest.raises(ValueError, match="at least one dimensional"):
        cr.diff(cr.tensor(1.0))
    with pytest.raises(ValueError, match="dimension must be 2 or 3"):
        cr.cross(cr.tensor([1.0, 2.0, 3.0, 4.0]), cr.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(ZeroDivisionError):
        cr.average(cr.tensor([1.0, 2.0]), weights=[1.0, -1.0])


def test_cross_of_2_vectors_warns_as_numpy_2_does():
    with pytest.warns(DeprecationWarning, match="2-dimensional vectors"):
        out = cr.cross(cr.tensor([1.0, 2.0]), cr.tensor([3.0, 4.0]))
    assert values(out) == -2.0


def test_average_returned_gives_the_sum_of_weights_and_differentiates_the_weights():
    a = cr.tensor([1.0, 2.0, 4.0])
    w = cr.tensor([1.0, 1.0, 2.0], requires_grad=True)
    avg, total = cr.average(a, weights=w, returned=True)
    assert (values(avg), values(total)) == (2.75, 4.0)
    avg.backward()
    np.testing.assert_allclose(w.grad.numpy(), (values(a) - 2.75) / 4.0)


def test_jitted_functions_of_the_new_ops_replay_as_eager():
    def f(x):
        return (cr.nanmedian(x, axis=1) + cr.quantile(x, 0.3, axis=1) + cr.nanmean(x, axis=1)
                + cr.sinc(x).sum(axis=1) + cr.gradient(x, axis=1).sum(axis=1))

    jitted = cr.jit(cr.grad(lambda x: cr.sum(f(x))))
    first, second = np.where(np.isnan(WITH_NAN), np.nan, DATA), DATA[::-1].copy()
    second[1, 2] = np.nan
    jitted(first)
    np.testing.assert_allclose(values(jitted(second)), values(cr.grad(lambda x: cr.sum(f(x)))(
        second)), rtol=1e-13)
    assert len(jitted.cache) == 1


@pytest.mark.parametrize("name", ["median", "nanmedian"])
def test_median_of_empty_slices_is_nan_as_numpy_with_an_empty_gradient(name):
    x = cr.tensor(np.zeros((3, 0)), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = getattr(cr, name)(x, axis=1)
        expected = getattr(np, name)(np.zeros((3, 0)), axis=1)
    np.testing.assert_array_equal(values(out), expected)
    cr.sum(cr.where(cr.isnan(out), 0.0, out)).backward()
    assert x.grad.shape == (3, 0)
