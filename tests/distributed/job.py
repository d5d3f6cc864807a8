"""One rank of the data-parallel test runs, started by ``mpiexec`` (tests/distributed/ranks.py):
it trains the shared small problem with ``fit(..., distributed=True)`` and writes its final
parameters (and any agreed error) to the folder it is given.

    mpiexec -n 2 python -m tests.distributed.job OUT --batch 8 --epochs 3 [--save P] [--resume P]
"""

import argparse
import pathlib

import numpy as np

import chainrule as cr
from chainrule import distributed, nn, optim
from chainrule.data import ArrayDataset, DataLoader
from chainrule.train import fit

EXAMPLES = 49  # with 2 ranks of 8, the last global batch holds 1: rank 1's share is empty


def problem(count=EXAMPLES):
    """(x, y): a fixed small classification set of ``count`` examples."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(EXAMPLES, 5)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype(np.int64)
    return x[:count], y[:count]


def build(hidden=6, seed=0):
    """The model and its optimizer, initialised from ``seed``."""
    cr.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, hidden), nn.Tanh(), nn.Linear(hidden, 2))
    return model, optim.SGD(model.parameters(), lr=0.2, momentum=0.9)


def train(
    batch, epochs, distributed_run=False, save=None, resume=None, hidden=6, seed=0, count=None
):
    """Train the problem with per-process batch ``batch``; returns the model and history."""
    model, optimizer = build(hidden, seed)
    loader = DataLoader(ArrayDataset(*problem(count or EXAMPLES)), batch_size=batch, shuffle=True)
    history = fit(
        model,
        nn.CrossEntropyLoss(),
        optimizer,
        loader,
        epochs,
        seed=3,
        progress=False,
        checkpoint=save,
        resume=resume,
        distributed=distributed_run,
    )
    return model, history


def broken_forward(self, x):
    """A layer that fails in the middle of training, on one rank only."""
    raise FloatingPointError("a failure on this rank alone")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--save")
    parser.add_argument("--resume")
    parser.add_argument("--hidden-on-rank-1", type=int, default=6)
    parser.add_argument("--examples-on-rank-1", type=int, default=EXAMPLES)
    parser.add_argument("--fail-on-rank-1", action="store_true")
    args = parser.parse_args()
    rank = distributed.init().rank
    # Rank 1 starts from other weights: the run must give it rank 0's.
    hidden = args.hidden_on_rank_1 if rank == 1 else 6
    count = args.examples_on_rank_1 if rank == 1 else EXAMPLES
    if args.fail_on_rank_1 and rank == 1:
        nn.Tanh.forward = broken_forward
    try:
        model, history = train(
            args.batch, args.epochs, True, args.save, args.resume, hidden, seed=rank, count=count
        )
    except distributed.DistributedError as error:
        (args.out / f"error-{rank}.txt").write_text(str(error))
        return
    np.savez(args.out / f"params-{rank}.npz", **model.state_dict())
    np.savez(args.out / f"loss-{rank}.npz", loss=np.array(history["train_loss"]))


if __name__ == "__main__":
    main()
