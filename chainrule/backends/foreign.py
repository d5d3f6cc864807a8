"""ForeignArray: an array of another library (Dask, CuPy, array-api-strict, any array API
namespace) with NumPy's face, so that rules written with NumPy's names run on it unchanged.

A tensor holds such an array in a ForeignArray; NumPy's dispatch (``__array_ufunc__``,
``__array_function__``) then sends each ``np.*`` call a rule makes to the array's own library:
through that library's NumPy dispatch where it has one (Dask, CuPy), else through NumPy's names
on its array API namespace (:mod:`chainrule.backends.numpy_names`). What a backend lacks raises
BackendError, a conversion to NumPy is refused, and a NumPy array or another backend's array
in the same call raises MixedBackendsError: nothing is copied between libraries silently.
A ForeignArray is a mutable holder: an in-place update rebinds the array it holds, so every
holder sees it, as with NumPy's in-place ufuncs (libraries such as Dask have none).
"""

from __future__ import annotations

import numpy as np

from chainrule.backends.errors import BackendError, MixedBackendsError

# Above NumPy's arrays, below tensors: a tensor's operators and __array_ufunc__ run first.
_PRIORITY = 500

_UFUNC_REDUCTIONS = {"add": "sum", "multiply": "prod", "maximum": "max", "minimum": "min",
                     "logical_and": "all", "logical_or": "any"}
_UFUNC_ACCUMULATIONS = {"add": "cumsum", "multiply": "cumprod"}
# ndarray attributes with no counterpart on other libraries' arrays: asking is a BackendError.
_NUMPY_ONLY_ATTRIBUTES = frozenset({
    "flat", "itemsize", "nbytes", "fill", "put", "view", "resize", "tobytes", "byteswap",
    "searchsorted", "partition", "argpartition", "compress", "choose", "ptp", "flags",
    "strides",
})


class ForeignArray:
    """An array of another library seen with NumPy's face (see the module's docstring).

    Each library gets a subclass of its own (:func:`chainrule.backends.kinds.foreign_class`),
    whose ``names`` resolves NumPy's function names on it, so that two backends' arrays are
    told apart by one type test.
    """

    __slots__ = ("array",)
    __array_priority__ = _PRIORITY
    backend = "?"
    names = None  # the class's function resolver

    def __init__(self, array):
        self.array = array

    # --- what it is ---------------------------------------------------------------------------

    @property
    def shape(self):
        return tuple(self.array.shape)

    @property
    def ndim(self):
        return self.array.ndim

    @property
    def size(self):
        size = 1
        for n in self.array.shape:
            size *= n
        return size

    @property
    def dtype(self):
        return self.names.numpy_dtype(self.array.dtype)

    @property
    def device(self):
        return getattr(self.array, "device", "cpu")

    @property
    def T(self):
        return self.names.function("transpose")(self)

    @property
    def mT(self):
        return self.names.function("swapaxes")(self, -1, -2)

    @property
    def real(self):
        return self.names.function("real")(self)

    @property
    def imag(self):
        return self.names.function("imag")(self)

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d array")
        return self.array.shape[0]

    def __repr__(self):
        return f"{self.backend}: {self.array!r}"

    # --- NumPy's dispatch ---------------------------------------------------------------------

    def __array__(self, dtype=None, copy=None):
        raise BackendError(
            "a conversion to a NumPy array (np.asarray, or a NumPy function the backend does "
            "not dispatch) would copy it to the host silently; copy it explicitly with "
            "chainrule.to_numpy(x)", self.backend)

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        if _defers(inputs):
            return NotImplemented
        names = self.names
        if method == "__call__":
            result = names.ufunc(ufunc, inputs, kwargs)
        elif method == "reduce" and ufunc.__name__ in _UFUNC_REDUCTIONS:
            kwargs.setdefault("axis", 0)
            result = names.function(_UFUNC_REDUCTIONS[ufunc.__name__])(*inputs, **kwargs)
        elif method == "accumulate" and ufunc.__name__ in _UFUNC_ACCUMULATIONS:
            kwargs.setdefault("axis", 0)
            result = names.function(_UFUNC_ACCUMULATIONS[ufunc.__name__])(*inputs, **kwargs)
        else:
            raise BackendError(f"np.{ufunc.__name__}.{method} is not supported on it",
                               self.backend)
        return _written_to(out, result) if out is not None else result

    def __array_function__(self, func, types, args, kwargs):
        if any(issubclass(t, ForeignArray) is False and _outranks(t) for t in types):
            return NotImplemented
        return self.names.numpy_function(func, args, kwargs)

    # --- indexing -----------------------------------------------------------------------------

    def __getitem__(self, index):
        names = self.names
        return names.wrap(names.getitem(self.array, names.unwrap_index(index)))

    def __setitem__(self, index, value):
        names = self.names
        index = names.unwrap_index(index)
        if type(index) is tuple and any(part is None for part in index):
            # x[..., None, :] = v: each new axis holds one entry; the other libraries' assignment
            # takes no None, so v goes to the same entries without them.
            index = tuple(part for part in index if part is not None)
            if getattr(value, "ndim", 0):
                value = np.reshape(value, tuple(names.getitem(self.array, index).shape))
        self.array = names.assign(self.array, index, value)

    # --- conversions to Python ----------------------------------------------------------------

    def item(self):
        return self.names.item(self.array)

    def tolist(self):
        return self.names.to_numpy(self.array).tolist()

    def __bool__(self):
        if self.names.lazy:
            raise BackendError(
                "bool() of a lazy array (an if on its values) would compute it in the middle "
                "of an op; compute it explicitly first: float(x), x.item() or "
                "chainrule.to_numpy(x)", self.backend)
        return bool(self.item())

    def __getattr__(self, name):
        if name in _NUMPY_ONLY_ATTRIBUTES:
            raise BackendError(f"NumPy arrays' .{name} has no counterpart for it", self.backend)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __complex__(self):
        return complex(self.item())

    def __index__(self):
        return int(self.item())

    # --- methods NumPy arrays have ------------------------------------------------------------

    def astype(self, dtype, copy=True, **kwargs):
        return self.names.function("astype")(self, dtype, copy=copy)

    def reshape(self, *shape, **kwargs):
        shape = shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
        return self.names.function("reshape")(self, shape, **kwargs)

    def transpose(self, *axes):
        axes = axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else axes
        return self.names.function("transpose")(self, axes or None)

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


def _method(name):
    def method(self, *args, **kwargs):
        return self.names.function(name)(self, *args, **kwargs)

    method.__name__ = name
    return method


for _name in ("sum", "prod", "mean", "std", "var", "max", "min", "any", "all", "argmax",
              "argmin", "cumsum", "cumprod", "clip", "round", "conj", "conjugate", "copy",
              "ravel", "squeeze", "swapaxes", "dot", "trace", "diagonal", "nonzero", "sort",
              "argsort", "repeat", "take"):
    setattr(ForeignArray, _name, _method(_name))
ForeignArray.flatten = _method("ravel")


def _binary(name, reflected=False):
    def operator(self, other):
        if _outranks(type(other)):
            return NotImplemented
        function = self.names.function(name)
        return function(other, self) if reflected else function(self, other)

    return operator


def _inplace(name):
    def operator(self, other):
        if _outranks(type(other)):
            return NotImplemented
        result = self.names.function(name)(self, other)
        self.array = result.array
        return self

    return operator


for _dunder, _name in (("add", "add"), ("sub", "subtract"), ("mul", "multiply"),
                       ("truediv", "divide"), ("floordiv", "floor_divide"), ("mod", "mod"),
                       ("pow", "power"), ("matmul", "matmul"), ("and", "logical_and"),
                       ("or", "logical_or"), ("xor", "logical_xor")):
    setattr(ForeignArray, f"__{_dunder}__", _binary(_name))
    setattr(ForeignArray, f"__r{_dunder}__", _binary(_name, reflected=True))
    setattr(ForeignArray, f"__i{_dunder}__", _inplace(_name))
for _dunder, _name in (("lt", "less"), ("le", "less_equal"), ("gt", "greater"),
                       ("ge", "greater_equal"), ("eq", "equal"), ("ne", "not_equal")):
    setattr(ForeignArray, f"__{_dunder}__", _binary(_name))
for _dunder, _name in (("neg", "negative"), ("pos", "positive"), ("abs", "absolute"),
                       ("invert", "logical_not")):
    setattr(ForeignArray, f"__{_dunder}__", _method(_name))
ForeignArray.__hash__ = None


def _outranks(kind):
    """Whether values of type ``kind`` take over an operation (tensors, formula terms)."""
    return (not issubclass(kind, (ForeignArray, np.ndarray, np.generic))
            and getattr(kind, "__array_priority__", 0) > _PRIORITY)


def _defers(values):
    return any(_outranks(type(v)) for v in values)


def _written_to(out, result):
    # out= on a holder rebinds its array: in place, as far as every holder can tell.
    target = out[0] if isinstance(out, tuple) else out
    if not isinstance(target, ForeignArray) or not isinstance(result, ForeignArray):
        raise MixedBackendsError("out= names an array of another backend",
                                 getattr(result, "backend", "numpy"), other="numpy")
    target.array = result.array
    return target


__all__ = ["ForeignArray"]
