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


def op_table():
    """Markdown: primitives, cases per primitive, and checks per mode and order."""
    cases = all_cases()
    differentiable = {name for name, prim in REGISTRY.items() if prim.differentiable}
    per_primitive = collections.Counter(name for case in cases for name in set(case.covers))
    checks = collections.Counter()
    compared = collections.Counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case in cases:
            for mode, count in entries(case).items():
                checks[mode] += 1
                compared[mode] += count
    counts = [per_primitive[name] for name in differentiable]
    lines = [
        f"- primitives: {len(REGISTRY)} registered, {len(differentiable)} differentiable "
        f"(the others are comparisons, predicates and index results: no derivative to check)",
        f"- differentiable primitives covered by the table: "
        f"{len(differentiable & set(per_primitive))} of {len(differentiable)}",
        f"- cases (a function, a sample point, tolerances): {len(cases)}; per differentiable "
        f"primitive min {min(counts)}, median {statistics.median(counts):g}, max {max(counts)}",
        "",
        "| order | mode | cases checked | Jacobian entries compared with finite differences |",
        "|---|---|---:|---:|",
    ]
    for order, modes in ((1, FIRST_ORDER), (2, SECOND_ORDER)):
        for mode in modes:
            lines.append(f"| {order} | {mode} | {checks[mode]:,} | {compared[mode]:,} |")
    lines.append(f"| | **all** | {sum(checks.values()):,} | {sum(compared.values()):,} |")
    lines += [
        "",
        "Cases per differentiable primitive: "
        + ", ".join(f"{name} {per_primitive[name]}" for name in sorted(differentiable))
        + ".",
    ]
    return "\n".join(lines)


def hostile_inputs():
    """Markdown: the generated and hostile formulas, by category."""
    counts = hostile.counts(hostile.inputs())
    lines = ["| category | inputs |", "|---|---:|"]
    lines += [f"| {category} | {number:,} |" for category, number in counts.items()]
    lines.append(f"| **all** | {sum(counts.values()):,} |")
    return "\n".join(lines)


def main():
    print("## The op table\n")
    print(op_table())
    print("\n## Hostile formulas\n")
    print(hostile_inputs())
    return 0


if __name__ == "__main__":
    sys.exit(main())
