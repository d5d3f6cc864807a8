"""``chainrule explore``: the explorer page served on 127.0.0.1 with live inputs — type a
formula and a point, step through the sweeps, check a derivative worked out by hand.
"""

from __future__ import annotations

import argparse
import secrets
import signal
import sys
import webbrowser

from chainrule.cli.errors import CommandError
from chainrule.cli.explain import explanation_of
from chainrule.cli.server.endpoints import ExplorerServer
from chainrule.cli.server.worker import Worker

EXPLORE_EXAMPLES = """examples:
  chainrule explore                                   opens the explorer in the browser
  chainrule explore "1/(1+exp(-x))" --at x=0.5        starts with the sigmoid
  chainrule explore --no-browser --port 8765          prints the address only

The server answers only on 127.0.0.1 and only requests that carry the token in the printed
address. Ctrl-C stops it.
"""


def add_explore(subparsers):
    """Add the ``explore`` command's parser to ``subparsers`` and return it."""
    command = subparsers.add_parser(
        "explore",
        help="explore the chain rule in the browser: live formulas, step-through sweeps",
        description="Serve the interactive explorer on this machine (127.0.0.1): type a "
        "formula and a point, watch the forward pass and the reverse or forward sweep step by "
        "step on the computation graph, and check a derivative worked out by hand.",
        epilog=EXPLORE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("expression", metavar="EXPR", nargs="?", help="a formula to start with")
    command.add_argument("--at", metavar="X=VALUE,...", help="its point, e.g. --at x=0.5")
    command.add_argument(
        "--port", type=int, default=0, help="the port to serve on (default: a free one)"
    )
    command.add_argument(
        "--no-browser", action="store_true", help="print the address without opening a browser"
    )
    command.add_argument(
        "--time-limit",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="stop a computation that takes longer (default 10)",
    )
    return command


def run(args):
    """Serve until Ctrl-C; 0 when stopped so."""
    live = starting_formula(args)
    if not 0 <= args.port <= 65535:
        raise CommandError(f"--port {args.port} is no port: give 1 to 65535, or 0 for a free one")
    if not args.time_limit > 0:
        raise CommandError("--time-limit must be a positive number of seconds")
    try:
        worker = Worker(args.time_limit)
    except OSError as error:
        raise CommandError(f"cannot start the computation process: {error}") from None
    try:
        server = ExplorerServer(args.port, secrets.token_urlsafe(16), worker, live)
    except OSError as error:
        worker.close()
        raise CommandError(
            f"cannot serve on port {args.port}: {error.strerror or error} (leave out --port "
            "for a free one)"
        ) from None
    print(f"chainrule explore: serving {server.url()}", flush=True)
    print("press Ctrl-C to stop", flush=True)
    if not args.no_browser:
        webbrowser.open(server.url())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stopping = True
        # A second Ctrl-C while closing would leave the computation process behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("chainrule explore: stopped", file=sys.stderr)
    finally:
        server.server_close()
        worker.close()
    return 0


def starting_formula(args):
    """The formula and point the page starts with, checked now so that a typo is one line
    here rather than in the page."""
    if args.expression is None:
        if args.at is not None:
            raise CommandError("--at needs a formula: chainrule explore EXPR --at x=...")
        return {"formula": "", "at": ""}
    if args.at is None:
        raise CommandError("a formula needs its point: add --at, e.g. --at x=0.5")
    explanation_of(args.expression, args.at)
    return {"formula": args.expression, "at": args.at}


__all__ = ["add_explore", "run"]
