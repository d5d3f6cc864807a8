"""The random programs replayed in PyTorch: the same values, gradients and Hessian products.

Optional (marker ``torch``): skipped when torch is not installed. Both run in float64 from the
same Wengert list (programs.py), so they agree to rounding. Run only these with
``python -m pytest -m torch tests/reliability``.
"""

import numpy as np
import pytest

import chainrule as cr
from tests.reliability.programs import program_seeds, random_program

torch = pytest.importorskip("torch")

from tests.reliability.torch_backend import TORCH, to_numpy  # noqa: E402

pytestmark = pytest.mark.torch
SEEDS = program_seeds()
RTOL, ATOL = 1e-9, 1e-11


def directions(program, seed):
    """A cotangent for the output and one direction per input, fixed by the seed."""
    rng = np.random.default_rng(seed + 10**6)
    out_shape = np.shape(program(*program.inputs))
    return rng.standard_normal(out_shape), [rng.standard_normal(x.shape) for x in program.inputs]


def torch_derivatives(program, v, ws):
    """Value, vᵀJ and the Hessian product (∂/∂x)(vᵀJ·w), all by torch.autograd."""
    xs = [torch.tensor(x, requires_grad=True) for x in program.inputs]
    out = program(*xs, backend=TORCH)
    grads = torch.autograd.grad(out, xs, torch.from_numpy(v), create_graph=True, allow_unused=True)
    grads = [torch.zeros_like(x) if g is None else g for x, g in zip(xs, grads)]
    along = sum((g * torch.from_numpy(w)).sum() for g, w in zip(grads, ws))
    second = [None] * len(xs)
    if along.requires_grad:
        second = torch.autograd.grad(along, xs, allow_unused=True)
    second = [np.zeros(x.shape) if h is None else to_numpy(h) for x, h in zip(xs, second)]
    return to_numpy(out), [to_numpy(g) for g in grads], second


def chainrule_derivatives(program, v, ws):
    """The same three, by chainrule's reverse mode (and reverse over reverse)."""
    out, vjp_fn = cr.vjp(program, *program.inputs)

    def along(*xs):
        grads = cr.vjp(program, *xs)[1](v)
        return sum(cr.sum(g * w) for g, w in zip(grads, ws))

    argnums = tuple(range(len(program.inputs)))
    second = cr.grad(along, argnums=argnums)(*program.inputs)
    return np.asarray(out), list(vjp_fn(v)), list(second)


@pytest.mark.parametrize("seed", SEEDS, ids=[f"program-{seed}" for seed in SEEDS])
def test_random_program_matches_pytorch(seed):
    program = random_program(seed)
    v, ws = directions(program, seed)
    value, grads, products = chainrule_derivatives(program, v, ws)
    expected_value, expected_grads, expected_products = torch_derivatives(program, v, ws)
    np.testing.assert_allclose(
        value,
        expected_value,
        rtol=RTOL,
        atol=ATOL,
        err_msg=f"the value differs from PyTorch's\n{program!r}",
    )
    for what, found, expected in (
        ("gradient", grads, expected_grads),
        ("Hessian-vector product", products, expected_products),
    ):
        for i, (ours, theirs) in enumerate(zip(found, expected)):
            np.testing.assert_allclose(
                ours,
                theirs,
                rtol=RTOL,
                atol=ATOL,
                err_msg=f"the {what} for v{i} differs from PyTorch's\n{program!r}",
            )
