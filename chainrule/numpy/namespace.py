"""How a module of :mod:`chainrule.numpy` finds a name: chainrule's op of that name, else
NumPy's, its functions made to read lists of tensors."""

from __future__ import annotations

import types

import numpy as np

from chainrule.ops.creation import reads_lists

# NumPy's other names for chainrule's ops (its ufuncs' aliases).
ALIASES = {"absolute": "abs", "fabs": "abs", "true_divide": "divide", "remainder": "mod",
           "concat": "concatenate", "pow": "power"}


def differentiable_namespace(namespace, ops, numpy_module):
    """The ``__getattr__`` and ``__dir__`` of a module mirroring ``numpy_module`` with ``ops``
    (a chainrule namespace with an ``__all__``). What is found is kept in ``namespace`` (the
    module's globals), so each name is looked up once."""

    def getattr_(name):
        op_name = ALIASES.get(name, name)
        if op_name in ops.__all__:
            value = getattr(ops, op_name)
            numpy_value = getattr(numpy_module, name, None)
            if isinstance(numpy_value, np.ufunc):
                value = Ufunc(value, numpy_value)
        else:
            value = getattr(numpy_module, name)  # NumPy's AttributeError for unknown names
            if _is_function(value):
                value = reads_lists(value)
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
