"""NumPy calling chainrule: ``np.sin(t)``, ``np.sum(t)``, ``array @ t`` dispatch to chainrule ops.

Which NumPy function is differentiable, value-only or refused is declared once, in
:mod:`chainrule.numpy_coverage`. A refused one refuses a tensor that requires grad (a plain
array back would silently drop the graph); on other tensors it runs on the values.
"""

from __future__ import annotations

from chainrule import numpy_coverage, ops
from chainrule.modes import refuse_escape
from chainrule.numpy_coverage import (
    DIFFERENTIABLE, STATIC_KINDS, VALUE_ONLY, classify, dispatch_name, refusal,
)
from chainrule.tensor import Tensor

_METHOD_HINT = ("of the ufunc methods chainrule differentiates reduce (add, multiply, maximum, "
                "minimum, logaddexp), accumulate (add, multiply) and outer; for the others use "
                "chainrule's reductions (cr.sum, cr.max), cr.cumsum or broadcasting")
_functions = {}


# ufunc methods that are chainrule ops: np.add.reduce is a sum, np.multiply.accumulate a cumprod.
_REDUCE = {"add": "sum", "multiply": "prod", "maximum": "max", "minimum": "min",
           "logaddexp": "logsumexp"}
_ACCUMULATE = {"add": "cumsum", "multiply": "cumprod"}


def array_ufunc(ufunc, method, inputs, kwargs):
    """``Tensor.__array_ufunc__``: route a ufunc call to the chainrule op of that name."""
    name = ufunc.__name__
    kind, _, op = _classified(name, ufunc)
    if method == "__call__" and not kwargs and kind in (DIFFERENTIABLE, VALUE_ONLY) and op:
        return op(*inputs)
    if method != "__call__":
        routed = _ufunc_method(name, method, op, inputs, kwargs)
        if routed is not None:
            return routed
    if kind == VALUE_ONLY and method != "at" and "out" not in kwargs:
        _refuse_traced((inputs, kwargs), f"numpy.{name}")
        return getattr(ufunc, method)(*_unwrap(inputs), **_unwrap(kwargs))
    label = name if method == "__call__" else f"{name}.{method}"
    hint = _METHOD_HINT if method != "__call__" else (
        "with out=, where= or dtype= arguments" if kwargs else None)
    return _values_only(label, getattr(ufunc, method), inputs, kwargs, hint=hint)


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
    """``Tensor.__array_function__``: route a NumPy function to chainrule's of the same name,
    run a value-only one on the values, and refuse the others a tensor that requires grad."""
    name = dispatch_name(func)
    kind, detail, op = _classified(name, func)
    if op is not None:
        return op(*args, **kwargs)
    if kind == VALUE_ONLY:
        reaching = numpy_coverage.value_arguments(name, func, args, kwargs)
        if _requires_grad(reaching):
            raise TypeError(refusal(name, hint="the values of a tensor passed to it reach its "
                                               "result"))
        if detail not in STATIC_KINDS:
            _refuse_traced((args, kwargs), f"numpy.{name}")
        return func(*_unwrap(args), **_unwrap(kwargs))
    return _values_only(name, func, args, kwargs)


def _classified(name, func):
    # (class, kind or reason, the chainrule op it dispatches to or None), once per function.
    if name not in _functions:
        kind, detail = classify(name, func)
        op = numpy_coverage.resolve(name) if kind in (DIFFERENTIABLE, VALUE_ONLY) else None
        _functions[name] = kind, detail, op
    return _functions[name]


def _values_only(name, func, args, kwargs, hint=None):
    if _requires_grad(args) or _requires_grad(kwargs):
        raise TypeError(refusal(name, hint))
    _refuse_traced((args, kwargs), f"numpy.{name}")
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
