"""Where downloaded data lives and how it gets there safely: the cache folder, atomic writes,
SHA-256 checks, and fetching a file so that only a verified copy is ever left in the cache.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from pathlib import Path

from chainrule.files import atomic_writer, open_regular, write_atomically

_CHUNK = 1 << 20
_TIMEOUT_S = 60


def cache_dir(root=None):
    """The folder that holds downloaded data sets.

    ``root`` if given, else ``$CHAINRULE_DATA``, else ``$XDG_CACHE_HOME/chainrule``, else
    ``~/.cache/chainrule``. The folder is not created here.

    Example:
        >>> from chainrule.data import cache_dir
        >>> cache_dir("/tmp/my-data").as_posix()
        '/tmp/my-data'
    """
    if root is not None:
        return Path(root).expanduser()
    if os.environ.get("CHAINRULE_DATA"):
        return Path(os.environ["CHAINRULE_DATA"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "chainrule"


def sha256_of(path):
    """The SHA-256 of a file's bytes, as 64 hex digits.

    Example:
        >>> import os, tempfile
        >>> from chainrule.data import sha256_of, write_atomic
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     write_atomic(os.path.join(folder, "abc.txt"), b"abc")
        ...     sha256_of(os.path.join(folder, "abc.txt"))[:16]
        'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open_regular(path) as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_atomic(path, data):
    """Write ``data`` (bytes) to ``path`` so that readers see the old file or the whole new one.

    Missing folders are created; the rest is :func:`chainrule.files.write_atomically`: the
    bytes go to a temporary file in the same folder, are flushed to disk, and then renamed over
    ``path``; a file already there keeps its permissions, and anything but a regular file there
    (a FIFO, a device, a folder) is refused.

    Example:
        >>> import os, tempfile
        >>> from chainrule.data import write_atomic
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = os.path.join(folder, "notes", "hello.txt")
        ...     write_atomic(path, b"hello")
        ...     open(path, "rb").read()
        b'hello'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)


def fetch(url, path, sha256, opener=None):
    """Download ``url`` to ``path``, keeping it only if its SHA-256 is ``sha256``.

    Args:
        url: where to get the file (``https://``, ``http://`` or ``file://``).
        path: where to put it; its folder is created if needed.
        sha256: the expected SHA-256 in hex.
        opener: a callable ``opener(url)`` returning a readable binary file object (a
            context manager); ``urllib.request.urlopen`` with a timeout by default. Tests pass a
            fake one; a proxy or an authenticated session can be passed the same way.

    Returns:
        ``path``, as a Path.

    Raises:
        ConnectionError: the download failed (offline, server down); nothing was saved.
        ValueError: the downloaded bytes have the wrong SHA-256; nothing was saved.

    Example:
        >>> import hashlib, pathlib, tempfile
        >>> from chainrule.data import fetch
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     source = pathlib.Path(folder, "served.bin")
        ...     _ = source.write_bytes(b"data")
        ...     saved = fetch(source.as_uri(), pathlib.Path(folder, "cache", "data.bin"),
        ...                   hashlib.sha256(b"data").hexdigest())
        ...     saved.read_bytes()
        b'data'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # An exception in the block (a failed download, a wrong checksum) leaves nothing behind.
    with atomic_writer(path) as file:
        digest = hashlib.sha256()
        for chunk in _download_chunks(opener or _urlopen, url):
            digest.update(chunk)
            file.write(chunk)
        if digest.hexdigest() != sha256.lower():
            raise ValueError(
                f"the download of {url} is corrupted or not the expected file: its SHA-256 is "
                f"{digest.hexdigest()}, expected {sha256}; nothing was saved, try again later"
            )
    return path


def _urlopen(url):
    return urllib.request.urlopen(url, timeout=_TIMEOUT_S)


def _download_chunks(opener, url):
    # Only errors of the connection become ConnectionError; a full disk stays an OSError.
    try:
        with opener(url) as response:
            while chunk := response.read(_CHUNK):
                yield chunk
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ConnectionError(f"could not download {url}: {reason}") from exc


__all__ = ["cache_dir", "fetch", "sha256_of", "write_atomic"]
