"""Formulas made readable and differences tested for 0, with SymPy, always quickly.

SymPy's own ``simplify`` is not used: on some formulas of a few dozen parts it runs for minutes
(its trigonometric pass factors polynomials over extensions such as Q(π)). The steps here are
bounded by the formula's size, counted by :func:`tree_size`.
"""

from __future__ import annotations

from chainrule.explanation.formulas.symbolic import exact_floats, require_sympy

# Formulas beyond this many parts (see tree_size) are shown as the sweep built them.
SIMPLIFY_LIMIT = 300
# Nothing is multiplied out where a power above this would have to be expanded.
MAX_EXPANDED_POWER = 12


def simplify(formula, like=None):
    """``formula`` with exact constants, cancelled and factored, or multiplied out, when that
    makes it shorter.

    A form that brings in functions the formula (or ``like``, the function differentiated)
    does not use counts as longer.
    """
    sympy = require_sympy()
    formula = exact_floats(sympy.sympify(formula))
    if not _small(formula, sympy):
        return formula
    known = _functions(formula if like is None else formula + like, sympy)
    if not formula.has(sympy.Piecewise):
        return _shortest(_forms(formula, sympy), known, sympy)
    # Each case of a case split is tidied on its own, and the cases also folded into one.
    casewise = formula.replace(
        lambda part: isinstance(part, sympy.Piecewise),
        lambda part: sympy.Piecewise(
            *[(_shortest(_forms(case.expr, sympy), known, sympy), case.cond) for case in part.args]
        ),
    )
    return _shortest([formula, casewise, sympy.piecewise_fold(casewise)], known, sympy)


def _forms(formula, sympy):
    # Cancelled and factored (powers of one base combined first: x·x^(x−1) is x^x), or
    # multiplied out.
    factored = sympy.factor(sympy.cancel(formula))
    combined = sympy.factor(sympy.cancel(sympy.powsimp(formula)))
    return [formula, factored, combined, sympy.expand(formula)]


def _shortest(options, known, sympy):
    return min(options, key=lambda option: _length(option, known, sympy))


def is_zero(difference):
    """Whether ``difference`` is 0: True or False when SymPy shows it quickly, else None."""
    sympy = require_sympy()
    difference = exact_floats(sympy.sympify(difference))
    if difference == 0:
        return True
    if not _small(difference, sympy):
        return None
    for rewrite in _ZERO_TESTS:
        if rewrite(difference, sympy) == 0:
            return True
    return False if difference.is_zero is False else None


_ZERO_TESTS = (
    lambda d, sympy: sympy.expand(d),
    lambda d, sympy: sympy.expand(sympy.expand_trig(d)),
    lambda d, sympy: sympy.cancel(sympy.expand(d.rewrite(sympy.exp))),
)


def text_of(formula):
    """``formula`` as text in Python syntax (``-sin(x)*cos(cos(x))``), with a case written
    ``a if c else b``, and a condition used as a number as ``[c]`` (1 where it holds, else 0).
    """
    try:
        text = _printer(None).doprint(formula)
    except TypeError:
        # Ordering the terms of a sum that holds a NaN branch fails; unordered it prints.
        text = _printer("none").doprint(formula)
    return text[1:-1] if text.startswith("(") and _bracketed_whole(text) else text


def _printer(order):
    import sympy
    from sympy.printing.str import StrPrinter

    class Printer(StrPrinter):
        def _print_Piecewise(self, expr):
            pieces = list(expr.args)
            if len(pieces) == 2 and pieces[0].expr == 1 and pieces[1].expr == 0:
                if pieces[1].cond == True:  # noqa: E712 -- SymPy's true, not Python's
                    return f"[{self._print(pieces[0].cond)}]"
            written = "nan" if pieces[-1].cond != True else self._print(pieces.pop().expr)  # noqa: E712
            for piece in reversed(pieces):
                written = f"{self._print(piece.expr)} if {self._print(piece.cond)} else {written}"
            return f"({written})"

        # SymPy's spellings in the formula language's, so that a printed formula reads back.
        def _print_Abs(self, expr):
            return f"abs({self._print(expr.args[0])})"

        def _print_Exp1(self, expr):
            return "e"

        def _print_Max(self, expr):
            if len(expr.args) == 2 and 0 in expr.args:  # relu's own symbolic form
                other = expr.args[1] if expr.args[0] == 0 else expr.args[0]
                return f"relu({self._print(other)})"
            return self._pairwise("max", expr.args)

        def _print_Pow(self, expr, rational=False):
            # 1/(1 + exp(-u)) is sigmoid(u), as sigmoid's declaration writes it.
            base = expr.base
            if expr.exp == -1 and base.is_Add and len(base.args) == 2 and 1 in base.args:
                other = base.args[1] if base.args[0] == 1 else base.args[0]
                if isinstance(other, sympy.exp):
                    return f"sigmoid({self._print(-other.args[0])})"
            return super()._print_Pow(expr, rational)

        def _print_Min(self, expr):
            return self._pairwise("min", expr.args)

        def _pairwise(self, name, args):
            first, *rest = args
            written = self._print(first)
            for arg in rest:
                written = f"{name}({written}, {self._print(arg)})"
            return written

        def _print_Equality(self, expr):
            return f"{self._print(expr.lhs)} == {self._print(expr.rhs)}"

        def _print_Unequality(self, expr):
            return f"{self._print(expr.lhs)} != {self._print(expr.rhs)}"

    return Printer({"order": order} if order else {})


def _bracketed_whole(text):
    depth = 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and position < len(text) - 1:
            return False
    return True


def tree_size(formula, limit, sizes=None):
    """How many parts ``formula`` has written out as a tree, counted up to just past ``limit``.

    SymPy shares repeated parts, so the tree (about the printed length) can be far larger than
    the memory it takes; counting it part by part, shared parts once, stays quick. ``sizes``
    (a dict) keeps the counts for the next call with the same ``limit``.
    """
    sizes = {} if sizes is None else sizes
    todo = [formula]
    while todo:
        part = todo[-1]
        pending = [arg for arg in part.args if arg not in sizes]
        if pending:
            todo.extend(pending)
            continue
        todo.pop()
        sizes[part] = min(limit + 1, 1 + sum(sizes[arg] for arg in part.args))
    return sizes[formula]


def _small(formula, sympy):
    if tree_size(formula, SIMPLIFY_LIMIT) > SIMPLIFY_LIMIT:
        return False
    return not any(
        power.exp.is_Integer and abs(power.exp) > MAX_EXPANDED_POWER
        for power in formula.atoms(sympy.Pow)
    )


def _functions(formula, sympy):
    return {call.func for call in formula.atoms(sympy.Function)}


def _length(formula, known, sympy):
    return sympy.count_ops(formula) + 4 * len(_functions(formula, sympy) - known)


__all__ = ["simplify", "is_zero", "text_of", "tree_size", "SIMPLIFY_LIMIT"]
