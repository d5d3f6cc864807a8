"""Trees of values: tuples, lists, dicts and named tuples of numbers, arrays and tensors, as the
transforms see them (one notion of container, :mod:`chainrule.transforms.trees`), for users.

``flatten`` gives the leaves in order and a :class:`TreeDef` that rebuilds the tree; ``map``
applies a function to every leaf. Dicts keep their insertion order.
"""

from __future__ import annotations

from chainrule.transforms import trees


class TreeDef:
    """The shape of a tree without its leaves: what :func:`unflatten` fills.

    Two trees have equal ``TreeDef`` when they have the same containers (types, dict keys and
    lengths) in the same places.

    Example:
        >>> import chainrule as cr
        >>> leaves, treedef = cr.tree.flatten({"w": 1.0, "b": (2.0, 3.0)})
        >>> treedef
        TreeDef({'w': *, 'b': (*, *)})
        >>> treedef.num_leaves
        3
    """

    __slots__ = ("structure",)

    def __init__(self, structure):
        self.structure = structure

    @property
    def num_leaves(self):
        """How many leaves the tree holds."""
        return trees.count(self.structure)

    def unflatten(self, leaves):
        """The tree with ``leaves`` in place, in order (see :func:`unflatten`)."""
        return unflatten(self, leaves)

    def __eq__(self, other):
        return isinstance(other, TreeDef) and self.structure == other.structure

    def __hash__(self):
        return hash(self.structure)

    def __repr__(self):
        return f"TreeDef({trees.describe(self.structure)})"


def flatten(tree):
    """``(leaves, treedef)``: the numbers, arrays and tensors in ``tree``, in order, and its shape.

    Args:
        tree: a number, array or tensor, or a tuple, list, dict or named tuple of trees.

    Returns:
        The list of leaves, and the :class:`TreeDef` that :func:`unflatten` rebuilds from.

    Raises:
        TypeError: for a value that is neither a container nor a number, array or tensor
            (the message names where it is: ``tree['w'][1]``).

    Example:
        >>> import chainrule as cr
        >>> leaves, treedef = cr.tree.flatten({"w": [1.0, 2.0], "b": 3.0})
        >>> leaves
        [1.0, 2.0, 3.0]
    """
    leaves, structure, _ = trees.flatten(tree, "tree")
    return leaves, TreeDef(structure)


def unflatten(treedef, leaves):
    """The tree ``treedef`` describes, holding ``leaves`` in order.

    Raises:
        ValueError: when the number of leaves differs from ``treedef.num_leaves``.

    Example:
        >>> import chainrule as cr
        >>> _, treedef = cr.tree.flatten((1.0, {"a": 2.0}))
        >>> cr.tree.unflatten(treedef, [10.0, 20.0])
        (10.0, {'a': 20.0})
    """
    leaves = list(leaves)
    if len(leaves) != treedef.num_leaves:
        raise ValueError(
            f"{treedef!r} holds {treedef.num_leaves} leaves, but {len(leaves)} were given"
        )
    return trees.unflatten(treedef.structure, leaves)


def leaves(tree):
    """The numbers, arrays and tensors in ``tree``, in order (``flatten(tree)[0]``).

    Example:
        >>> import chainrule as cr
        >>> cr.tree.leaves([1.0, (2.0, {"c": 3.0})])
        [1.0, 2.0, 3.0]
    """
    return flatten(tree)[0]


def map(f, tree, *rest):  # noqa: A001  (JAX's and the issue's name: tree.map)
    """The tree of ``f(leaf, *others)`` for each leaf of ``tree`` and the leaves in the same
    place in each of ``rest``, which must have the same shape.

    Raises:
        ValueError: when a tree in ``rest`` has another shape (both are described).

    Example:
        >>> import chainrule as cr
        >>> cr.tree.map(lambda x, y: x + y, {"w": 1.0, "b": 2.0}, {"w": 10.0, "b": 20.0})
        {'w': 11.0, 'b': 22.0}
    """
    values, treedef = flatten(tree)
    columns = [values]
    for k, other in enumerate(rest, start=1):
        other_values, other_def = flatten(other)
        if other_def != treedef:
            raise ValueError(
                f"tree.map needs trees of one shape, but tree {k} is {other_def!r} and tree 0 "
                f"is {treedef!r}"
            )
        columns.append(other_values)
    return unflatten(treedef, [f(*row) for row in zip(*columns)])


__all__ = ["TreeDef", "flatten", "unflatten", "leaves", "map"]
