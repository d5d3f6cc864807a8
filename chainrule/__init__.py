"""chainrule: automatic differentiation for NumPy that shows its work.

Ops carry NumPy's names, transforms JAX's, and ``chainrule.nn`` PyTorch's. Importing chainrule
imports the engine, the ops and the transforms; ``chainrule.nn`` loads on first use.

Example:
    >>> import chainrule as cr
    >>> x = cr.tensor(0.5, requires_grad=True)
    >>> y = cr.sin(cr.cos(x))
    >>> y.backward()
    >>> print(f"{x.grad.item():.6f}")  # −cos(cos x)·sin x
    -0.306359
"""

import importlib

from chainrule import fft, linalg
from chainrule import tensor_methods  # noqa: F401  (sets Tensor's operators and methods)
from chainrule._version import __version__
from chainrule.modes import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from chainrule.ops import (
    abs, add, all, any, arccos, array, asanyarray, asarray, ascontiguousarray, arccosh, arcsin,
    arcsinh, arctan, arctan2, arctanh, argmax,
    argmin, astype, broadcast_to, cbrt, ceil, clip, concatenate, copy, cos, cosh, cumprod,
    cumsum, divide, dot, einsum, elu, equal, erf, erfc, exp, exp2, expand_dims, expm1, flip,
    floor, floor_divide, fmod, gelu, greater, greater_equal, hypot, inner, isfinite, isinf, isnan,
    leaky_relu, less, less_equal, log, log10, log1p, log2, logaddexp, logical_and, logical_not,
    logical_or, logical_xor, logsumexp, matmul, max, maximum, mean, min, minimum, mod, moveaxis,
    multiply, negative, not_equal, outer, pad, power, prod, ravel, reciprocal, relu, repeat,
    reshape, roll, round, sigmoid, sign, sin, sinh, softplus, split, sqrt, square, squeeze,
    stack, std, subtract, sum, swapaxes, take, tan, tanh, tensordot, tile, trace, transpose,
    trunc, var, vdot, where,
)
from chainrule.ops import (  # array manipulation
    append, array_split, atleast_1d, atleast_2d, atleast_3d, column_stack, diag, diagflat,
    diagonal, dsplit, dstack, fliplr, flipud, hsplit, hstack, linspace, partition, rollaxis,
    rot90, row_stack, select, sort, tril, triu, vsplit, vstack,
)
from chainrule.ops import (  # NumPy's math and statistics functions
    average, corrcoef, cov, cross, deg2rad, degrees, diff, fmax, fmin, gradient, kron,
    logaddexp2, median, nan_to_num, nancumprod, nancumsum, nanmax, nanmean, nanmedian, nanmin,
    nanpercentile, nanprod, nanquantile, nanstd, nansum, nanvar, percentile, quantile, rad2deg,
    radians, sinc, interp,
)
from chainrule.ops import angle, conj, conjugate, imag, real, real_if_close
from chainrule.primitive import Primitive, primitive
from chainrule.random import manual_seed
from chainrule.backends import BackendError, MixedBackendsError, backend_of, to_numpy
from chainrule.copies import to_namespace
from chainrule.tensor import Tensor, is_tensor, tensor
from chainrule.testing import gradcheck
# Eager, not lazy: the package chainrule.jit would otherwise shadow the function cr.jit.
from chainrule.jit import TraceError, jit  # isort: skip
from chainrule.transforms import (
    custom_jvp, custom_vjp, grad, hessian, hvp, jacfwd, jacobian, jacrev, jvp, value_and_grad,
    vjp,
)
from chainrule import flatten_util, tree  # trees of values and flat vectors, for users

_LAZY_SUBMODULES = ("nn", "optim", "data", "train", "checkpoint")
# Functions of the layers above the core, by name: (module, attribute).
_LAZY_FUNCTIONS = {
    "explain": ("chainrule.explanation", "explain"),
    "check_derivative": ("chainrule.explanation", "check_derivative"),
    "detect_anomaly": ("chainrule.explanation", "detect_anomaly"),
    "AnomalyError": ("chainrule.explanation", "AnomalyError"),
    "draw_graph": ("chainrule.explanation", "draw_graph"),
    "plot_derivative": ("chainrule.explanation", "plot_derivative"),
}


def __getattr__(name):
    # The learning stack and the explanations sit above the core (core → transforms → nn,
    # optim, data, explanation): they load when first used, so importing the engine never
    # pulls them in.
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"chainrule.{name}")
    if name in _LAZY_FUNCTIONS:
        module, attribute = _LAZY_FUNCTIONS[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'chainrule' has no attribute {name!r}")


__all__ = [
    # tensors and recording
    "Tensor", "tensor", "is_tensor", "array", "asarray", "asanyarray", "ascontiguousarray",
    "no_grad", "enable_grad", "set_grad_enabled",
    "is_grad_enabled",
    # transforms and checking
    "grad", "value_and_grad", "vjp", "jvp", "jacobian", "jacrev", "jacfwd", "hessian", "hvp",
    "jit", "TraceError", "gradcheck", "primitive", "Primitive", "manual_seed",
    "custom_vjp", "custom_jvp", "tree", "flatten_util",
    # array backends
    "backend_of", "to_numpy", "to_namespace", "BackendError", "MixedBackendsError",
    # elementwise
    "add", "subtract", "multiply", "divide", "negative", "power", "reciprocal", "square", "sqrt",
    "cbrt", "abs", "sign", "copy", "astype", "mod", "fmod", "exp", "exp2", "expm1", "log",
    "log2", "log10", "log1p", "logaddexp", "erf", "erfc", "sin", "cos", "tan", "arcsin",
    "arccos", "arctan", "arctan2", "hypot", "sinh", "cosh", "tanh", "arcsinh", "arccosh",
    "arctanh", "where", "maximum", "minimum", "clip", "relu", "leaky_relu", "sigmoid", "elu",
    "gelu", "softplus",
    # complex numbers
    "real", "imag", "conj", "conjugate", "angle", "real_if_close",
    # reductions
    "sum", "mean", "prod", "max", "min", "var", "std", "logsumexp", "cumsum", "cumprod",
    # linear algebra
    "matmul", "dot", "vdot", "inner", "outer", "tensordot", "einsum", "trace", "linalg", "fft",
    # shape
    "reshape", "ravel", "transpose", "swapaxes", "moveaxis", "squeeze", "expand_dims",
    "broadcast_to", "concatenate", "stack", "split", "flip", "roll", "tile", "repeat", "pad",
    "take",
    # array manipulation
    "tril", "triu", "diag", "diagonal", "diagflat", "vstack", "hstack", "dstack",
    "column_stack", "row_stack", "array_split", "vsplit", "hsplit", "dsplit", "append", "sort",
    "partition", "atleast_1d", "atleast_2d", "atleast_3d", "rollaxis", "flipud", "fliplr",
    "rot90", "select", "linspace",
    # not differentiable
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_not",
    "logical_and", "logical_or", "logical_xor", "isnan", "isinf", "isfinite", "floor", "ceil",
    "round", "trunc", "floor_divide", "argmax", "argmin", "all", "any",
    # math and statistics
    "deg2rad", "rad2deg", "degrees", "radians", "sinc", "fmax", "fmin", "logaddexp2",
    "nan_to_num", "diff", "gradient", "kron", "cross", "median", "percentile", "quantile",
    "average", "cov", "corrcoef", "nansum", "nanmean", "nanprod", "nanmax", "nanmin", "nanstd",
    "nanvar", "nanmedian", "nanpercentile", "nanquantile", "nancumsum", "nancumprod", "interp",
    "nn", "optim", "data", "train", "checkpoint", "__version__",
]
