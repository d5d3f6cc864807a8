"""``chainrule plot EXPR [--at x=a] [--range a,b] -o FILE``: a picture of f and f′ (and the
tangent line at a point), drawn with matplotlib from the engine's own derivative."""

from __future__ import annotations

import argparse
import os

from chainrule.cli.errors import CommandError
from chainrule.cli.formula_input import formula_of, parse_point
from chainrule.explanation import plot_derivative
from chainrule.figures import FORMATS, picture_format, require_matplotlib
from chainrule.files import NotARegularFile, check_replaceable

PLOT_EXAMPLES = """examples:
  chainrule plot "sin(x)*x" -o f.png                   f and f' on [-5, 5]
  chainrule plot "log(x)" --range 0.1,4 --at x=1 -o log.svg
                                                      with the tangent line at x = 1
"""


def add_plot(subparsers):
    """Add the ``plot`` command's parser to ``subparsers`` and return it."""
    command = subparsers.add_parser(
        "plot",
        help="draw a formula of one variable and its derivative (needs matplotlib)",
        description="Draw f and its derivative f' (the engine's, one reverse sweep) over an "
        "interval, and with --at the tangent line there. Needs matplotlib: "
        "pip install 'chainrule[plot]'.",
        epilog=PLOT_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("expression", metavar="EXPR", help="a formula of one variable")
    command.add_argument("--at", metavar="X=VALUE", help="draw the tangent line at this point")
    command.add_argument("--range", metavar="LOW,HIGH",
                         help="the interval drawn (default: 5 either side of --at, or of 0)")
    command.add_argument("-o", "--output", metavar="FILE", required=True,
                         help=f"the picture: a {', '.join('.' + f for f in FORMATS)} file")
    return command


def run(args):
    expression = formula_of(args.expression)
    if len(expression.variables) != 1:
        raise CommandError(
            f"plot draws a formula of one variable; {args.expression!r} has "
            f"{len(expression.variables)} ({', '.join(expression.variables)})"
        )
    variable = expression.variables[0]
    at = None if args.at is None else parse_point(args.at, expression.variables)[0]
    interval = None if args.range is None else _interval(args.range)
    _check_output(args.output)
    try:
        require_matplotlib()
    except ImportError as error:
        raise CommandError(str(error)) from None
    plot_derivative(expression.__call__, args.output, at=at, interval=interval,
                    variable=variable, title=f"f({variable}) = {expression.text}")
    print(f"wrote {args.output}")
    return 0


def _interval(text):
    low, comma, high = text.partition(",")
    try:
        bounds = float(low), float(high)
    except ValueError:
        bounds = None
    if not comma or bounds is None or not bounds[0] < bounds[1]:
        raise CommandError(f"--range {text!r} is not LOW,HIGH with LOW < HIGH (e.g. --range 0,3)")
    return bounds


def _check_output(path):
    try:
        picture_format(path)
    except ValueError as error:
        raise CommandError(f"-o {path}: {error}") from None
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise CommandError(f"-o {path}: no such folder {folder!r}")
    try:
        check_replaceable(path)
    except NotARegularFile as error:
        raise CommandError(f"-o {path}: {error.strerror}") from None
