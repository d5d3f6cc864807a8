"""Keeping the model replicas of a data-parallel job the same: one check that every rank built
the same model, the initial parameters broadcast from rank 0, and after each backward pass the
gradients all-reduced in buckets into the gradient of the whole global batch.
"""

from __future__ import annotations

import sys

import numpy as np

from chainrule.distributed.world import DistributedError, agreed
from chainrule.tensor import wrap

# Gradients are joined into flat buffers of about this size, one all-reduce each: few enough
# messages that latency does not count, small enough that a buffer never doubles the memory.
BUCKET_BYTES = 32 * 2**20


def check_same_model(model, world, data=None):
    """Raise on every rank unless all ranks hold parameters and buffers of the same names,
    shapes and dtypes (and, when given, the same description of their training data).

    Raises:
        DistributedError: naming the first rank that differs from rank 0, and how.

    Example:
        >>> from chainrule import distributed, nn
        >>> distributed.check_same_model(nn.Linear(2, 1), distributed.init())
    """
    layout = {name: [list(value.shape), str(value.dtype)] for name, value in _state(model).items()}
    # Every rank compares the same gathered layouts, so every rank raises the same error.
    layouts = world.gather_json({"model": layout, "data": data})
    reference = layouts[0]
    for rank, other in enumerate(layouts[1:], start=1):
        difference = _difference(reference["model"], other["model"])
        if difference:
            raise agreed(
                DistributedError(
                    f"rank {rank}'s model differs from rank 0's: {difference}; build the same "
                    "model on every rank"
                )
            )
        if other["data"] != reference["data"]:
            raise agreed(
                DistributedError(
                    f"rank {rank}'s training data differs from rank 0's ({other['data']} vs "
                    f"{reference['data']}); give every rank the whole dataset and the same "
                    "loader settings (each rank takes its own share)"
                )
            )


def broadcast_parameters(model, world, root=0):
    """Give every rank the parameters and buffers of rank ``root``'s model, in place.

    Example:
        >>> from chainrule import distributed, nn
        >>> distributed.broadcast_parameters(nn.Linear(2, 1), distributed.init())
    """
    state = _state(model)
    for value in state.values():
        world.broadcast_in_place(value, root)
    model.load_state_dict(state)


def allreduce_gradients(parameters, world, examples, average=True, bucket_bytes=BUCKET_BYTES):
    """Replace each parameter's ``.grad`` by the gradient of the loss over all ranks' examples.

    With ``average`` (a loss that is a mean over its batch), a rank's gradient weighs its
    share of the global batch, ``examples / total``, so uneven shares (the last batch of an
    epoch) still give the mean over the global batch; otherwise (a summed loss) gradients are
    summed. A parameter no rank has a gradient for keeps ``.grad = None``; one that some ranks
    lack counts as zero there. Gradients of one dtype are joined into buckets of about
    ``bucket_bytes``, one all-reduce each.

    Args:
        parameters: the tensors whose gradients to combine, in the same order on every rank.
        world: the :class:`World`.
        examples: how many examples this rank's gradient is over (0: it has none).
        average: weigh by examples (a mean loss) rather than sum (a summed loss).
        bucket_bytes: the size of the flat buffers that are all-reduced.

    Returns:
        The number of examples over all ranks.

    Example:
        >>> import chainrule as cr
        >>> from chainrule import distributed
        >>> w = cr.tensor([1.0, 2.0], requires_grad=True)
        >>> (w * w).sum().backward()
        >>> distributed.allreduce_gradients([w], distributed.init(), examples=4)
        4
        >>> w.grad
        tensor([2., 4.])
    """
    parameters = list(parameters)
    if world.size == 1:  # this rank's examples are the whole batch: its gradients are the sum
        return examples
    count = len(parameters)
    header = np.array(
        [examples]
        + [p.grad is not None for p in parameters]
        + [_column_major(p.grad) for p in parameters],
        dtype=np.float64,
    )
    world.sum_in_place(header)
    total, holders, column_major = float(header[0]), header[1 : count + 1], header[count + 1 :]
    weight = (examples / total if total else 0.0) if average else 1.0
    # A gradient travels in the memory order every rank that has it has it in (the engine's
    # matrix gradients come column-major): copying it into the buffer is then a plain copy,
    # not a transpose. Every rank decides from the same summed header, so all lay out alike.
    layouts = {
        id(p): "F" if holders[i] and column_major[i] == holders[i] else "C"
        for i, p in enumerate(parameters)
    }
    with_gradient = [p for p, holding in zip(parameters, holders) if holding]
    for position, bucket in enumerate(_buckets(with_gradient, bucket_bytes)):
        flat = _bucket_buffer(world, position, sum(p.size for p in bucket), bucket[0].dtype)
        slots = _slots(flat, bucket, layouts)
        for parameter, slot in zip(bucket, slots):
            _weighted_gradient(parameter, weight, out=slot)
        world.sum_in_place(flat)
        # Each gradient becomes a view of the reduced buffer; the views never overlap, and
        # optimizers replace gradients rather than write into them.
        for parameter, slot in zip(bucket, slots):
            parameter.grad = wrap(slot)
    return int(total)


def _bucket_buffer(world, position, size, dtype):
    """The flat buffer of bucket ``position``: last step's, where no gradient handed out from it
    is still alive, else a new one (kept for the next step).

    Reusing it matters: MPI moves a buffer it has seen before much faster than fresh memory
    (on two local ranks, the 7.4 MB of W3's gradients took 10-11 ms to all-reduce from a new
    buffer each step and 3.5-5 ms from the same one). The gradients are views of the buffer,
    and a view keeps its buffer alive: a buffer that nothing but this cache holds has no
    gradient left to overwrite (an optimizer replaces ``.grad`` each step; one that keeps last
    step's gradient, or a caller's copy of it, makes the next step take a new buffer).
    """
    buffers = world.gradient_buffers
    flat = buffers.get(position)
    # A buffer nothing else holds has three references here: the cache's, ``flat`` and
    # getrefcount's argument. Interpreters without reference counts never reuse one.
    counts = getattr(sys, "getrefcount", None)
    if (flat is None or flat.size != size or flat.dtype != dtype or counts is None
            or counts(flat) > 3):
        flat = buffers[position] = np.empty(size, dtype=dtype)
    return flat


def _slots(flat, bucket, layouts):
    # Views of ``flat``, one per parameter, each of that parameter's shape and agreed order.
    stops = np.cumsum([p.size for p in bucket]).tolist()
    return [
        flat[stop - p.size : stop].reshape(p.shape, order=layouts[id(p)])
        for p, stop in zip(bucket, stops)
    ]


def _column_major(grad):
    if grad is None:
        return False
    flags = grad.numpy().flags
    return flags.f_contiguous and not flags.c_contiguous


def _weighted_gradient(parameter, weight, out):
    if parameter.grad is None:
        out.fill(0)
    else:
        np.multiply(parameter.grad.numpy(), out.dtype.type(weight), out=out)


def _buckets(parameters, bucket_bytes):
    bucket, size = [], 0
    for parameter in parameters:
        nbytes = parameter.size * np.dtype(parameter.dtype).itemsize
        if bucket and (size + nbytes > bucket_bytes or parameter.dtype != bucket[0].dtype):
            yield bucket
            bucket, size = [], 0
        bucket.append(parameter)
        size += nbytes
    if bucket:
        yield bucket


def _state(model):
    if not callable(getattr(model, "state_dict", None)):
        raise TypeError(
            f"distributed training needs a model with state_dict() (an nn.Module), got "
            f"{type(model).__name__}"
        )
    return {name: np.ascontiguousarray(value) for name, value in model.state_dict().items()}


def _difference(reference, other):
    missing = sorted(set(reference) - set(other))
    extra = sorted(set(other) - set(reference))
    if missing or extra:
        return f"it lacks {missing} and has {extra} besides"
    for name, (shape, dtype) in reference.items():
        if other[name] != [shape, dtype]:
            theirs = other[name]
            return f"{name} is {tuple(theirs[0])} {theirs[1]} there but {tuple(shape)} {dtype} on 0"
    return ""


__all__ = ["check_same_model", "broadcast_parameters", "allreduce_gradients", "BUCKET_BYTES"]
