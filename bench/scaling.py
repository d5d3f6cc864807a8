"""How chainrule's cost grows with the work, beside hand-written NumPy: W1 and W6 at 1×, 10× and
100× their size (per-op cost), W3 with the batch from 32 to 2048 (per-step cost).

    python bench/scaling.py                          # everything, about 4 minutes
    python bench/scaling.py --parts W6a,W3 --repeats 3
    python bench/scaling.py --sizes 1,10 --batches 32,256 --no-save
    python bench/scaling.py --help                   # every option

The workloads are bench/workloads' own, resized: W1's number of terms and W6's depth are
multiplied by each size, W3's batch replaced. Each (part, size, system) cell runs in a process of
its own, pinned to one CPU with one thread, is checked against the hand-written result, then
timed: the median over repeats, with min and max. A call slower than 2 s (W1 at 100×: about
26 s, 2,000,000 ops) is not called again to size a repeat and gets fewer repeats. The tables go
to stdout and to bench/SCALING.md; docs/performance.md explains them.
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import isolation  # noqa: E402

if __name__ == "__main__":
    isolation.limit_threads()  # before NumPy is imported, here and in every cell's process

import argparse  # noqa: E402
import contextlib  # noqa: E402
import dataclasses  # noqa: E402
import datetime  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from bench import report, run, timing  # noqa: E402
from bench.workloads import LIMIT, SYSTEMS, deep_chain, mlp, scalar_graph  # noqa: E402

SYSTEM_KEYS = (LIMIT, "chainrule")
SLOW_SECONDS = 2.0  # a call this slow sizes the repeats by itself and gets fewer of them


@dataclasses.dataclass(frozen=True)
class Part:
    """A workload whose size can be changed: ``module.knob`` is set to the size for a cell."""

    key: str
    module: object
    knob: str  # "TERMS", "DEPTH", or "batch" (W3's Config field)
    ops_per_unit: int  # recorded ops per term or link; 0: a whole step is the unit

    @property
    def per_op(self):
        return self.ops_per_unit > 0

    def base(self):
        if self.knob == "batch":
            return mlp.CONFIGS[self.key].batch
        return getattr(self.module, self.knob)

    @contextlib.contextmanager
    def sized(self, size):
        """The workload module, set to ``size`` (terms, depth or batch) and restored after."""
        name = "CONFIGS" if self.knob == "batch" else self.knob
        before = getattr(self.module, name)
        if self.knob == "batch":
            config = dataclasses.replace(before[self.key], batch=size)
            setattr(self.module, name, {**before, self.key: config})
        else:
            setattr(self.module, name, size)
        try:
            yield
        finally:
            setattr(self.module, name, before)


# W1: x·w, + b, relu, ², + s: five recorded ops a term. W6: one sin a link.
PARTS = {
    part.key: part
    for part in (
        Part("W1", scalar_graph, "TERMS", 5),
        Part("W6a", deep_chain, "DEPTH", 1),
        Part("W6b", deep_chain, "DEPTH", 1),
        Part("W3", mlp, "batch", 0),
    )
}


@dataclasses.dataclass(frozen=True)
class Settings:
    repeats: int = 5  # timed repeats a cell
    slow_repeats: int = 3  # repeats when one call takes over SLOW_SECONDS
    repeat_seconds: float = 0.2  # a repeat calls the function this long, at least once
    clock: str = "cpu"  # a key of timing.CLOCKS
    gc_off: bool = False  # the garbage collector off during the timed calls

    def flags(self):
        """The command-line flags that give these settings back (to a cell's process)."""
        named = {f"--{name.replace('_', '-')}": value for name, value in vars(self).items()}
        return [
            f"{flag}={value}" if type(value) is not bool else flag
            for flag, value in named.items()
            if value is not False
        ]


def run_cell(part_key, size, system, settings, reference=None, save=None):
    """Build, check and time one cell in this process; a JSON-able report (seconds per call).

    The check runs first and is the warm-up; ``reference``/``save``: the limit's arrays (.npz).
    """
    part, clock = PARTS[part_key], timing.CLOCKS[settings.clock]
    with part.sized(size):
        case = part.module.build(system, part_key)
        started = clock()
        found = case.check()
        first = clock() - started
        if save:
            np.savez(save, **found)
        check = None
        if reference:
            with np.load(reference, allow_pickle=False) as expected:
                check = timing.compare(found, dict(expected), case.tolerance)
            if not check["agree"]:
                return {"status": "disagrees", "detail": check["detail"], "check": check}
        times, calls = time_case(case, first, settings, clock)
    return {"status": "ok", "check": check, "times": times, "calls": calls}


def time_case(case, first, settings, clock):
    """Seconds per call over each repeat, and the calls a repeat makes."""
    (function,) = case.timed.values()
    single = first if first > SLOW_SECONDS else timing.calls_take(case, function, 1, clock)
    calls = max(1, min(timing.MAX_CALLS, round(settings.repeat_seconds / max(single, 1e-9))))
    repeats = settings.repeats if single <= SLOW_SECONDS else settings.slow_repeats
    times = []
    for _ in range(min(repeats, settings.repeats)):
        gc.collect()
        if settings.gc_off:
            gc.disable()
        try:
            times.append(timing.calls_take(case, function, calls, clock) / calls)
        finally:
            gc.enable()
    return times, calls


def measure_cell(part_key, size, system, args, scratch):
    """The cell's report, from a fresh process (or from this one with ``--in-process``)."""
    data = scratch / f"{part_key}-{size}.npz"
    where = {"save" if system == LIMIT else "reference": data}
    if args.in_process:
        return run_cell(part_key, size, system, args.settings, **where)
    command = [sys.executable, str(pathlib.Path(__file__).resolve()), "--cell", part_key]
    command += [str(size), system, *args.settings.flags()]
    command += [f"--{name}={path}" for name, path in where.items()]
    command += [f"--cpu={args.cpu}"] if args.cpu is not None else []
    environment = {**os.environ, **isolation.THREADS, **isolation.STEADY_MALLOC}
    return run.one_process(command, environment, args.timeout)


def sizes_for(part, args):
    """[(size, label)]: W3's batches, or W1's and W6's base size times each scale."""
    if part.knob == "batch":
        return [(batch, f"{batch:,}") for batch in args.batches]
    return [(max(1, round(part.base() * scale)), f"{scale:g}×") for scale in args.sizes]


def measure_all(args):
    """{(part, size label): (size, {system: report})}, the limit first; progress on stderr."""
    found = {}
    with tempfile.TemporaryDirectory() as folder:
        scratch = pathlib.Path(folder)
        for key in args.parts:
            for size, shown in sizes_for(PARTS[key], args):
                found[key, shown] = (size, measure_row(key, size, shown, args, scratch))
    return found


def measure_row(key, size, shown, args, scratch):
    cell = {}
    for system in SYSTEM_KEYS:
        if system != LIMIT and cell[LIMIT]["status"] != "ok":
            cell[system] = {"status": "not checked", "detail": "the limit did not run"}
            continue
        started = time.perf_counter()
        cell[system] = measure_cell(key, size, system, args, scratch)
        print(
            f"  {key:4} {shown:>6} {SYSTEMS[system].label:13} {cell[system]['status']:10} "
            f"({time.perf_counter() - started:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
    return cell


# --- the report -------------------------------------------------------------------------------


def spread(result, scale):
    """A cell's median and its text "median (min–max)", in the unit ``scale`` gives."""
    if result.get("status") != "ok":
        return None, f"{result['status']}: {result.get('detail', '')}".rstrip(": ")
    values = [t * scale for t in result["times"]]
    value = statistics.median(values)
    shown = f"{report.number(value)} ({report.number(min(values))}–{report.number(max(values))})"
    return value, shown


def repeats_text(cell):
    return " / ".join(
        f"{len(cell[s]['times'])}×{cell[s]['calls']}" if "times" in cell[s] else "–"
        for s in SYSTEM_KEYS
    )


def table(columns, alignment, rows):
    return [f"| {' | '.join(columns)} |", f"|{'|'.join(alignment)}|", *rows]


def compared(cell, scale):
    """The limit's and chainrule's medians in the unit ``scale`` gives, the cells a row shows in
    its middle (both figures, their ratio) and at its end (the check, the repeats)."""
    limit, limit_text = spread(cell[LIMIT], scale)
    ours, ours_text = spread(cell["chainrule"], scale)
    middle = [limit_text, ours_text, report.ratio(ours, limit)]
    end = [report.check_text("chainrule", cell["chainrule"]), repeats_text(cell)]
    return limit, ours, middle, end


def per_op_table(found):
    rows = []
    for (key, shown), (size, cell) in found.items():
        part = PARTS[key]
        if part.per_op:
            ops = size * part.ops_per_unit
            limit, ours, middle, end = compared(cell, 1e6 / ops)
            per_call = report.number(ours * ops / 1e3) if ours else "–"
            rows.append(f"| {key} | {shown} | {ops:,} | {' | '.join([*middle, per_call, *end])} |")
    columns = ["part", "size", "ops a call", "hand-written µs/op", "chainrule µs/op"]
    columns += ["chainrule ÷ hand-written", "chainrule ms a call", "check", "repeats × calls"]
    return table(columns, ["---"] + ["---:"] * 6 + ["---", "---"], rows)


def matmul_flops(config):
    """Multiply-adds ×2 of one step: forward, weight gradients, and the hidden layers' input
    gradients (the data's own gradient is needed by neither side)."""
    products = [fan_in * fan_out for fan_in, fan_out in zip(config.sizes, config.sizes[1:])]
    return 2 * config.batch * (2 * sum(products) + sum(products[1:]))


def per_step_table(found):
    rows = []
    for (key, shown), (size, cell) in found.items():
        if not PARTS[key].per_op:
            limit, ours, middle, end = compared(cell, 1e3)
            difference = f"{ours - limit:+.2f}" if ours and limit else "–"
            config = dataclasses.replace(mlp.CONFIGS[key], batch=size)
            rate = report.number(matmul_flops(config) / limit / 1e6) if limit else "–"
            rows.append(f"| {shown} | {' | '.join([*middle, difference, rate, *end])} |")
    columns = ["batch", "hand-written ms/step", "chainrule ms/step", "chainrule ÷ hand-written"]
    columns += ["chainrule − hand-written, ms", "hand-written matmul GFLOP/s", "check"]
    return table([*columns, "repeats × calls"], ["---:"] * 6 + ["---", "---"], rows)


def header(args, started, loads, seconds):
    load_text = " → ".join("/".join(f"{value:.2f}" for value in load) for load in loads)
    where = (
        "all in this one process, not pinned"
        if args.in_process
        else f"each in a process of its own, pinned to CPU {args.cpu}"
    )
    settings = args.settings
    collector = "collection off while timing" if settings.gc_off else "collection on"
    return [
        f"Command: `{args.command}` · {started:%Y-%m-%d %H:%M} · {seconds / 60:.1f} min",
        "",
        f"Python {platform.python_version()} · NumPy {np.__version__} · {run.cpu_model()} · "
        f"{os.cpu_count()} CPUs, shared · load average (1/5/15 min) {load_text} (start → end).",
        "",
        f"Cells {where}, one thread; checked against "
        "hand-written NumPy first (that call is the warm-up), then a median over "
        f"{settings.repeats} repeats ({settings.slow_repeats} when one call takes over "
        f"{SLOW_SECONDS:g} s), a repeat calling the function for about "
        f"{settings.repeat_seconds} s; {settings.clock} time; garbage {collector}, collected "
        "before each repeat. Figures: median (min–max) over the repeats.",
    ]


def render(found, lines):
    parts = ["# How the cost grows", "", *lines, ""]
    if any(PARTS[key].per_op for key, _ in found):
        parts += ["## Per op: W1 (scalar graph) and W6 (deep chain, 0-d and 10-vector)", ""]
        parts += [*per_op_table(found), ""]
        terms, links = PARTS["W1"].base(), PARTS["W6a"].base()
        parts += [f"Sizes multiply W1's {terms:,} terms (five ops each) and W6's {links:,} links."]
        parts += [""]
    if any(not PARTS[key].per_op for key, _ in found):
        parts += ["## Per step: W3 (MLP 784→1024→1024→10, relu, float32) by batch", ""]
        parts += [*per_step_table(found), ""]
    return "\n".join(parts)


# --- the command ------------------------------------------------------------------------------


def number_list(kind):
    return lambda text: [kind(part) for part in text.split(",") if part.strip()]


def parse(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--parts",
        type=lambda text: [p.strip() for p in text.split(",")],
        default=list(PARTS),
        help="e.g. W1,W6a (default: W1,W6a,W6b,W3)",
    )
    parser.add_argument(
        "--sizes",
        type=number_list(float),
        default=[1, 10, 100],
        help="multiples of W1's and W6's size (default 1,10,100)",
    )
    parser.add_argument(
        "--batches",
        type=number_list(int),
        default=[32, 128, 512, 2048],
        help="W3's batch sizes (default 32,128,512,2048)",
    )
    parser.add_argument(
        "--repeats", type=int, default=Settings.repeats, help="timed repeats a cell (default 5)"
    )
    parser.add_argument(
        "--slow-repeats",
        type=int,
        default=Settings.slow_repeats,
        help=f"repeats when one call takes over {SLOW_SECONDS:g} s (default 3)",
    )
    parser.add_argument(
        "--repeat-seconds",
        type=float,
        default=Settings.repeat_seconds,
        help="how long one repeat calls the function (default 0.2)",
    )
    parser.add_argument(
        "--clock",
        choices=timing.CLOCKS,
        default=Settings.clock,
        help="the process's CPU time (default) or elapsed time",
    )
    parser.add_argument(
        "--gc-off",
        action="store_true",
        help="turn the garbage collector off while timing (to see what it costs)",
    )
    parser.add_argument("--cpu", type=int, default=isolation.default_cpu(), help="pin cells here")
    parser.add_argument("--timeout", type=int, default=600, help="seconds before a cell is cut")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run every cell in this process (quick looks, the smoke test)",
    )
    parser.add_argument("--output", type=pathlib.Path, default=ROOT / "bench" / "SCALING.md")
    parser.add_argument("--no-save", action="store_true", help="print the tables only")
    # One cell, in the process the command starts for it.
    parser.add_argument("--cell", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--save", help=argparse.SUPPRESS)
    parser.add_argument("--reference", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    unknown = [key for key in args.parts if key not in PARTS]
    if unknown:
        parser.error(f"unknown part {unknown[0]!r}; choose from {', '.join(PARTS)}")
    args.settings = Settings(
        args.repeats, args.slow_repeats, args.repeat_seconds, args.clock, args.gc_off
    )
    args.command = " ".join(["python bench/scaling.py", *(sys.argv[1:] if argv is None else argv)])
    return args


def cell_main(args):
    part_key, size, system = args.cell
    isolation.pin(args.cpu)
    found = run_cell(part_key, int(size), system, args.settings, args.reference, args.save)
    print(json.dumps(found))
    return 0


def main(argv=None):
    args = parse(argv)
    if args.cell:
        return cell_main(args)
    started, clock, load_before = datetime.datetime.now(), time.perf_counter(), os.getloadavg()
    found = measure_all(args)
    seconds = time.perf_counter() - clock
    text = render(found, header(args, started, (load_before, os.getloadavg()), seconds))
    print(text)
    if not args.no_save:
        run.write_atomically(args.output, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
