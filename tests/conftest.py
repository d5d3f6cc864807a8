"""Hypothesis profiles: "ci" (the default) is derandomized with a fixed budget; "deep" and
"long" search with 10 and 100 times as many examples, new ones each run.

Pick one with the environment variable HYPOTHESIS_PROFILE, e.g.
``HYPOTHESIS_PROFILE=long python -m pytest tests/reliability``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# The tests that take 5 s or more (measured with --durations on 2 cores), which run first: the
# suite runs on every core (pytest -n auto --dist worksteal), and a long test that starts last
# leaves the other cores idle while it ends. Started first, the short tests fill in around it.
RUN_FIRST = (
    "tests/reliability/test_archive_fuzz.py::test_thousands_of_fuzzed_files",
    "tests/reliability/test_mutations.py::test_every_rule_mutant_is_killed_or_equivalent",
    "tests/scipy/test_integrate.py::test_second_order_in_both_modes_by_gradcheck",
    "tests/transforms/test_batching.py::test_batched_jacobians_equal_row_by_row_to_second_order",
    "tests/test_bench_smoke.py::test_the_scaling_command",
    "tests/jit/test_jit.py::test_a_chain_of_100000_steps",
    "tests/ops/test_gradcheck.py::test_rules_agree_with_finite_differences[scipy_cholesky",
    "tests/test_compiled_core.py::test_a_wheel",
    "tests/test_compiled_core.py::test_without_a_compiler",
    "tests/test_compiled_core.py::test_the_engines_own_tests",
    "tests/reliability/test_fuzz_cli.py",
    "tests/reliability/test_bounded_reads.py::test_load_time_grows_linearly",
    "tests/ops/test_formulas_agree.py::test_every_differentiable_primitive",
    "tests/reliability/test_memory.py",
    "tests/explanation/test_mistake_kinds.py::test_the_corpus_has_150_cases",
)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not item.nodeid.startswith(RUN_FIRST))  # stable: order kept
