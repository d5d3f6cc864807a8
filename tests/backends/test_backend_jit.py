"""jit on another library's arrays: the function runs as it is, in the array's library, and
nothing is traced (jit's programs are NumPy; replayed on array-api-strict's arrays they gave
NumPy arrays back); a jitted function inside a transform runs eagerly on them too."""

import numpy as np
import pytest

import chainrule as cr
from tests.backends.backend_arrays import BACKENDS, host, namespace, to_backend

X = np.linspace(-1.0, 1.0, 12).reshape(4, 3)
W = np.array([0.5, -1.0, 2.0])


def loss(x, w):
    return cr.sum(cr.tanh(cr.matmul(x, w)) ** 2)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("transform", [lambda f: f, lambda f: cr.grad(f, argnums=1)],
                         ids=["value", "gradient"])
def test_jit_on_backend_arrays_runs_the_function_in_their_library(backend, transform):
    namespace(backend)
    jitted = cr.jit(transform(loss))
    x, w = to_backend(X, backend), to_backend(W, backend)
    expected = transform(loss)(X, W)
    for result in (jitted(x, w), jitted(x, w), jitted(cr.tensor(x), cr.tensor(w))):
        array = result.array if isinstance(result, cr.Tensor) else result
        assert cr.backend_of(array) == backend  # never a NumPy array handed back
        np.testing.assert_allclose(host(array), expected, rtol=1e-14)
    assert "0 trace" in repr(jitted)  # nothing compiled, nothing cached
    with pytest.raises(cr.MixedBackendsError):
        jitted(X, w)  # NumPy and the backend in one op, as without jit


@pytest.mark.parametrize("backend", BACKENDS)
def test_jitted_function_under_grad_runs_eagerly_on_backend_arrays(backend):
    namespace(backend)
    jitted = cr.jit(loss)
    x, w = to_backend(X, backend), to_backend(W, backend)
    gradient = cr.grad(lambda w: jitted(x, w))(w)
    assert cr.backend_of(gradient) == backend
    np.testing.assert_allclose(host(gradient), cr.grad(loss, argnums=1)(X, W), rtol=1e-14)
