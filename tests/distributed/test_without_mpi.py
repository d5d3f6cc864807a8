"""What needs no MPI job: the shares a rank takes of each global batch, one process as a world
of one, and the one-line message when mpi4py is missing."""

import sys
import weakref

import numpy as np
import pytest

import chainrule as cr
from chainrule import distributed, nn
from chainrule.cli import main
from chainrule.data import ArrayDataset, DataLoader
from tests.distributed.job import train


class Rank:
    """Rank ``rank`` of ``size`` as the sharded loader sees it (every rank draws the same seeded
    order, so nothing needs sending)."""

    def __init__(self, rank, size):
        self.rank, self.size = rank, size

    def broadcast_in_place(self, array, root=0):
        return array


def rows(batch):
    return [] if batch == () else batch[0].numpy().tolist()


@pytest.mark.parametrize("drop_last", [False, True])
def test_the_ranks_shares_make_up_the_global_batches_of_one_process(drop_last):
    data = ArrayDataset(np.arange(23))
    settings = {"shuffle": True, "seed": 5, "drop_last": drop_last}
    whole = [rows(batch) for batch in DataLoader(data, batch_size=9, **settings)]
    shares = [
        [rows(batch) for batch in distributed.ShardedLoader(DataLoader(data, 3, **settings), rank)]
        for rank in (Rank(0, 3), Rank(1, 3), Rank(2, 3))
    ]
    assert [sum(parts, []) for parts in zip(*shares)] == whole
    assert [len(part) for part in shares[0]] == [3, 3] + ([] if drop_last else [2])
    assert [len(part) for part in shares[2]] == [3, 3] + ([] if drop_last else [1])


def test_a_rank_with_no_share_of_the_last_batch_gets_an_empty_one():
    loader = DataLoader(ArrayDataset(np.arange(5.0)), batch_size=2)
    shares = [rows(batch) for batch in distributed.ShardedLoader(loader, Rank(1, 2))]
    assert shares == [[2.0, 3.0], []]


def test_sharding_keeps_the_epoch_count_that_checkpoints_save():
    loader = DataLoader(ArrayDataset(np.arange(6.0)), batch_size=2, shuffle=True, seed=0)
    sharded = distributed.ShardedLoader(loader, Rank(0, 2))
    for _ in range(3):
        list(sharded)
    assert loader.epoch == 3


def test_one_process_trains_data_parallel_as_without():
    model, _ = train(8, 2, distributed_run=True)
    alone, _ = train(8, 2)
    for name, value in alone.state_dict().items():
        np.testing.assert_array_equal(model.state_dict()[name], value)


def test_sharding_refuses_what_is_not_a_data_loader():
    with pytest.raises(TypeError, match=r"shards a chainrule DataLoader, got list"):
        distributed.ShardedLoader([(np.ones(2), np.ones(2))], Rank(0, 1))


def test_without_mpi4py_init_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    with pytest.raises(ImportError, match=r"pip install 'chainrule\[mpi\]'"):
        distributed.init()


def test_without_mpi4py_train_distributed_says_so_in_one_line(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    assert main(["train", "--distributed", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("chainrule train: --distributed: distributed training needs mpi4py")
    assert "pip install 'chainrule[mpi]'" in err


def test_a_model_without_state_dict_is_refused():
    with pytest.raises(TypeError, match=r"needs a model with state_dict\(\) \(an nn.Module\)"):
        distributed.broadcast_parameters(lambda x: x, distributed.init())


class TwinWorld(distributed.World):
    """Rank 0 of two ranks that hold the same data: a sum over the ranks doubles a value. The
    gradient exchange runs whole (a world of one exchanges nothing)."""

    def __init__(self):
        self.rank, self.size, self.gradient_buffers = 0, 2, {}

    def sum_in_place(self, array):
        array *= 2
        return array


def test_a_world_of_one_leaves_the_gradients_as_they_are():
    w = cr.tensor(np.ones(3, np.float32), requires_grad=True)
    (w * w).sum().backward()
    gradient = w.grad
    assert distributed.allreduce_gradients([w], distributed.init(), examples=5) == 5
    assert w.grad is gradient


def test_gradients_no_rank_has_stay_none():
    used, unused = nn.Linear(2, 1), nn.Linear(2, 1)
    used(np.ones((1, 2), dtype=np.float32)).sum().backward()
    parameters = [*used.parameters(), *unused.parameters()]
    assert distributed.allreduce_gradients(parameters, TwinWorld(), examples=1) == 2
    assert [p.grad is None for p in parameters] == [False, False, True, True]


def test_gradients_come_back_whole_from_buckets_smaller_than_one_parameter():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    model(np.ones((2, 3), dtype=np.float32)).sum().backward()
    parameters = list(model.parameters())
    expected = [p.grad.numpy().copy() for p in parameters]
    distributed.allreduce_gradients(parameters, TwinWorld(), 2, bucket_bytes=8)
    for parameter, grad in zip(parameters, expected):
        np.testing.assert_array_equal(parameter.grad.numpy(), grad)


def test_fit_refuses_a_distributed_that_is_not_true_or_a_world():
    with pytest.raises(
        TypeError, match=r"distributed must be True or a chainrule.distributed.World"
    ):
        train(8, 1, distributed_run=2)


def _reduce_gradients(world, parameters, values):
    for parameter, value in zip(parameters, values):
        parameter.grad = cr.tensor(np.full(parameter.shape, value, dtype=np.float32))
    distributed.allreduce_gradients(parameters, world, examples=4)


def test_gradient_buffers_are_reused_once_no_gradient_from_them_is_left():
    world = TwinWorld()
    parameters = [cr.tensor(np.zeros((3, 2), np.float32), requires_grad=True),
                  cr.tensor(np.zeros(2, np.float32), requires_grad=True)]
    _reduce_gradients(world, parameters, [1.0, 2.0])
    buffer = weakref.ref(world.gradient_buffers[0])
    _reduce_gradients(world, parameters, [3.0, 4.0])  # last step's gradients are replaced
    assert world.gradient_buffers[0] is buffer()
    assert parameters[0].grad.numpy().base is buffer()
    np.testing.assert_array_equal(parameters[1].grad.numpy(), [4.0, 4.0])


@pytest.mark.parametrize("keep", ["tensor", "view"])
def test_a_gradient_still_held_is_never_overwritten_by_the_next_step(keep):
    world = TwinWorld()
    parameters = [cr.tensor(np.zeros((3, 2), np.float32), requires_grad=True)]
    _reduce_gradients(world, parameters, [1.0])
    kept = parameters[0].grad if keep == "tensor" else parameters[0].grad.numpy()[1:]
    _reduce_gradients(world, parameters, [5.0])
    np.testing.assert_array_equal(np.asarray(getattr(kept, "numpy", lambda: kept)()), 1.0)
    np.testing.assert_array_equal(parameters[0].grad.numpy(), 5.0)


@pytest.mark.skipif(sys.platform == "win32", reason="FIONREAD on a pipe is a POSIX ioctl")
def test_an_abort_waits_until_mpiexec_has_read_the_line_that_says_why():
    # The race the wait closes: an abort ending the job before the launcher read the last line.
    import os
    import threading
    import time

    from chainrule.distributed.world import _wait_until_read

    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as stream, os.fdopen(read_end, "rb") as reader:
        stream.write("rank 1 of 2 failed\n")
        stream.flush()
        started = time.monotonic()
        _wait_until_read(stream, limit=0.2)  # nobody reads: it gives up at the limit
        assert time.monotonic() - started >= 0.2
        later = threading.Timer(0.1, reader.read, args=(len("rank 1 of 2 failed\n"),))
        later.start()
        started = time.monotonic()
        _wait_until_read(stream, limit=5.0)  # returns as soon as the reader took the line
        assert 0.05 < time.monotonic() - started < 2.0
        later.join()


def test_an_abort_writing_to_a_file_or_terminal_does_not_wait(tmp_path):
    from chainrule.distributed.world import _wait_until_read

    with open(tmp_path / "log", "w") as stream:
        stream.write("written\n")
        stream.flush()
        _wait_until_read(stream, limit=60.0)  # not a pipe: nothing to wait for
