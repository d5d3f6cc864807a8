"""Op-table cases in complex128: every op that NumPy defines on complex numbers and chainrule
differentiates there, checked through real and imaginary parts (see chainrule.gradcheck).

Inputs stay off the branch cuts of log, sqrt, the inverse trigonometric and hyperbolic
functions and power (the negative real axis and the cuts on the real or imaginary axis
beyond ±1), and away from z = 0 for abs and angle.
"""

import numpy as np

import chainrule as cr
from chainrule import linalg
from tests.ops.optable import OpCase, rand


def crand(*shape, low=-1.5, high=1.5, seed=0):
    """Reproducible complex128 samples with real and imaginary parts in [low, high)."""
    return rand(*shape, low=low, high=high, seed=seed) + 1j * rand(
        *shape, low=low, high=high, seed=seed + 7)


def off_cuts(*shape, seed=0):
    """Complex samples with real part in [0.3, 1.5) and imaginary part in ±[0.3, 1.5): clear of
    0, of the negative real axis, and of the cuts of arcsin, arccos, arctan and friends."""
    signs = np.where(rand(*shape, seed=seed + 3) < 0, -1.0, 1.0)
    return rand(*shape, low=0.3, high=1.5, seed=seed) + 1j * signs * rand(
        *shape, low=0.3, high=1.5, seed=seed + 5)


def square_all(z):
    # Composed with z² so that second derivatives of linear ops are not all zero.
    return z * z


def unary(name, fn, sample=off_cuts, covers=()):
    return [
        OpCase(name, fn, (sample(),), "complex, 0-d", covers=covers),
        OpCase(name, fn, (sample(2, 3),), "complex, 2x3", covers=covers),
        OpCase(name, fn, (sample(0, 2),), "complex, empty", covers=covers),
    ]


def binary(name, fn, covers=()):
    return [
        OpCase(name, fn, (off_cuts(2, 3, seed=1), off_cuts(2, 3, seed=2)), "complex, 2x3",
               covers=covers),
        OpCase(name, fn, (off_cuts(3, 1, seed=1), off_cuts(4, seed=2)), "complex, broadcast",
               covers=covers),
        OpCase(name, fn, (off_cuts(seed=1), rand(2, 2, seed=2)), "complex with real",
               covers=covers),
        OpCase(name, fn, (rand(2, 2, low=0.5, high=2.0, seed=2), off_cuts(seed=1)),
               "real with complex", covers=covers),
    ]


ELEMENTWISE = [
    *binary("add", cr.add),
    *binary("subtract", cr.subtract),
    *binary("multiply", cr.multiply),
    *binary("divide", cr.divide),
    *binary("power", cr.power),
    OpCase("power", lambda z: z ** 3, (crand(2, 3),), "complex, integer exponent"),
    OpCase("power", lambda z: cr.power(z, 0.5 + 1j), (off_cuts(3),), "complex, constant exponent"),
    *unary("negative", cr.negative),
    *unary("reciprocal", cr.reciprocal),
    *unary("square", cr.square, sample=crand),
    *unary("sqrt", cr.sqrt),
    *unary("abs", cr.abs, sample=crand),
    OpCase("abs", lambda z: cr.abs(z) * cr.abs(z), (crand(3),), "complex, |z|²"),
    *unary("exp", cr.exp, sample=crand),
    *unary("exp2", cr.exp2, sample=crand),
    *unary("expm1", cr.expm1, sample=crand),
    *unary("log", cr.log),
    *unary("log2", cr.log2),
    *unary("log10", cr.log10),
    *unary("log1p", cr.log1p),
    *unary("sin", cr.sin, sample=crand),
    *unary("cos", cr.cos, sample=crand),
    *unary("tan", cr.tan, sample=lambda *s: crand(*s, low=-0.7, high=0.7)),
    *unary("arcsin", cr.arcsin),
    *unary("arccos", cr.arccos),
    *unary("arctan", cr.arctan),
    *unary("sinh", cr.sinh, sample=crand),
    *unary("cosh", cr.cosh, sample=crand),
    *unary("tanh", cr.tanh, sample=lambda *s: crand(*s, low=-0.7, high=0.7)),
    *unary("arcsinh", cr.arcsinh),
    *unary("arccosh", cr.arccosh),
    *unary("arctanh", cr.arctanh),
    *unary("real", lambda z: cr.real(z) * cr.imag(z), sample=crand, covers=("real", "imag")),
    OpCase("real", lambda x: cr.real(x) ** 2, (rand(3),), "of real x"),
    *unary("imag", lambda z: cr.imag(z * z), sample=crand),
    OpCase("imag", lambda x: cr.imag(x) + x, (rand(3),), "of real x"),
    *unary("conjugate", lambda z: cr.conj(z) * z, sample=crand),
    OpCase("conjugate", lambda z: np.conj(z) * z ** 2, (crand(3),), "complex, np.conj"),
    OpCase("conjugate", lambda x: cr.conj(x) * x, (rand(3),), "of real x"),
    *unary("angle", cr.angle, sample=crand),
    OpCase("angle", lambda z: cr.angle(z, deg=True) * cr.abs(z), (crand(3),), "complex, degrees"),
    OpCase("angle", lambda x: cr.angle(x) + x, (rand(3),), "of real x"),
    OpCase("real_if_close", lambda z: cr.real_if_close(z * 0j + cr.real(z)) ** 2, (crand(3),),
           "complex, close to real", covers=("real",)),
    OpCase("real_if_close", lambda z: cr.real_if_close(z) ** 2, (crand(3),),
           "complex, not close", covers=("multiply",)),
    OpCase("where", lambda z, w: cr.where(np.array([True, False, True]), z, w),
           (crand(3, seed=1), crand(3, seed=2)), "complex"),
    OpCase("astype", lambda x: cr.astype(x, np.complex128) * (1 + 2j), (rand(3),),
           "real to complex"),
    OpCase("copy", lambda z: square_all(cr.copy(z)), (crand(3),), "complex"),
]


REDUCTIONS = [
    OpCase("sum", lambda z: cr.sum(square_all(z), axis=1), (crand(2, 3),), "complex, axis 1"),
    OpCase("mean", lambda z: cr.mean(square_all(z), axis=-1), (crand(2, 3),), "complex, axis -1"),
    OpCase("prod", lambda z: cr.prod(z, axis=0), (crand(3, 2),), "complex, axis 0"),
    OpCase("prod", lambda z: cr.prod(z), (crand(4),), "complex, all"),
    OpCase("cumsum", lambda z: square_all(cr.cumsum(z, axis=0)), (crand(3, 2),), "complex"),
    OpCase("cumprod", lambda z: cr.cumprod(z, axis=1), (crand(2, 3),), "complex"),
    OpCase("var", lambda z: cr.var(z, axis=0), (crand(3, 2),), "complex, real result",
           covers=("real", "conjugate")),
    OpCase("var", lambda z: cr.var(z, ddof=1), (crand(4),), "complex, ddof 1",
           covers=("real", "conjugate")),
    OpCase("std", lambda z: cr.std(z, axis=-1), (crand(2, 3),), "complex",
           covers=("sqrt", "real")),
]

CONTRACTION = [
    OpCase("matmul", cr.matmul, (crand(2, 3, seed=1), crand(3, 2, seed=2)), "complex"),
    OpCase("matmul", cr.matmul, (rand(2, 3, seed=1), crand(3, seed=2)), "real @ complex"),
    OpCase("einsum", lambda a, b: cr.einsum("ij,jk->ik", a, b),
           (crand(2, 3, seed=1), crand(3, 2, seed=2)), "complex"),
    OpCase("dot", cr.dot, (crand(2, 3, seed=1), crand(3, seed=2)), "complex",
           covers=("matmul",)),
    OpCase("vdot", cr.vdot, (crand(2, 2, seed=1), crand(4, seed=2)), "complex, conjugates x",
           covers=("matmul", "conjugate")),
    OpCase("inner", cr.inner, (crand(2, 3, seed=1), crand(3, seed=2)), "complex",
           covers=("matmul",)),
    OpCase("outer", cr.outer, (crand(2, seed=1), crand(3, seed=2)), "complex",
           covers=("multiply",)),
    OpCase("tensordot", lambda a, b: cr.tensordot(a, b, axes=1),
           (crand(2, 3, seed=1), crand(3, 2, seed=2)), "complex", covers=("matmul",)),
    OpCase("trace", lambda a: cr.trace(square_all(a)), (crand(3, 3),), "complex"),
]

SHAPE = [
    OpCase("reshape", lambda z: square_all(cr.reshape(z, (3, 2))), (crand(2, 3),), "complex"),
    OpCase("transpose", lambda z: square_all(cr.transpose(z)), (crand(2, 3),), "complex"),
    OpCase("broadcast_to", lambda z: square_all(cr.broadcast_to(z, (2, 3))), (crand(3),),
           "complex"),
    OpCase("concatenate", lambda z, w: square_all(cr.concatenate([z, w])),
           (crand(2, seed=1), crand(3, seed=2)), "complex"),
    OpCase("stack", lambda z, w: square_all(cr.stack([z, w], axis=-1)),
           (crand(2, seed=1), rand(2, seed=2)), "complex with real", covers=("concatenate",)),
    OpCase("pad", lambda z: square_all(cr.pad(z, 1)), (crand(2),), "complex"),
    OpCase("getitem", lambda z: square_all(z[::-1, [0, 0]]), (crand(3, 2),), "complex"),
    OpCase("setitem", lambda z, w: square_all(cr.where(True, z, z))[0] + w,
           (crand(2, seed=1), crand(seed=2)), "complex", covers=("where", "getitem")),
    OpCase("flip", lambda z: square_all(cr.flip(z, 0)), (crand(3),), "complex",
           covers=("getitem",)),
    OpCase("roll", lambda z: square_all(cr.roll(z, 1)), (crand(3),), "complex",
           covers=("concatenate",)),
    OpCase("tile", lambda z: square_all(cr.tile(z, 2)), (crand(2),), "complex",
           covers=("broadcast_to",)),
    OpCase("split", lambda z: square_all(cr.split(z, 2)[1]), (crand(4),), "complex",
           covers=("getitem",)),
    OpCase("repeat", lambda z: square_all(cr.repeat(z, 2, axis=0)), (crand(2, 2),), "complex",
           covers=("getitem", "reshape", "broadcast_to")),
    OpCase("squeeze", lambda z: square_all(cr.squeeze(z)), (crand(1, 3),), "complex",
           covers=("reshape",)),
    OpCase("expand_dims", lambda z: square_all(cr.expand_dims(z, 0)), (crand(3),), "complex",
           covers=("reshape",)),
    OpCase("moveaxis", lambda z: square_all(cr.moveaxis(z, 0, -1)), (crand(2, 3),), "complex",
           covers=("transpose",)),
    OpCase("swapaxes", lambda z: square_all(cr.swapaxes(z, 0, 1)), (crand(2, 3),), "complex",
           covers=("transpose",)),
    OpCase("ravel", lambda z: square_all(cr.ravel(z)), (crand(2, 3),), "complex",
           covers=("reshape",)),
    OpCase("take", lambda z: square_all(cr.take(z, [2, 0, 2])), (crand(3),), "complex",
           covers=("getitem",)),
]


def _setitem_complex(z, w):
    z = z * cr.tensor(1.0)  # a tensor even where z is a constant array: x[i] = w records
    z[1] = w
    return z * z


SHAPE.append(OpCase("setitem", _setitem_complex, (crand(3, seed=1), crand(seed=2)),
                    "complex, x[i] = w"))


def _well_conditioned(n, seed=0):
    return crand(n, n, low=-0.5, high=0.5, seed=seed) + 3 * np.eye(n)


LINALG = [
    OpCase("inv", linalg.inv, (_well_conditioned(3),), "complex"),
    OpCase("solve", linalg.solve, (_well_conditioned(3), crand(3, 2, seed=2)), "complex"),
    OpCase("solve", linalg.solve, (_well_conditioned(3), rand(3, seed=2)), "complex a, real b"),
    OpCase("det", linalg.det, (_well_conditioned(3),), "complex", covers=("det", "cofactor")),
    OpCase("det", linalg.det, (crand(2, 2, 2),), "complex, batched",
           covers=("det", "cofactor")),
    OpCase("norm", linalg.norm, (crand(4),), "complex vector", covers=("l2_norm",)),
    OpCase("norm", lambda a: linalg.norm(a, "fro"), (crand(2, 3),), "complex, Frobenius",
           covers=("l2_norm",)),
    OpCase("norm", lambda a: linalg.norm(a, axis=-1, keepdims=True), (crand(2, 3),),
           "complex, axis -1", covers=("l2_norm",)),
    OpCase("norm", lambda a: linalg.norm(a, 1), (crand(4),), "complex, ord 1",
           covers=("abs",)),
    OpCase("norm", linalg.norm, (np.array([0j, 1 + 1j]),), "complex, a zero entry",
           covers=("l2_norm",)),
]

CASES = [*ELEMENTWISE, *REDUCTIONS, *CONTRACTION, *SHAPE, *LINALG]
