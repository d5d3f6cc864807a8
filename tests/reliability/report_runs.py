"""The runs behind docs/reliability.md's figures: each function runs one suite, probe or fuzzer
and returns its figures as a dict (``python -m tests.reliability.report`` writes them out).
"""

from __future__ import annotations

import json
import os
import pathlib
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile

from tests.reliability import archive_fuzz, archives, figures, hostile, mutation_score

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIB = 1 << 20


def python(*args, timeout=3600):
    """``python ARGS`` in the repository: its stdout (raises if it fails)."""
    done = subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"python {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def pytest_outcomes(*args):
    """The counts ``python -m pytest -q ARGS`` ends with (passed, skipped, ...), and the examples
    Hypothesis ran when its statistics are asked for."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=REPO, capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    last = done.stdout.strip().splitlines()[-1]
    found = {word: int(n.replace(",", "")) for n, word in re.findall(r"(\d[\d,]*) (\w+)", last)}
    examples = re.findall(r"- (\d+) passing, \d+ failing", done.stdout)
    return found | ({"examples": sum(map(int, examples))} if examples else {})


def gradchecks():
    found = figures.op_table_counts()
    return {
        "differentiable": len(found["differentiable"]),
        "covered": found["covered"],
        "cases": found["cases"],
        "checks": sum(found["checks"].values()),
        "entries": sum(found["compared"].values()),
        "markdown": figures.op_table(found),
    }


def mutations():
    cases = mutation_score.all_cases()
    names = mutation_score.differentiable_primitives()
    outcomes = [o for name in names for o in mutation_score.run_rule_mutants(name, cases)]
    engine = [
        mutation_score.run_engine_mutant(name, cases, stop_at_first=False)
        for name in mutation_score.engine_mutants()
    ]
    every = outcomes + engine
    killed_by = {}
    for outcome in every:
        if outcome.verdict == "killed":
            killed_by[outcome.error] = killed_by.get(outcome.error, 0) + 1
    equivalent = sum(o.verdict == "equivalent" for o in every)
    # The equivalent mutants by kind: the primitives (sorted) whose mutant of that kind no
    # derivative can tell from the right rule.
    equivalents = {}
    for kind, (_, _, title) in mutation_score.RULE_KINDS.items():
        found = sorted(
            {o.primitive for o in outcomes if o.kind == kind and o.verdict == "equivalent"}
        )
        if found:
            equivalents[title] = found
    return {
        "equivalents": equivalents,
        "primitives": len(names),
        "inputs": sum(o.kind == "vjp_scaled" for o in outcomes),
        "mutants": len(every),
        "killed": sum(o.verdict == "killed" for o in every),
        "equivalent": equivalent,
        "survived": sum(o.verdict == "survived" for o in every),
        "killed_by": killed_by,
        "cases": len(cases),
        "table": mutation_score.score_table(outcomes, engine, len(cases)).split("\n\n")[0],
    }


def special_values():
    from tests.reliability.special_values import counts, run

    return counts(run())


def hostile_formulas():
    from tests.reliability.test_fuzz_cli import POINTS, answer

    cases = hostile.inputs(seed=0)
    rng, slowest, faults = random.Random(0), 0.0, 0
    start = time.perf_counter()
    for _, text in cases:
        began = time.perf_counter()
        try:
            answer(text, rng.choice(POINTS))
        except Exception:  # noqa: BLE001  (counted: the test names them)
            faults += 1
        slowest = max(slowest, time.perf_counter() - began)
    return {
        "inputs": len(cases),
        "categories": hostile.counts(cases),
        "faults": faults,
        "slowest": slowest,
        "seconds": time.perf_counter() - start,
    }


def command_lines(processes=60):
    from tests.reliability.cli_runs import (
        check_answer, command_line, formula_commands, run_in_process, run_process,
    )  # fmt: skip
    from tests.reliability.test_fuzz_cli import sample_for_command_lines

    rng, commands = random.Random(1), formula_commands()
    found = {"start-up": min(run_process(["diff", "x", "--at", "x=1"]).seconds for _ in range(3))}
    with tempfile.TemporaryDirectory() as folder:
        for kind, run, count in (
            ("in-process", run_in_process, 300),
            ("process", run_process, processes),
        ):
            problems, slowest = 0, 0.0
            for text in sample_for_command_lines(rng, count, "/nonexistent/marker"):
                text = " " + text if text.startswith("-") else text
                argv = command_line(rng, text, commands, pathlib.Path(folder))
                answer = run([a.replace("\x00", "") for a in argv])
                problems += bool(check_answer(argv, answer))
                slowest = max(slowest, answer.seconds)
            found[kind] = {"runs": count, "problems": problems, "slowest": slowest}
    return found


def killed_writers(kills=200):
    with tempfile.TemporaryDirectory() as folder:
        return json.loads(
            python("-m", "tests.reliability.crash_writer", folder, "--kills", str(kills))
        )


def fuzzed_archives(files=20_000):
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        tally = archive_fuzz.fuzz(files, archive_fuzz.Tally(), folder)
    return archive_fuzz.report(tally, time.perf_counter() - start)


BOMBS = {
    "checkpoint with a 600 MiB bzip2 entry": ("checkpoint", "bomb.npz"),
    "checkpoint with a 600 MiB deflate entry": ("checkpoint", "deflate.npz"),
    "gzipped IDX file inflating to 841 MiB, header of 3 values": ("idx", "bomb-idx1-ubyte.gz"),
    "checkpoint of 100,000 one-byte entries": ("checkpoint", "many.npz"),
    "/dev/zero as a checkpoint": ("checkpoint", "/dev/zero"),
    "a FIFO as a checkpoint (no writer: open would block)": ("checkpoint", "fifo"),
    "train --resume of a run asking for 12000 12000 hidden units": ("resume", "huge.npz"),
}


def bombs():
    """Peak memory of reading each hostile file, each in a fresh process."""
    with tempfile.TemporaryDirectory() as folder:
        made = {
            "bomb.npz": archives.with_extra_entry(zipfile.ZIP_BZIP2, 600 * MIB),
            "deflate.npz": archives.with_extra_entry(zipfile.ZIP_DEFLATED, 600 * MIB),
            "bomb-idx1-ubyte.gz": archives.idx_bomb(3, 841 * MIB),
            "many.npz": archives.many_unnamed_entries(100_000),
        }
        for name, data in made.items():
            with open(os.path.join(folder, name), "wb") as file:
                file.write(data)
        huge_run(os.path.join(folder, "huge.npz"))
        os.mkfifo(os.path.join(folder, "fifo"))
        found = {}
        for case, (kind, name) in BOMBS.items():
            path = os.path.join(folder, name)
            size = os.path.getsize(path) if name in (*made, "huge.npz") else None
            probe = json.loads(python("-m", "tests.reliability.bounded_memory", kind, path))
            # The message without the temporary folder the files were made in.
            probe["message"] = probe["message"].replace(folder + os.sep, "")
            found[case] = probe | {"size": size}
        return found


def huge_run(path):
    """A run of ``chainrule train --save`` whose settings then ask for 12000 12000 units."""
    python("-m", "chainrule", "train", "--epochs", "1", "--hidden", "16", "--save", path)
    archives.rewritten(path, lambda extra: extra["config"].update(hidden=[12000, 12000]))


def load_times():
    """Seconds to read valid checkpoints of many arrays, and to refuse files of many entries."""
    from chainrule import checkpoint

    found = {}
    with tempfile.TemporaryDirectory() as folder:
        for count in (16_384, 65_535):
            path = archives.many_arrays(os.path.join(folder, f"{count}.npz"), count)
            found[f"{count:,} arrays, read"] = _seconds(checkpoint.read, path)
        for count in (16_384, 100_000):
            path = os.path.join(folder, f"unnamed-{count}.npz")
            with open(path, "wb") as file:
                file.write(archives.many_unnamed_entries(count))
            found[f"{count:,} entries not named by the metadata, refused"] = _seconds(
                checkpoint.read, path
            )
    return found


def _seconds(read, path):
    start = time.perf_counter()
    try:
        read(path)
    except Exception:  # noqa: BLE001  (a refusal is the expected answer for some)
        pass
    return time.perf_counter() - start


def memory():
    return {
        what: json.loads(python("-m", "tests.reliability.memory_probe", what))
        for what in ("train", "deep")
    }


def suites():
    """Pass counts of the suites whose figures are counts of their tests."""
    return {
        "properties": pytest_outcomes(
            "tests/reliability/test_properties.py", "--hypothesis-show-statistics"
        ),
        "programs": pytest_outcomes("tests/reliability/test_random_programs.py"),
        "torch": pytest_outcomes("-m", "torch", "tests/reliability"),
        "replay": pytest_outcomes("tests/jit"),
        "faults": pytest_outcomes("tests/reliability/test_faults.py"),
    }


def coverage():
    """Line coverage of the core and of the whole package, from the whole suite."""
    with tempfile.TemporaryDirectory() as folder:
        report = os.path.join(folder, "coverage.json")
        # Without the check of this page, which a report halfway through would fail.
        pytest_outcomes(
            "--cov=chainrule", f"--cov-report=json:{report}", "--deselect",
            "tests/reliability/test_report.py",
        )  # fmt: skip
        with open(report) as file:
            files = json.load(file)["files"]
    core = {path: f for path, f in files.items() if is_core(path)}
    return {"core": _covered(core.values()), "package": _covered(files.values())}


# The engine: what every derivative goes through (docs/reliability.md names the same files).
CORE_FILES = ("tensor.py", "tensor_methods.py", "graph.py", "modes.py", "engine_state.py",
              "trace_recording.py", "testing.py", "inplace.py", "interop.py")  # fmt: skip
CORE_PACKAGES = ("primitive", "autodiff", "ops", "linalg", "transforms", "jit")


def is_core(path):
    parts = path.replace(os.sep, "/").split("/")
    inside = parts[parts.index("chainrule") + 1 :]
    return inside[0] in CORE_PACKAGES or (len(inside) == 1 and inside[0] in CORE_FILES)


def _covered(files):
    statements = sum(f["summary"]["num_statements"] for f in files)
    covered = sum(f["summary"]["covered_lines"] for f in files)
    return {"statements": statements, "percent": 100 * covered / statements}


def threads():
    """Threads differentiating at once (tests/reliability/thread_stress.py), in a process of its
    own: wrong results and errors against the single-threaded answers."""
    return json.loads(python("-m", "tests.reliability.thread_stress"))

