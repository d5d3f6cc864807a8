"""A fuzzer over the structure of checkpoint files: archives generated entry by entry (names,
.npy headers that lie, compression methods, metadata of every form) and valid runs mutated in
their bytes and zip fields, each sealed as save() seals its files (the seal is no secret).

Every file goes to checkpoint.read, checkpoint.load with a model, optimizer and schedule,
fit's restore_run and the command line's resumed_config. Each must answer with what it read
or with its own error (CheckpointError; UsageError for the command line), within bounded
memory. CI runs a few thousand files (test_archive_fuzz.py); more, with a report of the
outcomes, times and memory::

    python -m tests.reliability.archive_fuzz --files 20000
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import tempfile
import time
import tracemalloc

import numpy as np
from hypothesis import HealthCheck, given, settings

import chainrule as cr
from chainrule import checkpoint, nn, optim
from chainrule.checkpoint import CheckpointError
from chainrule.cli import train as train_command
from chainrule.cli.errors import UsageError
from chainrule.cli.run_file import resumed_config
from chainrule.data import ArrayDataset, DataLoader
from chainrule.train import fit
from chainrule.train.resume import restore_run
from tests.reliability.archive_strategies import (
    generated_archives,
    mutated_runs,
    restructured_runs,
)
from tests.reliability.archives import save_states


def small_run():
    """The model, optimizer, schedule and loader that each fuzzed file is loaded into."""
    cr.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    schedule = optim.lr_scheduler.StepLR(optimizer, step_size=1)
    x = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)
    loader = DataLoader(ArrayDataset(x, np.arange(8) % 2), batch_size=4, shuffle=True, seed=0)
    return model, optimizer, schedule, loader


def seed_file(folder):
    """A valid run file (model, Adam, schedule, history, random states, settings)."""
    path = os.path.join(folder, "seed.npz")
    model, optimizer, schedule, loader = small_run()
    settings_ = dict(train_command.TRAIN_DEFAULTS, hidden=[4], lr=0.01)
    fit(
        model,
        nn.CrossEntropyLoss(),
        optimizer,
        loader,
        1,
        scheduler=schedule,
        checkpoint=path,
        checkpoint_extra={"config": settings_},
        progress=False,
    )
    with open(path, "rb") as file:
        return file.read()


# --- the readers -----------------------------------------------------------------------------


def answers(path):
    """What each reader makes of ``path``: "read" or "refused"; any other exception escapes."""
    model, optimizer, schedule, loader = small_run()
    attempts = {
        "read": lambda: checkpoint.read(path),
        "load": lambda: checkpoint.load(path, model, optimizer, schedule),
        "resume": lambda: restore_run(path, *small_run()),
        "command line": lambda: resumed_config(path, {}),
    }
    found = {}
    for name, attempt in attempts.items():
        # A crafted state may overflow as it is cast (a warning, not an answer).
        try:
            with np.errstate(all="ignore"):
                attempt()
            found[name] = "read"
        except (CheckpointError, UsageError):
            found[name] = "refused"
    return found


def measured(path):
    """``answers(path)`` with its seconds and peak traced memory (bytes)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        found = answers(path)
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return found, seconds, peak


def memory_bound(size):
    """The most traced memory reading a file of ``size`` bytes may take: the file, its arrays,
    the metadata parsed, and a fixed allowance for the readers and the small run."""
    return 64 * size + (4 << 20)


# --- the run ---------------------------------------------------------------------------------


class Tally:
    """Outcomes, sizes, times and peak memory of the fuzzed files, by kind."""

    def __init__(self):
        self.outcomes = collections.Counter()
        self.files = collections.Counter()
        self.slowest = 0.0
        self.largest_peak = 0
        self.largest_ratio = 0.0

    def add(self, kind, size, found, seconds, peak):
        self.files[kind] += 1
        self.outcomes.update(f"{reader}: {outcome}" for reader, outcome in found.items())
        self.slowest = max(self.slowest, seconds)
        self.largest_peak = max(self.largest_peak, peak)
        self.largest_ratio = max(self.largest_ratio, peak / size if size else 0.0)


def fuzz(files, tally, folder, derandomize=True):
    """Give ``files`` fuzzed files (a third each generated, mutated and restructured runs) to
    the readers, each within :func:`memory_bound`; any other exception than theirs fails
    (Hypothesis shrinks it to a small file first)."""
    path = os.path.join(folder, "fuzzed.npz")
    original = seed_file(folder)
    states = checkpoint.read(os.path.join(folder, "seed.npz"))
    config = settings(
        max_examples=max(1, files // 3),
        derandomize=derandomize,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )

    def check(kind, data):
        if isinstance(data, dict):
            save_states(path, data)
        else:
            with open(path, "wb") as file:
                file.write(data)
        size = os.path.getsize(path)
        found, seconds, peak = measured(path)
        assert peak <= memory_bound(size), f"{peak:,} bytes for a file of {size:,}"
        tally.add(kind, size, found, seconds, peak)

    @config
    @given(generated_archives())
    def generated(data):
        check("generated", data)

    @config
    @given(mutated_runs(original))
    def mutated(data):
        check("mutated", data)

    @config
    @given(restructured_runs(states))
    def restructured(data):
        check("restructured", data)

    generated()
    mutated()
    restructured()
    return tally


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000, help="files to fuzz (20,000)")
    parser.add_argument("--random", action="store_true", help="new examples on each run")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        tally = fuzz(args.files, Tally(), folder, derandomize=not args.random)
    print(json.dumps(report(tally, time.perf_counter() - start), indent=1))


def report(tally, seconds):
    """The figures of a run, as a dict."""
    return {
        "files": sum(tally.files.values()),
        "by kind": dict(tally.files),
        "outcomes": dict(sorted(tally.outcomes.items())),
        "other exceptions": 0,
        "slowest file (s)": round(tally.slowest, 3),
        "largest traced peak (MiB)": round(tally.largest_peak / (1 << 20), 2),
        "largest peak per byte of file": round(tally.largest_ratio, 1),
        "seconds": round(seconds, 1),
    }


if __name__ == "__main__":
    main()
