"""NumPy's function names on an array API namespace: what a rule's ``np.exp``, ``np.sum(x,
axis, keepdims)`` or ``np.concatenate`` runs when its arrays come from array-api-strict or any
other namespace with no NumPy dispatch of its own.

Most names are the standard's own; the renamed ones (arccos → acos, power → pow, ...) and the
calls whose signature differs (transpose's axes, std's ddof, cumsum over a flattened array)
are listed here once. NumPy's type promotion (a float times a bool mask, an int array divided
by an int) is applied with explicit ``astype`` calls, since the rules are written against it.
A name the namespace lacks resolves to a function raising :class:`BackendError`.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends.errors import BackendError
from chainrule.backends.holding import Holding
from chainrule.backends.numpy_signatures import ADAPTERS

# NumPy name → the standard's name for the same function.
RENAMED = {
    "arccos": "acos", "arcsin": "asin", "arctan": "atan", "arctan2": "atan2",
    "arccosh": "acosh", "arcsinh": "asinh", "arctanh": "atanh", "power": "pow",
    "concatenate": "concat", "absolute": "abs", "conjugate": "conj", "invert": "bitwise_invert",
    "true_divide": "divide", "mod": "remainder", "amax": "max", "amin": "min",
    "left_shift": "bitwise_left_shift", "right_shift": "bitwise_right_shift",
}

# FFTs that NumPy applies to real input too (as complex), and the standard to complex only.
COMPLEX_FFTS = frozenset({"fft.fft", "fft.ifft", "fft.fftn", "fft.ifftn", "fft.irfft",
                          "fft.irfftn", "fft.hfft"})

# Elementwise functions of two arrays whose result dtype NumPy's promotion decides.
PROMOTING = frozenset({
    "add", "subtract", "multiply", "divide", "pow", "maximum", "minimum", "atan2", "hypot",
    "remainder", "floor_divide", "copysign", "logaddexp", "equal", "not_equal", "less",
    "less_equal", "greater", "greater_equal", "nextafter",
})


class NumpyNames(Holding):
    """NumPy-named functions over the namespace ``xp`` (see the module's docstring)."""

    def __init__(self, xp, backend, array_type, holder):
        super().__init__(backend, array_type, holder)
        self.xp = xp
        self._functions = {}
        self._dtypes = _dtype_table(xp)

    # --- dtypes -------------------------------------------------------------------------------

    def numpy_dtype(self, dtype):
        """NumPy's dtype for one of ``xp``'s."""
        for theirs, ours in self._dtypes:
            if theirs == dtype:
                return ours
        raise BackendError(f"its dtype {dtype} has no NumPy counterpart", self.backend)

    def dtype(self, dtype):
        """``xp``'s dtype for a NumPy dtype (or anything np.dtype reads)."""
        wanted = np.dtype(dtype)
        for theirs, ours in self._dtypes:
            if ours == wanted:
                return theirs
        raise BackendError(f"it has no dtype {wanted}", self.backend)

    # --- functions ----------------------------------------------------------------------------

    def function(self, name):
        """The function NumPy calls ``name`` ("exp", "linalg.inv"), on ``xp``'s arrays."""
        found = self._functions.get(name)
        if found is None:
            found = self._functions[name] = self._resolve(name)
        return found

    def _resolve(self, name):
        adapter = ADAPTERS.get(name)
        if adapter is not None:
            return lambda *args, **kwargs: adapter(self, *args, **kwargs)
        standard = RENAMED.get(name, name)
        target = _lookup(self.xp, standard)
        if target is None:
            return self._missing(name)
        convert = self._kwargs
        if standard in COMPLEX_FFTS:
            return lambda x, *args, **kwargs: self.wrap(target(
                self.complex_of(self.unwrap(x)), *self.unwrap(args), **convert(kwargs)))
        promote = standard in PROMOTING
        unwrap, convert = self.unwrap, self._kwargs

        def call(*args, **kwargs):
            args = unwrap(args)
            if promote:
                args = self.promoted(args, true_divide=standard == "divide")
            return self.called(name, target, args, convert(kwargs))

        return call

    def has(self, name):
        return name in ADAPTERS or _lookup(self.xp, RENAMED.get(name, name)) is not None

    def _missing(self, name):
        backend = self.backend

        def missing(*args, **kwargs):
            raise BackendError(f"NumPy's {name} has no counterpart in its namespace", backend)

        return missing

    def unwrap_index(self, index):
        # The standard wants an index to name every axis: a trailing ... says "the rest".
        index = super().unwrap_index(index)
        if type(index) is not tuple:
            index = (index,)
        if not any(part is Ellipsis for part in index):  # `in` would compare arrays
            index = (*index, Ellipsis)
        return index

    def index_array(self, index):
        return self.xp.asarray(index)

    def complex_of(self, x):
        """``x`` as complex values (NumPy's FFTs take real input as complex; the standard's
        take complex only)."""
        if self.xp.isdtype(x.dtype, "complex floating"):
            return x
        wanted = np.result_type(self.numpy_dtype(x.dtype), np.complex64)
        return self.xp.astype(x, self.dtype(wanted))

    def assign(self, array, index, value):
        array = self.xp.asarray(array, copy=True)
        try:
            array[index] = self.unwrap(value)
        except (IndexError, TypeError) as exc:
            raise BackendError(f"NumPy's assignment to [{index!r}] is not in its namespace "
                               f"({exc})", self.backend) from None
        return array

    def getitem(self, array, index):
        taken = self._taken(array, index)
        if taken is not None:
            return taken
        try:
            return array[index]
        except (IndexError, TypeError) as exc:
            # The standard indexes with less than NumPy does (one integer array, no lists).
            raise BackendError(f"NumPy's indexing by {index!r} is not in its namespace ({exc})",
                               self.backend) from None

    def _taken(self, array, index):
        # One 1-d integer array among whole axes (x[:, idx], x[idx, ...]) is the standard's
        # take along that axis; its indexing takes integer arrays only beside integers.
        arrays = [k for k, part in enumerate(index) if hasattr(part, "dtype")]
        if len(arrays) != 1:
            return None
        position = arrays[0]
        taken = index[position]
        others = index[:position] + index[position + 1:]
        if taken.ndim != 1 or not self.xp.isdtype(taken.dtype, "integral") or any(
                p is not Ellipsis and p != slice(None) for p in others):
            return None
        before = index[:position]
        axis = array.ndim - len(index) + position if Ellipsis in before else position
        return self.xp.take(array, taken, axis=axis)

    def ufunc(self, ufunc, inputs, kwargs):
        """NumPy's ufunc called on the arrays ``inputs``."""
        return self.function(ufunc.__name__)(*inputs, **kwargs)

    def numpy_function(self, func, args, kwargs):
        """A NumPy function (np.linalg.inv, np.fft.rfft, ...) called on the arrays."""
        module = func.__module__.removeprefix("numpy").strip(".")
        name = f"{module}.{func.__name__}" if module else func.__name__
        return self.function(name)(*args, **kwargs)

    def item(self, array):
        kind = self.numpy_dtype(array.dtype).kind
        return {"b": bool, "c": complex, "f": float}.get(kind, int)(array)

    def to_numpy(self, array):
        return np.from_dlpack(array)

    def call(self, name, *args, **kwargs):
        """``xp``'s function ``name`` on raw arguments, the result wrapped."""
        target = _lookup(self.xp, name)
        if target is None:
            return self._missing(name)()
        return self.wrap(target(*self.unwrap(args), **self._kwargs(kwargs)))

    def _kwargs(self, kwargs):
        if not kwargs:
            return kwargs
        kwargs = dict(kwargs)
        for unused in ("out", "casting", "order", "subok"):
            value = kwargs.get(unused)  # NumPy's defaults, which the standard takes as given
            if value is None or value is True or (
                    isinstance(value, str) and value in ("K", "C", "same_kind")):
                kwargs.pop(unused, None)
        if "ddof" in kwargs:
            kwargs["correction"] = kwargs.pop("ddof")
        if kwargs.get("dtype") is not None:
            kwargs["dtype"] = self.dtype(kwargs["dtype"])
        else:
            kwargs.pop("dtype", None)
        if "where" in kwargs:
            raise BackendError("NumPy's where= argument of reductions is not in its namespace",
                               self.backend)
        return {key: self.unwrap(value) for key, value in kwargs.items()}

    def promoted(self, args, true_divide=False):
        """``args`` cast to the dtype NumPy's promotion gives them (Python numbers stay)."""
        arrays = [a for a in args if hasattr(a, "dtype")]
        if not arrays:
            return args
        dtypes = [self.numpy_dtype(a.dtype) for a in arrays]
        numbers = [a for a in args if not hasattr(a, "dtype")]
        common = np.result_type(*dtypes, *numbers)
        if true_divide and common.kind in "biu":
            common = np.dtype(np.float64)
        target = self.dtype(common)
        return tuple(
            self.xp.astype(a, target) if hasattr(a, "dtype") and a.dtype != target
            else (_as_python_number(a, common) if not hasattr(a, "dtype") else a)
            for a in args
        )


def _as_python_number(value, dtype):
    # A Python number beside arrays of ``dtype``: the standard takes it as that dtype's kind.
    if dtype.kind == "f" and not isinstance(value, float):
        return float(value)
    if dtype.kind == "c":
        return complex(value)
    return value


def _lookup(xp, name):
    target = xp
    for part in name.split("."):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target


def _dtype_table(xp):
    names = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
             "float32", "float64", "complex64", "complex128")
    return [(getattr(xp, n), np.dtype(n)) for n in names if hasattr(xp, n)]


__all__ = ["NumpyNames", "RENAMED"]
