"""Write the figures of docs/reliability.md from the runs behind them, so that no figure is copied
by hand and no two places can disagree::

    python -m tests.reliability.report                     # every run (15 to 30 minutes)
    python -m tests.reliability.report mutations bombs     # these runs; the rest as last run
    python -m tests.reliability.report --write-only        # the page from the figures kept

Each run's figures are kept in docs/reliability-figures.json (with the machine they came from);
every block of the page between ``<!-- report:NAME -->`` and ``<!-- /report:NAME -->`` is then
written from that file alone.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import sys

from chainrule.files import write_atomically
from tests.reliability import report_runs
from tests.reliability.report_blocks import BLOCKS

PAGE = os.path.join(report_runs.REPO, "docs", "reliability.md")
FIGURES = os.path.join(report_runs.REPO, "docs", "reliability-figures.json")
RUNS = {
    "gradchecks": report_runs.gradchecks,
    "mutations": report_runs.mutations,
    "special_values": report_runs.special_values,
    "hostile_formulas": report_runs.hostile_formulas,
    "command_lines": report_runs.command_lines,
    "killed_writers": report_runs.killed_writers,
    "fuzzed_archives": report_runs.fuzzed_archives,
    "bombs": report_runs.bombs,
    "load_times": report_runs.load_times,
    "memory": report_runs.memory,
    "suites": report_runs.suites,
    "coverage": report_runs.coverage,
    "threads": report_runs.threads,
}


def measure(names, known):
    """Do the runs ``names`` again, each stamped with its machine and date, and keep each one's
    figures in FIGURES as soon as it is done (a long report stopped halfway keeps its runs)."""
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        found = RUNS[name]()
        found["measured"] = {
            "date": datetime.date.today().isoformat(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
            "python": platform.python_version(),
        }
        known[name] = found
        text = json.dumps(known, indent=1, default=str) + "\n"
        write_atomically(FIGURES, text.encode("utf-8"))
    return known


def rewrite(page, figures):
    """``page`` with every report block written from ``figures``."""

    def block(found):
        name = found[1]
        return f"<!-- report:{name} -->\n{BLOCKS[name](figures).strip()}\n<!-- /report:{name} -->"

    return re.sub(r"<!-- report:([\w-]+) -->.*?<!-- /report:\1 -->", block, page, flags=re.S)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*", help=f"runs to redo, of {', '.join(RUNS)} (all)")
    parser.add_argument("--write-only", action="store_true", help="no runs: write the page")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.runs) - set(RUNS))
    if unknown:
        parser.error(f"no run named {', '.join(unknown)}; the runs are {', '.join(RUNS)}")
    known = {}
    if os.path.exists(FIGURES):
        with open(FIGURES, encoding="utf-8") as file:
            known = json.load(file)
    if not args.write_only:
        known = measure(args.runs or list(RUNS), known)
    if set(known) != set(RUNS):
        print(
            f"not written: no figures yet of {', '.join(sorted(set(RUNS) - set(known)))}; "
            "run the report without names first",
            file=sys.stderr,
        )
        return 1
    with open(PAGE, encoding="utf-8") as file:
        page = rewrite(file.read(), known)  # whole before anything is written
    write_atomically(PAGE, page.encode("utf-8"))
    print(f"wrote {PAGE} and {FIGURES}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
