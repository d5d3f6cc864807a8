"""Gradients over chunked Dask arrays: a least-squares and a logistic-regression loss over rows
of 10 features, differentiated by chainrule on NumPy arrays and on Dask arrays (evaluated
chunk-parallel by Dask's threads, or by a dask.distributed LocalCluster of worker processes).

    python bench/dask_gradient.py                    # 10⁷ rows against NumPy, then 10⁸ rows
    python bench/dask_gradient.py --rows 1e6 --repeats 1 --no-save     # a quick look

Each measurement runs in a fresh process of its own (this script with --case), which prints
its time and its peak resident memory (resource.getrusage's ru_maxrss, the whole process; on
a cluster the workers' peaks are read by the client and added). The data are the same
numbers everywhere: Dask's random generator makes them chunk by chunk (10⁶ rows a chunk,
80 MB), seeded; the NumPy cases compute them into one array first. Times are of one gradient
evaluation (the data already in memory, except in the 10⁸-row case where they are generated as
the gradient streams over them: NumPy would need 8 GB for them alone). The report goes to
stdout and to bench/DASK.md; docs/scaling.md quotes it. Not a timed test.
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
import resource  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

FEATURES = 10
CHUNK_ROWS = 10**6
LOSSES = ("least squares", "logistic")
CASES = ("numpy, by hand", "chainrule on NumPy", "chainrule on Dask (2 threads)",
         "chainrule on Dask (LocalCluster, 2 processes)")


# --- the data and the losses -------------------------------------------------------------------


def lazy_data(rows, loss):
    """X (rows × 10) and y as Dask arrays of 10⁶-row chunks, generated on demand."""
    import dask.array as da

    rng = da.random.default_rng(0)
    x = rng.standard_normal((rows, FEATURES), chunks=(CHUNK_ROWS, FEATURES))
    truth = da.from_array(0.1 * (1 + __import__("numpy").arange(FEATURES)), chunks=-1)
    noise = rng.standard_normal((rows,), chunks=(CHUNK_ROWS,))
    y = x @ truth + noise
    return x, (y if loss == "least squares" else da.where(y > 0, 1.0, -1.0))


def loss_function(loss, x, y):
    import chainrule as cr

    if loss == "least squares":
        return lambda w: ((cr.matmul(x, w) - y) ** 2).mean()
    # log(1 + e^(−y·xw)), the logistic loss with labels ±1, as softplus (overflow-safe).
    return lambda w: cr.logaddexp(0.0, -y * cr.matmul(x, w)).mean()


def by_hand(loss, x, y, w):
    """The gradient in closed form, in NumPy: the limit for one process."""
    import numpy as np

    z = x @ w
    if loss == "least squares":
        return x.T @ (2 * (z - y)) / len(y)
    return x.T @ (-y / (1 + np.exp(y * z))) / len(y)


# --- one measurement, in a process of its own --------------------------------------------------


def run_case(case, loss, rows, lazy):
    import numpy as np

    import chainrule as cr

    x, y = lazy_data(rows, loss)
    w0 = np.full(FEATURES, 0.01)
    if case.startswith("chainrule on Dask"):
        return _on_dask(case, loss, x, y, w0, lazy)
    x, y = np.asarray(x.compute()), np.asarray(y.compute())
    start = time.perf_counter()
    if case == "numpy, by hand":
        grad = by_hand(loss, x, y, w0)
    else:
        grad = cr.grad(loss_function(loss, x, y))(w0)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "grad": np.asarray(grad).tolist(), "peak_mb": _peak_mb()}


def _on_dask(case, loss, x, y, w0, lazy):
    import dask
    import dask.array as da
    import numpy as np

    import chainrule as cr

    client = cluster = None
    if "LocalCluster" in case:
        import distributed

        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None, memory_limit="6GiB")
        client = distributed.Client(cluster)
    try:
        with dask.config.set(scheduler="threads" if client is None else None, num_workers=2):
            if not lazy:  # the data in (the workers') memory first, as NumPy has them
                x, y = (client.persist([x, y]) if client else dask.persist(x, y))
                if client:
                    distributed.wait([x, y])
            w = da.from_array(w0, chunks=-1)
            start = time.perf_counter()
            grad = cr.grad(loss_function(loss, x, y))(w)
            built = time.perf_counter() - start
            assert isinstance(grad, da.Array)  # lazy until computed
            grad = (client.compute(grad, sync=True) if client else grad.compute())
            seconds = time.perf_counter() - start
        peak = _peak_mb() + (_workers_peak_mb(client) if client else 0.0)
    finally:
        if client is not None:
            client.close()
            cluster.close()
    return {"seconds": seconds, "graph_seconds": built, "grad": np.asarray(grad).tolist(),
            "peak_mb": peak, "chunks": int(x.numblocks[0])}


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _workers_peak_mb(client):
    def peak():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    return sum(client.run(peak).values())


# --- the driver ---------------------------------------------------------------------------------


def measure(case, loss, rows, lazy, timeout):
    command = [sys.executable, __file__, "--case", case, "--loss", loss, "--rows", str(rows)]
    command += ["--lazy"] if lazy else []
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"dask_gradient.py: {case} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(rows_count, results, lazy):
    lines = [f"### {rows_count:,} rows × {FEATURES} features, float64 "
             f"({rows_count * FEATURES * 8 / 1e9:.2f} GB of X; chunks of {CHUNK_ROWS:,} rows)",
             "", "| loss | case | time (s), median | ÷ NumPy by hand | ÷ chainrule on NumPy |"
             " peak RSS (MB) |", "|---|---|---:|---:|---:|---:|"]
    for loss in LOSSES:
        by_case = results[loss]
        hand = by_case.get("numpy, by hand", {}).get("median")
        plain = by_case.get("chainrule on NumPy", {}).get("median")
        for case, found in by_case.items():
            ratio_hand = f"{found['median'] / hand:.2f}" if hand else "–"
            ratio_plain = f"{found['median'] / plain:.2f}" if plain else "–"
            lines.append(f"| {loss} | {case} | {found['median']:.3f} "
                         f"({found['min']:.3f}–{found['max']:.3f}) | {ratio_hand} | "
                         f"{ratio_plain} | {found['peak_mb']:.0f} |")
    if lazy:
        lines += ["", "The data are generated chunk by chunk as the gradient streams over them "
                      "(never held whole)."]
    return "\n".join(lines)


def run(sizes, repeats, big_repeats, timeout):
    import numpy as np

    reports = []
    for rows_count, lazy in sizes:
        results = {}
        for loss in LOSSES:
            results[loss] = {}
            cases = CASES if not lazy else CASES[2:]
            grads = []
            for case in cases:
                count = big_repeats if lazy else repeats
                runs = [measure(case, loss, rows_count, lazy, timeout) for _ in range(count)]
                times = [r["seconds"] for r in runs]
                results[loss][case] = {"median": float(np.median(times)), "min": min(times),
                                       "max": max(times),
                                       "peak_mb": max(r["peak_mb"] for r in runs)}
                grads.append(np.array(runs[0]["grad"]))
                print(f"{rows_count:>12,} {loss:<14} {case:<46} {np.median(times):8.3f} s  "
                      f"peak {results[loss][case]['peak_mb']:7.0f} MB", flush=True)
            for other in grads[1:]:  # every case computed the same gradient
                np.testing.assert_allclose(other, grads[0], rtol=1e-9, atol=1e-12)
        reports.append(table(rows_count, results, lazy))
    return reports


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=float, help="one size only, in memory (e.g. 1e7)")
    parser.add_argument("--big-rows", type=float, default=1e8, help="the lazily generated case")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--big-repeats", type=int, default=1, help="of the lazily generated case")
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--loss", help=argparse.SUPPRESS)
    parser.add_argument("--lazy", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.loss, int(float(args.rows)), args.lazy)))
        return
    sizes = ([(int(args.rows), False)] if args.rows else
             [(10**7, False), (int(args.big_rows), True)])
    reports = run(sizes, args.repeats, args.big_repeats, args.timeout)
    header = [
        "# Gradients over chunked Dask arrays", "",
        f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs (shared with other "
        f"work: timings are noisy), Python {platform.python_version()}; each figure the median "
        f"of {args.repeats} fresh processes ({args.big_repeats} for the lazily generated case; "
        "range in brackets).", "",
        "    python bench/dask_gradient.py", "",
    ]
    text = "\n".join(header + ["\n\n".join(reports), ""])
    print(text)
    if not args.no_save:
        (ROOT / "bench" / "DASK.md").write_text(text)


if __name__ == "__main__":
    main()
