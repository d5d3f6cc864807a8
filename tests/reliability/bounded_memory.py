"""Peak memory and time of reading one file, measured in a fresh process (so that nothing else
the tests did counts)::

    python -m tests.reliability.bounded_memory checkpoint FILE
    python -m tests.reliability.bounded_memory idx FILE
    python -m tests.reliability.bounded_memory resume FILE

It prints one line of JSON: what the read gave (``read``, or the exception's type and message),
its seconds, and the resident memory before the read and at its peak during it, in MiB.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import sys
import time

from chainrule import checkpoint, cli, data


def resume(path):
    """``chainrule train --resume PATH``, its one line of error (if any) raised as an error."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        status = cli.main(["train", "--resume", path, "--epochs", "1"])
    if status != 0:
        raise SystemExit(err.getvalue().strip())


READERS = {"checkpoint": checkpoint.read, "idx": data.read_idx, "resume": resume}


def _status_mib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    raise LookupError(field)


def reset_peak():
    """Start the peak over at the present resident memory, where Linux allows it (4.0 on)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pass


def peak_mib():
    """The process's peak resident memory, in MiB: Linux's VmHWM, which (unlike getrusage's
    ru_maxrss, kept across exec from the parent) counts this program only."""
    try:
        return _status_mib("VmHWM")
    except (OSError, LookupError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024  # bytes on macOS


def measure(kind, path):
    """What reading ``path`` with READERS[kind] gives, its seconds and its peak memory."""
    reset_peak()
    before = peak_mib()
    start = time.perf_counter()
    try:
        READERS[kind](path)
        outcome, message = "read", ""
    except (Exception, SystemExit) as error:  # noqa: BLE001  (the outcome is the figure)
        outcome, message = type(error).__name__, str(error)
    seconds = time.perf_counter() - start
    return {
        "outcome": outcome,
        "message": message,
        "seconds": seconds,
        "before_mib": before,
        "peak_mib": peak_mib(),
    }


def main(argv=None):
    kind, path = (argv or sys.argv[1:])[:2]
    print(json.dumps(measure(kind, path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
