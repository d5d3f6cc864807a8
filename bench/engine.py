"""The engine benchmark: chainrule beside hand-written code and other autodiff systems.

Run ``python bench/engine.py`` from the repository root. Each (workload, system) pair runs in
its own single-threaded process; its results are checked against the hand-written version
before it is timed. The table goes to stdout and to bench/RESULTS-engine.md.
"""

import os

# One thread everywhere, set before NumPy (or any peer) is imported, in this process and in
# every worker it starts (they inherit the environment).
THREADS = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
}
os.environ.update(THREADS)

import argparse  # noqa: E402
import datetime  # noqa: E402
import gc  # noqa: E402
import importlib  # noqa: E402
import importlib.metadata  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
# Measure the chainrule of this working tree, installed or not.
sys.path.insert(1, str(HERE.parent))

WORKLOADS = {
    "scalar": ("scalar_graph", "(a) Scalar graph: 20,000 float64 scalar ops, forward + backward"),
    "mlp": (
        "mlp_step",
        "(b) MLP training step: 64→128→128→10, tanh, cross-entropy, batch 32, float32, SGD",
    ),
}
# CPU time of the worker (all its threads) is what other work on a shared machine disturbs
# least; on an idle machine it equals wall time for these one-thread runs.
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
# Units per timed repeat: a scalar graph takes long enough alone; MLP steps are batched.
UNITS_PER_REPEAT = {"scalar": 1, "mlp": 20}


# --- worker: one system, one workload, in its own process -------------------------------------


def work(workload, name, repeats, units, clock, reference, save):
    """Check the system against the reference, then time it; return a JSON-able report."""
    module = importlib.import_module(WORKLOADS[workload][0])
    system_class = module.SYSTEMS[name]
    try:
        system = system_class()
    except ModuleNotFoundError as error:
        if system_class.package and error.name.split(".")[0] == system_class.package:
            return {"status": "not installed"}
        raise
    found = system.check()
    if save:
        np.savez(save, **found)
    if reference:
        mismatch = compare(found, np.load(reference), system.tolerance)
        if mismatch:
            return {"status": "disagrees", "detail": mismatch}
    times = measure(system, repeats, units, CLOCKS[clock])
    return {
        "status": "ok",
        "times": [module.per_unit(t) for t in times],
        "version": version_of(system_class.package),
        "note": getattr(system, "note", ""),
        "grad_dtypes": sorted({str(v.dtype) for v in found.values() if v.ndim}),
    }


def compare(found, reference, tolerance):
    """'' when every array agrees with the reference within tolerance, else what differs."""
    for key in reference.files:
        if key not in found or found[key].shape != reference[key].shape:
            return f"{key}: missing or of another shape"
        if not np.allclose(found[key], reference[key], **tolerance):
            worst = np.max(np.abs(found[key] - reference[key]))
            return f"{key} differs from the hand-written result by up to {worst:.3g}"
    return ""


def measure(system, repeats, units, clock):
    """Seconds per unit for each repeat, after one untimed warm-up (compilation, caches)."""
    system.reset()
    system.run()
    system.sync()
    times = []
    for _ in range(repeats):
        system.reset()
        gc.collect()
        start = clock()
        for _ in range(units):
            system.run()
        system.sync()
        times.append((clock() - start) / units)
    return times


def version_of(package):
    if package is None:
        return ""
    found = getattr(importlib.import_module(package), "__version__", "")
    try:
        return found or importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return ""


# --- driver: every system, side by side ---------------------------------------------------------


def run_worker(workload, name, args, reference=None, save=None):
    command = [
        sys.executable,
        str(HERE / "engine.py"),
        "--worker",
        workload,
        name,
        "--repeats",
        str(args.repeats),
        "--clock",
        args.clock,
        "--units",
        str(args.units or UNITS_PER_REPEAT[workload]),
    ]
    command += ["--reference", reference] if reference else []
    command += ["--save", save] if save else []
    done = subprocess.run(command, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"status": "failed", "detail": last}
    return json.loads(lines[-1])


def run_workload(workload, args, scratch):
    module = importlib.import_module(WORKLOADS[workload][0])
    reference = str(scratch / f"{workload}-reference.npz")
    results = {}
    for name in module.SYSTEMS:
        if args.systems and name not in args.systems and name != module.LIMIT:
            continue
        print(f"  {workload}: {name} ...", file=sys.stderr, flush=True)
        if name == module.LIMIT:
            results[name] = run_worker(workload, name, args, save=reference)
        else:
            results[name] = run_worker(workload, name, args, reference=reference)
    return results


def table(workload, results):
    module = importlib.import_module(WORKLOADS[workload][0])
    limit = median_of(results.get(module.LIMIT))
    ours = median_of(results.get("chainrule"))
    unit = module.UNIT
    lines = [
        f"### {WORKLOADS[workload][1]}",
        "",
        f"| system | median ({unit}) | min | max | ÷ hand-written | chainrule ÷ system |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    notes = []
    for name, result in results.items():
        label = f"{name} {result.get('version', '')}".strip()
        if result["status"] != "ok":
            detail = f": {result['detail']}" if result.get("detail") else ""
            lines.append(f"| {label} | {result['status']}{detail} | | | | |")
            continue
        times = result["times"]
        median = statistics.median(times)
        lines.append(
            f"| {label} | {median:.3g} | {min(times):.3g} | {max(times):.3g} | "
            f"{ratio(median, limit)} | {ratio(ours, median)} |"
        )
        dtypes = result["grad_dtypes"]
        if workload == "mlp" and dtypes != ["float32"]:
            notes.append(f"{name}: gradients came back as {', '.join(dtypes)}")
        if result["note"]:
            notes.append(f"{name}: {result['note']}")
    return "\n".join(lines + ([""] + [f"- {note}" for note in notes] if notes else []))


def median_of(result):
    return statistics.median(result["times"]) if result and result["status"] == "ok" else None


def ratio(numerator, denominator):
    if not (numerator and denominator):
        return "–"
    value = numerator / denominator
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def header(args):
    cpu = platform.processor() or platform.machine()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return "\n".join(
        [
            "## Engine benchmark",
            "",
            f"{datetime.date.today().isoformat()} · Python {platform.python_version()} · "
            f"NumPy {np.__version__} · {cpu} · one thread · {args.clock} time · median of "
            f"{args.repeats} repeats after a warm-up · each system in its own process, checked "
            "against the hand-written result before timing.",
            "",
            "Lower is better. “÷ hand-written” is a median over the hand-written code's median; "
            "“chainrule ÷ system” is chainrule's median over that system's (above 1: chainrule "
            "is slower).",
        ]
    )


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", choices=[*WORKLOADS, "all"], default="all")
    parser.add_argument(
        "--systems",
        type=lambda s: s.split(","),
        default=None,
        help="comma-separated names (the hand-written limit always runs)",
    )
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--units",
        type=int,
        default=None,
        help="units per repeat (default: 1 scalar graph, 20 MLP steps)",
    )
    parser.add_argument(
        "--clock",
        choices=CLOCKS,
        default="cpu",
        help="cpu: the process's CPU time (default); wall: elapsed time",
    )
    parser.add_argument(
        "--output",
        type=pathlib.Path,
        default=HERE / "RESULTS-engine.md",
        help="where the Markdown table goes",
    )
    parser.add_argument("--no-save", action="store_true", help="print the table only")
    parser.add_argument("--worker", nargs=2, metavar=("WORKLOAD", "SYSTEM"), help=argparse.SUPPRESS)
    parser.add_argument("--reference", help=argparse.SUPPRESS)
    parser.add_argument("--save", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    if args.worker:
        workload, name = args.worker
        report = work(
            workload, name, args.repeats, args.units, args.clock, args.reference, args.save
        )
        print(json.dumps(report))
        return 0
    workloads = list(WORKLOADS) if args.workload == "all" else [args.workload]
    known = {name for w in workloads for name in importlib.import_module(WORKLOADS[w][0]).SYSTEMS}
    unknown = sorted(set(args.systems or ()) - known)
    if unknown:
        sys.exit(
            f"engine.py: unknown system(s) {', '.join(unknown)}; choose from "
            f"{', '.join(sorted(known))}"
        )
    sections = [header(args)]
    with tempfile.TemporaryDirectory() as scratch:
        for workload in workloads:
            sections.append(table(workload, run_workload(workload, args, pathlib.Path(scratch))))
    text = "\n\n".join(sections) + "\n"
    print(text)
    if not args.no_save:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
