"""A checkpoint's file: a zip archive of .npy members (an .npz) sealed by a SHA-256 of its bytes
in the archive comment, read without pickle; and the error for files that cannot be written or
read. Files are written with :func:`chainrule.atomic_write.write_atomically`.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import zipfile

import numpy as np

from chainrule.checkpoint.encoding import META_KEY

FORMAT = "chainrule-checkpoint"
VERSION = 1
# The archive comment: this tag and the hex SHA-256 of every byte of the file before the tag.
SEAL_TAG = b"chainrule-sha256:"
SEAL_SIZE = len(SEAL_TAG) + 64
# A fixed timestamp makes the same state give the same bytes.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class CheckpointError(Exception):
    """A checkpoint that cannot be written or read as asked; the message names file and cause."""

    def __init__(self, path, problem):
        super().__init__(f"checkpoint {os.fspath(path)}: {problem}")
        self.path = os.fspath(path)
        self.problem = problem


def sealed_archive(arrays):
    """The bytes of an .npz archive of ``arrays`` whose comment is the seal: SEAL_TAG and the
    hex SHA-256 of every byte before it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for key, array in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=ZIP_EPOCH)
            with archive.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)
        archive.comment = bytes(SEAL_SIZE)
    body = buffer.getvalue()[:-SEAL_SIZE]
    return body + SEAL_TAG + hashlib.sha256(body).hexdigest().encode()


def open_sealed(path):
    """The archive in ``path`` (a NumPy NpzFile) once its seal matches its bytes."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise CheckpointError(path, f"cannot read: {error.strerror or error}") from None
    if not data:
        raise CheckpointError(path, "is empty (0 bytes)")
    body, seal = data[:-SEAL_SIZE], data[-SEAL_SIZE:]
    if not seal.startswith(SEAL_TAG):
        raise CheckpointError(path, _unsealed_problem(data))
    if hashlib.sha256(body).hexdigest().encode() != seal[len(SEAL_TAG) :]:
        raise CheckpointError(
            path,
            "is corrupted: its SHA-256 does not match its bytes (it was "
            "changed or damaged after it was written)",
        )
    try:
        return np.load(io.BytesIO(data), allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise CheckpointError(path, f"is not a readable .npz archive ({error})") from None


def _unsealed_problem(data):
    if not data.startswith(b"PK"):
        return "is not a chainrule checkpoint (not an .npz archive)"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "is truncated or damaged (its end is missing or unreadable)"
    if f"{META_KEY}.npy" not in names:
        return "is not a chainrule checkpoint (an .npz archive without a __meta__ entry)"
    return "is damaged or was rewritten: the integrity seal at its end is missing"


def read_meta(path, archive):
    """The JSON metadata of ``archive``, once it is known to be of this format and version."""
    if META_KEY not in archive.files:
        raise CheckpointError(path, "is not a chainrule checkpoint (no __meta__ entry)")
    raw = read_array(path, archive, META_KEY)
    try:
        meta = json.loads(raw.astype(np.uint8).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise CheckpointError(path, "has a __meta__ entry that is not UTF-8 JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise CheckpointError(
            path, f"is not a chainrule checkpoint (format {found!r}, expected {FORMAT!r})"
        )
    if meta.get("version") != VERSION:
        raise CheckpointError(
            path,
            f"has format version {meta.get('version')!r}; this chainrule "
            f"reads version {VERSION} (written by another chainrule version?)",
        )
    return meta


def read_array(path, archive, key):
    """The array ``key`` of ``archive``; object (pickle) arrays are refused unread, and so is an
    array whose header claims more (or less) data than its entry holds."""
    _check_claimed_size(path, archive, key)
    try:
        return archive[key]
    except MemoryError:
        raise CheckpointError(path, f"has an array {key!r} too large to load here") from None
    except ValueError as error:
        if "allow_pickle" in str(error):
            raise CheckpointError(
                path,
                f"holds an object array {key!r}, which only pickle can "
                "read and which could run code; refused",
            ) from None
        raise CheckpointError(path, f"has an unreadable array {key!r} ({error})") from None
    except (OSError, EOFError, zipfile.BadZipFile) as error:
        raise CheckpointError(path, f"has an unreadable array {key!r} ({error})") from None


_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}


def _check_claimed_size(path, archive, key):
    # NumPy allocates the shape a .npy header claims before it reads a byte, so a forged header
    # (10¹³ values: the seal is no secret) would be a MemoryError. Shape × itemsize must be the
    # bytes the entry holds after its header.
    member_name = f"{key}.npy"
    if member_name not in archive.zip.namelist():
        return  # not a .npy entry: NumPy reads it as bytes
    info = archive.zip.getinfo(member_name)
    try:
        with archive.zip.open(info) as member:
            if member.read(6) != np.lib.format.MAGIC_PREFIX:
                return  # not a .npy entry: NumPy reads it as bytes
            version = tuple(member.read(2))
            if version not in _HEADER_READERS:
                raise ValueError(f".npy format version {version} is not one chainrule writes")
            shape, _, dtype = _HEADER_READERS[version](member)
            held = info.file_size - member.tell()
    except (OSError, EOFError, ValueError, zipfile.BadZipFile) as error:
        raise CheckpointError(path, f"has an unreadable array {key!r} ({error})") from None
    claimed = math.prod(shape) * dtype.itemsize
    if not dtype.hasobject and claimed != held:
        raise CheckpointError(
            path,
            f"has an array {key!r} whose header claims shape {shape} of {dtype} ({claimed} "
            f"bytes) but whose entry holds {held} bytes; refused unread",
        )


__all__ = [
    "FORMAT",
    "VERSION",
    "SEAL_TAG",
    "SEAL_SIZE",
    "CheckpointError",
    "sealed_archive",
    "open_sealed",
    "read_meta",
    "read_array",
]
