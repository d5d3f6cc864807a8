"""Which elementwise steps of a program write their result into an operand's array (``out=``)
instead of a new one: an operand that dies at that step, owns its memory, and has the result's
shape, dtype and strides. Eager NumPy allocates a result per step; a replay knows which values
are read again, so it can reuse what nothing reads any more (at the scale of W3, a megabyte a
step), and with ``donate_argnums`` update the caller's parameters in place.

The result is the same ufunc loop on the same operands, so the same bits: an elementwise ufunc
reads each element before it writes the same element.
"""

from __future__ import annotations

import operator

import numpy as np

# Imported for the primitives they declare (matmul, sum, transpose, cross_entropy).
from chainrule.ops import contraction, reductions, shape  # noqa: F401
from chainrule.ops.nn import losses  # noqa: F401
from chainrule.primitive import REGISTRY

# Steps that always return a new array of their own (never a view of an operand).
_UFUNCS = {
    operator.add: np.add, operator.sub: np.subtract, operator.mul: np.multiply,
    operator.truediv: np.true_divide, operator.neg: np.negative, operator.pow: np.power,
}
_FRESH = {*_UFUNCS, *(REGISTRY[name].forward for name in ("matmul", "sum", "cross_entropy"))}
# Steps whose result is a writeable view of their one operand: a transpose of an array that is
# a step's own is as much a result of its own (a Linear weight's gradient is one, laid out as
# the weight).
_WRITEABLE_VIEWS = {REGISTRY["transpose"].forward}


def ufunc_of(fn):
    """The elementwise ufunc that ``fn`` calls, or None."""
    if isinstance(fn, np.ufunc):
        return fn if fn.nout == 1 else None
    return _UFUNCS.get(fn)


def in_place_targets(steps, inputs, last_read, layouts, donated, slot_type, temporaries=True):
    """{step position: slot index}: the operand whose array each step may write its result into.

    ``last_read`` maps slot indices to the position of their last reader (past the last step
    for outputs); ``layouts`` maps them to ``(shape, dtype, strides)`` of the arrays the trace
    saw; ``donated`` holds the indices of input slots the caller gave up, ``temporaries`` whether
    the values the program makes may be written too; ``slot_type`` is the Slot class (passed
    in, to keep the import one way).
    """
    # slot -> the slots whose memory it may hold (itself alone when it owns its array), and
    # slot -> the other slots that may hold its memory (views of it).
    owners = {slot.index: {slot.index} for slot in inputs}
    views = {}
    writable = set(donated)
    if temporaries:
        writable |= {index for index in layouts} - {slot.index for slot in inputs}
    targets = {}
    for position, step in enumerate(steps):
        operands = [arg.index for arg in step.args if type(arg) is slot_type]
        target = _target(step, position, operands, owners, last_read, views, layouts, writable)
        if target is not None:
            targets[position] = target
        held = _owners_of(step, operands, owners)
        owners[step.out.index] = held
        if held != {step.out.index}:
            for index in held:
                views.setdefault(index, []).append(step.out.index)
    return targets


def fresh_outputs(steps, outputs, slot_type):
    """Whether every output is an array of its own that a step made, or a transpose of one (or
    not an array): then no result can share memory with another result or with an input, and a
    call need not test them. Written in place, such a step's array is a temporary's or a
    donated input's, which nothing else holds."""
    owners, own = {}, set()
    for step in steps:
        operands = [arg.index for arg in step.args if type(arg) is slot_type]
        owners[step.out.index] = _owners_of(step, operands, owners)
        if _makes_new_array(step):
            own.add(step.out.index)
        elif step.fn in _WRITEABLE_VIEWS and len(operands) == 1 and operands[0] in own:
            own.add(step.out.index)
    slots = [out.index for out in outputs if type(out) is slot_type]
    if len(set(slots)) != len(slots) or not all(index in own for index in slots):
        return False
    claimed = [owners[index] for index in slots]
    return len(set().union(*claimed)) == sum(len(held) for held in claimed)


def _owners_of(step, operands, owners):
    """The slots whose memory a step's result may hold: its own alone where the step always
    makes a new array, else (a view, a reshape, a function that may return its operand) those
    of its operands."""
    if _makes_new_array(step):
        return {step.out.index}
    return set().union(*(owners.get(index, ()) for index in operands))


def _makes_new_array(step):
    return step.fn in _FRESH or (ufunc_of(step.fn) is not None and not step.params)


def _target(step, position, operands, owners, last_read, views, layouts, writable):
    if step.params or ufunc_of(step.fn) is None or step.out.index not in layouts:
        return None
    for index in operands:
        if (index in writable and owners.get(index) == {index}
                and last_read.get(index) == position
                and layouts.get(index) == layouts[step.out.index]
                and all(last_read.get(view, -1) < position for view in views.get(index, ()))):
            return index
    return None


__all__ = ["fresh_outputs", "in_place_targets", "ufunc_of"]
