"""Resident memory of long training runs and of very deep graphs, measured in a fresh process.

Run by tests/reliability/test_memory.py; by hand (Linux: RSS is read from /proc/self/statm)::

    python -m tests.reliability.memory_probe train --steps 10000
    python -m tests.reliability.memory_probe deep --depth 100000

Each prints one line of JSON with the figures, sizes in MiB.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
import weakref

import numpy as np

import chainrule as cr
from chainrule import nn, optim

MIB = 2**20


def rss_mib():
    """Resident set size of this process now."""
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / MIB


def train(steps, warm_up, every):
    """Train a small MLP with Adam for ``steps`` steps; RSS every ``every`` steps."""
    cr.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 4))
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(0)
    samples, losses, start = [], [], time.perf_counter()
    for step in range(1, steps + 1):
        x = cr.tensor(rng.normal(size=(16, 8)).astype(np.float32))
        y = rng.integers(0, 4, size=16)
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        if step % every == 0:
            samples.append([step, rss_mib()])
            losses.append(float(loss.item()))
    after_warm_up = [rss for step, rss in samples if step >= warm_up]
    return {
        "steps": steps,
        "seconds": time.perf_counter() - start,
        "rss_mib": samples,
        "growth_after_warm_up_mib": max(after_warm_up) - after_warm_up[0],
        "live_gc_objects": len(gc.get_objects()),
        "losses": losses[:: max(1, len(losses) // 5)],
    }


FACTOR = 1.000001


def chain(x, depth):
    """``depth`` ops on ``x``: a multiplication and a shift in turn, d/dx = FACTOR ** (depth/2)."""
    y = x
    for i in range(depth):
        y = y - 0.25 if i % 2 else y * FACTOR
    return y


def deep(depth):
    """Differentiate a chain of ``depth`` ops in both modes, drop it, see its memory go back."""
    gc.collect()
    baseline = rss_mib()
    x = cr.tensor(0.5, requires_grad=True)
    y = chain(x, depth)
    built = rss_mib()
    head = weakref.ref(y.node)
    start = time.perf_counter()
    y.backward()
    seconds = time.perf_counter() - start
    after_backward = rss_mib()
    del y
    freed_without_collect = head() is None
    gc.collect()
    after_del = rss_mib()
    start = time.perf_counter()
    _, tangent = cr.jvp(lambda u: chain(u, depth), (0.5,), (1.0,))
    forward_seconds = time.perf_counter() - start
    gc.collect()
    return {
        "depth": depth,
        "expected": FACTOR ** ((depth + 1) // 2),
        "reverse_gradient": float(x.grad.item()),
        "forward_tangent": float(tangent),
        "backward_seconds": seconds,
        "forward_seconds": forward_seconds,
        "baseline_mib": baseline,
        "built_mib": built,
        "after_backward_mib": after_backward,
        "after_del_mib": after_del,
        "after_forward_mib": rss_mib(),
        "head_freed_without_gc_collect": freed_without_collect,
        "head_freed": head() is None,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["train", "deep"])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--warm-up", type=int, default=1_000)
    parser.add_argument("--every", type=int, default=250)
    parser.add_argument("--depth", type=int, default=100_000)
    args = parser.parse_args(argv)
    if args.what == "train":
        report = train(args.steps, args.warm_up, args.every)
    else:
        report = deep(args.depth)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
