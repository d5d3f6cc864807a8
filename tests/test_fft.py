"""chainrule.fft keeps numpy.fft's values and dtypes exactly, numpy.fft on tensors dispatches
to it, and its errors are NumPy's (the gradients are checked by the op table, cases_fft.py)."""

import numpy as np
import pytest

import chainrule as cr
from tests.ops.cases_complex import crand
from tests.ops.optable import rand

ONE_AXIS = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
SEVERAL = ["fftn", "ifftn", "fft2", "ifft2", "rfftn", "irfftn", "rfft2", "irfft2"]
SHIFTS = ["fftshift", "ifftshift"]
REAL_ONLY = {"rfft", "ihfft", "rfftn", "rfft2"}


def inputs(name):
    found = [rand(4, 6, seed=1), rand(4, 6, seed=1).astype(np.float32)]
    if name not in REAL_ONLY:
        found += [crand(4, 6, seed=2), crand(4, 6, seed=2).astype(np.complex64)]
    return found


def assert_same(found, expected):
    found = found.numpy() if isinstance(found, cr.Tensor) else found
    assert found.dtype == expected.dtype and found.shape == expected.shape
    np.testing.assert_array_equal(found, expected)


@pytest.mark.parametrize("name", ONE_AXIS)
@pytest.mark.parametrize("params", [{}, {"n": 7}, {"n": 3, "axis": 0}, {"norm": "ortho"},
                                    {"n": 8, "axis": -2, "norm": "forward"},
                                    {"norm": "backward", "axis": 1}])
def test_one_axis_transforms_equal_numpys(name, params):
    for a in inputs(name):
        assert_same(getattr(cr.fft, name)(cr.tensor(a), **params),
                    getattr(np.fft, name)(a, **params))


@pytest.mark.parametrize("name", SEVERAL)
@pytest.mark.parametrize("params", [{}, {"axes": (0,)}, {"s": (3, 5), "axes": (1, 0)},
                                    {"norm": "ortho", "axes": (-1, -2)},
                                    {"s": (5, 8), "axes": (0, 1), "norm": "forward"}])
def test_several_axes_transforms_equal_numpys(name, params):
    for a in inputs(name):
        a3 = np.stack([a, a * 2])
        assert_same(getattr(cr.fft, name)(cr.tensor(a3), **params),
                    getattr(np.fft, name)(a3, **params))


@pytest.mark.parametrize("name", SHIFTS)
@pytest.mark.parametrize("axes", [None, 0, -1, (1, 0), ()])
def test_shifts_equal_numpys(name, axes):
    for a in [rand(5, 4), crand(3, 5)]:
        assert_same(getattr(cr.fft, name)(cr.tensor(a), axes=axes),
                    getattr(np.fft, name)(a, axes=axes))


@pytest.mark.parametrize("name", ONE_AXIS + SEVERAL + SHIFTS)
def test_numpy_fft_on_a_tensor_gives_chainrules_value_and_gradient(name):
    a = inputs(name)[0]
    op, numpy_op = getattr(cr.fft, name), getattr(np.fft, name)
    out = numpy_op(cr.tensor(a))
    assert isinstance(out, cr.Tensor)
    assert_same(out, numpy_op(a))
    def through(fn):
        return lambda x: cr.sum(cr.abs(fn(x)) ** 2)
    np.testing.assert_array_equal(cr.grad(through(numpy_op))(a), cr.grad(through(op))(a))


def test_a_complex_gradient_through_fft_follows_the_convention():
    # Σ|fft z|² = n·Σ|z|² (Parseval), so its gradient is 2n·conj(z).
    z = crand(6)
    np.testing.assert_allclose(cr.grad(lambda z: cr.sum(cr.abs(cr.fft.fft(z)) ** 2))(z),
                               12 * np.conj(z))
    assert cr.fft.fft(cr.tensor(z)).dtype == np.complex128


def test_fft_is_holomorphic():
    z = crand(4)
    jacobian = cr.jacfwd(cr.fft.fft, holomorphic=True)(z)
    np.testing.assert_allclose(jacobian, np.fft.fft(np.eye(4)), atol=1e-12)


def test_errors_are_numpys():
    x = cr.tensor(rand(4), requires_grad=True)
    with pytest.raises(ValueError, match="Invalid norm"):
        cr.fft.fft(x, norm="sideways")
    with pytest.raises(ValueError, match="Invalid norm"):
        cr.fft.hfft(x, norm="sideways")
    with pytest.raises(ValueError, match="invalid number of FFT data points"):
        cr.fft.fft(x, n=0)
    with pytest.raises(TypeError):
        cr.fft.rfft(cr.tensor(crand(4), requires_grad=True))
    with pytest.raises(ValueError, match="Shape and axes have different lengths"):
        cr.fft.fftn(x, s=(2, 2), axes=(0,))
