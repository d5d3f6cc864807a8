"""Which library an array comes from, and the ForeignArray class that holds that library's arrays
(one per library, made on first sight): through the library's own NumPy dispatch where it has
one (Dask, CuPy), else through NumPy's names on its array API namespace."""

from __future__ import annotations

import types

import numpy as np

from chainrule.backends.dask_chunkwise import ALONG_AXIS, CORE_SHAPES, along_axis, matrixwise
from chainrule.backends.errors import BackendError
from chainrule.backends.foreign import ForeignArray
from chainrule.backends.holding import Holding
from chainrule.backends.numpy_names import NumpyNames

# Array type → the ForeignArray subclass holding it.
_HOLDERS: dict = {}

_EXTRA = {"dask": "dask", "cupy": "gpu"}


def is_foreign_array(value):
    """Whether ``value`` is an array of a library other than NumPy (raw, not yet held).

    Answered once per type (a dict lookup after that): the engine asks it of every value of
    an unusual type, and of every tensor's data, so it must cost about nothing."""
    kind = type(value)
    known = _FOREIGN_KINDS.get(kind)
    if known is None:
        known = _FOREIGN_KINDS[kind] = _is_foreign_kind(kind)
    return known


def _is_foreign_kind(kind):
    if issubclass(kind, (np.ndarray, np.generic, ForeignArray)):
        return False
    return kind in _HOLDERS or hasattr(kind, "__array_namespace__") or (
        kind.__module__.split(".")[0] in ("dask", "cupy") and hasattr(kind, "shape"))


# Type → whether its values are another library's arrays (filled as types are met).
_FOREIGN_KINDS: dict = {}


def hold(value):
    """``value`` (an array of another library) in its ForeignArray class."""
    holder = _HOLDERS.get(type(value))
    if holder is None:
        holder = _HOLDERS[type(value)] = _holder_for(value)
    return holder(value)


def _holder_for(value):
    kind = type(value)
    backend = kind.__module__.split(".")[0]
    holder = type(f"ForeignArray_{backend}", (ForeignArray,), {"__slots__": (),
                                                                "backend": backend})
    if hasattr(kind, "__array_function__") and hasattr(kind, "__array_ufunc__"):
        holder.names = DispatchingNames(backend, kind, holder)
    else:
        holder.names = NumpyNames(_namespace(value, backend), backend, kind, holder)
    return holder


def _namespace(value, backend):
    if hasattr(value, "__array_namespace__"):
        return value.__array_namespace__()
    try:
        import array_api_compat
    except ImportError as exc:
        raise BackendError(
            "reading its namespace needs array-api-compat: pip install chainrule[dask]", backend
        ) from exc
    return array_api_compat.array_namespace(value)


class DispatchingNames(Holding):
    """A library with NumPy's dispatch of its own (Dask, CuPy): NumPy's functions run on its
    arrays as they are, and the library computes them; what it does not implement is refused
    (Dask would otherwise compute the arrays to NumPy and warn)."""

    def __init__(self, backend, array_type, holder):
        super().__init__(backend, array_type, holder)
        self._checked = {}
        self.lazy = backend == "dask"

    def numpy_dtype(self, dtype):
        return dtype

    def number(self, value):
        return value  # NumPy scalars mix with Dask and CuPy arrays as NumPy's own do

    def function(self, name):
        method = _ARRAY_METHODS.get(name)
        if method is not None:  # NumPy functions these libraries have only as methods
            return lambda x, *args, **kwargs: self.wrap(
                getattr(self.unwrap(x), method)(*self.unwrap(args), **self.unwrap(kwargs)))
        func = self._checked.get(name)
        if func is None:
            target = np
            for part in name.split("."):
                target = getattr(target, part, None)
            func = self._checked[name] = (
                target if target is not None else _missing(name, self.backend))
        return lambda *args, **kwargs: self.numpy_function(func, args, kwargs)

    def ufunc(self, ufunc, inputs, kwargs):
        return self.wrap(ufunc(*self.unwrap(inputs), **self.unwrap(kwargs)))

    def numpy_function(self, func, args, kwargs):
        if isinstance(func, np.ufunc):
            return self.ufunc(func, args, kwargs)
        if self.backend == "dask" and func in CORE_SHAPES and len(args) == 1:
            return self.wrap(matrixwise(func, self.unwrap(args[0]), kwargs))
        if self.backend == "dask" and func in ALONG_AXIS:
            return self.wrap(along_axis(func, self.unwrap(args), self.unwrap(kwargs)))
        if not self.implements(func):
            name = func.__name__
            raise BackendError(f"{self.backend} does not implement NumPy's {name}",
                               self.backend)
        if kwargs.get("order", "C") in ("C", "K", "A"):  # the only layout these libraries have
            kwargs = {k: v for k, v in kwargs.items() if k != "order"}
        return self.called(func.__name__, func, self.unwrap(args), self.unwrap(kwargs))

    def has(self, name):
        func = getattr(np, name, None)
        return func is not None and self.implements(func)

    def implements(self, func):
        known = self._checked.get(func)
        if known is None:
            known = self._checked[func] = _library_implements(self.backend, func)
        return known

    def index_array(self, index):
        if self.backend == "dask":
            return index  # Dask indexes with NumPy arrays, chunk by chunk
        import importlib

        return importlib.import_module(self.backend).asarray(index)

    def item(self, array):
        return self.to_numpy(array).item()

    def to_numpy(self, array):
        if self.backend == "dask":
            return np.asarray(array.compute())
        if self.backend == "cupy":
            return array.get()
        return np.from_dlpack(array)


_ARRAY_METHODS = {"copy": "copy", "astype": "astype"}


def _missing(name, backend):
    def missing(*args, **kwargs):
        raise BackendError(f"NumPy has no function {name}", backend)

    return missing


def _library_implements(backend, func):
    if backend != "dask":
        return True
    # Dask's own test in its __array_function__: a function of the same name in dask.array's
    # matching submodule, or one of its aliases; anything else it computes to NumPy.
    import dask.array as module
    from dask.array.core import _HANDLED_FUNCTIONS

    if func in _HANDLED_FUNCTIONS:
        return True
    for part in func.__module__.split(".")[1:]:
        module = getattr(module, part, None)
        if module is None:
            return False
    own = getattr(module, func.__name__, None)
    return own is not None and own is not func


def backend_of(value):
    """The name of the library holding ``value``'s array (a tensor's, or an array itself):
    "numpy", "dask", "cupy", "array_api_strict", ...

    Example:
        >>> import dask.array as da
        >>> import chainrule as cr
        >>> cr.backend_of(cr.tensor([1.0])), cr.backend_of(cr.tensor(da.ones(2)))
        ('numpy', 'dask')
    """
    data = getattr(value, "_data", value)
    if isinstance(data, ForeignArray):
        return data.backend
    if is_foreign_array(data):
        return type(data).__module__.split(".")[0]
    return "numpy"


def to_numpy(value):
    """``value``'s values as a NumPy array on the host: an explicit copy for another library's
    array (a Dask array is computed, a CuPy array copied from the GPU).

    Example:
        >>> import dask.array as da
        >>> import chainrule as cr
        >>> cr.to_numpy(cr.tensor(da.arange(3.0, chunks=2)) * 2)
        array([0., 2., 4.])
    """
    data = getattr(value, "_data", value)
    if isinstance(data, ForeignArray):
        return data.names.to_numpy(data.array)
    if is_foreign_array(data):
        return hold(data).names.to_numpy(data)
    return np.asarray(data)


def from_numpy(array, like):
    """``array`` (NumPy) as an array of the namespace ``like`` names: a module
    (``array_api_strict``, ``dask.array``, ``cupy``, ``numpy``) or an array of that library
    (then on its device, and in its chunks where the shapes agree). An explicit copy.

    Example:
        >>> import array_api_strict as xp
        >>> from chainrule.backends import from_numpy
        >>> from_numpy([1.0, 2.0], xp)
        Array([1., 2.], dtype=array_api_strict.float64)
    """
    array = np.asarray(array)
    if isinstance(like, ForeignArray):
        like = like.array
    module = like if isinstance(like, types.ModuleType) else None
    if module is None:
        if isinstance(like, (np.ndarray, np.generic)):
            return array
        module = _namespace(like, type(like).__module__.split(".")[0])
    if module is np:
        return array
    if module.__name__.startswith("dask"):
        same_shape = getattr(like, "shape", None) == array.shape
        return module.from_array(array, chunks=like.chunks if same_shape else "auto")
    device = getattr(like, "device", None)
    if device is not None and not isinstance(like, types.ModuleType):
        return module.asarray(array, device=device)  # on the device of the array it goes with
    return module.asarray(array)


__all__ = ["backend_of", "from_numpy", "hold", "is_foreign_array", "to_numpy"]
