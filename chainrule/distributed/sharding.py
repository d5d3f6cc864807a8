"""A DataLoader shared out by rank: every rank walks the same global batches of N·B examples
in the same order, and takes its own B of each.
"""

from __future__ import annotations

import numpy as np

from chainrule.data import ArrayDataset, DataLoader, Subset


class ShardedLoader:
    """Rank ``world.rank``'s share of each global batch of ``loader``'s dataset.

    With ``world.size`` ranks of ``loader.batch_size`` examples each, a global batch holds
    ``size · batch_size`` examples; the global batches are those one process would take with
    that batch size (the same shuffled order per epoch, the same ``drop_last``), and each is
    split into ``size`` consecutive shares, rank r taking share r. A full batch gives every
    rank ``batch_size`` examples; the last, smaller one is split as evenly as it goes, and a
    rank whose share is empty gets an empty tuple ``()``. The order of each epoch is rank 0's
    (broadcast), so a loader that shuffles without a seed still gives the ranks disjoint
    shares.

    The loader's ``epoch`` counts on as it would without sharding (checkpoints save it).

    Args:
        loader: a :class:`~chainrule.data.DataLoader` over the whole dataset; its batch size is
            the size of one rank's share.
        world: the :class:`World`.

    Example:
        >>> import numpy as np
        >>> from chainrule import distributed
        >>> from chainrule.data import ArrayDataset, DataLoader
        >>> loader = DataLoader(ArrayDataset(np.arange(5.0)), batch_size=2)
        >>> [batch[0] for batch in distributed.ShardedLoader(loader, distributed.init())]
        [tensor([0., 1.]), tensor([2., 3.]), tensor([4.])]
    """

    def __init__(self, loader, world):
        if not isinstance(loader, DataLoader):
            raise TypeError(
                f"distributed training shards a chainrule DataLoader, got "
                f"{type(loader).__name__}; wrap the data in DataLoader(dataset, batch_size)"
            )
        self.loader, self.world = loader, world
        self.global_batch_size = loader.batch_size * world.size

    def __len__(self):
        full, rest = divmod(len(self.loader.dataset), self.global_batch_size)
        return full + (1 if rest and not self.loader.drop_last else 0)

    def __iter__(self):
        dataset = self.loader.dataset
        for rows in self._global_batches():
            share = np.array_split(rows, self.world.size)[self.world.rank]
            if share.size == 0:
                yield ()
            else:
                yield next(iter(DataLoader(Subset(dataset, share), batch_size=share.size)))

    def describe(self):
        """What every rank must agree on: the dataset's length and the loader's settings."""
        loader = self.loader
        return {
            "examples": len(loader.dataset),
            "batch_size": loader.batch_size,
            "shuffle": loader.shuffle,
            "drop_last": loader.drop_last,
        }

    def _global_batches(self):
        # The order comes from a loader over the dataset's positions with the global batch
        # size and the wrapped loader's settings, so a global batch is exactly what one
        # process with that batch size would take.
        loader = self.loader
        positions = DataLoader(
            ArrayDataset(np.arange(len(loader.dataset))),
            batch_size=self.global_batch_size,
            shuffle=loader.shuffle,
            drop_last=loader.drop_last,
            seed=loader.seed,
            generator=loader.generator,
        )
        positions.epoch = loader.epoch
        batches = [batch[0].numpy() for batch in positions]
        loader.epoch = positions.epoch
        order = np.concatenate(batches) if batches else np.zeros(0, dtype=np.int64)
        if loader.shuffle:
            self.world.broadcast_in_place(order)
        stops = np.cumsum([len(batch) for batch in batches])
        return np.split(order, stops[:-1]) if batches else []


__all__ = ["ShardedLoader"]
