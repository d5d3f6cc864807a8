"""The command line's errors: each becomes one line on stderr and exit status 2, never a
traceback."""

from __future__ import annotations

import argparse
import re


class UsageError(Exception):
    """Input the command line cannot act on; the message is shown as it is."""


class CommandError(Exception):
    """Input a command (diff, explain, graph, check) cannot act on; the message is one line,
    which the command line prefixes with the command's name."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error becomes one line (main prints it) instead of an exit."""

    def parse_known_args(self, args=None, namespace=None):
        if args is not None and not any(
            isinstance(action, argparse._SubParsersAction) for action in self._actions
        ):
            args = leading_minus_read(list(args), self._option_string_actions)
        return super().parse_known_args(args, namespace)

    def error(self, message):
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


def leading_minus_read(args, options):
    """``args`` with each formula that starts with ``-`` (``-x^2``, ``--claim -2*x``) kept as a
    value: given to the option before it as ``--claim=-2*x``, or, where it is an operand, moved
    after ``--``, so that argparse does not take it for an unknown option.

    Example:
        >>> leading_minus_read(["-x^2", "--at", "x=1"], {"--at": None, "-h": None})
        ['--at', 'x=1', '--', '-x^2']
    """
    if "--" in args:
        return args
    kept, operands = [], []
    for arg in args:
        if not _formula_with_minus(arg, options):
            kept.append(arg)
            continue
        before = kept[-1] if kept else ""
        # argparse also takes an option by a prefix that names one option (--cl for --claim).
        named = [option for option in options if option.startswith(before)]
        action = options.get(before) or (options[named[0]] if len(named) == 1 else None)
        if before.startswith("--") and "=" not in before and action is not None and (
            action.nargs is None
        ):
            kept[-1] = f"{before}={arg}"
        else:
            operands.append(arg)
    return [*kept, "--", *operands] if operands else kept


def _formula_with_minus(arg, options):
    # One dash and something after it that is no option: -x^2, -cos(x), −1/x, -2*x. A plain
    # negative number (-1, -0.5) argparse reads as a value itself.
    return (
        len(arg) > 1
        and not re.fullmatch(r"-\d+|-\d*\.\d+", arg)
        and arg[0] in "-−"
        and not arg.startswith("--")
        and arg not in options
        and not any(option.startswith(arg) for option in options)
    )


def one_line_errors(name, run):
    """``run``, with a :class:`CommandError` shown as ``chainrule NAME: message``."""

    def run_command(args):
        try:
            return run(args)
        except CommandError as error:
            raise UsageError(f"chainrule {name}: {error}") from None

    return run_command


__all__ = ["CommandError", "Parser", "UsageError", "leading_minus_read", "one_line_errors"]
