"""``chainrule diff``: a formula's derivative, as a formula (with SymPy) or, with ``--at``, as
numbers of any order.
"""

from __future__ import annotations

import argparse
import itertools
import re

import numpy as np

import chainrule as cr
from chainrule.cli.diff_steps import print_steps
from chainrule.cli.errors import CommandError
from chainrule.cli.formula_input import (
    formula_of,
    parse_point,
    point_text,
    refuse_undefined,
    variables_of,
)
from chainrule.explanation.bad_points import formula_notes
from chainrule.explanation.formulas.expression import ExpressionError
from chainrule.primitive import op_hook


MAX_ORDER = 10


# Operations nested derivatives may record at a point: about half a second here, so that an
# answer comes within the second the fuzz tests allow even on a slower or busy machine.
MAX_OPERATIONS = 30_000


SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


DIFF_EXAMPLES = """examples:
  chainrule diff "sin(cos(x))"                     the derivative as a formula (needs SymPy)
  chainrule diff "x**2*y" --at x=1,y=2             ∂f/∂x and ∂f/∂y at x = 1, y = 2
  chainrule diff "x**2*y" --at x=1,y=2 --wrt y     only ∂f/∂y
  chainrule diff "sin(x)" --at x=0.5 --order 3     the third derivative at 0.5
  chainrule diff "(x**2+1)**3" --steps             derived step by step, rule by rule
  chainrule diff -x^2                              a leading minus needs no quoting trick
  chainrule diff "3sin(πx) + sec(x)"               implicit products, π, sec csc cot

A point where f or a step is undefined (log of 0, 1/0, 0/0) ends with one line that names the
step, and exit status 2; at a kink (abs, relu at 0) a note names the convention used.
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
    command.add_argument(
        "--steps",
        action="store_true",
        help="derive step by step, naming each rule (chain, product, power, …; needs SymPy)",
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
    if args.steps:
        print_steps(expression, wrt, args.order)
        if args.at is None:
            return 0
        print()
    if args.at is None:
        print_formulas(expression, wrt, args.order)
        return 0
    point = parse_point(args.at, expression.variables)
    single = len(expression.variables) == 1
    where = point_text(expression.variables, point)
    notes = formula_notes(expression, point)
    refuse_undefined(notes, f"at {where}")
    with np.errstate(all="ignore"):  # all computed before printing: an error prints alone
        values = [
            nth_derivative(expression, point, expression.variables.index(name), args.order)
            for name in wrt
        ]
    if not all(np.isfinite(values)):
        steep = [note for note in notes if note.kind == "no derivative"]
        reason = f"{steep[0].step} has {steep[0].reason}" if steep else "it is not a number"
        raise CommandError(f"the derivative is undefined at {where}: {reason}")
    print(f"f({', '.join(expression.variables)}) = {expression.text}")
    print(f"at {where}:")
    for name, value in zip(wrt, values):
        print(f"  {derivative_name(name, args.order, single)} = {value:.12g}")
    for note in notes:
        if note.kind == "kink":
            print(f"note: {note}")
    return 0


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

    try:
        with op_hook(budget):
            return float(derivative(*point))
    except _OverBudget:
        raise CommandError(
            f"the derivative of order {order} needs more than {MAX_OPERATIONS:,} operations "
            "(each order differentiates the one before); ask for a lower --order, or leave "
            "out --at for the formula"
        ) from None


def derivative_name(name, order, single):
    power = "" if order == 1 else str(order).translate(SUPERSCRIPTS)
    d = "d" if single else "∂"
    return f"{d}{power}f/{d}{name}{power}"


def print_formulas(expression, wrt, order):
    # A part without variables that has no value (0/0, 1/0) makes the whole formula undefined.
    refuse_undefined(formula_notes(expression, [1.0] * len(expression.variables), True),
                     "for every value")
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
        if re.search(r"\b(zoo|nan|oo)\b", text):
            raise CommandError(f"the derivative by {name} is undefined: SymPy gives {text}")
        print(f"{derivative_name(name, order, single)} = {text}")


def formulas_missing():
    return (
        "derivatives as formulas need SymPy: pip install "
        "chainrule[formulas] (or give --at x=... for the derivative's value)"
    )


__all__ = ['add_diff', 'run_diff', 'nth_derivative']
