"""Op-table cases for numpy.fft: each transform on real (float64) and, where NumPy defines
it, complex (complex128) inputs, with n padding and cropping, axes, and the three norms.

The transforms are linear, so most cases square the result: second derivatives are then not
all zero, and the check sees the rules' own derivatives.
"""

from chainrule import fft
from tests.ops.cases_complex import crand
from tests.ops.optable import OpCase, rand

NORMS = (None, "ortho", "forward")


def squared(op, **params):
    def f(a):
        out = op(a, **params)
        return out * out

    return f


def label(kind, **params):
    shown = ", ".join(f"{k}={v!r}" for k, v in params.items() if v is not None)
    return f"{kind}{', ' if shown else ''}{shown}"


def one_axis(name, op, inputs, sizes):
    """Cases of a 1-D transform: each input, each n, each norm; along axis 0 and -1."""
    cases = []
    for kind, a in inputs:
        for n in sizes:
            for norm in NORMS:
                cases.append(OpCase(name, squared(op, n=n, norm=norm), (a,),
                                    label(kind, n=n, norm=norm), covers=COVERS[name]))
        cases.append(OpCase(name, squared(op, axis=0), (a,), label(kind, axis=0),
                            covers=COVERS[name]))
        cases.append(OpCase(name, op, (a,), label(kind + ", linear"), covers=COVERS[name]))
    return cases


COVERS = {
    "fft": ("fft",), "ifft": ("ifft",), "rfft": ("rfft",), "irfft": ("irfft",),
    "hfft": ("irfft", "conjugate"), "ihfft": ("rfft", "conjugate"),
    "fftn": ("fft",), "ifftn": ("ifft",), "fft2": ("fft",), "ifft2": ("ifft",),
    "rfftn": ("rfft", "fft"), "irfftn": ("irfft", "ifft"), "rfft2": ("rfft", "fft"),
    "irfft2": ("irfft", "ifft"), "fftshift": ("concatenate", "getitem"),
    "ifftshift": ("concatenate", "getitem"),
}

SIGNALS = [("real 5x4", rand(5, 4, seed=1)), ("complex 5x4", crand(5, 4, seed=2))]
SPECTRA = [("complex 3x4", crand(3, 4, seed=3)), ("real 3x4", rand(3, 4, seed=4))]
REAL_SIGNALS = [("real 5x4", rand(5, 4, seed=1)), ("real 3x5", rand(3, 5, seed=5))]

ONE_AXIS = [
    *one_axis("fft", fft.fft, SIGNALS, (None, 6, 3)),
    *one_axis("ifft", fft.ifft, SIGNALS, (None, 6, 3)),
    *one_axis("rfft", fft.rfft, REAL_SIGNALS, (None, 7, 6, 3)),
    *one_axis("irfft", fft.irfft, SPECTRA, (None, 7, 5, 3, 10)),
    *one_axis("hfft", fft.hfft, SPECTRA, (None, 7, 3)),
    *one_axis("ihfft", fft.ihfft, REAL_SIGNALS, (None, 7, 3)),
    OpCase("fft", fft.fft, (crand(1, seed=6),), "complex, one point"),
    OpCase("irfft", lambda a: fft.irfft(a, n=2), (crand(2, 1, seed=7),),
           "complex, n=2 from one frequency"),
    OpCase("fft", fft.fft, (rand(0, 3, seed=8),), "empty batch"),
]


def several_axes(name, op, inputs, variants):
    cases = []
    for kind, a in inputs:
        for params in variants:
            cases.append(OpCase(name, squared(op, **params), (a,), label(kind, **params),
                                covers=COVERS[name]))
    return cases


CUBES = [("real 3x4x2", rand(3, 4, 2, seed=9)), ("complex 3x4x2", crand(3, 4, 2, seed=10))]
REAL_CUBES = [("real 3x4x2", rand(3, 4, 2, seed=9))]
VARIANTS = [
    {}, {"norm": "ortho"}, {"axes": (0, 2)}, {"axes": (-1, 0), "s": (3, 5)},
    {"s": (2, 5), "axes": (-2, -1), "norm": "forward"},
]
PLANE_VARIANTS = [{}, {"s": (5, 3)}, {"axes": (0, -1), "norm": "ortho"}]

SEVERAL_AXES = [
    *several_axes("fftn", fft.fftn, CUBES, VARIANTS),
    *several_axes("ifftn", fft.ifftn, CUBES, VARIANTS),
    *several_axes("fft2", fft.fft2, CUBES, PLANE_VARIANTS),
    *several_axes("ifft2", fft.ifft2, CUBES, PLANE_VARIANTS),
    *several_axes("rfftn", fft.rfftn, REAL_CUBES, VARIANTS),
    *several_axes("irfftn", fft.irfftn, CUBES, VARIANTS),
    *several_axes("rfft2", fft.rfft2, REAL_CUBES, PLANE_VARIANTS),
    *several_axes("irfft2", fft.irfft2, CUBES, PLANE_VARIANTS),
    *several_axes("fftshift", fft.fftshift, CUBES, [{}, {"axes": 1}, {"axes": (0, -1)}]),
    *several_axes("ifftshift", fft.ifftshift, CUBES, [{}, {"axes": -1}, {"axes": (2, 0)}]),
]

CASES = [*ONE_AXIS, *SEVERAL_AXES]
