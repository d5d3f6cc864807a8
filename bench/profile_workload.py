"""Where chainrule's time goes on one workload: the share inside backward() timed plainly, the
profiled time split into the engine's parts, and the top functions by cProfile.

    python bench/profile_workload.py W1                   # W1 as the benchmark runs it
    python bench/profile_workload.py W6a --scale 10       # a 100,000-link chain
    python bench/profile_workload.py W3 --batch 2048 --top 25 --sort cumulative

The workload is bench/workloads' own, on chainrule (``--system numpy`` profiles the hand-written
limit), run as bench/run.py runs a cell: one thread, pinned to one CPU, glibc keeping freed
memory. One call warms up; then as many calls as take about ``--seconds`` (or ``--calls``) are
timed without the profiler, and the same number profiled. The profiler adds a cost to every
Python call, so its figures overstate call-heavy parts: quote the plain timing, and read the
profile for proportions.
"""

import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import isolation  # noqa: E402

if __name__ == "__main__":
    isolation.limit_threads()  # before NumPy is imported
    if any(os.environ.get(name) != value for name, value in isolation.STEADY_MALLOC.items()):
        # The allocator reads its settings at start-up: start again with the benchmark's.
        os.execve(sys.executable, [sys.executable, *sys.argv], os.environ | isolation.STEADY_MALLOC)

import argparse  # noqa: E402
import contextlib  # noqa: E402
import cProfile  # noqa: E402
import gc  # noqa: E402
import io  # noqa: E402
import pstats  # noqa: E402
import time  # noqa: E402

from bench.report import number  # noqa: E402
from bench.scaling import PARTS  # noqa: E402
from bench.workloads import WORKLOADS  # noqa: E402

PROFILED = [key for key, workload in WORKLOADS.items() if workload.kind == "time"]


def function(file_end, *names):
    """A test of pstats keys ``(file, line, name)``: is it one of ``names`` in that file?"""

    def test(key):
        return key[0].replace("\\", "/").endswith(file_end) and key[2] in names

    return test


# The engine's functions, by file and name. Should one move or be renamed, its part reads 0
# and its time shows in the rest of its side (outside or inside backward()).
REVERSE = "chainrule/autodiff/reverse.py"
record = function("chainrule/primitive/calls.py", "record")
dispatch = function("chainrule/primitive/calls.py", "apply", "__call__")
node = function("chainrule/graph.py", "__init__")
wrap = function("chainrule/tensor.py", "wrap")
sweep = function(REVERSE, "sweep")
propagate = function(REVERSE, "propagate")
backward = function(REVERSE, "backward")
heap = function("~", "<built-in method _heapq.heappush>", "<built-in method _heapq.heappop>")
bookkeeping = function(
    "~",
    "<built-in method builtins.isinstance>",
    "<method 'append' of 'list' objects>",
    "<method 'get' of 'dict' objects>",
)
engine_in_propagate = function(REVERSE, "saved_values", "check_unmodified")
fit = function("chainrule/autodiff/fit.py", "fit_gradient")


def anything_but(*tests):
    return lambda key: not any(test(key) for test in tests)


op_forward = anything_but(node, wrap, bookkeeping)
rule = anything_but(engine_in_propagate, fit, bookkeeping)

# The profiled time in parts that do not overlap: "own" time of a function, or the time of the
# calls a caller makes to the functions a test accepts; each side ends with what it leaves.
OUTSIDE_BACKWARD = [
    ("record: its own code (NumPy on scalars included)", ("own", record)),
    ("record: Node()", ("calls", record, node)),
    ("record: the output Tensor (wrap)", ("calls", record, wrap)),
    ("record: the op's forward", ("calls", record, op_forward)),
]
INSIDE_BACKWARD = [
    ("sweep: its own loop", ("own", sweep)),
    ("sweep: heap push and pop", ("calls", sweep, heap)),
    ("sweep: releasing saved values", ("calls", sweep, function("graph.py", "release"))),
    ("propagate: its own code", ("own", propagate)),
    ("propagate: saved_values, check_unmodified", ("calls", propagate, engine_in_propagate)),
    ("propagate: the rules (VJPs)", ("calls", propagate, rule)),
    ("propagate: fit_gradient", ("calls", propagate, fit)),
    ("backward: accumulate into .grad", ("calls", backward, function(REVERSE, "accumulate"))),
]


def seconds_of(stats, how):
    """Profiled seconds of one part (see OUTSIDE_BACKWARD)."""
    _, caller, *callee = how
    if how[0] == "own":
        return sum(row[2] for key, row in stats.items() if caller(key))
    return sum(
        edge[3]
        for key, (_, _, _, _, callers) in stats.items()
        if callee[0](key)
        for source, edge in callers.items()
        if caller(source)
    )


def cumulative(stats, test):
    return sum(row[3] for key, row in stats.items() if test(key))


# With the compiled core (chainrule/_core.c) the per-op path is C functions the profiler sees
# as calls: recording (with a forward that is a NumPy function inside it) and the sweep's loop
# (with propagate inside it; a loss's whole backward pass is one call, plain_backward). Calls
# of primitives and Tensor operators go through C and are not seen at all: their time is
# their caller's.
core_record = function("~", "<built-in method chainrule._core.record>")
core_sweep = function("~", "<built-in method chainrule._core.sweep_loop>",
                      "<built-in method chainrule._core.plain_backward>")
CORE_OUTSIDE_BACKWARD = [
    ("record (compiled), its own time: NumPy forwards included", ("own", core_record)),
    ("record (compiled): forwards written in Python", ("calls", core_record, bool)),
]
CORE_INSIDE_BACKWARD = [
    ("the sweep's loop and propagate (compiled), own time", ("own", core_sweep)),
    ("the sweep (compiled): the rules (VJPs), with what they call",
     ("calls", core_sweep, anything_but(fit))),
    ("the sweep (compiled): fit_gradient", ("calls", core_sweep, fit)),
    ("backward: accumulate into .grad", ("calls", backward, function(REVERSE, "accumulate"))),
]


def parts_of(stats):
    """[(part, profiled seconds)], outside backward() then inside, each side with its rest.

    The transforms (grad, jacrev, ...) call the sweep without backward(): then the sweep is the
    inside.
    """
    total = sum(row[2] for row in stats.values())
    inside = cumulative(stats, backward) or cumulative(stats, sweep)
    compiled = any(core_record(key) or core_sweep(key) for key in stats)
    recording = core_record if compiled else record
    outside = [(part, seconds_of(stats, how))
               for part, how in (CORE_OUTSIDE_BACKWARD if compiled else OUTSIDE_BACKWARD)]
    rest = total - inside - cumulative(stats, recording)
    outside.append((
        "outside record: primitives and operators called (recorded in C, which the profiler "
        "does not see), the workload's loop, optimizer" if compiled else
        "outside record: operators, dispatch, the workload's loop, optimizer", rest))
    within = [(part, seconds_of(stats, how))
              for part, how in (CORE_INSIDE_BACKWARD if compiled else INSIDE_BACKWARD)]
    within.append(("backward (or the sweep): the rest", inside - sum(s for _, s in within)))
    return outside + within


def split_text(stats, calls, ops):
    """The parts_of table: ms a workload call, share of the profiled time, µs a node
    (``ops``: the nodes the profiled calls made)."""
    from chainrule import compiled

    total = sum(row[2] for row in stats.values())
    engine = ("the compiled core (chainrule/_core.c); CHAINRULE_PURE_PYTHON=1 splits the "
              "Python engine's parts" if compiled.core is not None else "pure Python")
    lines = [
        f"Profiled: {number(total / calls * 1e3)} ms a call (the profiler's cost included), "
        f"{ops // calls:,} nodes recorded a call (leaves included). Engine: {engine}.",
        "",
        "| part | ms a call | share | µs a node |",
        "|---|---:|---:|---:|",
    ]
    for part, seconds in parts_of(stats):
        per_op = f"{seconds / ops * 1e6:.2f}" if ops else "–"
        share = seconds / total if total else 0.0
        lines.append(f"| {part} | {number(seconds / calls * 1e3)} | {share:.0%} | {per_op} |")
    return "\n".join(lines)


class Tally:
    """CPU seconds spent in backward() and in the garbage collector, and collections by
    generation, while ``watching()`` is on."""

    def __init__(self):
        self.backward = self.collector = self.collector_in_backward = 0.0
        self.collections = [0, 0, 0]
        self.in_backward = False
        self.collecting_since = None

    def collector_event(self, phase, info):
        if phase == "start":
            self.collecting_since = time.process_time()
        elif self.collecting_since is not None:
            spent = time.process_time() - self.collecting_since
            self.collector += spent
            self.collector_in_backward += spent if self.in_backward else 0.0
            self.collections[info["generation"]] += 1

    @contextlib.contextmanager
    def watching(self):
        from chainrule.autodiff import reverse

        original = reverse.backward

        def timed(*args, **kwargs):
            started, self.in_backward = time.process_time(), True
            try:
                return original(*args, **kwargs)
            finally:
                self.backward += time.process_time() - started
                self.in_backward = False

        reverse.backward = timed
        gc.callbacks.append(self.collector_event)
        try:
            yield
        finally:
            gc.callbacks.remove(self.collector_event)
            reverse.backward = original

    def text(self, seconds, calls):
        plain = f"Without the profiler: {number(seconds / calls * 1e3)} ms a call (CPU time, mean "
        plain += f"over {calls} call{'s' * (calls != 1)})"
        if self.backward:
            plain += f", {self.backward / seconds:.0%} of it in backward()"
        generations = "/".join(number(count / calls) for count in self.collections)
        return (
            f"{plain}. The garbage collector took {self.collector / seconds:.0%} of the time "
            f"({self.collector_in_backward / seconds:.0%} within backward()): {generations} "
            "collections of generation 0/1/2 a call."
        )


def calls_of(case, function, calls, around=contextlib.nullcontext):
    """Seconds that ``calls`` calls take, each inside ``around()`` after ``case.reset``."""
    clock, spent = time.process_time, 0.0
    for _ in range(calls):
        if case.reset is not None:
            case.reset()
        started = clock()
        with around():
            function()
        spent += clock() - started
    return spent


def sizing(args):
    """The workload resized as asked (``--scale`` for W1 and W6, ``--batch`` for W3) while the
    context lasts, and the words for it."""
    part = PARTS.get(args.workload)
    if part is None or (args.scale is None and args.batch is None):
        return contextlib.nullcontext(), ""
    size = args.batch if part.knob == "batch" else round(part.base() * (args.scale or 1))
    return part.sized(size), f" (resized: {part.knob.lower()} {size:,})"


def profile(args):
    """The report: plain timing, the split by part (chainrule only) and the top functions."""
    from chainrule import graph

    context, resized = sizing(args)
    with context:
        case = WORKLOADS[args.workload].load().build(args.system, args.workload)
        (function,) = case.timed.values()
        warm_up = calls_of(case, function, 1)
        calls = args.calls or max(1, min(10_000, round(args.seconds / max(warm_up, 1e-6))))
        tally = Tally()
        plain = calls_of(case, function, calls, tally.watching)
        profiler = cProfile.Profile()
        first = graph.next_seq()
        calls_of(case, function, calls, lambda: profiled(profiler))
        ops = graph.next_seq() - first - 1  # every node takes one number of this count
    stats = pstats.Stats(profiler)
    lines = [
        f"{args.workload} on {args.system}: {WORKLOADS[args.workload].title}{resized}",
        f"Command: `{args.command}`",
        "",
        tally.text(plain, calls),
        "",
    ]
    if args.system == "chainrule":
        lines += [split_text(stats.stats, calls, ops), ""]
    return "\n".join([*lines, top_functions(stats, args.sort, args.top)])


@contextlib.contextmanager
def profiled(profiler):
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()


def top_functions(stats, sort, top):
    """pstats' own table, file names without their folders."""
    out = io.StringIO()
    stats.stream = out
    stats.strip_dirs().sort_stats(sort).print_stats(top)
    body = out.getvalue().strip().splitlines()
    return "\n".join(line.rstrip() for line in body if line.strip())


def parse(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("workload", choices=PROFILED)
    parser.add_argument("--system", choices=["chainrule", "numpy"], default="chainrule")
    parser.add_argument("--scale", type=float, help="W1's or W6's size times this")
    parser.add_argument("--batch", type=int, help="W3's batch (default 256)")
    parser.add_argument("--calls", type=int, help="calls timed, then profiled (default: --seconds)")
    parser.add_argument(
        "--seconds", type=float, default=1.0, help="make as many calls as take this long (1)"
    )
    parser.add_argument("--top", type=int, default=15, help="how many functions to list")
    parser.add_argument("--sort", default="tottime", help="a pstats sort key (tottime)")
    args = parser.parse_args(argv)
    knob = PARTS[args.workload].knob if args.workload in PARTS else None
    if args.batch is not None and knob != "batch":
        parser.error("--batch is for W3 only")
    if args.scale is not None and knob not in ("TERMS", "DEPTH"):
        parser.error("--scale is for W1 and W6 only")
    args.command = " ".join(
        ["python bench/profile_workload.py", *(sys.argv[1:] if argv is None else argv)]
    )
    return args


def main(argv=None):
    print(profile(parse(argv)))
    return 0


if __name__ == "__main__":
    isolation.pin(isolation.default_cpu())
    sys.exit(main())
