"""Printed formulas evaluated as text: a small reader for what explanations print (Python syntax,
SymPy's function names, chainrule's op names with their parameters, ``[c]`` for 1 where c holds),
so that a test can check the text itself against the engine's numbers.
"""

import ast
import math

import numpy as np

from chainrule.explanation.formulas.terms import in_order, is_term
from chainrule.primitive import REGISTRY, apply

# What SymPy writes a function as, on NumPy values.
SYMPY_NAMES = {
    "exp": np.exp,
    "log": np.log,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "asin": np.arcsin,
    "acos": np.arccos,
    "atan": np.arctan,
    "atan2": np.arctan2,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "tanh": np.tanh,
    "asinh": np.arcsinh,
    "acosh": np.arccosh,
    "atanh": np.arctanh,
    "sqrt": np.sqrt,
    "Abs": np.abs,
    "sign": np.sign,
    "Max": np.maximum,
    "Min": np.minimum,
    "floor": np.floor,
    "ceiling": np.ceil,
    "erf": REGISTRY["erf"],
    "erfc": REGISTRY["erfc"],
}
# How a constant array, and a slice, are written.
ARRAYS = {"zeros": np.zeros, "ones": np.ones, "full": np.full, "slice": slice}
CONSTANTS = {"pi": math.pi, "E": math.e, "nan": math.nan, "oo": math.inf, "zoo": math.inf}
BINARY = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
    ast.MatMult: np.matmul,
    ast.BitAnd: np.logical_and,
    ast.BitOr: np.logical_or,
    ast.BitXor: np.logical_xor,
}
COMPARE = {
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}


class Unreadable(Exception):
    """The text holds something only the term knows (an array written by its shape)."""


def evaluate_text(text, values):
    """The value of a printed formula with each name in ``values`` replaced by its value."""
    if "array(" in text:
        raise Unreadable(text)
    with np.errstate(all="ignore"):
        return _value(ast.parse(text, mode="eval").body, values)


def _value(node, values):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in values:
            return values[node.id]
        return CONSTANTS[node.id] if node.id in CONSTANTS else np.dtype(node.id)
    if isinstance(node, ast.BinOp):
        return BINARY[type(node.op)](_value(node.left, values), _value(node.right, values))
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else np.logical_not(operand)
    if isinstance(node, ast.Compare):
        return COMPARE[type(node.ops[0])](
            _value(node.left, values), _value(node.comparators[0], values)
        )
    if isinstance(node, ast.IfExp):
        condition = _value(node.test, values)
        return np.where(condition, _value(node.body, values), _value(node.orelse, values))
    if isinstance(node, ast.List) and _is_condition(node):  # [c]: 1 where c holds, else 0
        return np.asarray(_value(node.elts[0], values), dtype=np.float64)
    if isinstance(node, ast.List):  # the entries of a constant array
        return np.array([_value(part, values) for part in node.elts])
    if isinstance(node, ast.Tuple):
        return tuple(_value(part, values) for part in node.elts)
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return np.asarray(_value(node.value, values)).T
    if isinstance(node, ast.Subscript):
        return np.asarray(_value(node.value, values))[_index(node.slice, values)]
    if isinstance(node, ast.Call):
        return _call(node, values)
    raise Unreadable(ast.unparse(node))


def _is_condition(node):
    if len(node.elts) != 1:
        return False
    inner = node.elts[0]
    logical = (ast.BitAnd, ast.BitOr, ast.BitXor)
    return (
        isinstance(inner, ast.Compare)
        or (isinstance(inner, ast.BinOp) and isinstance(inner.op, logical))
        or (isinstance(inner, ast.UnaryOp) and isinstance(inner.op, ast.Invert))
    )


def _index(node, values):
    if isinstance(node, ast.Slice):
        parts = (node.lower, node.upper, node.step)
        return slice(*(None if part is None else _value(part, values) for part in parts))
    if isinstance(node, ast.Tuple):
        return tuple(_index(part, values) for part in node.elts)
    return _value(node, values)


def _call(node, values):
    if isinstance(node.func, ast.Attribute):  # one output of several: eigh.eigenvalues(v1)
        return _output_call(node, values)
    name = node.func.id
    args = [_value(arg, values) for arg in node.args]
    params = {kw.arg: _value(kw.value, values) for kw in node.keywords}
    if name in SYMPY_NAMES and not params:
        return SYMPY_NAMES[name](*args)
    if name in ARRAYS:
        return ARRAYS[name](*args)
    if name == "real_root":
        return np.cbrt(args[0]) if args[1] == 3 else Unreadable(name)
    if name not in REGISTRY:
        raise Unreadable(name)
    params = {key: _param(value) for key, value in params.items()}
    return apply(REGISTRY[name], *args, **params)


def _output_call(node, values):
    joint = REGISTRY.get(getattr(node.func.value, "id", None))
    outputs = getattr(joint, "outputs", ())
    if node.func.attr not in outputs:
        raise Unreadable(ast.unparse(node))
    args = [_value(arg, values) for arg in node.args]
    params = {kw.arg: _param(_value(kw.value, values)) for kw in node.keywords}
    return apply(joint.parts[outputs.index(node.func.attr)], *args, **params)


def _param(value):
    return tuple(_param(v) for v in value) if isinstance(value, tuple) else value


def evaluate_term(term, values):
    """A term's value with its variables replaced: each op's own forward, step by step."""
    found = {}
    with np.errstate(all="ignore"):
        for part in in_order(term):
            if part.prim is None:
                found[id(part)] = values.get(part.name, part.value)
                continue
            args = [found[id(arg)] if is_term(arg) else arg for arg in part.args]
            found[id(part)] = apply(part.prim, *args, **part.params)
    return found[id(term)] if is_term(term) else term


def leaf_values(term):
    """The values of the variables a term is made of, by name."""
    return {part.name: part.value for part in in_order(term) if part.prim is None and part.name}
