"""Containers of values (pytrees): tuples, lists and dicts of numbers, arrays and tensors.

A transform flattens each argument into its leaves, differentiates with respect to the leaves,
and builds its results in the same containers. Dicts keep their insertion order; named tuples
come back as the same named tuple.
"""

from __future__ import annotations

import numbers

import numpy as np

from chainrule.backends import ForeignArray, is_foreign_array
from chainrule.tensor import Tensor

LEAF = None  # the structure of a single value


def is_leaf_value(value):
    """Whether ``value`` is one value (a number, array or tensor) rather than a container."""
    return isinstance(value, (Tensor, np.ndarray, np.generic, numbers.Number, ForeignArray)) or (
        is_foreign_array(value))


def flatten(tree, where):
    """``(leaves, structure, paths)``: the values of ``tree`` in order, and how to rebuild it.

    ``where`` names the whole tree in error messages ("argument 0"); ``paths`` names each leaf
    ("argument 0['w'][1]").

    Raises:
        TypeError: for anything that is neither a container nor a number, array or tensor.
    """
    leaves, paths = [], []
    structure = _flatten(tree, where, leaves, paths)
    return leaves, structure, paths


def _flatten(tree, path, leaves, paths):
    if isinstance(tree, (tuple, list)):
        children = tuple(_flatten(c, f"{path}[{i}]", leaves, paths) for i, c in enumerate(tree))
        return (type(tree), None, children)
    if isinstance(tree, dict):
        children = tuple(_flatten(v, f"{path}[{k!r}]", leaves, paths) for k, v in tree.items())
        return (dict, tuple(tree), children)
    if not is_leaf_value(tree):
        hint = " (did the function forget to return?)" if tree is None else ""
        raise TypeError(
            f"{path} is a {type(tree).__name__}{hint}, not a number, array or tensor; "
            "transforms work on numbers, NumPy arrays, tensors, and tuples, lists or dicts "
            "of them"
        )
    leaves.append(tree)
    paths.append(path)
    return LEAF


def unflatten(structure, leaves):
    """The container ``structure`` describes, holding ``leaves`` (an iterable) in order."""
    return _build(structure, iter(leaves))


def _build(structure, leaves):
    if structure is LEAF:
        return next(leaves)
    kind, keys, children = structure
    # A leaf child is taken without a call: containers of thousands of values are common.
    values = [next(leaves) if child is LEAF else _build(child, leaves) for child in children]
    if kind is dict:
        return dict(zip(keys, values))
    if kind is list or kind is tuple:
        return kind(values)
    if hasattr(kind, "_fields"):  # a named tuple takes its fields as arguments
        return kind(*values)
    return kind(values)


def map_tensors(fn, tree):
    """``tree`` with ``fn`` applied to each tensor in it; containers rebuilt, the rest kept."""
    if isinstance(tree, Tensor):
        return fn(tree)
    if isinstance(tree, dict):
        return {k: map_tensors(fn, v) for k, v in tree.items()}
    if isinstance(tree, (tuple, list)):
        values = [map_tensors(fn, v) for v in tree]
        return type(tree)(*values) if hasattr(tree, "_fields") else type(tree)(values)
    return tree


def count(structure):
    """How many leaves ``structure`` holds."""
    if structure is LEAF:
        return 1
    return sum(count(child) for child in structure[2])


def describe(structure):
    """A short picture of a structure for error messages: ``(*, {'w': *, 'b': *})``."""
    if structure is LEAF:
        return "*"
    kind, keys, children = structure
    inner = [describe(child) for child in children]
    if kind is dict:
        return "{" + ", ".join(f"{k!r}: {v}" for k, v in zip(keys, inner)) + "}"
    if issubclass(kind, list):
        return "[" + ", ".join(inner) + "]"
    return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"


__all__ = ["LEAF", "flatten", "unflatten", "map_tensors", "count", "describe", "is_leaf_value"]
