"""NumPy calling chainrule: ``np.sin(t)``, ``np.sum(t)``, ``array @ t`` dispatch to chainrule ops.

A NumPy function that chainrule does not differentiate refuses a tensor that requires grad
(a plain array back would silently drop the graph); on other tensors it runs on the values.
"""

from __future__ import annotations

import sys

from chainrule import linalg, ops
from chainrule import scipy as chainrule_scipy
from chainrule.tensor import Tensor
from chainrule.modes import refuse_escape

# NumPy ufunc name -> chainrule name, where they differ.
_UFUNC_ALIASES = {
    "absolute": "abs", "fabs": "abs", "true_divide": "divide", "remainder": "mod",
    "positive": "positive", "conjugate": "positive", "bitwise_not": "logical_not",
}
# NumPy functions that only look at values and give nothing to differentiate.
_VALUE_ONLY = {
    "shape", "ndim", "size", "result_type", "allclose", "isclose", "array_equal",
    "array_equiv", "argmax", "argmin", "argsort", "nonzero", "count_nonzero", "iscomplexobj",
    "isrealobj", "may_share_memory", "shares_memory", "searchsorted", "zeros_like",
    "ones_like", "empty_like", "full_like", "array_repr", "array_str", "copyto", "all", "any",
    "isnan", "isinf", "isfinite", "sign", "signbit", "unique", "histogram", "bincount",
    "digitize", "argwhere", "flatnonzero", "can_cast", "min_scalar_type", "save", "savez",
    "printoptions",
}
_functions = {}


# ufunc methods that are chainrule ops: np.add.reduce is a sum, np.multiply.accumulate a cumprod.
_REDUCE = {"add": "sum", "multiply": "prod", "maximum": "max", "minimum": "min",
           "logaddexp": "logsumexp"}
_ACCUMULATE = {"add": "cumsum", "multiply": "cumprod"}


def array_ufunc(ufunc, method, inputs, kwargs):
    """``Tensor.__array_ufunc__``: route a ufunc call to the chainrule op of that name."""
    if _is_scipy_special(ufunc):
        return _scipy_special_ufunc(ufunc, method, inputs, kwargs)
    op = _lookup(_UFUNC_ALIASES.get(ufunc.__name__, ufunc.__name__))
    if method == "__call__" and op is not None and not kwargs:
        return op(*inputs)
    if method != "__call__":
        routed = _ufunc_method(ufunc.__name__, method, op, inputs, kwargs)
        if routed is not None:
            return routed
    return _values_only(f"numpy.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}"),
                        getattr(ufunc, method), inputs, kwargs,
                        hint="with out=, where= or dtype= arguments" if kwargs else None)


def _ufunc_method(name, method, op, inputs, kwargs):
    # The ufunc methods with a chainrule meaning, with NumPy's defaults (reduce and accumulate
    # run along axis 0); None where there is none (then the values-only path decides).
    if method == "reduce" and name in _REDUCE and set(kwargs) <= {"axis", "keepdims"}:
        return getattr(ops, _REDUCE[name])(*inputs, axis=kwargs.get("axis", 0),
                                           keepdims=kwargs.get("keepdims", False))
    if method == "accumulate" and name in _ACCUMULATE and set(kwargs) <= {"axis"}:
        return getattr(ops, _ACCUMULATE[name])(*inputs, axis=kwargs.get("axis", 0))
    if method == "outer" and op is not None and not kwargs and len(inputs) == 2:
        a, b = inputs
        a_shape = ops.shape.shape_of(a)
        return op(ops.reshape(a, a_shape + (1,) * len(ops.shape.shape_of(b))), b)
    return None


def array_function(func, args, kwargs):
    """``Tensor.__array_function__``: route a NumPy function to chainrule's of the same name."""
    name = _qualified(func)
    if name not in _functions:
        _functions[name] = _lookup(name)
    fn = _functions[name]
    if fn is not None:
        return fn(*args, **kwargs)
    if func.__name__ in _VALUE_ONLY:
        return func(*_unwrap(args), **_unwrap(kwargs))
    return _values_only(f"numpy.{name}", func, args, kwargs)


def _values_only(name, func, args, kwargs, hint=None):
    if _requires_grad(args) or _requires_grad(kwargs):
        raise TypeError(
            f"{name} is not differentiable in chainrule{' ' + hint if hint else ''}, and a "
            "tensor that requires grad was passed to it. Use the chainrule op of the same name "
            "if there is one, declare your own with chainrule.primitive(...), or call it on "
            "x.detach() if no gradient should flow through it"
        )
    _refuse_traced((args, kwargs), name)
    return func(*_unwrap(args), **_unwrap(kwargs))


def _refuse_traced(value, name):
    # Under jit, a NumPy function chainrule does not know would compute on this one call's
    # values and hand back an array the trace cannot follow.
    if isinstance(value, Tensor):
        refuse_escape(value.node, name)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _refuse_traced(v, name)
    elif isinstance(value, dict):
        _refuse_traced(list(value.values()), name)


def _qualified(func):
    module = getattr(func, "__module__", "") or ""
    prefix = "linalg." if module.endswith("linalg") else ""
    return prefix + func.__name__


def _lookup(name):
    # The public ops under NumPy's names: chainrule.ops and chainrule.linalg hold them all.
    namespace, _, name = name.rpartition(".")
    module = {"": ops, "linalg": linalg}.get(namespace)
    if module is None or name not in module.__all__:
        return None
    return getattr(module, name)


def _requires_grad(value):
    if isinstance(value, Tensor):
        return value.requires_grad or bool(value.tangents)
    if isinstance(value, (list, tuple)):
        return any(_requires_grad(v) for v in value)
    if isinstance(value, dict):
        return any(_requires_grad(v) for v in value.values())
    return False


def _unwrap(value):
    if isinstance(value, Tensor):
        return value._data
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value


# The private ufuncs behind SciPy's Python-level functions: scipy.special.zeta(x, q) calls _zeta.
_SCIPY_SPECIAL_ALIASES = {"_zeta": "zeta", "_riemann_zeta": "zeta"}


# Whether a ufunc is scipy.special's, by ufunc, learnt once SciPy's special functions are loaded.
_from_scipy_special = {}


def _is_scipy_special(ufunc):
    # SciPy's special functions are ufuncs too (scipy.special.gammaln); they are told from
    # NumPy's by identity, and only once the caller has imported them.
    known = _from_scipy_special.get(ufunc)
    if known is not None:
        return known
    if "scipy.special" not in sys.modules:
        return False
    name = ufunc.__name__
    known = any(getattr(sys.modules.get(module), name, None) is ufunc
                for module in ("scipy.special", "scipy.special._ufuncs"))
    _from_scipy_special[ufunc] = known
    return known


def _scipy_special_ufunc(ufunc, method, inputs, kwargs):
    # chainrule.scipy.special's function of the same name, or, for one it lacks, SciPy on the
    # values where no gradient is lost, and an error naming the function where one would be.
    special = chainrule_scipy.special
    name = _SCIPY_SPECIAL_ALIASES.get(ufunc.__name__, ufunc.__name__)
    if method == "__call__" and not kwargs and name in special.__all__:
        return getattr(special, name)(*inputs)
    qualified = f"scipy.special.{name}" + ("" if method == "__call__" else f".{method}")
    return _values_only(qualified, getattr(ufunc, method), inputs, kwargs,
                        hint="with out=, where= or dtype= arguments" if kwargs else None)
