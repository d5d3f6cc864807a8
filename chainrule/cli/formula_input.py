"""A formula and a point typed on the command line (``"x**2*y" --at x=1,y=2 --wrt y``), checked
strictly and refused with one line that names what is wrong.
"""

from __future__ import annotations

import math
import re

from chainrule.cli.errors import CommandError
from chainrule.explanation.formulas.expression import ExpressionError, parse


NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


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
    """``x=1,y=2`` as one float per variable, in the formula's order; strict about everything."""
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
        if not NUMBER.fullmatch(value) or not math.isfinite(float(value)):
            raise CommandError(f"--at {name}={value}: {value!r} is not a finite number")
        values[name] = float(value)
    missing = [name for name in variables if name not in values]
    if missing:
        raise CommandError(
            f"--at has no value for {', '.join(missing)} (give one for every variable)"
        )
    return [values[name] for name in variables]


__all__ = ['formula_of', 'variables_of', 'parse_point']
