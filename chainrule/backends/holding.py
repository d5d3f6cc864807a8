"""What every backend's function resolver shares: moving values between the NumPy face rules see
(:class:`chainrule.backends.foreign.ForeignArray`) and the library's own arrays, refusing NumPy
arrays and other backends' arrays on the way (that is where mixing is caught)."""

from __future__ import annotations

import numpy as np

from chainrule.backends.errors import BackendError, MixedBackendsError


class Holding:
    """One backend: its name, its array type and the ForeignArray subclass holding them.
    ``lazy`` says that its arrays are computed only when asked (Dask)."""

    lazy = False

    def __init__(self, backend, array_type, holder):
        self.backend = backend
        self.array_type = array_type
        self.holder = holder

    def wrap(self, value):
        """The library's arrays in ``value`` (one, or a tuple or list of them) held."""
        kind = type(value)
        if kind is self.array_type:
            return self.holder(value)
        if kind is tuple or kind is list:
            return kind(self.wrap(v) for v in value)
        if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple (eigh)
            return kind(*(self.wrap(v) for v in value))
        return value

    def unwrap(self, value):
        """The library's own arrays in ``value``; numbers as they are; anything of another
        backend refused."""
        kind = type(value)
        if kind is self.holder:
            return value.array
        if kind is tuple or kind is list:
            return kind(self.unwrap(v) for v in value)
        if kind is dict:  # keyword arguments (bincount's weights=)
            return {key: self.unwrap(v) for key, v in value.items()}
        if kind is self.array_type or value is None or kind in (int, float, complex, bool):
            return value
        return self.unwrap_other(value)

    def unwrap_other(self, value):
        from chainrule.backends.foreign import ForeignArray

        if isinstance(value, type):  # a dtype given as a type (np.float64, float)
            return value

        if isinstance(value, ForeignArray):
            raise MixedBackendsError("they cannot be combined without a copy", self.backend,
                                     other=value.backend)
        if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
            # A NumPy scalar is a number, not an array to move.
            return self.number(value)
        if isinstance(value, np.ndarray):
            raise MixedBackendsError("they cannot be combined without a copy", self.backend,
                                     other="numpy")
        if hasattr(value, "__array_namespace__") or hasattr(value, "__array_function__"):
            raise MixedBackendsError("they cannot be combined without a copy", self.backend,
                                     other=type(value).__module__.split(".")[0])
        return value

    def has(self, name):
        """Whether the library runs NumPy's function ``name`` ("bincount")."""
        raise NotImplementedError

    def number(self, value):
        """A NumPy scalar as the backend takes numbers: a Python number."""
        return value.item()

    def called(self, name, target, args, kwargs):
        """``target(*args, **kwargs)`` on the library's arrays, its result held; a NumPy
        argument the library does not take is this backend's error, naming the function."""
        try:
            return self.wrap(target(*args, **kwargs))
        except (TypeError, AttributeError) as exc:
            # The library refused what NumPy takes (a keyword, a dtype, a Python number).
            raise BackendError(f"its {name} does not take NumPy's arguments ({exc})",
                               self.backend) from None
        except NotImplementedError as exc:
            raise BackendError(f"its {name} does not implement this case ({exc})",
                               self.backend) from None

    def unwrap_index(self, index):
        """An index (slices, integers, masks and integer arrays of this backend)."""
        if type(index) is tuple:
            return tuple(self._index_part(i) for i in index)
        return self._index_part(index)

    def _index_part(self, index):
        if isinstance(index, (slice, int, type(None), type(Ellipsis))):
            return index
        if isinstance(index, np.generic):
            return index.item()
        if isinstance(index, (list, np.ndarray)):
            # Positions and masks (not data) given as NumPy: moved into the library once.
            return self.index_array(np.asarray(index))
        return self.unwrap(index)

    def index_array(self, index):
        """A NumPy integer or boolean index as the library takes one."""
        raise BackendError(
            "an index given as a list or NumPy array would be a NumPy array beside its "
            "arrays; index with an array of the same backend", self.backend)

    def getitem(self, array, index):
        """``array[index]`` in the library."""
        try:
            picked = array[index]
        except (NotImplementedError, AssertionError) as exc:  # Dask's unsupported indexing
            raise BackendError(f"NumPy's indexing by {index!r} is not supported by it ({exc})",
                               self.backend) from None
        if not all(isinstance(n, int) for n in picked.shape):
            # A lazy array picked by a mask of its values: its length is not known until
            # computed (Dask's nan), and every rule and sweep works with shapes.
            raise BackendError(
                f"indexing by a mask gives a shape it does not know before computing "
                f"({picked.shape}); compute the mask first, or keep the shape with "
                "where(mask, x, 0)", self.backend)
        return picked

    def assign(self, array, index, value):
        """A copy of ``array`` with ``[index] = value``. The holder then holds the copy: other
        holders of the same array (a gradient handed to two inputs) never see the write."""
        array = array.copy()
        array[index] = self.unwrap(value)
        return array


__all__ = ["Holding"]
