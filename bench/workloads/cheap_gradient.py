"""W4 cheap-gradient ratio: time(value_and_grad) ÷ time(forward), on the W3 loss (W4a) and on
f(x) = Σ sin(x)·exp(−x²) + tanh(x) over 10⁶ float64 values (W4b). Forward means the value alone,
recording nothing (no_grad where the system records by default)."""

import numpy as np

from bench.workloads import Case, mlp
from bench.workloads.networks import MODELS
from bench.workloads.peers import load_jax, load_torch

SIZE = 10**6


def skip(system, workload):
    return "a scalar-only engine" if system == "micrograd" else ""


def build(system, workload):
    return mlp_loss(system) if workload == "W4a" else ELEMENTWISE[system]()


def mlp_loss(system):
    config = mlp.CONFIGS["W3"]
    model = MODELS[system](config, mlp.initial_params(config))
    x, labels = model.convert(*mlp.batches_for(config)[0])
    return Case(
        check=lambda: mlp.as_arrays(*model.check(x, labels)),
        timed={
            "forward": lambda: model.forward(x, labels),
            "value_and_grad": lambda: model.value_and_grad(x, labels),
        },
        tolerance=mlp.FLOAT32,
    )


def point():
    return np.random.default_rng(0).standard_normal(SIZE)


def elementwise_case(forward, value_and_grad, as_numpy=np.asarray, note=""):
    def check():
        value, grad = value_and_grad()
        return {"value": np.asarray(as_numpy(value), dtype=np.float64), "grad": as_numpy(grad)}

    timed = {"forward": forward, "value_and_grad": value_and_grad}
    return Case(check=check, timed=timed, note=note)


def hand_written():
    x = point()

    def forward():
        return np.sum(np.sin(x) * np.exp(-(x**2)) + np.tanh(x))

    def value_and_grad():
        sin_x, gauss, tanh_x = np.sin(x), np.exp(-(x**2)), np.tanh(x)
        value = np.sum(sin_x * gauss + tanh_x)
        return value, gauss * (np.cos(x) - 2 * x * sin_x) + (1 - tanh_x * tanh_x)

    return elementwise_case(forward, value_and_grad)


def chainrule():
    import chainrule as cr

    x = cr.tensor(point())

    def f(v):
        return cr.sum(cr.sin(v) * cr.exp(-(v**2)) + cr.tanh(v))

    value_and_grad_of = cr.value_and_grad(f)
    return elementwise_case(lambda: f(x), lambda: value_and_grad_of(x))


def chainrule_jit():
    import chainrule as cr

    x = point()

    def f(v):
        return cr.sum(cr.sin(v) * cr.exp(-(v**2)) + cr.tanh(v))

    forward_of, value_and_grad_of = cr.jit(f), cr.jit(cr.value_and_grad(f))
    forward_of(x), value_and_grad_of(x)  # the traces
    return elementwise_case(lambda: forward_of(x), lambda: value_and_grad_of(x),
                            note="cr.jit of f and of cr.value_and_grad(f), traced before timing")


def pytorch():
    torch = load_torch()
    x = torch.from_numpy(point()).requires_grad_()

    def f(v):
        return torch.sum(torch.sin(v) * torch.exp(-(v**2)) + torch.tanh(v))

    def forward():
        with torch.no_grad():
            return f(x)

    def value_and_grad():
        value = f(x)
        return value, torch.autograd.grad(value, x)[0]

    note = "value_and_grad as torch.autograd.grad; forward under torch.no_grad()"
    return elementwise_case(forward, value_and_grad, lambda t: t.detach().numpy(), note)


def jax_system(jit):
    jax = load_jax()
    jnp = jax.numpy
    x = jnp.asarray(point())

    def f(v):
        return jnp.sum(jnp.sin(v) * jnp.exp(-(v**2)) + jnp.tanh(v))

    wrap = jax.jit if jit else (lambda function: function)
    forward_of, value_and_grad_of = wrap(f), wrap(jax.value_and_grad(f))
    return elementwise_case(
        lambda: forward_of(x).block_until_ready(),
        lambda: jax.block_until_ready(value_and_grad_of(x)),
    )


def hips_autograd():
    import autograd
    import autograd.numpy as anp

    x = point()

    def f(v):
        return anp.sum(anp.sin(v) * anp.exp(-(v**2)) + anp.tanh(v))

    value_and_grad_of = autograd.value_and_grad(f)
    return elementwise_case(lambda: f(x), lambda: value_and_grad_of(x))


def mygrad():
    import mygrad as mg

    x = mg.tensor(point())

    def f(v):
        return mg.sum(mg.sin(v) * mg.exp(-(v**2)) + mg.tanh(v))

    def forward():
        with mg.no_autodiff:
            return f(x)

    def value_and_grad():
        value = f(x)
        value.backward()
        return value, x.grad

    return elementwise_case(forward, value_and_grad, lambda grad: np.array(grad))


ELEMENTWISE = {
    "numpy": hand_written,
    "chainrule": chainrule,
    "chainrule-jit": chainrule_jit,
    "pytorch": pytorch,
    "jax": lambda: jax_system(jit=False),
    "jax-jit": lambda: jax_system(jit=True),
    "autograd": hips_autograd,
    "mygrad": mygrad,
}

__all__ = ["skip", "build", "SIZE"]
