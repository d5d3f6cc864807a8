"""Bounds on work for the tests that once limited wall-clock time, which a busy CI machine breaks:
chainrule operations counted while code runs, and durations in units of the interpreter's
start-up measured at the same moment (a loaded machine slows both alike). Wall-clock figures
belong to the on-demand report (``python -m tests.reliability.report``).
"""

import contextlib
import subprocess
import sys
import time

from chainrule.primitive import op_hook


class OverBudget(Exception):
    """Raised by :func:`operation_budget` once the computation does more operations."""


@contextlib.contextmanager
def counted_operations():
    """A one-item list holding the number of chainrule operations done inside the block."""
    count = [0]

    def hook(prim, args, params, result):
        count[0] += 1

    with op_hook(hook):
        yield count


@contextlib.contextmanager
def operation_budget(limit):
    """Stop the computation inside the block (at its next operation) after ``limit`` of them."""
    with counted_operations() as count:

        def hook(prim, args, params, result):
            if count[0] > limit:
                raise OverBudget(f"more than {limit:,} operations")

        with op_hook(hook):
            yield count


def start_up_seconds(command=("-c", "import chainrule")):
    """The least of three runs of ``python COMMAND``: the unit of :func:`in_start_ups`."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, *command], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def in_start_ups(run, *args):
    """``run(*args)`` and its duration in start-ups of ``python -c "import chainrule"``, measured
    just after it; an exception from ``run`` is returned in place of its result."""
    start = time.perf_counter()
    try:
        result = run(*args)
    except Exception as error:  # noqa: BLE001  (the caller judges the answer)
        result = error
    seconds = time.perf_counter() - start
    return result, seconds / start_up_seconds()
