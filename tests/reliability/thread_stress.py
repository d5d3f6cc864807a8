"""Many threads differentiating at once, at a larger size than the test suite's, for the report:
``python -m tests.reliability.thread_stress [--threads N] [--rounds N]`` prints its figures as
JSON (wrong results and errors against the single-threaded answers, and how often a thread
looping ``no_grad`` changed another thread's grad mode)."""

import argparse
import json
import threading

import numpy as np

import chainrule as cr
from tests.test_threads import one_round, run_threads, switching_often


def mixed(threads, rounds):
    data = [np.linspace(-1.0, 1.0, 3) * (k + 1) / threads for k in range(threads)]
    expected = [one_round(x) for x in data]
    wrong, calls = [], [0]

    def work(k):
        for _ in range(rounds):
            got = one_round(data[k])
            calls[0] += len(got)
            wrong.extend(name for name, value in got.items()
                         if not np.allclose(value, expected[k][name], rtol=1e-12, atol=0))

    with switching_often():
        errors = run_threads(work, count=threads)
    return {"threads": threads, "calls": calls[0], "wrong": len(wrong), "errors": len(errors)}


def no_grad_interference(backward_calls=2000):
    stop, seen_off = threading.Event(), [0]

    def toggler():
        while not stop.is_set():
            with cr.no_grad():
                pass

    def reader(k):
        x = cr.tensor(2.0, requires_grad=True)
        for _ in range(backward_calls):
            seen_off[0] += not cr.is_grad_enabled()
            (x * x).backward()

    other = threading.Thread(target=toggler)
    with switching_often():
        other.start()
        try:
            errors = run_threads(reader, count=1)
        finally:
            stop.set()
            other.join()
    return {"backward_calls": backward_calls, "grad_mode_changed": seen_off[0],
            "errors": len(errors)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=400)
    args = parser.parse_args(argv)
    found = {"mixed": mixed(args.threads, args.rounds), "no_grad": no_grad_interference()}
    print(json.dumps(found))


if __name__ == "__main__":
    main()
