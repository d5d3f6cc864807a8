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
