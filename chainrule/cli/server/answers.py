"""What the explorer's server computes for a request: a typed formula and point explained (the
page's payload, both sweeps), or a claimed derivative checked by the mistake checker. Bad input
is a :class:`CommandError` whose one line the page shows as it is.
"""

from __future__ import annotations

from chainrule.cli.errors import CommandError
from chainrule.cli.explain import explanation_of
from chainrule.explanation.mistakes.checker import check_derivative
from chainrule.explanation.page.build import payload

# The longest formula or point a request may hold: enough for any formula typed by hand.
MAX_TEXT = 2000


def explanation_answer(fields):
    """The page's payload for ``{"formula", "at", "wrt"}``: both sweeps, so that the page can
    switch modes without asking again.

    Example:
        >>> answer = explanation_answer({"formula": "x*y", "at": "x=2, y=3"})
        >>> [d["value"] for d in answer["explanation"]["derivatives"] if d["mode"] == "reverse"]
        [3.0, 2.0]
    """
    wrt = text_field(fields, "wrt", required=False) or None
    explanation = explanation_of(
        text_field(fields, "formula"), text_field(fields, "at"), mode="both", wrt=wrt
    )
    return payload(explanation)


def check_answer(fields):
    """The mistake checker's verdict on ``{"formula", "claim", "wrt"}``.

    Example:
        >>> check_answer({"formula": "sin(x**2)", "claim": "2*x*cos(x**2)", "wrt": "x"})["correct"]
        True
    """
    formula, claim = text_field(fields, "formula"), text_field(fields, "claim")
    wrt = text_field(fields, "wrt", required=False) or "x"
    try:
        result = check_derivative(formula, claim, wrt=wrt)
    except (ValueError, TypeError) as error:  # ExpressionError is a ValueError
        raise CommandError(" ".join(str(error).split())) from None
    return {"correct": bool(result.correct), "message": result.message}


def text_field(fields, name, required=True):
    """``fields[name]`` as text, refused in one line when missing, not text, or too long."""
    value = fields.get(name, "")
    if not isinstance(value, str):
        raise CommandError(f"{name} must be text, got {type(value).__name__}")
    if required and not value.strip():
        raise CommandError(f"the {name} is empty: type one, e.g. " + EXAMPLES.get(name, "x"))
    if len(value) > MAX_TEXT:
        raise CommandError(f"the {name} is longer than {MAX_TEXT} characters")
    return value.strip()


EXAMPLES = {"formula": "1/(1+exp(-x))", "at": "x=0.5", "claim": "2*x*cos(x**2)"}
ANSWERS = {"explain": explanation_answer, "check": check_answer}

__all__ = ["explanation_answer", "check_answer", "text_field", "ANSWERS", "MAX_TEXT"]
