"""``chainrule diff EXPR --steps``: the derivative derived as a textbook does, one named rule a
line (:mod:`chainrule.explanation.derivation`).
"""

from __future__ import annotations

from chainrule.cli.errors import CommandError
from chainrule.explanation.formulas.expression import ExpressionError


def print_steps(expression, wrt, order):
    """Print the rule-named steps of the first derivative by each variable of ``wrt``.

    Raises:
        CommandError: for an order above 1, a formula the steps cannot derive, or no SymPy.
    """
    if order != 1:
        raise CommandError("--steps derives first derivatives; leave out --order")
    try:
        from chainrule.explanation.derivation.reading import formula_steps

        derivation = formula_steps(expression, wrt)
    except ModuleNotFoundError:
        raise CommandError(
            "the steps need SymPy: pip install chainrule[formulas] (or give --at x=... "
            "without --steps for the derivative's value)"
        ) from None
    except (ExpressionError, ValueError, TypeError) as error:
        raise CommandError(f"no steps for this formula: {error}") from None
    print(derivation.text())


__all__ = ["print_steps"]
