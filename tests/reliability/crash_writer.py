"""Kill checkpoint writers with SIGKILL at random moments and check what they leave behind.

A forked child saves two states in turn to one file, as fast as it can; the parent kills it
after a random delay (seeded), then loads the file: it must be one of the two states, whole.
Run by tests/reliability/test_faults.py; by hand (POSIX only)::

    python -m tests.reliability.crash_writer FOLDER --kills 200 --seed 0

It prints one line of JSON: kills, what each load gave, errors, and the temporary files left.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import time

import numpy as np

from chainrule import checkpoint

# Big enough that writing the file takes a real share of a save, so kills land mid-write too.
ARRAY_SIZE = 8_192


def states():
    """The two states the writer alternates between: different arrays, different steps."""
    return [
        {"step": step, "weights": np.full(ARRAY_SIZE, float(step)), "note": f"state {step}"}
        for step in (0, 1)
    ]


def which_state(loaded, candidates):
    """The index of the candidate ``loaded`` equals exactly, or None."""
    for index, candidate in enumerate(candidates):
        if (
            isinstance(loaded, dict)
            and loaded.keys() == candidate.keys()
            and loaded["step"] == candidate["step"]
            and loaded["note"] == candidate["note"]
            and loaded["weights"].dtype == candidate["weights"].dtype
            and loaded["weights"].tobytes() == candidate["weights"].tobytes()
        ):
            return index
    return None


def temporaries(folder, name):
    """The temporary files that saves to ``name`` left in ``folder``."""
    return sorted(f for f in os.listdir(folder) if f.startswith(f".{name}.") and f.endswith(".tmp"))


def write_forever(path, candidates, first, done_pipe):
    """The child: save the states in turn, one byte down the pipe after each completed save."""
    try:
        index = first
        while True:
            checkpoint.save(path, extra=candidates[index])
            os.write(done_pipe, b".")
            index = 1 - index
    finally:
        os._exit(1)  # only reached if a save raised: the parent reports a non-kill exit


def kill_one(path, candidates, first, delay):
    """Fork a writer, SIGKILL it after ``delay`` seconds; the number of saves it completed."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        write_forever(path, candidates, first, write_end)
    os.close(write_end)
    time.sleep(delay)
    os.kill(child, signal.SIGKILL)
    _, status = os.waitpid(child, 0)
    completed = b""
    while chunk := os.read(read_end, 65536):
        completed += chunk
    os.close(read_end)
    if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
        raise RuntimeError(f"the writer ended by itself (status {status}) instead of being killed")
    return len(completed)


def save_seconds(path, candidates, repeats=5):
    """How long one save takes here (the kills are spread over a few saves' time)."""
    start = time.perf_counter()
    for i in range(repeats):
        checkpoint.save(path, extra=candidates[i % 2])
    return (time.perf_counter() - start) / repeats


def check(path, candidates, kill, errors):
    """Which state the file holds after ``kill``, or None (with the problem in ``errors``)."""
    try:
        loaded = checkpoint.load(path)
    except checkpoint.CheckpointError as error:
        errors.append(f"kill {kill}: {error}")
        return None
    index = which_state(loaded, candidates)
    if index is None:
        errors.append(f"kill {kill}: the file loads but is neither the old nor the new state")
    return index


def run(folder, kills, seed):
    """Kill ``kills`` writers of ``folder``/run.npz; the report as a dict."""
    name = "run.npz"
    path = os.path.join(folder, name)
    candidates = states()
    rng = random.Random(seed)
    per_save = save_seconds(path, candidates)
    checkpoint.save(path, extra=candidates[0])
    report = {
        "kills": kills,
        "seed": seed,
        "save_seconds": per_save,
        "old": 0,
        "new": 0,
        "completed_saves": 0,
        "kills_before_first_save_completed": 0,
        "errors": [],
        "temporaries_after_kills": 0,
        "temporary_bytes": 0,
    }
    current = 0
    for kill in range(kills):
        old = current
        completed = kill_one(path, candidates, 1 - old, rng.uniform(0, 2 * per_save))
        report["completed_saves"] += completed
        report["kills_before_first_save_completed"] += completed == 0
        current = check(path, candidates, kill, report["errors"])
        if current is None:
            checkpoint.save(path, extra=candidates[0])  # go on from a good file
            current = 0
        else:
            # After k completed saves the file holds the k-th save's state, or the next one's if
            # the kill came between its rename and the child's report of it.
            last_completed = old if completed % 2 == 0 else 1 - old
            report["old" if current == last_completed else "new"] += 1
    left = temporaries(folder, name)
    report["temporaries_after_kills"] = len(left)
    report["temporary_bytes"] = sum(os.path.getsize(os.path.join(folder, f)) for f in left)
    checkpoint.save(path, extra=candidates[current])
    report["temporaries_after_next_save"] = len(temporaries(folder, name))
    report["other_files"] = sorted(set(os.listdir(folder)) - set(left) - {name})
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.folder, args.kills, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
