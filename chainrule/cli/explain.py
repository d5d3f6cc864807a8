"""``chainrule explain``: a formula recorded once at a point, printed as its primal trace and the
sweeps the engine ran over it, as text, Markdown, HTML or JSON.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from chainrule.cli.errors import CommandError
from chainrule.cli.formula_input import (
    formula_of,
    parse_point,
    point_text,
    refuse_undefined,
    variables_of,
)
from chainrule.explanation.bad_points import PointWarning, formula_notes
from chainrule.explanation.formulas.expression import ExpressionError
from chainrule.explanation.traces import MODES, explain
from chainrule.files import write_atomically


FORMATS = ("text", "markdown", "html", "json")


EXPLAIN_EXAMPLES = """examples:
  chainrule explain "1/(1+exp(-x))" --at x=0.5                the sigmoid, reverse mode
  chainrule explain "x1*x2 + sin(x1)" --at x1=2,x2=5 --mode both
  chainrule explain "sin(cos(x))" --at x=0.5 --format markdown
  chainrule explain "x**2*y" --at x=1,y=2 --format json > explanation.json
  chainrule explain "x1*x2 + sin(x1)" --at x1=2,x2=5 --mode both --format html -o page.html
                                                             open page.html in a browser
"""


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
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), markdown, html (the interactive page: the graph stepped through "
        "each sweep, one file that opens with no server) or json",
    )
    command.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (replaced whole or not at all) instead of standard output",
    )
    command.add_argument(
        "--wrt", metavar="NAME[,NAME]", help="the variables to differentiate by (default: all)"
    )
    return command


def run_explain(args):
    explanation = explanation_of(args.expression, args.at, args.mode, args.wrt)
    if args.format == "json":
        shown = explanation.to_json() + "\n"
    elif args.format == "html":
        shown = explanation.to_html()
    else:
        shown = getattr(explanation, args.format)()
    if args.output is None:
        print(shown, end="")
    else:
        write_output(args.output, shown)
    if args.format != "json":
        for note in explanation.notes:
            print(f"note: {note}")
    return 0


def explanation_of(formula, at, mode="reverse", wrt=None):
    """The explanation of ``formula`` (text) at the point ``at`` (``"x=1,y=2"``), checked as
    the command line checks it: bad input is a :class:`CommandError` of one line.

    Example:
        >>> explanation_of("x*y", "x=2,y=3", wrt="y").to_dict()["derivatives"][0]["value"]
        2.0
    """
    expression = formula_of(formula)
    names = variables_of(wrt, expression)
    point = parse_point(at, expression.variables)
    # Every number of the formula is a step of its own here, so that 0/0 is named too.
    where = point_text(expression.variables, point)
    refuse_undefined(formula_notes(expression, point), f"at {where}")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", PointWarning)  # said by the caller, in its own words
        try:
            return explain(expression, *point, mode=mode, wrt=names)
        except (ExpressionError, ValueError, TypeError) as error:
            raise CommandError(" ".join(str(error).split())) from None


def write_output(path, text):
    try:
        write_atomically(path, text.encode("utf-8"))
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror or error}") from None


__all__ = ['add_explain', 'run_explain', 'explanation_of']
