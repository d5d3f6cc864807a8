"""The ``chainrule check`` command: is a derivative worked out by hand right, and if not, which
chain-rule mistake gives it. Exit status 0 when it is right, 1 when it is wrong, 2 on bad input.
"""

from __future__ import annotations

import argparse

from chainrule.explanation.mistakes.checker import check_derivative
from chainrule.cli.errors import CommandError

CHECK_EXAMPLES = """examples:
  chainrule check "sin(x**2)" --claim "2*x*cos(x**2)"      right: exit status 0
  chainrule check "sin(x**2)" --claim "cos(x**2)"          wrong: names the mistake, exit 1
  chainrule check "sin(x)^2" --claim "sin(2*x)"            written differently, still right
  chainrule check "x^2*y" --claim "x^2" --wrt y            a partial derivative

exit status: 0 the claim is right, 1 it is wrong, 2 the input cannot be read.
Numbers decide (64 points inside the domain); with SymPy (pip install chainrule[formulas])
the difference is also simplified, and the correct derivative is shown as a formula.
"""


def add_check(subparsers):
    """Add the ``check`` command's parser to ``subparsers`` and return it."""
    command = subparsers.add_parser(
        "check",
        help="check a derivative worked out by hand, and name the mistake if it is wrong",
        description="Check a claimed derivative of a formula. If it is wrong, compare it with "
        "the derivatives that the classic chain-rule mistakes give at each place of the "
        "formula (inner derivative forgotten, outer derivative taken at the inner derivative, "
        "inner and outer swapped, product- and quotient-rule slips, signs), name the one that "
        "matches and where, and show the correct derivative.",
        epilog=CHECK_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("expression", metavar="EXPR", help="the function, e.g. 'sin(x**2)'")
    command.add_argument(
        "--claim", required=True, metavar="EXPR2", help="its derivative as you worked it out"
    )
    command.add_argument("--wrt", default="x", metavar="NAME", help="the variable (default x)")
    return command


def run(args):
    """Print the verdict and its explanation; 0 when the claim is right, 1 when it is wrong."""
    try:
        result = check_derivative(args.expression, args.claim, wrt=args.wrt)
    except (ValueError, TypeError) as error:  # ExpressionError is a ValueError
        raise CommandError(_one_line(error)) from None
    print(result.message)
    return 0 if result.correct else 1


def _one_line(error):
    return " ".join(str(error).split())


__all__ = ["CommandError", "add_check", "run"]
