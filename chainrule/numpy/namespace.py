"""How a module of :mod:`chainrule.numpy` finds a name: chainrule's op of that name, else
NumPy's, its functions made to read lists of tensors."""

from __future__ import annotations

import types

import numpy as np

from chainrule import numpy_coverage
from chainrule.ops.creation import reads_lists

def differentiable_namespace(namespace, ops, numpy_module):
    """The ``__getattr__`` and ``__dir__`` of a module mirroring ``numpy_module`` with ``ops``
    (a chainrule namespace with an ``__all__``). What is found is kept in ``namespace`` (the
    module's globals), so each name is looked up once."""

    def getattr_(name):
        numpy_value = getattr(numpy_module, name, None)
        if name in ops.__all__:
            op = getattr(ops, name)
        elif numpy_value is None:
            return getattr(numpy_module, name)  # NumPy's AttributeError for unknown names
        elif _is_function(numpy_value):
            # NumPy's other spellings (np.absolute, np.acos, np.concat) find the op NumPy's
            # dispatch finds for them: one table of names, numpy_coverage's.
            op = numpy_coverage.resolve(numpy_coverage.dispatch_name(numpy_value))
        else:
            op = None
        if op is None:
            value = reads_lists(numpy_value) if _is_function(numpy_value) else numpy_value
        else:
            value = Ufunc(op, numpy_value) if isinstance(numpy_value, np.ufunc) else op
        namespace[name] = value
        return value

    def dir_():
        return sorted(set(dir(numpy_module)) | set(ops.__all__) | set(namespace))

    return getattr_, dir_


class Ufunc:
    """A NumPy ufunc whose call is chainrule's op. Its methods (``reduce``, ``accumulate``,
    ``outer``...) and attributes are NumPy's ufunc's, whose dispatch routes tensors to
    chainrule (``np.add.reduce`` is a sum)."""

    def __init__(self, op, ufunc):
        self.op = op
        self.ufunc = ufunc
        self.__doc__ = op.__doc__
        self.__name__ = ufunc.__name__

    def __call__(self, *args, **kwargs):
        return self.op(*args, **kwargs)

    def __getattr__(self, name):
        value = getattr(self.ufunc, name)
        return reads_lists(value) if callable(value) else value

    def __repr__(self):
        return f"<chainrule ufunc {self.__name__!r}>"


def _is_function(value):
    # Functions and ufuncs; classes (dtypes, ndarray) and modules stay as NumPy has them.
    return isinstance(value, (types.FunctionType, types.BuiltinFunctionType, np.ufunc)) or (
        callable(value) and type(value).__name__ == "_ArrayFunctionDispatcher"
    )
