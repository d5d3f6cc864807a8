"""The benchmark harness keeps working: one small cell (W5a, the reverse-mode Jacobian) on the
hand-written limit and on chainrule, in this process, one short repeat, and its report. This is
not a benchmark (CI runs none); it only keeps bench/ from rotting."""

import numpy as np
import pytest

from bench import report, run, timing, worker

TINY = timing.Settings(repeats=1, repeat_seconds=0.001, cell_seconds=0.01)


def test_one_cell_is_checked_against_the_limit_timed_and_reported(tmp_path):
    reference = tmp_path / "W5a.npz"
    limit = worker.run_cell("W5a", "numpy", TINY, save=reference)
    ours = worker.run_cell("W5a", "chainrule", TINY, reference=reference)

    assert limit["status"] == "ok" and ours["status"] == "ok"
    assert ours["check"]["agree"] and ours["check"]["max_abs"] < 1e-9
    assert len(ours["times"]["jacrev"]) == 1 and ours["times"]["jacrev"][0] > 0
    text = report.render({"W5a": {"numpy": limit, "chainrule": ours}}, ["one run"])
    assert "## W5a" in text and "| chainrule" in text and "reference" in text


def test_a_wrong_result_is_reported_and_not_timed(tmp_path):
    reference = tmp_path / "W5a.npz"
    worker.run_cell("W5a", "numpy", TINY, save=reference)
    with np.load(reference) as expected:
        wrong = 2 * expected["jacrev"]
    np.savez(reference, jacrev=wrong)

    found = worker.run_cell("W5a", "chainrule", TINY, reference=reference)

    assert found["status"] == "disagrees" and "times" not in found
    assert "jacrev differs" in found["detail"]


def test_selection_flags_name_whole_groups_and_both_jax_modes():
    assert run.select_workloads("w5,W1") == ["W1", "W5a", "W5b", "W5c"]
    assert run.select_systems("chainrule,JAX") == ["numpy", "chainrule", "jax", "jax-jit"]
    with pytest.raises(SystemExit, match="unknown system 'tensorflow'"):
        run.select_systems("tensorflow")
