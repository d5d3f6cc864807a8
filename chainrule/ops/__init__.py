"""Primitive ops, one family per module. Each op is declared once: forward, VJPs, JVPs, formula.

This package holds every public op under NumPy's name: chainrule re-exports them, and NumPy's
dispatch (``np.sin(tensor)``, see :mod:`chainrule.interop`) finds them here.
"""

from chainrule.ops.elementwise.activations import elu, gelu, sigmoid, softplus
from chainrule.ops.elementwise.arithmetic import (
    abs, add, astype, cbrt, copy, divide, fmod, mod, multiply, negative, power, reciprocal, sign,
    sqrt, square, subtract,
)
from chainrule.ops.elementwise.complex_parts import (
    angle, conj, conjugate, imag, real, real_if_close,
)
from chainrule.ops.elementwise.comparison import (
    all, any, argmax, argmin, ceil, equal, floor, floor_divide, greater, greater_equal, isfinite,
    isinf, isnan, less, less_equal, logical_and, logical_not, logical_or, logical_xor,
    not_equal, round, trunc,
)
from chainrule.ops.contraction import dot, einsum, inner, matmul, outer, tensordot, trace, vdot
from chainrule.ops.creation import (
    array, asanyarray, asarray, ascontiguousarray, reading_lists,
)
from chainrule.ops.cumulative import cumprod, cumsum
from chainrule.ops.elementwise.exponential import (
    erf, erfc, exp, exp2, expm1, log, log1p, log2, log10, logaddexp, logaddexp2,
)
from chainrule.ops.elementwise.hyperbolic import arccosh, arcsinh, arctanh, cosh, sinh, tanh
from chainrule.ops.indexing import flip, take
from chainrule.ops.interpolation import interp
from chainrule.ops.joining import concatenate, pad, repeat, roll, split, stack, tile
from chainrule.ops.elementwise.piecewise import (
    clip, fmax, fmin, leaky_relu, maximum, minimum, relu,
)
from chainrule.ops.reductions import max, mean, min, prod, sum
from chainrule.ops.shape import (
    broadcast_to, expand_dims, moveaxis, ravel, reshape, squeeze, swapaxes, transpose,
)
from chainrule.ops.statistics import logsumexp, std, var
from chainrule.ops.elementwise.angles import deg2rad, degrees, rad2deg, radians
from chainrule.ops.covariance import average, corrcoef, cov
from chainrule.ops.differences import diff, gradient
from chainrule.ops.nanfunctions import (
    nan_to_num, nancumprod, nancumsum, nanmax, nanmean, nanmin, nanprod, nanstd, nansum, nanvar,
)
from chainrule.ops.products import cross, kron
from chainrule.ops.quantiles import (
    median, nanmedian, nanpercentile, nanquantile, percentile, quantile,
)
from chainrule.ops.elementwise.trigonometric import (
    arccos, arcsin, arctan, arctan2, cos, hypot, sin, sinc, tan,
)
from chainrule.ops.arrays.orientation import fliplr, flipud, rollaxis, rot90
from chainrule.ops.arrays.ranges import linspace
from chainrule.ops.arrays.selection import select, where
from chainrule.ops.arrays.sorting import partition, sort
from chainrule.ops.arrays.stacking import (
    append, array_split, atleast_1d, atleast_2d, atleast_3d, column_stack, dsplit, dstack, hsplit,
    hstack, row_stack, vsplit, vstack,
)
from chainrule.ops.arrays.triangular import diag, diagflat, diagonal, tril, triu

__all__ = [
    "elu", "gelu", "sigmoid", "softplus", "abs", "add", "astype", "cbrt", "copy", "divide",
    "multiply", "negative", "power", "reciprocal", "sign", "sqrt", "square", "subtract", "all",
    "any", "argmax", "argmin", "ceil", "equal", "floor", "floor_divide", "greater",
    "greater_equal", "isfinite", "isinf", "isnan", "less", "less_equal", "logical_and",
    "logical_not", "logical_or", "logical_xor", "mod", "fmod", "trunc", "not_equal", "round",
    "dot", "einsum", "array", "asarray", "asanyarray", "ascontiguousarray",
    "inner", "matmul", "outer", "tensordot", "trace", "vdot", "cumprod", "cumsum", "erf",
    "erfc", "exp", "exp2", "expm1", "log", "log1p", "log2", "log10", "logaddexp", "arccosh",
    "arcsinh", "arctanh", "cosh", "sinh", "tanh", "flip", "roll", "take", "concatenate", "pad",
    "repeat", "split", "stack", "tile", "clip", "leaky_relu", "maximum", "minimum", "relu",
    "where", "max", "mean", "min", "prod", "sum", "broadcast_to", "expand_dims", "moveaxis",
    "ravel", "reshape", "squeeze", "swapaxes", "transpose", "logsumexp", "std", "var", "arccos",
    "arcsin", "arctan", "arctan2", "cos", "hypot", "sin", "tan",
    # array manipulation
    "tril", "triu", "diag", "diagonal", "diagflat", "vstack", "hstack", "dstack",
    "column_stack", "row_stack", "array_split", "vsplit", "hsplit", "dsplit", "append", "sort",
    "partition", "atleast_1d", "atleast_2d", "atleast_3d", "rollaxis", "flipud", "fliplr",
    "rot90", "select", "linspace",
    "deg2rad", "rad2deg", "degrees", "radians", "sinc", "fmax", "fmin", "logaddexp2",
    "nan_to_num", "diff", "gradient", "kron", "cross", "median", "percentile", "quantile",
    "average", "cov", "corrcoef", "nansum", "nanmean", "nanprod", "nanmax", "nanmin", "nanstd",
    "nanvar", "nanmedian", "nanpercentile", "nanquantile", "nancumsum", "nancumprod", "interp",
    "real", "imag", "conj", "conjugate", "angle", "real_if_close",
]

# A list of tensors given where an op takes one array means the array NumPy would make of it
# (cr.mean([x, y]) as np.mean([1.0, 2.0])). Primitives read such lists themselves; the ops
# composed in Python read them first. The ops whose argument is a sequence of arrays (of any
# shapes) keep their lists.
_TAKES_SEQUENCES = {"concatenate", "stack", "einsum", "array", "asarray", "asanyarray",
                    "ascontiguousarray", "vstack", "hstack", "dstack", "column_stack",
                    "row_stack", "select", "atleast_1d", "atleast_2d", "atleast_3d"}
globals().update(reading_lists(globals(), __all__, _TAKES_SEQUENCES))
