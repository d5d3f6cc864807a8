"""Saving and restoring a Module's values: state_dict and load_state_dict.

A state dict maps dotted names ("0.weight", "bn.running_mean") to NumPy arrays, so it can be
written with ``np.savez(path, **state)`` and read back with ``np.load(path, allow_pickle=False)``.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from chainrule.backends import ForeignArray, constant_like, to_numpy
from chainrule.modes import no_grad

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])
IncompatibleKeys.__doc__ = "What load_state_dict skipped: the keys missing and the keys unknown."


def _named_values(module):
    """Every parameter and buffer by dotted name, in PyTorch's order: each module's parameters,
    then its buffers, then its submodules'. A value shared by two layers appears under both."""
    for prefix, owner in module.named_modules(remove_duplicate=False):
        for table in ("_parameters", "_buffers"):
            for name, value in owner.__dict__[table].items():
                if value is not None:
                    yield (f"{prefix}.{name}" if prefix else name), value


def state_dict(module):
    """``{dotted name: array}`` for every parameter and buffer of ``module``: copies, so that
    training on afterwards does not change them.

    Example:
        >>> from chainrule import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.BatchNorm1d(3))
        >>> for name, value in model.state_dict().items():
        ...     print(name, value.shape, value.dtype)
        0.weight (3, 2) float32
        0.bias (3,) float32
        2.weight (3,) float32
        2.bias (3,) float32
        2.running_mean (3,) float32
        2.running_var (3,) float32
        2.num_batches_tracked () int64
    """
    return {name: _host_copy(value._data) for name, value in _named_values(module)}


def _host_copy(data):
    # Another library's array (Dask, CuPy, ...) is saved as NumPy too: an explicit copy to the
    # host (a Dask array is computed), so that a checkpoint loads anywhere.
    if isinstance(data, ForeignArray):
        return to_numpy(data)
    return np.array(data, copy=True)


def load_state_dict(module, state, strict=True):
    """Copy the arrays of ``state`` into ``module``'s parameters and buffers, in place.

    The Parameter objects stay the same ones, so an optimizer built on them keeps working.
    Everything is checked before anything is written: on an error nothing was loaded.

    Args:
        module: the model.
        state: a mapping from dotted name to array (what ``state_dict()`` returns, or an .npz
            file opened with ``np.load``).
        strict: if True, the keys must be exactly the model's; if False, missing and unexpected
            keys are skipped (and returned). Shapes and dtypes must match either way.

    Returns:
        ``IncompatibleKeys(missing_keys, unexpected_keys)``, two lists of names.

    Raises:
        ValueError: naming every missing or unexpected key (when strict) and every shape or
            dtype that does not match.

    Example:
        >>> from chainrule import nn
        >>> source, target = nn.Linear(2, 1), nn.Linear(2, 1)
        >>> target.load_state_dict(source.state_dict())
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        >>> bool((target.weight.numpy() == source.weight.numpy()).all())
        True
    """
    if not hasattr(state, "keys") or not hasattr(state, "__getitem__"):
        raise TypeError(
            f"load_state_dict expects a mapping from name to array (what "
            f"state_dict() returns), got {type(state).__name__}"
        )
    targets = dict(_named_values(module))
    missing = [name for name in targets if name not in state]
    unexpected = [name for name in state.keys() if name not in targets]
    problems = _key_problems(missing, unexpected) if strict else []
    values = {}
    for name, target in targets.items():
        if name in state:
            values[name], problem = _checked(name, state[name], target)
            problems += [problem] if problem else []
    if problems:
        raise ValueError(_report(module, problems, strict and (missing or unexpected)))
    with no_grad():
        for name, value in values.items():
            # A model on another library gets each saved array copied into that library.
            targets[name][...] = constant_like(value, targets[name])
    return IncompatibleKeys(missing, unexpected)


def _key_problems(missing, unexpected):
    problems = []
    if missing:
        problems.append(
            "missing keys (in the model, not in the state dict): " + ", ".join(map(repr, missing))
        )
    if unexpected:
        problems.append(
            "unexpected keys (in the state dict, not in the model): "
            + ", ".join(map(repr, unexpected))
        )
    return problems


def _checked(name, value, target):
    """The saved value as an array, and what is wrong with it for ``target`` (or None)."""
    array = np.asarray(getattr(value, "_data", value))
    if array.dtype.kind not in "biufc":
        return (
            array,
            f"{name!r}: expected an array of numbers, got {type(value).__name__} "
            f"of dtype {array.dtype}",
        )
    if array.shape != target.shape:
        return (
            array,
            f"{name!r}: shape {array.shape} in the state dict, but the model's is {target.shape}",
        )
    if array.dtype != target.dtype:
        return (
            array,
            f"{name!r}: dtype {array.dtype} in the state dict, but the model's is "
            f"{target.dtype} (convert the model with .to(dtype) or the array with "
            f".astype(dtype))",
        )
    return array, None


def _report(module, problems, keys_wrong):
    text = f"cannot load the state dict into {type(module).__name__}; nothing was loaded:\n  "
    text += "\n  ".join(problems)
    if keys_wrong:
        text += "\n(pass strict=False to load the keys that match and skip the others)"
    return text


__all__ = ["state_dict", "load_state_dict", "IncompatibleKeys"]
