"""Ops with several outputs (eigh, svd, slogdet): declared once, computed once, one node each."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.graph import OutputNode
from chainrule.primitive import REGISTRY, multiple_outputs

SYMMETRIC = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.5]])


def counting_sincos(calls):
    def forward(x):
        calls.append(1)
        return np.sin(x), np.cos(x)

    def vjp(grad_outs, outs, x):
        grad_sin, grad_cos = (0 if g is None else g for g in grad_outs)
        return grad_sin * outs[1] - grad_cos * outs[0]

    return multiple_outputs(
        f"sincos_test_{len(REGISTRY)}", forward, ("sin", "cos"), vjp=vjp,
        jvp=lambda x_dot, outs, x: (x_dot * outs[1], -x_dot * outs[0]),
    )


def test_the_forward_runs_once_for_all_outputs():
    calls = []
    sincos = counting_sincos(calls)
    x = cr.tensor(0.3, requires_grad=True)
    sine, cosine = sincos(x)
    assert len(calls) == 1
    (sine * cosine).backward()
    np.testing.assert_allclose(x.grad.item(), np.cos(0.6))
    assert len(calls) == 1  # the rules read the saved outputs, never the forward again


def test_each_output_is_a_node_of_its_own_named_after_it():
    values, vectors = cr.linalg.eigh(cr.tensor(SYMMETRIC, requires_grad=True))
    assert isinstance(values.node, OutputNode) and isinstance(vectors.node, OutputNode)
    assert (values.op, vectors.op) == ("eigh.eigenvalues", "eigh.eigenvectors")
    assert values.node.siblings == [values.node, vectors.node]
    np.testing.assert_array_equal(values.node.value, np.linalg.eigh(SYMMETRIC)[0])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_sum_over_both_outputs_is_the_joint_derivative_to_second_order(mode):
    calls = []
    sincos = counting_sincos(calls)

    def f(x):
        sine, cosine = sincos(x)
        return sine**2 * cosine

    hessian = cr.hessian(f) if mode == "reverse" else cr.jacfwd(cr.jacfwd(f))
    x = 0.7
    # f = sin²x·cos x: f″ = 2cos³x − 7sin²x·cos x
    expected = 2 * np.cos(x) ** 3 - 7 * np.sin(x) ** 2 * np.cos(x)
    np.testing.assert_allclose(hessian(x), expected, rtol=1e-12)
    assert cr.gradcheck(f, np.array([0.3, 1.1]))


def test_an_output_without_derivative_carries_none():
    sign, logabsdet = cr.linalg.slogdet(cr.tensor(-SYMMETRIC, requires_grad=True))
    assert not sign.requires_grad and logabsdet.requires_grad
    assert cr.grad(lambda a: cr.linalg.slogdet(a)[0] * 1.0)(SYMMETRIC).sum() == 0


def test_on_plain_arrays_it_is_numpy():
    values, vectors = cr.linalg.eigh(SYMMETRIC)
    expected = np.linalg.eigh(SYMMETRIC)
    np.testing.assert_array_equal(values, expected[0])
    np.testing.assert_array_equal(vectors, expected[1])


def test_explain_names_each_output_step():
    # eigh reads A's lower triangle: v3 is the symmetric matrix it names (where of v1, v1ᵀ).
    text = cr.explain(lambda a: cr.sum(cr.linalg.eigh(a)[0]), SYMMETRIC).text()
    assert "eigh.eigenvalues(v3, UPLO='L')" in text
