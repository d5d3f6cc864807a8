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
  chainrule check "sqrt(x^2)" --claim 1 --domain=0,5       only where 0 < x < 5
  chainrule check "x*y" --where x=t --where y=t^2 --wrt t --claim "3*t^2"
                                                          a multivariable chain

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
        "formula (inner derivative forgotten, only the inner function differentiated, a skipped "
        "activation derivative, outer derivative taken at the inner derivative, inner and outer "
        "swapped, product- and quotient-rule slips, the power or exponential rule on x**x, a "
        "dropped term or path, signs, and pairs of these), name the likeliest that matches and "
        "where, or say where a claim right on part of the domain is right, and show the "
        "correct derivative.",
        epilog=CHECK_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("expression", metavar="EXPR", help="the function, e.g. 'sin(x**2)'")
    command.add_argument(
        "--claim", required=True, metavar="EXPR2", help="its derivative as you worked it out"
    )
    command.add_argument("--wrt", default="x", metavar="NAME", help="the variable (default x)")
    command.add_argument(
        "--points",
        type=int,
        metavar="N",
        help="how many seeded points to compare at, per variable (default 64)",
    )
    command.add_argument(
        "--domain",
        metavar="A,B",
        help="draw the points from A < x < B (write --domain=-1,1 for a negative A)",
    )
    command.add_argument(
        "--where",
        action="append",
        metavar="NAME=EXPR",
        help="put EXPR in for the variable NAME (a multivariable chain; repeat for each)",
    )
    return command


def run(args):
    """Print the verdict and its explanation; 0 when the claim is right, 1 when it is wrong."""
    try:
        domain, where = _domain(args.domain), _where(args.where)
        result = check_derivative(
            args.expression,
            args.claim,
            wrt=args.wrt,
            points=args.points,
            domain=domain,
            where=where,
        )
    except (ValueError, TypeError) as error:  # ExpressionError is a ValueError
        raise CommandError(_one_line(error)) from None
    print(result.message)
    return 0 if result.correct else 1


def _domain(text):
    # "a,b" as two numbers; the checker says what is wrong with numbers that make no domain.
    if text is None:
        return None
    ends = text.split(",")
    try:
        if len(ends) != 2:
            raise ValueError
        return tuple(float(end) for end in ends)
    except ValueError:
        raise CommandError(f"--domain takes two numbers A,B such as 0,3.5; got {text!r}") from None


def _where(texts):
    where = {}
    for text in texts or ():
        name, equals, formula = text.partition("=")
        if not equals or not name.strip().isidentifier():
            raise CommandError(f"--where takes NAME=EXPR such as y=t^2; got {text!r}")
        where[name.strip()] = formula
    return where


def _one_line(error):
    return " ".join(str(error).split())


__all__ = ["CommandError", "add_check", "run"]
