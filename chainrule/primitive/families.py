"""The family helpers: an op states only what is specific to its math (an elementwise derivative,
both partials, a linear map's adjoint, the product rule), and the general form."""

from __future__ import annotations

from chainrule.primitive.calls import apply
from chainrule.primitive.declaration import Primitive, default_inputs
from chainrule.primitive.rule_forms import adjoint_rule, derivative_rule

def primitive(name, forward, vjp, jvp, *, inputs=None, symbolic=None, reads_inputs=True,
              reads_out=False, doc=None, supports_complex=False):
    """Declare a primitive from its forward and one VJP and one JVP per input.

    This is the general form, and the public way to add an op of your own; built-in ops use it
    too. ``vjp``/``jvp`` are a rule or a tuple of rules, one per positional input.

    Args:
        name: a unique name (it appears in explanations and error messages).
        forward: ``forward(*inputs, **params)`` on NumPy arrays.
        vjp: ``vjp(grad_out, out, *inputs, **params)`` per input: its gradient contribution.
        jvp: ``jvp(x_dot, out, *inputs, **params)`` per input: its contribution to ``out_dot``.
            ``None`` for both rules of an input declares it non-differentiable (an index, a
            mask); a rule for one mode only makes the other mode raise NotImplementedError
            when it reaches the op (never a silent zero).
        inputs: the inputs' names (default ``x``; ``x``, ``y``; ``x1``, ``x2``, …).
        symbolic: the forward in symbols, for formulas (see :class:`Primitive`). Explanations
            write each local derivative by running ``vjp`` on symbolic values; ``symbolic``
            lets SymPy read the op itself, so that its formulas can be simplified.
        supports_complex: the rules hold for complex values under chainrule's convention
            (docs/complex.md: the VJP is the transpose of the JVP under Re(grad_out·x_dot));
            without it a complex value that needs a derivative is refused with a TypeError.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cube = cr.primitive(
        ...     "cube_example", lambda x: x**3,
        ...     vjp=lambda grad_out, out, x: grad_out * 3 * x**2,
        ...     jvp=lambda x_dot, out, x: x_dot * 3 * x**2,
        ...     symbolic="x**3")
        >>> float(cr.grad(lambda x: cube(x))(2.0))
        12.0
    """
    vjps = vjp if isinstance(vjp, (tuple, list)) else (vjp,)
    jvps = jvp if isinstance(jvp, (tuple, list)) else (jvp,)
    if len(vjps) == len(jvps):
        # A rule given for one mode only: the other mode stops with an error when it reaches
        # the op (None for both is what declares an input non-differentiable).
        names = inputs or default_inputs(vjps)
        vjps = tuple(_missing(name, names[i], "reverse-mode (vjp=)", "grad, vjp, jacrev")
                     if rule is None and jvps[i] is not None else rule
                     for i, rule in enumerate(vjps))
        jvps = tuple(_missing(name, names[i], "forward-mode (jvp=)", "jvp, jacfwd, hessian")
                     if rule is None and vjps[i] is not None else rule
                     for i, rule in enumerate(jvps))
    return Primitive(name, forward, vjps, jvps, inputs=inputs, symbolic=symbolic,
                     reads_inputs=reads_inputs, reads_out=reads_out, doc=doc,
                     supports_complex=supports_complex)


def _missing(name, input_name, mode, transforms):
    def missing_rule(*args, **params):
        raise NotImplementedError(
            f"primitive '{name}' declares no {mode} rule for its input {input_name}, so "
            f"{transforms} cannot differentiate it; declare the rule (None for both vjp and "
            "jvp declares an input that has no derivative)"
        )

    return missing_rule


def elementwise(name, forward, derivative, *, symbolic=None, reads_inputs=True, reads_out=False,
                doc=None, supports_complex=False):
    """A unary elementwise op given its derivative ``derivative(x, out) = dy/dx``.

    With ``supports_complex`` the op is holomorphic and ``derivative`` is its complex
    derivative f′(z): then ż ↦ f′(z)·ż and v̄ ↦ v̄·f′(z) are its rules on complex values too.
    """
    return Primitive(
        name,
        forward,
        (derivative_rule(derivative),),
        (derivative_rule(derivative),),
        symbolic=symbolic,
        reads_inputs=reads_inputs,
        reads_out=reads_out,
        doc=doc,
        supports_complex=supports_complex,
    )


def elementwise_binary(name, forward, d_dx, d_dy, *, inputs=None, symbolic=None,
                       reads_inputs=True, reads_out=False, doc=None, supports_complex=False):
    """A binary elementwise op given both partials ``d_dx(x, y, out)`` and ``d_dy(x, y, out)``
    (holomorphic in each input, with complex partials, where ``supports_complex``)."""
    return Primitive(
        name,
        forward,
        # An empty result has an empty derivative: the partial is not evaluated on inputs
        # that broadcasting emptied (1/y at y = 0 for an x of shape (1, 0) would warn); the
        # engine fits what comes back to the input's shape (a sum of nothing: zeros).
        (
            lambda grad_out, out, x, y: grad_out if out.size == 0 else grad_out * d_dx(x, y, out),
            lambda grad_out, out, x, y: grad_out if out.size == 0 else grad_out * d_dy(x, y, out),
        ),
        (
            lambda x_dot, out, x, y: x_dot if out.size == 0 else x_dot * d_dx(x, y, out),
            lambda y_dot, out, x, y: y_dot if out.size == 0 else y_dot * d_dy(x, y, out),
        ),
        inputs=inputs,
        symbolic=symbolic,
        reads_inputs=reads_inputs,
        reads_out=reads_out,
        doc=doc,
        supports_complex=supports_complex,
    )


def linear(name, forward, adjoint, *, symbolic=None, doc=None):
    """A map linear in its one input: the JVP is the op itself, the VJP is ``adjoint``.

    ``adjoint(grad_out, x, **params)`` receives the input only for its shape and dtype.
    On complex values the adjoint under the pairing Re(grad_out·x_dot) of a map with no
    conjugation in it is its plain transpose, as on real ones: linear ops support complex
    unless they say otherwise.
    """
    prim = Primitive(
        name,
        forward,
        (adjoint_rule(adjoint),),
        None,
        symbolic=symbolic,
        reads_inputs=False,
        doc=doc,
        supports_complex=True,
    )
    prim.jvps = (lambda x_dot, out, x, **params: apply(prim, x_dot, **params),)
    return prim


def bilinear(name, forward, adjoint_x, adjoint_y, *, inputs=None, symbolic=None, doc=None):
    """A map linear in each input separately: the JVP is the product rule.

    out_dot = f(x_dot, y) + f(x, y_dot); ``adjoint_x(grad_out, x, y, **params)`` is the VJP for x.
    As with :func:`linear`, the adjoints hold for complex values too.
    """
    prim = Primitive(
        name,
        forward,
        (adjoint_rule(adjoint_x), adjoint_rule(adjoint_y)),
        None,
        inputs=inputs,
        symbolic=symbolic,
        doc=doc,
        supports_complex=True,
    )
    prim.jvps = (
        lambda x_dot, out, x, y, **params: apply(prim, x_dot, y, **params),
        lambda y_dot, out, x, y, **params: apply(prim, x, y_dot, **params),
    )
    return prim


def nondifferentiable(name, forward, *, inputs=None, symbolic=None, random=False, doc=None,
                      register=True):
    """An op whose result carries no derivative (comparisons, argmax, rounding, random draws)."""
    return Primitive(name, forward, None, None, inputs=inputs, symbolic=symbolic, random=random,
                     doc=doc, register=register)


__all__ = [
    "primitive", "elementwise", "elementwise_binary", "linear", "bilinear", "nondifferentiable",
]
