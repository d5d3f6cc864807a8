"""chainrule's eager and jitted cells of W1–W6 in two source trees, taking turns in fresh
processes: for "did this change make anything slower?" on a machine whose speed moves.

    python bench/compare_trees.py --before 1e6fc54^1          # a commit, against this tree
    python bench/compare_trees.py --before /path/to/tree --rounds 6 --workloads W2,W6a

Each round runs one process per tree, one after the other on one pinned CPU with one BLAS
thread; a process builds every chosen cell from its own tree's bench/workloads (so both trees
run the workload code they shipped with) and times each cell's calls for ``--seconds``, keeping
the fastest. Over the rounds each tree's cell keeps its fastest call (what the code costs when
the machine lets it run) and its median round; the report gives both ratios, after ÷ before.
Neighbours that slow the machine for a while slow a few rounds of either tree; the minimum over
rounds is what survives that. W7 (peak memory of a fresh process) is bench/run.py's to measure.
The report goes to stdout and to ``--output`` (default bench/NO-REGRESSION.md).
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

if __name__ == "__main__" and "--worker" in sys.argv:
    # A worker imports the tree it measures, and nothing of this one.
    sys.path.insert(0, sys.argv[sys.argv.index("--worker") + 1])
    from bench import isolation

    isolation.limit_threads()  # before NumPy is imported
else:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import isolation

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tarfile  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

SYSTEMS = ("chainrule", "chainrule-jit")
DEFAULT_WORKLOADS = "W1,W2,W3,W4a,W4b,W5a,W5b,W5c,W6a,W6b"
OUTPUT = ROOT / "bench" / "NO-REGRESSION.md"


def worker(workloads, seconds):
    """{cell: fastest call in ms} for this process's tree."""
    from bench.workloads import WORKLOADS

    fastest = {}
    for name in workloads:
        module = WORKLOADS[name].load()
        for system in SYSTEMS:
            if getattr(module, "skip", lambda *_: "")(system, name):
                continue
            case = module.build(system, name)
            for label, call in case.timed.items():
                fastest[f"{name} {system} {label}"] = _fastest(case, call, seconds)
    return fastest


def _fastest(case, call, seconds):
    from bench.timing import calls_take  # the tree's own, as run.py times a call

    calls_take(case, call, 1, time.process_time)  # warm-up (a jitted cell was traced when built)
    times = [calls_take(case, call, 1, time.process_time)]
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 3:
        times.append(calls_take(case, call, 1, time.process_time))
    return min(times) * 1e3


def tree_of(before):
    """A directory holding the ``before`` tree: the path itself, or a commit exported."""
    path = pathlib.Path(before)
    if path.is_dir():
        return path, None
    temporary = tempfile.TemporaryDirectory(prefix="chainrule-before-")
    archive = subprocess.run(["git", "archive", before], cwd=ROOT, capture_output=True,
                             check=False)
    if archive.returncode != 0:
        sys.exit(f"--before {before}: neither a directory nor a commit of this repository "
                 f"({archive.stderr.decode().strip()})")
    with tempfile.TemporaryFile() as tar:
        tar.write(archive.stdout)
        tar.seek(0)
        with tarfile.open(fileobj=tar) as files:
            files.extractall(temporary.name, filter="data")
    build_core(pathlib.Path(temporary.name))
    return pathlib.Path(temporary.name), temporary


def build_core(tree):
    """Build an exported tree's compiled core in place, as ``pip install -e .`` does: without
    it the tree would run pure Python, or (an editable install finds chainrule's submodules in
    this checkout) this checkout's core under the tree's Python."""
    if not (tree / "setup.py").exists():
        return
    built = subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
                           cwd=tree, capture_output=True, text=True, check=False)
    if built.returncode != 0 or not list((tree / "chainrule").glob("_core*")):
        sys.exit(f"--before: the tree's compiled core did not build:\n{built.stderr[-2000:]}")


def measure(trees, args):
    """{tree label: {cell: [fastest ms, one per round]}}, the trees taking turns."""
    found = {label: {} for label in trees}
    for _ in range(args.rounds):
        for label, tree in trees.items():
            command = [sys.executable, __file__, "--worker", str(tree), "--workloads",
                       args.workloads, "--seconds", str(args.seconds)]
            if args.cpu is not None and hasattr(os, "sched_setaffinity"):
                command = ["taskset", "-c", str(args.cpu), *command]
            env = dict(os.environ, **isolation.STEADY_MALLOC, PYTHONPATH=str(tree))
            done = subprocess.run(command, capture_output=True, text=True, check=False, env=env,
                                  cwd=tree)
            if done.returncode != 0:
                sys.exit(f"the {label} tree failed:\n{done.stderr}")
            for cell, ms in json.loads(done.stdout.strip().splitlines()[-1]).items():
                found[label].setdefault(cell, []).append(ms)
    return found


def report(found, args, before_name):
    before, after = found["before"], found["after"]
    lines = [
        "# No regression: chainrule's cells in two trees",
        "",
        f"Command: `python bench/compare_trees.py --before {before_name} --rounds {args.rounds} "
        f"--seconds {args.seconds}"
        + ("" if args.workloads == DEFAULT_WORKLOADS else f" --workloads {args.workloads}")
        + f"` · {datetime.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Rounds: {args.rounds}, each a fresh process per tree (before, then after) on one CPU; "
        "per cell the fastest call of each round (CPU time). Ratios are after ÷ before: of the "
        "fastest over all rounds, and of the median round.",
        "",
        "| cell | before, fastest (ms) | after, fastest (ms) | after ÷ before | medians' ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for cell in before:
        if cell not in after:
            continue
        b, a = before[cell], after[cell]
        lines.append(f"| {cell} | {min(b):.4g} | {min(a):.4g} | {min(a) / min(b):.3f} | "
                     f"{statistics.median(a) / statistics.median(b):.3f} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", help="a directory holding a tree, or a commit")
    parser.add_argument("--after", default=str(ROOT), help="a directory (default: this tree)")
    parser.add_argument("--workloads", default=DEFAULT_WORKLOADS)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=0.6, help="timing per cell a round")
    parser.add_argument("--cpu", type=int, default=1, help="pin the processes here")
    parser.add_argument("--output", default=str(OUTPUT))
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    workloads = args.workloads.split(",")
    if args.worker:
        print(json.dumps(worker(workloads, args.seconds)))
        return
    if not args.before:
        parser.error("--before is needed: a directory or a commit")
    before, temporary = tree_of(args.before)
    try:
        found = measure({"before": before, "after": pathlib.Path(args.after)}, args)
    finally:
        if temporary is not None:
            temporary.cleanup()
    text = report(found, args, args.before)
    print(text, end="")
    if not args.no_save:
        pathlib.Path(args.output).write_text(text)


if __name__ == "__main__":
    main()
