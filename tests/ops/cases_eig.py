"""Op-table cases for linalg.eig and eigvals: real matrices with real and with complex
eigenvalues, complex matrices, batches. Eigenvalues are distinct; an eigenvector's phase (sign)
is arbitrary, so the vectors' cases check phase-free functions of them: |vᵢⱼ|², ratios of
entries of one vector, and V·diag(λ²)·V⁻¹.
"""

import numpy as np

from chainrule import linalg
from chainrule.ops.contraction import matmul
from chainrule.ops.elementwise import arithmetic
from tests.ops.cases_complex import crand
from tests.ops.optable import OpCase, rand


def squared_moduli(a):
    vectors = linalg.eig(a)[1]
    return arithmetic.abs(vectors) ** 2


def entry_ratios(a):
    vectors = linalg.eig(a)[1]
    return vectors[..., 1:, :] / vectors[..., :1, :]


def squared_reconstruction(a):
    values, vectors = linalg.eig(a)
    return matmul(vectors * (values * values)[..., None, :], linalg.inv(vectors))


ROTATION_LIKE = np.array([[0.3, -1.2, 0.1], [1.1, 0.2, 0.4], [0.0, 0.5, -0.8]])
MATRICES = [
    ("real eigenvalues", rand(3, 3, seed=11)),
    ("complex eigenvalues of a real matrix", ROTATION_LIKE),
    ("complex", crand(3, 3, seed=12)),
    ("complex, batch of 2", crand(2, 3, 3, seed=13)),
    ("real, 1x1", rand(1, 1, seed=14)),
]

CASES = [
    *(OpCase("eig", lambda a: linalg.eig(a)[0], (m,), f"values, {kind}") for kind, m in MATRICES),
    *(OpCase("eig", squared_moduli, (m,), f"|v|², {kind}") for kind, m in MATRICES),
    *(OpCase("eig", entry_ratios, (m,), f"vector ratios, {kind}") for kind, m in MATRICES[:4]),
    OpCase("eig", squared_reconstruction, (crand(3, 3, seed=15),), "V·diag(λ²)·V⁻¹, complex",
           covers=("eig", "inv")),
    *(OpCase("eigvals", linalg.eigvals, (m,), kind) for kind, m in MATRICES),
    OpCase("eigvals", lambda a: linalg.eigvals(a) ** 2, (rand(4, 4, seed=16),), "squared"),
]
