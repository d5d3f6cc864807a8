"""What a graph picture says, as DOT statements: a box per step with its op, value and
adjoint, an edge per input with the local derivative, and each value in one short line (a
number to 4 digits, a few entries, or shape and range), so a box stays small whatever it holds.
"""

from __future__ import annotations

import itertools

import numpy as np

from chainrule.explanation.derivation.vocabulary import derivative_name
from chainrule.explanation.formulas.local import local_formula
from chainrule.explanation.formulas.terms import variable
from chainrule.explanation.formulas.writing import literal
from chainrule.explanation.pictures.dot import attributes
from chainrule.explanation.record import expression
from chainrule.explanation.text.names import barred
from chainrule.tensor import Tensor

# Arrays up to this many values are shown in full; larger ones by shape and range.
SHOWN_VALUES = 4
LINE_LENGTH = 60

FONT = "Helvetica"
STYLES = {
    "input": {"style": "rounded,filled", "fillcolor": "#dbeafe"},
    "op": {"style": "rounded"},
    "output": {"style": "rounded,filled,bold", "fillcolor": "#fde68a", "penwidth": 2},
    "constant": {"style": "dashed", "color": "#888888", "fontcolor": "#555555"},
    "note": {"shape": "note", "style": "filled", "fillcolor": "#f3f4f6"},
}
FREED_NOTE = (
    "values freed by backward(): draw before backward(), or call backward(retain_graph=True)"
)


def number(value):
    """One number in at most about 10 characters: 0.6225, -1, 1.5e+10, nan."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (complex, np.complexfloating)):
        return f"{complex(value):.4g}"
    return f"{float(value):.4g}"


def summary(value):
    """A value in one short line: the number itself, a few values, or shape and range.

    Example:
        >>> import numpy as np
        >>> summary(np.float64(0.5)), summary(np.arange(3.0)), summary(np.ones((3, 4)))
        ('0.5', '[0, 1, 2]', '3×4 float64 in [1, 1]')
    """
    data = value._data if isinstance(value, Tensor) else value
    if np.ndim(data) == 0:
        return number(np.asarray(data)[()])
    data = np.asarray(data)
    shape = "×".join(str(n) for n in data.shape)
    if data.size == 0:
        return f"{shape} {data.dtype} (empty)"
    if data.ndim == 1 and data.size <= SHOWN_VALUES:
        return "[" + ", ".join(number(v) for v in data) + "]"
    return f"{shape} {data.dtype} {_range(data)}"


def _range(data):
    if data.dtype.kind == "b":
        return f"({np.count_nonzero(data)} true)"
    if data.dtype.kind == "c":
        return ""
    finite = np.isfinite(data)
    if finite.all():
        return f"in [{number(data.min())}, {number(data.max())}]"
    bad = data.size - np.count_nonzero(finite)
    return f"({bad} not finite)"


def shorten(text, length):
    """``text`` cut to ``length`` characters, ending in … when cut."""
    return text if len(text) <= length else text[: length - 1] + "…"


def header(out, freed, with_adjoints):
    """The DOT text's first lines: defaults, and a caption when values or adjoints need one."""
    lines = [
        "digraph chainrule {",
        f"  graph {attributes(fontname=FONT, fontsize=11, labelloc='b')};",
        f"  node {attributes(shape='box', fontname=FONT, fontsize=11)};",
        f"  edge {attributes(fontname=FONT, fontsize=9, color='#555555')};",
    ]
    caption = None
    if freed:
        caption = FREED_NOTE
    elif with_adjoints and out.ndim > 0:
        caption = "adjoints of the sum of the output (the reverse sweep starts from ones)"
    if caption is not None:
        lines.append(f"  graph {attributes(label=caption)};")
    return lines


def body(out, shown, names, input_names, adjoints, sent, function_name=None):
    """A box per drawn node (in the order they ran) with its constant inputs and its edges;
    an input's adjoint is named as the derivative it is (∂f/∂x) where ``function_name`` is
    given and the output is one number."""
    ids = {}
    constants = itertools.count(1)
    lines = []
    for node in sorted(shown, key=_seq):
        ids[node] = f"n{len(ids)}"
        operands, constant_lines = _operands(node, names, constants, ids[node])
        label = _node_label(node, out, names, input_names, operands, adjoints)
        if function_name is not None and node in input_names and node in adjoints:
            if out.ndim == 0 and input_names[node].isidentifier():
                single = len(input_names) == 1
                named = derivative_name(function_name, input_names[node], single)
                label += f" = {named}"  # the adjoint is the label's last line
        kind = "output" if node is out.node else "input" if node.prim is None else "op"
        lines.append(f"  {ids[node]} {attributes(label=label, **STYLES[kind])};")
        lines += constant_lines
        for i, parent in enumerate(node.parents):
            if parent in ids:
                edge = _edge_label(node, i, names, operands, sent)
                lines.append(f"  {ids[parent]} -> {ids[node]} {attributes(label=edge)};")
    return lines


def _seq(node):
    return node.seq


def _operands(node, names, constants, node_id):
    """How each input is written in the step (a name, or a scalar constant's value), and the
    constant inputs' own nodes: c1, c2, … name the constants that are arrays."""
    operands, lines = [], []
    if node.prim is None:
        return operands, lines
    inputs = node.inputs if node.inputs is not None else [None] * len(node.parents)
    for parent, value in zip(node.parents, inputs):
        if parent is not None:
            operands.append(names.get(parent, "…"))
        elif value is None:
            operands.append("…")
        else:
            constant_id = f"c{next(constants)}"
            data = value._data if isinstance(value, Tensor) else value
            scalar = np.ndim(data) == 0
            operands.append(literal(np.asarray(data)) if scalar else constant_id)
            lines += _constant(constant_id, value, not scalar, node_id)
    return operands, lines


def _node_label(node, out, names, input_names, operands, adjoints):
    if node is out.node:
        value = out._data
    elif node.prim is None:
        held = node.tensor_ref()
        value = None if held is None else held._data
    else:
        value = node.value
    if node.prim is None:
        named = f" = {input_names[node]}" if node in input_names else ""
        lines = [f"{names[node]}{named} (input)", _value_line(value)]
    else:
        step = expression(node.prim.name, operands, node.params)
        lines = [f"{names[node]} = {shorten(step, LINE_LENGTH)}", _value_line(value)]
    if node in adjoints:
        seed = " (seed)" if node is out.node else ""
        lines.append(f"adjoint {summary(adjoints[node])}{seed}")
    return "\n".join(lines)


def _value_line(value):
    return "value freed" if value is None else f"value {summary(value)}"


def _constant(constant_id, value, named, node_id):
    text = shorten(summary(value), LINE_LENGTH)
    text = f"{constant_id} = {text}" if named else text
    return [
        f"  {constant_id} {attributes(label=text, **STYLES['constant'])};",
        f"  {constant_id} -> {node_id} {attributes(style='dashed', color='#888888')};",
    ]


def _edge_label(node, i, names, operands, sent):
    rules = node.prim.vjps
    if rules is None or rules[i] is None:
        return "not differentiable"
    formula = shorten(_formula(node, i, operands, barred(names[node])), LINE_LENGTH)
    lines = [f"∂{names[node]}/∂{names[node.parents[i]]} = {formula}"]
    if (node, i) in sent:
        lines.append(f"adjoint += {summary(sent[node, i])}")
    return "\n".join(lines)


def _formula(node, i, operands, adjoint):
    # The step's rule writes its local derivative, in the names the picture gives its inputs.
    if node.out is None:
        return "(values freed)"
    args = []
    for operand, value, parent in zip(operands, node.inputs, node.parents):
        data = np.asarray(value._data if isinstance(value, Tensor) else value)
        scalar_constant = parent is None and data.ndim == 0
        args.append(data[()] if scalar_constant else variable(operand, data[()]))
    out = np.asarray(node.value)[()]
    return local_formula(node.prim, i, args, node.params, out, seed_name=adjoint).text


def note(shown, hidden, max_nodes):
    """One note node that counts the steps not drawn, linked to each node that reads them."""
    noun = "step" if hidden == 1 else "steps"
    text = f"… {hidden:,} more {noun} not shown (max_nodes={max_nodes})"
    lines = [f"  more {attributes(label=text, **STYLES['note'])};"]
    ids = {node: f"n{k}" for k, node in enumerate(sorted(shown, key=_seq))}
    for node in sorted(shown, key=_seq):
        if any(parent is not None and parent not in shown for parent in node.parents):
            lines.append(f"  more -> {ids[node]} {attributes(style='dashed')};")
    return lines


__all__ = ["body", "header", "note", "number", "shorten", "summary"]
