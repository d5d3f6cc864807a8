"""Op-table cases for NumPy's math and statistics functions: angles, sinc, fmax/fmin,
logaddexp2, nan_to_num, differences, kron and cross, quantiles, average/cov/corrcoef and the
NaN-ignoring reductions.

Quantile inputs have distinct values (an order statistic is piecewise linear in x; finite
differences are wrong where two values swap); NaN entries stand where NaN is ignored, and the
finite differences of a NaN entry are 0, as its gradient.
"""

import warnings

import numpy as np

import chainrule as cr
from tests.ops.optable import OpCase, rand


def with_nans(values, *positions):
    values = values.copy()
    for position in positions:
        values[position] = np.nan
    return values


def quietly(fn):
    """fn with NumPy 2's DeprecationWarning for 2-vectors in cross silenced."""
    def call(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return fn(*args)
    return call


MULTIPLY = ("multiply",)
SLICES = ("getitem", "subtract", "concatenate")

ELEMENTWISE_CASES = [
    OpCase("deg2rad", cr.deg2rad, (rand(3, 4, low=-360.0, high=360.0),), covers=MULTIPLY),
    OpCase("rad2deg", cr.rad2deg, (rand(),), "0-d", covers=MULTIPLY),
    OpCase("radians", cr.radians, (rand(0, 3),), "empty", covers=MULTIPLY),
    OpCase("degrees", cr.degrees, (rand(5),), covers=MULTIPLY),
    OpCase("sinc", cr.sinc, (rand(3, 4),), "3x4"),
    OpCase("sinc", cr.sinc, (np.array([0.0, 0.04, -0.099, 0.101, 1e-8]),), "at and near 0"),
    OpCase("sinc", cr.sinc, (np.float64(0.0),), "removable point 0"),
    OpCase("sinc", cr.sinc, (rand(0, 2),), "empty"),
    OpCase("fmax", cr.fmax, (rand(3, 4, seed=1), rand(3, 4, seed=2)), "3x4 with 3x4"),
    OpCase("fmax", cr.fmax, (rand(3, 1, seed=1), rand(4, seed=2)), "(3,1) with (4,)"),
    OpCase("fmax", cr.fmax, (with_nans(rand(4, seed=1), 0, 2), with_nans(rand(4, seed=2), 3)),
           "NaN on either side"),
    OpCase("fmin", cr.fmin, (rand(3, 4, seed=1), rand(3, 4, seed=2)), "3x4 with 3x4"),
    OpCase("fmin", cr.fmin, (rand(), rand(0, 3)), "0-d with empty"),
    OpCase("fmin", cr.fmin, (with_nans(rand(4, seed=1), 1), with_nans(rand(4, seed=2), 0)),
           "NaN on either side"),
    OpCase("logaddexp2", cr.logaddexp2, (rand(3, 4, seed=1), rand(3, 4, seed=2)), "3x4 with 3x4"),
    OpCase("logaddexp2", cr.logaddexp2, (rand(3, 1, seed=1), rand(4, seed=2)), "(3,1) with (4,)"),
    OpCase("logaddexp2", cr.logaddexp2, (rand(3, low=999.0, high=1001.0), rand(3, seed=3)),
           "near 1000"),
    OpCase("logaddexp2", cr.logaddexp2, (rand(), rand()), "0-d"),
    OpCase("nan_to_num", cr.nan_to_num,
           (np.array([1.5, np.nan, np.inf, -np.inf, -0.5]),), "NaN and infinities",
           covers=("where",)),
    OpCase("nan_to_num", lambda x: cr.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-2.0),
           (rand(2, 3),), "keywords", covers=("where",)),
]

DIFFERENCE_CASES = [
    OpCase("diff", cr.diff, (rand(5),), "vector", covers=SLICES[:2]),
    OpCase("diff", lambda x: cr.diff(x, n=2, axis=0), (rand(4, 3),), "n=2 axis 0",
           covers=SLICES[:2]),
    OpCase("diff", lambda x, p, q: cr.diff(x, axis=-1, prepend=p, append=q),
           (rand(2, 3), rand(2, 1, seed=1), rand(2, 2, seed=2)), "prepend, append",
           covers=SLICES),
    OpCase("diff", lambda x: cr.diff(x, prepend=0.5), (rand(3),), "scalar prepend",
           covers=SLICES),
    OpCase("diff", lambda x: cr.diff(x, axis=1), (rand(0, 3),), "empty", covers=SLICES[:2]),
    OpCase("gradient", cr.gradient, (rand(6),), "vector", covers=SLICES),
    OpCase("gradient", lambda f: cr.gradient(f, 0.5, edge_order=2), (rand(5),),
           "spacing, edge_order 2", covers=SLICES),
    OpCase("gradient", lambda f: cr.gradient(f, axis=-1), (rand(3, 4),), "axis -1",
           covers=SLICES),
    # One tensor per axis (a tuple, as NumPy): stacked, as gradcheck takes one output.
    OpCase("gradient", lambda f: cr.stack(cr.gradient(f, np.array([0.0, 0.5, 1.5, 1.75]), 2.0)),
           (rand(4, 3),), "coordinates, two axes", covers=SLICES + ("multiply", "add")),
    OpCase("gradient", lambda f: cr.gradient(f, np.array([0.0, 1.0, 1.5, 3.0]), axis=0,
                                             edge_order=2),
           (rand(4, 2),), "uneven coordinates, edge_order 2", covers=SLICES + ("add",)),
]

PRODUCT_CASES = [
    OpCase("kron", cr.kron, (rand(2, 3, seed=1), rand(2, 2, seed=2)), "matrices",
           covers=MULTIPLY + ("reshape",)),
    OpCase("kron", cr.kron, (rand(3, seed=1), rand(2, 2, seed=2)), "vector and matrix",
           covers=MULTIPLY),
    OpCase("kron", cr.kron, (rand(seed=1), rand(3, seed=2)), "0-d", covers=MULTIPLY),
    OpCase("cross", cr.cross, (rand(4, 3, seed=1), rand(3, seed=2)), "3-vectors, broadcast",
           covers=MULTIPLY + ("subtract", "concatenate")),
    OpCase("cross", lambda a, b: cr.cross(a, b, axisa=0, axisb=-1, axisc=0),
           (rand(3, 2, seed=1), rand(2, 3, seed=2)), "axisa, axisb, axisc", covers=MULTIPLY),
    OpCase("cross", lambda a, b: cr.cross(a, b, axis=1), (rand(2, 3, 2, seed=1),
           rand(1, 3, 2, seed=2)), "axis", covers=MULTIPLY),
    OpCase("cross", quietly(cr.cross), (rand(3, 2, seed=1), rand(3, 2, seed=2)), "2-vectors",
           covers=MULTIPLY),
    OpCase("cross", quietly(cr.cross), (rand(3, 2, seed=1), rand(3, 3, seed=2)),
           "2- with 3-vectors", covers=MULTIPLY + ("negative",)),
    OpCase("cross", quietly(cr.cross), (rand(3, seed=1), rand(2, seed=2)), "3- with 2-vector",
           covers=MULTIPLY + ("negative",)),
]

QUANTILE_CASES = [
    OpCase("quantile", lambda x: cr.quantile(x, 0.3), (rand(7),), "vector"),
    OpCase("quantile", lambda x: cr.quantile(x, [0.1, 0.5, 1.0], axis=1, keepdims=True),
           (rand(3, 5),), "q array, axis 1 keepdims"),
    OpCase("quantile", lambda x: cr.quantile(x, 0.4, axis=(0, 2)), (rand(2, 3, 4),),
           "axes (0, 2)"),
    OpCase("quantile", lambda x: cr.quantile(x, 0.5, axis=-1), (rand(0, 4),), "empty batch"),
    OpCase("quantile", lambda x: cr.quantile(x, 0.5), (rand(),), "0-d"),
    *[OpCase("quantile", lambda x, m=method: cr.quantile(x, [0.15, 0.6], axis=0, method=m),
             (rand(6, 2),), method)
      for method in ("inverted_cdf", "averaged_inverted_cdf", "closest_observation",
                     "interpolated_inverted_cdf", "hazen", "weibull", "median_unbiased",
                     "normal_unbiased", "lower", "higher", "midpoint", "nearest")],
    OpCase("percentile", lambda x: cr.percentile(x, [20, 75], axis=0), (rand(5, 3),), "axis 0"),
    OpCase("percentile", lambda x: cr.percentile(x, 40, method="midpoint", keepdims=True),
           (rand(2, 3),), "midpoint keepdims"),
    OpCase("median", cr.median, (rand(5),), "odd"),
    OpCase("median", lambda x: cr.median(x, axis=0), (rand(4, 3),), "even, axis 0"),
    OpCase("median", lambda x: cr.median(x, axis=-1, keepdims=True), (rand(2, 3, 3),),
           "axis -1 keepdims"),
    OpCase("nanquantile", lambda x: cr.nanquantile(x, [0.25, 0.9], axis=1),
           (with_nans(rand(3, 5), (0, 1), (2, 0), (2, 4)),), "axis 1"),
    OpCase("nanquantile", lambda x: cr.nanquantile(x, 0.5), (with_nans(rand(3), 1),), "vector"),
    OpCase("nanpercentile", lambda x: cr.nanpercentile(x, 60, method="nearest"),
           (with_nans(rand(6), 3),), "nearest"),
    OpCase("nanmedian", lambda x: cr.nanmedian(x, axis=0), (with_nans(rand(5, 2), (1, 0)),),
           "axis 0"),
    OpCase("nanmedian", cr.nanmedian, (rand(4),), "no NaN"),
]

COVARIANCE_CASES = [
    OpCase("average", cr.average, (rand(3, 4),), "mean", covers=("mean",)),
    OpCase("average", lambda a, w: cr.average(a, axis=1, weights=w),
           (rand(3, 4), rand(4, low=0.5, high=2.0)), "weights along axis",
           covers=("sum", "divide")),
    OpCase("average", lambda a, w: cr.average(a, weights=w, returned=True, keepdims=True)[0],
           (rand(2, 3), rand(2, 3, low=0.5, high=2.0)), "weights of a's shape, keepdims",
           covers=("sum", "divide")),
    OpCase("cov", cr.cov, (rand(3, 5),), "rows", covers=("matmul",)),
    OpCase("cov", lambda m, y: cr.cov(m, y, rowvar=False, bias=True), (rand(5, 2), rand(5)),
           "with y, columns, bias", covers=("matmul",)),
    OpCase("cov", lambda m: cr.cov(m, fweights=[1, 2, 1, 3], aweights=[0.5, 1.0, 2.0, 1.5]),
           (rand(2, 4),), "fweights, aweights", covers=("matmul",)),
    OpCase("cov", cr.cov, (rand(5),), "one variable", covers=("matmul",)),
    OpCase("corrcoef", cr.corrcoef, (rand(3, 6),), "rows", covers=("clip", "sqrt")),
    OpCase("corrcoef", lambda x, y: cr.corrcoef(x, y), (rand(5, seed=1), rand(5, seed=2)),
           "x and y", covers=("clip", "sqrt")),
]

NAN = with_nans(rand(3, 4), (0, 1), (2, 2), (2, 3))

NAN_CASES = [
    OpCase("nansum", cr.nansum, (NAN,), "all", covers=("where", "sum")),
    OpCase("nansum", lambda x: cr.nansum(x, axis=1, keepdims=True), (NAN,), "axis 1 keepdims",
           covers=("where", "sum")),
    OpCase("nanprod", lambda x: cr.nanprod(x, axis=0), (NAN,), "axis 0",
           covers=("where", "prod")),
    OpCase("nanmean", cr.nanmean, (NAN,), "all", covers=("where", "sum", "divide")),
    OpCase("nanmean", lambda x: cr.nanmean(x, axis=-1), (NAN,), "axis -1",
           covers=("where", "sum", "divide")),
    OpCase("nanmean", lambda x: cr.nanmean(x, axis=0), (rand(2, 3),), "no NaN", covers=("mean",)),
    OpCase("nanvar", lambda x: cr.nanvar(x, axis=1, ddof=1), (NAN,), "axis 1 ddof 1",
           covers=("where", "sum", "multiply")),
    OpCase("nanstd", lambda x: cr.nanstd(x, axis=(0, 1), keepdims=True), (NAN,),
           "axes (0, 1) keepdims", covers=("sqrt", "where")),
    OpCase("nanmax", lambda x: cr.nanmax(x, axis=1), (NAN,), "axis 1", covers=("max", "where")),
    OpCase("nanmin", cr.nanmin, (NAN,), "all", covers=("min", "where")),
    OpCase("nancumsum", lambda x: cr.nancumsum(x, axis=1), (NAN,), "axis 1",
           covers=("cumsum", "where")),
    OpCase("nancumprod", cr.nancumprod, (NAN,), "flattened", covers=("cumprod", "where")),
]

CASES = (
    ELEMENTWISE_CASES + DIFFERENCE_CASES + PRODUCT_CASES + QUANTILE_CASES + COVARIANCE_CASES
    + NAN_CASES
)
