"""The ``chainrule`` command line: one subcommand per task, one module per subcommand, all on the
public API.

A subcommand's module adds its parser to the subparsers; ``run(args)`` carries it out and returns
the exit status. Bad input and failures end in one line on stderr and exit status 2, never a
traceback.
"""

from __future__ import annotations

import os
import sys

from chainrule import __version__
from chainrule.cli import check, demo, diff, evaluate, explain, explore, graph, plot, train
from chainrule.cli.errors import Parser, UsageError, one_line_errors

# (name, the function that adds its parser, the function that runs it), in --help's order.
SUBCOMMANDS = (
    ("demo", demo.add_demo, demo.run_demo),
    ("train", train.add_train, train.run_train),
    ("evaluate", evaluate.add_evaluate, evaluate.run_evaluate),
    ("graph", graph.add_parser, graph.run),
    ("diff", diff.add_diff, diff.run_diff),
    ("explain", explain.add_explain, explain.run_explain),
    ("check", check.add_check, check.run),
    ("plot", plot.add_plot, plot.run),
    ("explore", explore.add_explore, explore.run),
)


def build_parser():
    parser = Parser(
        prog="chainrule",
        description="chainrule: automatic differentiation for NumPy that shows its work.",
        epilog="Run 'chainrule COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"chainrule {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name, add_parser, run in SUBCOMMANDS:
        add_parser(subparsers).set_defaults(run=one_line_errors(name, run))
    return parser


def main(argv=None):
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    # A console that cannot encode σ or · should get a '?' rather than a failure.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        status = args.run(args)
        sys.stdout.flush()  # a closed pipe is found here, inside the command, not at exit
        return status
    except SystemExit as done:  # --help and --version end here
        return done.code
    except UsageError as error:
        print(error, file=sys.stderr)
    except KeyboardInterrupt:
        print("chainrule: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped early (``chainrule explain ... | head``): that is no error. Python
        # would complain again when it flushes stdout at exit, so stdout goes nowhere now.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # noqa: BLE001  (a command line shows one line, not a traceback)
        print(f"chainrule: error: {type(error).__name__}: {error}", file=sys.stderr)
    return 2


__all__ = ["build_parser", "main"]
