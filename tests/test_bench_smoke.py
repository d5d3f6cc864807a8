"""The benchmark harness keeps working: one small cell (W5a, the reverse-mode Jacobian) on the
hand-written limit and on chainrule, in this process, one short repeat, and its report. This is
not a benchmark (CI runs none); it only keeps bench/ from rotting."""

import pathlib
import sys

import numpy as np
import pytest

from bench import (
    instructions, profile_workload, report, run, scaling, side_by_side, timing, worker,
)
from chainrule import compiled

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
    assert run.select_systems("chainrule,JAX") == [
        "numpy",
        "chainrule",
        "chainrule-jit",
        "jax",
        "jax-jit",
    ]
    with pytest.raises(SystemExit, match="unknown system 'tensorflow'"):
        run.select_systems("tensorflow")


SCALING_TINY = ["--sizes", "0.005,0.01", "--batches", "2", "--repeats", "1"]
SCALING_TINY += ["--repeat-seconds", "0.001"]


def test_the_scaling_command_writes_one_checked_row_per_part_and_size(tmp_path):
    output = tmp_path / "SCALING.md"
    scaling.main([*SCALING_TINY, "--in-process", "--output", str(output)])

    lines = output.read_text(encoding="utf-8").splitlines()
    per_op = [line for line in lines if line.startswith("| W")]
    per_step = [line for line in lines if line.startswith("| 2 |")]
    assert [tuple(line.split(" | ")[:2]) for line in per_op] == [
        (f"| {part}", size) for part in ("W1", "W6a", "W6b") for size in ("0.005×", "0.01×")
    ]
    assert len(per_step) == 1
    assert all("✓" in line for line in per_op + per_step)


def test_a_scaling_cell_runs_in_a_process_of_its_own(capsys):
    scaling.main([*SCALING_TINY, "--parts", "W6a", "--sizes", "0.01", "--no-save"])

    printed = capsys.readouterr().out
    assert "| W6a | 0.01× | 100 |" in printed and "✓" in printed
    assert "Per step" not in printed


def test_the_profile_command_splits_the_time_into_the_engine_parts(capsys):
    profile_workload.main(["W6a", "--scale", "0.01", "--calls", "1", "--top", "5"])

    printed = capsys.readouterr().out
    assert "100 nodes recorded a call" in printed  # the leaf is made before the timed call
    rules = ("| the sweep (compiled): the rules (VJPs), with what they call |"
             if compiled.core is not None else "| propagate: the rules (VJPs) |")
    assert rules in printed and "tottime" in printed


def test_the_side_by_side_command_compares_each_system_with_the_first(capsys):
    side_by_side.main(["W2", "numpy,chainrule-jit", "--rounds", "2", "--steps", "2"])

    printed = capsys.readouterr().out
    assert "W2, 2 rounds of 2 steps" in printed
    assert "numpy: median" in printed and "÷ numpy: 1.000" in printed
    assert "chainrule-jit: median" in printed


CACHEGRIND_SUMMARY = """\
==2041== I   refs:      1,870,838,947
==2041== I1  misses:       19,930,317
==2041== LLi misses:           60,120
==2041== D   refs:        824,032,579  (538,471,139 rd   + 285,561,440 wr)
==2041== D1  misses:       18,180,391  ( 14,336,231 rd   +   3,844,160 wr)
==2041== LL misses:           486,313  (    139,545 rd   +     346,768 wr)
==2041== Mispredicts:      27,006,216  ( 18,036,811 cond +   8,969,405 ind)
"""


def test_the_instruction_counts_are_read_from_cachegrinds_summary():
    found = instructions.parse_summary("some output\n" + CACHEGRIND_SUMMARY)
    assert found == {"instructions": 1_870_838_947, "instruction cache misses": 19_930_317,
                     "data cache misses": 18_180_391, "last-level misses": 486_313,
                     "branch mispredictions": 27_006_216}
    assert instructions.per_call({"instructions": 100}, {"instructions": 160}, 20) == {
        "instructions": 3.0}
    with pytest.raises(RuntimeError, match="cachegrind printed no summary"):
        instructions.parse_summary("Segmentation fault\n")


def test_the_instruction_count_command_says_how_to_get_valgrind(monkeypatch):
    monkeypatch.setattr(instructions.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="needs Valgrind: apt-get install valgrind"):
        instructions.main(["W6a", "chainrule"])


def test_the_instruction_count_command_subtracts_a_run_without_calls(tmp_path, monkeypatch,
                                                                       capsys):
    # A stand-in for valgrind runs the child as given and reports 1,000 instructions plus 7 a
    # call: the report must give 7 a call, after the child built and called the cell.
    fake = tmp_path / "valgrind"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import subprocess, sys\n"
        "command = [a for a in sys.argv[1:] if not a.startswith('--') or a in "
        "('--child', '--calls')]\n"
        "subprocess.run(command, check=True)\n"
        "calls = int(command[command.index('--calls') + 1])\n"
        "print(f'==1== I   refs:      {1000 + 7 * calls:,}', file=sys.stderr)\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{__import__('os').environ['PATH']}")
    instructions.main(["W6a", "numpy,chainrule", "--calls", "3"])
    printed = capsys.readouterr().out
    assert "| numpy | 7 | 1.000 |" in printed and "| chainrule | 7 | 1.000 |" in printed


def test_no_bench_script_shadows_a_standard_library_module():
    # A script's own folder comes first on sys.path, so bench/profile.py once stood in for the
    # standard library's profile module inside every peer that imports it (PyTorch does).
    folder = pathlib.Path(run.__file__).parent
    shadowing = [path.name for path in folder.glob("*.py") if path.stem in sys.stdlib_module_names]
    assert shadowing == []


def test_a_cell_that_fails_makes_the_run_exit_nonzero_with_the_peers_error(
    tmp_path, monkeypatch, capsys
):
    def broken_peer(workload, system, args, scratch):
        if system == "numpy":
            return worker.run_cell(workload, system, TINY, save=scratch / f"{workload}.npz")
        error = ["Traceback (most recent call last):", "AttributeError: no attribute 'run'"]
        return {"status": "failed", "detail": error[-1], "error": error}

    monkeypatch.setattr(run, "run_worker", broken_peer)
    output = tmp_path / "RESULTS.md"

    status = run.main(["--workloads", "W5a", "--systems", "PyTorch", "--output", str(output)])

    assert status == 1 and not output.exists()
    printed = capsys.readouterr().err
    assert "W5a on PyTorch: failed: AttributeError: no attribute 'run'" in printed


def test_a_cell_times_the_limit_in_turns_and_its_ratio_is_the_pairs_median(tmp_path):
    # The machine slows down between the two cells: the limit's own cell read 1.0 ms, but in
    # chainrule's cell the pairs say 1.2× (the paired limit took 2 ms a call there).
    ours = worker.run_cell("W5a", "chainrule", TINY)
    assert len(ours["limit_times"]) == len(ours["times"]["jacrev"]) == 1
    assert worker.PAIRED_LIMIT not in ours["times"] and worker.PAIRED_LIMIT not in ours["calls"]
    workload = report.WORKLOADS["W5a"]
    ours = {**ours, "times": {"jacrev": [2.4, 2.2, 2.6]}, "limit_times": [2.0, 2.0, 2.0]}
    limit = {"status": "ok", "times": {"jacrev": [1.0, 1.0, 1.0]}}
    assert report.limit_ratio(workload, ours, 1.0) == pytest.approx(1.2)
    unpaired = {key: value for key, value in ours.items() if key != "limit_times"}
    assert report.limit_ratio(workload, unpaired, 1.0) == pytest.approx(2.4)
    text = report.summary({"W5a": {"numpy": limit, "chainrule": ours}})
    assert "| 2.40 | 1.20 |" in text and "yes" in text
    # a cell with a reset before each call (W6) is timed alone
    deep = worker.run_cell("W6a", "chainrule", TINY)
    assert "limit_times" not in deep
