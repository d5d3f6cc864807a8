"""One cell of the benchmark in a process of its own: one workload on one system, pinned to one
CPU and one thread, checked against the hand-written limit, then timed (or, for W7, its peak
memory read). It prints one JSON line; bench/run.py starts it and reads that line.

    python bench/worker.py W5a chainrule --reference W5a.npz
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # this working tree's chainrule and bench, installed or not

from bench import isolation  # noqa: E402

if __name__ == "__main__":
    isolation.limit_threads()  # before NumPy or any peer is imported

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import importlib  # noqa: E402
import importlib.metadata  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402

import numpy as np  # noqa: E402

from bench import timing  # noqa: E402
from bench.workloads import LIMIT, SYSTEMS, WORKLOADS  # noqa: E402
from bench.workloads.memory import STEPS  # noqa: E402


def run_cell(workload_key, system_key, settings, reference=None, save=None):
    """Build, check and measure one cell in this process; a JSON-able report.

    ``reference``: the limit's arrays (a path to an .npz) to check against; ``save``: where to
    put this system's arrays (the limit's run). Its "status" is "ok", "disagrees" (not timed)
    or "not installed".
    """
    workload, system = WORKLOADS[workload_key], SYSTEMS[system_key]
    try:
        case = workload.load().build(system_key, workload_key)
    except ModuleNotFoundError as error:
        if system.package and (error.name or "").split(".")[0] == system.package:
            return {"status": "not installed", "detail": f"no module {error.name!r}"}
        raise
    report = {"version": version_of(system), "note": case.note}
    if workload.kind == "memory":
        for _ in range(STEPS):
            case.timed["step"]()
        report["rss_mib"] = peak_rss_mib()
    found = case.check()
    if save:
        np.savez(save, **found)
    if reference:
        with np.load(reference, allow_pickle=False) as expected:
            report["check"] = timing.compare(found, dict(expected), case.tolerance)
        if not report["check"]["agree"]:
            return {**report, "status": "disagrees", "detail": report["check"]["detail"]}
    if workload.kind != "memory":
        case = with_limit_in_turns(case, workload, system_key)
        times, calls, repeats = timing.measure(case, settings)
        scaled = {name: [t * workload.scale for t in values] for name, values in times.items()}
        limit_times = scaled.pop(PAIRED_LIMIT, None)
        calls.pop(PAIRED_LIMIT, None)
        report.update(times=scaled, calls=calls, repeats=repeats)
        if limit_times is not None:
            report["limit_times"] = limit_times
    return {**report, "status": "ok"}


PAIRED_LIMIT = "the limit, in turns"


def with_limit_in_turns(case, workload, system_key):
    """``case`` with the limit's call timed in turns with its own, where the two can be paired
    (one timed call each, no reset): each repeat then times both under the same load, and the
    ratio of the pair does not move with a machine whose speed drifts between cells."""
    if workload.kind != "time" or system_key == LIMIT or case.reset is not None:
        return case
    limit = workload.load().build(LIMIT, workload.key)
    if limit.reset is not None or len(limit.timed) != 1 or len(case.timed) != 1:
        return case
    (limit_call,) = limit.timed.values()
    return dataclasses.replace(case, timed={**case.timed, PAIRED_LIMIT: limit_call})


def version_of(system):
    if system.package is None:
        return ""
    if system.package == "chainrule":  # the working tree's, which may differ from an install
        return importlib.import_module("chainrule").__version__
    try:
        return importlib.metadata.version(system.package)
    except importlib.metadata.PackageNotFoundError:
        return getattr(sys.modules.get(system.package), "__version__", "")


def peak_rss_mib():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes there, KiB here


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=WORKLOADS)
    parser.add_argument("system", choices=SYSTEMS)
    parser.add_argument("--repeats", type=int, default=timing.Settings.repeats)
    parser.add_argument("--repeat-seconds", type=float, default=timing.Settings.repeat_seconds)
    parser.add_argument("--cell-seconds", type=float, default=timing.Settings.cell_seconds)
    parser.add_argument("--clock", choices=timing.CLOCKS, default=timing.Settings.clock)
    parser.add_argument("--cpu", type=int, default=None, help="pin to this CPU")
    parser.add_argument("--reference", help="the limit's arrays (.npz) to check against")
    parser.add_argument("--save", help="write this system's arrays here (.npz)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    isolation.pin(args.cpu)
    settings = timing.Settings(args.repeats, args.repeat_seconds, args.cell_seconds, args.clock)
    report = run_cell(args.workload, args.system, settings, args.reference, args.save)
    report["settings"] = dataclasses.asdict(settings)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
