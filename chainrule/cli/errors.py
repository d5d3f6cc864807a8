"""The command line's errors: each becomes one line on stderr and exit status 2, never a
traceback."""

from __future__ import annotations

import argparse


class UsageError(Exception):
    """Input the command line cannot act on; the message is shown as it is."""


class CommandError(Exception):
    """Input a command (diff, explain, graph, check) cannot act on; the message is one line,
    which the command line prefixes with the command's name."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error becomes one line (main prints it) instead of an exit."""

    def error(self, message):
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


def one_line_errors(name, run):
    """``run``, with a :class:`CommandError` shown as ``chainrule NAME: message``."""

    def run_command(args):
        try:
            return run(args)
        except CommandError as error:
            raise UsageError(f"chainrule {name}: {error}") from None

    return run_command


__all__ = ["CommandError", "Parser", "UsageError", "one_line_errors"]
