"""The ``chainrule diff`` and ``chainrule explain`` commands, on a formula typed by the user.

``diff`` prints a derivative: as a formula (with SymPy) or, with ``--at``, as numbers of any
order by nesting ``grad``. ``explain`` prints the step-by-step explanation at a point.
"""

from __future__ import annotations

import argparse
import itertools
import math
import re

import numpy as np

import chainrule as cr
from chainrule.explanation.traces import MODES, explain
from chainrule.explanation.formulas.expression import ExpressionError, parse
from chainrule.cli.errors import CommandError
from chainrule.primitive import OP_HOOKS

MAX_ORDER = 10
# Operations nested derivatives may record at a point: about half a second here, so that an
# answer comes within the second the fuzz tests allow even on a slower or busy machine.
MAX_OPERATIONS = 30_000
FORMATS = ("text", "markdown", "html", "json")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

DIFF_EXAMPLES = """examples:
  chainrule diff "sin(cos(x))"                     the derivative as a formula (needs SymPy)
  chainrule diff "x**2*y" --at x=1,y=2             ∂f/∂x and ∂f/∂y at x = 1, y = 2
  chainrule diff "x**2*y" --at x=1,y=2 --wrt y     only ∂f/∂y
  chainrule diff "sin(x)" --at x=0.5 --order 3     the third derivative at 0.5
"""

EXPLAIN_EXAMPLES = """examples:
  chainrule explain "1/(1+exp(-x))" --at x=0.5                the sigmoid, reverse mode
  chainrule explain "x1*x2 + sin(x1)" --at x1=2,x2=5 --mode both
  chainrule explain "sin(cos(x))" --at x=0.5 --format markdown
  chainrule explain "x**2*y" --at x=1,y=2 --format json > explanation.json
"""


def add_diff(subparsers):
    """Add the ``diff`` command's parser to ``subparsers`` and return it."""
    command = subparsers.add_parser(
        "diff",
        help="differentiate a formula: as a formula, or as numbers at a point",
        description="Differentiate a formula. Without --at, print the derivative as a "
        "simplified formula (needs SymPy: pip install chainrule[formulas]); with --at, "
        "print the derivative's value there, of any order (grad nested --order times).",
        epilog=DIFF_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("expression", metavar="EXPR", help="a formula, e.g. 'sin(x**2)*y'")
    command.add_argument("--at", metavar="X=VALUE,...", help="the point, e.g. --at x=1,y=2")
    command.add_argument(
        "--wrt", metavar="NAME[,NAME]", help="the variables to differentiate by (default: all)"
    )
    command.add_argument(
        "--order",
        type=order,
        default=1,
        help=f"the order of the derivative, 1 to {MAX_ORDER} (default 1)",
    )
    return command


def add_explain(subparsers):
    """Add the ``explain`` command's parser to ``subparsers`` and return it."""
    command = subparsers.add_parser(
        "explain",
        help="show the chain rule at work on a formula, step by step",
        description="Record the formula once at a point and print its primal trace "
        "(v1 = x, v2 = ...), the forward-mode tangents and/or the reverse-mode adjoints in the "
        "order the engine computed them, with each local derivative as a formula and a "
        "number, and the final derivatives.",
        epilog=EXPLAIN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("expression", metavar="EXPR", help="a formula, e.g. '1/(1+exp(-x))'")
    command.add_argument(
        "--at",
        metavar="X=VALUE,...",
        required=True,
        help="the point, a value for every variable, e.g. --at x1=2,x2=5",
    )
    command.add_argument(
        "--mode", choices=MODES, default="reverse", help="which traces to show (default reverse)"
    )
    command.add_argument(
        "--format", choices=FORMATS, default="text", help="text (default), markdown, html or json"
    )
    command.add_argument(
        "--wrt", metavar="NAME[,NAME]", help="the variables to differentiate by (default: all)"
    )
    return command


def order(text):
    """An argparse type: the order of a derivative, an integer from 1 to MAX_ORDER."""
    if not re.fullmatch(r"\d+", text.strip()) or not 1 <= int(text) <= MAX_ORDER:
        raise argparse.ArgumentTypeError(f"expected an integer from 1 to {MAX_ORDER}, got {text!r}")
    return int(text)


def run_diff(args):
    expression = formula_of(args.expression)
    wrt = variables_of(args.wrt, expression)
    if args.at is None:
        print_formulas(expression, wrt, args.order)
        return 0
    point = parse_point(args.at, expression.variables)
    single = len(expression.variables) == 1
    with np.errstate(all="ignore"):  # all computed before printing: an error prints alone
        values = [
            nth_derivative(expression, point, expression.variables.index(name), args.order)
            for name in wrt
        ]
    print(f"f({', '.join(expression.variables)}) = {expression.text}")
    print(
        "at "
        + ", ".join(f"{name} = {value:g}" for name, value in zip(expression.variables, point))
        + ":"
    )
    for name, value in zip(wrt, values):
        print(f"  {derivative_name(name, args.order, single)} = {value:.12g}")
    return 0


def run_explain(args):
    expression = formula_of(args.expression)
    wrt = variables_of(args.wrt, expression)
    point = parse_point(args.at, expression.variables)
    with np.errstate(all="ignore"):
        try:
            explanation = explain(expression, *point, mode=args.mode, wrt=wrt)
        except (ExpressionError, ValueError) as error:
            raise CommandError(str(error)) from None
    if args.format == "json":
        print(explanation.to_json())
    else:
        print(getattr(explanation, args.format)(), end="")
    return 0


def formula_of(text):
    try:
        expression = parse(text)
    except ExpressionError as error:
        raise CommandError(str(error)) from None
    if not expression.variables:
        raise CommandError(f"{text!r} has no variables to differentiate by")
    return expression


def variables_of(text, expression):
    """``--wrt x,y`` as names of the formula's variables (all of them without --wrt)."""
    if text is None:
        return list(expression.variables)
    names = [name.strip() for name in text.split(",")]
    for name in names:
        if name not in expression.variables:
            raise CommandError(
                f"--wrt {name!r} is not a variable of the "
                f"formula; its variables are {', '.join(expression.variables)}"
            )
    if len(set(names)) != len(names):
        raise CommandError("--wrt names a variable twice")
    return names


def parse_point(text, variables):
    """``x=1,y=2`` as one float per variable, in the formula's order; strict about everything."""
    values = {}
    for piece in text.split(","):
        name, equals, value = (part.strip() for part in piece.partition("="))
        if not equals or not name:
            raise CommandError(
                f"--at {piece.strip()!r} is not NAME=VALUE (write e.g. --at x=1,y=2)"
            )
        if name not in variables:
            raise CommandError(
                f"--at names an unknown variable {name!r}; "
                f"the formula's variables are {', '.join(variables)}"
            )
        if name in values:
            raise CommandError(f"--at gives {name} twice")
        if not value:
            raise CommandError(f"--at {name}= is missing its value")
        if not NUMBER.fullmatch(value) or not math.isfinite(float(value)):
            raise CommandError(f"--at {name}={value}: {value!r} is not a finite number")
        values[name] = float(value)
    missing = [name for name in variables if name not in values]
    if missing:
        raise CommandError(
            f"--at has no value for {', '.join(missing)} (give one for every variable)"
        )
    return [values[name] for name in variables]


class _OverBudget(Exception):
    """Raised by the op hook of nth_derivative once the budget of operations is spent."""


def nth_derivative(expression, point, position, order):
    """∂ⁿf/∂xⁿ at the point, by nesting ``grad`` ``order`` times.

    Each nesting differentiates the graph of the one inside, so the work grows geometrically
    with the order (a product of 6 sines at order 10 records 180,000 operations, of 60 sines
    minutes' worth): past MAX_OPERATIONS recorded operations (about half a second), it stops.

    Raises:
        CommandError: the derivative needs more than MAX_OPERATIONS operations.
    """
    derivative = expression.__call__
    for _ in range(order):
        derivative = cr.grad(derivative, argnums=position)
    recorded = itertools.count(1)

    def budget(prim, args, params, result):
        if next(recorded) > MAX_OPERATIONS:
            raise _OverBudget

    OP_HOOKS.append(budget)
    try:
        return float(derivative(*point))
    except _OverBudget:
        raise CommandError(
            f"the derivative of order {order} needs more than {MAX_OPERATIONS:,} operations "
            "(each order differentiates the one before); ask for a lower --order, or leave "
            "out --at for the formula"
        ) from None
    finally:
        OP_HOOKS.remove(budget)


def derivative_name(name, order, single):
    power = "" if order == 1 else str(order).translate(SUPERSCRIPTS)
    d = "d" if single else "∂"
    return f"{d}{power}f/{d}{name}{power}"


def print_formulas(expression, wrt, order):
    try:
        from chainrule.explanation.formulas.derivatives import derivative_formula
    except ImportError:
        raise CommandError(formulas_missing()) from None
    single = len(expression.variables) == 1
    for name in wrt:
        try:
            text = derivative_formula(expression, name, order)
        except ImportError:
            raise CommandError(formulas_missing()) from None
        except (ExpressionError, ValueError) as error:
            raise CommandError(str(error)) from None
        print(f"{derivative_name(name, order, single)} = {text}")


def formulas_missing():
    return (
        "derivatives as formulas need SymPy: pip install "
        "chainrule[formulas] (or give --at x=... for the derivative's value)"
    )


__all__ = ["CommandError", "add_diff", "add_explain", "run_diff", "run_explain"]
