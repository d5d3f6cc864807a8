"""The benchmark: workloads W1–W7 on chainrule, hand-written NumPy (the limit) and the peers.

    python bench/run.py                      # everything, about 10–15 minutes
    python bench/run.py --quick              # fewer and shorter repeats, a few minutes
    python bench/run.py --workloads W1,W5 --systems chainrule,PyTorch

Each (workload, system) cell runs in a process of its own (bench/worker.py), pinned to one CPU
and one thread, checked against the limit, warmed up and then timed. The report goes to stdout
and to bench/RESULTS.md; see docs/benchmarks.md.
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from bench import isolation, report, timing  # noqa: E402
from bench.workloads import LIMIT, SYSTEMS, WORKLOADS  # noqa: E402

HERE = ROOT / "bench"
MEMORY_RUNS = {"full": 3, "quick": 1}  # fresh processes per W7 cell


def select_workloads(text):
    """``W1,W5`` → ["W1", "W5a", "W5b", "W5c"]: a group names all its parts."""
    if not text:
        return list(WORKLOADS)
    chosen = []
    for name in (part.strip().upper() for part in text.split(",") if part.strip()):
        matches = [key for key in WORKLOADS if key.upper() == name or key[:2] == name]
        if not matches:
            raise SystemExit(
                f"run.py: unknown workload {name!r}; choose from {', '.join(WORKLOADS)}"
            )
        chosen += [key for key in matches if key not in chosen]
    return [key for key in WORKLOADS if key in chosen]


def select_systems(text):
    """``chainrule,PyTorch`` → the keys, with the limit always first; "JAX" and "chainrule"
    name both modes (eager and jit)."""
    if not text:
        return list(SYSTEMS)
    chosen = {LIMIT}
    for name in (part.strip().lower() for part in text.split(",") if part.strip()):
        matches = [
            key
            for key, system in SYSTEMS.items()
            if name in (key, system.label.lower())
            or (name in ("jax", "chainrule") and key.startswith(name))
        ]
        if not matches:
            labels = ", ".join(system.label for system in SYSTEMS.values())
            raise SystemExit(f"run.py: unknown system {name!r}; choose from {labels}")
        chosen.update(matches)
    return [key for key in SYSTEMS if key in chosen]


def run_worker(workload, system, args, scratch):
    """The cell's report from a fresh worker process (several for W7, their RSS gathered)."""
    reference = scratch / f"{workload}.npz"
    command = [sys.executable, str(HERE / "worker.py"), workload, system, *worker_flags(args)]
    command += ["--save" if system == LIMIT else "--reference", str(reference)]
    memory = WORKLOADS[workload].kind == "memory"
    environment = {**os.environ, **isolation.THREADS}
    if not (memory or args.default_malloc):  # W7 measures memory as users' processes use it
        environment.update(isolation.STEADY_MALLOC)
    runs = MEMORY_RUNS[args.mode] if memory else 1
    reports = [one_process(command, environment, args.timeout) for _ in range(runs)]
    failed = [r for r in reports if r["status"] != "ok"]
    if failed:
        return failed[0]
    if memory:
        return {**reports[0], "rss": [r["rss_mib"] for r in reports]}
    return reports[0]


def worker_flags(args):
    settings = args.settings
    flags = ["--repeats", settings.repeats, "--repeat-seconds", settings.repeat_seconds]
    flags += ["--cell-seconds", settings.cell_seconds, "--clock", settings.clock]
    flags += ["--cpu", args.cpu] if args.cpu is not None else []
    return [str(flag) for flag in flags]


def one_process(command, environment, timeout):
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=environment, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return {"status": "timed out", "detail": f"after {timeout} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        errors = done.stderr.strip().splitlines() or ["no output"]
        return {"status": "failed", "detail": errors[-1].replace("|", "/"), "error": errors[-20:]}
    return json.loads(lines[-1])


# A cell in any other state did not give its figure: the table would be short of a row.
COMPLETE = ("ok", "n/a", "not checked")


def incomplete_cells(results):
    """``[(workload, system, report)]`` for every cell that did not run to a checked figure."""
    return [
        (workload, system, found)
        for workload, cell in results.items()
        for system, found in cell.items()
        if found["status"] not in COMPLETE
    ]


def explain_incomplete(incomplete):
    """One paragraph per cell that did not run: what it was, and the peer's own error."""
    for workload, system, found in incomplete:
        label = SYSTEMS[system].label
        print(
            f"run.py: {workload} on {label}: {found['status']}: {found.get('detail', '')}",
            file=sys.stderr,
        )
        for line in found.get("error", [])[:-1]:
            print(f"    {line}", file=sys.stderr)
        if found["status"] == "not installed":
            print(
                "    the peers come with the bench extra: pip install -e '.[bench]'",
                file=sys.stderr,
            )


def run_workload(workload, systems, args, scratch):
    """{system: report} for one workload, the limit first: the others are checked against it."""
    module = WORKLOADS[workload].load()
    cell = {}
    for system in systems:
        reason = module.skip(system, workload)
        if reason:
            cell[system] = {"status": "n/a", "detail": reason}
        elif system != LIMIT and cell[LIMIT]["status"] != "ok":
            cell[system] = {"status": "not checked", "detail": "the limit did not run"}
        else:
            started = time.perf_counter()
            cell[system] = run_worker(workload, system, args, scratch)
            progress(workload, system, cell[system], time.perf_counter() - started)
    return cell


def progress(workload, system, result, seconds):
    found = report.figures(WORKLOADS[workload], result)
    shown = f"{found[0]:.4g} {WORKLOADS[workload].unit}" if found else result.get("detail", "")
    check = result.get("check") or {}
    agreement = f"max abs Δ {check['max_abs']:.1e}" if check.get("max_abs") is not None else ""
    print(
        f"  {workload:4} {SYSTEMS[system].label:14} {result['status']:10} {agreement:18} "
        f"{shown}  ({seconds:.0f} s)",
        file=sys.stderr,
        flush=True,
    )


def header(args, started, load_before, seconds):
    import numpy as np  # only for its version: the driver itself measures nothing

    load_after = os.getloadavg()
    loads = "/".join(f"{value:.2f}" for value in load_before)
    settings = args.settings
    allocator = (
        "glibc's default allocator settings"
        if args.default_malloc
        else "glibc's allocator keeping freed memory for reuse (MALLOC_MMAP_THRESHOLD_=32 MiB, "
        "MALLOC_TRIM_THRESHOLD_=128 MiB), so that no cell pays page faults another escapes by "
        "chance"
    )
    return [
        f"Command: `{args.command}` · {started:%Y-%m-%d %H:%M} · {seconds / 60:.1f} min",
        "",
        f"Python {platform.python_version()} · NumPy {np.__version__} · {cpu_model()} · "
        f"{os.cpu_count()} CPUs · load average (1/5/15 min) {loads} at the start, "
        f"{'/'.join(f'{value:.2f}' for value in load_after)} at the end.",
        "",
        f"Each cell in its own process, pinned to CPU {args.cpu} with one thread; checked "
        "against the limit (hand-written) before anything is timed; one untimed warm-up, then "
        f"a median over {settings.repeats} repeats (at least {timing.MIN_REPEATS} when a call "
        f"is slow), a repeat calling the function for about {settings.repeat_seconds} s; "
        f"{settings.clock} time; garbage collection on, collected before each repeat; "
        f"{allocator}. Where a system's cell and the limit's are each one timed call without "
        "a reset, the cell also times the limit's call, in turns with its own, and its ÷ limit "
        "is the median of the repeats' ratios. W7 runs "
        f"{MEMORY_RUNS[args.mode]} fresh process(es) per system, with the default allocator.",
    ]


def cpu_model():
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def parse(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workloads", help="e.g. W1,W5 or W4b (default: all)")
    parser.add_argument("--systems", help="e.g. chainrule,PyTorch,JAX (the limit always runs)")
    parser.add_argument("--quick", action="store_true", help="3 short repeats; one W7 process")
    parser.add_argument("--repeats", type=int, help="timed repeats per cell (default 7; quick 3)")
    parser.add_argument("--clock", choices=timing.CLOCKS, default="cpu")
    parser.add_argument("--cpu", type=int, default=isolation.default_cpu(), help="pin cells here")
    parser.add_argument("--timeout", type=int, default=600, help="seconds before a cell is cut")
    parser.add_argument(
        "--default-malloc",
        action="store_true",
        help="time with glibc's own allocator thresholds (page faults included)",
    )
    parser.add_argument("--output", type=pathlib.Path, default=HERE / "RESULTS.md")
    parser.add_argument("--no-save", action="store_true", help="print the report only")
    args = parser.parse_args(argv)
    args.mode = "quick" if args.quick else "full"
    base = timing.QUICK if args.quick else timing.Settings()
    args.settings = timing.Settings(
        repeats=args.repeats or base.repeats,
        repeat_seconds=base.repeat_seconds,
        cell_seconds=base.cell_seconds,
        clock=args.clock,
    )
    args.command = " ".join(["python bench/run.py", *(argv if argv is not None else sys.argv[1:])])
    return args


def write_atomically(path, text):
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def main(argv=None):
    args = parse(argv)
    workloads, systems = select_workloads(args.workloads), select_systems(args.systems)
    started, clock, load_before = datetime.datetime.now(), time.perf_counter(), os.getloadavg()
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for workload in workloads:
            results[workload] = run_workload(workload, systems, args, pathlib.Path(scratch))
    lines = header(args, started, load_before, time.perf_counter() - clock)
    text = report.render(results, lines)
    print(text)
    incomplete = incomplete_cells(results)
    if incomplete:
        explain_incomplete(incomplete)
        print(
            f"run.py: {len(incomplete)} cell(s) did not run; {args.output} was left as it was",
            file=sys.stderr,
        )
        return 1
    if not args.no_save:
        write_atomically(args.output, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
