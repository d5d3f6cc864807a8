"""Hypothesis strategies for the archive fuzzer (archive_fuzz.py): archives generated entry by
entry, valid runs mutated in their bytes and zip fields, and valid runs whose states have the
wrong form.
"""

from __future__ import annotations

import copy
import json
import struct
import zipfile

import numpy as np
from hypothesis import strategies as st

from chainrule import checkpoint
from chainrule.checkpoint import archive
from tests.reliability.archives import meta_npy, npy, seal, sealed_zip

METHODS = [zipfile.ZIP_STORED] * 4 + [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
NAMES = ["__meta__", "model/0.weight", "model/0.bias", "extra/random", "optimizer/state/0/x"]


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
