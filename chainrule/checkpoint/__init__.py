"""Checkpoints: a model's, an optimizer's and a scheduler's state in one checked ``.npz`` file.

Arrays sit under prefixed keys (``model/fc1.weight``, ``optimizer/state/0/exp_avg``); one
``__meta__`` entry holds UTF-8 JSON with the format, the structure around the arrays and a
SHA-256 over arrays and metadata. The archive's comment holds a SHA-256 of every byte before it,
so a truncated or bit-flipped file is refused. Writes are atomic; nothing is ever unpickled.
"""

from __future__ import annotations

import json

import numpy as np

from chainrule.atomic_write import write_atomically
from chainrule.checkpoint.archive import (
    FORMAT,
    VERSION,
    CheckpointError,
    open_sealed,
    read_array,
    read_meta,
    sealed_archive,
)
from chainrule.checkpoint.encoding import META_KEY, content_digest, decode, encode

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

    Raises:
        CheckpointError: as :func:`load`.
    """
    with open_sealed(path) as archive:
        meta = read_meta(path, archive)
        arrays = {key: read_array(path, archive, key) for key in archive.files if key != META_KEY}
    if meta.get("sha256") != content_digest(meta, arrays):
        raise CheckpointError(
            path,
            "is corrupted: the checksum over its arrays and metadata "
            "does not match (it was changed after it was written)",
        )
    try:
        return {name: decode(value, arrays) for name, value in meta["parts"].items()}
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(path, f"has malformed metadata ({error!r})") from None


def _check_fits(path, saved, current):
    problems = []
    missing = [key for key in current if key not in saved]
    unexpected = [key for key in saved if key not in current]
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
    # All or nothing: when one part refuses its state, the parts restored before it go back.
    restored = []
    try:
        for name, part in parts.items():
            previous = part.state_dict()
            try:
                part.load_state_dict(states[name])
            except (KeyError, TypeError, ValueError) as error:
                raise CheckpointError(path, f"does not fit the {name}: {error}") from None
            restored.append((part, previous))
    except BaseException:
        for part, previous in reversed(restored):
            part.load_state_dict(previous)
        raise


def _listing(states):
    return ", ".join(name for name in PARTS if name in states) or "nothing"


__all__ = ["CheckpointError", "save", "load", "read"]
