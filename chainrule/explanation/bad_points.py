"""Points where a recorded step is undefined, or sits on a kink: read from the engine's record,
so that a derivative is never shown beside a value that does not exist without saying so.

A step is **undefined** where its inputs are numbers and its value is not (``log(-1)``,
``1/0``, ``0/0``) or where it makes a NaN of no NaN (``inf - inf``); it has **no derivative**
where its value is a number but its local derivative is not (``sqrt`` at 0). A step is at a
**kink** where its derivative jumps (``abs`` and ``relu`` at 0, a tie of ``maximum``, ``clip``
at a bound): the engine then takes one value by convention, and the note names it.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np

from chainrule.explanation.record import INFIX
from chainrule.explanation.formulas.writing import call_text, literal
from chainrule.graph import reachable
from chainrule.modes import enable_grad
from chainrule.tensor import Tensor

# Steps written out up to this length; a longer one is named by its own operation.
LONGEST_STEP = 60


class PointWarning(UserWarning):
    """A function explained at a point where a step is undefined or at a kink."""


@dataclass(frozen=True)
class PointNote:
    """What is special about one step at the point.

    ``kind`` is ``"undefined"`` (the step has no value there), ``"no derivative"`` (it has a
    value but no finite derivative) or ``"kink"`` (its derivative jumps there; the engine's
    convention is named); ``step`` is the step written in the inputs' names (``log(x)``) and
    ``reason`` says why (``the log of a negative number (-1)``).
    """

    kind: str
    step: str
    reason: str

    def __str__(self):
        if self.kind == "kink":
            return f"{self.step} is at a kink, {self.reason}"
        if self.kind == "no derivative":
            return f"{self.step} has no derivative here: {self.reason}"
        return f"{self.step} is undefined here: {self.reason}"


def point_notes(outputs, names, variables=None, constant_parts=False):
    """The notes for each recorded step that leads to ``outputs``, in the order they ran.

    Args:
        outputs: the outputs (tensors) of a recorded function.
        names: how each leaf node is written (an input's name, a number's text).
        variables: the leaf nodes that are variables (default: every leaf); a kink's
            derivatives are given for the inputs that depend on them.
        constant_parts: read only the steps that depend on no variable (such as the ``0/0``
            of ``x + 0/0``, undefined at every point).

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor(-1.0, requires_grad=True)
        >>> with np.errstate(invalid="ignore"):
        ...     y = cr.log(x)
        >>> [str(note) for note in point_notes([y], {x.node: "x"})]
        ['log(x) is undefined here: the log of a negative number (-1)']
    """
    roots = [out.node for out in outputs if isinstance(out, Tensor) and out.node is not None]
    nodes = sorted(reachable(roots), key=lambda node: node.seq)
    written, varies, notes = dict(names), {}, []
    for node in nodes:
        if node.prim is None:
            varies[node] = variables is None or node in variables
            continue
        varies[node] = any(varies.get(parent, False) for parent in node.parents)
        written[node] = _step_text(node, written)
        if constant_parts and varies[node]:
            continue
        moving = [varies.get(parent, False) for parent in node.parents]
        try:
            note = _note(node, written[node], moving)
        except Exception:  # noqa: BLE001  (a note is a reading aid: an odd step gets none)
            note = None
        if note is not None and note not in notes:
            notes.append(note)
    return notes


def formula_notes(expression, point, constant_parts=False):
    """The notes of a parsed formula (an ``Expression``) at ``point`` (one value per variable),
    with every number written in it a leaf of its own, so that ``0/0`` is a step too.

    ``constant_parts``: only the parts without variables (undefined at every point).

    Example:
        >>> from chainrule.explanation.formulas.expression import parse
        >>> [str(note) for note in formula_notes(parse("x + 0/0"), [1.0], True)]
        ['0 / 0 is undefined here: 0/0, which has no value']
    """
    from chainrule.explanation.formulas.expression import evaluate
    from chainrule.tensor import tensor

    names = {}

    def leaf(value, name):
        made = tensor(np.float64(value), requires_grad=True)
        names[made.node] = name
        return made

    def number(node):
        return leaf(evaluate(node, {}), repr(node.value) if hasattr(node, "value") else node.id)

    values = {name: leaf(value, name) for name, value in zip(expression.variables, point)}
    with np.errstate(all="ignore"), enable_grad():
        out = evaluate(expression.tree, values, number)
    variables = {value.node for value in values.values()}
    return point_notes([out], names, variables, constant_parts)


def warn(notes, stacklevel=3):
    """Warn (a :class:`PointWarning`) about the notes, one line each."""
    if notes:
        warnings.warn("; ".join(map(str, notes)), PointWarning, stacklevel=stacklevel)


def _note(node, step, moving):
    inputs = [_array(value) for value in node.inputs]
    out = _array(node.out)
    numbers = [x for x in inputs if x is not None and x.dtype.kind in "biuf"]
    if out.dtype.kind != "f" or out.size == 0:
        return None
    made_nan = np.isnan(out).any() and not any(np.isnan(x).any() for x in numbers if x.size)
    made_inf = np.isinf(out).any() and all(np.isfinite(x).all() for x in numbers)
    if made_nan or made_inf:
        return PointNote("undefined", step, _why_undefined(node.prim.name, inputs, out))
    kink = _kink(node.prim.name, inputs, node.params)
    if kink is not None:
        return PointNote("kink", step, f"{kink}; chainrule takes {_slopes(node, moving)}")
    if np.isfinite(out).all() and all(np.isfinite(x).all() for x in numbers):
        slopes = _local_derivatives(node, moving)
        if any(not np.isfinite(slope).all() for slope in slopes):
            return PointNote("no derivative", step, "an infinite slope (a vertical tangent)")
    return None


def _array(value):
    if value is None:
        return None
    return np.asarray(value._data if isinstance(value, Tensor) else value)


def _why_undefined(name, inputs, out):
    x = inputs[0]
    first = _number(x)
    if name in ("log", "log2", "log10"):
        return "the log of 0" if np.any(x == 0) else f"the log of a negative number ({first})"
    if name == "log1p":
        return "log1p of -1 (the log of 0)" if np.any(x == -1) else "log1p of a number below -1"
    if name == "sqrt":
        return f"the square root of a negative number ({first})"
    if name in ("divide", "reciprocal"):
        over = inputs[-1]
        if np.any(over == 0):
            if name == "divide" and np.any((x == 0) & (over == 0)):
                return "0/0, which has no value"
            return "a division by 0"
        if np.isnan(out).any() and not np.all(np.isfinite(x)):
            return "inf/inf, which has no value"
    if name == "power" and len(inputs) == 2:
        exponent = inputs[1]
        if np.any((x == 0) & (exponent < 0)):
            return "0 to a negative power (a division by 0)"
        if np.any((x < 0) & (exponent != np.round(exponent))):
            return "a negative number to a power that is not a whole number"
    if name in ("arcsin", "arccos"):
        return f"{name} of a number outside [-1, 1] ({first})"
    if name == "arctanh":
        return f"arctanh of a number outside (-1, 1) ({first})"
    if name == "arccosh":
        return f"arccosh of a number below 1 ({first})"
    if name in ("add", "subtract") and np.isnan(out).any():
        return "inf - inf, which has no value"
    if name == "multiply" and np.isnan(out).any():
        return "0 * inf, which has no value"
    if np.isnan(out).any():
        return "not a number there"
    return "too large for a float (an overflow)"


def _kink(name, inputs, params):
    # Where the step's derivative jumps, in words; None where it does not.
    x = inputs[0]
    if name == "abs" and np.any(x == 0):
        return "a corner at 0 (slopes -1 and 1)"
    if name == "relu" and np.any(x == 0):
        return "a corner at 0 (slopes 0 and 1)"
    if name == "leaky_relu" and np.any(x == 0):
        return "a corner at 0"
    if name == "elu" and np.any(x == 0) and params.get("alpha", 1.0) != 1.0:
        return "a corner at 0 (alpha is not 1)"
    if name == "sign" and np.any(x == 0):
        return "a jump at 0"
    if name in ("maximum", "minimum", "fmax", "fmin") and np.any(inputs[0] == inputs[1]):
        return "a tie (both arguments are equal)"
    extremum = np.max if name == "max" else np.min
    if name in ("max", "min") and x.size > 1 and _tied(extremum, x, params.get("axis")):
        return f"a tie (its {name}imum is reached more than once)"
    if name == "clip":
        bounds = [bound for bound in inputs[1:] if bound is not None]
        if any(np.any(x == bound) for bound in bounds):
            return "a corner at its bound"
    if name in ("hypot", "arctan2") and np.any((inputs[0] == 0) & (inputs[1] == 0)):
        return "the point (0, 0), where it has no derivative"
    return None


def _tied(extremum, x, axis):
    # Whether a reduction's extremum is reached more than once along its axes somewhere.
    found = extremum(x, axis=axis, keepdims=True)
    return bool(np.any(np.sum(x == found, axis=axis) > 1))


def _slopes(node, moving):
    slopes = _local_derivatives(node, moving)
    parts = [_number(slope) for slope in slopes]
    if len(parts) == 1:
        return f"the derivative {parts[0]}"
    return "the derivatives " + ", ".join(parts)


def _local_derivatives(node, moving=None):
    # The step's own VJP rules on a unit adjoint, one per differentiable input (that moves).
    out = _array(node.out)
    grad_out = np.ones_like(out)
    slopes = []
    with np.errstate(all="ignore"):
        for i, rule in enumerate(node.prim.vjps):
            if rule is None or i >= len(node.inputs) or node.inputs[i] is None:
                continue
            if moving is not None and not (i < len(moving) and moving[i]):
                continue
            inputs = [_array(value) for value in node.inputs]
            if inputs[i].dtype.kind != "f":
                continue
            slope = rule(grad_out, out, *inputs, **node.params)
            slopes.append(np.asarray(_array(slope), dtype=float))
    return slopes


def _number(x):
    array = np.asarray(x)
    if array.size == 0:
        return "[]"
    if array.size > 1:
        return f"{array.flat[0]:g}, …"
    return f"{float(array.flat[0]):g}"


def _step_text(node, written):
    operands = []
    for i, value in enumerate(node.inputs):
        parent = node.parents[i] if i < len(node.parents) else None
        if parent is not None and parent in written:
            operands.append(_bracketed(written[parent]))
        elif isinstance(value, Tensor) and value.node in written:
            operands.append(_bracketed(written[value.node]))
        elif value is None:
            operands.append("None")
        else:
            array = _array(value)
            number = array.ndim == 0 and array.dtype.kind in "biuf"
            shown = literal(array) if number else f"array{array.shape}"
            operands.append(shown)
    name = node.prim.name
    if name in INFIX and len(operands) == 2 and not node.params:
        text = INFIX[name].format(*operands)
    elif name == "negative":
        text = f"-{operands[0]}"
    else:
        text = call_text(name, [_unbracketed(o) for o in operands], node.params)
    return text if len(text) <= LONGEST_STEP else f"{name}(…)"


def _bracketed(text):
    # A name, a number or one call stays as it is; anything else is bracketed as an operand.
    call = re.match(r"[^\W\d]\w*\(", text)
    simple = text.replace("_", "").isalnum() or call and _closes_at_end(text, call.end() - 1)
    return text if simple or _number_text(text) else f"({text})"


def _closes_at_end(text, start):
    # Whether the bracket opened at ``start`` is closed by the last character.
    depth = 0
    for position in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[position], 0)
        if depth == 0:
            return position == len(text) - 1
    return False


def _number_text(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _unbracketed(text):
    return text[1:-1] if text.startswith("(") and _closes_at_end(text, 0) else text


__all__ = ["PointNote", "PointWarning", "point_notes", "formula_notes", "warn", "LONGEST_STEP"]
