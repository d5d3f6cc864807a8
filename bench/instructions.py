"""Instructions a call of a workload cell executes, counted by Valgrind's cachegrind: a figure
that the machine's load does not move, for changes of a few percent that timing cannot resolve
on a shared machine.

    python bench/instructions.py W2 numpy,chainrule            # instructions a step
    python bench/instructions.py W6b numpy,chainrule --cache   # and cache misses, mispredicts

Each system runs twice under cachegrind in processes of its own, built and warmed up alike:
once without timed calls and once with ``--calls`` of them; the difference divided by the
calls is the cost of one call, with start-up, imports and building cancelled out. ``--cache``
adds cachegrind's simulated instruction and data cache misses and branch mispredictions: an
interpreter's dispatch mispredicts, and its code misses the instruction cache, far more per
instruction than NumPy's loops, so a step of Python costs more time per instruction than a
step of NumPy (docs/performance.md, Performance VI). Counts are of one thread; BLAS runs on one.

Needs Valgrind (``apt-get install valgrind`` on Debian or Ubuntu); the run takes about a
minute a system, most of it Python starting under the simulator.
"""

import argparse
import concurrent.futures
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # this working tree's chainrule and bench

from bench import isolation  # noqa: E402

if __name__ == "__main__":
    isolation.limit_threads()  # before NumPy is imported

# cachegrind's summary lines and the names this report gives them; the first is always there,
# the others with --cache.
COUNTERS = {
    "I refs": "instructions",
    "I1 misses": "instruction cache misses",
    "D1 misses": "data cache misses",
    "LL misses": "last-level misses",
    "Mispredicts": "branch mispredictions",
}
_SUMMARY = re.compile(r"^==\d+== ([A-Za-z0-9 ]+?):\s+([\d,]+)", re.MULTILINE)


def parse_summary(stderr):
    """The counters of cachegrind's summary (``stderr`` of a run) by their names in COUNTERS."""
    found = {}
    for name, count in _SUMMARY.findall(stderr):
        name = " ".join(name.split())
        if name in COUNTERS and COUNTERS[name] not in found:
            found[COUNTERS[name]] = int(count.replace(",", ""))
    if "instructions" not in found:
        raise RuntimeError("cachegrind printed no summary:\n" + stderr[-2000:])
    return found


def per_call(without, with_calls, calls):
    """Each counter's difference between a run with ``calls`` timed calls and one without,
    per call."""
    return {name: (with_calls[name] - without[name]) / calls for name in without}


def valgrind():
    """The valgrind program, or SystemExit saying how to get it."""
    found = shutil.which("valgrind")
    if found is None:
        raise SystemExit("bench/instructions.py needs Valgrind: apt-get install valgrind (Debian, "
                         "Ubuntu), or your system's package of it")
    return found


def count(workload, system, calls, cache):
    """cachegrind's counters for a run of ``calls`` calls of the cell (after its warm-up)."""
    with tempfile.TemporaryDirectory() as scratch:
        command = [valgrind(), "--tool=cachegrind", f"--cachegrind-out-file={scratch}/out",
                   *(["--cache-sim=yes", "--branch-sim=yes"] if cache else ["--cache-sim=no"]),
                   sys.executable, str(pathlib.Path(__file__).resolve()), "--child",
                   workload, system, "--calls", str(calls)]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, **isolation.STEADY_MALLOC})
    if done.returncode != 0:
        raise RuntimeError(f"{system} on {workload} failed under cachegrind:\n"
                           + done.stderr[-3000:])
    return parse_summary(done.stderr)


def measure(workload, system, calls, cache):
    """The counters of one call of ``system``'s cell, from a run with and one without calls."""
    with concurrent.futures.ThreadPoolExecutor(2) as pool:  # the two runs side by side
        without, with_calls = pool.map(lambda n: count(workload, system, n, cache), (0, calls))
    return per_call(without, with_calls, calls)


def run_child(workload, system, calls):
    """Build the cell, check nothing, warm it up twice, then make ``calls`` calls."""
    from bench.workloads import WORKLOADS

    case = WORKLOADS[workload].load().build(system, workload)
    (call,) = case.timed.values()
    for _ in range(2 + calls):
        call()


def table(workload, results, calls):
    systems = list(results)
    first = results[systems[0]]
    lines = [f"# Instructions a call: {workload}", "",
             f"Command: `python bench/instructions.py {workload} {','.join(systems)}"
             f"{' --cache' if len(first) > 1 else ''} --calls {calls}`", "",
             "| system | " + " | ".join(first) + " | instructions ÷ " + systems[0] + " |",
             "|---|" + "---:|" * (len(first) + 1)]
    for system, found in results.items():
        cells = [f"{round(value):,}" for value in found.values()]
        ratio = found["instructions"] / first["instructions"]
        lines.append(f"| {system} | " + " | ".join(cells) + f" | {ratio:.3f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workload")
    parser.add_argument("systems", help="comma-separated, e.g. numpy,chainrule")
    parser.add_argument("--calls", type=int, default=20, help="calls in the counted run")
    parser.add_argument("--cache", action="store_true",
                        help="also simulate the caches and branch predictor (slower)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:  # the process cachegrind runs: calls=0 is the run without calls
        return run_child(args.workload, args.systems, args.calls)
    from bench.workloads import SYSTEMS, WORKLOADS

    timed = [key for key, workload in WORKLOADS.items() if workload.kind == "time"]
    if args.workload not in timed:
        parser.error(f"{args.workload}: not a timed workload (one of {', '.join(timed)})")
    systems = args.systems.split(",")
    for system in systems:
        if system not in SYSTEMS:
            parser.error(f"{system}: not a system of the benchmark (one of {', '.join(SYSTEMS)})")
        why = WORKLOADS[args.workload].load().skip(system, args.workload)
        if why:
            parser.error(f"{system} does not run {args.workload}: {why}")
    if args.calls < 1:
        parser.error("--calls must be at least 1")
    valgrind()
    results = {system: measure(args.workload, system, args.calls, args.cache)
               for system in systems}
    print(table(args.workload, results, args.calls))
    return None


if __name__ == "__main__":
    main()
