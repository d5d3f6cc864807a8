"""The mutation score: each mutant against the op-table cases that cover its primitive.

A mutant is killed when one of those cases fails ``chainrule.gradcheck`` (or raises). A survivor
that changes no derivative gradcheck computes, on any of those cases, is *equivalent*: the bug
cannot be seen (a rule that returns zeros, scaled by 1.001, is unchanged).

Run ``python -m tests.reliability.mutation_score`` for the score table of every primitive (the
figures in docs/reliability.md); ``--sample`` scores the seeded subset that CI runs.
"""

from __future__ import annotations

import random
import warnings
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

import chainrule as cr
from chainrule.testing import as_real_function
from chainrule.primitive import REGISTRY
from tests.ops.optable import all_cases
from tests.reliability.mutants import RULE_KINDS, engine_mutants, mutable_inputs, rule_mutant


def cases_covering(name, cases=None):
    return [case for case in (cases or all_cases()) if name in case.covers]


def first_failure(cases, stop_at_first=True):
    """(the cases that fail gradcheck or raise, the first error), as the op-table driver runs
    them: warnings are errors."""
    failed, error = [], None
    for case in cases:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                cr.gradcheck(case.fn, *case.args, order=case.order, atol=case.atol, rtol=case.rtol)
        except Exception as exc:  # noqa: BLE001 -- any failure of the suite kills the mutant
            failed.append(case)
            error = error or exc
            if stop_at_first:
                break
    return failed, error


def derivatives(case, seed=0):
    """What gradcheck compares, as arrays: each argument's Jacobian in both modes, and the
    Jacobians (both modes) of a gradient (random cotangent) and of a tangent (random direction).
    """
    # Complex arguments and results as real and imaginary parts, as gradcheck sees them.
    fn, point = as_real_function(case.fn, *case.args)
    rng = np.random.default_rng(seed)
    out = np.asarray(cr.transforms.lower(fn(*[cr.tensor(p) for p in point])))
    cotangent = rng.standard_normal(out.shape)
    directions = [rng.standard_normal(p.shape) for p in point]
    functions = [fn]
    for k in range(len(point)):
        functions.append(lambda *xs, k=k: cr.vjp(fn, *xs)[1](cotangent)[k])
    functions.append(lambda *xs: cr.jvp(fn, list(xs), directions)[1])
    found = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for f in functions:
            for i in range(len(point)):
                for mode in ("reverse", "forward"):
                    found.append(np.asarray(cr.jacobian(f, argnums=i, mode=mode)(*point)))
    return found


def changes_nothing(mutant, cases, unmutated):
    """True when the mutant leaves every derivative of every case exactly as it was.

    ``unmutated`` caches the derivatives without the mutant, by case.
    """
    for case in cases:
        try:
            if id(case) not in unmutated:
                unmutated[id(case)] = derivatives(case)
            with mutant():
                after = derivatives(case)
        except Exception:  # noqa: BLE001 -- a mutant that raises is visible
            return False
        before = unmutated[id(case)]
        if any(not np.array_equal(b, a, equal_nan=True) for b, a in zip(before, after)):
            return False
    return True


@dataclass
class Outcome:
    """One mutant's fate: killed (by which case, which error), equivalent, or survived."""

    kind: str
    primitive: str
    index: int | None
    verdict: str  # "killed", "equivalent" or "survived"
    by: str = ""
    error: str = ""
    caught_by: list = field(default_factory=list)

    @property
    def label(self):
        where = "" if self.index is None else f" input {self.index}"
        return f"{self.kind} {self.primitive}{where}"


def run_rule_mutants(name, cases=None, kinds=tuple(RULE_KINDS)):
    """Every rule mutant of primitive ``name`` against the cases that cover it."""
    prim = REGISTRY[name]
    covering = cases_covering(name, cases)
    outcomes, unmutated = [], {}
    for kind in kinds:
        for index in mutable_inputs(prim):

            def mutant(kind=kind, index=index):
                return rule_mutant(prim, kind, index)

            with mutant():
                failed, error = first_failure(covering)
            if failed:
                outcomes.append(
                    Outcome(kind, name, index, "killed", failed[0].id, type(error).__name__)
                )
            else:
                verdict = (
                    "equivalent" if changes_nothing(mutant, covering, unmutated) else "survived"
                )
                outcomes.append(Outcome(kind, name, index, verdict))
    return outcomes


def run_engine_mutant(name, cases=None, stop_at_first=True):
    """An engine mutant against the whole op table; with ``stop_at_first`` False, every case."""
    factory = engine_mutants()[name][1]
    with factory():
        failed, error = first_failure(cases or all_cases(), stop_at_first)
    if failed:
        return Outcome(
            name,
            "engine",
            None,
            "killed",
            failed[0].id,
            type(error).__name__,
            [c.id for c in failed],
        )
    return Outcome(name, "engine", None, "survived")


def differentiable_primitives():
    """The differentiable primitives the op table covers (loading it declares the lazy ones).

    Primitives declared elsewhere (a doctest's example primitive) are not chainrule's: left out.
    """
    covered = {name for case in all_cases() for name in case.covers}
    return sorted(
        name for name, prim in REGISTRY.items() if prim.differentiable and name in covered
    )


def family_of(name):
    return REGISTRY[name].__module__


# Families whose every member takes half a minute or more to mutate (second-order checks over
# every axis and normalization): CI samples one of them; the full run takes them all.
ONE_PER_RUN = {"chainrule.ops.fft.one_axis"}


def sampled_primitives(per_family=2, seed=7):
    """A seeded sample of ``per_family`` differentiable primitives from each declaring module
    (one from a family in :data:`ONE_PER_RUN`)."""
    families = defaultdict(list)
    for name in differentiable_primitives():
        families[family_of(name)].append(name)
    rng = random.Random(seed)
    chosen = []
    for family in sorted(families):
        names = families[family]
        count = 1 if family in ONE_PER_RUN else per_family
        chosen.extend(sorted(rng.sample(names, min(count, len(names)))))
    return chosen


# --- the score table ---------------------------------------------------------------------------


def score_table(outcomes, engine_outcomes, total_cases):
    """Markdown: killed / (total − equivalent) per kind, and the lists of equivalents/survivors."""
    rows = [
        "| mutation | mutants | killed | equivalent | survived | score |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    by_kind = defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.kind].append(outcome)
    for kind, (_, _, title) in RULE_KINDS.items():
        rows.append(_score_row(title, by_kind[kind]))
    for outcome in engine_outcomes:
        title = engine_mutants()[outcome.kind][0]
        caught = (
            f" (caught by {len(outcome.caught_by)} of {total_cases} cases)"
            if len(outcome.caught_by) > 1
            else ""
        )
        rows.append(_score_row(title + caught, [outcome]))
    lines = rows + [""]
    for verdict in ("equivalent", "survived"):
        listed = [o.label for o in outcomes if o.verdict == verdict]
        lines.append(f"{verdict.capitalize()} ({len(listed)}): " + (", ".join(listed) or "none"))
    errors = defaultdict(int)
    for outcome in [*outcomes, *engine_outcomes]:
        if outcome.verdict == "killed":
            errors[outcome.error] += 1
    lines.append("Killed by: " + ", ".join(f"{n} {e}" for e, n in sorted(errors.items())))
    return "\n".join(lines)


def _score_row(title, outcomes):
    killed = sum(o.verdict == "killed" for o in outcomes)
    equivalent = sum(o.verdict == "equivalent" for o in outcomes)
    survived = sum(o.verdict == "survived" for o in outcomes)
    live = len(outcomes) - equivalent
    score = f"{killed}/{live} = {100 * killed / live:.1f}%" if live else "n/a"
    return f"| {title} | {len(outcomes)} | {killed} | {equivalent} | {survived} | {score} |"


def main(argv=None):
    import argparse
    import time

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", action="store_true", help="only CI's seeded sample")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    cases = all_cases()
    names = sampled_primitives() if args.sample else differentiable_primitives()
    outcomes = [o for name in names for o in run_rule_mutants(name, cases)]
    engine = [
        run_engine_mutant(name, cases, stop_at_first=args.sample) for name in engine_mutants()
    ]
    print(
        f"{len(names)} primitives, {len(cases)} op-table cases, "
        f"{time.perf_counter() - start:.0f} s\n"
    )
    print(score_table(outcomes, engine, len(cases)))


if __name__ == "__main__":
    main()
