"""chainrule.scipy.signal: values equal SciPy's bit for bit (float32 kept) in every mode and
method, gradients against the adjoint identity, 'same' centring, and the refusals."""

import warnings

import numpy as np
import pytest

import chainrule as cr

scipy_signal = pytest.importorskip("scipy.signal")
from chainrule.scipy import signal  # noqa: E402


@pytest.fixture(autouse=True)
def no_warnings():
    # Every warning an error here: a test that expects one says so.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield

RNG = np.random.default_rng(5)
MODES = ("full", "same", "valid")
ROUTINES = ("convolve", "correlate", "convolve2d", "correlate2d", "fftconvolve")


def normal(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


# Even and odd sizes, each input the longer one in turn.
SHAPES = [((5, 4), (2, 3)), ((3, 2), (4, 4)), ((4, 6), (4, 6))]


@pytest.mark.parametrize("routine", ROUTINES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_values_are_scipys_bit_for_bit_and_keep_the_dtype(routine, dtype):
    for x_shape, v_shape in SHAPES:
        x, v = normal(*x_shape, dtype=dtype), normal(*v_shape, dtype=dtype)
        for mode in MODES:
            if mode == "valid" and routine.endswith("2d") and x_shape[0] < v_shape[0] and \
                    x_shape[1] > v_shape[1]:
                continue
            expected = getattr(scipy_signal, routine)(x, v, mode)
            found = getattr(signal, routine)(cr.tensor(x), cr.tensor(v), mode)
            assert found.dtype == expected.dtype
            np.testing.assert_array_equal(found.numpy(), expected)


@pytest.mark.parametrize("method", ["direct", "fft", "auto"])
def test_methods_are_handed_to_scipy(method):
    x, v = normal(50), normal(20)
    for routine in ("convolve", "correlate"):
        expected = getattr(scipy_signal, routine)(x, v, "same", method=method)
        found = getattr(signal, routine)(cr.tensor(x), v, "same", method=method)
        np.testing.assert_array_equal(found.numpy(), expected)


def test_fftconvolve_axes_are_scipys():
    x, v = normal(3, 8, 2), normal(1, 3, 2)
    for mode in MODES:
        expected = scipy_signal.fftconvolve(x, v, mode, axes=1)
        np.testing.assert_array_equal(
            signal.fftconvolve(cr.tensor(x), cr.tensor(v), mode, axes=1).numpy(), expected)


@pytest.mark.parametrize("routine", ROUTINES)
@pytest.mark.parametrize("mode", MODES)
def test_gradients_satisfy_the_adjoint_identity(routine, mode):
    # <g, f(x, v)> is linear in x and in v: its gradient in x, dotted with x, is the value.
    x, v, = normal(5, 4), normal(2, 3)
    out = getattr(signal, routine)(x, v, mode)
    g = normal(*out.shape)

    def pairing(x, v):
        return cr.sum(g * getattr(signal, routine)(x, v, mode))

    grad_x, grad_v = cr.grad(pairing, argnums=(0, 1))(x, v)
    value = np.sum(g * out)
    np.testing.assert_allclose(np.sum(grad_x * x), value, rtol=1e-10)
    np.testing.assert_allclose(np.sum(grad_v * v), value, rtol=1e-10)


def test_fftconvolve_gradient_equals_convolves():
    x, v = normal(16), normal(5)
    for mode in MODES:
        found = cr.grad(lambda x, v, mode=mode: cr.sum(signal.fftconvolve(x, v, mode) ** 2),
                        argnums=(0, 1))(x, v)
        expected = cr.grad(lambda x, v, mode=mode: cr.sum(signal.convolve(x, v, mode) ** 2),
                           argnums=(0, 1))(x, v)
        for f, e in zip(found, expected):
            np.testing.assert_allclose(f, e, atol=1e-10)


def test_float32_gradients_stay_float32():
    x = cr.tensor(normal(6, dtype=np.float32), requires_grad=True)
    cr.sum(signal.correlate(x, np.ones(3, np.float32), "same")).backward()
    assert x.grad.dtype == np.float32


def test_jit_replays_a_convolution_and_its_gradient():
    x, v = normal(7), normal(3)
    grad = cr.grad(lambda x, v: cr.sum(signal.convolve(x, v, "same") ** 2))
    np.testing.assert_allclose(cr.jit(grad)(x, v), grad(x, v), rtol=1e-12)


BOUNDARIES = [{"boundary": "wrap"}, {"boundary": "symm"}, {"fillvalue": 1.5},
              {"boundary": "circular", "fillvalue": 2.0}]


@pytest.mark.parametrize("options", BOUNDARIES)
@pytest.mark.parametrize("routine", ["convolve2d", "correlate2d"])
def test_boundaries_are_scipys_and_differentiate(routine, options):
    for x_shape, v_shape in SHAPES:
        x, v = normal(*x_shape), normal(*v_shape)
        for mode in MODES:
            if mode == "valid" and x_shape[0] < v_shape[0] and x_shape[1] > v_shape[1]:
                continue
            expected = getattr(scipy_signal, routine)(x, v, mode, **options)
            found = getattr(signal, routine)(cr.tensor(x), cr.tensor(v), mode, **options)
            np.testing.assert_array_equal(found.numpy(), expected)
    assert cr.gradcheck(lambda x, v: getattr(signal, routine)(x, v, "same", **options),
                        normal(3, 2), normal(2, 4), order=2)


def test_a_fill_value_is_a_constant_term_of_in2():
    # convolve2d(x, v, fillvalue=c) = convolve2d(x, v) + c·(sum(v) − convolve2d(1, v)).
    x, v = normal(3, 3), normal(2, 2)
    grad = cr.grad(lambda x: cr.sum(signal.convolve2d(x, v, fillvalue=3.0) ** 2))(x)
    expected = cr.grad(lambda x: cr.sum((signal.convolve2d(x, v) + 3.0 * (
        np.sum(v) - signal.convolve2d(np.ones((3, 3)), v))) ** 2))(x)
    np.testing.assert_allclose(grad, expected, rtol=1e-12)


def test_unknown_boundaries_and_complex_fill_values_are_refused():
    x, v = cr.tensor(normal(3, 3), requires_grad=True), normal(2, 2)
    with pytest.raises(ValueError, match="boundary must be one of"):
        signal.convolve2d(x, v, boundary="reflect")
    with pytest.raises(TypeError, match="complex fillvalue"):
        signal.correlate2d(x, v, fillvalue=1j)


def test_bad_modes_and_complex_tensors_are_refused():
    with pytest.raises(ValueError, match="acceptable mode flags"):
        signal.convolve(cr.tensor(normal(3)), normal(2), mode="middle")
    with pytest.raises(TypeError, match="real arrays only"):
        signal.fftconvolve(cr.tensor(normal(3) + 1j, requires_grad=True), normal(2))


def test_jit_replays_a_boundary_and_its_gradient():
    x, v = normal(4, 3), normal(2, 2)
    grad = cr.grad(lambda x, v: cr.sum(signal.correlate2d(x, v, "same", boundary="symm") ** 2),
                   argnums=(0, 1))
    for found, expected in zip(cr.jit(grad)(x, v), grad(x, v)):
        np.testing.assert_allclose(found, expected, rtol=1e-12)
