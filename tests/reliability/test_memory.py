"""Memory: flat over 10,000 training steps; a 100,000-deep graph differentiates in both modes
and its memory goes back once it is dropped. Measured in fresh processes (RSS from /proc).

CHAINRULE_RELIABILITY_TRAIN_STEPS and CHAINRULE_RELIABILITY_DEPTH lengthen the runs.
"""

import json
import math
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STEPS = int(os.environ.get("CHAINRULE_RELIABILITY_TRAIN_STEPS", "10000"))
DEPTH = int(os.environ.get("CHAINRULE_RELIABILITY_DEPTH", "100000"))
# RSS may move by allocator pages; a leak of even one small array per step would exceed this.
FLAT_MIB = 2.0
# What may stay resident once a graph is dropped (the allocator keeps some arenas).
RETURNED_MIB = 8.0

pytestmark = pytest.mark.skipif(
    not os.path.exists("/proc/self/statm"), reason="RSS is read from /proc/self/statm (Linux)"
)


def probe(*args):
    done = subprocess.run(
        [sys.executable, "-m", "tests.reliability.memory_probe", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_memory_stays_flat_over_ten_thousand_training_steps():
    report = probe("train", "--steps", str(STEPS), "--warm-up", str(min(1000, STEPS // 2)))
    assert report["growth_after_warm_up_mib"] < FLAT_MIB, report["rss_mib"]
    assert all(math.isfinite(loss) for loss in report["losses"])


@pytest.fixture(scope="module")
def deep():
    return probe("deep", "--depth", str(DEPTH))


def test_a_hundred_thousand_deep_graph_differentiates_in_both_modes(deep):
    assert deep["reverse_gradient"] == pytest.approx(deep["expected"], rel=1e-9)
    assert deep["forward_tangent"] == pytest.approx(deep["expected"], rel=1e-9)


def test_a_dropped_deep_graph_is_freed_by_reference_counting(deep):
    assert deep["head_freed_without_gc_collect"]
    assert deep["built_mib"] - deep["baseline_mib"] > 200 * DEPTH / 2**20  # there was a graph
    assert deep["after_del_mib"] - deep["baseline_mib"] < RETURNED_MIB
    assert deep["after_forward_mib"] - deep["baseline_mib"] < RETURNED_MIB
