"""Parameter: a tensor that a Module registers as something to learn.

It is an ordinary leaf tensor that requires grad by default; being a Parameter is what makes
``module.weight = Parameter(...)`` show up in ``module.parameters()`` and ``state_dict()``.
"""

from __future__ import annotations

import numpy as np

from chainrule.tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that a Module learns; it requires grad unless told otherwise.

    The data is copied (as ``chainrule.tensor`` does) and keeps its dtype; a tensor that was
    computed is taken by value, without its graph. Operations on a Parameter give plain Tensors.

    Args:
        data: the initial values (array, tensor or nested list); an empty float32 array if None.
        requires_grad: False for a parameter that is registered but frozen.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.Parameter(np.zeros(2, dtype=np.float32))
        Parameter(tensor([0., 0.], dtype=float32))
    """

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            data = np.empty(0, dtype=np.float32)
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self):
        body = repr(self.detach()).replace("\n", "\n" + " " * len("Parameter("))
        flag = "" if self.requires_grad else ", requires_grad=False"
        return f"Parameter({body}{flag})"

    def __deepcopy__(self, memo):
        out = Parameter(self._data.copy(), requires_grad=self.requires_grad)
        memo[id(self)] = out
        return out


__all__ = ["Parameter"]
