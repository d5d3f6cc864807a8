"""A derivative derived step by step, the way the seeds do it: at each op, name the rule (from
the op's kind), the outer function and the inner ones (u = …), write the outer derivative (the
op's own VJP rule, run on formula terms), derive each inner one the same way, multiply,
substitute back and simplify. Each step is one line; the steps for an inner function are
indented under the line that asks for them.
"""

from __future__ import annotations

import numpy as np

from chainrule.autodiff import fit
from chainrule.explanation.derivation import vocabulary
from chainrule.explanation.formulas import simplification, symbolic, writing
from chainrule.explanation.formulas.local import fitted
from chainrule.explanation.formulas.terms import Term, in_order, is_term, variable
from chainrule.explanation.text import render

# Ops written as functions of their own in the steps (σ(1 − σ), not exponentials).
KEPT = ("sigmoid", "relu")
# Ops whose terms the sum rule takes all at once.
SUMS = ("add", "subtract")
# Names for inner functions, in the order they are taken (the user's names are skipped).
INNER_NAMES = ("u", "v", "w", "p", "q", "r", "s", "a", "b", "c")


class Derivation:
    """The rule-named steps of one or more derivatives.

    ``lines`` holds ``(depth, text)`` pairs (depth: how far a step is indented under the one
    that asks for it); ``derivatives`` maps each variable to its derivative's final text.
    ``str()`` gives the indented text.
    """

    def __init__(self, lines, derivatives):
        self.lines = list(lines)
        self.derivatives = dict(derivatives)

    def text(self):
        """The steps, one a line, sub-steps indented by two spaces; a step longer than the page
        (100 characters) goes on over further lines, indented two more, broken after its
        colon or equals sign where it can be."""
        lines = []
        for depth, line in self.lines:
            lines += render.wrapped(
                line, render.PAGE, "  " * (depth + 1), first="  " * depth, prefer=(": ", " = ")
            )
        return "\n".join(lines)

    def to_dict(self):
        """The steps as plain data: ``steps[]`` (``depth``, ``text``) and ``derivatives``."""
        return {
            "steps": [{"depth": depth, "text": line} for depth, line in self.lines],
            "derivatives": dict(self.derivatives),
        }

    def __str__(self):
        return self.text()

    def __repr__(self):
        return f"<Derivation of {', '.join(self.derivatives)} ({len(self.lines)} steps)>"


def text(formula):
    """A SymPy formula as the steps write it (Python syntax)."""
    return simplification.text_of(formula)


def in_sympy(x):
    """A term (or constant) in SymPy, with the ops of ``KEPT`` kept by name."""
    return symbolic.to_sympy(x, kept=KEPT)


class Deriver:
    """Derives one formula term by ``wrt``, collecting the lines (see :meth:`derive`)."""

    def __init__(self, wrt, d="d", taken=(), short=None):
        self.wrt = wrt
        self.d = d
        self.lines = []
        # Parts written by a short name in the steps (s1 for sigmoid(W1*X)): SymPy: symbol.
        self.short = {} if short is None else short
        self._names = (name for name in _inner_names() if name not in set(taken))
        self._depends = {}

    def write(self, term):
        """A term of the record as the steps write it: as written, or with its short names."""
        return self.show(in_sympy(term)) if self.short else writing.text(term)

    def name_for(self, term):
        """The name of an inner function: its short name if it has one, else a new one."""
        known = self.short.get(in_sympy(term)) if self.short else None
        return str(known) if known is not None else next(self._names)

    def where(self, pairs):
        """``, where u = …, v = …`` for (name, term) pairs, leaving out short names."""
        written = [f"{u} = {self.write(term)}" for u, term in pairs]
        written = [line for line in written if line.split(" = ", 1)[0] != line.split(" = ", 1)[1]]
        return f", where {', '.join(written)}" if written else ""

    def show(self, formula):
        """A formula as the steps write it, with the parts of ``short`` by their names."""
        return text(formula.xreplace(self.short) if self.short else formula)

    def say(self, depth, line):
        self.lines.append((depth, line))

    def label(self, name):
        return f"{self.d}{name}/{self.d}{self.wrt}"

    def depends(self, term):
        """Whether ``term`` holds the variable ``wrt``."""
        if not is_term(term):
            return False
        for part in in_order(term):
            if id(part) not in self._depends:
                self._depends[id(part)] = (part.prim is None and part.name == self.wrt) or any(
                    self._depends.get(id(arg), False) for arg in part.args if is_term(arg)
                )
        return self._depends[id(term)]

    def derive(self, term, name, depth):
        """d(name)/d(wrt) of ``term`` (named ``name`` in the steps), as SymPy; says the steps."""
        sympy = symbolic.require_sympy()
        label = self.label(name)
        if not self.depends(term):
            self.say(depth, f"{vocabulary.CONSTANT}: {label} = 0")
            return sympy.Integer(0)
        if term.prim is None:
            self.say(depth, f"{label} = 1")
            return sympy.Integer(1)
        if term.prim.name in SUMS:
            return self._sum(term, label, depth)
        rules = term.prim.vjps
        dependent = [
            i for i, arg in enumerate(term.args) if self.depends(arg) and rules[i] is not None
        ]
        stand = list(term.args)
        inner = {}  # position: (name, the inner function's term)
        for i in dependent:
            if term.args[i].prim is not None:
                inner[i] = (self.name_for(term.args[i]), term.args[i])
                stand[i] = variable(inner[i][0], term.args[i].value)
        outer = Term(term.prim, stand, term.params, term.value)
        rule = vocabulary.rule_name(term.prim.name, dependent, len(term.args))
        partials = {i: self.partial(outer, i) for i in dependent}
        if not inner:
            return self._direct(label, rule, outer, partials, depth)
        if not vocabulary.is_combining(rule) and len(dependent) == 1:
            return self._chain(name, label, rule, outer, partials, inner, depth)
        return self._combined(label, rule, outer, partials, inner, depth)

    def partial(self, outer, i):
        """∂outer/∂(input i) as the op's VJP rule writes it for a unit adjoint, simplified."""
        seed = np.ones_like(np.asarray(outer.value, dtype=np.float64))[()]
        with np.errstate(all="ignore"):
            found = outer.prim.vjps[i](seed, outer, *outer.args, **outer.params)
            found = fitted(found, outer.args[i], fit.fit_gradient)
        return simplification.simplify(in_sympy(found))

    def _direct(self, label, rule, outer, partials, depth):
        # Every input that depends on the variable is the variable itself: the rule gives it.
        written = " + ".join(self.show(partial) for partial in partials.values())
        whole = _whole(outer, self.write)
        self.say(depth, f"{rule}: {label} = {self.d}/{self.d}{self.wrt} {whole} = {written}")
        return self._simplified(label, sum(partials.values()), written, depth)

    def _chain(self, name, label, rule, outer, partials, inner, depth):
        ((i, (u, arg)),) = inner.items()
        self.say(
            depth,
            f"{vocabulary.CHAIN}: outer {self.write(outer)}, inner {u} = {self.write(arg)}: "
            f"{label} = {self.d}{name}/{self.d}{u} · {self.d}{u}/{self.d}{self.wrt}",
        )
        self.say(depth + 1, f"{rule}: {self.d}{name}/{self.d}{u} = {self.show(partials[i])}")
        inner_derivative = self.derive(arg, u, depth + 1)
        product = partials[i] * inner_derivative
        self.say(
            depth + 1,
            f"multiply: {label} = {_factor(partials[i], self.show)} · "
            f"{_factor(inner_derivative, self.show)}",
        )
        return self._substituted(label, product, inner, depth + 1)

    def _combined(self, label, rule, outer, partials, inner, depth):
        general = " + ".join(
            _times(
                partials[i],
                f"{self.d}{inner[i][0]}/{self.d}{self.wrt}" if i in inner else None,
                self.show,
            )
            for i in partials
        ).replace("+ -", "- ")
        whole = _whole(outer, self.write)
        where = self.where(inner.values())
        self.say(depth, f"{rule}: {label} = {self.d}/{self.d}{self.wrt} {whole} = {general}{where}")
        found = {i: self.derive(arg, u, depth + 1) for i, (u, arg) in inner.items()}
        plugged = " + ".join(
            _times(partials[i], found.get(i), self.show) for i in partials
        ).replace("+ -", "- ")
        self.say(depth + 1, f"so {label} = {plugged}")
        total = sum(partials[i] * found.get(i, 1) for i in partials)
        return self._substituted(label, total, inner, depth + 1)

    def _sum(self, term, label, depth):
        # A sum of many terms at once: the sum rule, each term's sign from add's or subtract's
        # own rule; the terms that do not depend on the variable drop out.
        parts = [(part, sign) for part, sign in self._summands(term) if self.depends(part)]
        named = [
            (part, sign, None if part.prim is None else self.name_for(part)) for part, sign in parts
        ]
        general = " + ".join(
            _times(sign, f"{self.d}{u}/{self.d}{self.wrt}" if u else None, self.show)
            for _, sign, u in named
        ).replace("+ -", "- ")
        where = self.where((u, part) for part, _, u in named if u)
        self.say(
            depth,
            f"{vocabulary.SUM}: {label} = {self.d}/{self.d}{self.wrt} ({self.write(term)}) = "
            f"{general}{where}",
        )
        if not any(u for _, _, u in named):
            return self._simplified(label, sum(sign for _, sign, _ in named), general, depth)
        found = [sign * (self.derive(part, u, depth + 1) if u else 1) for part, sign, u in named]
        total = sum(found)
        self.say(depth + 1, f"so {label} = {self.show(total)}")
        return self._simplified(label, total, self.show(total), depth + 1)

    def _summands(self, term, sign=1):
        # The terms of a sum (through nested adds and subtracts), each with its sign.
        if not (is_term(term) and term.prim is not None and term.prim.name in SUMS):
            return [(term, sign)]
        found = []
        for i, arg in enumerate(term.args):
            found.extend(self._summands(arg, sign * self.partial(term, i)))
        return found

    def _substituted(self, label, formula, inner, depth):
        sympy = symbolic.require_sympy()
        swap = {sympy.Symbol(u, real=True): in_sympy(arg) for u, arg in inner.values()}
        where = self.where(inner.values())
        if not set(swap) & formula.free_symbols:  # nothing left to substitute
            return self._simplified(label, formula, self.show(formula), depth)
        substituted = formula.xreplace(swap)
        written = self.show(substituted)
        if where:  # else only short names were substituted: the text stays the same
            self.say(depth, f"substitute {where[len(', where ') :]}: {label} = {written}")
        return self._simplified(label, substituted, written, depth)

    def _simplified(self, label, formula, written, depth):
        simpler = simplification.simplify(formula)
        if self.show(simpler) != written:
            self.say(depth, f"simplify: {label} = {self.show(simpler)}")
        return simpler


def _inner_names():
    yield from INNER_NAMES
    k = 1
    while True:
        yield f"u{k}"
        k += 1


def _whole(term, write=writing.text):
    # An op written with an operator is bracketed after d/dx: d/dx (u*v).
    written = write(term)
    return written if written.isidentifier() or _called(written) else f"({written})"


def _called(written):
    # f(...) with nothing after its closing bracket.
    head = written.split("(", 1)[0]
    return head.isidentifier() and written.endswith(")") and _matching(written, len(head))


def _matching(written, start):
    depth = 0
    for position in range(start, len(written)):
        depth += {"(": 1, ")": -1}.get(written[position], 0)
        if depth == 0:
            return position == len(written) - 1
    return False


def _factor(formula, write=text):
    # A factor of a product, bracketed where it is a sum or starts with a minus.
    written = write(formula)
    plain = formula.is_Atom or formula.is_Function or formula.is_Pow or formula.is_Mul
    return written if plain and not written.startswith("-") else f"({written})"


def _times(partial, derivative, write=text):
    # partial · derivative (a name such as du/dx, a formula, or None for 1), without a factor 1.
    if derivative is None:
        return write(partial)
    if partial == 1:
        return derivative if isinstance(derivative, str) else write(derivative)
    written = derivative if isinstance(derivative, str) else _factor(derivative, write)
    if partial == -1:
        return f"-{written}"
    return f"{_factor(partial, write)}·{written}"


__all__ = ["Derivation", "Deriver", "text", "in_sympy", "KEPT"]
