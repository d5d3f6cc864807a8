"""``chainrule graph EXPR --at x=1 -o FILE``: a formula's computation graph as a picture, with
each step's value and adjoint, written as DOT, SVG or PNG (or DOT on stdout).
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from chainrule.explanation.pictures.dot import GraphvizNotFound
from chainrule.explanation.pictures.drawing import draw_graph
from chainrule.explanation.formulas.expression import ExpressionError
from chainrule.explanation.pictures.picture import SUFFIXES
from chainrule.cli.errors import CommandError
from chainrule.cli.formula_input import formula_of, parse_point
from chainrule.files import NotARegularFile, check_replaceable

DESCRIPTION = (
    "Draw the computation graph of EXPR at the point --at: a box per step with its op, value "
    "and adjoint (from one reverse sweep), and on each edge the local derivative. The file's "
    "suffix picks the format: .dot (Graphviz DOT, always available), .svg or .png (these need "
    "Graphviz: apt-get install graphviz, brew install graphviz or conda install graphviz). "
    "Without -o the DOT text goes to stdout."
)
EXAMPLES = """\
examples:
  chainrule graph "1/(1 + exp(-x))" --at x=0.5 -o sigmoid.svg
  chainrule graph "x*y + sin(x)" --at x=0.5,y=2 -o product.png
  chainrule graph "sin(cos(x))" --at x=pi/4 -o chain.dot
  chainrule graph "tanh(x)^2" --at x=1 | dot -Tsvg > tanh.svg
"""


def add_parser(subparsers):
    """Add the ``graph`` command's parser to ``subparsers`` and return it."""
    command = subparsers.add_parser(
        "graph",
        help="draw a formula's computation graph as DOT, SVG or PNG",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("expression", metavar="EXPR", help='a formula, e.g. "x*sin(y)"')
    command.add_argument(
        "--at",
        action="append",
        metavar="x=1,y=2",
        help="the value of every variable (numbers, or constant formulas such as pi/4)",
    )
    command.add_argument(
        "-o", "--output", metavar="FILE", help="write FILE.dot, .gv, .svg or .png (default: stdout)"
    )
    command.add_argument(
        "--max-nodes",
        type=_positive_int,
        default=200,
        metavar="N",
        help="draw at most N steps, those nearest the result (default 200)",
    )
    command.add_argument(
        "--no-adjoints", action="store_true", help="leave out the reverse sweep's adjoints"
    )
    return command


def run(args):
    """Draw the graph the arguments ask for; return the exit status (raises CommandError)."""
    if args.output is not None:
        _check_output(args.output)
    try:
        formula = formula_of(args.expression)
        values = parse_point(",".join(args.at or []), formula.variables)
        with np.errstate(all="ignore"):  # a nan or inf in the picture is the answer, not a fault
            picture = draw_graph(
                formula,
                *values,
                names=formula.variables,
                with_adjoints=not args.no_adjoints,
                max_nodes=args.max_nodes,
            )
    except (ExpressionError, ValueError) as error:
        raise CommandError(str(error)) from None
    if args.output is None:
        print(picture.dot, end="")
        return 0
    try:
        picture.save(args.output)
    except GraphvizNotFound as error:
        raise CommandError(f"{error}; or write a .dot file") from None
    except OSError as error:
        raise CommandError(f"cannot write {args.output}: {error.strerror or error}") from None
    drawn = f"{picture.steps:,} of {picture.steps + picture.hidden:,}"
    print(f"wrote {args.output} ({drawn if picture.hidden else picture.steps} steps)")
    return 0


def _check_output(path):
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in SUFFIXES:
        raise CommandError(f"-o {path}: end the file name in {', '.join(SUFFIXES)}")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise CommandError(f"-o {path}: no such folder {folder!r}")
    try:
        check_replaceable(path)
    except NotARegularFile as error:
        raise CommandError(f"-o {path}: {error.strerror}") from None


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


__all__ = ["CommandError", "add_parser", "run"]
