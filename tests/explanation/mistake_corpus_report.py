"""The mistake checker measured on a corpus of textbook exercises with claimed answers
(tests/explanation/mistake_corpus.json), and the figures of docs/mistakes.md written from it::

    python -m tests.explanation.mistake_corpus_report            # the figures and every miss
    python -m tests.explanation.mistake_corpus_report --write    # and the page's figures

Each case is a function, a claimed derivative (with ``wrt`` and a multivariable chain's
``where`` if needed), the verdict it deserves and the mistake that gives the claim (None for a
right claim and for a wrong one that no classic mistake gives; "two mistakes" with both
``parts``). Cases marked ``"part": "held-out"`` were written after the checker and are counted
apart as well: the checker was never tuned on them.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter

from chainrule.explanation.mistakes.checker import check_derivative

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "mistake_corpus.json")
PAGE = os.path.join(HERE, "..", "..", "docs", "mistakes.md")
BEGIN, END = "<!-- corpus:figures -->", "<!-- /corpus:figures -->"
COMMAND = "python -m tests.explanation.mistake_corpus_report --write"


def cases():
    """The corpus: a list of dicts."""
    with open(CORPUS, encoding="utf-8") as file:
        return json.load(file)


def outcome(case):
    """What the checker says of one case: the verdict, the mistake it names, and both right?"""
    result = check_derivative(
        case["f"], case["claim"], wrt=case.get("wrt", "x"), where=case.get("where")
    )
    named = _key(result.mistake)
    expected = _expected(case)
    return {
        "case": case,
        "verdict_right": result.correct == (case["verdict"] == "right"),
        "named": named,
        "named_right": named == expected if expected is not None else None,
        "false_mistake": named is not None and named != expected,
    }


def _kind(case):
    if case["verdict"] == "right":
        return "right claims"
    return case["mistake"] or "no classic mistake"


def _key(mistake):
    if mistake is None:
        return None
    if mistake.parts:
        return (mistake.kind, *sorted(part.kind for part in mistake.parts))
    return (mistake.kind,)


def _expected(case):
    if case["mistake"] is None:
        return None
    return (case["mistake"], *sorted(case.get("parts", ())))


def figures(outcomes):
    """The three figures, as counts."""
    with_mistake = [o for o in outcomes if o["named_right"] is not None]
    naming = [o for o in outcomes if o["named"] is not None]
    return {
        "cases": len(outcomes),
        "verdicts_right": sum(o["verdict_right"] for o in outcomes),
        "with_mistake": len(with_mistake),
        "named_right": sum(o["named_right"] for o in with_mistake),
        "named": len(naming),
        "false_mistakes": sum(o["false_mistake"] for o in naming),
        "kinds": dict(sorted(Counter(_kind(o["case"]) for o in outcomes).items())),
    }


def block(outcomes):
    """The page's block of figures: all cases, and the held-out ones apart."""
    parts = [("all cases", outcomes)]
    parts.append(("held out", [o for o in outcomes if o["case"].get("part") == "held-out"]))
    found = [figures(chosen) for _, chosen in parts]
    lines = [BEGIN, "", "| figure | " + " | ".join(name for name, _ in parts) + " |"]
    lines.append("|---|" + "---|" * len(parts))
    for name, n, d, what in _ROWS:
        cells = [f"{_rate(f[n], f[d])} ({f[n]} of {f[d]} {what})" for f in found]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    kinds = ", ".join(f"{kind} {count}" for kind, count in found[0]["kinds"].items())
    lines += ["", f"Cases, by the mistake that gives the claim: {kinds}.", "", END]
    return "\n".join(lines)


_ROWS = (
    ("verdict accuracy", "verdicts_right", "cases", "cases"),
    ("mistake named right", "named_right", "with_mistake", "made by a classic mistake"),
    ("false mistakes", "false_mistakes", "named", "mistakes named"),
)


def _rate(n, d):
    return f"{100 * n / d:.1f}%" if d else "-"


def write_page(text):
    with open(PAGE, encoding="utf-8") as file:
        page = file.read()
    start, end = page.index(BEGIN), page.index(END) + len(END)
    with open(PAGE, "w", encoding="utf-8") as file:
        file.write(page[:start] + text + page[end:])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    outcomes = [outcome(case) for case in cases()]
    for o in outcomes:
        if not o["verdict_right"] or o["false_mistake"] or o["named_right"] is False:
            case = o["case"]
            print(
                f"miss ({case.get('part', 'written with the checker')}): {case['f']} | "
                f"{case['claim']}: expected {_expected(case)}, named {o['named']}, "
                f"verdict right {o['verdict_right']}"
            )
    text = block(outcomes)
    print(text)
    if "--write" in argv:
        write_page(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
