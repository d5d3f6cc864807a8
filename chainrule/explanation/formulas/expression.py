"""Formulas typed by people (``chainrule diff "sin(x**2)"``), parsed safely into functions.

Only numbers, variable names, + − × ÷, powers (``**`` or ``^``) and a fixed list of functions
are accepted; the text is parsed with ``ast`` and walked, never evaluated by Python, so no input
can run code. Numbers are floats, so ``9**9**9`` is an overflow, not a billion-digit integer.
Bounds keep every input cheap: the length bounds the size, the nesting depth counts nesting
(a flat sum is one level however long), and constant exponents are bounded (``9**9**9**9`` is
refused at once, so no symbolic reader meets a tower). Errors give a column.
"""

from __future__ import annotations

import ast
import math
import warnings

import numpy as np

import chainrule as cr
from chainrule.explanation.formulas import spelling

MAX_LENGTH = 1000
MAX_DEPTH = 64
# The largest constant exponent: a larger one is hardly ever meant, and an exact (symbolic)
# power of integers would have millions of digits.
MAX_EXPONENT = 10_000

FUNCTIONS = {
    name: getattr(cr, name)
    for name in (
        "sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh exp exp2 expm1 "
        "log log2 log10 log1p sqrt cbrt abs sign square reciprocal sigmoid relu softplus elu gelu "
        "erf erfc arctan2 hypot maximum minimum logaddexp leaky_relu clip"
    ).split()
}
FUNCTIONS.update(
    ln=cr.log,
    asin=cr.arcsin,
    acos=cr.arccos,
    atan=cr.arctan,
    asinh=cr.arcsinh,
    acosh=cr.arccosh,
    atanh=cr.arctanh,
    atan2=cr.arctan2,
    max=cr.maximum,
    min=cr.minimum,
    pow=cr.power,
)
# The other common names, composed of the ops above in the formula language (no primitive of
# their own: their derivatives follow from the rules of what they are made of).
COMPOSITES = {
    "sec": lambda x: cr.reciprocal(cr.cos(x)),
    "csc": lambda x: cr.reciprocal(cr.sin(x)),
    "cot": lambda x: cr.cos(x) / cr.sin(x),
    "arcsec": lambda x: cr.arccos(cr.reciprocal(x)),
    "arccsc": lambda x: cr.arcsin(cr.reciprocal(x)),
    "arccot": lambda x: math.pi / 2 - cr.arctan(x),  # continuous at 0, values in (0, π)
    "sech": lambda x: cr.reciprocal(cr.cosh(x)),
    "csch": lambda x: cr.reciprocal(cr.sinh(x)),
    "coth": lambda x: cr.cosh(x) / cr.sinh(x),
}
COMPOSITES.update(asec=COMPOSITES["arcsec"], acsc=COMPOSITES["arccsc"], acot=COMPOSITES["arccot"])
FUNCTIONS.update(COMPOSITES)
# π is read as pi (chainrule.explanation.formulas.spelling).
CONSTANTS = {"pi": math.pi, "e": math.e}
# How many arguments a function takes, (fewest, most), where it is not exactly one.
ARGUMENTS = {
    **dict.fromkeys("arctan2 atan2 hypot maximum minimum max min logaddexp pow".split(), (2, 2)),
    **dict.fromkeys("leaky_relu elu softplus".split(), (1, 2)),
    "clip": (3, 3),
}

_BINARY = {
    ast.Add: cr.add,
    ast.Sub: cr.subtract,
    ast.Mult: cr.multiply,
    ast.Div: cr.divide,
    ast.Pow: cr.power,
    ast.BitXor: cr.power,
}
_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.BitXor: "^"}


class ExpressionError(ValueError):
    """A formula that cannot be used; the message says what is wrong and where."""


class _Located(Exception):
    # A problem found at an ast node: parse adds the column in the text as typed.
    def __init__(self, message, node):
        super().__init__(message)
        self.message = message
        self.node = node


class Expression:
    """A parsed formula: call it with one value per variable (in ``variables`` order).

    Example:
        >>> from chainrule.explanation.formulas.expression import parse
        >>> f = parse("x^2 + sin(y)")
        >>> f.variables
        ('x', 'y')
        >>> float(f(3.0, 0.0))
        9.0
    """

    def __init__(self, text, tree, variables, source=None):
        self.text = text
        self.tree = tree
        self.variables = variables
        # The text that the tree's positions refer to: ``text`` with ^ written as **.
        self.source = text if source is None else source

    def __call__(self, *values):
        if len(values) != len(self.variables):
            raise ExpressionError(
                f"{self.text!r} has {len(self.variables)} variable(s) {self.variables}, "
                f"got {len(values)} value(s)"
            )
        # Python numbers become NumPy floats, as the formula's own numbers are: 1/0 is then inf
        # and (−2)^0.5 NaN, never a ZeroDivisionError or a complex number.
        values = [np.float64(v) if type(v) in (int, float) else v for v in values]
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
        raise ExpressionError(
            f"the formula is {len(text)} characters long; at most {MAX_LENGTH} are accepted"
        )
    _check_nesting(text)
    typed = text.strip()
    lead = len(text) - len(text.lstrip())
    # ^ is a power, as in mathematics, so it is read as ** with the precedence of **: Python's
    # own ^ binds more loosely than +, which would make x^2 + 1 mean x^3. π is pi, and 2x is 2*x.
    try:
        source, columns = spelling.source_of(typed, FUNCTIONS)
    except spelling.AmbiguousProduct as problem:
        raise ExpressionError(f"{problem} (at column {problem.column + lead})") from None
    tree = _read(text, source, columns, lead)
    found = []
    try:
        _check(tree, found, 0)
    except _Located as problem:
        line, column = problem.node.lineno, problem.node.col_offset + 1
        where = _position(line, _typed_column(columns, line, column), lead)
        raise ExpressionError(f"{problem.message} ({where})") from None
    return Expression(typed, tree, _in_order(text, found, variables), source)


def _read(text, source, columns, lead):
    try:
        with warnings.catch_warnings():
            # Python warns about some odd inputs, such as '2in x'; they are refused anyway.
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            return ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"cannot read {text!r}: {_syntax_hint(exc, lead, columns)}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(f"cannot read {text!r}: it is nested too deeply") from None
    except ValueError as exc:  # a null byte
        raise ExpressionError(f"cannot read {text!r}: {exc}") from None


def _in_order(text, found, variables):
    if variables is None:
        return tuple(sorted(set(found)))
    variables = tuple(variables)
    unknown = sorted(set(found) - set(variables))
    if unknown:
        raise ExpressionError(
            f"{text!r} uses {', '.join(unknown)}, which is not among the variables {variables}"
        )
    return variables


def _check_nesting(text):
    depth = 0
    for column, char in enumerate(text, 1):
        depth += char == "("
        depth -= char == ")"
        if depth > MAX_DEPTH:
            raise ExpressionError(
                f"the formula nests parentheses deeper than {MAX_DEPTH} (at column {column})"
            )


def _syntax_hint(exc, lead=0, columns=()):
    line = exc.lineno or 1
    column = _typed_column(columns, line, exc.offset or 0)
    where = f" ({_position(line, column, lead)})" if exc.offset else ""
    reason = "it is not a formula" if exc.msg.startswith("invalid syntax") else exc.msg
    return f"{reason}{where} (write products with *, e.g. 2*x, and powers as x**2)"


def _typed_column(columns, line, column):
    # A column of the parsed source (each ^ became **, ...) as a column of the text as typed.
    return spelling.typed_column(columns, column) if line == 1 else column


def _position(line, column, lead):
    # Columns count from 1 in the text as typed; the parser saw it without leading blanks.
    return f"at column {column + lead}" if line == 1 else f"at line {line}, column {column}"


def _check(node, found, depth):
    if depth > MAX_DEPTH:
        raise _Located(f"the formula nests deeper than {MAX_DEPTH} operations", node)
    if isinstance(node, ast.Constant):
        _check_number(node)
    elif isinstance(node, ast.Name):
        if node.id not in CONSTANTS and node.id not in FUNCTIONS:
            found.append(node.id)
        elif node.id in FUNCTIONS:
            raise _Located(f"{node.id} is a function: call it, as in {node.id}(x)", node)
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        # A flat sum or product (a + b - c + ...) is one level however long (its length is
        # bounded by MAX_LENGTH): its left operand continues it. Anything else nests.
        _check(node.left, found, depth if _continues(node.left, node.op) else depth + 1)
        before = len(found)
        _check(node.right, found, depth + 1)
        if type(node.op) in (ast.Pow, ast.BitXor) and len(found) == before:
            _check_exponent(node.right)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        _check(node.operand, found, depth + 1)
    elif isinstance(node, ast.Call):
        _check_call(node, found, depth)
    elif _is_condition(node) or isinstance(node, (ast.IfExp, ast.List)):
        _check_condition(node, found, depth)
    else:
        raise _Located(
            f"'{ast.unparse(node)[:40]}' is not allowed in a formula: use "
            "numbers, variables, + - * / ** and functions such as sin(x)",
            node,
        )


# Conditions, as chainrule prints them in derivatives: ``x > 0``, ``(x >= 0) & (x <= 1)``,
# ``a if c else b`` and ``[c]`` (1 where c holds, else 0), so that what it prints reads back.
_COMPARISONS = {
    ast.Gt: cr.greater,
    ast.GtE: cr.greater_equal,
    ast.Lt: cr.less,
    ast.LtE: cr.less_equal,
    ast.Eq: cr.equal,
    ast.NotEq: cr.not_equal,
}
_LOGICAL = {ast.BitAnd: cr.logical_and, ast.BitOr: cr.logical_or}


def _is_condition(node):
    if isinstance(node, ast.Compare):
        return True
    if isinstance(node, ast.BinOp) and type(node.op) in _LOGICAL:
        return True
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert)


def _check_condition(node, found, depth):
    # A number made of a condition: a case split, or [c].
    if isinstance(node, ast.IfExp):
        _check_test(node.test, found, depth + 1)
        _check(node.body, found, depth + 1)
        _check(node.orelse, found, depth + 1)
    elif isinstance(node, ast.List) and len(node.elts) == 1:
        _check_test(node.elts[0], found, depth + 1)
    else:
        written = ast.unparse(node)[:40]
        hint = "brackets [...] hold one condition" if isinstance(node, ast.List) else (
            "a condition is not a number"
        )
        raise _Located(
            f"'{written}' is not allowed in a formula: {hint}; write [x > 0] for 1 where x > 0 "
            "holds, else 0",
            node,
        )


def _check_test(node, found, depth):
    # A condition: a comparison of two numbers, or conditions joined with & | ~.
    if depth > MAX_DEPTH:
        raise _Located(f"the formula nests deeper than {MAX_DEPTH} operations", node)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARISONS:
        _check(node.left, found, depth + 1)
        _check(node.comparators[0], found, depth + 1)
    elif isinstance(node, ast.BinOp) and type(node.op) in _LOGICAL:
        _check_test(node.left, found, depth + 1)
        _check_test(node.right, found, depth + 1)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        _check_test(node.operand, found, depth + 1)
    else:
        raise _Located(
            f"'{ast.unparse(node)[:40]}' is not allowed in a formula here: a condition such as "
            "x > 0 (one comparison, or several joined with & | ~) is",
            node,
        )


_CHAINS = ({ast.Add, ast.Sub}, {ast.Mult, ast.Div})


def _continues(left, op):
    # Whether ``left`` is an earlier term of the same flat sum, or factor of the same product.
    return isinstance(left, ast.BinOp) and any(
        type(left.op) in chain and type(op) in chain for chain in _CHAINS
    )


def _check_number(node):
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Located(f"{value!r} is not a number", node)
    if isinstance(value, int) and abs(value) > _LARGEST_FLOAT or not math.isfinite(value):
        raise _Located(
            "a number in the formula is too large (at most about 1.8e308, the largest float)", node
        )


_LARGEST_FLOAT = int(np.finfo(np.float64).max)


def _check_exponent(node):
    # A constant exponent is computed (in floats, so a tower inside it is inf, not a hang).
    with np.errstate(all="ignore"):
        value = float(_evaluate(node, {}, _float_number))
    if abs(value) > MAX_EXPONENT:
        text = ast.unparse(node)[:40]
        shown = text if isinstance(node, ast.Constant) else f"{text} = {value:.6g}"
        raise _Located(
            f"the exponent {shown} is too large (constant exponents may be at most "
            f"{MAX_EXPONENT:,} in size)",
            node,
        )


def _check_call(node, found, depth):
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name is not None and name not in FUNCTIONS and (len(name) == 1 or name in CONSTANTS):
        raise _Located(
            f"{name} is not a function; for a product write the *, as in {name}*(...)", node
        )
    if name not in FUNCTIONS:
        known = ", ".join(sorted(FUNCTIONS))
        raise _Located(f"unknown function {ast.unparse(node.func)[:40]!r}; known: {known}", node)
    if node.keywords:
        raise _Located(f"{name}() takes no keyword arguments in a formula", node)
    fewest, most = ARGUMENTS.get(name, (1, 1))
    if not fewest <= len(node.args) <= most:
        count = str(fewest) if fewest == most else f"{fewest} or {most}"
        raise _Located(
            f"{name}() takes {count} argument{'s' * (most > 1)}, got {len(node.args)}", node
        )
    for arg in node.args:
        _check(arg, found, depth + 1)


def evaluate(tree, values, number=None):
    """The value of a checked formula tree (``Expression.tree`` or a part of it).

    Args:
        tree: the ast node.
        values: a dict from each variable's name to its value.
        number: ``number(node)`` gives each number (an ``ast.Constant``, or the ``ast.Name`` of
            pi or e) in another form, e.g. as a tensor to follow; default NumPy floats.

    Example:
        >>> from chainrule.explanation.formulas.expression import evaluate, parse
        >>> f = parse("x**2 + 1")
        >>> float(evaluate(f.tree.left, {"x": 3.0}))
        9.0
    """
    return _evaluate(tree, values, number or _float_number)


def _float_number(node):
    if isinstance(node, ast.Constant):
        return np.float64(node.value)  # NumPy floats overflow to inf instead of raising
    return np.float64(CONSTANTS[node.id])


def _evaluate(node, env, number=_float_number):
    if isinstance(node, ast.Constant):
        return number(node)
    if isinstance(node, ast.Name):
        return number(node) if node.id in CONSTANTS else env[node.id]
    if isinstance(node, ast.BinOp):
        left = _evaluate(node.left, env, number)
        operation = _BINARY.get(type(node.op)) or _LOGICAL[type(node.op)]
        return operation(left, _evaluate(node.right, env, number))
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, env, number)
        if isinstance(node.op, ast.Invert):
            return cr.logical_not(operand)
        return cr.negative(operand) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, env, number)
        return _COMPARISONS[type(node.ops[0])](left, _evaluate(node.comparators[0], env, number))
    if isinstance(node, ast.IfExp):
        parts = (node.test, node.body, node.orelse)
        return cr.where(*(_evaluate(part, env, number) for part in parts))
    if isinstance(node, ast.List):
        return cr.where(_evaluate(node.elts[0], env, number), 1.0, 0.0)
    args = [_evaluate(arg, env, number) for arg in node.args]
    try:
        return FUNCTIONS[node.func.id](*args)
    except (TypeError, ValueError) as exc:  # e.g. softplus(x, 0): beta must not be 0
        raise ExpressionError(f"{node.func.id}(): {exc}") from None


def symbol_of(op):
    """How a binary operator of the formula language is written (for messages)."""
    return _SYMBOLS[op]


__all__ = ["Expression", "ExpressionError", "parse", "evaluate", "FUNCTIONS", "CONSTANTS"]
