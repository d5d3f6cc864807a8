"""chainrule.scipy's gradients beside SciPy's forward plus the hand-written rule, in NumPy and
SciPy (the target: within 2x), one thread.

    python bench/scipy_gradients.py            # n = 200 matrices, signals of 10,000
    python bench/scipy_gradients.py --n 500

Each row times one backward sweep (the forward included) against the same work written by
hand, interleaved, and prints the fastest of 30 runs of each.
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import isolation  # noqa: E402

if __name__ == "__main__":
    isolation.limit_threads()  # before NumPy is imported

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy.linalg as sl  # noqa: E402
import scipy.signal as ss  # noqa: E402
import scipy.special as sc  # noqa: E402

import chainrule as cr  # noqa: E402
from chainrule.scipy import linalg, signal, special  # noqa: E402


def backward(function, *inputs):
    def run():
        tensors = [cr.tensor(x, requires_grad=True) for x in inputs]
        out = function(*tensors)
        out.backward(cr.tensor(np.ones(out.shape)))
    return run


def phi(m):
    return np.tril(m, -1) + 0.5 * np.diag(np.diag(m))


def cholesky_by_hand(s, g):
    factor = sl.cholesky(s, lower=True)
    left = sl.solve_triangular(factor, phi(factor.T @ g), trans=1, lower=True)
    grad = sl.solve_triangular(factor, left.T, trans=1, lower=True)
    return phi(grad + grad.T)


def lu_factor_by_hand(a, g):
    lu, piv = sl.lu_factor(a)
    lower, upper = np.tril(lu, -1) + np.eye(len(a)), np.triu(lu)
    inner = np.tril(lower.T @ np.tril(g, -1), -1) + np.triu(np.triu(g) @ upper.T)
    left = sl.solve_triangular(lu, inner, trans=1, lower=True, unit_diagonal=True)
    grad = sl.solve_triangular(lu, left.T, lower=False).T
    order = list(range(len(a)))
    for k, other in enumerate(piv):
        order[k], order[other] = order[other], order[k]
    return grad[np.argsort(order)]


def rows(n, length):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n))
    s, g, b = a @ a.T + n * np.eye(n), np.ones((n, n)), rng.standard_normal((n, 5))
    t = np.triu(a) + n * np.eye(n)
    x, k = rng.standard_normal(length), rng.standard_normal(101)
    ones = np.ones(length + 100)
    p, q, seed = rng.uniform(0.01, 2.0, length), rng.uniform(0.01, 2.0, length), np.ones(length)
    return {
        "solve_triangular": (backward(linalg.solve_triangular, t, b), lambda: (
            lambda out, z: -z @ out.T)(sl.solve_triangular(t, b),
                                      sl.solve_triangular(t, np.ones((n, 5)), trans=1))),
        "cholesky": (backward(lambda s: linalg.cholesky(s, lower=True), s),
                     lambda: cholesky_by_hand(s, g)),
        "lu_factor": (backward(lambda a: linalg.lu_factor(a)[0], a),
                      lambda: lu_factor_by_hand(a, g)),
        "expm": (backward(linalg.expm, a / n), lambda: (
            sl.expm(a / n), sl.expm_frechet(a.T / n, g, compute_expm=False))),
        "sqrtm": (backward(linalg.sqrtm, s), lambda: (
            lambda root: sl.solve_sylvester(root.T, root.T, g))(sl.sqrtm(s))),
        "solve_sylvester": (backward(linalg.solve_sylvester, s, s, g), lambda: (
            lambda out, z: (z, -z @ out.T, -out.T @ z))(sl.solve_sylvester(s, s, g),
                                                       sl.solve_sylvester(s, s, g))),
        "eigh (values)": (backward(lambda s: linalg.eigh(s)[0], s), lambda: (
            lambda w, v: v @ v.T)(*sl.eigh(s))),
        "convolve": (backward(signal.convolve, x, k), lambda: (
            ss.convolve(x, k), ss.correlate(ones, k, "valid"), ss.correlate(ones, x, "valid"))),
        "fftconvolve": (backward(signal.fftconvolve, x, k), lambda: (
            ss.fftconvolve(x, k), ss.fftconvolve(ones, k[::-1], "valid"),
            ss.fftconvolve(ones, x[::-1], "valid"))),
        "entr": (backward(special.entr, p), lambda: (sc.entr(p), -(np.log(p) + 1) * seed)),
        "kl_div": (backward(special.kl_div, p, q), lambda: (
            sc.kl_div(p, q), np.log(p / q) * seed, (1 - p / q) * seed)),
        "rel_entr": (backward(special.rel_entr, p, q), lambda: (
            sc.rel_entr(p, q), (np.log(p / q) + 1) * seed, -(p / q) * seed)),
    }


def fastest(first, second, repeats=30):
    times = ([], [])
    for _ in range(repeats):
        for run, found in zip((first, second), times):
            start = time.perf_counter()
            run()
            found.append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="matrix size")
    parser.add_argument("--length", type=int, default=10_000, help="signal length")
    options = parser.parse_args()
    print("| function | chainrule (ms) | SciPy + hand-written rule (ms) | ratio |")
    print("|---|---:|---:|---:|")
    for name, (ours, theirs) in rows(options.n, options.length).items():
        mine, hand = fastest(ours, theirs)
        print(f"| {name} | {mine * 1e3:.2f} | {hand * 1e3:.2f} | {mine / hand:.2f} |")


if __name__ == "__main__":
    main()
