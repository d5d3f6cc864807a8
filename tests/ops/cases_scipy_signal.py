"""Op-table cases for chainrule.scipy.signal: every routine in every mode, with inputs longer
and shorter than each other, even and odd sizes (where 'same' centres differently), 0-d inputs,
methods and fftconvolve's axes (broadcasting along the others)."""

import importlib.util

from tests.ops.optable import OpCase, rand

CASES = []
if importlib.util.find_spec("scipy") is not None:
    from chainrule.scipy import signal

    ONE_D = [(rand(5), rand(3)), (rand(2), rand(4))]
    TWO_D = [(rand(3, 4), rand(2, 3)), (rand(2, 2), rand(3, 2, seed=1))]

    def routine_cases(name, function, pairs, **options):
        found = []
        for mode in ("full", "same", "valid"):
            for x, v in pairs:
                label = f"{mode}, {x.shape} and {v.shape}"
                found.append(OpCase(name, lambda x, v, mode=mode: function(x, v, mode, **options),
                                    (x, v), label, covers=("scipy_convolution",)))
        return found

    CASES = [
        *routine_cases("convolve", signal.convolve, ONE_D + TWO_D[:1]),
        *routine_cases("correlate", signal.correlate, ONE_D + TWO_D[1:]),
        *routine_cases("convolve2d", signal.convolve2d, TWO_D),
        *routine_cases("correlate2d", signal.correlate2d, TWO_D),
        *routine_cases("fftconvolve", signal.fftconvolve, ONE_D[:1] + TWO_D[1:]),
        OpCase("convolve", lambda x, v: signal.convolve(x, v, method="fft"),
               (rand(4), rand(3)), "method fft", covers=("scipy_convolution",)),
        OpCase("correlate", lambda x, v: signal.correlate(x, v, "same", method="direct"),
               (rand(2, 3, 2), rand(2, 2, 2)), "3-d, method direct",
               covers=("scipy_convolution",)),
        OpCase("convolve", signal.convolve, (rand(), rand()), "0-d",
               covers=("scipy_convolution",)),
        OpCase("fftconvolve", lambda x, v: signal.fftconvolve(x, v, "same", axes=-1),
               (rand(2, 4), rand(1, 3)), "axes=-1, broadcast", covers=("scipy_convolution",)),
        OpCase("fftconvolve", lambda x, v: signal.fftconvolve(x, v, axes=[0, 2]),
               (rand(3, 2, 2), rand(2, 1, 2)), "axes [0, 2]", covers=("scipy_convolution",)),
        OpCase("convolve", lambda x: signal.convolve(x, x), (rand(4),), "x * x",
               covers=("scipy_convolution",)),
        OpCase("convolve2d", lambda x, v: signal.convolve2d(x, v, "same", boundary="wrap"),
               (rand(3, 4), rand(2, 3)), "same, wrap", covers=("scipy_convolution", "scatter")),
        OpCase("convolve2d", lambda x, v: signal.convolve2d(x, v, boundary="symm"),
               (rand(2, 3), rand(3, 2)), "full, symm, kernel taller",
               covers=("scipy_convolution", "scatter")),
        OpCase("correlate2d", lambda x, v: signal.correlate2d(x, v, "same", fillvalue=1.5),
               (rand(3, 3), rand(2, 2)), "same, fillvalue 1.5", covers=("scipy_convolution",)),
        OpCase("correlate2d", lambda x, v: signal.correlate2d(x, v, boundary="circular"),
               (rand(2, 2), rand(3, 2)), "full, circular", covers=("scipy_convolution",)),
        OpCase("convolve2d", lambda x, v: signal.convolve2d(x, v, "valid", boundary="symm"),
               (rand(2, 2), rand(3, 3)), "valid, symm, in2 larger",
               covers=("scipy_convolution",)),
    ]
