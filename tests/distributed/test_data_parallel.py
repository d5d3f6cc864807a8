"""Data-parallel training over MPI, on 2 ranks of this machine: N ranks with per-rank batch B
end with the parameters of one process with batch N·B, resume from rank 0's checkpoint on
every rank, and refuse models that differ between ranks with one error on every rank."""

import numpy as np

from tests.distributed.job import EXAMPLES, train
from tests.cli_process import run_chainrule
from tests.distributed.ranks import mpiexec, run_ranks

RANKS, BATCH, EPOCHS = 2, 8, 3
# float32 sums taken in another order (two half-batch gradients, then their sum) differ in the
# last digits; these bound that over a few dozen steps.
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def params(path):
    with np.load(path) as saved:
        return dict(saved)


def assert_same(found, expected):
    assert found.keys() == expected.keys()
    for name in expected:
        np.testing.assert_allclose(found[name], expected[name], **TOLERANCE, err_msg=name)


def test_the_last_global_batch_leaves_a_rank_without_examples():
    # What the equivalence below covers: full batches of 8 per rank, then a last one of 1.
    assert EXAMPLES % (RANKS * BATCH) == 1


def test_two_ranks_of_batch_b_train_as_one_process_of_batch_2b(tmp_path):
    done = run_ranks(RANKS, tmp_path, "--batch", BATCH, "--epochs", EPOCHS)
    assert done.returncode == 0, done.stderr
    model, history = train(RANKS * BATCH, EPOCHS)
    expected = model.state_dict()
    for rank in range(RANKS):
        assert_same(params(tmp_path / f"params-{rank}.npz"), expected)
        # The history's loss is the mean over both ranks' examples, as one process's is.
        losses = params(tmp_path / f"loss-{rank}.npz")["loss"]
        np.testing.assert_allclose(losses, history["train_loss"], **TOLERANCE)


def test_a_run_resumed_on_every_rank_ends_as_the_uninterrupted_one(tmp_path):
    saved = tmp_path / "run.npz"
    first = run_ranks(RANKS, tmp_path, "--epochs", 2, "--save", saved)
    assert first.returncode == 0, first.stderr
    # Rank 1 builds other weights (job.py); resuming must give it the checkpoint's.
    resumed = run_ranks(RANKS, tmp_path, "--epochs", 4, "--resume", saved, "--save", saved)
    assert resumed.returncode == 0, resumed.stderr
    model, _ = train(RANKS * BATCH, 4)
    for rank in range(RANKS):
        assert_same(params(tmp_path / f"params-{rank}.npz"), model.state_dict())


def test_ranks_that_built_different_models_all_stop_with_one_clear_error(tmp_path):
    done = run_ranks(RANKS, tmp_path, "--hidden-on-rank-1", 7)
    assert done.returncode == 0, done.stderr
    expected = (
        "rank 1's model differs from rank 0's: 0.weight is (7, 5) float32 there but (6, 5) "
        "float32 on 0; build the same model on every rank"
    )
    for rank in range(RANKS):
        assert (tmp_path / f"error-{rank}.txt").read_text() == expected
        assert not (tmp_path / f"params-{rank}.npz").exists()


def test_ranks_given_different_data_all_stop_with_one_clear_error(tmp_path):
    done = run_ranks(RANKS, tmp_path, "--examples-on-rank-1", EXAMPLES - 1)
    assert done.returncode == 0, done.stderr
    for rank in range(RANKS):
        assert (tmp_path / f"error-{rank}.txt").read_text() == (
            "rank 1's training data differs from rank 0's ({'examples': 48, 'batch_size': 8, "
            "'shuffle': True, 'drop_last': False} vs {'examples': 49, 'batch_size': 8, "
            "'shuffle': True, 'drop_last': False}); give every rank the whole dataset and the "
            "same loader settings (each rank takes its own share)"
        )


def test_a_failure_on_one_rank_ends_the_whole_job_rather_than_hang_it(tmp_path):
    done = run_ranks(RANKS, tmp_path, "--fail-on-rank-1")
    assert done.returncode != 0
    assert (
        "rank 1 of 2 failed, ending the job: FloatingPointError: a failure on this rank alone"
        in done.stderr
    )
    assert not (tmp_path / "params-0.npz").exists()


def test_the_command_line_trains_on_two_ranks_as_one_process_with_twice_the_batch(tmp_path):
    saved = tmp_path / "run.npz"
    done = run_ranks(
        RANKS, "train", "--distributed", "--epochs", 2, "--save", saved, module="chainrule"
    )
    assert done.returncode == 0, done.stderr
    alone = run_chainrule("train", "--epochs", "2", "--batch-size", "64")
    lines = done.stdout.splitlines()  # rank 0's alone
    assert lines[1] == (
        "sgd (lr 0.3, momentum 0.9, times 0.8 per epoch), batch size 32 on each of 2 ranks, "
        "2 epochs, seed 0"
    )
    assert lines[2].split(";")[0] == alone.stdout.splitlines()[2].split(";")[0]
    assert len(lines) == 4 and lines[3].startswith(f"saved the run to {saved}")
    assert [line.split("  ")[0] for line in done.stderr.splitlines()] == ["epoch 1/2", "epoch 2/2"]


def test_the_data_parallel_benchmark_runs_and_reports_both_rank_counts(capsys):
    from bench import data_parallel

    mpiexec()  # skips without MPI
    data_parallel.main(["--steps", "1", "--epochs", "1", "--rounds", "1", "--batch", "4",
                        "--no-save"])  # fmt: skip
    table = capsys.readouterr().out
    assert "| 1 | " in table and "| 2 | " in table and "| 1.00 |" in table


def test_a_bad_command_line_on_two_ranks_is_one_line_from_rank_0(tmp_path):
    missing = tmp_path / "missing.npz"
    done = run_ranks(RANKS, "train", "--distributed", "--resume", missing, module="chainrule")
    assert done.returncode == 2
    assert (
        done.stderr
        == f"chainrule train: checkpoint {missing}: cannot read: No such file or directory\n"
    )
