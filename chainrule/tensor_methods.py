"""Tensor's operators and NumPy-style methods: each runs an op, a sweep or an in-place update.

They call layers that sit above Tensor (the ops, reverse mode, in-place updates, NumPy
dispatch), so they are set on the class here, once those are loaded, as autograd does for ArrayBox.
"""

from __future__ import annotations

from types import FunctionType

from chainrule import inplace, interop
from chainrule.autodiff import reverse
from chainrule.compiled import core
from chainrule.ops import contraction, cumulative, indexing, joining, reductions, statistics
from chainrule.ops import shape as shape_ops
from chainrule.ops.elementwise import (
    activations, arithmetic, comparison, complex_parts, exponential, hyperbolic, piecewise,
)
from chainrule.primitive import record
from chainrule.tensor import Tensor

# Operators go straight to the recording path: ``self`` is a tensor, so the dispatch that
# ``apply`` does for plain arrays would only cost time. The shared params are never mutated.
_NO_PARAMS: dict = {}


def _operator(prim, name, *, swapped=False, arity=2):
    """The operator method ``name``: ``prim`` recorded on (self, other), on (other, self) when
    ``swapped`` (the reflected operators), or on (self,) for ``arity`` 1. Compiled where the
    core is built (no Python frame per operator; it records as the function below does)."""
    if core is not None:
        return core.OperatorMethod(prim, arity, swapped, name)

    def binary(self, other):
        return record(prim, (other, self) if swapped else (self, other), _NO_PARAMS)

    def unary(self):
        return record(prim, (self,), _NO_PARAMS)

    method = unary if arity == 1 else binary
    method.__name__ = name
    return method


class TensorMethods:
    """The methods of :class:`~chainrule.tensor.Tensor` that run ops; never instantiated."""

    # --- NumPy calling chainrule ---------------------------------------------------------------

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return interop.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return interop.array_function(func, args, kwargs)

    # --- derivatives --------------------------------------------------------------------------

    def backward(self, grad=None, retain_graph=None, create_graph=False):
        """Reverse mode: add d(self)/d(leaf) · grad into ``.grad`` of every leaf that needs it.

        Gradients accumulate across calls (zero them between steps). Without ``grad`` the
        tensor must hold one value. The graph is freed afterwards unless ``retain_graph``
        (which defaults to ``create_graph``); ``create_graph`` records the backward pass
        itself, for higher derivatives.
        """
        reverse.backward(self, grad, retain_graph=retain_graph, create_graph=create_graph)

    # --- arithmetic ---------------------------------------------------------------------------

    __add__ = _operator(arithmetic.add, "__add__")
    __radd__ = _operator(arithmetic.add, "__radd__", swapped=True)
    __sub__ = _operator(arithmetic.subtract, "__sub__")
    __rsub__ = _operator(arithmetic.subtract, "__rsub__", swapped=True)
    __mul__ = _operator(arithmetic.multiply, "__mul__")
    __rmul__ = _operator(arithmetic.multiply, "__rmul__", swapped=True)
    __truediv__ = _operator(arithmetic.divide, "__truediv__")
    __rtruediv__ = _operator(arithmetic.divide, "__rtruediv__", swapped=True)
    __pow__ = _operator(arithmetic.power, "__pow__")
    __rpow__ = _operator(arithmetic.power, "__rpow__", swapped=True)
    __matmul__ = _operator(contraction.matmul, "__matmul__")
    __rmatmul__ = _operator(contraction.matmul, "__rmatmul__", swapped=True)
    __neg__ = _operator(arithmetic.negative, "__neg__", arity=1)

    def __pos__(self):
        return self

    def __abs__(self):
        return arithmetic.abs(self)

    def __floordiv__(self, other):
        return comparison.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return comparison.floor_divide(other, self)

    def __mod__(self, other):
        return arithmetic.mod(self, other)

    def __rmod__(self, other):
        return arithmetic.mod(other, self)

    # --- comparisons (not differentiable; they give boolean tensors) --------------------------

    def __eq__(self, other):
        return comparison.equal(self, other)

    def __ne__(self, other):
        return comparison.not_equal(self, other)

    def __lt__(self, other):
        return comparison.less(self, other)

    def __le__(self, other):
        return comparison.less_equal(self, other)

    def __gt__(self, other):
        return comparison.greater(self, other)

    def __ge__(self, other):
        return comparison.greater_equal(self, other)

    def __invert__(self):
        return comparison.logical_not(self)

    def __and__(self, other):
        return comparison.logical_and(self, other)

    def __or__(self, other):
        return comparison.logical_or(self, other)

    # --- indexing and in-place updates --------------------------------------------------------

    def __getitem__(self, index):
        return indexing.getitem(self, index)

    def __setitem__(self, index, value):
        inplace.setitem(self, index, value)

    def __iadd__(self, other):
        return inplace.update(self, arithmetic.add, other)

    def __isub__(self, other):
        return inplace.update(self, arithmetic.subtract, other)

    def __imul__(self, other):
        return inplace.update(self, arithmetic.multiply, other)

    def __itruediv__(self, other):
        return inplace.update(self, arithmetic.divide, other)

    def __ipow__(self, other):
        return inplace.update(self, arithmetic.power, other)

    # --- NumPy-style methods ------------------------------------------------------------------

    @property
    def T(self):
        return shape_ops.transpose(self)

    @property
    def mT(self):
        return shape_ops.swapaxes(self, -1, -2)

    def sum(self, axis=None, keepdims=False):
        return reductions.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return reductions.mean(self, axis=axis, keepdims=keepdims)

    def prod(self, axis=None, keepdims=False):
        return reductions.prod(self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return reductions.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return reductions.min(self, axis=axis, keepdims=keepdims)

    def var(self, axis=None, ddof=0, keepdims=False):
        return statistics.var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis=None, ddof=0, keepdims=False):
        return statistics.std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def cumsum(self, axis=None):
        return cumulative.cumsum(self, axis=axis)

    def cumprod(self, axis=None):
        return cumulative.cumprod(self, axis=axis)

    def argmax(self, axis=None, keepdims=False):
        return comparison.argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis=None, keepdims=False):
        return comparison.argmin(self, axis=axis, keepdims=keepdims)

    def all(self, axis=None, keepdims=False):
        return comparison.all(self, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims=False):
        return comparison.any(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape_args, **kwargs):
        new_shape = shape_args[0] if len(shape_args) == 1 else shape_args
        return shape_ops.reshape(self, kwargs.pop("shape", new_shape), **kwargs)

    def ravel(self):
        return shape_ops.ravel(self)

    def flatten(self):
        return shape_ops.reshape(self, (-1,))

    def transpose(self, *axes):
        if len(axes) == 1 and (axes[0] is None or not isinstance(axes[0], int)):
            axes = axes[0]
        return shape_ops.transpose(self, axes or None)

    def swapaxes(self, axis1, axis2):
        return shape_ops.swapaxes(self, axis1, axis2)

    def squeeze(self, axis=None):
        return shape_ops.squeeze(self, axis)

    def broadcast_to(self, shape):
        return shape_ops.broadcast_to(self, shape)

    def repeat(self, repeats, axis=None):
        return joining.repeat(self, repeats, axis)

    def take(self, indices, axis=None):
        return indexing.take(self, indices, axis)

    def clip(self, min=None, max=None):  # noqa: A002 -- NumPy's own argument names
        return piecewise.clip(self, min, max)

    def dot(self, other):
        return contraction.dot(self, other)

    def trace(self, offset=0, axis1=0, axis2=1):
        return contraction.trace(self, offset, axis1, axis2)

    def astype(self, dtype):
        return arithmetic.astype(self, dtype)

    def copy(self):
        return arithmetic.copy(self)

    def conj(self):
        return complex_parts.conj(self)

    def conjugate(self):
        return complex_parts.conj(self)

    @property
    def real(self):
        return complex_parts.real(self)

    @property
    def imag(self):
        return complex_parts.imag(self)

    def exp(self):
        return exponential.exp(self)

    def log(self):
        return exponential.log(self)

    def sqrt(self):
        return arithmetic.sqrt(self)

    def abs(self):
        return arithmetic.abs(self)

    def tanh(self):
        return hyperbolic.tanh(self)

    def sigmoid(self):
        return activations.sigmoid(self)

    def relu(self):
        return piecewise.relu(self)


def _install(methods, cls):
    for name, value in vars(methods).items():
        if isinstance(value, FunctionType):
            value.__qualname__ = f"{cls.__name__}.{name}"  # help() and tracebacks name Tensor
        if isinstance(value, (FunctionType, property)) or (
                core is not None and isinstance(value, core.OperatorMethod)):
            setattr(cls, name, value)


_install(TensorMethods, Tensor)
