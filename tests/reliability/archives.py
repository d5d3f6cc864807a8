"""Crafted checkpoint files for the reliability tests: sealed archives built entry by entry (a
seal is no secret, so a hostile file passes it), bombs and archives of many entries.
"""

from __future__ import annotations

import bz2
import hashlib
import io
import json
import zipfile
import warnings
import zlib

import numpy as np

from chainrule import checkpoint
from chainrule.checkpoint import archive
from chainrule.checkpoint.encoding import content_digest

MIB = 1 << 20


def npy(array, allow_pickle=False):
    """The bytes of ``array`` as a .npy file."""
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=allow_pickle)
    return buffer.getvalue()


def seal(body):
    """``body`` (a zip archive whose comment is SEAL_SIZE bytes, cut off) with its seal."""
    return body + archive.SEAL_TAG + hashlib.sha256(body).hexdigest().encode()


def sealed_zip(entries):
    """The sealed bytes of a zip holding ``entries``: (name, bytes, zip method) triples; a name
    may repeat, a method be any that zipfile writes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of a name given twice
        for name, raw, method in entries:
            info = zipfile.ZipInfo(name, date_time=archive.ZIP_EPOCH)
            info.compress_type = method
            zipped.writestr(info, raw)
        zipped.comment = bytes(archive.SEAL_SIZE)
    return seal(buffer.getvalue()[: -archive.SEAL_SIZE])


def meta_npy(parts, arrays=None, **changes):
    """The .npy bytes of a metadata entry for ``parts`` with a right checksum over ``arrays``;
    ``changes`` overwrite entries after the checksum (to make it wrong)."""
    meta = {"format": archive.FORMAT, "version": archive.VERSION, "parts": parts}
    meta["sha256"] = content_digest(meta, arrays or {})
    meta.update(changes)
    return npy(np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))


def extra_of_arrays(arrays):
    """The metadata parts of a checkpoint whose extra is a dict of the named ``arrays``."""
    return {"extra": {"items": [[name, {"array": name}] for name in arrays]}}


def with_extra_entry(method, size, name="x.npy"):
    """A valid sealed checkpoint plus one entry its metadata does not name: ``size`` zero
    bytes compressed with ``method`` (a bomb when that is bzip2: 600 MiB take 466 bytes)."""
    meta = meta_npy({"extra": {"items": [["epoch", 1]]}})
    entries = [("__meta__.npy", meta, zipfile.ZIP_STORED)]
    if method == zipfile.ZIP_BZIP2:
        payload = _compressed_zeros(bz2.BZ2Compressor(9), size)
        return _sealed_precompressed(entries, name, payload, size, method)
    return sealed_zip(entries + [(name, bytes(size), method)])


def _compressed_zeros(compressor, size):
    chunk, out = bytes(MIB), []
    for start in range(0, size, MIB):
        out.append(compressor.compress(chunk[: min(MIB, size - start)]))
    return b"".join(out) + compressor.flush()


def _sealed_precompressed(entries, name, payload, size, method):
    # zipfile would compress the bytes itself (holding them all); here the compressed bytes of
    # ``size`` zeros are written as they are, with the sizes and CRC of what they inflate to.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for entry_name, raw, _ in entries:
            zipped.writestr(zipfile.ZipInfo(entry_name, date_time=archive.ZIP_EPOCH), raw)
        info = zipfile.ZipInfo(name, date_time=archive.ZIP_EPOCH)
        info.compress_type, info.file_size = method, size
        info.compress_size, info.CRC = len(payload), _crc_of_zeros(size)
        info.header_offset = buffer.tell()
        buffer.write(info.FileHeader(zip64=size > 0xFFFFFFFF))
        buffer.write(payload)
        zipped.filelist.append(info)
        zipped.NameToInfo[name] = info
        zipped.start_dir = buffer.tell()
        zipped.comment = bytes(archive.SEAL_SIZE)
    return seal(buffer.getvalue()[: -archive.SEAL_SIZE])


def _crc_of_zeros(size):
    crc, chunk = 0, bytes(MIB)
    for start in range(0, size, MIB):
        crc = zlib.crc32(chunk[: min(MIB, size - start)], crc)
    return crc


class Frozen:
    """A saved state given back to checkpoint.save as it is."""

    def __init__(self, state):
        self.state = state

    def state_dict(self):
        return self.state


def save_states(path, states):
    """Write ``states`` (as checkpoint.read gives them) to ``path`` with checkpoint.save."""
    parts = ("model", "optimizer", "scheduler")
    present = {name: Frozen(states[name]) for name in parts if name in states}
    checkpoint.save(path, extra=states.get("extra"), **present)


def rewritten(path, change):
    """Save the run in ``path`` again, validly sealed, after ``change(extra)``: the file a
    hostile or careless editor could make."""
    states = checkpoint.read(path)
    change(states["extra"])
    save_states(path, states)
    return path


def many_arrays(path, count):
    """A valid checkpoint at ``path`` whose extra holds ``count`` one-byte arrays."""
    arrays = {f"a{i}": np.zeros(1, np.uint8) for i in range(count)}
    checkpoint.save(path, extra=arrays)
    return path


def many_unnamed_entries(count):
    """A sealed checkpoint with ``count`` one-byte entries that its metadata does not name (the
    file of the finding: 16k of them took 5.8 s to load, 100k more than 290 s)."""
    meta = meta_npy({"extra": {"items": [["epoch", 1]]}})
    entries = [("__meta__.npy", meta, zipfile.ZIP_STORED)]
    return sealed_zip(entries + [(f"m{i}.npy", b"x", zipfile.ZIP_STORED) for i in range(count)])


def idx_bomb(values, size):
    """A gzipped IDX file whose header claims ``values`` uint8 values and which inflates to
    ``size`` bytes (zeros after the header)."""
    header = bytes([0, 0, 0x08, 1]) + values.to_bytes(4, "big")
    compressor = zlib.compressobj(9, wbits=31)
    return compressor.compress(header) + _compressed_zeros(compressor, size - len(header))
