"""Every way a checkpoint can be wrong raises CheckpointError naming the file: crafted files for
each exception type the review saw escape, then a Hypothesis fuzzer over the archive structure
(tests/reliability/archive_fuzz.py) — generated, mutated and restructured files, none of which
may raise anything else or take more memory than its size allows.

CHAINRULE_RELIABILITY_ARCHIVES sets the number of fuzzed files (1,500 in CI);
``python -m tests.reliability.archive_fuzz --files 20000`` runs more and reports the figures.
"""

import json
import os
import re
import zipfile

import numpy as np
import pytest

from chainrule import checkpoint
from chainrule.checkpoint import CheckpointError
from tests.reliability import archive_fuzz
from tests.reliability.archive_strategies import deeply_nested
from tests.reliability.archives import meta_npy, npy, seal, sealed_zip

FILES = int(os.environ.get("CHAINRULE_RELIABILITY_ARCHIVES", "1500"))
STORED = zipfile.ZIP_STORED


def with_meta(parts, *entries, arrays=None):
    """A sealed file: metadata of ``parts`` (checksum right for ``arrays``), then ``entries``."""
    return sealed_zip([("__meta__.npy", meta_npy(parts, arrays), STORED), *entries])


def encrypted(data):
    # The encryption bit of the general-purpose flags, in the local and the central header.
    body = bytearray(data[: -len(seal(b""))])
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = body.find(signature)
        body[at + offset] |= 1
    return seal(bytes(body))


def with_method(data, method):
    # The compression method of every entry, in the local and the central headers.
    body = bytearray(data[: -len(seal(b""))])
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        for found in re.finditer(re.escape(signature), bytes(body)):
            body[found.start() + offset : found.start() + offset + 2] = method.to_bytes(2, "little")
    return seal(bytes(body))


def weight_parts(value):
    return {"model": {"items": [["0.weight", value]]}}


ONE = {"w": np.zeros(1)}
# Files that raised another exception than CheckpointError before (AttributeError, TypeError,
# RecursionError, NotImplementedError, RuntimeError, ValueError) or misnamed their problem.
CRAFTED = {
    "an entry that is not a .npy array": (
        with_meta(weight_parts({"array": "w"}), ("w.npy", b"plain bytes", STORED)),
        "has an entry 'w' that is not a .npy array",
    ),
    "an entry not named .npy": (
        with_meta({}, ("notes.txt", b"hello", STORED)),
        "holds an entry 'notes.txt' that is not a .npy array",
    ),
    "parts that are a list": (with_meta([1, 2]), "has malformed metadata (parts [1, 2])"),
    "a part that is a number": (with_meta({"model": 5}), "holds a model state that is not"),
    "metadata nested 5,000 deep": (
        sealed_zip([("__meta__.npy", deeply_nested(5000), STORED)]),
        "has a __meta__ entry that is not UTF-8 JSON",
    ),
    "metadata nested 100 deep": (
        sealed_zip([("__meta__.npy", deeply_nested(100), STORED)]),
        "has malformed metadata: it nests more than 64 levels deep",
    ),
    "a compression method zipfile does not know": (
        with_method(with_meta({}), 99),
        "holds a compressed entry '__meta__.npy' (zip method 99)",
    ),
    "an encrypted entry": (encrypted(with_meta({})), "holds an encrypted entry '__meta__.npy'"),
    "a tuple tag holding a dict": (
        with_meta({"extra": {"tuple": {"a": 1}}}),
        "has malformed metadata: an entry of no known form: {'tuple': {'a': 1}}",
    ),
    "items of three": (
        with_meta({"extra": {"items": [["a", 1, 2]]}}),
        "has malformed metadata: an entry of no known form",
    ),
    "a float tag that is no float": (
        with_meta({"extra": {"float": "many"}}),
        "has malformed metadata: an entry of no known form: {'float': 'many'}",
    ),
    "an array the archive lacks": (
        with_meta(weight_parts({"scalar": "nowhere"})),
        "lacks arrays its metadata names ('nowhere')",
    ),
    "a model state of another shape": (
        with_meta(weight_parts({"array": "w"}), ("w.npy", npy(np.zeros(1)), STORED), arrays=ONE),
        "does not fit the model: missing from the checkpoint: 0.bias, 2.weight, 2.bias",
    ),
    "an optimizer state of another form": (
        with_meta({"optimizer": {"items": [["state", 5], ["param_groups", [7]]]}}),
        "does not fit the optimizer",
    ),
    "two entries of one name": (
        sealed_zip([("__meta__.npy", meta_npy({}), STORED)] * 2),
        "holds two entries named '__meta__.npy'",
    ),
    "a header with a negative side": (
        with_meta(weight_parts({"array": "w"}), ("w.npy", npy(np.zeros(1))[:-8], STORED)),
        "has an array 'w' whose header claims shape (1,)",
    ),
    "random bytes under a valid seal": (
        seal(bytes(range(256)) * 4),
        "is not a zip archive as chainrule writes them (no end record)",
    ),
    "JSON that is a list": (
        sealed_zip([("__meta__.npy", npy(np.frombuffer(b"[1]", np.uint8)), STORED)]),
        "is not a chainrule checkpoint (format None",
    ),
}


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_a_crafted_file_raises_checkpoint_error_naming_file_and_problem(tmp_path, name):
    data, problem = CRAFTED[name]
    path = tmp_path / "crafted.npz"
    path.write_bytes(data)
    model, optimizer, _, _ = archive_fuzz.small_run()
    messages = []  # a file can be readable and still not fit a model: each reader answers
    for read in (
        checkpoint.read,
        lambda path: checkpoint.load(path, model),
        lambda path: checkpoint.load(path, optimizer=optimizer),
    ):
        try:
            read(path)
        except CheckpointError as error:
            messages.append(str(error))
    assert all(message.startswith(f"checkpoint {path}: ") for message in messages)
    assert any(problem in message for message in messages), messages


def test_a_non_zip_file_is_not_called_pickled_data(tmp_path):
    # Found by the review: NumPy's loader called such a file "pickled (object) data".
    path = tmp_path / "text.npz"
    path.write_bytes(seal(b"just some text, no zip archive at all"))
    with pytest.raises(CheckpointError, match="no end record") as refused:
        checkpoint.read(path)
    assert "pickle" not in str(refused.value)


def test_thousands_of_fuzzed_files_raise_nothing_but_checkpoint_errors(tmp_path):
    tally = archive_fuzz.fuzz(FILES, archive_fuzz.Tally(), str(tmp_path))
    assert sum(tally.files.values()) >= FILES - 3
    # The fuzzer reaches every reader with files they accept and files they refuse.
    for reader in ("read", "load", "resume", "command line"):
        assert tally.outcomes[f"{reader}: read"] > 0, json.dumps(tally.outcomes)
        assert tally.outcomes[f"{reader}: refused"] > 0, json.dumps(tally.outcomes)
