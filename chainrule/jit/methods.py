"""Steps written as Python operators and array methods: ``x @ y`` for matmul, ``x + y`` for add,
``x.sum(axis=…)`` for sum, ``x.transpose(axes)``. NumPy's functions (``np.sum``,
``np.transpose``) are Python wrappers that end in these same methods, about 1 µs a call on
small arrays; the op's forward adds a call of its own around them. The replay knows its values
are arrays (the trace saw them), so it calls what the wrappers would: the same results, bit for
bit.
"""

from __future__ import annotations

import functools
import operator

import numpy as np

from chainrule.primitive import REGISTRY


def _matmul(x, y, params):
    # The op's forward only adds a clearer message for misaligned shapes, which a replay, on
    # the trace's shapes, cannot meet.
    return f"{x} @ {y}"


def _sum(x, params):
    return f"{x}.sum(axis={params['axis']}, keepdims={params['keepdims']})"


def _transpose(x, params):
    return f"{x}.transpose({params['axes']})"


_BY_OP = {"matmul": _matmul, "sum": _sum, "transpose": _transpose}


@functools.cache
def _forms():
    # Looked up once the ops are declared (they register as chainrule.ops is imported).
    return {REGISTRY[name].forward: form for name, form in _BY_OP.items()}


def _operator(template):
    return lambda *operands_and_params: template.format(*operands_and_params[:-1])


# ``operator.add(x, y)`` is ``x + y`` whatever x and y are: written as the operator, the call
# goes.
_OPERATORS = {
    operator.add: _operator("{0} + {1}"), operator.sub: _operator("{0} - {1}"),
    operator.mul: _operator("{0} * {1}"), operator.truediv: _operator("{0} / {1}"),
    operator.neg: _operator("-{0}"), operator.pow: _operator("{0} ** {1}"),
}


def method_form(fn, kinds):
    """The writer of a step's expression as array methods, ``writer(*operands, params)``
    (operands and params already written as expressions), or None: the step stays a call of
    the op's forward. ``kinds`` are the types of the operands at the trace (None for
    constants)."""
    form = _OPERATORS.get(fn)
    if form is not None:
        return form
    form = _forms().get(fn)
    if form is None or not kinds or any(kind is not np.ndarray for kind in kinds):
        return None
    return form


__all__ = ["method_form"]
