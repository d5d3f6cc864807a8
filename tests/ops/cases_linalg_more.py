"""Op-table cases for the rest of numpy.linalg: pinv, lstsq, qr, matrix_power, multi_dot, cond,
tensorinv, tensorsolve, every order and axis of norm, eigh/eigvalsh reading one triangle, and
the array-API functions.

Inputs stay where the derivative exists: full rank, or a rank held constant by building the
matrix as a product B·C of thin factors (pinv and lstsq have no derivative where the rank
changes); no ties in the max/min of the norms; distinct eigenvalues for eigh's vectors.
"""

import numpy as np

from chainrule import linalg
from chainrule.ops.contraction import matmul
from tests.ops.cases_linalg import distinct_spectrum, well_conditioned
from tests.ops.optable import OpCase, rand


def _constant_rank(b, c):
    return matmul(b, c)


PINV_CASES = [
    OpCase("pinv", linalg.pinv, (rand(3, 3),), "square"),
    OpCase("pinv", linalg.pinv, (rand(4, 3),), "tall"),
    OpCase("pinv", linalg.pinv, (rand(3, 5),), "wide"),
    OpCase("pinv", linalg.pinv, (rand(2, 4, 3),), "batch"),
    OpCase("pinv", lambda a: linalg.pinv(a, rtol=None), (rand(3, 4),), "rtol=None"),
    OpCase("pinv", lambda b, c: linalg.pinv(_constant_rank(b, c)), (rand(4, 2), rand(2, 3)),
           "rank 2 of 3, held constant", covers=("pinv", "matmul")),
    OpCase("pinv", lambda a: linalg.pinv(a, hermitian=True), (well_conditioned(3, 3),),
           "hermitian, non-symmetric input", covers=("pinv", "where")),
    OpCase("pinv", linalg.pinv, (rand(0, 3),), "empty"),
]

LSTSQ_CASES = [
    OpCase("lstsq", lambda a, b: linalg.lstsq(a, b)[0], (rand(5, 3), rand(5)), "x, vector b"),
    OpCase("lstsq", lambda a, b: linalg.lstsq(a, b)[0], (rand(5, 3), rand(5, 2)), "x, matrix b"),
    OpCase("lstsq", lambda a, b: linalg.lstsq(a, b)[1], (rand(5, 3), rand(5)),
           "residuals, vector b"),
    OpCase("lstsq", lambda a, b: linalg.lstsq(a, b)[1], (rand(5, 3), rand(5, 2)),
           "residuals, matrix b"),
    OpCase("lstsq", lambda a, b: linalg.lstsq(a, b)[0] * linalg.lstsq(a, b)[1],
           (rand(4, 2), rand(4)), "x and residuals together"),
    OpCase("lstsq", lambda a, b: linalg.lstsq(a, b, rcond=1e-10)[0], (rand(3, 5), rand(3)),
           "wide: minimum-norm x, rcond"),
    OpCase("lstsq", lambda b, c, y: linalg.lstsq(_constant_rank(b, c), y)[0],
           (rand(5, 2), rand(2, 3), rand(5)), "rank 2 of 3, held constant",
           covers=("lstsq", "pinv", "matmul")),
]

QR_CASES = [
    OpCase("qr", lambda a: linalg.qr(a)[0], (rand(3, 3),), "Q, square"),
    OpCase("qr", lambda a: linalg.qr(a)[1], (rand(3, 3),), "R, square"),
    OpCase("qr", lambda a: linalg.qr(a).Q * 2 + linalg.qr(a).R[..., :1, :], (rand(5, 3),),
           "Q and R, tall"),
    OpCase("qr", lambda a: linalg.qr(a, "r"), (rand(2, 4, 3),), "mode 'r', batch"),
    OpCase("qr", lambda a: linalg.qr(a)[0] * linalg.qr(a)[1][..., :1], (rand(3, 5),),
           "Q and R, wide"),
    OpCase("qr", lambda a: linalg.qr(a, "complete")[1], (rand(2, 4),), "mode 'complete', wide"),
]

PRODUCT_CASES = [
    OpCase("matrix_power", lambda a, n=n: linalg.matrix_power(a, n), (well_conditioned(3, 3),),
           f"n={n}", covers=("matmul",) + (("inv",) if n < 0 else ()))
    for n in (1, 2, 3, 5, 6, -1, -3)
] + [
    OpCase("matrix_power", lambda a: linalg.matrix_power(a, 0), (rand(3, 3),), "n=0",
           covers=("where",)),
    OpCase("matrix_power", lambda a: linalg.matrix_power(a, 4), (rand(2, 2, 2),), "batch",
           covers=("matmul",)),
    OpCase("multi_dot", lambda a, b, c: linalg.multi_dot([a, b, c]),
           (rand(5, 2), rand(2, 6), rand(6, 3)), "three: (AB)C", covers=("matmul",)),
    OpCase("multi_dot", lambda a, b, c: linalg.multi_dot([a, b, c]),
           (rand(2, 6), rand(6, 3), rand(3, 1)), "three: A(BC)", covers=("matmul",)),
    OpCase("multi_dot", lambda a, b, c, d: linalg.multi_dot([a, b, c, d]),
           (rand(4), rand(4, 2), rand(2, 3), rand(3)), "vectors at both ends",
           covers=("matmul",)),
    OpCase("multi_dot", lambda a, b: linalg.multi_dot([a, b]), (rand(3, 2), rand(2)), "two",
           covers=("matmul",)),
]

CONDITIONING_CASES = [
    OpCase("cond", linalg.cond, (rand(3, 3),), "p None", covers=("svdvals", "divide")),
    OpCase("cond", lambda a: linalg.cond(a, -2), (rand(2, 3, 4),), "p -2, batch, wide",
           covers=("svdvals",)),
    OpCase("cond", lambda a: linalg.cond(a, "fro"), (rand(3, 3),), "p fro",
           covers=("inv", "l2_norm")),
    OpCase("cond", lambda a: linalg.cond(a, 1), (rand(3, 3),), "p 1", covers=("inv", "max")),
    OpCase("cond", lambda a: linalg.cond(a, -np.inf), (rand(2, 3, 3),), "p -inf, batch",
           covers=("inv", "min")),
    OpCase("cond", lambda a: linalg.cond(a, "nuc"), (rand(3, 3),), "p nuc",
           covers=("inv", "svdvals")),
    OpCase("tensorinv", linalg.tensorinv, (well_conditioned(6, 6).reshape(2, 3, 6),), "ind 2",
           covers=("inv", "reshape")),
    OpCase("tensorinv", lambda a: linalg.tensorinv(a, ind=1),
           (well_conditioned(4, 4).reshape(4, 2, 2),), "ind 1", covers=("inv",)),
    OpCase("tensorsolve", linalg.tensorsolve,
           (well_conditioned(6, 6).reshape(2, 3, 6), rand(2, 3)), "b 2-d", covers=("solve",)),
    OpCase("tensorsolve", lambda a, b: linalg.tensorsolve(a, b, axes=(0,)),
           (np.moveaxis(well_conditioned(4, 4).reshape(4, 2, 2), 2, 0), rand(4)), "axes",
           covers=("solve",)),
]

# Every order NumPy accepts, with each kind of axis: None, an int (negative too), a pair.
VECTOR_ORDERS = (None, 2, 1, -1, np.inf, -np.inf, 0, 0.5, 3, -2.5)
MATRIX_ORDERS = (None, "fro", "f", "nuc", 2, -2, 1, -1, np.inf, -np.inf)
NORM_CASES = [
    OpCase("norm", lambda x, o=order: linalg.norm(x, o), (rand(5, low=0.2) * [1, -1, 1, 1, -1],),
           f"vector ord {order}", covers=("abs",))
    for order in VECTOR_ORDERS
] + [
    OpCase("norm", lambda x, o=order: linalg.norm(x, o, axis=-2, keepdims=True), (rand(3, 4),),
           f"vector ord {order}, axis -2, keepdims", covers=("abs",))
    for order in VECTOR_ORDERS
] + [
    OpCase("norm", lambda x, o=order: linalg.norm(x, o), (rand(3, 4),), f"matrix ord {order}",
           covers=("abs",))
    for order in MATRIX_ORDERS
] + [
    OpCase("norm", lambda x, o=order: linalg.norm(x, o, axis=(2, -3), keepdims=True),
           (rand(4, 2, 3),), f"matrix ord {order}, axes (2, -3), keepdims", covers=("abs",))
    for order in MATRIX_ORDERS
] + [
    OpCase("norm", lambda x: linalg.norm(x, keepdims=True), (rand(2, 3, 2),),
           "axis None, 3-d, keepdims", covers=("l2_norm",)),
    OpCase("matrix_norm", lambda x: linalg.matrix_norm(x, ord="nuc", keepdims=True),
           (rand(2, 3, 3),), "nuc, keepdims", covers=("svdvals",)),
    OpCase("matrix_norm", linalg.matrix_norm, (rand(2, 3, 4),), "fro", covers=("l2_norm",)),
    OpCase("vector_norm", linalg.vector_norm, (rand(2, 3),), "axis None", covers=("l2_norm",)),
    OpCase("vector_norm", lambda x: linalg.vector_norm(x, axis=(0, 2), ord=3, keepdims=True),
           (rand(2, 3, 2),), "axes (0, 2), ord 3, keepdims", covers=("power",)),
    OpCase("vector_norm", lambda x: linalg.vector_norm(x, axis=-1, ord=np.inf), (rand(2, 3),),
           "axis -1, ord inf", covers=("max",)),
]

TRIANGLE_CASES = [
    OpCase("eigvalsh", lambda a, u=uplo: linalg.eigvalsh(a, u), (distinct_spectrum(3, 3),),
           f"UPLO {uplo}, non-symmetric input", covers=("eigvalsh", "eigh", "where"))
    for uplo in ("L", "U")
] + [
    OpCase("eigh", lambda a, u=uplo: linalg.eigh(a, u)[1] ** 2 + linalg.eigh(a, u)[0][..., None],
           (distinct_spectrum(2, 3, 3),), f"UPLO {uplo}, non-symmetric batch",
           covers=("eigh", "where"))
    for uplo in ("L", "U")
]

ARRAY_API_CASES = [
    OpCase("linalg.matmul", linalg.matmul, (rand(2, 3, 4), rand(4, 2)), "batch",
           covers=("matmul",)),
    OpCase("linalg.tensordot", lambda x, y: linalg.tensordot(x, y, axes=1),
           (rand(2, 3), rand(3, 2)), "axes 1", covers=("matmul",)),
    OpCase("linalg.outer", linalg.outer, (rand(3), rand(2)), "vectors", covers=("multiply",)),
    OpCase("vecdot", linalg.vecdot, (rand(2, 3), rand(4, 1, 3)), "broadcast",
           covers=("matmul",)),
    OpCase("vecdot", lambda x, y: linalg.vecdot(x, y, axis=0), (rand(3, 2), rand(3, 2)),
           "axis 0", covers=("matmul",)),
    OpCase("cross", linalg.cross, (rand(2, 3), rand(3)), "broadcast", covers=("multiply",)),
    OpCase("cross", lambda x, y: linalg.cross(x, y, axis=0), (rand(3, 2), rand(3, 2)), "axis 0",
           covers=("multiply", "subtract")),
    OpCase("linalg.trace", lambda x: linalg.trace(x, offset=1), (rand(2, 3, 4),), "offset 1",
           covers=("trace",)),
    OpCase("diagonal", lambda x: linalg.diagonal(x, offset=-1), (rand(2, 3, 4),), "offset -1",
           covers=("getitem",)),
    OpCase("diagonal", linalg.diagonal, (rand(3, 3),), "main", covers=("getitem",)),
    OpCase("matrix_transpose", linalg.matrix_transpose, (rand(2, 3, 4),), "batch",
           covers=("transpose",)),
    OpCase("svdvals", np.linalg.svdvals, (rand(2, 3, 2),), "NumPy's name", covers=("svdvals",)),
]

CASES = (PINV_CASES + LSTSQ_CASES + QR_CASES + PRODUCT_CASES + CONDITIONING_CASES + NORM_CASES
         + TRIANGLE_CASES + ARRAY_API_CASES)
