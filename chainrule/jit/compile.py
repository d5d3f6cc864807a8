"""The recorded graph compiled to a program: from the outputs' nodes back to the trace's inputs,
each node's forward becomes one step, on slots (values of the trace) and constants.

What the walk reaches is what the outputs need: the rest of the graph (a sweep's results the
function ignored, the forward values a gradient does not read) is never emitted.
"""

from __future__ import annotations

import itertools
import operator

import numpy as np

from chainrule.graph import Made, reachable
from chainrule.jit.program import Slot, Step, build
from chainrule.tensor import Tensor
from chainrule.trace_recording import sources
from chainrule.ops.identity import transform_input


def compile_trace(trace, inputs, outputs, name, donated=()):
    """The :class:`Program` of ``trace``: its arguments fill ``inputs`` (tensors the trace
    made), and it returns the flat ``outputs`` (tensors, or constants). It may write into the
    inputs at the positions ``donated``."""
    refs = {x.node: Slot(i) for i, x in enumerate(inputs)}
    roots = [leaf.node for leaf in outputs if _traced(trace, leaf)]

    def edges(node):
        return sources(node) if node.seq >= trace.first_seq else ()

    steps, numbers = [], itertools.count(len(inputs))
    for node in reversed(reachable(roots, edges=edges)):  # parents before children
        if node not in refs:
            refs[node] = _ref_of(trace, node, refs, steps, numbers)
    returned = [refs[leaf.node] if _traced(trace, leaf) else _constant(leaf) for leaf in outputs]
    draws = any(getattr(node.prim, "random", False) for node in refs if type(node) is not int)
    return build([refs[x.node] for x in inputs], steps, returned, name,
                 input_kinds=[type(x._data) for x in inputs], may_rerun=not draws,
                 input_layouts=[layout_of(x._data) for x in inputs], donated=donated)


def layout_of(value):
    """(shape, dtype, strides) of an array, else None: what an array written in place keeps."""
    return (value.shape, value.dtype, value.strides) if type(value) is np.ndarray else None


def _ref_of(trace, node, refs, steps, numbers):
    """The slot (or constant) that holds ``node``'s value in the program."""
    if node.seq < trace.first_seq or (node.prim is None and not node.parents):
        trace.refuse_outside_tensor()  # made before the trace, or a leaf the trace did not make
    if node.released:
        trace.refuse("a value the result needs was freed by a backward pass (retain_graph)")
    # The same value as its input: a detached value, or a transform's input.
    if node.prim is None or node.prim is transform_input:
        return _argument(node, 0, refs)
    args = [_argument(node, i, refs) for i in range(len(node.parents))]
    params = {key: _substituted(value, refs) for key, value in node.params.items()}
    joint = getattr(node.prim, "joint", None)
    if joint is not None:  # one output of several: the op runs once, each output is picked
        whole = refs.get(id(node.siblings))
        if whole is None:
            whole = refs[id(node.siblings)] = Slot(next(numbers))
            steps.append(Step(joint.forward, joint.name, args, params, whole))
        args, params = [whole, node.index], {}
    out = Slot(next(numbers))
    value = node.value
    kind, layout = (value.kind, value.layout) if type(value) is Made else (
        type(value), layout_of(value))
    steps.append(Step(operator.getitem if joint else node.prim.forward,
                      "output" if joint else node.prim.name, args, params, out, kind, layout))
    return out


def _argument(node, i, refs):
    parent = node.parents[i]
    if parent is not None:
        return refs[parent]
    if node.raw is not None:
        return node.raw[i]
    return _constant(node.inputs[i])


def _substituted(value, refs):
    """A param as the step reads it: recorded tensors (an index of labels) become slots."""
    if isinstance(value, Tensor):
        return refs[value.node] if value.node is not None else value._data
    if type(value) is tuple or type(value) is list:
        parts = [_substituted(v, refs) for v in value]
        changed = any(p is not v for p, v in zip(parts, value))
        return type(value)(parts) if changed else value
    return value


def _traced(trace, leaf):
    return isinstance(leaf, Tensor) and leaf.node is not None and leaf.node.seq >= trace.first_seq


def _constant(value):
    return value._data if isinstance(value, Tensor) else value


__all__ = ["compile_trace"]
