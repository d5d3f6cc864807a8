"""docs/reliability.md is generated: every figure block is what ``python -m
tests.reliability.report`` writes from docs/reliability-figures.json, and the figures that are
cheap to count again (the op table, the hostile formulas) are those of the code as it is."""

import json
import re

from tests.reliability import figures, hostile, report
from tests.reliability.report_blocks import BLOCKS

STALE = "stale: run `python -m tests.reliability.report {}` and commit docs/reliability*"


def page_and_figures():
    with open(report.PAGE, encoding="utf-8") as file:
        page = file.read()
    with open(report.FIGURES, encoding="utf-8") as file:
        return page, json.load(file)


def test_every_block_appears_once_and_every_run_has_figures():
    page, found = page_and_figures()
    for name in BLOCKS:
        assert page.count(f"<!-- report:{name} -->") == 1, name
        assert page.count(f"<!-- /report:{name} -->") == 1, name
    assert set(found) == set(report.RUNS)


def test_the_page_is_what_the_report_writes_from_its_figures():
    # A figure edited by hand in a block, or a block not written since its figures changed.
    page, found = page_and_figures()
    assert report.rewrite(page, found) == page, STALE.format("(any run)")
    assert re.search(r"<!-- report:[\w-]+ -->\n<!-- /report", page) is None


def test_the_op_table_figures_are_those_of_the_code():
    _, found = page_and_figures()
    counts = figures.op_table_counts()
    now = (len(counts["differentiable"]), counts["covered"], counts["cases"])
    written = found["gradchecks"]
    assert (written["differentiable"], written["covered"], written["cases"]) == now, STALE.format(
        "gradchecks"
    )


def test_the_hostile_formula_counts_are_those_of_the_generator():
    _, found = page_and_figures()
    cases = hostile.inputs(seed=0)
    assert found["hostile_formulas"]["inputs"] == len(cases), STALE.format("hostile_formulas")
    assert found["hostile_formulas"]["categories"] == hostile.counts(cases)
