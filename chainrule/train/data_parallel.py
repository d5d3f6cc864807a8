"""What ``fit(..., distributed=True)`` does differently: each rank trains on its share of every
global batch, the gradients are all-reduced before each step, the epoch's metrics are summed
over the ranks, and rank 0 alone writes the checkpoints, which every rank resumes from.
"""

from __future__ import annotations

import contextlib

import numpy as np

from chainrule import checkpoint, distributed
from chainrule.train.resume import restore_run, save_run


class DataParallel:
    """The MPI side of one ``fit`` run: its world, its sharded loader and its model's replicas.

    Args:
        world: True (the job ``mpiexec`` started) or a ``chainrule.distributed.World``.
        loader: the DataLoader over the whole training set; its batch size is per rank.
        loss_fn: the loss; one with ``reduction="sum"`` has its gradients summed over the
            ranks, any other (a mean over the batch) averaged, weighted by each rank's share.
    """

    def __init__(self, world, loader, loss_fn):
        if world is not True and not isinstance(world, distributed.World):
            raise TypeError(
                f"fit: distributed must be True or a chainrule.distributed.World, got {world!r}"
            )
        self.distributed = distributed
        self.world = distributed.init() if world is True else world
        self.loader = loader
        self.batches = distributed.ShardedLoader(loader, self.world)
        self.average = getattr(loss_fn, "reduction", "mean") != "sum"

    @property
    def is_root(self):
        return self.world.rank == 0

    def guard(self):
        """A context in which a failure on one rank ends the job rather than hang the others."""
        if self.world.size == 1:
            return contextlib.nullcontext()
        return self.world.abort_on_failure()

    def start(self, model, optimizer, scheduler, resume):
        """Check that the ranks agree, then make their models the same: restore every rank
        from ``resume``, or give them rank 0's parameters. Returns ``(history, epochs done)``
        of the resumed run, or None."""
        self.distributed.check_same_model(model, self.world, self.batches.describe())
        if resume is None:
            self.distributed.broadcast_parameters(model, self.world)
            return None
        restored, error = None, None
        try:
            restored = restore_run(resume, model, optimizer, scheduler, self.loader)
        except checkpoint.CheckpointError as failure:
            error = failure
        self.world.agree(error)
        return restored

    def gradients(self, parameters, target):
        """All-reduce the gradients of this rank's batch (of ``target``; None: no examples)
        into the global batch's."""
        shape = () if target is None else getattr(target, "shape", ())
        examples = 0 if target is None else (shape[0] if len(shape) else 1)
        self.distributed.allreduce_gradients(parameters, self.world, examples, self.average)

    def combine_means(self, means):
        """Sum a RunningMeans' totals and counts over the ranks, in place."""
        names = list(means.totals)
        sums = np.array(
            [means.totals[name] for name in names] + [means.counts[name] for name in names],
            dtype=np.float64,
        )
        self.world.sum_in_place(sums)
        for position, name in enumerate(names):
            means.totals[name] = float(sums[position])
            means.counts[name] = int(sums[len(names) + position])

    def save(self, path, model, optimizer, scheduler, history, extra):
        """Rank 0 writes the checkpoint (atomically); every rank learns whether it could."""
        error = None
        if self.is_root:
            try:
                save_run(path, model, optimizer, scheduler, self.loader, history, extra)
            except (checkpoint.CheckpointError, ValueError) as failure:
                error = failure
        self.world.agree(error)


__all__ = ["DataParallel"]
