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
from chainrule.ops.cumulative import cumprod, cumsum
from chainrule.ops.elementwise.exponential import (
    erf, erfc, exp, exp2, expm1, log, log1p, log2, log10, logaddexp,
)
from chainrule.ops.elementwise.hyperbolic import arccosh, arcsinh, arctanh, cosh, sinh, tanh
from chainrule.ops.indexing import flip, take
from chainrule.ops.joining import concatenate, pad, repeat, roll, split, stack, tile
from chainrule.ops.elementwise.piecewise import clip, leaky_relu, maximum, minimum, relu, where
from chainrule.ops.reductions import max, mean, min, prod, sum
from chainrule.ops.shape import (
    broadcast_to, expand_dims, moveaxis, ravel, reshape, squeeze, swapaxes, transpose,
)
from chainrule.ops.statistics import logsumexp, std, var
from chainrule.ops.elementwise.trigonometric import (
    arccos, arcsin, arctan, arctan2, cos, hypot, sin, tan,
)

__all__ = [
    "elu", "gelu", "sigmoid", "softplus", "abs", "add", "astype", "cbrt", "copy", "divide",
    "multiply", "negative", "power", "reciprocal", "sign", "sqrt", "square", "subtract", "all",
    "any", "argmax", "argmin", "ceil", "equal", "floor", "floor_divide", "greater",
    "greater_equal", "isfinite", "isinf", "isnan", "less", "less_equal", "logical_and",
    "logical_not", "logical_or", "logical_xor", "mod", "fmod", "trunc", "not_equal", "round",
    "dot", "einsum",
    "inner", "matmul", "outer", "tensordot", "trace", "vdot", "cumprod", "cumsum", "erf",
    "erfc", "exp", "exp2", "expm1", "log", "log1p", "log2", "log10", "logaddexp", "arccosh",
    "arcsinh", "arctanh", "cosh", "sinh", "tanh", "flip", "roll", "take", "concatenate", "pad",
    "repeat", "split", "stack", "tile", "clip", "leaky_relu", "maximum", "minimum", "relu",
    "where", "max", "mean", "min", "prod", "sum", "broadcast_to", "expand_dims", "moveaxis",
    "ravel", "reshape", "squeeze", "swapaxes", "transpose", "logsumexp", "std", "var", "arccos",
    "arcsin", "arctan", "arctan2", "cos", "hypot", "sin", "tan",
    "real", "imag", "conj", "conjugate", "angle", "real_if_close",
]
