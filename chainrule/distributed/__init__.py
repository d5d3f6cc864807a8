"""Data-parallel training over MPI: every rank holds the whole model, trains on its share of
each global batch, and the gradients are averaged over the ranks before each step.

Launch the same script on N processes with ``mpiexec -n N python train.py`` (or
``mpiexec -n N chainrule train --distributed``) and call ``fit(..., distributed=True)``; these
are the parts it uses, public for loops of your own. Needs ``pip install 'chainrule[mpi]'``
(mpi4py and MPICH from PyPI); importing this package does not import mpi4py, :func:`init`
does. See docs/scaling.md.

Example:
    >>> import numpy as np
    >>> from chainrule import distributed, nn
    >>> world = distributed.init()
    >>> model = nn.Linear(3, 1)
    >>> distributed.check_same_model(model, world)
    >>> distributed.broadcast_parameters(model, world)
    >>> world.size
    1
"""

from chainrule.distributed.replicas import (
    BUCKET_BYTES,
    allreduce_gradients,
    broadcast_parameters,
    check_same_model,
)
from chainrule.distributed.sharding import ShardedLoader
from chainrule.distributed.world import INSTALL_HINT, DistributedError, World, init

__all__ = [
    "init",
    "World",
    "DistributedError",
    "ShardedLoader",
    "check_same_model",
    "broadcast_parameters",
    "allreduce_gradients",
    "BUCKET_BYTES",
    "INSTALL_HINT",
]
