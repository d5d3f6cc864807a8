"""The transforms benchmark: whole Jacobians and Hessians beside hand-written NumPy and peers.

Run ``python bench/transforms.py`` from the repository root. Three workloads at n = 200
(float64): the Jacobian of f(x) = tanh(W2 @ tanh(W1 @ x)) by reverse mode and by forward mode,
and the Hessian of g(x) = Σ tanh(W1 @ x)². Each (workload, system) pair runs in its own
single-threaded process and must agree with the hand-written closed form before it is timed.
"chainrule (row by row)" is chainrule with ``chunk_size=1``: one sweep per row, which is what
the batched sweep replaces. The table goes to stdout and to bench/RESULTS-transforms.md.
"""

import os

# One thread everywhere, set before NumPy (or any peer) is imported, here and in every worker.
os.environ.update(
    {
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
        "JAX_PLATFORMS": "cpu",
    }
)

import argparse  # noqa: E402
import datetime  # noqa: E402
import gc  # noqa: E402
import importlib.metadata  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(1, str(HERE.parent))  # the chainrule of this working tree

# The closed forms of the suite's W5 ("hessian" there too; any other name is the Jacobian).
from bench.workloads.jacobians import hand_written  # noqa: E402

WORKLOADS = {
    "jacobian-reverse": "Jacobian of tanh(W2 @ tanh(W1 @ x)), reverse mode",
    "jacobian-forward": "Jacobian of tanh(W2 @ tanh(W1 @ x)), forward mode",
    "hessian": "Hessian of sum(tanh(W1 @ x)**2)",
}
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def problem(n, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((n, n)) / np.sqrt(n)
    W2 = rng.standard_normal((n, n)) / np.sqrt(n)
    return W1, W2, rng.standard_normal(n)


# --- the systems: each builds, for a workload, a function of no arguments giving the result ---


def chainrule_system(workload, W1, W2, x, chunk_size=None):
    import chainrule as cr

    def f(v):
        return cr.tanh(W2 @ cr.tanh(W1 @ v))

    def g(v):
        return cr.sum(cr.tanh(W1 @ v) ** 2)

    transform = {
        "jacobian-reverse": cr.jacobian(f, chunk_size=chunk_size),
        "jacobian-forward": cr.jacfwd(f, chunk_size=chunk_size),
        "hessian": cr.hessian(g, chunk_size=chunk_size),
    }[workload]
    return lambda: transform(x)


def chainrule_rows(workload, W1, W2, x):
    return chainrule_system(workload, W1, W2, x, chunk_size=1)


def torch_func(workload, W1, W2, x):
    import torch

    torch.set_num_threads(1)
    W1_t, W2_t, x_t = (torch.from_numpy(a) for a in (W1, W2, x))

    def f(v):
        return torch.tanh(W2_t @ torch.tanh(W1_t @ v))

    def g(v):
        return (torch.tanh(W1_t @ v) ** 2).sum()

    transform = {
        "jacobian-reverse": torch.func.jacrev(f),
        "jacobian-forward": torch.func.jacfwd(f),
        "hessian": torch.func.hessian(g),
    }[workload]
    return lambda: transform(x_t).numpy()


def jax_system(workload, W1, W2, x, jit=True):
    import jax

    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy

    def f(v):
        return jnp.tanh(W2 @ jnp.tanh(W1 @ v))

    def g(v):
        return jnp.sum(jnp.tanh(W1 @ v) ** 2)

    transform = {
        "jacobian-reverse": jax.jacrev(f),
        "jacobian-forward": jax.jacfwd(f),
        "hessian": jax.hessian(g),
    }[workload]
    transform = jax.jit(transform) if jit else transform
    return lambda: np.asarray(transform(x).block_until_ready())


def jax_eager(workload, W1, W2, x):
    return jax_system(workload, W1, W2, x, jit=False)


def hips_autograd(workload, W1, W2, x):
    import autograd
    import autograd.numpy as anp

    def f(v):
        return anp.tanh(anp.dot(W2, anp.tanh(anp.dot(W1, v))))

    def g(v):
        return anp.sum(anp.tanh(anp.dot(W1, v)) ** 2)

    if workload == "jacobian-forward":
        push = autograd.make_jvp(f)
        basis = np.eye(x.size)
        return lambda: np.stack([push(x)(e)[1] for e in basis], axis=1)
    transform = autograd.hessian(g) if workload == "hessian" else autograd.jacobian(f)
    return lambda: transform(x)


def mygrad_system(workload, W1, W2, x):
    import mygrad as mg

    if workload != "jacobian-reverse":
        return None  # MyGrad has reverse mode only, to first order

    def jacobian():
        rows = []
        for i in range(x.size):  # one forward and backward pass per row: no retained graph
            v = mg.tensor(x)
            mg.tanh(mg.matmul(W2, mg.tanh(mg.matmul(W1, v))))[i].backward()
            rows.append(v.grad)
        return np.stack(rows)

    return jacobian


SYSTEMS = {
    "hand-written": (hand_written, None),
    "chainrule": (chainrule_system, None),
    "chainrule (row by row)": (chainrule_rows, None),
    "torch.func": (torch_func, "torch"),
    "JAX (jit)": (jax_system, "jax"),
    "JAX (eager)": (jax_eager, "jax"),
    "autograd": (hips_autograd, "autograd"),
    "MyGrad": (mygrad_system, "mygrad"),
}
LIMIT = "hand-written"


# --- one worker: one system, one workload, in its own process --------------------------------


def work(workload, name, args):
    build, package = SYSTEMS[name]
    W1, W2, x = problem(args.size)
    try:
        run = build(workload, W1, W2, x)
    except ModuleNotFoundError as error:
        if package and error.name.split(".")[0] == package:
            return {"status": "not installed"}
        raise
    if run is None:
        return {"status": "not supported"}
    expected = hand_written(workload, W1, W2, x)()
    found = np.asarray(run())
    if found.shape != expected.shape or not np.allclose(found, expected, rtol=1e-9, atol=1e-12):
        worst = np.max(np.abs(found - expected)) if found.shape == expected.shape else "shape"
        return {"status": "disagrees", "detail": f"by up to {worst}"}
    clock = CLOCKS[args.clock]
    times = []
    for _ in range(args.repeats):
        gc.collect()
        start = clock()
        for _ in range(args.units):
            run()
        times.append((clock() - start) / args.units * 1e3)
    version = ""
    if package:
        try:
            version = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            pass
    return {"status": "ok", "times": times, "version": version}


def run_worker(workload, name, args):
    command = [
        sys.executable,
        __file__,
        "--worker",
        workload,
        name,
        "--size",
        str(args.size),
        "--repeats",
        str(args.repeats),
        "--units",
        str(args.units),
        "--clock",
        args.clock,
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"status": "failed", "detail": last}
    return json.loads(lines[-1])


# --- the driver: every system, side by side ----------------------------------------------------


def table(workload, results, size):
    limit = _median(results.get(LIMIT))
    ours = _median(results.get("chainrule"))
    lines = [
        f"### {WORKLOADS[workload]} ({size}×{size}, float64)",
        "",
        "| system | median (ms) | min | max | ÷ hand-written | chainrule ÷ system |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, result in results.items():
        label = f"{name} {result.get('version', '')}".strip()
        if result["status"] != "ok":
            detail = f": {result['detail']}" if result.get("detail") else ""
            lines.append(f"| {label} | {result['status']}{detail} | | | | |")
            continue
        times, median = result["times"], _median(result)
        lines.append(
            f"| {label} | {median:.3g} | {min(times):.3g} | {max(times):.3g} | "
            f"{_ratio(median, limit)} | {_ratio(ours, median)} |"
        )
    return "\n".join(lines)


def _pooled(earlier, result):
    if earlier is None or earlier["status"] != "ok" or result["status"] != "ok":
        return result if earlier is None or earlier["status"] == "ok" else earlier
    return {**result, "times": earlier["times"] + result["times"]}


def _median(result):
    return statistics.median(result["times"]) if result and result["status"] == "ok" else None


def _ratio(numerator, denominator):
    if not (numerator and denominator):
        return "–"
    value = numerator / denominator
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def header(args, argv):
    cpu = platform.machine()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    command = " ".join(["python bench/transforms.py", *argv])
    return "\n".join(
        [
            "## Transforms benchmark",
            "",
            f"{datetime.date.today().isoformat()} · Python {platform.python_version()} · NumPy "
            f"{np.__version__} · {cpu} · one thread · {args.clock} time, ms per Jacobian or "
            f"Hessian · median of {args.rounds} × {args.repeats} repeats of {args.units} runs · "
            f"each system in its own processes ({args.rounds}, interleaved with the others'), "
            "checked against the hand-written closed form (rtol 1e-9) before timing.",
            "",
            f"Command: `{command}`. Lower is better; “chainrule ÷ system” above 1 means chainrule "
            "is slower. “chainrule (row by row)” is `chunk_size=1`: one sweep per row, what the "
            "batched sweep replaces.",
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
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--units", type=int, default=5, help="runs per timed repeat")
    parser.add_argument("--clock", choices=CLOCKS, default="cpu")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="processes per system, interleaved; their repeats are pooled",
    )
    parser.add_argument("--output", type=pathlib.Path, default=HERE / "RESULTS-transforms.md")
    parser.add_argument("--no-save", action="store_true", help="print the table only")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    if args.worker:
        print(json.dumps(work(*args.worker, args)))
        return 0
    unknown = sorted(set(args.systems or ()) - set(SYSTEMS))
    if unknown:
        sys.exit(
            f"transforms.py: unknown system(s) {', '.join(unknown)}; choose from "
            f"{', '.join(SYSTEMS)}"
        )
    workloads = list(WORKLOADS) if args.workload == "all" else [args.workload]
    sections = [header(args, argv)]
    for workload in workloads:
        names = [n for n in SYSTEMS if not args.systems or n in args.systems or n == LIMIT]
        results = {}
        for round_number in range(args.rounds):  # rounds interleave the systems' processes
            for name in names:
                print(f"  {workload}: {name} ({round_number + 1})", file=sys.stderr, flush=True)
                results[name] = _pooled(results.get(name), run_worker(workload, name, args))
        sections.append(table(workload, results, args.size))
    text = "\n\n".join(sections) + "\n"
    print(text)
    if not args.no_save:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
