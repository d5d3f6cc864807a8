"""jit on another library's arrays: a call to be compiled is refused with one error naming the
backend and saying to call without jit (jit's programs are NumPy; array-api-strict's arrays
used to come back as NumPy ones); a jitted function inside a transform runs eagerly on them."""

import numpy as np
import pytest

import chainrule as cr
from tests.backends.backend_arrays import BACKENDS, host, namespace, to_backend

X = np.linspace(-1.0, 1.0, 12).reshape(4, 3)
W = np.array([0.5, -1.0, 2.0])


def loss(x, w):
    return (cr.tanh(cr.matmul(x, w)) ** 2).sum()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("jitted", [cr.jit(loss), cr.jit(cr.grad(loss, argnums=1))],
                         ids=["value", "gradient"])
def test_jit_refuses_backend_arrays_naming_the_backend(backend, jitted):
    namespace(backend)
    x, w = to_backend(X, backend), to_backend(W, backend)
    message = f"chainrule.jit is not available for {backend} arrays: .*without jit"
    with pytest.raises(cr.BackendError, match=message):
        jitted(x, w)
    with pytest.raises(cr.BackendError, match=message):
        jitted(cr.tensor(x), cr.tensor(w))
    with pytest.raises(cr.BackendError, match=message):
        jitted(X, w)  # one backend array among NumPy ones is enough


@pytest.mark.parametrize("backend", BACKENDS)
def test_jitted_function_under_grad_runs_eagerly_on_backend_arrays(backend):
    namespace(backend)
    jitted = cr.jit(loss)
    x, w = to_backend(X, backend), to_backend(W, backend)
    gradient = cr.grad(lambda w: jitted(x, w))(w)
    assert cr.backend_of(gradient) == backend
    np.testing.assert_allclose(host(gradient), cr.grad(loss, argnums=1)(X, W), rtol=1e-14)
