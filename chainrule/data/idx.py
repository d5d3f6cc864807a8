"""The IDX file format of MNIST and Fashion-MNIST: reading (plain or gzipped) and writing.

An IDX file is a 4-byte magic number (two zero bytes, a dtype code, the number of dimensions),
one big-endian uint32 per dimension, then the values in C order, big-endian.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib

import numpy as np

from chainrule.data.cache import write_atomic
from chainrule.files import open_regular

_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dtype.newbyteorder("="): code for code, dtype in _DTYPES.items()}
_GZIP_MAGIC = b"\x1f\x8b"
_LONGEST_HEADER = 4 + 4 * 255
_CHUNK = 1 << 20
# The most bytes an IDX file may hold once inflated: MNIST's largest file holds 47 MB. A header
# claiming more is refused before anything is inflated or allocated.
MAX_IDX_BYTES = 1 << 32


def read_idx(path, max_bytes=MAX_IDX_BYTES):
    """Read an IDX file (gzipped or not) into a NumPy array of native byte order.

    Memory is bounded by what the header claims: a gzipped file is inflated only until its
    header is read, then only up to the size the header's shape gives (and never past
    ``max_bytes``); bytes beyond that are refused before they are inflated.

    Args:
        path: a regular file; gzip is recognised by its content, not its name.
        max_bytes: the most bytes the file may hold uncompressed (4 GiB).

    Returns:
        A new, writable ndarray with the file's dtype and shape.

    Raises:
        ValueError: the file is not IDX (bad magic number, unknown dtype code), is truncated,
            has bytes after the data, claims more than ``max_bytes``, or is a damaged gzip
            stream. The message names the file.
        OSError: the file cannot be read, or is not a regular file (a FIFO, a device).

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from chainrule.data import read_idx, write_idx
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = os.path.join(folder, "tiny-idx2-ubyte.gz")
        ...     write_idx(path, np.arange(6, dtype=np.uint8).reshape(2, 3))
        ...     read_idx(path)
        array([[0, 1, 2],
               [3, 4, 5]], dtype=uint8)
    """
    name = str(path)
    with open_regular(path) as file:
        compressed = file.read(2) == _GZIP_MAGIC
        file.seek(0)
        if compressed:
            raw = _inflate(file, name, max_bytes)
        elif os.fstat(file.fileno()).st_size > max_bytes:
            raise ValueError(f"{name}: the file is larger than {max_bytes:,} bytes; refused")
        else:
            raw = file.read()
    return parse_idx(raw, name=name)


def _inflate(file, name, max_bytes):
    # Inflate only as far as the header's shape says the file goes (its header first), so that
    # a few kilobytes inflating to gigabytes cost no more than the bytes the header claims.
    out, pending, limit = bytearray(), b"", _LONGEST_HEADER
    decompressor, fed = zlib.decompressobj(wbits=31), False
    while pending or (pending := file.read(_CHUNK)):
        try:
            out += decompressor.decompress(pending, limit + 1 - len(out))
        except zlib.error as exc:
            raise ValueError(f"{name}: damaged gzip file ({exc}); download it again") from None
        pending, fed = decompressor.unconsumed_tail, True
        if limit == _LONGEST_HEADER and (claimed := _claimed_size(out, name)) is not None:
            _check_claim(out, claimed, name, max_bytes)
            limit = claimed
        if len(out) > limit:
            raise ValueError(f"{name}: {_size_problem(out, None)}; refused uninflated")
        if decompressor.eof:  # one gzip member ends; another may follow, as gzip allows
            pending, fed = decompressor.unused_data, False
            decompressor = zlib.decompressobj(wbits=31)
    if fed:
        raise ValueError(f"{name}: damaged gzip file (it ends early); download it again")
    return bytes(out)


def _claimed_size(raw, name):
    # Header and values in bytes, as the header says (Python integers: no overflow); None
    # while ``raw`` is too short to tell.
    if len(raw) < 4:
        return None
    zero, code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or code not in _DTYPES:
        raise ValueError(
            f"{name}: not an IDX file: magic number 0x{bytes(raw[:4]).hex()} should be 0x0000 "
            f"then a dtype code ({', '.join(f'0x{c:02x}' for c in _DTYPES)}) and the number "
            "of dimensions"
        )
    header = 4 + 4 * ndim
    if len(raw) < header:
        return None
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    return header + math.prod(shape) * _DTYPES[code].itemsize


def _check_claim(raw, claimed, name, max_bytes):
    if claimed > max_bytes:
        raise ValueError(
            f"{name}: the header claims {_described(raw)}: {claimed:,} bytes, more than the "
            f"{max_bytes:,} this reader accepts; refused before inflating it"
        )


def _described(raw):
    code, ndim = raw[2], raw[3]
    shape = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    return f"shape {shape} of {_DTYPES[code].newbyteorder('=')}"


def _size_problem(raw, held):
    # ``held`` None: a gzipped file inflating to more than its header claims.
    claimed = _claimed_size(raw, "")
    if held is None:
        return (
            f"extra bytes after the data: {_described(raw)} needs {claimed} bytes, the file "
            "inflates to more"
        )
    kind = "truncated IDX file" if held < claimed else "extra bytes after the data"
    return f"{kind}: {_described(raw)} needs {claimed} bytes, the file has {held}"


def parse_idx(raw, name="IDX data"):
    """Parse the bytes of an (uncompressed) IDX file; see :func:`read_idx`.

    Example:
        >>> from chainrule.data import parse_idx
        >>> parse_idx(bytes([0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9]))
        array([7, 8, 9], dtype=uint8)
    """
    if len(raw) < 4:
        raise ValueError(f"{name}: truncated IDX file: {len(raw)} bytes, shorter than its header")
    claimed = _claimed_size(raw, name)
    if claimed is None:
        raise ValueError(f"{name}: truncated IDX file: the header says {raw[3]} dimensions")
    if len(raw) != claimed:
        raise ValueError(f"{name}: {_size_problem(raw, len(raw))}")
    code, ndim = raw[2], raw[3]
    shape = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    values = np.frombuffer(raw, dtype=_DTYPES[code], offset=4 + 4 * ndim).reshape(shape)
    return values.astype(_DTYPES[code].newbyteorder("="))


def write_idx(path, array):
    """Write an array as an IDX file, gzipped when ``path`` ends in ``.gz``; atomically.

    Args:
        path: the file to write.
        array: uint8, int8, int16, int32, float32 or float64 values (other integers are stored
            in the smallest of those that holds them).

    Raises:
        TypeError: the dtype has no IDX code.

    Example:
        >>> import os, tempfile
        >>> from chainrule.data import read_idx, write_idx
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = os.path.join(folder, "labels-idx1-ubyte")
        ...     write_idx(path, [3, 1, 4])
        ...     read_idx(path).tolist()
        [3, 1, 4]
    """
    array = np.asarray(array)
    if array.dtype.kind in "iu" and array.dtype.newbyteorder("=") not in _CODES:
        array = _narrow_integers(array)
    code = _CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise TypeError(
            f"IDX has no code for dtype {array.dtype}; convert to uint8, int8, int16, int32, "
            "float32 or float64 first"
        )
    header = struct.pack(f">HBB{array.ndim}I", 0, code, array.ndim, *array.shape)
    raw = header + np.ascontiguousarray(array, dtype=_DTYPES[code]).tobytes()
    write_atomic(path, gzip.compress(raw, mtime=0) if str(path).endswith(".gz") else raw)


def _narrow_integers(array):
    # Python ints arrive as int64, which IDX cannot hold: use the smallest code that fits.
    for dtype in (np.uint8, np.int8, np.int16, np.int32):
        info = np.iinfo(dtype)
        if array.size == 0 or (array.min() >= info.min and array.max() <= info.max):
            return array.astype(dtype)
    raise TypeError(
        f"IDX integers are at most int32, but the array holds {array.min()}..{array.max()}"
    )


__all__ = ["parse_idx", "read_idx", "write_idx"]
