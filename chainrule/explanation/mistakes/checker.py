"""The mistake checker: is a derivative worked out by hand right, and if not, which classic
chain-rule mistake gives it, and where.

Right or wrong is decided with numbers, at seeded points inside the function's domain, and
also by SymPy when it is installed (the difference simplifies to 0). A wrong claim is compared
with the derivatives that each classic mistake would give at each place of the formula
(:mod:`chainrule.explanation.mistakes.wrong_derivatives`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import numpy as np

from chainrule.explanation.formulas import derivatives
from chainrule.explanation.formulas import sampling
from chainrule.explanation.formulas import simplification
from chainrule.explanation.formulas import symbolic
from chainrule.explanation.formulas.expression import Expression, ExpressionError, parse
from chainrule.explanation.mistakes import chains, sample_points
from chainrule.explanation.mistakes.domain_parts import partly_right
from chainrule.explanation.mistakes.pairs import two_mistakes
from chainrule.explanation.mistakes.verdicts import message as _message
from chainrule.explanation.mistakes.wrong_derivatives import wrong_derivatives

MIN_POINTS = sample_points.MIN_POINTS
# How far from 0, relative to the function's size, a derivative tells a claim right or wrong.
SIGNIFICANT = 1e-6
# The share of the points where the claim is defined that a mistake's derivative may miss.
MAX_UNDEFINED_SHARE = 0.1
RTOL = 1e-6


@dataclass(frozen=True)
class CheckResult:
    """The verdict on a claimed derivative; ``str()`` gives the explanation.

    ``correct``; ``max_error`` (largest |claim − derivative| at the points); ``derivative`` (the
    correct one as a formula, or None without SymPy); ``points`` (name → sample values) with
    the ``derivative_values`` and ``claimed_values`` there; ``symbolic`` (True when SymPy shows
    the claim equal, False when it shows it different, None when it cannot tell or is absent);
    ``mistake`` (the likely
    :class:`~chainrule.explanation.mistakes.wrong_derivatives.Mistake`, or None),
    ``also`` (other mistakes that fit as well) and ``message``.
    """

    correct: bool
    max_error: float
    derivative: str | None
    points: dict = field(repr=False)
    derivative_values: np.ndarray = field(repr=False)
    claimed_values: np.ndarray = field(repr=False)
    symbolic: bool | None
    mistake: object
    also: tuple = field(repr=False)
    message: str = field(repr=False)

    def __str__(self):
        return self.message


def check_derivative(f, claimed, wrt="x", points=None, domain=None, where=None):
    """Check that ``claimed`` is the derivative of ``f`` by ``wrt``; name the mistake if not.

    Args:
        f: the function: formula text (``"sin(x**2)"``), an Expression, or a Python function
            of one variable written with chainrule ops.
        claimed: the claimed derivative, in the same forms.
        wrt: the variable to differentiate by.
        points: values of ``wrt`` to compare at (a sequence), or a dict of sequences, one per
            variable, or how many seeded points to draw per variable; by default 64 seeded
            points, those inside the function's domain counting.
        domain: ``(a, b)``: draw the points from a < x < b instead (for every variable).
        where: a multivariable chain: {name: formula} puts each formula in for a variable of
            ``f`` (``{"x": "t", "y": "t^2"}``), and ``claimed`` is then d/d``wrt`` of the
            whole; a path left out is named by its variable.

    Returns:
        A :class:`CheckResult`.

    Raises:
        ExpressionError: for a formula that cannot be read, or a function not defined at the
            points.

    Example:
        >>> import chainrule as cr
        >>> result = cr.check_derivative("sin(x**2)", "cos(x**2)")
        >>> result.correct
        False
        >>> result.mistake.kind
        'inner derivative forgotten'
        >>> result = cr.check_derivative("x*y", "t**2", wrt="t", where={"x": "t", "y": "t**2"})
        >>> result.mistake.kind, result.mistake.site
        ('dropped path', 'y = t**2')
        >>> cr.check_derivative("abs(x)", "1", domain=(0, 3)).correct
        True
    """
    problem = _Problem(f, claimed, wrt, sample_points.asked(points, domain), where)
    error = np.abs(problem.claimed - problem.truth)
    atol = RTOL * 1e-3 * _scale(problem)
    close = np.isclose(problem.claimed, problem.truth, rtol=RTOL, atol=atol)
    derivative, verdict, difference = _symbolic_verdict(problem, bool(np.all(close)))
    # SymPy finding a difference too small for the numbers to see (1e-12) still makes it wrong.
    correct = bool(np.all(close)) and verdict is not False
    mistakes = [] if correct else problem.matching_mistakes(close)
    result = dict(
        correct=correct,
        max_error=float(np.max(error)) if len(error) else 0.0,
        derivative=derivative,
        points={name: tuple(values.tolist()) for name, values in problem.points.items()},
        derivative_values=problem.truth,
        claimed_values=problem.claimed,
        symbolic=verdict,
        mistake=mistakes[0] if mistakes else None,
        also=tuple(mistakes[1:]),
    )
    return CheckResult(**result, message=_message(problem, result, close, difference))


def _scale(problem):
    # The size of the numbers involved, for the absolute tolerance where the derivative passes
    # through 0: the typical |f| or |f′|, whichever is larger (the largest if both typical
    # values are 0). A fixed floor would call any claim right about a function as small as
    # 1e-20·sin(x), and rounding in f′ follows the size of f's terms, not of f′ alone.
    magnitudes = [np.abs(problem.truth), np.abs(problem.values)]
    typical = max(float(np.median(m)) for m in magnitudes)
    return typical or max(float(np.max(m, initial=0.0)) for m in magnitudes)


class _Problem:
    """f, the claim and the sample points, with both derivatives' values there."""

    def __init__(self, f, claimed, wrt, points, where=None):
        self.wrt = wrt
        self.function = f if callable(f) and not isinstance(f, Expression) else None
        self.f = None if self.function else derivatives.as_expression(f)
        self.paths, said = {}, None
        if where:
            if self.f is None:
                raise ExpressionError("where= needs the function as a formula")
            given, (self.f, self.paths, said) = self.f, chains.composed(self.f, where)
        self.variables = (wrt,) if self.function else derivatives.variables_with(self.f, wrt)
        self.claim = (
            claimed
            if callable(claimed) and not isinstance(claimed, Expression)
            else _claim_expression(claimed, self.variables)
        )
        self.name = _name_of(self.function, given if said else self.f)
        self.name += f" with {said}" if said else ""
        self.points, self.values, self.truth = self._inside(
            sample_points.drawn(points, self.variables)
        )
        self.claimed = self._claimed_values()
        self.scale = _scale(self)

    def _inside(self, points):
        if self.function:
            values, truth = sampling.function_value_and_derivative(self.function, points[self.wrt])
        else:
            values, truth = sampling.value_and_derivative(self.f.tree, points, self.wrt)
        keep = np.isfinite(values) & np.isfinite(truth)
        needed = 1 if len(keep) < MIN_POINTS else MIN_POINTS
        if keep.sum() < needed:
            raise ExpressionError(
                f"{self.name} or its derivative is not finite at {len(keep) - keep.sum()} of "
                f"{len(keep)} sample points; give points inside its domain (points=...)"
            )
        return sampling.select(points, keep), np.array(values[keep]), np.array(truth[keep])

    def _claimed_values(self):
        return self._claimed_values_at(self.points, self.truth.shape)

    def _claimed_values_at(self, points, shape):
        if isinstance(self.claim, Expression):
            values = sampling.values_of(self.claim.tree, points)
        else:
            with np.errstate(all="ignore"):
                values = self.claim(*(points[name] for name in self.variables))
        values = np.asarray(getattr(values, "_data", values), dtype=np.float64)
        return np.array(np.broadcast_to(values, shape))

    def matching_mistakes(self, close):
        """The mistakes that give the claim, likeliest first: the claim's being right on part
        of the domain only (saying where is the sharpest diagnosis of an answer that forgot a
        kink or a sign), then single mistakes; else pairs of them."""
        part = self._partly_right(close)
        found = self._single_mistakes()
        single = [mistake for mistake in found if self._fits(mistake.values)]
        if part or single:
            return [part, *single] if part else single
        return two_mistakes(found, self.truth, self._fits)

    def _single_mistakes(self):
        if self.f is None:
            return []
        return wrong_derivatives(
            self.f, self.wrt, self.points, self.truth, self.describe, self.paths
        )

    def _partly_right(self, close):
        if len(self.variables) != 1:
            return None
        x = self.points[self.wrt]
        significant = np.abs(self.truth) > SIGNIFICANT * self.scale
        return partly_right(self.name, self.wrt, x, close, self._agrees, self.claimed, significant)

    def _agrees(self, x):
        # Whether the claim agrees with the derivative at other values of the one variable.
        truth = self._derivative_at({self.wrt: x})
        claimed = self._claimed_values_at({self.wrt: x}, truth.shape)
        atol = RTOL * 1e-3 * self.scale
        return np.isclose(claimed, truth, rtol=RTOL, atol=atol)

    def _derivative_at(self, points):
        if self.function:
            return sampling.function_value_and_derivative(self.function, points[self.wrt])[1]
        return sampling.value_and_derivative(self.f.tree, points, self.wrt)[1]

    def _fits(self, values):
        # The mistaken derivative may leave the domain where the claim does too; one that is
        # not defined at many points where the claim is (sqrt(x)**2's beside the claim 1 for
        # sqrt(x**2)) does not give the claim.
        both = np.isfinite(values) & np.isfinite(self.claimed)
        if both.sum() < max(3, len(values) // 2):
            return False
        if both.sum() < (1 - MAX_UNDEFINED_SHARE) * np.isfinite(self.claimed).sum():
            return False
        atol = RTOL * 1e-3 * self.scale
        close = np.isclose(values[both], self.claimed[both], rtol=RTOL, atol=atol)
        return bool(np.all(close))

    def describe(self, node):
        """The derivative of a part of the formula, as a formula (or d/dx(...) without SymPy)."""
        part = ast.get_source_segment(self.f.source, node) or ast.unparse(node)
        try:
            return derivatives.derivative_formula(part, self.wrt)
        except (ModuleNotFoundError, ExpressionError):
            return f"d/d{self.wrt}({part})"


def _name_of(function, f):
    # How f is written after d/dx: in parentheses unless it is a power or a call.
    if function is not None:
        return _function_name(function, "f")
    tree = f.tree
    if isinstance(tree, ast.UnaryOp) or isinstance(tree, ast.BinOp) and not _is_power(tree):
        return f"({f.text})"
    return f.text


def _is_power(tree):
    return isinstance(tree.op, (ast.Pow, ast.BitXor))


def _function_name(function, default):
    name = getattr(function, "__name__", "")
    return name if name.isidentifier() else default


def _claim_expression(claimed, variables):
    try:
        return parse(claimed, variables) if not isinstance(claimed, Expression) else claimed
    except ExpressionError as error:
        raise ExpressionError(f"the claim: {error}") from None


def _symbolic_verdict(problem, numbers_agree):
    # The correct derivative as text; whether SymPy shows claim − derivative to be 0 (True),
    # not 0 (False) or cannot tell (None); and that difference as text. A claim the numbers
    # already refute needs no proof, so SymPy tests only claims that agree at every point.
    try:
        symbolic.require_sympy()
        truth = derivatives.symbolic_derivative(problem.function or problem.f, problem.wrt)
        claim = derivatives.symbolic_value(problem.claim, problem.wrt) if numbers_agree else None
    except (ModuleNotFoundError, ExpressionError):
        return None, None, None
    if claim is None:
        return simplification.text_of(truth), None, None
    verdict = simplification.is_zero(claim - truth)
    difference = simplification.simplify(claim - truth) if verdict is False else 0
    return simplification.text_of(truth), verdict, simplification.text_of(difference)


__all__ = ["check_derivative", "CheckResult", "MIN_POINTS"]
