"""The one vocabulary of explanations: the name of each differentiation rule, read from the kind
of op a step is and which of its inputs depend on the variable, and how a derivative is named
(``∂f/∂x``, ``df/dx``) with the user's own names.
"""

from __future__ import annotations

SUM = "sum rule"
CONSTANT_MULTIPLE = "constant multiple rule"
PRODUCT = "product rule"
QUOTIENT = "quotient rule"
POWER = "power rule"
EXPONENTIAL = "exponential rule"
LOG = "log rule"
CHAIN = "chain rule"
MULTIVARIABLE_CHAIN = "multivariable chain rule"
CONSTANT = "constant rule"
# x**y where both depend on the variable: one path through each input.
POWER_AND_EXPONENTIAL = (
    "multivariable chain rule (power rule through the base + exponential rule through the exponent)"
)

# Ops that are powers of their input with a fixed exponent: x², √x, ∛x, 1/x.
POWERS = {"square", "sqrt", "cbrt", "reciprocal"}
EXPONENTIALS = {"exp", "exp2", "expm1"}
LOGARITHMS = {"log", "log2", "log10", "log1p"}
# Rules that combine the derivatives of their parts; the others take a function of an inner
# function, which is where the chain rule comes in.
COMBINING = {SUM, CONSTANT_MULTIPLE, PRODUCT, QUOTIENT, MULTIVARIABLE_CHAIN, POWER_AND_EXPONENTIAL}


def rule_name(op, dependent, inputs):
    """The rule that differentiates one ``op`` step whose inputs at positions ``dependent``
    depend on the variable (of ``inputs`` inputs in all).

    Example:
        >>> rule_name("multiply", [0, 1], 2), rule_name("multiply", [1], 2)
        ('product rule', 'constant multiple rule')
        >>> rule_name("power", [1], 2), rule_name("sin", [0], 1)
        ('exponential rule', 'derivative of sin')
    """
    both = len(dependent) > 1
    if op in ("add", "subtract"):
        return SUM
    if op == "negative":
        return CONSTANT_MULTIPLE
    if op == "multiply":
        return PRODUCT if both else CONSTANT_MULTIPLE
    if op == "divide":
        return QUOTIENT if both or dependent == [1] else CONSTANT_MULTIPLE
    if op == "power":
        return POWER_AND_EXPONENTIAL if both else POWER if dependent == [0] else EXPONENTIAL
    if op in POWERS:
        return POWER
    if op in EXPONENTIALS:
        return EXPONENTIAL
    if op in LOGARITHMS:
        return LOG
    if inputs > 1 and both:
        return MULTIVARIABLE_CHAIN
    return f"derivative of {op}"


def is_combining(rule):
    """Whether ``rule`` combines the derivatives of parts (sum, product, …) rather than taking
    a function of one inner function (where the chain rule applies)."""
    return rule in COMBINING


def derivative_name(function, wrt, single=True, order=1):
    """How a derivative is written: ``df/dx`` of a function of one variable, ``∂J/∂W1`` of
    several, ``d²f/dx²`` of order 2.

    Example:
        >>> derivative_name("f", "x"), derivative_name("J", "W1", single=False)
        ('df/dx', '∂J/∂W1')
    """
    power = "" if order == 1 else str(order).translate(SUPERSCRIPTS)
    d = "d" if single else "∂"
    return f"{d}{power}{function}/{d}{wrt}{power}"


SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

__all__ = [
    "rule_name",
    "is_combining",
    "derivative_name",
    "SUM",
    "CONSTANT_MULTIPLE",
    "PRODUCT",
    "QUOTIENT",
    "POWER",
    "EXPONENTIAL",
    "LOG",
    "CHAIN",
    "MULTIVARIABLE_CHAIN",
    "CONSTANT",
]
