"""Containers: Sequential (a chain of layers) and ModuleList (a list of registered layers)."""

from __future__ import annotations

import operator
from collections import OrderedDict

from chainrule.nn.module import Module


def _position(index, length, who):
    """An int index (negative counts from the end) as a position in [0, length)."""
    index = operator.index(index)
    if not -length <= index < length:
        raise IndexError(f"{who} index {index} is out of range for {length} modules")
    return index % length


class Sequential(Module):
    """Calls its layers in order, each on the previous one's output; named "0", "1", ...

    Args:
        *modules: the layers, or one OrderedDict from name to layer.

    Example:
        >>> from chainrule import nn
        >>> nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
        Sequential(
          (0): Linear(in_features=64, out_features=128, bias=True)
          (1): ReLU()
          (2): Linear(in_features=128, out_features=10, bias=True)
        )
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(modules):
                self.add_module(str(i), module)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(OrderedDict(list(self._modules.items())[index]))
        return list(self._modules.values())[_position(index, len(self), "Sequential")]

    def append(self, module):
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self


class ModuleList(Module):
    """A list of layers that are registered (their parameters are the owner's), named by index.

    It has no forward: the owner decides how to call them.

    Example:
        >>> from chainrule import nn
        >>> blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
        >>> len(blocks), len(list(blocks.parameters()))
        (3, 6)
    """

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(modules[index])
        return modules[_position(index, len(self), "ModuleList")]

    def __setitem__(self, index, module):
        self.add_module(str(_position(index, len(self), "ModuleList")), module)

    def append(self, module):
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        """Add each of ``modules`` at the end; returns self."""
        for module in modules:
            self.append(module)
        return self


__all__ = ["Sequential", "ModuleList"]
