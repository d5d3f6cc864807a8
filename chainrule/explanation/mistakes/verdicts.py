"""The mistake checker's explanation: the verdict, where the claim differs, the likely mistake
and the correct derivative, as lines of text."""

from __future__ import annotations

import numpy as np

from chainrule.explanation.formulas.symbolic import SYMPY_HINT

# The classic mistakes that were tried, for the message when none of them gives the claim.
TRIED = (
    "the inner derivative forgotten, only the inner function differentiated, a skipped "
    "activation derivative, the outer derivative taken at the inner derivative, inner and "
    "outer swapped, product- and quotient-rule slips, the power or exponential rule on a "
    "variable exponent or base, a dropped term or path, signs, and every pair of these"
)


def message(problem, result, close, difference=None):
    """The explanation of ``result`` (a dict of CheckResult's fields) as lines of text;
    ``difference`` is claim − derivative as SymPy simplifies it, if it could."""
    claim = _text(problem.claim)
    head = f"d/d{problem.wrt} {problem.name}"
    if result["correct"]:
        lines = [f"correct: {head} = {claim}", "  " + _agreement(problem, result)]
        if result["derivative"] is not None and result["derivative"] != claim:
            lines.append(f"  the engine's rules, run on symbols, give {result['derivative']}")
        return "\n".join(lines)
    lines = [f"wrong: {head} is not {claim}"]
    if close.all():
        lines.append(
            f"  SymPy finds claim − derivative = {difference}, too small to show at "
            f"the {len(close)} sample points"
        )
    else:
        lines.append("  " + _difference(problem, close))
    mistake = result["mistake"]
    if mistake is not None:
        lines.append(f"likely mistake ({mistake.kind}): {mistake.explanation}")
        lines += [f"  or ({other.kind}): {other.explanation}" for other in result["also"][:2]]
    elif problem.f is not None:
        lines.append(f"no single classic mistake gives the claim (tried: {TRIED})")
    else:
        lines.append("(to have the mistake named, give the function as a formula)")
    lines.append(f"correct: {head} = {_correct(problem, result)}")
    return "\n".join(lines)


def _text(formula):
    if hasattr(formula, "text"):
        return formula.text
    name = getattr(formula, "__name__", "")
    return name if name.isidentifier() else "the claim"


def _agreement(problem, result):
    n = len(problem.truth)
    text = (
        f"it agrees with the derivative at {n} point{'s' * (n != 1)} inside the domain "
        f"(largest difference {result['max_error']:.2g})"
    )
    if result["symbolic"]:
        return text + "; SymPy shows the difference is 0"
    if result["derivative"] is not None:
        return text + "; SymPy could not show the difference is 0, so this rests on numbers"
    return text


def _difference(problem, close):
    wrong = np.flatnonzero(~close)
    i = int(wrong[0])
    where = ", ".join(f"{name} = {values[i]:.4g}" for name, values in problem.points.items())
    claimed, truth = problem.claimed[i], problem.truth[i]
    gives = "is not defined" if not np.isfinite(claimed) else f"gives {claimed:.6g}"
    return (
        f"at {where} the claim {gives}, the derivative is {truth:.6g} (they differ at "
        f"{len(wrong)} of {len(close)} points)"
    )


def _correct(problem, result):
    if result["derivative"] is not None:
        return result["derivative"]
    shown = min(3, len(problem.truth))
    name = problem.wrt
    values = ", ".join(
        f"{problem.truth[i]:.6g} at {name} = {problem.points[name][i]:.4g}" for i in range(shown)
    )
    return f"{values}, ... (for the formula: {SYMPY_HINT})"


__all__ = ["message", "TRIED"]
