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
import copy
import json
import os
import struct
import tempfile
import time
import tracemalloc
import zipfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule import checkpoint, nn, optim
from chainrule.checkpoint import CheckpointError, archive
from chainrule.cli import train as train_command
from chainrule.cli.errors import UsageError
from chainrule.cli.run_file import resumed_config
from chainrule.data import ArrayDataset, DataLoader
from chainrule.train import fit
from chainrule.train.resume import restore_run
from tests.reliability.archives import meta_npy, npy, seal, sealed_zip

METHODS = [zipfile.ZIP_STORED] * 4 + [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
NAMES = ["__meta__", "model/0.weight", "model/0.bias", "extra/random", "optimizer/state/0/x"]


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


# --- generated archives ----------------------------------------------------------------------

json_leaves = (
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=6)
)
tags = st.sampled_from(["array", "scalar", "float", "tuple", "items", "other"])
json_values = st.recursive(
    json_leaves | st.sampled_from(NAMES),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(tags | st.text(max_size=4), inner, max_size=3)
        | st.lists(
            st.tuples(st.text(max_size=4) | st.integers(0, 3), inner).map(list), max_size=3
        ).map(lambda items: {"items": items})
    ),
    max_leaves=24,
)


def deeply_nested(depth):
    """Metadata whose extra nests ``depth`` lists deep, as JSON text (json.dumps would not)."""
    head = json.dumps({"format": archive.FORMAT, "version": archive.VERSION})[:-1]
    text = f'{head}, "parts": {{"extra": {"[" * depth}{"]" * depth}}}, "sha256": ""}}'
    return npy(np.frombuffer(text.encode(), dtype=np.uint8))


dtypes = st.sampled_from(["<f8", "<f4", "|u1", "<i8", "|b1", "<c16", "<U3", "|S2", "|V0", "|O"])
shapes = st.lists(st.integers(0, 4) | st.sampled_from([2**31, 2**62, -1]), max_size=3).map(tuple)


@st.composite
def npy_entries(draw):
    """The bytes of a .npy entry: a true one, or a header that lies about its data."""
    if draw(st.booleans()):
        shape = draw(st.lists(st.integers(0, 3), max_size=2).map(tuple))
        dtype = draw(st.sampled_from(["<f8", "<f4", "|u1", "<i8", "|b1"]))
        return npy(np.zeros(shape, dtype=dtype))
    header = {"descr": draw(dtypes), "fortran_order": draw(st.booleans()), "shape": draw(shapes)}
    text = repr(header).encode() + b" " * draw(st.integers(0, 3)) + b"\n"
    prefix = b"\x93NUMPY" + bytes([draw(st.sampled_from([1, 2, 3, 9])), 0])
    length = struct.pack("<H" if prefix[6] == 1 else "<I", len(text))
    return prefix + length + text + draw(st.binary(max_size=64))


@st.composite
def metadata(draw, names):
    """A metadata entry: right (checksum and all) for some arrays, or of any form at all."""
    choice = draw(st.integers(0, 3))
    if choice == 0:
        parts = {"model": {"items": [[name, {"array": name}] for name in names]}}
        return meta_npy(parts, {name: np.zeros(1) for name in names})
    if choice == 1:
        return meta_npy(draw(st.dictionaries(st.sampled_from(checkpoint.PARTS), json_values)))
    if choice == 2:
        return deeply_nested(draw(st.integers(50, 5000)))
    raw = draw(st.binary(max_size=80) | json_values.map(lambda v: json.dumps(v).encode()))
    return npy(np.frombuffer(raw, dtype=np.uint8))


@st.composite
def generated_archives(draw):
    """A sealed zip built entry by entry, with a metadata entry most of the time."""
    names = draw(st.lists(st.sampled_from(NAMES[1:]) | st.text(max_size=8), max_size=5))
    entries = [
        (f"{name}.npy", draw(npy_entries()), draw(st.sampled_from(METHODS))) for name in names
    ]
    if draw(st.integers(0, 9)):
        entries.insert(
            draw(st.integers(0, len(entries))),
            ("__meta__.npy", draw(metadata(names)), draw(st.sampled_from(METHODS))),
        )
    if entries and draw(st.integers(0, 9)) == 0:
        entries.append(entries[0])  # a name twice
    return sealed_zip(entries)


# --- mutated runs ----------------------------------------------------------------------------

FIELD_VALUES = [0, 1, 0xFF, 0xFFFF, 0xFFFFFFFF, 2**31, 8, 12, 14, 99]


@st.composite
def mutated_runs(draw, original):
    """The valid run ``original`` with a few changes to its bytes or zip fields, sealed again
    most of the time (so that the readers get past the seal), else under its old seal."""
    body = bytearray(original[: -archive.SEAL_SIZE])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "field", "cut", "insert", "splice"]))
        at = draw(st.integers(0, len(body) - 1))
        if kind == "flip":
            body[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "field":  # a count, size, offset or method of the zip set to an edge
            width = draw(st.sampled_from([2, 4]))
            value = draw(st.sampled_from(FIELD_VALUES)) % 256**width
            body[at : at + width] = value.to_bytes(width, "little")
        elif kind == "cut":
            del body[at : at + draw(st.integers(1, 64))]
        elif kind == "insert":
            body[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            source = draw(st.integers(0, len(body) - 1))
            body[at : at + 8] = body[source : source + 8]
    if draw(st.integers(0, 9)):
        return seal(bytes(body))
    return bytes(body) + original[-archive.SEAL_SIZE :]


def places(value, found=None):
    """Every (container, key) in a nested state: where a restructured run changes it."""
    found = [] if found is None else found
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, inner in list(items):
        found.append((value, key))
        if isinstance(inner, (dict, list)):
            places(inner, found)
    return found


class Frozen:
    """A state given back to checkpoint.save as it is."""

    def __init__(self, state):
        self.state = state

    def state_dict(self):
        return self.state


replacements = (
    json_values
    | st.sampled_from([np.zeros((2, 2)), np.zeros(5, np.int8), np.array("x"), np.zeros((0, 3))])
    | st.just(KeyError)  # the entry removed
)


@st.composite
def restructured_runs(draw, states):
    """The run's states with one to three entries replaced by values of another form (a list
    for a dict, a string for a number, an array of another shape) or removed: saved with
    checkpoint.save, a file right in every byte and checksum, wrong only in what it says."""
    states = copy.deepcopy(states)
    for _ in range(draw(st.integers(1, 3))):
        container, key = draw(st.sampled_from(places(states)))
        value = draw(replacements)
        if value is KeyError:
            del container[key]
        else:
            container[key] = value
    return states


def save_states(path, states):
    """Write ``states`` (as checkpoint.read gives them) back to ``path`` with checkpoint.save."""
    parts = {
        name: Frozen(states[name]) for name in ("model", "optimizer", "scheduler") if name in states
    }
    checkpoint.save(path, extra=states.get("extra"), **parts)


# --- the readers -----------------------------------------------------------------------------


def answers(path):
    """What each reader makes of ``path``: "read" or "refused"; any other exception escapes."""
    model, optimizer, schedule, loader = small_run()
    attempts = {
        "read": lambda: checkpoint.read(path),
        "load": lambda: checkpoint.load(path, model, optimizer, schedule),
        "resume": lambda: restore_run(path, *small_run()),
        "command line": lambda: resumed_config(
            path, {}, {"dataset": {"digits"}, "activation": {"relu"}, "optimizer": {"sgd", "adam"}}
        ),
    }
    found = {}
    for name, attempt in attempts.items():
        try:
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
