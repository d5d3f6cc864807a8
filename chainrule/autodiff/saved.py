"""What a reverse sweep reads back from a node: its saved inputs and output (tensors when the
sweep is itself recorded), checked first for having been freed or written in place since."""

from __future__ import annotations

from chainrule.graph import OutputNode, mutation
from chainrule.tensor import Tensor, wrap


def check_saved(node):
    """Refuse a node whose saved values were freed, or changed in place after it was recorded."""
    if node.inputs is None:
        raise RuntimeError(
            f"trying to go backward through the graph a second time (at '{node.prim.name}'): "
            "its saved values were freed after the first backward. Pass retain_graph=True to "
            "the first backward() if you need to go through it again"
        )
    if node.dropped:
        raise RuntimeError(
            f"trying to go backward through the graph a second time (at '{node.prim.name}'): "
            "a jit trace dropped its saved values after the gradient that read them. Inside a "
            "jitted function, take each gradient of a graph once (cr.vjp for several)"
        )
    if node.epoch != mutation.epoch:
        check_unmodified(node)


def saved_values(node, differentiable):
    """The inputs and output the rules read: tensors when the sweep is recorded, else arrays."""
    if differentiable:
        if isinstance(node, OutputNode):  # the rule of an op with several outputs sees them all
            return node.inputs, tuple(_saved_tensor(out, sibling) for out, sibling in
                                      zip(node.out, node.siblings))
        return _input_tensors(node), _saved_tensor(node.out, node)
    if node.raw is not None:
        return node.raw, node.out
    inputs = [x._data if isinstance(x, Tensor) else x for x in node.inputs]
    return inputs, node.out


def _input_tensors(node):
    # A node that kept only its inputs' values (see record) gives its rules tensors made again
    # from them and their parents: the same values, and the same nodes to record through.
    if node.inputs is not node.raw:
        return node.inputs
    return tuple(x if parent is None else wrap(x, parent)
                 for x, parent in zip(node.raw, node.parents))


def _saved_tensor(out, node):
    saved = wrap(out, node)
    saved.tangents = None if node is None else node.tangents
    return saved


def check_unmodified(node):
    """Refuse to use a saved value that was changed in place after it was recorded."""
    prim = node.prim
    if prim.reads_out and node.clobbered:
        raise modified_error(prim, "its output")
    if not prim.reads_inputs:
        return
    if node.inputs is node.raw:  # the node kept values: the owners' versions say (see Node)
        for i, owner in enumerate(node.owners or ()):
            tensor = None if owner is None else owner()
            if tensor is not None and tensor._version > node.epoch:
                raise modified_error(prim, f"its input {i}")
        return
    for i, x in enumerate(node.inputs):
        if isinstance(x, Tensor) and version_of(x) > node.epoch:
            raise modified_error(prim, f"its input {i}")


def version_of(tensor):
    base = tensor._base if tensor._base is not None else tensor
    return base._version


def modified_error(prim, what):
    return RuntimeError(
        f"a value that '{prim.name}' saved for the backward pass ({what}) was modified in "
        "place after it was used; the gradient would be wrong. Do the in-place update after "
        "backward(), or use an out-of-place op (y = y + 1 instead of y += 1)"
    )


__all__ = ["check_saved", "saved_values", "check_unmodified"]
