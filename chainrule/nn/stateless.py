"""functional_call: run a module with some parameters or buffers replaced by given tensors.

This is how a model's output becomes a function of its weights, for the transforms
(``chainrule.grad``, ``jacobian``, ``hessian``) and for ``gradcheck``.
"""

from __future__ import annotations

from contextlib import contextmanager


def functional_call(module, tensors, args=(), kwargs=None):
    """``module(*args, **kwargs)`` computed with ``tensors[name]`` in place of the parameter or
    buffer called ``name`` (dotted, as ``named_parameters`` gives); the module is unchanged
    afterwards. Names left out keep the module's own values.

    Args:
        module: the model.
        tensors: a mapping from dotted name to tensor or array.
        args: the positional arguments of forward (one value is taken as a 1-tuple).
        kwargs: its keyword arguments.

    Raises:
        KeyError: a name that is no parameter or buffer of the module.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> layer = nn.Linear(2, 1, bias=False, dtype=np.float64)
        >>> def output(w):
        ...     return nn.functional_call(layer, {"weight": w}, cr.tensor([[1.0, 2.0]])).sum()
        >>> cr.grad(output)(np.array([[0.5, 0.5]]))
        array([[1., 2.]])
    """
    args = args if isinstance(args, tuple) else (args,)
    with _replaced(module, tensors):
        return module(*args, **(kwargs or {}))


@contextmanager
def _replaced(module, tensors):
    saved = []
    try:
        for name, value in tensors.items():
            table = _table_of(module, name)
            key = name.rpartition(".")[2]
            saved.append((table, key, table[key]))
            table[key] = value
        yield
    finally:
        for table, key, value in reversed(saved):
            table[key] = value


def _table_of(module, name):
    owner_path, _, key = name.rpartition(".")
    try:
        owner = module.get_submodule(owner_path)
    except AttributeError:
        owner = None
    for table in ("_parameters", "_buffers"):
        if owner is not None and key in owner.__dict__[table]:
            return owner.__dict__[table]
    raise KeyError(
        f"functional_call: {type(module).__name__} has no parameter or buffer named {name!r}"
    )


__all__ = ["functional_call"]
