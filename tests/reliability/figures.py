"""The figures of docs/reliability.md that come from tables rather than from runs: what the op
table gradchecks (per mode and order), and how many hostile inputs and faults the reliability
tests try. Print them as Markdown with::

    python -m tests.reliability.figures
"""

from __future__ import annotations

import collections
import statistics
import sys
import warnings

import numpy as np

from chainrule import transforms
from chainrule.primitive import REGISTRY
from tests.ops.optable import all_cases
from tests.reliability import hostile

FIRST_ORDER = ("reverse", "forward")
SECOND_ORDER = (
    "reverse over reverse",
    "forward over reverse",
    "reverse over forward",
    "forward over forward",
)


def entries(case):
    """Jacobian entries that gradcheck compares for ``case``, per mode: first order, every
    output entry against every input entry; second order, the gradient w.r.t. each input
    (reverse) and the tangent (forward) against every input entry."""
    sizes = [np.size(a) for a in case.args if np.asarray(getattr(a, "_data", a)).dtype.kind == "f"]
    out = np.size(transforms.lower(case.fn(*case.args)))
    counts = dict.fromkeys(FIRST_ORDER, out * sum(sizes))
    if case.order == 2:
        counts.update(dict.fromkeys(SECOND_ORDER[:2], sum(sizes) ** 2))
        counts.update(dict.fromkeys(SECOND_ORDER[2:], out * sum(sizes)))
    return counts


def op_table_counts():
    """What the op table gradchecks: primitives, cases, and checks and entries per mode."""
    cases = all_cases()
    # chainrule's own primitives: tests and docs declare examples of their own, which must not
    # change the figures with the order tests run in.
    built_in = {name: prim for name, prim in REGISTRY.items()
                if prim.__module__.startswith("chainrule.")}
    differentiable = {name for name, prim in built_in.items() if prim.differentiable}
    per_primitive = collections.Counter(name for case in cases for name in set(case.covers))
    checks = collections.Counter()
    compared = collections.Counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case in cases:
            for mode, count in entries(case).items():
                checks[mode] += 1
                compared[mode] += count
    return {
        "registered": len(built_in),
        "differentiable": sorted(differentiable),
        "covered": len(differentiable & set(per_primitive)),
        "cases": len(cases),
        "per_primitive": per_primitive,
        "checks": checks,
        "compared": compared,
    }


def op_table(found=None):
    """Markdown: primitives, cases per primitive, and checks per mode and order."""
    found = found or op_table_counts()
    differentiable, per_primitive = found["differentiable"], found["per_primitive"]
    checks, compared = found["checks"], found["compared"]
    counts = [per_primitive[name] for name in differentiable]
    lines = [
        f"- primitives: {found['registered']} registered, {len(differentiable)} differentiable "
        f"(the other {found['registered'] - len(differentiable)} are comparisons, predicates, "
        "rounding and index results, which have no derivative to check);",
        f"- differentiable primitives covered by the table: {found['covered']} of "
        f"{len(differentiable)} (a registry test fails otherwise);",
        f"- cases: {found['cases']}; per primitive min {min(counts)}, median "
        f"{statistics.median(counts):g}, max {max(counts)}.",
        "",
        "| order | mode | cases checked | Jacobian entries compared with finite differences |",
        "|---|---|---:|---:|",
    ]
    for order, modes in ((1, FIRST_ORDER), (2, SECOND_ORDER)):
        for mode in modes:
            lines.append(f"| {order} | {mode} | {checks[mode]:,} | {compared[mode]:,} |")
    lines.append(f"| | **all** | {sum(checks.values()):,} | {sum(compared.values()):,} |")
    return "\n".join(lines)


def cases_per_primitive(found=None):
    """One line: the cases of each differentiable primitive."""
    found = found or op_table_counts()
    per_primitive = found["per_primitive"]
    return "Cases per differentiable primitive: " + ", ".join(
        f"{name} {per_primitive[name]}" for name in found["differentiable"]
    ) + "."


def hostile_inputs():
    """Markdown: the generated and hostile formulas, by category."""
    counts = hostile.counts(hostile.inputs())
    lines = ["| category | inputs |", "|---|---:|"]
    lines += [f"| {category} | {number:,} |" for category, number in counts.items()]
    lines.append(f"| **all** | {sum(counts.values()):,} |")
    return "\n".join(lines)


def main():
    print("## The op table\n")
    found = op_table_counts()
    print(op_table(found), "\n")
    print(cases_per_primitive(found))
    print("\n## Hostile formulas\n")
    print(hostile_inputs())
    return 0


if __name__ == "__main__":
    sys.exit(main())
