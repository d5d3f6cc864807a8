"""Batched Jacobians: one sweep for all rows, equal to the row-by-row sweeps, never wrong.

The row-by-row result (chunk_size=1) is the reference: for every op-table case the batched
Jacobian must equal it, to first and second order, in both modes.
"""

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.transforms import blocks
from tests.ops.optable import all_cases, real_view

MODES = ("reverse", "forward")


CASES = [real_view(case) for case in all_cases()]


def along(case, i):
    """The case as a function of its argument i alone (the others as constant tensors)."""

    def f(value):
        args = [cr.tensor(a) if isinstance(a, np.ndarray) else a for a in case.args]
        args[i] = value
        return case.fn(*args)

    return f


def floating_positions(case):
    return [i for i, a in enumerate(case.args) if isinstance(a, np.ndarray) and a.dtype.kind == "f"]


def assert_batched_equals_rows(f, x):
    for mode in MODES:
        batched = cr.jacobian(f, mode=mode)(x)
        rows = cr.jacobian(f, mode=mode, chunk_size=1)(x)
        np.testing.assert_allclose(
            batched, rows, rtol=1e-10, atol=1e-12, equal_nan=True, err_msg=f"{mode} mode"
        )


def gradient_along(f, cotangent):
    return lambda v: cr.vjp(f, v)[1](cotangent)[0]


def tangent_along(f, direction):
    return lambda v: cr.jvp(f, (v,), (direction,))[1]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_batched_jacobians_equal_row_by_row_to_second_order(case):
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # domain edges are the op table's business
        for i in floating_positions(case):
            f, x = along(case, i), case.args[i]
            assert_batched_equals_rows(f, x)
            if case.order < 2:  # only once differentiable there (the op table's order)
                continue
            out_shape = np.shape(cr.transforms.lower(f(x)))
            cotangent = rng.standard_normal(out_shape)
            direction = rng.standard_normal(x.shape)
            assert_batched_equals_rows(gradient_along(f, cotangent), x)
            assert_batched_equals_rows(tangent_along(f, direction), x)


def no_row_sweeps(monkeypatch):
    def refuse(*args):
        raise AssertionError("a row was swept on its own")

    monkeypatch.setattr(blocks, "_pull_row", refuse)
    monkeypatch.setattr(blocks, "_push_row", refuse)


rng = np.random.default_rng(3)
N = 30
W1 = rng.standard_normal((N, N)) / np.sqrt(N)
W2 = rng.standard_normal((N, N)) / np.sqrt(N)
X = rng.standard_normal(N)


def two_layers(x):
    return cr.tanh(W2 @ cr.tanh(W1 @ x))


def two_layers_jacobian(x):
    h1 = np.tanh(W1 @ x)
    h2 = np.tanh(W2 @ h1)
    return ((1 - h2 * h2)[:, None] * W2) @ ((1 - h1 * h1)[:, None] * W1)


@pytest.mark.parametrize("mode", MODES)
def test_network_jacobian_takes_one_batched_sweep(mode, monkeypatch):
    no_row_sweeps(monkeypatch)
    jac = cr.jacobian(two_layers, mode=mode)(X)
    np.testing.assert_allclose(jac, two_layers_jacobian(X), rtol=1e-12, atol=1e-14)


def test_hessian_takes_one_batched_sweep(monkeypatch):
    no_row_sweeps(monkeypatch)
    hess = cr.hessian(lambda x: cr.sum(cr.tanh(W1 @ x) ** 2))(X)
    t = np.tanh(W1 @ X)
    expected = W1.T @ ((2 * (1 - t * t) * (1 - 3 * t * t))[:, None] * W1)
    np.testing.assert_allclose(hess, expected, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("mode", MODES)
def test_jacobians_are_arrays_of_their_own(mode):
    # The identity seed times W is W itself inside the sweep; what comes back must be a copy,
    # and two outputs that are one value must not share their blocks.
    linear = cr.jacobian(lambda x: W1 @ x, mode=mode)(X)
    np.testing.assert_array_equal(linear, W1)
    assert not np.shares_memory(linear, W1)
    first, second = cr.jacobian(lambda x: (y := cr.tanh(W1 @ x), y), mode=mode)(X)
    np.testing.assert_array_equal(first, second)
    assert not np.shares_memory(first, second)


@pytest.mark.parametrize("chunk_size", [1, 2, 7, 29, 30, 100])
@pytest.mark.parametrize("mode", MODES)
def test_chunks_give_the_same_jacobian(chunk_size, mode):
    jac = cr.jacobian(two_layers, mode=mode, chunk_size=chunk_size)(X)
    np.testing.assert_allclose(jac, two_layers_jacobian(X), rtol=1e-12, atol=1e-14)


def _scaled_forward(x):
    return 2 * x


# A rule that reads its cotangent as one array cannot carry a batch: the batched sweep stops
# there, and the rows are swept one by one instead. (Not registered: it is no op of the table.)
_not_batchable = cr.Primitive(
    "scaled_by_two_test_only",
    _scaled_forward,
    (lambda grad_out, out, x: 2 * np.asarray(grad_out),),
    (lambda x_dot, out, x: 2 * np.asarray(x_dot),),
    register=False,
)


@pytest.mark.parametrize("mode", MODES)
def test_a_rule_that_cannot_batch_falls_back_to_rows(mode, monkeypatch):
    swept = []
    for name in ("_pull_row", "_push_row"):
        real = getattr(blocks, name)
        monkeypatch.setattr(blocks, name, lambda *a, real=real: swept.append(1) or real(*a))
    jac = cr.jacobian(lambda x: cr.sin(_not_batchable(x)), mode=mode)(np.array([0.1, 0.2, 0.3]))
    np.testing.assert_allclose(jac, np.diag(2 * np.cos(2 * np.array([0.1, 0.2, 0.3]))))
    assert len(swept) == 3


def test_jacobian_inside_another_transform_is_swept_row_by_row():
    def trace_of_jacobian(x):
        return cr.trace(cr.jacobian(lambda v: cr.sin(v) * x)(x))

    x = np.array([0.3, 0.5])
    # trace = Σⱼ cos(xⱼ)·xⱼ, whose derivative is cos xᵢ − xᵢ·sin xᵢ
    expected = np.cos(x) - x * np.sin(x)
    np.testing.assert_allclose(cr.grad(trace_of_jacobian)(x), expected, rtol=1e-12)
