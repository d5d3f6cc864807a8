"""What each NumPy function does to a tensor: differentiable (a chainrule op of its name),
value-only (NumPy's result, which carries no derivative), or refused with a reason.

:mod:`chainrule.interop` dispatches by these lists, and docs/numpy-coverage.md is generated from
them, so the two cannot disagree. Names are NumPy's as dispatch sees them: a ufunc's own name
(``arccos`` for ``np.acos``), ``linalg.`` or ``fft.`` before the functions of those modules.
"""

from __future__ import annotations

import importlib
import inspect

import numpy as np

from chainrule.primitive import Primitive

DIFFERENTIABLE, VALUE_ONLY, REFUSED = "differentiable", "value-only", "refused"

# NumPy names whose chainrule op has another name, or that NumPy spells two ways.
ALIASES = {
    "absolute": "abs", "fabs": "abs", "true_divide": "divide", "remainder": "mod",
    "positive": "copy", "amax": "max", "amin": "min", "around": "round", "rint": "round",
    "fix": "trunc",
}

# Value-only functions, by the kind of result. None of these results depends differentiably on
# a float input: it is a shape or dtype, a boolean, an index or integer, a constant of the
# input's shape, or a side effect (printing, saving, settings).
VALUE_ONLY_KINDS = {
    "shape, dtype or memory": (
        "shape", "ndim", "size", "result_type", "can_cast", "min_scalar_type", "promote_types",
        "common_type", "mintypecode", "iscomplexobj", "isrealobj", "isfortran", "isscalar",
        "iterable", "isdtype", "issubdtype", "typename", "may_share_memory", "shares_memory",
        "broadcast_shapes", "einsum_path", "dtype", "finfo", "iinfo",
    ),
    "boolean": (
        "allclose", "isclose", "array_equal", "array_equiv", "isin", "iscomplex", "isreal",
        "isneginf", "isposinf", "signbit", "isnat", "is_busday",
    ),
    "indices or counts": (
        "argsort", "argpartition", "lexsort", "nonzero", "argwhere", "flatnonzero",
        "count_nonzero", "searchsorted", "digitize", "nanargmax", "nanargmin", "bincount",
        "unravel_index", "ravel_multi_index", "diag_indices", "diag_indices_from",
        "tril_indices", "tril_indices_from", "triu_indices", "triu_indices_from", "mask_indices",
        "indices", "ix_", "ndindex", "busday_count", "busday_offset", "linalg.matrix_rank",
    ),
    "integer and bit arithmetic (NumPy refuses floats itself)": (
        "bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift",
        "bitwise_count", "gcd", "lcm", "packbits", "unpackbits",
    ),
    "piecewise constant (zero derivative, as chainrule's floor and round)": ("spacing",),
    "constant: depends on a shape or a count only": (
        "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like",
        "eye", "identity", "tri", "arange", "bartlett", "blackman", "hamming", "hanning",
        "kaiser", "fft.fftfreq", "fft.rfftfreq",
    ),
    "printing, saving, reading and settings": (
        "array_repr", "array_str", "array2string", "save", "savez", "savez_compressed",
        "savetxt", "load", "loadtxt", "genfromtxt", "fromfile", "fromregex", "fromstring",
        "printoptions", "set_printoptions", "get_printoptions", "seterr", "geterr", "seterrcall",
        "geterrcall", "errstate", "setbufsize", "getbufsize", "get_include", "show_config",
        "show_runtime", "info", "base_repr", "binary_repr", "format_float_positional",
        "format_float_scientific", "datetime_as_string", "datetime_data", "busdaycalendar", "str_",
    ),
}
# Kinds whose result does not depend on the values at all: under jit they may run on a traced
# tensor (its shape and dtype are the same on every call); the others would bake in one value.
STATIC_KINDS = ("shape, dtype or memory", "constant: depends on a shape or a count only")
# Arguments of value-only functions whose values do reach the result (a fill value, weights, a
# sample spacing): a tensor there that requires grad is refused, as a derivative would be lost.
VALUE_ARGUMENTS = {
    "full": ("fill_value",), "full_like": ("fill_value",), "bincount": ("weights",),
    "arange": ("start_or_stop", "stop", "step"), "kaiser": ("beta",), "fft.fftfreq": ("d",),
    "fft.rfftfreq": ("d",),
}

# The kind of a function that dispatches to one of chainrule's ops declared nondifferentiable.
_NO_DERIVATIVE_OP = "a chainrule op that carries no derivative (comparisons, rounding, arg-max)"
_NO_OP = "differentiable in principle, but chainrule has no op for it yet"
_FIX_COMPOSE = "compose it from chainrule ops"
# Refused functions, by reason: each reason with the fix that the error message suggests. A name
# that gains a chainrule op of its name is differentiable from then on (the op comes first):
# delete it here then.
REFUSED_REASONS = {
    (_NO_OP, _FIX_COMPOSE): (
        "append", "array_split", "atleast_1d", "atleast_2d", "atleast_3d", "average", "block",
        "broadcast_arrays", "column_stack", "convolve", "corrcoef", "correlate", "cov", "cross",
        "cumulative_prod", "cumulative_sum", "delete", "diag", "diagflat", "diagonal", "diff",
        "dsplit", "dstack", "ediff1d", "fliplr", "flipud", "gradient", "hsplit", "hstack", "i0",
        "insert", "interp", "kron", "matrix_transpose", "meshgrid", "nan_to_num", "nancumprod",
        "nancumsum", "nanmax", "nanmean", "nanmin", "nanprod", "nanstd", "nansum", "nanvar",
        "ptp", "resize", "rollaxis", "rot90", "row_stack", "sinc", "trapezoid", "tril", "triu",
        "unstack", "unwrap", "vander", "vsplit", "vstack", "take_along_axis", "select",
        "choose", "compress", "extract", "median", "nanmedian", "percentile", "nanpercentile",
        "quantile", "nanquantile", "sort", "partition", "trim_zeros", "copysign", "deg2rad",
        "degrees", "rad2deg", "radians", "float_power", "fmax", "fmin", "logaddexp2",
        "heaviside", "frexp", "ldexp", "modf", "nextafter", "divmod", "matvec", "vecmat",
        "vecdot", "linspace", "logspace", "geomspace", "poly", "polyadd", "polyder", "polydiv",
        "polyfit", "polyint", "polymul", "polysub", "polyval", "roots", "histogram",
        "histogram2d", "histogramdd", "histogram_bin_edges", "unique", "unique_all",
        "unique_counts", "unique_inverse", "unique_values", "intersect1d", "union1d",
        "setdiff1d", "setxor1d", "linalg.eig", "linalg.eigvals", "fft.fftshift", "fft.ifftshift",
    ),
    ("complex-valued; chainrule differentiates real arrays only", "use real arithmetic"): (
        "angle", "real", "imag", "conjugate", "real_if_close", "sort_complex", "fft.fft",
        "fft.fft2", "fft.fftn", "fft.hfft", "fft.ifft", "fft.ifft2", "fft.ifftn", "fft.ihfft",
        "fft.irfft", "fft.irfft2", "fft.irfftn", "fft.rfft", "fft.rfft2", "fft.rfftn",
    ),
    ("turns a tensor into a NumPy array, matrix or scalar",
     "build arrays of tensors with cr.stack or cr.concatenate, change a dtype with x.astype"): (
        "array", "asarray", "asanyarray", "ascontiguousarray", "asfortranarray",
        "asarray_chkfinite", "asmatrix", "bmat", "require", "from_dlpack", "frombuffer",
        "fromiter", "ndarray", "matrix", "memmap", "recarray", "record", "poly1d", "broadcast",
        "nditer", "nested_iters", "ndenumerate", "flatiter",
    ),
    ("calls a Python function on NumPy values", "call the function on the tensor itself"): (
        "vectorize", "frompyfunc", "ufunc", "apply_along_axis", "apply_over_axes", "piecewise",
        "fromfunction",
    ),
    ("writes into a NumPy array in place", "use cr.where, or index assignment on a tensor"): (
        "copyto", "place", "put", "putmask", "put_along_axis", "fill_diagonal",
    ),
}
# A NumPy scalar type (np.float64, np.int32, np.generic, ...) converts like np.array.
_SCALAR_TYPE_REASON = next(r for r, names in REFUSED_REASONS.items() if "array" in names)

VALUE_ONLY_KIND = {name: kind for kind, names in VALUE_ONLY_KINDS.items() for name in names}
REFUSAL = {name: reason for reason, names in REFUSED_REASONS.items() for name in names}


def public_callables():
    """``(name, object)`` of every public callable of ``np``, ``np.linalg`` and ``np.fft``:
    functions, ufuncs and classes (dtype and scalar types convert), by the name under which
    the module exports them (``linalg.det``); not modules, exceptions and warnings, nor the
    test runner ``np.test``.

    Example:
        >>> dict(public_callables())["linalg.det"] is np.linalg.det
        True
    """
    found = []
    for prefix, module in (("", np), ("linalg.", np.linalg), ("fft.", np.fft)):
        for attribute in dir(module):
            obj = getattr(module, attribute)
            if attribute.startswith("_") or not callable(obj) or attribute == "test":
                continue
            if isinstance(obj, type) and issubclass(obj, (BaseException, Warning)):
                continue
            found.append((prefix + attribute, obj))
    return found


def dispatch_name(func):
    """The name NumPy's dispatch gives ``func``: ``linalg.`` or ``fft.`` before the functions
    of those modules; a ufunc's or a class's own name.

    Example:
        >>> dispatch_name(np.linalg.det), dispatch_name(np.acos)
        ('linalg.det', 'arccos')
    """
    if isinstance(func, np.ufunc):
        return func.__name__
    module = getattr(func, "__module__", "") or ""
    prefix = next((f"{sub}." for sub in ("linalg", "fft") if module.endswith(sub)), "")
    return prefix + func.__name__


def resolve(name):
    """The chainrule op that ``numpy.<name>`` dispatches to, or None.

    Example:
        >>> resolve("absolute").__name__, resolve("linalg.det").__name__, resolve("unwrap")
        ('abs', 'det', None)
    """
    namespace, _, name = name.rpartition(".")
    module = _namespace(namespace)
    name = ALIASES.get(name, name) if not namespace else name
    if module is None or name not in getattr(module, "__all__", ()):
        return None
    return getattr(module, name)


def classify(name, func=None):
    """``(class, detail)`` of ``numpy.<name>``: differentiable and the chainrule op, value-only
    and the kind of result, refused and the reason, or ``(None, None)`` when unclassified.
    ``func`` (the NumPy object) lets every NumPy scalar type count as a conversion.

    Example:
        >>> classify("sin")[0], classify("argsort"), classify("copyto")[0]
        ('differentiable', ('value-only', 'indices or counts'), 'refused')
    """
    op = resolve(name)
    if op is not None:
        if isinstance(op, Primitive) and not op.differentiable:
            return VALUE_ONLY, _NO_DERIVATIVE_OP
        if name in VALUE_ONLY_KIND:
            return VALUE_ONLY, VALUE_ONLY_KIND[name]
        return DIFFERENTIABLE, op
    if name in VALUE_ONLY_KIND:
        return VALUE_ONLY, VALUE_ONLY_KIND[name]
    if name in REFUSAL:
        return REFUSED, REFUSAL[name][0]
    if isinstance(func, type) and issubclass(func, np.generic):
        return REFUSED, _SCALAR_TYPE_REASON[0]
    return None, None


def value_arguments(name, func, args, kwargs):
    """The arguments of value-only ``func`` whose values reach its result (see VALUE_ARGUMENTS)."""
    names = VALUE_ARGUMENTS.get(name)
    if not names:
        return []
    bound = inspect.signature(func).bind_partial(*args, **kwargs).arguments
    return [bound[n] for n in names if n in bound]


def refusal(name, hint=None):
    """The message of the TypeError raised when a tensor that requires grad reaches the refused
    (or unclassified) NumPy function ``name``: the function, why, and what to do instead.

    Example:
        >>> print(refusal("copyto"))  # doctest: +ELLIPSIS
        numpy.copyto is not differentiable in chainrule (writes into a NumPy array in place)...
    """
    reason, fix = REFUSAL.get(name, (None, _FIX_COMPOSE))
    why = "; ".join(part for part in (reason, hint) if part)
    return (
        f"numpy.{name} is not differentiable in chainrule{f' ({why})' if why else ''}, and a "
        f"tensor that requires grad was passed to it. Use the chainrule op of that name if there "
        f"is one, {fix}, declare your own with chainrule.primitive(...), or pass x.detach() if "
        "no gradient should flow through it (docs/numpy-coverage.md lists every function)"
    )


def _namespace(prefix):
    # chainrule.fft joins the table as soon as it exists; until then fft functions resolve to
    # nothing. import_module returns the module already loaded, so this costs a dict lookup.
    module = {"": "chainrule.ops", "linalg": "chainrule.linalg", "fft": "chainrule.fft"}.get(prefix)
    try:
        return importlib.import_module(module) if module else None
    except ModuleNotFoundError as error:
        if error.name != module:  # the module is there, but something it imports is not
            raise
        return None


__all__ = [
    "DIFFERENTIABLE", "VALUE_ONLY", "REFUSED", "ALIASES", "VALUE_ONLY_KINDS", "STATIC_KINDS",
    "VALUE_ARGUMENTS",
    "REFUSED_REASONS", "VALUE_ONLY_KIND", "REFUSAL", "public_callables", "dispatch_name",
    "resolve", "classify", "value_arguments", "refusal",
]
