"""The two errors of array backends: an op a backend cannot run, and arrays of two backends in
one op. Both name what was asked and what to do; the engine adds the op's name where it knows it.
"""

from __future__ import annotations


class BackendError(TypeError):
    """An op that the array's backend cannot run, or arrays of two backends in one op.

    ``op`` is the chainrule op that was running, once the engine has named it; ``detail`` says
    what failed. The message is one sentence naming both (docs/scaling.md lists the ops each
    backend lacks).
    """

    def __init__(self, detail, backend, op=None):
        self.detail = detail
        self.backend = backend
        self.op = op
        super().__init__(self._message())

    def _message(self):
        if self.op is None:
            return f"not available for {self.backend} arrays: {self.detail}"
        return f"chainrule.{self.op} is not available for {self.backend} arrays: {self.detail}"

    def in_op(self, op, inputs=()):
        """The same error naming ``op``, the innermost op that raised it (an outer op that a
        rule ran inside keeps the inner name: that is the op the backend lacks)."""
        if self.op is not None:
            return self
        return type(self)(self.detail, self.backend, op)


class MixedBackendsError(BackendError):
    """Arrays of two backends met in one op (NumPy and CuPy, Dask and array-api-strict, ...)."""

    def __init__(self, detail, backend, op=None, other=None):
        self.other = other
        super().__init__(detail, backend, op)

    def _message(self):
        where = f"chainrule.{self.op}" if self.op is not None else "an op"
        return (
            f"{where} got arrays of two backends, {self.backend} and {self.other}: {self.detail}. "
            "Move one to the other's namespace with chainrule.to_namespace(value, xp) (an "
            "explicit copy), or a model's parameters with model.to_namespace(xp)"
        )

    def in_op(self, op, inputs=()):
        if self.op is not None:
            return self
        if self.other == "numpy" and not any(_is_numpy_array(x) for x in inputs):
            # The caller gave no NumPy array: the op itself made one (np.eye(n), np.zeros of a
            # shape) to combine with the backend's arrays, which it cannot do without a copy.
            return BackendError(
                "its forward or rules build NumPy arrays (from shapes: np.zeros, np.eye, "
                "np.arange, ...) to combine with the backend's arrays", self.backend, op)
        return type(self)(self.detail, self.backend, op, self.other)


def _is_numpy_array(value):
    import numpy as np

    data = getattr(value, "_data", value)
    return isinstance(data, np.ndarray) and data.ndim > 0


__all__ = ["BackendError", "MixedBackendsError"]
