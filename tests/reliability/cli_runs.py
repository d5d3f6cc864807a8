"""Running ``chainrule`` command lines for the fuzz tests: building hostile command lines around
a formula, running them in-process (cli.main) or as real processes, and judging the answer.

An answer's work is bounded by counting chainrule's operations, not by a time limit (which a
busy machine breaks): ``diff``'s own budget of operations, and room for the other commands'
sweeps. Times are the on-demand report's figures.
"""

import contextlib
import io
import os
import subprocess
import sys
import time
import warnings

from chainrule import cli
from chainrule.cli.diff import MAX_OPERATIONS
from chainrule.explanation.formulas.expression import parse
from tests.work import counted_operations

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The most operations one answer may do: diff's budget for --order, and room for the sweeps of
# explain, graph and check over a formula of at most 1,000 characters.
OPERATIONS = MAX_OPERATIONS + 10_000
# A generous limit for a real process, which only a hang reaches (not a time to meet).
HANG_SECONDS = 60
MAX_ARGUMENT = 30_000  # characters: at most 4 bytes each in UTF-8
FORMULA_COMMANDS = ("diff", "explain", "graph", "check")

HOSTILE_OPTIONS = {
    "--order": ["1", "2", "3", "0", "11", "-1", "1e3", "x", "٣", "999999999999999999999"],
    "--wrt": ["x", "y", "x,x", "__class__", "", ",", "x,__import__"],
    "--mode": ["reverse", "forward", "both", "sideways", ""],
    "--format": ["text", "markdown", "html", "json", "pickle"],
    "--max-nodes": ["1", "3", "0", "-5", "1e9"],
    "--at": [
        "x=1",
        "x=1e999",
        "x=nan",
        "x=__import__('os')",
        "x=1,x=2",
        "=",
        "x",
        "x=",
        "x=1,y=2,z=3",
        "x=" + "9" * 400,
        "x=pi/4",
        "x=sin(1)",
        "x=\x00",
    ],
}


def formula_commands():
    """The formula-taking subcommands this command line has, with their options."""
    parser = cli.build_parser()
    (subparsers,) = [a for a in parser._actions if hasattr(a, "choices") and a.dest == "command"]
    found = {}
    for name in FORMULA_COMMANDS:
        if name in subparsers.choices:
            actions = subparsers.choices[name]._actions
            found[name] = [flag for a in actions for flag in a.option_strings[-1:]]
    return found


def command_line(rng, text, commands, folder):
    """One command line around ``text``: mostly a sensible one, sometimes hostile options."""
    name = rng.choice(sorted(commands))
    argv = [name, text]
    flags = commands[name]
    try:
        variables = parse(text).variables
    except Exception:  # noqa: BLE001  (the parser's own faults are the other tests' business)
        variables = ("x",)
    if "--at" in flags and rng.random() < 0.8:
        argv += ["--at", ",".join(f"{v}={rng.choice(['0.5', '2', '-1'])}" for v in variables)]
    for flag in flags:
        if flag in HOSTILE_OPTIONS and flag != "--at" and rng.random() < 0.3:
            argv += [flag, rng.choice(HOSTILE_OPTIONS[flag])]
    if "--at" in flags and rng.random() < 0.1:
        argv += ["--at", rng.choice(HOSTILE_OPTIONS["--at"])]
    if "--output" in flags and rng.random() < 0.1:
        argv += ["-o", str(folder / rng.choice(["g.dot", "g.exe", "missing/g.dot", "g.svg"]))]
    if "--claim" in flags:
        claims = ["0", "2*x", "cos(x)", text, "__import__('os').system('true')", "x" * 2000]
        argv += ["--claim", rng.choice(claims)]
    if name == "diff" and "--at" not in argv and len(text) > 60:
        argv += ["--at", "x=1"]  # the symbolic path on a long formula: see the pinned issue
    return argv


# Warnings a real process shows on stderr by default (the others are hidden outside __main__).
HIDDEN_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


def run_in_process(argv):
    """``chainrule ARGV`` run by cli.main: status, stdout, stderr (with the warnings a process
    would print), the chainrule operations it did, and its seconds (a report's figure)."""
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        with warnings.catch_warnings(record=True) as caught, counted_operations() as count:
            warnings.simplefilter("always")
            status = cli.main(argv)
    shown = [w for w in caught if not issubclass(w.category, HIDDEN_WARNINGS + (SyntaxWarning,))]
    stderr = err.getvalue() + "".join(f"{w.category.__name__}: {w.message}\n" for w in shown)
    return Answer(status, out.getvalue(), stderr, count[0], time.perf_counter() - start)


class Answer(tuple):
    """status, stdout, stderr, operations, seconds (operations None for a real process)."""

    def __new__(cls, status, stdout, stderr, operations, seconds):
        return super().__new__(cls, (status, stdout, stderr, operations, seconds))

    status = property(lambda self: self[0])
    stderr = property(lambda self: self[2])
    operations = property(lambda self: self[3])
    seconds = property(lambda self: self[4])


def check_answer(argv, answer):
    """The problems with one command line's answer (an empty list when it is right)."""
    status, stderr = answer.status, answer.stderr
    problems = []
    # check answers 1 for a wrong claim (its verdict on stdout); every other command 0 or 2.
    if status not in ((0, 1, 2) if argv[0] == "check" else (0, 2)):
        problems.append(f"exit status {status}")
    if "Traceback" in stderr:
        problems.append("a traceback")
    lines = stderr.splitlines()
    if status == 2 and len(lines) != 1:
        problems.append(f"{len(lines)} lines on stderr: {stderr[:300]!r}")
    if status in (0, 1) and stderr:
        problems.append(f"stderr with exit status {status}: {stderr[:300]!r}")
    if answer.operations is not None and answer.operations > OPERATIONS:
        problems.append(f"{answer.operations:,} operations")
    return [(argv[:1] + [a[:60] for a in argv[1:]], problem) for problem in problems]


def run_process(argv, timeout=HANG_SECONDS):
    """``python -m chainrule ARGV`` as an :class:`Answer` (no operations counted). Arguments go
    as bytes, so that lone surrogates arrive as the invalid UTF-8 a shell could pass."""
    # Linux takes at most 128 KiB per argument: a shell could not pass a longer one either.
    argv = [arg[:MAX_ARGUMENT].encode("utf-8", "surrogatepass") for arg in argv]
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "chainrule", *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        cwd=REPO,
        env=dict(os.environ, PYTHONIOENCODING="utf-8"),
        timeout=timeout,
    )
    return Answer(done.returncode, done.stdout, done.stderr, None, time.perf_counter() - start)


__all__ = [
    "Answer",
    "check_answer",
    "command_line",
    "formula_commands",
    "run_in_process",
    "run_process",
]
