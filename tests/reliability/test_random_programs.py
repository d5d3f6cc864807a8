"""Random programs (Wengert lists with fan-out and broadcasting) against finite differences.

CI checks the programs of seeds 0-199 to second order. More on demand:
``CHAINRULE_PROGRAMS=5000 CHAINRULE_PROGRAMS_FROM=200 python -m pytest tests/reliability``.
"""

import collections
import warnings

import pytest

import chainrule as cr
from chainrule.testing import GradcheckError
from tests.reliability.programs import (
    KINDS,
    broadcasts,
    fan_out,
    program_seeds,
    random_program,
)

SEEDS = program_seeds()
# Programs that show an open fault (see test_found_bugs.py).
KNOWN_FAULTS: dict = {}
CASES = [
    pytest.param(seed, id=f"program-{seed}", marks=pytest.mark.xfail(strict=True, reason=reason))
    if (reason := KNOWN_FAULTS.get(seed))
    else pytest.param(seed, id=f"program-{seed}")
    for seed in SEEDS
]


@pytest.mark.parametrize("seed", CASES)
def test_random_program_agrees_with_finite_differences_to_second_order(seed):
    program = random_program(seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            cr.gradcheck(program, *program.inputs, order=2)
    except GradcheckError as error:
        pytest.fail(f"{program!r}\n{error}")


def test_the_same_seed_gives_the_same_program():
    assert repr(random_program(7)) == repr(random_program(7))


def test_random_programs_fan_out_broadcast_and_use_every_op():
    programs = [random_program(seed) for seed in range(200)]
    used = collections.Counter(step.op for program in programs for step in program.steps)
    assert set(used) == set(KINDS)
    assert sum(fan_out(program) > 0 for program in programs) >= 150
    assert sum(broadcasts(program) > 0 for program in programs) >= 100
