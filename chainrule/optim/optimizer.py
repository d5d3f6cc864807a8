"""The optimizer base: parameter groups, per-parameter state, and checkpoints of both.

A subclass names its state and updates one parameter's array; the base walks the groups, skips
parameters without a gradient, and saves and loads the state as plain arrays and numbers.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections import defaultdict

import numpy as np

from chainrule.backends import ForeignArray, constant_like, to_numpy
from chainrule.modes import enable_grad
from chainrule.graph import mutation
from chainrule.inplace import mark_written
from chainrule.tensor import Tensor, wrap


class Optimizer:
    """Base of the optimizers: ``param_groups`` of leaf tensors and a ``state`` per parameter.

    ``param_groups`` is a list of dicts, each with ``"params"`` (a list of tensors) and the
    hyperparameters for them; ``state[p]`` holds what the method remembers about ``p``
    (moments, a momentum buffer, a step count). A subclass lists the names of its
    parameter-shaped arrays in ``buffers`` and of its integer counters in ``counters``,
    checks a group in ``_check``, reads a group's hyperparameters in ``_settings`` and updates
    one parameter's array in ``_update``.

    Args:
        params: an iterable of leaf tensors, or of dicts ``{"params": [...], "lr": ...}`` that
            give some groups their own hyperparameters.
        defaults: the hyperparameters of groups that do not set them.

    Raises:
        TypeError: for params that are not leaf floating-point tensors, or given as a set.
        ValueError: for an empty parameter list, a parameter listed twice, or a bad
            hyperparameter.
    """

    buffers: tuple[str, ...] = ()
    counters: tuple[str, ...] = ()

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = defaultdict(dict)
        self.param_groups = []
        groups = _as_list(params, "params")
        if not groups:
            raise ValueError("the optimizer got an empty parameter list; pass the tensors to train")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a group of parameters, with hyperparameters that default to the optimizer's.

        Raises:
            TypeError, ValueError: as the constructor.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"a parameter group is a dict, got {type(param_group).__name__}")
        group = {**self.defaults, **param_group}
        group["params"] = [_check_parameter(p) for p in _as_list(group.get("params"), "params")]
        seen = {id(p) for other in self.param_groups for p in other["params"]}
        for p in group["params"]:
            if id(p) in seen:
                raise ValueError(
                    "a parameter appears twice (in one group or in two); list each tensor once"
                )
            seen.add(id(p))
        self._check(group)
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        """Clear every parameter's ``.grad``: None, or zeros with ``set_to_none=False``.

        Gradient arrays may be shared between tensors, so zeros are new arrays, never writes.

        Example:
            >>> import chainrule as cr
            >>> from chainrule.optim import SGD
            >>> w = cr.tensor([1.0, 2.0], requires_grad=True)
            >>> (w * w).sum().backward()
            >>> SGD([w], lr=0.1).zero_grad()
            >>> print(w.grad)
            None
        """
        for group in self.param_groups:
            if set_to_none:  # every training step: no test per parameter
                for p in group["params"]:
                    p.grad = None
                continue
            for p in group["params"]:
                if p.grad is not None:
                    p.grad = wrap(np.zeros_like(p.grad._data)[()])

    def step(self, closure=None):
        """Update every parameter that has a ``.grad``; return ``closure()`` when given.

        Args:
            closure: a function that recomputes the loss (with its backward pass) and returns
                it; it runs with recording on.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        epoch = None
        for group in self.param_groups:
            epoch = self._update_group(group["params"], self._settings(group), epoch)
        return loss

    def _update_group(self, params, settings, epoch):
        """Update each of ``params`` that has a ``.grad``; return the step's in-place stamp.

        The step's writes are one event: ``epoch`` is the stamp taken at its first write (None
        until then), which every later write shares. A subclass may update a whole group at
        once where its method allows (plain SGD does).
        """
        for p in params:
            if p.grad is not None:
                if epoch is None:
                    epoch = mutation.bump()
                self._update_parameter(p, settings, epoch)
        return epoch

    def _update_parameter(self, p, settings, epoch):
        # The math runs on the raw arrays with in-place ufuncs: nothing is recorded (so no
        # no_grad() is needed), no tensor is made per operation, and every holder of p sees the
        # new values. mark_written then stamps the write, so a backward pass through a graph
        # recorded before this step refuses to use the old value.
        data = p._data
        grad = p.grad._data
        if grad.shape != data.shape:
            raise ValueError(
                f"a parameter of shape {data.shape} has a .grad of shape {grad.shape}; a "
                "gradient must have its parameter's shape"
            )
        if isinstance(grad, np.ndarray) and not grad.flags.c_contiguous:
            # Weight gradients often arrive as transposed views; one copy into C order (the
            # parameters' layout) makes every later pass contiguous: about 20% faster for Adam.
            grad = np.ascontiguousarray(grad)
        # A 0-d tensor holds an immutable NumPy scalar: update a 0-d array and store its value.
        # Another library's array is held in a ForeignArray, which in-place updates rebind.
        array = data if isinstance(data, (np.ndarray, ForeignArray)) else np.array(data)
        self._update(array, grad, self.state[p], settings)
        if array is not data:
            p._data = array[()]
        mark_written(p, epoch)

    def _check(self, group):
        """Raise ValueError for a hyperparameter out of range (subclasses)."""
        raise NotImplementedError(f"{type(self).__name__} must define _check")

    def _settings(self, group):
        """The group's hyperparameters as Python numbers, read once per step (subclasses)."""
        raise NotImplementedError(f"{type(self).__name__} must define _settings")

    def _update(self, param, grad, state, settings):
        """Update the array ``param`` in place from ``grad`` (subclasses)."""
        raise NotImplementedError(f"{type(self).__name__} must define _update")

    # --- checkpoints --------------------------------------------------------------------------

    def state_dict(self):
        """The state and hyperparameters as plain numbers and copied arrays (no tensors).

        Parameters are numbered in group order from 0: ``{"state": {index: {name: value}},
        "param_groups": [{hyperparameter: value, ..., "params": [index, ...]}]}``. Arrays are
        copies, so the result can be written (e.g. with ``np.savez``) while training goes on.

        Example:
            >>> import chainrule as cr
            >>> from chainrule.optim import SGD
            >>> w = cr.tensor([1.0, 2.0], requires_grad=True)
            >>> optimizer = SGD([w], lr=0.1, momentum=0.9)
            >>> w.grad = cr.tensor([0.5, -0.5])
            >>> optimizer.step()
            >>> optimizer.state_dict()
            {'state': {0: {'momentum_buffer': array([ 0.5, -0.5])}},
             'param_groups': [{'lr': 0.1, 'momentum': 0.9, 'dampening': 0, 'weight_decay': 0,
                               'nesterov': False, 'params': [0]}]}
        """
        index = {}
        groups = []
        for group in self.param_groups:
            saved = {name: _copied(value) for name, value in group.items() if name != "params"}
            saved["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(saved)
        state = {
            index[id(p)]: {name: _copied(value) for name, value in values.items()}
            for p, values in self.state.items()
            if values and id(p) in index
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Take the state and hyperparameters from :meth:`state_dict`'s output (copied in).

        The groups must match this optimizer's in number and size, and each array the
        parameter's shape; arrays take the parameter's dtype. Nothing changes on error.

        Raises:
            ValueError: for a mismatch, naming the group, parameter and state entry.
        """
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(
                "an optimizer state dict has exactly the keys 'state' and 'param_groups' (as "
                "state_dict() returns)"
            )
        saved_groups = list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"the loaded state has {len(saved_groups)} parameter groups but this optimizer "
                f"has {len(self.param_groups)}"
            )
        groups, params = [], {}
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            groups.append(self._loaded_group(i, group, saved))
            params.update(zip(map(_index, saved["params"]), group["params"]))
        state = defaultdict(dict)
        for key, values in state_dict["state"].items():
            p = params.get(_index(key))
            if p is None:
                raise ValueError(f"the loaded state has an entry for unknown parameter {key!r}")
            state[p] = self._loaded_state(_index(key), p, values)
        self.param_groups, self.state = groups, state

    def _loaded_group(self, i, group, saved):
        if len(saved["params"]) != len(group["params"]):
            raise ValueError(
                f"parameter group {i} has {len(saved['params'])} parameters in the loaded state "
                f"but {len(group['params'])} in this optimizer"
            )
        loaded = dict(group)
        loaded.update((name, _plain(value)) for name, value in saved.items() if name != "params")
        self._check(loaded)
        return loaded

    def _loaded_state(self, index, p, values):
        state = {}
        for name, value in values.items():
            if name in self.counters:
                state[name] = operator.index(np.asarray(value)[()])
            elif name in self.buffers:
                array = constant_like(np.array(value, dtype=p.dtype), p)
                if array.shape != p.shape:
                    raise ValueError(
                        f"state '{name}' of parameter {index} has shape {array.shape}, but the "
                        f"parameter has shape {p.shape}"
                    )
                state[name] = array
            else:
                known = ", ".join(self.counters + self.buffers)
                raise ValueError(
                    f"unknown state '{name}' for parameter {index}; {type(self).__name__} keeps "
                    f"{known}"
                )
        return state

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join([*lines, ")"])


def check_range(group, name, low=0.0, high=math.inf):
    """Raise ValueError unless ``low <= group[name] < high`` (NaN fails too).

    Example:
        >>> check_range({"lr": -1.0}, "lr")
        Traceback (most recent call last):
        ...
        ValueError: lr must be a number >= 0.0, got -1.0
    """
    value = group.get(name)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low <= value < high:
        bounds = f">= {low}" if high == math.inf else f"in [{low}, {high})"
        raise ValueError(f"{name} must be a number {bounds}, got {value!r}")


def _as_list(params, what):
    if isinstance(params, Tensor):
        return [params]
    if isinstance(params, (set, frozenset)):
        raise TypeError(
            f"{what} must be an ordered collection (a list or a generator), not a set: the order "
            "of a set changes between runs, and saved optimizer state is matched by position"
        )
    try:
        return list(params)
    except TypeError:
        raise TypeError(
            f"{what} must be a tensor or an iterable of tensors, got {type(params).__name__}"
        ) from None


def _check_parameter(p):
    if not isinstance(p, Tensor):
        raise TypeError(f"an optimizer updates chainrule tensors, got {type(p).__name__}")
    if not p.is_leaf:
        raise TypeError(
            f"cannot optimize a tensor computed by '{p.op}'; optimize the leaf tensors it was "
            "computed from"
        )
    if p.dtype.kind != "f":
        raise TypeError(
            f"an optimizer updates real floating-point tensors, got dtype {p.dtype}; create the "
            "parameter with a float dtype"
        )
    return p


def _index(key):
    # Indices may come back from a file as NumPy integers or as the strings of their keys.
    if isinstance(key, str) and key.isdigit():
        return int(key)
    try:
        return operator.index(key)
    except TypeError:
        raise ValueError(f"a parameter index must be an integer, got {key!r}") from None


def _copied(value):
    if isinstance(value, ForeignArray):  # saved as NumPy: an explicit copy to the host
        return to_numpy(value)
    return np.array(value, copy=True) if isinstance(value, np.ndarray) else value


def _plain(value):
    # Hyperparameters read back from an array file come as NumPy values: make them Python again.
    if isinstance(value, (np.ndarray, np.generic)):
        value = value.tolist()
    return tuple(value) if isinstance(value, list) else value


__all__ = ["Optimizer", "check_range"]
