"""Module: the base class of layers and models (PyTorch's ``nn.Module``).

Assigning a Parameter, a Module or a registered buffer to an attribute registers it; the rest of
the class walks what was registered, by dotted name, and carries the train/eval switch.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import from_numpy, hold, is_foreign_array, to_numpy

from chainrule import inplace
from chainrule.nn import state
from chainrule.nn.parameter import Parameter
from chainrule.tensor import Tensor, is_tensor

_TABLES = ("_parameters", "_buffers", "_modules")


class Module:
    """Base class of every layer and model: subclass it, assign layers in ``__init__``, and
    compute the output in ``forward``; calling the module calls ``forward``.

    Example:
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> class TwoLayer(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.hidden = nn.Linear(3, 4)
        ...         self.out = nn.Linear(4, 1)
        ...     def forward(self, x):
        ...         return self.out(cr.tanh(self.hidden(x)))
        >>> [name for name, _ in TwoLayer().named_parameters()]
        ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
    """

    def __init__(self):
        object.__setattr__(self, "training", True)
        for table in _TABLES:
            object.__setattr__(self, table, {})

    def forward(self, *args, **kwargs):
        raise NotImplementedError(
            f"{type(self).__name__} does not define forward(); a Module "
            "subclass computes its output in forward(...)"
        )

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # --- registration -------------------------------------------------------------------------

    def __setattr__(self, name, value):
        if isinstance(value, (Parameter, Module)):
            self._check_initialized(name)
            table = "_parameters" if isinstance(value, Parameter) else "_modules"
            self._forget(name, keep=table)
            self.__dict__[table][name] = value
        elif name in self.__dict__.get("_parameters", ()):
            self._parameters[name] = self._none_or_refuse(name, value, "a Parameter")
        elif name in self.__dict__.get("_modules", ()):
            self._modules[name] = self._none_or_refuse(name, value, "a Module")
        elif name in self.__dict__.get("_buffers", ()):
            self._buffers[name] = _as_buffer(value)
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        for table in _TABLES:
            found = self.__dict__.get(table)
            if found is not None and name in found:
                return found[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for table in _TABLES:
            if name in self.__dict__.get(table, ()):
                del self.__dict__[table][name]
                return
        object.__delattr__(self, name)

    def register_parameter(self, name, param):
        """Register ``param`` (a Parameter, or None for an absent one) as ``name``."""
        self._check_name(name)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter: {name!r} must be a Parameter or None, got "
                f"{type(param).__name__} (wrap the values in nn.Parameter(...))"
            )
        self._forget(name, keep="_parameters")
        self._parameters[name] = param

    def register_buffer(self, name, value):
        """Register ``value`` (array-like or Tensor; None for an absent one) as state that is
        saved in ``state_dict`` but not learned (running statistics, for example).

        The buffer becomes a Tensor that requires no grad, readable as ``module.<name>``.
        """
        self._check_name(name)
        self._forget(name, keep="_buffers")
        self._buffers[name] = _as_buffer(value)

    def add_module(self, name, module):
        """Register ``module`` (or None) as the submodule ``name``; the name may be "0", "1"..."""
        self._check_name(name)
        if module is not None and not isinstance(module, Module):
            raise TypeError(
                f"add_module: {name!r} must be a Module or None, got {type(module).__name__}"
            )
        self._forget(name, keep="_modules")
        self._modules[name] = module

    def _check_initialized(self, name):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {name!r} before Module.__init__() has run; "
                f"call super().__init__() first in {type(self).__name__}.__init__"
            )

    def _check_name(self, name):
        self._check_initialized(name)
        if not isinstance(name, str) or not name or "." in name:
            raise ValueError(
                f"a parameter, buffer or submodule name must be a non-empty string "
                f"without '.', got {name!r}"
            )
        if name in self.__dict__ and name not in _TABLES:
            raise ValueError(f"{type(self).__name__} already has a plain attribute {name!r}")

    def _forget(self, name, keep):
        # The table that receives the name keeps its place in it: order is the printing order.
        self.__dict__.pop(name, None)
        for table in _TABLES:
            if table != keep:
                self.__dict__[table].pop(name, None)

    def _none_or_refuse(self, name, value, expected):
        if value is not None:
            raise TypeError(
                f"cannot assign a {type(value).__name__} to {name!r} of "
                f"{type(self).__name__}: it holds {expected} (or None). To change a "
                f"parameter's values, use load_state_dict or write into it under "
                f"no_grad"
            )
        return None

    # --- walking the tree ---------------------------------------------------------------------

    def named_children(self):
        """(name, module) for each direct submodule."""
        seen = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self):
        """Each direct submodule."""
        return (child for _, child in self.named_children())

    def named_modules(self, prefix="", remove_duplicate=True):
        """(dotted name, module) for this module ("") and every submodule, depth first."""
        seen = set() if remove_duplicate else None
        return self._walk(prefix, seen)

    def _walk(self, prefix, seen):
        if seen is not None:
            if id(self) in seen:
                return
            seen.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child._walk(f"{prefix}.{name}" if prefix else name, seen)

    def modules(self):
        """This module and every submodule, each once."""
        return (module for _, module in self.named_modules())

    def get_submodule(self, target):
        """The submodule at a dotted path such as ``"encoder.0"``; ``""`` is this module."""
        module = self
        for part in target.split(".") if target else ():
            child = module._modules.get(part)
            if child is None:
                raise AttributeError(
                    f"{type(module).__name__} has no submodule {part!r} (looking up {target!r})"
                )
            module = child
        return module

    def _named_tensors(self, table, prefix, recurse, remove_duplicate):
        walk = self.named_modules(prefix, remove_duplicate) if recurse else [(prefix, self)]
        seen = set()
        for module_prefix, module in walk:
            for name, value in module.__dict__[table].items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(dotted name, Parameter) pairs; a parameter shared by two layers comes once."""
        return self._named_tensors("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """Every Parameter, each once (what an optimizer is given)."""
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """(dotted name, buffer) pairs."""
        return self._named_tensors("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """Every buffer, each once."""
        return (b for _, b in self.named_buffers(recurse=recurse))

    def num_parameters(self):
        """The number of learned values: the total size of the distinct parameters."""
        return sum(p.size for p in self.parameters())

    def apply(self, fn):
        """Call ``fn(module)`` on every submodule, then on this one (to initialize, say)."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # --- modes, gradients, dtype --------------------------------------------------------------

    def train(self, mode=True):
        """Set training mode (``mode=True``) or evaluation mode here and in every submodule."""
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode) takes a bool, got {mode!r}")
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self):
        """Evaluation mode: dropout passes values through, batch norm uses its running stats."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Freeze (False) or unfreeze every parameter; returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self):
        """Forget the gradients: every parameter's ``.grad`` becomes None."""
        for p in self.parameters():
            p.grad = None

    def to(self, dtype):
        """Convert every floating parameter and buffer to ``dtype`` in place; returns self.

        The Parameter objects stay the same (convert before making an optimizer all the same:
        its state has the old dtype). Gradients are dropped.
        """
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"to(dtype) converts to a floating dtype, got {dtype}")
        for t in (*self.parameters(), *self.buffers()):
            if t.dtype.kind == "f" and t.dtype != dtype:
                t._data = t._data.astype(dtype)
                t.grad = None
                inplace.mark_written(t)
        return self

    def to_namespace(self, xp):
        """Copy every parameter and buffer into the array library ``xp`` (``array_api_strict``,
        ``dask.array``, ``cupy``, or ``numpy`` to come back), in place; returns self.

        An explicit copy through the host, once; the Parameter objects stay the same (move the
        model before making its optimizer: the optimizer's state is made in the parameters'
        library). Gradients are dropped.

        Example:
            >>> import array_api_strict as xp
            >>> import chainrule as cr
            >>> from chainrule import nn
            >>> layer = nn.Linear(2, 1).to_namespace(xp)
            >>> cr.backend_of(layer.weight)
            'array_api_strict'
        """
        for t in (*self.parameters(), *self.buffers()):
            moved = from_numpy(to_numpy(t._data), xp)
            t._data = hold(moved) if is_foreign_array(moved) else moved
            t.grad = None
            inplace.mark_written(t)
        return self

    # --- saving and loading -------------------------------------------------------------------

    def state_dict(self):
        """A copy of every parameter and buffer as NumPy arrays, by dotted name.

        See :func:`chainrule.nn.state.state_dict`.
        """
        return state.state_dict(self)

    def load_state_dict(self, state_dict, strict=True):
        """Write saved values into the existing parameters and buffers, in place.

        See :func:`chainrule.nn.state.load_state_dict`.
        """
        return state.load_state_dict(self, state_dict, strict=strict)

    # --- printing -----------------------------------------------------------------------------

    def extra_repr(self):
        """The text inside this module's parentheses (its settings); layers override it."""
        return ""

    def __repr__(self):
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        lines += [f"({name}): {_indent(repr(child))}" for name, child in self._modules.items()]
        if not self._modules and len(lines) <= 1:
            return f"{type(self).__name__}({extra})"
        return type(self).__name__ + "(\n  " + "\n  ".join(lines) + "\n)"


def _indent(text):
    return text.replace("\n", "\n  ")


def _as_buffer(value):
    if value is None or is_tensor(value):
        return value
    return Tensor(np.asarray(value))


__all__ = ["Module"]
