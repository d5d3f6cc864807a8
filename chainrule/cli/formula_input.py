"""A formula and a point typed on the command line (``"x**2*y" --at x=1,y=2 --wrt y``), checked
strictly and refused with one line that names what is wrong.
"""

from __future__ import annotations

import math
import re

import numpy as np

from chainrule.cli.errors import CommandError
from chainrule.explanation.formulas.expression import ExpressionError, parse


UNSIGNED = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def formula_of(text):
    try:
        expression = parse(text)
    except ExpressionError as error:
        raise CommandError(str(error)) from None
    if not expression.variables:
        raise CommandError(f"{text!r} has no variables to differentiate by")
    return expression


def variables_of(text, expression):
    """``--wrt x,y`` as names of the formula's variables (all of them without --wrt)."""
    if text is None:
        return list(expression.variables)
    names = [name.strip() for name in text.split(",")]
    for name in names:
        if name not in expression.variables:
            raise CommandError(
                f"--wrt {name!r} is not a variable of the "
                f"formula; its variables are {', '.join(expression.variables)}"
            )
    if len(set(names)) != len(names):
        raise CommandError("--wrt names a variable twice")
    return names


def parse_point(text, variables):
    """``x=1,y=pi/2`` as one float per variable, in the formula's order; strict about the rest.

    A value is a number or a formula of numbers and constants (``pi/4``, ``sqrt(2)``).

    Example:
        >>> parse_point(" y = 2 , x=pi/2 ", ("x", "y"))
        [1.5707963267948966, 2.0]
    """
    values = {}
    for piece in text.split(","):
        name, equals, value = (part.strip() for part in piece.partition("="))
        if not equals or not name:
            raise CommandError(
                f"--at {piece.strip()!r} is not NAME=VALUE (write e.g. --at x=1,y=2)"
            )
        if name not in variables:
            raise CommandError(
                f"--at names an unknown variable {name!r}; "
                f"the formula's variables are {', '.join(variables)}"
            )
        if name in values:
            raise CommandError(f"--at gives {name} twice")
        if not value:
            raise CommandError(f"--at {name}= is missing its value")
        values[name] = _value(name, value)
    missing = [name for name in variables if name not in values]
    if missing:
        raise CommandError(
            f"--at has no value for {', '.join(missing)} (give one for every variable)"
        )
    return [values[name] for name in variables]


def refuse_undefined(notes, where):
    """Raise a CommandError naming the first step that is undefined ``where``, if any (notes
    from :mod:`chainrule.explanation.bad_points`).

    Raises:
        CommandError: ``undefined at x = -1: log(x) is the log of a negative number (-1)``.
    """
    for note in notes:
        if note.kind == "undefined":
            raise CommandError(f"undefined {where}: {note.step} is {note.reason}")


def point_text(variables, point):
    """``x = 1, y = 2``."""
    return ", ".join(f"{name} = {value:g}" for name, value in zip(variables, point))


def _value(name, text):
    # Python's own spellings of numbers (0x10, 1_000) are not numbers on this command line.
    literals = re.findall(r"(?<![A-Za-z_])[\d.][0-9A-Za-z_.]*", text)
    number = None
    if all(UNSIGNED.fullmatch(literal) for literal in literals):
        try:
            with np.errstate(all="ignore"):  # sqrt(-1) is refused below, not warned about
                number = float(parse(text, variables=())())
        except ExpressionError:
            number = None
    if number is None or not math.isfinite(number):
        raise CommandError(
            f"--at {name}={text}: {text!r} is not a finite number (or a constant formula such "
            "as pi/4)"
        )
    return number


__all__ = ['formula_of', 'variables_of', 'parse_point', 'refuse_undefined', 'point_text']
