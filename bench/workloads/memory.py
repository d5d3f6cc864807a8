"""W7 peak memory: the resident set size at its peak in a fresh process that has run 50 W3
training steps (bench/worker.py reads it). The steps are W3's own; the check compares the loss
after them, not the gradients: over 50 steps a last-digit difference can flip a relu unit on or
off, which moves single gradient entries far more than the loss."""

from bench.workloads import Case, mlp

STEPS = 50


def skip(system, workload):
    return mlp.skip(system, "W3")


def build(system, workload):
    steps = mlp.build(system, "W3")
    return Case(
        check=lambda: {"loss": steps.check()["loss"]},
        timed=steps.timed,
        tolerance={"rtol": 1e-4, "atol": 0.0},
        note=steps.note,
    )


__all__ = ["skip", "build", "STEPS"]
