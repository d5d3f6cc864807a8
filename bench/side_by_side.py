"""Training steps of several systems timed in one process, taking turns: for differences of a
few percent on a machine whose load moves single cells of bench/run.py by more than that.

    python bench/side_by_side.py W2 numpy,chainrule-jit

Each system's model is built once (a jitted step traced before timing); then blocks of steps
run in turn, one block per system, on one pinned CPU with one BLAS thread, and each system's
median block is compared with the first system's, block by block. Neighbours slow every
system alike within a round, which is what the median of the per-round ratios keeps.
"""

import argparse
import gc
import itertools
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # this working tree's chainrule and bench

from bench import isolation  # noqa: E402

if __name__ == "__main__":
    isolation.limit_threads()  # before NumPy is imported


def stepper(system, workload):
    """One training step of ``system`` on the workload's batches, in turn."""
    from bench.workloads import mlp
    from bench.workloads.networks import MODELS

    config = mlp.CONFIGS[workload]
    model = MODELS[system](config, mlp.initial_params(config))
    batches = itertools.cycle([model.convert(x, labels) for x, labels in mlp.batches_for(config)])
    return lambda: model.step(*next(batches))


def block_times(steps, rounds, per_block):
    """{system: [µs a step, one per round]}: each round runs one block of each system."""
    times = {system: [] for system in steps}
    for _ in range(rounds):
        for system, step in steps.items():
            start = time.process_time()
            for _ in range(per_block):
                step()
            times[system].append((time.process_time() - start) / per_block * 1e6)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=["W2", "W3"])
    parser.add_argument("systems", help="e.g. numpy,chainrule-jit (the first is the reference)")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--steps", type=int, default=100, help="steps in one block")
    parser.add_argument("--cpu", type=int, default=isolation.default_cpu())
    args = parser.parse_args(argv)
    isolation.pin(args.cpu)
    systems = [name.strip() for name in args.systems.split(",") if name.strip()]
    steps = {system: stepper(system, args.workload) for system in systems}
    for step in steps.values():  # the trace, and a warm cache
        for _ in range(args.steps):
            step()
    gc.collect()
    times = block_times(steps, args.rounds, args.steps)
    reference = systems[0]
    print(f"{args.workload}, {args.rounds} rounds of {args.steps} steps, CPU {args.cpu}")
    for system in systems:
        ratios = [t / r for t, r in zip(times[system], times[reference])]
        print(f"{system:>15}: median {statistics.median(times[system]):8.1f} µs a step, "
              f"min {min(times[system]):8.1f}; ÷ {reference}: {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
