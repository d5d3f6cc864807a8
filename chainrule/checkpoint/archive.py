"""A checkpoint's file: a zip archive of .npy members (an .npz) sealed by a SHA-256 of its bytes
in the archive comment; its bytes read only from a regular file and only once the seal matches;
and the error for files that cannot be written or read.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile

import numpy as np

from chainrule.checkpoint.encoding import META_KEY
from chainrule.files import open_regular

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


def read_sealed(path):
    """The bytes of the file ``path`` once its seal matches them. Anything but a regular file
    (a FIFO would block, ``/dev/zero`` never ends) is refused before it is read."""
    try:
        with open_regular(path) as file:
            data = file.read()
    except OSError as error:
        raise CheckpointError(path, f"cannot read: {error.strerror or error}") from None
    except MemoryError:
        raise CheckpointError(path, "cannot read: it is larger than the memory free") from None
    if not data:
        raise CheckpointError(path, "is empty (0 bytes)")
    seal = data[-SEAL_SIZE:]
    if not seal.startswith(SEAL_TAG):
        raise CheckpointError(path, _unsealed_problem(data))
    # A view, not a slice: the file's bytes are held once however large it is.
    body = memoryview(data)[:-SEAL_SIZE]
    if hashlib.sha256(body).hexdigest().encode() != seal[len(SEAL_TAG) :]:
        raise CheckpointError(
            path,
            "is corrupted: its SHA-256 does not match its bytes (it was "
            "changed or damaged after it was written)",
        )
    return data


# A zip archive ends with this record, after at most 64 KiB of comment.
_END_OF_ZIP = b"PK\x05\x06"


def _unsealed_problem(data):
    # A diagnosis from the bytes alone: parsing a file that is no checkpoint could cost anything.
    if not data.startswith(b"PK"):
        return "is not a chainrule checkpoint (not an .npz archive)"
    if _END_OF_ZIP not in data[-(SEAL_SIZE + 22 + 65_535) :]:
        return "is truncated or damaged (its end is missing or unreadable)"
    if f"{META_KEY}.npy".encode() not in data:
        return "is not a chainrule checkpoint (an .npz archive without a __meta__ entry)"
    return "is damaged or was rewritten: the integrity seal at its end is missing"


__all__ = [
    "FORMAT",
    "VERSION",
    "SEAL_TAG",
    "SEAL_SIZE",
    "CheckpointError",
    "read_sealed",
    "sealed_archive",
]
