"""The processes of an MPI job as training sees them: this one's rank, how many there are, and
the few collectives data-parallel training needs, on NumPy buffers (nothing is pickled).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import time

import numpy as np

INSTALL_HINT = "pip install 'chainrule[mpi]' (mpi4py and the MPICH library, from PyPI)"


class DistributedError(RuntimeError):
    """A failure that every rank of the job has agreed on and raises together."""


def init():
    """The :class:`World` of this MPI job, read from the environment ``mpiexec`` sets up.

    A process started without ``mpiexec`` is a world of one rank.

    Raises:
        ImportError: mpi4py (or an MPI library) is not installed; the message says how to
            get them.

    Example:
        >>> from chainrule import distributed
        >>> world = distributed.init()  # outside mpiexec: a world of one
        >>> world.rank, world.size
        (0, 1)
    """
    mpi = load_mpi()
    return World(mpi.COMM_WORLD)


def load_mpi():
    """mpi4py's ``MPI`` module; importing it initialises MPI from the environment."""
    try:
        from mpi4py import MPI
    except ImportError as error:
        raise ImportError(f"distributed training needs mpi4py ({error}); {INSTALL_HINT}") from None
    return MPI


class World:
    """An MPI communicator with the collectives of data-parallel training.

    Args:
        comm: an mpi4py communicator (``MPI.COMM_WORLD``, or a part of it).

    Attributes:
        rank: this process's number, from 0.
        size: the number of processes.

    Example:
        >>> import numpy as np
        >>> from chainrule import distributed
        >>> world = distributed.init()  # one rank, outside mpiexec
        >>> world.sum_in_place(np.array([1.0, 2.0]))  # the sum over the ranks
        array([1., 2.])
        >>> world.gather_json({"rank": world.rank})
        [{'rank': 0}]
        >>> world.agree(None)  # no rank failed: nothing happens
    """

    def __init__(self, comm):
        self.comm = comm
        self.rank = comm.Get_rank()
        self.size = comm.Get_size()
        # The gradient exchange's flat buffers, by bucket, kept from one step to the next
        # (chainrule.distributed.replicas reuses them).
        self.gradient_buffers = {}

    def __repr__(self):
        return f"World(rank={self.rank}, size={self.size})"

    def sum_in_place(self, array):
        """Replace ``array`` (contiguous) by its sum over the ranks, on every rank."""
        if self.size > 1:
            self.comm.Allreduce(_mpi().IN_PLACE, array, op=_mpi().SUM)
        return array

    def broadcast_in_place(self, array, root=0):
        """Replace ``array`` (contiguous) by rank ``root``'s, on every rank."""
        if self.size > 1:
            self.comm.Bcast(array, root=root)
        return array

    def gather_json(self, value):
        """Every rank's ``value`` (JSON-like), as a list by rank, on every rank."""
        if self.size == 1:
            return [value]
        data = np.frombuffer(json.dumps(value).encode(), dtype=np.uint8)
        sizes = np.zeros(self.size, dtype=np.int64)
        sizes[self.rank] = data.size
        self.sum_in_place(sizes)
        received = np.empty(int(sizes.sum()), dtype=np.uint8)
        self.comm.Allgatherv(data, [received, sizes])
        starts = np.concatenate([[0], np.cumsum(sizes)])
        return [
            json.loads(received[start:stop].tobytes())
            for start, stop in zip(starts[:-1], starts[1:])
        ]

    def agree(self, error=None):
        """Raise on every rank when any rank passes an error; return quietly when none does.

        The rank that failed raises its own error; the others raise a
        :class:`DistributedError` that names the rank and repeats its message, so that no rank
        is left waiting in a collective that the failed one never joins.
        """
        message = None if error is None else f"{error}"
        messages = self.gather_json(message)
        failed = [(rank, text) for rank, text in enumerate(messages) if text is not None]
        if not failed:
            return
        if error is not None:
            raise agreed(error)
        rank, text = failed[0]
        raise agreed(DistributedError(f"rank {rank} failed: {text}"))

    @contextlib.contextmanager
    def abort_on_failure(self):
        """Abort the whole job when this rank fails in a way the others do not know of.

        An exception the ranks agreed on (:meth:`agree`) passes through: every rank raises
        it. Any other would leave the other ranks waiting forever in a collective this one
        never joins, so this rank prints it in one line and aborts the MPI job.
        """
        try:
            yield self
        except BaseException as error:
            if self.size == 1 or getattr(error, "agreed", False):
                raise
            print(
                f"rank {self.rank} of {self.size} failed, ending the job: "
                f"{type(error).__name__}: {error}",
                file=sys.stderr,
                flush=True,
            )
            _wait_until_read(sys.stderr)
            self.comm.Abort(1)
            os._exit(1)  # MPICH's abort can return to the caller; this rank must not go on


def _wait_until_read(stream, limit=2.0):
    """Wait, at most ``limit`` seconds, until the reader of ``stream``'s pipe has taken all of it.

    ``mpiexec`` forwards each rank's output through a pipe, and an abort can end the job before
    the launcher has read the last line written there: the line that says why. On a pipe,
    FIONREAD counts the bytes still unread; to a terminal, a file or a socket, or where there
    is no ``fcntl``, nothing is waited for.
    """
    try:
        import fcntl
        import termios

        descriptor = stream.fileno()
        if not stat.S_ISFIFO(os.fstat(descriptor).st_mode):
            return
        unread = bytearray(4)
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            fcntl.ioctl(descriptor, termios.FIONREAD, unread)
            if int.from_bytes(unread, sys.byteorder) == 0:
                return
            time.sleep(0.005)
    except (ImportError, OSError, ValueError, AttributeError):
        return


def agreed(error):
    """Mark ``error`` as raised on every rank, so :meth:`World.abort_on_failure` lets it pass."""
    error.agreed = True
    return error


def _mpi():
    from mpi4py import MPI

    return MPI


__all__ = ["World", "DistributedError", "agreed", "init", "load_mpi", "INSTALL_HINT"]
