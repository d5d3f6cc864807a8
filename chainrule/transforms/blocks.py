"""The blocks of a Jacobian, one per (output leaf, input leaf), from many products at once.

Reverse mode gives a block's rows eᵢᵀ·J, forward mode its columns J·eⱼ. At the top level the
rows of a chunk (all of them by default) go through ONE sweep as a :class:`Batch` of seeds.
The whole identity starts as a :class:`Diagonal` (see :mod:`factored`). Where some rule
cannot carry a batch, the sweep stops with an error and the rows are swept one at a time
instead: batching changes the speed, never the result. Inside another transform the rows are
always swept one at a time, so that each keeps the outer level's derivative; under jit alone
the batched sweep is recorded like any other, its batches being values of the trace.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import ForeignArray
from chainrule.ops import joining
from chainrule.ops import shape as shape_ops
from chainrule.primitive import nondifferentiable
from chainrule.tensor import Tensor
from chainrule.transforms import trees
from chainrule.transforms.batching.batch import Batch, Unbatchable
from chainrule.transforms.boundary import floating, is_followed, is_nested, lower, zeros_for
from chainrule.transforms.batching.factored import Diagonal, own_rows
from chainrule.transforms.products import pull, push, record


def reverse_blocks(f, primals, names, has_aux, chunk_size):
    """``(blocks, output structure, input structures, aux)``; ``blocks[k][j]`` is ∂yₖ/∂xⱼ."""
    rec = record(f, primals, names, has_aux)
    blocks = []
    for k, out in enumerate(rec.outputs):
        if out.node is None or out.size == 0:
            blocks.append([_zeros(out.shape + x.shape, x) for x in rec.inputs])
            continue
        parts = rows(
            out.size,
            [x.shape for x in rec.inputs],
            chunk_size,
            rec.nested or _foreign(rec.inputs),
            lambda start, stop, k=k: _pull_batch(rec, k, start, stop),
            lambda i, k=k: _pull_row(rec, k, i),
        )
        blocks.append([_reshape(p, out.shape + x.shape) for p, x in zip(parts, rec.inputs)])
    return blocks, rec.out_structure, rec.structures, rec.aux


def _pull_row(rec, k, i):
    seeds = [None] * len(rec.outputs)
    seeds[k] = _unit(rec.outputs[k], i)
    return [
        zeros_for(x) if g is None else lower(g, rec.followed)
        for g, x in zip(pull(rec, seeds), rec.inputs)
    ]


def _pull_batch(rec, k, start, stop):
    out = rec.outputs[k]
    seeds = [None] * len(rec.outputs)
    seeds[k] = _units(out, start, stop)
    return [
        _rows_of(g, stop - start, x.shape, x.dtype) for g, x in zip(pull(rec, seeds), rec.inputs)
    ]


class _Pushes:
    """Forward passes of one function at one point; remembers the outputs of the first."""

    def __init__(self, f, primals, names, has_aux, count, leaves):
        self.f, self.primals, self.names, self.has_aux = f, primals, names, has_aux
        self.count, self.nested = count, is_nested(leaves)
        self.followed = is_followed(leaves, self.nested)
        self.outputs = self.out_structure = self.aux = None

    def __call__(self, j=None, tangent=None):
        tangents = [None] * self.count
        if j is not None:
            tangents[j] = tangent
        outputs, structure, out_dots, aux = push(
            self.f, self.primals, tangents, self.names, self.has_aux, self.followed
        )
        if self.outputs is None:
            self.outputs, self.out_structure, self.aux = outputs, structure, aux
        return out_dots


def forward_blocks(f, primals, names, has_aux, chunk_size):
    """As :func:`reverse_blocks`, by pushing tangents: one forward pass per input entry."""
    flat = [trees.flatten(p, name) for p, name in zip(primals, names)]
    leaves = [floating(v, path) for vs, _, paths in flat for v, path in zip(vs, paths)]
    pushes = _Pushes(f, primals, names, has_aux, len(leaves), leaves)
    columns = [_forward_columns(pushes, leaves, j, chunk_size) for j in range(len(leaves))]
    if pushes.outputs is None:  # no input entries: f still runs once, for its outputs
        pushes()
    blocks = [
        [_columns_to_block(columns[j], k, o, x) for j, x in enumerate(leaves)]
        for k, o in enumerate(pushes.outputs)
    ]
    return blocks, pushes.out_structure, [s for _, s, _ in flat], pushes.aux


def _forward_columns(pushes, leaves, j, chunk_size):
    """Per output, the columns for input leaf j stacked first; None for an empty leaf."""
    if not leaves[j].size:
        return None
    return rows(
        leaves[j].size,
        lambda: [o.shape for o in pushes.outputs],  # known once f has run
        chunk_size,
        pushes.nested or _foreign(leaves),
        lambda start, stop: _push_batch(pushes, leaves, j, start, stop),
        lambda i: _push_row(pushes, leaves, j, i),
    )


def _push_row(pushes, leaves, j, i):
    out_dots = pushes(j, _unit(leaves[j], i))
    return [
        zeros_for(o) if d is None else lower(d, pushes.followed)
        for d, o in zip(out_dots, pushes.outputs)
    ]


def _push_batch(pushes, leaves, j, start, stop):
    out_dots = pushes(j, _units(leaves[j], start, stop))
    return [_rows_of(d, stop - start, o.shape, o.dtype) for d, o in zip(out_dots, pushes.outputs)]


def _columns_to_block(columns, k, out, x):
    """Block (k, j) from leaf j's columns: ``out.shape + x.shape``, the input axes last."""
    full_shape = out.shape + x.shape
    if columns is None:
        return _zeros(full_shape, out)
    if isinstance(columns[k], Tensor):
        return shape_ops.reshape(shape_ops.moveaxis(columns[k], 0, -1), full_shape)
    return np.moveaxis(columns[k], 0, -1).reshape(full_shape)


def _reshape(rows_array, shape):
    if isinstance(rows_array, Tensor):
        return shape_ops.reshape(rows_array, shape)
    return rows_array.reshape(shape)


# --- rows in chunks: batched where possible, one by one otherwise ----------------------------


def rows(count, shapes, chunk_size, nested, batched, single):
    """Per part, the ``(count, *shape)`` array of all its rows (a tensor when an outer level
    follows); count ≥ 1.

    ``batched(start, stop)`` gives rows start..stop-1 of every part at once, ``single(i)``
    row i of every part; ``shapes`` (a list, or a function giving it once a row is known)
    gives each part's row shape. The first batched sweep that fails turns batching off;
    ``nested`` (an outer transform follows, whose derivative each row must keep) never turns
    it on.
    """
    step = count if chunk_size is None else _checked_chunk_size(chunk_size)
    batching = not nested
    blocks = None
    for start in range(0, count, step):
        stop = min(start + step, count)
        chunk = None
        if batching and stop - start > 1:
            try:
                chunk = batched(start, stop)
            except Exception:  # noqa: BLE001 -- any failure means: sweep these rows one by one
                batching = False
        if chunk is None:
            chunk = [list(part) for part in zip(*(single(i) for i in range(start, stop)))]
        blocks = [[] for _ in chunk] if blocks is None else blocks
        for part, piece in zip(blocks, chunk):
            part.append(piece)
    row_shapes = shapes() if callable(shapes) else shapes
    return [_joined(part, shape) for part, shape in zip(blocks, row_shapes)]


def _checked_chunk_size(chunk_size):
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive int or None, got {chunk_size!r}")
    return chunk_size


def _joined(pieces, shape):
    """One ``(count, *shape)`` value from batched blocks and lists of single rows (arrays, or
    tensors where an outer level follows)."""
    blocks = [_stacked_list(piece, shape) if isinstance(piece, list) else piece
              for piece in pieces]
    if len(blocks) == 1:
        return blocks[0]
    if any(isinstance(block, Tensor) for block in blocks):
        return joining.concatenate(blocks)
    return np.concatenate(blocks)


def _stacked_list(rows_list, shape):
    if any(isinstance(row, Tensor) for row in rows_list):
        return joining.stack([shape_ops.reshape(row, shape) for row in rows_list], axis=0)
    return np.stack([np.reshape(row, shape) for row in rows_list])


def _foreign(tensors):
    # Batches of seeds are NumPy's (see factored.py): another library's arrays go row by row.
    return any(isinstance(x._data, ForeignArray) for x in tensors)


def _zeros(shape, like):
    """Zeros of ``shape`` in ``like``'s dtype and array library."""
    if isinstance(like._data, ForeignArray):
        return np.zeros_like(np.reshape(like._data, (-1,))[:1], shape=shape)
    return np.zeros(shape, dtype=like.dtype)


def _unit(x, i):
    if isinstance(x._data, ForeignArray):
        e = np.zeros_like(np.reshape(x._data, (-1,)))
        e[i] = 1
        return e.reshape(x.shape)
    e = np.zeros(x.size, dtype=x.dtype)
    e[i] = 1
    return e.reshape(x.shape)[()] if x.ndim == 0 else e.reshape(x.shape)


def _units(x, start, stop):
    """Rows start..stop-1 of the identity as a batch, each row shaped like ``x``."""
    if stop - start == x.size:
        return Diagonal(np.ones(x.size, dtype=x.dtype), x.shape)
    eye = np.eye(stop - start, x.size, k=start, dtype=x.dtype)
    return Batch(eye.reshape((stop - start,) + x.shape))


def _rows_of(value, count, shape, dtype):
    """The ``(count, *shape)`` rows a batched sweep gave (checked, never guessed)."""
    if value is None:
        return np.zeros((count,) + shape, dtype=dtype)
    return _batch_rows(value, count=count, shape=tuple(shape), dtype=dtype)


def _stacked_rows(value, count, shape, dtype):
    if isinstance(value, Batch):
        data = own_rows(value)
    else:  # the same value for every row (a rule returned a constant)
        data = np.broadcast_to(np.asarray(value), (count,) + tuple(np.shape(value)))
    if data.shape != (count,) + tuple(shape):
        raise Unbatchable(f"a batched sweep gave shape {data.shape}, not {(count,) + shape}")
    wanted = np.result_type(data.dtype, dtype)
    return data if isinstance(value, Batch) and data.dtype == wanted else data.astype(wanted)


# An op, so that under jit the rows a recorded batched sweep gave are a step of the trace.
_batch_rows = nondifferentiable(
    "batch_rows", _stacked_rows,
    doc="The (count, *shape) array of a batch's rows; a value the same for every row repeated.",
)


__all__ = ["reverse_blocks", "forward_blocks", "rows"]
