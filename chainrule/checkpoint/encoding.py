"""A checkpoint's content: nested states (dicts of arrays, numbers, tuples) as a JSON structure
plus named arrays, back again, and the checksum over both.
"""

from __future__ import annotations

import hashlib
import json
import math
import reprlib

import numpy as np

from chainrule.tensor import Tensor

# The name of the entry that holds the JSON metadata; no array may take it.
META_KEY = "__meta__"
# Deeper structures are refused when read: states nest a few levels, and decoding recurses.
MAX_NESTING = 64


def encode(value, key, arrays):
    """The JSON structure of ``value``; its arrays go into ``arrays`` under names from ``key``.

    Dicts, tuples, non-finite floats, arrays and NumPy scalars become one-entry tagged dicts
    (``{"items": [[key, value], ...]}``, ``{"tuple": [...]}``, ``{"float": "nan"}``,
    ``{"array": name}``, ``{"scalar": name}``), so that :func:`decode` gives back the same
    types: integer dict keys stay integers, tuples stay tuples.

    Raises:
        TypeError: a value of another type (a function, say), naming where it is.
        ValueError: an object array, which only pickle could store.
    """
    if isinstance(value, Tensor):
        value = value.numpy()
    if isinstance(value, (np.ndarray, np.generic)):
        return {"scalar" if isinstance(value, np.generic) else "array": _store(value, key, arrays)}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, (list, tuple)):
        items = [encode(item, f"{key}/{i}", arrays) for i, item in enumerate(value)]
        return items if isinstance(value, list) else {"tuple": items}
    if isinstance(value, dict):
        if not all(isinstance(k, (str, int)) and not isinstance(k, bool) for k in value):
            raise TypeError(f"{key}: dict keys must be strings or integers")
        return {"items": [[k, encode(v, f"{key}/{k}", arrays)] for k, v in value.items()]}
    raise TypeError(
        f"{key}: a {type(value).__name__} (only arrays, numbers, strings, None, "
        "lists, tuples and dicts can be stored)"
    )


def _store(value, key, arrays, reserved=META_KEY):
    array = np.asarray(value)
    if array.dtype.hasobject:
        raise ValueError(f"{key}: an object array (it could only be stored by pickling)")
    name, count = key, 1
    while name in arrays or name == reserved:
        count += 1
        name = f"{key}#{count}"
    # ascontiguousarray would turn a 0-d array into a 1-d one.
    arrays[name] = np.array(array, order="C", copy=True)
    return name


def decode(value, arrays):
    """The value that :func:`encode` turned into ``value``, its arrays taken from ``arrays``."""
    if isinstance(value, list):
        return [decode(item, arrays) for item in value]
    if not isinstance(value, dict):
        return value
    ((tag, content),) = value.items()
    if tag == "array":
        return arrays[content]
    if tag == "scalar":
        return arrays[content][()]
    if tag == "float":
        return float(content)
    if tag == "tuple":
        return tuple(decode(item, arrays) for item in content)
    if tag == "items":
        return {k: decode(v, arrays) for k, v in content}
    raise ValueError(f"unknown entry {tag!r}")


def array_names(value, depth=0):
    """The names of the arrays that a structure written by :func:`encode` refers to.

    Raises:
        ValueError: ``value`` is not such a structure (an unknown tag, a tag with content of
            the wrong type, dict keys other than strings and integers, too deep a nesting).

    Example:
        >>> from chainrule.checkpoint.encoding import array_names
        >>> sorted(array_names({"items": [["w", {"array": "model/w"}], ["n", [1, 2.5]]]}))
        ['model/w']
    """
    if depth > MAX_NESTING:
        raise ValueError(f"it nests more than {MAX_NESTING} levels deep")
    if value is None or isinstance(value, (bool, int, float, str)):
        return set()
    if isinstance(value, list):
        return set().union(*(array_names(item, depth + 1) for item in value))
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError(f"an entry of no known form: {_shown(value)}")
    ((tag, content),) = value.items()
    if tag in ("array", "scalar") and isinstance(content, str):
        return {content}
    if tag == "float" and isinstance(content, str) and _is_float(content):
        return set()
    if tag == "tuple" and isinstance(content, list):
        return array_names(content, depth + 1)
    if tag == "items" and isinstance(content, list) and all(map(_is_item, content)):
        return set().union(*(array_names(item[1], depth + 1) for item in content))
    raise ValueError(f"an entry of no known form: {_shown(value)}")


def _is_float(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_item(item):
    return (
        isinstance(item, list)
        and len(item) == 2
        and isinstance(item[0], (str, int))
        and not isinstance(item[0], bool)
    )


def _shown(value):
    return reprlib.repr(value)  # bounded in depth and length, whatever the file holds


def content_digest(meta, arrays):
    """SHA-256 over the metadata (without its own "sha256" entry) and every array's name,
    dtype, shape and bytes."""
    digest = hashlib.sha256()
    body = {k: v for k, v in meta.items() if k != "sha256"}
    digest.update(json.dumps(body, sort_keys=True).encode())
    for key in sorted(arrays):
        array = arrays[key]
        digest.update(f"\0{key}\0{array.dtype.str}\0{array.shape}\0".encode())
        digest.update(array.tobytes(order="C"))
    return digest.hexdigest()


__all__ = ["META_KEY", "MAX_NESTING", "array_names", "encode", "decode", "content_digest"]
