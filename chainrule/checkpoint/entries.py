"""The entries of a sealed checkpoint, read within bounds: their number capped before the zip is
parsed, each a stored (uncompressed) .npy whose header must agree with its size, and none read
that the metadata does not name.
"""

from __future__ import annotations

import contextlib
import io
import math
import struct
import zipfile

import numpy as np

from chainrule.checkpoint.archive import SEAL_SIZE, CheckpointError
from chainrule.checkpoint.encoding import META_KEY

# A model's state, its optimizer's (a few arrays per parameter) and a schedule's: thousands of
# arrays at most. The cap is checked in the zip's end record, before its directory is parsed.
MAX_ENTRIES = 65_536
# The metadata is JSON text, parsed whole: its size bounds the memory the parse takes.
MAX_META_BYTES = 32 << 20

_END_SIZE = 22  # the zip end record, without its comment (which is the seal)
_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}


class Entries:
    """The ``.npy`` entries of an archive whose seal matched, listed once by name (without
    ``.npy``), each read on demand."""

    def __init__(self, path, data):
        self.path = path
        count = _declared_count(path, data)
        if count > MAX_ENTRIES:
            raise CheckpointError(
                path,
                f"has {count:,} entries, more than the {MAX_ENTRIES:,} a checkpoint may "
                "hold; refused unread",
            )
        with _failures_as(path, "is not a readable zip archive"):
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        self._infos = {}
        for info in infos:
            key = _checked_name(path, info)
            if key in self._infos:
                raise CheckpointError(path, f"holds two entries named {info.filename[:80]!r}")
            self._infos[key] = info

    def require_exactly(self, keys):
        """Refuse an archive whose entries are not exactly ``keys``, before reading any."""
        unexpected = sorted(self._infos.keys() - keys)
        missing = sorted(keys - self._infos.keys())
        if unexpected:
            raise CheckpointError(
                self.path,
                f"holds entries that its metadata does not name ({_few(unexpected)}); "
                "refused unread",
            )
        if missing:
            raise CheckpointError(self.path, f"lacks arrays its metadata names ({_few(missing)})")

    def meta_bytes(self):
        """The bytes of the metadata entry: a 1-d uint8 array of at most MAX_META_BYTES."""
        if META_KEY not in self._infos:
            raise CheckpointError(self.path, "is not a chainrule checkpoint (no __meta__ entry)")
        if self._infos[META_KEY].file_size > MAX_META_BYTES:
            raise CheckpointError(
                self.path,
                f"has a __meta__ entry larger than {MAX_META_BYTES >> 20} MiB; refused unread",
            )
        meta = self.array(META_KEY)
        if meta.dtype != np.uint8 or meta.ndim != 1:
            raise CheckpointError(self.path, "has a __meta__ entry that is not UTF-8 JSON")
        return meta.tobytes()

    def array(self, key):
        """The array of entry ``key``, once its header's shape × itemsize is the size of the
        bytes that follow it; object (pickle) arrays are refused unread."""
        info = self._infos[key]
        with _failures_as(self.path, f"has an unreadable array {key!r}"):
            with self._zip.open(info) as member:
                shape, fortran, dtype = _header(self.path, key, member)
                size = math.prod(shape) * dtype.itemsize
                held = info.file_size - member.tell()
                if size != held:
                    raise CheckpointError(
                        self.path,
                        f"has an array {key!r} whose header claims shape {shape} "
                        f"of {dtype} ({size:,} bytes) but whose entry holds {held:,} bytes; "
                        "refused unread",
                    )
                raw = member.read(size)
            flat = np.frombuffer(raw, dtype=dtype)
            return flat.reshape(shape, order="F" if fortran else "C").copy(order="K")


def _declared_count(path, data):
    # The end record sits just before the seal (save writes no other comment); a zip64 one is
    # found through the locator before it. Parsing the directory costs memory per entry.
    end = data[-SEAL_SIZE - _END_SIZE : -SEAL_SIZE]
    if (
        len(end) != _END_SIZE
        or end[:4] != b"PK\x05\x06"
        or end[20:] != struct.pack("<H", SEAL_SIZE)
    ):
        raise CheckpointError(path, "is not a zip archive as chainrule writes them (no end record)")
    count = struct.unpack("<H", end[10:12])[0]
    if count != 0xFFFF:
        return count
    locator = data[-SEAL_SIZE - _END_SIZE - 20 : -SEAL_SIZE - _END_SIZE]
    if len(locator) != 20 or locator[:4] != b"PK\x06\x07":
        raise CheckpointError(path, "is a damaged zip archive (its zip64 locator is missing)")
    offset = struct.unpack("<Q", locator[8:16])[0]
    record = data[offset : offset + 56]
    if len(record) != 56 or record[:4] != b"PK\x06\x06":
        raise CheckpointError(path, "is a damaged zip archive (its zip64 end record is missing)")
    return struct.unpack("<Q", record[32:40])[0]


def _checked_name(path, info):
    name = info.filename
    if not name.endswith(".npy"):
        raise CheckpointError(path, f"holds an entry {name[:80]!r} that is not a .npy array")
    if info.flag_bits & 0x1:
        raise CheckpointError(path, f"holds an encrypted entry {name[:80]!r}")
    if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
        raise CheckpointError(
            path,
            f"holds a compressed entry {name[:80]!r} ({_method(info.compress_type)}); "
            "chainrule writes checkpoints uncompressed, so it is refused before it is inflated",
        )
    return name[: -len(".npy")]


def _method(number):
    names = {zipfile.ZIP_DEFLATED: "deflate", zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma"}
    return names.get(number, f"zip method {number}")


def _header(path, key, member):
    if member.read(6) != np.lib.format.MAGIC_PREFIX:
        raise CheckpointError(path, f"has an entry {key!r} that is not a .npy array")
    version = tuple(member.read(2))
    if version not in _HEADER_READERS:
        raise CheckpointError(path, f"has an array {key!r} in .npy version {version}, unknown")
    shape, fortran, dtype = _HEADER_READERS[version](member)
    if dtype.hasobject:
        raise CheckpointError(
            path,
            f"holds an object array {key!r}, which only pickle can read and which could "
            "run code; refused",
        )
    if dtype.itemsize == 0 or any(side < 0 for side in shape):
        raise CheckpointError(path, f"has an array {key!r} of dtype {dtype}, shape {shape}")
    return shape, fortran, dtype


@contextlib.contextmanager
def _failures_as(path, problem):
    # zipfile and NumPy's header reader meet bytes that anyone can write (the seal is no
    # secret) and fail in many ways (BadZipFile, struct.error, ValueError, EOFError,
    # SyntaxError, MemoryError, ...): each means the file is damaged, so each is one error.
    try:
        yield
    except CheckpointError:
        raise
    except Exception as error:  # noqa: BLE001
        raise CheckpointError(path, f"{problem} ({type(error).__name__}: {error})") from None


def _few(names, shown=3):
    listed = ", ".join(repr(name[:60]) for name in names[:shown])
    return listed + (f" and {len(names) - shown:,} more" if len(names) > shown else "")


__all__ = ["MAX_ENTRIES", "MAX_META_BYTES", "Entries"]
