"""The local derivative of one step as a formula, written by the step's own rule: the VJP (or
JVP) rule the engine runs, run once more on formula terms named as the step names its inputs.

Where the step's value and the input are single numbers the formula is ∂vᵢ/∂vⱼ itself (the rule
for a unit adjoint or tangent): ``exp(v2)``. Elsewhere it is the linear map the rule applies,
written in the adjoint of the step's value (reverse: ``v̄4 ↦ v̄4 @ v3.T``) or the tangent of
the input (forward: ``v̇3 ↦ v̇3 @ v2``) where the caller names them, else in ``grad_out`` and
``x_dot``. With SymPy a single-number formula is simplified, and kept simplified only if it
still gives the rule's number at the step.
"""

from __future__ import annotations

import numpy as np

from chainrule.autodiff import fit
from chainrule.explanation.formulas import simplification, symbolic, writing
from chainrule.explanation.formulas.terms import Term, is_term, leaves, value_of

SEEDS = {"reverse": "grad_out", "forward": "x_dot"}
# How closely a simplified formula must give the rule's own number to be shown instead.
AGREEMENT = 1e-9


class LocalFormula:
    """∂vᵢ/∂vⱼ as its rule writes it: ``text`` as shown, ``term`` (None where the rule cannot
    run on formula terms) and ``scalar`` (a single number, rather than a map of ``seed``).

    ``broadcast`` is the engine's fitting step where the step broadcast the input: the axes
    (of the step's value) that reverse mode sums over and forward mode repeats along; else ().
    """

    __slots__ = ("text", "term", "scalar", "seed", "broadcast")

    def __init__(self, text, term, scalar, seed=None, broadcast=()):
        self.text = text
        self.term = term
        self.scalar = scalar
        self.seed = seed
        self.broadcast = broadcast

    def __str__(self):
        return self.text

    def __repr__(self):
        return f"LocalFormula({self.text!r})"


def local_formula(prim, i, args, params, out, mode="reverse", scalar=None, seed_name=None):
    """The local derivative of ``out = prim(*args, **params)`` for input ``i``.

    Args:
        args: each input as a formula term (a variable named as the step writes it) or, for a
            number written inline, the number itself.
        out: the step's value.
        mode: ``"reverse"`` runs the VJP rule, ``"forward"`` the JVP rule.
        scalar: whether the formula is ∂vᵢ/∂vⱼ itself; by default, where ``out`` and the
            input are single numbers (pass True for an elementwise op read at many samples).
        seed_name: the name a map is written in: the step's adjoint (``v̄4``) or the
            input's tangent (``v̇3``); by default ``grad_out`` or ``x_dot``.
    """
    rules = prim.vjps if mode == "reverse" else prim.jvps
    # An input that is not differentiated (an index) is a constant of the formula.
    args = [arg if rules[k] is not None else value_of(arg) for k, arg in enumerate(args)]
    x = args[i]
    if scalar is None:
        scalar = np.size(out) == 1 and np.size(value_of(x)) == 1
    # A unit adjoint (tangent) for a single number; else a symbolic one, of the value's shape.
    like = out if mode == "reverse" else value_of(x)
    name = seed_name or SEEDS[mode]
    seed = _ones(like)[()] if scalar else Term(None, (), {}, _ones(like), name=name)
    try:
        with np.errstate(all="ignore"):
            found, axes = _run(
                prim, i, seed, _output_term(prim, args, params, out), args, params, mode
            )
    except Exception as error:  # whatever stops the rule, the formula says so
        return LocalFormula(_missing(prim, mode, error), None, scalar)
    if scalar:
        return LocalFormula(derivative_text(found), found, True, broadcast=axes)
    found = tidied(found)
    return LocalFormula(f"{name} ↦ {writing.text(found)}", found, False, name, axes)


def _output_term(prim, args, params, out):
    # The rule of one output of several reads them all: each a term of its own.
    joint = getattr(prim, "joint", None)
    if joint is None:
        return Term(prim, args, params, out)
    values = joint.forward(*[value_of(arg) for arg in args], **params)
    return tuple(Term(part, args, params, value) for part, value in zip(joint.parts, values))


def _ones(value):
    array = np.asarray(value)
    return np.ones_like(array, dtype=array.dtype if array.dtype.kind in "fc" else np.float64)


def _run(prim, i, seed, out, args, params, mode):
    """The rule's result fitted as the engine fits it, and the broadcast axes of that fitting
    (see :class:`LocalFormula`)."""
    x = value_of(args[i])
    value = value_of(out[prim.index] if isinstance(out, tuple) else out)
    axes = ()
    if np.shape(x) != np.shape(value) and np.ndim(x) <= np.ndim(value):
        axes = fit.broadcast_axes(np.shape(value), np.shape(x))
    if mode == "reverse":
        found = prim.vjps[i](seed, out, *args, **params)
        if np.shape(value_of(found)) != np.shape(value):  # not the step's shape: no broadcast
            axes = ()
        return fitted(found, args[i], fit.fit_gradient), axes
    found = prim.jvps[i](seed, out, *args, **params)
    if np.shape(value_of(found)) == np.shape(value):
        axes = ()
    # One output of several: the tangent fits the output it belongs to.
    return fitted(found, out[prim.index] if isinstance(out, tuple) else out, fit.fit_tangent), axes


def tidied(term):
    """``term`` with a 0-d value reshaped to ones and then broadcast (a mean's adjoint, spread
    back over its entries) written as that value broadcast: the same map, read at a glance."""
    if not is_term(term) or term.prim is None:
        return term
    args = tuple(tidied(arg) for arg in term.args)
    if term.prim.name == "broadcast_to" and is_term(args[0]) and args[0].prim is not None:
        inner = args[0]
        if inner.prim.name == "reshape" and np.ndim(value_of(inner.args[0])) == 0:
            args = (inner.args[0], *args[1:])
    if all(new is old for new, old in zip(args, term.args)):
        return term
    return Term(term.prim, args, term.params, term.value, name=term.name)


def fitted(found, like, fitting):
    """``found`` fitted to ``like`` by the engine's own bookkeeping (``fitting``: the VJP or
    JVP side of :mod:`chainrule.autodiff.fit`): broadcast axes summed, ``like``'s dtype."""
    like = like if is_term(like) else np.asarray(like)
    found = found if is_term(found) else np.asarray(found)
    if found.shape != like.shape or found.dtype != like.dtype:
        found = fitting(found, like)
    return found[()] if not is_term(found) and found.ndim == 0 else found


def _missing(prim, mode, error):
    rule = "VJP" if mode == "reverse" else "JVP"
    reason = str(error).split("\n")[0] or type(error).__name__
    return f"(no formula: {prim.name}'s {rule} rule does not run on formula terms: {reason})"


def derivative_text(found):
    """A single-number formula as text: simplified by SymPy where it is installed and the
    simplified form still gives the rule's number; else as the rule wrote it."""
    written = writing.text(found, as_number=True)
    if not is_term(found):
        return written
    try:
        formula = symbolic.to_sympy(found)
    except (ModuleNotFoundError, symbolic.NoSymbolicForm, TypeError, ValueError):
        return written
    values = _leaf_values(found)
    number = complex(np.asarray(value_of(found), dtype=complex).reshape(-1)[0])
    for candidate in (simplification.simplify(formula), formula):
        if _agrees(candidate, values, number):
            return simplification.text_of(candidate)
    return written


def _leaf_values(term):
    return {leaf.name: np.asarray(leaf.value).reshape(-1)[0] for leaf in leaves(term) if leaf.name}


def _agrees(formula, values, number):
    try:
        value = symbolic.value_at(formula, values)
    except (TypeError, ValueError, ArithmeticError):
        return False
    if np.isnan(number) or np.isnan(value):
        return bool(np.isnan(number) and np.isnan(value))
    if np.isinf(value.real) and np.isinf(value.imag):  # SymPy's 1/0, of no sign
        return bool(np.isinf(number))
    return bool(np.isclose(value, number, rtol=AGREEMENT, atol=AGREEMENT * 1e-3))


__all__ = ["LocalFormula", "local_formula", "derivative_text", "fitted", "SEEDS"]
