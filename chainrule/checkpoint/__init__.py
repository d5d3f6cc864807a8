"""Checkpoints: a model's, an optimizer's and a scheduler's state in one checked ``.npz`` file.

Arrays sit under prefixed keys (``model/fc1.weight``, ``optimizer/state/0/exp_avg``); one
``__meta__`` entry holds UTF-8 JSON with the format, the structure around the arrays and a
SHA-256 over arrays and metadata. The archive's comment holds a SHA-256 of every byte before it,
so a truncated or bit-flipped file is refused. Writes are atomic; nothing is ever unpickled.
"""

from __future__ import annotations

import json

import numpy as np

from chainrule.checkpoint.archive import (
    FORMAT,
    VERSION,
    CheckpointError,
    read_sealed,
    sealed_archive,
)
from chainrule.checkpoint.encoding import META_KEY, array_names, content_digest, decode, encode
from chainrule.checkpoint.entries import Entries
from chainrule.files import write_atomically

PARTS = ("model", "optimizer", "scheduler", "extra")


def save(path, model=None, optimizer=None, scheduler=None, extra=None):
    """Write the state of ``model``, ``optimizer`` and ``scheduler`` and ``extra`` to ``path``.

    The file is replaced atomically: it is written to a temporary file beside ``path``, flushed
    to disk, then renamed over ``path``, so a crash leaves either the old file or the new one.

    Args:
        path: where to write (written as given; no suffix is added).
        model, optimizer, scheduler: objects with ``state_dict()``, or None.
        extra: JSON-like values to keep with them (epoch, step, random-generator state); dicts,
            lists, tuples, numbers, strings, None and NumPy arrays.

    Raises:
        CheckpointError: a value that cannot be stored (a function, an object array), or the
            file cannot be written.

    Example:
        >>> import tempfile, os, chainrule.checkpoint as ckpt
        >>> path = os.path.join(tempfile.mkdtemp(), "run.npz")
        >>> ckpt.save(path, extra={"epoch": 3})
        >>> ckpt.load(path)
        {'epoch': 3}
    """
    parts = {"model": model, "optimizer": optimizer, "scheduler": scheduler}
    states = {name: part.state_dict() for name, part in parts.items() if part is not None}
    if extra is not None:
        states["extra"] = extra
    arrays = {}
    try:
        structure = {name: encode(state, name, arrays) for name, state in states.items()}
    except (TypeError, ValueError) as error:
        raise CheckpointError(path, f"cannot store {error}") from None
    meta = {"format": FORMAT, "version": VERSION, "parts": structure}
    meta["sha256"] = content_digest(meta, arrays)
    arrays[META_KEY] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    try:
        write_atomically(path, sealed_archive(arrays))
    except OSError as error:
        raise CheckpointError(path, f"cannot write: {error.strerror or error}") from None


def load(path, model=None, optimizer=None, scheduler=None):
    """Read ``path``, check it, restore the given objects' state and return the ``extra``.

    The whole file is checked before anything is restored: its seal (truncation, flipped bits),
    format and version, the checksum over arrays and metadata, and that the model's parameter
    names and shapes match. Object (pickle) arrays are refused unread. Restoring is all or
    nothing: if the optimizer or scheduler refuses its state, the model gets its own back.

    Args:
        path: a file written by :func:`save`.
        model, optimizer, scheduler: objects with ``load_state_dict()`` to restore, or None.

    Returns:
        The ``extra`` given to :func:`save` (tuples come back as tuples), or None.

    Raises:
        CheckpointError: the file is missing, truncated, corrupted, of another format or
            version, holds an object array, lacks a requested part, or does not fit the model.
    """
    states = read(path)
    wanted = {"model": model, "optimizer": optimizer, "scheduler": scheduler}
    for name, part in wanted.items():
        if part is not None and name not in states:
            raise CheckpointError(path, f"holds no {name} state (it has: {_listing(states)})")
    if model is not None:
        _check_fits(path, states["model"], model.state_dict())
    _restore_all(path, {name: part for name, part in wanted.items() if part is not None}, states)
    return states.get("extra")


def read(path):
    """The checked states in ``path``: a dict with any of "model", "optimizer", "scheduler",
    "extra", each as its ``state_dict()`` was when saved.

    The file is checked whole before anything is taken from it: that it is a regular file, its
    seal, its format and version, the form of its metadata, that its entries are exactly the
    arrays the metadata names (at most 65,536, all stored uncompressed, each header agreeing
    with its size), and the checksum over arrays and metadata. Memory is bounded by the file's
    size: nothing is inflated, and no header is believed before its bytes are counted.

    Raises:
        CheckpointError: as :func:`load`; every way a file can be wrong raises it.

    Example:
        >>> import tempfile, os, chainrule.checkpoint as ckpt
        >>> path = os.path.join(tempfile.mkdtemp(), "run.npz")
        >>> ckpt.save(path, extra={"step": 7})
        >>> ckpt.read(path)
        {'extra': {'step': 7}}
    """
    entries = Entries(path, read_sealed(path))
    meta, names = _read_meta(path, entries)
    entries.require_exactly(names | {META_KEY})
    arrays = {name: entries.array(name) for name in sorted(names)}
    if meta["sha256"] != content_digest(meta, arrays):
        raise CheckpointError(
            path,
            "is corrupted: the checksum over its arrays and metadata "
            "does not match (it was changed after it was written)",
        )
    return {name: decode(value, arrays) for name, value in meta["parts"].items()}


_META_KEYS = {"format", "version", "parts", "sha256"}


def _read_meta(path, entries):
    # The metadata, once it is known to be this format and version, of the form save writes;
    # and the names of the arrays it refers to.
    try:
        meta = json.loads(entries.meta_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CheckpointError(path, "has a __meta__ entry that is not UTF-8 JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise CheckpointError(
            path, f"is not a chainrule checkpoint (format {found!r:.60}, expected {FORMAT!r})"
        )
    if meta.get("version") != VERSION:
        raise CheckpointError(
            path,
            f"has format version {meta.get('version')!r:.60}; this chainrule "
            f"reads version {VERSION} (written by another chainrule version?)",
        )
    parts = meta.get("parts")
    if set(meta) != _META_KEYS or not isinstance(meta["sha256"], str):
        raise CheckpointError(path, f"has malformed metadata (entries {sorted(meta)!r:.80})")
    if not isinstance(parts, dict) or not set(parts) <= set(PARTS):
        raise CheckpointError(path, f"has malformed metadata (parts {parts!r:.80})")
    try:
        return meta, array_names(list(parts.values()))
    except ValueError as error:
        raise CheckpointError(path, f"has malformed metadata: {error}") from None


def _check_fits(path, saved, current):
    if not isinstance(saved, dict) or not all(isinstance(v, np.ndarray) for v in saved.values()):
        raise CheckpointError(path, "holds a model state that is not a dict of named arrays")
    problems = []
    missing = [key for key in current if key not in saved]
    unexpected = [str(key) for key in saved if key not in current]
    if missing:
        problems.append(f"missing from the checkpoint: {', '.join(missing)}")
    if unexpected:
        problems.append(f"not in the model: {', '.join(unexpected)}")
    if problems:
        raise CheckpointError(path, "does not fit the model: " + "; ".join(problems))
    for key, value in current.items():
        if np.shape(saved[key]) != np.shape(value):
            raise CheckpointError(
                path,
                f"does not fit the model: {key!r} has shape "
                f"{np.shape(saved[key])} in the checkpoint but "
                f"{np.shape(value)} in the model",
            )


def _restore_all(path, parts, states):
    # All or nothing: when one part refuses its state, it and the parts before it go back.
    restored = []
    try:
        for name, part in parts.items():
            restored.append((part, part.state_dict()))
            try:
                part.load_state_dict(states[name])
            # A state from the file can fail a part's own checks in any way (a missing key, a
            # list for a dict, a generator state NumPy refuses): each means it does not fit.
            except Exception as error:  # noqa: BLE001
                problem = str(error) or type(error).__name__
                raise CheckpointError(path, f"does not fit the {name}: {problem:.300}") from None
    except BaseException:
        for part, previous in reversed(restored):
            part.load_state_dict(previous)
        raise


def _listing(states):
    return ", ".join(name for name in PARTS if name in states) or "nothing"


__all__ = ["CheckpointError", "save", "load", "read"]
