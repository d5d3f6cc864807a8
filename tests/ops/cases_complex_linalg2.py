"""Op-table cases in complex128 for the rest of numpy.linalg: cond, matrix_power, multi_dot,
tensorinv, tensorsolve, cross, the norms of every order, pinv, lstsq and qr.

Inputs stay where the derivative exists: invertible or full-rank matrices (or a rank held
constant by a product of thin factors), no ties in the max/min of the norms. QR's columns of Q
carry a phase chosen by LAPACK (R's diagonal real); the cases check functions that do not
depend on it as well as Q and R themselves, whose derivative holds that convention.
"""

import numpy as np

import chainrule as cr
from chainrule import linalg
from chainrule.ops.contraction import matmul
from chainrule.ops.elementwise import arithmetic
from tests.ops.cases_complex import crand
from tests.ops.optable import OpCase


def invertible(*shape, seed=0):
    return crand(*shape, seed=seed) + 3 * np.eye(shape[-1])


def _constant_rank(b, c):
    return matmul(b, c)


COMPOSITE_CASES = [
    OpCase("cond", linalg.cond, (crand(3, 3, seed=50),), "complex, p None",
           covers=("svdvals", "divide")),
    OpCase("cond", lambda a: linalg.cond(a, -2), (crand(2, 3, 4, seed=51),),
           "complex, p -2, batch, wide", covers=("svdvals",)),
    OpCase("cond", lambda a: linalg.cond(a, "fro"), (invertible(3, 3, seed=52),),
           "complex, p fro", covers=("inv", "l2_norm")),
    OpCase("cond", lambda a: linalg.cond(a, 1), (invertible(3, 3, seed=53),), "complex, p 1",
           covers=("inv", "max")),
    OpCase("cond", lambda a: linalg.cond(a, -np.inf), (invertible(2, 3, 3, seed=54),),
           "complex, p -inf, batch", covers=("inv", "min")),
    OpCase("cond", lambda a: linalg.cond(a, "nuc"), (invertible(3, 3, seed=55),),
           "complex, p nuc", covers=("inv", "svdvals")),
] + [
    OpCase("matrix_power", lambda a, n=n: linalg.matrix_power(a, n), (invertible(3, 3, seed=56),),
           f"complex, n={n}", covers=("matmul",) + (("inv",) if n < 0 else ()))
    for n in (2, 5, -3)
] + [
    OpCase("matrix_power", lambda a: linalg.matrix_power(a, 0), (crand(3, 3, seed=57),),
           "complex, n=0", covers=("where",)),
    OpCase("matrix_power", lambda a: linalg.matrix_power(a, 4), (crand(2, 2, 2, seed=58),),
           "complex, batch", covers=("matmul",)),
    OpCase("multi_dot", lambda a, b, c: linalg.multi_dot([a, b, c]),
           (crand(5, 2, seed=59), crand(2, 6, seed=60), crand(6, 3, seed=61)),
           "complex, three: (AB)C", covers=("matmul",)),
    OpCase("multi_dot", lambda a, b, c, d: linalg.multi_dot([a, b, c, d]),
           (crand(4, seed=62), crand(4, 2, seed=63), np.ones((2, 3)), crand(3, seed=64)),
           "complex and real, vectors at both ends", covers=("matmul",)),
    OpCase("tensorinv", linalg.tensorinv, (invertible(6, 6, seed=65).reshape(2, 3, 6),),
           "complex, ind 2", covers=("inv", "reshape")),
    OpCase("tensorsolve", linalg.tensorsolve,
           (invertible(6, 6, seed=66).reshape(2, 3, 6), crand(2, 3, seed=67)), "complex, b 2-d",
           covers=("solve",)),
    OpCase("tensorsolve", lambda a, b: linalg.tensorsolve(a, b, axes=(0,)),
           (np.moveaxis(invertible(4, 4, seed=68).reshape(4, 2, 2), 2, 0), crand(4, seed=69)),
           "complex, axes", covers=("solve",)),
    OpCase("cross", linalg.cross, (crand(2, 3, seed=70), crand(3, seed=71)),
           "complex, broadcast", covers=("multiply", "subtract")),
    OpCase("vecdot", linalg.vecdot, (crand(2, 3, seed=77), crand(3, seed=78)),
           "complex, conjugates x1, broadcast", covers=("conjugate", "matmul")),
    OpCase("vecdot", lambda a, b: linalg.vecdot(a, b, axis=0), (crand(3, 2, seed=79), crand(3, 2)),
           "complex, axis 0", covers=("conjugate", "matmul")),
    OpCase("cross", lambda a, b: linalg.cross(a, b, axis=0), (crand(3, 2, seed=72), crand(3, 2)),
           "complex, axis 0", covers=("multiply", "subtract")),
]

# The norms are of |z|, so real; every order NumPy accepts.
VECTOR_ORDERS = (None, 2, 1, -1, np.inf, -np.inf, 0.5, 3, -2.5)
MATRIX_ORDERS = (None, "fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf)
NORM_CASES = [
    OpCase("norm", lambda x, o=order: linalg.norm(x, o), (crand(5, seed=73),),
           f"complex, vector ord {order}", covers=("abs",))
    for order in VECTOR_ORDERS
] + [
    OpCase("norm", lambda x, o=order: linalg.norm(x, o, axis=(2, -3), keepdims=True),
           (crand(4, 2, 3, seed=74),), f"complex, matrix ord {order}, axes (2, -3), keepdims",
           covers=("abs",))
    for order in MATRIX_ORDERS
] + [
    OpCase("matrix_norm", lambda x: linalg.matrix_norm(x, ord=1), (crand(2, 3, 4, seed=75),),
           "complex, ord 1", covers=("abs",)),
    OpCase("vector_norm", lambda x: linalg.vector_norm(x, axis=(0, 2), ord=3, keepdims=True),
           (crand(2, 3, 2, seed=76),), "complex, axes (0, 2), ord 3, keepdims",
           covers=("abs",)),
]

CASES = COMPOSITE_CASES + NORM_CASES

PINV_CASES = [
    OpCase("pinv", linalg.pinv, (crand(3, 3, seed=80),), "complex, square"),
    OpCase("pinv", linalg.pinv, (crand(4, 3, seed=81),), "complex, tall"),
    OpCase("pinv", linalg.pinv, (crand(3, 5, seed=82),), "complex, wide"),
    OpCase("pinv", linalg.pinv, (crand(2, 4, 3, seed=83),), "complex, batch"),
    OpCase("pinv", lambda b, c: linalg.pinv(_constant_rank(b, c)),
           (crand(4, 2, seed=84), crand(2, 3, seed=85)), "complex, rank 2 of 3, held constant",
           covers=("pinv", "matmul")),
    OpCase("pinv", lambda a: linalg.pinv(a, hermitian=True), (invertible(3, 3, seed=86),),
           "complex, hermitian, non-Hermitian input", covers=("pinv", "where")),
    OpCase("pinv", linalg.pinv, (np.zeros((0, 3), complex),), "complex, empty"),
]

CASES += PINV_CASES

LSTSQ_CASES = [
    OpCase("lstsq", lambda a, b: linalg.lstsq(a, b)[0], (crand(5, 3, seed=90), crand(5, seed=91)),
           "complex, x, vector b"),
    OpCase("lstsq", lambda a, b: linalg.lstsq(a, b)[0],
           (crand(5, 3, seed=92), crand(5, 2, seed=93)), "complex, x, matrix b"),
    OpCase("lstsq", lambda a, b: linalg.lstsq(a, b)[1], (crand(5, 3, seed=94), crand(5, seed=95)),
           "complex, residuals, vector b"),
    OpCase("lstsq", lambda a, b: linalg.lstsq(a, b)[1],
           (crand(5, 3, seed=96), crand(5, 2, seed=97)), "complex, residuals, matrix b"),
    OpCase("lstsq", lambda a, b: linalg.lstsq(a, b)[0] * linalg.lstsq(a, b)[1],
           (crand(4, 2, seed=98), crand(4, seed=99)), "complex, x and residuals together"),
    OpCase("lstsq", lambda a, b: linalg.lstsq(a, b, rcond=1e-10)[0],
           (crand(3, 5, seed=100), crand(3, seed=101)), "complex, wide: minimum-norm x, rcond"),
    OpCase("lstsq", lambda a, b: linalg.lstsq(a, b)[0] + linalg.lstsq(a, b)[1],
           (crand(5, 3, seed=102).real, crand(5, seed=103)), "real a, complex b"),
    OpCase("lstsq", lambda a, b: linalg.lstsq(a, b)[0] + linalg.lstsq(a, b)[1],
           (crand(5, 3, seed=104), crand(5, seed=105).real), "complex a, real b"),
    OpCase("lstsq", lambda b, c, y: linalg.lstsq(_constant_rank(b, c), y)[0],
           (crand(5, 2, seed=106), crand(2, 3, seed=107), crand(5, seed=108)),
           "complex, rank 2 of 3, held constant", covers=("lstsq", "pinv", "matmul")),
]

CASES += LSTSQ_CASES


def _qr_product(a):
    q, r = linalg.qr(a)
    return matmul(q, r * r)


def _qr_moduli(a):
    q, r = linalg.qr(a)
    return arithmetic.abs(q) ** 2 * arithmetic.abs(r[..., :1, :1]) ** 2


def _r_diagonal_modulus(a):
    r = linalg.qr(a, "r")
    return arithmetic.abs(cr.diagonal(r, axis1=-2, axis2=-1))


QR_CASES = [
    OpCase("qr", lambda a: linalg.qr(a)[0], (crand(3, 3, seed=110),), "complex, Q, square"),
    OpCase("qr", lambda a: linalg.qr(a)[1], (crand(3, 3, seed=111),), "complex, R, square"),
    OpCase("qr", _qr_product, (crand(5, 3, seed=112),), "complex, Q·(R∘R), tall"),
    OpCase("qr", _qr_moduli, (crand(2, 4, 3, seed=113),), "complex, |Q|²·|R₁₁|², tall batch"),
    OpCase("qr", _r_diagonal_modulus, (crand(4, 3, seed=114),), "complex, mode 'r', |diag R|"),
    OpCase("qr", lambda a: linalg.qr(a)[0] * linalg.qr(a)[1][..., :1], (crand(3, 5, seed=115),),
           "complex, Q and R, wide"),
    OpCase("qr", _qr_product, (crand(2, 2, 4, seed=116),), "complex, Q·(R∘R), wide batch"),
    OpCase("qr", lambda a: linalg.qr(a, "complete")[1], (crand(2, 4, seed=117),),
           "complex, mode 'complete', wide"),
]

CASES += QR_CASES
