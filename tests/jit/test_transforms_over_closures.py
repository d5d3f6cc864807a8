"""A transform inside a jitted function whose own arguments are constants but whose function
closes over the jitted function's traced argument: its results must stay traced. They were
lowered to this one call's numbers, and every replay returned them (a silent wrong value)."""

import numpy as np
import pytest

import chainrule as cr

FIRST = np.array([1.0, 2.0, 3.0])
SECOND = np.array([3.0, 1.0, 2.0])
WEIGHTS = np.array([1.0, 2.0, 3.0])

PROGRAMS = [
    pytest.param(lambda x: cr.jvp(lambda a: a * cr.sin(x), (2.5,), (1.0,))[1], id="jvp"),
    pytest.param(lambda x: cr.grad(lambda a: cr.sum(a * cr.exp(x) * WEIGHTS))(2.5), id="grad"),
    pytest.param(lambda x: cr.vjp(lambda a: a * x, 2.5)[1](WEIGHTS)[0], id="vjp"),
    pytest.param(lambda x: cr.jacfwd(lambda a: a * x ** 2)(2.5), id="jacfwd"),
    pytest.param(lambda x: cr.hessian(lambda a: cr.sum(a ** 3 * x * WEIGHTS))(2.0), id="hessian"),
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_a_replay_computes_the_closure_at_the_new_argument(program):
    jitted = cr.jit(program)
    jitted(FIRST)
    np.testing.assert_allclose(jitted(SECOND), program(SECOND), rtol=1e-12)
    assert len(jitted.cache) == 1
