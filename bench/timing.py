"""How a cell is measured: warm up, size the repeats, time them; and how its result is checked
against the limit's before any of that."""

import dataclasses
import gc
import time

import numpy as np

CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
MIN_REPEATS = 3
MAX_CALLS = 10_000


@dataclasses.dataclass(frozen=True)
class Settings:
    repeats: int = 7  # timed repeats; fewer when the cell's budget is spent, never below 3
    repeat_seconds: float = 0.2  # one repeat calls the timed function this long, at least once
    cell_seconds: float = 6.0  # the timing budget of one cell
    clock: str = "cpu"  # "cpu": the process's CPU time; "wall": elapsed time


QUICK = Settings(repeats=3, repeat_seconds=0.05, cell_seconds=1.5)


def measure(case, settings):
    """Seconds per call of each timed function: ``({name: [one per repeat]}, calls, repeats)``.

    Each function runs once untimed (compilation, caches, allocator pools), once to size a
    repeat, then the repeats; the functions take turns within a repeat, so a ratio of two of
    them compares calls made under the same conditions.
    """
    clock = CLOCKS[settings.clock]
    for function in case.timed.values():
        calls_take(case, function, 1, clock)
    single = {name: max(calls_take(case, f, 1, clock), 1e-9) for name, f in case.timed.items()}
    calls = {
        name: max(1, min(MAX_CALLS, round(settings.repeat_seconds / seconds)))
        for name, seconds in single.items()
    }
    per_repeat = sum(calls[name] * single[name] for name in calls)
    floor = min(MIN_REPEATS, settings.repeats)
    repeats = max(floor, min(settings.repeats, int(settings.cell_seconds / per_repeat)))
    times = {name: [] for name in case.timed}
    for _ in range(repeats):
        for name, function in case.timed.items():
            gc.collect()
            times[name].append(calls_take(case, function, calls[name], clock) / calls[name])
    return times, calls, repeats


def calls_take(case, function, calls, clock):
    """Seconds that ``calls`` calls take, ``case.reset`` (untimed) before each when there is one."""
    if case.reset is None:
        start = clock()
        for _ in range(calls):
            function()
        return clock() - start
    total = 0.0
    for _ in range(calls):
        case.reset()
        start = clock()
        function()
        total += clock() - start
    return total


def compare(found, reference, tolerance):
    """``{"agree", "max_abs", "detail"}``: the largest absolute difference over every array the
    limit gave, and what differs beyond ``tolerance`` (np.allclose's rtol/atol) if anything."""
    worst, detail = 0.0, ""
    for key, expected in reference.items():
        if key not in found or np.shape(found[key]) != expected.shape:
            shape = np.shape(found[key]) if key in found else "nothing"
            return {
                "agree": False,
                "max_abs": None,
                "detail": f"{key}: {shape}, not {expected.shape}",
            }
        value = np.asarray(found[key], dtype=np.float64)
        difference = float(np.max(np.abs(value - expected), initial=0.0))
        worst = max(worst, difference) if difference == difference else float("nan")
        if not detail and not np.allclose(value, expected, **tolerance):
            detail = f"{key} differs from the limit's by up to {difference:.3g}"
    return {"agree": not detail, "max_abs": worst, "detail": detail}


__all__ = ["Settings", "QUICK", "CLOCKS", "measure", "compare"]
