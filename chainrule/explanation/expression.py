"""Formulas typed by people (``chainrule diff "sin(x**2)"``), parsed safely into functions.

Only numbers, variable names, + − × ÷, powers (``**`` or ``^``) and a fixed list of functions
are accepted; the text is parsed with ``ast`` and walked, never evaluated by Python, so no input
can run code. Numbers are floats, so ``9**9**9`` is an overflow, not a billion-digit integer.
"""

from __future__ import annotations

import ast
import math

import numpy as np

import chainrule as cr

MAX_LENGTH = 1000
MAX_DEPTH = 64

FUNCTIONS = {
    name: getattr(cr, name)
    for name in (
        "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh",
        "arccosh", "arctanh", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt",
        "cbrt", "abs", "sign", "square", "reciprocal", "sigmoid", "relu", "softplus", "elu",
        "gelu", "erf", "erfc", "arctan2", "hypot", "maximum", "minimum", "logaddexp",
    )
}
FUNCTIONS.update({"ln": cr.log, "asin": cr.arcsin, "acos": cr.arccos, "atan": cr.arctan,
                  "max": cr.maximum, "min": cr.minimum, "pow": cr.power})
CONSTANTS = {"pi": math.pi, "e": math.e}

_BINARY = {ast.Add: cr.add, ast.Sub: cr.subtract, ast.Mult: cr.multiply, ast.Div: cr.divide,
           ast.Pow: cr.power, ast.BitXor: cr.power}
_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
            ast.BitXor: "^"}


class ExpressionError(ValueError):
    """A formula that cannot be used; the message says what is wrong and where."""


class Expression:
    """A parsed formula: call it with one value per variable (in ``variables`` order).

    Example:
        >>> from chainrule.explanation.expression import parse
        >>> f = parse("x^2 + sin(y)")
        >>> f.variables
        ('x', 'y')
        >>> float(f(3.0, 0.0))
        9.0
    """

    def __init__(self, text, tree, variables):
        self.text = text
        self.tree = tree
        self.variables = variables

    def __call__(self, *values):
        if len(values) != len(self.variables):
            raise ExpressionError(
                f"{self.text!r} has {len(self.variables)} variable(s) {self.variables}, "
                f"got {len(values)} value(s)"
            )
        return _evaluate(self.tree, dict(zip(self.variables, values)))

    def __repr__(self):
        return f"Expression({self.text!r})"


def parse(text, variables=None):
    """Parse ``text`` into an :class:`Expression`; ``variables`` fixes their order if given.

    Raises:
        ExpressionError: for anything but arithmetic on numbers, names and known functions.
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("the formula is empty; write one such as 'sin(x**2)'")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the formula is {len(text)} characters long; at most "
                              f"{MAX_LENGTH} are accepted")
    _check_nesting(text)
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"cannot read {text!r}: {_syntax_hint(exc)}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(f"cannot read {text!r}: it is nested too deeply") from None
    found = []
    _check(tree, found, 0)
    if variables is None:
        variables = tuple(sorted(set(found)))
    else:
        variables = tuple(variables)
        unknown = sorted(set(found) - set(variables))
        if unknown:
            raise ExpressionError(f"{text!r} uses {', '.join(unknown)}, which is not among the "
                                  f"variables {variables}")
    return Expression(text.strip(), tree, variables)


def _check_nesting(text):
    depth = 0
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if depth > MAX_DEPTH:
            raise ExpressionError(f"the formula nests parentheses deeper than {MAX_DEPTH}")


def _syntax_hint(exc):
    where = f" at column {exc.offset}" if exc.offset else ""
    return f"it is not a formula{where} (write products with *, e.g. 2*x, and powers as x**2)"


def _check(node, found, depth):
    if depth > MAX_DEPTH:
        raise ExpressionError(f"the formula nests deeper than {MAX_DEPTH} operations")
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ExpressionError(f"{node.value!r} is not a number")
    elif isinstance(node, ast.Name):
        if node.id not in CONSTANTS and node.id not in FUNCTIONS:
            found.append(node.id)
        elif node.id in FUNCTIONS:
            raise ExpressionError(f"{node.id} is a function: call it, as in {node.id}(x)")
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        _check(node.left, found, depth + 1)
        _check(node.right, found, depth + 1)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        _check(node.operand, found, depth + 1)
    elif isinstance(node, ast.Call):
        _check_call(node, found, depth)
    else:
        raise ExpressionError(f"'{ast.unparse(node)[:40]}' is not allowed in a formula: use "
                              "numbers, variables, + - * / ** and functions such as sin(x)")


def _check_call(node, found, depth):
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name not in FUNCTIONS:
        known = ", ".join(sorted(FUNCTIONS))
        raise ExpressionError(f"unknown function {ast.unparse(node.func)[:40]!r}; known: {known}")
    if node.keywords:
        raise ExpressionError(f"{name}() takes no keyword arguments in a formula")
    for arg in node.args:
        _check(arg, found, depth + 1)


def _evaluate(node, env):
    if isinstance(node, ast.Constant):
        return np.float64(node.value)  # NumPy floats overflow to inf instead of raising
    if isinstance(node, ast.Name):
        return CONSTANTS[node.id] if node.id in CONSTANTS else env[node.id]
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_evaluate(node.left, env), _evaluate(node.right, env))
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, env)
        return cr.negative(operand) if isinstance(node.op, ast.USub) else operand
    args = [_evaluate(arg, env) for arg in node.args]
    try:
        return FUNCTIONS[node.func.id](*args)
    except TypeError as exc:
        raise ExpressionError(f"{node.func.id}(): {exc}") from None


def symbol_of(op):
    """How a binary operator of the formula language is written (for messages)."""
    return _SYMBOLS[op]


__all__ = ["Expression", "ExpressionError", "parse", "FUNCTIONS", "CONSTANTS"]
