"""The IDX file format of MNIST and Fashion-MNIST: reading (plain or gzipped) and writing.

An IDX file is a 4-byte magic number (two zero bytes, a dtype code, the number of dimensions),
one big-endian uint32 per dimension, then the values in C order, big-endian.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

from chainrule.data.cache import write_atomic

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


def read_idx(path):
    """Read an IDX file (gzipped or not) into a NumPy array of native byte order.

    Args:
        path: the file; gzip is recognised by its content, not its name.

    Returns:
        A new, writable ndarray with the file's dtype and shape.

    Raises:
        ValueError: the file is not IDX (bad magic number, unknown dtype code), is truncated,
            has bytes after the data, or is a damaged gzip stream. The message names the file.

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
    raw = Path(path).read_bytes()
    if raw.startswith(_GZIP_MAGIC):
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise ValueError(f"{path}: damaged gzip file ({exc}); download it again") from exc
    return parse_idx(raw, name=str(path))


def parse_idx(raw, name="IDX data"):
    """Parse the bytes of an (uncompressed) IDX file; see :func:`read_idx`.

    Example:
        >>> from chainrule.data import parse_idx
        >>> parse_idx(bytes([0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9]))
        array([7, 8, 9], dtype=uint8)
    """
    if len(raw) < 4:
        raise ValueError(f"{name}: truncated IDX file: {len(raw)} bytes, shorter than its header")
    zero, code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or code not in _DTYPES:
        raise ValueError(
            f"{name}: not an IDX file: magic number 0x{raw[:4].hex()} should be 0x0000 then a "
            f"dtype code ({', '.join(f'0x{c:02x}' for c in _DTYPES)}) and the number of dimensions"
        )
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{name}: truncated IDX file: the header says {ndim} dimensions")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = _DTYPES[code]
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        problem = "truncated IDX file" if len(raw) < expected else "extra bytes after the data"
        raise ValueError(
            f"{name}: {problem}: shape {shape} of {dtype.newbyteorder('=')} needs {expected} "
            f"bytes, the file has {len(raw)}"
        )
    values = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


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
