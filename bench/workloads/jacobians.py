"""W5 whole derivatives at n = 200, float64: the Jacobian of f(x) = tanh(W2 @ tanh(W1 @ x)) in
reverse mode (W5a) and forward mode (W5b), and the Hessian of g(x) = Σ tanh(W1 @ x)² (W5c)."""

import math

import numpy as np

from bench.workloads import Case
from bench.workloads.peers import load_jax, load_torch

N = 200
MODES = {"W5a": "jacrev", "W5b": "jacfwd", "W5c": "hessian"}


def skip(system, workload):
    if system == "micrograd":
        return "a scalar-only engine"
    if system == "mygrad" and workload != "W5a":
        return "MyGrad has reverse mode only, to first order"
    return ""


def build(system, workload):
    W1, W2, x = problem()
    compute = BUILDERS[system](MODES[workload], W1, W2, x)
    note = NOTES.get((system, MODES[workload]), "")
    return Case(
        check=lambda: {MODES[workload]: np.asarray(compute())},
        timed={MODES[workload]: compute},
        note=note,
    )


def problem():
    rng = np.random.default_rng(0)
    W1 = rng.standard_normal((N, N)) / math.sqrt(N)
    W2 = rng.standard_normal((N, N)) / math.sqrt(N)
    return W1, W2, rng.standard_normal(N)


def hand_written(mode, W1, W2, x):
    """The closed forms J = diag(1 − h2²) W2 diag(1 − h1²) W1 with h1 = tanh(W1 x),
    h2 = tanh(W2 h1), and H = W1ᵀ diag(2(1 − t²)(1 − 3t²)) W1 with t = tanh(W1 x)."""

    def jacobian():
        h1 = np.tanh(W1 @ x)
        h2 = np.tanh(W2 @ h1)
        return ((1 - h2 * h2)[:, None] * W2) @ ((1 - h1 * h1)[:, None] * W1)

    def hessian():
        t = np.tanh(W1 @ x)
        return W1.T @ ((2 * (1 - t * t) * (1 - 3 * t * t))[:, None] * W1)

    return hessian if mode == "hessian" else jacobian


def chainrule(mode, W1, W2, x):
    transform = chainrule_transform(mode, W1, W2)
    return lambda: transform(x)


def chainrule_transform(mode, W1, W2):
    import chainrule as cr

    def f(v):
        return cr.tanh(W2 @ cr.tanh(W1 @ v))

    def g(v):
        return cr.sum(cr.tanh(W1 @ v) ** 2)

    return {"jacrev": cr.jacrev(f), "jacfwd": cr.jacfwd(f), "hessian": cr.hessian(g)}[mode]


def chainrule_jit(mode, W1, W2, x):
    import chainrule as cr

    transform = cr.jit(chainrule_transform(mode, W1, W2))
    transform(x)  # the trace
    return lambda: transform(x)


def pytorch(mode, W1, W2, x):
    torch = load_torch()
    W1, W2, x = (torch.from_numpy(a) for a in (W1, W2, x))

    def f(v):
        return torch.tanh(W2 @ torch.tanh(W1 @ v))

    def g(v):
        return torch.sum(torch.tanh(W1 @ v) ** 2)

    func = torch.func
    transform = {"jacrev": func.jacrev, "jacfwd": func.jacfwd, "hessian": func.hessian}[mode]
    transform = transform(g) if mode == "hessian" else transform(f)
    return lambda: transform(x)


def jax_system(mode, W1, W2, x, jit):
    jax = load_jax()
    jnp = jax.numpy
    W1, W2, x = (jnp.asarray(a) for a in (W1, W2, x))

    def f(v):
        return jnp.tanh(W2 @ jnp.tanh(W1 @ v))

    def g(v):
        return jnp.sum(jnp.tanh(W1 @ v) ** 2)

    transform = {"jacrev": jax.jacrev(f), "jacfwd": jax.jacfwd(f), "hessian": jax.hessian(g)}[mode]
    transform = jax.jit(transform) if jit else transform
    return lambda: transform(x).block_until_ready()


def hips_autograd(mode, W1, W2, x):
    import autograd
    import autograd.numpy as anp

    def f(v):
        return anp.tanh(W2 @ anp.tanh(W1 @ v))

    def g(v):
        return anp.sum(anp.tanh(W1 @ v) ** 2)

    if mode == "jacfwd":
        push = autograd.make_jvp(f)(x)
        basis = np.eye(N)
        return lambda: np.stack([push(e)[1] for e in basis], axis=1)
    transform = autograd.hessian(g) if mode == "hessian" else autograd.jacobian(f)
    return lambda: transform(x)


def mygrad(mode, W1, W2, x):
    import mygrad as mg

    def jacobian():
        rows = []
        for i in range(N):  # one forward and backward pass per row: MyGrad keeps no graph
            v = mg.tensor(x)
            mg.tanh(W2 @ mg.tanh(W1 @ v))[i].backward()
            rows.append(v.grad)
        return np.stack(rows)

    return jacobian


BUILDERS = {
    "numpy": hand_written,
    "chainrule": chainrule,
    "chainrule-jit": chainrule_jit,
    "pytorch": pytorch,
    "jax": lambda *args: jax_system(*args, jit=False),
    "jax-jit": lambda *args: jax_system(*args, jit=True),
    "autograd": hips_autograd,
    "mygrad": mygrad,
}
NOTES = {
    ("pytorch", "jacrev"): "torch.func.jacrev",
    ("pytorch", "jacfwd"): "torch.func.jacfwd",
    ("pytorch", "hessian"): "torch.func.hessian",
    ("autograd", "jacfwd"): "no forward-mode Jacobian: 200 columns, one make_jvp each",
    ("autograd", "hessian"): "autograd.hessian",
    ("mygrad", "jacrev"): "200 rows, one forward and backward pass each",
}

__all__ = ["skip", "build", "N"]
