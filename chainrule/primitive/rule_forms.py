"""Forms of rule that recur across the op families, which the compiled core runs without a
Python frame: the rule of a derivative of 1, a linear map's adjoint called as a rule, and the
rules of a unary elementwise op from its derivative.

Each stays an ordinary rule, ``rule(grad_out, out, *inputs, **params)``, that explanations,
recorded sweeps and the pure-Python engine call as they call any other.
"""

from __future__ import annotations

from chainrule.compiled import core


def gradient_unchanged(grad_out, out, *inputs, **params):
    """The rule of an input whose derivative is 1 (both inputs of add, the first of subtract):
    the gradient passes on as it is. A plain compiled sweep hands ``grad_out`` on without
    calling it.

    Example:
        >>> from chainrule.primitive.rule_forms import gradient_unchanged
        >>> gradient_unchanged(2.5, 7.0, 3.0, 4.0)
        2.5
    """
    return grad_out


def adjoint_rule(adjoint):
    """The rule ``(grad_out, out, *inputs, **params)`` of a linear map whose adjoint is
    ``adjoint(grad_out, *inputs, **params)``: the map's own output is never read.

    Example:
        >>> from chainrule.primitive.rule_forms import adjoint_rule
        >>> rule = adjoint_rule(lambda grad_out, x, y: grad_out * y)
        >>> rule(2.0, "out, unread", 3.0, 5.0)
        10.0
    """
    if core is not None:
        return core.AdjointRule(adjoint)

    def rule(grad_out, out, *inputs, **params):
        return adjoint(grad_out, *inputs, **params)

    return rule


def derivative_rule(derivative):
    """The rule ``(grad_out, out, x) → grad_out · derivative(x, out)`` of a unary elementwise
    op; the same form, ``(x_dot, out, x) → x_dot · derivative(x, out)``, is its JVP.

    Example:
        >>> from chainrule.primitive.rule_forms import derivative_rule
        >>> rule = derivative_rule(lambda x, out: 2 * x)  # of x²
        >>> rule(0.5, 9.0, 3.0)
        3.0
    """
    if core is not None:
        return core.DerivativeRule(derivative)

    def rule(grad_out, out, x):
        return grad_out * derivative(x, out)

    return rule


__all__ = ["gradient_unchanged", "adjoint_rule", "derivative_rule"]
