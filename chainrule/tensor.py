"""Tensor: one array plus the node that made it; its operators are set in tensor_methods.py.

The array is whatever NumPy returned (an ndarray, or a NumPy scalar for 0-d results, which is
what keeps scalar graphs fast). ``node`` is None for constants, a LeafNode for leaves that
require grad, and the recording node for everything computed from them (while jit traces, a
ValueNode for traced values that carry no derivative).
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import ForeignArray, hold, is_foreign_array
from chainrule.conversions import refuse_to_array, refuse_to_number
from chainrule.graph import LeafNode
from chainrule.modes import (
    detached_node, is_traced, refuse_escape, refuse_in_trace, running_trace,
)

_new = object.__new__


class Tensor:
    """An array that remembers how it was computed, so that derivatives can flow back to it.

    Create one with :func:`chainrule.tensor`. Arithmetic, comparisons, indexing and NumPy
    functions work as on arrays; operations on tensors that require grad are recorded. Those
    methods run ops and sweeps, which sit above this module: :mod:`chainrule.tensor_methods`
    sets them on the class.

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> y = (x * x).sum()
        >>> y.backward()
        >>> x.grad
        tensor([2., 4., 6.])
    """

    # _rebinds counts the recorded in-place writes that gave this object a new array; a view
    # (_base) keeps the count it saw (_seen_rebinds). _written_as is set while the object no
    # longer holds its value (see chainrule.inplace).
    __slots__ = ("_data", "node", "grad", "tangents", "_version", "_base", "_rebinds",
                 "_seen_rebinds", "_written_as", "__weakref__")

    # NumPy gives our __array_ufunc__ precedence over ndarray's binary operators.
    __array_priority__ = 1000

    def __init__(self, data, requires_grad=False, dtype=None):
        if isinstance(data, Tensor) and is_traced(data.node):
            # Under jit, a tensor made from a traced one is a step of the trace, not a constant.
            made = running_trace().copy(data, dtype)
            array, node = made._data, made.node
        else:
            array, node = _as_array(data, dtype, copy=True), None
        self._data = array
        self.node = node
        self.grad = None
        self.tangents = None
        self._version = 0
        self._base = None
        self._rebinds = 0
        self._written_as = None
        if requires_grad:
            self.requires_grad = True

    # --- what it is ---------------------------------------------------------------------------

    @property
    def shape(self):
        return self._data.shape

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def size(self):
        return self._data.size

    @property
    def data(self):
        """A tensor sharing this one's memory, detached from the graph (as in PyTorch)."""
        return self.detach()

    @property
    def requires_grad(self):
        return self.node is not None and self.node.carries_derivative

    @requires_grad.setter
    def requires_grad(self, flag):
        if bool(flag) == self.requires_grad:
            return
        if not self.is_leaf:
            raise RuntimeError(
                "requires_grad can only be changed on leaf tensors; this one was computed by "
                f"'{self.node.prim.name}'. Use .detach() to get a leaf."
            )
        if flag:
            check_differentiable_dtype(self._data.dtype, "requires_grad=True")
            if is_traced(self.node):
                refuse_in_trace(
                    "requires_grad on a traced value: its gradient would land in .grad, which "
                    "a replay cannot fill; take derivatives with cr.grad or cr.value_and_grad "
                    "inside the jitted function"
                )
            self.node = LeafNode(self)
        else:
            self.node = None

    def requires_grad_(self, flag=True):
        """Set ``requires_grad`` in place and return self (PyTorch style)."""
        self.requires_grad = flag
        return self

    @property
    def is_leaf(self):
        return not self.requires_grad or self.node.prim is None

    @property
    def op(self):
        """Name of the primitive that made this tensor, or None for a leaf."""
        return None if self.is_leaf else self.node.prim.name

    # --- leaving the graph --------------------------------------------------------------------

    def detach(self):
        """The same values (shared memory) as a tensor that requires no grad."""
        out = wrap(self._data, detached_node(self.node))
        out._base = self._base if self._base is not None else self
        out._seen_rebinds = out._base._rebinds
        return out

    def numpy(self):
        """The underlying NumPy array (shared memory; a 0-d tensor gives a 0-d array).

        A tensor of another array library (Dask, CuPy, ...) has none: copy it to the host
        explicitly with :func:`chainrule.to_numpy`, or take its own array with ``.array``.
        """
        refuse_escape(self.node, ".numpy()")
        if isinstance(self._data, ForeignArray):
            raise TypeError(
                f".numpy() of a tensor holding a {self._data.backend} array would copy it to "
                "the host silently; copy it explicitly with chainrule.to_numpy(t), or take its "
                f"own {self._data.backend} array with t.array"
            )
        return np.asarray(self._data)

    @property
    def array(self):
        """The array this tensor holds, in its own library (an ndarray, a Dask array, ...)."""
        data = self._data
        return data.array if isinstance(data, ForeignArray) else data

    def item(self):
        """The single value as a Python number."""
        refuse_escape(self.node, ".item()")
        refuse_to_number(self, ".item()")
        return self._data.item()

    def tolist(self):
        """The values as nested Python lists of numbers (NumPy's ``tolist``)."""
        refuse_escape(self.node, ".tolist()")
        refuse_to_number(self, ".tolist()")
        return self._data.tolist()

    def __array__(self, dtype=None, copy=None):
        refuse_to_array(self)
        refuse_escape(self.node, "a NumPy array (np.asarray)")
        array = np.asarray(self._data, dtype=dtype)
        return array.copy() if copy else array

    # --- derivatives --------------------------------------------------------------------------

    def zero_grad(self):
        self.grad = None

    # --- printing -----------------------------------------------------------------------------

    def __repr__(self):
        if isinstance(self._data, ForeignArray):
            # Printed without computing: a Dask array's values are not at hand.
            extras = ["requires_grad=True"] if self.requires_grad and self.is_leaf else []
            if self.requires_grad and not self.is_leaf:
                extras.append(f"op={self.node.prim.name}")
            return "tensor(" + ", ".join([repr(self._data.array), *extras]) + ")"
        array = np.asarray(self._data)
        body = np.array2string(array, separator=", ", prefix="tensor(")
        extras = []
        if array.dtype.type not in _DEFAULT_DTYPES or array.size == 0:
            extras.append(f"dtype={array.dtype}")
        if self.requires_grad:
            extras.append("requires_grad=True" if self.is_leaf else f"op={self.node.prim.name}")
        return "tensor(" + ", ".join([body, *extras]) + ")"

    def __str__(self):
        if isinstance(self._data, ForeignArray):
            return str(self._data.array)
        return np.array2string(np.asarray(self._data))

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return format(str(self), spec)

    # --- Python protocol ----------------------------------------------------------------------

    __hash__ = object.__hash__

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        for i in range(self._data.shape[0]):
            yield self[i]

    def __bool__(self):
        refuse_escape(self.node, "bool() (an if or while on a tensor)")
        return bool(self._data)

    def __float__(self):
        refuse_escape(self.node, "float()")
        refuse_to_number(self, "float()")
        return float(self._data)

    def __int__(self):
        refuse_escape(self.node, "int()")
        refuse_to_number(self, "int()")
        return int(self._data)

    def __complex__(self):
        refuse_escape(self.node, "complex()")
        refuse_to_number(self, "complex()")
        return complex(self._data)

    def __index__(self):
        if self._data.dtype.kind not in "iu":
            raise TypeError(f"only integer tensors can be used as an index, not {self.dtype}")
        refuse_escape(self.node, "an index")
        return int(self._data)

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        out = Tensor(self._data.copy(), requires_grad=self.requires_grad and self.is_leaf)
        memo[id(self)] = out
        return out


_DEFAULT_DTYPES = (np.float64, np.int64, np.bool_, np.complex128)


def wrap(data, node=None):
    """Make a Tensor around an array the engine produced (no copy, no checks)."""
    t = _new(Tensor)
    t._data = data
    t.node = node
    t.grad = None
    t.tangents = None
    t._version = 0
    t._base = None
    t._rebinds = 0
    t._written_as = None
    return t


def view_of(out, x):
    """Mark ``out`` as sharing ``x``'s memory when NumPy returned a view (basic indexing,
    reshape, transpose), so that an in-place write through either is seen by both."""
    if isinstance(out, Tensor) and isinstance(x, Tensor) and isinstance(out._data, np.ndarray):
        data = out._data.base
        if data is not None and (data is x._data or data is getattr(x._data, "base", None)):
            out._base = x._base if x._base is not None else x
            out._seen_rebinds = out._base._rebinds
    return out


class _StaleWatch:
    """Whether any tensor can be stale yet: none can before the first recorded in-place write
    that rebinds a tensor or writes through a view, so until then the per-op check is skipped."""

    __slots__ = ("possible",)

    def __init__(self):
        self.possible = False


stale_watch = _StaleWatch()


def is_stale(t):
    """Whether ``t`` no longer holds the value NumPy's semantics give it: a view of a tensor
    written in place since (while recorded), or a tensor written through a view or rebound by
    ``+=`` while an alias still refers to it."""
    base = t._base
    return t._written_as is not None or (base is not None and base._rebinds != t._seen_rebinds)


def refuse_stale(t):
    """Raise the error for a stale tensor (see :func:`is_stale`)."""
    raise RuntimeError(
        "this tensor no longer holds its value: it is a view (a slice, transpose or reshape) or "
        "an alias of a tensor that was written in place while derivatives were recorded, or it "
        "was itself written through a view, and recorded writes give the written tensor a new "
        "array rather than changing shared memory. Write into the tensor itself and take views "
        "after the write (A[1:] = A[1:] * 2 rather than v = A[1:]; v *= 2), or use out-of-place "
        "ops (y = y + 1)"
    )


def is_tensor(x):
    """Whether ``x`` is a chainrule Tensor."""
    return isinstance(x, Tensor)


def value_of(x):
    """The array inside a tensor; any other value as it is. What a rule reads to compute a
    mask or a branch with NumPy (the result is a constant, never differentiated). The formula
    terms that rules run on to write their formulas carry numbers too, read the same way."""
    return getattr(x, "_data", x)


def check_differentiable_dtype(dtype, what):
    if np.dtype(dtype).kind not in "fc":
        raise TypeError(
            f"only floating-point tensors can require grad, but {what} was asked of a tensor of "
            f"dtype {np.dtype(dtype)}; create it with dtype=float (e.g. cr.tensor(x, "
            "dtype='float64')) or write the numbers as floats (1.0, not 1)"
        )


def _as_array(data, dtype, copy):
    if isinstance(data, Tensor):
        return _as_array(data._data, dtype, copy)
    if type(data) is not np.ndarray and (
            isinstance(data, ForeignArray) or is_foreign_array(data)):
        return _as_foreign(data, dtype, copy)
    try:
        array = np.array(data, dtype=dtype, copy=copy)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"cannot make a tensor from {type(data).__name__}: {exc}") from exc
    if array.dtype.kind not in "biufc":
        raise TypeError(
            f"cannot make a tensor of dtype {array.dtype} from {type(data).__name__}; "
            "tensors hold numbers (bool, int, float or complex)"
        )
    # NumPy scalars compute several times faster than 0-d arrays.
    return array[()] if array.ndim == 0 else array


def _as_foreign(data, dtype, copy):
    # Another library's array stays in it: a copy there, never a trip through NumPy.
    array = data if isinstance(data, ForeignArray) else hold(data)
    if array.dtype.kind not in "biufc":
        raise TypeError(f"cannot make a tensor of dtype {array.dtype}; tensors hold numbers")
    if dtype is not None and np.dtype(dtype) != array.dtype:
        return array.astype(dtype)
    return array.copy() if copy else array


def tensor(data, requires_grad=False, dtype=None):
    """Make a tensor from a number, nested list, array or tensor (the data is copied).

    dtypes follow NumPy: Python floats give float64, float32 arrays stay float32.

    Args:
        data: the values.
        requires_grad: record operations on it so that ``.backward()`` fills ``.grad``.
        dtype: a NumPy dtype to convert to.

    Raises:
        TypeError: for non-numeric data, or ``requires_grad`` on an integer or boolean dtype.

    Example:
        >>> import chainrule as cr
        >>> cr.tensor([1, 2], dtype="float32", requires_grad=True)
        tensor([1., 2.], dtype=float32, requires_grad=True)
    """
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)




def asarray_if_sequence(x):
    """A list or tuple as the array NumPy would read it (one tensor, stacked, when it holds
    tensors); anything else as it is."""
    if type(x) is list or type(x) is tuple:
        return _read_sequence(x) if holds_tensor(x) else np.asarray(x)
    return x


def holds_tensor(value):
    """Whether a list or tuple holds a tensor at any depth of nesting."""
    if type(value) is not list and type(value) is not tuple:
        return False
    return any(isinstance(v, Tensor) or holds_tensor(v) for v in value)


def _refuse_sequence(value):
    raise TypeError("lists of tensors are read by chainrule.ops.creation, which is not loaded")


_read_sequence = _refuse_sequence


def set_sequence_reader(reader):
    """Install how a list holding tensors becomes one tensor. Stacking is an op, and ops sit
    above this module, so :mod:`chainrule.ops.creation` installs it when it loads."""
    global _read_sequence
    _read_sequence = reader
