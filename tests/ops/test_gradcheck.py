"""Every op-table case: reverse mode, forward mode and finite differences agree, to 2nd order."""

import warnings

import pytest

import chainrule as cr
from tests.ops.optable import all_cases

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rules_agree_with_finite_differences(case):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cr.gradcheck(case.fn, *case.args, order=case.order, atol=case.atol, rtol=case.rtol)
